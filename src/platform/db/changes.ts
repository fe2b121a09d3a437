// Knowing that data changed, so that a cache of computed figures never serves what a commit has
// made stale. A version number goes up on every change this process can see:
//  - after every transaction this process commits (Database.tx), before its caller goes on;
//  - when another process (a command, another server) commits a change: statement triggers on
//    the tables the figures come from send NOTIFY marz_changed (delivered at commit), and a
//    dedicated connection listens for it — the same on the embedded engine and on a server.
// A cache may only be used while `reliable` (watching has started and the listening connection
// is up); it keeps each value with the version it was computed under and uses it only while the
// version has not moved.
import pg from 'pg';

export const CHANGES_CHANNEL = 'marz_changed';

export class Changes {
  version = 0;
  reliable = false;
  bump() {
    this.version++;
  }
}

/**
 * Listens on PostgreSQL for changes committed by other processes; returns a stop function. A lost
 * connection makes the cache unreliable (so unused) until a new one listens, tried every second.
 */
export async function listenOnServer(changes: Changes, config: pg.ClientConfig): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = async () => {
    const c = new pg.Client(config);
    let gone = false;
    // Called once per connection, on its error, its end or a failed start.
    const lost = () => {
      if (gone) return;
      gone = true;
      changes.reliable = false;
      changes.bump();
      if (client === c) client = null;
      c.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect().catch(() => {}), 1000);
    };
    c.on('notification', () => changes.bump());
    c.on('error', lost);
    c.on('end', lost);
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (e) {
      lost();
      throw e;
    }
    client = c;
    // Changes made while nobody listened are not known: everything cached before is dropped.
    changes.bump();
    changes.reliable = true;
  };
  try {
    await connect();
  } catch (e) {
    stopped = true; // the caller fails to start: no retries behind its back
    if (retry) clearTimeout(retry);
    throw e;
  }
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    changes.reliable = false;
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  };
}
