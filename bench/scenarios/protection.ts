// Protection (issue 11, item 14): warm latencies through the API at N protection cases (100 000
// in the full run, 10 000 quick) of
//   - statistics tables with disclosure control (GET /api/v1/protection/stats, several
//     breakdowns, all time and one year): target p95 ≤ 100 ms;
//   - the case list (GET /api/v1/protection/cases: first page, a status filter, page 20, and an
//     exact-name search through the blind index, POST /api/v1/protection/cases/search): target p95 ≤ 150 ms.
// Every list request also writes its audit entry, as in production. Check: the unsuppressed
// grand total of the one-dimension table equals the count of consenting cases.
//
// The cases are generated here (synthetic, seeded) and written through the application's own
// insert (names encrypted, blind indexes computed) into a fresh database of the bench.
//
// To register (bench/, the lead's): add 'protection' to ScenarioName and SCENARIOS in
// bench/lib/types.ts, `case 'protection': return (await import('./scenarios/protection.ts')).run(spec, log);`
// in bench/child.ts, and a plan entry in bench/run.ts with records quick 10 000 / full 100 000
// and requests quick 10 / full 50 (spec.options.requests).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { addDays } from '../../src/platform/calendar.ts';
import { cliActor } from '../../src/platform/audit.ts';
import { createUser } from '../../src/platform/auth/identity.ts';
import { freshDatabase } from '../lib/engines.ts';
import { sessions, startApp } from '../lib/app.ts';
import { percentile, stats, timedRequests } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';
import { cipherFor } from '../../src/protection/crypto.ts';
import { insertCases, type NewCase } from '../../src/protection/cases.ts';

export const TARGETS = { stats: 100, list: 150 } as const;
const END = '2026-06-30';

/** A small seeded generator (mulberry32), so every run loads the same cases. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, list: readonly T[]) => list[Math.floor(r() * list.length)]!;

function measurement(name: string, times: number[], targetMs: number): Measurement {
  const s = stats(times);
  const p95 = percentile(times, 95);
  return { name, median_ms: s.median, min_ms: s.min, max_ms: s.max, runs: times.length, p50_ms: percentile(times, 50), p95_ms: p95, target: `p95 ≤ ${targetMs} ms`, met: p95 <= targetMs };
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const requests = spec.options.requests ?? (spec.quick ? 10 : 50);
  const warmup = spec.options.warmup ?? 3;
  const n = spec.records;
  const keyDir = mkdtempSync(join(tmpdir(), 'marz-bench-protection-'));
  process.env.MARZ_PROTECTION_KEY_FILE = join(keyDir, 'protection.key');
  const db = await freshDatabase(spec.engine, 4);
  try {
    const agencies = (await db.many('SELECT id, code FROM agencies ORDER BY id')).map((a) => ({ id: Number(a.id), code: a.code as string }));
    const iom = agencies.find((a) => a.code === 'iom')!.id;
    const fmps = await db.many<{ code: string; province_code: string }>('SELECT code, province_code FROM fmps ORDER BY code');
    const cipher = cipherFor(keyDir);
    const r = rng(11);
    const t0 = performance.now();
    const NATS = ['AFG', 'AFG', 'AFG', 'AFG', 'PAK', 'PAK', 'IRQ', 'TUR', 'AZE', 'TKM', 'IND', 'BGD', 'SYR'];
    const EXPL = [[], ['forced_labour'], ['forced_labour'], ['sexual'], ['forced_marriage'], ['begging'], ['sexual', 'begging'], ['forced_criminality'], ['organ_removal'], ['other']];
    let searchName = '';
    for (let done = 0; done < n; ) {
      const batch: NewCase[] = [];
      for (let i = 0; i < 5000 && done < n; i++, done++) {
        const f = pick(r, fmps);
        const given = `Given${Math.floor(r() * 20000)}`;
        if (done === 777) searchName = given;
        batch.push({
          id: randomUUID(), screened_on: addDays(END, -Math.floor(r() * 1095)), fmp: f.code, province: f.province_code, owner_agency_id: r() < 0.4 ? iom : pick(r, agencies).id,
          sex: pick(r, ['male', 'female', 'female', 'unknown'] as const), age: r() < 0.1 ? null : Math.floor(r() * 70), nationality: pick(r, NATS), given_name: given, family_name: `Family${Math.floor(r() * 50000)}`,
          status: pick(r, ['possible', 'possible', 'presumed', 'confirmed', 'not_victim'] as const), exploitation: pick(r, EXPL), consent_statistics: r() < 0.85, source: 'import',
        });
      }
      await db.tx((c) => insertCases(c, cipher, batch, { userId: null, authority: 'bench', legalBasis: 'bench' }));
    }
    await db.query('ANALYZE protection_cases');
    log(`loaded ${n} cases in ${Math.round(performance.now() - t0)} ms`);

    const userId = await db.tx((c) => createUser(c, cliActor('marz bench'), { username: 'marz-bench-protection', displayName: 'bench', password: `bench-${randomUUID()}`, locale: 'en', assignments: [{ role: 'protection_case_worker', agencyIds: [iom], provinces: null }] }));
    const [s] = await sessions(db, userId, 1);
    const server = await startApp(db);
    const measurements: Measurement[] = [];
    let totalOk = false;
    try {
      const year = `from=${addDays(END, -364)}&to=${END}`;
      for (const [label, q] of [
        ['province', 'by=province'],
        ['province × sex', 'by=province,sex'],
        ['nationality × exploitation', 'by=nationality,exploitation'],
        ['fmp × status, one year', `by=fmp,status&${year}`],
        ['sex × age band × status, k = 11', 'by=sex,age_band,status&k=11'],
      ] as const) {
        const { times, last } = await timedRequests(server.url, s!.cookie, `/api/v1/protection/stats?${q}`, requests, warmup);
        measurements.push(measurement(`statistics: ${label}`, times, TARGETS.stats));
        if (label === 'province') {
          const consenting = Number((await db.one('SELECT count(*)::int AS n FROM protection_cases WHERE consent_statistics'))!.n);
          totalOk = last.total === consenting;
        }
      }
      for (const [label, q] of [
        ['first page', ''],
        ['status = presumed', 'status=presumed'],
        ['page 20', 'page=20'],
      ] as const) {
        const { times } = await timedRequests(server.url, s!.cookie, `/api/v1/protection/cases?${q}`, requests, warmup);
        measurements.push(measurement(`case list: ${label}`, times, TARGETS.list));
      }
      const { times: search } = await timedRequests(server.url, s!.cookie, '/api/v1/protection/cases/search', requests, warmup, { csrf: s!.csrf, body: { name: searchName } });
      measurements.push(measurement('case list: exact name (blind index, POST)', search, TARGETS.list));
    } finally {
      await server.close();
    }
    for (const m of measurements) log(`${m.name}: p50 ${m.p50_ms} ms, p95 ${m.p95_ms} ms (${m.target}${m.met ? ', met' : ', NOT met'})`);
    log(totalOk ? 'the statistics grand total equals the count of consenting cases' : 'MISMATCH: the statistics grand total differs from the count of consenting cases');
    return { measurements, details: { cases: n, requests_per_query: requests, warmup, total_equals_consenting: totalOk } };
  } finally {
    await db.close();
    rmSync(keyDir, { recursive: true, force: true });
  }
}
