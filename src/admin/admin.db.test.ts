import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  admin = await t.user([{ role: 'admin' }]);
});
after(async () => {
  await t.app.close();
  await db.close();
});

const count = async (sql: string) => Number((await db.one(sql))!.n);

test(`[${TEST_ENGINE}] an administrator creates a user with scoped role assignments, audited`, async () => {
  const agencies = (await t.as(admin)('GET', '/api/v1/agencies')).json();
  const iom = agencies.find((a: any) => a.code === 'iom');
  const r = await t.as(admin)('POST', '/api/v1/users', {
    username: 'officer.mashhad',
    display_name: 'كارشناس مشهد',
    password: 'officer-password',
    agency_id: iom.id,
    assignments: [{ role: 'data_officer', agency_ids: [iom.id], provinces: ['IR-09'] }],
  });
  assert.equal(r.statusCode, 201, r.body);
  const u = (await t.as(admin)('GET', `/api/v1/users/${r.json().id}`)).json();
  assert.equal(u.display_name, 'کارشناس مشهد', 'Arabic kaf normalised to Persian');
  assert.deepEqual(u.assignments, [{ role: 'data_officer', agency_ids: [iom.id], provinces: ['IR-09'] }]);
  const a = await db.one(`SELECT actor_id, details FROM audit_log WHERE action = 'user.create' AND subject_id = $1`, [u.id]);
  assert.equal(a!.actor_id, admin.id);
  const dup = await t.as(admin)('POST', '/api/v1/users', { username: 'OFFICER.mashhad', display_name: 'x', password: 'officer-password' });
  assert.equal(dup.statusCode, 409);
  assert.equal(dup.json().error.code, 'username_taken');
  const badProvince = await t.as(admin)('POST', '/api/v1/users', { username: 'x1', display_name: 'x', password: 'officer-password', assignments: [{ role: 'viewer', provinces: ['IR-99'] }] });
  assert.equal(badProvince.json().error.code, 'unknown_province');
  assert.equal(await count(`SELECT count(*) AS n FROM users WHERE username = 'x1'`), 0, 'nothing half-created');
});

test(`[${TEST_ENGINE}] without users.manage a user gets 403 and nothing changes`, async () => {
  const viewer = await t.user([{ role: 'viewer' }]);
  const before = await count('SELECT count(*) AS n FROM users');
  const auditBefore = await count('SELECT count(*) AS n FROM audit_log');
  const r = await t.as(viewer)('POST', '/api/v1/users', { username: 'sneaky', display_name: 'S', password: 'sneaky-password', assignments: [{ role: 'admin' }] });
  assert.equal(r.statusCode, 403);
  assert.equal(r.json().error.code, 'forbidden');
  assert.equal(await count('SELECT count(*) AS n FROM users'), before);
  assert.equal(await count('SELECT count(*) AS n FROM audit_log'), auditBefore);
  assert.equal((await t.as(viewer)('GET', '/api/v1/users')).statusCode, 403);
  assert.equal((await t.as(viewer)('PATCH', `/api/v1/users/${viewer.id}`, { assignments: [{ role: 'admin' }] })).statusCode, 403);
  assert.equal((await t.as(viewer)('GET', '/api/v1/audit')).statusCode, 403);
  assert.equal((await t.as(null)('GET', '/api/v1/users')).statusCode, 401);
});

test(`[${TEST_ENGINE}] deactivating a user ends their sessions; admins cannot lock themselves out`, async () => {
  const v = await t.user([{ role: 'viewer' }]);
  assert.equal((await t.as(admin)('PATCH', `/api/v1/users/${v.id}`, { active: false })).statusCode, 200);
  assert.equal((await t.as(v)('GET', '/api/v1/auth/session')).statusCode, 401);
  const self = await t.as(admin)('PATCH', `/api/v1/users/${admin.id}`, { active: false });
  assert.equal(self.json().error.code, 'self_lockout');
});

test(`[${TEST_ENGINE}] roles: custom roles from known verbs; built-ins are read-only`, async () => {
  const r = await t.as(admin)('POST', '/api/v1/roles', { code: 'reviewer', name_en: 'Reviewer', name_fa: 'بازبین', permissions: ['flows.read', 'flows.review'] });
  assert.equal(r.statusCode, 201, r.body);
  const bad = await t.as(admin)('POST', '/api/v1/roles', { code: 'bad', name_en: 'Bad', name_fa: 'بد', permissions: ['flows.fly'] });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'validation');
  const builtin = (await t.as(admin)('GET', '/api/v1/roles')).json().find((x: any) => x.code === 'viewer');
  const edit = await t.as(admin)('PATCH', `/api/v1/roles/${builtin.id}`, { permissions: ['users.manage'] });
  assert.equal(edit.json().error.code, 'builtin_role');
});

test(`[${TEST_ENGINE}] agencies: create, rename, audited; codes unique`, async () => {
  const r = await t.as(admin)('POST', '/api/v1/agencies', { code: 'wfp', name_en: 'World Food Programme', name_fa: 'برنامه جهانی غذا', kind: 'un' });
  assert.equal(r.statusCode, 201);
  assert.equal((await t.as(admin)('POST', '/api/v1/agencies', { code: 'wfp', name_en: 'x', name_fa: 'x', kind: 'un' })).json().error.code, 'code_taken');
  const p = await t.as(admin)('PATCH', `/api/v1/agencies/${r.json().id}`, { name_fa: 'برنامهٔ جهانی غذا' });
  assert.equal(p.json().name_fa, 'برنامهٔ جهانی غذا');
  assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'agency.update' AND subject_id = $1`, [String(r.json().id)]));
});

test(`[${TEST_ENGINE}] the audit page filters by action and actor and pages backwards`, async () => {
  const all = (await t.as(admin)('GET', '/api/v1/audit?limit=500')).json().entries;
  assert.ok(all.length > 5);
  const signIns = (await t.as(admin)('GET', '/api/v1/audit?action=auth.sign_in&limit=500')).json().entries;
  assert.ok(signIns.length > 0 && signIns.every((e: any) => e.action.startsWith('auth.sign_in')));
  const page1 = (await t.as(admin)('GET', '/api/v1/audit?limit=2')).json();
  const page2 = (await t.as(admin)('GET', `/api/v1/audit?limit=2&before_id=${page1.next_before_id}`)).json();
  assert.ok(page2.entries[0].id < page1.entries[1].id);
});
