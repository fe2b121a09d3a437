// Issue 10 item 6: a password reset on the user page follows the same rules as everywhere else
// (not common, not the user's name nor near it), refused with a 400 naming the field, in both
// languages, and leaves the old password in place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { t as msg } from '../platform/i18n/messages.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
let target: TestUser;
let username: string;
let password: string; // the target's first password

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  admin = await t.user([{ role: 'admin' }]);
  target = await t.user([{ role: 'viewer', provinces: ['IR-09'] }]);
  // a name long enough to be a password by length alone
  password = 'test-password-' + (await db.one('SELECT username FROM users WHERE id = $1', [target.id]))!.username;
  username = 'golnar.rostamzadeh' + (Date.now() % 1000);
  await db.query('UPDATE users SET username = $2 WHERE id = $1', [target.id, username]);
});
after(async () => {
  await t.app.close();
  await db.close();
});

const reset = (body: object, locale: 'en' | 'fa' = 'en') => t.as(admin)('PATCH', `/api/v1/users/${target.id}`, body, { 'x-marz-locale': locale });
const signIn = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { username, password } });

test(`[${TEST_ENGINE}] resetting a password refuses common ones and ones equal or near to the user's name, naming the field, in English and Persian`, async () => {
  const displayNameBefore = (await db.one('SELECT display_name FROM users WHERE id = $1', [target.id]))!.display_name;
  const hashBefore = (await db.one('SELECT password_hash FROM users WHERE id = $1', [target.id]))!.password_hash;
  const cases: [string, string][] = [
    [username, 'password_is_username'],
    [username.toUpperCase() + '12', 'password_is_username'],
    ['password1234', 'common_password'],
    ['1234567890', 'common_password'],
    ['qwertyuiop', 'common_password'],
    ['short', 'weak_password'],
  ];
  for (const [password, code] of cases) {
    for (const locale of ['en', 'fa'] as const) {
      const r = await reset({ new_password: password }, locale);
      assert.equal(r.statusCode, 400, `${password}: ${r.body}`);
      const e = r.json().error;
      assert.equal(e.code, code, password);
      assert.deepEqual(e.details, { field: 'new_password' }, password);
      assert.equal(e.message, msg(locale, `errors.${code}`, code === 'weak_password' ? { min: 10 } : {}));
      assert.ok(!e.message.startsWith('errors.'), 'a catalogue message, not its key');
      if (locale === 'fa') assert.match(e.message, /[\u0600-\u06FF]/);
    }
  }
  // A display name given in the same request counts as the user's name.
  const named = await reset({ display_name: 'Shirin Rostamzadeh', new_password: 'Shirin Rostamzadeh' });
  assert.equal(named.statusCode, 400, named.body);
  assert.equal(named.json().error.code, 'common_password');
  assert.equal((await db.one('SELECT display_name FROM users WHERE id = $1', [target.id]))!.display_name, displayNameBefore, 'a refused request changes nothing');

  // Nothing changed: the old password still signs in.
  assert.equal((await db.one('SELECT password_hash FROM users WHERE id = $1', [target.id]))!.password_hash, hashBefore);
  assert.equal((await signIn(password)).statusCode, 200);

  // A good password is accepted, replaces the old one and is audited without the password.
  const ok = await reset({ new_password: 'violet-harbour-lantern-42' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal((await signIn('violet-harbour-lantern-42')).statusCode, 200);
  assert.notEqual((await signIn(password)).statusCode, 200);
  const entry = await db.one(`SELECT details FROM audit_log WHERE action = 'user.update' AND subject_id = $1 ORDER BY id DESC LIMIT 1`, [target.id]);
  assert.equal(entry?.details.password_reset, true);
  assert.ok(!JSON.stringify(entry?.details).includes('violet'));
});

test(`[${TEST_ENGINE}] creating a user with a weak password is refused naming the field password`, async () => {
  const res = await t.as(admin)('POST', '/api/v1/users', { username: 'newofficer', display_name: 'New officer', password: 'newofficer', assignments: [] });
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(res.json().error.code, 'password_is_username');
  assert.deepEqual(res.json().error.details, { field: 'password' });
  assert.equal((await db.one(`SELECT count(*) AS n FROM users WHERE username = 'newofficer'`))!.n, 0);
});
