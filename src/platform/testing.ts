// Test helpers: a fresh, migrated and seeded database per call — PGlite in memory (from a
// migrated image made once per process) or a new PostgreSQL database cloned from a template
// when MARZ_TEST_ENGINE=postgresql — and the HTTP app with signed-in users.
import pg from 'pg';
import { createHash, randomUUID } from 'node:crypto';
import { Database, openMemory, connectServer } from './db/database.ts';
import { listMigrations } from './db/migrate.ts';
import { prepareDatabase } from './seed.ts';
import { buildApp } from './http/app.ts';
import { loadConfig } from './config.ts';
import { capabilities } from '../capabilities.ts';
import { createUser } from './auth/identity.ts';
import { cliActor } from './audit.ts';

export const TEST_ENGINE = process.env.MARZ_TEST_ENGINE === 'postgresql' ? 'postgresql' : 'pglite';

let image: Promise<Blob> | null = null;
let template: Promise<string> | null = null;
let counter = 0;

function serverUrl(database: string) {
  const url = new URL(process.env.MARZ_TEST_DATABASE_URL!);
  url.pathname = '/' + database;
  return url.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>) {
  const c = new pg.Client({ connectionString: process.env.MARZ_TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function testDatabase(): Promise<Database> {
  if (TEST_ENGINE === 'pglite') {
    image ??= (async () => {
      const db = await openMemory();
      await prepareDatabase(db);
      const blob = await db.pglite!.dumpDataDir('none');
      await db.close();
      return blob;
    })();
    return openMemory(await image);
  }
  if (!process.env.MARZ_TEST_DATABASE_URL) throw new Error('MARZ_TEST_ENGINE=postgresql needs MARZ_TEST_DATABASE_URL');
  template ??= (async () => {
    const hash = createHash('sha256').update(listMigrations().map((m) => m.checksum).join()).digest('hex').slice(0, 10);
    const name = `marz_tpl_${hash}`;
    const exists = await admin((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
    if (!exists.rowCount) {
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      const db = connectServer(serverUrl(name), 2);
      await prepareDatabase(db);
      await db.close();
    }
    return name;
  })();
  const tpl = await template;
  const name = `marz_t_${process.pid}_${++counter}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`));
  const db = connectServer(serverUrl(name), 4);
  return new Database(db.pool, 'postgresql', async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name}`));
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
