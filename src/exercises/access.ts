// Who may do what in one exercise, registered with the one access mechanism
// (src/platform/auth/scope.ts, docs/ACCESS.md): every route declares what it touches in
// EXERCISES_ACCESS, and the mechanism checks it before the handler runs.
//
// - exercises.manage over the exercise (its province, and one of its agencies for an
//   agency-bound user; a national exercise needs nationwide scope) designs and controls it;
// - exercises.read over it lists it and reads its outline, but sees its scenario only through a
//   role in it;
// - a role in the exercise (exercise_participants) is scoped to that exercise: the 'exercise'
//   resolver turns the caller's role into object-level grants (Target.grants) — directors,
//   controllers, simulators, trusted agents and evaluators see the MSEL (controllers, simulators
//   and directors also run the clock; evaluators and directors rate and draft the report);
//   players see only delivered injects addressed to their team; observers and actors see the
//   outline only; every role gives feedback and reads the validated report;
// - someone who may not see the exercise at all is answered 404 (hidden), whoever may see it
//   but not do this, 403.
import type { Queryable } from '../platform/db/database.ts';
import { can, scopeOf, type Principal } from '../platform/auth/access.ts';
import { covers, defineResource, intParam, type Target, type Touches } from '../platform/auth/scope.ts';
import { AppError } from '../platform/http/errors.ts';
import type { ExerciseRow, ExerciseRole } from './store.ts';

export const MANAGE = 'exercises.manage';
export const READ = 'exercises.read';
/** Object-level verbs: given only by a role in the exercise (never by an assignment). */
export const V = {
  view: 'exercise:view',
  msel: 'exercise:msel',
  control: 'exercise:control',
  evaluate: 'exercise:evaluate',
  draft: 'exercise:report.draft',
  report: 'exercise:report.read',
  play: 'exercise:play',
  feedback: 'exercise:feedback',
  /** An improvement item's owner agency reports its progress and completion. */
  progress: 'exercise:improvement.progress',
} as const;

const ROLE_GRANTS: Record<ExerciseRole, string[]> = {
  director: [V.view, V.msel, V.control, V.evaluate, V.draft, V.report, V.feedback],
  controller: [V.view, V.msel, V.control, V.report, V.feedback],
  simulator: [V.view, V.msel, V.control, V.report, V.feedback],
  trusted_agent: [V.view, V.msel, V.report, V.feedback],
  evaluator: [V.view, V.msel, V.evaluate, V.draft, V.report, V.feedback],
  observer: [V.view, V.feedback],
  actor: [V.view, V.feedback],
  player: [V.view, V.play, V.feedback],
};

/** The exercise as the mechanism resolves it, with the caller's role and team in it. */
export interface ExerciseTarget extends Target {
  ex: ExerciseRow;
  role: ExerciseRole | null;
  team: string | null;
  participantId: number | null;
}

/** An exercise's agencies: the participating ones and its teams'. */
const AGENCIES_OF = `SELECT agency_id FROM exercise_agencies WHERE exercise_id = $1
  UNION SELECT agency_id FROM exercise_teams WHERE exercise_id = $1 AND agency_id IS NOT NULL`;

const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Provinces: the exercise's (none: national). Agencies: the participating ones and the teams'. */
defineResource('exercise', async (q, params, p): Promise<ExerciseTarget | null> => {
  const code = params.code;
  if (!code || !CODE_RE.test(code)) return null;
  const ex = (await q.query<ExerciseRow>('SELECT * FROM exercises WHERE code = $1', [code])).rows[0];
  if (!ex) return null;
  const agencies = (await q.query(AGENCIES_OF, [ex.id])).rows.map((r: any) => Number(r.agency_id));
  const part = p
    ? (
        await q.query(
          `SELECT pa.id, pa.role, t.code AS team FROM exercise_participants pa LEFT JOIN exercise_teams t ON t.id = pa.team_id
           WHERE pa.exercise_id = $1 AND pa.user_id = $2`,
          [ex.id, p.id],
        )
      ).rows[0]
    : undefined;
  const role: ExerciseRole | null = part?.role ?? null;
  const grants = role ? [...ROLE_GRANTS[role]] : [];
  // Anyone with a role reads the after-action report once it is validated.
  if (role && !grants.includes(V.report)) {
    const rep = (await q.query('SELECT status FROM exercise_reports WHERE exercise_id = $1', [ex.id])).rows[0];
    if (rep?.status === 'validated') grants.push(V.report);
  }
  return {
    provinces: ex.province_code ? [ex.province_code] : null,
    agencies,
    type: 'exercise',
    id: ex.code,
    grants,
    ex,
    role,
    team: part?.team ?? null,
    participantId: part ? Number(part.id) : null,
  };
});

/** An improvement item lies in its exercise's province; its owner agency's readers report progress. */
defineResource('exercise_improvement', async (q, params, p) => {
  const id = intParam(params.id);
  if (id == null) return null;
  const item = (
    await q.query('SELECT i.id, i.owner_agency_id, i.exercise_id, e.province_code FROM exercise_improvement_items i JOIN exercises e ON e.id = i.exercise_id WHERE i.id = $1', [id])
  ).rows[0];
  if (!item) return null;
  const agencies = (await q.query(AGENCIES_OF, [item.exercise_id])).rows.map((r: any) => Number(r.agency_id));
  const owner = Number(item.owner_agency_id);
  const ownerAgency = !!p && can(p, READ) && (scopeOf(p, READ).agencyIds.includes(owner) || p.agencyId === owner);
  return { provinces: item.province_code ? [item.province_code] : null, agencies, type: 'exercise_improvement_item', id: String(item.id), grants: ownerAgency ? [V.progress] : [] };
});

// ---------------------------------------------------------------- declarations

/** Refusals answer 404 to whoever may not see the exercise at all. */
const SEES = [MANAGE, READ, V.view];
const on = (...permission: string[]): Touches => ({ permission, resource: 'exercise', hidden: SEES });
const manage = on(MANAGE);
const P = '/api/v1/exercises';

/** What each route of the capability touches; declareAccess refuses a route missing here. */
export function exercisesAccess(db: Queryable): Record<string, Touches> {
  return {
    [`GET ${P}`]: { signedIn: true }, // the list filters in SQL (listFilter)
    [`POST ${P}`]: {
      permission: MANAGE,
      // A new exercise lies in its province (from its FMP when not given; none: national) and its agencies.
      body: async (b: any) => {
        let province: string | null = b.province_code ?? null;
        if (!province && b.fmp_code) province = (await db.query('SELECT province_code FROM fmps WHERE code = $1', [b.fmp_code])).rows[0]?.province_code ?? null;
        const agencies = b.agencies?.length ? (await db.query('SELECT id FROM agencies WHERE code = ANY($1::text[])', [b.agencies])).rows.map((r: any) => Number(r.id)) : [];
        return { provinces: province ? [province] : null, agencies, type: 'exercise', id: b.code };
      },
    },
    [`GET ${P}/:code`]: on(...SEES),
    [`POST ${P}/:code/teams`]: manage,
    [`POST ${P}/:code/objectives`]: manage,
    [`POST ${P}/:code/targets`]: manage,
    [`POST ${P}/:code/personas`]: manage,
    [`POST ${P}/:code/participants`]: manage,
    [`POST ${P}/:code/meetings`]: manage,
    [`POST ${P}/:code/agencies`]: manage,
    [`POST ${P}/:code/startex`]: manage,
    [`GET ${P}/:code/msel`]: on(MANAGE, V.msel),
    [`GET ${P}/:code/msel.xlsx`]: on(MANAGE, V.msel),
    [`POST ${P}/:code/injects`]: manage,
    [`POST ${P}/:code/msel/import`]: manage,
    [`POST ${P}/:code/msel/shift`]: on(MANAGE, V.control),
    [`POST ${P}/:code/clock`]: on(MANAGE, V.control),
    [`POST ${P}/:code/injects/:number/send`]: on(MANAGE, V.control),
    [`GET ${P}/:code/control`]: on(MANAGE, V.msel),
    [`GET ${P}/:code/play`]: on(V.play),
    [`POST ${P}/:code/injects/:number/ack`]: on(V.play),
    [`POST ${P}/:code/log`]: on(V.play),
    [`GET ${P}/:code/timeline`]: on(MANAGE, V.msel),
    [`GET ${P}/:code/stream`]: on(MANAGE, V.msel, V.play),
    // evaluation
    [`GET ${P}/:code/evaluation`]: on(MANAGE, V.evaluate),
    [`POST ${P}/:code/ratings`]: on(MANAGE, V.evaluate),
    [`POST ${P}/:code/tasks/:task/observation`]: on(MANAGE, V.evaluate),
    [`POST ${P}/:code/hotwash`]: on(MANAGE, V.evaluate, V.control),
    [`POST ${P}/:code/feedback`]: on(V.feedback),
    // after-action report, improvement plan, scenario
    [`POST ${P}/:code/report/draft`]: on(MANAGE, V.draft),
    [`POST ${P}/:code/report/validate`]: manage,
    [`GET ${P}/:code/report`]: on(MANAGE, V.report),
    [`GET ${P}/:code/report.html`]: on(MANAGE, V.report),
    [`GET ${P}/:code/report.pdf`]: on(MANAGE, V.report),
    [`POST ${P}/:code/improvements`]: manage,
    [`GET /api/v1/exercise-improvements`]: { permission: [READ, MANAGE] }, // the list filters in SQL
    [`PATCH /api/v1/exercise-improvements/:id`]: { permission: [MANAGE, V.progress], resource: 'exercise_improvement', hidden: [MANAGE, V.progress] },
    [`POST ${P}/:code/scenario/flows`]: manage,
    [`GET ${P}/:code/fmp`]: on(MANAGE, V.msel),
  };
}

// ---------------------------------------------------------------- for the handlers

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

/**
 * The caller's standing in the exercise the mechanism resolved for this request (what the
 * answers show: the "can" flags, the player's team). Decided by covers(), the one check.
 */
export function standing(req: { principal: Principal | null; access: { target: Target | null } | null }): ExerciseAccess {
  const t = req.access?.target as ExerciseTarget | undefined;
  if (!t?.ex || !req.principal) throw new Error('exercise route without the exercise resource declared');
  const p = req.principal;
  return {
    ex: t.ex,
    principal: p,
    manager: covers(p, MANAGE, t),
    role: t.role,
    participantId: t.participantId,
    team: t.team,
    seesMsel: covers(p, [MANAGE, V.msel], t),
    controls: covers(p, [MANAGE, V.control], t),
    evaluates: covers(p, [MANAGE, V.evaluate], t),
    plays: covers(p, V.play, t),
  };
}

/** The agencies of exercise e (participating, and its teams'), as SQL. */
const AGENCIES_OF_E = `(SELECT x.agency_id FROM exercise_agencies x WHERE x.exercise_id = e.id
  UNION SELECT t.agency_id FROM exercise_teams t WHERE t.exercise_id = e.id AND t.agency_id IS NOT NULL)`;

/**
 * The part of each exercises.manage/.read assignment that reaches exercise e: its provinces, and
 * for an agency-bound assignment, an exercise of one of its agencies (or of none). `alsoForAgencies`
 * adds a condition that an agency-bound assignment's agencies satisfy on their own.
 */
function assignmentConditions(p: Principal, params: unknown[], alsoForAgencies?: (param: string) => string): string[] {
  const parts: string[] = [];
  for (const a of p.assignments) {
    if (!a.permissions.includes(MANAGE) && !a.permissions.includes(READ)) continue;
    const conds: string[] = [];
    if (a.provinces !== null) {
      params.push(a.provinces);
      conds.push(`e.province_code = ANY($${params.length}::text[])`);
    }
    if (a.agencyIds.length) {
      params.push(a.agencyIds);
      const agencies = `$${params.length}::bigint[]`;
      conds.push(`(NOT EXISTS ${AGENCIES_OF_E} OR EXISTS (SELECT 1 FROM ${AGENCIES_OF_E} g WHERE g.agency_id = ANY(${agencies})))`);
      if (alsoForAgencies) parts.push(alsoForAgencies(agencies));
    }
    parts.push(conds.length ? `(${conds.join(' AND ')})` : 'TRUE');
  }
  return parts;
}

/**
 * A SQL condition on exercises e: those the caller may list — the ones covers() lets them read
 * (exercises.manage or .read over the province, national ones with nationwide scope, one of the
 * exercise's agencies for an agency-bound assignment), and those they hold a role in.
 */
export function listFilter(p: Principal, params: unknown[]): string {
  const parts = assignmentConditions(p, params);
  params.push(p.id);
  parts.push(`EXISTS (SELECT 1 FROM exercise_participants pa WHERE pa.exercise_id = e.id AND pa.user_id = $${params.length})`);
  return `(${parts.join(' OR ')})`;
}

/**
 * Improvement items i (of exercise e) the caller may list: those of the exercises listFilter
 * gives them by scope, and those their agency owns.
 */
export function itemFilter(p: Principal, params: unknown[]): string {
  const parts = assignmentConditions(p, params, (agencies) => `i.owner_agency_id = ANY(${agencies})`);
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}

/** A verb over an exercise's province (national when null); for the province profile section. */
export function holds(p: Principal, verb: string, province: string | null): boolean {
  return covers(p, verb, { provinces: province ? [province] : null });
}

export function requireUser(p: Principal | null): Principal {
  if (!p) throw new AppError('unauthenticated', 401);
  return p;
}
