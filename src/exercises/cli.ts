// `marz exercises …`: create a simulation exercise, import its MSEL, print the MSEL, shift it.
// Exit codes: 0 success · 1 refused (bad data, unknown exercise, bad rows) · 2 usage error.
import { parseArgs } from 'node:util';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { prepareDatabase } from '../platform/seed.ts';
import { cliActor } from '../platform/audit.ts';
import { AppError } from '../platform/http/errors.ts';
import { t } from '../platform/i18n/messages.ts';
import * as S from './store.ts';
import { parseDateTime } from './time.ts';
import './routes.ts'; // its messages

type WithDb = <T>(config: Config, command: string, fn: (db: Database) => Promise<T>) => Promise<T>;
export interface Out {
  log(s: string): void;
  error(s: string): void;
}

export const EXERCISES_USAGE = `usage: marz exercises <command>   (simulation exercises, also called LIVEX / SIMEX)

  create CODE --type TYPE --title "…" --startex DATETIME [--province IR-NN] [--fmp CODE]
         [--plan "SOP title" --plan-version V] [--agency CODE]… [--team CODE[:AGENCY[:NAME]]]…
         [--objective CODE:CAPABILITY:TEXT]…
        TYPE: seminar | workshop | tabletop | game | drill | functional | full-scale
        DATETIME: Iran time "YYYY-MM-DD HH:MM" (Gregorian or Jalali, Persian or Latin digits)
  import-msel FILE.csv|FILE.xlsx --exercise CODE [--dry-run] [--json]
        columns (English or Persian header): number, time, phase, from, to, channel, subject,
        content, expected_action, objectives; time is "D+N H+HH:MM" after STARTEX or an
        absolute date-time in Iran time. All rows or none; bad rows are listed.
  msel CODE [--json]          the injects with number and scheduled_at
  shift CODE --minutes N [--from NUMBER]   move injects from NUMBER on (default: all undelivered); gaps kept`;

function fail(out: Out, e: unknown): number {
  if (e instanceof AppError) {
    out.error(t('en', `errors.${e.code}`, e.params));
    return 1;
  }
  throw e;
}

export async function exercisesCommand(args: string[], config: Config, withDatabase: WithDb, out: Out = console): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'create':
        return await create(rest, config, withDatabase, out);
      case 'import-msel':
        return await importMselCmd(rest, config, withDatabase, out);
      case 'msel':
        return await mselCmd(rest, config, withDatabase, out);
      case 'shift':
        return await shiftCmd(rest, config, withDatabase, out);
      case 'help':
      case '--help':
        out.log(EXERCISES_USAGE);
        return 0;
      default:
        out.error(EXERCISES_USAGE);
        return 2;
    }
  } catch (e) {
    return fail(out, e);
  }
}

async function create(args: string[], config: Config, withDatabase: WithDb, out: Out) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      type: { type: 'string' }, title: { type: 'string' }, startex: { type: 'string' }, province: { type: 'string' }, fmp: { type: 'string' },
      plan: { type: 'string' }, 'plan-version': { type: 'string' }, description: { type: 'string' },
      agency: { type: 'string', multiple: true }, team: { type: 'string', multiple: true }, objective: { type: 'string', multiple: true },
    },
  });
  const code = positionals[0];
  if (!code || !values.type || !values.title || !values.startex) {
    out.error('create needs CODE, --type, --title and --startex\n\n' + EXERCISES_USAGE);
    return 2;
  }
  const type = S.parseExerciseType(values.type);
  if (!type) {
    out.error(`"${values.type}" is not an exercise type: ${S.EXERCISE_TYPES.join(', ')}`);
    return 2;
  }
  const startex = parseDateTime(values.startex);
  if (!startex.ok) {
    out.error(`--startex: ${startex.reason}`);
    return 2;
  }
  return withDatabase(config, 'exercises create', async (db) => {
    await prepareDatabase(db);
    const actor = cliActor('marz exercises create');
    await db.tx(async (c) => {
      await S.createExercise(c, actor, {
        code, type, title: values.title!, startex: startex.at, description: values.description, province_code: values.province, fmp_code: values.fmp,
        plan_title: values.plan, plan_version: values['plan-version'], agencies: values.agency,
      });
      const ex = await S.findExercise(c, code);
      for (const spec of values.team ?? []) {
        const [tc, agency, ...name] = spec.split(':');
        await S.addTeam(c, actor, ex, { code: tc!, agency: agency || null, name: name.join(':') || tc! });
      }
      for (const spec of values.objective ?? []) {
        const [oc, capability, ...text] = spec.split(':');
        if (!oc || !capability || !text.length) throw new AppError('ex_capability_needed', 400);
        await S.addObjective(c, actor, ex, { code: oc, capability, text: text.join(':') });
      }
    });
    out.log(`EXERCISE: created simulation exercise ${code} (${type}), STARTEX ${startex.at.toISOString()}.`);
    return 0;
  });
}

async function importMselCmd(args: string[], config: Config, withDatabase: WithDb, out: Out) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { exercise: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } } });
  const file = positionals[0];
  if (!file || !values.exercise) {
    out.error('import-msel needs FILE and --exercise CODE\n\n' + EXERCISES_USAGE);
    return 2;
  }
  return withDatabase(config, 'exercises import-msel', async (db) => {
    await prepareDatabase(db);
    const r = await S.importMsel(db, cliActor('marz exercises import-msel'), values.exercise!, file, { dryRun: values['dry-run'] });
    if (values.json) out.log(JSON.stringify({ mark: 'EXERCISE', ...r }, null, 2));
    else if (r.header) {
      out.error(`EXERCISE: ${file}: the header does not fit an MSEL.` + (r.header.missing.length ? ` Missing columns: ${r.header.missing.join(', ')}.` : '') + (r.header.unknown.length ? ` Unknown columns: ${r.header.unknown.join(', ')}.` : ''));
    } else if (!r.ok) {
      out.error(`EXERCISE: ${file}: nothing imported, ${r.problems.length} problem(s):`);
      for (const p of r.problems) out.error(`  row ${p.row}, column ${p.column}, value "${p.value}": ${p.message_en}`);
    } else {
      out.log(values['dry-run'] ? `EXERCISE: ${file}: ${r.rows} rows are valid (dry run, nothing imported).` : `EXERCISE: imported ${r.added} injects into ${values.exercise}.`);
    }
    return r.ok ? 0 : 1;
  });
}

async function mselCmd(args: string[], config: Config, withDatabase: WithDb, out: Out) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const code = positionals[0];
  if (!code) {
    out.error('msel needs CODE\n\n' + EXERCISES_USAGE);
    return 2;
  }
  return withDatabase(config, 'exercises msel', async (db) => {
    await prepareDatabase(db);
    const ex = await S.findExercise(db, code);
    const injects = await S.listMsel(db, ex.id);
    if (values.json) {
      // The injects themselves (as the issue names the output), each carrying the EXERCISE mark.
      out.log(JSON.stringify(injects.map(({ id: _id, ...i }) => ({ mark: 'EXERCISE', exercise: ex.code, ...i })), null, 2));
    } else {
      out.log(`EXERCISE — ${ex.code}: ${ex.title} (STARTEX ${new Date(ex.startex).toISOString()})`);
      for (const i of injects) out.log(`  ${i.number.padEnd(6)} ${i.offset.padEnd(14)} ${i.scheduled_at}  → ${i.to.join(',')}  ${i.subject}`);
    }
    return 0;
  });
}

async function shiftCmd(args: string[], config: Config, withDatabase: WithDb, out: Out) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { minutes: { type: 'string' }, from: { type: 'string' } } });
  const code = positionals[0];
  const minutes = Number(values.minutes);
  if (!code || !Number.isInteger(minutes) || minutes === 0) {
    out.error('shift needs CODE and --minutes N (a whole number, not 0)\n\n' + EXERCISES_USAGE);
    return 2;
  }
  return withDatabase(config, 'exercises shift', async (db) => {
    await prepareDatabase(db);
    const ex = await S.findExercise(db, code);
    const moved = await db.tx((c) => S.shiftInjects(c, cliActor('marz exercises shift'), ex, { seconds: minutes * 60, from_number: values.from }));
    out.log(`EXERCISE: moved ${moved} inject(s) by ${minutes} minutes.`);
    return 0;
  });
}
