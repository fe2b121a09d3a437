// Who a signed-in user is and what they may do where. A role assignment grants its role's
// verbs for its agencies and for all provinces (provinces = null) or the listed ones.
import type { Actor } from '../audit.ts';
import type { Locale } from '../i18n/messages.ts';
import { AppError } from '../http/errors.ts';

export interface Assignment {
  role: string;
  permissions: string[];
  agencyIds: number[];
  provinces: string[] | null;
}

export interface Principal {
  id: string;
  username: string;
  displayName: string;
  locale: Locale;
  agencyId: number | null;
  assignments: Assignment[];
}

export interface Scope {
  allProvinces: boolean;
  provinces: string[];
  agencyIds: number[];
}

/** An assignment from its row (role code, permissions, agency ids, province codes or null). */
export function toAssignment(r: { role: string; permissions: string[]; agency_ids: (number | string)[]; province_codes: string[] | null }): Assignment {
  return { role: r.role, permissions: r.permissions, agencyIds: r.agency_ids.map(Number), provinces: r.province_codes };
}

export function can(p: Principal | null, permission: string, province?: string | null): boolean {
  if (!p) return false;
  return p.assignments.some(
    (a) => a.permissions.includes(permission) && (province == null || a.provinces === null || a.provinces.includes(province)),
  );
}

/** The provinces and agencies in which the user holds a permission (union of assignments). */
export function scopeOf(p: Principal, permission: string): Scope {
  const held = p.assignments.filter((a) => a.permissions.includes(permission));
  const allProvinces = held.some((a) => a.provinces === null);
  return {
    allProvinces,
    provinces: allProvinces ? [] : [...new Set(held.flatMap((a) => a.provinces ?? []))].sort(),
    agencyIds: [...new Set(held.flatMap((a) => a.agencyIds))].sort((x, y) => x - y),
  };
}

export function requirePermission(p: Principal | null, permission: string, province?: string | null): Principal {
  if (!p) throw new AppError('unauthenticated', 401);
  if (!can(p, permission, province)) throw new AppError('forbidden', 403, {}, { permission, province: province ?? undefined });
  return p;
}

/**
 * A SQL condition restricting a province column to the user's scope for a permission.
 * Appends its parameter to params; returns 'TRUE' for nationwide scope.
 */
export function provinceFilter(scope: Scope, column: string, params: unknown[]): string {
  if (scope.allProvinces) return 'TRUE';
  params.push(scope.provinces);
  return `${column} = ANY($${params.length}::text[])`;
}

export function actorOf(p: Principal | null, requestId?: string, ip?: string): Actor {
  return { userId: p?.id ?? null, label: p ? p.username : 'anonymous', requestId, ip };
}
