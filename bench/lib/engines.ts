// The two engines as the benchmark uses them: fresh migrated databases (cloned from a template
// made once per schema) and cached datasets of N demo records (built once, reused by every run).
//
//  - PostgreSQL: databases on the server of MARZ_BENCH_DATABASE_URL or DATABASE_URL, named
//    marz_bench_*; clones use CREATE DATABASE … TEMPLATE.
//  - PGlite: data directories on disk (as `marz serve` uses them) under the bench cache
//    directory (MARZ_BENCH_CACHE, default $TMPDIR/marz-bench); clones are directory copies.
import pg from 'pg';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync, renameSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Database, connectServer, openEmbeddedOwner, type Engine } from '../../src/platform/db/database.ts';
import { listMigrations } from '../../src/platform/db/migrate.ts';
import { prepareDatabase } from '../../src/platform/seed.ts';
import { cliActor } from '../../src/platform/audit.ts';
import { importFlows } from '../../src/flows/import.ts';
import { cacheDir, csvFile, END_DATE, SEED } from './data.ts';

export type { Engine };

export function serverUrl(): string | null {
  return process.env.MARZ_BENCH_DATABASE_URL || process.env.DATABASE_URL || null;
}

function urlFor(database: string) {
  const url = new URL(serverUrl()!);
  url.pathname = '/' + database;
  return url.toString();
}

export async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl()! });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
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

// ---------------------------------------------------------------------------- PostgreSQL

async function pgTemplate(): Promise<string> {
  const name = `marz_bench_tpl_${schemaHash()}`;
  if (await admin((c) => exists(c, name))) return name;
  const loading = `${name}_${process.pid}`;
  await admin((c) => c.query(`CREATE DATABASE ${loading}`));
  const db = connectServer(urlFor(loading), 2);
  await prepareDatabase(db);
  await db.close();
  await admin(async (c) => {
    if (await exists(c, name)) await c.query(`DROP DATABASE ${loading}`);
    else await c.query(`ALTER DATABASE ${loading} RENAME TO ${name}`);
  });
  return name;
}

/** Run databases that are to be kept as a dataset when closed (instead of being dropped). */
const keepAs = new WeakMap<Database, string>();

async function pgClone(template: string, poolSize: number): Promise<Database> {
  const name = runName();
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const pool = connectServer(urlFor(name), poolSize).pool;
  const db: Database = new Database(pool, 'postgresql', async () => {
    const keep = keepAs.get(db);
    if (keep) await admin((c) => c.query(`ALTER DATABASE ${name} RENAME TO ${keep}`));
    else await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
  });
  return db;
}

// ---------------------------------------------------------------------------- PGlite

async function pgliteTemplate(): Promise<string> {
  const dir = join(cacheDir(), `pglite-tpl-${schemaHash()}`);
  if (existsSync(join(dir, 'complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  const db = await openEmbeddedOwner(dir, 'bench', false);
  await prepareDatabase(db);
  await db.close();
  writeFileSync(join(dir, 'complete'), new Date().toISOString());
  return dir;
}

async function pgliteClone(source: string): Promise<Database> {
  const dir = join(cacheDir(), runName());
  cpSync(source, dir, { recursive: true });
  rmSync(join(dir, 'marz.lock'), { force: true });
  const inner = await openEmbeddedOwner(dir, 'bench', false);
  const db: Database = new Database(inner.pool, 'pglite', async () => {
    await inner.close();
    const keep = keepAs.get(db);
    if (keep) {
      rmSync(keep, { recursive: true, force: true });
      renameSync(dir, keep);
      writeFileSync(join(keep, 'complete'), new Date().toISOString());
    } else rmSync(dir, { recursive: true, force: true });
  }, inner.pglite);
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
  keepAs.set(db, datasetName(engine, records));
  return true;
}

// ---------------------------------------------------------------------------- both

/** A fresh, migrated and seeded database with no flow records; closing it deletes it. */
export async function freshDatabase(engine: Engine, poolSize = 10): Promise<Database> {
  return engine === 'postgresql' ? pgClone(await pgTemplate(), poolSize) : pgliteClone(await pgliteTemplate());
}

function datasetName(engine: Engine, records: number) {
  return engine === 'postgresql' ? `marz_bench_ds_${records}_${dataHash()}` : join(cacheDir(), `pglite-ds-${records}-${dataHash()}`);
}

export async function datasetExists(engine: Engine, records: number): Promise<boolean> {
  const name = datasetName(engine, records);
  return engine === 'postgresql' ? admin((c) => exists(c, name)) : existsSync(join(name, 'complete'));
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
  if (engine === 'postgresql') {
    const name = datasetName(engine, records);
    const loading = `${name}_loading`;
    const tpl = await pgTemplate();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${loading} WITH (FORCE)`).then(() => c.query(`CREATE DATABASE ${loading} TEMPLATE ${tpl}`)));
    const db = connectServer(urlFor(loading), 2);
    const report = await importFlows(db, { path, actor: cliActor('marz bench'), principal: null });
    if (!report.ok) throw new Error(`dataset import failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
    await db.query('VACUUM ANALYZE');
    await db.close();
    await admin((c) => c.query(`ALTER DATABASE ${loading} RENAME TO ${name}`));
  } else {
    const dir = datasetName(engine, records);
    const loading = dir + '.loading';
    rmSync(loading, { recursive: true, force: true });
    cpSync(await pgliteTemplate(), loading, { recursive: true });
    rmSync(join(loading, 'complete'), { force: true });
    const db = await openEmbeddedOwner(loading, 'bench', false);
    const report = await importFlows(db, { path, actor: cliActor('marz bench'), principal: null });
    if (!report.ok) throw new Error(`dataset import failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
    await db.query('VACUUM ANALYZE');
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    renameSync(loading, dir);
    writeFileSync(join(dir, 'complete'), new Date().toISOString());
  }
  return { ms: performance.now() - started };
}

/**
 * Opens a dataset. Read-only scenarios open it in place (`clone: false`); scenarios that
 * write get a throw-away copy.
 */
export async function openDataset(engine: Engine, records: number, opts: { clone: boolean; poolSize?: number }): Promise<Database> {
  await ensureDataset(engine, records);
  const name = datasetName(engine, records);
  if (engine === 'postgresql') {
    if (opts.clone) return pgClone(name, opts.poolSize ?? 10);
    return connectServer(urlFor(name), opts.poolSize ?? 10);
  }
  if (opts.clone) return pgliteClone(name);
  return openEmbeddedOwner(name, 'bench', false);
}

/** Size on disk of a dataset (PGlite directory or PostgreSQL database). */
export async function datasetBytes(engine: Engine, records: number): Promise<number | null> {
  const name = datasetName(engine, records);
  if (engine === 'postgresql') return admin((c) => c.query('SELECT pg_database_size($1) AS n', [name]).then((r) => Number(r.rows[0]?.n ?? 0)));
  const walk = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + walk(join(p, f)), 0) : statSync(p).size);
  return existsSync(name) ? walk(name) : null;
}

/** The server's version string (PostgreSQL) or PGlite's. */
export async function engineVersion(engine: Engine): Promise<string> {
  if (engine === 'postgresql') return admin((c) => c.query('SHOW server_version').then((r) => `PostgreSQL ${r.rows[0].server_version}`));
  const pkg = JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'));
  return `PGlite ${pkg.version}`;
}

/**
 * Drops the benchmark's leftovers: run databases/directories of interrupted runs, and templates
 * and datasets made for another schema or generator (they can be gigabytes).
 */
export async function cleanLeftovers(engine: Engine) {
  const tpl = schemaHash();
  const data = dataHash();
  const stale = (name: string) => {
    const m = /^(?:marz_bench_|pglite-)(tpl|ds)[-_](?:\d+[-_])?([0-9a-f]{10})(?:\.loading|_loading)?$/.exec(name);
    return !!m && m[2] !== (m[1] === 'tpl' ? tpl : data);
  };
  if (engine === 'postgresql') {
    await admin(async (c) => {
      const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'marz\\_bench\\_%'`);
      for (const r of rows) {
        const pid = Number(/^marz_bench_run_(\d+)_/.exec(r.datname)?.[1]);
        if ((pid && !alive(pid)) || stale(r.datname)) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      }
    });
  } else {
    for (const f of readdirSync(cacheDir())) {
      const pid = Number(/^marz_bench_run_(\d+)_/.exec(f)?.[1]);
      if ((pid && !alive(pid)) || stale(f)) rmSync(join(cacheDir(), f), { recursive: true, force: true });
    }
  }
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
