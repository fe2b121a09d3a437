// Sign-in, sign-out, the current session, password change, preferences and first-run setup.
import { z } from 'zod';
import type { Capability } from '../http/app.ts';
import { AppError } from '../http/errors.ts';
import { signIn, changePassword, completeSetup, userCount } from './identity.ts';
import { endSession, findSession, SESSION_COOKIE } from './sessions.ts';
import { audit } from '../audit.ts';
import { ALL_PERMISSIONS } from './permissions.ts';
import { normalisePersian } from '../text.ts';

const locale = z.enum(['en', 'fa']);
const sessionView = z.object({
  user: z.object({
    id: z.string(),
    username: z.string(),
    display_name: z.string(),
    locale,
    agency_id: z.number().nullable(),
    permissions: z.array(z.string()),
    assignments: z.array(z.object({ role: z.string(), permissions: z.array(z.string()), agency_ids: z.array(z.number()), provinces: z.array(z.string()).nullable() })),
  }),
  csrf_token: z.string(),
});

export const authCapability: Capability = {
  name: 'auth',
  routes(api, { db, config }) {
    const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: config.secureCookies, maxAge: config.sessionHours * 3600 };

    api.get('/api/v1/setup', { schema: { tags: ['auth'], summary: 'Whether first-run setup is still needed', response: { 200: z.object({ needed: z.boolean() }) } } }, async () => ({
      needed: (await userCount(db)) === 0,
    }));

    api.post(
      '/api/v1/setup',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create the first administrator with the one-time setup token',
          body: z.object({ token: z.string().min(10), username: z.string().trim().min(2).max(64).regex(/^[\p{L}\p{N}._@-]+$/u), display_name: z.string().trim().min(1).max(200), password: z.string(), locale: locale.default('en') }),
          response: { 201: z.object({ id: z.string() }) },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const id = await completeSetup(db, b.token, { username: b.username, displayName: b.display_name, password: b.password, locale: b.locale }, req.actor());
        return reply.status(201).send({ id });
      },
    );

    api.post(
      '/api/v1/auth/sign-in',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in; sets the session cookie and returns the CSRF token',
          body: z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(256) }),
          response: { 200: sessionView },
        },
      },
      async (req, reply) => {
        const r = await signIn(db, req.body.username, req.body.password, req.ip, req.headers['user-agent'], config.sessionHours, req.actor());
        reply.setCookie(SESSION_COOKIE, r.token, cookieOptions);
        const s = (await findSession(db, r.token))!;
        return view(s.principal, r.csrf);
      },
    );

    api.post('/api/v1/auth/sign-out', { schema: { tags: ['auth'], summary: 'Sign out (ends the session)', response: { 204: z.null() } } }, async (req, reply) => {
      if (req.session) {
        await endSession(db, req.session.sessionId);
        await audit(db, req.actor(), 'auth.sign_out', 'user', req.principal!.id);
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    });

    api.get('/api/v1/auth/session', { schema: { tags: ['auth'], summary: 'The signed-in user, their permissions and the CSRF token', response: { 200: sessionView } } }, async (req) => {
      if (!req.session) throw new AppError('unauthenticated', 401);
      return view(req.session.principal, req.session.csrf);
    });

    api.post(
      '/api/v1/auth/password',
      {
        schema: {
          tags: ['auth'],
          summary: 'Change one\'s password (ends the user\'s other sessions)',
          body: z.object({ current_password: z.string(), new_password: z.string() }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        if (!req.session) throw new AppError('unauthenticated', 401);
        await changePassword(db, req.principal!.id, req.body.current_password, req.body.new_password, req.actor(), req.session.sessionId);
        return reply.status(204).send(null);
      },
    );

    api.patch(
      '/api/v1/auth/preferences',
      {
        schema: {
          tags: ['auth'],
          summary: 'Change one\'s language or display name',
          body: z.object({ locale: locale.optional(), display_name: z.string().trim().min(1).max(200).optional() }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        if (!req.session) throw new AppError('unauthenticated', 401);
        await db.tx(async (c) => {
          await c.query('UPDATE users SET locale = COALESCE($2, locale), display_name = COALESCE($3, display_name) WHERE id = $1', [
            req.principal!.id,
            req.body.locale ?? null,
            req.body.display_name ? normalisePersian(req.body.display_name) : null,
          ]);
          await audit(c, req.actor(), 'user.preferences', 'user', req.principal!.id, req.body);
        });
        return reply.status(204).send(null);
      },
    );
  },
};

function view(p: import('./access.ts').Principal, csrf: string) {
  const permissions = [...new Set(p.assignments.flatMap((a) => a.permissions))].filter((x) => (ALL_PERMISSIONS as string[]).includes(x)).sort();
  return {
    user: {
      id: p.id,
      username: p.username,
      display_name: p.displayName,
      locale: p.locale,
      agency_id: p.agencyId,
      permissions,
      assignments: p.assignments.map((a) => ({ role: a.role, permissions: a.permissions, agency_ids: a.agencyIds, provinces: a.provinces })),
    },
    csrf_token: csrf,
  };
}
