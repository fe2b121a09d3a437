import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import { backup, restore } from '../platform/db/backup.ts';
import type { Database } from '../platform/db/database.ts';
import { seedGovernance } from './store.ts';
import { loadShippedFramework, type Framework } from './framework-schema.ts';
import { frameworkFromXlsx } from './xlsx.ts';
import { scoreSdg1072 } from './scoring.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
let focalMoi: TestUser;
let focalMfa: TestUser;
let viewer: TestUser;
const agency: Record<string, number> = {};

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  for (const r of await db.many('SELECT id, code FROM agencies')) agency[r.code] = Number(r.id);
  admin = await t.user([{ role: 'admin' }]);
  focalMoi = await t.user([{ role: 'focal_point' }], { agencyId: agency.moi, locale: 'fa' });
  focalMfa = await t.user([{ role: 'focal_point' }], { agencyId: agency.mfa, locale: 'fa' });
  viewer = await t.user([{ role: 'viewer' }]);
});
after(async () => {
  await t.app.close();
  await db.close();
});

const P = '/api/v1/governance';
const n = async (sql: string, params: unknown[] = []) => Number((await db.one(sql, params))!.n);
const ok = (r: { statusCode: number; body: string }, status = 200) => {
  assert.equal(r.statusCode, status, r.body);
  return r.statusCode === 204 ? null : JSON.parse(r.body);
};

// A complete set of 10.7.2 answers and its expected score, from scoring.ts itself.
const ANSWERS: Record<string, string[]> = {
  PD_1: ['YES_ALL', 'YES_LEGAL_ONLY', 'NO', 'YES_ALL', 'YES_ALL'],
  PD_2: ['YES', 'NO', 'YES', 'YES', 'YES'],
  PD_3: ['YES', 'YES', 'YES', 'YES', 'YES'],
  PD_4: ['YES', 'NO', 'NO', 'YES', 'NO'],
  PD_5: ['NO', 'NO', 'NO', 'NO', 'NO'],
  PD_6: ['YES', 'YES', 'YES', 'YES', 'NO'],
};

async function newSdgAssessment(who = admin, extra: object = {}) {
  return ok(
    await t.as(who)('POST', `${P}/assessments`, { title_en: 'Iran SDG 10.7.2', title_fa: 'شاخص ۱۰.۷.۲ ایران', framework: 'sdg-10.7.2', scope: 'national', ministries: [agency.moi, agency.mfa], ...extra }),
    201,
  ).id as number;
}

async function answerAll(id: number, who = admin, answers = ANSWERS) {
  for (const [d, list] of Object.entries(answers)) {
    for (const [i, a] of list.entries()) ok(await t.as(who)('PUT', `${P}/assessments/${id}/answers/${d}_${i + 1}`, { answer: a }));
  }
}

async function move(id: number, to: string, who = admin) {
  return t.as(who)('POST', `${P}/assessments/${id}/transition`, { to });
}

/** Takes an assessment from DRAFT to PUBLISHED with both ministries signing off. */
async function publish(id: number) {
  for (const to of ['SHARED_WITH_FOCAL_POINTS', 'COMMENTS_ADDRESSED', 'INTERMINISTERIAL_VALIDATION']) ok(await move(id, to));
  ok(await t.as(focalMoi)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.moi, decision: 'SIGNED_OFF' }));
  ok(await t.as(focalMfa)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.mfa, decision: 'SIGNED_OFF' }));
  ok(await move(id, 'GOVERNMENT_APPROVED'));
  ok(await move(id, 'PUBLISHED'));
}

describe(`[${TEST_ENGINE}] governance frameworks`, () => {
  test('the shipped frameworks are seeded, idempotently', async () => {
    const list = ok(await t.as(viewer)('GET', `${P}/frameworks`));
    const codes = list.map((f: any) => f.code).sort();
    assert.deepEqual(codes, ['gcm', 'mgi', 'sdg-10.7.2']);
    assert.equal(list.find((f: any) => f.code === 'sdg-10.7.2').versions[0].indicators, 30);
    assert.equal(list.find((f: any) => f.code === 'mgi').versions[0].indicators, 0, 'no IOM indicator text is shipped');
    const before = await n('SELECT count(*) AS n FROM gov_nodes');
    await db.tx((c) => seedGovernance(c));
    await db.tx((c) => seedGovernance(c));
    assert.equal(await n('SELECT count(*) AS n FROM gov_nodes'), before);
    const links = await n(`SELECT count(*) AS n FROM gov_links l JOIN gov_nodes x ON x.id = l.node_id WHERE x.code = 'PD_6_5' AND l.target_framework = 'gcm'`);
    assert.equal(links, 2, 'PD_6_5 links to GCM objectives 9 and 10');
    const gcm = ok(await t.as(viewer)('GET', `${P}/gcm`));
    assert.equal(gcm.objectives.length, 23);
    assert.equal(gcm.objectives[10].code, '11');
    assert.ok(/[\u0600-\u06FF]/.test(gcm.objectives[0].texts.fa));
    assert.equal(gcm.principles.length, 10);
  });

  test('JSON and XLSX export round-trip to the same framework; an XLSX import reports sheet, row and column', async () => {
    for (const [code, id] of [['sdg-10.7.2', 'sdg-10.7.2'], ['gcm', 'gcm'], ['mgi', 'mgi']] as const) {
      const shipped = loadShippedFramework(id);
      const json = ok(await t.as(viewer)('GET', `${P}/frameworks/${code}/versions/${shipped.version}/export.json`));
      assert.deepEqual(json, JSON.parse(JSON.stringify(shipped)));
      const x = await t.as(viewer)('GET', `${P}/frameworks/${code}/versions/${shipped.version}/export.xlsx`);
      assert.equal(x.statusCode, 200);
      assert.match(x.headers['content-type'] as string, /spreadsheetml/);
      const back = await frameworkFromXlsx(x.rawPayload);
      assert.ok(back.ok, JSON.stringify(!back.ok && back.problems));
      assert.deepEqual(back.framework, JSON.parse(JSON.stringify(shipped)), `${code} survives XLSX`);
    }
    // Import the XLSX of 10.7.2 as a new version through the API, export it again as JSON.
    const x = await t.as(viewer)('GET', `${P}/frameworks/sdg-10.7.2/versions/1.0.0/export.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as any);
    const meta = wb.getWorksheet('framework')!;
    meta.eachRow((row) => {
      if (row.getCell(1).value === 'version') row.getCell(2).value = '1.0.1-xlsx';
    });
    const data = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
    const denied = await t.as(focalMoi)('POST', `${P}/frameworks/import`, { format: 'xlsx', data_base64: data });
    assert.equal(denied.statusCode, 403, 'importing frameworks needs governance.manage');
    const imp = ok(await t.as(admin)('POST', `${P}/frameworks/import`, { format: 'xlsx', data_base64: data }), 201);
    assert.deepEqual(imp, { code: 'sdg-10.7.2', version: '1.0.1-xlsx', created: true, indicators: 30 });
    const again = ok(await t.as(admin)('POST', `${P}/frameworks/import`, { format: 'xlsx', data_base64: data }), 201);
    assert.equal(again.created, false, 'the same content again is a no-op');
    const round = ok(await t.as(viewer)('GET', `${P}/frameworks/sdg-10.7.2/versions/1.0.1-xlsx/export.json`));
    assert.deepEqual(round, { ...JSON.parse(JSON.stringify(loadShippedFramework('sdg-10.7.2'))), version: '1.0.1-xlsx' });
    assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'governance.framework.import' AND subject_id = 'sdg-10.7.2'`));

    // A broken workbook: problems name the sheet, row and column.
    const nodes = wb.getWorksheet('nodes')!;
    nodes.getRow(3).getCell(2).value = 'NO_SUCH_PARENT';
    nodes.getRow(4).getCell(5).value = 'untranslated';
    const bad = await t.as(admin)('POST', `${P}/frameworks/import`, { format: 'xlsx', data_base64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'gov_xlsx_invalid');
    assert.deepEqual(bad.json().error.details[0], { sheet: 'nodes', row: 3, column: 'parent', value: 'NO_SUCH_PARENT', message: 'parent "NO_SUCH_PARENT" is not on an earlier row (list parents before their children)' });
    // A JSON document with problems lists them by path.
    const doc = JSON.parse(JSON.stringify(loadShippedFramework('mgi')));
    doc.version = 'broken';
    doc.nodes[0].texts.fa = 'english only';
    const badJson = await t.as(admin)('POST', `${P}/frameworks/import`, { document: doc });
    assert.equal(badJson.json().error.code, 'gov_framework_invalid');
    assert.equal(badJson.json().error.details[0].path, 'nodes[0].texts.fa');
  });

  test('an MGI version gets indicators; versions differ by added, removed and re-mapped indicators', async () => {
    const shipped = loadShippedFramework('mgi');
    assert.equal((await t.as(admin)('POST', `${P}/frameworks/mgi/versions/${shipped.version}/nodes`, { parent_code: 'MGI_1_1', node: { code: 'X', texts: { en: 'x', fa: 'ایکس' } } })).json().error.code, 'gov_framework_version_shipped');
    ok(await t.as(admin)('POST', `${P}/frameworks/mgi/versions`, { version: 'iran-2025', from_version: shipped.version }), 201);
    const add = (parent: string, code: string, en: string, fa: string, links?: object[]) =>
      t.as(admin)('POST', `${P}/frameworks/mgi/versions/iran-2025/nodes`, { parent_code: parent, node: { code, texts: { en, fa }, ...(links ? { links } : {}) } });
    ok(await add('MGI_1_1', 'I_HEALTH', 'Migrants have access to health care', 'مهاجران به خدمات سلامت دسترسی دارند'), 201);
    ok(await add('MGI_1_3', 'I_WORK', 'Migrants may work', 'مهاجران اجازه کار دارند'), 201);
    ok(await add('MGI_2_5', 'I_DATA', 'Migration data are published', 'داده‌های مهاجرت منتشر می‌شود'), 201);
    ok(await add('MGI_6_1', 'I_BORDER', 'Integrated border management strategy', 'راهبرد یکپارچه مدیریت مرز'), 201);
    const dup = await add('MGI_6_1', 'I_BORDER', 'again', 'دوباره');
    assert.equal(dup.json().error.code, 'gov_framework_invalid');
    const v1 = ok(await t.as(viewer)('GET', `${P}/frameworks/mgi/versions/iran-2025`));
    assert.equal(v1.nodes.filter((x: any) => x.level === 'indicator').length, 4);
    assert.ok(v1.nodes.find((x: any) => x.code === 'I_HEALTH').links.includes('gcm:15'), 'an indicator inherits its topic\'s GCM link');

    // Version 2: I_WORK renamed to I_WORK_RIGHT (mapped), I_DATA moved to another topic,
    // I_BORDER removed, I_REMIT added, I_HEALTH linked to one more GCM objective.
    const doc: Framework = JSON.parse(JSON.stringify(v1.document));
    doc.version = 'iran-2026';
    const topic = (code: string) => doc.nodes.flatMap((d) => d.children ?? []).find((x) => x.code === code)!;
    topic('MGI_1_1').children![0]!.links = [{ framework: 'gcm', code: '7', basis: 'inferred' }];
    topic('MGI_1_3').children![0]!.code = 'I_WORK_RIGHT';
    topic('MGI_2_4').children = topic('MGI_2_5').children;
    delete topic('MGI_2_5').children;
    delete topic('MGI_6_1').children;
    topic('MGI_4_6').children = [{ code: 'I_REMIT', level: 'indicator', texts: { en: 'Remittance costs are monitored', fa: 'هزینه ارسال حواله پایش می‌شود' } }];
    ok(await t.as(admin)('POST', `${P}/frameworks/import`, { document: doc, mappings_from: 'iran-2025', mappings: [{ from_code: 'I_WORK', to_code: 'I_WORK_RIGHT' }] }), 201);
    const diff = ok(await t.as(viewer)('GET', `${P}/frameworks/mgi/compare?from=iran-2025&to=iran-2026`));
    assert.deepEqual(diff.added.map((x: any) => x.code), ['I_REMIT']);
    assert.deepEqual(diff.removed.map((x: any) => x.code), ['I_BORDER']);
    const re = Object.fromEntries(diff.remapped.map((x: any) => [x.from_code, x]));
    assert.deepEqual(Object.keys(re).sort(), ['I_DATA', 'I_HEALTH', 'I_WORK']);
    assert.deepEqual(re.I_WORK.reasons, ['code_changed']);
    assert.equal(re.I_WORK.to_code, 'I_WORK_RIGHT');
    assert.deepEqual(re.I_DATA.reasons, ['moved', 'links_changed']);
    assert.deepEqual(re.I_DATA.links_removed, ['gcm:1']);
    assert.deepEqual(re.I_HEALTH.reasons, ['links_changed']);
    assert.deepEqual(re.I_HEALTH.links_added, ['gcm:7']);
  });
});

describe(`[${TEST_ENGINE}] governance assessments`, () => {
  let published = 0;

  test('answers, evidence (with a file), comments and change history; an incomplete 10.7.2 set names the missing items', async () => {
    const id = await newSdgAssessment();
    ok(await t.as(admin)('PUT', `${P}/assessments/${id}/answers/PD_1_1`, { answer: 'YES_ALL', finding_fa: 'دسترسي همه مهاجران به خدمات فوريتي', finding_en: 'Emergency care for all', responsible_agency_id: agency.moh }));
    const bad = await t.as(admin)('PUT', `${P}/assessments/${id}/answers/PD_2_1`, { answer: 'YES_ALL' });
    assert.equal(bad.json().error.code, 'gov_invalid_answer');
    assert.equal((await t.as(admin)('PUT', `${P}/assessments/${id}/answers/NOPE`, { answer: 'YES' })).json().error.code, 'gov_unknown_indicator');
    assert.equal((await t.as(viewer)('PUT', `${P}/assessments/${id}/answers/PD_1_2`, { answer: 'NO' })).statusCode, 403);
    const ev = ok(
      await t.as(admin)('POST', `${P}/assessments/${id}/answers/PD_1_1/evidence`, { kind: 'law', title: 'قانون ورود و اقامت اتباع خارجه', article: 'ماده ۴', issued_on: '1931-06-07', language: 'fa' }),
      201,
    );
    assert.equal(ev.kind, 'law');
    const file = ok(await t.as(admin)('POST', `${P}/assessments/${id}/answers/PD_1_1/evidence`, { kind: 'file', title: 'Circular', file: { name: 'بخشنامه.pdf', type: 'application/pdf', data_base64: Buffer.from('%PDF-1.4 test').toString('base64') } }), 201);
    assert.equal(file.file_size, 13);
    const dl = await t.as(viewer)('GET', `${P}/assessments/${id}/evidence/${file.id}/file`);
    assert.equal(dl.body, '%PDF-1.4 test');
    assert.match(dl.headers['content-disposition'] as string, /attachment/);
    const big = await t.as(admin)('POST', `${P}/assessments/${id}/answers/PD_1_1/evidence`, { kind: 'file', title: 'Big', file: { name: 'big.bin', data_base64: Buffer.alloc(3 * 1024 * 1024 + 1).toString('base64') } });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'gov_file_too_large');
    assert.equal((await t.as(admin)('POST', `${P}/assessments/${id}/answers/PD_1_1/evidence`, { kind: 'url', title: 'No address' })).json().error.code, 'gov_url_required');

    const c1 = ok(await t.as(focalMoi)('POST', `${P}/assessments/${id}/comments`, { node_code: 'PD_1_1', body: 'منبع دیگری هم هست' }), 201);
    ok(await t.as(admin)('POST', `${P}/assessments/${id}/comments`, { parent_id: c1.id, body: 'Added.' }), 201);
    const thread = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/comments?code=PD_1_1`));
    assert.equal(thread.length, 2);
    assert.equal(thread[1].parent_id, c1.id);
    assert.equal(thread[1].node_code, 'PD_1_1');

    const h = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/history?code=PD_1_1`));
    assert.deepEqual(h.changes.map((c: any) => c.action).sort(), ['answer', 'evidence.add', 'evidence.add']);
    const answer = h.changes.find((c: any) => c.action === 'answer');
    assert.deepEqual(answer.changes.answer, [null, 'YES_ALL']);
    assert.equal(answer.changes.finding_fa[1], 'دسترسی همه مهاجران به خدمات فوریتی', 'Arabic yeh normalised');

    const s = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/score-1072`));
    assert.equal(s.applicable, true);
    assert.equal(s.complete, false);
    assert.equal(s.missing.length, 29);
    assert.equal(s.missing[0], 'PD_1_2');
    // Validation needs every indicator answered.
    ok(await move(id, 'SHARED_WITH_FOCAL_POINTS'));
    assert.equal((await move(id, 'COMMENTS_ADDRESSED')).json().error.code, 'gov_unresolved_comments');
    ok(await t.as(admin)('POST', `${P}/assessments/${id}/comments/${c1.id}/resolve`, { resolved: true }));
    ok(await move(id, 'COMMENTS_ADDRESSED'));
    const inc = await move(id, 'INTERMINISTERIAL_VALIDATION');
    assert.equal(inc.json().error.code, 'gov_incomplete_answers');
    assert.equal(inc.json().error.details.missing.length, 29);
  });

  test('sign-off per ministry: a focal point of one ministry cannot sign for another (403, nothing changes)', async () => {
    const id = await newSdgAssessment();
    await answerAll(id);
    ok(await move(id, 'SHARED_WITH_FOCAL_POINTS'));
    ok(await move(id, 'COMMENTS_ADDRESSED'));
    const early = (await t.as(focalMoi)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.moi, decision: 'SIGNED_OFF' })).json().error;
    assert.equal(early.code, 'gov_wrong_status');
    assert.match(early.message, /«رسیدگی به نظرها»/, 'the state is named in Persian words, not as a code');
    assert.doesNotMatch(early.message, /[A-Za-z]/);
    ok(await move(id, 'INTERMINISTERIAL_VALIDATION'));
    const frozen = (await t.as(focalMoi)('PUT', `${P}/assessments/${id}/answers/PD_1_1`, { answer: 'NO' })).json().error;
    assert.equal(frozen.code, 'gov_not_editable');
    assert.match(frozen.message, /«اعتبارسنجی بین‌وزارتی»/);
    assert.doesNotMatch(frozen.message, /[A-Za-z]/);

    const signoffs = () => n('SELECT count(*) AS n FROM gov_signoffs WHERE assessment_id = $1', [id]);
    const audits = () => n(`SELECT count(*) AS n FROM audit_log WHERE action <> 'access.denied'`); // denials are audited, nothing else
    const [s0, a0] = [await signoffs(), await audits()];
    const cross = await t.as(focalMoi)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.mfa, decision: 'SIGNED_OFF' });
    assert.equal(cross.statusCode, 403);
    assert.equal(cross.json().error.code, 'gov_signoff_other_agency');
    assert.match(cross.json().error.message, /وزارتخانه خودتان/, 'the message is in the focal point\'s language');
    const adminSign = await t.as(admin)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.mfa, decision: 'SIGNED_OFF' });
    assert.equal(adminSign.statusCode, 403, 'an administrator without that agency cannot sign either');
    assert.equal((await t.as(viewer)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.mfa, decision: 'SIGNED_OFF' })).statusCode, 403);
    assert.equal(await signoffs(), s0);
    assert.equal(await audits(), a0);
    assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'access.denied' AND actor_id = $1 AND subject_id = $2`, [viewer.id, String(id)]), 'the refused attempt is audited');
    const detail = ok(await t.as(focalMoi)('GET', `${P}/assessments/${id}`));
    assert.deepEqual(detail.actions.sign_for, [agency.moi], 'the page offers only the own ministry');
    assert.ok(detail.ministries.every((m: any) => m.decision === null));

    ok(await t.as(focalMoi)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.moi, decision: 'SIGNED_OFF' }));
    const pending = (await move(id, 'GOVERNMENT_APPROVED')).json().error;
    assert.equal(pending.code, 'gov_signoffs_pending');
    const mfaName = (await db.one<{ name_en: string }>('SELECT name_en FROM agencies WHERE id = $1', [agency.mfa]))!.name_en;
    assert.ok(pending.message.includes(mfaName), `the waiting ministry is named: ${pending.message}`);
    assert.equal((await t.as(focalMfa)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.mfa, decision: 'OBJECTED' })).json().error.code, 'gov_reason_required');
    ok(await t.as(focalMfa)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.mfa, decision: 'OBJECTED', reason: 'بند ۳ حوزه ۳ نادرست است' }));
    const blocked = await move(id, 'GOVERNMENT_APPROVED');
    assert.equal(blocked.json().error.code, 'gov_objections');
    assert.equal((await move(id, 'GOVERNMENT_APPROVED', focalMoi)).statusCode, 403, 'focal points do not approve for the government');
    // Back for comments, fix, validate again: the new cycle starts without decisions.
    ok(await move(id, 'COMMENTS_ADDRESSED'));
    ok(await t.as(admin)('PUT', `${P}/assessments/${id}/answers/PD_3_3`, { answer: 'NO' }));
    ok(await move(id, 'INTERMINISTERIAL_VALIDATION'));
    const again = ok(await t.as(viewer)('GET', `${P}/assessments/${id}`));
    assert.equal(again.assessment.validation_cycle, 2);
    assert.ok(again.ministries.every((m: any) => m.decision === null));
    ok(await t.as(focalMoi)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.moi, decision: 'SIGNED_OFF' }));
    const after = ok(await t.as(focalMfa)('POST', `${P}/assessments/${id}/signoff`, { agency_id: agency.mfa, decision: 'SIGNED_OFF' }));
    assert.deepEqual(after.ministries.map((m: any) => m.decision), ['SIGNED_OFF', 'SIGNED_OFF']);
    ok(await move(id, 'GOVERNMENT_APPROVED'));
    const hist = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/history`));
    assert.deepEqual(hist.signoffs.map((s: any) => [s.agency_code, s.cycle, s.decision]), [['moi', 1, 'SIGNED_OFF'], ['mfa', 1, 'OBJECTED'], ['moi', 2, 'SIGNED_OFF'], ['mfa', 2, 'SIGNED_OFF']]);
    for (const action of ['governance.assessment.create', 'governance.answer.set', 'governance.assessment.transition', 'governance.assessment.sign_off', 'governance.assessment.object']) {
      assert.ok(await db.one('SELECT 1 FROM audit_log WHERE action = $1 AND subject_id = $2', [action, String(id)]), `${action} audited`);
    }
  });

  test('publishing stores an immutable snapshot: the service and a database trigger refuse every edit', async () => {
    const id = await newSdgAssessment();
    await answerAll(id);
    ok(await t.as(admin)('POST', `${P}/assessments/${id}/answers/PD_3_1/evidence`, { kind: 'decree', title: 'Decree on the national migration council', issued_on: '2015-03-01' }), 201);
    await publish(id);
    published = id;
    const snap = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/snapshot`));
    assert.equal(snap.verified, true);
    assert.equal(snap.snapshot.assessment.status, 'PUBLISHED');
    assert.deepEqual(snap.snapshot.score_1072.score.overall, { ...snap.snapshot.score_1072.score.overall, ...scoreSdg1072(ANSWERS).overall });
    assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'governance.assessment.publish' AND subject_id = $1`, [String(id)]));

    // The service refuses.
    for (const [method, url, body] of [
      ['PUT', `${P}/assessments/${id}/answers/PD_1_1`, { answer: 'NO' }],
      ['PATCH', `${P}/assessments/${id}`, { title_en: 'changed' }],
      ['POST', `${P}/assessments/${id}/answers/PD_1_1/evidence`, { kind: 'law', title: 'x' }],
      ['POST', `${P}/assessments/${id}/comments`, { body: 'late' }],
      ['POST', `${P}/assessments/${id}/transition`, { to: 'COMMENTS_ADDRESSED' }],
    ] as const) {
      const r = await t.as(admin)(method, url, body);
      assert.equal(r.statusCode, 409, `${method} ${url}: ${r.body}`);
      assert.equal(r.json().error.code, 'gov_published');
    }
    const evid = (await db.one('SELECT id FROM gov_evidence WHERE assessment_id = $1 LIMIT 1', [id]))!.id;
    assert.equal((await t.as(admin)('DELETE', `${P}/assessments/${id}/evidence/${evid}`)).json().error.code, 'gov_published');
    // The database refuses direct SQL too.
    for (const sql of [
      `UPDATE gov_answers SET answer = 'NO' WHERE assessment_id = ${id}`,
      `DELETE FROM gov_answers WHERE assessment_id = ${id}`,
      `INSERT INTO gov_answers (assessment_id, node_code, answer) VALUES (${id}, 'PD_9_9', 'YES')`,
      `UPDATE gov_assessments SET title_en = 'tampered' WHERE id = ${id}`,
      `UPDATE gov_assessments SET status = 'DRAFT' WHERE id = ${id}`,
      `DELETE FROM gov_assessments WHERE id = ${id}`,
      `UPDATE gov_evidence SET title = 'x' WHERE assessment_id = ${id}`,
      `INSERT INTO gov_signoffs (assessment_id, agency_id, cycle, decision, user_label) VALUES (${id}, ${agency.moi}, 1, 'SIGNED_OFF', 'x')`,
      `UPDATE gov_snapshots SET snapshot = '{}' WHERE assessment_id = ${id}`,
      `DELETE FROM gov_snapshots WHERE assessment_id = ${id}`,
    ]) {
      await assert.rejects(db.query(sql), /published|immutable/, sql);
    }
    const after = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/snapshot`));
    assert.deepEqual(after, snap, 'the snapshot is unchanged');
    assert.equal((await db.one('SELECT answer FROM gov_answers WHERE assessment_id = $1 AND node_code = $2', [id, 'PD_1_1']))!.answer, 'YES_ALL');
    const exported = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/export.json`));
    assert.deepEqual(exported, snap.snapshot, 'the JSON export of a published assessment is its snapshot');
  });

  test('reopening makes a new version; the published one stays', async () => {
    assert.equal((await t.as(focalMoi)('POST', `${P}/assessments/${published}/reopen`, { reason: 'x' })).statusCode, 403);
    const r = ok(await t.as(admin)('POST', `${P}/assessments/${published}/reopen`, { reason: 'New decree in 1404' }), 201);
    assert.notEqual(r.id, published);
    const v2 = ok(await t.as(viewer)('GET', `${P}/assessments/${r.id}`));
    assert.equal(v2.assessment.status, 'DRAFT');
    assert.equal(v2.assessment.version_no, 2);
    assert.equal(v2.assessment.round_no, 1);
    assert.equal(v2.assessment.reopened_from_id, published);
    assert.equal(v2.answers.length, 30);
    assert.equal(v2.evidence.length, 1);
    assert.deepEqual(v2.related.map((x: any) => [x.version_no, x.status]), [[1, 'PUBLISHED'], [2, 'DRAFT']]);
    ok(await t.as(admin)('PUT', `${P}/assessments/${r.id}/answers/PD_5_1`, { answer: 'YES' }));
    assert.equal((await t.as(admin)('POST', `${P}/assessments/${published}/reopen`, { reason: 'again' })).json().error.code, 'gov_already_reopened');
    const old = ok(await t.as(viewer)('GET', `${P}/assessments/${published}/snapshot`));
    assert.equal(old.verified, true);
    assert.equal(old.snapshot.indicators.find((i: any) => i.code === 'PD_5_1').answer, 'NO');
    assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'governance.assessment.reopen' AND subject_id = $1`, [String(r.id)]));
  });

  test('a follow-up round starts from the previous answers; the comparison shows what changed', async () => {
    assert.equal((await t.as(admin)('POST', `${P}/assessments/${await newSdgAssessment()}/follow-up`, {})).json().error.code, 'gov_not_published');
    const f = ok(await t.as(admin)('POST', `${P}/assessments/${published}/follow-up`, { title_en: 'Iran SDG 10.7.2, second round' }), 201);
    const d = ok(await t.as(viewer)('GET', `${P}/assessments/${f.id}`));
    assert.equal(d.assessment.round_no, 2);
    assert.equal(d.assessment.previous_round_id, published);
    assert.equal(d.assessment.status, 'DRAFT');
    const prev = ok(await t.as(viewer)('GET', `${P}/assessments/${published}`));
    const pick = (x: any) => x.answers.map((a: any) => [a.code, a.answer]).sort();
    assert.deepEqual(pick(d), pick(prev), 'every answer copied');
    assert.deepEqual(d.ministries.map((m: any) => m.code), ['mfa', 'moi']);
    ok(await t.as(admin)('PUT', `${P}/assessments/${f.id}/answers/PD_5_1`, { answer: 'YES' }));
    ok(await t.as(admin)('PUT', `${P}/assessments/${f.id}/answers/PD_1_1`, { answer: 'YES_LEGAL_ONLY' }));
    ok(await t.as(admin)('PUT', `${P}/assessments/${f.id}/answers/PD_2_2`, { finding_en: 'A labour migration strategy is being drafted.' }));
    ok(await t.as(admin)('POST', `${P}/assessments/${f.id}/answers/PD_5_1/evidence`, { kind: 'strategy', title: 'National contingency plan for displacement', url: 'https://example.org/plan' }), 201);
    const cmp = ok(await t.as(viewer)('GET', `${P}/assessments/${published}/compare/${f.id}`));
    assert.equal(cmp.framework.same_version, true);
    assert.deepEqual(cmp.framework.added, []);
    const changed = Object.fromEntries(cmp.answers.changed.map((c: any) => [c.from_code, [c.from_answer, c.to_answer, c.direction]]));
    assert.deepEqual(changed, { PD_1_1: ['YES_ALL', 'YES_LEGAL_ONLY', 'worsened'], PD_5_1: ['NO', 'YES', 'improved'] });
    assert.equal(cmp.answers.unchanged, 28);
    assert.deepEqual(cmp.answers.findings_changed, [{ from_code: 'PD_2_2', to_code: 'PD_2_2' }]);
    assert.deepEqual(cmp.evidence.added.map((e: any) => [e.code, e.title]), [['PD_5_1', 'National contingency plan for displacement']]);
    assert.deepEqual(cmp.evidence.removed, []);
    assert.equal(cmp.score_1072.from.complete, true);
    assert.ok(cmp.score_1072.to.score.domains.PD_5.value > cmp.score_1072.from.score.domains.PD_5.value);
  });

  test('a follow-up on a newer framework version maps answers and reports re-mapped indicators', async () => {
    const id = ok(await t.as(admin)('POST', `${P}/assessments`, { title_fa: 'ارزیابی MGI', framework: 'mgi', version: 'iran-2025', scope: 'province', province_code: 'IR-09', ministries: [agency.moi, agency.mfa] }), 201).id;
    for (const [code, a] of [['I_HEALTH', 'PRESENT'], ['I_WORK', 'PARTIAL'], ['I_DATA', 'ABSENT'], ['I_BORDER', 'PRESENT']]) ok(await t.as(admin)('PUT', `${P}/assessments/${id}/answers/${code}`, { answer: a, finding_fa: `یافته ${code}` }));
    const dash = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/dashboard`));
    assert.equal(dash.score_1072.applicable, false);
    assert.equal(dash.total.indicators, 4);
    assert.deepEqual(dash.domains.find((x: any) => x.code === 'MGI_1').gaps.map((g: any) => g.code), ['I_WORK']);
    assert.deepEqual(dash.domains.find((x: any) => x.code === 'MGI_2').gaps.map((g: any) => g.code), ['I_DATA']);
    const gcm = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/gcm`));
    assert.equal(gcm.length, 33);
    assert.deepEqual(gcm.find((o: any) => o.code === '15').items.map((i: any) => [i.code, i.tone]), [['I_HEALTH', 'positive']]);
    assert.deepEqual(gcm.find((o: any) => o.code === '11').items.map((i: any) => i.code), ['I_BORDER']);
    await publish(id);
    const f = ok(await t.as(admin)('POST', `${P}/assessments/${id}/follow-up`, { version: 'iran-2026' }), 201);
    const d = ok(await t.as(viewer)('GET', `${P}/assessments/${f.id}`));
    assert.deepEqual(d.answers.map((a: any) => [a.code, a.answer]).sort(), [['I_DATA', 'ABSENT'], ['I_HEALTH', 'PRESENT'], ['I_WORK_RIGHT', 'PARTIAL']]);
    const cmp = ok(await t.as(viewer)('GET', `${P}/assessments/${id}/compare/${f.id}`));
    assert.deepEqual(cmp.framework.added.map((x: any) => x.code), ['I_REMIT']);
    assert.deepEqual(cmp.framework.removed.map((x: any) => x.code), ['I_BORDER']);
    assert.deepEqual(cmp.framework.remapped.map((x: any) => x.from_code).sort(), ['I_DATA', 'I_HEALTH', 'I_WORK']);
    assert.deepEqual(cmp.answers.changed, []);
    // Nobody adds indicators to a version a published assessment used.
    assert.equal((await t.as(admin)('POST', `${P}/frameworks/mgi/versions/iran-2025/nodes`, { parent_code: 'MGI_3_1', node: { code: 'I_LATE', texts: { en: 'late', fa: 'دیر' } } })).json().error.code, 'gov_framework_version_frozen');
  });

  test('province scope: a focal point of another province neither reads nor edits', async () => {
    const id = ok(await t.as(admin)('POST', `${P}/assessments`, { title_fa: 'ارزیابی استان کرمان', framework: 'mgi', version: 'iran-2026', scope: 'province', province_code: 'IR-08', ministries: [] }), 201).id;
    const mashhad = await t.user([{ role: 'focal_point', provinces: ['IR-09'] }], { agencyId: agency.moi });
    assert.equal((await t.as(mashhad)('GET', `${P}/assessments/${id}`)).statusCode, 403);
    assert.equal((await t.as(mashhad)('PUT', `${P}/assessments/${id}/answers/I_HEALTH`, { answer: 'ABSENT' })).statusCode, 403);
    const mine = ok(await t.as(mashhad)('GET', `${P}/assessments`));
    assert.ok(mine.every((a: any) => a.province_code === null || a.province_code === 'IR-09'));
    assert.ok(!mine.some((a: any) => a.id === id));
    assert.equal((await t.as(mashhad)('POST', `${P}/assessments`, { title_fa: 'کرمان', framework: 'mgi', version: 'iran-2026', scope: 'province', province_code: 'IR-08' })).statusCode, 403);
    assert.equal((await t.as(null)('GET', `${P}/assessments`)).statusCode, 401);
  });

  test('governance roles: focal points answer only their ministry\'s indicators, comment, attach and sign; only coordinators move the assessment', async () => {
    const coordinator = await t.user([{ role: 'coordinator' }]);
    const id = await newSdgAssessment(coordinator);
    const as = (u: TestUser) => t.as(u);
    ok(await as(coordinator)('PUT', `${P}/assessments/${id}/answers/PD_1_1`, { responsible_agency_id: agency.moi }));
    ok(await as(coordinator)('PUT', `${P}/assessments/${id}/answers/PD_1_2`, { responsible_agency_id: agency.mfa }));
    ok(await as(focalMoi)('PUT', `${P}/assessments/${id}/answers/PD_1_1`, { answer: 'YES_ALL', finding_fa: 'پاسخ وزارت کشور' }));
    const other = await as(focalMoi)('PUT', `${P}/assessments/${id}/answers/PD_1_2`, { answer: 'NO' });
    assert.equal(other.statusCode, 403);
    assert.equal(other.json().error.code, 'gov_not_your_indicator');
    assert.equal((await as(focalMoi)('PUT', `${P}/assessments/${id}/answers/PD_2_1`, { answer: 'YES' })).statusCode, 403, 'unassigned: coordinators only');
    assert.equal((await as(focalMoi)('PUT', `${P}/assessments/${id}/answers/PD_1_1`, { responsible_agency_id: agency.mfa })).statusCode, 403, 'no reassigning');
    assert.equal((await as(focalMoi)('PUT', `${P}/assessments/${id}/answers/PD_1_2`, { responsible_agency_id: agency.moi })).statusCode, 403, 'no taking over');
    assert.equal((await db.one(`SELECT answer FROM gov_answers WHERE assessment_id = $1 AND node_code = 'PD_1_2'`, [id]))!.answer, null);
    // Evidence: attach anywhere; remove only one's own (coordinators any).
    const mine = ok(await as(focalMoi)('POST', `${P}/assessments/${id}/answers/PD_1_2/evidence`, { kind: 'report', title: 'گزارش' }), 201);
    assert.equal((await as(focalMfa)('DELETE', `${P}/assessments/${id}/evidence/${mine.id}`)).json().error.code, 'gov_not_your_evidence');
    const theirs = ok(await as(focalMfa)('POST', `${P}/assessments/${id}/answers/PD_1_2/evidence`, { kind: 'report', title: 'گزارش ۲' }), 201);
    assert.equal((await as(focalMfa)('DELETE', `${P}/assessments/${id}/evidence/${theirs.id}`)).statusCode, 204);
    assert.equal((await as(coordinator)('DELETE', `${P}/assessments/${id}/evidence/${mine.id}`)).statusCode, 204);
    // Comments yes, resolving and moving the assessment no.
    const c = ok(await as(focalMoi)('POST', `${P}/assessments/${id}/comments`, { body: 'نظر' }), 201);
    assert.equal((await as(focalMoi)('POST', `${P}/assessments/${id}/comments/${c.id}/resolve`, { resolved: true })).statusCode, 403);
    assert.equal((await move(id, 'SHARED_WITH_FOCAL_POINTS', focalMoi)).statusCode, 403);
    ok(await move(id, 'SHARED_WITH_FOCAL_POINTS', coordinator));
    assert.equal((await move(id, 'DRAFT', focalMoi)).statusCode, 403, 'a focal point cannot send it back to Draft');
    assert.equal((await db.one('SELECT status FROM gov_assessments WHERE id = $1', [id]))!.status, 'SHARED_WITH_FOCAL_POINTS');
    // The page shows only what each may do.
    const fa = ok(await as(focalMoi)('GET', `${P}/assessments/${id}`)).actions;
    assert.deepEqual([fa.coordinate, fa.answer_for, fa.transitions, fa.attach, fa.comment], [false, agency.moi, [], true, true]);
    const ca = ok(await as(coordinator)('GET', `${P}/assessments/${id}`)).actions;
    assert.deepEqual([ca.coordinate, ca.transitions.sort()], [true, ['COMMENTS_ADDRESSED', 'DRAFT']]);
    // National objects need nationwide scope: a provincial focal point or coordinator reads but does not write.
    const provincialFocal = await t.user([{ role: 'focal_point', provinces: ['IR-09'] }], { agencyId: agency.moi });
    const provincialCoord = await t.user([{ role: 'coordinator', provinces: ['IR-09'] }]);
    ok(await as(provincialFocal)('GET', `${P}/assessments/${id}`));
    assert.equal((await as(provincialFocal)('PUT', `${P}/assessments/${id}/answers/PD_1_1`, { answer: 'NO' })).statusCode, 403);
    assert.equal((await as(provincialFocal)('POST', `${P}/assessments/${id}/comments`, { body: 'x' })).statusCode, 403);
    assert.equal((await move(id, 'COMMENTS_ADDRESSED', provincialCoord)).statusCode, 403);
    assert.equal((await as(provincialCoord)('POST', `${P}/assessments`, { title_fa: 'ملی', framework: 'sdg-10.7.2', scope: 'national' })).statusCode, 403);
    assert.equal((await as(provincialCoord)('POST', `${P}/assessments`, { title_fa: 'سیستان', framework: 'mgi', version: 'iran-2026', scope: 'province', province_code: 'IR-11' })).statusCode, 403);
    ok(await as(provincialCoord)('POST', `${P}/assessments`, { title_fa: 'خراسان', framework: 'mgi', version: 'iran-2026', scope: 'province', province_code: 'IR-09' }), 201);
    assert.equal((await as(provincialCoord)('POST', `${P}/frameworks/mgi/versions`, { version: 'p-1', from_version: 'iran-2026' })).statusCode, 403, 'frameworks are national');
    assert.ok(Number((await db.one(`SELECT count(*) AS n FROM audit_log WHERE action = 'access.denied' AND actor_id = $1 AND subject_id = $2`, [provincialFocal.id, String(id)]))!.n) >= 2, 'denials are audited');
    // Agency scope: a user bound to an agency that does not take part does not see it.
    const iomViewer = await t.user([{ role: 'viewer', agencyIds: [agency.iom] }], { agencyId: agency.iom });
    assert.equal((await as(iomViewer)('GET', `${P}/assessments/${id}`)).statusCode, 403);
    assert.ok(!ok(await as(iomViewer)('GET', `${P}/assessments`)).some((a: any) => a.id === id));
    const moiViewer = await t.user([{ role: 'viewer', agencyIds: [agency.moi] }], { agencyId: agency.moi });
    ok(await as(moiViewer)('GET', `${P}/assessments/${id}`));
    // Exports and evidence files are audited reads.
    await as(viewer)('GET', `${P}/assessments/${id}/export.json`);
    assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'governance.assessment.export' AND actor_id = $1 AND subject_id = $2`, [viewer.id, String(id)]));
  });

  test('exports: XLSX right-to-left in Persian; the report page in both languages; PDF or a clear 503', async () => {
    const x = await t.as(viewer)('GET', `${P}/assessments/${published}/export.xlsx?lang=fa`);
    assert.equal(x.statusCode, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as any);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['خلاصه', 'شاخص‌ها', 'مستندات', 'تأیید وزارتخانه‌ها', 'نظرها']);
    assert.equal((wb.worksheets[0]!.views[0] as any).rightToLeft, true);
    assert.equal(wb.getWorksheet('شاخص‌ها')!.rowCount, 31);
    const en = await t.as(viewer)('GET', `${P}/assessments/${published}/export.xlsx?lang=en`);
    const wbe = new ExcelJS.Workbook();
    await wbe.xlsx.load(en.rawPayload as any);
    assert.equal((wbe.worksheets[0]!.views[0] as any).rightToLeft, false);

    const fa = await t.as(viewer)('GET', `${P}/assessments/${published}/report.html?lang=fa`);
    assert.equal(fa.statusCode, 200);
    assert.match(fa.headers['content-type'] as string, /text\/html/);
    assert.match(fa.body, /<html lang="fa" dir="rtl">/);
    assert.match(fa.body, /font-family:Vazirmatn/);
    assert.match(fa.body, /\/api\/v1\/governance\/fonts\/Vazirmatn-Regular\.woff2/);
    assert.match(fa.body, /نیم‌رخ حکمرانی مهاجرت/);
    assert.match(fa.body, /(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) ۱۴[۰-۹]{2}/, 'a Jalali date with Persian digits');
    assert.match(fa.body, /sha256 [0-9a-f]{64}/);
    const enr = await t.as(viewer)('GET', `${P}/assessments/${published}/report.html?lang=en`);
    assert.match(enr.body, /<html lang="en" dir="ltr">/);
    assert.match(enr.body, /Key findings by domain/);
    const font = await t.as(null)('GET', `${P}/fonts/Vazirmatn-Regular.woff2`);
    assert.equal(font.statusCode, 200);
    assert.equal(font.headers['content-type'], 'font/woff2');
    assert.equal((await t.as(null)('GET', `${P}/assessments/${published}/report.html`)).statusCode, 401);

    const saved = process.env.MARZ_CHROMIUM;
    process.env.MARZ_CHROMIUM = '/nonexistent/chromium';
    try {
      const r = await t.as(viewer)('GET', `${P}/assessments/${published}/report.pdf?lang=fa`);
      assert.equal(r.statusCode, 503);
      assert.equal(r.json().error.code, 'pdf_unavailable');
    } finally {
      if (saved === undefined) delete process.env.MARZ_CHROMIUM;
      else process.env.MARZ_CHROMIUM = saved;
    }
  });

  test('the PDF profile is printed by Chromium in both languages', { skip: existsSync(process.env.MARZ_CHROMIUM ?? '/usr/bin/chromium') ? false : 'Chromium is not installed: PDF printing not tested' }, async () => {
    for (const lang of ['fa', 'en']) {
      const r = await t.as(viewer)('GET', `${P}/assessments/${published}/report.pdf?lang=${lang}`);
      assert.equal(r.statusCode, 200, r.body.slice(0, 300));
      assert.equal(r.headers['content-type'], 'application/pdf');
      assert.equal(r.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.ok(r.rawPayload.length > 20_000, 'fonts are embedded');
    }
  });

  test('a backup restores published assessments intact, still frozen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marz-gov-backup-'));
    const target = await testDatabase();
    try {
      const file = join(dir, 'marz.backup');
      await backup(db, file);
      await restore(target, file);
      const snap = await target.one('SELECT snapshot, sha256 FROM gov_snapshots WHERE assessment_id = $1', [published]);
      const original = await db.one('SELECT sha256 FROM gov_snapshots WHERE assessment_id = $1', [published]);
      assert.equal(snap!.sha256, original!.sha256);
      await assert.rejects(target.query(`UPDATE gov_answers SET answer = 'NO' WHERE assessment_id = ${published}`), /published/);
      await assert.rejects(target.query(`UPDATE gov_snapshots SET sha256 = 'x'`), /immutable/);
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the API scores 10.7.2 answers like the command line', async () => {
    const r = ok(await t.as(viewer)('POST', `${P}/score-1072`, ANSWERS));
    assert.deepEqual(r, scoreSdg1072(ANSWERS));
    const missing = await t.as(viewer)('POST', `${P}/score-1072`, { ...ANSWERS, PD_6: ['YES'] });
    assert.equal(missing.statusCode, 422);
    assert.equal(missing.json().error.code, 'gov_1072_incomplete');
    assert.deepEqual(missing.json().error.details.map((p: any) => p.item), ['PD_6_2', 'PD_6_3', 'PD_6_4', 'PD_6_5']);
  });
});

describe(`[${TEST_ENGINE}] coordination structures`, () => {
  test('members, meetings with attendance, action items; the workplan flags overdue items', async () => {
    const denied = await t.as(focalMoi)('POST', `${P}/coordination`, { kind: 'un_network', level: 'national', name_en: 'UN Network' });
    assert.equal(denied.statusCode, 403);
    const s = ok(await t.as(admin)('POST', `${P}/coordination`, { kind: 'un_network', level: 'national', name_en: 'UN Network on Migration in Iran', name_fa: 'شبکه سازمان ملل درباره مهاجرت در ایران' }), 201).id;
    const chair = ok(await t.as(admin)('POST', `${P}/coordination/${s}/members`, { agency_id: agency.iom, person_name: 'Coordinator', role: 'chair', focal_person: true }), 201).id;
    const moi = ok(await t.as(admin)('POST', `${P}/coordination/${s}/members`, { agency_id: agency.moi, person_name: 'رابط وزارت کشور', focal_person: true }), 201).id;
    const meeting = ok(
      await t.as(admin)('POST', `${P}/coordination/${s}/meetings`, { held_on: '2025-04-20', title: 'Quarterly meeting', agenda: '1. Workplan\n2. MGI', minutes: 'Agreed on the MGI timeline.', attendance: [{ member_id: chair, present: true }, { member_id: moi, present: false }] }),
      201,
    ).id;
    const act = (body: object) => t.as(admin)('POST', `${P}/coordination/${s}/actions`, { meeting_id: meeting, ...body });
    const late = ok(await act({ title: 'Share the MGI draft', owner_agency_id: agency.iom, owner_member_id: chair, due_on: '2025-05-01', gcm_objectives: [1, 23], indicators: ['sdg-10.7.2:PD_3_1'] }), 201).id;
    ok(await act({ title: 'Finished on time', due_on: '2025-04-30', status: 'done' }), 201);
    ok(await act({ title: 'Due later', owner_agency_id: agency.moi, due_on: '2025-07-01', status: 'in_progress', gcm_objectives: [11] }), 201);
    ok(await act({ title: 'No due date' }), 201);
    assert.equal((await act({ title: 'Bad link', indicators: ['sdg-10.7.2:PD_9_9'] })).json().error.code, 'gov_unknown_indicator');
    assert.equal((await act({ title: 'Bad objective', gcm_objectives: [24] })).statusCode, 400);

    const wp = ok(await t.as(viewer)('GET', `${P}/coordination/${s}/workplan?today=2025-06-01`));
    assert.equal(wp.overdue, 1);
    assert.deepEqual(wp.items.map((i: any) => [i.title, i.overdue]), [['Share the MGI draft', true], ['Finished on time', false], ['Due later', false], ['No due date', false]]);
    assert.equal(wp.items[0].days_left, -31);
    assert.deepEqual(wp.items[0].gcm_objectives, [1, 23]);
    assert.deepEqual(wp.by_status, { open: 2, in_progress: 1, done: 1, cancelled: 0 });
    assert.equal(ok(await t.as(viewer)('GET', `${P}/coordination/${s}/workplan?today=2025-05-01`)).overdue, 0, 'due today is not overdue');
    assert.deepEqual(ok(await t.as(viewer)('GET', `${P}/workplan?today=2025-06-01&gcm=11`)).items.map((i: any) => i.title), ['Due later']);

    // An editor (the owning focal point) may change the status only; done items are never overdue.
    assert.equal((await t.as(focalMoi)('PATCH', `${P}/coordination/${s}/actions/${late}`, { title: 'renamed' })).statusCode, 403);
    ok(await t.as(focalMoi)('PATCH', `${P}/coordination/${s}/actions/${late}`, { status: 'done' }));
    const after = ok(await t.as(viewer)('GET', `${P}/coordination/${s}?today=2025-06-01`));
    assert.equal(after.actions.find((a: any) => a.id === late).overdue, false);
    assert.equal(after.actions.find((a: any) => a.id === late).status, 'done');
    assert.deepEqual(after.meetings[0].attendance, [{ member_id: chair, present: true }, { member_id: moi, present: false }]);
    assert.equal(after.members.length, 2);
    assert.equal(after.can_manage, false);
    const list = ok(await t.as(viewer)('GET', `${P}/coordination`));
    assert.equal(list.find((x: any) => x.id === s).members, 2);
    for (const action of ['governance.coordination.create', 'governance.coordination.member.add', 'governance.coordination.meeting.add', 'governance.coordination.action.add', 'governance.coordination.action.update']) {
      assert.ok(await db.one('SELECT 1 FROM audit_log WHERE action = $1 AND subject_id = $2', [action, String(s)]), `${action} audited`);
    }
    const prov = await t.as(admin)('POST', `${P}/coordination`, { kind: 'working_group', level: 'provincial', name_fa: 'کارگروه مهاجرت خراسان رضوی' });
    assert.equal(prov.json().error.code, 'gov_province_required');
    ok(await t.as(admin)('POST', `${P}/coordination`, { kind: 'working_group', level: 'provincial', province_code: 'IR-09', name_fa: 'کارگروه مهاجرت خراسان رضوی' }), 201);
  });
});
