// One way to talk to the database in both modes: a node-postgres pool on a PostgreSQL server —
// the embedded one Marz runs itself in MARZ_DATA_DIR (embedded.ts), or the server of DATABASE_URL.
import pg from 'pg';
import { Changes, listenOnServer } from './changes.ts';
import { Lease, hasPgliteData, EmbeddedError } from './embedded.ts';

// Dates stay strings ('YYYY-MM-DD'): a calendar date has no time zone to shift it.
pg.types.setTypeParser(1082, (v) => v);
// bigint counts are returned as numbers (counts stay far below 2^53).
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export type Engine = 'embedded' | 'postgresql';
/** Anything that runs SQL: the Database, or a transaction's client. */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export class Database {
  constructor(
    readonly pool: pg.Pool,
    readonly engine: Engine,
    private readonly onClose: () => Promise<void> = async () => {},
    /** Every change this process can see (for caches; see changes.ts). */
    readonly changes: Changes = new Changes(),
  ) {}

  /** Starts following changes made by other processes, so caches may be used; returns a stop function. */
  watchChanges(): Promise<() => Promise<void>> {
    return listenOnServer(this.changes, (this.pool as any).options);
  }

  query<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, params as any[]);
  }

  async many<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<R[]> {
    return (await this.query<R>(text, params)).rows;
  }

  async one<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<R | undefined> {
    return (await this.query<R>(text, params)).rows[0];
  }

  /** Runs fn in one transaction on one connection; fn must use the client it is given. */
  async tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      this.changes.bump();
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async close() {
    await this.pool.end().catch(() => {});
    await this.onClose();
  }
}

function newPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => {}); // a dropped idle connection is replaced on next use
  return pool;
}

/** A PostgreSQL server by URL (DATABASE_URL) or connection settings. */
export function connectServer(target: string | pg.ClientConfig, max = 10, engine: Engine = 'postgresql'): Database {
  // A pool's options keep the password as a hidden property, which spreading would drop.
  const config = typeof target === 'string' ? { connectionString: target } : { ...target, password: target.password };
  return new Database(newPool({ ...config, max }), engine);
}

export interface EmbeddedOptions {
  dataDir: string;
  /** What this process is, shown to a second `marz serve` that is refused (e.g. "marz serve pid 123"). */
  command: string;
  /** `marz serve`: one per data directory, and PostgreSQL restarted if it dies under it. */
  serve?: boolean;
  max?: number;
  /** One line about the engine's life (a restart after PostgreSQL died). */
  log?: (line: string) => void;
}

/**
 * The embedded PostgreSQL of a data directory, started when no Marz process runs it yet (and
 * initialised when the directory is new). Closing the Database stops PostgreSQL when this was
 * the last Marz process using it.
 */
export async function openEmbedded(o: EmbeddedOptions): Promise<Database> {
  if (hasPgliteData(o.dataDir)) {
    throw new EmbeddedError(
      `${o.dataDir} holds a database of an earlier Marz (PGlite). Move it to the new engine once with: npx marz upgrade-data-dir (see README, "Upgrading from PGlite").`,
    );
  }
  const appName = `marz ${o.command} (pid ${process.pid})`;
  const { lease, config } = await Lease.take(o.dataDir, appName);
  if (o.serve) {
    try {
      await lease.claimServe();
    } catch (e) {
      await lease.release();
      throw e;
    }
  }
  const pool = newPool({ ...config, application_name: appName, max: o.max ?? 10 });
  let watchdog: NodeJS.Timeout | null = null;
  let checking: Promise<void> | null = null;
  if (o.serve) {
    // A PostgreSQL that dies under the server (killed, out of memory) is started again; pool
    // connections to the old one fail once and are replaced on next use.
    const check = async () => {
      try {
        if (!(await lease.alive())) {
          (o.log ?? console.error)(`Embedded PostgreSQL in ${o.dataDir} stopped unexpectedly; restarting it.`);
          await lease.renew(appName, true);
        }
      } catch (e) {
        (o.log ?? console.error)(`Embedded PostgreSQL could not be restarted: ${(e as Error).message}`);
      }
    };
    watchdog = setInterval(() => {
      checking ??= check().finally(() => (checking = null));
    }, 1000);
    watchdog.unref();
  }
  return new Database(pool, 'embedded', async () => {
    if (watchdog) clearInterval(watchdog);
    await checking; // a restart under way finishes first, so that its lease is the one released
    await lease.release();
  });
}

/** The database a command should use: the server of DATABASE_URL, or the embedded one. */
export function openForCommand(opts: { databaseUrl: string | null; dataDir: string; command: string }): Promise<Database> {
  if (opts.databaseUrl) return Promise.resolve(connectServer(opts.databaseUrl));
  return openEmbedded({ dataDir: opts.dataDir, command: opts.command, max: 4 });
}

/**
 * An ORDER BY expression that sorts names for people in the reader's language: Persian names by
 * the ICU collation marz_fa, English ones by marz_en (migration 0006). Sorting outside the
 * database uses comparePersian (src/platform/text.ts) instead.
 */
export function byName(locale: string, fa = 'name_fa', en = 'name_en'): string {
  return locale === 'fa' ? `${fa} COLLATE marz_fa` : `${en} COLLATE marz_en`;
}
