// Test helpers: a fresh, migrated and seeded database per call — a new database cloned from a
// migrated template — on the embedded PostgreSQL (the default: the cluster scripts/test.js
// started, or one started for this process) or on the server of MARZ_TEST_DATABASE_URL when
// MARZ_TEST_ENGINE=postgresql; and the HTTP app with signed-in users.
import pg from 'pg';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, connectServer, type Engine } from './db/database.ts';
import { ensureCluster, connectionConfig, embeddedBinaries, stopClusterSync } from './db/embedded.ts';
import { listMigrations } from './db/migrate.ts';
import { prepareDatabase } from './seed.ts';
import { buildApp } from './http/app.ts';
import { loadConfig } from './config.ts';
import { capabilities } from '../capabilities.ts';
import { createUser } from './auth/identity.ts';
import { cliActor } from './audit.ts';
import { UPLOAD_PREFIX } from './http/uploads.ts';

export const TEST_ENGINE: Engine = process.env.MARZ_TEST_ENGINE === 'postgresql' ? 'postgresql' : 'embedded';

let server: Promise<pg.ClientConfig> | null = null;
let template: Promise<string> | null = null;
let counter = 0;

/** Where test databases are made: connection settings for the cluster's maintenance database. */
function cluster(): Promise<pg.ClientConfig> {
  server ??= (async () => {
    if (TEST_ENGINE === 'postgresql') {
      if (!process.env.MARZ_TEST_DATABASE_URL) throw new Error('MARZ_TEST_ENGINE=postgresql needs MARZ_TEST_DATABASE_URL');
      return { connectionString: process.env.MARZ_TEST_DATABASE_URL };
    }
    const shared = process.env.MARZ_TEST_EMBEDDED_DIR;
    if (shared) return connectionConfig(shared, 'postgres');
    // Run on its own (node --test FILE): a private cluster, stopped and removed at exit; those
    // of test processes that were killed are reaped by the next one.
    const bin = await embeddedBinaries();
    reapOrphanClusters(bin);
    const dir = mkdtempSync(join(tmpdir(), 'marz-test-'));
    writeFileSync(join(dir, 'owner-pid'), String(process.pid));
    const cleanUp = () => {
      stopClusterSync(dir, bin);
      rmSync(dir, { recursive: true, force: true });
    };
    process.on('exit', cleanUp);
    // node --test ends a finished test file's process with SIGTERM when handles keep it open.
    process.once('SIGTERM', () => process.exit(143));
    await ensureCluster(dir);
    return connectionConfig(dir, 'postgres');
  })();
  return server;
}

/** Stops and removes the private clusters of test processes that no longer exist. */
function reapOrphanClusters(bin: Awaited<ReturnType<typeof embeddedBinaries>>) {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('marz-test-') || name.startsWith('marz-test-cluster-')) continue;
    const dir = join(tmpdir(), name);
    let owner = 0;
    try {
      owner = Number(readFileSync(join(dir, 'owner-pid'), 'utf8'));
      process.kill(owner, 0);
      continue; // its process is alive
    } catch (e) {
      if (owner && (e as NodeJS.ErrnoException).code === 'EPERM') continue;
    }
    stopClusterSync(dir, bin);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a migrated, seeded template depends on: the migrations and the seed data (built-in roles,
 * places, survey questions, shipped frameworks), so that a change to either makes a new one.
 */
function templateHash(): string {
  const h = createHash('sha256').update(listMigrations().map((m) => m.checksum).join());
  const root = new URL('../', import.meta.url);
  const files = ['platform/auth/permissions.ts', 'platform/seed.ts', 'places/seed.ts', 'flows/fms-questions.json', 'governance/store.ts'];
  for (const f of files) h.update(readFileSync(new URL(f, root)));
  const frameworks = new URL('governance/frameworks/', root);
  for (const f of readdirSync(frameworks).sort()) h.update(readFileSync(new URL(f, frameworks)));
  return h.digest('hex').slice(0, 10);
}

function withDatabaseName(config: pg.ClientConfig, database: string): pg.ClientConfig {
  if (!config.connectionString) return { ...config, database };
  const url = new URL(config.connectionString);
  url.pathname = '/' + database;
  return { connectionString: url.toString() };
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>) {
  const c = new pg.Client(await cluster());
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function testDatabase(): Promise<Database> {
  const base = await cluster();
  template ??= (async () => {
    const hash = templateHash();
    const name = `marz_tpl_${hash}`;
    // One process makes the template; others wait for its lock instead of racing.
    await admin(async (c) => {
      await c.query('SELECT pg_advisory_lock(7272)');
      try {
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount) return;
        await c.query(`CREATE DATABASE ${name}_loading`);
        const db = connectServer(withDatabaseName(base, `${name}_loading`), 2);
        await prepareDatabase(db);
        await db.close();
        await c.query(`ALTER DATABASE ${name}_loading RENAME TO ${name}`);
      } finally {
        await c.query('SELECT pg_advisory_unlock(7272)');
      }
    });
    return name;
  })();
  const tpl = await template;
  const name = `marz_t_${process.pid}_${++counter}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`));
  const db = connectServer(withDatabaseName(base, name), 4, TEST_ENGINE);
  return new Database(db.pool, TEST_ENGINE, async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
}

export interface TestUser {
  id: string;
  cookie: string;
  csrf: string;
}

export async function testApp(db: Database) {
  const config = { ...loadConfig({}), dataDir: '/nonexistent' };
  const app = await buildApp({ db, config }, capabilities);

  /** Creates a user with the given role assignments and signs them in. */
  async function user(assignments: { role: string; agencyIds?: number[]; provinces?: string[] | null }[], opts: { locale?: 'en' | 'fa'; agencyId?: number } = {}): Promise<TestUser> {
    const username = 'u' + randomUUID().slice(0, 8);
    const password = 'test-password-' + username;
    const id = await db.tx((c) => createUser(c, cliActor('test'), { username, displayName: username, password, locale: opts.locale, agencyId: opts.agencyId, assignments }));
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'marz_session')!;
    return { id, cookie: `marz_session=${cookie.value}`, csrf: res.json().csrf_token };
  }

  /** A request as a user (or anonymous), with the CSRF header on writes. */
  function as(u: TestUser | null) {
    return (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
      app.inject({ method, url, payload: payload as any, headers: { ...(u ? { cookie: u.cookie, 'x-csrf-token': u.csrf } : {}), ...headers } });
  }
  return { app, user, as };
}

/** This process's upload folders still on disk (other processes' tests may upload at the same time). */
export const uploadLeftovers = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`${UPLOAD_PREFIX}${process.pid}-`));
