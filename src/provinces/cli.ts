// `marz provinces profile IR-NN [--from D --to D] [--json] [--pdf FILE [--lang fa|en]]` and
// `marz import mobility FILE [--dry-run]`.
import { parseArgs } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { isIsoDate } from '../platform/calendar.ts';
import { prepareDatabase } from '../platform/seed.ts';
import { provinceProfile } from './profile.ts';
import { profilePdf } from './report.ts';
import { importMobility } from './mobility.ts';

type WithDb = <T>(config: Config, command: string, fn: (db: Database) => Promise<T>) => Promise<T>;
type Out = Pick<Console, 'log' | 'error'>;

export const PROVINCES_USAGE = 'Usage: marz provinces profile IR-NN [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json] [--pdf FILE.pdf [--lang fa|en]]';

export async function provincesCommand(args: string[], config: Config, withDatabase: WithDb, out: Out = console): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false }, pdf: { type: 'string' }, lang: { type: 'string', default: 'fa' } } });
  const code = positionals[1]?.toUpperCase();
  if (positionals[0] !== 'profile' || !code || !/^IR-\d{2}$/.test(code)) {
    out.error(PROVINCES_USAGE);
    return 2;
  }
  for (const k of ['from', 'to'] as const) {
    if (values[k] && !isIsoDate(values[k]!)) {
      out.error(`--${k} must be a date YYYY-MM-DD`);
      return 2;
    }
  }
  return withDatabase(config, 'provinces profile', async (db) => {
    await prepareDatabase(db);
    if (!(await db.query('SELECT 1 FROM provinces WHERE code = $1', [code])).rowCount) {
      out.error(`There is no province ${code}.`);
      return 1;
    }
    // Capabilities register their profile sections when their modules load (as under marz serve).
    await import('../capabilities.ts');
    const p = await provinceProfile(db, { province: code, from: values.from, to: values.to, principal: null });
    if (values.pdf) {
      writeFileSync(values.pdf, await profilePdf(p, values.lang === 'en' ? 'en' : 'fa'));
      out.log(`Wrote ${values.pdf}.`);
    }
    if (values.json) out.log(JSON.stringify(p, null, 1));
    else if (!values.pdf) {
      const f = p.flows as any;
      out.log(`${p.province.name_en} (${p.province.code}) ${p.period.from} … ${p.period.to}`);
      out.log(`FMPs ${p.fmps.length} · movements ${f?.individuals ?? '-'} · open alerts ${p.alerts?.open ?? '-'}`);
      out.log(`officials trained ${p.trainings.participants} (men ${p.trainings.participants_by_sex.male}, women ${p.trainings.participants_by_sex.female}) · needs ${p.needs.total} (open ${p.needs.open}) · mobility in ${p.mobility.arrivals} out ${p.mobility.departures}`);
    }
    return 0;
  });
}

export async function mobilityImportCommand(args: string[], config: Config, withDatabase: WithDb, out: Out = console): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  const file = positionals[1];
  if (positionals[0] !== 'mobility' || !file || !existsSync(file)) {
    out.error('Usage: marz import mobility FILE.csv|.xlsx [--dry-run] [--json]   (columns: round, origin_province, origin_county, destination_province, destination_county, kind, individuals, households)');
    return 2;
  }
  return withDatabase(config, 'import mobility', async (db) => {
    await prepareDatabase(db);
    const r = await importMobility(db, { path: file, dryRun: values['dry-run'], actor: cliActor('marz import mobility'), principal: null });
    if (values.json) out.log(JSON.stringify(r, null, 1));
    else {
      for (const p of r.problems) out.error(`${p.file}${p.row != null ? ` row ${p.row}` : ''}${p.column ? ` [${p.column}]` : ''}: ${p.message_en}`);
      out.log(r.ok ? `${r.dry_run ? 'Dry run: would add' : 'Added'} ${r.added}, updated ${r.updated} figure(s) from ${r.rows} row(s).` : `Nothing imported: ${r.problem_count} problem(s).`);
    }
    return r.ok ? 0 : 1;
  });
}
