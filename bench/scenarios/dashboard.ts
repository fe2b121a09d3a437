// Dashboard: the flow summary (every headline figure: GET /api/v1/flows/summary) for one FMP
// and nationwide, over the last month, the last year and all time, on a dataset of N records;
// warm latencies through the HTTP API on loopback. Peer: the same aggregations in DuckDB
// (@duckdb/node-api) over the same records held in memory, checked to give the same totals.
import { addDays } from '../../src/platform/calendar.ts';
import { recomputeTotals, type Totals } from '../../src/flows/summary.ts';
import { openDataset } from '../lib/engines.ts';
import { benchUser, sessions, startApp } from '../lib/app.ts';
import { csvFile, END_DATE, DAYS } from '../lib/data.ts';
import { percentile, round, stats, timed, timedRequests } from '../lib/measure.ts';
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
    const path = summaryPath(q);
    const { times } = await timedRequests(url, cookie, path, requests, warmup);
    out.set(q.name, summarise(times));
  }
  return out;
}

/**
 * The figures of headlineFigures, computed by DuckDB from the records: the totals (first, with the
 * API's names, for the check), per FMP, the top nationalities, week-on-week and month-on-month
 * change, and the top reasons, transport, origins, destinations and routes. Not the survey and
 * alert counts, which come from other tables than the records.
 */
function duckQueries(q: Query): string[] {
  const where = `date BETWEEN DATE '${q.from}' AND DATE '${q.to}'${q.fmp ? ` AND fmp = '${q.fmp}'` : ''}`;
  const people = 'men + women + boys + girls';
  const top = (expr: string) =>
    `SELECT v, sum(${people}) AS individuals, count(*) AS groups FROM (SELECT ${expr} AS v, men, women, boys, girls FROM fmr WHERE ${where}) GROUP BY v ORDER BY 2 DESC, 1 LIMIT 10`;
  const of = (filter: string) => `coalesce(sum(${people}) FILTER (WHERE ${filter}), 0)`;
  return [
    `SELECT coalesce(sum(${people}), 0) AS individuals, count(*) AS groups, coalesce(sum(men), 0) AS men, coalesce(sum(women), 0) AS women,
            coalesce(sum(boys), 0) AS boys, coalesce(sum(girls), 0) AS girls, ${of(`direction = 'in'`)} AS inflow, ${of(`direction = 'out'`)} AS outflow,
            ${of(`deported = 'yes'`)} AS deported_yes, ${of(`deported = 'no'`)} AS deported_no, ${of(`deported = 'unknown'`)} AS deported_unknown,
            coalesce(sum(uasc), 0) AS uasc, coalesce(sum(pregnant_lactating), 0) AS pregnant_lactating, coalesce(sum(elderly), 0) AS elderly,
            coalesce(sum(disabled), 0) AS disabled, coalesce(sum(medical), 0) AS medical
       FROM fmr WHERE ${where}`,
    `SELECT fmp, sum(${people}), count(*) FROM fmr WHERE ${where} GROUP BY fmp ORDER BY 2 DESC`,
    top('nationality'),
    `SELECT ${of(`date > DATE '${q.to}' - 7`)}, ${of(`date <= DATE '${q.to}' - 7 AND date > DATE '${q.to}' - 14`)},
            ${of(`date > DATE '${q.to}' - 30`)}, ${of(`date <= DATE '${q.to}' - 30`)}
       FROM fmr WHERE date BETWEEN DATE '${addDays(q.to, -59)}' AND DATE '${q.to}'${q.fmp ? ` AND fmp = '${q.fmp}'` : ''}`,
    `SELECT v, sum(${people}), count(*) FROM (SELECT unnest(CASE WHEN reasons IS NULL OR reasons = '' THEN ['not_stated'] ELSE string_split(reasons, ';') END) AS v, men, women, boys, girls
       FROM fmr WHERE ${where}) GROUP BY v ORDER BY 2 DESC, 1 LIMIT 10`,
    top(`coalesce(transport, 'not_stated')`),
    top(`coalesce(origin_country, '?') || '|' || coalesce(origin_admin1, '')`),
    top(`coalesce(destination_country, '?') || '|' || coalesce(destination_admin1, '')`),
    top(`coalesce(origin_country, '?') || '>' || coalesce(destination_country, '?')`),
  ];
}

export interface DuckPeer {
  latencies: Map<string, Latencies>;
  /** The totals DuckDB computed for each query, to compare with the API's. */
  totals: Map<string, Totals>;
  loadMs: number;
  version: string;
  threads: number;
}

/**
 * DuckDB in memory over the same CSV file, with its default settings (threads: one per core).
 * Each query's statements are prepared once and then timed like the API: `warmup` runs, then
 * `requests` timed runs of all its statements in sequence, rows read into JavaScript values.
 */
export async function duckdbPeer(records: number, requests: number, warmup: number, log: (s: string) => void): Promise<DuckPeer | { unavailable: string }> {
  let duck: typeof import('@duckdb/node-api');
  try {
    duck = await import('@duckdb/node-api');
  } catch (e) {
    // A devDependency: absent from an install without them (npm install --omit=dev).
    return { unavailable: `@duckdb/node-api could not be loaded: ${(e as Error).message.split('\n')[0]}` };
  }
  const { path } = await csvFile(records);
  const instance = await duck.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const t0 = performance.now();
    await con.run(`CREATE TABLE fmr AS SELECT * FROM read_csv('${path.replaceAll("'", "''")}', header = true, columns = {
      'id': 'UUID', 'fmp': 'VARCHAR', 'date': 'DATE', 'direction': 'VARCHAR', 'nationality': 'VARCHAR', 'men': 'INTEGER', 'women': 'INTEGER',
      'boys': 'INTEGER', 'girls': 'INTEGER', 'deported': 'VARCHAR', 'time': 'VARCHAR', 'transport': 'VARCHAR', 'reasons': 'VARCHAR',
      'origin_country': 'VARCHAR', 'origin_admin1': 'VARCHAR', 'destination_country': 'VARCHAR', 'destination_admin1': 'VARCHAR',
      'uasc': 'INTEGER', 'pregnant_lactating': 'INTEGER', 'elderly': 'INTEGER', 'disabled': 'INTEGER', 'medical': 'INTEGER',
      'enumerator': 'VARCHAR', 'note': 'VARCHAR'})`);
    const loadMs = performance.now() - t0;
    const setting = (await con.runAndReadAll(`SELECT version() AS version, current_setting('threads') AS threads`)).getRowObjectsJS()[0]!;
    const version = String(setting.version), threads = Number(setting.threads);
    log(`DuckDB ${version} (${threads} threads) loaded ${records} records in memory in ${Math.round(loadMs)} ms`);
    const latencies = new Map<string, Latencies>();
    const totals = new Map<string, Totals>();
    for (const q of QUERIES) {
      const statements = [];
      for (const sql of duckQueries(q)) statements.push(await con.prepare(sql));
      const times: number[] = [];
      for (let i = 0; i < warmup + requests; i++) {
        const t = performance.now();
        const results = [];
        for (const s of statements) results.push((await s.runAndReadAll()).getRowObjectsJS());
        if (i >= warmup) times.push(performance.now() - t);
        // DuckDB's sums and counts are bigints.
        if (i === 0) totals.set(q.name, Object.fromEntries(Object.entries(results[0]![0]!).map(([k, v]) => [k, Number(v)])) as unknown as Totals);
      }
      for (const s of statements) s.destroySync();
      latencies.set(q.name, summarise(times));
    }
    return { latencies, totals, loadMs, version, threads };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

const summaryPath = (q: Query) => `/api/v1/flows/summary?from=${q.from}&to=${q.to}${q.fmp ? `&fmp=${q.fmp}` : ''}`;

/** The API's totals for each query, to compare with DuckDB's. */
async function apiTotals(url: string, cookie: string): Promise<Map<string, Totals>> {
  const out = new Map<string, Totals>();
  for (const q of QUERIES) out.set(q.name, ((await (await fetch(url + summaryPath(q), { headers: { cookie } })).json()) as { totals: Totals }).totals);
  return out;
}

/** The totals on which DuckDB and the API differ, per query (none: the same figures). */
function totalsDiffer(api: Map<string, Totals>, duck: Map<string, Totals>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, a] of api) {
    const d = duck.get(name)!;
    const diff = (Object.keys(a) as (keyof Totals)[]).filter((k) => a[k] !== d[k]).map((k) => `${k} ${a[k]} (API) ≠ ${d[k]} (DuckDB)`);
    if (diff.length) out.set(name, diff);
  }
  return out;
}

export const DASHBOARD_LIMIT: Record<Engine, number> = { postgresql: 100, embedded: 100 };

export function dashboardMeasurements(engine: Engine, api: Map<string, Latencies>, peer: DuckPeer | { unavailable: string } | null, differ: Map<string, string[]>): Measurement[] {
  const limit = DASHBOARD_LIMIT[engine];
  return QUERIES.map((q) => {
    const l = api.get(q.name)!;
    const d = peer && 'latencies' in peer ? peer.latencies.get(q.name)! : null;
    const ratio = d ? round(l.p95 / d.p95) : null;
    const fast = l.p95 <= limit;
    const noSlower = ratio == null ? null : ratio <= 1;
    const diff = differ.get(q.name);
    const verdicts = `p95 ≤ ${limit} ms: ${fast ? 'yes' : 'NO'}; no slower than DuckDB: ${noSlower == null ? 'not measured' : noSlower ? 'yes' : `NO (${ratio}×)`}`;
    return {
      name: `summary: ${q.name}`,
      median_ms: l.median,
      min_ms: l.min,
      max_ms: l.max,
      runs: l.n,
      p50_ms: l.p50,
      p95_ms: l.p95,
      reference: d
        ? { name: diff ? 'DuckDB (TOTALS DIFFER)' : 'DuckDB in memory', median_ms: d.median, min_ms: d.min, max_ms: d.max, p95_ms: d.p95 }
        : { name: 'DuckDB in memory', median_ms: null, note: peer && 'unavailable' in peer ? peer.unavailable : 'not run' },
      ratio,
      ratio_basis: 'p95 / DuckDB p95',
      target: `p95 ≤ ${limit} ms and ≤ DuckDB p95`,
      // Figures that differ from DuckDB's are wrong somewhere: never "met", however fast.
      met: diff ? false : fast && noSlower !== false,
      note: diff ? `TOTALS DIFFER FROM DUCKDB: ${diff.join('; ')}. ${verdicts}` : verdicts,
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
    let api: Map<string, Latencies>, totals: Map<string, Totals>;
    try {
      api = await measureApi(server.url, s!.cookie, requests, warmup);
      totals = await apiTotals(server.url, s!.cookie);
    } finally {
      await server.close();
    }
    for (const [name, l] of api) log(`${name}: p50 ${l.p50} ms, p95 ${l.p95} ms`);
    // Informative: the totals recomputed from the records themselves (what the summaries save).
    const scan = await timed(() => recomputeTotals(db, { from: START_DATE, to: END_DATE, scope: null }));
    log(`recomputation of nationwide all-time totals from the records: ${Math.round(scan.ms)} ms`);
    // DuckDB runs after the server has closed, so that neither competes with the other for the cores.
    const peer = spec.options.duckdb === false ? null : await duckdbPeer(spec.records, requests, warmup, log);
    const duck = peer && 'latencies' in peer ? peer : null;
    const differ = duck ? totalsDiffer(totals, duck.totals) : new Map<string, string[]>();
    if (duck) {
      for (const [name, d] of duck.latencies) log(`DuckDB ${name}: p50 ${d.p50} ms, p95 ${d.p95} ms (API p95 / DuckDB p95 = ${round(api.get(name)!.p95 / d.p95)})`);
      log(differ.size ? `MISMATCH: DuckDB's totals differ from the API's for ${differ.size} queries: ${JSON.stringify(Object.fromEntries(differ))}` : `DuckDB's totals equal the API's for all ${QUERIES.length} queries`);
    } else if (peer && 'unavailable' in peer) log(`DuckDB peer not run: ${peer.unavailable}`);
    return {
      measurements: dashboardMeasurements(spec.engine, api, peer, differ),
      details: {
        requests_per_query: requests,
        warmup,
        recompute_from_records_ms: round(scan.ms, 1),
        duckdb: duck
          ? { version: duck.version, threads: duck.threads, load_ms: round(duck.loadMs, 1), totals_equal: differ.size === 0, totals_differ: Object.fromEntries(differ) }
          : peer && 'unavailable' in peer
            ? { unavailable: peer.unavailable }
            : null,
      },
    };
  } finally {
    await db.close();
  }
}
