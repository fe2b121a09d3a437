// ODK Collect over OpenRosa, end to end against the HTTP app: a device link, the form list,
// the XForm loaded and filled by ODK's own XForms engine, HEAD then multipart POST, resends,
// conflicts, scope, revocation and HTTP Basic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { addDays, todayIso } from '../platform/calendar.ts';
import { decodeSettings } from './qr.ts';
import { fillForm, multipartSubmission } from './odk-engine.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let enumerator: TestUser;
let enumeratorName: string;
let device: { id: number; server_url: string; settings: string; qr_svg: string };
let base: string; // the device's server address, as a path on the test app
const day = addDays(todayIso(), -2);

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  enumerator = await t.user([{ role: 'enumerator', provinces: ['IR-09'] }], { locale: 'fa' });
  enumeratorName = (await db.one('SELECT username FROM users WHERE id = $1', [enumerator.id]))!.username;
  const r = await t.as(enumerator)('POST', '/api/v1/collect/devices', { label: 'Phone 1' });
  assert.equal(r.statusCode, 200, r.body);
  device = r.json();
  base = new URL(device.server_url).pathname;
});
after(async () => {
  await t.app.close();
  await db.close();
});

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

test(`[${TEST_ENGINE}] a device link: Collect's QR settings carry its address; the form list offers FMR and FMS`, async () => {
  const s = decodeSettings(device.settings);
  assert.equal(s.general.server_url, device.server_url);
  assert.match(device.server_url, /\/api\/collect\/key\/[A-Za-z0-9_-]{40,}$/);
  assert.equal(s.general.form_update_mode, 'match_exactly');
  assert.match(device.qr_svg, /^<svg/);
  const list = await get(`${base}/formList`);
  assert.equal(list.statusCode, 200, list.body);
  assert.equal(list.headers['x-openrosa-version'], '1.0');
  assert.match(String(list.headers['content-type']), /text\/xml/);
  assert.match(list.body, /<formID>marz_fmr<\/formID>/);
  assert.match(list.body, /<formID>marz_fms<\/formID>/);
  assert.match(list.body, /<hash>md5:[0-9a-f]{32}<\/hash>/);
  const url = /<downloadUrl>([^<]*marz_fmr[^<]*)<\/downloadUrl>/.exec(list.body)![1];
  assert.equal(new URL(url).pathname, `${base}/forms/marz_fmr/form.xml`);
});

test(`[${TEST_ENGINE}] the FMR XForm loads in ODK's XForms engine with Marz's names, both languages, the user's FMPs only`, async () => {
  const form = await get(`${base}/forms/marz_fmr/form.xml`);
  assert.equal(form.statusCode, 200, form.body);
  const { root, nodes } = await fillForm(form.body, {});
  assert.deepEqual(
    root.languages.map((l: any) => l.language),
    ['English (en)', 'Persian (fa)'],
  );
  for (const name of ['fmp', 'date', 'direction', 'nationality', 'men', 'women', 'boys', 'girls', 'deported', 'reasons', 'meta/instanceID']) assert.ok(nodes.has(`/data/${name}`), name);
  const fmps = nodes.get('/data/fmp').currentState.valueOptions.map((o: any) => o.value);
  assert.ok(fmps.includes('dogharoun'), 'an FMP of IR-09 is offered');
  assert.ok(!fmps.includes('mehran'), 'an FMP of another province is not');
  assert.match(form.body, /appearance="persian"/);
  const fa = await fillForm(form.body, {}, 'Persian (fa)');
  assert.equal(fa.nodes.get('/data/direction').currentState.valueOptions.find((o: any) => o.value === 'in').label.asString, 'ورودی');
});

test(`[${TEST_ENGINE}] a Collect submission: HEAD then POST, 201, counted once however often it is sent; changed content refused`, async () => {
  const form = (await get(`${base}/forms/marz_fmr/form.xml`)).body;
  const filled = await fillForm(form, {
    '/data/fmp': 'dogharoun',
    '/data/date': day,
    '/data/direction': 'out',
    '/data/nationality': 'AFG',
    '/data/men': 3,
    '/data/women': 2,
    '/data/boys': 1,
    '/data/girls': 0,
    '/data/deported': 'no',
    '/data/reasons': ['return_home', 'economic'],
  });
  assert.equal(filled.status, 'ready', JSON.stringify(filled.violations));
  const id = /<instanceID>uuid:([^<]+)<\/instanceID>/.exec(filled.instanceXml)![1];

  const head = await t.app.inject({ method: 'HEAD', url: `${base}/submission`, headers: { 'x-openrosa-version': '1.0' } });
  assert.equal(head.statusCode, 204);
  assert.equal(head.headers['x-openrosa-version'], '1.0');
  assert.ok(Number(head.headers['x-openrosa-accept-content-length']) > 0);

  for (let i = 0; i < 3; i++) {
    const r = await t.app.inject({ method: 'POST', url: `${base}/submission`, ...multipartSubmission(filled.instanceXml) });
    assert.equal(r.statusCode, 201, r.body);
    assert.match(r.body, /OpenRosaResponse/);
  }
  const rec = (await db.one('SELECT men, women, boys, girls, reasons, status, enumerator, submitted_by FROM fmr_records WHERE id = $1', [id]))!;
  assert.deepEqual([rec.men, rec.women, rec.boys, rec.girls], [3, 2, 1, 0]);
  assert.deepEqual([...rec.reasons].sort(), ['economic', 'return_home']);
  assert.equal(rec.status, 'received', 'it waits for review like any record');
  assert.equal(rec.submitted_by, enumerator.id);
  assert.equal(rec.enumerator, enumeratorName);

  const admin = await t.user([{ role: 'admin' }]);
  const summary = await t.as(admin)('GET', `/api/v1/flows/summary?from=${day}&to=${day}&fmp=dogharoun`);
  assert.equal(summary.statusCode, 200, summary.body);
  const figures = summary.json();
  assert.equal(figures.groups, 1, 'one group, however often it was sent');
  assert.equal(figures.individuals, 6);
  assert.equal(figures.totals.outflow, 6);

  const changed = filled.instanceXml.replace('<men>3</men>', '<men>4</men>');
  const conflict = await t.app.inject({ method: 'POST', url: `${base}/submission`, ...multipartSubmission(changed) });
  assert.equal(conflict.statusCode, 409, conflict.body);
  assert.match(conflict.body, /شناسه/, 'the reason, in the user\'s language');
  assert.equal(Number((await db.one('SELECT count(*) AS n FROM fmr_records WHERE id = $1', [id]))!.n), 1);
  assert.equal((await db.one('SELECT men FROM fmr_records WHERE id = $1', [id]))!.men, 3);
  const audited = await db.one(`SELECT count(*) AS n FROM audit_log WHERE action = 'flows.fmr.submit' AND actor_label LIKE '%collect device%'`).catch(() => null);
  if (audited) assert.equal(Number(audited.n), 1);
});

test(`[${TEST_ENGINE}] a record the validation refuses is a 400 with the reason; another province is a 403`, async () => {
  const xml = (over: Record<string, string>) => {
    const v = { fmp: 'dogharoun', date: day, direction: 'in', nationality: 'AFG', men: '1', women: '0', boys: '0', girls: '0', deported: 'yes', ...over };
    return `<?xml version="1.0"?><data id="marz_fmr" version="x">${Object.entries(v).map(([k, x]) => `<${k}>${x}</${k}>`).join('')}<meta><instanceID>uuid:${randomUUID()}</instanceID></meta></data>`;
  };
  const future = await t.app.inject({ method: 'POST', url: `${base}/submission`, ...multipartSubmission(xml({ date: addDays(todayIso(), 3) })) });
  assert.equal(future.statusCode, 400, future.body);
  assert.match(future.body, /nature="error"/);
  const empty = await t.app.inject({ method: 'POST', url: `${base}/submission`, ...multipartSubmission(xml({ men: '0' })) });
  assert.equal(empty.statusCode, 400);
  const other = await t.app.inject({ method: 'POST', url: `${base}/submission`, ...multipartSubmission(xml({ fmp: 'mehran' })) });
  assert.equal(other.statusCode, 403, other.body);
  const count = await db.one(`SELECT count(*) AS n FROM fmr_records WHERE submitted_by = $1`, [enumerator.id]);
  assert.equal(Number(count!.n), 1, 'nothing refused was stored');
});

test(`[${TEST_ENGINE}] an FMS interview through the engine is stored once`, async () => {
  const form = await get(`${base}/forms/marz_fms/form.xml`);
  assert.equal(form.statusCode, 200);
  const filled = await fillForm(form.body, {
    '/data/consent': 'yes',
    '/data/fmp': 'dogharoun',
    '/data/date': day,
    '/data/direction': 'in',
    '/data/sex': 'female',
    '/data/age': 34,
    '/data/nationality': 'AFG',
    '/data/answers/education': 'primary',
  });
  assert.equal(filled.status, 'ready', JSON.stringify(filled.violations));
  for (let i = 0; i < 2; i++) {
    const r = await t.app.inject({ method: 'POST', url: `${base}/submission`, ...multipartSubmission(filled.instanceXml) });
    assert.equal(r.statusCode, 201, r.body);
  }
  const id = /<instanceID>uuid:([^<]+)<\/instanceID>/.exec(filled.instanceXml)![1];
  const row = await db.one('SELECT sex, age, answers FROM fms_interviews WHERE id = $1', [id]);
  assert.equal(row!.sex, 'female');
  assert.equal(row!.answers.education, 'primary');
  const changed = await t.app.inject({ method: 'POST', url: `${base}/submission`, ...multipartSubmission(filled.instanceXml.replace('<age>34</age>', '<age>35</age>')) });
  assert.equal(changed.statusCode, 409);
  const child = filled.instanceXml.replace('<age>34</age>', '<age>12</age>').replace(/uuid:[0-9a-f-]+/, `uuid:${randomUUID()}`);
  const refused = await t.app.inject({ method: 'POST', url: `${base}/submission`, ...multipartSubmission(child) });
  assert.equal(refused.statusCode, 400);
  const message = /<message[^>]*>([^<]*)<\/message>/.exec(refused.body)![1];
  assert.match(message, /سن/, 'names the field as the form does, in the user\'s language');
  assert.doesNotMatch(message.replace(/\u2068[^\u2069]*\u2069/g, ''), /[A-Za-z]/, 'no English in the Persian message');
});

test(`[${TEST_ENGINE}] HTTP Basic on loopback only; a revoked device link stops at once`, async () => {
  const anonymous = await get('/api/collect/formList');
  assert.equal(anonymous.statusCode, 401);
  assert.match(String(anonymous.headers['www-authenticate']), /^Basic/);
  const basic = 'Basic ' + Buffer.from(`${enumeratorName}:test-password-${enumeratorName}`).toString('base64');
  const ok = await get('/api/collect/formList', { authorization: basic });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.match(ok.body, /marz_fmr/);
  const wrong = await get('/api/collect/formList', { authorization: 'Basic ' + Buffer.from(`${enumeratorName}:nope-nope-nope`).toString('base64') });
  assert.equal(wrong.statusCode, 401);
  const remote = await t.app.inject({ method: 'GET', url: '/api/collect/formList', headers: { authorization: basic }, remoteAddress: '10.1.2.3' });
  assert.equal(remote.statusCode, 403, 'no password over plain HTTP from another machine');

  const list = await t.as(enumerator)('GET', '/api/v1/collect/devices');
  assert.equal(list.json()[0].label, 'Phone 1');
  const other = await t.user([{ role: 'enumerator', provinces: ['IR-09'] }]);
  assert.equal((await t.as(other)('DELETE', `/api/v1/collect/devices/${device.id}`)).statusCode, 404, 'not someone else\'s device');
  assert.equal((await t.as(enumerator)('DELETE', `/api/v1/collect/devices/${device.id}`)).statusCode, 200);
  const after = await get(`${base}/formList`);
  assert.equal(after.statusCode, 401);
  const viewer = await t.user([{ role: 'viewer' }]);
  assert.equal((await t.as(viewer)('POST', '/api/v1/collect/devices', { label: 'x' })).statusCode, 403);
});

test(`[${TEST_ENGINE}] wrong Basic passwords are throttled like the web sign-in (429 with Retry-After)`, async () => {
  const u = await t.user([{ role: 'enumerator', provinces: ['IR-09'] }]);
  const name = (await db.one('SELECT username FROM users WHERE id = $1', [u.id]))!.username;
  const wrong = 'Basic ' + Buffer.from(`${name}:not-the-password`).toString('base64');
  const statuses: number[] = [];
  for (let i = 0; i < 8 && !statuses.includes(429); i++) statuses.push((await get('/api/collect/formList', { authorization: wrong })).statusCode);
  assert.deepEqual(statuses.slice(0, 3), [401, 401, 401]);
  assert.ok(statuses.includes(429), statuses.join());
  const throttled = await get('/api/collect/formList', { authorization: wrong });
  if (throttled.statusCode === 429) assert.ok(Number(throttled.headers['retry-after']) >= 1);
  const failures = await db.one(`SELECT count(*) AS n FROM audit_log WHERE action = 'auth.sign_in.failed' AND details->>'username' = $1`, [name]);
  assert.ok(Number(failures!.n) >= 3, 'failures are audited');
});
