// Statistics of protection cases with disclosure control: only cases whose (latest) consent
// allows statistical use are counted; the table says how many were left out; cells and totals
// below k are suppressed, with secondary suppression (suppress.ts).
//
// With exploitation among the dimensions a case counts once per exploitation type it has
// (cases without one count as "none"), and the totals are in the same unit.
import type { Queryable } from '../platform/db/database.ts';
import { AGE_BAND_SQL, ageBandOf } from './cases.ts';
import { suppressTable } from './suppress.ts';
import { isoToJalali } from '../platform/calendar.ts';

export const DIMENSIONS = ['province', 'fmp', 'nationality', 'sex', 'age_band', 'exploitation', 'status', 'month', 'referral_outcome'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const K_INTERNAL = 5;
export const K_PUBLISHED = 11;

const EXPR: Record<Dimension, string> = {
  province: 'c.province_code',
  fmp: "coalesce(c.fmp_code, 'unknown')",
  nationality: "coalesce(c.nationality, 'unknown')",
  sex: 'c.sex',
  age_band: AGE_BAND_SQL('c.age'),
  exploitation: 'x.e',
  status: 'c.status',
  // the month of screening (period), and the outcome of the case's latest referral
  month: "to_char(c.screened_on, 'YYYY-MM')",
  referral_outcome: "coalesce((SELECT r.status FROM protection_referrals r WHERE r.case_id = c.id ORDER BY r.created_at DESC, r.id LIMIT 1), 'none')",
};

export interface StatsQuery {
  by: Dimension[];
  from?: string | null;
  to?: string | null;
  k?: number;
  /** Provinces the reader may see (null: all). */
  provinces?: string[] | null;
  /** One province only (province profile). */
  province?: string | null;
  /** Calendar of the month dimension: Gregorian YYYY-MM (default) or Jalali YYYY/MM. */
  calendar?: 'gregorian' | 'jalali';
}

export interface StatsTable {
  k: number;
  cells: Record<string, string | number | null>[];
  excluded_no_consent: number;
}

export interface StatsTableWithTotals extends StatsTable {
  margins: { dimension: Dimension; value: string; count: number | null }[];
  total: number | null;
}

export function parseDimensions(s: string): Dimension[] | null {
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (!list.length || list.some((d) => !(DIMENSIONS as readonly string[]).includes(d)) || new Set(list).size !== list.length) return null;
  return list as Dimension[];
}

function jalaliMonth(iso: string): string {
  const j = isoToJalali(iso);
  return `${j.jy}/${String(j.jm).padStart(2, '0')}`;
}

export async function protectionStats(q: Queryable, s: StatsQuery): Promise<StatsTableWithTotals> {
  const k = s.k ?? K_INTERNAL;
  const params: unknown[] = [];
  const where: string[] = ['TRUE'];
  if (s.from) params.push(s.from), where.push(`c.screened_on >= $${params.length}::date`);
  if (s.to) params.push(s.to), where.push(`c.screened_on <= $${params.length}::date`);
  if (s.provinces) params.push(s.provinces), where.push(`c.province_code = ANY($${params.length}::text[])`);
  if (s.province) params.push(s.province), where.push(`c.province_code = $${params.length}`);
  // One scan, grouped by raw values (age, the exploitation array): the database makes few groups,
  // and the age bands and the per-type breakdown are folded here. Non-consenting cases are counted
  // in the same scan (once per case, as the rows are not exploded in SQL).
  const jalali = s.calendar === 'jalali';
  const raw = s.by.map((d) => (d === 'age_band' ? 'c.age' : d === 'exploitation' ? 'c.exploitation' : d === 'month' && jalali ? "to_char(c.screened_on, 'YYYY-MM-DD')" : EXPR[d]));
  const select = raw.map((e, i) => `${e} AS d${i}`).join(', ');
  const groups = s.by.map((_, i) => `d${i}`).join(', ');
  const rows = (
    await q.query(
      `SELECT ${select}${s.by.length ? ', ' : ''}count(*) FILTER (WHERE c.consent_statistics)::int AS n, count(*) FILTER (WHERE NOT c.consent_statistics)::int AS excluded
       FROM protection_cases c WHERE ${where.join(' AND ')} ${s.by.length ? `GROUP BY ${groups}` : ''}`,
      params,
    )
  ).rows;
  let excluded = 0;
  const counts = new Map<string, { key: string[]; count: number }>();
  for (const r of rows) {
    excluded += r.excluded;
    if (!r.n) continue;
    // The keys of this group: one, or one per exploitation type.
    let keys: string[][] = [[]];
    s.by.forEach((d, i) => {
      const v = r[`d${i}`];
      const values = d === 'age_band' ? [ageBandOf(v)] : d === 'month' && jalali ? [jalaliMonth(v)] : d === 'exploitation' ? ((v as string[]).length ? [...new Set(v as string[])] : ['none']) : [String(v)];
      keys = keys.flatMap((k) => values.map((x) => [...k, x]));
    });
    for (const key of keys) {
      const id = key.join('\u0000');
      const c = counts.get(id);
      if (c) c.count += r.n;
      else counts.set(id, { key, count: r.n });
    }
  }
  const sorted = [...counts.values()].sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i]! < b.key[i]! ? -1 : 1;
    return 0;
  });
  const table = suppressTable(sorted, s.by.length, k);
  return {
    k,
    cells: table.cells.map((c) => ({ ...Object.fromEntries(s.by.map((d, i) => [d, c.key[i]!])), count: c.count })),
    excluded_no_consent: excluded,
    margins: table.margins.map((m) => ({ dimension: s.by[m.dim]!, value: m.value, count: m.count })),
    total: table.total,
  };
}

/** The table as `marz protection stats --json` prints it: exactly k, cells, excluded_no_consent. */
export const cliTable = (t: StatsTableWithTotals): StatsTable => ({ k: t.k, cells: t.cells, excluded_no_consent: t.excluded_no_consent });

// HTCDS / IC-TIP-aligned export of a suppressed table: one row per cell, column names following
// the victim variables of IOM's Human Trafficking Case Data Standard (gender, age group,
// citizenship, type of exploitation, identification status) and IC-TIP's reporting frame
// (reference period, reporting country, sub-national area). Suppressed counts are empty with
// suppressed = 1. See docs/PROTECTION.md for the mapping.
const EXPORT_COLUMN: Record<Dimension, string> = {
  province: 'admin1_iso3166_2',
  fmp: 'point_of_identification',
  nationality: 'citizenship_iso3',
  sex: 'gender',
  age_band: 'age_group',
  exploitation: 'type_of_exploitation',
  status: 'identification_status',
  month: 'reference_month',
  referral_outcome: 'referral_outcome',
};
const STATUS_HTCDS: Record<string, string> = { possible: 'possible_victim', presumed: 'presumed_victim', confirmed: 'confirmed_victim', not_victim: 'not_a_victim' };

export function exportCsv(t: StatsTableWithTotals, by: Dimension[], period: { from: string | null; to: string | null }): string {
  const head = ['reference_period_start', 'reference_period_end', 'reporting_country_iso3', ...by.map((d) => EXPORT_COLUMN[d]), 'number_of_victims', 'suppressed', 'disclosure_k'];
  const esc = (v: unknown) => {
    const s = v == null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [head.join(',')];
  for (const c of t.cells) {
    const vals = by.map((d) => (d === 'status' ? STATUS_HTCDS[String(c[d])] ?? c[d] : c[d]));
    lines.push([period.from ?? '', period.to ?? '', 'IRN', ...vals, c.count ?? '', c.count === null ? 1 : 0, t.k].map(esc).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
