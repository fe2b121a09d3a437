// A seeded, bounded fuzz of every route in /api/openapi.json: values made from each route's
// own schema, mixed with hostile ones (NUL bytes, lone surrogates, non-characters, invisible-only
// names, huge and negative numbers, wrong types, long strings, odd path parameters), sent as a
// signed-in administrator and anonymously. No answer may be a server error (≥ 500), and no
// anonymous request to a route that is not public may be told what is wrong with its input.
// MARZ_FUZZ_CASES sets the cases per route (default 100), MARZ_FUZZ_SEED the seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp, TEST_ENGINE } from '../testing.ts';
import { declaredRoutes } from '../auth/scope.ts';

const CASES = Number(process.env.MARZ_FUZZ_CASES ?? 100);
const SEED = Number(process.env.MARZ_FUZZ_SEED ?? 20261202);
const PARALLEL = 8;
// Routes anyone may call (besides those declaring access.public): sign-in, first-run setup, health, the OpenRosa endpoints of field collection (their own device authentication).
const PUBLIC = [/^POST \/api\/v1\/auth\/sign-in$/, /^(GET|POST) \/api\/v1\/setup$/, /^GET \/api\/v1\/auth\/session$/, /^GET \/api\/health$/, /^\w+ \/api\/collect\//];

// Routes a fuzz cannot sensibly call: long-lived streams, Chromium printing (slow, tested
// elsewhere), and the calls that would end the fuzzing session itself.
const SKIP = [/\/stream$/, /\.pdf$/, /^\/api\/v1\/auth\/sign-out$/, /^\/api\/v1\/auth\/password$/];

// Percent-encoding; a lone surrogate (which encodeURIComponent refuses) goes as the bytes of its CESU-8 form.
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80' + encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''));
  }
};

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS = [
  'a\u0000b',
  '\u0000',
  '\uD800',
  'x\uDFFFy',
  '\uFFFE',
  '\uFDD0name',
  '\u200B\u200C\u200D',
  '\u202E\u2066',
  '\u0007bell',
  ' ',
  '',
  'ي ك ى',
  'аdmin',
  '=cmd|\' /C calc\'!A0',
  "'; DROP TABLE users; --",
  '../../etc/passwd',
  '%00',
  '{"a":1}',
  '9'.repeat(40),
  '-1',
  '1e400',
  'NaN',
  '۱۴۰۳/۱۲/۳۰',
  '1403/13/40',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31T99:99:99Z',
  'IR-99',
  '00000000-0000-0000-0000-000000000000',
];
const HOSTILE_NUMBERS = [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 63, 1e20, -1e20, 1e308, 0.5, -0.000001, 12345678901];
const HOSTILE_PARAMS = ['0', '-1', '1', '99999999999999999999', '1.5', 'abc', '%00', '%C0%AE', '%E2%80%8B', '..', 'IR-09', 'IR-99', '00000000-0000-0000-0000-000000000000', 'x'.repeat(300), '%F0%9F%98%80', 'null'];

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  pattern?: string;
  nullable?: boolean;
  default?: unknown;
}

function makeFuzzer(rand: () => number) {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number) => rand() < p;

  function plausibleString(s: Schema): string {
    if (s.enum) return String(pick(s.enum));
    switch (s.format) {
      case 'date':
        return pick(['2025-07-01', '2026-01-31', '1403/04/10', '2025-13-01']);
      case 'date-time':
        return pick(['2025-07-01T10:00:00Z', '2025-07-01T10:00:00.000Z', 'yesterday']);
      case 'uuid':
        return pick(['7f3c2d9e-1b2a-4c3d-8e9f-0a1b2c3d4e5f', '00000000-0000-0000-0000-000000000000']);
      case 'email':
        return pick(['a@example.org', 'not-an-email']);
    }
    const len = Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 12, 1 + Math.floor(rand() * 12)));
    return pick(['IR-09', 'dogharoun', 'fa', 'en', 'admin', 'نگار', 'x'.repeat(len), 'test-' + Math.floor(rand() * 1000)]);
  }

  function value(s: Schema | undefined, depth = 0): unknown {
    if (!s || depth > 6) return pick([null, 'x', 1, true, {}, []]);
    if (s.const !== undefined && chance(0.8)) return s.const;
    const alts = s.anyOf ?? s.oneOf;
    if (alts?.length) return value(pick(alts), depth + 1);
    if (s.allOf?.length) return value(Object.assign({}, ...s.allOf), depth + 1);
    // A hostile value in place of a well-typed one, now and then.
    if (chance(0.25)) {
      const r = rand();
      if (r < 0.5) return pick(HOSTILE_STRINGS);
      if (r < 0.8) return pick(HOSTILE_NUMBERS);
      return pick([null, true, [], {}, [pick(HOSTILE_STRINGS)], { x: pick(HOSTILE_STRINGS) }, 'x'.repeat(5000)]);
    }
    const type = Array.isArray(s.type) ? pick(s.type) : s.type;
    if (s.enum) return pick(s.enum);
    switch (type) {
      case 'string':
        return chance(0.3) ? pick(HOSTILE_STRINGS) + plausibleString(s) : plausibleString(s);
      case 'integer':
      case 'number': {
        const lo = s.minimum ?? -1000;
        const hi = s.maximum ?? 1000;
        if (chance(0.3)) return pick(HOSTILE_NUMBERS);
        const n = lo + rand() * Math.min(hi - lo, 1e6);
        return type === 'integer' ? Math.round(n) : n;
      }
      case 'boolean':
        return chance(0.5);
      case 'null':
        return null;
      case 'array': {
        const n = Math.floor(rand() * 4);
        return Array.from({ length: n }, () => value(s.items, depth + 1));
      }
      case 'object':
      default: {
        if (!s.properties) return chance(0.5) ? {} : { [pick(HOSTILE_STRINGS) || 'k']: pick(HOSTILE_STRINGS) };
        const out: Record<string, unknown> = {};
        for (const [k, p] of Object.entries(s.properties)) {
          if (s.required?.includes(k) ? chance(0.95) : chance(0.6)) out[k] = value(p, depth + 1);
        }
        if (chance(0.1)) out['\u0000extra'] = 1;
        return out;
      }
    }
  }

  function param(p: { schema?: Schema }): string {
    if (chance(0.5)) return pick(HOSTILE_PARAMS);
    const v = value(p.schema);
    return enc(typeof v === 'string' ? v : JSON.stringify(v));
  }
  return { value, param, pick, chance };
}

test(`[${TEST_ENGINE}] fuzzing every route of the OpenAPI document gives no server error`, { timeout: 600_000 }, async () => {
  const db = await testDatabase();
  const t = await testApp(db);
  try {
    const admin = await t.user([{ role: 'admin', provinces: null }]);
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const rand = mulberry32(SEED);
    const f = makeFuzzer(rand);
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    // Database refusals the central safety net turned into 400/409: each route's own validation should catch them first.
    const caught = new Map<string, number>();
    // Anonymous requests to routes that are not public must be told to sign in, not what is wrong with their input.
    const anonymousNot401 = new Map<string, string>();
    const publicRoute = (method: string, path: string) => {
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      return PUBLIC.some((r) => r.test(key)) || !!declaredRoutes.get(key)?.public;
    };
    let routes = 0;
    for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
      if (SKIP.some((r) => r.test(path))) continue;
      for (const [method, op] of Object.entries<any>(ops)) {
        routes++;
        const params: any[] = op.parameters ?? [];
        const bodySchema: Schema | undefined = op.requestBody?.content?.['application/json']?.schema;
        // Requests are generated in order from the seed, then sent a batch at a time.
        const batch: { method: any; url: string; payload?: string; headers: Record<string, string>; remoteAddress: string; anonymous: boolean }[] = [];
        for (let i = 0; i < CASES; i++) {
          let url = path.replace(/\{(\w+)\}/g, (_m: string, name: string) => f.param(params.find((p) => p.name === name && p.in === 'path') ?? {}));
          const query = params
            .filter((p) => p.in === 'query' && f.chance(0.6))
            .map((p) => `${enc(p.name)}=${f.param(p)}`);
          if (f.chance(0.05)) query.push(`${enc(f.pick(HOSTILE_STRINGS))}=1`);
          if (query.length) url += '?' + query.join('&');
          const anonymous = f.chance(0.15);
          const headers: Record<string, string> = anonymous ? {} : { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
          let payload: string | undefined;
          if (!['get', 'delete'].includes(method) || bodySchema) {
            if (f.chance(0.05)) {
              payload = f.pick(['{', '{"a":', '\u0000', '['.repeat(2000), '{"x":"\\ud800"}', '"just a string"', '12345678901234567890']);
            } else {
              payload = JSON.stringify(f.value(bodySchema));
            }
            headers['content-type'] = 'application/json';
          }
          batch.push({ method: method.toUpperCase(), url, payload, headers, remoteAddress: `10.${i % 200}.0.1`, anonymous });
        }
        for (let i = 0; i < batch.length; i += PARALLEL) {
          const part = batch.slice(i, i + PARALLEL);
          const answers = await Promise.all(part.map(({ anonymous: _a, ...req }) => t.app.inject(req)));
          answers.forEach((r, j) => {
            sent++;
            statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
            const errorCode = r.statusCode === 400 ? (() => { try { return r.json().error?.code; } catch { return null; } })() : null;
            // (a path with '..' or an over-long parameter reaches another route, or none: not counted)
            const otherRoute = /\/\.\.(\/|\?|$)|x{101}/.test(part[j]!.url);
            if (part[j]!.anonymous && !otherRoute && !publicRoute(method, path) && ['validation', 'bad_text', 'invisible_text', 'number_range'].includes(errorCode)) {
              anonymousNot401.set(`${method.toUpperCase()} ${path}`, `${errorCode} ${part[j]!.url.slice(0, 100)}`);
            }
            if (r.statusCode >= 500) failures.push(`${part[j]!.method} ${part[j]!.url} ${String(part[j]!.payload ?? '').slice(0, 200)} → ${r.statusCode} ${r.body.slice(0, 200)}`);
            const code = r.statusCode >= 400 ? (() => { try { return r.json().error?.code; } catch { return null; } })() : null;
            if (code === 'bad_value' || code === 'conflict') caught.set(`${method.toUpperCase()} ${path}`, (caught.get(`${method.toUpperCase()} ${path}`) ?? 0) + 1);
          });
        }
      }
    }
    console.log(`fuzz: ${sent} requests over ${routes} routes (${CASES} each, seed ${SEED}), ${failures.length} server errors; answers ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    if (anonymousNot401.size) console.log(`fuzz: anonymous requests told about their input rather than to sign in: ${JSON.stringify(Object.fromEntries(anonymousNot401))}`);
    if (caught.size) console.log(`fuzz: values refused only by the database: ${JSON.stringify(Object.fromEntries(caught))}`);
    assert.ok(routes > 20, 'the document lists the routes');
    assert.deepEqual(failures.slice(0, 30), [], `${failures.length} requests answered ≥ 500`);
    assert.deepEqual(Object.fromEntries(anonymousNot401), {}, 'anonymous requests with bad input to routes that are not public answer 401');
  } finally {
    await t.app.close();
    await db.close();
  }
});
