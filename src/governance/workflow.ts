// The assessment workflow, as data: states, the transitions between them with the permission
// each needs, which states allow editing and commenting, and the outcome of the
// inter-ministerial validation. Pure: the service applies it inside its transactions.
import { can, type Principal } from '../platform/auth/access.ts';

export const STATUSES = ['DRAFT', 'SHARED_WITH_FOCAL_POINTS', 'COMMENTS_ADDRESSED', 'INTERMINISTERIAL_VALIDATION', 'GOVERNMENT_APPROVED', 'PUBLISHED'] as const;
export type Status = (typeof STATUSES)[number];

export interface Transition {
  from: Status;
  to: Status;
  permission: 'governance.edit' | 'governance.approve';
}

// Forward: desk research → shared with focal points → comments addressed → inter-ministerial
// validation → approved by the government → published. Backward steps send the draft back for
// another round of comments (after objections, or when approval is withdrawn before publishing).
// A published assessment never moves: reopening creates a new version.
export const TRANSITIONS: Transition[] = [
  { from: 'DRAFT', to: 'SHARED_WITH_FOCAL_POINTS', permission: 'governance.edit' },
  { from: 'SHARED_WITH_FOCAL_POINTS', to: 'DRAFT', permission: 'governance.edit' },
  { from: 'SHARED_WITH_FOCAL_POINTS', to: 'COMMENTS_ADDRESSED', permission: 'governance.edit' },
  { from: 'COMMENTS_ADDRESSED', to: 'SHARED_WITH_FOCAL_POINTS', permission: 'governance.edit' },
  { from: 'COMMENTS_ADDRESSED', to: 'INTERMINISTERIAL_VALIDATION', permission: 'governance.edit' },
  { from: 'INTERMINISTERIAL_VALIDATION', to: 'COMMENTS_ADDRESSED', permission: 'governance.edit' },
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
export function maySignFor(p: Principal | null, agencyId: number, province: string | null): boolean {
  return !!p && p.agencyId === agencyId && can(p, 'governance.signoff', province);
}

export interface AllowedActions {
  edit: boolean;
  comment: boolean;
  transitions: Status[];
  sign_for: number[];
  reopen: boolean;
  follow_up: boolean;
}

/** What the user may do with the assessment now (the web page shows only these buttons). */
export function allowedActions(p: Principal | null, a: { status: Status; scope: string; province_code: string | null }, ministries: number[]): AllowedActions {
  const prov = provinceOf(a);
  return {
    edit: EDITABLE.includes(a.status) && can(p, 'governance.edit', prov),
    comment: COMMENTABLE.includes(a.status) && (can(p, 'governance.edit', prov) || can(p, 'governance.signoff', prov)),
    transitions: TRANSITIONS.filter((t) => t.from === a.status && can(p, t.permission, prov)).map((t) => t.to),
    sign_for: a.status === 'INTERMINISTERIAL_VALIDATION' ? ministries.filter((m) => maySignFor(p, m, prov)) : [],
    reopen: a.status === 'PUBLISHED' && can(p, 'governance.approve', prov),
    follow_up: a.status === 'PUBLISHED' && can(p, 'governance.edit', prov),
  };
}
