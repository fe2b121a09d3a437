// SQL for flow records: bulk insert through arrays (one statement per batch, so the summary
// triggers run once per batch) for submissions, COPY straight into fmr_records for imports
// (ImportWriter); lookups and the FMP registry validation needs.
import type pg from 'pg';
import type { Queryable } from '../platform/db/database.ts';
import { copyIn, copyText, fromCopyText } from '../platform/db/copy.ts';
import type { FmrRecord } from './format.ts';
import { makeFmpRegistry, type FmpRegistry } from './validate.ts';
import { SummaryDelta, CREATE_DELTA_TABLE_SQL, fmpDays, type DayCounts } from './summary-delta.ts';

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

// ---- imports (issue 9): each batch is COPY'd straight into fmr_records in id order (index
// locality), and what it adds to the summaries is handed in by the import (SummaryDelta)
// instead of being aggregated again by the trigger.

/** What happened to a row of an import batch that was not inserted. */
export type BatchOutcome = 'repeat' | 'present' | 'conflict';

const RECORD_NAMES = RECORD_COLUMNS.map(([name]) => name);
const COPY_RECORDS_SQL = `COPY fmr_records (${RECORD_NAMES.join(', ')}, status, submitted_by, source, import_id) FROM STDIN`;

/**
 * A record as a COPY text-format line of COPY_RECORDS_SQL (without its newline), `tail` being
 * the import's columns. Fields validated to codes, dates, times and numbers cannot hold a tab,
 * newline or backslash and are written as they are; free text (admin1 names, enumerator, note)
 * goes through copyText.
 */
export function recordLine(r: FmrRecord, province: string, tail: string): string {
  return [
    r.id, r.fmp, province, r.date, r.time ?? '\\N', r.direction, r.nationality, r.men, r.women, r.boys, r.girls, r.deported, r.transport ?? '\\N',
    r.reasons.length ? '{"' + r.reasons.join('","') + '"}' : '{}', r.origin_country ?? '\\N', copyText(r.origin_admin1), r.destination_country ?? '\\N',
    copyText(r.destination_admin1), r.uasc ?? '\\N', r.pregnant_lactating ?? '\\N', r.elderly ?? '\\N', r.disabled ?? '\\N', r.medical ?? '\\N',
    copyText(r.enumerator), copyText(r.note), tail,
  ].join('\t');
}

/** The record and province of a line made by recordLine (its inverse). */
export function recordFromLine(line: string): { record: FmrRecord; province: string } {
  const f = line.split('\t').map(fromCopyText);
  const text = (i: number) => f[i] ?? null;
  const code = (i: number) => f[i] ?? '';
  const num = (i: number) => (f[i] == null ? null : Number(f[i]));
  const reasons = f[13] === '{}' ? [] : code(13).slice(2, -2).split('","');
  return {
    province: code(2),
    record: {
      id: code(0), fmp: code(1), date: code(3), time: text(4), direction: code(5) as FmrRecord['direction'], nationality: code(6),
      men: Number(f[7]), women: Number(f[8]), boys: Number(f[9]), girls: Number(f[10]), deported: code(11) as FmrRecord['deported'], transport: text(12),
      reasons: reasons as unknown as FmrRecord['reasons'], origin_country: text(14), origin_admin1: text(15), destination_country: text(16),
      destination_admin1: text(17), uasc: num(18), pregnant_lactating: num(19), elderly: num(20), disabled: num(21), medical: num(22),
      enumerator: text(23), note: text(24),
    },
  };
}

/** A batch of an import made ready to write (ImportWriter.plan) while the previous one is written. */
export interface BatchPlan {
  /** The rows' numbers in the file and their COPY lines, in file order. */
  rowNumbers: number[];
  lines: BatchLines;
  /** The lines to COPY, in id order. */
  copy: Buffer;
  /** What the rows to insert add to the summaries. */
  counts: DayCounts;
  /** By row number (in file order), the rows not to insert: why, and their id. */
  notInserted: Map<number, { outcome: BatchOutcome; id: string }>;
}

/** What writing a batch did. */
export interface BatchWritten {
  added: number;
  /** The FMPs and days that received records (for the alerts). */
  days: { fmp: string; day: string }[];
  notInserted: BatchPlan['notInserted'];
}

/**
 * The COPY lines of a batch as UTF-8 in one growing buffer. A string kept per row for the
 * batch's life outlives the young generation, and copying and then collecting a million of
 * them cost the garbage collector more than writing their bytes here.
 */
export class BatchLines {
  private bytes = Buffer.allocUnsafe(1 << 20);
  private end = 0;
  /** Where each line starts; line i ends (with its newline) where line i + 1 starts. */
  private starts: number[] = [];
  /** The first 32 bits of each line's id: COPY order (see inIdOrder). */
  private keys: number[] = [];

  get length(): number {
    return this.starts.length;
  }

  add(line: string) {
    if (this.end + line.length * 3 + 1 > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.end + line.length * 3 + 1));
      this.bytes.copy(grown, 0, 0, this.end);
      this.bytes = grown;
    }
    this.starts.push(this.end);
    this.keys.push(parseInt(line.slice(0, 8), 16));
    this.end += this.bytes.write(line, this.end);
    this.bytes[this.end++] = 10;
  }

  /** Line i, without its newline. */
  at(i: number): string {
    return this.bytes.toString('utf8', this.starts[i]!, this.lineEnd(i) - 1);
  }

  /** The id of line i (its first field). */
  id(i: number): string {
    const start = this.starts[i]!;
    return this.bytes.toString('latin1', start, this.bytes.indexOf(9, start));
  }

  private lineEnd(i: number): number {
    return i + 1 < this.starts.length ? this.starts[i + 1]! : this.end;
  }

  /**
   * The lines in the order of their ids' first 32 bits, so that a batch fills the primary key's
   * pages in sequence rather than at random (a fifth or more less work for the index). Sorted as
   * numbers: comparing the id strings would cost more than it saves.
   */
  inIdOrder(): Buffer {
    const n = this.starts.length;
    const SLOTS = 2 ** 20; // prefix × SLOTS + index stays an exact double
    if (n >= SLOTS) return this.bytes.subarray(0, this.end);
    const order = new Float64Array(n);
    for (let i = 0; i < n; i++) order[i] = this.keys[i]! * SLOTS + i;
    order.sort();
    const out = Buffer.allocUnsafe(this.end);
    let at = 0;
    for (const k of order) {
      const i = k % SLOTS;
      at += this.bytes.copy(out, at, this.starts[i]!, this.lineEnd(i));
    }
    return out;
  }
}

/**
 * Writes the batches of one import, in its transaction. Rows are added one at a time as they are
 * validated (add), planned a batch at a time (plan) and written while the next batch is read
 * (write). Each batch is COPY'd straight into fmr_records, after what it adds to the summaries
 * has been staged in fmr_import_delta (which the insert trigger applies). A batch is planned
 * assuming that its ids are new and distinct (a new file: no lookup to pay); when the primary
 * key refuses a row, the batch is rolled back to its savepoint, its stored ids are looked up,
 * its repeats found, and the rest copied again — which also finds a record with one of the
 * batch's ids stored by someone else at the same moment, once that transaction commits.
 */
export class ImportWriter {
  private readonly summary = new SummaryDelta();
  private readonly status: string;
  private readonly tail: string;
  private savepoint = false;
  // The batch being made: its row numbers and lines (no object per row).
  private rowNumbers: number[] = [];
  private lines = new BatchLines();
  private counts: DayCounts = new Map();

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly meta: InsertMeta,
  ) {
    this.status = meta.status ?? 'received';
    this.tail = [this.status, meta.submittedBy, meta.source, meta.importId ?? null].map(copyText).join('\t');
  }

  /** Starts writing an import: from here on, inserts into fmr_records in this transaction take their summaries from fmr_import_delta. */
  static async start(client: pg.PoolClient, meta: InsertMeta): Promise<ImportWriter> {
    await client.query(`${CREATE_DELTA_TABLE_SQL}; SELECT set_config('marz.summary_by_caller', 'on', true)`);
    return new ImportWriter(client, meta);
  }

  /** Rows added since the last plan. */
  get size(): number {
    return this.lines.length;
  }

  /** Adds a valid row to the batch being made. */
  add(record: FmrRecord, province: string, row: number) {
    this.rowNumbers.push(row);
    this.lines.add(recordLine(record, province, this.tail));
    this.summary.countRecord(this.counts, record, province, this.status);
  }

  /** The batch made so far, ready to write; the next one starts empty. */
  plan(): BatchPlan {
    const plan: BatchPlan = { rowNumbers: this.rowNumbers, lines: this.lines, copy: this.lines.inIdOrder(), counts: this.counts, notInserted: new Map() };
    this.rowNumbers = [];
    this.lines = new BatchLines();
    this.counts = new Map();
    return plan;
  }

  /**
   * The plan again once the batch's stored ids are known: a row whose id is stored is repeated
   * (an earlier batch of this import), present with the same content, or a conflict; a row whose
   * id came earlier in the batch is repeated.
   */
  private replan(plan: BatchPlan, stored: Map<string, StoredRecord>): BatchPlan {
    const notInserted: BatchPlan['notInserted'] = new Map();
    const fresh = new BatchLines();
    const seen = new Set<string>();
    const counts: DayCounts = new Map();
    for (let i = 0; i < plan.lines.length; i++) {
      const id = plan.lines.id(i);
      const old = stored.get(id);
      const row = plan.rowNumbers[i]!;
      if (seen.has(id)) notInserted.set(row, { outcome: 'repeat', id });
      else if (!old) {
        const line = plan.lines.at(i);
        fresh.add(line);
        const { record, province } = recordFromLine(line);
        this.summary.countRecord(counts, record, province, this.status);
      } else if (old.import_id !== null && Number(old.import_id) === this.meta.importId) notInserted.set(row, { outcome: 'repeat', id });
      else notInserted.set(row, { outcome: Object.keys(differences(old, recordFromLine(plan.lines.at(i)).record)).length ? 'conflict' : 'present', id });
      seen.add(id);
    }
    return { rowNumbers: plan.rowNumbers, lines: plan.lines, copy: fresh.inIdOrder(), counts, notInserted };
  }

  /** Writes what the import still holds (the monthly summaries); call it before committing. */
  finish(): Promise<void> {
    return this.summary.finish(this.client);
  }

  /** Writes a planned batch. */
  async write(plan: BatchPlan): Promise<BatchWritten> {
    for (let attempt = 1; plan.copy.length > 0; attempt++) {
      await this.summary.register(this.client, plan.counts);
      // The previous batch's savepoint is released here, one round trip fewer per batch.
      await this.client.query(this.savepoint ? 'RELEASE SAVEPOINT fmr_batch; SAVEPOINT fmr_batch' : 'SAVEPOINT fmr_batch');
      this.savepoint = true;
      try {
        await this.summary.stage(this.client, plan.counts);
        await copyIn(this.client, COPY_RECORDS_SQL, [plan.copy]);
        this.summary.written(plan.counts);
        break;
      } catch (e) {
        await this.client.query('ROLLBACK TO SAVEPOINT fmr_batch');
        if ((e as { code?: string }).code !== '23505' || attempt >= 5) throw e;
        plan = this.replan(plan, await findRecords(this.client, Array.from({ length: plan.lines.length }, (_, i) => plan.lines.id(i))));
      }
    }
    return { added: plan.lines.length - plan.notInserted.size, days: fmpDays(plan.counts), notInserted: plan.notInserted };
  }
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
