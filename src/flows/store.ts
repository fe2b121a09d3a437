// SQL for flow records: bulk insert through arrays (one statement per batch, so the summary
// triggers run once per batch), lookups and the FMP registry validation needs.
import type { Queryable } from '../platform/db/database.ts';
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
 * array per column, so a batch of thousands is one statement.
 */
export async function insertRecords(q: Queryable, records: { record: FmrRecord; province: string }[], meta: InsertMeta): Promise<string[]> {
  if (!records.length) return [];
  const columns: unknown[][] = RECORD_COLUMNS.map(() => []);
  for (const { record, province } of records) {
    const v = recordValues(record, province);
    for (let i = 0; i < v.length; i++) columns[i].push(v[i]);
  }
  const params = [...columns, meta.status ?? 'received', meta.submittedBy, meta.source, meta.importId ?? null];
  const n = RECORD_COLUMNS.length;
  const select = RECORD_COLUMNS.map(([name], i) => (name === 'reasons' ? `CASE WHEN c${i} = '' THEN '{}'::text[] ELSE string_to_array(c${i}, ';') END` : `c${i}`)).join(', ');
  const unnest = RECORD_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const names = RECORD_COLUMNS.map(([name]) => name).join(', ');
  const aliases = RECORD_COLUMNS.map((_, i) => `c${i}`).join(', ');
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO fmr_records (${names}, status, submitted_by, source, import_id)
     SELECT ${select}, $${n + 1}, $${n + 2}::uuid, $${n + 3}, $${n + 4}::bigint FROM unnest(${unnest}) AS t(${aliases})
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    params,
  );
  return rows.map((r) => r.id);
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
