// COPY FROM STDIN and COPY TO STDOUT over node-postgres without pg-copy-streams: a minimal
// "submittable" query object that speaks the copy sub-protocol on the client's connection.
// Works on a PostgreSQL server connection; PGlite's node-postgres adapter accepts the same
// calls (see copyFromBlob / copyToBlob for PGlite's own /dev/blob route, which is faster there).
import type pg from 'pg';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

type Callback = (err: Error | null, result?: { rowCount: number }) => void;

class CopySubmittable {
  callback: Callback | undefined;
  private error: Error | null = null;
  private done = false;
  private rowCount = 0;
  constructor(
    private readonly text: string,
    private readonly source: AsyncIterable<Uint8Array | string> | null,
    private readonly sink: Writable | null,
  ) {}

  submit(connection: any) {
    connection.query(this.text);
  }

  async handleCopyInResponse(connection: any) {
    if (!this.source) return connection.sendCopyFail('no source');
    try {
      for await (const chunk of this.source) {
        connection.sendCopyFromChunk(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        const s = connection.stream;
        if (s && s.writableNeedDrain) await once(s, 'drain');
      }
      connection.endCopyFrom();
    } catch (e) {
      this.error = e as Error;
      connection.sendCopyFail(String((e as Error).message ?? e));
    }
  }

  private paused: { resume(): void } | null = null;
  private readonly resume = () => {
    this.paused?.resume();
    this.paused = null;
  };
  handleCopyData(msg: any, connection: any) {
    if (!this.sink) return;
    // The message's bytes are a view of node-postgres's read buffer, which is reused: copy them.
    if (!this.sink.write(Buffer.from(msg.chunk)) && !this.paused) {
      const s = connection.stream;
      if (s && typeof s.pause === 'function') {
        this.paused = s;
        s.pause();
        this.sink.once('drain', this.resume);
      }
    }
  }

  handleCommandComplete(msg: any) {
    const m = /(\d+)$/.exec(msg.text ?? '');
    if (m) this.rowCount = Number(m[1]);
  }

  handleReadyForQuery() {
    this.finish(this.error);
  }

  handleError(err: Error) {
    this.finish(this.error ?? err);
  }

  private finish(err: Error | null) {
    if (this.done) return;
    this.done = true;
    // The sink may never drain again once it is ended: never leave the connection paused.
    this.sink?.removeListener('drain', this.resume);
    this.resume();
    this.callback?.(err, { rowCount: this.rowCount });
  }

  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
}

function run(client: pg.ClientBase, q: CopySubmittable): Promise<number> {
  return new Promise((resolve, reject) => {
    q.callback = (err, res) => (err ? reject(err) : resolve(res!.rowCount));
    (client as any).query(q);
  });
}

/** `COPY … FROM STDIN`, fed from an async iterable of bytes; resolves with the row count. */
export function copyFrom(client: pg.ClientBase, sql: string, source: AsyncIterable<Uint8Array | string>): Promise<number> {
  return run(client, new CopySubmittable(sql, source, null));
}

/** `COPY … TO STDOUT` into a writable stream; resolves with the row count once all data is written. */
export async function copyTo(client: pg.ClientBase, sql: string, sink: Writable): Promise<number> {
  const n = await run(client, new CopySubmittable(sql, null, sink));
  return n;
}
