// Protection over HTTP. Every route declares what it touches in access.ts (the shared scope
// mechanism checks it, and the protection gate adds the rules of policy.ts) before its handler
// runs; handlers write an audit entry for each read and write of a protection record (in the
// same transaction as a write).
import { z } from 'zod';
import multipart from '@fastify/multipart';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Capability } from '../platform/http/app.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { receiveUpload, endStalledUpload } from '../platform/http/uploads.ts';
import { scopeOf, type Principal } from '../platform/auth/access.ts';
import { addMessages } from '../platform/i18n/messages.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { todayIso } from '../platform/calendar.ts';
import { normalisePersian } from '../platform/text.ts';
import { cipherFor } from './crypto.ts';
import { caseView, ctx, SEXES, STATUSES, EXPLOITATION, SERVICES, PILLARS, isNationality, CASE_COLUMNS } from './cases.ts';
import { readableCasesSql, holds, agenciesWith, VERB, FIELD_GROUPS, type FieldGroup } from './policy.ts';
import { protectionApi, caseOf } from './access.ts';
import {
  recordScreening, changeStatus, recordConsent, refer, respondReferral, addFollowup, updateCase, breakGlass, setLegalHold, retention, OUTCOMES, URGENT_REASONS,
} from './workflow.ts';
import { protectionStats, parseDimensions, exportCsv, K_INTERNAL, DIMENSIONS } from './stats.ts';
import { importCases } from './import.ts';
import { ReadCache } from '../platform/db/read-cache.ts';
import { registerProtectionSection } from './section.ts';

addMessages(new URL('./locales/', import.meta.url));
registerProtectionSection();

const isoDate = z.iso.date();
const fieldGroup = z.enum(FIELD_GROUPS);
const consentSchema = z.object({
  share_fields: z.array(fieldGroup).default([]),
  share_with: z.array(z.enum(SERVICES)).default([]),
  statistics: z.boolean(),
  retention_told: z.boolean(),
});

export const protectionCapability: Capability = {
  name: 'protection',
  async routes(plainApi, { db, config }) {
    if (!plainApi.hasContentTypeParser('multipart/form-data')) await plainApi.register(multipart, { limits: { fileSize: 200 * 1024 ** 2, files: 1 } });
    // Each route's access is declared in access.ts (a route missing there is refused at start-up).
    const api = protectionApi(plainApi, db);
    const cipher = () => cipherFor(config.dataDir);
    const tags = ['protection'];
    // Statistics tables, kept until the next change (only while `marz serve` follows changes).
    const statsCache = new ReadCache(200);

    api.get('/api/v1/protection/indicators', { schema: { tags, summary: 'Screening indicator lists (ILO forced labour, DTM counter-trafficking proxies, local lists)', response: { 200: z.any() } } }, async () => {
      return { indicators: await db.many('SELECT code, list, label_en, label_fa FROM protection_indicators WHERE active ORDER BY position, code') };
    });

    // ---- screening
    api.post(
      '/api/v1/protection/screenings',
      {
        schema: {
          tags,
          summary: 'Record a screening at a point of entry (opens a case; a child needs the best-interests step)',
          body: z.object({
            case_id: z.uuid().optional(),
            screening_id: z.uuid().optional(),
            owner_agency_id: z.number().int().positive(),
            fmp: z.string().min(1).max(60),
            screened_on: isoDate,
            sex: z.enum(SEXES),
            age: z.number().int().min(0).max(120).nullable(),
            nationality: z.string().refine(isNationality, 'ISO 3166-1 alpha-3 code').nullable(),
            given_name: z.string().max(200).nullable().optional(),
            family_name: z.string().max(200).nullable().optional(),
            indicators: z.array(z.string().max(60)).max(100).default([]),
            assessment: z.string().max(10000).nullable().optional(),
            outcome: z.enum(OUTCOMES),
            urgent_reasons: z.array(z.enum(URGENT_REASONS)).default([]),
            referral_offered: z.boolean().optional(),
            exploitation: z.array(z.enum(EXPLOITATION)).default([]),
            best_interests: z.object({ separated_or_unaccompanied: z.boolean(), guardian_identified: z.boolean(), assessment: z.string().max(10000) }).nullable().optional(),
            consent: consentSchema,
          }),
          response: { 201: z.any(), 200: z.any() },
        },
      },
      async (req, reply) => {
        const r = await db.tx((c) => recordScreening(c, cipher(), req.principal!, req.actor(), req.body as any));
        return reply.status(r.created ? 201 : 200).send(r);
      },
    );

    api.put('/api/v1/protection/indicators/:code', {
      schema: { tags, summary: 'Add or change a screening indicator (a list of the mission\'s own, or deactivate a shipped one)', params: z.object({ code: z.string().regex(/^[a-z0-9_]{2,60}$/) }),
        body: z.object({ list: z.string().regex(/^[a-z0-9_]{2,60}$/), label_en: z.string().trim().min(1).max(300), label_fa: z.string().trim().min(1).max(300), active: z.boolean().default(true), position: z.number().int().min(0).max(10000).default(100) }), response: { 204: z.null() } },
    }, async (req, reply) => {
      // National configuration: the oversight verb for all provinces (declared national).
      await db.tx(async (t) => {
        await t.query(
          `INSERT INTO protection_indicators (code, list, label_en, label_fa, active, position) VALUES ($1,$2,$3,$4,$5,$6)
           ON CONFLICT (code) DO UPDATE SET list = EXCLUDED.list, label_en = EXCLUDED.label_en, label_fa = EXCLUDED.label_fa, active = EXCLUDED.active, position = EXCLUDED.position`,
          [req.params.code, req.body.list, req.body.label_en, normalisePersian(req.body.label_fa), req.body.active, req.body.position],
        );
        await audit(t, req.actor(), 'protection.indicator.set', 'protection_indicator', req.params.code, req.body);
      });
      return reply.status(204).send(null);
    });

    // The key of the screening form's offline queue (AES-256-GCM in the browser, kept in memory only).
    api.get('/api/v1/protection/offline-key', { schema: { tags, summary: 'The user\'s key for the screening form\'s encrypted offline queue', response: { 200: z.object({ key: z.string() }) } } }, async (req) => {
      const p = req.principal!;
      const c = cipher();
      return db.tx(async (t) => {
        let row = (await t.query('SELECT key_enc FROM protection_device_keys WHERE user_id = $1', [p.id])).rows[0];
        if (!row) {
          const key = randomBytes(32).toString('base64');
          await t.query('INSERT INTO protection_device_keys (user_id, key_enc) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING', [p.id, c.encrypt(key, ctx('protection_device_keys', 'key', p.id))]);
          row = (await t.query('SELECT key_enc FROM protection_device_keys WHERE user_id = $1', [p.id])).rows[0];
        }
        await audit(t, req.actor(), 'protection.offline_key.read', 'user', p.id, {});
        return { key: c.decrypt(row.key_enc, ctx('protection_device_keys', 'key', p.id))! };
      });
    });

    // ---- cases
    const listQuery = z.object({
      status: z.enum(STATUSES).optional(),
      province: z.string().regex(/^IR-\d{2}$/).optional(),
      fmp: z.string().max(60).optional(),
      open: z.enum(['true', 'false']).optional(),
      page: z.coerce.number().int().min(1).max(10000).default(1),
      page_size: z.coerce.number().int().min(1).max(200).default(50),
    });
    const listCases = async (principal: Principal | null, actor: Actor, q: z.infer<typeof listQuery>, name: string | null) => {
      const p = principal!;
      const params: unknown[] = [];
      const where = [readableCasesSql(p, 'c', params)];
      if (q.status) params.push(q.status), where.push(`c.status = $${params.length}`);
      if (q.province) params.push(q.province), where.push(`c.province_code = $${params.length}`);
      if (q.fmp) params.push(q.fmp), where.push(`c.fmp_code = $${params.length}`);
      if (q.open === 'true') where.push('c.closed_at IS NULL');
      if (name !== null) {
        // Searching by name needs the identity permission: the blind index would otherwise tell whether a name is there.
        if (!agenciesWith(p, VERB.identity).length) throw new AppError('forbidden', 403, {}, { permission: VERB.identity });
        const c = cipher();
        params.push(c.blindIndex('given_name', name), c.blindIndex('family_name', name));
        where.push(`(c.given_name_bidx = $${params.length - 1} OR c.family_name_bidx = $${params.length})`);
        // … and only among cases whose identity the user may read.
        where.push(identityCasesSql(p, params));
      }
      params.push(q.page_size, (q.page - 1) * q.page_size);
      const rows = await db.many(
        `SELECT ${CASE_COLUMNS} FROM protection_cases c WHERE ${where.join(' AND ')} ORDER BY c.screened_on DESC, c.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
        params,
      );
      const c = rows.length ? cipher() : null;
      const items = rows.map((r) => {
        const groups = new Set<FieldGroup>(holds(p, VERB.identity, Number(r.owner_agency_id), r.province_code) && holds(p, VERB.read, Number(r.owner_agency_id), r.province_code) ? ['identity'] : []);
        const v = caseView(c!, r, groups);
        delete v.exploitation_detail;
        delete v.perpetrator;
        return v;
      });
      await audit(db, actor, name === null ? 'protection.case.list' : 'protection.case.search', 'protection_case', null, { case_ids: items.map((i) => i.id), identity_shown: items.filter((i) => !(i.hidden_fields as string[]).includes('given_name')).map((i) => i.id) });
      return { items, page: q.page, page_size: q.page_size };
    };
    api.get(
      '/api/v1/protection/cases',
      { schema: { tags, summary: 'Cases the user may read (own agency, or referred to it), newest first; names only with the identity permission', querystring: listQuery, response: { 200: z.any() } } },
      async (req) => listCases(req.principal, req.actor(), req.query, null),
    );
    // A POST, so that a searched name is never in an address (request logs, proxies, history).
    api.post(
      '/api/v1/protection/cases/search',
      { schema: { tags, summary: 'Find cases by exact given or family name (blind index), among cases whose identity the user may read', body: listQuery.extend({ name: z.string().trim().min(1).max(200) }), response: { 200: z.any() } } },
      async (req) => listCases(req.principal, req.actor(), req.body, req.body.name),
    );

    api.get('/api/v1/protection/cases/:id', { schema: { tags, summary: 'One case, with only the fields the user may read (audited)', params: z.object({ id: z.uuid() }), response: { 200: z.any() } } }, async (req) => {
      return db.tx(async (t) => {
        // The case and what the user may read of it, resolved once by the declaration's resource.
        const { row, access } = caseOf(req);
        const c = cipher();
        const view = caseView(c, row, access.groups);
        const owner = access.via !== 'referral';
        const seeDetail = access.groups.has('exploitation_detail');
        const screenings = (await t.query(`SELECT id, to_char(screened_on,'YYYY-MM-DD') AS screened_on, indicators, outcome, urgent_reasons, referral_offered, assessment_enc, best_interests_enc, created_at FROM protection_screenings WHERE case_id = $1 ORDER BY created_at`, [row.id])).rows.map((s: any) => ({
          id: s.id, screened_on: s.screened_on, indicators: s.indicators, outcome: s.outcome, urgent_reasons: s.urgent_reasons, referral_offered: s.referral_offered,
          assessment: seeDetail ? c.decrypt(s.assessment_enc, ctx('protection_screenings', 'assessment', s.id)) : undefined,
          best_interests: seeDetail && s.best_interests_enc ? JSON.parse(c.decrypt(s.best_interests_enc, ctx('protection_screenings', 'best_interests', s.id))!) : undefined,
        }));
        const history = (await t.query(`SELECT status, deciding_authority, legal_basis, to_char(decided_on,'YYYY-MM-DD') AS decided_on, recorded_at FROM protection_status_history WHERE case_id = $1 ORDER BY id`, [row.id])).rows;
        const consents = owner ? (await t.query(`SELECT version, share_fields, share_with, statistics, retention_told, to_char(given_on,'YYYY-MM-DD') AS given_on, withdrawn, recorded_at FROM protection_consents WHERE case_id = $1 ORDER BY version`, [row.id])).rows : [];
        const refParams: unknown[] = [row.id];
        let refFilter = '';
        if (!owner) refParams.push(access.recipientAgencies), (refFilter = ` AND r.to_agency_id = ANY($2::bigint[])`);
        const referrals = (await t.query(`SELECT r.id, r.kind, r.from_agency_id, r.to_agency_id, r.service, r.pillar, r.fields, r.consent_version, r.override_by IS NOT NULL AS consent_overridden, r.status, to_char(r.due_on,'YYYY-MM-DD') AS due_on, r.note_enc, r.response_enc, r.created_at, r.responded_at, r.done_at FROM protection_referrals r WHERE r.case_id = $1${refFilter} ORDER BY r.created_at`, refParams)).rows.map((r: any) => ({
          ...r, from_agency_id: Number(r.from_agency_id), to_agency_id: Number(r.to_agency_id), note_enc: undefined, response_enc: undefined,
          note: c.decrypt(r.note_enc, ctx('protection_referrals', 'note', r.id)), response: c.decrypt(r.response_enc, ctx('protection_referrals', 'response', r.id)),
        }));
        const fuParams: unknown[] = [row.id];
        let fuFilter = '';
        if (!owner) fuParams.push(referrals.map((r: any) => r.id), req.principal!.id), (fuFilter = ` AND (f.referral_id = ANY($2::uuid[]) OR f.created_by = $3)`);
        const followups = (await t.query(`SELECT f.id, f.kind, f.pillar, f.body_enc, f.referral_id, f.delivered, f.created_by, f.created_at FROM protection_followups f WHERE f.case_id = $1${fuFilter} ORDER BY f.created_at`, fuParams)).rows.map((f: any) => ({
          id: f.id, kind: f.kind, pillar: f.pillar, referral_id: f.referral_id, delivered: f.delivered, created_by: f.created_by, created_at: f.created_at, body: c.decrypt(f.body_enc, ctx('protection_followups', 'body', f.id)),
        }));
        const documents = (await t.query('SELECT id, name_enc, media_type, size, created_at FROM protection_documents WHERE case_id = $1 ORDER BY created_at', [row.id])).rows.map((d: any) => ({
          id: d.id, media_type: d.media_type, size: d.size, created_at: d.created_at, name: access.groups.has('identity') ? c.decrypt(d.name_enc, ctx('protection_documents', 'name', d.id)) : null,
        }));
        const pillars = Object.fromEntries(PILLARS.map((pl) => [pl, {
          referrals: referrals.filter((r: any) => r.pillar === pl).length,
          delivered: followups.filter((f: any) => f.pillar === pl && f.delivered).length,
        }]));
        await audit(t, req.actor(), 'protection.case.read', 'protection_case', row.id, { via: access.via, fields: [...access.groups] });
        return { case: view, access: { via: access.via, field_groups: [...access.groups], edit: access.edit, refer: access.refer }, screenings, status_history: history, consents, referrals, followups, documents, pillars };
      });
    });

    api.post('/api/v1/protection/cases/:id/status', {
      schema: { tags, summary: 'Record a status decision (deciding authority, legal basis, date); Marz records who decided, it never decides', params: z.object({ id: z.uuid() }),
        body: z.object({ status: z.enum(STATUSES), deciding_authority: z.string().trim().min(2).max(300), legal_basis: z.string().trim().min(2).max(500), decided_on: isoDate }), response: { 204: z.null() } },
    }, async (req, reply) => {
      await db.tx((t) => changeStatus(t, req.principal!, req.actor(), req.params.id, req.body));
      return reply.status(204).send(null);
    });

    api.post('/api/v1/protection/cases/:id/consents', {
      schema: { tags, summary: 'Record a new version of the person\'s consent (or its withdrawal)', params: z.object({ id: z.uuid() }),
        body: consentSchema.extend({ given_on: isoDate.optional(), withdrawn: z.boolean().default(false) }), response: { 201: z.any() } },
    }, async (req, reply) => {
      const v = await db.tx((t) => recordConsent(t, req.principal!, req.actor(), req.params.id, { ...req.body, given_on: req.body.given_on ?? todayIso() }));
      return reply.status(201).send({ version: v });
    });

    api.post('/api/v1/protection/cases/:id/referrals', {
      schema: { tags, summary: 'Refer or transfer a case to a service provider agency; refused without consent unless overridden with a reason (audited, notified)', params: z.object({ id: z.uuid() }),
        body: z.object({ id: z.uuid().optional(), kind: z.enum(['referral', 'transfer']).default('referral'), to_agency_id: z.number().int().positive(), service: z.enum(SERVICES), pillar: z.enum(PILLARS), fields: z.array(fieldGroup).default([]), due_on: isoDate.nullable().optional(), note: z.string().max(5000).nullable().optional(), override_reason: z.string().max(2000).nullable().optional() }),
        response: { 201: z.any() } },
    }, async (req, reply) => {
      const r = await db.tx((t) => refer(t, cipher(), req.principal!, req.actor(), req.params.id, req.body));
      return reply.status(201).send(r);
    });

    api.post('/api/v1/protection/referrals/:id/:action', {
      schema: { tags, summary: 'Accept, decline or complete (service delivered) a referral to one\'s agency; revoke one\'s own', params: z.object({ id: z.uuid(), action: z.enum(['accept', 'decline', 'done', 'revoke']) }),
        body: z.object({ note: z.string().max(5000).nullable().optional() }).default({}), response: { 200: z.any() } },
    }, async (req) => {
      const status = await db.tx((t) => respondReferral(t, cipher(), req.principal!, req.actor(), req.params.id, req.params.action, req.body?.note ?? null));
      return { status };
    });

    api.get('/api/v1/protection/referrals', {
      schema: { tags, summary: 'Referrals to (inbox) or from (outbox) one\'s agencies; overdue=true lists those past their due date and not done', querystring: z.object({ box: z.enum(['in', 'out']).default('in'), overdue: z.enum(['true', 'false']).optional() }), response: { 200: z.any() } },
    }, async (req) => {
      const p = req.principal!;
      const col = req.query.box === 'in' ? 'r.to_agency_id' : 'r.from_agency_id';
      const parts: string[] = [];
      const params: unknown[] = [];
      for (const a of p.assignments) {
        if (!a.permissions.includes(VERB.read) || !a.agencyIds.length) continue;
        params.push(a.agencyIds);
        let cond = `${col} = ANY($${params.length}::bigint[])`;
        if (a.provinces) params.push(a.provinces), (cond += ` AND c.province_code = ANY($${params.length}::text[])`);
        parts.push(`(${cond})`);
      }
      const where = [parts.length ? `(${parts.join(' OR ')})` : 'FALSE'];
      if (req.query.overdue === 'true') params.push(todayIso()), where.push(`r.status IN ('pending','accepted') AND r.due_on < $${params.length}::date`);
      const rows = await db.many(
        `SELECT r.id, r.case_id, r.kind, r.from_agency_id, r.to_agency_id, r.service, r.pillar, r.fields, r.status, to_char(r.due_on,'YYYY-MM-DD') AS due_on, r.created_at, c.province_code AS province
         FROM protection_referrals r JOIN protection_cases c ON c.id = r.case_id WHERE ${where.join(' AND ')} ORDER BY r.due_on, r.created_at LIMIT 500`,
        params,
      );
      await db.tx((t) => audit(t, req.actor(), 'protection.referral.list', 'protection_case', null, { case_ids: [...new Set(rows.map((r) => r.case_id))], box: req.query.box }));
      return { items: rows.map((r) => ({ ...r, from_agency_id: Number(r.from_agency_id), to_agency_id: Number(r.to_agency_id) })) };
    });

    api.post('/api/v1/protection/cases/:id/followups', {
      schema: { tags, summary: 'Add an assessment, service, note or document note to a case (by pillar)', params: z.object({ id: z.uuid() }),
        body: z.object({ kind: z.enum(['assessment', 'service', 'note', 'document']), pillar: z.enum(PILLARS).nullable().default(null), body: z.string().trim().min(1).max(10000) }), response: { 201: z.any() } },
    }, async (req, reply) => {
      const id = await db.tx((t) => addFollowup(t, cipher(), req.principal!, req.actor(), req.params.id, req.body));
      return reply.status(201).send({ id });
    });

    // ---- documents (file name and content encrypted; reading one needs the identity field group)
    const MAX_DOCUMENT = 10 * 1024 * 1024;
    api.post('/api/v1/protection/cases/:id/documents', { schema: { tags, summary: 'Attach a document to a case (field "file", at most 10 MB; stored encrypted)', params: z.object({ id: z.uuid() }), response: { 201: z.any() } } }, async (req, reply) => {
      // Access (declared: the owner agency or a recipient with protection.edit) is checked before the upload is read.
      const file = await (req as any).file();
      if (!file) throw new AppError('protection_bad_document', 400, { field: 'file' });
      const content = await file.toBuffer().catch(() => null);
      if (!content || content.length > MAX_DOCUMENT) throw new AppError('protection_bad_document', 400, { field: 'file' });
      const c = cipher();
      const id = randomUUID();
      await db.tx(async (t) => {
        await t.query('INSERT INTO protection_documents (id, case_id, name_enc, content_enc, media_type, size, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
          id, req.params.id, c.encrypt(normalisePersian(file.filename || 'document'), ctx('protection_documents', 'name', id)), c.encrypt(content.toString('base64'), ctx('protection_documents', 'content', id)),
          String(file.mimetype || 'application/octet-stream').slice(0, 100), content.length, req.principal!.id,
        ]);
        await audit(t, req.actor(), 'protection.case.document_add', 'protection_case', req.params.id, { document_id: id, size: content.length });
      });
      return reply.status(201).send({ id });
    });

    api.get('/api/v1/protection/documents/:id', { schema: { tags, summary: 'Download a document of a case (audited)', params: z.object({ id: z.uuid() }) } }, async (req, reply) => {
      // Declared: the document's case must be readable with the identity field group.
      const d = caseOf(req).document;
      const c = cipher();
      const name = c.decrypt(d.name_enc, ctx('protection_documents', 'name', d.id))!;
      const body = Buffer.from(c.decrypt(d.content_enc, ctx('protection_documents', 'content', d.id))!, 'base64');
      await db.tx((t) => audit(t, req.actor(), 'protection.case.document_read', 'protection_case', d.case_id, { document_id: d.id }));
      return reply
        .header('content-type', d.media_type)
        .header('content-disposition', `attachment; filename="document"; filename*=UTF-8''${encodeURIComponent(name)}`)
        .header('cache-control', 'no-store')
        .send(body);
    });

    api.patch('/api/v1/protection/cases/:id', {
      schema: { tags, summary: 'Assign the case worker, record exploitation detail or perpetrator information, close the case with a reason', params: z.object({ id: z.uuid() }),
        body: z.object({ case_worker_id: z.uuid().nullable().optional(), exploitation_detail: z.string().max(10000).nullable().optional(), perpetrator: z.string().max(10000).nullable().optional(),
          close: z.object({ reason: z.enum(['services_completed', 'not_victim', 'transferred_out', 'returned', 'lost_contact', 'declined_assistance', 'deceased', 'other']) }).nullable().optional() }), response: { 204: z.null() } },
    }, async (req, reply) => {
      await db.tx((t) => updateCase(t, cipher(), req.principal!, req.actor(), req.params.id, req.body));
      return reply.status(204).send(null);
    });

    api.post('/api/v1/protection/cases/:id/break-glass', {
      schema: { tags, summary: 'Emergency access to a case outside one\'s normal access, with a reason; alerts the data protection focal point', params: z.object({ id: z.uuid() }), body: z.object({ reason: z.string().max(2000) }), response: { 201: z.any() } },
    }, async (req, reply) => {
      const expires = await db.tx((t) => breakGlass(t, req.principal!, req.actor(), req.params.id, req.body.reason));
      return reply.status(201).send({ expires_at: expires });
    });

    // ---- oversight (data protection focal point)
    api.get('/api/v1/protection/alerts', { schema: { tags, summary: 'Break-glass and consent-override alerts for the data protection focal point', querystring: z.object({ open: z.enum(['true', 'false']).default('true') }), response: { 200: z.any() } } }, async (req) => {
      const p = req.principal!;
      const params: unknown[] = [];
      const parts: string[] = [];
      for (const a of p.assignments) {
        if (!a.permissions.includes(VERB.oversee) || !a.agencyIds.length) continue;
        params.push(a.agencyIds);
        let cond = `a.agency_id = ANY($${params.length}::bigint[])`;
        if (a.provinces) params.push(a.provinces), (cond += ` AND a.province_code = ANY($${params.length}::text[])`);
        parts.push(`(${cond})`);
      }
      const rows = await db.many(
        `SELECT a.id, a.kind, a.case_id, a.agency_id, a.province_code AS province, u.username, a.details, a.created_at, a.acknowledged_at
         FROM protection_alerts a LEFT JOIN users u ON u.id = a.user_id WHERE (${parts.join(' OR ') || 'FALSE'}) ${req.query.open === 'true' ? 'AND a.acknowledged_at IS NULL' : ''} ORDER BY a.created_at DESC LIMIT 500`,
        params,
      );
      await db.tx((t) => audit(t, req.actor(), 'protection.alert.list', 'protection_case', null, { case_ids: [...new Set(rows.map((r) => r.case_id))] }));
      return { items: rows.map((r) => ({ ...r, id: Number(r.id), agency_id: Number(r.agency_id) })) };
    });

    api.post('/api/v1/protection/alerts/:id/acknowledge', { schema: { tags, summary: 'Acknowledge an alert', params: z.object({ id: z.coerce.number().int().positive() }), response: { 204: z.null() } } }, async (req, reply) => {
      await db.tx(async (t) => {
        const a = (await t.query('SELECT * FROM protection_alerts WHERE id = $1 FOR UPDATE', [req.params.id])).rows[0];
        if (!a) throw notFound();
        await t.query('UPDATE protection_alerts SET acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1', [a.id, req.principal!.id]);
        await audit(t, req.actor(), 'protection.alert.acknowledge', 'protection_case', a.case_id, { alert_id: Number(a.id) });
      });
      return reply.status(204).send(null);
    });

    api.get('/api/v1/protection/cases/:id/access-report', { schema: { tags, summary: 'Data-subject report: who saw or changed what of this person\'s record, and when', params: z.object({ id: z.uuid() }), response: { 200: z.any() } } }, async (req) => {
      // Declared: the owner agency's oversight in the case's province; the read is audited by the declaration.
      return db.tx(async (t) => {
        const rows = (await t.query(
          `SELECT at, actor_label, action, details - 'case_ids' - 'identity_shown' AS details, (details->'identity_shown') ? $1 AS identity_shown FROM audit_log
           WHERE (subject_type = 'protection_case' AND subject_id = $1) OR (subject_type IN ('protection_case', 'protection_import') AND details->'case_ids' ? $1) ORDER BY id`,
          [req.params.id],
        )).rows;
        return { case_id: req.params.id, entries: rows };
      });
    });

    api.post('/api/v1/protection/cases/:id/legal-hold', { schema: { tags, summary: 'Put a case under legal hold (no anonymisation or purge) or lift it', params: z.object({ id: z.uuid() }), body: z.object({ hold: z.boolean(), reason: z.string().trim().max(1000).nullable().optional() }), response: { 204: z.null() } } }, async (req, reply) => {
      await db.tx(async (t) => {
        if (req.body.hold && !req.body.reason) throw new AppError('protection_reason_required', 400, { field: 'reason' });
        await setLegalHold(t, req.actor(), req.params.id, req.body.hold, req.body.reason ?? null);
      });
      return reply.status(204).send(null);
    });

    api.post('/api/v1/protection/retention', { schema: { tags, summary: 'Retention: cases due for anonymisation or purge (dry run unless apply=true), for one\'s agencies and provinces', body: z.object({ apply: z.boolean().default(false) }), response: { 200: z.any() } } }, async (req) => {
      const p = req.principal!;
      const s = scopeOf(p, VERB.oversee);
      return db.tx((t) => retention(t, req.actor(), { apply: req.body.apply, scope: { agencies: agenciesWith(p, VERB.oversee), provinces: s.allProvinces ? null : s.provinces } }));
    });

    // ---- statistics
    const statsQuery = z.object({
      by: z.string().default('province').describe(`comma-separated from ${DIMENSIONS.join(',')}`),
      from: isoDate.optional(),
      to: isoDate.optional(),
      k: z.coerce.number().int().min(K_INTERNAL).max(100).default(K_INTERNAL).describe('suppression threshold: 5 inside Marz, 11 for anything published'),
      province: z.string().regex(/^IR-\d{2}$/).optional(),
      calendar: z.enum(['gregorian', 'jalali']).default('gregorian').describe('months as Gregorian YYYY-MM or Jalali YYYY/MM'),
    });
    const stats = async (p: Principal | null, q: z.infer<typeof statsQuery>) => {
      const by = parseDimensions(q.by);
      if (!by) throw new AppError('protection_dimensions', 400, { field: 'by', allowed: DIMENSIONS.join(', ') });
      // Declared: protection.stats, in the requested province if one is named.
      const s = scopeOf(p!, VERB.stats);
      const query = { by, from: q.from, to: q.to, k: q.k, province: q.province, provinces: s.allProvinces ? null : s.provinces, calendar: q.calendar };
      return { by, table: await statsCache.get(db, JSON.stringify(query), () => protectionStats(db, query)) };
    };
    api.get('/api/v1/protection/stats', { schema: { tags, summary: 'Counts of consenting cases with small cells suppressed (primary and secondary)', querystring: statsQuery, response: { 200: z.any() } } }, async (req) => {
      const { table } = await stats(req.principal, req.query);
      await audit(db, req.actor(), 'protection.stats', null, null, { by: req.query.by, k: table.k });
      return table;
    });
    api.get('/api/v1/protection/stats.csv', { schema: { tags, summary: 'The suppressed table in HTCDS / IC-TIP-aligned columns (CSV)', querystring: statsQuery } }, async (req, reply) => {
      const { by, table } = await stats(req.principal, req.query);
      await audit(db, req.actor(), 'protection.stats.export', null, null, { by: req.query.by, k: table.k });
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="protection-statistics.csv"').send(exportCsv(table, by, { from: req.query.from ?? null, to: req.query.to ?? null }));
    });

    // ---- import (web)
    api.post('/api/v1/protection/imports', { schema: { tags, summary: 'Import a case list (CSV or XLSX, field "file"); all or nothing', querystring: z.object({ agency_id: z.coerce.number().int().positive(), dry_run: z.enum(['true', 'false']).default('false') }), response: { 200: z.any() } } }, async (req) => {
      // Declared: protection.import for the named agency (each row's province is checked by the import).
      const p = req.principal!;
      const file = await (req as any).file();
      if (!file || !/\.(csv|xlsx|txt)$/i.test(file.filename)) throw new AppError('protection_bad_upload', 400, { field: 'file' });
      // A private file (0600 in a 0700 folder), removed when the upload is aborted or too large,
      // after the import whatever its outcome, and at the next start if this process dies first.
      let upload;
      endStalledUpload(req.raw, file.file);
      try {
        upload = await receiveUpload(file.file, /\.xlsx$/i.test(file.filename) ? 'upload.xlsx' : 'upload.csv', () => file.file.truncated);
      } catch (e) {
        if ((e as any)?.syscall) throw e; // the disk, not the request
        if (file.file.truncated || ['UPLOAD_TRUNCATED', 'FST_REQ_FILE_TOO_LARGE'].includes((e as any)?.code)) throw new AppError('protection_upload_too_large', 413, { field: 'file' });
        throw new AppError('protection_bad_upload', 400, { field: 'file' }); // the body ended early or was malformed
      }
      try {
        return await importCases(db, { path: upload.path, fileName: file.filename, ownerAgencyId: req.query.agency_id, dryRun: req.query.dry_run === 'true', actor: req.actor(), principal: p, cipher: cipher() });
      } finally {
        upload.remove();
      }
    });
  },
};

/** Cases whose identity fields the user may read as owner (for name search). */
function identityCasesSql(p: Principal, params: unknown[]): string {
  const parts: string[] = [];
  for (const a of p.assignments) {
    if (!a.permissions.includes(VERB.identity) || !a.permissions.includes(VERB.read) || !a.agencyIds.length) continue;
    params.push(a.agencyIds);
    let cond = `c.owner_agency_id = ANY($${params.length}::bigint[])`;
    if (a.provinces) params.push(a.provinces), (cond += ` AND c.province_code = ANY($${params.length}::text[])`);
    parts.push(`(${cond})`);
  }
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}
