// `marz import training-participants FILE --training CODE [--title "…"] [--dry-run] [--json]`.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { prepareDatabase } from '../platform/seed.ts';
import { importParticipants } from './import.ts';

type WithDb = <T>(config: Config, command: string, fn: (db: Database) => Promise<T>) => Promise<T>;

export const TRAINING_IMPORT_USAGE = 'Usage: marz import training-participants FILE.csv|.xlsx --training CODE [--title "Title"] [--dry-run] [--json]';

export async function trainingImportCommand(args: string[], config: Config, withDatabase: WithDb, out: Pick<Console, 'log' | 'error'> = console): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { training: { type: 'string' }, title: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const file = positionals[1];
  if (positionals[0] !== 'training-participants' || !file || !values.training) {
    out.error(TRAINING_IMPORT_USAGE);
    return 2;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(values.training)) {
    out.error('--training: a code of letters, digits, dots, dashes and underscores (e.g. GCM-2025-01)');
    return 2;
  }
  if (!existsSync(file)) {
    out.error(`No such file: ${file}`);
    return 2;
  }
  return withDatabase(config, 'import training-participants', async (db) => {
    await prepareDatabase(db);
    const r = await importParticipants(db, { path: file, training: values.training!, title: values.title ?? null, dryRun: values['dry-run'], actor: cliActor('marz import training-participants'), principal: null });
    if (values.json) out.log(JSON.stringify(r, null, 1));
    else {
      for (const p of r.problems) out.error(`${p.file}${p.row != null ? ` row ${p.row}` : ''}${p.column ? ` [${p.column}]` : ''}${p.value != null ? ` "${p.value}"` : ''}: ${p.message_en}`);
      if (r.ok) out.log(`${r.dry_run ? 'Dry run: would add' : 'Added'} ${r.added} participant(s) to ${r.training}${r.training_created ? ' (new training)' : ''}; ${r.present} already on it; ${r.rows} row(s) read.`);
      else out.error(`Nothing imported: ${r.problem_count} problem(s) in ${r.file}.`);
    }
    return r.ok ? 0 : 1;
  });
}
