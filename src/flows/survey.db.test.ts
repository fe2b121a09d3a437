import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { addDays, todayIso } from '../platform/calendar.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
const day = addDays(todayIso(), -2);

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  admin = await t.user([{ role: 'admin' }]);
});
after(async () => {
  await t.app.close();
  await db.close();
});

const interview = (answers: Record<string, unknown>, over: Record<string, unknown> = {}) => ({ id: randomUUID(), fmp: 'dogharoun', date: day, direction: 'in', sex: 'female', age: 34, nationality: 'AFG', answers, ...over });

test(`[${TEST_ENGINE}] interviews: trafficking shares with n, resends counted once, adults only, answers checked against the questions`, async () => {
  const yes = interview({ ct_self_worked_unpaid: 'yes', ct_family_forced_work: 'no', education: 'primary' });
  assert.deepEqual((await t.as(admin)('POST', '/api/v1/flows/fms', yes)).json(), { result: 'created' });
  assert.deepEqual((await t.as(admin)('POST', '/api/v1/flows/fms', yes)).json(), { result: 'duplicate' });
  await t.as(admin)('POST', '/api/v1/flows/fms', interview({ ct_self_worked_unpaid: 'no', ct_self_organs_cash: 'refused' }));
  await t.as(admin)('POST', '/api/v1/flows/fms', interview({ ct_self_held_captive: 'refused' }));
  const minor = await t.as(admin)('POST', '/api/v1/flows/fms', interview({}, { age: 16 }));
  assert.equal(minor.statusCode, 400);
  const bad = await t.as(admin)('POST', '/api/v1/flows/fms', interview({ education: 'phd', nope: 'x' }));
  assert.equal(bad.json().error.code, 'interview_answers_invalid');
  assert.match(bad.json().error.message, /education/);
  const badFa = await t.as(admin)('POST', '/api/v1/flows/fms', interview({ education: 'phd' }), { 'x-marz-locale': 'fa' });
  assert.match(badFa.json().error.message, /^پاسخ این پرسش‌ها پذیرفتنی نیست: «\u2068education\u2069»/, 'Persian, with the question code isolated');
  const s = (await t.as(admin)('GET', `/api/v1/flows/summary?from=${day}&to=${day}&fmp=dogharoun`)).json().survey;
  assert.equal(s.respondents, 3);
  assert.deepEqual(s.trafficking_self, { n: 2, yes: 1, share: 0.5 }, 'a refused-only module is not counted in n');
  assert.deepEqual(s.trafficking_family, { n: 1, yes: 0, share: 0 });
  const list = (await t.as(admin)('GET', `/api/v1/flows/fms?from=${day}&to=${day}`)).json();
  assert.equal(list.total, 3);
});

test(`[${TEST_ENGINE}] refusals are kept per enumerator and added up`, async () => {
  const other = await t.user([{ role: 'enumerator', provinces: ['IR-09'] }]);
  const body = { fmp: 'dogharoun', date: day, refused: 2, already_interviewed: 1 };
  assert.equal((await t.as(admin)('POST', '/api/v1/flows/fms/nonresponse', body)).statusCode, 204);
  assert.equal((await t.as(admin)('POST', '/api/v1/flows/fms/nonresponse', { ...body, refused: 3 })).statusCode, 204, 'a device resends its new total');
  assert.equal((await t.as(other)('POST', '/api/v1/flows/fms/nonresponse', { ...body, refused: 4, already_interviewed: 0 })).statusCode, 204);
  const list = (await t.as(admin)('GET', `/api/v1/flows/fms?from=${day}&to=${day}&fmp=dogharoun`)).json();
  assert.deepEqual(list.nonresponse, { refused: 7, already_interviewed: 1 });
  const survey = (await t.as(admin)('GET', `/api/v1/flows/summary?from=${day}&to=${day}&fmp=dogharoun`)).json().survey;
  assert.equal(survey.refused, 7);
  assert.equal(survey.already_interviewed, 1);
  const outside = await t.as(other)('POST', '/api/v1/flows/fms/nonresponse', { ...body, fmp: 'mehran' });
  assert.equal(outside.statusCode, 403);
});

test(`[${TEST_ENGINE}] new thresholds apply to recent days; alerts filter by FMP and province`, async () => {
  const rec = (n: number) => ({ id: randomUUID(), fmp: 'bazargan', date: day, direction: 'out', nationality: 'TUR', men: n, women: 0, boys: 0, girls: 0, deported: 'no' });
  await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [rec(4), rec(4)] });
  assert.equal((await t.as(admin)('GET', '/api/v1/flows/alerts?fmp=bazargan')).json().length, 0);
  await t.as(admin)('PATCH', '/api/v1/flows/fmps/bazargan/thresholds', { capacity_per_day: null, alert_daily_above: 5, alert_multiple: null, alert_window_days: 28 });
  const alerts = (await t.as(admin)('GET', '/api/v1/flows/alerts?fmp=bazargan')).json();
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0].kind, 'above_threshold');
  assert.equal((await t.as(admin)('GET', '/api/v1/flows/alerts?province=IR-09')).json().some((a: any) => a.fmp === 'bazargan'), false);
  const open = async (q: string) => (await t.as(admin)('GET', `/api/v1/flows/summary?from=${day}&to=${day}&${q}`)).json().open_alerts;
  assert.equal(await open('fmp=bazargan'), 1);
  assert.equal(await open('fmp=dogharoun'), 0, 'open alerts follow the FMP filter');
  assert.equal(await open('province=IR-04'), 1, 'Bazargan is in West Azerbaijan');
  const map = (await t.as(admin)('GET', `/api/v1/flows/map?from=${day}&to=${day}`)).json().find((m: any) => m.fmp === 'bazargan');
  assert.equal(map.alert_daily_above, 5);
  assert.equal(map.individuals, 8);
});

test(`[${TEST_ENGINE}] managers read the survey questions without the submit permission`, async () => {
  await db.query(`INSERT INTO roles (code, name_en, name_fa, permissions) VALUES ('flow_manager', 'Flow manager', 'مدیر جریان', '{flows.manage}')`);
  const manager = await t.user([{ role: 'flow_manager' }]);
  const r = await t.as(manager)('GET', '/api/v1/flows/fms/questions');
  assert.equal(r.statusCode, 200);
  assert.ok(r.json().some((q: any) => q.module === 'trafficking_self'));
  const viewer = await t.user([{ role: 'viewer' }]);
  assert.equal((await t.as(viewer)('GET', '/api/v1/flows/fms/questions')).statusCode, 403);
});
