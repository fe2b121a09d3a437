// Exercises in the database: design (objectives, targets, tasks, teams, personas, people,
// meetings), the MSEL and its import, and schedule shifts. Every write is audited in its
// own transaction.
import type pg from 'pg';
import type { Database, Queryable } from '../platform/db/database.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { AppError } from '../platform/http/errors.ts';
import { normalisePersian } from '../platform/text.ts';
import { readRows, ReadError, type HeaderInfo } from '../flows/read.ts';
import { mapHeader, checkRow, type MselProblem, type MselRow, type MselColumn, type Channel } from './msel.ts';
import { formatOffset } from './time.ts';

export const EXERCISE_TYPES = ['seminar', 'workshop', 'tabletop', 'game', 'drill', 'functional', 'full_scale'] as const;
export type ExerciseType = (typeof EXERCISE_TYPES)[number];
export const DISCUSSION_TYPES: ExerciseType[] = ['seminar', 'workshop', 'tabletop', 'game'];
export const ROLES = ['director', 'controller', 'simulator', 'evaluator', 'observer', 'actor', 'trusted_agent', 'player'] as const;
export type ExerciseRole = (typeof ROLES)[number];

/** Accepts "full-scale", "FSE", "TTX", "LIVEX" … as exercise types. */
export function parseExerciseType(s: string): ExerciseType | null {
  const v = s.trim().toLowerCase().replace(/[-\s]/g, '_');
  const alias: Record<string, ExerciseType> = { ttx: 'tabletop', fe: 'functional', fse: 'full_scale', livex: 'full_scale', fullscale: 'full_scale' };
  if ((EXERCISE_TYPES as readonly string[]).includes(v)) return v as ExerciseType;
  return alias[v] ?? null;
}

export interface ExerciseRow {
  id: number;
  code: string;
  type: ExerciseType;
  title: string;
  description: string | null;
  startex: Date;
  province_code: string | null;
  fmp_code: string | null;
  plan_title: string | null;
  plan_version: string | null;
  status: string;
  clock_state: 'not_started' | 'running' | 'paused' | 'ended';
  clock_scenario: Date | null;
  clock_wall: Date | null;
  created_at: Date;
}

export async function findExercise(q: Queryable, code: string): Promise<ExerciseRow> {
  const r = (await q.query<ExerciseRow>('SELECT * FROM exercises WHERE code = $1', [code])).rows[0];
  if (!r) throw new AppError('ex_unknown', 404, { code });
  return r;
}

export interface NewExercise {
  code: string;
  type: ExerciseType;
  title: string;
  startex: Date;
  description?: string | null;
  province_code?: string | null;
  fmp_code?: string | null;
  plan_title?: string | null;
  plan_version?: string | null;
  agencies?: string[]; // agency codes
}

export async function createExercise(c: pg.PoolClient, actor: Actor, e: NewExercise): Promise<number> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(e.code)) throw new AppError('ex_bad_code', 400, { code: e.code });
  if ((await c.query('SELECT 1 FROM exercises WHERE code = $1', [e.code])).rowCount) throw new AppError('ex_exists', 409, { code: e.code });
  if (e.fmp_code && !(await c.query('SELECT 1 FROM fmps WHERE code = $1', [e.fmp_code])).rowCount) throw new AppError('ex_unknown_fmp', 400, { code: e.fmp_code });
  if (e.province_code && !(await c.query('SELECT 1 FROM provinces WHERE code = $1', [e.province_code])).rowCount) throw new AppError('ex_unknown_province', 400, { code: e.province_code });
  const province = e.province_code ?? (e.fmp_code ? (await c.query('SELECT province_code FROM fmps WHERE code = $1', [e.fmp_code])).rows[0]?.province_code : null) ?? null;
  const { rows } = await c.query(
    `INSERT INTO exercises (code, type, title, description, startex, province_code, fmp_code, plan_title, plan_version, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
    [e.code, e.type, normalisePersian(e.title), e.description ?? null, e.startex, province, e.fmp_code ?? null, e.plan_title ?? null, e.plan_version ?? null, actor.userId],
  );
  const id = Number(rows[0].id);
  if (e.agencies?.length) await setAgencies(c, id, e.agencies);
  await audit(c, actor, 'exercise.create', 'exercise', e.code, { type: e.type, startex: e.startex.toISOString() });
  return id;
}

export async function setAgencies(c: Queryable, exerciseId: number, codes: string[]) {
  const { rows } = await c.query('SELECT id, code FROM agencies WHERE code = ANY($1::text[])', [codes]);
  const missing = codes.filter((x) => !rows.some((r: any) => r.code === x));
  if (missing.length) throw new AppError('ex_unknown_agency', 400, { code: missing.join(', ') });
  await c.query('DELETE FROM exercise_agencies WHERE exercise_id = $1', [exerciseId]);
  await c.query('INSERT INTO exercise_agencies (exercise_id, agency_id) SELECT $1, unnest($2::bigint[])', [exerciseId, rows.map((r: any) => r.id)]);
}

export async function agencyId(q: Queryable, code: string | null | undefined): Promise<number | null> {
  if (!code) return null;
  const r = (await q.query('SELECT id FROM agencies WHERE code = $1', [code])).rows[0];
  if (!r) throw new AppError('ex_unknown_agency', 400, { code });
  return Number(r.id);
}

export async function addTeam(c: Queryable, actor: Actor, ex: ExerciseRow, t: { code: string; name: string; agency?: string | null }) {
  const code = t.code.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(code)) throw new AppError('ex_bad_code', 400, { code: t.code });
  const aid = await agencyId(c, t.agency);
  const { rows } = await c.query(
    `INSERT INTO exercise_teams (exercise_id, code, name, agency_id) VALUES ($1,$2,$3,$4)
     ON CONFLICT (exercise_id, code) DO UPDATE SET name = EXCLUDED.name, agency_id = EXCLUDED.agency_id RETURNING id`,
    [ex.id, code, normalisePersian(t.name), aid],
  );
  if (aid) await c.query('INSERT INTO exercise_agencies (exercise_id, agency_id) VALUES ($1,$2) ON CONFLICT DO NOTHING', [ex.id, aid]);
  await audit(c, actor, 'exercise.team', 'exercise', ex.code, { team: code });
  return Number(rows[0].id);
}

export async function addObjective(c: Queryable, actor: Actor, ex: ExerciseRow, o: { code: string; text: string; capability: string }) {
  const { rows } = await c.query(
    `INSERT INTO exercise_objectives (exercise_id, code, text, capability) VALUES ($1,$2,$3,$4)
     ON CONFLICT (exercise_id, code) DO UPDATE SET text = EXCLUDED.text, capability = EXCLUDED.capability RETURNING id`,
    [ex.id, o.code.trim(), normalisePersian(o.text), normalisePersian(o.capability)],
  );
  await audit(c, actor, 'exercise.objective', 'exercise', ex.code, { objective: o.code });
  return Number(rows[0].id);
}

export async function addTarget(c: Queryable, actor: Actor, ex: ExerciseRow, t: { code: string; objective?: string | null; capability?: string | null; description: string; threshold?: string | null; time_limit_minutes?: number | null; tasks?: { code: string; description: string }[] }) {
  let objectiveId: number | null = null;
  let capability = t.capability ? normalisePersian(t.capability) : null;
  if (t.objective) {
    const o = (await c.query('SELECT id, capability FROM exercise_objectives WHERE exercise_id = $1 AND code = $2', [ex.id, t.objective])).rows[0];
    if (!o) throw new AppError('ex_unknown_objective', 400, { code: t.objective });
    objectiveId = Number(o.id);
    capability ??= o.capability;
  }
  if (!capability) throw new AppError('ex_capability_needed', 400);
  const { rows } = await c.query(
    `INSERT INTO exercise_targets (exercise_id, objective_id, code, capability, description, threshold, time_limit_minutes) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (exercise_id, code) DO UPDATE SET objective_id = EXCLUDED.objective_id, capability = EXCLUDED.capability, description = EXCLUDED.description,
       threshold = EXCLUDED.threshold, time_limit_minutes = EXCLUDED.time_limit_minutes RETURNING id`,
    [ex.id, objectiveId, t.code.trim(), capability, normalisePersian(t.description), t.threshold ?? null, t.time_limit_minutes ?? null],
  );
  const id = Number(rows[0].id);
  for (const task of t.tasks ?? []) {
    await c.query(
      `INSERT INTO exercise_critical_tasks (target_id, code, description) VALUES ($1,$2,$3) ON CONFLICT (target_id, code) DO UPDATE SET description = EXCLUDED.description`,
      [id, task.code.trim(), normalisePersian(task.description)],
    );
  }
  await audit(c, actor, 'exercise.target', 'exercise', ex.code, { target: t.code, tasks: (t.tasks ?? []).length });
  return id;
}

export async function addPersona(c: Queryable, actor: Actor, ex: ExerciseRow, p: { code: string; name: string; description?: string | null }) {
  const { rows } = await c.query(
    `INSERT INTO exercise_personas (exercise_id, code, name, description) VALUES ($1,$2,$3,$4)
     ON CONFLICT (exercise_id, code) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description RETURNING id`,
    [ex.id, p.code.trim(), normalisePersian(p.name), p.description ?? null],
  );
  await audit(c, actor, 'exercise.persona', 'exercise', ex.code, { persona: p.code });
  return Number(rows[0].id);
}

export async function addParticipant(
  c: Queryable,
  actor: Actor,
  ex: ExerciseRow,
  p: { role: ExerciseRole; username?: string | null; name?: string | null; agency?: string | null; team?: string | null; persona?: string | null },
) {
  let userId: string | null = null;
  let name = p.name ?? null;
  let agency = await agencyId(c, p.agency);
  if (p.username) {
    const u = (await c.query('SELECT id, display_name, agency_id FROM users WHERE lower(username) = lower($1)', [p.username])).rows[0];
    if (!u) throw new AppError('ex_unknown_user', 400, { username: p.username });
    userId = u.id;
    name ??= u.display_name;
    agency ??= u.agency_id == null ? null : Number(u.agency_id);
  }
  if (!name) throw new AppError('ex_name_needed', 400);
  let teamId: number | null = null;
  if (p.team) {
    const t = (await c.query('SELECT id, agency_id FROM exercise_teams WHERE exercise_id = $1 AND code = $2', [ex.id, p.team.toLowerCase()])).rows[0];
    if (!t) throw new AppError('ex_unknown_team', 400, { code: p.team });
    teamId = Number(t.id);
    agency ??= t.agency_id == null ? null : Number(t.agency_id);
  }
  if (p.role === 'player' && !teamId) throw new AppError('ex_player_team', 400);
  let personaId: number | null = null;
  if (p.persona) {
    const r = (await c.query('SELECT id FROM exercise_personas WHERE exercise_id = $1 AND code = $2', [ex.id, p.persona])).rows[0];
    if (!r) throw new AppError('ex_unknown_persona', 400, { code: p.persona });
    personaId = Number(r.id);
  }
  if (userId) await c.query('DELETE FROM exercise_participants WHERE exercise_id = $1 AND user_id = $2', [ex.id, userId]);
  const { rows } = await c.query(
    `INSERT INTO exercise_participants (exercise_id, user_id, name, role, agency_id, team_id, persona_id) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`,
    [ex.id, userId, normalisePersian(name), p.role, agency, teamId, personaId],
  );
  await audit(c, actor, 'exercise.participant', 'exercise', ex.code, { role: p.role, user: p.username ?? null, team: p.team ?? null });
  return Number(rows[0].id);
}

export async function addMeeting(c: Queryable, actor: Actor, ex: ExerciseRow, m: { kind: string; held_on: string; notes?: string | null; action_items?: { text: string; owner?: string | null; due_on?: string | null }[] }) {
  const { rows } = await c.query('INSERT INTO exercise_meetings (exercise_id, kind, held_on, notes) VALUES ($1,$2,$3,$4) RETURNING id', [ex.id, m.kind, m.held_on, m.notes ?? null]);
  const id = Number(rows[0].id);
  for (const a of m.action_items ?? []) {
    await c.query('INSERT INTO exercise_action_items (meeting_id, text, owner, due_on) VALUES ($1,$2,$3,$4)', [id, normalisePersian(a.text), a.owner ?? null, a.due_on ?? null]);
  }
  await audit(c, actor, 'exercise.meeting', 'exercise', ex.code, { kind: m.kind, held_on: m.held_on });
  return id;
}

// ---------------------------------------------------------------------------
// MSEL

export interface InjectView {
  id: number;
  number: string;
  offset: string;
  offset_seconds: number;
  scheduled_at: string;
  phase: string | null;
  from: string | null;
  to: string[];
  channel: Channel;
  subject: string;
  content: string;
  expected_action: string | null;
  objectives: string[];
  critical_tasks: string[];
  contingency: boolean;
  delivered_at: string | null;
  delivered_how: string | null;
}

const INJECT_SELECT = `SELECT i.id, i.number, i.offset_seconds, i.phase, i.from_persona, i.to_teams, i.channel, i.subject, i.content, i.expected_action,
  i.objectives, i.contingency, i.delivered_at, i.delivered_how, e.startex + make_interval(secs => i.offset_seconds) AS scheduled_at,
  ARRAY(SELECT k.code FROM exercise_critical_tasks k WHERE k.id = ANY(i.critical_tasks) ORDER BY k.code) AS critical_task_codes
  FROM exercise_injects i JOIN exercises e ON e.id = i.exercise_id`;

export function injectView(r: any): InjectView {
  return {
    id: Number(r.id),
    number: r.number,
    offset: formatOffset(Number(r.offset_seconds)),
    offset_seconds: Number(r.offset_seconds),
    scheduled_at: new Date(r.scheduled_at).toISOString(),
    phase: r.phase,
    from: r.from_persona,
    to: r.to_teams,
    channel: r.channel,
    subject: r.subject,
    content: r.content,
    expected_action: r.expected_action,
    objectives: r.objectives,
    critical_tasks: r.critical_task_codes ?? [],
    contingency: r.contingency,
    delivered_at: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
    delivered_how: r.delivered_how,
  };
}

/** Natural order of inject numbers within the same time (2 before 10). */
const numberCollator = new Intl.Collator('en', { numeric: true });

export async function listMsel(q: Queryable, exerciseId: number): Promise<InjectView[]> {
  const { rows } = await q.query(`${INJECT_SELECT} WHERE i.exercise_id = $1 ORDER BY i.offset_seconds, i.id`, [exerciseId]);
  return rows.map(injectView).sort((a, b) => a.offset_seconds - b.offset_seconds || numberCollator.compare(a.number, b.number));
}

export async function getInject(q: Queryable, exerciseId: number, number: string): Promise<InjectView> {
  const r = (await q.query(`${INJECT_SELECT} WHERE i.exercise_id = $1 AND i.number = $2`, [exerciseId, number])).rows[0];
  if (!r) throw new AppError('ex_unknown_inject', 404, { number });
  return injectView(r);
}

async function mselContext(q: Queryable, ex: ExerciseRow) {
  const teams = (await q.query('SELECT code FROM exercise_teams WHERE exercise_id = $1', [ex.id])).rows.map((r: any) => r.code);
  const objectives = (await q.query('SELECT code FROM exercise_objectives WHERE exercise_id = $1', [ex.id])).rows.map((r: any) => r.code);
  const numbers = (await q.query('SELECT number FROM exercise_injects WHERE exercise_id = $1', [ex.id])).rows.map((r: any) => r.number);
  return { startex: new Date(ex.startex), teams: new Set<string>(teams), objectives: new Set<string>(objectives), existingNumbers: new Set<string>(numbers) };
}

export interface InjectInput {
  number: string;
  time: string;
  phase?: string | null;
  from?: string | null;
  to: string[];
  channel: string;
  subject: string;
  content: string;
  expected_action?: string | null;
  objectives?: string[];
  critical_tasks?: string[]; // codes of the exercise's critical tasks
  contingency?: boolean;
}

async function insertInjects(c: Queryable, ex: ExerciseRow, rows: (MselRow & { contingency?: boolean; taskIds?: number[] })[]) {
  for (const r of rows) {
    await c.query(
      `INSERT INTO exercise_injects (exercise_id, number, offset_seconds, phase, from_persona, to_teams, channel, subject, content, expected_action, objectives, contingency, critical_tasks)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
      [ex.id, r.number, r.offsetSeconds, r.phase, r.from, r.to, r.channel, r.subject, r.content, r.expectedAction, r.objectives, r.contingency ?? false, r.taskIds ?? []],
    );
  }
}

/** Ids of the exercise's critical tasks by code (unknown codes refused). */
async function taskIds(c: Queryable, ex: ExerciseRow, codes: string[]): Promise<number[]> {
  if (!codes.length) return [];
  const { rows } = await c.query('SELECT k.id, k.code FROM exercise_critical_tasks k JOIN exercise_targets t ON t.id = k.target_id WHERE t.exercise_id = $1 AND k.code = ANY($2::text[])', [ex.id, codes]);
  const missing = codes.filter((x) => !rows.some((r: any) => r.code === x));
  if (missing.length) throw new AppError('ex_unknown_task', 400, { id: missing.join(', ') });
  return rows.map((r: any) => Number(r.id));
}

/** Adds one inject (checked like a sheet row). */
export async function addInject(c: pg.PoolClient, actor: Actor, ex: ExerciseRow, i: InjectInput): Promise<void> {
  const ctx = await mselContext(c, ex);
  const values: Record<string, string> = {
    number: i.number, time: i.time, phase: i.phase ?? '', from: i.from ?? '', to: i.to.join(','), channel: i.channel, subject: i.subject,
    content: i.content, expected_action: i.expected_action ?? '', objectives: (i.objectives ?? []).join(','),
  };
  const map = Object.fromEntries(Object.keys(values).map((k) => [k, k])) as Record<MselColumn, string>;
  const { row, problems } = checkRow(1, values, map, ctx, new Set());
  if (!row) throw new AppError('ex_inject_invalid', 400, { details: problems.map((p) => `${p.column}: ${p.message_en}`).join(' ') }, problems);
  await insertInjects(c, ex, [{ ...row, contingency: i.contingency, taskIds: await taskIds(c, ex, i.critical_tasks ?? []) }]);
  await audit(c, actor, 'exercise.inject.add', 'exercise', ex.code, { number: row.number });
}

export interface MselImportResult {
  ok: boolean;
  rows: number;
  added: number;
  problems: MselProblem[];
  header?: { missing: string[]; unknown: string[] };
}

/** Reads an MSEL sheet (CSV or XLSX) into an exercise: all rows or none. */
export async function importMsel(db: Database, actor: Actor, code: string, file: string, opts: { dryRun?: boolean; fileName?: string } = {}): Promise<MselImportResult> {
  const ex = await findExercise(db, code);
  const ctx = await mselContext(db, ex);
  let header: HeaderInfo | null = null;
  const rows: MselRow[] = [];
  const problems: MselProblem[] = [];
  const seen = new Set<string>();
  let map: Partial<Record<MselColumn, string>> | null = null;
  let count = 0;
  try {
    for await (const r of readRows(file, { onHeader: (h) => (header = h) })) {
      if (!map) {
        const m = mapHeader((header as HeaderInfo | null)?.columns ?? Object.keys(r.values));
        if (!m.ok) return { ok: false, rows: 0, added: 0, problems: [], header: { missing: m.missing, unknown: m.unknown } };
        map = m.map;
      }
      count++;
      const checked = checkRow(r.rowNumber, r.values, map, ctx, seen);
      problems.push(...checked.problems);
      if (checked.row) rows.push(checked.row);
    }
  } catch (e) {
    if (e instanceof ReadError) throw new AppError('ex_file', 400, { reason: e.message });
    throw e;
  }
  if (!map && header) {
    const m = mapHeader((header as HeaderInfo).columns);
    if (!m.ok) return { ok: false, rows: 0, added: 0, problems: [], header: { missing: m.missing, unknown: m.unknown } };
  }
  if (problems.length || opts.dryRun) return { ok: problems.length === 0, rows: count, added: 0, problems };
  await db.tx(async (c) => {
    await c.query('SELECT 1 FROM exercises WHERE id = $1 FOR UPDATE', [ex.id]);
    // Numbers added by someone else since the check are refused by the unique key.
    await insertInjects(c, ex, rows);
    await audit(c, actor, 'exercise.msel.import', 'exercise', ex.code, { file: opts.fileName ?? file, rows: rows.length });
  });
  return { ok: true, rows: count, added: rows.length, problems: [] };
}

/**
 * Moves injects by a number of seconds: all from a given inject number on (or the listed
 * ones). Their gaps stay the same; an inject already delivered is not moved.
 */
export async function shiftInjects(c: pg.PoolClient, actor: Actor, ex: ExerciseRow, s: { seconds: number; from_number?: string | null; numbers?: string[] | null }): Promise<number> {
  let where = 'exercise_id = $1 AND delivered_at IS NULL';
  const params: unknown[] = [ex.id, s.seconds];
  if (s.numbers?.length) {
    params.push(s.numbers);
    where += ` AND number = ANY($${params.length}::text[])`;
  } else if (s.from_number) {
    const r = (await c.query('SELECT offset_seconds FROM exercise_injects WHERE exercise_id = $1 AND number = $2', [ex.id, s.from_number])).rows[0];
    if (!r) throw new AppError('ex_unknown_inject', 404, { number: s.from_number });
    params.push(r.offset_seconds);
    where += ` AND offset_seconds >= $${params.length}`;
  }
  const { rowCount } = await c.query(`UPDATE exercise_injects SET offset_seconds = offset_seconds + $2 WHERE ${where}`, params).catch((e) => {
    if (e.code === '23514') throw new AppError('ex_shift_before_startex', 400);
    throw e;
  });
  await audit(c, actor, 'exercise.msel.shift', 'exercise', ex.code, { seconds: s.seconds, from: s.from_number ?? null, numbers: s.numbers ?? null, moved: rowCount });
  return rowCount ?? 0;
}

/** Moves STARTEX (the whole schedule moves with it, gaps kept). Only before play starts. */
export async function moveStartex(c: pg.PoolClient, actor: Actor, ex: ExerciseRow, startex: Date) {
  if (ex.clock_state !== 'not_started') throw new AppError('ex_clock_started', 409);
  await c.query('UPDATE exercises SET startex = $2 WHERE id = $1', [ex.id, startex]);
  await audit(c, actor, 'exercise.startex', 'exercise', ex.code, { from: new Date(ex.startex).toISOString(), to: startex.toISOString() });
}

// ---------------------------------------------------------------------------
// MSEL export (XLSX): the import's columns, times as D+N H+HH:MM, so a sheet goes back into
// another exercise unchanged (a scenario library). The EXERCISE mark is in the sheet's name,
// its print header and footer, and a second sheet.

const EXPORT_HEADERS = {
  en: ['number', 'time', 'phase', 'from', 'to', 'channel', 'subject', 'content', 'expected_action', 'objectives'],
  fa: ['شماره', 'زمان', 'مرحله', 'از', 'به', 'کانال', 'موضوع', 'محتوا', 'اقدام مورد انتظار', 'اهداف'],
};

export async function mselToXlsx(q: Queryable, ex: ExerciseRow, lang: 'en' | 'fa'): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const injects = await listMsel(q, ex.id);
  const wb = new ExcelJS.Workbook();
  const mark = lang === 'fa' ? 'تمرین — شبیه‌سازی، رویداد واقعی نیست' : 'EXERCISE — simulation, not a real event';
  const ws = wb.addWorksheet(lang === 'fa' ? 'تمرین MSEL' : 'EXERCISE MSEL', { views: [{ rightToLeft: lang === 'fa', state: 'frozen', ySplit: 1 }] });
  ws.headerFooter.oddHeader = `&C&"-,Bold"&KB42318${mark}`;
  ws.headerFooter.oddFooter = `&L${ex.code}&R&P / &N`;
  ws.addRow(EXPORT_HEADERS[lang]);
  ws.getRow(1).font = { bold: true };
  for (const i of injects) {
    ws.addRow([i.number, i.offset, i.phase ?? '', i.from ?? '', i.to.join(','), i.channel, i.subject, i.content, i.expected_action ?? '', i.objectives.join(',')]);
  }
  ws.columns.forEach((c, k) => (c.width = [8, 14, 14, 16, 14, 10, 30, 60, 30, 12][k]));
  const info = wb.addWorksheet(lang === 'fa' ? 'تمرین' : 'EXERCISE');
  info.addRow([mark]);
  info.addRow([ex.code, ex.title]);
  info.addRow(['STARTEX', new Date(ex.startex).toISOString()]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
