import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp, TEST_ENGINE } from '../testing.ts';
import { createSetupToken, MAX_FAILURES_PER_USER, MAX_FAILURES_PER_IP } from './identity.ts';
import { hashToken } from './sessions.ts';
import type { Database } from '../db/database.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
before(async () => {
  db = await testDatabase();
  t = await testApp(db);
});
after(async () => {
  await t.app.close();
  await db.close();
});

const anon = () => t.as(null);
const signIn = (username: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { username, password }, remoteAddress: ip });

test(`[${TEST_ENGINE}] first run: the one-time setup link creates the first administrator, once`, async () => {
  assert.deepEqual((await anon()('GET', '/api/v1/setup')).json(), { needed: true });
  const token = await createSetupToken(db);
  const bad = await anon()('POST', '/api/v1/setup', { token: 'x'.repeat(20), username: 'admin', display_name: 'Admin', password: 'long-enough-pw' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'setup_token');
  const weak = await anon()('POST', '/api/v1/setup', { token, username: 'admin', display_name: 'Admin', password: 'short' });
  assert.equal(weak.json().error.code, 'weak_password');
  const ok = await anon()('POST', '/api/v1/setup', { token, username: 'admin', display_name: 'Admin', password: 'long-enough-pw', locale: 'fa' });
  assert.equal(ok.statusCode, 201);
  assert.deepEqual((await anon()('GET', '/api/v1/setup')).json(), { needed: false });
  const again = await anon()('POST', '/api/v1/setup', { token, username: 'admin2', display_name: 'Admin', password: 'long-enough-pw' });
  assert.equal(again.json().error.code, 'setup_done');
  const s = await signIn('ADMIN', 'long-enough-pw');
  assert.equal(s.statusCode, 200, 'usernames are case-insensitive');
  assert.ok(s.json().user.permissions.includes('users.manage'));
  const cookie = s.headers['set-cookie'] as string;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
});

test(`[${TEST_ENGINE}] session tokens are stored hashed; writes need the CSRF token; sign-out ends the session`, async () => {
  const u = await t.user([{ role: 'viewer' }]);
  const token = u.cookie.split('=')[1];
  assert.equal((await db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [token])).rowCount, 0);
  assert.equal((await db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [hashToken(token)])).rowCount, 1);
  const noCsrf = await t.app.inject({ method: 'PATCH', url: '/api/v1/auth/preferences', payload: { locale: 'fa' }, headers: { cookie: u.cookie } });
  assert.equal(noCsrf.statusCode, 403);
  assert.equal(noCsrf.json().error.code, 'csrf');
  assert.equal((await db.one('SELECT locale FROM users WHERE id = $1', [u.id]))!.locale, 'en', 'nothing changed');
  const ok = await t.as(u)('PATCH', '/api/v1/auth/preferences', { locale: 'fa' });
  assert.equal(ok.statusCode, 204);
  const me = await t.as(u)('GET', '/api/v1/auth/session');
  assert.equal(me.json().user.locale, 'fa');
  assert.equal((await t.as(u)('POST', '/api/v1/auth/sign-out')).statusCode, 204);
  assert.equal((await t.as(u)('GET', '/api/v1/auth/session')).statusCode, 401);
});

test(`[${TEST_ENGINE}] errors are in the request's language`, async () => {
  const r = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { 'accept-language': 'fa-IR,fa;q=0.9' } });
  assert.equal(r.statusCode, 401);
  assert.equal(r.json().error.code, 'unauthenticated');
  assert.equal(r.json().error.message, 'لطفاً وارد شوید.');
});

test(`[${TEST_ENGINE}] repeated failures lock the account temporarily, and are audited`, async () => {
  const u = await t.user([{ role: 'viewer' }]);
  const name = (await db.one('SELECT username FROM users WHERE id = $1', [u.id]))!.username;
  for (let i = 0; i < MAX_FAILURES_PER_USER; i++) assert.equal((await signIn(name, 'wrong-password', '10.0.1.' + i)).statusCode, 401);
  const locked = await signIn(name, 'test-password-' + name, '10.0.2.1');
  assert.equal(locked.statusCode, 423);
  assert.equal(locked.json().error.code, 'locked');
  const audited = await db.one(`SELECT count(*) AS n FROM audit_log WHERE action = 'auth.sign_in.failed' AND subject_id = $1`, [u.id]);
  assert.equal(audited!.n, MAX_FAILURES_PER_USER);
  await db.query('UPDATE users SET locked_until = now() - interval \'1 second\' WHERE id = $1', [u.id]);
  assert.equal((await signIn(name, 'test-password-' + name, '10.0.2.1')).statusCode, 200, 'the lock expires');
});

test(`[${TEST_ENGINE}] too many failures from one address are rate limited`, async () => {
  for (let i = 0; i < MAX_FAILURES_PER_IP; i++) await signIn('nobody-' + i, 'wrong', '10.9.9.9');
  const r = await signIn('nobody', 'wrong', '10.9.9.9');
  assert.equal(r.statusCode, 429);
  assert.equal(r.json().error.code, 'rate_limited');
  assert.notEqual((await signIn('nobody', 'wrong', '10.9.9.10')).statusCode, 429, 'other addresses are not affected');
});

test(`[${TEST_ENGINE}] expired sessions are refused`, async () => {
  const u = await t.user([{ role: 'viewer' }]);
  await db.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [u.id]);
  assert.equal((await t.as(u)('GET', '/api/v1/auth/session')).statusCode, 401);
});

test(`[${TEST_ENGINE}] changing the password needs the current one and ends the other sessions`, async () => {
  const u = await t.user([{ role: 'viewer' }]);
  const name = (await db.one('SELECT username FROM users WHERE id = $1', [u.id]))!.username;
  const other = await signIn(name, 'test-password-' + name, '10.3.3.3');
  const otherCookie = `marz_session=${other.cookies.find((c) => c.name === 'marz_session')!.value}`;
  const wrong = await t.as(u)('POST', '/api/v1/auth/password', { current_password: 'nope', new_password: 'a-brand-new-password' });
  assert.equal(wrong.json().error.code, 'wrong_password');
  const ok = await t.as(u)('POST', '/api/v1/auth/password', { current_password: 'test-password-' + name, new_password: 'a-brand-new-password' });
  assert.equal(ok.statusCode, 204);
  assert.equal((await t.as(u)('GET', '/api/v1/auth/session')).statusCode, 200, 'this session stays');
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: otherCookie } })).statusCode, 401, 'the other session ended');
  assert.equal((await signIn(name, 'a-brand-new-password', '10.3.3.4')).statusCode, 200);
  assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'auth.password_change' AND subject_id = $1`, [u.id]));
});
