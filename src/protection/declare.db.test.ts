// The declarations of protection's routes (access.ts): every route declares what it touches,
// refusals come before the body is looked at, whoever may not see a case cannot tell an existing
// one from a made-up id, and the protection rules the shared mechanism cannot express (agency-bound
// assignments, a readable case) hold through the gate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { testDatabase, testApp, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { declaredRoutes } from '../platform/auth/scope.ts';
import { multipart } from './multipart.testkit.ts';

const dir = mkdtempSync(join(tmpdir(), 'marz-protection-decl-'));
process.env.MARZ_PROTECTION_KEY_FILE = join(dir, 'protection.key');

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
const ag: Record<string, number> = {};
const u: Record<string, TestUser> = {};
let caseId = '';

before(async () => {
  db = await testDatabase();
  for (const r of await db.many('SELECT id, code FROM agencies')) ag[r.code] = Number(r.id);
  await db.query(`INSERT INTO roles (code, name_en, name_fa, permissions) VALUES ('decl_edit_only', 'E', 'E', $1)`, [['protection.edit']]);
  t = await testApp(db);
  u.cw = await t.user([{ role: 'protection_case_worker', agencyIds: [ag.iom!], provinces: ['IR-09'] }]);
  u.otherAgency = await t.user([{ role: 'protection_case_worker', agencyIds: [ag.unhcr!], provinces: ['IR-09'] }]);
  u.otherProvince = await t.user([{ role: 'protection_case_worker', agencyIds: [ag.iom!], provinces: ['IR-04'] }]);
  u.admin = await t.user([{ role: 'admin', provinces: null }]);
  u.viewer = await t.user([{ role: 'viewer', provinces: null }]);
  // protection.edit for the recipient agency, without protection.read: may not add to the case
  u.editOnly = await t.user([{ role: 'decl_edit_only', agencyIds: [ag.ircs!], provinces: ['IR-09'] }]);
  const s = await t.as(u.cw)('POST', '/api/v1/protection/screenings', {
    owner_agency_id: ag.iom, fmp: 'dogharoun', screened_on: '2025-05-01', sex: 'female', age: 30, nationality: 'AFG', given_name: 'Declgiven', family_name: 'Declfamily',
    indicators: [], outcome: 'possible_victim', consent: { share_fields: ['identity'], share_with: ['shelter'], statistics: true, retention_told: true },
  });
  assert.equal(s.statusCode, 201, s.body);
  caseId = s.json().case_id;
  const r = await t.as(u.cw)('POST', `/api/v1/protection/cases/${caseId}/referrals`, { to_agency_id: ag.ircs, service: 'shelter', pillar: 'support', fields: ['identity'] });
  assert.equal(r.statusCode, 201, r.body);
});
after(async () => {
  await t.app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every protection route declares its access, each with a permission', () => {
  const routes = [...declaredRoutes].filter(([k]) => k.split(' ')[1]!.startsWith('/api/v1/protection'));
  assert.ok(routes.length >= 25, `${routes.length} protection routes`);
  assert.deepEqual(routes.filter(([, d]) => !d?.permission).map(([k]) => k), []);
  const byKey = Object.fromEntries(routes);
  assert.equal(byKey['GET /api/v1/protection/cases/:id']!.resource, 'protection_case');
  assert.deepEqual(byKey['GET /api/v1/protection/cases/:id']!.hidden, ['protection.read']);
  assert.equal(byKey['PUT /api/v1/protection/indicators/:code']!.national, true);
  assert.equal(byKey['GET /api/v1/protection/cases/:id/access-report']!.audit, 'protection.case.access_report');
});

test('outsiders cannot tell an existing case from a made-up id, even with a body that would fail validation', async () => {
  const unknown = randomUUID();
  const probes: [string, string, unknown][] = [
    ['GET', '', undefined],
    ['POST', '/status', { status: 'nonsense' }],
    ['POST', '/consents', {}],
    ['POST', '/followups', { kind: 'x' }],
    ['PATCH', '', { close: 'x' }],
    ['POST', '/referrals', {}],
    ['POST', '/break-glass', {}],
    ['GET', '/access-report', undefined],
    ['POST', '/legal-hold', {}],
  ];
  for (const who of ['otherAgency', 'otherProvince', 'admin', 'viewer'] as const) {
    for (const [method, tail, body] of probes) {
      if (who === 'otherAgency' && tail === '/break-glass') continue; // staff of any agency in the province may break the glass
      const a = await t.as(u[who]!)(method as any, `/api/v1/protection/cases/${caseId}${tail}`, body);
      const b = await t.as(u[who]!)(method as any, `/api/v1/protection/cases/${unknown}${tail}`, body);
      assert.equal(a.statusCode, b.statusCode, `${who} ${method} ${tail}: ${a.statusCode} for the case, ${b.statusCode} for a made-up id`);
      assert.ok([403, 404].includes(a.statusCode), `${who} ${method} ${tail}: ${a.statusCode} ${a.body.slice(0, 100)}`);
      assert.ok(!a.body.includes('Declgiven'));
    }
  }
  // Signed out: told to sign in, not what is wrong with the body.
  assert.equal((await t.as(null)('POST', `/api/v1/protection/cases/${caseId}/status`, { status: 'nonsense' })).statusCode, 401);
});

test('an administrator without agencies holds every verb but reaches no case, and the refusal is audited', async () => {
  const r = await t.as(u.admin!)('GET', `/api/v1/protection/cases/${caseId}`);
  assert.equal(r.statusCode, 404);
  const d = await db.one(`SELECT details FROM audit_log WHERE action = 'access.denied' AND subject_type = 'protection_case' AND subject_id = $1 AND actor_id = $2 ORDER BY id DESC LIMIT 1`, [caseId, u.admin!.id]);
  assert.equal(d?.details.reason, 'agency');
  assert.equal((await t.as(u.admin!)('GET', '/api/v1/protection/cases')).statusCode, 403);
  assert.equal((await t.as(u.admin!)('PUT', '/api/v1/protection/indicators/decl_probe', { list: 'x_list', label_en: 'x', label_fa: 'x' })).statusCode, 403);
  assert.equal((await t.as(u.admin!)('POST', '/api/v1/protection/screenings', {
    owner_agency_id: ag.iom, fmp: 'dogharoun', screened_on: '2025-05-01', sex: 'male', age: 30, nationality: 'AFG', indicators: [], outcome: 'possible_victim', consent: { share_fields: [], share_with: [], statistics: true, retention_told: true },
  })).statusCode, 403);
  // Statistics are aggregate and suppressed: any holder in the province, agency or not.
  assert.equal((await t.as(u.admin!)('GET', '/api/v1/protection/stats?by=sex')).statusCode, 200);
});

test('protection.edit for a recipient agency without protection.read adds nothing to the case, before the upload is read', async () => {
  const before = await db.one('SELECT (SELECT count(*) FROM protection_documents)::int d, (SELECT count(*) FROM protection_followups)::int f');
  const m = multipart('x.pdf', Buffer.from('%PDF-1.4 x'));
  const up = await t.app.inject({ method: 'POST', url: `/api/v1/protection/cases/${caseId}/documents`, payload: m.payload, headers: { ...m.headers, cookie: u.editOnly!.cookie, 'x-csrf-token': u.editOnly!.csrf } });
  assert.equal(up.statusCode, 404);
  assert.equal((await t.as(u.editOnly!)('POST', `/api/v1/protection/cases/${caseId}/followups`, { kind: 'note', pillar: 'support', body: 'x' })).statusCode, 404);
  assert.deepEqual(await db.one('SELECT (SELECT count(*) FROM protection_documents)::int d, (SELECT count(*) FROM protection_followups)::int f'), before);
});

test('statistics of a province outside one\'s scope, and an import for an agency one does not hold, are refused', async () => {
  assert.equal((await t.as(u.cw!)('GET', '/api/v1/protection/stats?by=sex&province=IR-04')).statusCode, 403);
  assert.equal((await t.as(u.cw!)('GET', '/api/v1/protection/stats?by=sex&province=IR-09')).statusCode, 200);
  const m = multipart('cases.csv', Buffer.from('id,screened_on\n'));
  const imp = await t.app.inject({ method: 'POST', url: `/api/v1/protection/imports?agency_id=${ag.unhcr}`, payload: m.payload, headers: { ...m.headers, cookie: u.cw!.cookie, 'x-csrf-token': u.cw!.csrf } });
  assert.equal(imp.statusCode, 403);
});
