// The HTTP app over a benchmark database, listening on loopback, with signed-in sessions made
// directly in the database (no password hashing per client).
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../src/platform/db/database.ts';
import { buildApp } from '../../src/platform/http/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { capabilities } from '../../src/capabilities.ts';
import { createUser } from '../../src/platform/auth/identity.ts';
import { createSession } from '../../src/platform/auth/sessions.ts';
import { cliActor } from '../../src/platform/audit.ts';

export interface Session {
  cookie: string;
  csrf: string;
}

export async function benchUser(db: Database, role = 'admin'): Promise<string> {
  const username = `marz-bench-${role}`;
  const found = await db.one('SELECT id FROM users WHERE username = $1', [username]);
  if (found) return found.id;
  return db.tx((c) =>
    createUser(c, cliActor('marz bench'), { username, displayName: username, password: `bench-${randomUUID()}`, locale: 'en', assignments: [{ role, provinces: null }] }),
  );
}

export async function sessions(db: Database, userId: string, n: number): Promise<Session[]> {
  const out: Session[] = [];
  for (let i = 0; i < n; i++) {
    const s = await createSession(db, userId, 2, '127.0.0.1', 'marz-bench');
    out.push({ cookie: `marz_session=${s.token}`, csrf: s.csrf });
  }
  return out;
}

export async function startApp(db: Database) {
  const config = { ...loadConfig({}), dataDir: '/nonexistent' };
  const app = await buildApp({ db, config }, capabilities);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** Runs bench/loadgen.ts in a process of its own with this spec; resolves with what it prints (JSON). */
export function runLoadgen<T>(spec: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../loadgen.ts', import.meta.url))], {
      env: { ...process.env, MARZ_LOADGEN: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`load generator exited with ${code}: ${out.slice(0, 300)}`));
      }
    });
  });
}
