// Trainings and workshops: events, sessions, participants (personal data), attendance, pre/post
// knowledge tests, evaluations. Who may touch what is declared by the routes (routes.ts) and
// checked by the access mechanism (src/platform/auth/scope.ts) through the targets below: a
// training belongs to its province and agencies (one without a province to whoever made it), a
// participant to their province and agency. Lists filter with participantScope / trainingTarget.
import { z } from 'zod';
import type { Queryable } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';
import { covers, type Target } from '../platform/auth/scope.ts';
import { AppError } from '../platform/http/errors.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { normalisePersian } from '../platform/text.ts';

export const SEXES = ['male', 'female'] as const;
const gcm = z.number().int().min(1).max(23);
const isoDate = z.iso.date();

export const trainingInput = z.object({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).max(60),
  title_en: z.string().max(300).default(''),
  title_fa: z.string().max(300).default(''),
  topic: z.string().max(500).default(''),
  gcm_objectives: z.array(gcm).max(23).default([]),
  starts_on: isoDate.nullable().default(null),
  ends_on: isoDate.nullable().default(null),
  place: z.string().max(300).default(''),
  province_code: z.string().regex(/^IR-\d{2}$/).nullable().default(null),
  facilitators: z.array(z.string().min(1).max(200)).max(50).default([]),
  agency_codes: z.array(z.string()).max(50).default([]),
});
export type TrainingInput = z.infer<typeof trainingInput>;
// A change names only what changes (no defaults: a field left out keeps its value).
export const trainingPatch = z
  .object({
    title_en: z.string().max(300),
    title_fa: z.string().max(300),
    topic: z.string().max(500),
    gcm_objectives: z.array(gcm).max(23),
    starts_on: isoDate.nullable(),
    ends_on: isoDate.nullable(),
    place: z.string().max(300),
    province_code: z.string().regex(/^IR-\d{2}$/).nullable(),
    facilitators: z.array(z.string().min(1).max(200)).max(50),
    agency_codes: z.array(z.string()).max(50),
  })
  .partial();

/** A normalised name for matching one person: Persian letters, single spaces, no ZWNJ, lower case. */
export function nameKey(name: string): string {
  return normalisePersian(name, { asciiDigits: true }).replace(/\u200C/g, ' ').replace(/\s+/g, ' ').trim().toLocaleLowerCase('en');
}

/** Whether a text has Persian/Arabic letters (to file a title under title_fa). */
export const isPersian = (s: string) => /[\u0600-\u06FF]/.test(s);

/**
 * SQL condition: the participant row (columns `${alias}.province_code`, `${alias}.agency_id`) is
 * within the principal's scope for the permission. An assignment grants its provinces (all when
 * null) and, when it lists agencies, only those agencies. null principal = the command line.
 */
export function participantScope(p: Principal | null, permission: string, params: unknown[], alias = 'pp'): string {
  if (!p) return 'TRUE';
  const parts: string[] = [];
  for (const a of p.assignments) {
    if (!a.permissions.includes(permission)) continue;
    const c: string[] = [];
    if (a.provinces !== null) {
      params.push(a.provinces);
      c.push(`${alias}.province_code = ANY($${params.length}::text[])`);
    }
    if (a.agencyIds.length) {
      params.push(a.agencyIds);
      c.push(`${alias}.agency_id = ANY($${params.length}::bigint[])`);
    }
    if (!c.length) return 'TRUE';
    parts.push('(' + c.join(' AND ') + ')');
  }
  return parts.length ? '(' + parts.join(' OR ') + ')' : 'FALSE';
}

/** A participant lies in their province and belongs to their agency. */
export const participantTarget = (r: { id?: unknown; province_code: string; agency_id: unknown }): Target => ({
  provinces: [r.province_code],
  agencies: [Number(r.agency_id)],
  type: 'training_participant',
  id: r.id == null ? undefined : String(r.id),
});

/**
 * A training lies in its province and belongs to its agencies (any one of them; none: not
 * agency-owned); its creator owns it. One without a province is national for changes (its
 * creator's, or nationwide scope) and readable by every reader ('read').
 */
export function trainingTarget(t: { code: string; province_code: string | null; agency_ids: unknown[] | null; created_by?: string | null }, mode: 'read' | 'manage'): Target {
  return {
    provinces: t.province_code ? [t.province_code] : mode === 'read' ? [] : null,
    agencies: (t.agency_ids ?? []).map(Number),
    agencyMatch: 'any',
    owner: t.created_by ?? null,
    type: 'training',
    id: t.code,
  };
}

/** A training to read: its own target, and read granted to whoever may see one of its participants. */
export async function readableTraining(q: Queryable, p: Principal | null, t: { id: unknown; code: string; province_code: string | null; agency_ids: unknown[] | null; created_by?: string | null }): Promise<Target> {
  const target = trainingTarget(t, 'read');
  if (!p || covers(p, 'capacity.read', target)) return target;
  const params: unknown[] = [t.id];
  const scope = participantScope(p, 'capacity.read', params);
  const some = (await q.query(`SELECT 1 FROM training_participants pp WHERE pp.training_id = $1 AND ${scope} LIMIT 1`, params)).rowCount;
  return some ? { ...target, grants: ['capacity.read'] } : target;
}

/** The row trainingTarget needs, by code (null when there is none or the code is malformed). */
export async function trainingRow(q: Queryable, code: string | undefined) {
  if (!code || code.length > 60 || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(code)) return null;
  return ((await q.query('SELECT id, code, province_code, agency_ids, created_by FROM trainings WHERE code = $1', [code])).rows[0] ?? null) as
    | { id: string; code: string; province_code: string | null; agency_ids: string[]; created_by: string | null }
    | null;
}

/** The participants (of one training) with these ids, as targets; unknown ids are left out (the handler answers 404). */
export async function participantTargets(q: Queryable, code: string, ids: number[]): Promise<Target[]> {
  const safe = ids.filter((x) => Number.isSafeInteger(x) && x > 0);
  if (!safe.length) return [];
  const rows = (
    await q.query('SELECT pp.id, pp.province_code, pp.agency_id FROM training_participants pp JOIN trainings t ON t.id = pp.training_id WHERE t.code = $1 AND pp.id = ANY($2::bigint[])', [code, safe])
  ).rows;
  return rows.map(participantTarget);
}

/** Agency ids of known codes (unknown ones are reported by the service as a 400). */
export async function knownAgencyIds(q: Queryable, codes: string[]): Promise<number[]> {
  if (!codes.length) return [];
  return (await q.query('SELECT id FROM agencies WHERE code = ANY($1::text[])', [codes])).rows.map((r: any) => Number(r.id));
}

export async function agencyIdsByCode(q: Queryable, codes: string[]): Promise<number[]> {
  if (!codes.length) return [];
  const rows = (await q.query('SELECT id, code FROM agencies WHERE code = ANY($1::text[])', [codes])).rows;
  const missing = codes.filter((c) => !rows.some((r: any) => r.code === c));
  if (missing.length) throw new AppError('capacity_unknown_agency', 400, { value: missing.join(', ') }, { field: 'agency_codes' });
  return codes.map((c) => Number(rows.find((r: any) => r.code === c)!.id));
}

async function checkProvince(q: Queryable, code: string | null | undefined, field = 'province_code') {
  if (!code) return;
  if (!(await q.query('SELECT 1 FROM provinces WHERE code = $1', [code])).rowCount) throw new AppError('capacity_unknown_province', 400, { value: code }, { field });
}

const TRAINING_SELECT = `
  SELECT t.id, t.code, t.title_en, t.title_fa, t.topic, t.gcm_objectives, t.starts_on, t.ends_on, t.place, t.province_code, t.facilitators,
         coalesce((SELECT array_agg(a.code ORDER BY a.code) FROM agencies a WHERE a.id = ANY(t.agency_ids)), '{}') AS agency_codes,
         t.created_at, t.updated_at
    FROM trainings t`;

export async function findTraining(q: Queryable, code: string): Promise<any | null> {
  return (await q.query(`${TRAINING_SELECT} WHERE t.code = $1`, [code])).rows[0] ?? null;
}

export async function getTraining(q: Queryable, code: string): Promise<any> {
  const t = await findTraining(q, code);
  if (!t) throw new AppError('training_not_found', 404, { code });
  return t;
}

export async function createTraining(q: Queryable, actor: Actor, input: TrainingInput, createdBy: string | null): Promise<any> {
  if (!input.title_en && !input.title_fa) input = { ...input, title_en: input.code };
  if (input.starts_on && input.ends_on && input.ends_on < input.starts_on) throw new AppError('capacity_invalid_dates', 400, {}, { field: 'ends_on' });
  await checkProvince(q, input.province_code);
  const agencyIds = await agencyIdsByCode(q, input.agency_codes);
  if (await findTraining(q, input.code)) throw new AppError('training_exists', 409, { code: input.code });
  const id = Number(
    (
      await q.query(
        `INSERT INTO trainings (code, title_en, title_fa, topic, gcm_objectives, starts_on, ends_on, place, province_code, facilitators, agency_ids, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
        [input.code, normalisePersian(input.title_en), normalisePersian(input.title_fa), normalisePersian(input.topic), input.gcm_objectives, input.starts_on, input.ends_on, normalisePersian(input.place), input.province_code, input.facilitators.map((f) => normalisePersian(f)), agencyIds, createdBy],
      )
    ).rows[0].id,
  );
  await audit(q, actor, 'capacity.training.create', 'training', input.code, { id });
  return getTraining(q, input.code);
}

export async function updateTraining(q: Queryable, actor: Actor, code: string, patch: z.infer<typeof trainingPatch>): Promise<any> {
  const t = await getTraining(q, code);
  await checkProvince(q, patch.province_code);
  const sets: string[] = [];
  const params: unknown[] = [t.id];
  const set = (col: string, v: unknown) => {
    params.push(v);
    sets.push(`${col} = $${params.length}`);
  };
  for (const k of ['title_en', 'title_fa', 'topic', 'place'] as const) if (patch[k] !== undefined) set(k, normalisePersian(patch[k]!));
  for (const k of ['gcm_objectives', 'starts_on', 'ends_on', 'province_code'] as const) if (patch[k] !== undefined) set(k, patch[k]);
  if (patch.facilitators) set('facilitators', patch.facilitators.map((f) => normalisePersian(f)));
  if (patch.agency_codes) set('agency_ids', await agencyIdsByCode(q, patch.agency_codes));
  if (sets.length) {
    try {
      await q.query(`UPDATE trainings SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
    } catch (e: any) {
      if (e.code === '23514') throw new AppError('capacity_invalid_dates', 400, {}, { field: 'ends_on' });
      throw e;
    }
    await audit(q, actor, 'capacity.training.update', 'training', code, { fields: Object.keys(patch) });
  }
  return getTraining(q, code);
}

export async function listTrainings(q: Queryable, p: Principal | null) {
  const params: unknown[] = [];
  const scope = participantScope(p, 'capacity.read', params);
  const rows = (
    await q.query(
      `${TRAINING_SELECT.replace('FROM trainings t', `, t.agency_ids, t.created_by, (SELECT count(*) FROM training_participants pp WHERE pp.training_id = t.id AND ${scope}) AS participants FROM trainings t`)}
       ORDER BY coalesce(t.starts_on, t.created_at::date) DESC, t.code`,
      params,
    )
  ).rows;
  // The trainings the reader may open (the same rule as the route's declaration: readableTraining).
  return rows.filter((t: any) => !p || Number(t.participants) > 0 || covers(p, 'capacity.read', trainingTarget(t, 'read'))).map(({ agency_ids, created_by, ...t }: any) => t);
}

// ---------------------------------------------------------------- sessions and attendance

export const sessionsInput = z.array(z.object({ no: z.number().int().min(1).max(200), held_on: isoDate.nullable().default(null), title: z.string().max(300).default('') })).max(200);

export async function setSessions(q: Queryable, actor: Actor, code: string, sessions: z.infer<typeof sessionsInput>) {
  const t = await getTraining(q, code);
  const nos = sessions.map((s) => s.no);
  if (new Set(nos).size !== nos.length) throw new AppError('duplicate_session', 400, {}, { field: 'no' });
  await q.query('DELETE FROM training_sessions WHERE training_id = $1 AND NOT (no = ANY($2::int[]))', [t.id, nos]);
  for (const s of sessions) {
    await q.query(
      `INSERT INTO training_sessions (training_id, no, held_on, title) VALUES ($1,$2,$3,$4)
       ON CONFLICT (training_id, no) DO UPDATE SET held_on = EXCLUDED.held_on, title = EXCLUDED.title`,
      [t.id, s.no, s.held_on, normalisePersian(s.title)],
    );
  }
  await recountAttendance(q, t.id);
  await audit(q, actor, 'capacity.sessions.set', 'training', code, { sessions: nos });
  return sessionsOf(q, t.id);
}

export async function sessionsOf(q: Queryable, trainingId: number) {
  return (
    await q.query(
      `SELECT s.no, s.held_on, s.title, count(a.*) FILTER (WHERE a.present) AS present
         FROM training_sessions s LEFT JOIN training_attendance a ON a.session_id = s.id
        WHERE s.training_id = $1 GROUP BY s.id ORDER BY s.no`,
      [trainingId],
    )
  ).rows;
}

/** sessions_attended follows the attendance marks, for trainings whose attendance is recorded per session. */
async function recountAttendance(q: Queryable, trainingId: number) {
  await q.query(
    `UPDATE training_participants pp SET sessions_attended = x.n
       FROM (SELECT a.participant_id, count(*) FILTER (WHERE a.present) AS n
               FROM training_attendance a JOIN training_sessions s ON s.id = a.session_id
              WHERE s.training_id = $1 GROUP BY a.participant_id) x
      WHERE pp.id = x.participant_id AND pp.training_id = $1`,
    [trainingId],
  );
}

export const attendanceInput = z.object({ session_no: z.number().int().min(1), present: z.array(z.number().int()), absent: z.array(z.number().int()).default([]) });

export async function setAttendance(q: Queryable, actor: Actor, code: string, input: z.infer<typeof attendanceInput>) {
  const t = await getTraining(q, code);
  const s = (await q.query('SELECT id FROM training_sessions WHERE training_id = $1 AND no = $2', [t.id, input.session_no])).rows[0];
  if (!s) throw new AppError('session_not_found', 404, { no: input.session_no });
  const ids = [...input.present, ...input.absent];
  const rows = (await q.query('SELECT id FROM training_participants WHERE training_id = $1 AND id = ANY($2::bigint[])', [t.id, ids])).rows;
  for (const id of ids) if (!rows.some((x: any) => Number(x.id) === id)) throw new AppError('participant_not_found', 404, { id });
  for (const id of ids) {
    await q.query(
      `INSERT INTO training_attendance (session_id, participant_id, present) VALUES ($1,$2,$3)
       ON CONFLICT (session_id, participant_id) DO UPDATE SET present = EXCLUDED.present`,
      [s.id, id, input.present.includes(id)],
    );
  }
  await recountAttendance(q, t.id);
  await audit(q, actor, 'capacity.attendance.set', 'training', code, { session: input.session_no, present: input.present.length, absent: input.absent.length });
  return sessionsOf(q, t.id);
}

// ---------------------------------------------------------------- participants

export const participantInput = z.object({
  name: z.string().min(1).max(200),
  sex: z.enum(SEXES),
  agency_code: z.string().min(1),
  province_code: z.string().regex(/^IR-\d{2}$/),
  position: z.string().max(200).default(''),
  pre_score: z.number().min(0).max(100).nullable().default(null),
  post_score: z.number().min(0).max(100).nullable().default(null),
  sessions_attended: z.number().int().min(0).max(1000).nullable().default(null),
});

export const PARTICIPANT_COLUMNS = `pp.id, pp.name, pp.sex, a.code AS agency_code, a.name_en AS agency_en, a.name_fa AS agency_fa, pp.province_code,
  pp.position, pp.pre_score, pp.post_score, CASE WHEN pp.pre_score IS NOT NULL AND pp.post_score IS NOT NULL THEN pp.post_score - pp.pre_score END AS gain,
  pp.sessions_attended, pp.certificate_no`;

export async function listParticipants(q: Queryable, p: Principal | null, trainingId: number) {
  const params: unknown[] = [trainingId];
  const scope = participantScope(p, 'capacity.read', params);
  return (await q.query(`SELECT ${PARTICIPANT_COLUMNS} FROM training_participants pp JOIN agencies a ON a.id = pp.agency_id WHERE pp.training_id = $1 AND ${scope} ORDER BY pp.id`, params)).rows;
}

/** One participant of a training (the route's declaration has checked that the user may touch them). */
export async function getParticipant(q: Queryable, trainingId: number, id: number) {
  const r = (await q.query(`SELECT ${PARTICIPANT_COLUMNS} FROM training_participants pp JOIN agencies a ON a.id = pp.agency_id WHERE pp.training_id = $1 AND pp.id = $2`, [trainingId, id])).rows[0];
  if (!r) throw new AppError('participant_not_found', 404, { id });
  return r;
}

export async function addParticipant(q: Queryable, actor: Actor, code: string, input: z.infer<typeof participantInput>) {
  const t = await getTraining(q, code);
  await checkProvince(q, input.province_code);
  const [agencyId] = await agencyIdsByCode(q, [input.agency_code]);
  const name = normalisePersian(input.name);
  const r = (
    await q.query(
      `INSERT INTO training_participants (training_id, name, name_key, sex, agency_id, province_code, position, pre_score, post_score, sessions_attended)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (training_id, name_key, agency_id) DO NOTHING RETURNING id`,
      [t.id, name, nameKey(name), input.sex, agencyId, input.province_code, normalisePersian(input.position), input.pre_score, input.post_score, input.sessions_attended],
    )
  ).rows[0];
  if (!r) throw new AppError('participant_exists', 409, { name });
  await audit(q, actor, 'capacity.participant.add', 'training_participant', String(r.id), { training: code });
  return getParticipant(q, t.id, Number(r.id));
}

// ---------------------------------------------------------------- question bank and tests

export const questionsInput = z
  .array(
    z.object({
      no: z.number().int().min(1).max(500),
      text_en: z.string().max(2000).default(''),
      text_fa: z.string().max(2000).default(''),
      options: z.array(z.object({ en: z.string().max(500).default(''), fa: z.string().max(500).default('') })).min(2).max(10),
      correct: z.number().int().min(0),
      gcm_objective: gcm.nullable().default(null),
    }),
  )
  .max(500);

export async function setQuestions(q: Queryable, actor: Actor, code: string, questions: z.infer<typeof questionsInput>) {
  const t = await getTraining(q, code);
  for (const x of questions) {
    if (!x.text_en && !x.text_fa) throw new AppError('question_text_required', 400, { no: x.no }, { field: `questions.${x.no}.text_en` });
    if (x.correct >= x.options.length) throw new AppError('question_correct_out_of_range', 400, { no: x.no }, { field: `questions.${x.no}.correct` });
  }
  if (new Set(questions.map((x) => x.no)).size !== questions.length) throw new AppError('duplicate_question', 400, {}, { field: 'no' });
  await q.query('DELETE FROM training_questions WHERE training_id = $1', [t.id]);
  for (const x of questions) {
    await q.query('INSERT INTO training_questions (training_id, no, text_en, text_fa, options, correct, gcm_objective) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
      t.id, x.no, normalisePersian(x.text_en), normalisePersian(x.text_fa), JSON.stringify(x.options.map((o) => ({ en: normalisePersian(o.en), fa: normalisePersian(o.fa) }))), x.correct, x.gcm_objective,
    ]);
  }
  await audit(q, actor, 'capacity.questions.set', 'training', code, { questions: questions.length });
  return questionsOf(q, t.id);
}

export async function questionsOf(q: Queryable, trainingId: number) {
  return (await q.query('SELECT no, text_en, text_fa, options, correct, gcm_objective FROM training_questions WHERE training_id = $1 ORDER BY no', [trainingId])).rows;
}

/** Percentage of the bank's questions answered correctly (unanswered = wrong), to two decimals. */
export function scoreAnswers(bank: { no: number; correct: number }[], answers: Record<string, number>): number {
  if (!bank.length) return 0;
  const right = bank.filter((b) => answers[String(b.no)] === b.correct).length;
  return Math.round((right / bank.length) * 10000) / 100;
}

export const testInput = z.object({ participant_id: z.number().int(), kind: z.enum(['pre', 'post']), answers: z.record(z.string().regex(/^\d+$/), z.number().int().min(0)) });

export async function recordTest(q: Queryable, actor: Actor, code: string, input: z.infer<typeof testInput>) {
  const t = await getTraining(q, code);
  const bank = await questionsOf(q, t.id);
  if (!bank.length) throw new AppError('no_questions', 400, {}, { field: 'answers' });
  const unknown = Object.keys(input.answers).filter((k) => !bank.some((b: any) => String(b.no) === k));
  if (unknown.length) throw new AppError('unknown_question', 400, { no: unknown.join(', ') }, { field: 'answers' });
  await getParticipant(q, t.id, input.participant_id);
  const score = scoreAnswers(bank, input.answers);
  await q.query(
    `INSERT INTO training_test_answers (participant_id, kind, answers, score) VALUES ($1,$2,$3,$4)
     ON CONFLICT (participant_id, kind) DO UPDATE SET answers = EXCLUDED.answers, score = EXCLUDED.score, taken_at = now()`,
    [input.participant_id, input.kind, JSON.stringify(input.answers), score],
  );
  await q.query(`UPDATE training_participants SET ${input.kind === 'pre' ? 'pre_score' : 'post_score'} = $2 WHERE id = $1`, [input.participant_id, score]);
  await audit(q, actor, 'capacity.test.record', 'training_participant', String(input.participant_id), { training: code, kind: input.kind, score });
  return { participant_id: input.participant_id, kind: input.kind, score };
}

// ---------------------------------------------------------------- evaluations

export const evaluationInput = z.object({
  participant_id: z.number().int().nullable().default(null),
  relevance: z.number().int().min(1).max(5),
  content: z.number().int().min(1).max(5),
  facilitation: z.number().int().min(1).max(5),
  organisation: z.number().int().min(1).max(5),
  comment: z.string().max(4000).default(''),
});

export async function addEvaluation(q: Queryable, actor: Actor, code: string, input: z.infer<typeof evaluationInput>) {
  const t = await getTraining(q, code);
  if (input.participant_id != null) await getParticipant(q, t.id, input.participant_id);
  const id = Number(
    (
      await q.query('INSERT INTO training_evaluations (training_id, participant_id, relevance, content, facilitation, organisation, comment) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id', [
        t.id, input.participant_id, input.relevance, input.content, input.facilitation, input.organisation, normalisePersian(input.comment),
      ])
    ).rows[0].id,
  );
  await audit(q, actor, 'capacity.evaluation.add', 'training', code, { id });
  return { id };
}

const avg = (v: unknown) => (v == null ? null : Math.round(Number(v) * 100) / 100);

/** The figures of one training within the reader's scope: participants by sex and agency, scores, evaluations. */
export async function trainingStats(q: Queryable, p: Principal | null, trainingId: number) {
  const params: unknown[] = [trainingId];
  const scope = participantScope(p, 'capacity.read', params);
  const s = (
    await q.query(
      `SELECT count(*) AS participants, count(*) FILTER (WHERE sex = 'male') AS male, count(*) FILTER (WHERE sex = 'female') AS female,
              avg(pre_score) AS pre, avg(post_score) AS post, avg(post_score - pre_score) AS gain
         FROM training_participants pp WHERE pp.training_id = $1 AND ${scope}`,
      params,
    )
  ).rows[0];
  const byAgency = (
    await q.query(
      `SELECT a.code AS agency_code, a.name_en, a.name_fa, count(*) AS participants, count(*) FILTER (WHERE sex = 'male') AS male, count(*) FILTER (WHERE sex = 'female') AS female
         FROM training_participants pp JOIN agencies a ON a.id = pp.agency_id WHERE pp.training_id = $1 AND ${scope}
        GROUP BY a.id ORDER BY count(*) DESC, a.code`,
      params,
    )
  ).rows;
  const e = (
    await q.query(
      'SELECT count(*) AS forms, avg(relevance) AS relevance, avg(content) AS content, avg(facilitation) AS facilitation, avg(organisation) AS organisation FROM training_evaluations WHERE training_id = $1',
      [trainingId],
    )
  ).rows[0];
  return {
    participants: s.participants,
    participants_by_sex: { male: s.male, female: s.female },
    by_agency: byAgency,
    scores: { pre_average: avg(s.pre), post_average: avg(s.post), gain_average: avg(s.gain) },
    evaluations: { forms: e.forms, relevance: avg(e.relevance), content: avg(e.content), facilitation: avg(e.facilitation), organisation: avg(e.organisation) },
  };
}

/**
 * Officials trained in a province (participants whose province it is) in trainings dated within
 * [from, to] (a training's date: its start, else the day it was entered). Aggregates only.
 * participants = distinct people (same normalised name and agency), participations = rows.
 */
export async function provinceTrainingFigures(q: Queryable, province: string, from: string | null, to: string | null) {
  const params: unknown[] = [province];
  let period = '';
  if (from) (params.push(from), (period += ` AND coalesce(t.starts_on, t.created_at::date) >= $${params.length}::date`));
  if (to) (params.push(to), (period += ` AND coalesce(t.starts_on, t.created_at::date) <= $${params.length}::date`));
  const base = `FROM training_participants pp JOIN trainings t ON t.id = pp.training_id WHERE pp.province_code = $1${period}`;
  const s = (
    await q.query(
      `SELECT count(DISTINCT (pp.name_key, pp.agency_id)) AS participants, count(*) AS participations, count(DISTINCT pp.training_id) AS trainings,
              count(DISTINCT (pp.name_key, pp.agency_id)) FILTER (WHERE pp.sex = 'male') AS male,
              count(DISTINCT (pp.name_key, pp.agency_id)) FILTER (WHERE pp.sex = 'female') AS female ${base}`,
      params,
    )
  ).rows[0];
  const byAgency = (
    await q.query(
      `SELECT a.code AS agency_code, a.name_en, a.name_fa, count(DISTINCT pp.name_key) AS participants,
              count(DISTINCT pp.name_key) FILTER (WHERE pp.sex = 'male') AS male, count(DISTINCT pp.name_key) FILTER (WHERE pp.sex = 'female') AS female
         ${base.replace('WHERE', 'JOIN agencies a ON a.id = pp.agency_id WHERE')} GROUP BY a.id ORDER BY count(DISTINCT pp.name_key) DESC, a.code`,
      params,
    )
  ).rows;
  const list = (
    await q.query(
      `SELECT t.code, t.title_en, t.title_fa, t.starts_on, t.gcm_objectives, count(*) AS participants ${base} GROUP BY t.id ORDER BY coalesce(t.starts_on, t.created_at::date) DESC, t.code`,
      params,
    )
  ).rows;
  return { participants: s.participants, participants_by_sex: { male: s.male, female: s.female }, participations: s.participations, trainings: s.trainings, by_agency: byAgency, list };
}
