// Governance: frameworks (SDG 10.7.2, GCM, MGI and imported ones), assessments with evidence,
// comments and the sign-off workflow, published snapshots, round comparison, the profile
// report (HTML and PDF), exports, and coordination structures with their workplan.
import { z } from 'zod';
import type { Api, Capability } from '../platform/http/app.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { requirePermission, can } from '../platform/auth/access.ts';
import { declareAccess, defineResource, intParam, type Touches } from '../platform/auth/scope.ts';
import { audit } from '../platform/audit.ts';
import { addMessages, type Locale } from '../platform/i18n/messages.ts';
import { toPersianDigits } from '../platform/text.ts';
import type { Database } from '../platform/db/database.ts';
import { parseFramework, type Framework } from './framework-schema.ts';
import { scoreSdg1072, validateSdg1072 } from './scoring.ts';
import { compareVersions } from './analysis.ts';
import { addNode, findVersion, indexOf, mappingsBetween, setMappings, storeFrameworkVersion, versionFrozen } from './store.ts';
import * as A from './assessments.ts';
import * as C from './coordination.ts';
import { STATUSES, assessmentTarget } from './workflow.ts';
import { frameworkFromXlsx, frameworkToXlsx, assessmentToXlsx } from './xlsx.ts';
import { renderReport, fontFaces, fontFile, FONT_FILES, htmlToPdf } from './report.ts';

addMessages(new URL('./locales/', import.meta.url));

const P = '/api/v1/governance';
const tags = ['governance'];
const id = z.coerce.number().int().positive();
const localized = z.object({ en: z.string(), fa: z.string() });
const isoDate = z.iso.date();
const text = (max: number) => z.string().max(max);
const status = z.enum(STATUSES);
const lang = z.object({ lang: z.enum(['en', 'fa']).optional() });
const created = z.object({ id: z.number() });

const linkBody = z.object({ framework: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/), code: z.string().min(1), basis: z.enum(['official', 'inferred']).optional(), note: z.string().optional() });
const nodeBody = z.object({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
  level: z.enum(['topic', 'indicator']).default('indicator'),
  texts: localized,
  question: localized.optional(),
  description: localized.optional(),
  answer_scheme: z.string().optional(),
  links: z.array(linkBody).optional(),
});
const mapping = z.object({ from_code: z.string().min(1), to_code: z.string().min(1) });

const versionView = z.object({ version: z.string(), shipped: z.boolean(), frozen: z.boolean(), indicators: z.number(), assessments: z.number(), created_at: z.string() });
const frameworkListItem = z.object({ code: z.string(), kind: z.enum(['assessment', 'reference']), title: localized, versions: z.array(versionView) });
const nodeView = z.object({
  code: z.string(),
  level: z.enum(['domain', 'topic', 'indicator']),
  parent_code: z.string().nullable(),
  depth: z.number(),
  domain: z.string(),
  texts: localized,
  question: localized.nullable(),
  scheme: z.string().nullable(),
  links: z.array(z.string()),
});
const diffItem = z.object({ code: z.string(), texts: localized, parent: z.string().nullable() });
const versionDiff = z.object({
  same_version: z.boolean(),
  added: z.array(diffItem),
  removed: z.array(diffItem),
  remapped: z.array(
    z.object({
      from_code: z.string(),
      to_code: z.string(),
      reasons: z.array(z.enum(['code_changed', 'moved', 'links_changed'])),
      from_parent: z.string().nullable(),
      to_parent: z.string().nullable(),
      links_added: z.array(z.string()),
      links_removed: z.array(z.string()),
    }),
  ),
});
const scoredValue = z.object({ value: z.number(), category: z.number() });
const score1072Result = z.object({ domains: z.record(z.string(), scoredValue), overall: scoredValue });
const assessmentScore = z.union([
  z.object({ applicable: z.literal(false) }),
  z.object({ applicable: z.literal(true), complete: z.literal(true), score: z.any() }),
  z.object({ applicable: z.literal(true), complete: z.literal(false), missing: z.array(z.string()), problems: z.array(z.any()) }),
]);
const assessmentRow = z.object({
  id: z.number(),
  series_id: z.number(),
  title_en: z.string(),
  title_fa: z.string(),
  framework_version_id: z.number(),
  scope: z.enum(['national', 'province', 'city']),
  province_code: z.string().nullable(),
  province_en: z.string().nullable(),
  province_fa: z.string().nullable(),
  city_en: z.string().nullable(),
  city_fa: z.string().nullable(),
  round_no: z.number(),
  previous_round_id: z.number().nullable(),
  version_no: z.number(),
  reopened_from_id: z.number().nullable(),
  status,
  validation_cycle: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  approved_at: z.string().nullable(),
  published_at: z.string().nullable(),
});
const ministryView = z.object({
  agency_id: z.number(),
  code: z.string(),
  name_en: z.string(),
  name_fa: z.string(),
  decision: z.enum(['SIGNED_OFF', 'OBJECTED']).nullable(),
  reason: z.string().nullable(),
  decided_by: z.string().nullable(),
  decided_at: z.string().nullable(),
});
const evidenceView = z.object({
  id: z.number(),
  node_code: z.string(),
  kind: z.enum(A.EVIDENCE_KINDS),
  title: z.string(),
  url: z.string().nullable(),
  article: z.string().nullable(),
  issued_on: z.string().nullable(),
  language: z.string().nullable(),
  file_name: z.string().nullable(),
  file_type: z.string().nullable(),
  file_size: z.number().nullable(),
  file_sha256: z.string().nullable(),
  created_at: z.string(),
});
const toneCounts = z.object({
  indicators: z.number(),
  answered: z.number(),
  positive: z.number(),
  partial: z.number(),
  negative: z.number(),
  neutral: z.number(),
  unanswered: z.number(),
  with_evidence: z.number(),
  evidence_items: z.number(),
});
const brief = z.object({ code: z.string(), texts: localized, answer: z.string().nullable(), tone: z.string() });
const domainProgress = toneCounts.extend({ code: z.string(), texts: localized, gaps: z.array(brief), good_practices: z.array(brief) });
const commentView = z.object({
  id: z.number(),
  node_code: z.string().nullable(),
  parent_id: z.number().nullable(),
  body: z.string(),
  author_label: z.string(),
  agency_id: z.number().nullable(),
  created_at: z.string(),
  resolved_at: z.string().nullable(),
});
const actionView = z.looseObject({
  id: z.number(),
  structure_id: z.number(),
  title: z.string(),
  due_on: z.string().nullable(),
  status: z.enum(['open', 'in_progress', 'done', 'cancelled']),
  gcm_objectives: z.array(z.number()),
  indicators: z.array(z.string()),
  overdue: z.boolean(),
  days_left: z.number().nullable(),
});
const structureBody = z.object({
  kind: z.enum(['un_network', 'interministerial', 'working_group', 'other']),
  level: z.enum(['national', 'provincial']),
  province_code: z.string().regex(/^IR-\d\d$/).nullable().optional(),
  name_en: text(300).optional(),
  name_fa: text(300).optional(),
  description: text(5000).optional(),
  terms_of_reference: text(20000).optional(),
});
const memberBody = z.object({
  agency_id: z.number().int().nullable().optional(),
  person_name: text(200).optional(),
  position: text(200).optional(),
  email: z.email().nullable().optional(),
  phone: text(50).nullable().optional(),
  focal_person: z.boolean().optional(),
  role: z.enum(['chair', 'co_chair', 'secretariat', 'member', 'observer']).optional(),
  active: z.boolean().optional(),
});
const meetingBody = z.object({
  held_on: isoDate,
  title: text(300).optional(),
  location: text(300).optional(),
  agenda: text(20000).optional(),
  minutes: text(100000).optional(),
  attendance: z.array(z.object({ member_id: z.number().int(), present: z.boolean() })).optional(),
});
const actionBody = z.object({
  title: z.string().trim().min(1).max(500),
  description: text(10000).optional(),
  meeting_id: z.number().int().nullable().optional(),
  owner_agency_id: z.number().int().nullable().optional(),
  owner_member_id: z.number().int().nullable().optional(),
  due_on: isoDate.nullable().optional(),
  status: z.enum(['open', 'in_progress', 'done', 'cancelled']).optional(),
  gcm_objectives: z.array(z.number().int().min(1).max(23)).optional(),
  indicators: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]*:[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'framework:code')).optional(),
});

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');
const reportLocale = (req: { query: { lang?: Locale }; locale: Locale }): Locale => req.query.lang ?? req.locale;
const SAFE_TYPES = /^(application\/pdf|image\/(png|jpeg|gif|webp)|text\/plain|text\/csv|application\/vnd\.openxmlformats-officedocument\.[a-z.]+|application\/msword|application\/vnd\.ms-excel|application\/zip)$/;

// ------------------------------------------------------------ who touches what

// An assessment for writes: its province (national: nationwide scope) and its ministries.
defineResource('gov_assessment', async (q, params) => {
  const id = intParam(params.id);
  const a = id == null ? null : (await q.query('SELECT id, scope, province_code FROM gov_assessments WHERE id = $1', [id])).rows[0];
  return a ? assessmentTarget({ ...a, id: Number(a.id) }, await A.ministryIds(q, Number(a.id))) : null;
});
// For reads, a national assessment is readable in every province (still per ministry for agency-bound users).
defineResource('gov_assessment_read', async (q, params) => {
  const id = intParam(params.id);
  const a = id == null ? null : (await q.query('SELECT id, scope, province_code FROM gov_assessments WHERE id = $1', [id])).rows[0];
  if (!a) return null;
  const t = assessmentTarget({ ...a, id: Number(a.id) }, await A.ministryIds(q, Number(a.id)));
  return { ...t, provinces: t.provinces ?? [] };
});
const structure = (read: boolean) => async (q: any, params: Record<string, string>) => {
  const id = intParam(params.id);
  const s = id == null ? null : (await q.query('SELECT id, province_code FROM gov_coord_structures WHERE id = $1', [id])).rows[0];
  return s ? { provinces: s.province_code ? [s.province_code] : read ? [] : null, type: 'gov_structure', id: String(s.id) } : null;
};
defineResource('gov_structure', structure(false));
defineResource('gov_structure_read', structure(true));

const READ: Touches = { permission: 'governance.read' };
const MANAGE_NATIONAL: Touches = { permission: 'governance.manage', national: true };
const A_READ: Touches = { permission: 'governance.read', resource: 'gov_assessment_read' };
const A_EXPORT: Touches = { ...A_READ, audit: 'governance.assessment.export' };
const A_WRITE = (permission: string[]): Touches => ({ permission, resource: 'gov_assessment' });
const S_READ: Touches = { permission: 'governance.read', resource: 'gov_structure_read' };
const S_MANAGE: Touches = { permission: 'governance.manage', resource: 'gov_structure' };
const EDITORS = ['governance.edit', 'governance.coordinate'];

export const GOVERNANCE_ACCESS: Record<string, Touches> = {
  [`GET ${P}/frameworks`]: READ,
  [`GET ${P}/frameworks/:code/versions/:version`]: READ,
  [`GET ${P}/frameworks/:code/versions/:version/export.json`]: READ,
  [`GET ${P}/frameworks/:code/versions/:version/export.xlsx`]: READ,
  [`POST ${P}/frameworks/import`]: MANAGE_NATIONAL,
  [`POST ${P}/frameworks/:code/versions`]: MANAGE_NATIONAL,
  [`POST ${P}/frameworks/:code/versions/:version/nodes`]: MANAGE_NATIONAL,
  [`PUT ${P}/frameworks/:code/versions/:version/mappings`]: MANAGE_NATIONAL,
  [`GET ${P}/frameworks/:code/compare`]: READ,
  [`GET ${P}/gcm`]: READ,
  [`POST ${P}/score-1072`]: READ,
  [`GET ${P}/assessments`]: READ,
  [`POST ${P}/assessments`]: {
    permission: 'governance.coordinate',
    body: (b) => ({ provinces: b.scope === 'national' ? null : b.province_code ? [b.province_code] : [], type: 'gov_assessment' }),
  },
  [`GET ${P}/assessments/:id`]: A_READ,
  [`PATCH ${P}/assessments/:id`]: A_WRITE(['governance.coordinate']),
  [`PUT ${P}/assessments/:id/answers/:code`]: A_WRITE(EDITORS),
  [`GET ${P}/assessments/:id/history`]: A_READ,
  [`POST ${P}/assessments/:id/answers/:code/evidence`]: A_WRITE(EDITORS),
  [`DELETE ${P}/assessments/:id/evidence/:eid`]: A_WRITE(EDITORS),
  [`GET ${P}/assessments/:id/evidence/:eid/file`]: { ...A_READ, audit: 'governance.evidence.read' },
  [`GET ${P}/assessments/:id/comments`]: A_READ,
  [`POST ${P}/assessments/:id/comments`]: A_WRITE([...EDITORS, 'governance.signoff']),
  [`POST ${P}/assessments/:id/comments/:cid/resolve`]: A_WRITE(['governance.coordinate']),
  [`POST ${P}/assessments/:id/transition`]: A_WRITE(['governance.coordinate', 'governance.approve']),
  [`POST ${P}/assessments/:id/signoff`]: A_WRITE(['governance.signoff']),
  [`POST ${P}/assessments/:id/reopen`]: A_WRITE(['governance.approve']),
  [`POST ${P}/assessments/:id/follow-up`]: A_WRITE(['governance.coordinate']),
  [`GET ${P}/assessments/:id/snapshot`]: A_READ,
  [`GET ${P}/assessments/:id/dashboard`]: A_READ,
  [`GET ${P}/assessments/:id/gcm`]: A_READ,
  [`GET ${P}/assessments/:id/score-1072`]: A_READ,
  [`GET ${P}/assessments/:id/compare/:other`]: A_READ,
  [`GET ${P}/assessments/:id/export.json`]: A_EXPORT,
  [`GET ${P}/assessments/:id/export.xlsx`]: A_EXPORT,
  [`GET ${P}/assessments/:id/report.html`]: A_EXPORT,
  [`GET ${P}/assessments/:id/report.pdf`]: A_EXPORT,
  [`GET ${P}/fonts/:file`]: { public: true },
  [`GET ${P}/coordination`]: READ,
  [`POST ${P}/coordination`]: {
    permission: 'governance.manage',
    body: (b) => ({ provinces: b.level === 'national' ? null : b.province_code ? [b.province_code] : [], type: 'gov_structure' }),
  },
  [`GET ${P}/coordination/:id`]: S_READ,
  [`PATCH ${P}/coordination/:id`]: S_MANAGE,
  [`POST ${P}/coordination/:id/members`]: S_MANAGE,
  [`PATCH ${P}/coordination/:id/members/:mid`]: S_MANAGE,
  [`POST ${P}/coordination/:id/meetings`]: S_MANAGE,
  [`PATCH ${P}/coordination/:id/meetings/:mid`]: S_MANAGE,
  [`POST ${P}/coordination/:id/actions`]: S_MANAGE,
  [`PATCH ${P}/coordination/:id/actions/:aid`]: { permission: ['governance.manage', 'governance.edit'], resource: 'gov_structure' },
  [`GET ${P}/coordination/:id/workplan`]: S_READ,
  [`GET ${P}/workplan`]: READ,
  [`GET ${P}/me`]: { signedIn: true },
};

function defineRoutes(plainApi: Api, db: Database) {
  const api = declareAccess(plainApi, GOVERNANCE_ACCESS);
  // ------------------------------------------------------------ frameworks

  api.get(`${P}/frameworks`, { schema: { tags, summary: 'Frameworks and their versions', response: { 200: z.array(frameworkListItem) } } }, async (req) => {
    requirePermission(req.principal, 'governance.read');
    const rows = await db.many(
      `SELECT f.code, f.kind, f.title_en, f.title_fa, v.id, v.version, v.shipped, v.created_at,
              (SELECT count(*) FROM gov_nodes n WHERE n.version_id = v.id AND n.level = 'indicator') AS indicators,
              (SELECT count(*) FROM gov_assessments a WHERE a.framework_version_id = v.id) AS assessments,
              EXISTS (SELECT 1 FROM gov_assessments a WHERE a.framework_version_id = v.id AND a.status = 'PUBLISHED') AS frozen
         FROM gov_frameworks f JOIN gov_framework_versions v ON v.framework_id = f.id ORDER BY f.code, v.created_at, v.id`,
    );
    const out = new Map<string, z.infer<typeof frameworkListItem>>();
    for (const r of rows) {
      let f = out.get(r.code);
      if (!f) out.set(r.code, (f = { code: r.code, kind: r.kind, title: { en: r.title_en, fa: r.title_fa }, versions: [] }));
      f.versions.push({ version: r.version, shipped: r.shipped, frozen: r.frozen, indicators: Number(r.indicators), assessments: Number(r.assessments), created_at: new Date(r.created_at).toISOString() });
    }
    return [...out.values()];
  });

  const versionParams = z.object({ code: z.string(), version: z.string() });

  api.get(
    `${P}/frameworks/:code/versions/:version`,
    {
      schema: {
        tags,
        summary: 'One framework version: its document and its nodes in order (with inherited links)',
        params: versionParams,
        response: { 200: z.object({ code: z.string(), kind: z.string(), version: z.string(), shipped: z.boolean(), frozen: z.boolean(), document: z.any(), nodes: z.array(nodeView) }) },
      },
    },
    async (req) => {
      requirePermission(req.principal, 'governance.read');
      const v = await findVersion(db, req.params.code, req.params.version);
      const ix = indexOf(v);
      return {
        code: v.code,
        kind: v.kind,
        version: v.version,
        shipped: v.shipped,
        frozen: await versionFrozen(db, v.id),
        document: v.document,
        nodes: [...ix.nodes.values()].map((n) => ({ code: n.code, level: n.level, parent_code: n.parentCode, depth: n.depth, domain: n.domainCode, texts: n.texts, question: n.question ?? null, scheme: n.level === 'indicator' ? n.scheme?.id ?? null : null, links: n.effectiveLinks })),
      };
    },
  );

  api.get(`${P}/frameworks/:code/versions/:version/export.json`, { schema: { tags, summary: 'Export a framework version as JSON (the import format)', params: versionParams } }, async (req, reply) => {
    requirePermission(req.principal, 'governance.read');
    const v = await findVersion(db, req.params.code, req.params.version);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${safeName(`${v.code}-${v.version}`)}.json"`)
      .send(JSON.stringify(v.document, null, 2));
  });

  api.get(`${P}/frameworks/:code/versions/:version/export.xlsx`, { schema: { tags, summary: 'Export a framework version as XLSX (re-importable)', params: versionParams } }, async (req, reply) => {
    requirePermission(req.principal, 'governance.read');
    const v = await findVersion(db, req.params.code, req.params.version);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${safeName(`${v.code}-${v.version}`)}.xlsx"`)
      .send(await frameworkToXlsx(v.document));
  });

  api.post(
    `${P}/frameworks/import`,
    {
      schema: {
        tags,
        summary: 'Import a framework version from JSON (document) or XLSX (data_base64); problems are listed with their place',
        body: z.object({
          format: z.enum(['json', 'xlsx']).default('json'),
          document: z.any().optional(),
          data_base64: z.string().optional(),
          mappings_from: z.string().optional().describe('an earlier version of the same framework to map indicator codes from'),
          mappings: z.array(mapping).optional(),
        }),
        response: { 201: z.object({ code: z.string(), version: z.string(), created: z.boolean(), indicators: z.number() }) },
      },
    },
    async (req, reply) => {
      requirePermission(req.principal, 'governance.manage');
      const b = req.body;
      let fw: Framework;
      if (b.format === 'xlsx') {
        if (!b.data_base64) throw new AppError('gov_import_needs_content', 400);
        const r = await frameworkFromXlsx(Buffer.from(b.data_base64, 'base64'));
        if (!r.ok) throw new AppError('gov_xlsx_invalid', 400, { count: r.problems.length }, r.problems);
        fw = r.framework;
      } else {
        if (b.document === undefined) throw new AppError('gov_import_needs_content', 400);
        const r = parseFramework(b.document);
        if (!r.ok) throw new AppError('gov_framework_invalid', 400, { count: r.problems.length }, r.problems);
        fw = r.framework;
      }
      const result = await db.tx(async (c) => {
        const from = b.mappings_from ? await findVersion(c, fw.id, b.mappings_from) : null;
        const stored = await storeFrameworkVersion(c, fw, { userId: req.principal!.id, derivedFrom: from?.id ?? null });
        if (from && b.mappings) await setMappings(c, from.id, stored.id, b.mappings);
        if (stored.created) await audit(c, req.actor(), 'governance.framework.import', 'gov_framework', fw.id, { version: fw.version, format: b.format, mappings_from: b.mappings_from ?? null, mappings: b.mappings?.length ?? 0 });
        return stored;
      });
      const indicators = (await db.one(`SELECT count(*) AS n FROM gov_nodes WHERE version_id = $1 AND level = 'indicator'`, [result.id]))!.n;
      return reply.status(201).send({ code: fw.id, version: fw.version, created: result.created, indicators: Number(indicators) });
    },
  );

  api.post(
    `${P}/frameworks/:code/versions`,
    {
      schema: {
        tags,
        summary: 'Make a new, editable version from an existing one (e.g. from the MGI skeleton, to add indicators)',
        params: z.object({ code: z.string() }),
        body: z.object({ version: z.string().trim().min(1).max(60), from_version: z.string().optional() }),
        response: { 201: z.object({ code: z.string(), version: z.string() }) },
      },
    },
    async (req, reply) => {
      requirePermission(req.principal, 'governance.manage');
      await db.tx(async (c) => {
        const from = await findVersion(c, req.params.code, req.body.from_version);
        const doc: Framework = { ...from.document, version: req.body.version };
        const stored = await storeFrameworkVersion(c, doc, { userId: req.principal!.id, derivedFrom: from.id });
        if (!stored.created) throw new AppError('gov_framework_version_exists', 409, { code: from.code, version: req.body.version });
        await audit(c, req.actor(), 'governance.framework.derive', 'gov_framework', from.code, { from: from.version, version: req.body.version });
      });
      return reply.status(201).send({ code: req.params.code, version: req.body.version });
    },
  );

  api.post(
    `${P}/frameworks/:code/versions/:version/nodes`,
    {
      schema: {
        tags,
        summary: 'Add an indicator (or topic) under a node of an editable framework version',
        params: versionParams,
        body: z.object({ parent_code: z.string(), node: nodeBody }),
        response: { 201: z.object({ code: z.string() }) },
      },
    },
    async (req, reply) => {
      requirePermission(req.principal, 'governance.manage');
      const n = req.body.node;
      await db.tx(async (c) => {
        const v = await findVersion(c, req.params.code, req.params.version);
        await c.query('SELECT 1 FROM gov_framework_versions WHERE id = $1 FOR UPDATE', [v.id]);
        await addNode(c, v, req.body.parent_code, {
          code: n.code,
          level: n.level,
          texts: n.texts,
          ...(n.question ? { question: n.question } : {}),
          ...(n.description ? { description: n.description } : {}),
          ...(n.answer_scheme ? { answerScheme: n.answer_scheme } : {}),
          ...(n.links?.length ? { links: n.links } : {}),
        });
        await audit(c, req.actor(), 'governance.framework.add_node', 'gov_framework', v.code, { version: v.version, parent: req.body.parent_code, node: n });
      });
      return reply.status(201).send({ code: n.code });
    },
  );

  api.put(
    `${P}/frameworks/:code/versions/:version/mappings`,
    {
      schema: {
        tags,
        summary: 'Say which indicator codes of an earlier version became which codes of this version',
        params: versionParams,
        body: z.object({ from_version: z.string(), mappings: z.array(mapping) }),
        response: { 200: z.object({ mappings: z.number() }) },
      },
    },
    async (req) => {
      requirePermission(req.principal, 'governance.manage');
      await db.tx(async (c) => {
        const to = await findVersion(c, req.params.code, req.params.version);
        const from = await findVersion(c, req.params.code, req.body.from_version);
        await setMappings(c, from.id, to.id, req.body.mappings);
        await audit(c, req.actor(), 'governance.framework.mappings', 'gov_framework', to.code, { from: from.version, to: to.version, mappings: req.body.mappings });
      });
      return { mappings: req.body.mappings.length };
    },
  );

  api.get(
    `${P}/frameworks/:code/compare`,
    {
      schema: {
        tags,
        summary: 'Indicators added, removed and re-mapped between two versions of a framework',
        params: z.object({ code: z.string() }),
        querystring: z.object({ from: z.string(), to: z.string() }),
        response: { 200: versionDiff },
      },
    },
    async (req) => {
      requirePermission(req.principal, 'governance.read');
      const from = await findVersion(db, req.params.code, req.query.from);
      const to = await findVersion(db, req.params.code, req.query.to);
      const { continues, ...diff } = compareVersions(indexOf(from), indexOf(to), await mappingsBetween(db, from.id, to.id), from.id === to.id);
      return diff;
    },
  );

  api.get(
    `${P}/gcm`,
    {
      schema: {
        tags,
        summary: 'The 23 GCM objectives and the guiding principles, in English and Persian',
        response: { 200: z.object({ version: z.string(), objectives: z.array(z.object({ code: z.string(), texts: localized, description: localized.nullable() })), principles: z.array(z.object({ code: z.string(), texts: localized, description: localized.nullable() })) }) },
      },
    },
    async (req) => {
      requirePermission(req.principal, 'governance.read');
      const v = await findVersion(db, 'gcm');
      const group = (code: string) => (v.document.nodes.find((n) => n.code === code)?.children ?? []).map((n) => ({ code: n.code, texts: n.texts, description: n.description ?? null }));
      return { version: v.version, objectives: group('OBJECTIVES'), principles: group('GUIDING_PRINCIPLES') };
    },
  );

  api.post(
    `${P}/score-1072`,
    {
      schema: {
        tags,
        summary: 'Score SDG 10.7.2 answers exactly as `marz governance score-1072` does (422 lists missing or invalid items)',
        body: z.record(z.string(), z.any()),
        response: { 200: score1072Result },
      },
    },
    async (req) => {
      requirePermission(req.principal, 'governance.read');
      const v = validateSdg1072(req.body);
      if (!v.ok) throw new AppError('gov_1072_incomplete', 422, { count: v.problems.length }, v.problems);
      return scoreSdg1072(v.answers);
    },
  );

  // ------------------------------------------------------------ assessments

  api.get(
    `${P}/assessments`,
    {
      schema: {
        tags,
        summary: 'Assessments the user may read, most recently changed first',
        querystring: z.object({ status: status.optional(), series_id: id.optional(), framework: z.string().optional() }),
        response: { 200: z.array(assessmentRow.extend({ framework_code: z.string(), framework_version: z.string(), framework_title_en: z.string(), framework_title_fa: z.string(), answered: z.number(), indicators: z.number() })) },
      },
    },
    async (req) => A.listAssessments(db, req.principal, req.query),
  );

  api.post(
    `${P}/assessments`,
    {
      schema: {
        tags,
        summary: 'Start an assessment (first round) of a framework version for a scope',
        body: z.object({
          title_en: text(300).optional(),
          title_fa: text(300).optional(),
          framework: z.string(),
          version: z.string().nullable().optional(),
          scope: z.enum(['national', 'province', 'city']),
          province_code: z.string().regex(/^IR-\d\d$/).nullable().optional(),
          city_en: text(200).nullable().optional(),
          city_fa: text(200).nullable().optional(),
          ministries: z.array(z.number().int()).default([]),
        }),
        response: { 201: created },
      },
    },
    async (req, reply) => reply.status(201).send({ id: await A.createAssessment(db, req.principal, req.actor(), req.body) }),
  );

  const aParams = z.object({ id });

  api.get(
    `${P}/assessments/:id`,
    {
      schema: {
        tags,
        summary: 'An assessment with its framework tree, answers, evidence, ministries, comment counts, related rounds and what the user may do',
        params: aParams,
        response: {
          200: z.object({
            assessment: assessmentRow,
            framework: z.object({ code: z.string(), version: z.string(), title: localized, answer_schemes: z.array(z.any()) }),
            nodes: z.array(nodeView),
            answers: z.array(z.looseObject({ code: z.string(), answer: z.string().nullable(), finding_en: z.string(), finding_fa: z.string(), highlight: z.string().nullable(), responsible_agency_id: z.number().nullable() })),
            evidence: z.array(evidenceView),
            ministries: z.array(ministryView),
            comments: z.array(z.object({ node_code: z.string().nullable(), count: z.number(), open: z.number() })),
            related: z.array(z.object({ id: z.number(), round_no: z.number(), version_no: z.number(), status, reopened_from_id: z.number().nullable(), previous_round_id: z.number().nullable() })),
            actions: z.object({ edit: z.boolean(), coordinate: z.boolean(), answer_for: z.number().nullable(), attach: z.boolean(), comment: z.boolean(), transitions: z.array(status), sign_for: z.array(z.number()), reopen: z.boolean(), follow_up: z.boolean() }),
          }),
        },
      },
    },
    async (req) => A.detail(db, req.principal, req.params.id),
  );

  api.patch(
    `${P}/assessments/:id`,
    {
      schema: {
        tags,
        summary: 'Change the title, city or participating ministries (while editable)',
        params: aParams,
        body: z.object({ title_en: text(300).optional(), title_fa: text(300).optional(), city_en: text(200).nullable().optional(), city_fa: text(200).nullable().optional(), ministries: z.array(z.number().int()).optional() }),
        response: { 200: z.object({ ok: z.boolean() }) },
      },
    },
    async (req) => {
      await A.updateAssessment(db, req.principal, req.actor(), req.params.id, req.body);
      return { ok: true };
    },
  );

  api.put(
    `${P}/assessments/:id/answers/:code`,
    {
      schema: {
        tags,
        summary: 'Answer an indicator: answer option, findings (English/Persian), responsible ministry, highlight',
        params: z.object({ id, code: z.string() }),
        body: z.object({
          answer: z.string().nullable().optional(),
          finding_en: text(20000).optional(),
          finding_fa: text(20000).optional(),
          highlight: z.enum(['good_practice', 'gap']).nullable().optional(),
          responsible_agency_id: z.number().int().nullable().optional(),
        }),
        response: { 200: z.object({ answer: z.string().nullable(), finding_en: z.string(), finding_fa: z.string(), highlight: z.string().nullable(), responsible_agency_id: z.number().nullable() }) },
      },
    },
    async (req) => A.setAnswer(db, req.principal, req.actor(), req.params.id, req.params.code, req.body),
  );

  api.get(
    `${P}/assessments/:id/history`,
    {
      schema: {
        tags,
        summary: 'Workflow transitions, sign-offs and every change to answers and evidence (who, what, when)',
        params: aParams,
        querystring: z.object({ code: z.string().optional() }),
        response: {
          200: z.object({
            transitions: z.array(z.object({ from: z.string().nullable(), to: z.string(), note: z.string().nullable(), actor: z.string(), at: z.string() })),
            signoffs: z.array(z.object({ agency_id: z.number(), agency_code: z.string(), cycle: z.number(), decision: z.string(), reason: z.string().nullable(), actor: z.string(), at: z.string() })),
            changes: z.array(z.object({ id: z.number(), node_code: z.string(), action: z.string(), changes: z.any(), actor_label: z.string(), at: z.string() })),
          }),
        },
      },
    },
    async (req) => {
      const h = await A.history(db, req.principal, req.params.id);
      return req.query.code ? { ...h, changes: h.changes.filter((c: any) => c.node_code === req.query.code) } : h;
    },
  );

  api.post(
    `${P}/assessments/:id/answers/:code/evidence`,
    {
      schema: {
        tags,
        summary: 'Cite evidence for an indicator: a law, decree, regulation, strategy, report, data source, web page or an attached file (base64, at most 3 MB)',
        params: z.object({ id, code: z.string() }),
        body: z.object({
          kind: z.enum(A.EVIDENCE_KINDS),
          title: z.string().trim().min(1).max(1000),
          url: z.url({ protocol: /^https?$/ }).nullable().optional(),
          article: text(300).nullable().optional(),
          issued_on: isoDate.nullable().optional(),
          language: z.string().regex(/^[a-z]{2,3}$/).nullable().optional(),
          file: z.object({ name: z.string().trim().min(1).max(255), type: z.string().max(200).nullable().optional(), data_base64: z.string() }).nullable().optional(),
        }),
        response: { 201: evidenceView },
      },
    },
    async (req, reply) => reply.status(201).send(await A.addEvidence(db, req.principal, req.actor(), req.params.id, req.params.code, req.body)),
  );

  api.delete(`${P}/assessments/:id/evidence/:eid`, { schema: { tags, summary: 'Remove an evidence item (while editable)', params: z.object({ id, eid: id }) } }, async (req, reply) => {
    await A.removeEvidence(db, req.principal, req.actor(), req.params.id, req.params.eid);
    return reply.status(204).send();
  });

  api.get(`${P}/assessments/:id/evidence/:eid/file`, { schema: { tags, summary: 'Download an attached evidence file', params: z.object({ id, eid: id }) } }, async (req, reply) => {
    const f = await A.evidenceFile(db, req.principal, req.params.id, req.params.eid);
    const ascii = safeName(f.name) || 'file';
    return reply
      .type(SAFE_TYPES.test(f.type) ? f.type : 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.name)}`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(f.data);
  });

  api.get(
    `${P}/assessments/:id/comments`,
    { schema: { tags, summary: 'Comment threads (all, or of one indicator; code= for the assessment as a whole)', params: aParams, querystring: z.object({ code: z.string().optional() }), response: { 200: z.array(commentView) } } },
    async (req) => A.listComments(db, req.principal, req.params.id, req.query.code),
  );

  api.post(
    `${P}/assessments/:id/comments`,
    {
      schema: {
        tags,
        summary: 'Comment on an indicator or the whole assessment, or reply to a thread',
        params: aParams,
        body: z.object({ node_code: z.string().nullable().optional(), parent_id: z.number().int().nullable().optional(), body: z.string().trim().min(1).max(10000) }),
        response: { 201: created },
      },
    },
    async (req, reply) => reply.status(201).send({ id: await A.addComment(db, req.principal, req.actor(), req.params.id, req.body) }),
  );

  api.post(
    `${P}/assessments/:id/comments/:cid/resolve`,
    { schema: { tags, summary: 'Mark a comment thread as addressed (or open it again)', params: z.object({ id, cid: id }), body: z.object({ resolved: z.boolean().default(true) }), response: { 200: z.object({ ok: z.boolean() }) } } },
    async (req) => {
      await A.resolveComment(db, req.principal, req.actor(), req.params.id, req.params.cid, req.body.resolved);
      return { ok: true };
    },
  );

  api.post(
    `${P}/assessments/:id/transition`,
    {
      schema: {
        tags,
        summary: 'Move the assessment through the workflow (DRAFT → SHARED_WITH_FOCAL_POINTS → COMMENTS_ADDRESSED → INTERMINISTERIAL_VALIDATION → GOVERNMENT_APPROVED → PUBLISHED)',
        params: aParams,
        body: z.object({ to: status, note: text(5000).nullable().optional() }),
        response: { 200: z.object({ status }) },
      },
    },
    async (req) => ({ status: await A.transition(db, req.principal, req.actor(), req.params.id, req.body.to, req.body.note) }),
  );

  api.post(
    `${P}/assessments/:id/signoff`,
    {
      schema: {
        tags,
        summary: "Sign off or object (with a reason) for one's own ministry during the inter-ministerial validation",
        params: aParams,
        body: z.object({ agency_id: z.number().int(), decision: z.enum(['SIGNED_OFF', 'OBJECTED']), reason: text(5000).nullable().optional() }),
        response: { 200: z.object({ ministries: z.array(ministryView) }) },
      },
    },
    async (req) => {
      await A.signOff(db, req.principal, req.actor(), req.params.id, req.body.agency_id, req.body.decision, req.body.reason);
      return { ministries: await A.ministries(db, await A.getAssessment(db, req.params.id)) };
    },
  );

  api.post(
    `${P}/assessments/:id/reopen`,
    { schema: { tags, summary: 'Reopen a published assessment: makes a new version (in DRAFT); the published one stays as it is', params: aParams, body: z.object({ reason: z.string().trim().min(1).max(5000) }), response: { 201: created } } },
    async (req, reply) => reply.status(201).send({ id: await A.reopen(db, req.principal, req.actor(), req.params.id, req.body.reason) }),
  );

  api.post(
    `${P}/assessments/:id/follow-up`,
    {
      schema: {
        tags,
        summary: "Start the next round from this (published) round's answers and evidence, optionally on a newer framework version",
        params: aParams,
        body: z.object({ version: z.string().nullable().optional(), title_en: text(300).optional(), title_fa: text(300).optional() }),
        response: { 201: created },
      },
    },
    async (req, reply) => reply.status(201).send({ id: await A.followUp(db, req.principal, req.actor(), req.params.id, req.body) }),
  );

  api.get(
    `${P}/assessments/:id/snapshot`,
    { schema: { tags, summary: 'The immutable published snapshot, with its SHA-256 and whether it still matches', params: aParams, response: { 200: z.object({ snapshot: z.any(), sha256: z.string(), verified: z.boolean(), created_at: z.string() }) } } },
    async (req) => {
      await A.readable(db, req.principal, req.params.id);
      const s = await A.snapshotOf(db, req.params.id);
      if (!s) throw notFound();
      return s;
    },
  );

  api.get(
    `${P}/assessments/:id/dashboard`,
    {
      schema: {
        tags,
        summary: 'Status per domain, gaps (absent or partial), evidence coverage and, for SDG 10.7.2, the scores',
        params: aParams,
        response: { 200: z.object({ status, domains: z.array(domainProgress), total: toneCounts, evidence_coverage: z.number(), score_1072: assessmentScore, ministries: z.array(ministryView) }) },
      },
    },
    async (req) => A.dashboard(db, req.principal, req.params.id),
  );

  api.get(
    `${P}/assessments/:id/gcm`,
    {
      schema: {
        tags,
        summary: 'Per GCM objective (and guiding principle): the indicators that speak to it and where they stand',
        params: aParams,
        response: { 200: z.array(toneCounts.extend({ code: z.string(), kind: z.enum(['objective', 'principle']), texts: localized, items: z.array(brief.extend({ domain: z.string(), evidence: z.number() })) })) },
      },
    },
    async (req) => A.gcmObjectives(db, req.principal, req.params.id),
  );

  api.get(`${P}/assessments/:id/score-1072`, { schema: { tags, summary: 'SDG 10.7.2 score of the assessment, or the missing items', params: aParams, response: { 200: assessmentScore } } }, async (req) =>
    A.score(db, req.principal, req.params.id),
  );

  api.get(
    `${P}/assessments/:id/compare/:other`,
    {
      schema: {
        tags,
        summary: 'Compare two rounds or versions: changed answers, new and removed evidence, indicators added, removed or re-mapped',
        params: z.object({ id, other: id }),
        response: {
          200: z.object({
            from: z.any(),
            to: z.any(),
            framework: versionDiff,
            answers: z.object({
              changed: z.array(z.object({ from_code: z.string(), to_code: z.string(), from_answer: z.string().nullable(), to_answer: z.string().nullable(), from_tone: z.string(), to_tone: z.string(), direction: z.enum(['improved', 'worsened', 'changed']) })),
              findings_changed: z.array(z.object({ from_code: z.string(), to_code: z.string() })),
              unchanged: z.number(),
            }),
            evidence: z.object({ added: z.array(z.looseObject({ code: z.string(), title: z.string(), kind: z.string() })), removed: z.array(z.looseObject({ code: z.string(), title: z.string(), kind: z.string() })) }),
            progress: z.object({ from: toneCounts, to: toneCounts }),
            score_1072: z.object({ from: assessmentScore, to: assessmentScore }),
          }),
        },
      },
    },
    async (req) => A.compare(db, req.principal, req.params.id, req.params.other),
  );

  api.get(`${P}/assessments/:id/export.json`, { schema: { tags, summary: 'The assessment as JSON (the published snapshot once published)', params: aParams } }, async (req, reply) => {
    const doc = await A.assessmentDocument(db, req.principal, req.params.id);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="assessment-${doc.assessment.id}-r${doc.assessment.round_no}v${doc.assessment.version_no}.json"`)
      .send(JSON.stringify(doc, null, 2));
  });

  api.get(`${P}/assessments/:id/export.xlsx`, { schema: { tags, summary: 'The assessment as XLSX (right-to-left sheets with lang=fa)', params: aParams, querystring: lang } }, async (req, reply) => {
    const doc = await A.assessmentDocument(db, req.principal, req.params.id);
    const l = reportLocale(req);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="assessment-${doc.assessment.id}-r${doc.assessment.round_no}v${doc.assessment.version_no}-${l}.xlsx"`)
      .send(await assessmentToXlsx(doc, l));
  });

  api.get(`${P}/assessments/:id/report.html`, { schema: { tags, summary: 'The profile report page (key findings per domain, good practices, gaps, key sources); prints to PDF', params: aParams, querystring: lang } }, async (req, reply) => {
    const doc = await A.assessmentDocument(db, req.principal, req.params.id);
    const snap = doc.assessment.status === 'PUBLISHED' ? await A.snapshotOf(db, req.params.id) : null;
    const html = renderReport(doc, reportLocale(req), { fonts: fontFaces({ baseUrl: `${P}/fonts/` }), sha256: snap?.sha256 });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });

  api.get(`${P}/assessments/:id/report.pdf`, { schema: { tags, summary: 'The profile report as PDF, printed by Chromium (503 pdf_unavailable without it)', params: aParams, querystring: lang } }, async (req, reply) => {
    const doc = await A.assessmentDocument(db, req.principal, req.params.id);
    const snap = doc.assessment.status === 'PUBLISHED' ? await A.snapshotOf(db, req.params.id) : null;
    const l = reportLocale(req);
    const html = renderReport(doc, l, { fonts: fontFaces('inline'), sha256: snap?.sha256 });
    const footer = l === 'fa'
      ? `مرز · ${doc.framework.code} ${doc.framework.version} · ${toPersianDigits(`#${doc.assessment.id}`)} · دور ${toPersianDigits(doc.assessment.round_no)}، نسخهٔ ${toPersianDigits(doc.assessment.version_no)}`
      : `Marz · ${doc.framework.code} ${doc.framework.version} · #${doc.assessment.id} r${doc.assessment.round_no}v${doc.assessment.version_no}`;
    const pdf = await htmlToPdf(html, footer, l);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="profile-${doc.assessment.id}-r${doc.assessment.round_no}v${doc.assessment.version_no}-${l}.pdf"`)
      .send(pdf);
  });

  api.get(`${P}/fonts/:file`, { schema: { tags, summary: 'The Vazirmatn font files used by the report (served locally)', params: z.object({ file: z.enum(Object.keys(FONT_FILES) as [string, ...string[]]) }) } }, async (req, reply) => {
    const data = fontFile(req.params.file);
    if (!data) throw notFound();
    return reply.type('font/woff2').header('cache-control', 'public, max-age=604800, immutable').send(data);
  });

  // ------------------------------------------------------------ coordination structures

  api.get(
    `${P}/coordination`,
    { schema: { tags, summary: 'Coordination structures (UN Network on Migration and others), national and provincial', response: { 200: z.array(z.looseObject({ id: z.number(), kind: z.string(), level: z.string(), name_en: z.string(), name_fa: z.string(), overdue_actions: z.number() })) } } },
    async (req) => C.listStructures(db, req.principal),
  );

  api.post(`${P}/coordination`, { schema: { tags, summary: 'Create a coordination structure', body: structureBody, response: { 201: created } } }, async (req, reply) =>
    reply.status(201).send({ id: await C.createStructure(db, req.principal, req.actor(), req.body) }),
  );

  const sParams = z.object({ id });
  api.get(
    `${P}/coordination/:id`,
    {
      schema: {
        tags,
        summary: 'A coordination structure with its members, meetings (attendance) and action items',
        params: sParams,
        querystring: z.object({ today: isoDate.optional() }),
        response: { 200: z.object({ structure: z.looseObject({ id: z.number() }), members: z.array(z.looseObject({ id: z.number() })), meetings: z.array(z.looseObject({ id: z.number(), held_on: z.string() })), actions: z.array(actionView), can_manage: z.boolean() }) },
      },
    },
    async (req) => C.structureDetail(db, req.principal, req.params.id, req.query.today),
  );

  api.patch(`${P}/coordination/:id`, { schema: { tags, summary: 'Change a coordination structure', params: sParams, body: structureBody.omit({ level: true, province_code: true }).partial(), response: { 200: z.object({ ok: z.boolean() }) } } }, async (req) => {
    await C.updateStructure(db, req.principal, req.actor(), req.params.id, req.body);
    return { ok: true };
  });

  api.post(`${P}/coordination/:id/members`, { schema: { tags, summary: 'Add a member (agency and/or focal person)', params: sParams, body: memberBody, response: { 201: created } } }, async (req, reply) =>
    reply.status(201).send({ id: await C.addMember(db, req.principal, req.actor(), req.params.id, req.body) }),
  );

  api.patch(`${P}/coordination/:id/members/:mid`, { schema: { tags, summary: 'Change a member', params: z.object({ id, mid: id }), body: memberBody, response: { 200: z.object({ ok: z.boolean() }) } } }, async (req) => {
    await C.updateMember(db, req.principal, req.actor(), req.params.id, req.params.mid, req.body);
    return { ok: true };
  });

  api.post(`${P}/coordination/:id/meetings`, { schema: { tags, summary: 'Record a meeting: agenda, minutes, attendance', params: sParams, body: meetingBody, response: { 201: created } } }, async (req, reply) =>
    reply.status(201).send({ id: await C.addMeeting(db, req.principal, req.actor(), req.params.id, req.body) }),
  );

  api.patch(`${P}/coordination/:id/meetings/:mid`, { schema: { tags, summary: 'Change a meeting', params: z.object({ id, mid: id }), body: meetingBody.partial(), response: { 200: z.object({ ok: z.boolean() }) } } }, async (req) => {
    await C.updateMeeting(db, req.principal, req.actor(), req.params.id, req.params.mid, req.body);
    return { ok: true };
  });

  api.post(
    `${P}/coordination/:id/actions`,
    { schema: { tags, summary: 'Add an action item (owner, due date, status, GCM objectives, indicators)', params: sParams, body: actionBody, response: { 201: created } } },
    async (req, reply) => reply.status(201).send({ id: await C.addAction(db, req.principal, req.actor(), req.params.id, req.body) }),
  );

  api.patch(
    `${P}/coordination/:id/actions/:aid`,
    { schema: { tags, summary: 'Change an action item (editors may change its status)', params: z.object({ id, aid: id }), body: actionBody.partial(), response: { 200: z.object({ ok: z.boolean() }) } } },
    async (req) => {
      await C.updateAction(db, req.principal, req.actor(), req.params.id, req.params.aid, req.body);
      return { ok: true };
    },
  );

  const workplanResponse = z.object({ today: z.string(), items: z.array(actionView), overdue: z.number(), by_status: z.record(z.string(), z.number()) });
  const workplanQuery = z.object({ today: isoDate.optional(), gcm: z.coerce.number().int().min(1).max(23).optional(), status: z.enum(['open', 'in_progress', 'done', 'cancelled']).optional() });
  api.get(`${P}/coordination/:id/workplan`, { schema: { tags, summary: "A structure's workplan, overdue items first", params: sParams, querystring: workplanQuery, response: { 200: workplanResponse } } }, async (req) =>
    C.workplan(db, req.principal, req.params.id, req.query.today, req.query),
  );

  api.get(`${P}/workplan`, { schema: { tags, summary: 'The workplan across all coordination structures the user may read', querystring: workplanQuery, response: { 200: workplanResponse } } }, async (req) =>
    C.workplan(db, req.principal, null, req.query.today, req.query),
  );

  // Whether the user may manage frameworks and coordination (the web page asks).
  api.get(`${P}/me`, { schema: { tags, summary: "The user's governance permissions and agency", response: { 200: z.object({ read: z.boolean(), edit: z.boolean(), coordinate: z.boolean(), signoff: z.boolean(), approve: z.boolean(), manage: z.boolean(), agency_id: z.number().nullable() }) } } }, async (req) => {
    if (!req.principal) throw new AppError('unauthenticated', 401);
    const p = req.principal;
    return { read: can(p, 'governance.read'), edit: can(p, 'governance.edit'), coordinate: can(p, 'governance.coordinate'), signoff: can(p, 'governance.signoff'), approve: can(p, 'governance.approve'), manage: can(p, 'governance.manage'), agency_id: p.agencyId };
  });
}

export const governanceCapability: Capability = {
  name: 'governance',
  routes(api, { db }) {
    defineRoutes(api, db);
  },
};

