// Issue 12.5: alert episodes follow the dashboard's period and filters and agree with its
// headline; a minimum volume for "multiple of the average" alerts; bulk acknowledgement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { addDays, todayIso } from '../platform/calendar.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
let officer: TestUser;
const today = todayIso();
before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  admin = await t.user([{ role: 'admin' }]);
  officer = await t.user([{ role: 'data_officer', provinces: ['IR-11'] }]);
});
after(async () => {
  await t.app.close();
  await db.close();
});

const rec = (fmp: string, date: string, men: number) => ({ id: randomUUID(), fmp, date, direction: 'in', nationality: 'AFG', men, women: 0, boys: 0, girls: 0, deported: 'no' });
const submit = (records: unknown[]) => t.as(admin)('POST', '/api/v1/flows/fmr', { records });

test(`[${TEST_ENGINE}] consecutive alert days of an FMP are one episode; the list follows the period and filters and agrees with the headline; bulk acknowledge with a comment`, async () => {
  // milak (IR-11): above 10 on days -9, -8, -7 (one episode) and -3 (another); dogharoun (IR-09): day -8.
  await t.as(admin)('PATCH', '/api/v1/flows/fmps/milak/thresholds', { capacity_per_day: null, alert_daily_above: 10, alert_multiple: null, alert_window_days: 7 });
  await t.as(admin)('PATCH', '/api/v1/flows/fmps/dogharoun/thresholds', { capacity_per_day: null, alert_daily_above: 10, alert_multiple: null, alert_window_days: 7 });
  await submit([rec('milak', addDays(today, -9), 12), rec('milak', addDays(today, -8), 30), rec('milak', addDays(today, -7), 15), rec('milak', addDays(today, -5), 3), rec('milak', addDays(today, -3), 11), rec('dogharoun', addDays(today, -8), 20)]);
  const from = addDays(today, -20);
  const episodes = async (q: string, u = admin) => (await t.as(u)('GET', `/api/v1/flows/alerts/episodes?from=${from}&to=${today}&${q}`)).json();
  const headline = async (q: string) => (await t.as(admin)('GET', `/api/v1/flows/summary?from=${from}&to=${today}&${q}`)).json().open_alerts;

  const m = await episodes('fmp=milak');
  assert.deepEqual(
    m.episodes.map((e: any) => [e.first_day, e.last_day, e.days, e.peak, e.open]),
    [
      [addDays(today, -3), addDays(today, -3), 1, 11, 1],
      [addDays(today, -9), addDays(today, -7), 3, 30, 3],
    ],
  );
  assert.equal(m.episodes[1].peak_day, addDays(today, -8));
  assert.deepEqual({ alerts: m.open_alerts, episodes: m.open_episodes }, { alerts: 4, episodes: 2 });
  assert.equal(await headline('fmp=milak'), m.open_alerts, 'the headline and the list agree');
  const all = await episodes('');
  assert.equal(all.open_alerts, 5);
  assert.equal(await headline(''), all.open_alerts);
  assert.equal((await episodes('province=IR-09')).episodes.length, 1, 'province filter');
  // The period: only days -4 … today.
  const recent = (await t.as(admin)('GET', `/api/v1/flows/alerts/episodes?from=${addDays(today, -4)}&to=${today}`)).json();
  assert.deepEqual(recent.episodes.map((e: any) => e.fmp), ['milak']);
  // Scope: the IR-11 officer sees milak only.
  assert.ok((await episodes('', officer)).episodes.every((e: any) => e.fmp === 'milak'));

  // Bulk acknowledgement: the officer cannot acknowledge dogharoun's alert (outside IR-11) — nothing changes.
  const dog = all.episodes.find((e: any) => e.fmp === 'dogharoun');
  const episode = m.episodes[1];
  const refused = await t.as(officer)('POST', '/api/v1/flows/alerts/acknowledge', { ids: [...episode.ids, ...dog.ids], comment: 'x' });
  assert.equal(refused.statusCode, 404);
  assert.equal((await episodes('fmp=milak')).open_alerts, 4);
  const ok = await t.as(officer)('POST', '/api/v1/flows/alerts/acknowledge', { ids: episode.ids, comment: 'Convoy of returnees, expected' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().acknowledged, 3);
  const after = await episodes('fmp=milak');
  assert.equal(after.open_alerts, 1);
  assert.equal(after.episodes[1].open, 0);
  assert.equal(after.episodes[1].comment, 'Convoy of returnees, expected');
  assert.equal(await headline('fmp=milak'), 1);
  assert.deepEqual((await episodes('fmp=milak&open_only=true')).episodes.map((e: any) => e.first_day), [addDays(today, -3)]);
  assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'flows.alert.acknowledge' AND details->>'comment' = 'Convoy of returnees, expected'`));
});

test(`[${TEST_ENGINE}] a "multiple of the average" alert needs the FMP's minimum volume (20 by default)`, async () => {
  await t.as(admin)('PATCH', '/api/v1/flows/fmps/mehran/thresholds', { capacity_per_day: null, alert_daily_above: null, alert_multiple: 3, alert_window_days: 7 });
  // An average of about 2.7 a day, then 10 movements: more than 3 times the average, but trivial.
  const earlier = Array.from({ length: 7 }, (_, i) => rec('mehran', addDays(today, -3 - i), i < 5 ? 3 : 2));
  await submit([...earlier, rec('mehran', addDays(today, -2), 10)]);
  const list = async () => (await t.as(admin)('GET', `/api/v1/flows/alerts/episodes?from=${addDays(today, -30)}&to=${today}&fmp=mehran`)).json().episodes;
  assert.deepEqual(await list(), [], 'below the minimum volume: no alert');
  const set = await t.as(admin)('PATCH', '/api/v1/flows/fmps/mehran/thresholds', { capacity_per_day: null, alert_daily_above: null, alert_multiple: 3, alert_window_days: 7, alert_min_movements: 5 });
  assert.equal(set.json().alert_min_movements, 5);
  const raised = await list();
  assert.equal(raised.length, 1);
  assert.deepEqual(raised[0].kinds, ['above_average']);
});
