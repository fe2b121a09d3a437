import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { testDatabase, testApp, TEST_ENGINE } from '../testing.ts';
import { buildApp } from './app.ts';
import { capabilities } from '../../capabilities.ts';
import { loadConfig, parseTrustProxy } from '../config.ts';
import { receiveUpload, sweepUploads } from './uploads.ts';
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

test(`[${TEST_ENGINE}] text that cannot be stored is refused with a 400 naming the field, in body, query and path`, async () => {
  const admin = await t.user([{ role: 'admin', provinces: null }]);
  const cases: [string, unknown, string][] = [
    ['nul', { display_name: 'a\u0000b' }, 'display_name'],
    ['surrogate', { display_name: 'x\uD800' }, 'display_name'],
    ['noncharacter', { display_name: 'x\uFFFE' }, 'display_name'],
    ['control', { display_name: 'bell\u0007' }, 'display_name'],
  ];
  for (const [reason, body, field] of cases) {
    const r = await t.as(admin)('PATCH', '/api/v1/auth/preferences', body);
    assert.equal(r.statusCode, 400, reason);
    assert.equal(r.json().error.code, 'bad_text');
    assert.equal(r.json().error.details.field, field);
    assert.equal(r.json().error.details.reason, reason);
    assert.match(r.json().error.message, /display_name/);
  }
  const invisible = await t.as(admin)('PATCH', '/api/v1/auth/preferences', { display_name: '\u200B\u200C\u200F' });
  assert.equal(invisible.json().error.code, 'invisible_text');
  const fa = await t.as(admin)('PATCH', '/api/v1/auth/preferences', { display_name: 'a\u0000' }, { 'x-marz-locale': 'fa' });
  assert.match(fa.json().error.message, /display_name.*بایت تهی/);
  const nested = await t.as(admin)('POST', '/api/v1/users', { username: 'nested-one', display_name: 'N', password: 'a-long-password-1', assignments: [{ role: 'viewer\u0000', provinces: null }] });
  assert.equal(nested.json().error.details.field, 'assignments.0.role');
  const query = await t.as(admin)('GET', '/api/v1/audit?actor=a%00b');
  assert.equal(query.statusCode, 400);
  assert.equal(query.json().error.details.field, 'actor');
  const path = await t.as(admin)('GET', '/api/v1/places/provinces/%00');
  assert.ok(path.statusCode === 400 || path.statusCode === 404, `path: ${path.statusCode}`);
  const big = await t.as(admin)('PATCH', '/api/v1/agencies/99999999999999999999', { name_en: 'x' });
  assert.ok(big.statusCode >= 400 && big.statusCode < 500, `huge id: ${big.statusCode}`);
  const huge = await t.as(admin)('POST', '/api/v1/users', { username: 'huge-one', display_name: 'N', password: 'a-long-password-1', agency_id: 1e300 });
  assert.equal(huge.statusCode, 400);
  // A password may hold any real characters, even only invisible ones; it is still checked for strength.
  const pw = await t.as(admin)('POST', '/api/v1/users', { username: 'pw-one', display_name: 'N', password: '\u200B'.repeat(12) });
  assert.equal(pw.json().error.code, 'common_password');
});

test(`[${TEST_ENGINE}] anonymous requests with a bad body are told to sign in, not what is wrong`, async () => {
  for (const [method, url, body] of [
    ['POST', '/api/v1/users', { username: 1 }],
    ['PATCH', '/api/v1/auth/preferences', { display_name: 'a\u0000' }],
    ['POST', '/api/v1/agencies', 'not json'],
  ] as const) {
    const r = await t.as(null)(method, url, body);
    assert.equal(r.statusCode, 401, `${method} ${url}: ${r.body}`);
  }
  // sign-in itself is public: a bad body there is a 400
  assert.equal((await t.as(null)('POST', '/api/v1/auth/sign-in', { username: '' })).statusCode, 400);
});

test(`[${TEST_ENGINE}] usernames are NFKC and Persian normalised; look-alikes of existing names are refused`, async () => {
  const admin = await t.user([{ role: 'admin', provinces: null }]);
  const make = (username: string) => t.as(admin)('POST', '/api/v1/users', { username, display_name: 'N', password: 'a-long-password-1' });
  assert.equal((await make('علي')).statusCode, 201);
  assert.equal((await db.one(`SELECT username FROM users WHERE username LIKE 'عل%'`))!.username, 'علی', 'stored with the Persian ی');
  assert.equal((await make('علی')).json().error.code, 'username_taken');
  assert.equal((await make('rahim')).statusCode, 201);
  assert.equal((await make('ｒａｈｉｍ')).json().error.code, 'username_taken', 'full-width letters are NFKC-normalised');
  const cyr = await make('rаhim'); // Cyrillic а
  assert.equal(cyr.statusCode, 409);
  assert.equal(cyr.json().error.code, 'username_lookalike');
  assert.equal((await make('rahirn')).json().error.code, 'username_lookalike', 'rn looks like m');
  assert.equal((await make('RAHIM')).json().error.code, 'username_taken');
  assert.equal((await make('rahima')).statusCode, 201, 'a different name is fine');
  // sign-in finds the account whichever form is typed
  const u = await t.as(null)('POST', '/api/v1/auth/sign-in', { username: 'علي', password: 'a-long-password-1' });
  assert.equal(u.statusCode, 200);
});

test(`[${TEST_ENGINE}] passwords: common ones and the username are refused`, async () => {
  const admin = await t.user([{ role: 'admin', provinces: null }]);
  for (const [password, code] of [
    ['aaaaaaaaaa', 'common_password'],
    ['1234567890', 'common_password'],
    ['password123', 'common_password'],
    ['zahra-rahimi', 'password_is_username'],
    ['short', 'weak_password'],
  ]) {
    const r = await t.as(admin)('POST', '/api/v1/users', { username: 'zahra-rahimi', display_name: 'Zahra', password });
    assert.equal(r.statusCode, 400, password);
    assert.equal(r.json().error.code, code, password);
  }
});

test(`[${TEST_ENGINE}] security headers: CSP that lets the web app run, no framing, same-origin referrer; Secure cookies and HSTS with an https public URL`, async () => {
  const r = await t.as(null)('GET', '/api/health');
  const csp = String(r.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/, 'no inline or remote scripts');
  assert.match(csp, /style-src 'self' 'unsafe-inline'/);
  assert.match(csp, /worker-src 'self' blob:/, 'MapLibre workers');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'plain http on an office network keeps working');
  assert.equal(r.headers['x-frame-options'], 'DENY');
  assert.equal(r.headers['referrer-policy'], 'same-origin');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['strict-transport-security'], undefined);

  const config = { ...loadConfig({ MARZ_PUBLIC_URL: 'https://marz.example.org' }), dataDir: '/nonexistent' };
  assert.equal(config.secureCookies, true);
  const app = await buildApp({ db, config }, capabilities);
  try {
    const h = await app.inject({ method: 'GET', url: '/api/health' });
    assert.match(String(h.headers['strict-transport-security']), /max-age=/);
    assert.match(String(h.headers['content-security-policy']), /upgrade-insecure-requests/);
    const u = await t.user([{ role: 'viewer' }]);
    const name = (await db.one('SELECT username FROM users WHERE id = $1', [u.id]))!.username;
    const s = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { username: name, password: 'test-password-' + name } });
    assert.equal(s.statusCode, 200);
    assert.match(String(s.headers['set-cookie']), /; Secure/);
  } finally {
    await app.close();
  }
});

test('MARZ_TRUST_PROXY takes a hop count or addresses, never everyone; a forged X-Forwarded-For does not change the address', async () => {
  assert.equal(parseTrustProxy(undefined), false);
  assert.equal(parseTrustProxy('1'), 1);
  assert.deepEqual(parseTrustProxy('10.0.0.5, 10.1.0.0/16'), ['10.0.0.5', '10.1.0.0/16']);
  for (const bad of ['true', '*', 'all', '0.0.0.0/0', '::/0', 'proxy.example.org']) assert.throws(() => parseTrustProxy(bad), /never trusts every/, bad);
  const config = { ...loadConfig({ MARZ_TRUST_PROXY: '10.0.0.5' }), dataDir: '/nonexistent' };
  const app = await buildApp({ db, config }, [
    { name: 'ip', routes: (api) => void api.get('/api/v1/test-ip', { config: { access: { public: true } } as any }, async (req) => ({ ip: req.ip })) },
  ]);
  try {
    const via = (remoteAddress: string, xff: string) => app.inject({ method: 'GET', url: '/api/v1/test-ip', remoteAddress, headers: { 'x-forwarded-for': xff } }).then((r) => r.json().ip);
    assert.equal(await via('10.0.0.5', '203.0.113.7'), '203.0.113.7', 'the trusted proxy tells the client address');
    assert.equal(await via('198.51.100.1', '203.0.113.7'), '198.51.100.1', 'anyone else cannot');
    assert.equal(await via('10.0.0.5', '1.2.3.4, 203.0.113.7'), '203.0.113.7', 'a forged first entry is ignored');
  } finally {
    await app.close();
  }
});

test('uploads are private files, removed when the upload fails, and left-overs of dead processes are swept', async () => {
  const root = mkdtempSync(join(tmpdir(), 'marz-uploads-test-'));
  try {
    const up = await receiveUpload(Readable.from([Buffer.from('a,b\n1,2\n')]), 'data.csv', () => false, root);
    assert.equal(statSync(up.path).mode & 0o777, 0o600);
    assert.equal(statSync(up.dir).mode & 0o777, 0o700);
    up.remove();
    assert.equal(existsSync(up.dir), false);
    const failing = new Readable({ read() { this.destroy(new Error('client went away')); } });
    await assert.rejects(receiveUpload(failing, 'x.csv', () => false, root), /went away/);
    await assert.rejects(receiveUpload(Readable.from([Buffer.from('x')]), 'x.csv', () => true, root), /too large/);
    // a dead process's folder (pid 2^22 + 1 is above Linux's maximum) is swept; this process's is kept
    mkdirSync(join(root, `marz-upload-${2 ** 22 + 1}-abc`));
    writeFileSync(join(root, `marz-upload-${2 ** 22 + 1}-abc`, 'upload.csv'), 'secret');
    mkdirSync(join(root, `marz-upload-${process.pid}-def`));
    assert.equal(sweepUploads(root), 1);
    assert.deepEqual(
      (await import('node:fs')).readdirSync(root).filter((n) => n.startsWith('marz-upload-')),
      [`marz-upload-${process.pid}-def`],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
