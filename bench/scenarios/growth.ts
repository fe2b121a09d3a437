// Growth: import of 1, 3 and 10 million records (each into an empty database, one run) and the
// dashboard (warm p50/p95 through the API) on the database that import produced — how each cost
// grows with the volume: imports should grow linearly, dashboards stay nearly flat.
import { csvFile } from '../lib/data.ts';
import { freshDatabase, keepAsDataset } from '../lib/engines.ts';
import { benchUser, sessions, startApp } from '../lib/app.ts';
import { importFlows } from '../../src/flows/import.ts';
import { cliActor } from '../../src/platform/audit.ts';
import { round, timed } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';
import { measureApi } from './dashboard.ts';
import { backendPid } from './import.ts';

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const sizes: number[] = spec.options.sizes ?? [1_000_000, 3_000_000, 10_000_000];
  const requests = spec.options.requests ?? 20;
  const measurements: Measurement[] = [];
  const points: Record<string, unknown>[] = [];
  let first: { n: number; ms: number } | null = null;
  for (const n of sizes) {
    const { path } = await csvFile(n);
    const db = await freshDatabase(spec.engine, 4);
    try {
      const pid = await backendPid(db);
      const t = await timed(() => importFlows(db, { path, actor: cliActor('marz bench'), principal: null }), pid);
      const report = t.value;
      if (!report.ok || report.added !== n) throw new Error(`import of ${n} failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
      log(`import ${n}: ${Math.round(t.ms)} ms (${Math.round(n / (t.ms / 1000))} rows/s, rss ${t.rssMb} MB)`);
      await db.query('ANALYZE');
      const user = await benchUser(db);
      const [s] = await sessions(db, user, 1);
      const server = await startApp(db);
      let api;
      try {
        api = await measureApi(server.url, s!.cookie, requests, 3);
      } finally {
        await server.close();
      }
      const worst = [...api.values()].reduce((a, b) => (b.p95 > a.p95 ? b : a));
      const all = api.get('nationwide, all time')!;
      log(`dashboard at ${n}: worst p95 ${worst.p95} ms; nationwide all time p50 ${all.p50} / p95 ${all.p95} ms`);
      first ??= { n, ms: t.ms };
      const linear = first.ms * (n / first.n);
      measurements.push({
        name: `growth: import ${n.toLocaleString('en')}`,
        median_ms: round(t.ms, 1),
        min_ms: round(t.ms, 1),
        max_ms: round(t.ms, 1),
        runs: 1,
        rows: n,
        rows_per_s: Math.round(n / (t.ms / 1000)),
        peak_rss_mb: t.rssMb,
        cpu: { node_s: t.nodeCpuS, db_s: t.dbCpuS },
        reference: { name: `linear from ${first.n.toLocaleString('en')}`, median_ms: round(linear, 1) },
        ratio: round(t.ms / linear),
        ratio_basis: 'time / linear extrapolation from the smallest size',
        target: 'linear (ratio ≈ 1)',
        met: t.ms / linear <= 1.25,
      });
      measurements.push({
        name: `growth: dashboard at ${n.toLocaleString('en')} (worst of 6)`,
        median_ms: worst.median,
        min_ms: worst.min,
        max_ms: worst.max,
        runs: worst.n,
        p50_ms: worst.p50,
        p95_ms: worst.p95,
        target: 'nearly flat',
        met: null,
        note: `nationwide all time p50 ${all.p50} ms / p95 ${all.p95} ms`,
      });
      points.push({ records: n, import_ms: round(t.ms, 1), import_rss_mb: t.rssMb, dashboard: Object.fromEntries(api) });
      if (await keepAsDataset(db, spec.engine, n)) log(`kept as the ${spec.engine} dataset of ${n} records`);
    } finally {
      await db.close();
    }
  }
  return { measurements, details: { points } };
}
