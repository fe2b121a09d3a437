#!/usr/bin/env node
// Runs the whole suite with node's test runner (through tsx): unit and database tests on the
// embedded PostgreSQL (one cluster for the run, started here as `marz` starts it), the database
// tests again on a PostgreSQL server when MARZ_TEST_DATABASE_URL is set, and the browser tests in
// Chromium when it is installed. Files run one at a time per engine.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { register } from 'tsx/esm/api';

register();
const { Lease } = await import('../src/platform/db/embedded.ts');

function find(dir, pattern, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, pattern, out);
    else if (pattern.test(name)) out.push(p);
  }
  return out;
}

const filter = process.argv[2];
const pick = (files) => (filter ? files.filter((f) => f.includes(filter)) : files).sort();
const unit = pick(find('src', /\.test\.ts$/));
const e2e = pick(find('test/e2e', /\.test\.ts$/));

const totals = { pass: 0, fail: 0, skipped: 0 };

function run(label, files, env) {
  if (!files.length) return Promise.resolve(0);
  console.log(`\n# ${label}: ${files.length} files`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      for (const m of tail.matchAll(/^\S* ?(pass|fail|skipped) (\d+)$/gm)) totals[m[1]] += Number(m[2]);
      resolve(code ?? 1);
    });
  });
}

let failed = 0;
const clusterDir = mkdtempSync(join(tmpdir(), 'marz-test-cluster-'));
const { lease } = await Lease.take(clusterDir, 'tests');
try {
  failed |= await run('unit and database tests on the embedded PostgreSQL', unit, { MARZ_TEST_ENGINE: 'embedded', MARZ_TEST_EMBEDDED_DIR: clusterDir });
} finally {
  await lease.release();
  rmSync(clusterDir, { recursive: true, force: true });
}
if (process.env.MARZ_TEST_DATABASE_URL) {
  const dbFiles = unit.filter((f) => /\.db\.test\.ts$/.test(f));
  failed |= await run('database tests on PostgreSQL', dbFiles, { MARZ_TEST_ENGINE: 'postgresql' });
} else {
  console.log('\n# SKIPPED: database tests on PostgreSQL — MARZ_TEST_DATABASE_URL is not set (CI sets it; see .ci/run)');
}
failed |= await run('browser tests in Chromium', e2e, {});
console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failed ? 1 : 0);
