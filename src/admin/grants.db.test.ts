// Every escalation path of issue 10 item 1, as a test: grants stay within what the granting
// user holds, where they hold it; nobody edits their own assignments or a role they hold.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
let adminKhorasan: TestUser; // admin role, IR-09 only
let adminSistan: TestUser; // admin role, IR-11 only
const agency: Record<string, number> = {};

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  for (const r of await db.many('SELECT id, code FROM agencies')) agency[r.code] = Number(r.id);
  admin = await t.user([{ role: 'admin' }]);
  adminKhorasan = await t.user([{ role: 'admin', provinces: ['IR-09'] }]);
  adminSistan = await t.user([{ role: 'admin', provinces: ['IR-11'] }]);
  await db.query(`INSERT INTO roles (code, name_en, name_fa, permissions) VALUES ('user_manager', 'User manager', 'مدیر کاربران', '{users.manage}'), ('role_editor', 'Role editor', 'ویرایشگر نقش', '{roles.manage}'), ('helper', 'Helper', 'کمکی', '{flows.read}')`);
});
after(async () => {
  await t.app.close();
  await db.close();
});

const n = async (sql: string, params: unknown[] = []) => Number((await db.one(sql, params))!.n);
let seq = 0;
const newUser = (assignments: object[], extra: object = {}) => ({ username: `g${++seq}-${Date.now() % 100000}`, display_name: 'G', password: 'a-long-password-1', assignments, ...extra });
const code = (r: { body: string }) => JSON.parse(r.body).error?.code;

test(`[${TEST_ENGINE}] a province administrator cannot create a nationwide administrator, nor one in another province`, async () => {
  const users0 = await n('SELECT count(*) AS n FROM users');
  const national = await t.as(adminKhorasan)('POST', '/api/v1/users', newUser([{ role: 'admin', provinces: null }]));
  assert.equal(national.statusCode, 403, national.body);
  const other = await t.as(adminKhorasan)('POST', '/api/v1/users', newUser([{ role: 'data_officer', provinces: ['IR-11'] }]));
  assert.equal(other.statusCode, 403);
  const mixed = await t.as(adminKhorasan)('POST', '/api/v1/users', newUser([{ role: 'viewer', provinces: ['IR-09', 'IR-11'] }]));
  assert.equal(mixed.statusCode, 403);
  assert.equal(await n('SELECT count(*) AS n FROM users'), users0, 'nothing created');
  assert.ok((await n(`SELECT count(*) AS n FROM audit_log WHERE action = 'access.denied' AND actor_id = $1`, [adminKhorasan.id])) >= 1, 'out-of-scope attempts are audited');
  const inside = await t.as(adminKhorasan)('POST', '/api/v1/users', newUser([{ role: 'data_officer', provinces: ['IR-09'] }]));
  assert.equal(inside.statusCode, 201, inside.body);
});

test(`[${TEST_ENGINE}] nobody widens their own assignments, not even a nationwide administrator`, async () => {
  const widen = await t.as(adminKhorasan)('PATCH', `/api/v1/users/${adminKhorasan.id}`, { assignments: [{ role: 'admin', provinces: null }] });
  assert.equal(widen.statusCode, 403);
  const agencySwitch = await t.as(adminKhorasan)('PATCH', `/api/v1/users/${adminKhorasan.id}`, { agency_id: agency.moi });
  assert.equal(agencySwitch.statusCode, 403);
  assert.equal(code(await t.as(admin)('PATCH', `/api/v1/users/${admin.id}`, { assignments: [{ role: 'viewer' }] })), 'own_assignments');
  const mine = await db.many('SELECT province_codes FROM role_assignments WHERE user_id = $1', [adminKhorasan.id]);
  assert.deepEqual(mine.map((r) => r.province_codes), [['IR-09']]);
  // Their own name they may change.
  assert.equal((await t.as(adminKhorasan)('PATCH', `/api/v1/users/${adminKhorasan.id}`, { display_name: 'مدیر خراسان' })).statusCode, 200);
});

test(`[${TEST_ENGINE}] a province administrator resets passwords only of users wholly inside their province`, async () => {
  const hashOf = async (id: string) => (await db.one('SELECT password_hash FROM users WHERE id = $1', [id]))!.password_hash;
  const before = await hashOf(adminSistan.id);
  const r = await t.as(adminKhorasan)('PATCH', `/api/v1/users/${adminSistan.id}`, { new_password: 'taken-over-password-1' });
  assert.equal(r.statusCode, 403);
  assert.equal(await hashOf(adminSistan.id), before);
  const national = await t.as(adminKhorasan)('PATCH', `/api/v1/users/${admin.id}`, { new_password: 'taken-over-password-1' });
  assert.equal(national.statusCode, 403);
  // A user in both provinces is not wholly inside either.
  const both = await t.user([{ role: 'viewer', provinces: ['IR-09', 'IR-11'] }]);
  assert.equal((await t.as(adminKhorasan)('PATCH', `/api/v1/users/${both.id}`, { active: false })).statusCode, 403);
  const local = await t.user([{ role: 'data_officer', provinces: ['IR-09'] }]);
  assert.equal((await t.as(adminKhorasan)('PATCH', `/api/v1/users/${local.id}`, { new_password: 'a-new-password-22' })).statusCode, 200);
  // Nor can they move a local user out of the province.
  const move = await t.as(adminKhorasan)('PATCH', `/api/v1/users/${local.id}`, { assignments: [{ role: 'data_officer', provinces: ['IR-11'] }] });
  assert.equal(move.statusCode, 403);
  // The list shows only the users they manage.
  const list = (await t.as(adminKhorasan)('GET', '/api/v1/users')).json();
  const ids = list.map((u: any) => u.id);
  assert.ok(ids.includes(local.id) && !ids.includes(adminSistan.id) && !ids.includes(admin.id) && !ids.includes(both.id));
  assert.equal((await t.as(adminKhorasan)('GET', `/api/v1/users/${admin.id}`)).statusCode, 403);
});

test(`[${TEST_ENGINE}] a user manager cannot reset the password of anyone holding more than they do`, async () => {
  const manager = await t.user([{ role: 'user_manager', provinces: ['IR-09'] }, { role: 'viewer', provinces: ['IR-09'] }]);
  const officer = await t.user([{ role: 'data_officer', provinces: ['IR-09'] }]);
  const r = await t.as(manager)('PATCH', `/api/v1/users/${officer.id}`, { new_password: 'taken-over-password-1' });
  assert.equal(r.statusCode, 403);
  assert.equal(code(r), 'manage_exceeds');
  const viewer = await t.user([{ role: 'viewer', provinces: ['IR-09'] }]);
  assert.equal((await t.as(manager)('PATCH', `/api/v1/users/${viewer.id}`, { new_password: 'a-new-password-22' })).statusCode, 200);
});

test(`[${TEST_ENGINE}] a role holding only users.manage cannot create an administrator`, async () => {
  const manager = await t.user([{ role: 'user_manager' }]);
  const r = await t.as(manager)('POST', '/api/v1/users', newUser([{ role: 'admin' }]));
  assert.equal(r.statusCode, 403);
  assert.equal(code(r), 'grant_exceeds');
  const viewerGrant = await t.as(manager)('POST', '/api/v1/users', newUser([{ role: 'viewer' }]));
  assert.equal(code(viewerGrant), 'grant_exceeds', 'not even a viewer: it does not hold flows.read');
  const peer = await t.as(manager)('POST', '/api/v1/users', newUser([{ role: 'user_manager' }]));
  assert.equal(peer.statusCode, 201, 'what it holds, it may grant');
  // Nor give an existing user more.
  const v = await t.user([{ role: 'user_manager' }]);
  assert.equal(code(await t.as(manager)('PATCH', `/api/v1/users/${v.id}`, { assignments: [{ role: 'admin' }] })), 'grant_exceeds');
});

test(`[${TEST_ENGINE}] an agency-bound manager grants only within their agency`, async () => {
  const manager = await t.user([{ role: 'admin', agencyIds: [agency.iom], provinces: ['IR-09'] }], { agencyId: agency.iom });
  assert.equal((await t.as(manager)('POST', '/api/v1/users', newUser([{ role: 'viewer', agency_ids: [agency.unhcr], provinces: ['IR-09'] }], { agency_id: agency.unhcr }))).statusCode, 403);
  assert.equal((await t.as(manager)('POST', '/api/v1/users', newUser([{ role: 'viewer', agency_ids: [], provinces: ['IR-09'] }], { agency_id: agency.iom }))).statusCode, 403, 'no agency = every agency');
  const ok = await t.as(manager)('POST', '/api/v1/users', newUser([{ role: 'viewer', agency_ids: [agency.iom], provinces: ['IR-09'] }], { agency_id: agency.iom }));
  assert.equal(ok.statusCode, 201, ok.body);
});

test(`[${TEST_ENGINE}] a role holding only roles.manage cannot add verbs to itself or to any role`, async () => {
  const editor = await t.user([{ role: 'role_editor' }]);
  const roles = (await t.as(editor)('GET', '/api/v1/roles')).json();
  const own = roles.find((r: any) => r.code === 'role_editor');
  const helper = roles.find((r: any) => r.code === 'helper');
  const self = await t.as(editor)('PATCH', `/api/v1/roles/${own.id}`, { permissions: ['roles.manage', 'audit.read', 'flows.read', 'flows.export'] });
  assert.equal(self.statusCode, 403);
  assert.equal(code(self), 'own_role');
  const other = await t.as(editor)('PATCH', `/api/v1/roles/${helper.id}`, { permissions: ['flows.read', 'flows.export'] });
  assert.equal(other.statusCode, 403, 'it does not hold flows.*');
  const created = await t.as(editor)('POST', '/api/v1/roles', { code: 'sneaky', name_en: 'S', name_fa: 'س', permissions: ['audit.read'] });
  assert.equal(code(created), 'grant_exceeds');
  assert.deepEqual((await db.one(`SELECT permissions FROM roles WHERE code = 'role_editor'`))!.permissions, ['roles.manage']);
  assert.equal(await n(`SELECT count(*) AS n FROM roles WHERE code = 'sneaky'`), 0);
  // A province-scoped role manager does not change national objects at all.
  const provincial = await t.user([{ role: 'admin', provinces: ['IR-09'] }]);
  assert.equal((await t.as(provincial)('POST', '/api/v1/roles', { code: 'p1', name_en: 'P', name_fa: 'پ', permissions: ['flows.read'] })).statusCode, 403);
  assert.equal((await t.as(provincial)('POST', '/api/v1/agencies', { code: 'p1', name_en: 'P', name_fa: 'پ', kind: 'ngo' })).statusCode, 403);
  // The nationwide administrator can.
  assert.equal((await t.as(admin)('PATCH', `/api/v1/roles/${helper.id}`, { permissions: ['flows.read', 'flows.export'] })).statusCode, 200);
});

test(`[${TEST_ENGINE}] province administrators read only their province's part of the audit trail; reads of users and the trail are audited`, async () => {
  const local = await t.user([{ role: 'viewer', provinces: ['IR-09'] }]);
  await t.as(local)('GET', '/api/v1/auth/session');
  const entries = (await t.as(adminKhorasan)('GET', '/api/v1/audit?limit=500')).json().entries;
  const actors = new Set(entries.map((e: any) => e.actor_id));
  assert.ok(actors.has(local.id), 'sees the users of the province');
  assert.ok(!actors.has(admin.id) && !actors.has(adminSistan.id) && !actors.has(null), 'not the nationwide admin, another province or the command line');
  const all = (await t.as(admin)('GET', '/api/v1/audit?limit=500')).json().entries;
  assert.ok(all.some((e: any) => e.actor_id === adminSistan.id));
  assert.ok(await n(`SELECT count(*) AS n FROM audit_log WHERE action = 'audit.read' AND actor_id = $1`, [adminKhorasan.id]));
  await t.as(admin)('GET', `/api/v1/users/${local.id}`);
  assert.ok(await n(`SELECT count(*) AS n FROM audit_log WHERE action = 'user.read' AND actor_id = $1 AND subject_id = $2`, [admin.id, local.id]));
});
