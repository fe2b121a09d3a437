// After-action report (draft, validation, HTML and PDF in both languages), the improvement plan
// tracked across exercises (closure rate, overdue items), and the scenario from flow data.
import { z } from 'zod';
import type { Api } from '../platform/http/app.ts';
import type { Database } from '../platform/db/database.ts';
import { AppError } from '../platform/http/errors.ts';
import { audit } from '../platform/audit.ts';
import { requireCovers } from '../platform/auth/scope.ts';
import { normalisePersian } from '../platform/text.ts';
import { todayIso } from '../platform/calendar.ts';
import { t, type Locale } from '../platform/i18n/messages.ts';
import { fontFaces, htmlToPdf } from '../governance/report.ts';
import { standing, itemFilter, MANAGE } from './access.ts';
import { generateDraft, validateReport, loadReport, renderAar } from './report.ts';
import { surgeScenario, fmpLink } from './scenario.ts';

export const POETE = ['planning', 'organization', 'equipment', 'training', 'exercises'] as const;
export const ITEM_STATUSES = ['open', 'in_progress', 'completed', 'verified', 'cancelled'] as const;
type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Status moves of an improvement item; verification (closure) is a manager's, after completion. */
const MOVES: Record<ItemStatus, ItemStatus[]> = {
  open: ['in_progress', 'completed', 'cancelled'],
  in_progress: ['completed', 'cancelled', 'open'],
  completed: ['verified', 'in_progress'],
  verified: [],
  cancelled: ['open'],
};
export function canMove(from: ItemStatus, to: ItemStatus) {
  return MOVES[from].includes(to);
}

/** Closure rate = verified ÷ (all − cancelled); overdue = not closed and past due (Iran's date). */
export function planStats(items: { status: ItemStatus; due_on: string }[], today: string) {
  const live = items.filter((i) => i.status !== 'cancelled');
  const verified = live.filter((i) => i.status === 'verified').length;
  const overdue = live.filter((i) => i.status !== 'verified' && i.due_on < today).length;
  return { total: items.length, cancelled: items.length - live.length, verified, open: live.length - verified, overdue, closure_rate: live.length ? verified / live.length : null };
}

export function registerReportRoutes(api: Api, db: Database) {
  const P = '/api/v1/exercises';
  const tags = ['exercises'];
  const codeParam = z.object({ code: z.string().min(1).max(64) });
  const mark = 'EXERCISE' as const;
  const langQ = z.object({ lang: z.enum(['en', 'fa']).optional() });

  // ---- after-action report
  api.post(`${P}/:code/report/draft`, { schema: { tags, summary: 'Generate the after-action report draft from the evaluation', params: codeParam, response: { 200: z.any() } } }, async (req) => {
    const a = standing(req);
    const draft = await db.tx((c) => generateDraft(c, req.actor(), a.ex));
    return { mark, status: 'draft', draft };
  });

  api.post(
    `${P}/:code/report/validate`,
    { schema: { tags, summary: 'Validate the report at the after-action meeting', params: codeParam, body: z.object({ held_on: z.iso.date(), notes: z.string().max(10000).nullish() }), response: { 200: z.any() } } },
    async (req) => {
      const a = standing(req);
      await db.tx((c) => validateReport(c, req.actor(), a.ex, req.body));
      return { mark, ok: true };
    },
  );

  // The report is for planners, controllers, evaluators and directors; everyone with a role reads
  // it once validated (the grants of the 'exercise' resource, access.ts).
  const reportReader = async (req: any) => {
    const a = standing(req);
    return { a, rep: await loadReport(db, a.ex) };
  };
  const locale = (req: any): Locale => req.query.lang ?? req.locale;

  api.get(`${P}/:code/report`, { schema: { tags, summary: 'The after-action report (draft or validated)', params: codeParam, response: { 200: z.any() } } }, async (req) => {
    const { a, rep } = await reportReader(req);
    await db.tx((c) => audit(c, req.actor(), 'exercise.report.read', 'exercise', a.ex.code, { format: 'json' }));
    return { mark, ...rep };
  });

  api.get(`${P}/:code/report.html`, { schema: { tags, summary: 'The after-action report as a printable page', params: codeParam, querystring: langQ } }, async (req, reply) => {
    const { a, rep } = await reportReader(req);
    await db.tx((c) => audit(c, req.actor(), 'exercise.report.read', 'exercise', a.ex.code, { format: 'html' }));
    reply.header('content-type', 'text/html; charset=utf-8');
    return renderAar(rep, locale(req), { fonts: fontFaces({ baseUrl: '/api/v1/governance/fonts/' }) });
  });

  api.get(`${P}/:code/report.pdf`, { schema: { tags, summary: 'The after-action report as PDF (English or Persian), printed by Chromium', params: codeParam, querystring: langQ } }, async (req, reply) => {
    const { a, rep } = await reportReader(req);
    const l = locale(req);
    const footer = `${t(l, 'exreport.mark')} · ${l === 'fa' ? 'مرز' : 'Marz'} · ${a.ex.code} · ${t(l, `exreport.status_${rep.status}`)}`;
    const pdf = await htmlToPdf(renderAar(rep, l, { fonts: fontFaces('inline') }), footer, l);
    await db.tx((c) => audit(c, req.actor(), 'exercise.report.read', 'exercise', a.ex.code, { format: 'pdf', lang: l }));
    reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="EXERCISE-${a.ex.code}-aar-${l}.pdf"`);
    return reply.send(pdf);
  });

  // ---- improvement plan
  api.post(
    `${P}/:code/improvements`,
    {
      schema: {
        tags,
        summary: 'Add an improvement item (POETE category, owner agency, due date)',
        params: codeParam,
        body: z.object({ capability: z.string().min(1).max(200), title: z.string().min(1).max(500), description: z.string().max(5000).nullish(), poete: z.enum(POETE), owner_agency: z.string(), due_on: z.iso.date() }),
        response: { 201: z.any() },
      },
    },
    async (req, reply) => {
      const a = standing(req);
      const b = req.body;
      const ag = await db.one('SELECT id FROM agencies WHERE code = $1', [b.owner_agency]);
      if (!ag) throw new AppError('ex_unknown_agency', 400, { code: b.owner_agency });
      const id = await db.tx(async (c) => {
        const r = await c.query(
          'INSERT INTO exercise_improvement_items (exercise_id, capability, title, description, poete, owner_agency_id, due_on) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id',
          [a.ex.id, normalisePersian(b.capability), normalisePersian(b.title), b.description ? normalisePersian(b.description) : null, b.poete, ag.id, b.due_on],
        );
        await audit(c, req.actor(), 'exercise.improvement.add', 'exercise_improvement_item', String(r.rows[0].id), { exercise: a.ex.code, poete: b.poete, owner: b.owner_agency });
        return Number(r.rows[0].id);
      });
      return reply.status(201).send({ mark, id });
    },
  );

  api.get(
    '/api/v1/exercise-improvements',
    {
      schema: {
        tags,
        summary: 'The improvement plan across exercises, with closure rate and overdue items',
        querystring: z.object({ exercise: z.string().optional(), agency: z.string().optional(), status: z.enum(ITEM_STATUSES).optional(), overdue: z.enum(['true', 'false']).optional() }),
        response: { 200: z.any() },
      },
    },
    async (req) => {
      const p = req.principal!;
      const params: unknown[] = [];
      let where = itemFilter(p, params);
      if (req.query.exercise) {
        params.push(req.query.exercise);
        where += ` AND e.code = $${params.length}`;
      }
      if (req.query.agency) {
        params.push(req.query.agency);
        where += ` AND a.code = $${params.length}`;
      }
      const rows = await db.many(
        `SELECT i.id, e.code AS exercise, e.title AS exercise_title, e.type AS exercise_type, e.province_code, i.capability, i.title, i.description, i.poete,
            a.code AS owner_agency, a.name_en AS owner_name_en, a.name_fa AS owner_name_fa, i.due_on, i.status, i.completed_at, i.verified_at, i.evidence, i.created_at
         FROM exercise_improvement_items i JOIN exercises e ON e.id = i.exercise_id JOIN agencies a ON a.id = i.owner_agency_id
         WHERE ${where} ORDER BY i.due_on, i.id`,
        params,
      );
      const today = todayIso();
      const all = rows.map((r: any) => ({ ...r, id: Number(r.id), overdue: r.status !== 'verified' && r.status !== 'cancelled' && r.due_on < today }));
      let items = all;
      if (req.query.status) items = items.filter((i) => i.status === req.query.status);
      if (req.query.overdue === 'true') items = items.filter((i) => i.overdue);
      const byAgency = [...new Set(all.map((i) => i.owner_agency))].map((code) => ({ agency: code, ...planStats(all.filter((i) => i.owner_agency === code), today) }));
      return { mark, today, stats: planStats(all, today), by_agency: byAgency, items };
    },
  );

  api.patch(
    '/api/v1/exercise-improvements/:id',
    {
      schema: {
        tags,
        summary: 'Move an improvement item: open → in progress → completed → verified (closure by a planner), or cancelled',
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: z.object({ status: z.enum(ITEM_STATUSES), evidence: z.string().max(5000).nullish() }),
        response: { 200: z.any() },
      },
    },
    async (req) => {
      const p = req.principal!;
      const item = await db.one('SELECT i.id, i.status, e.code FROM exercise_improvement_items i JOIN exercises e ON e.id = i.exercise_id WHERE i.id = $1', [req.params.id]);
      if (!item) throw new AppError('ex_unknown_item', 404, { id: req.params.id });
      // The owner agency's people report progress and completion; closure is verified by a planner.
      const to = req.body.status as ItemStatus;
      if (to !== 'in_progress' && to !== 'completed') await requireCovers(db, req, MANAGE, req.access!.target!, 'closure');
      if (!canMove(item.status, to)) throw new AppError('ex_item_transition', 409, { from: item.status, to });
      await db.tx(async (c) => {
        await c.query(
          `UPDATE exercise_improvement_items SET status = $2, evidence = coalesce($3, evidence),
             completed_at = CASE WHEN $2 = 'completed' THEN now() WHEN $2 IN ('open', 'in_progress') THEN NULL ELSE completed_at END,
             verified_at = CASE WHEN $2 = 'verified' THEN now() ELSE NULL END, verified_by = CASE WHEN $2 = 'verified' THEN $4::uuid ELSE NULL END
           WHERE id = $1`,
          [item.id, to, req.body.evidence ?? null, p.id],
        );
        await audit(c, req.actor(), 'exercise.improvement.status', 'exercise_improvement_item', String(item.id), { from: item.status, to, exercise: item.code });
      });
      return { mark, ok: true };
    },
  );

  // ---- scenario from flow data
  api.post(
    `${P}/:code/scenario/flows`,
    {
      schema: {
        tags,
        summary: "Build surge injects from flow data: one a day, replaying a month of one FMP's movements scaled by a factor",
        params: codeParam,
        body: z.object({ fmp: z.string(), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), factor: z.number().positive().max(100), teams: z.array(z.string()).min(1), prefix: z.string().regex(/^[A-Za-z]{1,4}$/).optional() }),
        response: { 200: z.any() },
      },
    },
    async (req) => {
      const a = standing(req);
      // The scenario replays an FMP's flow data: flows.read over its province, by the one check.
      const f = await db.one('SELECT province_code FROM fmps WHERE code = $1', [req.body.fmp]);
      if (!f) throw new AppError('ex_unknown_fmp', 400, { code: req.body.fmp });
      await requireCovers(db, req, 'flows.read', { provinces: [f.province_code], type: 'fmp', id: req.body.fmp });
      const r = await db.tx((c) => surgeScenario(c, req.actor(), a.ex, { ...req.body, teams: req.body.teams.map((t) => t.toLowerCase()) }));
      return { mark, ...r };
    },
  );

  api.get(`${P}/:code/fmp`, { schema: { tags, summary: "The exercise FMP's alert thresholds, capacity and peak, beside the findings", params: codeParam, response: { 200: z.any() } } }, async (req) => {
    const a = standing(req);
    if (!a.ex.fmp_code) return { mark, fmp: null };
    return { mark, fmp: await fmpLink(db, a.ex.fmp_code) };
  });
}
