// Live control: the exercise clock (scenario time ≠ wall time), delivery of injects on the
// clock and by hand, acknowledgements and the player log. All state is in the database, so
// any number of Marz processes can serve one exercise: a delivery claims its rows with
// UPDATE … WHERE delivered_at IS NULL (one process wins), and every change is an
// exercise_events row that each process's hub (hub.ts) picks up and pushes to its listeners.
import type pg from 'pg';
import type { Database, Queryable } from '../platform/db/database.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { AppError } from '../platform/http/errors.ts';
import { normalisePersian } from '../platform/text.ts';
import type { ExerciseRow } from './store.ts';

/** Scenario time now, from the clock's state (pure). */
export function scenarioNow(ex: Pick<ExerciseRow, 'clock_state' | 'clock_scenario' | 'clock_wall' | 'startex'>, now: Date): Date {
  if (ex.clock_state === 'not_started' || !ex.clock_scenario) return new Date(ex.startex);
  if (ex.clock_state !== 'running' || !ex.clock_wall) return new Date(ex.clock_scenario);
  return new Date(new Date(ex.clock_scenario).getTime() + (now.getTime() - new Date(ex.clock_wall).getTime()));
}

/** The scenario-time SQL expression for the exercises row aliased e. */
const SCENARIO_NOW = `CASE WHEN e.clock_state = 'running' THEN e.clock_scenario + (clock_timestamp() - e.clock_wall)
  WHEN e.clock_state = 'not_started' THEN e.startex ELSE e.clock_scenario END`;

export async function event(q: Queryable, ex: { id: number }, kind: string, e: { scenarioAt?: Date | null; injectId?: number | null; teams?: string[] | null; actorId?: string | null; details?: object } = {}) {
  await q.query(
    'INSERT INTO exercise_events (exercise_id, scenario_at, kind, inject_id, teams, actor_id, details) VALUES ($1,$2,$3,$4,$5,$6,$7)',
    [ex.id, e.scenarioAt ?? null, kind, e.injectId ?? null, e.teams ?? null, e.actorId ?? null, JSON.stringify(e.details ?? {})],
  );
}

async function lockExercise(c: pg.PoolClient, id: number): Promise<ExerciseRow> {
  return (await c.query<ExerciseRow>('SELECT * FROM exercises WHERE id = $1 FOR UPDATE', [id])).rows[0]!;
}

export type ClockAction = { action: 'start' } | { action: 'pause' } | { action: 'resume' } | { action: 'end' } | { action: 'jump'; minutes?: number; to?: Date; skip?: boolean };

/** Changes the clock; returns the new scenario time. Injects passed by a jump are delivered (or, with skip, left for a manual send). */
export async function clock(c: pg.PoolClient, actor: Actor, exerciseId: number, a: ClockAction): Promise<{ state: string; scenario_at: Date; skipped?: number }> {
  const ex = await lockExercise(c, exerciseId);
  const now = new Date((await c.query('SELECT clock_timestamp() AS t')).rows[0].t);
  const cur = scenarioNow(ex, now);
  let state = ex.clock_state;
  let scenario = cur;
  let skipped: number | undefined;
  const refuse = () => {
    throw new AppError('ex_clock_state', 409, { action: a.action, state: ex.clock_state });
  };
  switch (a.action) {
    case 'start':
      if (ex.clock_state !== 'not_started') refuse();
      state = 'running';
      scenario = new Date(ex.startex);
      break;
    case 'pause':
      if (ex.clock_state !== 'running') refuse();
      state = 'paused';
      break;
    case 'resume':
      if (ex.clock_state !== 'paused') refuse();
      state = 'running';
      break;
    case 'end':
      if (ex.clock_state === 'ended' || ex.clock_state === 'not_started') refuse();
      state = 'ended';
      break;
    case 'jump': {
      if (ex.clock_state !== 'running' && ex.clock_state !== 'paused') refuse();
      const target = a.to ?? new Date(cur.getTime() + (a.minutes ?? 0) * 60_000);
      if (target.getTime() <= cur.getTime()) throw new AppError('ex_jump_backwards', 400);
      scenario = target;
      if (a.skip) {
        // Injects the jump passes over are not delivered by the clock; controllers may still send them.
        const r = await c.query(
          `UPDATE exercise_injects i SET contingency = true FROM exercises e
           WHERE e.id = i.exercise_id AND i.exercise_id = $1 AND i.delivered_at IS NULL AND NOT i.contingency
             AND e.startex + make_interval(secs => i.offset_seconds) <= $2`,
          [ex.id, target],
        );
        skipped = r.rowCount ?? 0;
      }
      break;
    }
  }
  await c.query('UPDATE exercises SET clock_state = $2, clock_scenario = $3, clock_wall = $4, status = CASE WHEN $2 = \'ended\' AND status = \'planning\' THEN \'conducted\' ELSE status END WHERE id = $1', [
    ex.id, state, scenario, now,
  ]);
  await event(c, ex, 'clock', { scenarioAt: scenario, actorId: actor.userId, details: { action: a.action, state, from: cur.toISOString(), skipped } });
  await audit(c, actor, `exercise.clock.${a.action}`, 'exercise', ex.code, { scenario_at: scenario.toISOString(), from: cur.toISOString(), skipped });
  return { state, scenario_at: scenario, skipped };
}

export interface Delivery {
  exercise_id: number;
  inject_id: number;
  number: string;
  teams: string[];
}

/**
 * Delivers every inject whose scheduled scenario time has come on a running clock (except
 * contingency injects, which are only sent by hand). Safe to run from several processes at
 * once: each row is claimed by exactly one UPDATE.
 */
export async function deliverDue(db: Database, actor: Actor = { userId: null, label: 'exercise clock' }): Promise<Delivery[]> {
  // A cheap look first, so an idle server does not open transactions.
  const due = await db.one(
    `SELECT 1 FROM exercises e JOIN exercise_injects i ON i.exercise_id = e.id
     WHERE e.clock_state = 'running' AND i.delivered_at IS NULL AND NOT i.contingency
       AND e.startex + make_interval(secs => i.offset_seconds) <= ${SCENARIO_NOW} LIMIT 1`,
  );
  if (!due) return [];
  return db.tx(async (c) => {
    const { rows } = await c.query(
      `WITH due AS (
         SELECT i.id, ${SCENARIO_NOW} AS scenario_now FROM exercise_injects i JOIN exercises e ON e.id = i.exercise_id
         WHERE e.clock_state = 'running' AND i.delivered_at IS NULL AND NOT i.contingency
           AND e.startex + make_interval(secs => i.offset_seconds) <= ${SCENARIO_NOW}
         FOR UPDATE OF i SKIP LOCKED)
       UPDATE exercise_injects i SET delivered_at = clock_timestamp(), delivered_scenario_at = due.scenario_now, delivered_how = 'clock'
       FROM due WHERE i.id = due.id AND i.delivered_at IS NULL
       RETURNING i.exercise_id, i.id, i.number, i.to_teams, i.delivered_scenario_at`,
    );
    for (const r of rows) {
      await event(c, { id: Number(r.exercise_id) }, 'delivered', { scenarioAt: r.delivered_scenario_at, injectId: Number(r.id), teams: r.to_teams, details: { number: r.number, how: 'clock' } });
      await audit(c, actor, 'exercise.inject.deliver', 'exercise_inject', String(r.id), { number: r.number, how: 'clock' });
    }
    return rows.map((r: any) => ({ exercise_id: Number(r.exercise_id), inject_id: Number(r.id), number: r.number, teams: r.to_teams }));
  });
}

/** "Send now": delivers one inject at once, whatever the clock says (a pause never delays it). */
export async function sendNow(c: pg.PoolClient, actor: Actor, ex: ExerciseRow, number: string): Promise<void> {
  const { rows } = await c.query(
    `UPDATE exercise_injects i SET delivered_at = clock_timestamp(), delivered_scenario_at = ${SCENARIO_NOW}, delivered_how = 'manual', delivered_by = $3
     FROM exercises e WHERE e.id = i.exercise_id AND i.exercise_id = $1 AND i.number = $2 AND i.delivered_at IS NULL
     RETURNING i.id, i.to_teams, i.delivered_scenario_at`,
    [ex.id, number, actor.userId],
  );
  if (!rows[0]) {
    const exists = (await c.query('SELECT 1 FROM exercise_injects WHERE exercise_id = $1 AND number = $2', [ex.id, number])).rowCount;
    throw exists ? new AppError('ex_already_delivered', 409, { number }) : new AppError('ex_unknown_inject', 404, { number });
  }
  await event(c, ex, 'delivered', { scenarioAt: rows[0].delivered_scenario_at, injectId: Number(rows[0].id), teams: rows[0].to_teams, actorId: actor.userId, details: { number, how: 'manual' } });
  await audit(c, actor, 'exercise.inject.deliver', 'exercise_inject', String(rows[0].id), { number, how: 'manual' });
}

async function deliveredInjectFor(c: Queryable, ex: ExerciseRow, number: string, teams: string[] | null) {
  const r = (await c.query('SELECT id, to_teams, delivered_at FROM exercise_injects WHERE exercise_id = $1 AND number = $2', [ex.id, number])).rows[0];
  // To a player, an inject not delivered or not addressed to their team does not exist.
  if (!r || !r.delivered_at || (teams && !r.to_teams.some((t: string) => teams.includes(t)))) throw new AppError('ex_unknown_inject', 404, { number });
  return r;
}

export async function acknowledge(c: pg.PoolClient, actor: Actor, ex: ExerciseRow, participantId: number, team: string, number: string) {
  const r = await deliveredInjectFor(c, ex, number, [team]);
  const scen = (await c.query(`SELECT ${SCENARIO_NOW} AS s FROM exercises e WHERE e.id = $1`, [ex.id])).rows[0].s;
  const ins = await c.query('INSERT INTO exercise_acks (inject_id, participant_id, scenario_at) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING', [r.id, participantId, scen]);
  if (ins.rowCount) {
    await event(c, ex, 'acknowledged', { scenarioAt: scen, injectId: Number(r.id), teams: [team], actorId: actor.userId, details: { number } });
    await audit(c, actor, 'exercise.inject.ack', 'exercise_inject', String(r.id), { number });
  }
}

export async function logEntry(c: pg.PoolClient, actor: Actor, ex: ExerciseRow, participantId: number, team: string | null, e: { kind: 'action' | 'decision' | 'response'; text: string; inject?: string | null }) {
  let injectId: number | null = null;
  if (e.inject) injectId = Number((await deliveredInjectFor(c, ex, e.inject, team ? [team] : null)).id);
  const scen = (await c.query(`SELECT ${SCENARIO_NOW} AS s FROM exercises e WHERE e.id = $1`, [ex.id])).rows[0].s;
  const { rows } = await c.query(
    'INSERT INTO exercise_player_log (exercise_id, participant_id, inject_id, kind, text, scenario_at) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id',
    [ex.id, participantId, injectId, e.kind, normalisePersian(e.text), scen],
  );
  await event(c, ex, 'log', { scenarioAt: scen, injectId, teams: team ? [team] : null, actorId: actor.userId, details: { kind: e.kind, inject: e.inject ?? null } });
  await audit(c, actor, 'exercise.log', 'exercise', ex.code, { kind: e.kind, inject: e.inject ?? null });
  return Number(rows[0].id);
}

/** Controller view: each inject with its state and when it was acknowledged and answered. */
export async function controlView(q: Queryable, ex: ExerciseRow) {
  const { rows } = await q.query(
    `SELECT i.id, i.number, i.offset_seconds, e.startex + make_interval(secs => i.offset_seconds) AS scheduled_at, i.phase, i.from_persona, i.to_teams, i.channel,
        i.subject, i.content, i.expected_action, i.objectives, i.contingency, i.delivered_at, i.delivered_how,
        (SELECT min(a.at) FROM exercise_acks a WHERE a.inject_id = i.id) AS first_ack,
        (SELECT count(*) FROM exercise_acks a WHERE a.inject_id = i.id) AS acks,
        (SELECT min(l.at) FROM exercise_player_log l WHERE l.inject_id = i.id) AS first_response,
        (SELECT count(*) FROM exercise_player_log l WHERE l.inject_id = i.id) AS responses
     FROM exercise_injects i JOIN exercises e ON e.id = i.exercise_id WHERE i.exercise_id = $1 ORDER BY i.offset_seconds, i.id`,
    [ex.id],
  );
  return rows.map((r: any) => ({
    number: r.number,
    scheduled_at: new Date(r.scheduled_at).toISOString(),
    offset_seconds: Number(r.offset_seconds),
    phase: r.phase,
    from: r.from_persona,
    to: r.to_teams,
    channel: r.channel,
    subject: r.subject,
    content: r.content,
    expected_action: r.expected_action,
    objectives: r.objectives,
    contingency: r.contingency,
    status: r.first_response ? 'responded' : r.first_ack ? 'acknowledged' : r.delivered_at ? 'delivered' : 'planned',
    delivered_at: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
    delivered_how: r.delivered_how,
    acknowledged_at: r.first_ack ? new Date(r.first_ack).toISOString() : null,
    acknowledgements: Number(r.acks),
    responded_at: r.first_response ? new Date(r.first_response).toISOString() : null,
    responses: Number(r.responses),
    seconds_to_respond: r.first_response && r.delivered_at ? Math.round((new Date(r.first_response).getTime() - new Date(r.delivered_at).getTime()) / 1000) : null,
  }));
}

/** Player view: only delivered injects addressed to the player's team; never the MSEL's other fields. */
export async function playerView(q: Queryable, ex: ExerciseRow, participantId: number, team: string) {
  const { rows } = await q.query(
    `SELECT i.number, i.from_persona, i.channel, i.subject, i.content, i.delivered_at, i.delivered_scenario_at,
        (SELECT a.at FROM exercise_acks a WHERE a.inject_id = i.id AND a.participant_id = $3) AS acknowledged_at
     FROM exercise_injects i WHERE i.exercise_id = $1 AND i.delivered_at IS NOT NULL AND $2 = ANY(i.to_teams)
     ORDER BY i.delivered_at, i.id`,
    [ex.id, team, participantId],
  );
  const log = await q.query(
    `SELECT l.id, l.kind, l.text, l.at, l.scenario_at, i.number AS inject FROM exercise_player_log l LEFT JOIN exercise_injects i ON i.id = l.inject_id
     WHERE l.exercise_id = $1 AND l.participant_id = $2 ORDER BY l.at`,
    [ex.id, participantId],
  );
  return {
    injects: rows.map(playerInject),
    log: log.rows.map((r: any) => ({ id: Number(r.id), kind: r.kind, text: r.text, at: new Date(r.at).toISOString(), scenario_at: r.scenario_at ? new Date(r.scenario_at).toISOString() : null, inject: r.inject })),
  };
}

export function playerInject(r: any) {
  return {
    number: r.number as string,
    from: r.from_persona as string | null,
    channel: r.channel as string,
    subject: r.subject as string,
    content: r.content as string,
    delivered_at: new Date(r.delivered_at).toISOString(),
    scenario_at: r.delivered_scenario_at ? new Date(r.delivered_scenario_at).toISOString() : null,
    acknowledged_at: r.acknowledged_at ? new Date(r.acknowledged_at).toISOString() : null,
  };
}

/** The timeline of play, for replay and for the report. */
export async function timeline(q: Queryable, exerciseId: number) {
  const { rows } = await q.query(
    `SELECT v.id, v.at, v.scenario_at, v.kind, v.teams, v.details, i.number, u.display_name AS actor
     FROM exercise_events v LEFT JOIN exercise_injects i ON i.id = v.inject_id LEFT JOIN users u ON u.id = v.actor_id
     WHERE v.exercise_id = $1 ORDER BY v.id`,
    [exerciseId],
  );
  return rows.map((r: any) => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    scenario_at: r.scenario_at ? new Date(r.scenario_at).toISOString() : null,
    kind: r.kind as string,
    inject: r.number as string | null,
    teams: r.teams as string[] | null,
    actor: r.actor as string | null,
    details: r.details,
  }));
}

export function clockView(ex: ExerciseRow, now: Date) {
  return {
    state: ex.clock_state,
    scenario_at: scenarioNow(ex, now).toISOString(),
    wall_at: now.toISOString(),
    startex: new Date(ex.startex).toISOString(),
  };
}
