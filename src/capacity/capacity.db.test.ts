import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { testDatabase, testApp, TEST_ENGINE } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { importParticipants } from './import.ts';
import { trainingImportCommand } from './cli.ts';
import { scoreAnswers, nameKey } from './trainings.ts';
import { certificateHtml } from './certificate.ts';

let db: Database;
let dir: string;
let t: Awaited<ReturnType<typeof testApp>>;
before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  dir = mkdtempSync(join(tmpdir(), 'marz-capacity-'));
});
after(async () => {
  await t.app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const HEADER = 'name,sex,agency,province,position,pre_score,post_score,sessions_attended';
function csv(name: string, rows: string[]) {
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...rows].join('\n') + '\n');
  return path;
}
const run = (path: string, training: string, extra: Partial<Parameters<typeof importParticipants>[1]> = {}) =>
  importParticipants(db, { path, training, actor: cliActor('test'), principal: null, ...extra });
const count = async (code: string) => Number((await db.one('SELECT count(*) AS n FROM training_participants p JOIN trainings t ON t.id = p.training_id WHERE t.code = $1', [code]))!.n);

test(`[${TEST_ENGINE}] an attendance sheet creates the training, adds its participants, and a second import adds no one twice`, async () => {
  const path = csv('sheet.csv', [
    'Ali Rezaei,male,moi,IR-09,Expert,40,80,3',
    'زهرا كريمي,female,وزارت امور خارجه,IR-09,کارشناس,55,70,2',
    'Sara Ahmadi,female,Border Guard Command,IR-13,Officer,,,',
  ]);
  const r = await run(path, 'GCM-2026-01', { title: 'دورهٔ حکمرانی مرز' });
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.deepEqual([r.training_created, r.rows, r.added, r.present], [true, 3, 3, 0]);
  const training = await db.one('SELECT title_en, title_fa FROM trainings WHERE code = $1', ['GCM-2026-01']);
  assert.deepEqual(training, { title_en: '', title_fa: 'دورهٔ حکمرانی مرز' });
  // Arabic ي/ك are stored as Persian ی/ک; the agency was found by its Persian name.
  const zahra = await db.one("SELECT p.name, a.code FROM training_participants p JOIN agencies a ON a.id = p.agency_id WHERE p.sex = 'female' AND p.province_code = 'IR-09'");
  assert.deepEqual(zahra, { name: 'زهرا کریمی', code: 'mfa' });

  // The same people (spelt with Arabic letters, other spacing and case) plus one new one.
  const again = csv('sheet2.csv', ['ALI  REZAEI,male,MOI,IR-09,Expert,40,80,3', 'زهرا کریمی,female,mfa,IR-09,,,,', 'Reza Moradi,male,passport-police,IR-09,Officer,60,90,3']);
  const r2 = await run(again, 'GCM-2026-01');
  assert.equal(r2.ok, true, JSON.stringify(r2.problems));
  assert.deepEqual([r2.training_created, r2.added, r2.present], [false, 1, 2]);
  assert.equal(await count('GCM-2026-01'), 4);
});

test(`[${TEST_ENGINE}] a sheet with a bad row adds nothing and names row, column and problem in both languages`, async () => {
  const path = csv('bad.csv', ['Nima Azad,male,moi,IR-09,Expert,40,80,3', 'Mina Azad,woman,nowhere,IR-99,Expert,140,80,-1', 'Nima Azad,male,moi,IR-09,Expert,40,80,3']);
  const r = await run(path, 'BAD-1');
  assert.equal(r.ok, false);
  assert.equal(await count('BAD-1'), 0);
  assert.equal((await db.one('SELECT count(*) AS n FROM trainings WHERE code = $1', ['BAD-1']))!.n, 0, 'the training is not created by a refused file');
  const codes = r.problems.map((p) => `${p.row}:${p.column}:${p.code}`);
  assert.deepEqual(codes, ['3:sex:invalid_sex', '3:agency:unknown_agency', '3:province:unknown_province', '3:pre_score:invalid_score', '3:sessions_attended:invalid_sessions', '4:name:duplicate_in_file']);
  for (const p of r.problems) assert.ok(p.message_en && /[\u0600-\u06FF]/.test(p.message_fa), p.code);

  const missing = join(dir, 'missing.csv');
  writeFileSync(missing, 'name,sex\nA,male\n');
  const m = await run(missing, 'BAD-2');
  assert.equal(m.problems[0]!.code, 'missing_columns');
  assert.match(m.problems[0]!.column!, /agency, province, position, pre_score, post_score, sessions_attended/);
});

test(`[${TEST_ENGINE}] XLSX sheets import through the same rules; the CLI command reports and refuses`, async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Attendance');
  ws.addRow(HEADER.split(','));
  ws.addRow(['Hassan Nouri', 'male', 'ircs', 'IR-11', 'Volunteer', 30, 75, 4]);
  ws.addRow(['Leila Samadi', 'female', 'ircs', 'IR-11', 'Nurse', 50.5, 88, 4]);
  const path = join(dir, 'sheet.xlsx');
  await wb.xlsx.writeFile(path);
  const lines: string[] = [];
  const out = { log: (s: string) => lines.push(s), error: (s: string) => lines.push('E ' + s) };
  const withDb = (async (_c: unknown, _n: string, fn: (d: Database) => Promise<unknown>) => fn(db)) as any;
  const code = await trainingImportCommand(['training-participants', path, '--training', 'XLSX-1', '--title', 'Health at points of entry', '--json'], {} as any, withDb, out);
  assert.equal(code, 0, lines.join('\n'));
  const report = JSON.parse(lines[0]!);
  assert.deepEqual([report.added, report.training_created], [2, true]);
  assert.equal((await db.one("SELECT pre_score FROM training_participants WHERE name = 'Leila Samadi'"))!.pre_score, 50.5);
  assert.equal((await db.one('SELECT title_en FROM trainings WHERE code = $1', ['XLSX-1']))!.title_en, 'Health at points of entry');

  const bad = csv('bad-cli.csv', ['X,unknown,moi,IR-09,,,,']);
  lines.length = 0;
  assert.equal(await trainingImportCommand(['training-participants', bad, '--training', 'XLSX-1'], {} as any, withDb, out), 1);
  assert.match(lines.join('\n'), /row 2 \[sex\]/);
  assert.equal(await trainingImportCommand(['training-participants', bad], {} as any, withDb, out), 2);
});

test('scores and name keys', () => {
  const bank = [{ no: 1, correct: 0 }, { no: 2, correct: 2 }, { no: 3, correct: 1 }];
  assert.equal(scoreAnswers(bank, { '1': 0, '2': 2, '3': 0 }), 66.67);
  assert.equal(scoreAnswers(bank, {}), 0);
  assert.equal(nameKey(' علي  كريمي '), nameKey('علی کریمی'));
  assert.equal(nameKey('Ali\u200CReza'), 'ali reza');
});

test(`[${TEST_ENGINE}] API: participants are scoped by province and agency, reads are audited; tests, attendance, evaluations and certificates`, async () => {
  const admin = await t.user([{ role: 'admin' }]);
  const ircsId = Number((await db.one("SELECT id FROM agencies WHERE code = 'ircs'"))!.id);
  const officerTehran = await t.user([{ role: 'capacity_officer', provinces: ['IR-23'] }]);
  const officerIrcs = await t.user([{ role: 'capacity_officer', agencyIds: [ircsId] }]);
  const viewer = await t.user([{ role: 'viewer' }]);
  const A = t.as(admin);

  const created = await A('POST', '/api/v1/capacity/trainings', { code: 'WS-1', title_en: 'Border governance workshop', title_fa: 'کارگاه حکمرانی مرز', gcm_objectives: [1, 11], starts_on: '2026-01-10', ends_on: '2026-01-12', place: 'Mashhad', province_code: 'IR-09', facilitators: ['IOM'], agency_codes: ['moi', 'iom'] });
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual(created.json().agency_codes, ['iom', 'moi']);
  const bad = await A('POST', '/api/v1/capacity/trainings', { code: 'WS-2', gcm_objectives: [24] });
  assert.equal(bad.statusCode, 400);
  const badDates = await A('POST', '/api/v1/capacity/trainings', { code: 'WS-3', starts_on: '2026-02-10', ends_on: '2026-02-01' });
  assert.equal(badDates.statusCode, 400);
  assert.equal(badDates.json().error.details.field, 'ends_on');

  const data = Buffer.from([HEADER, 'Ali Rezaei,male,moi,IR-23,Expert,40,80,', 'Maryam Kazemi,female,ircs,IR-09,Nurse,50,70,', 'Omid Jafari,male,ircs,IR-23,Driver,,,'].join('\n')).toString('base64');
  const imp = await A('POST', '/api/v1/capacity/trainings/WS-1/import', { file_name: 'sheet.csv', data_base64: data });
  assert.equal(imp.statusCode, 200, imp.body);
  assert.equal(imp.json().added, 3);

  const names = async (u: typeof admin) => (await t.as(u)('GET', '/api/v1/capacity/trainings/WS-1/participants')).json().map((p: any) => p.name).sort();
  assert.deepEqual(await names(officerTehran), ['Ali Rezaei', 'Omid Jafari']);
  assert.deepEqual(await names(officerIrcs), ['Maryam Kazemi', 'Omid Jafari']);
  assert.equal((await t.as(viewer)('GET', '/api/v1/capacity/trainings/WS-1/participants')).statusCode, 403);
  const audits = Number((await db.one("SELECT count(*) AS n FROM audit_log WHERE action = 'capacity.participants.read' AND subject_id = 'WS-1'"))!.n);
  assert.equal(audits, 2);

  // An officer for Tehran may not import a participant of another province.
  const outside = Buffer.from([HEADER, 'Kaveh Amini,male,moi,IR-09,Expert,,,'].join('\n')).toString('base64');
  const refused = (await t.as(officerTehran)('POST', '/api/v1/capacity/trainings/WS-1/import', { file_name: 'x.csv', data_base64: outside })).json();
  assert.equal(refused.ok, false);
  assert.equal(refused.problems[0].code, 'out_of_scope');

  // Sessions, attendance, question bank, tests (score and gain), evaluations.
  const all = (await A('GET', '/api/v1/capacity/trainings/WS-1/participants')).json();
  const ali = all.find((p: any) => p.name === 'Ali Rezaei');
  const omid = all.find((p: any) => p.name === 'Omid Jafari');
  assert.equal((await A('PUT', '/api/v1/capacity/trainings/WS-1/sessions', [{ no: 1, held_on: '2026-01-10', title: 'Opening' }, { no: 2, held_on: '2026-01-11' }])).statusCode, 200);
  await A('PUT', '/api/v1/capacity/trainings/WS-1/attendance', { session_no: 1, present: [ali.id, omid.id] });
  const sessions = (await A('PUT', '/api/v1/capacity/trainings/WS-1/attendance', { session_no: 2, present: [ali.id], absent: [omid.id] })).json();
  assert.deepEqual(sessions.map((s: any) => s.present), [2, 1]);
  const q = await A('PUT', '/api/v1/capacity/trainings/WS-1/questions', [
    { no: 1, text_en: 'Which objective covers border management?', text_fa: 'کدام هدف به مدیریت مرز می‌پردازد؟', options: [{ en: '11', fa: '۱۱' }, { en: '5', fa: '۵' }], correct: 0, gcm_objective: 11 },
    { no: 2, text_en: 'Q2', options: [{ en: 'a' }, { en: 'b' }], correct: 1 },
  ]);
  assert.equal(q.statusCode, 200, q.body);
  const badQ = await A('PUT', '/api/v1/capacity/trainings/WS-1/questions', [{ no: 1, text_en: 'x', options: [{ en: 'a' }, { en: 'b' }], correct: 5 }]);
  assert.equal(badQ.statusCode, 400);
  assert.equal((await A('POST', '/api/v1/capacity/trainings/WS-1/tests', { participant_id: omid.id, kind: 'pre', answers: { '1': 1, '2': 1 } })).json().score, 50);
  assert.equal((await A('POST', '/api/v1/capacity/trainings/WS-1/tests', { participant_id: omid.id, kind: 'post', answers: { '1': 0, '2': 1 } })).json().score, 100);
  assert.equal((await A('POST', '/api/v1/capacity/trainings/WS-1/evaluations', { relevance: 5, content: 4, facilitation: 5, organisation: 3 })).statusCode, 201);
  const detail = (await A('GET', '/api/v1/capacity/trainings/WS-1')).json();
  assert.deepEqual(detail.stats.participants_by_sex, { male: 2, female: 1 });
  assert.equal(detail.stats.evaluations.forms, 1);
  const after = (await A('GET', '/api/v1/capacity/trainings/WS-1/participants')).json();
  const omid2 = after.find((p: any) => p.id === omid.id);
  assert.deepEqual([omid2.pre_score, omid2.post_score, omid2.gain, omid2.sessions_attended], [50, 100, 50, 1]);

  // Certificates: HTML in both languages; out-of-scope participants are not found.
  const html = await t.as(officerTehran)('GET', `/api/v1/capacity/trainings/WS-1/participants/${ali.id}/certificate.html?lang=fa`);
  assert.equal(html.statusCode, 200);
  assert.match(html.body, /dir="rtl"/);
  assert.match(html.body, /کارگاه حکمرانی مرز/);
  assert.match(html.body, /۱۱/);
  assert.match(html.body, /WS-1-/);
  const maryam = after.find((p: any) => p.name === 'Maryam Kazemi');
  assert.equal((await t.as(officerTehran)('GET', `/api/v1/capacity/trainings/WS-1/participants/${maryam.id}/certificate.html`)).statusCode, 404);
  const en = certificateHtml({ participant: { name: 'A', agency_en: 'Ministry of Interior', agency_fa: 'وزارت کشور', position: '', sessions_attended: 2 }, training: { code: 'X', title_en: 'T', title_fa: '', starts_on: '2026-01-10', ends_on: null, place: '', facilitators: [], gcm_objectives: [] }, certificate_no: 'X-1', issued_on: '2026-01-10' }, 'en');
  assert.match(en, /10 January 2026/);
  if (existsSync(process.env.MARZ_CHROMIUM ?? '/usr/bin/chromium')) {
    for (const lang of ['fa', 'en']) {
      const pdf = await t.as(officerTehran)('GET', `/api/v1/capacity/trainings/WS-1/participants/${ali.id}/certificate.pdf?lang=${lang}`);
      assert.equal(pdf.statusCode, 200, pdf.body.slice(0, 200));
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    }
  }
});

test(`[${TEST_ENGINE}] declared access: a training is changed within its province and agencies; participants of a shared training are touched by their own province's officers only; reads are audited`, async () => {
  const admin = await t.user([{ role: 'admin' }]);
  const A = t.as(admin);
  const moi = Number((await db.one("SELECT id FROM agencies WHERE code = 'moi'"))!.id);
  const khorasan = await t.user([{ role: 'capacity_officer', provinces: ['IR-09'], agencyIds: [moi] }]);
  const tehran = await t.user([{ role: 'capacity_officer', provinces: ['IR-23'] }]);
  const K = t.as(khorasan);
  const T = t.as(tehran);
  assert.equal((await A('POST', '/api/v1/capacity/trainings', { code: 'SH-1', title_en: 'Shared', province_code: 'IR-09', agency_codes: ['moi'] })).statusCode, 201);
  const mashhad = (await A('POST', '/api/v1/capacity/trainings/SH-1/participants', { name: 'Hadi Mashhadi', sex: 'male', agency_code: 'moi', province_code: 'IR-09' })).json();
  const tehrani = (await A('POST', '/api/v1/capacity/trainings/SH-1/participants', { name: 'Nasrin Tehrani', sex: 'female', agency_code: 'mfa', province_code: 'IR-23' })).json();
  assert.equal((await A('PUT', '/api/v1/capacity/trainings/SH-1/sessions', [{ no: 1 }])).statusCode, 200);
  assert.equal((await A('PUT', '/api/v1/capacity/trainings/SH-1/questions', [{ no: 1, text_en: 'Q', options: [{ en: 'a' }, { en: 'b' }], correct: 0 }])).statusCode, 200);

  // The training itself: its province and agency.
  const patched = await K('PATCH', '/api/v1/capacity/trainings/SH-1', { place: 'Mashhad' });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual([patched.json().place, patched.json().title_en, patched.json().province_code, patched.json().agency_codes], ['Mashhad', 'Shared', 'IR-09', ['moi']], 'a change keeps the fields it does not name');
  assert.equal((await T('PATCH', '/api/v1/capacity/trainings/SH-1', { place: 'Tehran' })).statusCode, 403);
  assert.equal((await K('PATCH', '/api/v1/capacity/trainings/SH-1', { province_code: 'IR-23' })).statusCode, 403, 'not moved out of one\'s province');
  assert.equal((await K('POST', '/api/v1/capacity/trainings', { code: 'SH-2', province_code: 'IR-09', agency_codes: ['mfa'] })).statusCode, 403, 'not for another agency');
  // Read: its province and agency, or people of one's own among its participants.
  const ircsOfficer = await t.user([{ role: 'capacity_officer', provinces: ['IR-09'], agencyIds: [Number((await db.one("SELECT id FROM agencies WHERE code = 'ircs'"))!.id)] }]);
  assert.equal((await t.as(ircsOfficer)('GET', '/api/v1/capacity/trainings/SH-1')).statusCode, 403);
  assert.ok(!(await t.as(ircsOfficer)('GET', '/api/v1/capacity/trainings')).json().some((x: any) => x.code === 'SH-1'));
  assert.equal((await t.as(ircsOfficer)('GET', '/api/v1/capacity/trainings/SH-1/participants')).statusCode, 403, 'nor its participant list');
  const seen = await T('GET', '/api/v1/capacity/trainings/SH-1');
  assert.equal(seen.statusCode, 200, 'a Tehran officer reads the training their people attended');
  assert.deepEqual(seen.json().stats.participants_by_sex, { male: 0, female: 1 }, 'its figures count only their people');
  assert.ok((await T('GET', '/api/v1/capacity/trainings')).json().some((x: any) => x.code === 'SH-1'));
  assert.ok((await K('GET', '/api/v1/capacity/trainings')).json().some((x: any) => x.code === 'SH-1'));
  // A training without a province is its creator's.
  assert.equal((await T('POST', '/api/v1/capacity/trainings', { code: 'SH-3' })).statusCode, 201);
  assert.equal((await T('PUT', '/api/v1/capacity/trainings/SH-3/sessions', [{ no: 1 }])).statusCode, 200);
  assert.equal((await K('PUT', '/api/v1/capacity/trainings/SH-3/sessions', [{ no: 1 }])).statusCode, 403);

  // Participants: each officer their own, in someone else's training too.
  assert.equal((await T('PUT', '/api/v1/capacity/trainings/SH-1/attendance', { session_no: 1, present: [tehrani.id] })).statusCode, 200);
  assert.equal((await T('PUT', '/api/v1/capacity/trainings/SH-1/attendance', { session_no: 1, present: [tehrani.id, mashhad.id] })).statusCode, 403);
  assert.equal((await T('PUT', '/api/v1/capacity/trainings/SH-1/attendance', { session_no: 1, present: [] })).statusCode, 403, 'an empty attendance is the training\'s');
  assert.equal((await T('POST', '/api/v1/capacity/trainings/SH-1/tests', { participant_id: tehrani.id, kind: 'pre', answers: { '1': 0 } })).statusCode, 200);
  assert.equal((await K('POST', '/api/v1/capacity/trainings/SH-1/tests', { participant_id: tehrani.id, kind: 'pre', answers: { '1': 0 } })).statusCode, 403);
  assert.equal((await K('POST', '/api/v1/capacity/trainings/SH-1/evaluations', { participant_id: null, relevance: 4, content: 4, facilitation: 4, organisation: 4 })).statusCode, 201);
  assert.equal((await T('POST', '/api/v1/capacity/trainings/SH-1/evaluations', { participant_id: null, relevance: 4, content: 4, facilitation: 4, organisation: 4 })).statusCode, 403);
  assert.equal((await T('POST', '/api/v1/capacity/trainings/SH-1/participants', { name: 'Someone', sex: 'male', agency_code: 'moi', province_code: 'IR-09' })).statusCode, 403);
  assert.equal((await T('POST', '/api/v1/capacity/trainings/SH-1/participants', { name: 'Someone', sex: 'male', agency_code: 'moi', province_code: 'IR-23' })).statusCode, 201);
  assert.deepEqual((await T('GET', '/api/v1/capacity/trainings/SH-1/participants')).json().map((p: any) => p.name).sort(), ['Nasrin Tehrani', 'Someone']);
  assert.equal((await K('GET', `/api/v1/capacity/trainings/SH-1/participants/${tehrani.id}/certificate.html`)).statusCode, 404, 'out of scope: as if absent');
  assert.equal((await T('GET', `/api/v1/capacity/trainings/SH-1/participants/${tehrani.id}/certificate.html`)).statusCode, 200);
  const cert = await db.one("SELECT subject_type, subject_id FROM audit_log WHERE action = 'capacity.certificate.read' AND actor_id = $1", [tehran.id]);
  assert.deepEqual(cert, { subject_type: 'training_participant', subject_id: String(tehrani.id) });
  const denied = Number((await db.one("SELECT count(*) AS n FROM audit_log WHERE action = 'access.denied' AND actor_id = $1", [tehran.id]))!.n);
  assert.ok(denied >= 5, `refusals are audited (${denied})`);
});
