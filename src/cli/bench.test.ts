// `marz bench` end to end on one tiny scenario (no timing assertions: only that the harness
// runs, measures, and writes its results file and table).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('marz bench --quick runs a tiny export scenario on the embedded PostgreSQL and writes its results', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marz-bench-test-'));
  chmodSync(dir, 0o755); // the cluster's own user must reach the bench cache
  try {
    const r = spawnSync(process.execPath, ['bin/marz.js', 'bench', '--quick', '--only', 'export', '--engine', 'embedded', '--records', '300', '--runs', '1', '--out', join(dir, 'results')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, MARZ_BENCH_CACHE: join(dir, 'cache'), MARZ_BENCH_DATABASE_URL: '', DATABASE_URL: '' },
    });
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /export CSV \+ HXL/);
    const files = readdirSync(join(dir, 'results'));
    assert.equal(files.length, 1);
    const out = JSON.parse(readFileSync(join(dir, 'results', files[0]!), 'utf8'));
    assert.equal(out.quick, true);
    assert.ok(out.machine.cpus >= 1 && out.machine.node && out.machine.engines.embedded);
    const [result] = out.results;
    assert.equal(result.status, 'ok', result.reason);
    assert.equal(result.engine, 'embedded');
    const csv = result.measurements.find((m: any) => m.name.startsWith('export CSV'));
    assert.ok(csv.median_ms > 0 && csv.reference.median_ms > 0 && csv.ratio > 0 && csv.peak_rss_mb > 0, JSON.stringify(csv));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
