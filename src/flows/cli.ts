// `marz import flows`, `marz export flows`, `marz flows summary`, `marz demo`.
import { parseArgs } from 'node:util';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { parseDate, todayIso, addDays } from '../platform/calendar.ts';
import { importFlows } from './import.ts';
import { RefusedRows, writeRefusedRows } from './refused.ts';
import { exportFlows } from './export.ts';
import { headlineFigures, type FlowFilters } from './summary.ts';
import { parseMapping, type Mapping } from './mapping.ts';
import { generateDemoRecords, demoNaturalVolume, demoFmpCapacities, DEMO_FMPS } from './demo.ts';
import { insertRecords, loadFmps } from './store.ts';
import { checkAlerts } from './alerts.ts';

type WithDb = <T>(config: Config, command: string, fn: (db: Database) => Promise<T>) => Promise<T>;

function dateArg(name: string, value: string | undefined, fallback: string): string {
  if (!value) return fallback;
  const d = parseDate(value);
  if (!d.ok) throw new Error(`--${name} "${value}": ${d.reason}`);
  return d.iso;
}

async function resolveMapping(db: Database, nameOrPath: string | undefined): Promise<Mapping | null> {
  if (!nameOrPath) return null;
  if (existsSync(nameOrPath)) return parseMapping(JSON.parse(readFileSync(nameOrPath, 'utf8')));
  const row = await db.one('SELECT mapping FROM flow_mappings WHERE name = $1', [nameOrPath]);
  if (!row) throw new Error(`There is no saved mapping "${nameOrPath}" (and no such file).`);
  return parseMapping(row.mapping);
}

export async function importCommand(args: string[], config: Config, withDatabase: WithDb): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { mapping: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, 'skip-invalid': { type: 'boolean', default: false }, lang: { type: 'string', default: 'en' }, quiet: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'flows' || !positionals[1] || (values.lang !== 'en' && values.lang !== 'fa')) {
    console.error('Usage: marz import flows FILE [--mapping NAME|FILE.json] [--dry-run] [--skip-invalid] [--lang en|fa]');
    return 2;
  }
  const lang = values.lang as 'en' | 'fa';
  const path = positionals[1];
  if (!existsSync(path)) {
    console.error(`marz: no such file: ${path}`);
    return 1;
  }
  return withDatabase(config, 'import', async (db) => {
    const mapping = await resolveMapping(db, values.mapping);
    const show = !values.quiet && process.stderr.isTTY;
    const bar = new cliProgress.SingleBar({ format: 'Importing |{bar}| {percentage}% · {rows} rows · {eta_formatted} left', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
    let started = false;
    let lastLine = 0;
    const refused = new RefusedRows();
    const report = await importFlows(db, {
      path,
      mapping,
      mappingName: values.mapping ?? null,
      dryRun: values['dry-run'],
      skipInvalid: values['skip-invalid'],
      actor: cliActor('marz import flows'),
      principal: null,
      onProgress: ({ bytes, totalBytes, rows }) => {
        if (show) {
          if (!started) bar.start(totalBytes, 0, { rows: 0 });
          started = true;
          bar.update(bytes, { rows });
        } else if (!values.quiet && Date.now() - lastLine > 5000) {
          lastLine = Date.now();
          console.error(`… ${rows} rows (${Math.round((bytes / Math.max(totalBytes, 1)) * 100)}%)`);
        }
      },
      onProblem: (p) => {
        if (values['skip-invalid']) refused.add(p);
        console.error(`${p.file}:${p.row ?? '-'}  ${p.column ?? '-'}  ${JSON.stringify(p.value ?? '')}  ${p.code}: ${lang === 'fa' ? p.message_fa : p.message_en}`);
      },
    });
    if (started) bar.stop();
    let errorsFile: string | null = null;
    if (values['skip-invalid'] && report.ok && report.refused > 0) {
      errorsFile = `${path}.errors.csv`;
      await writeRefusedRows(path, refused, lang, createWriteStream(errorsFile));
    }
    const summary = { file: report.file, dry_run: report.dry_run, ok: report.ok, rows: report.rows, added: report.added, already_present: report.present, refused: report.refused, problems: report.problem_count, errors_file: errorsFile };
    if (report.ok) {
      const refusedLine = report.refused ? ` ${report.refused} refused (written with their problems to ${errorsFile}).` : '';
      console.log(
        report.dry_run
          ? `Dry run: ${report.rows - report.refused} of ${report.rows} rows are valid; ${report.added} would be added, ${report.present} are already present.${report.refused ? ` ${report.refused} would be refused (see ${errorsFile}).` : ''} Nothing was written.`
          : `Imported ${report.file}: ${report.rows} rows, ${report.added} added, ${report.present} already present.${refusedLine}`,
      );
    } else {
      console.error(`Refused ${report.file}: ${report.problem_count} problem(s) in ${report.rows} rows; nothing was written.${values['skip-invalid'] ? '' : ' (--skip-invalid imports the valid rows and writes the others to FILE.errors.csv.)'}`);
    }
    console.log(JSON.stringify(summary));
    return report.ok ? 0 : 1;
  });
}

export async function exportCommand(args: string[], config: Config, withDatabase: WithDb): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, fmp: { type: 'string' }, daily: { type: 'boolean', default: false }, hxl: { type: 'boolean', default: false }, lang: { type: 'string', default: 'en' }, labels: { type: 'boolean', default: false }, 'approved-only': { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'flows' || !positionals[1] || !/\.(csv|xlsx)$/i.test(positionals[1])) {
    console.error('Usage: marz export flows FILE.csv|FILE.xlsx [--from DATE] [--to DATE] [--fmp CODE] [--daily] [--hxl] [--lang en|fa] [--labels] [--approved-only]');
    return 2;
  }
  const file = positionals[1];
  return withDatabase(config, 'export', async (db) => {
    const filters: FlowFilters = { from: dateArg('from', values.from, '2000-01-01'), to: dateArg('to', values.to, todayIso()), fmps: values.fmp?.split(','), approvedOnly: values['approved-only'], scope: null };
    const started = performance.now();
    await pipeline(exportFlows(db, values.daily ? 'daily' : 'records', { format: /\.xlsx$/i.test(file) ? 'xlsx' : 'csv', hxl: values.hxl, lang: values.lang === 'fa' ? 'fa' : 'en', labels: values.labels, filters }), createWriteStream(file));
    console.log(`Wrote ${file} in ${Math.round(performance.now() - started)} ms.`);
    return 0;
  });
}

export async function flowsCommand(args: string[], config: Config, withDatabase: WithDb): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, fmp: { type: 'string' }, direction: { type: 'string' }, province: { type: 'string' }, nationality: { type: 'string' }, 'approved-only': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'summary') {
    console.error('Usage: marz flows summary --from DATE --to DATE [--fmp CODE] [--direction in|out] [--province IR-NN] [--nationality ISO3] [--approved-only] --json');
    return 2;
  }
  if (values.direction && !['in', 'out'].includes(values.direction)) {
    console.error('--direction must be in or out');
    return 2;
  }
  const to = dateArg('to', values.to, todayIso());
  const filters: FlowFilters = {
    from: dateArg('from', values.from, addDays(to, -29)),
    to,
    fmps: values.fmp?.split(','),
    provinces: values.province?.split(','),
    nationality: values.nationality,
    direction: values.direction as 'in' | 'out' | undefined,
    approvedOnly: values['approved-only'],
    scope: null,
  };
  return withDatabase(config, 'flows summary', async (db) => {
    const figures = await headlineFigures(db, filters);
    if (values.json) console.log(JSON.stringify(figures, null, 1));
    else {
      console.log(`${filters.from} … ${filters.to} (${figures.counted === 'approved' ? 'approved records' : 'all records except rejected'})`);
      console.log(`movements ${figures.individuals} in ${figures.groups} groups · men ${figures.men} · women ${figures.women} · boys ${figures.boys} · girls ${figures.girls}`);
      console.log(`inflow ${figures.flows.inflow} · outflow ${figures.flows.outflow} · deported ${figures.deported.share_deported ?? '-'} · daily average ${figures.daily_average}`);
    }
    return 0;
  });
}

export async function demoCommand(args: string[], config: Config, withDatabase: WithDb): Promise<number> {
  const { values } = parseArgs({ args, options: { records: { type: 'string' }, seed: { type: 'string', default: '1' }, 'end-date': { type: 'string' } } });
  const endDate = dateArg('end-date', values['end-date'], todayIso());
  // Realistic scale is ~9 million records over two years; by default a 500,000-record sample
  // (same shape, fewer groups) loads in a few minutes. --records sets the volume.
  const natural = demoNaturalVolume({ endDate });
  const records = values.records ? Number(values.records) : Math.min(500_000, natural);
  if (!Number.isInteger(records) || records <= 0 || records > 10_000_000) {
    console.error('--records must be a whole number from 1 to 10,000,000');
    return 2;
  }
  return withDatabase(config, 'demo', async (db) => {
    const { province } = await loadFmps(db);
    const missing = DEMO_FMPS.filter((f) => !province.has(f.code));
    if (missing.length) {
      console.error(`The demo needs the FMPs ${missing.map((f) => f.code).join(', ')}, which this database lacks.`);
      return 1;
    }
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'Synthetic data |{bar}| {value}/{total} records', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
    bar?.start(records, 0);
    const recentFrom = addDays(endDate, -13);
    let added = 0;
    const days = new Map<string, { fmp: string; day: string }>();
    await db.tx(async (c) => {
      // Capacities are scaled to the sample, so surges read against capacity as at full scale.
      const fraction = Math.min(1, records / natural);
      for (const [code, capacity] of Object.entries(demoFmpCapacities)) {
        await c.query('UPDATE fmps SET capacity_per_day = $2, alert_multiple = 3, alert_window_days = 7 WHERE code = $1', [code, Math.max(1, Math.round(capacity * fraction))]);
      }
      let batch: { record: any; province: string }[] = [];
      const flush = async () => {
        // Older records are shown as reviewed (approved); the last two weeks await review.
        const older = batch.filter((b) => b.record.date < recentFrom);
        const recent = batch.filter((b) => b.record.date >= recentFrom);
        added += (await insertRecords(c, older, { status: 'approved', submittedBy: null, source: 'demo' })).length;
        added += (await insertRecords(c, recent, { status: 'received', submittedBy: null, source: 'demo' })).length;
        for (const b of batch) days.set(`${b.record.fmp}|${b.record.date}`, { fmp: b.record.fmp, day: b.record.date });
        bar?.update(added);
        batch = [];
      };
      for (const r of generateDemoRecords({ seed: Number(values.seed), endDate, records })) {
        batch.push({ record: r, province: province.get(r.fmp)! });
        if (batch.length >= 5000) await flush();
      }
      await flush();
      await checkAlerts(c, [...days.values()]);
    });
    bar?.stop();
    const pct = Math.round((records / natural) * 1000) / 10;
    console.log(`Loaded ${added} synthetic FMR records (note "SYNTHETIC") ending ${endDate}; ${records - added} were already there.`);
    if (records < natural) console.log(`The sample is ${pct}% of realistic volume (${natural} records); FMP capacities were scaled to match. Use --records ${natural} for full scale.`);
    return 0;
  });
}
