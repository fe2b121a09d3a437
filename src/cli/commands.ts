// The `marz` commands other than serve. Each capability adds its own here.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import type { Config } from '../platform/config.ts';
import { openForCommand, type Database } from '../platform/db/database.ts';
import { prepareDatabase } from '../platform/seed.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createUser, createSetupToken, userCount } from '../platform/auth/identity.ts';
import { backup, restore } from '../platform/db/backup.ts';
import { cliActor } from '../platform/audit.ts';
import { importCommand, exportCommand, flowsCommand, demoCommand } from '../flows/cli.ts';
import { importProtectionCommand, protectionCommand } from '../protection/cli.ts';
import { governanceCommand } from '../governance/cli.ts';
import { collectLinkCommand, COLLECT_LINK_USAGE } from '../collect/cli.ts';
import { exercisesCommand } from '../exercises/cli.ts';
import { backupCommand, restoreCommand, auditCommand, auditedExport } from '../audit/cli.ts';
import { trainingImportCommand } from '../capacity/cli.ts';
import { provincesCommand, mobilityImportCommand } from '../provinces/cli.ts';

export interface Command {
  usage?: string;
  run(args: string[], config: Config): Promise<number>;
}

/**
 * Runs a command on the database: the embedded PostgreSQL (started for the command when no
 * Marz process runs it, and initialised when the data directory is new) or DATABASE_URL's.
 * The database is migrated and seeded first unless `prepare` is false (restore needs it empty).
 */
export async function withDatabase<T>(config: Config, command: string, fn: (db: Database) => Promise<T>, prepare = true): Promise<T> {
  const db = await openForCommand({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, command });
  try {
    if (prepare) await prepareDatabase(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function askPassword(prompt: string): Promise<string> {
  if (process.env.MARZ_PASSWORD) return process.env.MARZ_PASSWORD;
  if (!process.stdin.isTTY) throw new Error('Set MARZ_PASSWORD, or run this in a terminal to be asked for the password.');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as any;
  const write = out._writeToOutput?.bind(out);
  out._writeToOutput = (s: string) => write?.(s.startsWith(prompt) ? s : s.replace(/[^\r\n]/g, '*'));
  const pw = await rl.question(prompt);
  rl.close();
  process.stdout.write('\n');
  return pw;
}

export const commands: Record<string, Command> = {
  import: {
    usage: '  import flows FILE [--mapping NAME|FILE.json] [--dry-run] [--skip-invalid] [--lang fa]\n                             import FMR records (CSV/XLSX, Marz format or its exports, or a mapped Kobo/ODK export);\n                             --skip-invalid imports the valid rows, writes the others to FILE.errors.csv\n  import training-participants FILE --training CODE [--title "…"] [--dry-run]\n                             import an attendance sheet into a training (created when missing)\n  import mobility FILE [--dry-run]\n                             import internal mobility figures (origin–destination per round)',
    run: (args, config) => args[0] === 'protection-cases' ? importProtectionCommand(args, config, withDatabase) : (args[0] === 'training-participants' ? trainingImportCommand(args, config, withDatabase) : args[0] === 'mobility' ? mobilityImportCommand(args, config, withDatabase) : importCommand(args, config, withDatabase)),
  },
  export: {
    usage: '  export flows FILE.csv|.xlsx [--from D] [--to D] [--fmp CODE] [--daily] [--hxl] [--lang fa] [--labels]\n                             export FMR records or daily aggregates (--labels: value labels instead of codes)',
    run: (args, config) => exportCommand(args, config, auditedExport(withDatabase, args)),
  },
  flows: {
    usage: '  flows summary --from D --to D [--fmp CODE] [--direction in|out] [--approved-only] --json\n                             the DTM headline figures for a period',
    run: (args, config) => flowsCommand(args, config, withDatabase),
  },
  demo: {
    usage: '  demo [--records N] [--seed S] [--end-date D]\n                             load synthetic flow data (two years at six crossings, labelled SYNTHETIC)',
    run: (args, config) => demoCommand(args, config, withDatabase),
  },
  provinces: {
    usage: '  provinces profile IR-NN [--from D --to D] [--json] [--pdf FILE [--lang fa|en]]\n                             one province\'s profile (flows as in `flows summary --province`)',
    run: (args, config) => provincesCommand(args, config, withDatabase),
  },
  governance: { usage: '  governance score-1072 FILE.json   score SDG 10.7.2 answers', run: (args) => governanceCommand(args, console) },
  exercises: {
    usage: '  exercises create|import-msel|msel|shift …\n                             simulation exercises (LIVEX/SIMEX): create, MSEL import, MSEL as JSON, schedule shifts',
    run: (args, config) => exercisesCommand(args, config, withDatabase),
  },
  protection: {
    usage: '  import protection-cases FILE [--agency CODE] [--dry-run]\n                             import a protection case list (CSV/XLSX), all or nothing\n  protection stats --by DIMS [--from D --to D] [--k N] --json | rotate-key [--retire] | retention [--apply]\n                             protection statistics (suppressed), key rotation, retention',
    run: (args, config) => protectionCommand(args, config, withDatabase),
  },
  migrate: {
    async run(_args, config) {
      return withDatabase(config, 'migrate', async (db) => {
        const { migrated, seeded } = await prepareDatabase(db);
        console.log(migrated.length ? `Applied: ${migrated.join(', ')}` : 'The database is up to date.');
        if (seeded) console.log('Seeded the reference data (provinces, countries, points of entry, FMPs, agencies, roles).');
        return 0;
      }, false);
    },
  },
  'setup-link': {
    async run(_args, config) {
      return withDatabase(config, 'setup-link', async (db) => {
        if ((await userCount(db)) > 0) {
          console.error('Marz already has users: sign in, or ask an administrator.');
          return 1;
        }
        console.log(`${config.publicUrl}/setup?token=${await createSetupToken(db)}`);
        return 0;
      });
    },
  },
  user: {
    async run(args, config) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { admin: { type: 'boolean', default: false }, username: { type: 'string' }, name: { type: 'string' }, locale: { type: 'string', default: 'en' }, role: { type: 'string', multiple: true } },
      });
      if (positionals[0] !== 'create' || !values.username) {
        console.error('Usage: marz user create [--admin] [--role CODE…] --username NAME [--name "Display name"] [--locale en|fa]');
        return 2;
      }
      const password = await askPassword('Password: ');
      return withDatabase(config, 'user create', async (db) => {
        const roles = [...(values.admin ? ['admin'] : []), ...(values.role ?? [])];
        const id = await db.tx((c) =>
          createUser(c, cliActor('marz user create'), {
            username: values.username!,
            displayName: values.name ?? values.username!,
            password,
            locale: values.locale === 'fa' ? 'fa' : 'en',
            assignments: roles.map((role) => ({ role, provinces: null })),
          }),
        );
        console.log(`Created user ${values.username} (${id})${roles.length ? ' with role(s) ' + roles.join(', ') : ''}.`);
        return 0;
      });
    },
  },
  backup: {
    usage: '  backup FILE (--key-file KEY | --passphrase | --unencrypted)   encrypted backup (AES-256-GCM), 0600\n  backup --new-key KEY       make a backup key file',
    run: (args, config) => backupCommand(args, config, withDatabase),
  },
  restore: {
    usage: '  restore FILE [--key-file KEY | --passphrase] [--allow-broken-audit]\n                             restore into an empty database; refuses a tampered file',
    run: (args, config) => restoreCommand(args, config, withDatabase),
  },
  audit: {
    usage: '  audit verify [--checkpoint FILE]   check the audit trail\'s hash chain (docs/AUDIT.md)',
    run: (args, config) => auditCommand(args, config, withDatabase),
  },
  'collect-link': { usage: COLLECT_LINK_USAGE, run: (args, config) => collectLinkCommand(args, config, withDatabase) },
  'upgrade-data-dir': {
    usage: '  upgrade-data-dir           move a data directory of Marz 0.1 (PGlite) to the embedded PostgreSQL (the old one is kept)',
    async run(_args, config) {
      if (config.databaseUrl) {
        console.error('upgrade-data-dir moves MARZ_DATA_DIR to the embedded engine; unset DATABASE_URL (to move to a server, restore the backup there).');
        return 2;
      }
      const { upgradePgliteDataDir } = await import('../platform/db/upgrade-pglite.ts');
      const r = await upgradePgliteDataDir(config.dataDir, (l) => console.log(l));
      console.log(`Moved ${r.rows} rows (${r.tables} tables) to the embedded PostgreSQL. The old database is kept in ${r.keptAt}: remove it once you are satisfied.`);
      return 0;
    },
  },
  bench: {
    usage: '  bench [--quick] [--engine pglite|postgresql|both] [--only SCENARIO] [--no-growth]\n                             performance benchmarks (docs/PERFORMANCE.md; results in bench/results/)',
    run: async (args) => (await import('../../bench/run.ts')).runBench(args),
  },
};
