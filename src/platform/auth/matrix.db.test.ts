// The access matrix (issue 10 item 2): every route of /api/openapi.json × every built-in role ×
// two provinces × two agencies. Each user works in one province (IR-09 or IR-11) for one agency
// (MOI or MFA). For each route the test fills the path with objects the user must not touch —
// the other province's, the other agency's (where data has an owning agency) and national ones
// for writes — and sends a body that would succeed if allowed. It fails on any leak: a foreign
// object read, a foreign marker in a list, a foreign or national write let through (even as far
// as body validation), or a write by a role holding none of the route's declared permissions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../testing.ts';
import type { Database } from '../db/database.ts';
import { declaredRoutes } from './scope.ts';
import { addDays, todayIso } from '../calendar.ts';

type Prov = 'IR-09' | 'IR-11';
const PROVS: Prov[] = ['IR-09', 'IR-11'];
const other = (p: Prov): Prov => (p === 'IR-09' ? 'IR-11' : 'IR-09');
const FMP: Record<Prov, string> = { 'IR-09': 'dogharoun', 'IR-11': 'milak' };
const MY_TAGS = new Set(['admin', 'places', 'flows', 'governance']);
const day = addDays(todayIso(), -2);
const P = '/api/v1/governance';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
const agency: Record<string, number> = {};
let AG: [number, number];
const otherAg = (g: number) => (g === AG[0] ? AG[1] : AG[0]);

interface MUser extends TestUser {
  role: string;
  permissions: string[];
  prov: Prov;
  ag: number;
  username: string;
}
const users: MUser[] = [];
const markers: { text: string; prov: Prov; ag: number | null }[] = [];
const fx: any = { record: {}, interview: {}, alert: {}, mapping: {}, question: {}, job: {}, assessment: {}, evidence: {}, comment: {}, structure: {}, member: {}, meeting: {}, action: {}, user: {} };
const key = (p: Prov, g: number) => `${p}/${g}`;

const ok = (r: { statusCode: number; body: string }, status = 200) => {
  assert.equal(r.statusCode, status, r.body);
  return r.body ? JSON.parse(r.body) : null;
};

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  for (const r of await db.many('SELECT id, code FROM agencies')) agency[r.code] = Number(r.id);
  AG = [agency.moi, agency.mfa];
  admin = await t.user([{ role: 'admin' }]);
  const as = t.as(admin);

  // The users: every built-in role × province × agency.
  const roles = await db.many('SELECT code, permissions FROM roles WHERE builtin ORDER BY code');
  for (const r of roles) {
    for (const prov of PROVS) {
      for (const ag of AG) {
        const u = await t.user([{ role: r.code, provinces: [prov], agencyIds: [ag] }], { agencyId: ag });
        const username = (await db.one('SELECT username FROM users WHERE id = $1', [u.id]))!.username;
        users.push({ ...u, role: r.code, permissions: r.permissions, prov, ag, username });
        markers.push({ text: username, prov, ag });
      }
    }
  }
  const userOf = (role: string, prov: Prov, ag: number) => users.find((u) => u.role === role && u.prov === prov && u.ag === ag)!;
  for (const prov of PROVS) for (const ag of AG) fx.user[key(prov, ag)] = userOf('viewer', prov, ag).id;
  fx.role = ok(await as('POST', '/api/v1/roles', { code: 'matrix_role', name_en: 'M', name_fa: 'م', permissions: ['flows.read'] }), 201).id;

  // Flows: a record, an interview, an alert, a mapping, a survey question, an import job and an import per province.
  const mapping = JSON.parse(readFileSync(new URL('../../flows/mappings/kobo-fmr-example.json', import.meta.url), 'utf8'));
  for (const prov of PROVS) {
    const id = randomUUID();
    ok(await as('POST', '/api/v1/flows/fmr', { records: [{ id, fmp: FMP[prov], date: day, direction: 'in', nationality: 'AFG', men: 1, women: 1, boys: 0, girls: 0, deported: 'no' }] }));
    fx.record[prov] = id;
    markers.push({ text: id, prov, ag: null });
    const iid = randomUUID();
    ok(await as('POST', '/api/v1/flows/fms', { id: iid, fmp: FMP[prov], date: day, direction: 'in', sex: 'female', age: 30, nationality: 'AFG', answers: {} }));
    fx.interview[prov] = iid;
    markers.push({ text: iid, prov, ag: null });
    fx.alert[prov] = Number((await db.one(`INSERT INTO flow_alerts (fmp_code, day, kind, movements, limit_value) VALUES ($1, $2, 'above_threshold', 500, 100) RETURNING id`, [FMP[prov], day]))!.id);
    const officer = userOf('data_officer', prov, AG[0]);
    fx.mapping[prov] = `matrix-map-${prov}`;
    ok(await t.as(officer)('PUT', `/api/v1/flows/mappings/${fx.mapping[prov]}`, mapping));
    fx.question[prov] = `mq_${prov.slice(3)}`;
    ok(await t.as(officer)('PUT', `/api/v1/flows/fms/questions/${fx.question[prov]}`, { code: fx.question[prov], module: 'needs', kind: 'text', text_en: 'Q', text_fa: 'پرسش', position: 999 }));
    fx.job[prov] = randomUUID();
    await db.query(`INSERT INTO flow_import_jobs (id, user_id, file_name, status) VALUES ($1, $2, $3, 'done')`, [fx.job[prov], officer.id, `MK-JOB-${prov}.csv`]);
    await db.query(`INSERT INTO flow_imports (file_name, file_sha256, created_by) VALUES ($1, 'x', $2)`, [`MK-IMPORT-${prov}.csv`, officer.id]);
    markers.push({ text: `MK-JOB-${prov}`, prov, ag: null }, { text: `MK-IMPORT-${prov}`, prov, ag: null });
  }
  fx.mapping.national = 'matrix-map-national';
  ok(await as('PUT', `/api/v1/flows/mappings/${fx.mapping.national}`, mapping));
  fx.question.national = 'mq_national';
  ok(await as('PUT', `/api/v1/flows/fms/questions/mq_national`, { code: 'mq_national', module: 'needs', kind: 'text', text_en: 'Q', text_fa: 'پرسش', position: 998 }));

  // Governance: an assessment per province × ministry and a national one, each with evidence and a comment.
  const assessment = async (k: string, body: object) => {
    const id = ok(await as('POST', `${P}/assessments`, { framework: 'sdg-10.7.2', ...body }), 201).id;
    ok(await as('PUT', `${P}/assessments/${id}/answers/PD_1_1`, { responsible_agency_id: (body as any).ministries[0] }));
    fx.assessment[k] = id;
    fx.evidence[k] = ok(await as('POST', `${P}/assessments/${id}/answers/PD_1_1/evidence`, { kind: 'file', title: 'E', file: { name: 'e.txt', type: 'text/plain', data_base64: Buffer.from('evidence').toString('base64') } }), 201).id;
    fx.comment[k] = ok(await as('POST', `${P}/assessments/${id}/comments`, { body: 'c' }), 201).id;
  };
  for (const prov of PROVS) {
    for (const ag of AG) {
      const title = `MK-A-${prov}-${ag}`;
      await assessment(key(prov, ag), { title_en: title, scope: 'province', province_code: prov, ministries: [ag] });
      markers.push({ text: title, prov, ag });
    }
  }
  await assessment('national', { title_en: 'National', scope: 'national', ministries: AG });
  const structure = async (k: string, body: object) => {
    const id = ok(await as('POST', `${P}/coordination`, { kind: 'working_group', ...body }), 201).id;
    fx.structure[k] = id;
    fx.member[k] = ok(await as('POST', `${P}/coordination/${id}/members`, { person_name: 'P' }), 201).id;
    fx.meeting[k] = ok(await as('POST', `${P}/coordination/${id}/meetings`, { held_on: '2025-01-01', title: 'M' }), 201).id;
    fx.action[k] = ok(await as('POST', `${P}/coordination/${id}/actions`, { title: 'A' }), 201).id;
  };
  for (const prov of PROVS) {
    await structure(prov, { level: 'provincial', province_code: prov, name_en: `MK-S-${prov}` });
    markers.push({ text: `MK-S-${prov}`, prov, ag: null });
  }
  await structure('national', { level: 'national', name_en: 'National structure' });
});

after(async () => {
  await t?.app.close();
  await db?.close();
});

type Variant = 'province' | 'agency' | 'national' | 'own';
interface Case {
  url: string;
  body?: unknown;
  /** A custom check of a 2xx answer (batch writes answer 200 with per-item results). */
  leak?: (res: any) => boolean;
}

/**
 * The concrete request for a route, a user and a variant: the objects the variant points at, and
 * a body that would succeed. null: the variant does not apply to the route.
 */
function request(method: string, path: string, u: MUser, v: Variant): Case | null | 'unknown' {
  const prov = v === 'province' ? other(u.prov) : u.prov;
  const ag = v === 'agency' ? otherAg(u.ag) : u.ag;
  const k = v === 'national' ? 'national' : key(prov, ag);
  const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const fill = (values: Record<string, unknown>) => {
    let url = path;
    for (const p of params) {
      if (values[p] === undefined || values[p] === null) return null;
      url = url.replace(`:${p}`, encodeURIComponent(String(values[p])));
    }
    return url;
  };
  const m = `${method} ${path}`;
  const national = v === 'national';
  const agencyOwned = path.startsWith(`${P}/assessments`) || path.startsWith('/api/v1/users');
  if (v === 'agency' && !agencyOwned) return null;
  const uniq = `m${randomUUID().slice(0, 8)}`;
  // ---- admin
  if (path === '/api/v1/users/:id') return national ? null : { url: fill({ id: fx.user[key(prov, ag)] })!, body: { display_name: 'Matrix' } };
  if (m === 'POST /api/v1/users') return { url: path, body: { username: uniq, display_name: 'M', password: 'matrix-password-1', agency_id: ag, assignments: [{ role: 'enumerator', provinces: national ? null : [prov], agency_ids: [ag] }] } };
  if (path === '/api/v1/roles/:id') return v === 'national' || v === 'own' ? { url: fill({ id: fx.role })!, body: { name_en: 'R' } } : null;
  if (m === 'POST /api/v1/roles') return v === 'national' || v === 'own' ? { url: path, body: { code: uniq, name_en: 'R', name_fa: 'ر', permissions: ['flows.read'] } } : null;
  if (path === '/api/v1/agencies/:id') return v === 'national' || v === 'own' ? { url: fill({ id: AG[0] })!, body: { name_en: 'Agency' } } : null;
  if (m === 'POST /api/v1/agencies') return v === 'national' || v === 'own' ? { url: path, body: { code: uniq, name_en: 'A', name_fa: 'ا', kind: 'ngo' } } : null;
  // ---- places
  if (path === '/api/v1/places/points-of-entry/:id' || path === '/api/v1/places/fmps/:code') return national ? null : { url: fill({ id: FMP[prov], code: FMP[prov] })!, body: method === 'PATCH' ? (path.includes('fmps') ? { name_en: 'F' } : { coord_method: 'matrix' }) : undefined };
  if (m === 'POST /api/v1/places/fmps') return national ? null : { url: path, body: { code: uniq, name_en: 'F', name_fa: 'ف', province_code: prov } };
  if (path === '/api/v1/places/provinces/:code') return national ? null : { url: fill({ code: prov })! };
  // ---- flows
  if (path === '/api/v1/flows/fmr/:id') return national ? null : { url: fill({ id: fx.record[prov] })!, body: method === 'PATCH' ? { changes: { men: 2 } } : undefined };
  if (m === 'POST /api/v1/flows/fmr') return national ? null : { url: path, body: { records: [{ id: randomUUID(), fmp: FMP[prov], date: day, direction: 'out', nationality: 'AFG', men: 1, women: 0, boys: 0, girls: 0, deported: 'no' }] }, leak: (r) => r.created > 0 };
  if (m === 'POST /api/v1/flows/fmr/review') return national ? null : { url: path, body: { ids: [fx.record[prov]], action: 'approve' }, leak: (r) => r.updated > 0 };
  if (m === 'POST /api/v1/flows/alerts/acknowledge') return national ? null : { url: path, body: { ids: [fx.alert[prov]] } };
  if (path === '/api/v1/flows/alerts/:id/acknowledge') return national ? null : { url: fill({ id: fx.alert[prov] })!, body: {} };
  if (path === '/api/v1/flows/fmps/:code/thresholds') return national ? null : { url: fill({ code: FMP[prov] })!, body: { capacity_per_day: 100, alert_daily_above: null, alert_multiple: null, alert_window_days: 7 } };
  if (path.startsWith('/api/v1/flows/imports/jobs/:id')) return national ? null : { url: fill({ id: fx.job[prov] })! };
  if (path === '/api/v1/flows/mappings/:name') return { url: fill({ name: national ? fx.mapping.national : fx.mapping[prov] })!, body: JSON.parse(readFileSync(new URL('../../flows/mappings/kobo-fmr-example.json', import.meta.url), 'utf8')) };
  if (path === '/api/v1/flows/fms/questions/:code') {
    const code = national ? fx.question.national : fx.question[prov];
    return { url: fill({ code })!, body: { code, module: 'needs', kind: 'text', text_en: 'Changed', text_fa: 'دگرگون', position: 997 } };
  }
  if (m === 'POST /api/v1/flows/fms') return national ? null : { url: path, body: { id: randomUUID(), fmp: FMP[prov], date: day, direction: 'in', sex: 'male', age: 40, nationality: 'AFG', answers: {} }, leak: (r) => r.result === 'created' };
  if (m === 'POST /api/v1/flows/fms/nonresponse') return national ? null : { url: path, body: { fmp: FMP[prov], date: day, refused: 1, already_interviewed: 0 } };
  // ---- governance
  if (path.startsWith(`${P}/frameworks/:code`)) {
    if (method === 'GET') return null; // frameworks are reference documents every governance reader reads
    if (!(national || v === 'own')) return null;
    const url = fill({ code: 'mgi', version: 'iran-2026' })!;
    if (path.endsWith('/nodes')) return { url, body: { parent_code: 'MGI_3_1', node: { code: uniq.toUpperCase(), texts: { en: 'x', fa: 'x' } } } };
    if (path.endsWith('/mappings')) return { url, body: { from_version: 'iran-2025', mappings: [] } };
    return { url, body: { version: uniq, from_version: 'iran-2026' } };
  }
  if (m === `POST ${P}/frameworks/import`) return national || v === 'own' ? { url: path, body: { format: 'json', document: { id: 'matrix' } } } : null;
  if (m === `POST ${P}/assessments`) return v === 'agency' ? null : { url: path, body: { title_en: 'New', framework: 'sdg-10.7.2', scope: national ? 'national' : 'province', province_code: national ? null : prov, ministries: [] } };
  if (path.startsWith(`${P}/assessments/:id`)) {
    if (national && method === 'GET') return null; // national assessments are readable everywhere
    const url = fill({ id: fx.assessment[k], other: fx.assessment[k], code: 'PD_1_1', eid: fx.evidence[k], cid: fx.comment[k] });
    if (!url) return 'unknown';
    const bodies: Record<string, unknown> = {
      [`PATCH ${P}/assessments/:id`]: { title_en: 'Changed' },
      [`PUT ${P}/assessments/:id/answers/:code`]: { answer: 'YES_ALL' },
      [`POST ${P}/assessments/:id/answers/:code/evidence`]: { kind: 'report', title: 'R' },
      [`POST ${P}/assessments/:id/comments`]: { body: 'x' },
      [`POST ${P}/assessments/:id/comments/:cid/resolve`]: { resolved: true },
      [`POST ${P}/assessments/:id/transition`]: { to: 'SHARED_WITH_FOCAL_POINTS' },
      [`POST ${P}/assessments/:id/signoff`]: { agency_id: u.ag, decision: 'SIGNED_OFF' },
      [`POST ${P}/assessments/:id/reopen`]: { reason: 'r' },
      [`POST ${P}/assessments/:id/follow-up`]: {},
    };
    return { url, body: bodies[m] };
  }
  if (m === `POST ${P}/coordination`) return v === 'agency' ? null : { url: path, body: { kind: 'working_group', level: national ? 'national' : 'provincial', province_code: national ? null : prov, name_en: 'S' } };
  if (path.startsWith(`${P}/coordination/:id`)) {
    if (national && method === 'GET') return null;
    const sk = national ? 'national' : prov;
    const url = fill({ id: fx.structure[sk], mid: path.includes('members') ? fx.member[sk] : fx.meeting[sk], aid: fx.action[sk] });
    if (!url) return 'unknown';
    const bodies: Record<string, unknown> = {
      [`PATCH ${P}/coordination/:id`]: { name_en: 'S2' },
      [`POST ${P}/coordination/:id/members`]: { person_name: 'Q' },
      [`PATCH ${P}/coordination/:id/members/:mid`]: { position: 'X' },
      [`POST ${P}/coordination/:id/meetings`]: { held_on: '2025-02-01' },
      [`PATCH ${P}/coordination/:id/meetings/:mid`]: { title: 'T' },
      [`POST ${P}/coordination/:id/actions`]: { title: 'B' },
      [`PATCH ${P}/coordination/:id/actions/:aid`]: { status: 'done' },
    };
    return { url, body: bodies[m] };
  }
  if (path === `${P}/fonts/:file`) return null;
  if (params.length) return 'unknown';
  return v === 'province' || v === 'own' ? { url: path, body: method === 'GET' ? undefined : {} } : null;
}

/** Writes that change nothing (computations) and self-service routes the matrix does not send. */
const NOT_WRITES = new Set([`POST ${P}/score-1072`]);
const SKIPPED = (m: string, path: string) =>
  path.startsWith('/api/v1/auth') ||
  path.startsWith('/api/v1/setup') ||
  m === 'POST /api/v1/flows/imports' || // imports: rows checked per province in flows' own tests
  /\/(stream|events)$/.test(path); // server-sent events never end

test(`[${TEST_ENGINE}] the access matrix: every route × every built-in role × two provinces × two agencies — no leak, no forbidden write`, async () => {
  const doc = (await t.as(admin)('GET', '/api/openapi.json')).json();
  const routes: { method: string; path: string; tags: string[] }[] = [];
  for (const [p, ops] of Object.entries<any>(doc.paths)) for (const [method, op] of Object.entries<any>(ops)) routes.push({ method: method.toUpperCase(), path: p.replace(/\{(\w+)\}/g, ':$1'), tags: op.tags ?? [] });
  assert.ok(routes.length > 80, 'the OpenAPI document lists the routes');

  const problems: string[] = [];
  const undeclared = routes.filter((r) => r.tags.some((x) => MY_TAGS.has(x)) && !declaredRoutes.get(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(undeclared, [], 'every route of admin, places, flows and governance declares what it touches');
  const uncovered = new Set<string>();
  const serverErrors: string[] = [];
  let checks = 0;

  const run = async (u: MUser) => {
    const as = t.as(u);
    for (const r of routes) {
      const m = `${r.method} ${r.path}`;
      if (SKIPPED(m, r.path)) continue;
      const decl = declaredRoutes.get(m);
      const write = r.method !== 'GET' && !NOT_WRITES.has(m);
      const mine = r.tags.some((x) => MY_TAGS.has(x));
      if (decl?.public) continue;
      const perms = decl?.permission === undefined ? [] : [decl.permission].flat();
      const holder = !perms.length || perms.some((x) => u.permissions.includes(x));
      for (const v of ['province', 'agency', 'national', 'own'] as Variant[]) {
        if (v === 'national' && !write) continue;
        if (!mine && (write || v !== 'province')) continue; // other capabilities: only their lists are read
        // Holders of the route's permission try foreign and national objects; everyone else their own
        // (which they must not reach either, lacking the permission).
        if (mine && (v === 'own') === holder) continue;
        const c = request(r.method, r.path, u, v);
        if (c === 'unknown') {
          if (mine) problems.push(`${m}: the matrix cannot fill its path`);
          else uncovered.add(m);
          continue;
        }
        if (!c) continue;
        const res = await as(r.method as any, c.url, c.body);
        checks++;
        const what = `${u.role}@${u.prov}/${u.ag} ${v}: ${r.method} ${c.url} → ${res.statusCode}`;
        const isList = !r.path.includes(':');
        if (res.statusCode >= 500) (mine ? problems : serverErrors).push(`${what} (server error) ${res.body.slice(0, 200)}`);
        if (write) {
          if (res.statusCode < 300) {
            const body = res.body ? (() => { try { return JSON.parse(res.body); } catch { return null; } })() : null;
            if (!c.leak || c.leak(body)) problems.push(`${what}: write allowed`);
          } else if (!isList && ![401, 403, 404].includes(res.statusCode)) {
            problems.push(`${what}: passed the access check (${res.body.slice(0, 120)})`);
          } else if (isList && res.statusCode === 400 && (!perms.length || perms.some((x) => u.permissions.includes(x)))) {
            problems.push(`${what}: the matrix body is invalid, so the check is inconclusive (${res.body.slice(0, 160)})`);
          }
        } else if (!isList || v === 'own') {
          if (res.statusCode < 300) problems.push(`${what}: read allowed`);
        } else if (res.statusCode < 300) {
          for (const mk of markers) {
            const foreign = mk.prov !== u.prov || (mk.ag !== null && mk.ag !== u.ag);
            if (foreign && res.body.includes(mk.text)) problems.push(`${what}: shows ${mk.text} (${mk.prov}/${mk.ag})`);
          }
        }
      }
    }
  };
  // Four users at a time.
  for (let i = 0; i < users.length; i += 4) await Promise.all(users.slice(i, i + 4).map(run));

  // The matrix is not vacuous: users do reach their own province's objects.
  const officer = users.find((u) => u.role === 'data_officer' && u.prov === 'IR-09')!;
  assert.equal((await t.as(officer)('GET', `/api/v1/flows/fmr/${fx.record['IR-09']}`)).statusCode, 200);
  const focal = users.find((u) => u.role === 'focal_point' && u.prov === 'IR-11' && u.ag === AG[1])!;
  assert.equal((await t.as(focal)('GET', `${P}/assessments/${fx.assessment[key('IR-11', AG[1])]}`)).statusCode, 200);
  assert.equal((await t.as(focal)('PUT', `${P}/assessments/${fx.assessment[key('IR-11', AG[1])]}/answers/PD_1_1`, { answer: 'YES_ALL' })).statusCode, 200, 'a focal point answers its ministry\'s indicator');

  if (uncovered.size) console.log(`# matrix: ${uncovered.size} routes of other capabilities have path parameters the matrix does not fill yet (their lists are checked): ${[...uncovered].join(', ')}`);
  if (serverErrors.length) console.log(`# matrix: other capabilities answered ${serverErrors.length} requests with a server error, e.g. ${serverErrors[0]}`);
  console.log(`# matrix: ${users.length} users, ${routes.length} routes, ${checks} requests`);
  assert.ok(checks > 2000, `enough requests (${checks})`);
  assert.deepEqual(problems, [], `${problems.length} leaks or forbidden writes`);
});
