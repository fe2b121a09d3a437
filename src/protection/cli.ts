// `marz import protection-cases FILE`, `marz protection stats|rotate-key|retention`.
import { parseArgs } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { parseDate } from '../platform/calendar.ts';
import { prepareDatabase } from '../platform/seed.ts';
import { cipherFor } from './crypto.ts';
import { importCases } from './import.ts';
import { protectionStats, parseDimensions, cliTable, exportCsv, DIMENSIONS, K_INTERNAL } from './stats.ts';
import { rotateKey } from './rotate.ts';
import { retention, setRetentionRule } from './workflow.ts';
import { exportCases, readExport } from './export.ts';
import { readKeyFile } from '../platform/db/backup.ts';
import './section.ts'; // the province profile's protection section, for `marz provinces profile`

type WithDb = <T>(config: Config, command: string, fn: (db: Database) => Promise<T>) => Promise<T>;

function dateArg(name: string, value: string | undefined): string | null {
  if (!value) return null;
  const d = parseDate(value);
  if (!d.ok) throw new Error(`--${name} "${value}": ${d.reason}`);
  return d.iso;
}

export async function importProtectionCommand(args: string[], config: Config, withDatabase: WithDb): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { agency: { type: 'string', default: process.env.MARZ_PROTECTION_AGENCY ?? 'iom' }, 'dry-run': { type: 'boolean', default: false } } });
  const path = positionals[1];
  if (positionals[0] !== 'protection-cases' || !path) {
    console.error('Usage: marz import protection-cases FILE [--agency CODE] [--dry-run]');
    return 2;
  }
  if (!existsSync(path)) {
    console.error(`marz: no such file: ${path}`);
    return 1;
  }
  return withDatabase(config, 'import', async (db) => {
    await prepareDatabase(db);
    const agency = await db.one('SELECT id FROM agencies WHERE code = $1', [values.agency]);
    if (!agency) {
      console.error(`marz: there is no agency "${values.agency}" (--agency CODE).`);
      return 2;
    }
    const report = await importCases(db, {
      path,
      ownerAgencyId: Number(agency.id),
      dryRun: values['dry-run'],
      actor: cliActor('marz import protection-cases'),
      principal: null,
      cipher: cipherFor(config.dataDir),
      onProblem: (p) => console.error(`${p.file}:${p.row ?? '-'}  ${p.column ?? '-'}  ${JSON.stringify(p.value ?? '')}  ${p.code}: ${p.message_en}`),
    });
    if (report.ok) console.log(report.dry_run ? `Dry run: ${report.rows} rows are valid; ${report.added} would be added, ${report.present} are already present. Nothing was written.` : `Imported ${report.file} for ${values.agency}: ${report.rows} rows, ${report.added} added, ${report.present} already present.`);
    else console.error(`Refused ${report.file}: ${report.problem_count} problem(s) in ${report.rows} rows; nothing was written.`);
    console.log(JSON.stringify({ file: report.file, dry_run: report.dry_run, ok: report.ok, rows: report.rows, added: report.added, already_present: report.present, problems: report.problem_count }));
    return report.ok ? 0 : 1;
  });
}

const USAGE = `Usage:
  marz protection stats --by DIMS [--from D --to D] [--k N] [--province IR-NN] [--calendar jalali] [--json] [--export FILE.csv]
      DIMS: comma-separated from ${DIMENSIONS.join(',')}; k: ${K_INTERNAL} inside Marz (default), 11 for anything published
  marz protection rotate-key [--retire]     new key, every encrypted field re-encrypted (--retire drops the old keys)
  marz protection retention [--rule TYPE=anonymise|purge:YEARS] [--apply]
                                            cases due for anonymisation or purge (a dry run unless --apply)
  marz protection export-cases FILE --key-file KEY [--agency CODE]   the cases, encrypted (AES-256-GCM; make a key with marz backup --new-key KEY)
  marz protection read-export FILE --key-file KEY                    an export's cases as JSON lines`;

export async function protectionCommand(args: string[], config: Config, withDatabase: WithDb): Promise<number> {
  const sub = args[0];
  if (sub === 'stats') {
    const { values } = parseArgs({ args: args.slice(1), options: { by: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, k: { type: 'string' }, province: { type: 'string' }, json: { type: 'boolean', default: false }, export: { type: 'string' }, calendar: { type: 'string', default: 'gregorian' } } });
    const by = values.by ? parseDimensions(values.by) : null;
    if (!by) {
      console.error(USAGE);
      return 2;
    }
    const k = values.k === undefined ? K_INTERNAL : Number(values.k);
    if (!Number.isInteger(k) || k < 2 || k > 100) {
      console.error('--k must be a whole number from 2 to 100');
      return 2;
    }
    const from = dateArg('from', values.from), to = dateArg('to', values.to);
    return withDatabase(config, 'protection stats', async (db) => {
      const table = await protectionStats(db, { by, from, to, k, province: values.province ?? null, calendar: values.calendar === 'jalali' ? 'jalali' : 'gregorian' });
      await db.tx((c) => import('../platform/audit.ts').then(({ audit }) => audit(c, cliActor('marz protection stats'), 'protection.stats', null, null, { by: values.by, k })));
      if (values.export) writeFileSync(values.export, exportCsv(table, by, { from, to }));
      if (values.json) console.log(JSON.stringify(cliTable(table)));
      else {
        console.log(`k = ${table.k}; ${table.excluded_no_consent} case(s) without consent to statistical use left out; — = suppressed`);
        console.log([...by, 'count'].join('\t'));
        for (const c of table.cells) console.log([...by.map((d) => c[d]), c.count ?? '—'].join('\t'));
        console.log(`total\t${table.total ?? '—'}`);
      }
      return 0;
    });
  }
  if (sub === 'rotate-key') {
    const { values } = parseArgs({ args: args.slice(1), options: { retire: { type: 'boolean', default: false } } });
    return withDatabase(config, 'protection rotate-key', async (db) => {
      const r = await rotateKey(db, config.dataDir, cliActor('marz protection rotate-key'), { retire: values.retire });
      console.log(`Re-encrypted ${r.values} value(s) under key ${r.new_key}${r.retired ? `; retired ${r.old_keys.join(', ')}` : `; old key(s) ${r.old_keys.join(', ')} kept (run again with --retire, or remove them from the key file, once backups made with them are no longer needed)`}.`);
      return 0;
    });
  }
  if (sub === 'retention') {
    const { values } = parseArgs({ args: args.slice(1), options: { apply: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, rule: { type: 'string', multiple: true } } });
    return withDatabase(config, 'protection retention', async (db) => {
      for (const r of values.rule ?? []) {
        const m = /^([a-z_]+)=(anonymise|purge):(\d+)$/.exec(r);
        if (!m) {
          console.error(`--rule ${r}: write TYPE=anonymise:YEARS or TYPE=purge:YEARS (types case_victim, case_not_victim)`);
          return 2;
        }
        await db.tx((c) => setRetentionRule(c, cliActor('marz protection retention'), m[1]!, m[2] as 'anonymise' | 'purge', Number(m[3])));
      }
      const rules = await db.many('SELECT record_type, action, years FROM protection_retention ORDER BY record_type');
      if (!values.json) console.log(`Rules: ${rules.map((r) => `${r.record_type} → ${r.action} ${r.years} year(s) after closure`).join('; ')}`);
      const r = await db.tx((c) => retention(c, cliActor('marz protection retention'), { apply: values.apply }));
      if (values.json) console.log(JSON.stringify(r));
      else {
        console.log(`${r.dry_run ? 'Dry run: would ' : ''}anonymise ${r.anonymise} and purge ${r.purge} case(s); ${r.on_legal_hold} closed case(s) are under legal hold.`);
        for (const d of r.due) console.log(`  ${d.case_id}  ${d.record_type}  closed ${d.closed_at}  → ${d.action}`);
      }
      return 0;
    });
  }
  if (sub === 'export-cases' || sub === 'read-export') {
    const { values, positionals } = parseArgs({ args: args.slice(1), allowPositionals: true, options: { 'key-file': { type: 'string' }, agency: { type: 'string' } } });
    const file = positionals[0];
    if (!file || !values['key-file']) {
      console.error(USAGE);
      return 2;
    }
    const key = readKeyFile(values['key-file']);
    if (sub === 'read-export') {
      for (const c of readExport(file, key)) console.log(JSON.stringify(c));
      return 0;
    }
    return withDatabase(config, 'protection export-cases', async (db) => {
      let agencyId: number | null = null;
      if (values.agency) {
        const a = await db.one('SELECT id FROM agencies WHERE code = $1', [values.agency]);
        if (!a) {
          console.error(`marz: there is no agency "${values.agency}".`);
          return 2;
        }
        agencyId = Number(a.id);
      }
      const n = await exportCases(db, cipherFor(config.dataDir), file, key, cliActor('marz protection export-cases'), { agencyId });
      console.log(`Wrote ${n} case(s) to ${file}, encrypted (AES-256-GCM) with ${values['key-file']}.`);
      return 0;
    });
  }
  console.error(USAGE);
  return 2;
}
