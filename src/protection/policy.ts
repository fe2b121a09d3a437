// The access rules of protection that the shared declarative mechanism (src/platform/auth/scope.ts)
// cannot express: agency-bound assignments, reading through a live referral or a break-glass
// grant, field groups. Routes declare what they touch in access.ts, whose gate calls these.
//
// A case belongs to its owner agency and lies in a province. A user reads a case through:
//   - an assignment holding protection.read for the owner agency and the case's province;
//   - an assignment holding protection.read for the agency a live referral (pending, accepted,
//     done) is addressed to, in the case's province — then only the field groups that referral
//     carries;
//   - an unexpired break-glass grant of their own on that case (with a recorded reason).
// The sensitive field groups (identity, exploitation detail, perpetrator) are read only with
// protection.identity on top of that, for the same agency and province (all groups for the owner
// agency; the referral's groups for a recipient; all groups under break-glass).
// Statistics are aggregate and suppressed: protection.stats in a province, any agency.
import type { Queryable } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';

export const VERB = {
  screen: 'protection.screen',
  read: 'protection.read',
  identity: 'protection.identity',
  edit: 'protection.edit',
  refer: 'protection.refer',
  override: 'protection.consent_override',
  breakGlass: 'protection.break_glass',
  stats: 'protection.stats',
  import: 'protection.import',
  oversee: 'protection.oversee',
} as const;

export const FIELD_GROUPS = ['identity', 'exploitation_detail', 'perpetrator'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];
/** The fields of each sensitive group. */
export const GROUP_FIELDS: Record<FieldGroup, string[]> = {
  identity: ['given_name', 'family_name'],
  exploitation_detail: ['exploitation_detail'],
  perpetrator: ['perpetrator'],
};

/** Whether the user holds a verb for an agency in a province (one assignment must give both). */
export function holds(p: Principal | null, verb: string, agencyId: number, province: string): boolean {
  if (!p) return false;
  return p.assignments.some((a) => a.permissions.includes(verb) && a.agencyIds.includes(agencyId) && (a.provinces === null || a.provinces.includes(province)));
}

/**
 * The user with only their assignments that name agencies: protection data is reached only as
 * staff of an agency (the shared `covers` lets an assignment without agencies pass for all of
 * them; an administrator without agencies reads no case).
 */
export function asStaff(p: Principal | null): Principal | null {
  return p && { ...p, assignments: p.assignments.filter((a) => a.agencyIds.length > 0) };
}

/** Agencies for which the user holds a verb (somewhere). */
export function agenciesWith(p: Principal, verb: string): number[] {
  return [...new Set(p.assignments.filter((a) => a.permissions.includes(verb)).flatMap((a) => a.agencyIds))].sort((x, y) => x - y);
}

/**
 * SQL condition for the cases a user may read through ownership or a live referral (not
 * break-glass, which opens one case at a time). `c` is the alias of protection_cases.
 */
export function readableCasesSql(p: Principal, alias: string, params: unknown[]): string {
  const parts: string[] = [];
  for (const a of p.assignments) {
    if (!a.permissions.includes(VERB.read) || !a.agencyIds.length) continue;
    params.push(a.agencyIds);
    const ag = `$${params.length}::bigint[]`;
    let prov = 'TRUE';
    if (a.provinces !== null) {
      params.push(a.provinces);
      prov = `${alias}.province_code = ANY($${params.length}::text[])`;
    }
    parts.push(
      `((${alias}.owner_agency_id = ANY(${ag}) OR EXISTS (SELECT 1 FROM protection_referrals rr WHERE rr.case_id = ${alias}.id AND rr.to_agency_id = ANY(${ag}) AND rr.status IN ('pending','accepted','done'))) AND ${prov})`,
    );
  }
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}

export interface CaseAccess {
  via: 'owner' | 'referral' | 'break_glass';
  /** Field groups the user may read. */
  groups: Set<FieldGroup>;
  /** May change the case (status, consent, follow-up, referral, closure): owner agency only. */
  edit: boolean;
  refer: boolean;
  /** Agencies through which a referral reached the user (for responding). */
  recipientAgencies: number[];
}

interface CaseKey {
  id: string;
  owner_agency_id: number | string;
  province_code: string;
}

/** Works out what a user may do with one case; null when they may not read it at all. */
export async function caseAccess(q: Queryable, p: Principal | null, c: CaseKey): Promise<CaseAccess | null> {
  if (!p) return null;
  const owner = Number(c.owner_agency_id);
  const prov = c.province_code;
  const groups = new Set<FieldGroup>();
  let via: CaseAccess['via'] | null = null;
  if (holds(p, VERB.read, owner, prov)) {
    via = 'owner';
    if (holds(p, VERB.identity, owner, prov)) for (const g of FIELD_GROUPS) groups.add(g);
  }
  const recipientAgencies: number[] = [];
  const refs = await q.query<{ to_agency_id: string; fields: string[] }>(
    `SELECT to_agency_id, fields FROM protection_referrals WHERE case_id = $1 AND status IN ('pending','accepted','done')`,
    [c.id],
  );
  for (const r of refs.rows) {
    const to = Number(r.to_agency_id);
    if (!holds(p, VERB.read, to, prov)) continue;
    recipientAgencies.push(to);
    via ??= 'referral';
    if (holds(p, VERB.identity, to, prov)) for (const f of r.fields) if ((FIELD_GROUPS as readonly string[]).includes(f)) groups.add(f as FieldGroup);
  }
  const glass = await q.query(`SELECT 1 FROM protection_break_glass WHERE case_id = $1 AND user_id = $2 AND expires_at > now()`, [c.id, p.id]);
  if (glass.rowCount) {
    via ??= 'break_glass';
    for (const g of FIELD_GROUPS) groups.add(g);
  }
  if (!via) return null;
  return { via, groups, edit: holds(p, VERB.edit, owner, prov), refer: holds(p, VERB.refer, owner, prov), recipientAgencies };
}

/** Follow-ups and documents: the owner agency's editors, or a recipient agency's (with protection.edit there). */
export function mayAddTo(p: Principal, a: CaseAccess, province: string): boolean {
  return a.edit || a.recipientAgencies.some((g) => holds(p, VERB.edit, g, province));
}

/**
 * Break-glass needs the verb in the case's province, held as staff of some agency (any agency:
 * it exists for emergencies); a role without agencies (a system administrator) cannot.
 */
export function mayBreakGlass(p: Principal | null, province: string): boolean {
  return !!p && p.assignments.some((a) => a.permissions.includes(VERB.breakGlass) && a.agencyIds.length > 0 && (a.provinces === null || a.provinces.includes(province)));
}
