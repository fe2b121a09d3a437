// Dashboard: the flow summary (every headline figure: GET /api/v1/flows/summary) for one FMP
// and nationwide, over the last month, the last year and all time, on a dataset of N records;
// warm latencies through the HTTP API on loopback. Peer: the same aggregations in DuckDB over
// the same records held in memory (when @duckdb/node-api is installed).
import { addDays } from '../../src/platform/calendar.ts';
import { recomputeTotals } from '../../src/flows/summary.ts';
import { openDataset } from '../lib/engines.ts';
import { benchUser, sessions, startApp } from '../lib/app.ts';
import { csvFile, END_DATE, DAYS } from '../lib/data.ts';
import { percentile, round, stats, timed } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';
import type { Engine } from '../../src/platform/db/database.ts';

export const START_DATE = addDays(END_DATE, -(DAYS - 1));

export interface Query {
  name: string;
  fmp: string | null;
  from: string;
  to: string;
}

export const QUERIES: Query[] = [
  { name: 'one FMP, one month', fmp: 'dogharoun', from: addDays(END_DATE, -29), to: END_DATE },
  { name: 'one FMP, one year', fmp: 'dogharoun', from: addDays(END_DATE, -364), to: END_DATE },
  { name: 'one FMP, all time', fmp: 'dogharoun', from: START_DATE, to: END_DATE },
  { name: 'nationwide, one month', fmp: null, from: addDays(END_DATE, -29), to: END_DATE },
  { name: 'nationwide, one year', fmp: null, from: addDays(END_DATE, -364), to: END_DATE },
  { name: 'nationwide, all time', fmp: null, from: START_DATE, to: END_DATE },
  // Not on month boundaries: a fortnight at each end is read from the daily summaries.
  { name: 'nationwide, 13 months mid-month to mid-month', fmp: null, from: addDays(END_DATE, -409), to: addDays(END_DATE, -15) },
];

export interface Latencies {
  p50: number;
  p95: number;
  median: number;
  min: number;
  max: number;
  n: number;
}

function summarise(xs: number[]): Latencies {
  const s = stats(xs);
  return { p50: percentile(xs, 50), p95: percentile(xs, 95), median: s.median, min: s.min, max: s.max, n: xs.length };
}

/** Warm latencies of the summary API for each query (sequential requests on one keep-alive connection). */
export async function measureApi(url: string, cookie: string, requests: number, warmup: number): Promise<Map<string, Latencies>> {
  const out = new Map<string, Latencies>();
  for (const q of QUERIES) {
    const path = `/api/v1/flows/summary?from=${q.from}&to=${q.to}${q.fmp ? `&fmp=${q.fmp}` : ''}`;
    const times: number[] = [];
    for (let i = 0; i < warmup + requests; i++) {
      const t0 = performance.now();
      const res = await fetch(url + path, { headers: { cookie } });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 200)}`);
      if (i >= warmup) times.push(ms);
    }
    out.set(q.name, summarise(times));
  }
  return out;
}

/** The same figures as headlineFigures, computed by DuckDB from the records (peer). */
function duckQueries(q: Query): string[] {
  const where = `date BETWEEN DATE '${q.from}' AND DATE '${q.to}'${q.fmp ? ` AND fmp = '${q.fmp}'` : ''}`;
  const people = 'men + women + boys + girls';
  const top = (expr: string) =>
    `SELECT v, sum(${people}) AS individuals, count(*) AS groups FROM (SELECT ${expr} AS v, men, women, boys, girls FROM fmr WHERE ${where}) GROUP BY v ORDER BY 2 DESC, 1 LIMIT 10`;
  return [
    `SELECT sum(${people}), count(*), sum(men), sum(women), sum(boys), sum(girls),
            sum(${people}) FILTER (WHERE direction = 'in'), sum(${people}) FILTER (WHERE direction = 'out'),
            sum(${people}) FILTER (WHERE deported = 'yes'), sum(${people}) FILTER (WHERE deported = 'no'), sum(${people}) FILTER (WHERE deported = 'unknown'),
            sum(coalesce(uasc, 0)), sum(coalesce(pregnant_lactating, 0)), sum(coalesce(elderly, 0)), sum(coalesce(disabled, 0)), sum(coalesce(medical, 0))
       FROM fmr WHERE ${where}`,
    `SELECT fmp, sum(${people}), count(*) FROM fmr WHERE ${where} GROUP BY fmp ORDER BY 2 DESC`,
    top('nationality'),
    `SELECT sum(${people}) FILTER (WHERE date > DATE '${q.to}' - 7), sum(${people}) FILTER (WHERE date <= DATE '${q.to}' - 7 AND date > DATE '${q.to}' - 14),
            sum(${people}) FILTER (WHERE date > DATE '${q.to}' - 30), sum(${people}) FILTER (WHERE date <= DATE '${q.to}' - 30)
       FROM fmr WHERE date BETWEEN DATE '${addDays(q.to, -59)}' AND DATE '${q.to}'${q.fmp ? ` AND fmp = '${q.fmp}'` : ''}`,
    `SELECT v, sum(${people}), count(*) FROM (SELECT unnest(CASE WHEN reasons IS NULL OR reasons = '' THEN ['not_stated'] ELSE string_split(reasons, ';') END) AS v, men, women, boys, girls
       FROM fmr WHERE ${where}) GROUP BY v ORDER BY 2 DESC, 1 LIMIT 10`,
    top(`coalesce(transport, 'not_stated')`),
    top(`coalesce(origin_country, '?') || '|' || coalesce(origin_admin1, '')`),
    top(`coalesce(destination_country, '?') || '|' || coalesce(destination_admin1, '')`),
    top(`coalesce(origin_country, '?') || '>' || coalesce(destination_country, '?')`),
  ];
}

/** DuckDB in memory over the same CSV file; null (with the reason) when the package is missing. */
export async function duckdbPeer(records: number, requests: number, warmup: number, log: (s: string) => void): Promise<{ latencies: Map<string, Latencies>; loadMs: number } | { unavailable: string }> {
  let duck: any;
  try {
    duck = await import('@duckdb/node-api' as string);
  } catch {
    return { unavailable: '@duckdb/node-api is not installed (npm install --save-dev @duckdb/node-api)' };
  }
  const { path } = await csvFile(records);
  const instance = await duck.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const t0 = performance.now();
  await con.run(`CREATE TABLE fmr AS SELECT * FROM read_csv('${path}', header = true, columns = {
    'id': 'UUID', 'fmp': 'VARCHAR', 'date': 'DATE', 'direction': 'VARCHAR', 'nationality': 'VARCHAR', 'men': 'INTEGER', 'women': 'INTEGER',
    'boys': 'INTEGER', 'girls': 'INTEGER', 'deported': 'VARCHAR', 'time': 'VARCHAR', 'transport': 'VARCHAR', 'reasons': 'VARCHAR',
    'origin_country': 'VARCHAR', 'origin_admin1': 'VARCHAR', 'destination_country': 'VARCHAR', 'destination_admin1': 'VARCHAR',
    'uasc': 'INTEGER', 'pregnant_lactating': 'INTEGER', 'elderly': 'INTEGER', 'disabled': 'INTEGER', 'medical': 'INTEGER',
    'enumerator': 'VARCHAR', 'note': 'VARCHAR'})`);
  const loadMs = performance.now() - t0;
  log(`DuckDB loaded ${records} records in memory in ${Math.round(loadMs)} ms`);
  const out = new Map<string, Latencies>();
  for (const q of QUERIES) {
    const sqls = duckQueries(q);
    const times: number[] = [];
    for (let i = 0; i < warmup + requests; i++) {
      const t = performance.now();
      for (const sql of sqls) (await con.runAndReadAll(sql)).getRows();
      if (i >= warmup) times.push(performance.now() - t);
    }
    out.set(q.name, summarise(times));
  }
  con.closeSync?.();
  instance.closeSync?.();
  return { latencies: out, loadMs };
}

export const DASHBOARD_LIMIT: Record<Engine, number> = { postgresql: 100, pglite: 300 };

export async function dashboardMeasurements(engine: Engine, records: number, api: Map<string, Latencies>, peer: Awaited<ReturnType<typeof duckdbPeer>> | null): Promise<Measurement[]> {
  const limit = DASHBOARD_LIMIT[engine];
  return QUERIES.map((q) => {
    const l = api.get(q.name)!;
    const d = peer && 'latencies' in peer ? peer.latencies.get(q.name)! : null;
    const ratio = d ? round(l.p95 / d.p95) : null;
    return {
      name: `summary: ${q.name}`,
      median_ms: l.median,
      min_ms: l.min,
      max_ms: l.max,
      runs: l.n,
      p50_ms: l.p50,
      p95_ms: l.p95,
      reference: d
        ? { name: 'DuckDB in memory (same aggregations)', median_ms: d.median, min_ms: d.min, max_ms: d.max, p95_ms: d.p95 }
        : { name: 'DuckDB in memory', median_ms: null, note: peer && 'unavailable' in peer ? peer.unavailable : 'not run' },
      ratio,
      ratio_basis: 'p95 / DuckDB p95',
      target: `p95 ≤ ${limit} ms and ≤ DuckDB`,
      met: l.p95 <= limit && (ratio == null ? null : ratio <= 1) !== false,
    } satisfies Measurement;
  });
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const requests = spec.options.requests ?? (spec.quick ? 10 : 50);
  const warmup = spec.options.warmup ?? 3;
  const db = await openDataset(spec.engine, spec.records, { clone: false, poolSize: 4 });
  try {
    const user = await benchUser(db);
    const [s] = await sessions(db, user, 1);
    const server = await startApp(db);
    let api: Map<string, Latencies>;
    try {
      api = await measureApi(server.url, s!.cookie, requests, warmup);
    } finally {
      await server.close();
    }
    for (const [name, l] of api) log(`${name}: p50 ${l.p50} ms, p95 ${l.p95} ms`);
    // Informative: the totals recomputed from the records themselves (what the summaries save).
    const scan = await timed(() => recomputeTotals(db, { from: START_DATE, to: END_DATE, scope: null }));
    log(`recomputation of nationwide all-time totals from the records: ${Math.round(scan.ms)} ms`);
    const peer = spec.options.duckdb === false ? null : await duckdbPeer(spec.records, requests, warmup, log);
    const measurements = await dashboardMeasurements(spec.engine, spec.records, api, peer);
    return {
      measurements,
      details: {
        requests_per_query: requests,
        warmup,
        recompute_from_records_ms: round(scan.ms, 1),
        duckdb: peer && 'unavailable' in peer ? { unavailable: peer.unavailable } : peer ? { load_ms: round(peer.loadMs, 1) } : null,
      },
    };
  } finally {
    await db.close();
  }
}
