// What the signed-in user may use, for choice lists and buttons (the server checks it again).
import type { SessionUser } from '../../app/types.ts';

/** Whether the user holds a permission for all provinces (national objects need it). */
export const holdsNationwide = (user: SessionUser | null, permission: string) => !!user?.assignments.some((a) => a.permissions.includes(permission) && a.provinces === null);

/** Whether the user holds every verb of a role somewhere (only such roles may be granted). */
export const holdsAll = (user: SessionUser | null, permissions: string[]) => !!user && permissions.every((p) => user.assignments.some((a) => a.permissions.includes(p)));

/** The agencies within which the user holds a permission: null when not bound to agencies. */
export function agenciesFor(user: SessionUser | null, permission: string): Set<number> | null {
  const held = (user?.assignments ?? []).filter((a) => a.permissions.includes(permission));
  if (!held.length || held.some((a) => a.agency_ids.length === 0)) return null;
  return new Set(held.flatMap((a) => a.agency_ids));
}
