// After-action report, improvement plan across exercises, scenario from flow data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { planStats, canMove } from './report-routes.ts';
import { scaleDays } from './scenario.ts';

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

test('plan figures and status moves (pure)', () => {
  const s = planStats(
    [
      { status: 'verified', due_on: '2026-01-01' },
      { status: 'open', due_on: '2026-01-01' },
      { status: 'completed', due_on: '2027-01-01' },
      { status: 'cancelled', due_on: '2026-01-01' },
    ],
    '2026-06-01',
  );
  assert.deepEqual(s, { total: 4, cancelled: 1, verified: 1, open: 2, overdue: 1, closure_rate: 1 / 3 });
  assert.equal(canMove('open', 'verified'), false); // closure needs completion first
  assert.equal(canMove('completed', 'verified'), true);
  assert.equal(canMove('verified', 'open'), false);
  const d = scaleDays([{ day: '2025-01-01', n: 100 }, { day: '2025-01-02', n: 300 }], 2.5, { alert_daily_above: 500, capacity_per_day: 700 });
  assert.deepEqual(d.map((x) => [x.scaled, x.above_threshold, x.above_capacity]), [[250, false, false], [750, true, true]]);
});

test('report: ratings roll up into the draft, validation at a meeting, improvement items tracked across exercises, PDF in Persian', async () => {
  const planner = await t.user([{ role: 'exercise_planner', provinces: null }]);
  const api = t.as(planner);
  const fmp = (await db.one('SELECT code, province_code FROM fmps ORDER BY code LIMIT 1'))!;
  await db.query('UPDATE fmps SET alert_daily_above = 500, capacity_per_day = 700 WHERE code = $1', [fmp.code]);
  for (const [day, n] of [['2025-01-03', 100], ['2025-01-04', 300]] as const) {
    await db.query(
      `INSERT INTO fmr_records (id, fmp_code, province_code, observed_on, direction, nationality, deported, status, men, women, boys, girls)
       VALUES (gen_random_uuid(), $1, $2, $3, 'in', 'AFG', 'no', 'approved', $4, 0, 0, 0)`,
      [fmp.code, fmp.province_code, day, n],
    );
  }
  assert.equal((await api('POST', '/api/v1/exercises', { code: 'AAR-1', type: 'functional', title: 'هجوم ورودی', startex: '2026-03-21 09:00', plan_title: 'طرح اضطراری دوغارون', plan_version: '2.1' })).statusCode, 201);
  await api('POST', '/api/v1/exercises/AAR-1/teams', { code: 'bafia', name: 'اتباع', agency: 'bafia' });
  await api('POST', '/api/v1/exercises/AAR-1/objectives', { code: 'O1', text: 'ثبت ورودی‌ها', capability: 'Registration' });
  await api('POST', '/api/v1/exercises/AAR-1/targets', { code: 'T1', objective: 'O1', description: 'Register 500 a day', time_limit_minutes: 60, tasks: [{ code: 'K1', description: 'Open the desks' }] });
  const ev = await t.user([]);
  const evName = (await db.one('SELECT username FROM users WHERE id = $1', [ev.id])).username;
  await api('POST', '/api/v1/exercises/AAR-1/participants', { role: 'evaluator', username: evName });
  assert.equal((await t.as(ev)('POST', '/api/v1/exercises/AAR-1/ratings', { target: 'T1', rating: 'M', observations: 'صف طولانی؛ دو میز کم بود' })).statusCode, 200);
  await t.as(ev)('POST', '/api/v1/exercises/AAR-1/hotwash', { kind: 'strength', capability: 'Registration', text: 'Good cooperation with IRCS' });

  // Scenario from flow data: two days replayed ×2.5; the second crosses threshold and capacity.
  let r = await api('POST', '/api/v1/exercises/AAR-1/scenario/flows', { fmp: fmp.code, month: '2025-01', factor: 2.5, teams: ['bafia'] });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().added, 2);
  const msel = (await api('GET', '/api/v1/exercises/AAR-1/msel')).json().injects;
  assert.deepEqual(msel.map((i: any) => [i.number, i.offset]), [['F3', 'D+2 H+01:00'], ['F4', 'D+3 H+01:00']]);
  assert.match(msel[1].content, /750 people today \(above the alert threshold, above capacity\)/);
  assert.equal((await api('POST', '/api/v1/exercises/AAR-1/scenario/flows', { fmp: fmp.code, month: '2024-02', factor: 2, teams: ['bafia'] })).statusCode, 400);

  r = await api('POST', '/api/v1/exercises/AAR-1/report/draft');
  assert.equal(r.statusCode, 200, r.body);
  const draft = r.json().draft;
  assert.equal(draft.improvements[0].capability, 'Registration');
  assert.equal(draft.improvements[0].rating, 'M');
  assert.match(draft.improvements[0].items[0].text, /صف طولانی/);
  assert.equal(draft.strengths[0].text, 'Good cooperation with IRCS');
  assert.equal(draft.fmp.alert_daily_above, 500);

  // Improvement items: added, moved by the owner agency, verified by the planner; overdue shown.
  r = await api('POST', '/api/v1/exercises/AAR-1/improvements', { capability: 'Registration', title: 'Two more registration desks', poete: 'equipment', owner_agency: 'bafia', due_on: '2026-05-01' });
  assert.equal(r.statusCode, 201, r.body);
  const item = r.json().id;
  await api('POST', '/api/v1/exercises/AAR-1/improvements', { capability: 'Registration', title: 'Train surge staff', poete: 'training', owner_agency: 'moh', due_on: '2020-01-01' });
  assert.equal((await api('PATCH', `/api/v1/exercise-improvements/${item}`, { status: 'verified' })).statusCode, 409);
  const bafia = (await db.one("SELECT id FROM agencies WHERE code = 'bafia'")).id;
  const owner = await t.user([{ role: 'viewer', agencyIds: [Number(bafia)], provinces: ['IR-01'] }], { agencyId: Number(bafia) });
  await db.query("UPDATE roles SET permissions = permissions || '{exercises.read}' WHERE code = 'viewer'");
  assert.equal((await t.as(owner)('PATCH', `/api/v1/exercise-improvements/${item}`, { status: 'completed', evidence: 'Desks installed' })).statusCode, 200);
  assert.equal((await t.as(owner)('PATCH', `/api/v1/exercise-improvements/${item}`, { status: 'verified' })).statusCode, 403);
  assert.equal((await api('PATCH', `/api/v1/exercise-improvements/${item}`, { status: 'verified' })).statusCode, 200);
  const plan = (await api('GET', '/api/v1/exercise-improvements')).json();
  assert.equal(plan.mark, 'EXERCISE');
  assert.equal(plan.stats.total, 2);
  assert.equal(plan.stats.verified, 1);
  assert.equal(plan.stats.closure_rate, 0.5);
  assert.equal(plan.stats.overdue, 1);
  assert.equal(plan.items.find((i: any) => i.owner_agency === 'moh').overdue, true);
  const ownerView = (await t.as(owner)('GET', '/api/v1/exercise-improvements')).json();
  // The national exercise is outside the owner's province: they see only their agency's item.
  assert.deepEqual(ownerView.items.map((i: any) => i.owner_agency), ['bafia']);
  assert.equal((await t.as(await t.user([]))('GET', '/api/v1/exercise-improvements')).statusCode, 403);

  // Validation at the after-action meeting; then the draft no longer changes.
  assert.equal((await api('POST', '/api/v1/exercises/AAR-1/report/validate', { held_on: '2026-04-20', notes: 'Validated with all agencies' })).statusCode, 200);
  const rep = (await api('GET', '/api/v1/exercises/AAR-1/report')).json();
  assert.equal(rep.status, 'validated');
  assert.equal(rep.meeting_on, '2026-04-20');
  assert.equal(rep.draft.improvement_items.length, 2);
  assert.equal((await api('POST', '/api/v1/exercises/AAR-1/report/draft')).statusCode, 409);

  const html = await api('GET', '/api/v1/exercises/AAR-1/report.html?lang=fa');
  assert.equal(html.statusCode, 200);
  assert.match(html.body, /dir="rtl"/);
  assert.match(html.body, /تمرین — شبیه‌سازی — رویداد واقعی نیست/);
  assert.match(html.body, /انجام شد با چالش‌های جدی/);
  assert.match(html.body, /۱۴۰۵\/۰۱\/۰۱/); // STARTEX in Jalali with Persian digits
  assert.doesNotMatch(html.body, /2026-03-21/);
  const en = await api('GET', '/api/v1/exercises/AAR-1/report.html?lang=en');
  assert.match(en.body, /EXERCISE — SIMULATION/);
  assert.match(en.body, /Performed with major challenges/);
  const pdf = await api('GET', '/api/v1/exercises/AAR-1/report.pdf?lang=fa');
  assert.equal(pdf.statusCode, 200, pdf.body.slice(0, 300));
  assert.equal(pdf.rawPayload.subarray(0, 4).toString(), '%PDF');
});

test('province profile section: exercises held in the province and open improvement items', async () => {
  const { loadProfileSections } = await import('../provinces/sections.ts');
  const planner = await t.user([{ role: 'exercise_planner', provinces: ['IR-09'] }]);
  const api = t.as(planner);
  assert.equal((await api('POST', '/api/v1/exercises', { code: 'PROV-1', type: 'drill', title: 'مانور دوغارون', startex: '1405/01/10 10:00', province_code: 'IR-09' })).statusCode, 201);
  // A planner of one province cannot create a national exercise or one elsewhere.
  assert.equal((await api('POST', '/api/v1/exercises', { code: 'PROV-2', type: 'drill', title: 'x', startex: '1405/01/10 10:00' })).statusCode, 403);
  assert.equal((await api('POST', '/api/v1/exercises', { code: 'PROV-3', type: 'drill', title: 'x', startex: '1405/01/10 10:00', province_code: 'IR-01' })).statusCode, 403);
  assert.equal((await api('POST', '/api/v1/exercises/PROV-1/improvements', { capability: 'Registration', title: 'Desks', poete: 'equipment', owner_agency: 'bafia', due_on: '2020-01-01' })).statusCode, 201);
  const load = async (principal: any) => (await loadProfileSections(db, { province: 'IR-09', from: null, to: null, principal })).find((s) => s.key === 'exercises')!;
  const s = await load(null);
  assert.equal((s.data as any).mark, 'EXERCISE');
  assert.deepEqual((s.data as any).exercises.map((e: any) => e.code), ['PROV-1']);
  assert.equal((s.data as any).open_items, 1);
  assert.equal((s.data as any).overdue_items, 1);
  const html = s.section.render!(s.data!, 'fa');
  assert.match(html, /۱۴۰۵\/۰۱\/۱۰/);
  assert.match(html, /عقب‌افتاده: ۱/);
  const stranger = (await db.one('SELECT id FROM users LIMIT 1'))!;
  assert.equal((await load({ id: stranger.id, username: 'x', displayName: 'x', locale: 'en', agencyId: null, assignments: [] })).data, null);
});
