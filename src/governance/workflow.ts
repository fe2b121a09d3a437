// The assessment workflow, as data: states, the transitions between them with the permission
// each needs, which states allow editing and commenting, and the outcome of the
// inter-ministerial validation. Pure: the service applies it inside its transactions.
import type { Principal } from '../platform/auth/access.ts';
import { covers, type Target } from '../platform/auth/scope.ts';

export const STATUSES = ['DRAFT', 'SHARED_WITH_FOCAL_POINTS', 'COMMENTS_ADDRESSED', 'INTERMINISTERIAL_VALIDATION', 'GOVERNMENT_APPROVED', 'PUBLISHED'] as const;
export type Status = (typeof STATUSES)[number];

export interface Transition {
  from: Status;
  to: Status;
  permission: 'governance.coordinate' | 'governance.approve';
}

// Forward: desk research → shared with focal points → comments addressed → inter-ministerial
// validation → approved by the government → published. Backward steps send the draft back for
// another round of comments (after objections, or when approval is withdrawn before publishing).
// A published assessment never moves: reopening creates a new version.
export const TRANSITIONS: Transition[] = [
  { from: 'DRAFT', to: 'SHARED_WITH_FOCAL_POINTS', permission: 'governance.coordinate' },
  { from: 'SHARED_WITH_FOCAL_POINTS', to: 'DRAFT', permission: 'governance.coordinate' },
  { from: 'SHARED_WITH_FOCAL_POINTS', to: 'COMMENTS_ADDRESSED', permission: 'governance.coordinate' },
  { from: 'COMMENTS_ADDRESSED', to: 'SHARED_WITH_FOCAL_POINTS', permission: 'governance.coordinate' },
  { from: 'COMMENTS_ADDRESSED', to: 'INTERMINISTERIAL_VALIDATION', permission: 'governance.coordinate' },
  { from: 'INTERMINISTERIAL_VALIDATION', to: 'COMMENTS_ADDRESSED', permission: 'governance.coordinate' },
  { from: 'INTERMINISTERIAL_VALIDATION', to: 'GOVERNMENT_APPROVED', permission: 'governance.approve' },
  { from: 'GOVERNMENT_APPROVED', to: 'COMMENTS_ADDRESSED', permission: 'governance.approve' },
  { from: 'GOVERNMENT_APPROVED', to: 'PUBLISHED', permission: 'governance.approve' },
];

/** Answers, findings and evidence change only while the draft is being prepared and discussed. */
export const EDITABLE: readonly Status[] = ['DRAFT', 'SHARED_WITH_FOCAL_POINTS', 'COMMENTS_ADDRESSED'];
/** The comment threads stay open until publication. */
export const COMMENTABLE: readonly Status[] = ['DRAFT', 'SHARED_WITH_FOCAL_POINTS', 'COMMENTS_ADDRESSED', 'INTERMINISTERIAL_VALIDATION', 'GOVERNMENT_APPROVED'];

export const findTransition = (from: Status, to: Status) => TRANSITIONS.find((t) => t.from === from && t.to === to);

/** The province a permission is checked in: none for national assessments. */
export const provinceOf = (a: { scope: string; province_code: string | null }) => (a.scope === 'national' ? null : a.province_code);

/**
 * What an assessment is for the access mechanism: its province (a national assessment needs
 * nationwide scope to change) and its participating ministries (an agency-bound user works only
 * on assessments their agency takes part in).
 */
export function assessmentTarget(a: { id?: number; scope: string; province_code: string | null }, ministries: number[]): Target {
  const prov = provinceOf(a);
  return { provinces: prov ? [prov] : null, agencies: ministries, type: 'gov_assessment', id: a.id == null ? undefined : String(a.id) };
}

/** Whether the user holds a permission over this assessment (province, nationwide, ministries). */
export const holdsOver = (p: Principal | null, permission: string, a: { scope: string; province_code: string | null }, ministries: number[]) => covers(p, permission, assessmentTarget(a, ministries));

/** The ministry a focal point acts for: their own agency, if it is within their scope for the permission. */
export function ministryOf(p: Principal | null, permission: string, a: { scope: string; province_code: string | null }): number | null {
  if (!p || p.agencyId == null) return null;
  const prov = provinceOf(a);
  return covers(p, permission, { provinces: prov ? [prov] : null, agencies: [p.agencyId] }) ? p.agencyId : null;
}

/**
 * Whether the user may answer this indicator: coordinators any indicator; other editors (focal
 * points) only indicators assigned to their own ministry.
 */
export function mayAnswer(p: Principal | null, a: { scope: string; province_code: string | null }, ministries: number[], responsibleAgency: number | null): boolean {
  if (holdsOver(p, 'governance.coordinate', a, ministries)) return true;
  const mine = ministryOf(p, 'governance.edit', a);
  return mine != null && mine === responsibleAgency;
}

export type Decision = 'SIGNED_OFF' | 'OBJECTED';

export interface MinistryState {
  agency_id: number;
  decision: Decision | null;
}

export function validationOutcome(ministries: MinistryState[]): { complete: boolean; pending: number[]; objected: number[] } {
  const pending = ministries.filter((m) => m.decision === null).map((m) => m.agency_id);
  const objected = ministries.filter((m) => m.decision === 'OBJECTED').map((m) => m.agency_id);
  return { complete: ministries.length > 0 && !pending.length && !objected.length, pending, objected };
}

/** Whether this user may sign off or object for this ministry: a focal point of that very ministry. */
export function maySignFor(p: Principal | null, agencyId: number, a: { scope: string; province_code: string | null }): boolean {
  return ministryOf(p, 'governance.signoff', a) === agencyId;
}

export interface AllowedActions {
  edit: boolean;
  /** Coordinators answer every indicator; focal points only those assigned to answer_for (their ministry). */
  coordinate: boolean;
  answer_for: number | null;
  /** Evidence: any indicator may get evidence; removing it — coordinators any, others their own. */
  attach: boolean;
  comment: boolean;
  transitions: Status[];
  sign_for: number[];
  reopen: boolean;
  follow_up: boolean;
}

/** What the user may do with the assessment now (the web page shows only these buttons). */
export function allowedActions(p: Principal | null, a: { status: Status; scope: string; province_code: string | null }, ministries: number[]): AllowedActions {
  const over = (perm: string) => holdsOver(p, perm, a, ministries);
  const editable = EDITABLE.includes(a.status);
  const coordinate = editable && over('governance.coordinate');
  const answerFor = editable && !coordinate && over('governance.edit') ? ministryOf(p, 'governance.edit', a) : null;
  return {
    edit: coordinate || answerFor != null,
    coordinate,
    answer_for: answerFor,
    attach: editable && (over('governance.edit') || over('governance.coordinate')),
    comment: COMMENTABLE.includes(a.status) && (over('governance.edit') || over('governance.signoff') || over('governance.coordinate')),
    transitions: TRANSITIONS.filter((t) => t.from === a.status && over(t.permission)).map((t) => t.to),
    sign_for: a.status === 'INTERMINISTERIAL_VALIDATION' ? ministries.filter((m) => maySignFor(p, m, a)) : [],
    reopen: a.status === 'PUBLISHED' && over('governance.approve'),
    follow_up: a.status === 'PUBLISHED' && over('governance.coordinate'),
  };
}
