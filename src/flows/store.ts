// SQL for flow records: bulk insert through arrays (one statement per batch, so the summary
// triggers run once per batch) for submissions, through a COPY'd staging table for imports;
// lookups and the FMP registry validation needs.
import type pg from 'pg';
import type { Queryable } from '../platform/db/database.ts';
import { copyIn, copyText } from '../platform/db/copy.ts';
import type { FmrRecord } from './format.ts';
import { makeFmpRegistry, type FmpRegistry } from './validate.ts';

export interface FmpRow {
  code: string;
  province_code: string;
  opened_on: string | null;
  closed_on: string | null;
}

export async function loadFmps(q: Queryable): Promise<{ registry: FmpRegistry; province: Map<string, string> }> {
  const rows = (await q.query<FmpRow>('SELECT code, province_code, opened_on, closed_on FROM fmps')).rows;
  return {
    registry: makeFmpRegistry(rows.map((r) => ({ code: r.code, opened: r.opened_on, closed: r.closed_on }))),
    province: new Map(rows.map((r) => [r.code, r.province_code])),
  };
}

/** The record's fields as stored, in the order of RECORD_COLUMNS. */
export const RECORD_COLUMNS = [
  ['id', 'uuid'],
  ['fmp_code', 'text'],
  ['province_code', 'text'],
  ['observed_on', 'date'],
  ['observed_time', 'time'],
  ['direction', 'text'],
  ['nationality', 'text'],
  ['men', 'int'],
  ['women', 'int'],
  ['boys', 'int'],
  ['girls', 'int'],
  ['deported', 'text'],
  ['transport', 'text'],
  ['reasons', 'text'], // joined with ';' for the array parameter, split back in SQL
  ['origin_country', 'text'],
  ['origin_admin1', 'text'],
  ['destination_country', 'text'],
  ['destination_admin1', 'text'],
  ['uasc', 'int'],
  ['pregnant_lactating', 'int'],
  ['elderly', 'int'],
  ['disabled', 'int'],
  ['medical', 'int'],
  ['enumerator', 'text'],
  ['note', 'text'],
] as const;

export function recordValues(r: FmrRecord, province: string): unknown[] {
  return [
    r.id,
    r.fmp,
    province,
    r.date,
    r.time,
    r.direction,
    r.nationality,
    r.men,
    r.women,
    r.boys,
    r.girls,
    r.deported,
    r.transport,
    r.reasons.join(';'),
    r.origin_country,
    r.origin_admin1,
    r.destination_country,
    r.destination_admin1,
    r.uasc,
    r.pregnant_lactating,
    r.elderly,
    r.disabled,
    r.medical,
    r.enumerator,
    r.note,
  ];
}

export interface InsertMeta {
  status?: string;
  submittedBy: string | null;
  source: 'form' | 'api' | 'import' | 'demo';
  importId?: number | null;
}

/**
 * Inserts records whose ids are new; returns the ids actually inserted. Rows are passed as one
 * array per column, so a batch of thousands is one statement (and one run of the summary
 * triggers). The array literals are written here rather than by node-postgres: every value's
 * type is known, so only free text needs escaping (about 3× cheaper for big batches).
 */
export async function insertRecords(q: Queryable, records: { record: FmrRecord; province: string }[], meta: InsertMeta): Promise<string[]> {
  return records.length ? insertPrepared(q, insertParams(records, meta)) : [];
}

/** The parameters of one insert, built apart from sending it (an import builds the next batch's while the database writes). */
export function insertParams(records: { record: FmrRecord; province: string }[], meta: InsertMeta): unknown[] {
  return [...recordArrays(records), meta.status ?? 'received', meta.submittedBy, meta.source, meta.importId ?? null];
}

export async function insertPrepared(q: Queryable, params: unknown[]): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(INSERT_SQL, params);
  return rows.map((r) => r.id);
}

const N_COLUMNS = RECORD_COLUMNS.length;
const INSERT_SQL = `INSERT INTO fmr_records (${RECORD_COLUMNS.map(([name]) => name).join(', ')}, status, submitted_by, source, import_id)
     SELECT ${RECORD_COLUMNS.map(([name], i) => (name === 'reasons' ? `CASE WHEN c${i} = '' THEN '{}'::text[] ELSE string_to_array(c${i}, ';') END` : `c${i}`)).join(', ')},
            $${N_COLUMNS + 1}, $${N_COLUMNS + 2}::uuid, $${N_COLUMNS + 3}, $${N_COLUMNS + 4}::bigint
       FROM unnest(${RECORD_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS t(${RECORD_COLUMNS.map((_, i) => `c${i}`).join(', ')})
     ON CONFLICT (id) DO NOTHING RETURNING id`;

// ---- imports (issue 9): rows stream into a staging table with COPY and reach fmr_records in one
// set-based statement per batch (so the summary triggers run once per batch, over all its rows).

/** The staging table of an import: the file's row number, then the record's columns. Dropped at the transaction's end. */
export const CREATE_STAGE_SQL = `CREATE TEMP TABLE fmr_import_stage (row_no integer NOT NULL, ${RECORD_COLUMNS.map(([name, type]) => `${name} ${name === 'reasons' ? 'text[]' : type}`).join(', ')}) ON COMMIT DROP`;

/** A batch as COPY text-format lines for fmr_import_stage. */
export function stageLines(records: { record: FmrRecord; province: string; row: number }[]): string {
  let out = '';
  for (const { record: r, province, row } of records) {
    const reasons = '{' + r.reasons.map(quoted).join(',') + '}';
    out +=
      [
        row, r.id, r.fmp, province, r.date, r.time, r.direction, r.nationality, r.men, r.women, r.boys, r.girls, r.deported, r.transport,
        reasons, r.origin_country, r.origin_admin1, r.destination_country, r.destination_admin1, r.uasc, r.pregnant_lactating,
        r.elderly, r.disabled, r.medical, r.enumerator, r.note,
      ]
        .map(copyText)
        .join('\t') + '\n';
  }
  return out;
}

/** What happened to a staged row that was not inserted. */
export type StagedOutcome = 'repeat' | 'present' | 'conflict';

const RECORD_NAMES = RECORD_COLUMNS.map(([name]) => name);
// Compared as a correction would be (differences()): the fields a record is made of.
const CONTENT = RECORD_NAMES.filter((n) => n !== 'id' && n !== 'province_code');
const INSERT_STAGED_SQL = `WITH ins AS (
    INSERT INTO fmr_records (${RECORD_NAMES.join(', ')}, status, submitted_by, source, import_id)
    SELECT DISTINCT ON (id) ${RECORD_NAMES.join(', ')}, $1, $2::uuid, $3, $4::bigint FROM fmr_import_stage ORDER BY id, row_no
    ON CONFLICT (id) DO NOTHING RETURNING id),
  s AS (
    SELECT st.*, ins.id IS NOT NULL AS inserted, st.row_no = min(st.row_no) OVER (PARTITION BY st.id) AS first
      FROM fmr_import_stage st LEFT JOIN ins ON ins.id = st.id)
  SELECT row_no,
         CASE WHEN NOT first THEN 'repeat'
              ELSE coalesce((SELECT CASE WHEN r.import_id = $4 THEN 'repeat'
                                         WHEN (${CONTENT.map((c) => `r.${c}`).join(', ')}) IS DISTINCT FROM (${CONTENT.map((c) => `s.${c}`).join(', ')}) THEN 'conflict'
                                         ELSE 'present' END
                               FROM fmr_records r WHERE r.id = s.id), 'repeat') END AS outcome
    FROM s WHERE NOT (inserted AND first)`;

/**
 * Stages a batch (stageLines) and inserts the rows whose id is new; returns, by row number, the
 * rows it did not insert and why: repeated in the file (here or in an earlier batch of the same
 * import, or sent at the same moment by someone else), already present with the same content, or
 * an id taken by a different record.
 */
export async function insertStaged(client: pg.PoolClient, lines: string, meta: InsertMeta): Promise<Map<number, StagedOutcome>> {
  await client.query('TRUNCATE fmr_import_stage');
  await copyIn(client, 'COPY fmr_import_stage FROM STDIN', [lines]);
  const { rows } = await client.query<{ row_no: number; outcome: StagedOutcome }>(INSERT_STAGED_SQL, [meta.status ?? 'received', meta.submittedBy, meta.source, meta.importId ?? null]);
  return new Map(rows.map((r) => [r.row_no, r.outcome]));
}

/** A PostgreSQL array literal element: NULL, a bare number, or a quoted string. */
const quoted = (v: string) => (v.includes('"') || v.includes('\\') ? '"' + v.replace(/[\\"]/g, '\\$&') + '"' : '"' + v + '"');
const text = (v: string | null) => (v === null ? 'NULL' : quoted(v));
const num = (v: number | null) => (v === null ? 'NULL' : String(v));

/** The batch as one PostgreSQL array literal per column of RECORD_COLUMNS. */
export function recordArrays(records: { record: FmrRecord; province: string }[]): string[] {
  const c: string[][] = Array.from({ length: N_COLUMNS }, () => new Array<string>(records.length));
  for (let i = 0; i < records.length; i++) {
    const { record: r, province } = records[i]!;
    c[0]![i] = quoted(r.id);
    c[1]![i] = quoted(r.fmp);
    c[2]![i] = quoted(province);
    c[3]![i] = quoted(r.date);
    c[4]![i] = text(r.time);
    c[5]![i] = quoted(r.direction);
    c[6]![i] = quoted(r.nationality);
    c[7]![i] = String(r.men);
    c[8]![i] = String(r.women);
    c[9]![i] = String(r.boys);
    c[10]![i] = String(r.girls);
    c[11]![i] = quoted(r.deported);
    c[12]![i] = text(r.transport);
    c[13]![i] = quoted(r.reasons.join(';'));
    c[14]![i] = text(r.origin_country);
    c[15]![i] = text(r.origin_admin1);
    c[16]![i] = text(r.destination_country);
    c[17]![i] = text(r.destination_admin1);
    c[18]![i] = num(r.uasc);
    c[19]![i] = num(r.pregnant_lactating);
    c[20]![i] = num(r.elderly);
    c[21]![i] = num(r.disabled);
    c[22]![i] = num(r.medical);
    c[23]![i] = text(r.enumerator);
    c[24]![i] = text(r.note);
  }
  return c.map((col) => '{' + col.join(',') + '}');
}

/** Stored records by id, as FmrRecord-shaped rows (for duplicate checks and history). */
export async function findRecords(q: Queryable, ids: string[]): Promise<Map<string, StoredRecord>> {
  if (!ids.length) return new Map();
  const { rows } = await q.query<StoredRecord>(`SELECT ${STORED_SELECT} FROM fmr_records WHERE id = ANY($1::uuid[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

export const STORED_SELECT = `id, fmp_code AS fmp, province_code, to_char(observed_on, 'YYYY-MM-DD') AS date, to_char(observed_time, 'HH24:MI') AS time,
  direction, nationality, men, women, boys, girls, deported, transport, reasons, origin_country, origin_admin1,
  destination_country, destination_admin1, uasc, pregnant_lactating, elderly, disabled, medical, enumerator, note,
  status, review_comment, submitted_by, submitted_at, source, import_id, version, updated_at`;

export interface StoredRecord extends FmrRecord {
  province_code: string;
  status: string;
  review_comment: string | null;
  submitted_by: string | null;
  submitted_at: Date;
  source: string;
  import_id: number | null;
  version: number;
  updated_at: Date | null;
}

/** The fields a correction may change, and whether two versions of a record differ in them. */
export const EDITABLE_FIELDS = [
  'date', 'time', 'direction', 'nationality', 'men', 'women', 'boys', 'girls', 'deported', 'transport', 'reasons',
  'origin_country', 'origin_admin1', 'destination_country', 'destination_admin1', 'uasc', 'pregnant_lactating',
  'elderly', 'disabled', 'medical', 'enumerator', 'note', 'fmp',
] as const;

export function differences(before: FmrRecord, after: FmrRecord): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const f of EDITABLE_FIELDS) {
    const a = (before as any)[f];
    const b = (after as any)[f];
    if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) out[f] = [a ?? null, b ?? null];
  }
  return out;
}
