// Evaluation: evaluator forms per capability target (P / S / M / U with observations and
// times), critical tasks performed, time to respond per inject, hot-wash notes and
// participant feedback; and the summary the after-action report is drafted from.
import { z } from 'zod';
import type { Api } from '../platform/http/app.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { AppError } from '../platform/http/errors.ts';
import { audit } from '../platform/audit.ts';
import { normalisePersian } from '../platform/text.ts';
import { standing } from './access.ts';
import { parseDateTime } from './time.ts';
import { controlView } from './live.ts';
import type { ExerciseRow } from './store.ts';

export const RATINGS = ['P', 'S', 'M', 'U'] as const;
export type Rating = (typeof RATINGS)[number];
/** Ordered best to worst; the capability's rating is the most frequent one, ties going to the worse. */
const ORDER: Record<Rating, number> = { P: 0, S: 1, M: 2, U: 3 };

export function rollUp(ratings: Rating[]): Rating | null {
  if (!ratings.length) return null;
  const counts = new Map<Rating, number>();
  for (const r of ratings) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || ORDER[b[0]] - ORDER[a[0]])[0]![0];
}

export interface EvaluationSummary {
  capabilities: {
    capability: string;
    rating: Rating | null;
    targets: { code: string; description: string; threshold: string | null; time_limit_minutes: number | null; rating: Rating | null; ratings: { rating: Rating; evaluator: string; observations: string | null; observed_from: string | null; observed_to: string | null }[] }[];
  }[];
  tasks: { total: number; observed: number; performed: number; share_performed: number | null; list: { code: string; target: string; description: string; performed: boolean | null }[] };
  injects: { number: string; subject: string; delivered_at: string | null; responded_at: string | null; seconds_to_respond: number | null }[];
  median_seconds_to_respond: number | null;
  hotwash: { kind: 'strength' | 'improvement'; capability: string | null; text: string }[];
  feedback: { count: number; average_rating: number | null; strengths: string[]; improvements: string[] };
}

export async function summary(q: Queryable, ex: ExerciseRow): Promise<EvaluationSummary> {
  const targets = (await q.query('SELECT id, code, capability, description, threshold, time_limit_minutes FROM exercise_targets WHERE exercise_id = $1 ORDER BY code', [ex.id])).rows;
  const ratings = (
    await q.query(
      `SELECT r.target_id, r.rating, r.observations, r.observed_from, r.observed_to, coalesce(u.display_name, '') AS evaluator
       FROM exercise_ratings r LEFT JOIN users u ON u.id = r.evaluator_id WHERE r.exercise_id = $1 ORDER BY r.id`,
      [ex.id],
    )
  ).rows;
  const tasks = (
    await q.query(
      `SELECT k.id, k.code, k.description, t.code AS target,
         bool_or(o.performed) FILTER (WHERE o.performed IS NOT NULL) AS performed, count(o.*) AS observations
       FROM exercise_critical_tasks k JOIN exercise_targets t ON t.id = k.target_id LEFT JOIN exercise_task_observations o ON o.task_id = k.id
       WHERE t.exercise_id = $1 GROUP BY k.id, t.code ORDER BY t.code, k.code`,
      [ex.id],
    )
  ).rows;
  const caps = [...new Set(targets.map((t: any) => t.capability as string))];
  const iso = (d: any) => (d ? new Date(d).toISOString() : null);
  const capabilities = caps.map((capability) => {
    const ts = targets
      .filter((t: any) => t.capability === capability)
      .map((t: any) => {
        const rs = ratings.filter((r: any) => r.target_id === t.id);
        return {
          code: t.code,
          description: t.description,
          threshold: t.threshold,
          time_limit_minutes: t.time_limit_minutes,
          rating: rollUp(rs.map((r: any) => r.rating)),
          ratings: rs.map((r: any) => ({ rating: r.rating, evaluator: r.evaluator, observations: r.observations, observed_from: iso(r.observed_from), observed_to: iso(r.observed_to) })),
        };
      });
    return { capability, rating: rollUp(ts.map((t) => t.rating).filter((x): x is Rating => x !== null)), targets: ts };
  });
  // A task counts as performed when an evaluator saw it performed (any evaluator).
  const observed = tasks.filter((t: any) => Number(t.observations) > 0);
  const performed = tasks.filter((t: any) => t.performed === true);
  const injects = (await controlView(q, ex)).filter((i) => i.delivered_at);
  const times = injects.map((i) => i.seconds_to_respond).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const median = times.length ? (times.length % 2 ? times[(times.length - 1) / 2]! : Math.round((times[times.length / 2 - 1]! + times[times.length / 2]!) / 2)) : null;
  const hotwash = (await q.query('SELECT kind, capability, text FROM exercise_hotwash WHERE exercise_id = $1 ORDER BY id', [ex.id])).rows;
  const fb = (await q.query('SELECT rating, strengths, improvements FROM exercise_feedback WHERE exercise_id = $1 ORDER BY id', [ex.id])).rows;
  return {
    capabilities,
    tasks: {
      total: tasks.length,
      observed: observed.length,
      performed: performed.length,
      share_performed: tasks.length ? performed.length / tasks.length : null,
      list: tasks.map((t: any) => ({ code: t.code, target: t.target, description: t.description, performed: Number(t.observations) > 0 ? t.performed === true : null })),
    },
    injects: injects.map((i) => ({ number: i.number, subject: i.subject, delivered_at: i.delivered_at, responded_at: i.responded_at, seconds_to_respond: i.seconds_to_respond })),
    median_seconds_to_respond: median,
    hotwash,
    feedback: {
      count: fb.length,
      average_rating: fb.length ? Math.round((fb.reduce((s: number, r: any) => s + r.rating, 0) / fb.length) * 10) / 10 : null,
      strengths: fb.map((r: any) => r.strengths).filter(Boolean),
      improvements: fb.map((r: any) => r.improvements).filter(Boolean),
    },
  };
}

const opt = (field: string, s: string | null | undefined) => {
  if (!s) return null;
  const r = parseDateTime(s);
  if (!r.ok) throw new AppError('ex_bad_time', 400, { field, value: s });
  return r.at;
};

export function registerEvaluationRoutes(api: Api, db: Database) {
  const P = '/api/v1/exercises';
  const tags = ['exercises'];
  const codeParam = z.object({ code: z.string().min(1).max(64) });
  const mark = 'EXERCISE' as const;

  api.get(`${P}/:code/evaluation`, { schema: { tags, summary: 'Evaluation: ratings by capability, critical tasks performed, time to respond, hot wash, feedback', params: codeParam, response: { 200: z.any() } } }, async (req) => {
    const a = standing(req);
    const mine = await db.many(
      `SELECT t.code AS target, r.rating, r.observations FROM exercise_ratings r JOIN exercise_targets t ON t.id = r.target_id WHERE r.exercise_id = $1 AND r.evaluator_id = $2`,
      [a.ex.id, a.principal.id],
    );
    const myTasks = await db.many(
      `SELECT k.id, o.performed, o.notes FROM exercise_task_observations o JOIN exercise_critical_tasks k ON k.id = o.task_id JOIN exercise_targets t ON t.id = k.target_id WHERE t.exercise_id = $1 AND o.evaluator_id = $2`,
      [a.ex.id, a.principal.id],
    );
    return { mark, ...(await summary(db, a.ex)), mine: { ratings: mine, tasks: myTasks.map((x: any) => ({ ...x, id: Number(x.id) })) } };
  });

  api.post(
    `${P}/:code/ratings`,
    {
      schema: {
        tags,
        summary: 'An evaluator rates a capability target (P / S / M / U) with observations and times',
        params: codeParam,
        body: z.object({ target: z.string().min(1), rating: z.enum(RATINGS), observations: z.string().max(10000).nullish(), observed_from: z.string().max(40).nullish(), observed_to: z.string().max(40).nullish() }),
        response: { 200: z.any() },
      },
    },
    async (req) => {
      const a = standing(req);
      const b = req.body;
      const t = await db.one('SELECT id FROM exercise_targets WHERE exercise_id = $1 AND code = $2', [a.ex.id, b.target]);
      if (!t) throw new AppError('ex_unknown_target', 400, { code: b.target });
      await db.tx(async (c) => {
        await c.query(
          `INSERT INTO exercise_ratings (exercise_id, target_id, evaluator_id, rating, observations, observed_from, observed_to) VALUES ($1,$2,$3,$4,$5,$6,$7)
           ON CONFLICT (target_id, evaluator_id) DO UPDATE SET rating = EXCLUDED.rating, observations = EXCLUDED.observations, observed_from = EXCLUDED.observed_from, observed_to = EXCLUDED.observed_to, created_at = now()`,
          [a.ex.id, t.id, a.principal.id, b.rating, b.observations ? normalisePersian(b.observations) : null, opt('observed_from', b.observed_from), opt('observed_to', b.observed_to)],
        );
        await audit(c, req.actor(), 'exercise.rating', 'exercise', a.ex.code, { target: b.target, rating: b.rating });
      });
      return { mark, ok: true };
    },
  );

  api.post(
    `${P}/:code/tasks/:task/observation`,
    {
      schema: {
        tags,
        summary: 'An evaluator records whether a critical task was performed',
        params: z.object({ code: z.string(), task: z.coerce.number().int().positive() }),
        body: z.object({ performed: z.boolean(), observed_at: z.string().max(40).nullish(), notes: z.string().max(5000).nullish() }),
        response: { 200: z.any() },
      },
    },
    async (req) => {
      const a = standing(req);
      const k = await db.one('SELECT k.id FROM exercise_critical_tasks k JOIN exercise_targets t ON t.id = k.target_id WHERE t.exercise_id = $1 AND k.id = $2', [a.ex.id, req.params.task]);
      if (!k) throw new AppError('ex_unknown_task', 404, { id: req.params.task });
      await db.tx(async (c) => {
        await c.query(
          `INSERT INTO exercise_task_observations (task_id, evaluator_id, performed, observed_at, notes) VALUES ($1,$2,$3,$4,$5)
           ON CONFLICT (task_id, evaluator_id) DO UPDATE SET performed = EXCLUDED.performed, observed_at = EXCLUDED.observed_at, notes = EXCLUDED.notes`,
          [k.id, a.principal.id, req.body.performed, opt('observed_at', req.body.observed_at), req.body.notes ?? null],
        );
        await audit(c, req.actor(), 'exercise.task', 'exercise', a.ex.code, { task: Number(k.id), performed: req.body.performed });
      });
      return { mark, ok: true };
    },
  );

  api.post(
    `${P}/:code/hotwash`,
    {
      schema: { tags, summary: 'A hot-wash note: a strength or an area for improvement', params: codeParam, body: z.object({ kind: z.enum(['strength', 'improvement']), capability: z.string().max(200).nullish(), text: z.string().min(1).max(5000) }), response: { 200: z.any() } },
    },
    async (req) => {
      const a = standing(req);
      await db.tx(async (c) => {
        await c.query('INSERT INTO exercise_hotwash (exercise_id, kind, capability, text, author_id) VALUES ($1,$2,$3,$4,$5)', [a.ex.id, req.body.kind, req.body.capability ?? null, normalisePersian(req.body.text), a.principal.id]);
        await audit(c, req.actor(), 'exercise.hotwash', 'exercise', a.ex.code, { kind: req.body.kind });
      });
      return { mark, ok: true };
    },
  );

  api.post(
    `${P}/:code/feedback`,
    {
      schema: { tags, summary: 'A participant feedback form', params: codeParam, body: z.object({ rating: z.number().int().min(1).max(5), strengths: z.string().max(5000).nullish(), improvements: z.string().max(5000).nullish() }), response: { 200: z.any() } },
    },
    async (req) => {
      const a = standing(req);
      await db.tx(async (c) => {
        await c.query(
          `INSERT INTO exercise_feedback (exercise_id, user_id, role, rating, strengths, improvements) VALUES ($1,$2,$3,$4,$5,$6)
           ON CONFLICT (exercise_id, user_id) DO UPDATE SET rating = EXCLUDED.rating, strengths = EXCLUDED.strengths, improvements = EXCLUDED.improvements, created_at = now()`,
          [a.ex.id, a.principal.id, a.role, req.body.rating, req.body.strengths ? normalisePersian(req.body.strengths) : null, req.body.improvements ? normalisePersian(req.body.improvements) : null],
        );
        await audit(c, req.actor(), 'exercise.feedback', 'exercise', a.ex.code, { rating: req.body.rating });
      });
      return { mark, ok: true };
    },
  );
}
