// Administration: users and their role assignments, agencies, roles, and the audit trail.
import { z } from 'zod';
import type { Capability } from '../platform/http/app.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import type { Principal } from '../platform/auth/access.ts';
import { covers, type Target } from '../platform/auth/scope.ts';
import { createUser, setAssignments, checkPasswordStrength } from '../platform/auth/identity.ts';
import { addMessages } from '../platform/i18n/messages.ts';
import { rolePermissions, checkGrant, checkManage, mayManage, userTarget, assignmentsOf, type GrantedAssignment } from './grants.ts';
import { hashPassword } from '../platform/auth/passwords.ts';
import { PERMISSIONS, ALL_PERMISSIONS } from '../platform/auth/permissions.ts';
import { audit } from '../platform/audit.ts';
import { normalisePersian } from '../platform/text.ts';
import { byName } from '../platform/db/database.ts';

addMessages(new URL('./locales/', import.meta.url));

const code = z.string().trim().min(2).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _');
const assignment = z.object({
  role: z.string(),
  agency_ids: z.array(z.number().int()).default([]),
  provinces: z.array(z.string().regex(/^IR-\d\d$/)).nullable().default(null),
});
const userView = z.object({
  id: z.string(),
  username: z.string(),
  display_name: z.string(),
  email: z.string().nullable(),
  locale: z.string(),
  agency_id: z.number().nullable(),
  active: z.boolean(),
  locked: z.boolean(),
  created_at: z.string(),
  assignments: z.array(assignment),
});
const agencyView = z.object({ id: z.number(), code: z.string(), name_en: z.string(), name_fa: z.string(), kind: z.string() });
const roleView = z.object({ id: z.number(), code: z.string(), name_en: z.string(), name_fa: z.string(), permissions: z.array(z.string()), clearance: z.string(), builtin: z.boolean() });
const agencyKind = z.enum(['ministry', 'government', 'security', 'red_crescent', 'un', 'ngo', 'other']);
const clearance = z.enum(['public', 'internal', 'restricted', 'confidential']);
const permission = z.string().refine((p) => (ALL_PERMISSIONS as string[]).includes(p), 'unknown permission');

const USERS_SQL = `
  SELECT u.id, u.username, u.display_name, u.email, u.locale, u.agency_id, u.active,
         (u.locked_until IS NOT NULL AND u.locked_until > now()) AS locked, u.created_at,
         COALESCE((SELECT json_agg(json_build_object('role', r.code, 'agency_ids', a.agency_ids, 'provinces', a.province_codes) ORDER BY a.id)
                     FROM role_assignments a JOIN roles r ON r.id = a.role_id WHERE a.user_id = u.id), '[]') AS assignments
    FROM users u`;

const toUser = (r: any) => ({ ...r, agency_id: r.agency_id == null ? null : Number(r.agency_id), created_at: new Date(r.created_at).toISOString() });
const granted = (list: { role: string; agency_ids: number[]; provinces: string[] | null }[]): GrantedAssignment[] =>
  list.map((a) => ({ role: a.role, agencyIds: a.agency_ids.map(Number), provinces: a.provinces }));
/** The users a manager may see and manage: all of whose assignments they could have granted. */
async function manageable(q: Parameters<typeof rolePermissions>[0], me: Principal, rows: any[]) {
  const roles = await rolePermissions(q);
  return rows.filter((u) => u.id === me.id || mayManage(me, roles, granted(u.assignments)));
}

/** Refuses (403 grant_exceeds) a role made of verbs the editor does not hold nationwide. */
function checkVerbs(me: Principal, permissions: string[]) {
  const missing = permissions.filter((p) => !covers(me, p, { provinces: null, agencies: 'all' }));
  if (missing.length) throw new AppError('grant_exceeds', 403, { role: '', permission: missing[0] }, { missing });
}

export const adminCapability: Capability = {
  name: 'admin',
  routes(api, { db }) {
    api.get('/api/v1/permissions', { config: { access: { permission: ['roles.manage', 'users.manage'] } }, schema: { tags: ['admin'], summary: 'The permission verbs roles are made of', response: { 200: z.array(z.object({ code: z.string(), description: z.string() })) } } }, async () => {
      return Object.entries(PERMISSIONS).map(([code, description]) => ({ code, description }));
    });

    // ---- users
    api.get('/api/v1/users', { config: { access: { permission: 'users.manage', audit: 'user.list.read' } }, schema: { tags: ['admin'], summary: 'List the users the manager may manage (all of whose assignments they could grant)', response: { 200: z.array(userView) } } }, async (req) => {
      const rows = await manageable(db, req.principal!, await db.many(USERS_SQL + ' ORDER BY u.display_name COLLATE marz_fa, u.created_at'));
      return rows.map(toUser);
    });

    api.get('/api/v1/users/:id', { config: { access: { permission: 'users.manage', resource: 'user', audit: 'user.read' } }, schema: { tags: ['admin'], summary: 'One user', params: z.object({ id: z.uuid() }), response: { 200: userView } } }, async (req) => {
      checkManage(req.principal!, await rolePermissions(db), await assignmentsOf(db, req.params.id));
      const r = await db.one(USERS_SQL + ' WHERE u.id = $1', [req.params.id]);
      if (!r) throw notFound();
      return toUser(r);
    });

    api.post(
      '/api/v1/users',
      {
        config: {
          access: {
            permission: 'users.manage',
            // The new user must lie wholly inside the manager's scope.
            body: (b): Target => userTarget('', b.agency_id ?? null, granted(b.assignments ?? [])),
          },
        },
        schema: {
          tags: ['admin'],
          summary: 'Create a user with their role assignments',
          body: z.object({
            username: z.string().trim().min(2).max(64).regex(/^[\p{L}\p{N}._@-]+$/u),
            display_name: z.string().trim().min(1).max(200),
            email: z.email().nullable().optional(),
            password: z.string(),
            locale: z.enum(['en', 'fa']).default('en'),
            agency_id: z.number().int().nullable().optional(),
            assignments: z.array(assignment).default([]),
          }),
          response: { 201: z.object({ id: z.string() }) },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const id = await db.tx(async (c) => {
          const roles = await rolePermissions(c);
          for (const a of granted(b.assignments)) checkGrant(req.principal!, roles, a);
          return createUser(c, req.actor(), {
            username: b.username,
            displayName: b.display_name,
            email: b.email ?? null,
            password: b.password,
            locale: b.locale,
            agencyId: b.agency_id ?? null,
            assignments: b.assignments.map((a) => ({ role: a.role, agencyIds: a.agency_ids, provinces: a.provinces })),
          });
        });
        return reply.status(201).send({ id });
      },
    );

    api.patch(
      '/api/v1/users/:id',
      {
        config: {
          access: {
            permission: 'users.manage',
            resource: 'user',
            // New assignments and a new agency must lie inside the manager's scope too.
            body: (b, req): Target | null =>
              b.assignments || b.agency_id !== undefined ? userTarget(String((req.params as any).id), b.agency_id ?? null, granted(b.assignments ?? [])) : null,
          },
        },
        schema: {
          tags: ['admin'],
          summary: 'Change a user (name, agency, active, password reset, role assignments)',
          params: z.object({ id: z.uuid() }),
          body: z.object({
            display_name: z.string().trim().min(1).max(200).optional(),
            email: z.email().nullable().optional(),
            agency_id: z.number().int().nullable().optional(),
            active: z.boolean().optional(),
            unlock: z.boolean().optional(),
            new_password: z.string().optional(),
            assignments: z.array(assignment).optional(),
          }),
          response: { 200: userView },
        },
      },
      async (req) => {
        const me = req.principal!;
        const b = req.body;
        const self = req.params.id === me.id;
        if (self && b.active === false) throw new AppError('self_lockout', 400);
        // Nobody changes their own role assignments (nor their own agency, which scopes sign-offs).
        if (self && (b.assignments || b.agency_id !== undefined)) throw new AppError('own_assignments', 403);
        let hashed: string | null = null;
        await db.tx(async (c) => {
          const found = await c.query('SELECT username, display_name FROM users WHERE id = $1 FOR UPDATE', [req.params.id]);
          if (!found.rowCount) throw notFound();
          const roles = await rolePermissions(c);
          // Managing someone (a password reset included) needs every verb they hold, where they hold it.
          if (!self) checkManage(me, roles, await assignmentsOf(c, req.params.id));
          if (b.new_password !== undefined) {
            // The same rules as everywhere else: not common, not the user's name (nor near it).
            const target = found.rows[0];
            checkPasswordStrength(b.new_password, { username: target.username, displayName: b.display_name ?? target.display_name, field: 'new_password' });
            hashed = await hashPassword(b.new_password);
          }
          for (const a of granted(b.assignments ?? [])) checkGrant(me, roles, a);
          if (b.agency_id != null && !(await c.query('SELECT 1 FROM agencies WHERE id = $1', [b.agency_id])).rowCount) throw new AppError('unknown_agency', 400, { id: b.agency_id });
          await c.query(
            `UPDATE users SET display_name = COALESCE($2, display_name),
                    email = CASE WHEN $3::boolean THEN $4 ELSE email END,
                    agency_id = CASE WHEN $5::boolean THEN $6::bigint ELSE agency_id END,
                    active = COALESCE($7, active),
                    locked_until = CASE WHEN $8::boolean THEN NULL ELSE locked_until END,
                    failed_sign_ins = CASE WHEN $8::boolean THEN 0 ELSE failed_sign_ins END,
                    password_hash = COALESCE($9, password_hash),
                    password_changed_at = CASE WHEN $9 IS NULL THEN password_changed_at ELSE now() END
              WHERE id = $1`,
            [req.params.id, b.display_name ? normalisePersian(b.display_name) : null, b.email !== undefined, b.email ?? null, b.agency_id !== undefined, b.agency_id ?? null, b.active ?? null, b.unlock === true, hashed],
          );
          if (b.active === false || hashed) await c.query('DELETE FROM sessions WHERE user_id = $1', [req.params.id]);
          if (b.assignments) {
            await setAssignments(c, req.params.id, b.assignments.map((a) => ({ role: a.role, agencyIds: a.agency_ids, provinces: a.provinces })));
          }
          const { new_password, ...logged } = b;
          await audit(c, req.actor(), 'user.update', 'user', req.params.id, { ...logged, password_reset: new_password !== undefined });
        });
        return toUser(await db.one(USERS_SQL + ' WHERE u.id = $1', [req.params.id]));
      },
    );

    // ---- agencies
    api.get('/api/v1/agencies', { config: { access: { signedIn: true } }, schema: { tags: ['admin'], summary: 'List agencies', response: { 200: z.array(agencyView) } } }, async (req) => {
      const rows = await db.many(`SELECT id, code, name_en, name_fa, kind FROM agencies ORDER BY ${byName(req.locale)}`);
      return rows.map((r) => ({ ...r, id: Number(r.id) }));
    });

    const agencyBody = z.object({ code, name_en: z.string().trim().min(1).max(200), name_fa: z.string().trim().min(1).max(200), kind: agencyKind });
    api.post('/api/v1/agencies', { config: { access: { permission: 'agencies.manage', national: true } }, schema: { tags: ['admin'], summary: 'Create an agency', body: agencyBody, response: { 201: agencyView } } }, async (req, reply) => {
      const b = req.body;
      const row = await db.tx(async (c) => {
        if ((await c.query('SELECT 1 FROM agencies WHERE code = $1', [b.code])).rowCount) throw new AppError('code_taken', 409, { code: b.code });
        const r = (await c.query('INSERT INTO agencies (code, name_en, name_fa, kind) VALUES ($1,$2,$3,$4) RETURNING id, code, name_en, name_fa, kind', [b.code, b.name_en, normalisePersian(b.name_fa), b.kind])).rows[0];
        await audit(c, req.actor(), 'agency.create', 'agency', String(r.id), b);
        return r;
      });
      return reply.status(201).send({ ...row, id: Number(row.id) });
    });

    api.patch(
      '/api/v1/agencies/:id',
      { config: { access: { permission: 'agencies.manage', resource: 'agency', national: true } }, schema: { tags: ['admin'], summary: 'Change an agency', params: z.object({ id: z.coerce.number().int() }), body: agencyBody.omit({ code: true }).partial(), response: { 200: agencyView } } },
      async (req) => {
        const b = req.body;
        const row = await db.tx(async (c) => {
          const r = (
            await c.query(
              `UPDATE agencies SET name_en = COALESCE($2, name_en), name_fa = COALESCE($3, name_fa), kind = COALESCE($4, kind) WHERE id = $1 RETURNING id, code, name_en, name_fa, kind`,
              [req.params.id, b.name_en ?? null, b.name_fa ? normalisePersian(b.name_fa) : null, b.kind ?? null],
            )
          ).rows[0];
          if (!r) throw notFound();
          await audit(c, req.actor(), 'agency.update', 'agency', String(req.params.id), b);
          return r;
        });
        return { ...row, id: Number(row.id) };
      },
    );

    // ---- roles
    api.get('/api/v1/roles', { config: { access: { signedIn: true } }, schema: { tags: ['admin'], summary: 'List roles', response: { 200: z.array(roleView) } } }, async () => {
      return (await db.many('SELECT id, code, name_en, name_fa, permissions, clearance, builtin FROM roles ORDER BY builtin DESC, code')).map((r) => ({ ...r, id: Number(r.id) }));
    });

    const roleBody = z.object({ code, name_en: z.string().trim().min(1).max(200), name_fa: z.string().trim().min(1).max(200), permissions: z.array(permission), clearance: clearance.default('internal') });
    api.post('/api/v1/roles', { config: { access: { permission: 'roles.manage', national: true } }, schema: { tags: ['admin'], summary: 'Create a role (only of verbs the editor holds nationwide)', body: roleBody, response: { 201: roleView } } }, async (req, reply) => {
      const b = req.body;
      checkVerbs(req.principal!, b.permissions);
      const row = await db.tx(async (c) => {
        if ((await c.query('SELECT 1 FROM roles WHERE code = $1', [b.code])).rowCount) throw new AppError('code_taken', 409, { code: b.code });
        const r = (
          await c.query('INSERT INTO roles (code, name_en, name_fa, permissions, clearance) VALUES ($1,$2,$3,$4,$5) RETURNING id, code, name_en, name_fa, permissions, clearance, builtin', [
            b.code,
            b.name_en,
            normalisePersian(b.name_fa),
            [...new Set(b.permissions)].sort(),
            b.clearance,
          ])
        ).rows[0];
        await audit(c, req.actor(), 'role.create', 'role', String(r.id), b);
        return r;
      });
      return reply.status(201).send({ ...row, id: Number(row.id) });
    });

    api.patch(
      '/api/v1/roles/:id',
      { config: { access: { permission: 'roles.manage', resource: 'role', national: true } }, schema: { tags: ['admin'], summary: 'Change a role (not a built-in one, not one the editor holds, only of verbs the editor holds)', params: z.object({ id: z.coerce.number().int() }), body: roleBody.omit({ code: true }).partial(), response: { 200: roleView } } },
      async (req) => {
        const b = req.body;
        const me = req.principal!;
        const row = await db.tx(async (c) => {
          const cur = (await c.query('SELECT code, builtin, permissions FROM roles WHERE id = $1 FOR UPDATE', [req.params.id])).rows[0];
          if (!cur) throw notFound();
          if (cur.builtin) throw new AppError('builtin_role', 400);
          if (me.assignments.some((a) => a.role === cur.code)) throw new AppError('own_role', 403);
          checkVerbs(me, cur.permissions);
          if (b.permissions) checkVerbs(me, b.permissions);
          const r = (
            await c.query(
              `UPDATE roles SET name_en = COALESCE($2, name_en), name_fa = COALESCE($3, name_fa), permissions = COALESCE($4, permissions), clearance = COALESCE($5, clearance)
                WHERE id = $1 RETURNING id, code, name_en, name_fa, permissions, clearance, builtin`,
              [req.params.id, b.name_en ?? null, b.name_fa ? normalisePersian(b.name_fa) : null, b.permissions ? [...new Set(b.permissions)].sort() : null, b.clearance ?? null],
            )
          ).rows[0];
          await audit(c, req.actor(), 'role.update', 'role', String(req.params.id), b);
          return r;
        });
        return { ...row, id: Number(row.id) };
      },
    );

    // ---- audit trail
    api.get(
      '/api/v1/audit',
      {
        config: { access: { permission: 'audit.read', audit: 'audit.read' } },
        schema: {
          tags: ['admin'],
          summary: 'The audit trail, newest first, with filters; page with before_id (outside nationwide scope: the entries of users wholly inside one\'s scope)',
          querystring: z.object({
            actor: z.string().optional(),
            action: z.string().optional(),
            subject_type: z.string().optional(),
            subject_id: z.string().optional(),
            from: z.iso.date().optional(),
            to: z.iso.date().optional(),
            before_id: z.coerce.number().int().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({
              entries: z.array(
                z.object({ id: z.number(), at: z.string(), actor_id: z.string().nullable(), actor_label: z.string().nullable(), action: z.string(), subject_type: z.string().nullable(), subject_id: z.string().nullable(), details: z.any(), request_id: z.string().nullable(), ip: z.string().nullable() }),
              ),
              next_before_id: z.number().nullable(),
            }),
          },
        },
      },
      async (req) => {
        const me = req.principal!;
        const q = req.query;
        const where: string[] = [];
        const params: unknown[] = [];
        const add = (sql: string, v: unknown) => {
          params.push(v);
          where.push(sql.replace('?', `$${params.length}`));
        };
        // Outside nationwide scope, only the entries of users wholly inside one's own scope.
        if (!covers(me, 'audit.read', { provinces: null, agencies: 'all' })) {
          const users = await db.many(USERS_SQL);
          const ids = users.filter((u) => u.id === me.id || covers(me, 'audit.read', userTarget(u.id, u.agency_id == null ? null : Number(u.agency_id), granted(u.assignments)))).map((u) => u.id);
          add('actor_id = ANY(?::uuid[])', ids);
        }
        if (q.actor) add('actor_label ILIKE ?', `%${q.actor}%`);
        if (q.action) add('action LIKE ?', `${q.action}%`);
        if (q.subject_type) add('subject_type = ?', q.subject_type);
        if (q.subject_id) add('subject_id = ?', q.subject_id);
        if (q.from) add("at >= (?::date)::timestamp AT TIME ZONE 'Asia/Tehran'", q.from);
        if (q.to) add("at < ((?::date) + 1)::timestamp AT TIME ZONE 'Asia/Tehran'", q.to);
        if (q.before_id) add('id < ?', q.before_id);
        params.push(q.limit);
        const rows = await db.many(
          `SELECT id, at, actor_id, actor_label, action, subject_type, subject_id, details, request_id, ip FROM audit_log
            ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT $${params.length}`,
          params,
        );
        const entries = rows.map((r) => ({ ...r, id: Number(r.id), at: new Date(r.at).toISOString() }));
        return { entries, next_before_id: entries.length === q.limit ? entries[entries.length - 1].id : null };
      },
    );
  },
};
