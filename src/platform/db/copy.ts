// COPY … FROM STDIN and COPY … TO STDOUT on a pool client, through pg-copy-streams: the fastest
// way in and out of PostgreSQL, used by imports, exports and the benchmark's references.
import type pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import { from as copyFromStream, to as copyToStream } from 'pg-copy-streams';

/** Streams `source` (a COPY-format byte or string stream) into `COPY … FROM STDIN`; returns the rows copied. */
export async function copyIn(client: pg.PoolClient | pg.Client, sql: string, source: Iterable<Buffer | string> | AsyncIterable<Buffer | string> | Readable): Promise<number> {
  const stream = client.query(copyFromStream(sql));
  await pipeline(source instanceof Readable ? source : Readable.from(source), stream);
  return stream.rowCount ?? 0;
}

/** Streams `COPY … TO STDOUT` into `sink` (which is left open when `end` is false); returns the rows copied. */
export async function copyOut(client: pg.PoolClient | pg.Client, sql: string, sink: Writable, end = true): Promise<number> {
  const stream = client.query(copyToStream(sql));
  await pipeline(stream, sink, { end });
  return stream.rowCount ?? 0;
}

/** One value in COPY's text format: \N for null, and backslash, tab, newline and CR escaped. */
export function copyText(v: string | number | null | undefined): string {
  if (v == null) return '\\N';
  if (typeof v === 'number') return String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
}

/** The value of a field in COPY's text format (copyText's inverse): null for \N, escapes undone. */
export function fromCopyText(v: string): string | null {
  if (v === '\\N') return null;
  if (!v.includes('\\')) return v;
  return v.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}
