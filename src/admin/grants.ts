// Who may grant what. A user manager grants only verbs they hold, only within the provinces
// and agencies where they hold them; manages only users all of whose assignments they could
// have granted themselves (so a province administrator neither touches a nationwide user nor
// resets the password of anyone holding more); nobody changes their own assignments or a role
// they hold; a role editor neither adds nor keeps verbs they lack.
import type { Queryable } from '../platform/db/database.ts';
import { AppError } from '../platform/http/errors.ts';
import type { Principal } from '../platform/auth/access.ts';
import { covers, defineResource, intParam, UUID_RE, type Target } from '../platform/auth/scope.ts';

export interface GrantedAssignment {
  role: string;
  agencyIds: number[];
  provinces: string[] | null;
}

/** The verbs of each role, by code. */
export async function rolePermissions(q: Queryable): Promise<Map<string, string[]>> {
  const rows = (await q.query('SELECT code, permissions FROM roles')).rows;
  return new Map(rows.map((r: any) => [r.code as string, r.permissions as string[]]));
}

/** The verbs of an assignment the user could not grant (empty: they may grant it). */
export function ungrantable(me: Principal, permissions: string[], a: Omit<GrantedAssignment, 'role'>): string[] {
  const target: Target = { provinces: a.provinces, agencies: a.agencyIds.length ? a.agencyIds : 'all', agencyMatch: 'all' };
  return permissions.filter((perm) => !covers(me, perm, target));
}

/** Refuses (403 grant_exceeds) an assignment with a verb, province or agency the granting user does not hold. */
export function checkGrant(me: Principal, roles: Map<string, string[]>, a: GrantedAssignment) {
  const perms = roles.get(a.role);
  if (!perms) throw new AppError('unknown_role', 400, { role: a.role });
  const missing = ungrantable(me, perms, a);
  if (missing.length) throw new AppError('grant_exceeds', 403, { role: a.role, permission: missing[0] }, { missing });
}

/** What a user "is" for scope: the provinces and agencies of all their assignments and their own agency. */
export function userTarget(id: string, agencyId: number | null, assignments: GrantedAssignment[]): Target {
  const provinces = assignments.some((a) => a.provinces === null) ? null : [...new Set(assignments.flatMap((a) => a.provinces ?? []))];
  const unrestricted = assignments.some((a) => a.agencyIds.length === 0);
  const agencies = [...new Set([...assignments.flatMap((a) => a.agencyIds), ...(agencyId != null ? [agencyId] : [])])];
  return { provinces, agencies: unrestricted && assignments.length ? 'all' : agencies, agencyMatch: 'all', type: 'user', id };
}

/** Loads a user's assignments (role, agencies, provinces). */
export async function assignmentsOf(q: Queryable, userId: string): Promise<GrantedAssignment[]> {
  const rows = (await q.query('SELECT r.code, a.agency_ids, a.province_codes FROM role_assignments a JOIN roles r ON r.id = a.role_id WHERE a.user_id = $1 ORDER BY a.id', [userId])).rows;
  return rows.map((r: any) => ({ role: r.code, agencyIds: (r.agency_ids ?? []).map(Number), provinces: r.province_codes }));
}

/** Whether the manager may manage this user: every one of the user's assignments is grantable by them. */
export function mayManage(me: Principal, roles: Map<string, string[]>, assignments: GrantedAssignment[]) {
  return assignments.every((a) => !ungrantable(me, roles.get(a.role) ?? [], a).length);
}

/** Refuses (403 manage_exceeds) managing a user who holds something the manager could not grant. */
export function checkManage(me: Principal, roles: Map<string, string[]>, assignments: GrantedAssignment[]) {
  for (const a of assignments) {
    const missing = ungrantable(me, roles.get(a.role) ?? [], a);
    if (missing.length) throw new AppError('manage_exceeds', 403, { permission: missing[0] }, { missing });
  }
}

// The user named by a path: inside a manager's scope only if all of their assignments are.
defineResource('user', async (q, params) => {
  if (!UUID_RE.test(params.id ?? '')) return null;
  const u = (await q.query('SELECT id, agency_id FROM users WHERE id = $1', [params.id])).rows[0];
  if (!u) return null;
  return userTarget(u.id, u.agency_id == null ? null : Number(u.agency_id), await assignmentsOf(q, u.id));
});
// Roles and agencies are national objects.
defineResource('role', async (q, params) => {
  const id = intParam(params.id);
  if (id == null || !(await q.query('SELECT 1 FROM roles WHERE id = $1', [id])).rowCount) return null;
  return { provinces: null, type: 'role', id: String(id) };
});
defineResource('agency', async (q, params) => {
  const id = intParam(params.id);
  if (id == null || !(await q.query('SELECT 1 FROM agencies WHERE id = $1', [id])).rowCount) return null;
  return { provinces: null, type: 'agency', id: String(id) };
});
