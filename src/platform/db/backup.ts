// A logical backup that works the same on the embedded PostgreSQL and a server (and moves data between them):
// gzip'd JSON lines — a header naming the migrations and the audit chain's head, then each
// table's rows — encrypted with AES-256-GCM when a key is given (a key file, or a passphrase
// through scrypt), written 0600. Restore needs a database with no users yet; it migrates it,
// replaces every table's rows in one transaction (triggers off, so derived tables are restored
// as saved rather than recomputed twice), resets the sequences, checks the audit chain against
// the header and commits only when the file authenticated and the chain holds (docs/AUDIT.md).
import { createWriteStream, createReadStream, openSync, readSync, closeSync, fstatSync, renameSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createGzip, createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import type { Database, Queryable } from './database.ts';
import { migrate, listMigrations } from './migrate.ts';
import { VERSION } from '../config.ts';
import { audit, cliActor, type Actor } from '../audit.ts';
import { verifyChain, type ChainBreak, type ChainHead } from '../audit/chain.ts';

const FORMAT = 'marz-backup';
const BATCH = 2000;

/** A backup or restore refused, with a message for the person running it (the command line prints it). */
export class RestoreError extends Error {
  constructor(
    message: string,
    readonly chainBreak?: ChainBreak,
  ) {
    super(message);
  }
}
export class BackupError extends RestoreError {}

// ---- encryption

/** A backup key: 32 bytes from a key file, or a passphrase stretched with scrypt. */
export type BackupSecret = { keyFile: string } | { passphrase: string };

const MAGIC = Buffer.from('MARZENC1');
const TAG_BYTES = 16;
// scrypt cost: N = 2^17, r = 8, p = 1 (128 MiB, about half a second) — above OWASP's minimum for scrypt.
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 };

function scrypt(passphrase: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r + 1024 * 1024 };
  return new Promise((res, rej) => scryptCb(passphrase.normalize('NFC'), salt, 32, opts, (e, k) => (e ? rej(e) : res(k))));
}

/** Reads a key file: 64 hexadecimal digits (as `marz backup --new-key` writes) or 32 raw bytes. */
export function readKeyFile(file: string): Buffer {
  const raw = readFileSync(file);
  const text = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (raw.length === 32) return raw;
  throw new BackupError(`${file} is not a backup key (64 hexadecimal digits or 32 bytes); make one with "marz backup --new-key FILE".`);
}

/** Writes a new random key file readable only by its owner. */
export function newKeyFile(file: string) {
  if (existsSync(file)) throw new BackupError(`${file} already exists: a key is never overwritten.`);
  writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
}

interface CipherHeader {
  cipher: 'aes-256-gcm';
  kdf: 'key-file' | 'scrypt';
  iv: string;
  salt?: string;
  N?: number;
  r?: number;
  p?: number;
}

async function keyFor(secret: BackupSecret, h: CipherHeader): Promise<Buffer> {
  if (h.kdf === 'key-file') {
    if (!('keyFile' in secret)) throw new BackupError('This backup was encrypted with a key file: give it with --key-file.');
    return readKeyFile(secret.keyFile);
  }
  if (!('passphrase' in secret)) throw new BackupError('This backup was encrypted with a passphrase: give it (MARZ_BACKUP_PASSPHRASE, or --passphrase to be asked).');
  if (!h.salt || !h.N || !h.r || !h.p || h.N > 2 ** 20 || h.r > 32 || h.p > 16) throw new BackupError('The backup header is damaged.');
  return scrypt(secret.passphrase, Buffer.from(h.salt, 'base64'), { N: h.N, r: h.r, p: h.p });
}

async function encryptor(secret: BackupSecret) {
  const iv = randomBytes(12);
  const h: CipherHeader = { cipher: 'aes-256-gcm', kdf: 'keyFile' in secret ? 'key-file' : 'scrypt', iv: iv.toString('base64') };
  if (!('keyFile' in secret)) Object.assign(h, { salt: randomBytes(16).toString('base64'), ...SCRYPT });
  const key = await keyFor(secret, h);
  const json = Buffer.from(JSON.stringify(h));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  const prefix = Buffer.concat([MAGIC, len, json]);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(prefix); // the header is authenticated with the data
  return async function* (source: AsyncIterable<Buffer>) {
    yield prefix;
    for await (const chunk of source) yield cipher.update(chunk);
    yield cipher.final();
    yield cipher.getAuthTag();
  };
}

/** The backup's bytes as a gzip stream: decrypted (and, at its end, authenticated) when encrypted. */
async function openGzip(file: string, secret: BackupSecret | null | undefined): Promise<{ streams: NodeJS.ReadableStream[]; encrypted: boolean }> {
  const fd = openSync(file, 'r');
  let head = Buffer.alloc(12);
  let size: number;
  try {
    size = fstatSync(fd).size;
    head = head.subarray(0, readSync(fd, head, 0, 12, 0));
    if (head.length < 12 || !head.subarray(0, 8).equals(MAGIC)) return { streams: [createReadStream(file)], encrypted: false };
    const n = head.readUInt32BE(8);
    if (n > 4096 || 12 + n + TAG_BYTES > size) throw new BackupError(`${file}: the backup header is damaged.`);
    const json = Buffer.alloc(n);
    readSync(fd, json, 0, n, 12);
    let h: CipherHeader;
    try {
      h = JSON.parse(json.toString('utf8'));
    } catch {
      throw new BackupError(`${file}: the backup header is damaged.`);
    }
    if (h.cipher !== 'aes-256-gcm' || typeof h.iv !== 'string') throw new BackupError(`${file}: unknown encryption ${String(h.cipher)}.`);
    if (!secret) throw new BackupError(`${file} is encrypted: give its key (--key-file FILE, or a passphrase).`);
    const key = await keyFor(secret, h);
    const tag = Buffer.alloc(TAG_BYTES);
    readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(h.iv, 'base64'));
    decipher.setAAD(Buffer.concat([head, json]));
    decipher.setAuthTag(tag);
    return { streams: [createReadStream(file, { start: 12 + n, end: size - TAG_BYTES - 1 }), decipher], encrypted: true };
  } finally {
    closeSync(fd);
  }
}

/** Lines of text from a stream of UTF-8 chunks. */
async function* lines(source: AsyncIterable<Buffer>) {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of source) {
    const text = rest + decoder.write(chunk);
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const p of parts) yield p;
  }
  rest += decoder.end();
  if (rest) yield rest;
}


// ---- backup

async function tablesInDependencyOrder(q: Queryable): Promise<string[]> {
  const tables: string[] = (await q.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY tablename`)).rows.map((r: any) => r.tablename);
  const deps = (
    await q.query(`SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
                     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                    WHERE c.contype = 'f' AND n.nspname = 'public'`)
  ).rows as { child: string; parent: string }[];
  const ordered: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string, path: Set<string>) => {
    if (seen.has(t) || path.has(t)) return;
    path.add(t);
    for (const d of deps) if (d.child === t && d.parent !== t) visit(d.parent, path);
    seen.add(t);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

export interface BackupSummary {
  tables: number;
  rows: number;
  encrypted: boolean;
  auditHead: ChainHead | null;
}

export interface BackupOptions {
  /** Encrypt with this key; without it the file is plain gzip (the command line refuses that unless asked). */
  secret?: BackupSecret | null;
  /** Who made the backup, for the audit trail (default: the command line). */
  actor?: Actor;
}


export async function backup(db: Database, file: string, onTable?: (table: string, rows: number) => void, opts: BackupOptions = {}): Promise<BackupSummary> {
  let rowsTotal = 0;
  let tableCount = 0;
  let auditHead: ChainHead | null = null;
  async function* content() {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const migrations = (await client.query('SELECT name, checksum FROM schema_migrations ORDER BY name')).rows;
      const h = (await client.query('SELECT seq, hash FROM audit_chain_head WHERE singleton')).rows[0];
      auditHead = h ? { seq: Number(h.seq), hash: h.hash } : null;
      yield JSON.stringify({ format: FORMAT, version: 1, marz: VERSION, engine: db.engine, created_at: new Date().toISOString(), migrations, audit_head: auditHead }) + '\n';
      for (const table of await tablesInDependencyOrder(client)) {
        tableCount++;
        yield JSON.stringify({ table }) + '\n';
        await client.query(`DECLARE backup_cursor NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM "${table}" t`);
        let n = 0;
        for (;;) {
          const { rows } = await client.query(`FETCH ${BATCH} FROM backup_cursor`);
          if (!rows.length) break;
          n += rows.length;
          yield rows.map((r: any) => r.j).join('\n') + '\n';
        }
        await client.query('CLOSE backup_cursor');
        rowsTotal += n;
        onTable?.(table, n);
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
  // Written under a temporary name created 0600 and renamed when complete, so a backup is never
  // readable by others, not even while it is written, and a failed one leaves no partial file.
  const tmp = `${file}.${process.pid}.partial`;
  const stages: any[] = [Readable.from(content()), createGzip()];
  if (opts.secret) stages.push(await encryptor(opts.secret));
  try {
    await (pipeline as any)(stages[0], ...stages.slice(1), createWriteStream(tmp, { mode: 0o600, flags: 'wx' }));
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const summary = { tables: tableCount, rows: rowsTotal, encrypted: !!opts.secret, auditHead };
  await audit(db, opts.actor ?? cliActor('marz backup'), 'backup.create', 'backup', null, {
    file,
    tables: summary.tables,
    rows: summary.rows,
    encrypted: summary.encrypted,
    audit_head: auditHead,
  });
  return summary;
}

// ---- restore

/**
 * The summary tables migration 0018 replaced (by views over smaller tables): a backup made
 * before it holds their rows, which are not restored; the summaries are recomputed from the
 * restored records instead.
 */
const REPLACED_SUMMARIES = { migration: '0018_flow_breakdown_slices.sql', tables: ['flow_daily', 'flow_monthly', 'flow_daily_attr', 'flow_monthly_attr'] };


export interface RestoreOptions {
  secret?: BackupSecret | null;
  actor?: Actor;
  /** Restore even when the audit chain in the file is broken; the override is itself audited. */
  allowBrokenAudit?: boolean;
}

export interface RestoreSummary extends BackupSummary {
  /** The broken link restored anyway under allowBrokenAudit. */
  auditBreak: ChainBreak | null;
}

async function readHeader(file: string, secret: BackupSecret | null | undefined): Promise<any> {
  const { streams, encrypted } = await openGzip(file, secret);
  let header: any = null;
  try {
    await (pipeline as any)(streams[0]!, ...streams.slice(1), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const l of lines(source)) {
        header = JSON.parse(l);
        break;
      }
      throw new EndOfHeader();
    });
  } catch {
    // EndOfHeader, or a stream closed early: the header (if it parsed) is all that was wanted
  }
  if (!header && encrypted) throw new RestoreError(`${file} cannot be read with this key (a wrong key or passphrase, or the file was changed).`);
  return header;
}
class EndOfHeader extends Error {}

export async function restore(db: Database, file: string, onTable?: (table: string, rows: number) => void, opts: RestoreOptions = {}): Promise<RestoreSummary> {
  const header = await readHeader(file, opts.secret);
  if (!header || header.format !== FORMAT || !Array.isArray(header.migrations)) throw new RestoreError(`${file} is not a Marz backup (made with "marz backup"), or its key is wrong.`);
  const known = new Map(listMigrations().map((m) => [m.name, m.checksum]));
  for (const m of header.migrations) {
    if (known.get(m.name) !== m.checksum) throw new RestoreError(`The backup was made with a different version of Marz (migration ${m.name} differs or is unknown here). Restore it with Marz ${header.marz}.`);
  }
  await migrate(db);
  const users = await db.one('SELECT count(*) AS n FROM users');
  if (Number(users!.n) > 0) throw new RestoreError('The target database already has users: restore only onto an empty database (a new MARZ_DATA_DIR, or a new PostgreSQL database).');

  let rowsTotal = 0;
  let tables = 0;
  let encrypted = false;
  let auditBreak: ChainBreak | null = null;
  await db.tx(async (c) => {
    const all = await tablesInDependencyOrder(c);
    for (const t of all) await c.query(`ALTER TABLE "${t}" DISABLE TRIGGER USER`);
    await c.query(`TRUNCATE ${all.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
    let table: string | null = null;
    const rebuildSummaries = !header.migrations.some((m: { name: string }) => m.name === REPLACED_SUMMARIES.migration);
    let skipping = false;
    let batch: string[] = [];
    let count = 0;
    const flush = async () => {
      if (!table || !batch.length) return;
      await c.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, ['[' + batch.join(',') + ']']);
      count += batch.length;
      batch = [];
    };
    const finishTable = async () => {
      await flush();
      if (table) {
        onTable?.(table, count);
        rowsTotal += count;
      }
    };
    const opened = await openGzip(file, opts.secret);
    encrypted = opened.encrypted;
    try {
      await (pipeline as any)(opened.streams[0]!, ...opened.streams.slice(1), createGunzip(), async (source: AsyncIterable<Buffer>) => {
        let first = true;
        for await (const text of lines(source)) {
          if (first) {
            first = false; // the header, read above
            continue;
          }
          if (!text) continue;
          if (text.startsWith('{"table":')) {
            await finishTable();
            table = JSON.parse(text).table;
            skipping = rebuildSummaries && REPLACED_SUMMARIES.tables.includes(table!);
            if (skipping) {
              table = null;
              continue;
            }
            if (!all.includes(table!)) throw new RestoreError(`The backup has a table "${table}" this database does not.`);
            tables++;
            count = 0;
            continue;
          }
          if (skipping) continue;
          batch.push(text);
          if (batch.length >= BATCH) await flush();
        }
        await finishTable();
      });
    } catch (e) {
      if (e instanceof RestoreError) throw e;
      const m = (e as Error).message;
      if (/authenticate/.test(m)) throw new RestoreError(`${file} was changed after it was written, or its key is wrong: the encrypted data does not authenticate. Nothing was restored.`);
      if (/incorrect header check|unexpected end|invalid/i.test(m)) throw new RestoreError(`${file} is damaged (${m}). Nothing was restored.`);
      throw e;
    }
    if (rebuildSummaries) await c.query('SELECT flow_rebuild_summaries()');
    const serials = (
      await c.query(`SELECT table_name, column_name FROM information_schema.columns
                      WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`)
    ).rows;
    for (const s of serials) {
      await c.query(`SELECT setval(pg_get_serial_sequence('"${s.table_name}"', '${s.column_name}'), COALESCE((SELECT max("${s.column_name}") FROM "${s.table_name}"), 0) + 1, false)`);
    }
    // The audit chain must hold and end where the backup's header says it ended.
    const report = await verifyChain(c, header.audit_head ?? null);
    const stated = header.audit_head as ChainHead | undefined;
    let broken = report.broken;
    if (!broken && stated && report.head.seq !== stated.seq) {
      broken = { reason: 'checkpoint', id: null, seq: report.head.seq, message: `the backup's header says the audit chain ends at position ${stated.seq}, the file's chain at ${report.head.seq}` };
    }
    if (broken && !opts.allowBrokenAudit) {
      throw new RestoreError(`The audit trail in ${file} is not intact: ${broken.message}. The backup was changed after it was made; nothing was restored. To restore it anyway (the override is recorded in the audit trail), use --allow-broken-audit.`, broken);
    }
    auditBreak = broken;
    for (const t of all) await c.query(`ALTER TABLE "${t}" ENABLE TRIGGER USER`);
    const actor = opts.actor ?? cliActor('marz restore');
    if (broken) await audit(c, actor, 'backup.restore.override', 'backup', null, { file, broken });
    await audit(c, actor, 'backup.restore', 'backup', null, { file, tables, rows: rowsTotal, encrypted, audit_head: report.head, made_at: header.created_at });
  });
  return { tables, rows: rowsTotal, encrypted, auditHead: header.audit_head ?? null, auditBreak };
}
