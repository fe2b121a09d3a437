// `marz audit verify`, `marz backup`, `marz restore` (docs/AUDIT.md).
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { backup, restore, newKeyFile, BackupError, type BackupSecret } from '../platform/db/backup.ts';
import { audit, cliActor } from '../platform/audit.ts';
import { verifyChain, readCheckpoint, writeCheckpoint } from '../platform/audit/chain.ts';

type WithDb = <T>(config: Config, command: string, fn: (db: Database) => Promise<T>, prepare?: boolean) => Promise<T>;

async function askHidden(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) throw new BackupError('Set MARZ_BACKUP_PASSPHRASE, or run this in a terminal to be asked for the passphrase.');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as any;
  const write = out._writeToOutput?.bind(out);
  out._writeToOutput = (s: string) => write?.(s.startsWith(prompt) ? s : s.replace(/[^\r\n]/g, '*'));
  const pw = await rl.question(prompt);
  rl.close();
  process.stdout.write('\n');
  return pw;
}

/** The key from --key-file / MARZ_BACKUP_KEY_FILE, or the passphrase from MARZ_BACKUP_PASSPHRASE / --passphrase (asked). */
async function secretFrom(values: { 'key-file'?: string; passphrase?: boolean }, confirm: boolean): Promise<BackupSecret | null> {
  const keyFile = values['key-file'] ?? process.env.MARZ_BACKUP_KEY_FILE;
  if (keyFile) return { keyFile };
  if (process.env.MARZ_BACKUP_PASSPHRASE) return { passphrase: process.env.MARZ_BACKUP_PASSPHRASE };
  if (!values.passphrase) return null;
  const p = await askHidden('Backup passphrase: ');
  if (confirm) {
    if (p.length < 12) throw new BackupError('A backup passphrase needs at least 12 characters.');
    if ((await askHidden('Again: ')) !== p) throw new BackupError('The two passphrases differ.');
  }
  return { passphrase: p };
}

const BACKUP_USAGE = 'Usage: marz backup FILE (--key-file KEY | --passphrase | --unencrypted)\n       marz backup --new-key KEY   (make a key file, readable only by you)';

export async function backupCommand(args: string[], config: Config, withDatabase: WithDb): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'key-file': { type: 'string' }, passphrase: { type: 'boolean', default: false }, unencrypted: { type: 'boolean', default: false }, 'new-key': { type: 'string' } },
  });
  if (values['new-key']) {
    newKeyFile(values['new-key']);
    console.log(`Wrote a new backup key to ${values['new-key']} (mode 0600). Keep a copy away from the backups: without it they cannot be restored.`);
    return 0;
  }
  const file = positionals[0];
  if (!file) {
    console.error(BACKUP_USAGE);
    return 2;
  }
  const secret = await secretFrom(values, true);
  if (!secret && !values.unencrypted) {
    console.error('marz backup encrypts: give --key-file KEY (make one with --new-key KEY) or --passphrase (or MARZ_BACKUP_KEY_FILE / MARZ_BACKUP_PASSPHRASE).\nA backup holds password hashes and personal data; --unencrypted writes it in the clear.');
    return 2;
  }
  return withDatabase(config, 'backup', async (db) => {
    const s = await backup(db, file, (t, n) => console.log(`  ${t}: ${n} rows`), { secret, actor: cliActor('marz backup') });
    console.log(`Backed up ${s.rows} rows from ${s.tables} tables (${db.engine}) to ${file}, ${s.encrypted ? 'encrypted (AES-256-GCM)' : 'NOT encrypted'}, readable only by you.`);
    if (s.auditHead) console.log(`Audit trail head: entry ${s.auditHead.seq}, ${s.auditHead.hash}`);
    return 0;
  });
}

export async function restoreCommand(args: string[], config: Config, withDatabase: WithDb): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'key-file': { type: 'string' }, passphrase: { type: 'boolean', default: false }, 'allow-broken-audit': { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file) {
    console.error('Usage: marz restore FILE [--key-file KEY | --passphrase] [--allow-broken-audit]');
    return 2;
  }
  const secret = await secretFrom(values, false);
  return withDatabase(
    config,
    'restore',
    async (db) => {
      const s = await restore(db, file, (t, n) => console.log(`  ${t}: ${n} rows`), { secret, actor: cliActor('marz restore'), allowBrokenAudit: values['allow-broken-audit'] });
      await migrate(db);
      if (s.auditBreak) console.warn(`Restored although the audit trail is broken (${s.auditBreak.message}); the override is recorded in the audit trail.`);
      console.log(`Restored ${s.rows} rows into ${s.tables} tables (${db.engine}) from ${file}${s.encrypted ? ' (decrypted and authenticated)' : ''}.`);
      return 0;
    },
    false,
  );
}

export async function auditCommand(args: string[], config: Config, withDatabase: WithDb): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { checkpoint: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (positionals[0] !== 'verify') {
    console.error('Usage: marz audit verify [--checkpoint FILE] [--json]');
    return 2;
  }
  return withDatabase(config, 'audit verify', async (db) => {
    const checkpoint = values.checkpoint ? readCheckpoint(values.checkpoint) : null;
    const r = await verifyChain(db, checkpoint);
    if (values.json) console.log(JSON.stringify(r));
    else if (r.ok) console.log(`The audit trail is intact: ${r.entries} entries, head at entry ${r.head.seq} (${r.head.hash ?? 'empty'})${checkpoint ? `, checkpoint at entry ${checkpoint.seq} matches` : ''}.`);
    else console.error(`The audit trail is broken: ${r.broken!.message}.`);
    // A good chain moves the checkpoint on; a broken one leaves it for the investigation.
    if (r.ok && values.checkpoint) {
      writeCheckpoint(values.checkpoint, r.head, r.entries);
      if (!values.json) console.log(`Checkpoint written to ${values.checkpoint}.`);
    }
    await audit(db, cliActor('marz audit verify'), 'audit.verify', null, null, { ok: r.ok, entries: r.entries, head: r.head, broken: r.broken });
    return r.ok ? 0 : 1;
  });
}

/** Wraps a command's database so that a successful command-line export is audited. */
export function auditedExport(withDatabase: WithDb, args: string[]): WithDb {
  return (config, command, fn, prepare) =>
    withDatabase(
      config,
      command,
      async (db) => {
        const result = await fn(db);
        await audit(db, cliActor('marz export'), 'export.cli', 'export', null, { args });
        return result;
      },
      prepare,
    );
}
