// One mechanism for who may touch what. Each route declares what it touches in its options —
// `config: { access: { permission, resource, body, national, audit } }` — and the hooks
// installed here check it, for reads and writes alike, before the handler runs:
//   1. not signed in → 401 (unless the route is public);
//   2. the path names a resource (a named resolver turns the path parameters into the
//      provinces, agencies and owner of the object): missing → 404;
//   3. the permission is not held anywhere → 403;
//   4. the object is not inside the user's scope for the permission → 403 (404 for hidden
//      resources) — a national object needs nationwide scope;
//   5. a write's body names what it creates or moves (province, agencies): checked the same way
//      after validation.
// Denials on existing resources and on out-of-scope writes are audited ('access.denied'), and
// routes that declare `audit` have each successful read audited under that action.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Queryable } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { audit } from '../audit.ts';
import { actorOf, scopeOf, type Principal } from './access.ts';

/** What a request touches. provinces null: a national object, which needs nationwide scope. */
export interface Target {
  provinces: string[] | null;
  /** Owning agencies: undefined or [] — not owned by an agency; 'all' — needs agency-unrestricted scope. */
  agencies?: number[] | 'all';
  /** 'any' (default): one of the owning agencies suffices; 'all': every one must be in scope. */
  agencyMatch?: 'any' | 'all';
  /** The owning user (a mapping, an import): they pass the scope check for their own objects. */
  owner?: string | null;
  /** For the audit trail. */
  type?: string;
  id?: string;
  /**
   * Verbs the object itself gives the requesting user, whatever their assignments (a role in a
   * simulation exercise): they pass for this object alone. Resolvers compute them from the
   * principal they are given.
   */
  grants?: string[];
}

export interface Touches {
  /** Anyone, signed in or not (reference data). */
  public?: boolean;
  /** Any signed-in user (their own things, reference lists). */
  signedIn?: boolean;
  /** The permission needed (any one of a list). */
  permission?: string | string[];
  /** The route acts on national objects: nationwide scope is needed. */
  national?: boolean;
  /** A resolver registered with defineResource: the object named by the path parameters. */
  resource?: string;
  /** What a write creates or moves, from the validated body (and the resolved resource). */
  body?: (body: any, req: FastifyRequest) => Target | Target[] | null | Promise<Target | Target[] | null>;
  /** A sensitive read: each successful response is audited under this action. */
  audit?: string;
  /**
   * Objects out of scope answer 404 rather than 403, so that their existence does not show. A
   * list of permissions: every refusal answers 404 unless the user holds one of them over the
   * object (those who may see it learn why they may not act: 403).
   */
  hidden?: boolean | string[];
  /** A write that may create the resource records its owner and provinces (see ownedResource). */
  claim?: boolean;
}

export interface AccessInfo {
  touches: Touches;
  target: Target | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Touches;
  }
  interface FastifyRequest {
    access: AccessInfo | null;
  }
}

type Resolver = (q: Queryable, params: Record<string, string>, principal: Principal | null) => Promise<Target | null>;
const resolvers = new Map<string, Resolver>();

/** Registers how to find the provinces, agencies and owner of the object a path names. */
export function defineResource(name: string, resolve: Resolver) {
  resolvers.set(name, resolve);
}

/** Every route seen, 'METHOD /path' → its declaration (null: none). The matrix test reads it. */
export const declaredRoutes = new Map<string, Touches | null>();

const list = (x: string | string[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Whether the user holds one of the permissions in a scope that covers the target. */
export function covers(p: Principal | null, permission: string | string[], t: Target): boolean {
  if (!p) return false;
  const perms = list(permission);
  if (t.grants?.some((x) => perms.includes(x))) return true;
  const held = p.assignments.filter((a) => a.permissions.some((x) => perms.includes(x)));
  if (!held.length) return false;
  if (t.owner && t.owner === p.id) return true;
  const ags = t.agencies;
  const agencyOk = (ids: number[]) => {
    if (ids.length === 0 || ags === undefined) return true; // unrestricted holder, or not agency-owned
    if (ags === 'all') return false;
    if (!ags.length) return true;
    return t.agencyMatch === 'all' ? ags.every((g) => ids.includes(g)) : ags.some((g) => ids.includes(g));
  };
  if (t.provinces === null) return held.some((a) => a.provinces === null && agencyOk(a.agencyIds));
  if (!t.provinces.length) return held.some((a) => agencyOk(a.agencyIds));
  return t.provinces.every((pr) => held.some((a) => (a.provinces === null || a.provinces.includes(pr)) && agencyOk(a.agencyIds)));
}

/** Whether the user holds one of the permissions anywhere. */
export const holds = (p: Principal | null, permission: string | string[]) => !!p && p.assignments.some((a) => a.permissions.some((x) => list(permission).includes(x)));

/** Throws 403 (audited) unless the user's scope covers the target. For checks inside a service. */
export async function requireCovers(db: Queryable, req: FastifyRequest, permission: string | string[], t: Target, reason = 'scope') {
  if (!req.principal) throw new AppError('unauthenticated', 401);
  if (covers(req.principal, permission, t)) return;
  await denied(db, req, list(permission), t, reason);
  throw new AppError('forbidden', 403, {}, { permission: list(permission)[0] });
}

const AUDITED = Symbol('access.denied audited');

async function denied(db: Queryable, req: FastifyRequest, permission: string[], t: Target | null, reason: string) {
  (req as any)[AUDITED] = true;
  try {
    await audit(db, actorOf(req.principal, req.id, req.ip), 'access.denied', t?.type ?? null, t?.id ?? null, {
      method: req.method,
      route: req.routeOptions.url,
      permission,
      reason,
      provinces: t?.provinces ?? null,
    });
  } catch (e) {
    req.log.error(e);
  }
}

/** Installs the checks: call once, before the capabilities add their routes. */
export function installAccess(app: FastifyInstance, db: Database) {
  app.decorateRequest('access', null);
  app.addHook('onRoute', (r) => {
    const touches = (r.config as { access?: Touches } | undefined)?.access;
    for (const m of list(r.method as string | string[])) if (m !== 'HEAD') declaredRoutes.set(`${m} ${r.url}`, touches ?? null);
    if (!touches) return;
    const perms = list(touches.permission);

    const check = async (req: FastifyRequest) => {
      const p = req.principal;
      if (!touches.public && !p) throw new AppError('unauthenticated', 401);
      let target: Target | null = null;
      if (touches.resource) {
        const resolve = resolvers.get(touches.resource);
        if (!resolve) throw new Error(`no resolver for resource ${touches.resource}`);
        target = await resolve(db, (req.params ?? {}) as Record<string, string>, p);
        if (!target) {
          if (perms.length && !holds(p, perms) && !Array.isArray(touches.hidden)) throw new AppError('forbidden', 403, {}, { permission: perms[0] });
          throw new AppError('not_found', 404);
        }
      }
      req.access = { touches, target };
      if (!perms.length) return;
      // With hidden: [permissions], whoever holds none of them over the object is answered 404.
      const unseen = (t: Target | null) => !!t && Array.isArray(touches.hidden) && !covers(p, touches.hidden, t);
      if (!holds(p, perms) && !target?.grants?.some((x) => perms.includes(x))) {
        if (target) await denied(db, req, perms, target, 'permission');
        if (unseen(target)) throw new AppError('not_found', 404);
        throw new AppError('forbidden', 403, {}, { permission: perms[0] });
      }
      const need = target ?? (touches.national ? { provinces: null } : null);
      if (need && touches.national && need.provinces !== null) need.provinces = null;
      if (need && !covers(p, perms, need)) {
        await denied(db, req, perms, need, touches.national ? 'national' : 'scope');
        if (touches.hidden === true || unseen(target)) throw new AppError('not_found', 404);
        throw new AppError('forbidden', 403, {}, { permission: perms[0] });
      }
    };
    r.preValidation = [check, ...list(r.preValidation as any)] as any;

    if (touches.body) {
      const bodyCheck = async (req: FastifyRequest) => {
        const targets = [await touches.body!(req.body, req)].flat().filter((x): x is Target => !!x);
        for (const t of targets) {
          if (!covers(req.principal, perms, t)) {
            await denied(db, req, perms, t, 'body');
            throw new AppError('forbidden', 403, {}, { permission: perms[0] });
          }
        }
      };
      r.preHandler = [bodyCheck, ...list(r.preHandler as any)] as any;
    }

    // A refusal by the capability's own rules (after the scope check passed) on an existing
    // object is audited too, with the error's code as the reason.
    if (touches.resource) {
      const onSend = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        const t = req.access?.target;
        if (reply.statusCode === 403 && t && !(req as any)[AUDITED]) {
          let code = 'forbidden';
          try {
            code = JSON.parse(String(payload)).error?.code ?? code;
          } catch {
            /* not JSON */
          }
          await denied(db, req, perms, t, code);
        }
        return payload;
      };
      r.onSend = [...list(r.onSend as any), onSend] as any;
    }

    if (touches.claim) {
      const onSend = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        const t = req.access?.target;
        if (reply.statusCode < 300 && req.principal && t?.type && t.id) {
          const s = scopeOf(req.principal, perms[0]!);
          await db.query('INSERT INTO access_owners (subject_type, subject_id, owner_id, provinces) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [t.type, t.id, req.principal.id, s.allProvinces ? null : s.provinces]);
        }
        return payload;
      };
      r.onSend = [...list(r.onSend as any), onSend] as any;
    }

    if (touches.audit) {
      const onSend = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        if (reply.statusCode < 300 && req.principal) {
          const t = req.access?.target;
          await audit(db, req.actor(), touches.audit!, t?.type ?? null, t?.id ?? null, { route: req.routeOptions.url, query: req.query ?? {} });
        }
        return payload;
      };
      r.onSend = [...list(r.onSend as any), onSend] as any;
    }
  });
}

// ---------------------------------------------------------------- helpers for resolvers

/** A path parameter as a positive integer id (bigint range), or null. */
export function intParam(v: string | undefined): number | null {
  if (!v || !/^\d{1,15}$/.test(v)) return null;
  const n = Number(v);
  return n > 0 ? n : null;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Declares a capability's routes' access in one table, 'METHOD /path' → Touches: the returned
 * api adds each route's declaration to its options, and refuses (at start-up) a route without one.
 */
export function declareAccess<T extends object>(api: T, table: Record<string, Touches>): T {
  const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !methods.has(prop) || typeof value !== 'function') return value;
      return (path: string, opts: any, handler: any) => {
        const key = `${prop.toUpperCase()} ${path}`;
        const access = table[key];
        if (!access) throw new Error(`route ${key} declares no access (add it to the capability's access table)`);
        return value.call(target, path, { ...opts, config: { ...(opts?.config ?? {}), access } }, handler);
      };
    },
  });
}

/**
 * A resource whose changes are bounded by its owner: a new one (not in `table` yet) may be made
 * by any holder of the permission and is claimed for their provinces (routes declare
 * `claim: true`); an existing one may be changed by its owner or by whoever holds the
 * permission over all of its provinces; one with no recorded owner (shipped, or older) is
 * national. `table` and `column` are trusted SQL names.
 */
export function ownedResource(name: string, table: string, column: string, param: string) {
  defineResource(name, async (q, params) => {
    const id = params[param];
    if (!id || id.length > 200) return null;
    const exists = (await q.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [id])).rowCount;
    if (!exists) return { provinces: [], type: name, id };
    const o = (await q.query('SELECT owner_id, provinces FROM access_owners WHERE subject_type = $1 AND subject_id = $2', [name, id])).rows[0];
    return o ? { provinces: o.provinces, owner: o.owner_id, type: name, id } : { provinces: null, type: name, id };
  });
}
