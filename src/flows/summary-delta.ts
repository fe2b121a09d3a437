// What a batch of new records adds to the summaries, computed while an import validates them
// (issue 9): the database then upserts one row per slice and day (and per slice and month)
// instead of aggregating the batch again. The rules are those of flow_delta_sql in
// src/migrations/0018_flow_breakdown_slices.sql — not_stated for a missing transport or reason,
// '?' for a missing country, 'country|admin1' for origins and destinations, 'origin>destination'
// for routes — and the property tests compare the result with a recomputation from the records.
import type pg from 'pg';
import { copyIn } from '../platform/db/copy.ts';
import type { FmrRecord } from './format.ts';

/** The figures of a slice and day: groups, men, women, boys, girls, uasc, pregnant_lactating, elderly, disabled, medical. */
type Figures = number[];
/** Breakdown value → [groups, individuals], one map per kind (KINDS order). */
type Counts = Map<string, [number, number]>[];
interface Entry {
  slice: string;
  day: string;
  figures: Figures;
  counts: Counts;
}

const KINDS = ['transport', 'origin', 'destination', 'route', 'reason'] as const;
const SLICE_COLUMNS = ['fmp_code', 'province_code', 'direction', 'nationality', 'deported', 'status'] as const;

/** The temporary table an import hands its changes in through (dropped at the transaction's end). */
export const CREATE_DELTA_TABLE_SQL = 'CREATE TEMP TABLE fmr_import_delta OF flow_slice_delta ON COMMIT DROP';

function bump(counts: Map<string, [number, number]>, value: string, groups: number, people: number) {
  const c = counts.get(value);
  if (c) {
    c[0] += groups;
    c[1] += people;
  } else counts.set(value, [groups, people]);
}

/** What a batch adds, by slice and day. */
export type DayCounts = Map<string, Map<string, Entry>>;

/** The FMPs and days that counts touch (each slice key begins with its FMP). */
export function fmpDays(counts: DayCounts): { fmp: string; day: string }[] {
  const out: { fmp: string; day: string }[] = [];
  for (const [slice, byDay] of counts) {
    const fmp = slice.slice(0, slice.indexOf('\t'));
    for (const day of byDay.keys()) out.push({ fmp, day });
  }
  return out;
}

function* entriesOf(counts: DayCounts): Iterable<Entry> {
  for (const byDay of counts.values()) yield* byDay.values();
}

/** Monthly entries held across batches before they are written with one. */
const MONTHS_HELD = 20_000;

export class SummaryDelta {
  private months = new Map<string, Entry>();
  /** Ids of slices ("fmp\tprovince\tdirection\tnationality\tdeported\tstatus") and of breakdown values (one map per kind). */
  private sliceIds = new Map<string, number>();
  private attrIds: Map<string, number>[] = KINDS.map(() => new Map());

  // The values 'country|admin1' and 'origin>destination', made once each: a file repeats a few
  // dozen of them, and a string made again for every record costs more than a look-up.
  private places = new Map<string, Map<string, string>>();
  private routes = new Map<string, Map<string, string>>();
  // Slice keys ("fmp\tprovince\tdirection\tnationality\tdeported\tstatus") too, found through
  // one map per part rather than built for every record.
  private sliceKeys = new Map<string, unknown>();
  private sliceKey(...parts: [string, string, string, string, string, string]): string {
    let m = this.sliceKeys;
    for (let i = 0; i < 5; i++) {
      let next = m.get(parts[i]!) as Map<string, unknown> | undefined;
      if (!next) m.set(parts[i]!, (next = new Map()));
      m = next;
    }
    let key = m.get(parts[5]) as string | undefined;
    if (key === undefined) m.set(parts[5], (key = parts.join('\t')));
    return key;
  }

  private joined(memo: Map<string, Map<string, string>>, a: string, sep: string, b: string): string {
    let m = memo.get(a);
    if (!m) memo.set(a, (m = new Map()));
    let v = m.get(b);
    if (v === undefined) m.set(b, (v = a + sep + b));
    return v;
  }

  /** Counts what a new record adds to the summaries into `days`. */
  countRecord(days: DayCounts, r: FmrRecord, province: string, status: string) {
    const slice = this.sliceKey(r.fmp, province, r.direction, r.nationality, r.deported, status);
    let byDay = days.get(slice);
    if (!byDay) days.set(slice, (byDay = new Map()));
    let e = byDay.get(r.date);
    if (!e) byDay.set(r.date, (e = { slice, day: r.date, figures: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], counts: KINDS.map(() => new Map()) }));
    const f = e.figures;
    f[0]! += 1;
    f[1]! += r.men;
    f[2]! += r.women;
    f[3]! += r.boys;
    f[4]! += r.girls;
    f[5]! += r.uasc ?? 0;
    f[6]! += r.pregnant_lactating ?? 0;
    f[7]! += r.elderly ?? 0;
    f[8]! += r.disabled ?? 0;
    f[9]! += r.medical ?? 0;
    const people = r.men + r.women + r.boys + r.girls;
    const c = e.counts;
    const origin = r.origin_country ?? '?';
    const destination = r.destination_country ?? '?';
    bump(c[0]!, r.transport ?? 'not_stated', 1, people);
    bump(c[1]!, this.joined(this.places, origin, '|', r.origin_admin1 ?? ''), 1, people);
    bump(c[2]!, this.joined(this.places, destination, '|', r.destination_admin1 ?? ''), 1, people);
    bump(c[3]!, this.joined(this.routes, origin, '>', destination), 1, people);
    if (r.reasons.length === 0) bump(c[4]!, 'not_stated', 1, people);
    else for (const reason of r.reasons) bump(c[4]!, reason, 1, people);
  }

  /**
   * Stages the daily counts of a batch in fmr_import_delta: the trigger of the COPY that follows
   * applies them (and empties the table), in the caller's transaction. The monthly counts are
   * kept here across batches (written with a batch only when they grow past MONTHS_HELD, and by
   * finish), so that a month's row is merged once per import rather than once per batch.
   */
  async stage(client: pg.PoolClient, counts: DayCounts): Promise<void> {
    let lines = this.lines(entriesOf(counts), false);
    if (this.months.size > MONTHS_HELD) lines += this.lines(this.months.values(), true);
    if (lines) await copyIn(client, 'COPY fmr_import_delta FROM STDIN', [lines]);
  }

  /** The batch whose counts were staged is written: its months are kept (see stage). */
  written(counts: DayCounts) {
    if (this.months.size > MONTHS_HELD) this.months = new Map();
    for (const d of entriesOf(counts)) {
      const key = d.slice + '\t' + d.day.slice(0, 8);
      let m = this.months.get(key);
      if (!m) this.months.set(key, (m = { slice: d.slice, day: d.day.slice(0, 8) + '01', figures: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], counts: KINDS.map(() => new Map()) }));
      for (let i = 0; i < 10; i++) m.figures[i]! += d.figures[i]!;
      for (let k = 0; k < KINDS.length; k++) for (const [value, [g, p]] of d.counts[k]!) bump(m.counts[k]!, value, g, p);
    }
  }

  /** Writes the monthly counts still held (before the caller commits). */
  async finish(client: pg.PoolClient): Promise<void> {
    const lines = this.lines(this.months.values(), true);
    this.months = new Map();
    if (!lines) return;
    await client.query('TRUNCATE fmr_import_delta');
    await copyIn(client, 'COPY fmr_import_delta FROM STDIN', [lines]);
    await client.query('SELECT flow_apply_slices(ARRAY(SELECT ROW(x.*)::flow_slice_delta FROM fmr_import_delta x)); TRUNCATE fmr_import_delta');
  }

  /** Entries as COPY lines of fmr_import_delta (breakdown arrays sorted by value id). */
  private lines(entries: Iterable<Entry>, monthly: boolean): string {
    let lines = '';
    for (const e of entries) {
      const attrs: [number, number, number][] = [];
      for (let k = 0; k < KINDS.length; k++) for (const [value, [g, p]] of e.counts[k]!) attrs.push([this.attrIds[k]!.get(value)!, g, p]);
      attrs.sort((a, b) => a[0] - b[0]);
      lines +=
        (monthly ? 't' : 'f') + '\t' + this.sliceIds.get(e.slice)! + '\t' + e.day + '\t' + e.figures.join('\t') +
        '\t{' + attrs.map((a) => a[0]).join(',') + '}\t{' + attrs.map((a) => a[1]).join(',') + '}\t{' + attrs.map((a) => a[2]).join(',') + '}\n';
    }
    return lines;
  }

  /** Gives every slice and breakdown value of `counts` its id, registering the new ones (before stage). */
  async register(client: pg.PoolClient, counts: DayCounts) {
    const days = entriesOf(counts);
    const slices = new Set<string>();
    const kinds: string[] = [];
    const values: string[] = [];
    const seen = KINDS.map(() => new Set<string>());
    for (const d of days) {
      if (!this.sliceIds.has(d.slice)) slices.add(d.slice);
      for (let k = 0; k < KINDS.length; k++) {
        for (const value of d.counts[k]!.keys()) {
          if (this.attrIds[k]!.has(value) || seen[k]!.has(value)) continue;
          seen[k]!.add(value);
          kinds.push(KINDS[k]!);
          values.push(value);
        }
      }
    }
    if (slices.size) {
      const cols = SLICE_COLUMNS.map((_, i) => [...slices].map((s) => s.split('\t')[i]!));
      const from = `unnest(${SLICE_COLUMNS.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS x(${SLICE_COLUMNS.join(', ')})`;
      // Two statements: the second sees slices another transaction registered at the same moment.
      await client.query(`INSERT INTO flow_slices (${SLICE_COLUMNS.join(', ')}) SELECT * FROM ${from} ORDER BY 1, 2, 3, 4, 5, 6 ON CONFLICT DO NOTHING`, cols);
      const { rows } = await client.query(`SELECT s.* FROM flow_slices s JOIN ${from} USING (${SLICE_COLUMNS.join(', ')})`, cols);
      for (const r of rows) this.sliceIds.set(SLICE_COLUMNS.map((c) => r[c]).join('\t'), r.id);
    }
    if (values.length) {
      const from = 'unnest($1::text[], $2::text[]) AS x(kind, value)';
      await client.query(`INSERT INTO flow_attr_values (kind, value) SELECT * FROM ${from} ORDER BY 1, 2 ON CONFLICT DO NOTHING`, [kinds, values]);
      const { rows } = await client.query(`SELECT v.* FROM flow_attr_values v JOIN ${from} USING (kind, value)`, [kinds, values]);
      for (const r of rows) this.attrIds[KINDS.indexOf(r.kind)]!.set(r.value, r.id);
    }
  }
}
