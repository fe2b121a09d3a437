// Provinces over HTTP: the province profile (JSON, printable HTML, PDF in both languages), the
// national comparison, provincial needs assessments and internal mobility (entry, import,
// origin–destination view). Reads need provinces.read in the province; writes provinces.manage.
import { z } from 'zod';
import { Readable } from 'node:stream';
import type { Capability } from '../platform/http/app.ts';
import { AppError } from '../platform/http/errors.ts';
import { receiveUpload } from '../platform/http/uploads.ts';
import { scopeOf } from '../platform/auth/access.ts';
import { covers, declareAccess, defineResource, intParam, type Touches } from '../platform/auth/scope.ts';
import { addMessages } from '../platform/i18n/messages.ts';
import type { Queryable } from '../platform/db/database.ts';
import { provinceProfile, nationalComparison } from './profile.ts';
import { profileHtml, profilePdf } from './report.ts';
import * as N from './needs.ts';
import * as M from './mobility.ts';

addMessages(new URL('./locales/', import.meta.url));

const P = '/api/v1/provinces';
const tags = ['provinces'];
const period = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional(), lang: z.enum(['en', 'fa']).optional() });
const codeParams = z.object({ code: z.string().regex(/^IR-\d{2}$/) });
const idParams = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

async function provinceNames(q: Queryable) {
  return new Map((await q.query('SELECT code, name_en, name_fa FROM provinces')).rows.map((r: any) => [r.code as string, { en: r.name_en as string, fa: r.name_fa as string }]));
}

// ------------------------------------------------------------ who touches what
// A province (its profile, needs summary, mobility): that province.
defineResource('provinces_province', async (q, params) => {
  const code = /^IR-\d{2}$/i.test(params.code ?? '') ? params.code!.toUpperCase() : null;
  const r = code && (await q.query('SELECT code FROM provinces WHERE code = $1', [code])).rows[0];
  return r ? { provinces: [r.code], type: 'province', id: r.code } : null;
});
// A need: its province.
defineResource('province_need', async (q, params) => {
  const id = intParam(params.id);
  const r = id == null ? null : (await q.query('SELECT province_code FROM province_needs WHERE id = $1', [id])).rows[0];
  return r ? { provinces: [r.province_code], type: 'province_need', id: String(id) } : null;
});
// An origin–destination figure: both provinces.
defineResource('mobility_movement', async (q, params) => {
  const id = intParam(params.id);
  const r = id == null ? null : (await q.query('SELECT origin_province, destination_province FROM mobility_movements WHERE id = $1', [id])).rows[0];
  return r ? { provinces: [...new Set([r.origin_province, r.destination_province])], type: 'mobility_movement', id: String(id) } : null;
});

const READ: Touches = { permission: 'provinces.read' };
const MANAGE: Touches = { permission: 'provinces.manage' };
const PROVINCE: Touches = { ...READ, resource: 'provinces_province' };
const PROVINCES_ACCESS: Record<string, Touches> = {
  [`GET ${P}/:code/profile`]: PROVINCE,
  [`GET ${P}/:code/profile.html`]: PROVINCE,
  [`GET ${P}/:code/profile.pdf`]: PROVINCE,
  [`GET ${P}/:code/needs/summary`]: PROVINCE,
  [`GET ${P}/:code/needs/progress`]: PROVINCE,
  [`GET ${P}/:code/mobility`]: PROVINCE,
  // Lists: filtered to the reader's provinces; a province asked for must be one of them.
  [`GET ${P}/comparison`]: READ,
  [`GET ${P}/needs`]: { ...READ, body: (_b, req: any) => (req.query?.province ? { provinces: [req.query.province], type: 'province' } : null) },
  [`POST ${P}/needs`]: { ...MANAGE, body: (b) => ({ provinces: [b.province_code], type: 'province_need' }) },
  [`PATCH ${P}/needs/:id`]: { ...MANAGE, resource: 'province_need' },
  [`GET ${P}/mobility/rounds`]: READ,
  // Rounds and the origin–destination view cover the whole country.
  [`PUT ${P}/mobility/rounds`]: { ...MANAGE, national: true },
  [`GET ${P}/mobility/od`]: { ...READ, national: true },
  [`POST ${P}/mobility/movements`]: { ...MANAGE, body: (b) => ({ provinces: [...new Set([b.origin_province, b.destination_province])], type: 'mobility_movement' }) },
  [`DELETE ${P}/mobility/movements/:id`]: { ...MANAGE, resource: 'mobility_movement' },
  // Each row of the file is checked for both its provinces (out of scope: a problem of that row).
  [`POST ${P}/mobility/import`]: MANAGE,
};

export const provincesCapability: Capability = {
  name: 'provinces',
  routes(plainApi, { db }) {
    const api = declareAccess(plainApi, PROVINCES_ACCESS);
    // ---- profile
    const profile = (req: any) => {
      if (req.query.from && req.query.to && req.query.from > req.query.to) throw new AppError('provinces_bad_period', 400, {}, { field: 'from' });
      return provinceProfile(db, { province: req.params.code, from: req.query.from, to: req.query.to, principal: req.principal });
    };
    api.get(`${P}/:code/profile`, { schema: { tags, summary: 'One province\'s profile: FMPs and flow figures, alerts, officials trained, needs, mobility, governance, registered sections', params: codeParams, querystring: period } }, profile);
    api.get(`${P}/:code/profile.html`, { schema: { tags, summary: 'The province profile as a printable page', params: codeParams, querystring: period } }, async (req, reply) => {
      const p = await profile(req);
      return reply.type('text/html; charset=utf-8').send(profileHtml(p, req.query.lang ?? req.locale, await provinceNames(db)));
    });
    api.get(`${P}/:code/profile.pdf`, { schema: { tags, summary: 'The province profile as PDF (Persian or English), printed by Chromium', params: codeParams, querystring: period } }, async (req, reply) => {
      const p = await profile(req);
      const lang = req.query.lang ?? req.locale;
      return reply.type('application/pdf').header('content-disposition', `inline; filename="province-${p.province.code}-${p.period.from}-${p.period.to}-${lang}.pdf"`).send(await profilePdf(p, lang, await provinceNames(db)));
    });
    api.get(`${P}/comparison`, { schema: { tags, summary: 'All provinces compared (for the national map): flows, alerts, officials trained, open needs, mobility', querystring: period } }, async (req) => {
      const result = await nationalComparison(db, { from: req.query.from, to: req.query.to, principal: req.principal });
      const scope = scopeOf(req.principal!, 'provinces.read');
      if (!scope.allProvinces) result.provinces = result.provinces.filter((x) => scope.provinces.includes(x.code));
      return result;
    });

    // ---- needs
    api.get(`${P}/needs`, { schema: { tags, summary: 'Provincial needs (within the reader\'s provinces)', querystring: z.object({ province: z.string().optional(), round: z.coerce.number().int().min(1).max(1000).optional() }) } }, async (req) => {
      const scope = scopeOf(req.principal!, 'provinces.read');
      return N.listNeeds(db, { provinces: scope.allProvinces ? null : scope.provinces, province: req.query.province, round: req.query.round });
    });
    api.get(`${P}/:code/needs/summary`, { schema: { tags, summary: 'A province\'s needs: latest round by status and theme, progress from the previous round', params: codeParams } }, async (req) => N.needsSummary(db, req.params.code));
    api.get(`${P}/:code/needs/progress`, { schema: { tags, summary: 'Progress of a province\'s needs between two rounds', params: codeParams, querystring: z.object({ from_round: z.coerce.number().int().min(1).max(1000), to_round: z.coerce.number().int().min(1).max(1000) }) } }, async (req) =>
      N.roundProgress(db, req.params.code, req.query.from_round, req.query.to_round),
    );
    api.post(`${P}/needs`, { schema: { tags, summary: 'Record a need', body: N.needInput } }, async (req, reply) => reply.status(201).send(await db.tx((c) => N.createNeed(c, req.actor(), req.body, req.principal!.id))));
    api.patch(`${P}/needs/:id`, { schema: { tags, summary: 'Change a need (status, priority, links…)', params: idParams, body: N.needPatch } }, async (req) => db.tx((c) => N.updateNeed(c, req.actor(), req.params.id, req.body)));

    // ---- internal mobility
    api.get(`${P}/mobility/rounds`, { schema: { tags, summary: 'Mobility tracking rounds' } }, async () => M.listRounds(db));
    api.put(`${P}/mobility/rounds`, { schema: { tags, summary: 'Create or change a round', body: M.roundInput } }, async (req) => {
      await db.tx((c) => M.upsertRound(c, req.body));
      return M.listRounds(db);
    });
    api.get(`${P}/mobility/od`, { schema: { tags, summary: 'The national origin–destination view of a round: pairs, matrix, per-province totals', querystring: z.object({ round: z.coerce.number().int().min(1).max(1000).optional() }) } }, async (req) => M.odView(db, req.query.round));
    api.get(`${P}/:code/mobility`, { schema: { tags, summary: 'Mobility in and out of one province', params: codeParams, querystring: z.object({ round: z.coerce.number().int().min(1).max(1000).optional() }) } }, async (req) =>
      M.provinceMobility(db, req.params.code, req.query.round),
    );
    api.post(`${P}/mobility/movements`, { schema: { tags, summary: 'Enter (or replace) one origin–destination figure', body: M.movementInput } }, async (req, reply) => reply.status(201).send(await db.tx((c) => M.saveMovement(c, req.actor(), req.body, req.principal!.id))));
    api.delete(`${P}/mobility/movements/:id`, { schema: { tags, summary: 'Delete one origin–destination figure', params: idParams } }, async (req) => {
      await db.tx((c) => M.deleteMovement(c, req.actor(), req.params.id));
      return { deleted: req.params.id };
    });
    api.post(
      `${P}/mobility/import`,
      { schema: { tags, summary: 'Import mobility figures (CSV or XLSX, base64): round, origin_province, origin_county, destination_province, destination_county, kind, individuals, households; all or nothing', body: z.object({ file_name: z.string().regex(/\.(csv|xlsx)$/i), data_base64: z.string().min(1), dry_run: z.boolean().default(false) }) } },
      async (req) => {
        const p = req.principal!;
        // A private file (0600 in a 0700 folder), removed after the import and swept at start if the process died.
        const upload = await receiveUpload(Readable.from([Buffer.from(req.body.data_base64, 'base64')]), req.body.file_name.toLowerCase().endsWith('.xlsx') ? 'f.xlsx' : 'f.csv');
        try {
          return await M.importMobility(db, { path: upload.path, fileName: req.body.file_name, dryRun: req.body.dry_run, actor: req.actor(), principal: p, canProvince: (code) => covers(p, 'provinces.manage', { provinces: [code] }) });
        } finally {
          upload.remove();
        }
      },
    );
  },
};
