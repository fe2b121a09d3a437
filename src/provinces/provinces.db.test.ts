import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, testApp, TEST_ENGINE } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { todayIso, addDays } from '../platform/calendar.ts';
import { importFlows } from '../flows/import.ts';
import { flowsCommand } from '../flows/cli.ts';
import { generateDemoRecords } from '../flows/demo.ts';
import { fmrHeader, fmrRecordToRow } from '../flows/format.ts';
import { headlineFigures } from '../flows/summary.ts';
import { importParticipants } from '../capacity/import.ts';
import { provincesCommand, mobilityImportCommand } from './cli.ts';
import { registerProfileSection } from './sections.ts';
import { nationalComparison } from './profile.ts';
import { profileHtml } from './report.ts';

let db: Database;
let dir: string;
let t: Awaited<ReturnType<typeof testApp>>;
const today = todayIso();
const withDb = (async (_c: unknown, _n: string, fn: (d: Database) => Promise<unknown>) => fn(db)) as any;

/** Runs a command and returns what it printed (stdout) as JSON. */
async function json(cmd: (args: string[], config: any, w: any, out?: any) => Promise<number>, args: string[]) {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    const code = await cmd(args, {} as any, withDb, { log: (s: string) => lines.push(s), error: (s: string) => lines.push('E ' + s) });
    assert.equal(code, 0, lines.join('\n'));
  } finally {
    console.log = orig;
  }
  return JSON.parse(lines.join('\n'));
}

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  dir = mkdtempSync(join(tmpdir(), 'marz-provinces-'));
  // Flow records over the last 90 days at the demo FMPs (two of them in Sistan and Baluchestan, IR-11).
  const header = fmrHeader('all');
  const lines = [header.join(',')];
  for (const r of generateDemoRecords({ seed: 3, records: 4000, endDate: today, days: 90 })) {
    const row = fmrRecordToRow(r);
    lines.push(header.map((h) => row[h]).join(','));
  }
  writeFileSync(join(dir, 'flows.csv'), lines.join('\n') + '\n');
  const r = await importFlows(db, { path: join(dir, 'flows.csv'), actor: cliActor('test'), principal: null });
  assert.equal(r.ok, true, JSON.stringify(r.problems.slice(0, 3)));
});
after(async () => {
  await t.app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

test(`[${TEST_ENGINE}] the profile's flows section equals \`marz flows summary --province\` for the same period, and the default period too`, async () => {
  const from = addDays(today, -59), to = addDays(today, -3);
  for (const province of ['IR-11', 'IR-09']) {
    const summary = await json(flowsCommand, ['summary', '--province', province, '--from', from, '--to', to, '--json']);
    const profile = await json(provincesCommand, ['profile', province, '--from', from, '--to', to, '--json']);
    assert.ok(summary.individuals > 0, 'the period has movements');
    assert.deepEqual(profile.flows, summary);
    assert.deepEqual(profile.period, { from, to });
  }
  const summary = await json(flowsCommand, ['summary', '--province', 'IR-11', '--json']);
  const profile = await json(provincesCommand, ['profile', 'ir-11', '--json']);
  assert.deepEqual(profile.flows, summary);
  assert.ok(['milak', 'mirjaveh'].every((c) => profile.fmps.some((f: any) => f.code === c)));
  // A province without FMPs has zero movements, not an error.
  const tehran = await json(provincesCommand, ['profile', 'IR-23', '--json']);
  assert.equal(tehran.flows.individuals, 0);
});

test(`[${TEST_ENGINE}] an attendance sheet's participants are counted exactly on the province profiles (by sex and agency)`, async () => {
  const sheet = join(dir, 'sheet.csv');
  writeFileSync(
    sheet,
    [
      'name,sex,agency,province,position,pre_score,post_score,sessions_attended',
      'Ali Rezaei,male,moi,IR-11,Expert,40,80,3',
      'Zahra Karimi,female,border-guard,IR-11,Officer,50,70,3',
      'Maryam Nouri,female,moi,IR-11,Expert,,,2',
      'Reza Ahmadi,male,ircs,IR-09,Volunteer,,,1',
    ].join('\n'),
  );
  const r = await importParticipants(db, { path: sheet, training: 'PROV-1', actor: cliActor('test'), principal: null });
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  // The same person in a second training counts once among officials trained.
  const sheet2 = join(dir, 'sheet2.csv');
  writeFileSync(sheet2, ['name,sex,agency,province,position,pre_score,post_score,sessions_attended', 'Ali Rezaei,male,moi,IR-11,,,,', 'ALI REZAEI,male,moi,IR-11,,,,'].join('\n'));
  const r2 = await importParticipants(db, { path: sheet2, training: 'PROV-2', actor: cliActor('test'), principal: null });
  assert.equal(r2.ok, false, 'a name twice in one sheet is refused');
  writeFileSync(sheet2, ['name,sex,agency,province,position,pre_score,post_score,sessions_attended', 'ALI  REZAEI,male,moi,IR-11,,,,'].join('\n'));
  assert.equal((await importParticipants(db, { path: sheet2, training: 'PROV-2', actor: cliActor('test'), principal: null })).ok, true);

  const p11 = await json(provincesCommand, ['profile', 'IR-11', '--json']);
  assert.equal(p11.trainings.participants, 3);
  assert.deepEqual(p11.trainings.participants_by_sex, { male: 1, female: 2 });
  assert.equal(p11.trainings.participations, 4);
  assert.deepEqual(Object.fromEntries(p11.trainings.by_agency.map((a: any) => [a.agency_code, a.participants])), { moi: 2, 'border-guard': 1 });
  const p09 = await json(provincesCommand, ['profile', 'IR-09', '--json']);
  assert.deepEqual([p09.trainings.participants, p09.trainings.participants_by_sex], [1, { male: 1, female: 0 }]);
  // A period before the trainings counts nobody.
  const old = await json(provincesCommand, ['profile', 'IR-11', '--from', '2020-01-01', '--to', '2020-12-31', '--json']);
  assert.equal(old.trainings.participants, 0);

  const national = await nationalComparison(db, { principal: null });
  const row = national.provinces.find((x) => x.code === 'IR-11')!;
  assert.deepEqual([row.participants, row.participants_female], [3, 2]);
  const direct = await headlineFigures(db, { from: national.period.from, to: national.period.to, provinces: ['IR-11'], scope: null });
  assert.equal(row.individuals, direct.individuals);
  assert.equal(national.provinces.reduce((s, x) => s + (x.individuals ?? 0), 0), (await headlineFigures(db, { from: national.period.from, to: national.period.to, scope: null })).individuals);
});

test(`[${TEST_ENGINE}] needs by round with progress, mobility import and OD view, registered sections, scope and the Persian page`, async () => {
  const admin = await t.user([{ role: 'admin' }]);
  const A = t.as(admin);
  const n1 = await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 1, theme: 'reception_capacity', title: 'Reception centre at Mirjaveh', priority: 'high', evidence: 'FMP data', responsible_agency: 'bafia', governance_links: [{ framework: 'gcm', code: '11' }] });
  assert.equal(n1.statusCode, 201, n1.body);
  const n1b = (await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 1, theme: 'data', title: 'Daily data sharing', priority: 'medium' })).json();
  const bad = await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 1, theme: 'data', title: 'x', priority: 'medium', governance_links: [{ framework: 'gcm', code: '24' }] });
  assert.equal(bad.statusCode, 400);
  assert.equal((await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 1, theme: 'nonsense', title: 'x', priority: 'medium' })).statusCode, 400);
  const noItem = await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 1, theme: 'data', title: 'x', priority: 'medium', exercise_item_ids: [999999] });
  assert.deepEqual([noItem.statusCode, noItem.json().error.code], [400, 'provinces_unknown_exercise_item']);
  const noNode = await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 1, theme: 'data', title: 'x', priority: 'medium', governance_links: [{ framework: 'mgi', code: 'NOPE' }] });
  assert.deepEqual([noNode.statusCode, noNode.json().error.code], [400, 'provinces_unknown_governance_node']);
  const gap = await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 1, theme: 'data', title: 'Publish migration data', priority: 'low', governance_links: [{ framework: 'mgi', code: 'MGI_2_5' }], status: 'dropped' });
  assert.equal(gap.statusCode, 201, gap.body);
  await A('PATCH', `/api/v1/provinces/needs/${n1b.id}`, { status: 'met' });
  const n2 = await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 2, theme: 'reception_capacity', title: 'Reception centre at Mirjaveh', priority: 'high', status: 'in_progress', previous_need_id: n1.json().id });
  assert.equal(n2.statusCode, 201, n2.body);
  await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 2, theme: 'health_at_poe', title: 'Clinic at Milak', priority: 'low' });
  const wrongPrev = await A('POST', '/api/v1/provinces/needs', { province_code: 'IR-09', round_no: 2, theme: 'data', title: 'x', priority: 'low', previous_need_id: n1.json().id });
  assert.equal(wrongPrev.statusCode, 400);

  const mob = join(dir, 'mobility.csv');
  writeFileSync(mob, ['round,origin_province,origin_county,destination_province,destination_county,kind,individuals,households', '1,IR-11,Zahedan,IR-23,,movement,1200,300', '1,IR-09,,IR-11,Zahedan,movement,400,', '1,IR-23,,IR-11,,return,150,40', '1,IR-11,,IR-09,,movement,"1,000",'].join('\n'));
  const imp = await json(mobilityImportCommand, ['mobility', mob, '--json']);
  assert.deepEqual([imp.ok, imp.added], [true, 4]);
  const badMob = join(dir, 'bad-mobility.csv');
  writeFileSync(badMob, ['round,origin_province,destination_province,individuals', '1,IR-11,IR-11,5', '1,IR-77,IR-09,-3'].join('\n'));
  const lines: string[] = [];
  assert.equal(await mobilityImportCommand(['mobility', badMob], {} as any, withDb, { log: (s: string) => lines.push(s), error: (s: string) => lines.push(s) }), 1);
  assert.match(lines.join('\n'), /row 2 \[destination_province\].*\n.*row 3 \[origin_province\]/);

  registerProfileSection({ key: 'test_section', title: { en: 'Test', fa: 'آزمون' }, load: async (_q, ctx) => ({ province: ctx.province, from: ctx.from }) });
  registerProfileSection({ key: 'broken_section', load: async () => { throw new Error('boom'); } });

  const p = (await A('GET', '/api/v1/provinces/IR-11/profile')).json();
  // Through the API too: the profile's flows are the flows summary of the province and period.
  const period = `from=${addDays(today, -40)}&to=${addDays(today, -2)}`;
  const viaApi = (await A('GET', `/api/v1/provinces/IR-11/profile?${period}`)).json();
  const summaryApi = (await A('GET', `/api/v1/flows/summary?province=IR-11&${period}`)).json();
  assert.ok(summaryApi.individuals > 0);
  assert.deepEqual(viaApi.flows, summaryApi);
  assert.equal(p.needs.round, 2);
  assert.deepEqual([p.needs.total, p.needs.open], [2, 2]);
  assert.deepEqual(
    { carried: p.needs.progress.carried_over, new: p.needs.progress.new, closed: p.needs.progress.closed_in_previous, changes: p.needs.progress.status_changes.map((c: any) => `${c.from}->${c.to}`) },
    { carried: 1, new: 1, closed: 1, changes: ['identified->in_progress'] },
  );
  assert.deepEqual([p.mobility.round, p.mobility.arrivals, p.mobility.departures, p.mobility.returns, p.mobility.net], [1, 550, 2200, 150, -1650]);
  assert.deepEqual(p.mobility.counties.find((c: any) => c.county === 'Zahedan'), { county: 'Zahedan', arrivals: 400, departures: 1200 });
  assert.deepEqual(p.sections.test_section, { province: 'IR-11', from: addDays(today, -29) });
  assert.deepEqual(p.sections.broken_section, { error: 'boom' });

  const od = (await A('GET', '/api/v1/provinces/mobility/od')).json();
  assert.equal(od.matrix['IR-11']['IR-23'], 1200);
  assert.equal(od.matrix['IR-23']['IR-11'], 150);
  assert.equal(od.totals.reduce((s: number, x: any) => s + x.arrivals, 0), 2750);
  assert.equal(od.totals.reduce((s: number, x: any) => s + x.net, 0), 0);

  // Scope: a reader for Tehran sees Tehran, not Sistan and Baluchestan; the comparison lists only Tehran.
  const tehran = await t.user([{ role: 'viewer', provinces: ['IR-23'] }]);
  assert.equal((await t.as(tehran)('GET', '/api/v1/provinces/IR-11/profile')).statusCode, 403);
  assert.equal((await t.as(tehran)('GET', '/api/v1/provinces/IR-23/profile')).statusCode, 200);
  assert.deepEqual((await t.as(tehran)('GET', '/api/v1/provinces/comparison')).json().provinces.map((x: any) => x.code), ['IR-23']);
  assert.equal((await t.as(tehran)('GET', '/api/v1/provinces/mobility/od')).statusCode, 403);
  assert.equal((await t.as(tehran)('POST', '/api/v1/provinces/needs', { province_code: 'IR-23', round_no: 1, theme: 'data', title: 'x', priority: 'low' })).statusCode, 403);
  const noFlows = await t.user([{ role: 'capacity_officer', provinces: ['IR-11'] }]);
  const pNoFlows = (await t.as(noFlows)('GET', '/api/v1/provinces/IR-11/profile')).json();
  assert.equal(pNoFlows.flows, null, 'flow figures need flows.read');
  assert.equal(pNoFlows.trainings.participants, 3);

  // The Persian page: right to left, Persian digits, Jalali dates, no ISO dates.
  const html = (await A('GET', '/api/v1/provinces/IR-11/profile.html?lang=fa')).body;
  assert.match(html, /<html lang="fa" dir="rtl">/);
  assert.match(html, /سیستان و بلوچستان/);
  assert.match(html, /کارکنان آموزش‌دیده/);
  assert.match(html, /<div class="v">۳<\/div><div class="l">کارکنان آموزش‌دیده/);
  assert.doesNotMatch(html.replace(/<style>[\s\S]*?<\/style>/, ''), /\d{4}-\d{2}-\d{2}/);
  const en = profileHtml(p, 'en');
  assert.match(en, /Officials trained/);
  assert.match(en, /Reception centre at Mirjaveh/);
  if (existsSync(process.env.MARZ_CHROMIUM ?? '/usr/bin/chromium')) {
    const pdf = await A('GET', '/api/v1/provinces/IR-11/profile.pdf?lang=fa');
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
  }
});

test(`[${TEST_ENGINE}] declared access: needs and mobility figures by province, rounds and the OD view nationwide; a change keeps the fields it does not name`, async () => {
  const admin = await t.user([{ role: 'admin' }]);
  const A = t.as(admin);
  const sistan = await t.user([{ role: 'capacity_officer', provinces: ['IR-11'] }]);
  const khorasan = await t.user([{ role: 'capacity_officer', provinces: ['IR-09'] }]);
  const S = t.as(sistan);
  const K = t.as(khorasan);
  const need = (await S('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 3, theme: 'data', title: 'Shared registry', priority: 'high', evidence: 'Two visits', responsible_agency: 'bafia', governance_links: [{ framework: 'gcm', code: '1' }] })).json();
  assert.ok(need.id);
  assert.equal((await K('POST', '/api/v1/provinces/needs', { province_code: 'IR-11', round_no: 3, theme: 'data', title: 'x', priority: 'low' })).statusCode, 403);
  assert.equal((await K('PATCH', `/api/v1/provinces/needs/${need.id}`, { status: 'met' })).statusCode, 403);
  assert.equal((await K('GET', '/api/v1/provinces/needs?province=IR-11')).statusCode, 403);
  assert.ok((await K('GET', '/api/v1/provinces/needs')).json().every((n: any) => n.province_code === 'IR-09'));
  const changed = await S('PATCH', `/api/v1/provinces/needs/${need.id}`, { status: 'planned' });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.deepEqual([changed.json().status, changed.json().evidence, changed.json().responsible_agency, changed.json().governance_links], ['planned', 'Two visits', 'bafia', [{ framework: 'gcm', code: '1' }]]);
  assert.equal((await A('PATCH', '/api/v1/provinces/needs/99999999', { status: 'met' })).statusCode, 404);

  // A figure touches both its provinces.
  assert.equal((await S('POST', '/api/v1/provinces/mobility/movements', { round_no: 3, origin_province: 'IR-11', destination_province: 'IR-09', individuals: 5 })).statusCode, 403);
  const both = await t.user([{ role: 'capacity_officer', provinces: ['IR-09', 'IR-11'] }]);
  const m = (await t.as(both)('POST', '/api/v1/provinces/mobility/movements', { round_no: 3, origin_province: 'IR-11', destination_province: 'IR-09', individuals: 5 })).json();
  assert.equal((await S('DELETE', `/api/v1/provinces/mobility/movements/${m.id}`)).statusCode, 403);
  assert.equal((await t.as(both)('DELETE', `/api/v1/provinces/mobility/movements/${m.id}`)).statusCode, 200);
  assert.equal((await S('PUT', '/api/v1/provinces/mobility/rounds', { round_no: 3, label: 'x' })).statusCode, 403);
  assert.equal((await A('PUT', '/api/v1/provinces/mobility/rounds', { round_no: 3, label: 'Third' })).statusCode, 200);
  assert.equal((await S('GET', '/api/v1/provinces/IR-09/profile')).statusCode, 403);
  assert.equal((await S('GET', '/api/v1/provinces/IR-99/profile')).statusCode, 404);
  const refusals = Number((await db.one("SELECT count(*) AS n FROM audit_log WHERE action = 'access.denied' AND actor_id = $1", [khorasan.id]))!.n);
  assert.ok(refusals >= 2, `refusals on existing objects and foreign bodies are audited (${refusals})`);
});
