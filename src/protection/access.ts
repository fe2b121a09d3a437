// What each protection route touches, declared for the shared scope mechanism
// (src/platform/auth/scope.ts, docs/ACCESS.md), and the protection rules it cannot express,
// applied in one place (the gate below) rather than in the handlers.
//
// The declaration (checked by the mechanism before the handler and before body validation):
// the permission, the case (or referral, alert, document) as a resource with its province and
// agencies, `hidden` so that whoever may not see the case is answered 404 as if it did not
// exist, and `body` for what a write creates (a screening's province and owner agency, an
// import's agency).
//
// The gate then adds, from policy.ts:
//   1. protection data is reached only through an assignment that names agencies (the
//      mechanism lets an assignment without agencies pass for every agency; an administrator
//      without agencies reads no case) — the same check, `covers`, over those assignments;
//   2. for routes on one case, the case must be readable (owner agency, a live referral's
//      recipient, or the user's own unexpired break-glass grant: `caseAccess`), and the route's
//      own rule holds (editing is for the owner agency; a document needs the identity group…).
// Field-level redaction stays in policy.ts (caseAccess → caseView). The workflow functions check
// again inside their transaction, with the case row locked.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';
import { covers, declareAccess, defineResource, UUID_RE, intParam, type Target, type Touches } from '../platform/auth/scope.ts';
import { AppError } from '../platform/http/errors.ts';
import { audit } from '../platform/audit.ts';
import { CASE_COLUMNS } from './cases.ts';
import { asStaff, caseAccess, mayAddTo, VERB, type CaseAccess } from './policy.ts';

const LIVE = `('pending','accepted','done')`;

/** A case as the resolvers give it: where it lies, who owns it, and what the user may do with it. */
export interface CaseTarget extends Target {
  /** The case row (CASE_COLUMNS). */
  row: any;
  /** What the requesting user may do with the case (policy.ts); null: they may not read it. */
  access: CaseAccess | null;
  /** For document routes: the document row. */
  document?: any;
}

async function caseTarget(q: Queryable, id: string, p: Principal | null): Promise<CaseTarget | null> {
  const row = (await q.query(`SELECT ${CASE_COLUMNS} FROM protection_cases c WHERE c.id = $1`, [id])).rows[0];
  if (!row) return null;
  const recipients = (await q.query(`SELECT DISTINCT to_agency_id FROM protection_referrals WHERE case_id = $1 AND status IN ${LIVE}`, [id])).rows.map((r: any) => Number(r.to_agency_id));
  const access = await caseAccess(q, p, row);
  return {
    provinces: [row.province_code],
    agencies: [...new Set([Number(row.owner_agency_id), ...recipients])],
    type: 'protection_case',
    id: row.id,
    // A break-glass grant opens this one case for reading, whatever the user's assignments.
    grants: access?.via === 'break_glass' ? [VERB.read] : [],
    row,
    access,
  };
}

/** The case, its province and every agency that may reach it (owner, live referrals' recipients). */
defineResource('protection_case', async (q, params, p) => (UUID_RE.test(params.id ?? '') ? caseTarget(q, params.id!, p) : null));

/** The case as its owner agency's (oversight: data-subject report, legal hold). */
defineResource('protection_case_owner', async (q, params) => {
  if (!UUID_RE.test(params.id ?? '')) return null;
  const row = (await q.query('SELECT id, owner_agency_id, province_code FROM protection_cases WHERE id = $1', [params.id])).rows[0];
  return row ? { provinces: [row.province_code], agencies: [Number(row.owner_agency_id)], type: 'protection_case', id: row.id } : null;
});

/** The case's province only (break-glass exists for staff of any agency there). */
defineResource('protection_case_area', async (q, params) => {
  if (!UUID_RE.test(params.id ?? '')) return null;
  const row = (await q.query('SELECT id, province_code FROM protection_cases WHERE id = $1', [params.id])).rows[0];
  return row ? { provinces: [row.province_code], type: 'protection_case', id: row.id } : null;
});

/** A document: its case's target, with the document row. */
defineResource('protection_document', async (q, params, p) => {
  if (!UUID_RE.test(params.id ?? '')) return null;
  const d = (await q.query('SELECT id, case_id, name_enc, content_enc, media_type FROM protection_documents WHERE id = $1', [params.id])).rows[0];
  if (!d) return null;
  const t = await caseTarget(q, d.case_id, p);
  return t && { ...t, document: d };
});

/** A referral lies in its case's province and belongs to the sending and the receiving agency. */
defineResource('protection_referral', async (q, params) => {
  if (!UUID_RE.test(params.id ?? '')) return null;
  const r = (await q.query('SELECT r.case_id, r.from_agency_id, r.to_agency_id, c.province_code FROM protection_referrals r JOIN protection_cases c ON c.id = r.case_id WHERE r.id = $1', [params.id])).rows[0];
  return r ? { provinces: [r.province_code], agencies: [Number(r.to_agency_id), Number(r.from_agency_id)], type: 'protection_case', id: r.case_id } : null;
});

/** An alert belongs to the owner agency of its case, in the case's province. */
defineResource('protection_alert', async (q, params) => {
  const id = intParam(params.id);
  if (id == null) return null;
  const a = (await q.query('SELECT case_id, agency_id, province_code FROM protection_alerts WHERE id = $1', [id])).rows[0];
  return a ? { provinces: [a.province_code], agencies: [Number(a.agency_id)], type: 'protection_case', id: a.case_id } : null;
});

// ---------------------------------------------------------------- declarations

interface Rule {
  access: Touches;
  /** Statistics: aggregate and suppressed, for any holder in the province (no agency needed). */
  anyAgency?: boolean;
  /** The route acts on one case, which the user must be able to read. */
  readsCase?: boolean;
  /** The route's own rule on that case (policy.ts), after it is known to be readable. */
  may?: (a: CaseAccess, t: CaseTarget, p: Principal) => boolean;
}

const P = '/api/v1/protection';
/** Whoever may not read the case is answered 404, as if it did not exist. */
const onCase = (permission: string): Touches => ({ permission, resource: 'protection_case', hidden: [VERB.read] });
const owned = (a: CaseAccess) => a.edit;

export function protectionAccess(db: Queryable): Record<string, Rule> {
  const statsProvince = (_b: unknown, req: FastifyRequest) => {
    const province = (req.query as { province?: string } | undefined)?.province;
    return province ? { provinces: [province] } : null;
  };
  return {
    [`GET ${P}/indicators`]: { access: { permission: VERB.screen } },
    [`PUT ${P}/indicators/:code`]: { access: { permission: VERB.oversee, national: true } },
    [`GET ${P}/offline-key`]: { access: { permission: VERB.screen } },
    [`POST ${P}/screenings`]: {
      access: {
        permission: VERB.screen,
        // A screening opens a case of the named agency in the point of entry's province.
        body: async (b: { fmp: string; owner_agency_id: number }) => {
          const fmp = (await db.query('SELECT province_code FROM fmps WHERE code = $1', [b.fmp])).rows[0];
          return fmp ? { provinces: [fmp.province_code], agencies: [b.owner_agency_id], type: 'protection_case' } : { provinces: [], agencies: [b.owner_agency_id] };
        },
      },
    },
    [`GET ${P}/cases`]: { access: { permission: VERB.read } },
    [`POST ${P}/cases/search`]: { access: { permission: VERB.read } },
    [`GET ${P}/cases/:id`]: { access: onCase(VERB.read), readsCase: true },
    [`POST ${P}/cases/:id/status`]: { access: onCase(VERB.edit), readsCase: true, may: owned },
    [`POST ${P}/cases/:id/consents`]: { access: onCase(VERB.edit), readsCase: true, may: owned },
    [`PATCH ${P}/cases/:id`]: { access: onCase(VERB.edit), readsCase: true, may: owned },
    [`POST ${P}/cases/:id/referrals`]: { access: onCase(VERB.refer), readsCase: true, may: (a) => a.refer && a.via === 'owner' },
    [`POST ${P}/cases/:id/followups`]: { access: onCase(VERB.edit), readsCase: true, may: (a, t, p) => mayAddTo(p, a, t.row.province_code) },
    [`POST ${P}/cases/:id/documents`]: { access: onCase(VERB.edit), readsCase: true, may: (a, t, p) => mayAddTo(p, a, t.row.province_code) },
    [`GET ${P}/documents/:id`]: { access: { permission: VERB.read, resource: 'protection_document', hidden: [VERB.read] }, readsCase: true, may: (a) => a.groups.has('identity') },
    // Break-glass is for staff of any agency in the case's province; nobody else learns the case exists.
    [`POST ${P}/cases/:id/break-glass`]: { access: { permission: VERB.breakGlass, resource: 'protection_case_area', hidden: [VERB.breakGlass] } },
    // Those who may read the referral (either side) learn why they may not answer it.
    [`POST ${P}/referrals/:id/:action`]: { access: { permission: VERB.refer, resource: 'protection_referral', hidden: [VERB.read, VERB.refer] } },
    [`GET ${P}/referrals`]: { access: { permission: VERB.read } },
    [`GET ${P}/alerts`]: { access: { permission: VERB.oversee } },
    [`POST ${P}/alerts/:id/acknowledge`]: { access: { permission: VERB.oversee, resource: 'protection_alert', hidden: [VERB.oversee] } },
    [`GET ${P}/cases/:id/access-report`]: { access: { permission: VERB.oversee, resource: 'protection_case_owner', hidden: [VERB.oversee], audit: 'protection.case.access_report' } },
    [`POST ${P}/cases/:id/legal-hold`]: { access: { permission: VERB.oversee, resource: 'protection_case_owner', hidden: [VERB.oversee] } },
    [`POST ${P}/retention`]: { access: { permission: VERB.oversee } },
    [`GET ${P}/stats`]: { access: { permission: VERB.stats, body: statsProvince }, anyAgency: true },
    [`GET ${P}/stats.csv`]: { access: { permission: VERB.stats, body: statsProvince }, anyAgency: true },
    // An import's cases belong to the named agency (each row's province is checked by the import).
    [`POST ${P}/imports`]: { access: { permission: VERB.import, body: (_b: unknown, req: FastifyRequest) => ({ provinces: [], agencies: [Number((req.query as { agency_id: number }).agency_id)] }) } },
  };
}

// ---------------------------------------------------------------- the gate

const list = <X>(x: X | X[] | undefined): X[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** The case the route's resource resolved to (routes with readsCase). */
export function caseOf(req: FastifyRequest): CaseTarget & { access: CaseAccess } {
  return req.access!.target as CaseTarget & { access: CaseAccess };
}

async function deny(db: Queryable, req: FastifyRequest, rule: Rule, reason: string, status: 403 | 404): Promise<never> {
  const t = req.access?.target ?? null;
  // A 403 on a resource is audited by the mechanism when it is sent; the rest here.
  if (status === 404 ? !!t : !rule.access.resource) {
    await audit(db, req.actor(), 'access.denied', t?.type ?? null, t?.id ?? null, {
      method: req.method,
      route: req.routeOptions.url,
      permission: list(rule.access.permission),
      reason,
      provinces: t?.provinces ?? null,
    });
  }
  if (status === 404) throw new AppError('not_found', 404);
  throw new AppError('forbidden', 403, {}, { permission: list(rule.access.permission)[0] });
}

/** 404 for whoever may not see the object (hidden), 403 for the others. */
function refusal(rule: Rule, p: Principal | null, t: Target | null): 403 | 404 {
  const h = rule.access.hidden;
  if (h === true) return 404;
  if (Array.isArray(h) && t && !covers(asStaff(p), h, t)) return 404;
  return 403;
}

function gate(db: Queryable, rule: Rule) {
  const perms = list(rule.access.permission);
  const preValidation = async (req: FastifyRequest) => {
    const p = req.principal;
    if (!p || !perms.length) return;
    const t = req.access?.target ?? null;
    if (!rule.anyAgency) {
      const need: Target = t ?? (rule.access.national ? { provinces: null } : { provinces: [] });
      if (!covers(asStaff(p), perms, need)) await deny(db, req, rule, 'agency', refusal(rule, p, t));
    }
    if (rule.readsCase) {
      const c = t as CaseTarget;
      if (!c.access) await deny(db, req, rule, 'case', 404);
      if (rule.may && !rule.may(c.access!, c, p)) await deny(db, req, rule, 'case_rule', 403);
    }
  };
  const preHandler = async (req: FastifyRequest) => {
    const targets = [await rule.access.body!(req.body, req)].flat().filter((x): x is Target => !!x);
    for (const t of targets) if (!covers(asStaff(req.principal), perms, t)) await deny(db, req, { access: { permission: perms } }, 'agency', 403);
  };
  return { preValidation, preHandler: rule.access.body && !rule.anyAgency ? preHandler : null };
}

/**
 * The protection api: each route gets its declaration (declareAccess refuses a route missing
 * from the table, at start-up) and the gate, which runs after the mechanism's checks.
 */
export function protectionApi<T extends object>(api: T, db: Queryable): T {
  const rules = protectionAccess(db);
  const declared = declareAccess(api, Object.fromEntries(Object.entries(rules).map(([k, r]) => [k, r.access])));
  const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);
  return new Proxy(declared, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !methods.has(prop) || typeof value !== 'function') return value;
      return (path: string, opts: any, handler: any) => {
        const rule = rules[`${prop.toUpperCase()} ${path}`];
        if (!rule) return value.call(target, path, opts, handler); // declareAccess refuses it
        const g = gate(db, rule);
        return value.call(target, path, {
          ...opts,
          preValidation: [g.preValidation, ...list(opts?.preValidation)],
          ...(g.preHandler ? { preHandler: [g.preHandler, ...list(opts?.preHandler)] } : {}),
        }, handler);
      };
    },
  });
}
