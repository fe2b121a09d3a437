// One way to talk to the database in both modes: a node-postgres pool. Embedded mode puts the
// pool on PGlite through its node-postgres adapter; server mode on a real PostgreSQL server.
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, readLock } from './lock.ts';
import { Changes, listenEmbedded, listenOnServer } from './changes.ts';

// Dates stay strings ('YYYY-MM-DD'): a calendar date has no time zone to shift it.
pg.types.setTypeParser(1082, (v) => v);
// bigint counts are returned as numbers (counts stay far below 2^53).
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export type Engine = 'pglite' | 'postgresql';
/** Anything that runs SQL: the Database, or a transaction's client. */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export class Database {
  constructor(
    readonly pool: pg.Pool,
    readonly engine: Engine,
    private readonly onClose: () => Promise<void> = async () => {},
    /** The PGlite instance when this process owns the embedded database. */
    readonly pglite: PGlite | null = null,
    /** Every change this process can see (for caches; see changes.ts). */
    readonly changes: Changes = new Changes(),
  ) {}

  /** Starts following changes made by other processes, so caches may be used; returns a stop function. */
  watchChanges(): Promise<() => Promise<void>> {
    if (this.pglite) return listenEmbedded(this.changes, this.pglite);
    if (this.engine === 'postgresql') return listenOnServer(this.changes, (this.pool as any).options);
    return Promise.resolve(async () => {}); // a command through the server's socket: no cache
  }

  async query<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    if (this.engine === 'postgresql') return this.pool.query<R>(text, params as any[]);
    // PGlite is left in a failed implicit transaction after a statement outside BEGIN fails,
    // and its next statement then breaks the connection: a ROLLBACK on the same connection
    // clears it before anything else can use it.
    const client = await this.pool.connect();
    try {
      return await client.query<R>(text, params as any[]);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
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

export function socketDirFor(dataDir: string) {
  // Unix socket paths are limited to ~107 bytes, so the socket lives in a short temp folder.
  return join(tmpdir(), 'marz-' + createHash('sha256').update(dataDir).digest('hex').slice(0, 12));
}

export function connectServer(url: string, max = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {}); // a dropped idle connection is replaced on next use
  return new Database(pool, 'postgresql');
}

/** An in-memory PGlite (tests, benchmarks); loadDataDir restores a dumped image. */
export async function openMemory(loadDataDir?: Blob | File): Promise<Database> {
  const pglite = await PGlite.create(loadDataDir ? { loadDataDir } : {});
  const pool = new pg.Pool(createPgConfig(pglite) as any);
  return new Database(pool, 'pglite', () => pglite.close(), pglite);
}

/**
 * Settings of the embedded PostgreSQL. Its WebAssembly memory only grows, so a smaller buffer
 * pool than PGlite's 128 MB keeps a long import under 500 MB; the operating system still caches
 * the files (measured in docs/PERFORMANCE.md: no slower at a million records).
 */
function embeddedSettings(env: NodeJS.ProcessEnv = process.env): string[] {
  const buffers = env.MARZ_PGLITE_SHARED_BUFFERS ?? '32MB';
  if (!/^\d+(kB|MB|GB)$/.test(buffers)) throw new Error(`MARZ_PGLITE_SHARED_BUFFERS must be a size such as 32MB, not "${buffers}"`);
  return [`shared_buffers = ${buffers}`];
}

/**
 * Opens the embedded database as its owner: takes the data-directory lock (throwing
 * DataDirLocked if a live process holds it), and with `share` serves the instance on a
 * local unix socket so CLI commands can use it while the server runs.
 */
export async function openEmbeddedOwner(dataDir: string, command: string, share: boolean): Promise<Database> {
  const socketDir = share ? socketDirFor(dataDir) : null;
  const release = acquireLock(dataDir, command, socketDir);
  let pglite: PGlite | null = null;
  let socketServer: PGLiteSocketServer | null = null;
  const changes = new Changes();
  try {
    pglite = await PGlite.create(join(dataDir, 'pgdata'), { postgresqlconf: embeddedSettings() });
    if (socketDir) {
      rmSync(socketDir, { recursive: true, force: true });
      mkdirSync(socketDir, { recursive: true, mode: 0o700 });
      socketServer = new PGLiteSocketServer({ db: noteChanges(pglite, changes), path: join(socketDir, '.s.PGSQL.5432') });
      await socketServer.start();
    }
  } catch (e) {
    await pglite?.close().catch(() => {});
    release();
    throw e;
  }
  const pool = new pg.Pool(createPgConfig(pglite) as any);
  const owned = pglite;
  return new Database(
    pool,
    'pglite',
    async () => {
      await socketServer?.stop().catch(() => {});
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
      await owned.close();
      release();
    },
    owned,
    changes,
  );
}

/**
 * The embedded database as the socket server sees it: anything a command sends through the
 * socket counts as a change once it has run (its notifications go to the command's connection,
 * not to this process's listener).
 */
function noteChanges(pglite: PGlite, changes: Changes): PGlite {
  return new Proxy(pglite, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      if (name !== 'exec' && name !== 'execProtocolRawStream') return value.bind(target);
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } finally {
          changes.bump();
        }
      };
    },
  });
}

/**
 * The database a command should use: the PostgreSQL server of DATABASE_URL; else the embedded
 * database through the running server's socket when a server holds it; else the embedded
 * database opened directly (and locked for the command's duration).
 */
export async function openForCommand(opts: { databaseUrl: string | null; dataDir: string; command: string }): Promise<Database> {
  if (opts.databaseUrl) return connectServer(opts.databaseUrl);
  const holder = readLock(opts.dataDir);
  if (holder) {
    if (!holder.socketDir || !existsSync(join(holder.socketDir, '.s.PGSQL.5432'))) {
      throw new Error(`The data directory ${opts.dataDir} is held by process ${holder.pid} ("marz ${holder.command}"), which does not share it. Wait for it to finish.`);
    }
    const pool = new pg.Pool({ host: holder.socketDir, port: 5432, user: 'postgres', database: 'postgres', max: 1 });
    pool.on('error', () => {});
    return new Database(pool, 'pglite');
  }
  return openEmbeddedOwner(opts.dataDir, opts.command, false);
}
