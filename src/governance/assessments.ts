// Assessments: create, answer, cite evidence, discuss, move through the workflow with
// per-ministry sign-off, publish as an immutable snapshot, reopen as a new version, start a
// follow-up round, and the views computed from them. Every write checks its permission and
// state here, runs in one transaction with the assessment row locked, and audits itself.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { requirePermission, scopeOf, provinceFilter, type Principal } from '../platform/auth/access.ts';
import { covers } from '../platform/auth/scope.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { normalisePersian } from '../platform/text.ts';
import type { Framework } from './framework-schema.ts';
import {
  answerTone,
  compareRounds,
  compareVersions,
  evidenceCounts,
  gcmView,
  progress,
  scoreAssessment,
  type AnswerData,
  type AssessmentScore,
  type DomainProgress,
  type EvidenceData,
  type FrameworkIndex,
  type RoundComparison,
  type Tone,
  type ToneCounts,
} from './analysis.ts';
import { canonicalJson, findVersion, indexOf, mappingsBetween, versionById, type StoredVersion } from './store.ts';
import { COMMENTABLE, EDITABLE, allowedActions, findTransition, maySignFor, mayAnswer, holdsOver, provinceOf, validationOutcome, type AllowedActions, type Decision, type Status } from './workflow.ts';

export const MAX_FILE_BYTES = 3 * 1024 * 1024; // also enforced by a CHECK on gov_evidence.file_data

export interface AssessmentRow {
  id: number;
  series_id: number;
  title_en: string;
  title_fa: string;
  framework_version_id: number;
  scope: 'national' | 'province' | 'city';
  province_code: string | null;
  city_en: string | null;
  city_fa: string | null;
  round_no: number;
  previous_round_id: number | null;
  version_no: number;
  reopened_from_id: number | null;
  status: Status;
  validation_cycle: number;
  created_at: string;
  updated_at: string;
  approved_at: string | null;
  published_at: string | null;
}

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());
const num = (v: unknown) => (v == null ? null : Number(v));

function toRow(r: any): AssessmentRow {
  return {
    id: Number(r.id),
    series_id: Number(r.series_id ?? r.id),
    title_en: r.title_en,
    title_fa: r.title_fa,
    framework_version_id: Number(r.framework_version_id),
    scope: r.scope,
    province_code: r.province_code,
    city_en: r.city_en,
    city_fa: r.city_fa,
    round_no: r.round_no,
    previous_round_id: num(r.previous_round_id),
    version_no: r.version_no,
    reopened_from_id: num(r.reopened_from_id),
    status: r.status,
    validation_cycle: r.validation_cycle,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    approved_at: iso(r.approved_at),
    published_at: iso(r.published_at),
  };
}

export async function getAssessment(q: Queryable, id: number, lock = false): Promise<AssessmentRow> {
  const r = (await q.query(`SELECT * FROM gov_assessments WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])).rows[0];
  if (!r) throw notFound();
  return toRow(r);
}

/** The participating ministries' agency ids. */
export async function ministryIds(q: Queryable, id: number): Promise<number[]> {
  return (await q.query('SELECT agency_id FROM gov_assessment_ministries WHERE assessment_id = $1 ORDER BY agency_id', [id])).rows.map((r: any) => Number(r.agency_id));
}

/**
 * Who reads an assessment: governance.read in its province (a national one: anywhere) and,
 * for an agency-bound user, one of its ministries.
 */
export function mayRead(p: Principal | null, a: { scope: string; province_code: string | null }, ministries: number[]) {
  const prov = provinceOf(a);
  return covers(p, 'governance.read', { provinces: prov ? [prov] : [], agencies: ministries });
}

/** Throws 403 unless the user holds one of the permissions over the assessment. */
function requireOver(p: Principal, permissions: string[], a: AssessmentRow, ministries: number[]) {
  if (!permissions.some((perm) => holdsOver(p, perm, a, ministries))) throw new AppError('forbidden', 403, {}, { permission: permissions[0] });
}

/** Loads the assessment and checks that the user may read it. */
export async function readable(q: Queryable, p: Principal | null, id: number): Promise<AssessmentRow> {
  if (!p) throw new AppError('unauthenticated', 401);
  const a = await getAssessment(q, id);
  if (!mayRead(p, a, await ministryIds(q, id))) throw new AppError('forbidden', 403, {}, { permission: 'governance.read' });
  return a;
}

function assertEditable(a: AssessmentRow) {
  if (a.status === 'PUBLISHED') throw new AppError('gov_published', 409, { id: a.id });
  if (!EDITABLE.includes(a.status)) throw new AppError('gov_not_editable', 409, { status: a.status });
}

/** Locks the assessment for a change by an editor (focal point) or, with coordinate, a coordinator. */
async function lockForEdit(c: Queryable, p: Principal | null, id: number, coordinate = false): Promise<AssessmentRow & { ministries: number[] }> {
  if (!p) throw new AppError('unauthenticated', 401);
  const a = await getAssessment(c, id, true);
  const ministries = await ministryIds(c, id);
  requireOver(p, coordinate ? ['governance.coordinate'] : ['governance.edit', 'governance.coordinate'], a, ministries);
  assertEditable(a);
  return { ...a, ministries };
}

async function touch(c: Queryable, id: number) {
  await c.query('UPDATE gov_assessments SET updated_at = now() WHERE id = $1', [id]);
}

const clean = (s: string | null | undefined) => (s == null ? s : normalisePersian(s));
/** Trims, and normalises Persian letters without collapsing the line breaks of longer texts. */
const cleanLong = (s: string | null | undefined) =>
  s == null ? s : s.split('\n').map((line) => normalisePersian(line)).join('\n').replace(/\n{3,}/g, '\n\n').trim();

async function checkAgencies(q: Queryable, ids: number[]) {
  for (const id of ids) {
    if (!(await q.query('SELECT 1 FROM agencies WHERE id = $1', [id])).rowCount) throw new AppError('unknown_agency', 400, { id });
  }
}

// ---------------------------------------------------------------- listing and creating

export interface AssessmentListItem extends AssessmentRow {
  framework_code: string;
  framework_version: string;
  framework_title_en: string;
  framework_title_fa: string;
  province_en: string | null;
  province_fa: string | null;
  answered: number;
  indicators: number;
}

export async function listAssessments(q: Queryable, p: Principal | null, filter: { status?: string; series_id?: number; framework?: string }): Promise<AssessmentListItem[]> {
  if (!p) throw new AppError('unauthenticated', 401);
  requirePermission(p, 'governance.read');
  const params: unknown[] = [];
  const where = [`(a.province_code IS NULL OR ${provinceFilter(scopeOf(p, 'governance.read'), 'a.province_code', params)})`];
  if (filter.status) {
    params.push(filter.status);
    where.push(`a.status = $${params.length}`);
  }
  if (filter.series_id) {
    params.push(filter.series_id);
    where.push(`a.series_id = $${params.length}`);
  }
  if (filter.framework) {
    params.push(filter.framework);
    where.push(`f.code = $${params.length}`);
  }
  const rows = await q.query(
    `SELECT a.*, f.code AS framework_code, v.version AS framework_version, f.title_en AS framework_title_en, f.title_fa AS framework_title_fa,
            pr.name_en AS province_en, pr.name_fa AS province_fa,
            (SELECT count(*) FROM gov_answers x WHERE x.assessment_id = a.id AND x.answer IS NOT NULL) AS answered,
            (SELECT count(*) FROM gov_nodes n WHERE n.version_id = a.framework_version_id AND n.level = 'indicator') AS indicators,
            (SELECT coalesce(array_agg(m.agency_id), '{}') FROM gov_assessment_ministries m WHERE m.assessment_id = a.id) AS ministry_ids
       FROM gov_assessments a JOIN gov_framework_versions v ON v.id = a.framework_version_id JOIN gov_frameworks f ON f.id = v.framework_id
       LEFT JOIN provinces pr ON pr.code = a.province_code
      WHERE ${where.join(' AND ')}
      ORDER BY a.updated_at DESC, a.id DESC`,
    params,
  );
  return rows.rows.filter((r: any) => mayRead(p, r, r.ministry_ids.map(Number))).map((r: any) => ({
    ...toRow(r),
    framework_code: r.framework_code,
    framework_version: r.framework_version,
    framework_title_en: r.framework_title_en,
    framework_title_fa: r.framework_title_fa,
    province_en: r.province_en,
    province_fa: r.province_fa,
    answered: Number(r.answered),
    indicators: Number(r.indicators),
  }));
}

export interface NewAssessment {
  title_en?: string;
  title_fa?: string;
  framework: string;
  version?: string | null;
  scope: 'national' | 'province' | 'city';
  province_code?: string | null;
  city_en?: string | null;
  city_fa?: string | null;
  ministries: number[];
}

export async function createAssessment(db: Database, p: Principal | null, actor: Actor, input: NewAssessment): Promise<number> {
  if (!p) throw new AppError('unauthenticated', 401);
  const province = input.scope === 'national' ? null : input.province_code ?? null;
  if (input.scope !== 'national' && !province) throw new AppError('gov_province_required', 400);
  if (input.scope === 'city' && !(input.city_en?.trim() || input.city_fa?.trim())) throw new AppError('gov_city_required', 400);
  if (!(input.title_en?.trim() || input.title_fa?.trim())) throw new AppError('gov_title_required', 400);
  // Coordinators start assessments in their provinces; a national one needs nationwide scope.
  if (!covers(p, 'governance.coordinate', { provinces: province ? [province] : null })) throw new AppError('forbidden', 403, {}, { permission: 'governance.coordinate' });
  return db.tx(async (c) => {
    const v = await findVersion(c, input.framework, input.version);
    if (v.kind !== 'assessment') throw new AppError('gov_not_assessment_framework', 400, { code: v.code });
    if (province && !(await c.query('SELECT 1 FROM provinces WHERE code = $1', [province])).rowCount) throw new AppError('unknown_province', 400, { code: province });
    const ministries = [...new Set(input.ministries)];
    await checkAgencies(c, ministries);
    const r = (
      await c.query(
        `INSERT INTO gov_assessments (title_en, title_fa, framework_version_id, scope, province_code, city_en, city_fa, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
        [clean(input.title_en) ?? '', clean(input.title_fa) ?? '', v.id, input.scope, province, input.scope === 'city' ? clean(input.city_en) || null : null, input.scope === 'city' ? clean(input.city_fa) || null : null, p.id],
      )
    ).rows[0];
    const id = Number(r.id);
    await c.query('UPDATE gov_assessments SET series_id = id WHERE id = $1', [id]);
    for (const m of ministries) await c.query('INSERT INTO gov_assessment_ministries (assessment_id, agency_id) VALUES ($1,$2)', [id, m]);
    await c.query(`INSERT INTO gov_transitions (assessment_id, from_status, to_status, actor_id, actor_label) VALUES ($1, NULL, 'DRAFT', $2, $3)`, [id, actor.userId, actor.label]);
    await audit(c, actor, 'governance.assessment.create', 'gov_assessment', String(id), { framework: v.code, version: v.version, scope: input.scope, province_code: province, ministries });
    return id;
  });
}

export async function updateAssessment(db: Database, p: Principal | null, actor: Actor, id: number, patch: { title_en?: string; title_fa?: string; city_en?: string | null; city_fa?: string | null; ministries?: number[] }) {
  await db.tx(async (c) => {
    const a = await lockForEdit(c, p, id, true);
    const title_en = patch.title_en !== undefined ? clean(patch.title_en)! : a.title_en;
    const title_fa = patch.title_fa !== undefined ? clean(patch.title_fa)! : a.title_fa;
    if (!title_en && !title_fa) throw new AppError('gov_title_required', 400);
    await c.query(
      `UPDATE gov_assessments SET title_en = $2, title_fa = $3,
              city_en = CASE WHEN scope = 'city' THEN $4 ELSE NULL END, city_fa = CASE WHEN scope = 'city' THEN $5 ELSE NULL END, updated_at = now()
        WHERE id = $1`,
      [id, title_en, title_fa, patch.city_en !== undefined ? clean(patch.city_en) : a.city_en, patch.city_fa !== undefined ? clean(patch.city_fa) : a.city_fa],
    );
    if (patch.ministries) {
      const ministries = [...new Set(patch.ministries)];
      await checkAgencies(c, ministries);
      await c.query('DELETE FROM gov_assessment_ministries WHERE assessment_id = $1 AND NOT (agency_id = ANY($2::bigint[]))', [id, ministries]);
      for (const m of ministries) await c.query('INSERT INTO gov_assessment_ministries (assessment_id, agency_id) VALUES ($1,$2) ON CONFLICT DO NOTHING', [id, m]);
    }
    await audit(c, actor, 'governance.assessment.update', 'gov_assessment', String(id), patch);
  });
}

// ---------------------------------------------------------------- answers and evidence

export interface AnswerPatch {
  answer?: string | null;
  finding_en?: string;
  finding_fa?: string;
  highlight?: 'good_practice' | 'gap' | null;
  responsible_agency_id?: number | null;
}

async function indicatorOf(c: Queryable, a: AssessmentRow, code: string) {
  const v = await versionById(c, a.framework_version_id);
  const node = indexOf(v).nodes.get(code);
  if (!node || node.level !== 'indicator') throw new AppError('gov_unknown_indicator', 404, { code });
  return node;
}

export async function setAnswer(db: Database, p: Principal | null, actor: Actor, id: number, code: string, patch: AnswerPatch) {
  return db.tx(async (c) => {
    const a = await lockForEdit(c, p, id);
    const node = await indicatorOf(c, a, code);
    const assigned = (await c.query('SELECT responsible_agency_id FROM gov_answers WHERE assessment_id = $1 AND node_code = $2', [id, code])).rows[0]?.responsible_agency_id;
    // Focal points answer only the indicators assigned to their ministry, and do not reassign them.
    if (!mayAnswer(p, a, a.ministries, num(assigned))) throw new AppError('gov_not_your_indicator', 403, { code });
    if (patch.responsible_agency_id !== undefined && patch.responsible_agency_id !== num(assigned) && !holdsOver(p, 'governance.coordinate', a, a.ministries)) {
      throw new AppError('gov_not_your_indicator', 403, { code });
    }
    if (patch.answer != null && !node.scheme?.options.some((o) => o.code === patch.answer)) {
      throw new AppError('gov_invalid_answer', 400, {
        code,
        answer: patch.answer,
        allowed: node.scheme?.options.map((o) => o.code).join(', ') ?? '',
        allowed_en: node.scheme?.options.map((o) => `${o.code} (${o.label.en})`).join(', ') ?? '',
        allowed_fa: node.scheme?.options.map((o) => `«${o.label.fa}»`).join('، ') ?? '',
      });
    }
    if (patch.responsible_agency_id != null) await checkAgencies(c, [patch.responsible_agency_id]);
    const before = (await c.query('SELECT answer, finding_en, finding_fa, highlight, responsible_agency_id FROM gov_answers WHERE assessment_id = $1 AND node_code = $2', [id, code])).rows[0] ?? {
      answer: null,
      finding_en: '',
      finding_fa: '',
      highlight: null,
      responsible_agency_id: null,
    };
    before.responsible_agency_id = num(before.responsible_agency_id);
    const after = {
      answer: patch.answer !== undefined ? patch.answer : before.answer,
      finding_en: patch.finding_en !== undefined ? cleanLong(patch.finding_en)! : before.finding_en,
      finding_fa: patch.finding_fa !== undefined ? cleanLong(patch.finding_fa)! : before.finding_fa,
      highlight: patch.highlight !== undefined ? patch.highlight : before.highlight,
      responsible_agency_id: patch.responsible_agency_id !== undefined ? patch.responsible_agency_id : before.responsible_agency_id,
    };
    const changes: Record<string, [unknown, unknown]> = {};
    for (const k of Object.keys(after) as (keyof typeof after)[]) if (before[k] !== after[k]) changes[k] = [before[k], after[k]];
    if (!Object.keys(changes).length) return after;
    await c.query(
      `INSERT INTO gov_answers (assessment_id, node_code, answer, finding_en, finding_fa, highlight, responsible_agency_id, updated_by, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8, now())
       ON CONFLICT (assessment_id, node_code) DO UPDATE SET answer = EXCLUDED.answer, finding_en = EXCLUDED.finding_en, finding_fa = EXCLUDED.finding_fa,
              highlight = EXCLUDED.highlight, responsible_agency_id = EXCLUDED.responsible_agency_id, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [id, code, after.answer, after.finding_en, after.finding_fa, after.highlight, after.responsible_agency_id, p!.id],
    );
    await c.query('INSERT INTO gov_answer_history (assessment_id, node_code, action, changes, actor_id, actor_label) VALUES ($1,$2,$3,$4,$5,$6)', [id, code, 'answer', JSON.stringify(changes), actor.userId, actor.label]);
    await touch(c, id);
    await audit(c, actor, 'governance.answer.set', 'gov_assessment', String(id), { code, changes });
    return after;
  });
}

export const EVIDENCE_KINDS = ['law', 'decree', 'regulation', 'strategy', 'report', 'data_source', 'url', 'file'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface NewEvidence {
  kind: EvidenceKind;
  title: string;
  url?: string | null;
  article?: string | null;
  issued_on?: string | null;
  language?: string | null;
  file?: { name: string; type?: string | null; data_base64: string } | null;
}

export interface EvidenceView extends Omit<EvidenceData, 'kind'> {
  kind: EvidenceKind;
  file_type: string | null;
  file_size: number | null;
  file_sha256: string | null;
  created_at: string;
}

const EVIDENCE_COLUMNS = 'id, node_code, kind, title, url, article, issued_on, language, file_name, file_type, file_size, file_sha256, created_at';
const toEvidence = (r: any): EvidenceView => ({ ...r, id: Number(r.id), created_at: iso(r.created_at)! });

export async function addEvidence(db: Database, p: Principal | null, actor: Actor, id: number, code: string, e: NewEvidence): Promise<EvidenceView> {
  let data: Buffer | null = null;
  if (e.file) {
    if (!/^[A-Za-z0-9+/=\s]*$/.test(e.file.data_base64)) throw new AppError('gov_bad_file', 400);
    data = Buffer.from(e.file.data_base64, 'base64');
    if (data.length > MAX_FILE_BYTES) throw new AppError('gov_file_too_large', 413, { max: MAX_FILE_BYTES / 1024 / 1024 });
    if (data.length === 0) throw new AppError('gov_bad_file', 400);
  }
  if (e.kind === 'file' && !data) throw new AppError('gov_file_required', 400);
  if (e.kind === 'url' && !e.url) throw new AppError('gov_url_required', 400);
  return db.tx(async (c) => {
    const a = await lockForEdit(c, p, id);
    await indicatorOf(c, a, code);
    const r = (
      await c.query(
        `INSERT INTO gov_evidence (assessment_id, node_code, kind, title, url, article, issued_on, language, file_name, file_type, file_size, file_sha256, file_data, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING ${EVIDENCE_COLUMNS}`,
        [
          id, code, e.kind, clean(e.title), e.url || null, clean(e.article) || null, e.issued_on || null, e.language || null,
          e.file ? clean(e.file.name) : null, e.file ? e.file.type || 'application/octet-stream' : null, data?.length ?? null,
          data ? createHash('sha256').update(data).digest('hex') : null, data,
          p!.id,
        ],
      )
    ).rows[0];
    const view = toEvidence(r);
    const { created_at, ...logged } = view;
    await c.query('INSERT INTO gov_answer_history (assessment_id, node_code, action, changes, actor_id, actor_label) VALUES ($1,$2,$3,$4,$5,$6)', [id, code, 'evidence.add', JSON.stringify(logged), actor.userId, actor.label]);
    await touch(c, id);
    await audit(c, actor, 'governance.evidence.add', 'gov_assessment', String(id), logged);
    return view;
  });
}

export async function removeEvidence(db: Database, p: Principal | null, actor: Actor, id: number, evidenceId: number) {
  await db.tx(async (c) => {
    const a = await lockForEdit(c, p, id);
    const e = (await c.query('SELECT created_by FROM gov_evidence WHERE id = $1 AND assessment_id = $2', [evidenceId, id])).rows[0];
    if (!e) throw notFound();
    // Coordinators remove any evidence; focal points only what they attached themselves.
    if (e.created_by !== p!.id && !holdsOver(p, 'governance.coordinate', a, a.ministries)) throw new AppError('gov_not_your_evidence', 403);
    const r = (await c.query(`DELETE FROM gov_evidence WHERE id = $1 AND assessment_id = $2 RETURNING id, node_code, kind, title, url, article`, [evidenceId, id])).rows[0];
    if (!r) throw notFound();
    await c.query('INSERT INTO gov_answer_history (assessment_id, node_code, action, changes, actor_id, actor_label) VALUES ($1,$2,$3,$4,$5,$6)', [id, r.node_code, 'evidence.remove', JSON.stringify({ ...r, id: Number(r.id) }), actor.userId, actor.label]);
    await touch(c, id);
    await audit(c, actor, 'governance.evidence.remove', 'gov_assessment', String(id), { ...r, id: Number(r.id) });
  });
}

export async function evidenceFile(q: Queryable, p: Principal | null, id: number, evidenceId: number) {
  await readable(q, p, id);
  const r = (await q.query('SELECT file_name, file_type, file_data FROM gov_evidence WHERE id = $1 AND assessment_id = $2 AND file_data IS NOT NULL', [evidenceId, id])).rows[0];
  if (!r) throw notFound();
  return { name: r.file_name as string, type: r.file_type as string, data: r.file_data as Buffer };
}

export async function answerHistory(q: Queryable, p: Principal | null, id: number, code?: string) {
  await readable(q, p, id);
  const rows = await q.query(
    `SELECT id, node_code, action, changes, actor_label, at FROM gov_answer_history WHERE assessment_id = $1 ${code ? 'AND node_code = $2' : ''} ORDER BY at DESC, id DESC LIMIT 500`,
    code ? [id, code] : [id],
  );
  return rows.rows.map((r: any) => ({ ...r, id: Number(r.id), at: iso(r.at)! }));
}

// ---------------------------------------------------------------- comments

export interface CommentView {
  id: number;
  node_code: string | null;
  parent_id: number | null;
  body: string;
  author_label: string;
  agency_id: number | null;
  created_at: string;
  resolved_at: string | null;
}

export async function listComments(q: Queryable, p: Principal | null, id: number, code?: string): Promise<CommentView[]> {
  await readable(q, p, id);
  const rows = await q.query(
    `SELECT id, node_code, parent_id, body, author_label, agency_id, created_at, resolved_at FROM gov_comments
      WHERE assessment_id = $1 ${code !== undefined ? 'AND node_code IS NOT DISTINCT FROM $2' : ''} ORDER BY created_at, id`,
    code !== undefined ? [id, code || null] : [id],
  );
  return rows.rows.map((r: any) => ({ ...r, id: Number(r.id), parent_id: num(r.parent_id), agency_id: num(r.agency_id), created_at: iso(r.created_at)!, resolved_at: iso(r.resolved_at) }));
}

async function lockForComment(c: Queryable, p: Principal | null, id: number) {
  if (!p) throw new AppError('unauthenticated', 401);
  const a = await getAssessment(c, id, true);
  requireOver(p, ['governance.edit', 'governance.signoff', 'governance.coordinate'], a, await ministryIds(c, id));
  if (a.status === 'PUBLISHED') throw new AppError('gov_published', 409, { id });
  if (!COMMENTABLE.includes(a.status)) throw new AppError('gov_not_editable', 409, { status: a.status });
  return a;
}

export async function addComment(db: Database, p: Principal | null, actor: Actor, id: number, input: { node_code?: string | null; parent_id?: number | null; body: string }): Promise<number> {
  return db.tx(async (c) => {
    const a = await lockForComment(c, p, id);
    let nodeCode = input.node_code ?? null;
    if (input.parent_id) {
      const parent = (await c.query('SELECT node_code, parent_id FROM gov_comments WHERE id = $1 AND assessment_id = $2', [input.parent_id, id])).rows[0];
      if (!parent) throw notFound();
      if (parent.parent_id) throw new AppError('gov_reply_to_reply', 400);
      nodeCode = parent.node_code;
      await c.query('UPDATE gov_comments SET resolved_at = NULL, resolved_by = NULL WHERE id = $1', [input.parent_id]);
    } else if (nodeCode) {
      await indicatorOf(c, a, nodeCode);
    }
    const body = cleanLong(input.body)!;
    if (!body) throw new AppError('gov_comment_required', 400, {}, { field: 'body' });
    const r = (
      await c.query(
        'INSERT INTO gov_comments (assessment_id, node_code, parent_id, body, author_id, author_label, agency_id) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id',
        [id, nodeCode, input.parent_id ?? null, body, p!.id, p!.displayName, p!.agencyId],
      )
    ).rows[0];
    await audit(c, actor, 'governance.comment.add', 'gov_assessment', String(id), { comment_id: Number(r.id), node_code: nodeCode, parent_id: input.parent_id ?? null });
    return Number(r.id);
  });
}

export async function resolveComment(db: Database, p: Principal | null, actor: Actor, id: number, commentId: number, resolved: boolean) {
  await db.tx(async (c) => {
    const a = await lockForComment(c, p, id);
    requireOver(p!, ['governance.coordinate'], a, await ministryIds(c, id));
    const r = await c.query(
      `UPDATE gov_comments SET resolved_at = CASE WHEN $3::boolean THEN now() ELSE NULL END, resolved_by = CASE WHEN $3::boolean THEN $4::uuid ELSE NULL END
        WHERE id = $1 AND assessment_id = $2 AND parent_id IS NULL`,
      [commentId, id, resolved, p!.id],
    );
    if (!r.rowCount) throw notFound();
    await audit(c, actor, resolved ? 'governance.comment.resolve' : 'governance.comment.reopen', 'gov_assessment', String(id), { comment_id: commentId });
  });
}

// ---------------------------------------------------------------- workflow

export interface MinistryView {
  agency_id: number;
  code: string;
  name_en: string;
  name_fa: string;
  decision: Decision | null;
  reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
}

/** The participating ministries with their latest decision in the current validation cycle. */
export async function ministries(q: Queryable, a: Pick<AssessmentRow, 'id' | 'validation_cycle'>): Promise<MinistryView[]> {
  const rows = await q.query(
    `SELECT ag.id AS agency_id, ag.code, ag.name_en, ag.name_fa, s.decision, s.reason, s.user_label AS decided_by, s.at AS decided_at
       FROM gov_assessment_ministries m JOIN agencies ag ON ag.id = m.agency_id
       LEFT JOIN LATERAL (SELECT decision, reason, user_label, at FROM gov_signoffs s
                           WHERE s.assessment_id = m.assessment_id AND s.agency_id = m.agency_id AND s.cycle = $2 AND $2 > 0
                           ORDER BY s.at DESC, s.id DESC LIMIT 1) s ON true
      WHERE m.assessment_id = $1
      ORDER BY ag.code`,
    [a.id, a.validation_cycle],
  );
  return rows.rows.map((r: any) => ({ ...r, agency_id: Number(r.agency_id), decided_at: iso(r.decided_at) }));
}

export async function transition(db: Database, p: Principal | null, actor: Actor, id: number, to: Status, note?: string | null): Promise<Status> {
  if (!p) throw new AppError('unauthenticated', 401);
  return db.tx(async (c) => {
    const a = await getAssessment(c, id, true);
    const mins = await ministryIds(c, id);
    // Only the assessment's coordinators (and, for approval, the government approvers) move it.
    requireOver(p, ['governance.coordinate', 'governance.approve'], a, mins);
    if (a.status === 'PUBLISHED') throw new AppError('gov_published', 409, { id });
    const t = findTransition(a.status, to);
    if (!t) throw new AppError('gov_transition_not_allowed', 409, { from: a.status, to });
    requireOver(p, [t.permission], a, mins);
    let cycle = a.validation_cycle;
    if (a.status === 'SHARED_WITH_FOCAL_POINTS' && to === 'COMMENTS_ADDRESSED') {
      const open = Number((await c.query('SELECT count(*) AS n FROM gov_comments WHERE assessment_id = $1 AND parent_id IS NULL AND resolved_at IS NULL', [id])).rows[0].n);
      if (open) throw new AppError('gov_unresolved_comments', 409, { count: open });
    }
    if (to === 'INTERMINISTERIAL_VALIDATION') {
      const m = await ministries(c, a);
      if (!m.length) throw new AppError('gov_no_ministries', 409);
      const ix = indexOf(await versionById(c, a.framework_version_id));
      const answered = new Set((await c.query('SELECT node_code FROM gov_answers WHERE assessment_id = $1 AND answer IS NOT NULL', [id])).rows.map((r: any) => r.node_code));
      const missing = ix.indicators.filter((i) => !answered.has(i.code)).map((i) => i.code);
      if (!ix.indicators.length) throw new AppError('gov_no_indicators', 409);
      if (missing.length) throw new AppError('gov_incomplete_answers', 409, { count: missing.length }, { missing });
      cycle += 1;
    }
    if (to === 'GOVERNMENT_APPROVED') {
      const m = await ministries(c, a);
      const outcome = validationOutcome(m.map((x) => ({ agency_id: x.agency_id, decision: x.decision })));
      // Ministries by name in each language (the message picks its own); codes stay in the details.
      const names = (ids: number[]) => {
        const of = m.filter((x) => ids.includes(x.agency_id));
        return { ministries: of.map((x) => x.code).join(', '), ministries_en: of.map((x) => x.name_en || x.code).join(', '), ministries_fa: of.map((x) => x.name_fa || x.name_en || x.code).join('، ') };
      };
      if (outcome.objected.length) throw new AppError('gov_objections', 409, names(outcome.objected), { objected: outcome.objected });
      if (!outcome.complete) throw new AppError('gov_signoffs_pending', 409, names(outcome.pending), { pending: outcome.pending });
    }
    await c.query('INSERT INTO gov_transitions (assessment_id, from_status, to_status, note, actor_id, actor_label) VALUES ($1,$2,$3,$4,$5,$6)', [id, a.status, to, note ? cleanLong(note) : null, actor.userId, actor.label]);
    if (to === 'PUBLISHED') {
      // The snapshot is built from the rows as they are now, then the row is frozen by the
      // status change (the trigger refuses every later change to it and its children).
      const publishedAt = new Date().toISOString();
      const doc = await buildDocument(c, { ...a, status: 'PUBLISHED', published_at: publishedAt });
      await c.query(`UPDATE gov_assessments SET status = 'PUBLISHED', published_at = $2, published_by = $3, updated_at = $2 WHERE id = $1`, [id, publishedAt, p.id]);
      const text = canonicalJson(doc);
      const sha = createHash('sha256').update(text).digest('hex');
      await c.query('INSERT INTO gov_snapshots (assessment_id, snapshot, sha256, created_by) VALUES ($1,$2,$3,$4)', [id, text, sha, p.id]);
      await audit(c, actor, 'governance.assessment.publish', 'gov_assessment', String(id), { from: a.status, sha256: sha, note: note ?? null });
      return to;
    }
    await c.query(
      `UPDATE gov_assessments SET status = $2, validation_cycle = $3, updated_at = now(),
              approved_at = CASE WHEN $2 = 'GOVERNMENT_APPROVED' THEN now() ELSE NULL END,
              approved_by = CASE WHEN $2 = 'GOVERNMENT_APPROVED' THEN $4::uuid ELSE NULL END
        WHERE id = $1`,
      [id, to, cycle, p.id],
    );
    await audit(c, actor, 'governance.assessment.transition', 'gov_assessment', String(id), { from: a.status, to, note: note ?? null, cycle });
    return to;
  });
}

export async function signOff(db: Database, p: Principal | null, actor: Actor, id: number, agencyId: number, decision: Decision, reason?: string | null) {
  if (!p) throw new AppError('unauthenticated', 401);
  await db.tx(async (c) => {
    const a = await getAssessment(c, id, true);
    requireOver(p, ['governance.signoff'], a, await ministryIds(c, id));
    // Only a focal point whose own agency is this ministry signs for it.
    if (!maySignFor(p, agencyId, a)) throw new AppError('gov_signoff_other_agency', 403, { agency: agencyId });
    if (a.status === 'PUBLISHED') throw new AppError('gov_published', 409, { id });
    if (a.status !== 'INTERMINISTERIAL_VALIDATION') throw new AppError('gov_wrong_status', 409, { status: a.status });
    if (!(await c.query('SELECT 1 FROM gov_assessment_ministries WHERE assessment_id = $1 AND agency_id = $2', [id, agencyId])).rowCount) {
      throw new AppError('gov_not_participating', 400, { agency: agencyId });
    }
    const why = reason ? cleanLong(reason) : null;
    if (decision === 'OBJECTED' && !why) throw new AppError('gov_reason_required', 400);
    await c.query('INSERT INTO gov_signoffs (assessment_id, agency_id, cycle, decision, reason, user_id, user_label) VALUES ($1,$2,$3,$4,$5,$6,$7)', [id, agencyId, a.validation_cycle, decision, why, p.id, p.displayName]);
    await touch(c, id);
    await audit(c, actor, decision === 'SIGNED_OFF' ? 'governance.assessment.sign_off' : 'governance.assessment.object', 'gov_assessment', String(id), { agency_id: agencyId, cycle: a.validation_cycle, reason: why });
  });
}

/** Copies answers and evidence from one assessment to another, through a code mapping. */
async function copyContent(c: Queryable, from: AssessmentRow, toId: number, codeMap: Map<string, string>, targetIx: FrameworkIndex) {
  const answers = (await c.query('SELECT * FROM gov_answers WHERE assessment_id = $1 ORDER BY id', [from.id])).rows;
  for (const r of answers) {
    const code = codeMap.get(r.node_code);
    if (!code) continue;
    const node = targetIx.nodes.get(code)!;
    const answer = r.answer && node.scheme?.options.some((o) => o.code === r.answer) ? r.answer : null;
    await c.query(
      `INSERT INTO gov_answers (assessment_id, node_code, answer, finding_en, finding_fa, highlight, responsible_agency_id, updated_by, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [toId, code, answer, r.finding_en, r.finding_fa, r.highlight, r.responsible_agency_id, r.updated_by, r.updated_at],
    );
  }
  const evidence = (await c.query('SELECT id, node_code FROM gov_evidence WHERE assessment_id = $1 ORDER BY id', [from.id])).rows;
  for (const e of evidence) {
    const code = codeMap.get(e.node_code);
    if (!code) continue;
    await c.query(
      `INSERT INTO gov_evidence (assessment_id, node_code, kind, title, url, article, issued_on, language, file_name, file_type, file_size, file_sha256, file_data, carried_from_id, created_by, created_at)
       SELECT $2, $3, kind, title, url, article, issued_on, language, file_name, file_type, file_size, file_sha256, file_data, id, created_by, created_at FROM gov_evidence WHERE id = $1`,
      [e.id, toId, code],
    );
  }
  await c.query('INSERT INTO gov_assessment_ministries (assessment_id, agency_id) SELECT $2, agency_id FROM gov_assessment_ministries WHERE assessment_id = $1', [from.id, toId]);
}

/** Reopening a published assessment makes a new version of the same round, in DRAFT, with the same content. */
export async function reopen(db: Database, p: Principal | null, actor: Actor, id: number, reason: string): Promise<number> {
  if (!p) throw new AppError('unauthenticated', 401);
  return db.tx(async (c) => {
    const a = await getAssessment(c, id, true);
    requireOver(p, ['governance.approve'], a, await ministryIds(c, id));
    if (a.status !== 'PUBLISHED') throw new AppError('gov_not_published', 409, { status: a.status });
    const newer = (await c.query('SELECT id FROM gov_assessments WHERE reopened_from_id = $1', [id])).rows[0];
    if (newer) throw new AppError('gov_already_reopened', 409, { id: Number(newer.id) });
    const versionNo = Number((await c.query('SELECT max(version_no) AS n FROM gov_assessments WHERE series_id = $1 AND round_no = $2', [a.series_id, a.round_no])).rows[0].n) + 1;
    const r = (
      await c.query(
        `INSERT INTO gov_assessments (series_id, title_en, title_fa, framework_version_id, scope, province_code, city_en, city_fa, round_no, previous_round_id, version_no, reopened_from_id, created_by)
         SELECT series_id, title_en, title_fa, framework_version_id, scope, province_code, city_en, city_fa, round_no, previous_round_id, $2, id, $3 FROM gov_assessments WHERE id = $1 RETURNING id`,
        [id, versionNo, p.id],
      )
    ).rows[0];
    const newId = Number(r.id);
    const ix = indexOf(await versionById(c, a.framework_version_id));
    await copyContent(c, a, newId, new Map(ix.indicators.map((i) => [i.code, i.code])), ix);
    await c.query(`INSERT INTO gov_transitions (assessment_id, from_status, to_status, note, actor_id, actor_label) VALUES ($1, NULL, 'DRAFT', $2, $3, $4)`, [newId, cleanLong(reason), actor.userId, actor.label]);
    await audit(c, actor, 'governance.assessment.reopen', 'gov_assessment', String(newId), { reopened_from: id, version_no: versionNo, reason });
    return newId;
  });
}

/** A follow-up round starts from the previous (published) round's answers and evidence. */
export async function followUp(db: Database, p: Principal | null, actor: Actor, id: number, input: { version?: string | null; title_en?: string; title_fa?: string }): Promise<number> {
  if (!p) throw new AppError('unauthenticated', 401);
  return db.tx(async (c) => {
    const a = await getAssessment(c, id, true);
    requireOver(p, ['governance.coordinate'], a, await ministryIds(c, id));
    if (a.status !== 'PUBLISHED') throw new AppError('gov_not_published', 409, { status: a.status });
    const fromV = await versionById(c, a.framework_version_id);
    const toV = input.version ? await findVersion(c, fromV.code, input.version) : fromV;
    const roundNo = Number((await c.query('SELECT max(round_no) AS n FROM gov_assessments WHERE series_id = $1', [a.series_id])).rows[0].n) + 1;
    const r = (
      await c.query(
        `INSERT INTO gov_assessments (series_id, title_en, title_fa, framework_version_id, scope, province_code, city_en, city_fa, round_no, previous_round_id, version_no, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,1,$11) RETURNING id`,
        [a.series_id, clean(input.title_en) || a.title_en, clean(input.title_fa) || a.title_fa, toV.id, a.scope, a.province_code, a.city_en, a.city_fa, roundNo, id, p.id],
      )
    ).rows[0];
    const newId = Number(r.id);
    const diff = compareVersions(indexOf(fromV), indexOf(toV), await mappingsBetween(c, fromV.id, toV.id), fromV.id === toV.id);
    await copyContent(c, a, newId, diff.continues, indexOf(toV));
    await c.query(`INSERT INTO gov_transitions (assessment_id, from_status, to_status, note, actor_id, actor_label) VALUES ($1, NULL, 'DRAFT', $2, $3, $4)`, [newId, `round ${roundNo}`, actor.userId, actor.label]);
    await audit(c, actor, 'governance.assessment.follow_up', 'gov_assessment', String(newId), { previous_round: id, round_no: roundNo, framework_version: toV.version });
    return newId;
  });
}

// ---------------------------------------------------------------- the assessment as one document

export interface IndicatorEntry {
  code: string;
  domain: string;
  parent: string | null;
  texts: { en: string; fa: string };
  answer: string | null;
  answer_label: { en: string; fa: string } | null;
  tone: Tone;
  finding_en: string;
  finding_fa: string;
  highlight: 'good_practice' | 'gap' | null;
  responsible_agency: { id: number; code: string; name_en: string; name_fa: string } | null;
  updated_at: string | null;
  evidence: Omit<EvidenceView, 'node_code'>[];
}

export interface AssessmentDocument {
  format: 'marz-governance-assessment';
  format_version: 1;
  assessment: AssessmentRow & { province_en: string | null; province_fa: string | null };
  framework: { code: string; version: string; title: { en: string; fa: string }; document: Framework };
  ministries: MinistryView[];
  indicators: IndicatorEntry[];
  comments: CommentView[];
  transitions: { from: string | null; to: string; note: string | null; actor: string; at: string }[];
  progress: { domains: DomainProgress[]; total: ToneCounts };
  score_1072: AssessmentScore;
}

export interface LoadedRound {
  row: AssessmentRow;
  version: StoredVersion;
  index: FrameworkIndex;
  answers: Map<string, AnswerData & { updated_at: string | null }>;
  evidence: EvidenceView[];
}

export async function loadRound(q: Queryable, a: AssessmentRow): Promise<LoadedRound> {
  const version = await versionById(q, a.framework_version_id);
  const answers = new Map(
    (await q.query('SELECT node_code, answer, finding_en, finding_fa, highlight, responsible_agency_id, updated_at FROM gov_answers WHERE assessment_id = $1', [a.id])).rows.map((r: any) => [
      r.node_code,
      { answer: r.answer, finding_en: r.finding_en, finding_fa: r.finding_fa, highlight: r.highlight, responsible_agency_id: num(r.responsible_agency_id), updated_at: iso(r.updated_at) },
    ]),
  );
  const evidence = (await q.query(`SELECT ${EVIDENCE_COLUMNS} FROM gov_evidence WHERE assessment_id = $1 ORDER BY id`, [a.id])).rows.map(toEvidence);
  return { row: a, version, index: indexOf(version), answers, evidence };
}

export async function buildDocument(q: Queryable, a: AssessmentRow): Promise<AssessmentDocument> {
  const round = await loadRound(q, a);
  const prov = a.province_code ? (await q.query('SELECT name_en, name_fa FROM provinces WHERE code = $1', [a.province_code])).rows[0] : null;
  const agencies = new Map((await q.query('SELECT id, code, name_en, name_fa FROM agencies')).rows.map((r: any) => [Number(r.id), { id: Number(r.id), code: r.code, name_en: r.name_en, name_fa: r.name_fa }]));
  const byCode = new Map<string, Omit<EvidenceView, 'node_code'>[]>();
  for (const e of round.evidence) {
    const { node_code, ...rest } = e;
    byCode.set(node_code, [...(byCode.get(node_code) ?? []), rest]);
  }
  const indicators: IndicatorEntry[] = round.index.indicators.map((ind) => {
    const ans = round.answers.get(ind.code);
    const opt = ans?.answer ? ind.scheme?.options.find((o) => o.code === ans.answer) : undefined;
    return {
      code: ind.code,
      domain: ind.domainCode,
      parent: ind.parentCode,
      texts: ind.texts,
      answer: ans?.answer ?? null,
      answer_label: opt ? opt.label : null,
      tone: answerTone(ind.scheme, ans?.answer),
      finding_en: ans?.finding_en ?? '',
      finding_fa: ans?.finding_fa ?? '',
      highlight: ans?.highlight ?? null,
      responsible_agency: ans?.responsible_agency_id ? agencies.get(ans.responsible_agency_id) ?? null : null,
      updated_at: ans?.updated_at ?? null,
      evidence: byCode.get(ind.code) ?? [],
    };
  });
  const comments = (
    await q.query('SELECT id, node_code, parent_id, body, author_label, agency_id, created_at, resolved_at FROM gov_comments WHERE assessment_id = $1 ORDER BY created_at, id', [a.id])
  ).rows.map((r: any) => ({ ...r, id: Number(r.id), parent_id: num(r.parent_id), agency_id: num(r.agency_id), created_at: iso(r.created_at)!, resolved_at: iso(r.resolved_at) }));
  const transitions = (await q.query('SELECT from_status, to_status, note, actor_label, at FROM gov_transitions WHERE assessment_id = $1 ORDER BY at, id', [a.id])).rows.map((r: any) => ({
    from: r.from_status,
    to: r.to_status,
    note: r.note,
    actor: r.actor_label,
    at: iso(r.at)!,
  }));
  return {
    format: 'marz-governance-assessment',
    format_version: 1,
    assessment: { ...a, province_en: prov?.name_en ?? null, province_fa: prov?.name_fa ?? null },
    framework: { code: round.version.code, version: round.version.version, title: round.version.document.title, document: round.version.document },
    ministries: await ministries(q, a),
    indicators,
    comments,
    transitions,
    progress: progress(round.index, round.answers, evidenceCounts(round.evidence)),
    score_1072: scoreAssessment(round.index, round.answers),
  };
}

export async function snapshotOf(q: Queryable, id: number) {
  const r = (await q.query('SELECT snapshot, sha256, created_at FROM gov_snapshots WHERE assessment_id = $1', [id])).rows[0];
  if (!r) return null;
  return { snapshot: r.snapshot as AssessmentDocument, sha256: r.sha256 as string, verified: createHash('sha256').update(canonicalJson(r.snapshot)).digest('hex') === r.sha256, created_at: iso(r.created_at)! };
}

/** The assessment as a document: the stored snapshot once published, else built from the rows. */
export async function assessmentDocument(q: Queryable, p: Principal | null, id: number): Promise<AssessmentDocument> {
  const a = await readable(q, p, id);
  if (a.status === 'PUBLISHED') {
    const s = await snapshotOf(q, id);
    if (s) return s.snapshot;
  }
  return buildDocument(q, a);
}

// ---------------------------------------------------------------- views

export async function detail(q: Queryable, p: Principal | null, id: number) {
  const a = await readable(q, p, id);
  const round = await loadRound(q, a);
  const m = await ministries(q, a);
  const commentCounts = (
    await q.query(
      `SELECT node_code, count(*) AS n, count(*) FILTER (WHERE parent_id IS NULL AND resolved_at IS NULL) AS open FROM gov_comments WHERE assessment_id = $1 GROUP BY node_code`,
      [id],
    )
  ).rows.map((r: any) => ({ node_code: r.node_code as string | null, count: Number(r.n), open: Number(r.open) }));
  const prov = a.province_code ? (await q.query('SELECT name_en, name_fa FROM provinces WHERE code = $1', [a.province_code])).rows[0] : null;
  const related = (await q.query('SELECT id, round_no, version_no, status, reopened_from_id, previous_round_id FROM gov_assessments WHERE series_id = $1 ORDER BY round_no, version_no', [a.series_id])).rows.map((r: any) => ({
    id: Number(r.id),
    round_no: r.round_no,
    version_no: r.version_no,
    status: r.status,
    reopened_from_id: num(r.reopened_from_id),
    previous_round_id: num(r.previous_round_id),
  }));
  const actions: AllowedActions = allowedActions(p, a, m.map((x) => x.agency_id));
  if (actions.reopen && related.some((r) => r.reopened_from_id === a.id)) actions.reopen = false;
  const fw = round.version.document;
  return {
    assessment: { ...a, province_en: prov?.name_en ?? null, province_fa: prov?.name_fa ?? null },
    framework: { code: round.version.code, version: round.version.version, title: fw.title, answer_schemes: fw.answerSchemes },
    nodes: [...round.index.nodes.values()].map((n) => ({ code: n.code, level: n.level, parent_code: n.parentCode, depth: n.depth, domain: n.domainCode, texts: n.texts, question: n.question ?? null, scheme: n.level === 'indicator' ? n.scheme?.id ?? null : null, links: n.effectiveLinks })),
    answers: [...round.answers.entries()].map(([code, v]) => ({ code, ...v })),
    evidence: round.evidence,
    ministries: m,
    comments: commentCounts,
    related,
    actions,
  };
}

export async function dashboard(q: Queryable, p: Principal | null, id: number) {
  const a = await readable(q, p, id);
  const round = await loadRound(q, a);
  const pr = progress(round.index, round.answers, evidenceCounts(round.evidence));
  return {
    status: a.status,
    domains: pr.domains,
    total: pr.total,
    evidence_coverage: pr.total.indicators ? pr.total.with_evidence / pr.total.indicators : 0,
    score_1072: scoreAssessment(round.index, round.answers),
    ministries: await ministries(q, a),
  };
}

export async function gcmObjectives(q: Queryable, p: Principal | null, id: number) {
  const a = await readable(q, p, id);
  const round = await loadRound(q, a);
  const gcm = await findVersion(q, 'gcm');
  return gcmView(round.index, gcm.document, round.answers, evidenceCounts(round.evidence));
}

export async function score(q: Queryable, p: Principal | null, id: number): Promise<AssessmentScore> {
  const a = await readable(q, p, id);
  const round = await loadRound(q, a);
  return scoreAssessment(round.index, round.answers);
}

export async function compare(q: Queryable, p: Principal | null, fromId: number, toId: number): Promise<RoundComparison & { from: object; to: object; score_1072: { from: AssessmentScore; to: AssessmentScore } }> {
  const a = await readable(q, p, fromId);
  const b = await readable(q, p, toId);
  const ra = await loadRound(q, a);
  const rb = await loadRound(q, b);
  if (ra.version.code !== rb.version.code) throw new AppError('gov_framework_mismatch', 400, { from: ra.version.code, to: rb.version.code });
  const result = compareRounds(ra, rb, await mappingsBetween(q, ra.version.id, rb.version.id), ra.version.id === rb.version.id);
  const brief = (r: LoadedRound) => ({ id: r.row.id, round_no: r.row.round_no, version_no: r.row.version_no, status: r.row.status, framework_version: r.version.version });
  return { from: brief(ra), to: brief(rb), ...result, score_1072: { from: scoreAssessment(ra.index, ra.answers), to: scoreAssessment(rb.index, rb.answers) } };
}

export async function history(q: Queryable, p: Principal | null, id: number) {
  await readable(q, p, id);
  const transitions = (await q.query('SELECT from_status, to_status, note, actor_label, at FROM gov_transitions WHERE assessment_id = $1 ORDER BY at, id', [id])).rows.map((r: any) => ({
    from: r.from_status as string | null,
    to: r.to_status as string,
    note: r.note as string | null,
    actor: r.actor_label as string,
    at: iso(r.at)!,
  }));
  const signoffs = (
    await q.query('SELECT s.agency_id, ag.code, s.cycle, s.decision, s.reason, s.user_label, s.at FROM gov_signoffs s JOIN agencies ag ON ag.id = s.agency_id WHERE s.assessment_id = $1 ORDER BY s.at, s.id', [id])
  ).rows.map((r: any) => ({ agency_id: Number(r.agency_id), agency_code: r.code as string, cycle: r.cycle as number, decision: r.decision as Decision, reason: r.reason as string | null, actor: r.user_label as string, at: iso(r.at)! }));
  return { transitions, signoffs, changes: await answerHistory(q, p, id) };
}
