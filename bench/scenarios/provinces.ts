// Provinces (issue 14, item 6): warm latencies of one province's profile
// (GET /api/v1/provinces/IR-09/profile — Khorasan Razavi, whose Dogharoun FMP carries the most
// records of the demo data) and of the national comparison (GET /api/v1/provinces/comparison),
// each over the last month, the last year and all time, on a dataset of N flow records (10 M in
// the full run). Targets: profile p95 ≤ 150 ms, comparison p95 ≤ 300 ms. Check: the profile's
// flow figures equal GET /api/v1/flows/summary?province=… for the same period.
//
// Read-only on the shared dataset: trainings, needs and mobility tables are empty there (they
// are small tables read by index; the flow summary dominates the profile's cost).
//
// To register (bench/, the lead's): add 'provinces' to ScenarioName and SCENARIOS in
// bench/lib/types.ts, `case 'provinces': return (await import('./scenarios/provinces.ts')).run(spec, log);`
// in bench/child.ts, and a plan entry in bench/run.ts like the dashboard's (same records:
// quick 100 000, full 10 000 000; runs/requests: quick 10, full 50).
import { addDays } from '../../src/platform/calendar.ts';
import { openDataset } from '../lib/engines.ts';
import { benchUser, sessions, startApp } from '../lib/app.ts';
import { END_DATE, DAYS } from '../lib/data.ts';
import { percentile, stats, timedRequests } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';

const START_DATE = addDays(END_DATE, -(DAYS - 1));
const PROVINCE = 'IR-09';

const PERIODS = [
  { name: 'one month', from: addDays(END_DATE, -29), to: END_DATE },
  { name: 'one year', from: addDays(END_DATE, -364), to: END_DATE },
  { name: 'all time', from: START_DATE, to: END_DATE },
];

export const TARGETS = { profile: 150, comparison: 300 } as const;

function measurement(name: string, times: number[], targetMs: number): Measurement {
  const s = stats(times);
  const p95 = percentile(times, 95);
  return { name, median_ms: s.median, min_ms: s.min, max_ms: s.max, runs: times.length, p50_ms: percentile(times, 50), p95_ms: p95, target: `p95 ≤ ${targetMs} ms`, met: p95 <= targetMs };
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const requests = spec.options.requests ?? (spec.quick ? 10 : 50);
  const warmup = spec.options.warmup ?? 3;
  const db = await openDataset(spec.engine, spec.records, { clone: false, poolSize: 4 });
  try {
    const user = await benchUser(db);
    const [s] = await sessions(db, user, 1);
    const server = await startApp(db);
    const measurements: Measurement[] = [];
    const mismatches: string[] = [];
    try {
      for (const p of PERIODS) {
        const q = `from=${p.from}&to=${p.to}`;
        const profile = (await timedRequests(server.url, s!.cookie, `/api/v1/provinces/${PROVINCE}/profile?${q}`, requests, warmup)).times;
        measurements.push(measurement(`province profile (${PROVINCE}), ${p.name}`, profile, TARGETS.profile));
        const comparison = (await timedRequests(server.url, s!.cookie, `/api/v1/provinces/comparison?${q}`, requests, warmup)).times;
        measurements.push(measurement(`national comparison, ${p.name}`, comparison, TARGETS.comparison));
        // The profile's flows section is the flows summary for the province and period.
        const [a, b] = await Promise.all([
          fetch(`${server.url}/api/v1/provinces/${PROVINCE}/profile?${q}`, { headers: { cookie: s!.cookie } }).then((r) => r.json()),
          fetch(`${server.url}/api/v1/flows/summary?province=${PROVINCE}&${q}`, { headers: { cookie: s!.cookie } }).then((r) => r.json()),
        ]);
        if (JSON.stringify(a.flows) !== JSON.stringify(b)) mismatches.push(p.name);
      }
    } finally {
      await server.close();
    }
    for (const m of measurements) log(`${m.name}: p50 ${m.p50_ms} ms, p95 ${m.p95_ms} ms (${m.target}${m.met ? ', met' : ', NOT met'})`);
    log(mismatches.length ? `MISMATCH: profile flows differ from the flows summary for ${mismatches.join(', ')}` : 'profile flows equal the flows summary for every period');
    return { measurements, details: { province: PROVINCE, requests_per_query: requests, warmup, flows_equal_summary: mismatches.length === 0, mismatches } };
  } finally {
    await db.close();
  }
}
