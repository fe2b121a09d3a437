// The `marz` command.
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config.ts';
import { MigrationError } from '../platform/db/migrate.ts';
import { EmbeddedError } from '../platform/db/embedded.ts';
import { RestoreError } from '../platform/db/backup.ts';
import { AppError } from '../platform/http/errors.ts';
import { t } from '../platform/i18n/messages.ts';
import { serve } from './serve.ts';
import { commands } from './commands.ts';

const USAGE = `Usage: marz <command> [options]

  serve                      run the web server (embedded database in MARZ_DATA_DIR, or DATABASE_URL)
  migrate                    apply database migrations and seed reference data
  setup-link                 print a one-time link to create the first administrator
  user create [--admin] --username NAME [--name "Display name"] [--locale en|fa]
                             create a user (password from MARZ_PASSWORD or asked for)
  backup FILE                write a backup of the whole database (works while serving)
  restore FILE               restore a backup into an empty database
${Object.values(commands)
  .filter((c) => c.usage)
  .map((c) => c.usage)
  .join('\n')}

Environment: PORT (8080), HOST (127.0.0.1), MARZ_DATA_DIR (./data), DATABASE_URL (PostgreSQL server)`;

const argv = process.argv.slice(2);
const name = argv[0];
try {
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    process.exit(name ? 0 : 2);
  }
  const config = loadConfig();
  if (name === 'serve') {
    await serve(config);
  } else if (commands[name]) {
    const code = await commands[name].run(argv.slice(1), config);
    process.exit(code);
  } else {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    process.exit(2);
  }
} catch (e) {
  // A failure is one line that says what to do; MARZ_DEBUG=1 shows the stack for a developer.
  if (e instanceof AppError) {
    console.error(`marz: ${t('en', `errors.${e.code}`, e.params)}`);
  } else if ((e as any)?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as any)?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    console.error(`marz: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  } else {
    console.error(`marz: ${oneLine(e)}`);
  }
  if (process.env.MARZ_DEBUG === '1') console.error(e);
  process.exit(1);
}

function oneLine(e: unknown): string {
  if (e instanceof EmbeddedError || e instanceof MigrationError || e instanceof RestoreError) return e.message;
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ECONNREFUSED' || err?.code === 'ENOTFOUND' || err?.code === '28P01' || err?.code === '3D000') {
    return `cannot reach the database (${err.message}). Check DATABASE_URL, or unset it to use the embedded database.`;
  }
  if (err?.code === 'ENOENT' || err?.code === 'EACCES' || err?.code === 'EISDIR') return `${err.message}.`;
  const msg = (err?.message ?? String(e)).split('\n')[0];
  return `${msg} (run again with MARZ_DEBUG=1 for details)`;
}

export { parseArgs };
