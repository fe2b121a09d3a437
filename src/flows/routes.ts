// Flow monitoring over HTTP: submissions (forms and the offline queue), review, dashboards,
// alerts, imports with progress, exports, survey questions and interviews, import mappings.
import { z } from 'zod';
import multipart from '@fastify/multipart';
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Capability } from '../platform/http/app.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { receiveUpload, type Upload, endStalledUpload } from '../platform/http/uploads.ts';
import { requirePermission, scopeOf, can, type Principal } from '../platform/auth/access.ts';
import { ownedResource, defineResource, intParam, UUID_RE } from '../platform/auth/scope.ts';

// What flows routes touch (access declarations in each route's config): records and alerts in
// their FMP's province; mappings and survey questions bounded by their owner and provinces.
defineResource('fmr_record', async (q, params) => {
  if (!UUID_RE.test(params.id ?? '')) return null;
  const r = (await q.query('SELECT province_code FROM fmr_records WHERE id = $1', [params.id])).rows[0];
  return r ? { provinces: [r.province_code], type: 'fmr_record', id: params.id } : null;
});
defineResource('flow_alert', async (q, params) => {
  const id = intParam(params.id);
  const r = id == null ? null : (await q.query('SELECT m.province_code FROM flow_alerts a JOIN fmps m ON m.code = a.fmp_code WHERE a.id = $1', [id])).rows[0];
  return r ? { provinces: [r.province_code], type: 'flow_alert', id: String(id) } : null;
});
ownedResource('flow_mapping', 'flow_mappings', 'name', 'name');
ownedResource('fms_question', 'fms_questions', 'code', 'code');
import { addMessages } from '../platform/i18n/messages.ts';
import { audit } from '../platform/audit.ts';
import { todayIso, addDays } from '../platform/calendar.ts';
import { submitRecords, reviewRecords, correctRecord, deleteRecord, REVIEW_ACTIONS } from './records.ts';
import { ReadCache } from '../platform/db/read-cache.ts';
import { headlineFigures, timeSeries, filterSql, nonresponseTotals, type FlowFilters } from './summary.ts';
import { importFlows } from './import.ts';
import { RefusedRows } from './refused.ts';
import { createJob, progressWriter, finishJob, failJob, getJob, jobErrorsCsv } from './jobs.ts';
import { exportFlows } from './export.ts';
import { parseMapping } from './mapping.ts';
import { STORED_SELECT } from './store.ts';
import { interviewSchema, submitInterview, loadQuestions, questionSchema } from './survey.ts';
import { checkAlerts, alertEpisodes } from './alerts.ts';

addMessages(new URL('./locales/', import.meta.url));

const isoDate = z.iso.date();
const filterQuery = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  fmp: z.string().optional().describe('FMP code(s), comma-separated'),
  province: z.string().optional().describe('province code(s), comma-separated'),
  neighbour: z.string().regex(/^[A-Z]{3}$/).optional(),
  direction: z.enum(['in', 'out']).optional(),
  nationality: z.string().regex(/^[A-Z]{3}$/).optional(),
  deported: z.enum(['yes', 'no', 'unknown']).optional(),
  approved_only: z.enum(['true', 'false']).optional(),
});
type FilterQuery = z.infer<typeof filterQuery>;

function filters(q: FilterQuery, p: Principal, permission = 'flows.read'): FlowFilters {
  const scope = scopeOf(p, permission);
  const to = q.to ?? todayIso();
  return {
    from: q.from ?? addDays(to, -29),
    to,
    fmps: q.fmp ? q.fmp.split(',') : undefined,
    provinces: q.province ? q.province.split(',') : undefined,
    neighbour: q.neighbour,
    direction: q.direction,
    nationality: q.nationality,
    deported: q.deported,
    approvedOnly: q.approved_only === 'true',
    scope: scope.allProvinces ? null : scope.provinces,
  };
}

const rawRecord = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]));
const toRaw = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? v.join(';') : v])) as any;
const problemSchema = z.object({ column: z.string(), value: z.string(), code: z.string(), message_en: z.string(), message_fa: z.string() });

/** The example mappings shipped in src/flows/mappings (file name, name, description, mapping). */
export function exampleMappings(): { file: string; name: string; description: string; mapping: unknown }[] {
  const dir = new URL('./mappings/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const mapping = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
      return { file, name: String(mapping.name ?? file), description: String(mapping.description ?? ''), mapping };
    });
}

/** The largest upload (MARZ_UPLOAD_LIMIT_MB, default 200 MB). */
export function uploadLimitMb(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.MARZ_UPLOAD_LIMIT_MB);
  return Number.isFinite(v) && v > 0 ? v : 200;
}

export const flowsCapability: Capability = {
  name: 'flows',
  async routes(api, { db }) {
    const limitMb = uploadLimitMb();
    await api.register(multipart, { limits: { fileSize: Math.floor(limitMb * 1024 ** 2), files: 1 } });
    // Dashboard figures, kept until the next change (only while `marz serve` follows changes).
    const dashboards = new ReadCache();

    // ---- submissions
    api.post(
      '/api/v1/flows/fmr',
      { config: { access: { permission: 'flows.submit' } },
        schema: {
          tags: ['flows'],
          summary: 'Submit FMR records (one or a batch); ids are made by the client, so resending is safe',
          body: z.object({ records: z.array(rawRecord).min(1).max(1000) }),
          response: {
            200: z.object({
              created: z.number(),
              duplicates: z.number(),
              invalid: z.number(),
              results: z.array(z.object({ id: z.string().nullable(), index: z.number().optional(), result: z.enum(['created', 'duplicate', 'invalid']), problems: z.array(problemSchema).optional() })),
            }),
          },
        },
      },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.submit');
        const results = await submitRecords(db, p, req.actor(), req.body.records.map(toRaw), 'form');
        const n = (k: string) => results.filter((r) => r.result === k).length;
        return { created: n('created'), duplicates: n('duplicate'), invalid: n('invalid'), results };
      },
    );

    api.get(
      '/api/v1/flows/fmr',
      { config: { access: { permission: 'flows.read' } },
        schema: {
          tags: ['flows'],
          summary: 'Records for review, newest observation first, with filters; page with offset',
          querystring: filterQuery.extend({
            status: z.enum(['received', 'approved', 'has_issues', 'rejected', 'all']).default('all'),
            enumerator: z.string().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: { 200: z.object({ total: z.number(), records: z.array(z.any()) }) },
        },
      },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.read');
        const q = req.query;
        const f = filters(q, p);
        const params: unknown[] = [];
        let where = filterSql({ ...f, approvedOnly: false }, params, { from: q.from ?? '2000-01-01', to: f.to, dayColumn: 'observed_on' }).replace("status <> 'rejected'", 'TRUE');
        if (q.status !== 'all') {
          params.push(q.status);
          where += ` AND status = $${params.length}`;
        }
        if (q.enumerator) {
          params.push(q.enumerator);
          where += ` AND enumerator = $${params.length}`;
        }
        const total = Number((await db.one(`SELECT count(*) AS n FROM fmr_records WHERE ${where}`, params))!.n);
        params.push(q.limit, q.offset);
        const records = await db.many(`SELECT ${STORED_SELECT} FROM fmr_records WHERE ${where} ORDER BY observed_on DESC, submitted_at DESC LIMIT $${params.length - 1} OFFSET $${params.length}`, params);
        return { total, records };
      },
    );

    api.get('/api/v1/flows/fmr/:id', { config: { access: { permission: 'flows.read', resource: 'fmr_record', hidden: true, audit: 'flows.record.read' } }, schema: { tags: ['flows'], summary: 'One record with its full history', params: z.object({ id: z.uuid() }), response: { 200: z.any() } } }, async (req) => {
      const p = requirePermission(req.principal, 'flows.read');
      const r = await db.one(`SELECT ${STORED_SELECT} FROM fmr_records WHERE id = $1`, [req.params.id]);
      if (!r || !can(p, 'flows.read', r.province_code)) throw notFound();
      const history = await db.many(
        `SELECT h.version, h.action, h.changes, h.comment, h.changed_at, u.username AS changed_by FROM fmr_history h LEFT JOIN users u ON u.id = h.changed_by WHERE h.record_id = $1 ORDER BY h.id`,
        [req.params.id],
      );
      return { ...r, history };
    });

    api.patch(
      '/api/v1/flows/fmr/:id',
      { config: { access: { permission: 'flows.review', resource: 'fmr_record', hidden: true } }, schema: { tags: ['flows'], summary: 'Correct a record (the change is kept in its history)', params: z.object({ id: z.uuid() }), body: z.object({ changes: rawRecord, comment: z.string().max(2000).nullable().optional() }), response: { 200: z.any() } } },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.review');
        return correctRecord(db, p, req.actor(), req.params.id, toRaw(req.body.changes), req.body.comment ?? null);
      },
    );

    api.delete('/api/v1/flows/fmr/:id', { config: { access: { permission: 'flows.review', resource: 'fmr_record', hidden: true } }, schema: { tags: ['flows'], summary: 'Delete a record (kept in the history)', params: z.object({ id: z.uuid() }), querystring: z.object({ comment: z.string().optional() }), response: { 204: z.null() } } }, async (req, reply) => {
      const p = requirePermission(req.principal, 'flows.review');
      await deleteRecord(db, p, req.actor(), req.params.id, req.query.comment ?? null);
      return reply.status(204).send(null);
    });

    api.post(
      '/api/v1/flows/fmr/review',
      { config: { access: { permission: 'flows.review' } },
        schema: {
          tags: ['flows'],
          summary: 'Approve, flag (with a comment), reject (with a comment) or reopen records',
          body: z.object({ ids: z.array(z.uuid()).min(1).max(500), action: z.enum(Object.keys(REVIEW_ACTIONS) as ['approve', 'flag', 'reject', 'reopen']), comment: z.string().max(2000).nullable().optional() }),
          response: { 200: z.object({ updated: z.number() }) },
        },
      },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.review');
        return { updated: await reviewRecords(db, p, req.actor(), req.body.ids, req.body.action, req.body.comment ?? null) };
      },
    );

    // ---- dashboards
    api.get('/api/v1/flows/summary', { config: { access: { permission: 'flows.read' } }, schema: { tags: ['flows'], summary: 'DTM headline figures for a period and filters (from the daily summaries)', querystring: filterQuery, response: { 200: z.any() } } }, async (req) => {
      const p = requirePermission(req.principal, 'flows.read');
      const f = filters(req.query, p);
      return dashboards.get(db, `summary ${JSON.stringify(f)}`, () => headlineFigures(db, f));
    });

    api.get(
      '/api/v1/flows/series',
      { config: { access: { permission: 'flows.read' } }, schema: { tags: ['flows'], summary: 'Movements over time by day, week (from Saturday) or month (Jalali months with calendar=jalali)', querystring: filterQuery.extend({ interval: z.enum(['day', 'week', 'month']).default('day'), calendar: z.enum(['gregorian', 'jalali']).default('gregorian') }), response: { 200: z.any() } } },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.read');
        const f = filters(req.query, p);
        const { interval, calendar } = req.query;
        return dashboards.get(db, `series ${interval} ${calendar} ${JSON.stringify(f)}`, () => timeSeries(db, f, interval, calendar));
      },
    );

    api.get('/api/v1/flows/map', { config: { access: { permission: 'flows.read' } }, schema: { tags: ['flows'], summary: 'Movements per FMP with its location, for the map', querystring: filterQuery, response: { 200: z.any() } } }, async (req) => {
      const p = requirePermission(req.principal, 'flows.read');
      const f = filters(req.query, p);
      const params: unknown[] = [];
      const where = filterSql(f, params, { from: f.from, to: f.to });
      return dashboards.get(db, `map ${JSON.stringify(f)}`, () => db.many(
        `SELECT m.code AS fmp, m.name_en, m.name_fa, m.province_code, m.lat, m.lon, m.capacity_per_day, m.alert_daily_above, m.alert_multiple, m.alert_window_days, m.alert_min_movements,
                coalesce(s.individuals, 0) AS individuals, coalesce(s.groups, 0) AS groups
           FROM fmps m LEFT JOIN (SELECT fmp_code, sum(men + women + boys + girls) AS individuals, sum(groups) AS groups FROM flow_daily WHERE ${where} GROUP BY fmp_code) s ON s.fmp_code = m.code
          ${f.scope ? `WHERE m.province_code = ANY($${params.push(f.scope)}::text[])` : ''}
          ORDER BY individuals DESC, m.code`,
        params,
      ));
    });

    // ---- alerts and thresholds
    api.get(
      '/api/v1/flows/alerts',
      { config: { access: { permission: 'flows.read' } },
        schema: {
          tags: ['flows'],
          summary: 'Surge alerts, newest first',
          querystring: z.object({ open_only: z.enum(['true', 'false']).default('false'), fmp: z.string().optional(), province: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.any() },
        },
      },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.read');
        const scope = scopeOf(p, 'flows.read');
        const params: unknown[] = [req.query.limit];
        const where = [req.query.open_only === 'true' ? 'a.acknowledged_at IS NULL' : 'TRUE'];
        if (!scope.allProvinces) where.push(`m.province_code = ANY($${params.push(scope.provinces)}::text[])`);
        if (req.query.fmp) where.push(`a.fmp_code = ANY($${params.push(req.query.fmp.split(','))}::text[])`);
        if (req.query.province) where.push(`m.province_code = ANY($${params.push(req.query.province.split(','))}::text[])`);
        return db.many(
          `SELECT a.id, a.fmp_code AS fmp, m.name_en, m.name_fa, to_char(a.day, 'YYYY-MM-DD') AS day, a.kind, a.movements, a.limit_value, a.trailing_average, a.raised_at, a.acknowledged_at
             FROM flow_alerts a JOIN fmps m ON m.code = a.fmp_code WHERE ${where.join(' AND ')} ORDER BY a.day DESC, a.id DESC LIMIT $1`,
          params,
        );
      },
    );

    api.get(
      '/api/v1/flows/alerts/episodes',
      { config: { access: { permission: 'flows.read' } },
        schema: {
          tags: ['flows'],
          summary: "Surge alerts of the dashboard's period and filters, grouped into episodes (consecutive alert days of one FMP), newest first, with the open alert count the headline shows",
          querystring: filterQuery.extend({ open_only: z.enum(['true', 'false']).default('false'), limit: z.coerce.number().int().min(1).max(500).default(200) }),
          response: { 200: z.any() },
        },
      },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.read');
        const f = filters(req.query, p);
        return alertEpisodes(db, { from: f.from, to: f.to, scope: f.scope ?? null, provinces: f.provinces, fmps: f.fmps, openOnly: req.query.open_only === 'true', limit: req.query.limit });
      },
    );

    api.post(
      '/api/v1/flows/alerts/acknowledge',
      { config: { access: { permission: 'flows.review' } },
        schema: {
          tags: ['flows'],
          summary: 'Acknowledge many alerts at once (e.g. the alerts of an episode), with a comment',
          body: z.object({ ids: z.array(z.number().int().positive()).min(1).max(2000), comment: z.string().trim().max(2000).nullable().optional() }),
          response: { 200: z.object({ acknowledged: z.number() }) },
        },
      },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.review');
        const ids = [...new Set(req.body.ids)];
        const comment = req.body.comment ? req.body.comment : null;
        return db.tx(async (c) => {
          const found = (await c.query('SELECT a.id, m.province_code FROM flow_alerts a JOIN fmps m ON m.code = a.fmp_code WHERE a.id = ANY($1::bigint[]) FOR UPDATE OF a', [ids])).rows;
          // All or nothing: an id that does not exist or lies outside the user's provinces refuses the request.
          if (found.length !== ids.length || found.some((a: any) => !can(p, 'flows.review', a.province_code))) throw notFound();
          const r = await c.query('UPDATE flow_alerts SET acknowledged_by = $2, acknowledged_at = now(), acknowledge_comment = $3 WHERE id = ANY($1::bigint[]) AND acknowledged_at IS NULL', [ids, p.id, comment]);
          await audit(c, req.actor(), 'flows.alert.acknowledge', 'flow_alert', ids.length === 1 ? String(ids[0]) : null, { ids, comment });
          return { acknowledged: r.rowCount ?? 0 };
        });
      },
    );

    api.post('/api/v1/flows/alerts/:id/acknowledge', { config: { access: { permission: 'flows.review', resource: 'flow_alert', hidden: true } }, schema: { tags: ['flows'], summary: 'Acknowledge an alert', params: z.object({ id: z.coerce.number().int() }), response: { 204: z.null() } } }, async (req, reply) => {
      const p = requirePermission(req.principal, 'flows.review');
      await db.tx(async (c) => {
        const a = (await c.query('SELECT m.province_code FROM flow_alerts a JOIN fmps m ON m.code = a.fmp_code WHERE a.id = $1', [req.params.id])).rows[0];
        if (!a || !can(p, 'flows.review', a.province_code)) throw notFound();
        await c.query('UPDATE flow_alerts SET acknowledged_by = $2, acknowledged_at = now() WHERE id = $1', [req.params.id, p.id]);
        await audit(c, req.actor(), 'flows.alert.acknowledge', 'flow_alert', String(req.params.id));
      });
      return reply.status(204).send(null);
    });

    api.patch(
      '/api/v1/flows/fmps/:code/thresholds',
      { config: { access: { permission: 'flows.manage', resource: 'fmp' } },
        schema: {
          tags: ['flows'],
          summary: 'Set an FMP\'s capacity and surge thresholds',
          params: z.object({ code: z.string() }),
          body: z.object({
            capacity_per_day: z.number().int().positive().nullable(),
            alert_daily_above: z.number().int().positive().nullable(),
            alert_multiple: z.number().gt(1).nullable(),
            alert_window_days: z.union([z.literal(7), z.literal(28)]),
            alert_min_movements: z.number().int().min(0).max(1_000_000).optional().describe('a "multiple of the average" alert needs at least this many movements on the day (default 20; unchanged when absent)'),
          }),
          response: { 200: z.any() },
        },
      },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.manage');
        const b = req.body;
        return db.tx(async (c) => {
          const f = (await c.query('SELECT province_code FROM fmps WHERE code = $1 FOR UPDATE', [req.params.code])).rows[0];
          if (!f || !can(p, 'flows.manage', f.province_code)) throw notFound();
          const r = (
            await c.query('UPDATE fmps SET capacity_per_day = $2, alert_daily_above = $3, alert_multiple = $4, alert_window_days = $5, alert_min_movements = coalesce($6, alert_min_movements), updated_at = now() WHERE code = $1 RETURNING code, capacity_per_day, alert_daily_above, alert_multiple, alert_window_days, alert_min_movements', [
              req.params.code,
              b.capacity_per_day,
              b.alert_daily_above,
              b.alert_multiple,
              b.alert_window_days,
              b.alert_min_movements ?? null,
            ])
          ).rows[0];
          // New thresholds apply to the last 90 days of data too, not only to what arrives next.
          const days = (await c.query(`SELECT DISTINCT to_char(day, 'YYYY-MM-DD') AS day FROM flow_daily WHERE fmp_code = $1 AND day > CURRENT_DATE - 90`, [req.params.code])).rows;
          await checkAlerts(c, days.map((d: any) => ({ fmp: req.params.code, day: d.day })));
          await audit(c, req.actor(), 'flows.fmp.thresholds', 'fmp', req.params.code, b);
          return r;
        });
      },
    );

    // ---- imports
    api.post(
      '/api/v1/flows/imports',
      { config: { access: { permission: 'flows.import' } },
        schema: {
          tags: ['flows'],
          summary: 'Upload a CSV or XLSX file (multipart field "file") to import; returns a job to poll for progress and the report',
          consumes: ['multipart/form-data'],
          querystring: z.object({
            dry_run: z.enum(['true', 'false']).default('false'),
            skip_invalid: z.enum(['true', 'false']).default('false').describe('import the valid rows and refuse the others (their file is then offered at …/jobs/{id}/errors.csv)'),
            lang: z.enum(['en', 'fa']).optional().describe('language of the problems in the refused-rows file (default: the request\'s)'),
            mapping: z.string().optional(),
          }),
          response: { 202: z.object({ job: z.string() }) },
        },
      },
      async (req, reply) => {
        const p = requirePermission(req.principal, 'flows.import');
        let mapping = null;
        if (req.query.mapping) {
          const row = await db.one('SELECT mapping FROM flow_mappings WHERE name = $1', [req.query.mapping]);
          if (!row) throw new AppError('unknown_mapping', 400, { name: req.query.mapping });
          mapping = parseMapping(row.mapping);
        }
        const file = await req.file();
        if (!file || !/\.(csv|xlsx|txt)$/i.test(file.filename)) throw new AppError('bad_upload', 400);
        // A private file (0600 in a 0700 folder) removed when the upload is aborted, too large or
        // fails, when the job ends, and at the next start if this process dies first.
        let upload: Upload;
        endStalledUpload(req.raw, file.file);
        try {
          upload = await receiveUpload(file.file, /\.xlsx$/i.test(file.filename) ? 'upload.xlsx' : 'upload.csv', () => file.file.truncated);
        } catch (e) {
          if (file.file.truncated || ['UPLOAD_TRUNCATED', 'FST_REQ_FILE_TOO_LARGE'].includes((e as any)?.code)) throw new AppError('upload_too_large', 413, { limit: limitMb });
          if ((e as any)?.syscall) throw e; // the disk, not the request
          throw new AppError('bad_upload', 400, { field: 'file' }); // the body ended early or was malformed
        }
        const { path } = upload;
        const jobId = randomUUID();
        try {
          await createJob(db, jobId, p.id, file.filename);
        } catch (e) {
          upload.remove();
          throw e;
        }
        const actor = req.actor();
        const skipInvalid = req.query.skip_invalid === 'true';
        const refused = new RefusedRows();
        importFlows(db, {
          path,
          fileName: file.filename,
          mapping,
          mappingName: req.query.mapping ?? null,
          dryRun: req.query.dry_run === 'true',
          skipInvalid,
          actor,
          principal: p,
          onProgress: progressWriter(db, jobId),
          onProblem: skipInvalid ? refused.add : undefined,
        })
          .then((r) => finishJob(db, jobId, r, skipInvalid ? { path, refused, lang: req.query.lang ?? req.locale } : null))
          .catch((e) => failJob(db, jobId, (e as Error).message).catch(() => {}))
          .finally(() => upload.remove());
        return reply.status(202).send({ job: jobId });
      },
    );

    api.get('/api/v1/flows/imports/jobs/:id', { config: { access: { permission: 'flows.import' } }, schema: { tags: ['flows'], summary: 'Progress and report of an import job', params: z.object({ id: z.string() }), response: { 200: z.any() } } }, async (req) => {
      const p = requirePermission(req.principal, 'flows.import');
      const job = await getJob(db, req.params.id, p.id);
      if (!job) throw new AppError('import_not_found', 404, { id: req.params.id });
      return job;
    });

    api.get('/api/v1/flows/imports/jobs/:id/errors.csv', { config: { access: { permission: 'flows.import' } }, schema: { tags: ['flows'], summary: 'The rows an import with skip_invalid refused, as they were, with a column of their problems (CSV)', params: z.object({ id: z.string() }) } }, async (req, reply) => {
      const p = requirePermission(req.principal, 'flows.import');
      const f = await jobErrorsCsv(db, req.params.id, p.id);
      if (!f) throw new AppError('import_not_found', 404, { id: req.params.id });
      const name = f.file_name.replace(/\.(csv|xlsx|txt)$/i, '').replace(/[^\p{L}\p{N}._-]+/gu, '_') + '.errors.csv';
      reply.header('content-disposition', `attachment; filename="errors.csv"; filename*=UTF-8''${encodeURIComponent(name)}`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(f.csv);
    });

    api.get(
      '/api/v1/flows/imports',
      { config: { access: { permission: 'flows.import' } }, schema: { tags: ['flows'], summary: "Import history: who imported which file when, rows added, refused and already present (nationwide importers see every import, others their own)", querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) }), response: { 200: z.any() } } },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.import');
        const scope = scopeOf(p, 'flows.import');
        const params: unknown[] = [req.query.limit];
        const where = scope.allProvinces ? 'TRUE' : `i.created_by = $${params.push(p.id)}`;
        return db.many(
          `SELECT i.id, i.file_name, i.file_sha256, i.mapping, i.rows_read, i.rows_added, i.rows_present, i.rows_refused, i.problem_count, i.outcome, i.created_at, u.username
             FROM flow_imports i LEFT JOIN users u ON u.id = i.created_by WHERE ${where} ORDER BY i.id DESC LIMIT $1`,
          params,
        );
      },
    );

    api.get('/api/v1/flows/mappings', { config: { access: { permission: 'flows.import' } }, schema: { tags: ['flows'], summary: 'Saved import mappings', response: { 200: z.any() } } }, async (req) => {
      requirePermission(req.principal, 'flows.import');
      return db.many('SELECT name, mapping, updated_at FROM flow_mappings ORDER BY name');
    });

    api.get('/api/v1/flows/mappings/examples', { config: { access: { permission: 'flows.import' } }, schema: { tags: ['flows'], summary: 'Example import mappings shipped with Marz (src/flows/mappings), to start a mapping from', response: { 200: z.any() } } }, async () => {
      return exampleMappings();
    });

    api.put('/api/v1/flows/mappings/:name', { config: { access: { permission: 'flows.import', resource: 'flow_mapping', claim: true } }, schema: { tags: ['flows'], summary: 'Save an import mapping (KoboToolbox/ODK columns and values → Marz fields)', params: z.object({ name: z.string().min(1).max(100) }), body: z.any(), response: { 200: z.any() } } }, async (req) => {
      const p = requirePermission(req.principal, 'flows.import');
      let mapping;
      try {
        mapping = parseMapping(req.body);
      } catch (e) {
        throw new AppError('invalid_mapping', 400, { details: (e as Error).message });
      }
      await db.tx(async (c) => {
        await c.query('INSERT INTO flow_mappings (name, mapping, updated_by) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping, updated_by = excluded.updated_by, updated_at = now()', [req.params.name, JSON.stringify(req.body), p.id]);
        await audit(c, req.actor(), 'flows.mapping.save', 'flow_mapping', req.params.name);
      });
      return { name: req.params.name, mapping };
    });

    // ---- exports
    api.get(
      '/api/v1/flows/export',
      { config: { access: { permission: 'flows.export' } },
        schema: {
          tags: ['flows'],
          summary: 'Export records or daily aggregates as CSV (UTF-8 with BOM) or XLSX, optionally with an HXL row; streamed',
          querystring: filterQuery.extend({
            what: z.enum(['records', 'daily']).default('records'),
            format: z.enum(['csv', 'xlsx']).default('csv'),
            hxl: z.enum(['true', 'false']).default('true'),
            lang: z.enum(['en', 'fa']).optional(),
            labels: z.enum(['true', 'false']).default('false').describe('value labels instead of codes, and column labels as the header'),
          }),
        },
      },
      async (req, reply) => {
        const p = requirePermission(req.principal, 'flows.export');
        const q = req.query;
        const lang = q.lang ?? req.locale;
        const f = filters({ ...q, from: q.from ?? '2000-01-01' }, p, 'flows.export');
        await audit(db, req.actor(), 'flows.export', null, null, { what: q.what, format: q.format, from: f.from, to: f.to });
        const name = `marz-flows-${q.what}-${f.from}-${f.to}.${q.format}`;
        reply.header('content-disposition', `attachment; filename="${name}"`);
        reply.type(q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        return reply.send(exportFlows(db, q.what, { format: q.format, hxl: q.hxl === 'true', lang, labels: q.labels === 'true', filters: f }));
      },
    );

    // ---- survey
    api.get('/api/v1/flows/fms/questions', { config: { access: { permission: ['flows.manage', 'flows.submit'] } }, schema: { tags: ['flows'], summary: 'The survey questions (configuration)', response: { 200: z.any() } } }, async (req) => {
      if (!can(req.principal, 'flows.manage')) requirePermission(req.principal, 'flows.submit');
      return loadQuestions(db, false);
    });

    api.put('/api/v1/flows/fms/questions/:code', { config: { access: { permission: 'flows.manage', resource: 'fms_question', claim: true } }, schema: { tags: ['flows'], summary: 'Add or change a survey question', params: z.object({ code: z.string() }), body: questionSchema, response: { 200: z.any() } } }, async (req) => {
      requirePermission(req.principal, 'flows.manage');
      const b = req.body;
      await db.tx(async (c) => {
        await c.query(
          `INSERT INTO fms_questions (code, module, kind, options, text_en, text_fa, required, position, active) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
           ON CONFLICT (code) DO UPDATE SET module = excluded.module, kind = excluded.kind, options = excluded.options, text_en = excluded.text_en, text_fa = excluded.text_fa, required = excluded.required, position = excluded.position, active = excluded.active`,
          [req.params.code, b.module, b.kind, JSON.stringify(b.options), b.text_en, b.text_fa, b.required, b.position, b.active],
        );
        await audit(c, req.actor(), 'flows.fms.question', 'fms_question', req.params.code, b);
      });
      return b;
    });

    api.post('/api/v1/flows/fms', { config: { access: { permission: 'flows.submit' } }, schema: { tags: ['flows'], summary: 'Submit a survey interview (resending the same id is safe)', body: interviewSchema, response: { 200: z.object({ result: z.enum(['created', 'duplicate']) }) } } }, async (req) => {
      const p = requirePermission(req.principal, 'flows.submit');
      return { result: await submitInterview(db, p, req.actor(), req.body) };
    });

    api.get(
      '/api/v1/flows/fms',
      { config: { access: { permission: 'flows.read', audit: 'flows.interviews.read' } },
        schema: {
          tags: ['flows'],
          summary: 'Survey interviews, newest first, with filters; page with offset',
          querystring: filterQuery.extend({ limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) }),
          response: { 200: z.object({ total: z.number(), interviews: z.array(z.any()), nonresponse: z.object({ refused: z.number(), already_interviewed: z.number() }) }) },
        },
      },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.read');
        const f = filters(req.query, p);
        const params: unknown[] = [];
        const where = filterSql({ ...f, deported: undefined }, params, { from: f.from, to: f.to, dayColumn: 'interviewed_on' });
        const total = Number((await db.one(`SELECT count(*) AS n FROM fms_interviews WHERE ${where}`, params))!.n);
        const nonresponse = await nonresponseTotals(db, f);
        params.push(req.query.limit, req.query.offset);
        const interviews = await db.many(
          `SELECT id, fmp_code AS fmp, province_code, to_char(interviewed_on, 'YYYY-MM-DD') AS date, direction, sex, age, nationality, answers,
                  ct_self_yes, ct_family_yes, enumerator, status, submitted_at
             FROM fms_interviews WHERE ${where} ORDER BY interviewed_on DESC, submitted_at DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
          params,
        );
        return { total, interviews, nonresponse };
      },
    );

    api.post(
      '/api/v1/flows/fms/nonresponse',
      { config: { access: { permission: 'flows.submit' } }, schema: { tags: ['flows'], summary: "Set one's own count of people who refused or were already interviewed at an FMP on a day (each enumerator's count is kept; figures add them up)", body: z.object({ fmp: z.string(), date: isoDate, refused: z.number().int().min(0), already_interviewed: z.number().int().min(0) }), response: { 204: z.null() } } },
      async (req, reply) => {
        const p = requirePermission(req.principal, 'flows.submit');
        const b = req.body;
        await db.tx(async (c) => {
          const f = (await c.query('SELECT province_code FROM fmps WHERE code = $1', [b.fmp])).rows[0];
          if (!f) throw new AppError('unknown_fmp', 400, { code: b.fmp });
          if (!can(p, 'flows.submit', f.province_code)) throw new AppError('forbidden', 403);
          await c.query(
            `INSERT INTO fms_nonresponse (fmp_code, day, refused, already_interviewed, updated_by) VALUES ($1,$2,$3,$4,$5)
             ON CONFLICT (fmp_code, day, updated_by) DO UPDATE SET refused = excluded.refused, already_interviewed = excluded.already_interviewed, updated_at = now()`,
            [b.fmp, b.date, b.refused, b.already_interviewed, p.id],
          );
          await audit(c, req.actor(), 'flows.fms.nonresponse', 'fmp', b.fmp, b);
        });
        return reply.status(204).send(null);
      },
    );
  },
};
