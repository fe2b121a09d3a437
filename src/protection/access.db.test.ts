// The access matrix: every protection route (read from the OpenAPI description, so a new route
// without a line here fails) × users of another agency, another province, a role without the
// protection verbs, a role without the field permission, another agency's focal point, and no
// session. Nothing may leak (no name, no case id outside a refusal, no sensitive field) and
// nothing may change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, testApp, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { multipart } from './multipart.testkit.ts';

const dir = mkdtempSync(join(tmpdir(), 'marz-protection-acl-'));
process.env.MARZ_PROTECTION_KEY_FILE = join(dir, 'protection.key');

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
const ag: Record<string, number> = {};
const u: Record<string, TestUser | null> = {};
const GIVEN = 'Leakcheckgiven';
const FAMILY = 'Leakcheckfamily';
const DETAIL = 'Leakcheckdetail';
const PERP = 'Leakcheckperpetrator';
let caseId = '';
let referralId = '';
let alertId = 0;
let documentId = '';

before(async () => {
  db = await testDatabase();
  for (const r of await db.many('SELECT id, code FROM agencies')) ag[r.code] = Number(r.id);
  const worker = ['protection.screen', 'protection.read', 'protection.identity', 'protection.edit', 'protection.refer', 'protection.stats', 'protection.import', 'protection.consent_override'];
  await db.query(`INSERT INTO roles (code, name_en, name_fa, permissions) VALUES ('acl_worker', 'W', 'W', $1), ('acl_reader', 'R', 'R', $2)`, [worker, ['protection.read']]);
  t = await testApp(db);
  const owner = await t.user([{ role: 'protection_case_worker', agencyIds: [ag.iom!], provinces: ['IR-09'] }]);
  const focal = await t.user([{ role: 'data_protection_focal_point', agencyIds: [ag.iom!], provinces: null }]);
  u['another agency, same province'] = await t.user([{ role: 'acl_worker', agencyIds: [ag.unhcr!], provinces: ['IR-09'] }]);
  u['same agency, another province'] = await t.user([{ role: 'acl_worker', agencyIds: [ag.iom!], provinces: ['IR-04'] }]);
  u['no protection verbs (viewer, all provinces)'] = await t.user([{ role: 'viewer', provinces: null }]);
  u['administrator without agencies'] = await t.user([{ role: 'admin', provinces: null }]);
  u['recipient agency without the field permission'] = await t.user([{ role: 'acl_reader', agencyIds: [ag.ircs!], provinces: ['IR-09'] }]);
  u['focal point of another agency'] = await t.user([{ role: 'data_protection_focal_point', agencyIds: [ag.unhcr!], provinces: null }]);
  u['not signed in'] = null;

  const s = await t.as(owner)('POST', '/api/v1/protection/screenings', {
    owner_agency_id: ag.iom, fmp: 'dogharoun', screened_on: '2025-05-01', sex: 'female', age: 30, nationality: 'AFG', given_name: GIVEN, family_name: FAMILY,
    indicators: ['ilo_deception'], assessment: DETAIL, outcome: 'possible_victim', exploitation: ['sexual'],
    consent: { share_fields: ['identity', 'exploitation_detail'], share_with: ['shelter', 'medical'], statistics: true, retention_told: true },
  });
  assert.equal(s.statusCode, 201, s.body);
  caseId = s.json().case_id;
  assert.equal((await t.as(owner)('PATCH', `/api/v1/protection/cases/${caseId}`, { exploitation_detail: DETAIL, perpetrator: PERP })).statusCode, 204);
  const r = await t.as(owner)('POST', `/api/v1/protection/cases/${caseId}/referrals`, { to_agency_id: ag.ircs, service: 'shelter', pillar: 'support', fields: ['identity', 'exploitation_detail'], note: 'note' });
  assert.equal(r.statusCode, 201, r.body);
  referralId = r.json().id;
  const m = multipart('passport-Leakcheckgiven.pdf', Buffer.from('%PDF-1.4 Leakcheckfamily passport scan'));
  const up = await t.app.inject({ method: 'POST', url: `/api/v1/protection/cases/${caseId}/documents`, payload: m.payload, headers: { ...m.headers, cookie: owner.cookie, 'x-csrf-token': owner.csrf } });
  assert.equal(up.statusCode, 201, up.body);
  documentId = up.json().id;
  const breaker = await t.user([{ role: 'protection_case_worker', agencyIds: [ag.moh!], provinces: ['IR-09'] }]);
  assert.equal((await t.as(breaker)('POST', `/api/v1/protection/cases/${caseId}/break-glass`, { reason: 'Emergency at the crossing tonight' })).statusCode, 201);
  alertId = (await t.as(focal)('GET', '/api/v1/protection/alerts')).json().items[0].id;
});
after(async () => {
  await t.app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A request per route: valid input, so that a refusal comes from access, not validation. */
function templates(): Record<string, { url: string; body?: unknown; listsCases?: boolean; nationalConfig?: boolean }> {
  const screening = { owner_agency_id: ag.iom, fmp: 'dogharoun', screened_on: '2025-05-02', sex: 'male', age: 40, nationality: 'AFG', indicators: [], outcome: 'possible_victim', consent: { share_fields: [], share_with: [], statistics: true, retention_told: true } };
  return {
    'GET /api/v1/protection/indicators': { url: '/api/v1/protection/indicators' },
    'GET /api/v1/protection/offline-key': { url: '/api/v1/protection/offline-key' },
    'PUT /api/v1/protection/indicators/{code}': { url: '/api/v1/protection/indicators/acl_probe', body: { list: 'acl', label_en: 'x', label_fa: 'x', active: false }, nationalConfig: true },
    'POST /api/v1/protection/screenings': { url: '/api/v1/protection/screenings', body: screening },
    'GET /api/v1/protection/cases': { url: '/api/v1/protection/cases', listsCases: true },
    'POST /api/v1/protection/cases/search': { url: '/api/v1/protection/cases/search', body: { name: GIVEN }, listsCases: true },
    'GET /api/v1/protection/cases/{id}': { url: `/api/v1/protection/cases/${caseId}` },
    'POST /api/v1/protection/cases/{id}/status': { url: `/api/v1/protection/cases/${caseId}/status`, body: { status: 'presumed', deciding_authority: 'Committee', legal_basis: 'Law', decided_on: '2025-05-03' } },
    'POST /api/v1/protection/cases/{id}/consents': { url: `/api/v1/protection/cases/${caseId}/consents`, body: { share_fields: ['identity', 'perpetrator'], share_with: ['legal'], statistics: true, retention_told: true } },
    'POST /api/v1/protection/cases/{id}/referrals': { url: `/api/v1/protection/cases/${caseId}/referrals`, body: { to_agency_id: ag.unhcr, service: 'shelter', pillar: 'support', fields: ['identity'], override_reason: 'Trying to get the case sent to us' } },
    'POST /api/v1/protection/referrals/{id}/{action}': { url: `/api/v1/protection/referrals/${referralId}/accept`, body: {} },
    'GET /api/v1/protection/referrals': { url: '/api/v1/protection/referrals?box=in', listsCases: true },
    'POST /api/v1/protection/cases/{id}/followups': { url: `/api/v1/protection/cases/${caseId}/followups`, body: { kind: 'note', pillar: 'support', body: 'x' } },
    'POST /api/v1/protection/cases/{id}/documents': { url: `/api/v1/protection/cases/${caseId}/documents`, body: {} },
    'GET /api/v1/protection/documents/{id}': { url: `/api/v1/protection/documents/${documentId}` },
    'PATCH /api/v1/protection/cases/{id}': { url: `/api/v1/protection/cases/${caseId}`, body: { close: { reason: 'other' } } },
    'POST /api/v1/protection/cases/{id}/break-glass': { url: `/api/v1/protection/cases/${caseId}/break-glass`, body: { reason: 'I would like to see this case please' } },
    'GET /api/v1/protection/alerts': { url: '/api/v1/protection/alerts?open=false', listsCases: true },
    'POST /api/v1/protection/alerts/{id}/acknowledge': { url: `/api/v1/protection/alerts/${alertId}/acknowledge`, body: {} },
    'GET /api/v1/protection/cases/{id}/access-report': { url: `/api/v1/protection/cases/${caseId}/access-report` },
    'POST /api/v1/protection/cases/{id}/legal-hold': { url: `/api/v1/protection/cases/${caseId}/legal-hold`, body: { hold: true, reason: 'x' } },
    'POST /api/v1/protection/retention': { url: '/api/v1/protection/retention', body: { apply: true } },
    'GET /api/v1/protection/stats': { url: '/api/v1/protection/stats?by=province,sex' },
    'GET /api/v1/protection/stats.csv': { url: '/api/v1/protection/stats.csv?by=province,sex' },
    'POST /api/v1/protection/imports': { url: `/api/v1/protection/imports?agency_id=${ag.iom}`, body: {} },
  };
}

const digest = () =>
  db.one(`SELECT (SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM protection_cases x) a,
    (SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM protection_referrals x) b,
    (SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM protection_alerts x) c,
    (SELECT count(*) FROM protection_consents) d, (SELECT count(*) FROM protection_followups) e, (SELECT count(*) FROM protection_status_history) f,
    (SELECT count(*) FROM protection_screenings) g, (SELECT count(*) FROM protection_documents) j, (SELECT count(*) FROM protection_break_glass) h, (SELECT count(*) FROM protection_imports) i`);

test('every protection route has a line in the matrix', async () => {
  const spec: any = t.app.swagger();
  const routes = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
    .filter(([p]) => p.startsWith('/api/v1/protection'))
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  assert.ok(routes.length >= 20);
  assert.deepEqual(routes.filter((r) => !templates()[r]), [], 'routes without a line in the access matrix');
});

test('outsiders × every protection route: nothing leaks, nothing changes', async () => {
  const before = await digest();
  const secrets = [GIVEN, FAMILY, DETAIL, PERP, 'Emergency at the crossing'];
  const failures: string[] = [];
  for (const [who, user] of Object.entries(u)) {
    for (const [route, tpl] of Object.entries(templates())) {
      const method = route.split(' ')[0] as 'GET' | 'POST' | 'PATCH' | 'PUT';
      const res = await t.as(user)(method, tpl.url, tpl.body);
      const body = res.body;
      for (const s of secrets) if (body.includes(s)) failures.push(`${who} · ${route}: ${res.statusCode} shows "${s}"`);
      const readsCase = res.statusCode < 300 && route === 'GET /api/v1/protection/cases/{id}';
      if (readsCase && who !== 'recipient agency without the field permission') failures.push(`${who} · ${route}: read the case (${res.statusCode})`);
      if (tpl.listsCases && res.statusCode < 300 && body.includes(caseId) && who !== 'recipient agency without the field permission') failures.push(`${who} · ${route}: lists the case`);
      // Indicator lists are national configuration, not case data: a focal point with national scope (of any agency) may change them.
      const configByFocal = tpl.nationalConfig && who === 'focal point of another agency';
      if (method !== 'GET' && res.statusCode < 300 && !configByFocal && !['POST /api/v1/protection/retention', 'POST /api/v1/protection/cases/search'].includes(route)) failures.push(`${who} · ${route}: write accepted (${res.statusCode})`);
      if (res.statusCode >= 500) failures.push(`${who} · ${route}: ${res.statusCode}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(await digest(), before, 'a protection table changed');
});

test('the recipient without the field permission reads the referred case, but none of its sensitive fields', async () => {
  const r = await t.as(u['recipient agency without the field permission']!)('GET', `/api/v1/protection/cases/${caseId}`);
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json().access.field_groups, []);
  assert.deepEqual(r.json().case.hidden_fields.sort(), ['exploitation_detail', 'family_name', 'given_name', 'perpetrator']);
});
