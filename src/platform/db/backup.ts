// A logical backup that works the same on PGlite and PostgreSQL (and moves data between them):
// gzip'd JSON lines — a header naming the migrations, then each table's rows. Restore needs a
// database with no users yet; it migrates it, replaces every table's rows in one transaction
// (triggers off, so derived tables are restored as saved rather than recomputed twice) and
// resets the sequences.
import { createWriteStream, createReadStream } from 'node:fs';
import { createGzip, createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Database, Queryable } from './database.ts';
import { migrate, listMigrations } from './migrate.ts';
import { VERSION } from '../config.ts';

const FORMAT = 'marz-backup';
const BATCH = 2000;

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
}

export async function backup(db: Database, file: string, onTable?: (table: string, rows: number) => void): Promise<BackupSummary> {
  let rowsTotal = 0;
  let tableCount = 0;
  async function* lines() {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const migrations = (await client.query('SELECT name, checksum FROM schema_migrations ORDER BY name')).rows;
      yield JSON.stringify({ format: FORMAT, version: 1, marz: VERSION, engine: db.engine, created_at: new Date().toISOString(), migrations }) + '\n';
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
  await pipeline(Readable.from(lines()), createGzip(), createWriteStream(file));
  return { tables: tableCount, rows: rowsTotal };
}

export class RestoreError extends Error {}

export async function restore(db: Database, file: string, onTable?: (table: string, rows: number) => void): Promise<BackupSummary> {
  const input = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const it = input[Symbol.asyncIterator]();
  const first = await it.next().catch(() => ({ done: true, value: '' }) as IteratorResult<string>);
  let header: any;
  try {
    header = JSON.parse(first.value);
  } catch {
    header = null;
  }
  if (!header || header.format !== FORMAT) throw new RestoreError(`${file} is not a Marz backup (made with "marz backup").`);
  const known = new Map(listMigrations().map((m) => [m.name, m.checksum]));
  for (const m of header.migrations) {
    if (known.get(m.name) !== m.checksum) throw new RestoreError(`The backup was made with a different version of Marz (migration ${m.name} differs or is unknown here). Restore it with Marz ${header.marz}.`);
  }
  await migrate(db);
  const users = await db.one('SELECT count(*) AS n FROM users');
  if (Number(users!.n) > 0) throw new RestoreError('The target database already has users: restore only onto an empty database (a new MARZ_DATA_DIR, or a new PostgreSQL database).');

  let rowsTotal = 0;
  let tables = 0;
  await db.tx(async (c) => {
    const all = await tablesInDependencyOrder(c);
    for (const t of all) await c.query(`ALTER TABLE "${t}" DISABLE TRIGGER USER`);
    await c.query(`TRUNCATE ${all.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
    let table: string | null = null;
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
    for (let line = await it.next(); !line.done; line = await it.next()) {
      const text = line.value;
      if (!text) continue;
      if (text.startsWith('{"table":')) {
        await finishTable();
        table = JSON.parse(text).table;
        if (!all.includes(table!)) throw new RestoreError(`The backup has a table "${table}" this database does not.`);
        tables++;
        count = 0;
        continue;
      }
      batch.push(text);
      if (batch.length >= BATCH) await flush();
    }
    await finishTable();
    const serials = (
      await c.query(`SELECT table_name, column_name FROM information_schema.columns
                      WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`)
    ).rows;
    for (const s of serials) {
      await c.query(`SELECT setval(pg_get_serial_sequence('"${s.table_name}"', '${s.column_name}'), COALESCE((SELECT max("${s.column_name}") FROM "${s.table_name}"), 0) + 1, false)`);
    }
    for (const t of all) await c.query(`ALTER TABLE "${t}" ENABLE TRIGGER USER`);
  });
  return { tables, rows: rowsTotal };
}
