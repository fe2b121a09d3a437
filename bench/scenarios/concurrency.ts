// Concurrent use (PostgreSQL): 50 clients submitting FMR records (one record per request, as the
// field forms and the offline queue send them) and then 50 clients reading the dashboard summary,
// through the HTTP API on loopback, against a copy of a dataset. The load comes from autocannon in
// a separate process (bench/loadgen.ts). Reference: GET /api/health (HTTP + one trivial query)
// under the same load — the floor of this server, framework and connection pool on this machine.
import { setTimeout as sleep } from 'node:timers/promises';
import { addDays } from '../../src/platform/calendar.ts';
import { openDataset } from '../lib/engines.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { benchUser, runLoadgen, sessions, startApp, type Session } from '../lib/app.ts';
import { END_DATE } from '../lib/data.ts';
import { round, commandCpuSeconds } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';

interface LoadResult {
  /** Responses received (any status). */
  requests: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  statuses: Record<string, number>;
  /** Requests still unanswered when the run stopped. */
  unanswered: number;
  seconds: number;
  per_s: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  loadgen_cpu_s?: number;
  server_cpu_s?: number;
  postgres_cpu_s?: number | null;
  /** Submissions: ids of the records sent in the requests answered 2xx. */
  ids_2xx?: string[];
}

/** Runs the load generator, noting the CPU time the server (this process) and PostgreSQL used meanwhile. */
async function load(spec: { db: Database; url: string; clients: number; seconds: number; kind: 'submit' | 'read' | 'health'; sessions: Session[]; readPath?: string; endDate?: string; batch?: number; seed?: number }): Promise<LoadResult> {
  const node0 = process.cpuUsage();
  const db0 = commandCpuSeconds('postgres');
  const { db: _db, ...loadSpec } = spec;
  const r = await runLoadgen<LoadResult>(loadSpec);
  const node = process.cpuUsage(node0);
  const db1 = commandCpuSeconds('postgres');
  await settle(spec.db);
  return { ...r, server_cpu_s: round((node.user + node.system) / 1e6), postgres_cpu_s: db0 != null && db1 != null ? round(db1 - db0) : null };
}

/**
 * Waits until the server has finished the requests autocannon left unanswered when it stopped
 * (it drops them; the server may still be handling them), so that they do not overlap the next
 * run: no PostgreSQL backend of this database busy, twice in a row.
 */
async function settle(db: Database) {
  for (let idle = 0, i = 0; idle < 2 && i < 200; i++) {
    await sleep(50);
    const busy = (await db.one(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`))!.n;
    idle = busy ? 0 : idle + 1;
  }
}

const storedForm = async (db: Database) => Number((await db.one(`SELECT count(*) AS n FROM fmr_records WHERE source = 'form'`))!.n);

/**
 * Submissions: the records stored must be the 2xx submissions × the records a request, checked by
 * id. `stored_in_run` (every form record the run added) can be larger by the unanswered requests
 * the server completed after autocannon stopped.
 */
async function storedCheck(db: Database, r: LoadResult, batch: number, storedBefore: number) {
  const submissions = r.requests - r.non2xx;
  const stored = Number((await db.one(`SELECT count(*) AS n FROM fmr_records WHERE id = ANY($1::uuid[])`, [r.ids_2xx ?? []]))!.n);
  return { submissions_2xx: submissions, records_per_request: batch, expected: submissions * batch, stored, match: stored === submissions * batch, stored_in_run: (await storedForm(db)) - storedBefore, unanswered_at_end: r.unanswered };
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const clients = spec.options.clients ?? 50;
  const seconds = spec.options.seconds ?? (spec.quick ? 2 : 10);
  const db = await openDataset(spec.engine, spec.records, { clone: true, poolSize: 10 });
  try {
    const enumerator = await benchUser(db, 'enumerator');
    const viewer = await benchUser(db, 'viewer');
    const submitters = await sessions(db, enumerator, clients);
    const readers = await sessions(db, viewer, clients);
    // As `marz serve`: changes are followed, so dashboard figures are cached until the next change.
    const stopWatching = await db.watchChanges();
    const server = await startApp(db);
    try {
      const readPath = `/api/v1/flows/summary?from=${addDays(END_DATE, -29)}&to=${END_DATE}`;
      const line = (r: LoadResult) => `p99 ${round(r.p99, 1)} ms, errors ${r.errors}, non-2xx ${r.non2xx} ${JSON.stringify(r.statuses)}; cpu s: server ${r.server_cpu_s}, postgres ${r.postgres_cpu_s}, load ${round(r.loadgen_cpu_s ?? NaN)}`;
      const checkLine = (c: Awaited<ReturnType<typeof storedCheck>>) =>
        `${c.match ? 'stored = 2xx × records/request' : 'MISMATCH: stored ≠ 2xx × records/request'}: ${c.stored} of ${c.submissions_2xx} × ${c.records_per_request}; the run added ${c.stored_in_run} (${c.unanswered_at_end} requests unanswered at the end)`;
      const health = await load({ db, url: server.url, clients, seconds, kind: 'health', sessions: [] });
      log(`health: ${Math.round(health.per_s)}/s, ${line(health)}`);
      let before = await storedForm(db);
      const submit = await load({ db, url: server.url, clients, seconds, kind: 'submit', sessions: submitters, endDate: END_DATE });
      const submitCheck = await storedCheck(db, submit, 1, before);
      log(`submit: ${Math.round(submit.per_s)}/s, ${line(submit)}`);
      log(`submit: ${checkLine(submitCheck)}`);
      // The offline queue sends what it holds in one request: 10 records a request, for comparison.
      before = await storedForm(db);
      const batched = await load({ db, url: server.url, clients, seconds, kind: 'submit', sessions: submitters, endDate: END_DATE, batch: 10, seed: 4343 });
      const batchedCheck = await storedCheck(db, batched, 10, before);
      log(`submit 10/request: ${Math.round(batched.per_s)} requests/s = ${Math.round(batched.per_s * 10)} records/s, ${line(batched)}`);
      log(`submit 10/request: ${checkLine(batchedCheck)}`);
      const read = await load({ db, url: server.url, clients, seconds, kind: 'read', sessions: readers, readPath });
      log(`read: ${Math.round(read.per_s)}/s, ${line(read)}`);
      // The same reads with every figure computed afresh (what the first read after a change costs).
      await stopWatching();
      const computed = await load({ db, url: server.url, clients, seconds, kind: 'read', sessions: readers, readPath });
      log(`read, not cached: ${Math.round(computed.per_s)}/s, ${line(computed)}`);
      const stored = await storedForm(db);
      const ref = { name: 'GET /api/health under the same load', median_ms: round(health.p50, 1), p95_ms: round(health.p95, 1), per_s: Math.round(health.per_s) };
      // A submission run whose 2xx records are not all stored fails, whatever its speed.
      const m = (name: string, r: LoadResult, minRate: number, check?: Awaited<ReturnType<typeof storedCheck>>): Measurement => ({
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
        met: r.errors === 0 && r.non2xx === 0 && check?.match !== false && r.per_s >= minRate && r.p99 <= 100,
        note: [r.errors || r.non2xx ? `${r.errors} errors, ${r.non2xx} non-2xx ${JSON.stringify(r.statuses)}` : '', check ? checkLine(check) : ''].filter(Boolean).join('; ') || undefined,
      });
      const plain = ({ ids_2xx: _, ...r }: LoadResult) => r;
      return {
        measurements: [
          m(`${clients} clients submitting (1 record/request)`, submit, 1500, submitCheck),
          { ...m(`${clients} clients submitting 10 records/request`, batched, 1500 / 10, batchedCheck), rows: Math.round(batched.per_s * 10), rows_per_s: Math.round(batched.per_s * 10), target: 'informative (records/s = 10 × requests/s)', met: batchedCheck.match ? null : false },
          { ...m(`${clients} clients reading the summary (1 month), as marz serve (cached until a change)`, read, 500) },
          { ...m(`${clients} clients reading the summary (1 month), computed every time`, computed, 500), target: 'informative (every read computed from the summaries)', met: null },
        ],
        details: {
          clients,
          seconds,
          stored_submissions: stored,
          stored_check: { submit: submitCheck, submit_10_per_request: batchedCheck },
          health: plain(health),
          submit: plain(submit),
          submit_10_per_request: plain(batched),
          read: plain(read),
          read_not_cached: plain(computed),
        },
      };
    } finally {
      await server.close();
      await stopWatching();
    }
  } finally {
    await db.close();
  }
}
