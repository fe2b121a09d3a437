// The embedded engine as an office uses it (issue 9): `marz serve` and commands as processes on
// one data directory — one server per directory, commands beside it (several at once), kill -9
// of the server, of PostgreSQL and of an import, clean stops, and the data directory's modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { connectionConfig, filesReadableByOthers, stopCluster } from '../platform/db/embedded.ts';
import { csvFile } from '../../bench/lib/data.ts';

const BIN = new URL('../../bin/marz.js', import.meta.url).pathname;
const PASSWORD = 'Qv7-border-post-' + randomUUID().slice(0, 8);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as any).port;
      s.close(() => resolve(port));
    });
  });

/** Output of a process so far, and a wait for a pattern in it. */
function watch(child: ChildProcess) {
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    get text() {
      return out;
    },
    until(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = () => {
          if (pattern.test(out)) return resolve(out);
          if (child.exitCode !== null && !pattern.test(out)) return reject(new Error(`exited (${child.exitCode}) before ${pattern}; output:\n${out}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`));
          setTimeout(tick, 50);
        };
        tick();
      });
    },
  };
}

function serve(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return { child, out: watch(child) };
}

/** Runs a command to its end (asynchronously, so that several can run at once). */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.on('exit', r)));
const postmasterPid = (dir: string) => (existsSync(join(dir, 'pg', 'postmaster.pid')) ? Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]) : null);
const alive = (pid: number | null) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return !/zombie|^Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] ?? '');
  } catch {
    return false;
  }
};

async function health(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/api/health`);
  return { status: res.status, body: await res.json() };
}

async function signIn(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'chief', password: PASSWORD }) });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('marz_session='))!.split(';')[0]!;
  return { cookie, csrf: (await res.json()).csrf_token as string };
}

test('one server per data directory; commands beside it, several at once; kill -9 of the server and of PostgreSQL; clean stops; private files', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marz-serve-'));
  const port = await freePort();
  const env = { ...process.env, MARZ_DATA_DIR: dir, PORT: String(port), DATABASE_URL: '' };
  let first = serve(env);
  try {
    const out = await first.out.until(/Press Ctrl\+C/);
    assert.match(out, new RegExp(`Marz is running at http://localhost:${port}`));
    assert.match(out, /\/setup\?token=[\w-]{20,}/, 'prints the one-time setup link');
    assert.deepEqual((await health(port)).body.database, 'embedded');
    assert.equal(statSync(dir).mode & 0o777, 0o700, 'the data directory is private');
    assert.equal(statSync(join(dir, 'pg-password')).mode & 0o777, 0o600, 'the database password is private');

    const second = await run(['serve'], { ...env, PORT: String(await freePort()) });
    assert.equal(second.status, 1);
    assert.match(second.stderr, new RegExp(`already served by marz serve \\(pid ${first.child.pid}\\)`), 'the second server names the holder');
    assert.equal(second.stderr.trim().split('\n').length, 1, 'a refusal is one line');

    const created = await run(['user', 'create', '--admin', '--username', 'chief'], { ...env, MARZ_PASSWORD: PASSWORD });
    assert.equal(created.status, 0, created.stderr);
    await signIn(port);

    // A backup and three summaries at the same time, beside the server.
    const backupFile = join(dir, 'beside.backup');
    const keyFile = join(dir, 'backup.key');
    assert.equal((await run(['backup', '--new-key', keyFile], env)).status, 0);
    const [backup, ...summaries] = await Promise.all([
      run(['backup', backupFile, '--key-file', keyFile], env),
      ...[1, 2, 3].map(() => run(['flows', 'summary', '--from', '2025-01-01', '--to', '2025-12-31', '--json'], env)),
    ]);
    assert.equal(backup!.status, 0, backup!.stderr);
    assert.equal(statSync(backupFile).mode & 0o777, 0o600, 'a backup is readable by its owner only');
    for (const s of summaries) {
      assert.equal(s.status, 0, s.stderr);
      assert.equal(JSON.parse(s.stdout).individuals, 0);
    }
    assert.deepEqual(filesReadableByOthers(dir), [], 'nothing in the data directory is readable or writable by others');

    // kill -9 of Marz: PostgreSQL outlives it, and the next start reuses it with everything kept.
    const pgBefore = postmasterPid(dir);
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.ok(alive(pgBefore), 'the postmaster outlived the killed server');
    first = serve(env);
    assert.match(await first.out.until(/Press Ctrl\+C/), /Sign in at/, 'the user made before the crash is there');
    assert.equal(postmasterPid(dir), pgBefore, 'the orphaned postmaster was reused');
    const session = await signIn(port);

    // A submission acknowledged before PostgreSQL is killed under the server is kept; the
    // server restarts PostgreSQL with one log line and answers again.
    const record = { id: randomUUID(), fmp: 'dogharoun', date: '2025-06-01', direction: 'in', nationality: 'AFG', men: 2, women: 1, boys: 0, girls: 1, deported: 'no' };
    const sent = await fetch(`http://127.0.0.1:${port}/api/v1/flows/fmr`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf }, body: JSON.stringify({ records: [record] }) });
    assert.equal(sent.status, 200, await sent.clone().text());
    process.kill(postmasterPid(dir)!, 'SIGKILL');
    await first.out.until(/stopped unexpectedly; restarting it/);
    let answered = false;
    for (let i = 0; i < 100 && !answered; i++) {
      answered = await health(port).then((h) => h.status === 200).catch(() => false);
      if (!answered) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(answered, 'health answers again after the restart');
    assert.equal(first.out.text.match(/stopped unexpectedly/g)!.length, 1, 'one log line for the restart');

    // SIGTERM stops Marz and PostgreSQL cleanly.
    first.child.kill('SIGTERM');
    await first.out.until(/Marz stopped/);
    await exited(first.child);
    assert.equal(first.child.exitCode, 0);
    assert.equal(postmasterPid(dir), null, 'PostgreSQL was stopped');

    // A command with no server running starts PostgreSQL for itself and stops it again; the
    // record acknowledged before the crash is counted.
    const after = await run(['flows', 'summary', '--from', '2025-06-01', '--to', '2025-06-01', '--json'], env);
    assert.equal(after.status, 0, after.stderr);
    assert.equal(JSON.parse(after.stdout).individuals, 4);
    assert.equal(postmasterPid(dir), null, 'the command stopped the PostgreSQL it started');
  } finally {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
    await stopCluster(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a command on a never-used data directory initialises it; a failure is one line', { timeout: 120_000 }, async () => {
  const parent = mkdtempSync(join(tmpdir(), 'marz-new-'));
  chmodSync(parent, 0o755); // PostgreSQL's own user must reach the data directory
  const dir = join(parent, 'data');
  const env = { ...process.env, MARZ_DATA_DIR: dir, DATABASE_URL: '' };
  try {
    const file = join(dir, '..', 'flows.csv');
    const sample = await csvFile(50);
    spawnSync('cp', [sample.path, file]);
    const r = await run(['import', 'flows', file], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /50/);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(postmasterPid(dir), null, 'nothing is left running');
    const missing = await run(['import', 'flows', join(dir, 'no-such-file.csv')], env);
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1, `one line, not a stack trace: ${missing.stderr}`);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
  } finally {
    await stopCluster(dir);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('the server answers during a CLI import; kill -9 of an import leaves no partial batch', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marz-import-'));
  const port = await freePort();
  const env = { ...process.env, MARZ_DATA_DIR: dir, PORT: String(port), DATABASE_URL: '' };
  const server = serve(env);
  try {
    await server.out.until(/Press Ctrl\+C/);
    const whole = await csvFile(30_000, 11);
    const killed = await csvFile(120_000, 12);

    // Health is asked again and again while an import runs: every answer is 200.
    const importing = run(['import', 'flows', whole.path], env);
    let done = false;
    void importing.then(() => (done = true));
    let answers = 0;
    while (!done) {
      assert.equal((await health(port)).status, 200);
      answers++;
      await new Promise((r) => setTimeout(r, 20));
    }
    const imported = await importing;
    assert.equal(imported.status, 0, imported.stderr);
    assert.ok(answers >= 3, `health answered ${answers} times during the import`);
    const total = async () => JSON.parse((await run(['flows', 'summary', '--from', '2023-01-01', '--to', '2025-12-31', '--json'], env)).stdout).groups;
    assert.equal(await total(), 30_000);

    // An import killed after it has written a batch (uncommitted: its transaction holds a write
    // lock on fmr_records) leaves nothing of it behind.
    const victim = spawn(process.execPath, [BIN, 'import', 'flows', killed.path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const progress = watch(victim);
    const db = new pg.Client(connectionConfig(dir));
    await db.connect();
    try {
      for (let i = 0; ; i++) {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'fmr_records' AND l.mode = 'RowExclusiveLock'`);
        if (rows[0].n > 0) break;
        if (victim.exitCode !== null || i > 1200) throw new Error(`the import ended before it wrote:\n${progress.text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await db.end();
    }
    victim.kill('SIGKILL');
    await exited(victim);
    assert.equal(await total(), 30_000, 'no row of the killed import is counted');
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGTERM');
    await exited(server.child);
    await stopCluster(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});
