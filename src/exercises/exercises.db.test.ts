import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { testDatabase, testApp } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { loadConfig } from '../platform/config.ts';
import { exercisesCommand } from './cli.ts';
import { deliverDue } from './live.ts';
import ExcelJS from 'exceljs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fixture = (n: string) => fileURLToPath(new URL(`./fixtures/${n}`, import.meta.url));
let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
const config = loadConfig({});

function capture() {
  const out = { logs: [] as string[], errors: [] as string[] };
  return { out, io: { log: (s: string) => out.logs.push(s), error: (s: string) => out.errors.push(s) } };
}
const cli = async (args: string[]) => {
  const c = capture();
  const code = await exercisesCommand(args, config, (_c, _n, fn) => fn(db), c.io);
  return { code, ...c.out };
};

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
});
after(async () => {
  await t.app.close();
  await db.close();
});

test('CLI: create, import a Persian MSEL with relative and Jalali times, print it with scheduled_at, shift keeps gaps', async () => {
  let r = await cli(['create', 'DOG-TTX', '--type', 'tabletop', '--title', 'ورود گسترده در دوغارون', '--startex', '۱۴۰۵/۰۱/۰۱ ۰۹:۰۰',
    '--team', 'bafia:bafia:اتباع', '--team', 'moh:moh:بهداشت', '--objective', 'O1:Mass arrival coordination:Activate the contingency plan', '--objective', 'O2:Public health at PoE:Refer sick travellers']);
  assert.equal(r.code, 0, r.errors.join('\n'));
  assert.match(r.logs[0]!, /EXERCISE/);
  assert.match(r.logs[0]!, /2026-03-21T05:30:00.000Z/);

  r = await cli(['import-msel', fixture('msel-fa.csv'), '--exercise', 'DOG-TTX']);
  assert.equal(r.code, 0, r.errors.join('\n'));

  r = await cli(['msel', 'DOG-TTX', '--json']);
  assert.equal(r.code, 0);
  const injects = JSON.parse(r.logs.join('\n'));
  assert.ok(Array.isArray(injects) && injects.every((i: any) => i.mark === 'EXERCISE' && i.exercise === 'DOG-TTX'));
  const at = Object.fromEntries(injects.map((i: any) => [i.number, i.scheduled_at]));
  assert.deepEqual(at, {
    '1': '2026-03-21T06:00:00.000Z', // D+0 H+00:30 after 09:00 Tehran
    '2': '2026-03-21T06:30:00.000Z', // Persian digits
    '3': '2026-03-21T08:30:00.000Z', // 1405/01/01 12:00 Tehran
    '4': '2026-03-22T08:30:00.000Z', // D+1 H+03:00
  });
  assert.deepEqual(injects.find((i: any) => i.number === '2').to, ['bafia', 'moh']);
  assert.equal(injects.find((i: any) => i.number === '3').channel, 'phone');

  r = await cli(['shift', 'DOG-TTX', '--minutes', '45', '--from', '3']);
  assert.equal(r.code, 0);
  const shifted = JSON.parse((await cli(['msel', 'DOG-TTX', '--json'])).logs.join('\n'));
  const s = Object.fromEntries(shifted.map((i: any) => [i.number, Date.parse(i.scheduled_at)]));
  assert.equal(s['2'], Date.parse('2026-03-21T06:30:00.000Z')); // before the shift point: unmoved
  assert.equal(s['3'], Date.parse('2026-03-21T09:15:00.000Z'));
  assert.equal(s['4']! - s['3']!, Date.parse(at['4']) - Date.parse(at['3'])); // gap kept
});

test('CLI: bad rows are reported with row, column, value and why, and nothing is imported', async () => {
  await cli(['create', 'BAD-TTX', '--type', 'TTX', '--title', 'Bad', '--startex', '2026-03-21 09:00', '--team', 'bafia:bafia', '--objective', 'O1:Coordination:Coordinate']);
  const r = await cli(['import-msel', fixture('msel-bad.csv'), '--exercise', 'BAD-TTX']);
  assert.equal(r.code, 1);
  const text = r.errors.join('\n');
  assert.match(text, /row 3, column time, value "D\+0 H\+0:75"/);
  assert.match(text, /row 4, column time, value "1405\/12\/31 10:00": The date in this time does not exist/);
  assert.match(text, /row 4, column to, value "police"/);
  assert.match(text, /row 4, column channel, value "fax"/);
  assert.match(text, /row 4, column content/);
  const n = await db.one("SELECT count(*) AS n FROM exercise_injects i JOIN exercises e ON e.id = i.exercise_id WHERE e.code = 'BAD-TTX'");
  assert.equal(Number(n.n), 0); // row 2 was good but nothing went in
  assert.equal((await cli(['msel', 'NOPE', '--json'])).code, 1);
  assert.equal((await cli(['create', 'X1', '--type', 'party', '--title', 'x', '--startex', '2026-01-01 10:00'])).code, 2);
});

async function setupLive(code: string) {
  const planner = await t.user([{ role: 'exercise_planner', provinces: null }]);
  const api = t.as(planner);
  let r = await api('POST', '/api/v1/exercises', { code, type: 'tabletop', title: 'رزمایش', startex: new Date(Date.now() + 3600_000).toISOString() });
  assert.equal(r.statusCode, 201, r.body);
  for (const [tc, agency] of [['bafia', 'bafia'], ['moh', 'moh']]) assert.equal((await api('POST', `/api/v1/exercises/${code}/teams`, { code: tc, name: tc, agency })).statusCode, 200);
  r = await api('POST', `/api/v1/exercises/${code}/objectives`, { code: 'O1', text: 'Coordinate', capability: 'Operational coordination' });
  r = await api('POST', `/api/v1/exercises/${code}/targets`, { code: 'T1', objective: 'O1', description: 'EOC activated', threshold: 'within 30 min', time_limit_minutes: 30, tasks: [{ code: 'K1', description: 'Call the EOC' }, { code: 'K2', description: 'Notify MoH' }] });
  assert.equal(r.statusCode, 200, r.body);
  const users: Record<string, any> = {};
  for (const [name, role, team] of [['p1', 'player', 'bafia'], ['p2', 'player', 'moh'], ['ev', 'evaluator', null], ['ctl', 'controller', null], ['obs', 'observer', null]] as const) {
    users[name] = await t.user([]);
    const username = (await db.one('SELECT username FROM users WHERE id = $1', [users[name].id])).username;
    r = await api('POST', `/api/v1/exercises/${code}/participants`, { role, username, team });
    assert.equal(r.statusCode, 200, r.body);
  }
  const inj = (number: string, time: string, to: string[]) => api('POST', `/api/v1/exercises/${code}/injects`, { number, time, to, channel: 'message', subject: `Inject ${number}`, content: `Content ${number}`, expected_action: 'Act' });
  assert.equal((await inj('1', 'D+0 H+00:00', ['bafia'])).statusCode, 200);
  assert.equal((await inj('2', 'D+0 H+00:10', ['moh'])).statusCode, 200);
  assert.equal((await inj('3', 'D+0 H+02:00', ['bafia', 'moh'])).statusCode, 200);
  assert.equal((await inj('4', 'D+0 H+05:00', ['moh'])).statusCode, 200);
  r = await api('POST', `/api/v1/exercises/${code}/injects`, { number: 'C1', time: 'D+0 H+00:00', to: ['moh'], channel: 'phone', subject: 'Backup', content: 'Only if needed', critical_tasks: ['K2'], contingency: true });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal((await api('POST', `/api/v1/exercises/${code}/injects`, { number: 'C2', time: 'D+0 H+00:00', to: ['moh'], channel: 'phone', subject: 'x', content: 'y', critical_tasks: ['K9'] })).statusCode, 400);
  return { planner, api, users };
}

test('live: clock start delivers due injects only to addressees; pause holds the clock but not a manual send; jump; roles', async () => {
  const { api, users } = await setupLive('LIVE-1');
  const as = (n: string) => t.as(users[n]);
  // Players and observers never see the MSEL; a stranger does not even see the exercise.
  assert.equal((await as('p1')('GET', '/api/v1/exercises/LIVE-1/msel')).statusCode, 403);
  assert.equal((await as('obs')('GET', '/api/v1/exercises/LIVE-1/msel')).statusCode, 403);
  assert.equal((await as('ev')('GET', '/api/v1/exercises/LIVE-1/msel')).statusCode, 200);
  const stranger = await t.user([]);
  assert.equal((await t.as(stranger)('GET', '/api/v1/exercises/LIVE-1')).statusCode, 404);
  assert.equal((await as('p1')('POST', '/api/v1/exercises/LIVE-1/clock', { action: 'start' })).statusCode, 403);

  let r = await as('ctl')('POST', '/api/v1/exercises/LIVE-1/clock', { action: 'start' });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().mark, 'EXERCISE');
  // Inject 1 is at STARTEX: delivered at once to bafia only.
  let p1 = (await as('p1')('GET', '/api/v1/exercises/LIVE-1/play')).json();
  let p2 = (await as('p2')('GET', '/api/v1/exercises/LIVE-1/play')).json();
  assert.deepEqual(p1.injects.map((i: any) => i.number), ['1']);
  assert.deepEqual(p2.injects.map((i: any) => i.number), []);
  assert.equal(p1.injects[0].expected_action, undefined); // never the MSEL's fields

  // Pause, then "send now" delivers inject 4 at once despite the pause.
  assert.equal((await as('ctl')('POST', '/api/v1/exercises/LIVE-1/clock', { action: 'pause' })).json().state, 'paused');
  r = await as('ctl')('POST', '/api/v1/exercises/LIVE-1/injects/4/send');
  assert.equal(r.statusCode, 200, r.body);
  p2 = (await as('p2')('GET', '/api/v1/exercises/LIVE-1/play')).json();
  assert.deepEqual(p2.injects.map((i: any) => i.number), ['4']);
  assert.equal((await as('ctl')('POST', '/api/v1/exercises/LIVE-1/injects/4/send')).statusCode, 409);
  // A paused clock delivers nothing on its own even after the jump target passes in wall time.
  const before = (await as('ctl')('GET', '/api/v1/exercises/LIVE-1/control')).json();
  assert.equal(before.clock.state, 'paused');
  // Jump 15 minutes: inject 2 (H+00:10) comes due and is delivered once the clock runs.
  r = await as('ctl')('POST', '/api/v1/exercises/LIVE-1/clock', { action: 'jump', minutes: 15 });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal((await deliverDue(db)).length, 0); // still paused
  await as('ctl')('POST', '/api/v1/exercises/LIVE-1/clock', { action: 'resume' });
  await deliverDue(db);
  p2 = (await as('p2')('GET', '/api/v1/exercises/LIVE-1/play')).json();
  assert.deepEqual(p2.injects.map((i: any) => i.number).sort(), ['2', '4']);
  p1 = (await as('p1')('GET', '/api/v1/exercises/LIVE-1/play')).json();
  assert.deepEqual(p1.injects.map((i: any) => i.number), ['1']);
  const scen = Date.parse(p1.clock.scenario_at) - Date.parse(p1.clock.startex);
  assert.ok(scen >= 15 * 60_000 && scen < 20 * 60_000, `scenario time ${scen}`);

  // A player cannot acknowledge or answer an inject of another team (it does not exist for them).
  assert.equal((await as('p1')('POST', '/api/v1/exercises/LIVE-1/injects/2/ack')).statusCode, 404);
  assert.equal((await as('p1')('POST', '/api/v1/exercises/LIVE-1/injects/1/ack')).statusCode, 200);
  r = await as('p1')('POST', '/api/v1/exercises/LIVE-1/log', { kind: 'decision', text: 'طرح اضطراری فعال شد', inject: '1' });
  assert.equal(r.statusCode, 200, r.body);
  const control = (await as('ctl')('GET', '/api/v1/exercises/LIVE-1/control')).json();
  const st = Object.fromEntries(control.injects.map((i: any) => [i.number, i.status]));
  assert.deepEqual(st, { '1': 'responded', '2': 'delivered', '3': 'planned', '4': 'delivered', C1: 'planned' }); // a contingency inject waits for a manual send
  const msel = (await api('GET', '/api/v1/exercises/LIVE-1/msel')).json().injects;
  assert.deepEqual(msel.find((i: any) => i.number === 'C1').critical_tasks, ['K2']);
  assert.equal(typeof control.injects[0].seconds_to_respond, 'number');
  // Everything is on the timeline for replay.
  const kinds = (await as('ctl')('GET', '/api/v1/exercises/LIVE-1/timeline')).json().events.map((e: any) => e.kind);
  assert.deepEqual([...new Set(kinds)].sort(), ['acknowledged', 'clock', 'delivered', 'log']);
  // The planner shifts the rest of the schedule back by 60 minutes: inject 3 moves, delivered ones do not.
  r = await api('POST', '/api/v1/exercises/LIVE-1/msel/shift', { minutes: 60, from_number: '3' });
  assert.equal(r.json().moved, 1);
});

test('delivery from two processes at once delivers each inject once', async () => {
  const { users } = await setupLive('LIVE-2');
  await db.query("UPDATE exercises SET clock_state = 'running', clock_scenario = startex + interval '3 hours', clock_wall = clock_timestamp() WHERE code = 'LIVE-2'");
  const [a, b] = await Promise.all([deliverDue(db), deliverDue(db)]);
  const numbers = [...a, ...b].filter((d) => d.teams).map((d) => d.number).sort();
  const mine = (await db.many("SELECT i.number FROM exercise_injects i JOIN exercises e ON e.id = i.exercise_id WHERE e.code = 'LIVE-2' AND delivered_at IS NOT NULL ORDER BY 1")).map((r) => r.number);
  assert.deepEqual(mine, ['1', '2', '3']); // C1 (contingency) is never sent by the clock
  assert.equal(numbers.filter((n) => ['1', '2', '3'].includes(n)).length >= 3, true);
  const ev = await db.one("SELECT count(*) AS n FROM exercise_events v JOIN exercises e ON e.id = v.exercise_id WHERE e.code = 'LIVE-2' AND kind = 'delivered'");
  assert.equal(Number(ev.n), 3);
  void users;
});

test('evaluation: ratings, critical tasks, hot wash and feedback roll up', async () => {
  const { users } = await setupLive('EVAL-1');
  const ev = t.as(users.ev);
  const overview = (await ev('GET', '/api/v1/exercises/EVAL-1')).json();
  const tasks = overview.targets[0].tasks;
  assert.equal((await ev('POST', '/api/v1/exercises/EVAL-1/ratings', { target: 'T1', rating: 'S', observations: 'EOC late by 10 min', observed_from: '2026-03-21 09:00', observed_to: '2026-03-21 09:40' })).statusCode, 200);
  assert.equal((await ev('POST', `/api/v1/exercises/EVAL-1/tasks/${tasks[0].id}/observation`, { performed: true })).statusCode, 200);
  assert.equal((await ev('POST', `/api/v1/exercises/EVAL-1/tasks/${tasks[1].id}/observation`, { performed: false })).statusCode, 200);
  assert.equal((await ev('POST', '/api/v1/exercises/EVAL-1/ratings', { target: 'T1', rating: 'X' })).statusCode, 400);
  assert.equal((await t.as(users.p1)('POST', '/api/v1/exercises/EVAL-1/ratings', { target: 'T1', rating: 'P' })).statusCode, 403);
  assert.equal((await ev('POST', '/api/v1/exercises/EVAL-1/hotwash', { kind: 'strength', capability: 'Operational coordination', text: 'Good liaison' })).statusCode, 200);
  assert.equal((await t.as(users.p1)('POST', '/api/v1/exercises/EVAL-1/feedback', { rating: 4, improvements: 'More realistic injects' })).statusCode, 200);
  const e = (await ev('GET', '/api/v1/exercises/EVAL-1/evaluation')).json();
  assert.equal(e.capabilities[0].capability, 'Operational coordination');
  assert.equal(e.capabilities[0].rating, 'S');
  assert.equal(e.tasks.share_performed, 0.5);
  assert.equal(e.feedback.average_rating, 4);
  assert.equal(e.hotwash.length, 1);
});

test('CLI: an XLSX MSEL with a Persian header, a Jalali text time and an Excel date-time cell (read as Iran time)', async () => {
  await cli(['create', 'XLSX-1', '--type', 'drill', '--title', 'x', '--startex', '2026-03-21 09:00', '--team', 'moh:moh']);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('MSEL');
  ws.addRow(['شماره', 'زمان', 'مرحله', 'از', 'به', 'کانال', 'موضوع', 'محتوا', 'اقدام مورد انتظار', 'اهداف']);
  ws.addRow(['۱', '۱۴۰۵/۰۱/۰۱ ۱۰:۱۵', 'ورود', 'مرزبانی', 'moh', 'تلفن', 'مسافر بیمار', 'تب بالا', '', '']);
  ws.addRow([2, new Date(Date.UTC(2026, 2, 21, 11, 45)), 'ورود', '', 'moh', 'message', 'Second', 'y', '', '']);
  ws.getCell('B3').numFmt = 'yyyy-mm-dd hh:mm';
  const file = join(mkdtempSync(join(tmpdir(), 'msel-')), 'msel.xlsx');
  await wb.xlsx.writeFile(file);
  const r = await cli(['import-msel', file, '--exercise', 'XLSX-1']);
  assert.equal(r.code, 0, r.errors.join('\n'));
  const out = JSON.parse((await cli(['msel', 'XLSX-1', '--json'])).logs.join('\n'));
  assert.deepEqual(out.map((i: any) => [i.number, i.scheduled_at, i.offset]), [
    ['1', '2026-03-21T06:45:00.000Z', 'D+0 H+01:15'],
    ['2', '2026-03-21T08:15:00.000Z', 'D+0 H+02:45'],
  ]);
});

test('the MSEL exported as a sheet (Persian header, EXERCISE mark) imports into another exercise with the same schedule', async () => {
  const planner = await t.user([{ role: 'exercise_planner', provinces: null }]);
  const api = t.as(planner);
  const res = await api('GET', '/api/v1/exercises/DOG-TTX/msel.xlsx?lang=fa');
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-disposition']), /EXERCISE-DOG-TTX-msel\.xlsx/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as any);
  assert.deepEqual(wb.worksheets.map((w) => w.name), ['تمرین MSEL', 'تمرین']);
  assert.match(String(wb.worksheets[0]!.headerFooter.oddHeader), /تمرین/);
  const file = join(mkdtempSync(join(tmpdir(), 'msel-')), 'again.xlsx');
  await wb.xlsx.writeFile(file);
  await cli(['create', 'DOG-TTX-2', '--type', 'tabletop', '--title', 'again', '--startex', '2026-04-01 09:00', '--team', 'bafia:bafia', '--team', 'moh:moh',
    '--objective', 'O1:Coordination:x', '--objective', 'O2:Health:y']);
  const r = await cli(['import-msel', file, '--exercise', 'DOG-TTX-2']);
  assert.equal(r.code, 0, r.errors.join('\n'));
  const a = JSON.parse((await cli(['msel', 'DOG-TTX', '--json'])).logs.join('\n'));
  const b = JSON.parse((await cli(['msel', 'DOG-TTX-2', '--json'])).logs.join('\n'));
  assert.deepEqual(b.map((i: any) => [i.number, i.offset, i.to, i.channel, i.subject]), a.map((i: any) => [i.number, i.offset, i.to, i.channel, i.subject]));
  assert.equal((await t.as(await t.user([]))('GET', '/api/v1/exercises/DOG-TTX/msel.xlsx')).statusCode, 404);
});
