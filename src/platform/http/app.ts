// The HTTP application: Fastify with zod-validated routes described in OpenAPI, database
// sessions with CSRF, errors in the request's language, and the web app's static files.
import Fastify, { type FastifyInstance, type FastifyRequest, type RawServerDefault, type RawRequestDefaultExpression, type RawReplyDefaultExpression, type FastifyBaseLogger } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import helmet from '@fastify/helmet';
import {
  serializerCompiler,
  validatorCompiler,
  jsonSchemaTransform,
  hasZodFastifySchemaValidationErrors,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { Config } from '../config.ts';
import { VERSION } from '../config.ts';
import { AppError } from './errors.ts';
import { t, pickLocale, addMessages, type Locale } from '../i18n/messages.ts';
import { checkInput } from './input.ts';
import { databaseError } from './db-errors.ts';
import { sweepUploads } from './uploads.ts';
import { findSession, SESSION_COOKIE, CSRF_HEADER, type SessionInfo } from '../auth/sessions.ts';
import { actorOf, type Principal } from '../auth/access.ts';
import type { Actor } from '../audit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionInfo | null;
    principal: Principal | null;
    locale: Locale;
    actor(): Actor;
  }
}

export type App = FastifyInstance;
/** The app as routes see it: request and reply types come from the routes' zod schemas. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
export interface AppContext {
  db: Database;
  config: Config;
}
/** A capability plugs in its routes (and, optionally, its own message catalogue). */
export interface Capability {
  name: string;
  routes(api: Api, ctx: AppContext): void | Promise<void>;
}

const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
addMessages(new URL('./locales/', import.meta.url));

/**
 * Content-Security-Policy for the web app as vite builds it: scripts only from the app's own
 * origin (no inline script), inline styles allowed (React's style attributes, MapLibre's
 * positioning), images and map tiles from the app itself or data:/blob: URLs, MapLibre's worker
 * from its own file or a blob:, no frames, no plugins, forms only back to Marz.
 */
export function contentSecurityPolicy(https: boolean) {
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      childSrc: ["'self'", 'blob:'],
      manifestSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      ...(https ? { upgradeInsecureRequests: [] } : {}),
    },
  };
}

// Routes anyone may call without signing in, besides those declaring `access: { public: true }`.
const PUBLIC_ROUTES = new Set(['/api/v1/auth/sign-in', '/api/v1/auth/sign-out', '/api/v1/auth/session', '/api/v1/setup', '/api/health']);

function needsSignIn(req: FastifyRequest): boolean {
  const route = req.routeOptions?.url;
  if (!route || !route.startsWith('/api/v1/') || PUBLIC_ROUTES.has(route)) return false;
  return !(req.routeOptions.config as { access?: { public?: boolean } } | undefined)?.access?.public;
}

function isInputError(err: any): boolean {
  if (typeof err?.code === 'string' && /^FST_ERR_(CTP_INVALID|CTP_EMPTY_JSON|VALIDATION)/.test(err.code)) return true;
  return hasZodFastifySchemaValidationErrors(err) || (err instanceof AppError && ['bad_text', 'invisible_text', 'number_range', 'validation'].includes(err.code));
}

export async function buildApp(ctx: AppContext, capabilities: Capability[], opts: { logger?: boolean } = {}) {
  const app = Fastify({
    logger: opts.logger ? { level: 'info' } : false,
    genReqId: () => randomUUID(),
    // A hop count or the proxies' addresses (config.ts): never every sender.
    trustProxy: ctx.config.trustProxy === false ? false : (ctx.config.trustProxy as any),
    bodyLimit: 5 * 1024 * 1024,
    // Errors before routing (an address that is not valid percent-encoding, a bad Content-Type)
    // answer in Marz's format too.
    frameworkErrors: (err: any, req: any, reply: any) => {
      const locale = pickLocale(req.headers['x-marz-locale'] as string) ?? pickLocale(req.headers['accept-language']) ?? 'en';
      const code = err?.code === 'FST_ERR_BAD_URL' ? 'bad_url' : 'validation';
      void reply.status(400).send({ error: { code, message: code === 'bad_url' ? t(locale, 'errors.bad_url') : t(locale, 'errors.validation', { details: String(err?.message ?? '') }) } });
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(cookie);
  const https = /^https:/i.test(ctx.config.publicUrl);
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: contentSecurityPolicy(https),
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    // HSTS only means something over https; sent over http it would pin a LAN address to https.
    strictTransportSecurity: https ? { maxAge: 15552000, includeSubDomains: false } : false,
  });
  // Upload files left by a process that died (crash, kill -9) are removed at start.
  sweepUploads();
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Marz API', version: VERSION, description: 'Migration and border governance information system. Every write needs the x-csrf-token header of the signed-in session.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: CSRF_HEADER },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  app.decorateRequest('session', null);
  app.decorateRequest('principal', null);
  app.decorateRequest('locale', 'en');
  app.decorateRequest('actor', function (this: FastifyRequest) {
    return actorOf(this.principal, this.id, this.ip);
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const token = req.cookies[SESSION_COOKIE];
    if (token && req.url.startsWith('/api/')) {
      req.session = await findSession(ctx.db, token);
      req.principal = req.session?.principal ?? null;
    }
    req.locale =
      pickLocale(req.headers['x-marz-locale'] as string) ??
      req.principal?.locale ??
      pickLocale(req.cookies.marz_lang) ??
      pickLocale(req.headers['accept-language']) ??
      'en';
    // Writes by a cookie session must carry the session's CSRF token.
    if (req.session && !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.headers[CSRF_HEADER] !== req.session.csrf) {
      throw new AppError('csrf', 403);
    }
  });

  // Every text field of every request: no NUL, control characters, lone surrogates or
  // non-characters; numbers within range; no names of invisible characters (input.ts). It runs
  // after authentication and schema validation (so an anonymous request gets 401 first) and
  // before any handler, for routes with and without schemas alike.
  app.addHook('preHandler', async (req) => {
    checkInput(req);
  });

  app.setErrorHandler((err: any, req, reply) => {
    const locale = req.locale ?? 'en';
    // Authentication comes before validation: an anonymous request with a bad body or query to a
    // route that is not public is told to sign in, not what is wrong with its input.
    if (!req.principal && isInputError(err) && needsSignIn(req)) {
      return reply.status(401).send({ error: { code: 'unauthenticated', message: t(locale, 'errors.unauthenticated') } });
    }
    if (err instanceof AppError) {
      const retry = (err.details as { retry_after?: number } | undefined)?.retry_after;
      if (retry) reply.header('retry-after', String(retry));
      return reply.status(err.status).send({ error: { code: err.code, message: t(locale, `errors.${err.code}`, err.params), details: err.details } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v: any) => ({ path: (v.instancePath || '/').replace(/^\//, '').replace(/\//g, '.') || (err.validationContext ?? ''), message: v.message }));
      const details = issues.map((i: any) => `${i.path || err.validationContext}: ${i.message}`).join('; ');
      return reply.status(400).send({ error: { code: 'validation', message: t(locale, 'errors.validation', { details }), details: issues } });
    }
    // A value the database refuses (out of range, too long, a constraint) is the caller's error, not the server's.
    const dbErr = databaseError(err);
    if (dbErr) {
      req.log.warn({ err }, 'database refused a value');
      return reply.status(dbErr.status).send({ error: { code: dbErr.code, message: t(locale, `errors.${dbErr.code}`, dbErr.params), details: dbErr.params } });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ error: { code: err.code?.toLowerCase() ?? 'bad_request', message: err.message } });
    }
    req.log.error(err);
    if (!opts.logger) console.error(err);
    return reply.status(500).send({ error: { code: 'internal', message: t(locale, 'errors.internal', { requestId: req.id }) } });
  });

  (await import('../auth/scope.ts')).installAccess(app, ctx.db); // route access declarations (config.access), checked in one place
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/health', { schema: { tags: ['platform'], summary: 'Health of the server and its database' } }, async () => {
    await ctx.db.query('SELECT 1');
    return { status: 'ok', database: ctx.db.engine, version: VERSION };
  });
  api.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const c of capabilities) await c.routes(api, ctx);

  if (existsSync(WEB_DIST)) {
    // Files are looked up on disk per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, { root: WEB_DIST, maxAge: '1h' });
  }
  app.setNotFoundHandler((req, reply) => {
    // Page addresses get the app; a missing file (a name with an extension) stays a 404.
    const path = req.url.split('?')[0];
    const page = !path.startsWith('/api/') && !/\.[A-Za-z0-9]+$/.test(path);
    if (req.method === 'GET' && page && existsSync(WEB_DIST + 'index.html')) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'not_found', message: t(req.locale ?? 'en', 'errors.not_found') } });
  });
  return app;
}
