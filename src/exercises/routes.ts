// Simulation exercises (LIVEX / SIMEX): design, MSEL, live control with server-sent events,
// evaluation, after-action report and improvement plan. Every answer carries the EXERCISE
// mark. Every route declares what it touches (access.ts, EXERCISES_ACCESS) and the one access
// mechanism (src/platform/auth/scope.ts) checks it before the handler runs.
import { z } from 'zod';
import { Readable } from 'node:stream';
import type { Api, Capability } from '../platform/http/app.ts';
import { AppError } from '../platform/http/errors.ts';
import { receiveUpload } from '../platform/http/uploads.ts';
import { addMessages } from '../platform/i18n/messages.ts';
import { audit } from '../platform/audit.ts';
import type { Database } from '../platform/db/database.ts';
import { declareAccess } from '../platform/auth/scope.ts';
import { exercisesAccess, standing, listFilter, requireUser, type ExerciseAccess } from './access.ts';
import * as S from './store.ts';
import * as L from './live.ts';
import * as E from './evaluation.ts';
import { ExerciseHub } from './hub.ts';
import { parseDateTime } from './time.ts';
import { registerReportRoutes } from './report-routes.ts';
import './province-section.ts';

addMessages(new URL('./locales/', import.meta.url));

export const EXERCISE_MARK = 'EXERCISE';
const P = '/api/v1/exercises';
const tags = ['exercises'];
const codeParam = z.object({ code: z.string().min(1).max(64) });
const injectParam = z.object({ code: z.string().min(1).max(64), number: z.string().min(1).max(32) });
const ok = z.object({ mark: z.literal(EXERCISE_MARK), ok: z.literal(true) });
const any = z.any();
const isoDate = z.iso.date();
const dateTime = z.string().min(1).max(40).describe('ISO date-time with offset, or Tehran wall time YYYY-MM-DD HH:MM (Gregorian or Jalali)');

function instant(field: string, s: string): Date {
  const r = parseDateTime(s);
  if (!r.ok) throw new AppError('ex_bad_time', 400, { field, value: s });
  return r.at;
}

const marked = <T extends object>(x: T) => ({ mark: EXERCISE_MARK as typeof EXERCISE_MARK, ...x });
const done = () => ({ mark: EXERCISE_MARK as typeof EXERCISE_MARK, ok: true as const });

/** The whole design of an exercise, without the MSEL. */
export async function exerciseOverview(db: Database, a: ExerciseAccess) {
  const ex = a.ex;
  const q = (sql: string) => db.many(sql, [ex.id]);
  const [agencies, objectives, targets, tasks, teams, personas, participants, meetings, actions] = await Promise.all([
    q('SELECT a.code, a.name_en, a.name_fa FROM exercise_agencies x JOIN agencies a ON a.id = x.agency_id WHERE x.exercise_id = $1 ORDER BY a.code'),
    q('SELECT code, text, capability FROM exercise_objectives WHERE exercise_id = $1 ORDER BY code'),
    q('SELECT t.id, t.code, o.code AS objective, t.capability, t.description, t.threshold, t.time_limit_minutes FROM exercise_targets t LEFT JOIN exercise_objectives o ON o.id = t.objective_id WHERE t.exercise_id = $1 ORDER BY t.code'),
    q('SELECT k.id, k.target_id, k.code, k.description FROM exercise_critical_tasks k JOIN exercise_targets t ON t.id = k.target_id WHERE t.exercise_id = $1 ORDER BY k.code'),
    q('SELECT t.code, t.name, a.code AS agency FROM exercise_teams t LEFT JOIN agencies a ON a.id = t.agency_id WHERE t.exercise_id = $1 ORDER BY t.code'),
    q('SELECT code, name, description FROM exercise_personas WHERE exercise_id = $1 ORDER BY code'),
    q(`SELECT p.id, p.name, p.role, u.username, a.code AS agency, t.code AS team, pe.code AS persona FROM exercise_participants p
       LEFT JOIN users u ON u.id = p.user_id LEFT JOIN agencies a ON a.id = p.agency_id LEFT JOIN exercise_teams t ON t.id = p.team_id
       LEFT JOIN exercise_personas pe ON pe.id = p.persona_id WHERE p.exercise_id = $1 ORDER BY p.role, p.name`),
    q('SELECT id, kind, held_on, notes FROM exercise_meetings WHERE exercise_id = $1 ORDER BY held_on, id'),
    q('SELECT ai.id, ai.meeting_id, ai.text, ai.owner, ai.due_on, ai.done FROM exercise_action_items ai JOIN exercise_meetings m ON m.id = ai.meeting_id WHERE m.exercise_id = $1 ORDER BY ai.id'),
  ]);
  const injects = await db.one('SELECT count(*) AS n FROM exercise_injects WHERE exercise_id = $1', [ex.id]);
  return marked({
    code: ex.code,
    type: ex.type,
    family: S.DISCUSSION_TYPES.includes(ex.type) ? 'discussion' : 'operations',
    title: ex.title,
    description: ex.description,
    startex: new Date(ex.startex).toISOString(),
    province_code: ex.province_code,
    fmp_code: ex.fmp_code,
    plan: { title: ex.plan_title, version: ex.plan_version },
    status: ex.status,
    clock: L.clockView(ex, new Date()),
    my_role: a.manager ? 'manager' : a.role,
    my_team: a.team,
    can: { see_msel: a.seesMsel, control: a.controls, evaluate: a.evaluates, play: a.plays, manage: a.manager },
    agencies,
    objectives,
    targets: targets.map((t: any) => ({ ...t, id: Number(t.id), tasks: tasks.filter((k: any) => k.target_id === t.id).map((k: any) => ({ id: Number(k.id), code: k.code, description: k.description })) })),
    teams,
    personas: a.seesMsel ? personas : [],
    participants: participants.map((p: any) => ({ ...p, id: Number(p.id) })),
    meetings: meetings.map((m: any) => ({ ...m, id: Number(m.id), action_items: actions.filter((x: any) => x.meeting_id === m.id).map((x: any) => ({ ...x, id: Number(x.id), meeting_id: undefined })) })),
    inject_count: Number(injects.n),
  });
}

export const exercisesCapability: Capability = {
  name: 'exercises',
  async routes(plainApi: Api, { db }) {
    const api = declareAccess(plainApi, exercisesAccess(db));
    const hub = new ExerciseHub(db);
    api.addHook('onReady', async () => hub.wake());
    // Open event streams would hold a shutdown until their clients leave: end them first.
    api.addHook('preClose', async () => hub.stop());

    api.get(P, { schema: { tags, summary: 'Simulation exercises the caller may see', response: { 200: any } } }, async (req) => {
      const p = requireUser(req.principal);
      const params: unknown[] = [];
      const where = listFilter(p, params);
      const rows = await db.many(
        `SELECT e.code, e.type, e.title, e.startex, e.province_code, e.fmp_code, e.status, e.clock_state,
           (SELECT count(*) FROM exercise_injects i WHERE i.exercise_id = e.id) AS injects
         FROM exercises e WHERE ${where} ORDER BY e.startex DESC`,
        params,
      );
      return marked({ exercises: rows.map((r: any) => ({ ...r, startex: new Date(r.startex).toISOString(), injects: Number(r.injects) })) });
    });

    api.post(
      P,
      {
        schema: {
          tags,
          summary: 'Create a simulation exercise',
          body: z.object({
            code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/).max(64),
            type: z.enum(S.EXERCISE_TYPES),
            title: z.string().min(1).max(300),
            startex: dateTime,
            description: z.string().max(5000).nullish(),
            province_code: z.string().regex(/^IR-\d{2}$/).nullish(),
            fmp_code: z.string().max(64).nullish(),
            plan_title: z.string().max(300).nullish(),
            plan_version: z.string().max(50).nullish(),
            agencies: z.array(z.string()).max(50).optional(),
          }),
          response: { 201: any },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const startex = instant('startex', b.startex);
        await db.tx((c) => S.createExercise(c, req.actor(), { ...b, startex }));
        return reply.status(201).send(marked({ code: b.code }));
      },
    );

    api.get(`${P}/:code`, { schema: { tags, summary: 'An exercise: design, people, meetings, clock (no MSEL)', params: codeParam, response: { 200: any } } }, async (req) => {
      return exerciseOverview(db, standing(req));
    });

    // ---- design (managers of the exercise's province)
    const design = <B extends z.ZodTypeAny>(path: string, summary: string, body: B, fn: (c: any, a: ExerciseAccess, b: z.infer<B>, req: any) => Promise<unknown>) =>
      api.post(`${P}/:code/${path}`, { schema: { tags, summary, params: codeParam, body, response: { 200: any } } }, async (req: any) => {
        const a = standing(req);
        const r = await db.tx((c) => fn(c, a, req.body, req));
        return marked({ ok: true, result: r ?? null });
      });

    design('teams', 'Add or change a team of players', z.object({ code: z.string().min(1).max(40), name: z.string().min(1).max(200), agency: z.string().nullish() }), (c, a, b, req) => S.addTeam(c, req.actor(), a.ex, b));
    design('objectives', 'Add or change an objective (linked to a capability)', z.object({ code: z.string().min(1).max(20), text: z.string().min(1).max(2000), capability: z.string().min(1).max(200) }), (c, a, b, req) =>
      S.addObjective(c, req.actor(), a.ex, b),
    );
    design(
      'targets',
      'Add or change a capability target with its critical tasks',
      z.object({
        code: z.string().min(1).max(20),
        objective: z.string().nullish(),
        capability: z.string().max(200).nullish(),
        description: z.string().min(1).max(2000),
        threshold: z.string().max(500).nullish(),
        time_limit_minutes: z.number().int().positive().nullish(),
        tasks: z.array(z.object({ code: z.string().min(1).max(20), description: z.string().min(1).max(1000) })).max(50).optional(),
      }),
      (c, a, b, req) => S.addTarget(c, req.actor(), a.ex, b),
    );
    design('personas', 'Add or change a persona (a simulated outside body)', z.object({ code: z.string().min(1).max(40), name: z.string().min(1).max(200), description: z.string().max(2000).nullish() }), (c, a, b, req) =>
      S.addPersona(c, req.actor(), a.ex, b),
    );
    design(
      'participants',
      'Give a person a role in this exercise',
      z.object({ role: z.enum(S.ROLES), username: z.string().nullish(), name: z.string().max(200).nullish(), agency: z.string().nullish(), team: z.string().nullish(), persona: z.string().nullish() }),
      (c, a, b, req) => S.addParticipant(c, req.actor(), a.ex, b),
    );
    design(
      'meetings',
      'Record a planning meeting with its action items',
      z.object({
        kind: z.enum(['concept_objectives', 'initial', 'midterm', 'msel', 'final', 'after_action', 'other']),
        held_on: isoDate,
        notes: z.string().max(5000).nullish(),
        action_items: z.array(z.object({ text: z.string().min(1).max(1000), owner: z.string().max(200).nullish(), due_on: isoDate.nullish() })).max(100).optional(),
      }),
      (c, a, b, req) => S.addMeeting(c, req.actor(), a.ex, b),
    );
    design('agencies', 'Set the participating agencies', z.object({ agencies: z.array(z.string()).max(50) }), async (c, a, b, req) => {
      await S.setAgencies(c, a.ex.id, b.agencies);
      await audit(c, req.actor(), 'exercise.agencies', 'exercise', a.ex.code, { agencies: b.agencies });
    });
    design('startex', 'Move STARTEX (the schedule moves with it; before play only)', z.object({ startex: dateTime }), (c, a, b, req) => S.moveStartex(c, req.actor(), a.ex, instant('startex', b.startex)));

    // ---- MSEL (never for players, observers or actors)
    api.get(`${P}/:code/msel`, { schema: { tags, summary: 'The MSEL: injects with number and scheduled_at', params: codeParam, response: { 200: any } } }, async (req) => {
      const a = standing(req);
      await db.tx((c) => audit(c, req.actor(), 'exercise.msel.read', 'exercise', a.ex.code));
      return marked({ exercise: a.ex.code, startex: new Date(a.ex.startex).toISOString(), injects: await S.listMsel(db, a.ex.id) });
    });

    api.get(`${P}/:code/msel.xlsx`, { schema: { tags, summary: 'The MSEL as a sheet in the import format (EXERCISE-marked), to reuse in another exercise', params: codeParam, querystring: z.object({ lang: z.enum(['en', 'fa']).optional() }) } }, async (req, reply) => {
      const a = standing(req);
      const lang = req.query.lang ?? req.locale;
      const buf = await S.mselToXlsx(db, a.ex, lang);
      await db.tx((c) => audit(c, req.actor(), 'exercise.msel.export', 'exercise', a.ex.code, { lang }));
      reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="EXERCISE-${a.ex.code}-msel.xlsx"`);
      return reply.send(buf);
    });

    const injectBody = z.object({
      number: z.string().min(1).max(32),
      time: z.string().min(1).max(40),
      phase: z.string().max(200).nullish(),
      from: z.string().max(200).nullish(),
      to: z.array(z.string()).min(1).max(50),
      channel: z.string().max(40),
      subject: z.string().min(1).max(500),
      content: z.string().min(1).max(20000),
      expected_action: z.string().max(5000).nullish(),
      objectives: z.array(z.string()).max(50).optional(),
      critical_tasks: z.array(z.string()).max(50).optional().describe('codes of the critical tasks the inject tests'),
      contingency: z.boolean().optional().describe('delivered only by hand (send now), when needed'),
    });
    api.post(`${P}/:code/injects`, { schema: { tags, summary: 'Add an inject to the MSEL', params: codeParam, body: injectBody, response: { 200: ok } } }, async (req) => {
      const a = standing(req);
      await db.tx((c) => S.addInject(c, req.actor(), a.ex, req.body));
      return done();
    });

    api.post(
      `${P}/:code/msel/import`,
      {
        schema: {
          tags,
          summary: 'Import an MSEL sheet (CSV or XLSX, base64): all rows or none; problems as row, column, value, why',
          params: codeParam,
          body: z.object({ file_name: z.string().regex(/\.(csv|xlsx|txt)$/i), content_base64: z.string().max(10_000_000), dry_run: z.boolean().optional() }),
          response: { 200: any, 422: any },
        },
      },
      async (req, reply) => {
        const a = standing(req);
        // A private file (0600 in a 0700 folder), removed after the import and swept at start if the process died.
        const upload = await receiveUpload(Readable.from([Buffer.from(req.body.content_base64, 'base64')]), /\.xlsx$/i.test(req.body.file_name) ? 'msel.xlsx' : 'msel.csv');
        try {
          const r = await S.importMsel(db, req.actor(), a.ex.code, upload.path, { dryRun: req.body.dry_run, fileName: req.body.file_name });
          return reply.status(r.ok ? 200 : 422).send(marked(r));
        } finally {
          upload.remove();
        }
      },
    );

    api.post(
      `${P}/:code/msel/shift`,
      {
        schema: {
          tags,
          summary: 'Shift part of the schedule (from an inject on, or listed injects); the gaps stay',
          params: codeParam,
          body: z.object({ minutes: z.number().int().refine((n) => n !== 0), from_number: z.string().nullish(), numbers: z.array(z.string()).max(500).nullish() }),
          response: { 200: any },
        },
      },
      async (req) => {
        const a = standing(req);
        const moved = await db.tx((c) => S.shiftInjects(c, req.actor(), a.ex, { seconds: req.body.minutes * 60, from_number: req.body.from_number, numbers: req.body.numbers }));
        return marked({ moved });
      },
    );

    // ---- live control
    api.post(
      `${P}/:code/clock`,
      {
        schema: {
          tags,
          summary: 'Start, pause, resume, end the exercise clock or jump scenario time ahead',
          params: codeParam,
          body: z.object({ action: z.enum(['start', 'pause', 'resume', 'end', 'jump']), minutes: z.number().int().positive().optional(), to: dateTime.optional(), skip: z.boolean().optional() }),
          response: { 200: any },
        },
      },
      async (req) => {
        const a = standing(req);
        const b = req.body;
        if (b.action === 'jump' && !b.minutes && !b.to) throw new AppError('ex_jump_needs', 400);
        const action: L.ClockAction = b.action === 'jump' ? { action: 'jump', minutes: b.minutes, to: b.to ? instant('to', b.to) : undefined, skip: b.skip } : { action: b.action };
        const r = await db.tx((c) => L.clock(c, req.actor(), a.ex.id, action));
        if (r.state === 'running') {
          await L.deliverDue(db); // a start or jump that reaches injects delivers them now
          hub.wake();
        }
        return marked({ state: r.state, scenario_at: r.scenario_at.toISOString(), skipped: r.skipped ?? 0 });
      },
    );

    api.post(`${P}/:code/injects/:number/send`, { schema: { tags, summary: 'Send an inject now, whatever the clock says', params: injectParam, response: { 200: ok } } }, async (req) => {
      const a = standing(req);
      await db.tx((c) => L.sendNow(c, req.actor(), a.ex, req.params.number));
      hub.wake();
      return done();
    });

    api.get(`${P}/:code/control`, { schema: { tags, summary: 'Controller view: each inject planned / delivered / acknowledged / responded, and the clock', params: codeParam, response: { 200: any } } }, async (req) => {
      const a = standing(req);
      hub.wake();
      return marked({ clock: L.clockView(a.ex, new Date()), injects: await L.controlView(db, a.ex) });
    });

    api.get(`${P}/:code/play`, { schema: { tags, summary: "Player view: delivered injects addressed to the player's team, and their log", params: codeParam, response: { 200: any } } }, async (req) => {
      const a = standing(req);
      hub.wake();
      return marked({ clock: L.clockView(a.ex, new Date()), team: a.team, ...(await L.playerView(db, a.ex, a.participantId!, a.team!)) });
    });

    api.post(`${P}/:code/injects/:number/ack`, { schema: { tags, summary: 'A player acknowledges an inject', params: injectParam, response: { 200: ok } } }, async (req) => {
      const a = standing(req);
      await db.tx((c) => L.acknowledge(c, req.actor(), a.ex, a.participantId!, a.team!, req.params.number));
      return done();
    });

    api.post(
      `${P}/:code/log`,
      {
        schema: {
          tags,
          summary: 'A player logs an action, decision or response (optionally to an inject)',
          params: codeParam,
          body: z.object({ kind: z.enum(['action', 'decision', 'response']), text: z.string().min(1).max(5000), inject: z.string().max(32).nullish() }),
          response: { 200: any },
        },
      },
      async (req) => {
        const a = standing(req);
        const id = await db.tx((c) => L.logEntry(c, req.actor(), a.ex, a.participantId!, a.team, req.body));
        return marked({ id });
      },
    );

    api.get(`${P}/:code/timeline`, { schema: { tags, summary: 'Everything that happened, timestamped in wall and scenario time (replay)', params: codeParam, response: { 200: any } } }, async (req) => {
      const a = standing(req);
      return marked({ events: await L.timeline(db, a.ex.id) });
    });

    api.get(`${P}/:code/stream`, { schema: { tags, summary: 'Server-sent events: clock changes, and deliveries (players get only their team\'s)', params: codeParam } }, async (req, reply) => {
      const a = standing(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      const write = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      write('hello', marked({ clock: L.clockView(a.ex, new Date()), team: a.team }));
      const unsubscribe = hub.subscribe({
        exerciseId: a.ex.id,
        team: a.team,
        full: a.seesMsel,
        send: (e) => {
          if (e.kind === 'delivered' && !a.seesMsel) write('inject', marked({ inject: e.inject, at: e.at }));
          else write(e.kind, marked(a.seesMsel ? { ...e, inject: e.inject } : { kind: e.kind, at: e.at, scenario_at: e.scenario_at, state: e.details?.state }));
        },
        end: () => res.end(),
      });
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      ping.unref?.();
      req.raw.on('close', () => {
        clearInterval(ping);
        unsubscribe();
      });
    });

    E.registerEvaluationRoutes(api, db);
    registerReportRoutes(api, db);
  },
};
