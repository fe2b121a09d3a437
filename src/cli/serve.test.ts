// `marz serve` as a process: the data-directory lock, CLI commands through the running
// server's socket, and a clean shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/marz.js', import.meta.url).pathname;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as any).port;
      s.close(() => resolve(port));
    });
  });

function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`)), timeoutMs);
    const on = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', () => {
      clearTimeout(timer);
      pattern.test(out) ? resolve(out) : reject(new Error(`exited before ${pattern}; output:\n${out}`));
    });
  });
}

test('one server per data directory; CLI commands share it through its socket; SIGTERM closes cleanly', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marz-serve-'));
  const port = await freePort();
  const env = { ...process.env, MARZ_DATA_DIR: dir, PORT: String(port), DATABASE_URL: '' };
  const first = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const out = await waitFor(first, /Press Ctrl\+C/);
    assert.match(out, new RegExp(`Marz is running at http://localhost:${port}`));
    assert.match(out, /\/setup\?token=[\w-]{20,}/, 'prints the one-time setup link');

    const second = spawnSync(process.execPath, [BIN, 'serve'], { env: { ...env, PORT: String(await freePort()) }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(second.status, 1);
    assert.match(second.stderr, new RegExp(`in use by process ${first.pid} \\("marz serve"`));

    const health = await (await fetch(`http://127.0.0.1:${port}/api/health`)).json();
    assert.equal(health.database, 'pglite', 'the first server keeps serving');

    const created = spawnSync(process.execPath, [BIN, 'user', 'create', '--admin', '--username', 'chief'], { env: { ...env, MARZ_PASSWORD: 'chief-password-1' }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(created.status, 0, created.stderr);
    const signIn = await fetch(`http://127.0.0.1:${port}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'chief', password: 'chief-password-1' }) });
    assert.equal(signIn.status, 200, 'a user made by the CLI signs in to the running server');

    const file = join(dir, 'live.backup');
    const backup = spawnSync(process.execPath, [BIN, 'backup', file], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(backup.status, 0, backup.stderr);
    assert.match(backup.stdout, /Backed up \d+ rows/);

    first.kill('SIGTERM');
    const bye = await waitFor(first, /closed cleanly/);
    assert.match(bye, /SIGTERM/);
    await new Promise((r) => (first.exitCode !== null ? r(null) : first.on('exit', r)));
    assert.equal(first.exitCode, 0);
    assert.equal(existsSync(join(dir, 'marz.lock')), false, 'the lock is released');

    // the directory opens again, with the user kept
    const restart = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const again = await waitFor(restart, /Press Ctrl\+C/);
    assert.match(again, /Sign in at/);
    restart.kill('SIGINT');
    await waitFor(restart, /closed cleanly/);
  } finally {
    if (first.exitCode === null) first.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
