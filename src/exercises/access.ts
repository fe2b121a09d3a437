// Who may do what in one exercise: every check of the capability is made here.
//
// - exercises.manage (for the exercise's province) designs and controls any exercise there;
// - exercises.read lists exercises and reads the improvement plan in its provinces, but sees
//   an exercise's scenario only through a role in it;
// - a role in the exercise (exercise_participants) is scoped to that exercise: directors,
//   controllers, simulators, trusted agents and evaluators see the MSEL (controllers and
//   directors also run the clock; evaluators rate); players see only delivered injects
//   addressed to their team; observers and actors see the exercise's outline only.
import type { Queryable } from '../platform/db/database.ts';
import { can, scopeOf, provinceFilter, type Principal } from '../platform/auth/access.ts';
import { AppError } from '../platform/http/errors.ts';
import { findExercise, type ExerciseRow, type ExerciseRole } from './store.ts';

export interface ExerciseAccess {
  ex: ExerciseRow;
  principal: Principal;
  manager: boolean;
  role: ExerciseRole | null;
  participantId: number | null;
  team: string | null;
  seesMsel: boolean;
  controls: boolean;
  evaluates: boolean;
  plays: boolean;
}

const MSEL_ROLES: ExerciseRole[] = ['director', 'controller', 'simulator', 'trusted_agent', 'evaluator'];
const CONTROL_ROLES: ExerciseRole[] = ['director', 'controller', 'simulator'];

/** A verb for an exercise's province; a national exercise (no province) needs nationwide scope. */
export function holds(p: Principal, verb: string, province: string | null): boolean {
  return province ? can(p, verb, province) : can(p, verb) && scopeOf(p, verb).allProvinces;
}

export function requireUser(p: Principal | null): Principal {
  if (!p) throw new AppError('unauthenticated', 401);
  return p;
}

/** The caller's standing in an exercise; 404 when they have none (the exercise is not theirs to know). */
export async function exerciseAccess(q: Queryable, p: Principal | null, code: string): Promise<ExerciseAccess> {
  const principal = requireUser(p);
  const ex = await findExercise(q, code);
  const manager = holds(principal, 'exercises.manage', ex.province_code);
  const part = (
    await q.query(
      `SELECT pa.id, pa.role, t.code AS team FROM exercise_participants pa LEFT JOIN exercise_teams t ON t.id = pa.team_id
       WHERE pa.exercise_id = $1 AND pa.user_id = $2`,
      [ex.id, principal.id],
    )
  ).rows[0];
  const reader = holds(principal, 'exercises.read', ex.province_code);
  if (!manager && !part && !reader) throw new AppError('ex_unknown', 404, { code });
  const role: ExerciseRole | null = part?.role ?? null;
  return {
    ex,
    principal,
    manager,
    role,
    participantId: part ? Number(part.id) : null,
    team: part?.team ?? null,
    seesMsel: manager || (role !== null && MSEL_ROLES.includes(role)),
    controls: manager || (role !== null && CONTROL_ROLES.includes(role)),
    evaluates: manager || role === 'evaluator' || role === 'director',
    plays: role === 'player',
  };
}

export function need(a: ExerciseAccess, what: 'seesMsel' | 'controls' | 'evaluates' | 'plays' | 'manager'): ExerciseAccess {
  if (!a[what]) throw new AppError('forbidden', 403, {}, { exercise: a.ex.code, needs: what });
  return a;
}

/** A SQL condition on exercises e: those the caller may list (by province scope, or by a role in them). */
export function listFilter(p: Principal, params: unknown[]): string {
  const parts: string[] = [];
  for (const verb of ['exercises.manage', 'exercises.read']) {
    if (!can(p, verb)) continue;
    // An exercise with no province is national: only nationwide scope sees it by province.
    const f = provinceFilter(scopeOf(p, verb), 'e.province_code', params);
    parts.push(f === 'TRUE' ? 'TRUE' : `(${f})`);
  }
  params.push(p.id);
  parts.push(`EXISTS (SELECT 1 FROM exercise_participants pa WHERE pa.exercise_id = e.id AND pa.user_id = $${params.length})`);
  return `(${parts.join(' OR ')})`;
}

/** Creating an exercise in a province (or nationally when province is null). */
export function requireManage(p: Principal | null, province: string | null) {
  const principal = requireUser(p);
  if (!holds(principal, 'exercises.manage', province)) throw new AppError('forbidden', 403, {}, { permission: 'exercises.manage', province: province ?? undefined });
  return principal;
}
