import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp, TEST_ENGINE } from '../testing.ts';
import { createSetupToken } from './identity.ts';
import { THROTTLE, delayFor } from './signin.ts';
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

test(`[${TEST_ENGINE}] unknown user, wrong password and deactivated account get the same answer; failures are audited`, async () => {
  const u = await t.user([{ role: 'viewer' }]);
  const name = (await db.one('SELECT username FROM users WHERE id = $1', [u.id]))!.username;
  const gone = await t.user([{ role: 'viewer' }]);
  const goneName = (await db.one('SELECT username FROM users WHERE id = $1', [gone.id]))!.username;
  await db.query('UPDATE users SET active = false WHERE id = $1', [gone.id]);
  const answers = [await signIn(name, 'wrong-password', '10.0.1.1'), await signIn('no-such-user', 'wrong-password', '10.0.1.2'), await signIn(goneName, 'test-password-' + goneName, '10.0.1.3')];
  for (const r of answers) {
    assert.equal(r.statusCode, 401);
    assert.deepEqual(r.json(), answers[0]!.json());
  }
  assert.equal((await db.one(`SELECT count(*) AS n FROM audit_log WHERE action = 'auth.sign_in.failed' AND subject_id = $1`, [u.id]))!.n, 1);
});

test(`[${TEST_ENGINE}] failures of one name from one address are delayed more and more; the same for unknown names; nothing locks`, async () => {
  const u = await t.user([{ role: 'viewer' }]);
  const name = (await db.one('SELECT username FROM users WHERE id = $1', [u.id]))!.username;
  for (const who of [name, 'nobody-at-all']) {
    for (let i = 0; i < THROTTLE.pair.free; i++) assert.equal((await signIn(who, 'wrong-password', '10.0.5.5')).statusCode, 401);
    const r = await signIn(who, 'wrong-password', '10.0.5.5');
    assert.equal(r.statusCode, 429, `${who}: throttled after ${THROTTLE.pair.free} failures`);
    assert.equal(r.json().error.code, 'sign_in_throttled');
    assert.ok(Number(r.headers['retry-after']) >= 1);
  }
  // the right password from the same address waits too (the delay is short and grows only with failures) …
  assert.equal((await signIn(name, 'test-password-' + name, '10.0.5.5')).statusCode, 429);
  // … but the owner elsewhere is not affected
  assert.equal((await signIn(name, 'test-password-' + name, '10.0.6.6')).statusCode, 200);
  // once the delay has passed, the pair may try again
  await db.query(`UPDATE sign_in_failures SET at = at - interval '10 seconds' WHERE ip = '10.0.5.5'`);
  assert.equal((await signIn(name, 'test-password-' + name, '10.0.5.5')).statusCode, 200);
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => delayFor(n, 3)), [0, 0, 0, 1, 2]);
  assert.equal(delayFor(100, 3), THROTTLE.maxDelaySeconds);
});

test(`[${TEST_ENGINE}] guesses spread over many addresses slow the account down, but not from where its owner signs in`, async () => {
  const u = await t.user([{ role: 'viewer' }]); // signs in from 127.0.0.1
  const name = (await db.one('SELECT username FROM users WHERE id = $1', [u.id]))!.username;
  await db.query(`INSERT INTO sign_in_failures (ip, username, at) SELECT '198.51.100.' || i, $1, now() - interval '1 second' FROM generate_series(1, $2) i`, [name, THROTTLE.account.free + 3]);
  assert.equal((await signIn(name, 'test-password-' + name, '203.0.113.9')).statusCode, 429, 'a new address waits');
  assert.equal((await signIn('nobody-else', 'x-password-1', '203.0.113.9')).statusCode, 401, 'other accounts from that address are not affected');
  assert.equal((await signIn(name, 'test-password-' + name, '127.0.0.1')).statusCode, 200, 'the owner\'s usual address is not locked out');
});

test(`[${TEST_ENGINE}] too many failures from one address are throttled, whatever the names, but not for colleagues who signed in there before`, async () => {
  const colleague = await t.user([{ role: 'viewer' }]);
  const name = (await db.one('SELECT username FROM users WHERE id = $1', [colleague.id]))!.username;
  assert.equal((await signIn(name, 'test-password-' + name, '10.9.9.9')).statusCode, 200);
  for (let i = 0; i < THROTTLE.address.free; i++) await signIn('nobody-' + i, 'wrong', '10.9.9.9');
  const r = await signIn('nobody', 'wrong', '10.9.9.9');
  assert.equal(r.statusCode, 429);
  assert.equal(r.json().error.code, 'sign_in_throttled');
  assert.notEqual((await signIn('nobody', 'wrong', '10.9.9.10')).statusCode, 429, 'other addresses are not affected');
  assert.equal((await signIn(name, 'test-password-' + name, '10.9.9.9')).statusCode, 200, 'a colleague behind the same address still signs in');
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
