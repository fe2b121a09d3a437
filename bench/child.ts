// One benchmark scenario on one engine, in its own process (so that its peak memory is its own).
// Started by bench/run.ts with the spec in MARZ_BENCH_SPEC; writes a ScenarioResult to spec.resultFile.
import { writeFileSync } from 'node:fs';
import { maxRssMb, round } from './lib/measure.ts';
import type { ScenarioResult, ScenarioSpec } from './lib/types.ts';

const spec = JSON.parse(process.env.MARZ_BENCH_SPEC ?? '{}') as ScenarioSpec;
const log = (s: string) => process.stderr.write(`  [${spec.scenario}/${spec.engine}] ${s}\n`);
const started = performance.now();

async function main(): Promise<Partial<ScenarioResult>> {
  switch (spec.scenario) {
    case 'import':
      return (await import('./scenarios/import.ts')).run(spec, log);
    case 'import-load':
      return (await import('./scenarios/import-load.ts')).run(spec, log);
    case 'dashboard':
      return (await import('./scenarios/dashboard.ts')).run(spec, log);
    case 'export':
      return (await import('./scenarios/export.ts')).run(spec, log);
    case 'concurrency':
      return (await import('./scenarios/concurrency.ts')).run(spec, log);
    case 'web':
      return (await import('./scenarios/web.ts')).run(spec, log);
    case 'growth':
      return (await import('./scenarios/growth.ts')).run(spec, log);
    case 'flows-files':
      return (await import('./scenarios/flows-files.ts')).run(spec, log);
    case 'collect':
      return (await import('./scenarios/collect.ts')).run(spec, log);
    case 'protection':
      return (await import('./scenarios/protection.ts')).run(spec, log);
    case 'provinces':
      return (await import('./scenarios/provinces.ts')).run(spec, log);
    case 'exercises':
      return (await import('./scenarios/exercises.ts')).run(spec, log);
    default:
      throw new Error(`unknown scenario ${spec.scenario}`);
  }
}

let result: ScenarioResult;
try {
  const r = await main();
  result = { scenario: spec.scenario, engine: spec.engine, records: spec.records, status: 'ok', measurements: [], ...r, process_max_rss_mb: maxRssMb(), seconds: round((performance.now() - started) / 1000, 1) };
} catch (e) {
  log(`FAILED: ${(e as Error).stack ?? e}`);
  result = { scenario: spec.scenario, engine: spec.engine, records: spec.records, status: 'failed', reason: String((e as Error).message ?? e), measurements: [], process_max_rss_mb: maxRssMb(), seconds: round((performance.now() - started) / 1000, 1) };
}
writeFileSync(spec.resultFile, JSON.stringify(result, null, 1));
process.exit(0);
