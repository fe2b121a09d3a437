// Provincial needs assessments: per province and round, needs by theme with priority,
// evidence, responsible agency and status; linked to exercise improvement items and to
// governance gaps (framework + node code, GCM objectives); progress between rounds.
import { z } from 'zod';
import type { Queryable } from '../platform/db/database.ts';
import { AppError } from '../platform/http/errors.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { normalisePersian, toAsciiDigits } from '../platform/text.ts';

export const THEMES = ['border_infrastructure', 'reception_capacity', 'protection_services', 'health_at_poe', 'data', 'coordination', 'training'] as const;
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export const NEED_STATUSES = ['identified', 'planned', 'in_progress', 'met', 'dropped'] as const;

const govLink = z.object({ framework: z.string().min(1).max(40), code: z.string().min(1).max(60) });
export const needInput = z.object({
  province_code: z.string().regex(/^IR-\d{2}$/),
  round_no: z.number().int().min(1).max(100),
  theme: z.enum(THEMES),
  title: z.string().min(1).max(500),
  priority: z.enum(PRIORITIES),
  evidence: z.string().max(5000).default(''),
  responsible_agency: z.string().nullable().default(null).describe('agency code'),
  status: z.enum(NEED_STATUSES).default('identified'),
  previous_need_id: z.number().int().nullable().default(null),
  exercise_item_ids: z.array(z.number().int()).max(50).default([]),
  governance_links: z.array(govLink).max(50).default([]),
});
export type NeedInput = z.infer<typeof needInput>;
// A change names only what changes (no defaults: a field left out keeps its value).
export const needPatch = z
  .object({
    theme: z.enum(THEMES),
    title: z.string().min(1).max(500),
    priority: z.enum(PRIORITIES),
    evidence: z.string().max(5000),
    responsible_agency: z.string().nullable().describe('agency code'),
    status: z.enum(NEED_STATUSES),
    previous_need_id: z.number().int().nullable(),
    exercise_item_ids: z.array(z.number().int()).max(50),
    governance_links: z.array(govLink).max(50),
  })
  .partial();

const NEED_SELECT = `SELECT n.id, n.province_code, n.round_no, n.theme, n.title, n.priority, n.evidence, a.code AS responsible_agency, a.name_en AS agency_en, a.name_fa AS agency_fa,
  n.status, n.previous_need_id, n.exercise_item_ids, n.governance_links, n.updated_at
  FROM province_needs n LEFT JOIN agencies a ON a.id = n.responsible_agency_id`;

async function agencyId(q: Queryable, code: string | null | undefined): Promise<number | null> {
  if (!code) return null;
  const r = (await q.query('SELECT id FROM agencies WHERE code = $1', [code])).rows[0];
  if (!r) throw new AppError('provinces_unknown_agency', 400, { value: code }, { field: 'responsible_agency' });
  return Number(r.id);
}

async function checkLinks(q: Queryable, province: string, round: number, input: Partial<NeedInput>) {
  if (input.previous_need_id != null) {
    const prev = (await q.query('SELECT province_code, round_no FROM province_needs WHERE id = $1', [input.previous_need_id])).rows[0];
    if (!prev || prev.province_code !== province || prev.round_no >= round) throw new AppError('provinces_bad_previous_need', 400, {}, { field: 'previous_need_id' });
  }
  for (const l of input.governance_links ?? []) {
    if (l.framework === 'gcm' && !/^([1-9]|1\d|2[0-3])$/.test(l.code)) throw new AppError('provinces_bad_gcm_objective', 400, { value: l.code }, { field: 'governance_links' });
    const known = await q.query('SELECT 1 FROM gov_nodes n JOIN gov_framework_versions v ON v.id = n.version_id JOIN gov_frameworks f ON f.id = v.framework_id WHERE f.code = $1 AND n.code = $2 LIMIT 1', [l.framework, l.code]);
    if (!known.rowCount) throw new AppError('provinces_unknown_governance_node', 400, { value: `${l.framework} ${l.code}` }, { field: 'governance_links' });
  }
  const items = input.exercise_item_ids ?? [];
  if (items.length) {
    const found = await exerciseItems(q, items);
    const missing = items.filter((id) => !found.some((f: any) => Number(f.id) === id));
    if (missing.length) throw new AppError('provinces_unknown_exercise_item', 400, { value: missing.join(', ') }, { field: 'exercise_item_ids' });
  }
}

/** Improvement items from exercises (the exercises capability's table, when installed). */
export async function exerciseItems(q: Queryable, ids: number[]): Promise<any[]> {
  if (!ids.length) return [];
  const exists = (await q.query("SELECT to_regclass('exercise_improvement_items') IS NOT NULL AS ok")).rows[0].ok;
  if (!exists) return [];
  return (await q.query('SELECT id, title, status, due_on FROM exercise_improvement_items WHERE id = ANY($1::bigint[]) ORDER BY id', [ids])).rows;
}

export async function getNeed(q: Queryable, id: number) {
  const r = (await q.query(`${NEED_SELECT} WHERE n.id = $1`, [id])).rows[0];
  if (!r) throw new AppError('provinces_need_not_found', 404, { id });
  return r;
}

/** Framework codes as stored: ASCII digits, no stray spaces (a GCM objective typed as ۱۱ is 11). */
const normLinks = <T extends { governance_links?: { framework: string; code: string }[] }>(x: T): T =>
  x.governance_links ? { ...x, governance_links: x.governance_links.map((l) => ({ framework: l.framework.trim(), code: toAsciiDigits(l.code).trim() })) } : x;

export async function createNeed(q: Queryable, actor: Actor, input: NeedInput, createdBy: string | null) {
  input = normLinks(input);
  if (!(await q.query('SELECT 1 FROM provinces WHERE code = $1', [input.province_code])).rowCount) throw new AppError('provinces_unknown_province', 400, { value: input.province_code }, { field: 'province_code' });
  await checkLinks(q, input.province_code, input.round_no, input);
  const id = Number(
    (
      await q.query(
        `INSERT INTO province_needs (province_code, round_no, theme, title, priority, evidence, responsible_agency_id, status, previous_need_id, exercise_item_ids, governance_links, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
        [input.province_code, input.round_no, input.theme, normalisePersian(input.title), input.priority, normalisePersian(input.evidence), await agencyId(q, input.responsible_agency), input.status, input.previous_need_id, input.exercise_item_ids, JSON.stringify(input.governance_links), createdBy],
      )
    ).rows[0].id,
  );
  await audit(q, actor, 'provinces.need.create', 'province_need', String(id), { province: input.province_code, round: input.round_no });
  return getNeed(q, id);
}

export async function updateNeed(q: Queryable, actor: Actor, id: number, patch: z.infer<typeof needPatch>) {
  patch = normLinks(patch);
  const old = await getNeed(q, id);
  await checkLinks(q, old.province_code, old.round_no, patch);
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (col: string, v: unknown) => (params.push(v), sets.push(`${col} = $${params.length}`));
  if (patch.theme) set('theme', patch.theme);
  if (patch.title) set('title', normalisePersian(patch.title));
  if (patch.priority) set('priority', patch.priority);
  if (patch.evidence !== undefined) set('evidence', normalisePersian(patch.evidence));
  if (patch.responsible_agency !== undefined) set('responsible_agency_id', await agencyId(q, patch.responsible_agency));
  if (patch.status) set('status', patch.status);
  if (patch.previous_need_id !== undefined) set('previous_need_id', patch.previous_need_id);
  if (patch.exercise_item_ids) set('exercise_item_ids', patch.exercise_item_ids);
  if (patch.governance_links) set('governance_links', JSON.stringify(patch.governance_links));
  if (sets.length) {
    await q.query(`UPDATE province_needs SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
    await audit(q, actor, 'provinces.need.update', 'province_need', String(id), { from: { status: old.status }, fields: Object.keys(patch) });
  }
  return getNeed(q, id);
}

export async function listNeeds(q: Queryable, filter: { provinces: string[] | null; province?: string; round?: number }) {
  const params: unknown[] = [];
  const where: string[] = ['TRUE'];
  if (filter.provinces) (params.push(filter.provinces), where.push(`n.province_code = ANY($${params.length}::text[])`));
  if (filter.province) (params.push(filter.province), where.push(`n.province_code = $${params.length}`));
  if (filter.round) (params.push(filter.round), where.push(`n.round_no = $${params.length}`));
  return (await q.query(`${NEED_SELECT} WHERE ${where.join(' AND ')} ORDER BY n.province_code, n.round_no DESC, CASE n.priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, n.id`, params)).rows;
}

/**
 * A province's needs: the latest round's needs by status, theme and priority, and progress
 * from the previous round — needs carried over (linked by previous_need_id) and how their status
 * moved, needs met since, and new ones.
 */
export async function needsSummary(q: Queryable, province: string) {
  const rounds = (await q.query('SELECT DISTINCT round_no FROM province_needs WHERE province_code = $1 ORDER BY round_no DESC', [province])).rows.map((r: any) => r.round_no as number);
  if (!rounds.length) return { rounds: [], round: null, total: 0, open: 0, by_status: {}, by_theme: {}, high_priority_open: 0, items: [], progress: null };
  const round = rounds[0]!;
  const items = await listNeeds(q, { provinces: null, province, round });
  const linked = await exerciseItems(q, [...new Set(items.flatMap((n: any) => (n.exercise_item_ids as (number | string)[]).map(Number)))]);
  for (const n of items) n.exercise_items = linked.filter((x: any) => n.exercise_item_ids.map(Number).includes(Number(x.id)));
  const count = (f: (n: any) => string) => items.reduce((m: Record<string, number>, n: any) => ((m[f(n)] = (m[f(n)] ?? 0) + 1), m), {});
  const isOpen = (n: any) => n.status !== 'met' && n.status !== 'dropped';
  let progress = null;
  if (rounds[1] != null) progress = await roundProgress(q, province, rounds[1], round);
  return {
    rounds,
    round,
    total: items.length,
    open: items.filter(isOpen).length,
    by_status: count((n) => n.status),
    by_theme: count((n) => n.theme),
    high_priority_open: items.filter((n: any) => isOpen(n) && n.priority === 'high').length,
    items,
    progress,
  };
}

export async function roundProgress(q: Queryable, province: string, from: number, to: number) {
  const prev = await listNeeds(q, { provinces: null, province, round: from });
  const cur = await listNeeds(q, { provinces: null, province, round: to });
  const carried = cur.filter((n: any) => n.previous_need_id != null && prev.some((p: any) => p.id === n.previous_need_id));
  const carriedFrom = new Set(carried.map((n: any) => n.previous_need_id));
  return {
    from_round: from,
    to_round: to,
    previous_total: prev.length,
    current_total: cur.length,
    carried_over: carried.length,
    new: cur.length - carried.length,
    closed_in_previous: prev.filter((p: any) => p.status === 'met').length,
    not_carried_over: prev.filter((p: any) => !carriedFrom.has(p.id)).length,
    status_changes: carried.map((n: any) => ({ id: n.id, title: n.title, from: prev.find((p: any) => p.id === n.previous_need_id)!.status, to: n.status })),
    met_now: cur.filter((n: any) => n.status === 'met').length,
  };
}
