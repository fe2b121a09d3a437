// `marz bench` / `npm run bench`: Marz's performance benchmarks (issue 5; docs/PERFORMANCE.md).
//
// Every scenario runs on each engine in a process of its own (bench/child.ts), so that each
// figure's peak memory is that scenario's; data come from the seeded demo generator, written
// once to CSV files and cached datasets (MARZ_BENCH_CACHE, default $TMPDIR/marz-bench).
// Results: a table on the terminal and bench/results/<timestamp>.json.
//
//   marz bench --quick                       every scenario at a small size (about a minute)
//   marz bench                               the full sizes of the issue (long: see the docs)
//   marz bench --engine embedded|postgresql|both
//   marz bench --only import[,export…]       some scenarios only
//   marz bench --no-growth                   the full run without the 1/3/10 M growth series
//
// The embedded engine runs on a cluster of the bench's own (started for the run, stopped at its
// end); a PostgreSQL server is used as well when MARZ_BENCH_DATABASE_URL or DATABASE_URL is set.
// The benchmark creates its own databases (marz_bench_*) on both.
import { parseArgs } from 'node:util';
import { spawn, execSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, loadavg, release, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../src/platform/db/database.ts';
import { SCENARIOS, type Measurement, type ScenarioName, type ScenarioResult, type ScenarioSpec } from './lib/types.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export const USAGE = `Usage: marz bench [--quick] [--engine embedded|postgresql|both] [--only SCENARIO[,SCENARIO…]] [--no-growth]
                  [--runs N] [--records N] [--dashboard-records N] [--growth-sizes N,N,N] [--build-web] [--out DIR]

Scenarios: ${SCENARIOS.join(', ')} (growth runs in the full run only).
PostgreSQL runs when MARZ_BENCH_DATABASE_URL or DATABASE_URL is set; see docs/PERFORMANCE.md.`;

interface Plan {
  scenario: ScenarioName;
  engine: Engine;
  records: number;
  runs: number;
  options: Record<string, unknown>;
  timeoutS: number;
}

const int = (s: string | undefined, name: string) => {
  if (s === undefined) return undefined;
  const n = Number(s.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number`);
  return n;
};

export async function runBench(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      engine: { type: 'string' },
      only: { type: 'string' },
      'no-growth': { type: 'boolean', default: false },
      runs: { type: 'string' },
      records: { type: 'string' },
      'dashboard-records': { type: 'string' },
      'growth-sizes': { type: 'string' },
      'build-web': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const { serverUrl, cleanLeftovers, ensureDataset, engineVersion, benchLease } = await import('./lib/engines.ts');
  const { csvFile } = await import('./lib/data.ts');
  const quick = values.quick;
  const hasServer = !!serverUrl();
  const engineArg = values.engine ?? (hasServer ? 'both' : 'embedded');
  if (!['embedded', 'postgresql', 'both'].includes(engineArg)) {
    console.error(`--engine must be embedded, postgresql or both\n\n${USAGE}`);
    return 2;
  }
  const engines: Engine[] = engineArg === 'both' ? ['embedded', 'postgresql'] : [engineArg as Engine];
  if (engines.includes('postgresql') && !hasServer) {
    if (engineArg === 'both') engines.splice(engines.indexOf('postgresql'), 1);
    else {
      console.error('PostgreSQL needs MARZ_BENCH_DATABASE_URL or DATABASE_URL (a server where the benchmark may create databases).');
      return 2;
    }
  }
  const only = values.only ? (values.only.split(',') as ScenarioName[]) : null;
  for (const s of only ?? []) {
    if (!SCENARIOS.includes(s)) {
      console.error(`Unknown scenario "${s}"; one of ${SCENARIOS.join(', ')}`);
      return 2;
    }
  }
  const wanted = (s: ScenarioName) => (only ? only.includes(s) : s !== 'growth' || (!quick && !values['no-growth']));

  const runs = int(values.runs, 'runs') ?? (quick ? 2 : 3);
  const small = int(values.records, 'records') ?? 10_000;
  const big = int(values.records, 'records') ?? 1_000_000;
  const dashboardRecords = int(values['dashboard-records'], 'dashboard-records') ?? (quick ? small : 10_000_000);
  const growthSizes = values['growth-sizes'] ? values['growth-sizes'].split(',').map((s) => int(s, 'growth-sizes')!) : [1_000_000, 3_000_000, 10_000_000];
  const N = quick ? small : big;

  const plans: Plan[] = [];
  for (const engine of engines) {
    // The SQL floor (informative) is left out of the quick run.
    if (wanted('import')) plans.push({ scenario: 'import', engine, records: N, runs, options: { floor: !quick }, timeoutS: quick ? 120 : 7200 });
    if (wanted('import-load')) plans.push({ scenario: 'import-load', engine, records: N, runs: 1, options: { clients: 4 }, timeoutS: quick ? 180 : 7200 });
    if (wanted('growth')) plans.push({ scenario: 'growth', engine, records: growthSizes[growthSizes.length - 1]!, runs: 1, options: { sizes: growthSizes }, timeoutS: 6 * 3600 });
    if (wanted('dashboard')) plans.push({ scenario: 'dashboard', engine, records: dashboardRecords, runs: 1, options: { requests: quick ? 5 : 50, warmup: quick ? 2 : 3 }, timeoutS: quick ? 120 : 3600 });
    if (wanted('export')) plans.push({ scenario: 'export', engine, records: N, runs, options: { xlsxRuns: quick ? runs : 2 }, timeoutS: quick ? 120 : 7200 });
    if (wanted('concurrency')) plans.push({ scenario: 'concurrency', engine, records: N, runs: 1, options: { clients: 50, seconds: quick ? 1.5 : 10 }, timeoutS: quick ? 120 : 1800 });
  }
  // The capabilities' own targets (issues 10–14), on the first engine.
  const e0 = engines[0]!;
  if (wanted('flows-files')) plans.push({ scenario: 'flows-files', engine: e0, records: 0, runs: quick ? 3 : 5, options: {}, timeoutS: quick ? 120 : 600 });
  if (wanted('collect')) plans.push({ scenario: 'collect', engine: e0, records: quick ? small : dashboardRecords, runs: 1, options: { requests: quick ? 20 : 200 }, timeoutS: quick ? 300 : 3600 });
  if (wanted('protection')) plans.push({ scenario: 'protection', engine: e0, records: quick ? 10_000 : 100_000, runs: 1, options: { requests: quick ? 10 : 50 }, timeoutS: quick ? 300 : 3600 });
  if (wanted('provinces')) plans.push({ scenario: 'provinces', engine: e0, records: quick ? small : dashboardRecords, runs: 1, options: { requests: quick ? 10 : 50 }, timeoutS: quick ? 300 : 3600 });
  if (wanted('exercises')) plans.push({ scenario: 'exercises', engine: e0, records: 0, runs: 1, options: { players: 100, injects: quick ? 6 : 20 }, timeoutS: 180 });
  if (wanted('web')) plans.push({ scenario: 'web', engine: engines[0]!, records: quick ? small : N, runs: 1, options: { loads: quick ? 1 : 5, build: values['build-web'] || !quick }, timeoutS: quick ? 120 : 900 });
  if (!plans.length) {
    console.error('Nothing to run.');
    return 2;
  }

  // The embedded cluster runs for the whole benchmark and stops at its end.
  const lease = engines.includes('embedded') ? await benchLease() : null;
  try {
    return await runPlans();
  } finally {
    await lease?.release();
  }

  async function runPlans(): Promise<number> {
    const started = new Date();
    const machine = {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      memory_gb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      os: `${platform()} ${release()}`,
      node: process.version,
      engines: Object.fromEntries(await Promise.all(engines.map(async (e) => [e, await engineVersion(e)] as const))),
      load_average_at_start: loadavg().map((x) => Math.round(x * 100) / 100),
    };
    console.log(`Marz benchmarks (${quick ? 'quick' : 'full'}) on ${machine.cpus} × ${machine.cpu_model}, ${machine.memory_gb} GB, Node ${machine.node}, ${Object.values(machine.engines).join(', ')}`);
    if (machine.load_average_at_start[0]! > machine.cpus * 0.5) console.log(`  note: the machine is busy (load average ${machine.load_average_at_start.join(' ')}): figures will be noisy`);

    for (const e of engines) await cleanLeftovers(e);
    const resultsDir = values.out ?? join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const work = join(tmpdir(), `marz-bench-results-${process.pid}`);
    mkdirSync(work, { recursive: true });

    const results: ScenarioResult[] = [];
    for (const plan of plans) {
      const label = `${plan.scenario} · ${plan.engine} · ${plan.records.toLocaleString('en')} records`;
      console.log(`\n▶ ${label}`);
      const t0 = performance.now();
      // Data are prepared here, outside the measured process.
      if (plan.scenario === 'import') await csvFile(plan.records);
      if (plan.scenario === 'growth') for (const n of plan.options.sizes as number[]) await csvFile(n);
      if (['dashboard', 'export', 'concurrency', 'web', 'collect', 'provinces'].includes(plan.scenario)) {
        const built = await ensureDataset(plan.engine, plan.records, (s) => console.log(`  ${s}`));
        if (built) console.log(`  dataset ready in ${Math.round(built.ms / 1000)} s`);
      }
      const spec: ScenarioSpec = { scenario: plan.scenario, engine: plan.engine, quick, records: plan.records, runs: plan.runs, options: plan.options, resultFile: join(work, `${results.length}.json`) };
      const result = await runChild(spec, plan.timeoutS);
      results.push(result);
      if (result.status !== 'ok') console.log(`  ${result.status}: ${result.reason}`);
      console.log(`  (${Math.round((performance.now() - t0) / 100) / 10} s)`);
    }
    rmSync(work, { recursive: true, force: true });

    const finished = new Date();
    const output = {
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      seconds: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
      quick,
      command: `marz bench ${args.join(' ')}`.trim(),
      git: git(),
      machine: { ...machine, load_average_at_end: loadavg().map((x) => Math.round(x * 100) / 100) },
      results,
    };
    const file = join(resultsDir, `${started.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
    writeFileSync(file, JSON.stringify(output, null, 1) + '\n');
    console.log('\n' + table(results));
    console.log(`\nResults: ${file} (${output.seconds} s)`);
    return results.some((r) => r.status === 'failed') ? 1 : 0;
  }
}

function runChild(spec: ScenarioSpec, timeoutS: number): Promise<ScenarioResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, env: { ...process.env, MARZ_BENCH_SPEC: JSON.stringify(spec) }, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (existsSync(spec.resultFile)) return resolve(JSON.parse(readFileSync(spec.resultFile, 'utf8')));
      resolve({ scenario: spec.scenario, engine: spec.engine, records: spec.records, status: 'failed', reason: signal ? `killed (${signal}) after ${timeoutS} s` : `exited with ${code}`, measurements: [], seconds: timeoutS });
    });
  });
}

function git() {
  try {
    const commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain', { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

const fmt = (x: number | null | undefined, digits = 0) => (x == null || !Number.isFinite(x) ? '–' : x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ms = (x: number | null | undefined) => (x == null ? '–' : x >= 10_000 ? `${fmt(x / 1000, 1)} s` : `${fmt(x, x < 10 ? 1 : 0)} ms`);

function figure(m: Measurement): string {
  if (m.p95_ms != null && m.per_s == null) return `p50 ${ms(m.p50_ms)} · p95 ${ms(m.p95_ms)}${m.p99_ms != null ? ` · p99 ${ms(m.p99_ms)}` : ''}`;
  if (m.per_s != null) return `${fmt(m.per_s)}/s · p99 ${ms(m.p99_ms)}`;
  if (m.median_ms == null) return m.note ?? '–';
  return m.runs > 1 ? `${ms(m.median_ms)} (${ms(m.min_ms)}–${ms(m.max_ms)})` : ms(m.median_ms);
}

function refFigure(m: Measurement): string {
  const r = m.reference;
  if (!r) return '–';
  if (r.median_ms == null) return `${r.name}: ${r.note ?? 'n/a'}`;
  if (r.per_s != null) return `${r.name}: ${fmt(r.per_s)}/s`;
  if (r.p95_ms != null) return `${r.name}: p95 ${ms(r.p95_ms)}`;
  return `${r.name}: ${ms(r.median_ms)}`;
}

/** The results as a plain-text table. */
export function table(results: ScenarioResult[]): string {
  const rows: string[][] = [['scenario', 'engine', 'records', 'measure', 'figure', 'rows/s', 'reference', 'ratio', 'RSS MB', 'target', 'met']];
  for (const r of results) {
    if (r.status !== 'ok') {
      rows.push([r.scenario, r.engine, fmt(r.records), r.status, r.reason ?? '', '', '', '', '', '', '']);
      continue;
    }
    for (const m of r.measurements) {
      rows.push([
        r.scenario,
        r.engine,
        fmt(m.rows ?? r.records),
        m.name,
        figure(m),
        fmt(m.rows_per_s),
        refFigure(m),
        m.ratio == null ? '–' : fmt(m.ratio, 2),
        fmt(m.peak_rss_mb),
        m.target ?? '',
        m.met == null ? '·' : m.met ? 'yes' : 'NO',
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.min(60, Math.max(...rows.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]) => r.map((c, i) => (c.length > widths[i]! ? c.slice(0, widths[i]! - 1) + '…' : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

// `node --import tsx bench/run.ts …` works too.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(await runBench(process.argv.slice(2)));
}
