// Coordination structures — the country's UN Network on Migration, inter-ministerial
// committees, working groups — national or provincial: members (agencies, focal persons),
// meetings (agenda, minutes, attendance) and action items (owner, due date, status, linked
// GCM objectives and indicators), with a workplan that highlights overdue items.
import type { Database, Queryable } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { requirePermission, scopeOf, provinceFilter, can, type Principal } from '../platform/auth/access.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { normalisePersian } from '../platform/text.ts';
import { todayIso } from '../platform/calendar.ts';
import { isOverdue, daysUntil, type ActionStatus } from './analysis.ts';

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());
const num = (v: unknown) => (v == null ? null : Number(v));
const clean = (s: string | null | undefined) => (s == null ? s : s.split('\n').map((l) => normalisePersian(l)).join('\n').trim());

export interface StructureInput {
  kind: 'un_network' | 'interministerial' | 'working_group' | 'other';
  level: 'national' | 'provincial';
  province_code?: string | null;
  name_en?: string;
  name_fa?: string;
  description?: string;
  terms_of_reference?: string;
}

const provinceOfStructure = (s: { level: string; province_code: string | null }) => (s.level === 'national' ? null : s.province_code);

async function structureRow(q: Queryable, id: number, lock = false) {
  const r = (await q.query(`SELECT * FROM gov_coord_structures WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])).rows[0];
  if (!r) throw notFound();
  return r;
}

async function readableStructure(q: Queryable, p: Principal | null, id: number) {
  if (!p) throw new AppError('unauthenticated', 401);
  const s = await structureRow(q, id);
  requirePermission(p, 'governance.read', provinceOfStructure(s));
  return s;
}

async function manageable(q: Queryable, p: Principal | null, id: number) {
  if (!p) throw new AppError('unauthenticated', 401);
  const s = await structureRow(q, id, true);
  requirePermission(p, 'governance.manage', provinceOfStructure(s));
  return s;
}

const toStructure = (r: any) => ({
  id: Number(r.id),
  kind: r.kind,
  level: r.level,
  province_code: r.province_code,
  name_en: r.name_en,
  name_fa: r.name_fa,
  description: r.description,
  terms_of_reference: r.terms_of_reference,
  created_at: iso(r.created_at)!,
});

export async function listStructures(q: Queryable, p: Principal | null, today = todayIso()) {
  if (!p) throw new AppError('unauthenticated', 401);
  requirePermission(p, 'governance.read');
  const params: unknown[] = [today];
  const rows = await q.query(
    `SELECT s.*,
            (SELECT count(*) FROM gov_coord_members m WHERE m.structure_id = s.id AND m.active) AS members,
            (SELECT count(*) FROM gov_coord_meetings m WHERE m.structure_id = s.id) AS meetings,
            (SELECT count(*) FROM gov_action_items a WHERE a.structure_id = s.id AND a.status IN ('open', 'in_progress')) AS open_actions,
            (SELECT count(*) FROM gov_action_items a WHERE a.structure_id = s.id AND a.status IN ('open', 'in_progress') AND a.due_on < $1::date) AS overdue_actions
       FROM gov_coord_structures s
      WHERE (s.province_code IS NULL OR ${provinceFilter(scopeOf(p, 'governance.read'), 's.province_code', params)})
      ORDER BY s.level, s.id`,
    params,
  );
  return rows.rows.map((r: any) => ({ ...toStructure(r), members: Number(r.members), meetings: Number(r.meetings), open_actions: Number(r.open_actions), overdue_actions: Number(r.overdue_actions) }));
}

export async function createStructure(db: Database, p: Principal | null, actor: Actor, input: StructureInput): Promise<number> {
  if (!p) throw new AppError('unauthenticated', 401);
  const province = input.level === 'provincial' ? input.province_code ?? null : null;
  if (input.level === 'provincial' && !province) throw new AppError('gov_province_required', 400);
  if (!(input.name_en?.trim() || input.name_fa?.trim())) throw new AppError('gov_title_required', 400);
  requirePermission(p, 'governance.manage', province);
  return db.tx(async (c) => {
    if (province && !(await c.query('SELECT 1 FROM provinces WHERE code = $1', [province])).rowCount) throw new AppError('unknown_province', 400, { code: province });
    const r = (
      await c.query(
        `INSERT INTO gov_coord_structures (kind, level, province_code, name_en, name_fa, description, terms_of_reference, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
        [input.kind, input.level, province, clean(input.name_en) ?? '', clean(input.name_fa) ?? '', clean(input.description) ?? '', clean(input.terms_of_reference) ?? '', p.id],
      )
    ).rows[0];
    await audit(c, actor, 'governance.coordination.create', 'gov_coord_structure', String(r.id), input);
    return Number(r.id);
  });
}

export async function updateStructure(db: Database, p: Principal | null, actor: Actor, id: number, patch: Partial<Omit<StructureInput, 'level' | 'province_code'>>) {
  await db.tx(async (c) => {
    const s = await manageable(c, p, id);
    const name_en = patch.name_en !== undefined ? clean(patch.name_en)! : s.name_en;
    const name_fa = patch.name_fa !== undefined ? clean(patch.name_fa)! : s.name_fa;
    if (!name_en && !name_fa) throw new AppError('gov_title_required', 400);
    await c.query('UPDATE gov_coord_structures SET kind = $2, name_en = $3, name_fa = $4, description = $5, terms_of_reference = $6 WHERE id = $1', [
      id,
      patch.kind ?? s.kind,
      name_en,
      name_fa,
      patch.description !== undefined ? clean(patch.description) : s.description,
      patch.terms_of_reference !== undefined ? clean(patch.terms_of_reference) : s.terms_of_reference,
    ]);
    await audit(c, actor, 'governance.coordination.update', 'gov_coord_structure', String(id), patch);
  });
}

export interface MemberInput {
  agency_id?: number | null;
  person_name?: string;
  position?: string;
  email?: string | null;
  phone?: string | null;
  focal_person?: boolean;
  role?: 'chair' | 'co_chair' | 'secretariat' | 'member' | 'observer';
  active?: boolean;
}

const toMember = (r: any) => ({
  id: Number(r.id),
  agency_id: num(r.agency_id),
  agency_code: r.agency_code ?? null,
  agency_en: r.agency_en ?? null,
  agency_fa: r.agency_fa ?? null,
  person_name: r.person_name,
  position: r.position,
  email: r.email,
  phone: r.phone,
  focal_person: r.focal_person,
  role: r.role,
  active: r.active,
});

async function checkAgency(q: Queryable, id: number | null | undefined) {
  if (id != null && !(await q.query('SELECT 1 FROM agencies WHERE id = $1', [id])).rowCount) throw new AppError('unknown_agency', 400, { id });
}

export async function addMember(db: Database, p: Principal | null, actor: Actor, id: number, m: MemberInput): Promise<number> {
  if (m.agency_id == null && !m.person_name?.trim()) throw new AppError('gov_member_needs_name', 400);
  return db.tx(async (c) => {
    await manageable(c, p, id);
    await checkAgency(c, m.agency_id);
    const r = (
      await c.query(
        `INSERT INTO gov_coord_members (structure_id, agency_id, person_name, position, email, phone, focal_person, role, active) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
        [id, m.agency_id ?? null, clean(m.person_name) ?? '', clean(m.position) ?? '', m.email || null, m.phone || null, m.focal_person ?? false, m.role ?? 'member', m.active ?? true],
      )
    ).rows[0];
    await audit(c, actor, 'governance.coordination.member.add', 'gov_coord_structure', String(id), { member_id: Number(r.id), ...m });
    return Number(r.id);
  });
}

export async function updateMember(db: Database, p: Principal | null, actor: Actor, id: number, memberId: number, m: MemberInput) {
  await db.tx(async (c) => {
    await manageable(c, p, id);
    await checkAgency(c, m.agency_id);
    const cur = (await c.query('SELECT * FROM gov_coord_members WHERE id = $1 AND structure_id = $2', [memberId, id])).rows[0];
    if (!cur) throw notFound();
    const next = {
      agency_id: m.agency_id !== undefined ? m.agency_id : cur.agency_id,
      person_name: m.person_name !== undefined ? clean(m.person_name) : cur.person_name,
    };
    if (next.agency_id == null && !next.person_name) throw new AppError('gov_member_needs_name', 400);
    await c.query(
      `UPDATE gov_coord_members SET agency_id = $3, person_name = $4, position = $5, email = $6, phone = $7, focal_person = $8, role = $9, active = $10 WHERE id = $1 AND structure_id = $2`,
      [
        memberId, id, next.agency_id, next.person_name,
        m.position !== undefined ? clean(m.position) : cur.position,
        m.email !== undefined ? m.email || null : cur.email,
        m.phone !== undefined ? m.phone || null : cur.phone,
        m.focal_person ?? cur.focal_person, m.role ?? cur.role, m.active ?? cur.active,
      ],
    );
    await audit(c, actor, 'governance.coordination.member.update', 'gov_coord_structure', String(id), { member_id: memberId, ...m });
  });
}

export interface MeetingInput {
  held_on: string;
  title?: string;
  location?: string;
  agenda?: string;
  minutes?: string;
  attendance?: { member_id: number; present: boolean }[];
}

async function setAttendance(c: Queryable, structureId: number, meetingId: number, list: { member_id: number; present: boolean }[]) {
  await c.query('DELETE FROM gov_coord_attendance WHERE meeting_id = $1', [meetingId]);
  for (const a of list) {
    if (!(await c.query('SELECT 1 FROM gov_coord_members WHERE id = $1 AND structure_id = $2', [a.member_id, structureId])).rowCount) throw new AppError('gov_unknown_member', 400, { id: a.member_id });
    await c.query('INSERT INTO gov_coord_attendance (meeting_id, member_id, present) VALUES ($1,$2,$3) ON CONFLICT (meeting_id, member_id) DO UPDATE SET present = EXCLUDED.present', [meetingId, a.member_id, a.present]);
  }
}

export async function addMeeting(db: Database, p: Principal | null, actor: Actor, id: number, m: MeetingInput): Promise<number> {
  return db.tx(async (c) => {
    await manageable(c, p, id);
    const r = (
      await c.query(`INSERT INTO gov_coord_meetings (structure_id, held_on, title, location, agenda, minutes, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, [
        id, m.held_on, clean(m.title) ?? '', clean(m.location) ?? '', clean(m.agenda) ?? '', clean(m.minutes) ?? '', p!.id,
      ])
    ).rows[0];
    if (m.attendance) await setAttendance(c, id, Number(r.id), m.attendance);
    await audit(c, actor, 'governance.coordination.meeting.add', 'gov_coord_structure', String(id), { meeting_id: Number(r.id), held_on: m.held_on, title: m.title });
    return Number(r.id);
  });
}

export async function updateMeeting(db: Database, p: Principal | null, actor: Actor, id: number, meetingId: number, m: Partial<MeetingInput>) {
  await db.tx(async (c) => {
    await manageable(c, p, id);
    const cur = (await c.query('SELECT * FROM gov_coord_meetings WHERE id = $1 AND structure_id = $2', [meetingId, id])).rows[0];
    if (!cur) throw notFound();
    await c.query('UPDATE gov_coord_meetings SET held_on = $2, title = $3, location = $4, agenda = $5, minutes = $6 WHERE id = $1', [
      meetingId,
      m.held_on ?? cur.held_on,
      m.title !== undefined ? clean(m.title) : cur.title,
      m.location !== undefined ? clean(m.location) : cur.location,
      m.agenda !== undefined ? clean(m.agenda) : cur.agenda,
      m.minutes !== undefined ? clean(m.minutes) : cur.minutes,
    ]);
    if (m.attendance) await setAttendance(c, id, meetingId, m.attendance);
    await audit(c, actor, 'governance.coordination.meeting.update', 'gov_coord_structure', String(id), { meeting_id: meetingId, fields: Object.keys(m) });
  });
}

export interface ActionInput {
  title: string;
  description?: string;
  meeting_id?: number | null;
  owner_agency_id?: number | null;
  owner_member_id?: number | null;
  due_on?: string | null;
  status?: ActionStatus;
  gcm_objectives?: number[];
  indicators?: string[];
}

async function checkActionRefs(c: Queryable, structureId: number, a: Partial<ActionInput>) {
  await checkAgency(c, a.owner_agency_id);
  if (a.owner_member_id != null && !(await c.query('SELECT 1 FROM gov_coord_members WHERE id = $1 AND structure_id = $2', [a.owner_member_id, structureId])).rowCount) {
    throw new AppError('gov_unknown_member', 400, { id: a.owner_member_id });
  }
  if (a.meeting_id != null && !(await c.query('SELECT 1 FROM gov_coord_meetings WHERE id = $1 AND structure_id = $2', [a.meeting_id, structureId])).rowCount) throw notFound();
  for (const ref of a.indicators ?? []) {
    const [fw, code] = ref.split(':');
    const found = await c.query(
      `SELECT 1 FROM gov_nodes n JOIN gov_framework_versions v ON v.id = n.version_id JOIN gov_frameworks f ON f.id = v.framework_id WHERE f.code = $1 AND n.code = $2 LIMIT 1`,
      [fw, code],
    );
    if (!found.rowCount) throw new AppError('gov_unknown_indicator', 400, { code: ref });
  }
}

export async function addAction(db: Database, p: Principal | null, actor: Actor, id: number, a: ActionInput): Promise<number> {
  return db.tx(async (c) => {
    await manageable(c, p, id);
    await checkActionRefs(c, id, a);
    const status = a.status ?? 'open';
    const r = (
      await c.query(
        `INSERT INTO gov_action_items (structure_id, meeting_id, title, description, owner_agency_id, owner_member_id, due_on, status, completed_on, gcm_objectives, indicators, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8, CASE WHEN $8 = 'done' THEN CURRENT_DATE END, $9,$10,$11) RETURNING id`,
        [id, a.meeting_id ?? null, clean(a.title), clean(a.description) ?? '', a.owner_agency_id ?? null, a.owner_member_id ?? null, a.due_on ?? null, status, [...new Set(a.gcm_objectives ?? [])].sort((x, y) => x - y), [...new Set(a.indicators ?? [])], p!.id],
      )
    ).rows[0];
    await audit(c, actor, 'governance.coordination.action.add', 'gov_coord_structure', String(id), { action_id: Number(r.id), ...a });
    return Number(r.id);
  });
}

/** Changes an action item: managers change anything; editors (e.g. the owning focal point) change its status. */
export async function updateAction(db: Database, p: Principal | null, actor: Actor, id: number, actionId: number, a: Partial<ActionInput>) {
  if (!p) throw new AppError('unauthenticated', 401);
  await db.tx(async (c) => {
    const s = await structureRow(c, id, true);
    const prov = provinceOfStructure(s);
    const statusOnly = Object.keys(a).every((k) => k === 'status');
    if (!(can(p, 'governance.manage', prov) || (statusOnly && can(p, 'governance.edit', prov)))) throw new AppError('forbidden', 403);
    const cur = (await c.query('SELECT * FROM gov_action_items WHERE id = $1 AND structure_id = $2', [actionId, id])).rows[0];
    if (!cur) throw notFound();
    await checkActionRefs(c, id, a);
    const status = a.status ?? cur.status;
    await c.query(
      `UPDATE gov_action_items SET title = $2, description = $3, meeting_id = $4, owner_agency_id = $5, owner_member_id = $6, due_on = $7, status = $8,
              completed_on = CASE WHEN $8 = 'done' THEN COALESCE(completed_on, CURRENT_DATE) ELSE NULL END,
              gcm_objectives = $9, indicators = $10, updated_at = now()
        WHERE id = $1`,
      [
        actionId,
        a.title !== undefined ? clean(a.title) : cur.title,
        a.description !== undefined ? clean(a.description) : cur.description,
        a.meeting_id !== undefined ? a.meeting_id : cur.meeting_id,
        a.owner_agency_id !== undefined ? a.owner_agency_id : cur.owner_agency_id,
        a.owner_member_id !== undefined ? a.owner_member_id : cur.owner_member_id,
        a.due_on !== undefined ? a.due_on : cur.due_on,
        status,
        a.gcm_objectives ? [...new Set(a.gcm_objectives)].sort((x, y) => x - y) : cur.gcm_objectives,
        a.indicators ? [...new Set(a.indicators)] : cur.indicators,
      ],
    );
    await audit(c, actor, 'governance.coordination.action.update', 'gov_coord_structure', String(id), { action_id: actionId, ...a });
  });
}

const ACTION_SQL = `SELECT a.*, ag.code AS owner_agency_code, ag.name_en AS owner_agency_en, ag.name_fa AS owner_agency_fa,
                           m.person_name AS owner_person, s.name_en AS structure_en, s.name_fa AS structure_fa
                      FROM gov_action_items a LEFT JOIN agencies ag ON ag.id = a.owner_agency_id
                      LEFT JOIN gov_coord_members m ON m.id = a.owner_member_id
                      JOIN gov_coord_structures s ON s.id = a.structure_id`;

function toAction(r: any, today: string) {
  return {
    id: Number(r.id),
    structure_id: Number(r.structure_id),
    structure_en: r.structure_en,
    structure_fa: r.structure_fa,
    meeting_id: num(r.meeting_id),
    title: r.title,
    description: r.description,
    owner_agency_id: num(r.owner_agency_id),
    owner_agency_code: r.owner_agency_code,
    owner_agency_en: r.owner_agency_en,
    owner_agency_fa: r.owner_agency_fa,
    owner_member_id: num(r.owner_member_id),
    owner_person: r.owner_person,
    due_on: r.due_on as string | null,
    status: r.status as ActionStatus,
    completed_on: r.completed_on as string | null,
    gcm_objectives: (r.gcm_objectives ?? []).map(Number),
    indicators: r.indicators ?? [],
    overdue: isOverdue({ status: r.status, due_on: r.due_on }, today),
    days_left: r.status === 'open' || r.status === 'in_progress' ? daysUntil(r.due_on, today) : null,
  };
}

export async function structureDetail(q: Queryable, p: Principal | null, id: number, today = todayIso()) {
  const s = await readableStructure(q, p, id);
  const members = (
    await q.query(
      `SELECT m.*, ag.code AS agency_code, ag.name_en AS agency_en, ag.name_fa AS agency_fa FROM gov_coord_members m LEFT JOIN agencies ag ON ag.id = m.agency_id WHERE m.structure_id = $1 ORDER BY m.active DESC, m.id`,
      [id],
    )
  ).rows.map(toMember);
  const meetings = (await q.query('SELECT * FROM gov_coord_meetings WHERE structure_id = $1 ORDER BY held_on DESC, id DESC', [id])).rows;
  const attendance = (await q.query('SELECT a.meeting_id, a.member_id, a.present FROM gov_coord_attendance a JOIN gov_coord_meetings m ON m.id = a.meeting_id WHERE m.structure_id = $1', [id])).rows;
  const actions = (await q.query(ACTION_SQL + ' WHERE a.structure_id = $1 ORDER BY a.due_on NULLS LAST, a.id', [id])).rows.map((r: any) => toAction(r, today));
  return {
    structure: toStructure(s),
    members,
    meetings: meetings.map((m: any) => ({
      id: Number(m.id),
      held_on: m.held_on as string,
      title: m.title,
      location: m.location,
      agenda: m.agenda,
      minutes: m.minutes,
      attendance: attendance.filter((a: any) => Number(a.meeting_id) === Number(m.id)).map((a: any) => ({ member_id: Number(a.member_id), present: a.present })),
    })),
    actions,
    can_manage: can(p, 'governance.manage', provinceOfStructure(s)),
  };
}

/**
 * The workplan: action items of one structure (or of all the user may read), by due date, with
 * overdue ones flagged and counted. `today` is the Tehran date unless given.
 */
export async function workplan(q: Queryable, p: Principal | null, structureId: number | null, today = todayIso(), filter: { gcm?: number; status?: string } = {}) {
  if (!p) throw new AppError('unauthenticated', 401);
  const params: unknown[] = [];
  const where: string[] = [];
  if (structureId !== null) {
    await readableStructure(q, p, structureId);
    params.push(structureId);
    where.push(`a.structure_id = $${params.length}`);
  } else {
    requirePermission(p, 'governance.read');
    where.push(`(s.province_code IS NULL OR ${provinceFilter(scopeOf(p, 'governance.read'), 's.province_code', params)})`);
  }
  if (filter.gcm) {
    params.push(filter.gcm);
    where.push(`$${params.length} = ANY(a.gcm_objectives)`);
  }
  if (filter.status) {
    params.push(filter.status);
    where.push(`a.status = $${params.length}`);
  }
  const items = (await q.query(ACTION_SQL + ` WHERE ${where.join(' AND ')} ORDER BY a.due_on NULLS LAST, a.id`, params)).rows.map((r: any) => toAction(r, today));
  const overdue = items.filter((i) => i.overdue);
  const byStatus: Record<string, number> = { open: 0, in_progress: 0, done: 0, cancelled: 0 };
  for (const i of items) byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
  // Items ordered overdue first (oldest first), then the rest by due date.
  return { today, items: [...overdue, ...items.filter((i) => !i.overdue)], overdue: overdue.length, by_status: byStatus };
}
