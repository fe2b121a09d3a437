// Concurrent use (PostgreSQL): 50 clients submitting FMR records (one record per request, as the
// field forms and the offline queue send them) and then 50 clients reading the dashboard summary,
// through the HTTP API on loopback, against a copy of a dataset. The load comes from a separate
// process (bench/loadgen.ts). Reference: GET /api/health (HTTP + one trivial query) under the
// same load — the floor of this server, framework and connection pool on this machine.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { addDays } from '../../src/platform/calendar.ts';
import { openDataset } from '../lib/engines.ts';
import { benchUser, sessions, startApp, type Session } from '../lib/app.ts';
import { END_DATE } from '../lib/data.ts';
import { round, commandCpuSeconds } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';

interface LoadResult {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  per_s: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  loadgen_cpu_s?: number;
  server_cpu_s?: number;
  postgres_cpu_s?: number | null;
}

/** Runs the load generator, noting the CPU time the server (this process) and PostgreSQL used meanwhile. */
async function load(spec: { url: string; clients: number; seconds: number; kind: 'submit' | 'read' | 'health'; sessions: Session[]; readPath?: string; endDate?: string; batch?: number; seed?: number }): Promise<LoadResult> {
  const node0 = process.cpuUsage();
  const db0 = commandCpuSeconds('postgres');
  const r = await loadOnce(spec);
  const node = process.cpuUsage(node0);
  const db1 = commandCpuSeconds('postgres');
  return { ...r, server_cpu_s: round((node.user + node.system) / 1e6), postgres_cpu_s: db0 != null && db1 != null ? round(db1 - db0) : null };
}

function loadOnce(spec: Parameters<typeof load>[0]): Promise<LoadResult> {
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

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  if (spec.engine !== 'postgresql') return { status: 'skipped', reason: 'concurrent use is measured on PostgreSQL only (PGlite serves one query at a time)' };
  const clients = spec.options.clients ?? 50;
  const seconds = spec.options.seconds ?? (spec.quick ? 2 : 10);
  const db = await openDataset(spec.engine, spec.records, { clone: true, poolSize: 10 });
  try {
    const enumerator = await benchUser(db, 'enumerator');
    const viewer = await benchUser(db, 'viewer');
    const submitters = await sessions(db, enumerator, clients);
    const readers = await sessions(db, viewer, clients);
    const server = await startApp(db);
    try {
      const readPath = `/api/v1/flows/summary?from=${addDays(END_DATE, -29)}&to=${END_DATE}`;
      const health = await load({ url: server.url, clients, seconds, kind: 'health', sessions: [] });
      log(`health: ${Math.round(health.per_s)}/s, p99 ${round(health.p99, 1)} ms; cpu s: server ${health.server_cpu_s}, postgres ${health.postgres_cpu_s}, load ${round(health.loadgen_cpu_s ?? NaN)}`);
      const submit = await load({ url: server.url, clients, seconds, kind: 'submit', sessions: submitters, endDate: END_DATE });
      log(`submit: ${Math.round(submit.per_s)}/s, p99 ${round(submit.p99, 1)} ms, errors ${submit.errors} ${JSON.stringify(submit.statuses)}; cpu s: server ${submit.server_cpu_s}, postgres ${submit.postgres_cpu_s}, load ${round(submit.loadgen_cpu_s ?? NaN)}`);
      // The offline queue sends what it holds in one request: 10 records a request, for comparison.
      const batched = await load({ url: server.url, clients, seconds, kind: 'submit', sessions: submitters, endDate: END_DATE, batch: 10, seed: 4343 });
      log(`submit 10/request: ${Math.round(batched.per_s)} requests/s = ${Math.round(batched.per_s * 10)} records/s, p99 ${round(batched.p99, 1)} ms, errors ${batched.errors}`);
      const read = await load({ url: server.url, clients, seconds, kind: 'read', sessions: readers, readPath });
      log(`read: ${Math.round(read.per_s)}/s, p99 ${round(read.p99, 1)} ms, errors ${read.errors}; cpu s: server ${read.server_cpu_s}, postgres ${read.postgres_cpu_s}, load ${round(read.loadgen_cpu_s ?? NaN)}`);
      const stored = Number((await db.one(`SELECT count(*) AS n FROM fmr_records WHERE source = 'form'`))!.n);
      const ref = { name: 'GET /api/health under the same load', median_ms: round(health.p50, 1), p95_ms: round(health.p95, 1), per_s: Math.round(health.per_s) };
      const m = (name: string, r: LoadResult, minRate: number): Measurement => ({
        name,
        median_ms: round(r.p50, 1),
        min_ms: null,
        max_ms: round(r.max, 1),
        runs: r.requests,
        p50_ms: round(r.p50, 1),
        p95_ms: round(r.p95, 1),
        p99_ms: round(r.p99, 1),
        per_s: Math.round(r.per_s),
        reference: ref,
        ratio: round(health.per_s / r.per_s),
        ratio_basis: 'health requests/s / requests/s',
        target: `≥ ${minRate.toLocaleString('en')}/s with p99 ≤ 100 ms`,
        met: r.errors === 0 && r.per_s >= minRate && r.p99 <= 100,
        note: r.errors ? `${r.errors} errors ${JSON.stringify(r.statuses)}` : undefined,
      });
      return {
        measurements: [
          m(`${clients} clients submitting (1 record/request)`, submit, 1500),
          { ...m(`${clients} clients submitting 10 records/request`, batched, 1500 / 10), rows: Math.round(batched.per_s * 10), rows_per_s: Math.round(batched.per_s * 10), target: 'informative (records/s = 10 × requests/s)', met: null },
          m(`${clients} clients reading the summary (1 month)`, read, 500),
        ],
        details: { clients, seconds, stored_submissions: stored, health, submit, submit_10_per_request: batched, read },
      };
    } finally {
      await server.close();
    }
  } finally {
    await db.close();
  }
}
