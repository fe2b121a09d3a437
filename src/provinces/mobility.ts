// Internal mobility in the style of DTM mobility tracking: per round, counts of individuals
// moving from one province (county where known) to another, with returns counted apart.
// Arrivals to a province are the movements whose destination it is, departures those whose
// origin it is, returns the 'return' movements arriving there. Entered by hand or imported
// from CSV/XLSX (all or nothing, problems reported like flow imports).
import { z } from 'zod';
import { basename } from 'node:path';
import type { Database, Queryable } from '../platform/db/database.ts';
import { AppError } from '../platform/http/errors.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { normalisePersian } from '../platform/text.ts';
import { readCsv, readXlsx, ReadError } from '../flows/read.ts';
import type { ImportProblem } from '../flows/import.ts';

const province = z.string().regex(/^IR-\d{2}$/);
export const movementInput = z.object({
  round_no: z.number().int().min(1).max(1000),
  origin_province: province,
  origin_county: z.string().max(120).default(''),
  destination_province: province,
  destination_county: z.string().max(120).default(''),
  kind: z.enum(['movement', 'return']).default('movement'),
  individuals: z.number().int().min(0).max(100_000_000),
  households: z.number().int().min(0).max(100_000_000).nullable().default(null),
});
export type MovementInput = z.infer<typeof movementInput>;
export const roundInput = z.object({ round_no: z.number().int().min(1).max(1000), starts_on: z.iso.date().nullable().default(null), ends_on: z.iso.date().nullable().default(null), label: z.string().max(200).default('') });

export async function upsertRound(q: Queryable, r: Partial<z.infer<typeof roundInput>> & { round_no: number }): Promise<number> {
  if (r.starts_on && r.ends_on && r.ends_on < r.starts_on) throw new AppError('provinces_bad_dates', 400, {}, { field: 'ends_on' });
  const row = (
    await q.query(
      `INSERT INTO mobility_rounds (round_no, starts_on, ends_on, label) VALUES ($1,$2,$3,$4)
       ON CONFLICT (round_no) DO UPDATE SET starts_on = coalesce(EXCLUDED.starts_on, mobility_rounds.starts_on), ends_on = coalesce(EXCLUDED.ends_on, mobility_rounds.ends_on),
         label = CASE WHEN EXCLUDED.label <> '' THEN EXCLUDED.label ELSE mobility_rounds.label END
       RETURNING id`,
      [r.round_no, r.starts_on ?? null, r.ends_on ?? null, normalisePersian(r.label ?? '')],
    )
  ).rows[0];
  return Number(row.id);
}

export async function listRounds(q: Queryable) {
  return (await q.query('SELECT r.round_no, r.starts_on, r.ends_on, r.label, count(m.id) AS pairs, coalesce(sum(m.individuals), 0) AS individuals FROM mobility_rounds r LEFT JOIN mobility_movements m ON m.round_id = r.id GROUP BY r.id ORDER BY r.round_no')).rows;
}

/** Adds or replaces one origin–destination figure (same round, places and kind). */
export async function saveMovement(q: Queryable, actor: Actor, m: MovementInput, createdBy: string | null, source: 'manual' | 'import' = 'manual') {
  const oc = normalisePersian(m.origin_county), dc = normalisePersian(m.destination_county);
  if (m.origin_province === m.destination_province && oc === dc) throw new AppError('provinces_same_place', 400, {}, { field: 'destination_province' });
  const roundId = await upsertRound(q, { round_no: m.round_no });
  const r = (
    await q.query(
      `INSERT INTO mobility_movements (round_id, origin_province, origin_county, destination_province, destination_county, kind, individuals, households, source, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
       ON CONFLICT (round_id, origin_province, origin_county, destination_province, destination_county, kind)
       DO UPDATE SET individuals = EXCLUDED.individuals, households = EXCLUDED.households, source = EXCLUDED.source
       RETURNING id, (xmax = 0) AS inserted`,
      [roundId, m.origin_province, oc, m.destination_province, dc, m.kind, m.individuals, m.households, source, createdBy],
    )
  ).rows[0];
  if (source === 'manual') await audit(q, actor, 'provinces.mobility.save', 'mobility_movement', String(r.id), { round: m.round_no, origin: m.origin_province, destination: m.destination_province, kind: m.kind, individuals: m.individuals });
  return { id: Number(r.id), inserted: r.inserted as boolean };
}

export async function deleteMovement(q: Queryable, actor: Actor, id: number) {
  const r = (await q.query('DELETE FROM mobility_movements WHERE id = $1 RETURNING origin_province, destination_province', [id])).rows[0];
  if (!r) throw new AppError('provinces_movement_not_found', 404, { id });
  await audit(q, actor, 'provinces.mobility.delete', 'mobility_movement', String(id), r);
}

async function roundIdOf(q: Queryable, round: number | null | undefined): Promise<{ id: number; round_no: number } | null> {
  const r = round
    ? (await q.query('SELECT id, round_no FROM mobility_rounds WHERE round_no = $1', [round])).rows[0]
    : (await q.query('SELECT r.id, r.round_no FROM mobility_rounds r WHERE EXISTS (SELECT 1 FROM mobility_movements m WHERE m.round_id = r.id) ORDER BY r.round_no DESC LIMIT 1')).rows[0];
  return r ? { id: Number(r.id), round_no: r.round_no } : null;
}

/** The national origin–destination view of a round (the latest with data by default): pairs by province, the matrix and per-province totals. */
export async function odView(q: Queryable, round?: number | null) {
  const r = await roundIdOf(q, round);
  if (!r) return { round: null, pairs: [], provinces: [], matrix: {}, totals: [] };
  const pairs = (
    await q.query(
      `SELECT origin_province, destination_province, sum(individuals) FILTER (WHERE kind = 'movement') AS movements, sum(individuals) FILTER (WHERE kind = 'return') AS returns, sum(individuals) AS individuals
         FROM mobility_movements WHERE round_id = $1 AND origin_province <> destination_province GROUP BY 1, 2 ORDER BY sum(individuals) DESC, 1, 2`,
      [r.id],
    )
  ).rows.map((p: any) => ({ ...p, movements: p.movements ?? 0, returns: p.returns ?? 0 }));
  const totals = await provinceTotals(q, r.id);
  const provinces = [...new Set(pairs.flatMap((p: any) => [p.origin_province, p.destination_province]))].sort();
  const matrix: Record<string, Record<string, number>> = {};
  for (const p of pairs) (matrix[p.origin_province] ??= {})[p.destination_province] = p.individuals;
  return { round: r.round_no, pairs, provinces, matrix, totals };
}

async function provinceTotals(q: Queryable, roundId: number, only?: string) {
  return (
    await q.query(
      `WITH x AS (
         SELECT destination_province AS province, individuals AS arrivals, 0 AS departures, CASE WHEN kind = 'return' THEN individuals ELSE 0 END AS returns FROM mobility_movements WHERE round_id = $1 AND origin_province <> destination_province
         UNION ALL SELECT origin_province, 0, individuals, 0 FROM mobility_movements WHERE round_id = $1 AND origin_province <> destination_province)
       SELECT province, sum(arrivals) AS arrivals, sum(departures) AS departures, sum(returns) AS returns, sum(arrivals) - sum(departures) AS net
         FROM x ${only ? 'WHERE province = $2' : ''} GROUP BY province ORDER BY province`,
      only ? [roundId, only] : [roundId],
    )
  ).rows;
}

/** Mobility in and out of one province for a round (latest with data by default), with counties and top partners. */
export async function provinceMobility(q: Queryable, province: string, round?: number | null) {
  const r = await roundIdOf(q, round);
  if (!r) return { round: null, arrivals: 0, departures: 0, returns: 0, net: 0, from: [], to: [], counties: [] };
  const t = (await provinceTotals(q, r.id, province))[0] ?? { arrivals: 0, departures: 0, returns: 0, net: 0 };
  const from = (await q.query(`SELECT origin_province AS province, sum(individuals) AS individuals FROM mobility_movements WHERE round_id = $1 AND destination_province = $2 AND origin_province <> $2 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`, [r.id, province])).rows;
  const to = (await q.query(`SELECT destination_province AS province, sum(individuals) AS individuals FROM mobility_movements WHERE round_id = $1 AND origin_province = $2 AND destination_province <> $2 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`, [r.id, province])).rows;
  const counties = (
    await q.query(
      `SELECT county, sum(arrivals) AS arrivals, sum(departures) AS departures FROM (
         SELECT destination_county AS county, individuals AS arrivals, 0 AS departures FROM mobility_movements WHERE round_id = $1 AND destination_province = $2 AND destination_county <> ''
         UNION ALL SELECT origin_county, 0, individuals FROM mobility_movements WHERE round_id = $1 AND origin_province = $2 AND origin_county <> '') c
       GROUP BY county ORDER BY county`,
      [r.id, province],
    )
  ).rows;
  return { round: r.round_no, arrivals: t.arrivals, departures: t.departures, returns: t.returns, net: t.net, from, to, counties };
}

// ---------------------------------------------------------------- import

export const MOBILITY_COLUMNS = ['round', 'origin_province', 'destination_province', 'individuals'] as const;

export interface MobilityImportReport {
  file: string;
  ok: boolean;
  dry_run: boolean;
  rows: number;
  added: number;
  updated: number;
  problem_count: number;
  problems: ImportProblem[];
}

export async function importMobility(db: Database, o: { path: string; fileName?: string; dryRun?: boolean; actor: Actor; principal: { id: string } | null; canProvince?: (p: string) => boolean }): Promise<MobilityImportReport> {
  const file = o.fileName ?? basename(o.path);
  const report: MobilityImportReport = { file, ok: false, dry_run: !!o.dryRun, rows: 0, added: 0, updated: 0, problem_count: 0, problems: [] };
  const problem = (row: number | null, column: string | null, value: string | null, code: string, en: string, fa: string) => {
    report.problem_count++;
    if (report.problems.length < 1000) report.problems.push({ file, row, column, value, code, message_en: en, message_fa: fa });
  };
  const provinces = new Set((await db.query('SELECT code FROM provinces')).rows.map((r: any) => r.code as string));
  const rows: { row: number; m: MovementInput }[] = [];
  const seen = new Set<string>();
  let header: string[] = [];
  try {
    const reader = /\.xlsx$/i.test(o.path) ? readXlsx(o.path, { onHeader: (h) => (header = h.columns) }) : readCsv(o.path, { onHeader: (h) => (header = h.columns) });
    let checked = false;
    for await (const src of reader) {
      if (!checked) {
        checked = true;
        const missing = MOBILITY_COLUMNS.filter((c) => !header.map((h) => h.toLowerCase()).includes(c));
        if (missing.length) {
          problem(1, missing.join(', '), null, 'missing_columns', `The file has no column ${missing.join(', ')}.`, `ستون ${missing.join('، ')} در پرونده نیست.`);
          break;
        }
      }
      report.rows++;
      const v: Record<string, string> = {};
      for (const [k, val] of Object.entries(src.values)) v[k.toLowerCase()] = normalisePersian(String(val ?? ''), { asciiDigits: true });
      const r = src.rowNumber;
      let bad = false;
      const fail = (col: string, code: string, en: string, fa: string) => (problem(r, col, v[col] ?? '', code, en, fa), (bad = true));
      const int = (col: string, required: boolean) => {
        const s = v[col] ?? '';
        if (s === '') return required ? (fail(col, 'required', 'This value is required.', 'این مقدار لازم است.'), null) : null;
        const n = Number(s.replace(/,/g, ''));
        if (!Number.isInteger(n) || n < 0) return fail(col, 'invalid_number', 'A whole number from 0 is expected.', 'عددی درست و نامنفی لازم است.'), null;
        return n;
      };
      const round = int('round', true);
      if (round === 0) fail('round', 'invalid_number', 'Rounds are numbered from 1.', 'شمارهٔ دور از یک آغاز می‌شود.');
      for (const col of ['origin_province', 'destination_province']) {
        const p = (v[col] ?? '').toUpperCase();
        v[col] = p;
        if (!provinces.has(p)) fail(col, 'unknown_province', 'Not a province code (ISO 3166-2:IR, such as IR-09).', 'کد استان درست نیست (مانند IR-09).');
        else if (o.canProvince && !o.canProvince(p)) fail(col, 'out_of_scope', 'You may not enter figures for this province.', 'شما اجازهٔ ثبت آمار این استان را ندارید.');
      }
      const kind = (v.kind ?? '') === '' ? 'movement' : v.kind!.toLowerCase();
      if (kind !== 'movement' && kind !== 'return') fail('kind', 'invalid_kind', 'Kind is movement or return.', 'نوع باید movement (جابه‌جایی) یا return (بازگشت) باشد.');
      const individuals = int('individuals', true);
      const households = int('households', false);
      if (bad) continue;
      const m: MovementInput = { round_no: round!, origin_province: v.origin_province!, origin_county: v.origin_county ?? '', destination_province: v.destination_province!, destination_county: v.destination_county ?? '', kind: kind as 'movement' | 'return', individuals: individuals!, households };
      if (m.origin_province === m.destination_province && m.origin_county === m.destination_county) {
        problem(r, 'destination_province', m.destination_province, 'same_place', 'Origin and destination are the same place.', 'مبدأ و مقصد یکی است.');
        continue;
      }
      const key = [m.round_no, m.origin_province, m.origin_county, m.destination_province, m.destination_county, m.kind].join('|');
      if (seen.has(key)) {
        problem(r, 'origin_province', m.origin_province, 'duplicate_in_file', 'This origin, destination and kind appear more than once for the round.', 'این مبدأ، مقصد و نوع در این دور بیش از یک بار آمده است.');
        continue;
      }
      seen.add(key);
      rows.push({ row: r, m });
    }
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    problem(e.rowNumber ?? null, null, null, e.code, e.message, 'پرونده خوانده نشد (رمزگذاری UTF-8 و قالب CSV یا XLSX را بررسی کنید).');
  }
  if (report.rows === 0 && report.problem_count === 0) problem(null, null, null, 'empty', 'The file has no rows.', 'پرونده هیچ ردیفی ندارد.');
  report.ok = report.problem_count === 0;
  if (!report.ok) return report;
  class DryRun extends Error {}
  await db
    .tx(async (c) => {
      for (const { m } of rows) {
        const r = await saveMovement(c, o.actor, m, o.principal?.id ?? null, 'import');
        if (r.inserted) report.added++;
        else report.updated++;
      }
      await audit(c, o.actor, 'provinces.mobility.import', 'mobility_import', file, { rows: report.rows, added: report.added, updated: report.updated });
      if (o.dryRun) throw new DryRun();
    })
    .catch((e) => {
      if (!(e instanceof DryRun)) throw e;
    });
  return report;
}
