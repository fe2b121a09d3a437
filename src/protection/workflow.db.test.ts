import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { testDatabase, testApp, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { multipart } from './multipart.testkit.ts';
import { setRetentionRule } from './workflow.ts';
import { cliActor } from '../platform/audit.ts';

const dir = mkdtempSync(join(tmpdir(), 'marz-protection-wf-'));
process.env.MARZ_PROTECTION_KEY_FILE = join(dir, 'protection.key');

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
const ag: Record<string, number> = {};
const u: Record<string, TestUser> = {};
const NAME = 'Mariamtestname';

before(async () => {
  db = await testDatabase();
  for (const r of await db.many('SELECT id, code FROM agencies')) ag[r.code] = Number(r.id);
  await db.query(`INSERT INTO roles (code, name_en, name_fa, permissions) VALUES ('prot_supervisor', 'Supervisor', 'سرپرست', $1)`, [['protection.read', 'protection.identity', 'protection.edit', 'protection.refer', 'protection.consent_override']]);
  t = await testApp(db);
  u.cw = await t.user([{ role: 'protection_case_worker', agencyIds: [ag.iom!], provinces: ['IR-09'] }]);
  u.sup = await t.user([{ role: 'prot_supervisor', agencyIds: [ag.iom!], provinces: ['IR-09'] }]);
  u.otherProvince = await t.user([{ role: 'protection_case_worker', agencyIds: [ag.iom!], provinces: ['IR-04'] }]);
  u.otherAgency = await t.user([{ role: 'protection_case_worker', agencyIds: [ag.unhcr!], provinces: ['IR-09'] }]);
  u.recipient = await t.user([{ role: 'protection_case_worker', agencyIds: [ag.ircs!], provinces: ['IR-09'] }]);
  u.viewer = await t.user([{ role: 'viewer', provinces: null }]);
  u.focal = await t.user([{ role: 'data_protection_focal_point', agencyIds: [ag.iom!], provinces: null }]);
});
after(async () => {
  await t.app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const screening = (over: Record<string, unknown> = {}) => ({
  owner_agency_id: ag.iom,
  fmp: 'dogharoun',
  screened_on: '2025-05-01',
  sex: 'female',
  age: 24,
  nationality: 'AFG',
  given_name: NAME,
  family_name: 'Testfamily',
  indicators: ['ilo_deception', 'dtm_unpaid_work'],
  assessment: 'Recruited with a false job offer; documents taken.',
  outcome: 'possible_victim',
  exploitation: ['forced_labour'],
  consent: { share_fields: ['identity'], share_with: ['medical', 'shelter'], statistics: true, retention_told: true },
  ...over,
});

let caseId = '';
let childId = '';

test('screening opens a case; a child needs the best-interests step; a resent screening is stored once', async () => {
  const sid = randomUUID();
  const r = await t.as(u.cw!)('POST', '/api/v1/protection/screenings', screening({ screening_id: sid }));
  assert.equal(r.statusCode, 201, r.body);
  caseId = r.json().case_id;
  const again = await t.as(u.cw!)('POST', '/api/v1/protection/screenings', screening({ screening_id: sid, case_id: caseId }));
  assert.equal(again.statusCode, 200);
  assert.equal((await db.one('SELECT count(*)::int n FROM protection_cases'))!.n, 1);
  const child = await t.as(u.cw!)('POST', '/api/v1/protection/screenings', screening({ age: 15 }), { 'x-marz-locale': 'fa' });
  assert.equal(child.statusCode, 400);
  assert.equal(child.json().error.code, 'protection_best_interests_required');
  assert.match(child.json().error.message, /کودک/);
  const ok = await t.as(u.cw!)('POST', '/api/v1/protection/screenings', screening({ age: 15, outcome: 'urgent', urgent_reasons: ['child'], best_interests: { separated_or_unaccompanied: true, guardian_identified: false, assessment: 'Unaccompanied; referred to guardianship.' } }));
  assert.equal(ok.statusCode, 201, ok.body);
  childId = ok.json().case_id;
  // other agency / province cannot screen for iom
  assert.equal((await t.as(u.otherAgency!)('POST', '/api/v1/protection/screenings', screening())).statusCode, 403);
  assert.equal((await t.as(u.otherProvince!)('POST', '/api/v1/protection/screenings', screening())).statusCode, 403);
});

test('the offline queue key: one per user, only for screeners, kept encrypted', async () => {
  const a = await t.as(u.cw!)('GET', '/api/v1/protection/offline-key');
  assert.equal(a.statusCode, 200);
  assert.equal(Buffer.from(a.json().key, 'base64').length, 32);
  assert.equal((await t.as(u.cw!)('GET', '/api/v1/protection/offline-key')).json().key, a.json().key);
  assert.notEqual((await t.as(u.recipient!)('GET', '/api/v1/protection/offline-key')).json().key, a.json().key);
  assert.equal((await t.as(u.viewer!)('GET', '/api/v1/protection/offline-key')).statusCode, 403);
  assert.equal((await t.as(u.focal!)('GET', '/api/v1/protection/offline-key')).statusCode, 403);
  const row = await db.one('SELECT key_enc FROM protection_device_keys WHERE user_id = $1', [u.cw!.id]);
  assert.match(row!.key_enc, /^v1\./);
  assert.ok(!row!.key_enc.includes(a.json().key));
});

test('the owner reads names; other agency, other province and roles without the verbs get nothing', async () => {
  const r = await t.as(u.cw!)('GET', `/api/v1/protection/cases/${caseId}`);
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().case.given_name, NAME);
  assert.equal(r.json().screenings[0].assessment, 'Recruited with a false job offer; documents taken.');
  for (const who of ['otherAgency', 'otherProvince', 'viewer']) {
    const x = await t.as(u[who]!)('GET', `/api/v1/protection/cases/${caseId}`);
    assert.ok([403, 404].includes(x.statusCode), who);
    assert.ok(!x.body.includes(NAME));
    const list = await t.as(u[who]!)('GET', '/api/v1/protection/cases');
    assert.ok(!list.body.includes(caseId), who);
  }
  // the focal point reads the case but not the identity fields
  const f = await t.as(u.focal!)('GET', `/api/v1/protection/cases/${caseId}`);
  assert.equal(f.statusCode, 200);
  assert.equal(f.json().case.given_name, undefined);
  assert.ok(f.json().case.hidden_fields.includes('given_name'));
  const a = await db.one(`SELECT count(*)::int n FROM audit_log WHERE action = 'protection.case.read' AND subject_id = $1`, [caseId]);
  assert.equal(a!.n, 2);
});

test('status decisions carry authority, legal basis and date; only allowed changes', async () => {
  const r = await t.as(u.cw!)('POST', `/api/v1/protection/cases/${caseId}/status`, { status: 'presumed', deciding_authority: 'Provincial anti-trafficking committee', legal_basis: 'Law on combating human trafficking, art. 1', decided_on: '2025-05-10' });
  assert.equal(r.statusCode, 204, r.body);
  const back = await t.as(u.cw!)('POST', `/api/v1/protection/cases/${caseId}/status`, { status: 'possible', deciding_authority: 'x committee', legal_basis: 'xx', decided_on: '2025-05-10' });
  assert.equal(back.statusCode, 409);
  const h = await t.as(u.cw!)('GET', `/api/v1/protection/cases/${caseId}`);
  assert.deepEqual(h.json().status_history.map((s: any) => s.status), ['possible', 'presumed']);
  assert.equal(h.json().status_history[1].deciding_authority, 'Provincial anti-trafficking committee');
  assert.equal((await t.as(u.recipient!)('POST', `/api/v1/protection/cases/${caseId}/status`, { status: 'confirmed', deciding_authority: 'x committee', legal_basis: 'xx', decided_on: '2025-05-10' })).statusCode, 404);
});

test('referral without consent is refused; override needs the permission and a reason, and alerts the focal point', async () => {
  const legal = { to_agency_id: ag.ircs, service: 'legal', pillar: 'justice', fields: ['identity'] };
  const r = await t.as(u.cw!)('POST', `/api/v1/protection/cases/${caseId}/referrals`, legal);
  assert.equal(r.statusCode, 409);
  assert.equal(r.json().error.code, 'protection_consent_required');
  const noPerm = await t.as(u.cw!)('POST', `/api/v1/protection/cases/${caseId}/referrals`, { ...legal, override_reason: 'Court hearing tomorrow, person unreachable' });
  assert.equal(noPerm.statusCode, 403);
  // consent covers identity + medical but not exploitation detail
  const fields = await t.as(u.cw!)('POST', `/api/v1/protection/cases/${caseId}/referrals`, { to_agency_id: ag.ircs, service: 'medical', pillar: 'support', fields: ['identity', 'exploitation_detail'] });
  assert.equal(fields.statusCode, 409);
  const over = await t.as(u.sup!)('POST', `/api/v1/protection/cases/${caseId}/referrals`, { ...legal, to_agency_id: ag.moh, override_reason: 'Court hearing tomorrow, person unreachable' });
  assert.equal(over.statusCode, 201, over.body);
  assert.equal(over.json().consented, false);
  const alerts = await t.as(u.focal!)('GET', '/api/v1/protection/alerts');
  assert.ok(alerts.json().items.some((a: any) => a.kind === 'consent_override' && a.case_id === caseId));
  assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'protection.referral.consent_override' AND subject_id = $1`, [caseId]));
});

test('a consented referral carries only its fields; accept, done marks the service delivered; overdue list', async () => {
  const r = await t.as(u.cw!)('POST', `/api/v1/protection/cases/${caseId}/referrals`, { to_agency_id: ag.ircs, service: 'medical', pillar: 'support', fields: ['identity'], due_on: '2025-05-02', note: 'Needs a doctor' });
  assert.equal(r.statusCode, 201, r.body);
  const refId = r.json().id;
  const seen = await t.as(u.recipient!)('GET', `/api/v1/protection/cases/${caseId}`);
  assert.equal(seen.statusCode, 200);
  assert.equal(seen.json().case.given_name, NAME);
  assert.equal(seen.json().case.exploitation_detail, undefined);
  assert.equal(seen.json().screenings[0].assessment, undefined);
  assert.equal(seen.json().consents.length, 0);
  assert.deepEqual(seen.json().referrals.map((x: any) => x.id), [refId]); // not the moh referral
  const overdue = await t.as(u.recipient!)('GET', '/api/v1/protection/referrals?box=in&overdue=true');
  assert.deepEqual(overdue.json().items.map((x: any) => x.id), [refId]);
  assert.equal((await t.as(u.otherAgency!)('POST', `/api/v1/protection/referrals/${refId}/accept`, {})).statusCode, 404);
  assert.equal((await t.as(u.recipient!)('POST', `/api/v1/protection/referrals/${refId}/done`, {})).statusCode, 409);
  assert.equal((await t.as(u.recipient!)('POST', `/api/v1/protection/referrals/${refId}/accept`, {})).json().status, 'accepted');
  assert.equal((await t.as(u.recipient!)('POST', `/api/v1/protection/referrals/${refId}/done`, { note: 'Treated at the clinic' })).json().status, 'done');
  const after = await t.as(u.cw!)('GET', `/api/v1/protection/cases/${caseId}`);
  const f = after.json().followups.find((x: any) => x.referral_id === refId);
  assert.equal(f.delivered, true);
  assert.equal(f.body, 'Treated at the clinic');
  assert.equal(after.json().pillars.support.delivered, 1);
  assert.equal((await t.as(u.recipient!)('GET', '/api/v1/protection/referrals?box=in&overdue=true')).json().items.length, 0);
  // follow-up by the owner; case worker assignment; transfer moves ownership on acceptance
  assert.equal((await t.as(u.cw!)('POST', `/api/v1/protection/cases/${caseId}/followups`, { kind: 'note', pillar: 'inclusion', body: 'Family contacted' })).statusCode, 201);
  assert.equal((await t.as(u.cw!)('PATCH', `/api/v1/protection/cases/${caseId}`, { case_worker_id: u.sup!.id, perpetrator: 'Recruiter known as X' })).statusCode, 204);
});

test('documents: stored encrypted, read back by those who may see identity, every read audited', async () => {
  const scan = Buffer.from('%PDF-1.4 scanned letter of Mariamtestname');
  const m = multipart('نامه.pdf', scan);
  const up = await t.app.inject({ method: 'POST', url: `/api/v1/protection/cases/${caseId}/documents`, payload: m.payload, headers: { ...m.headers, cookie: u.cw!.cookie, 'x-csrf-token': u.cw!.csrf } });
  assert.equal(up.statusCode, 201, up.body);
  const id = up.json().id;
  const row = await db.one('SELECT name_enc, content_enc, size FROM protection_documents WHERE id = $1', [id]);
  assert.equal(row!.size, scan.length);
  assert.ok(!row!.content_enc.includes(scan.toString('base64')) && !row!.name_enc.includes('نامه'));
  const got = await t.as(u.cw!)('GET', `/api/v1/protection/documents/${id}`);
  assert.equal(got.statusCode, 200);
  assert.deepEqual(got.rawPayload, scan);
  assert.match(got.headers['content-disposition'] as string, /%D9%86%D8%A7%D9%85%D9%87\.pdf/);
  assert.equal((await t.as(u.focal!)('GET', `/api/v1/protection/documents/${id}`)).statusCode, 403); // reads the case, not identity
  assert.equal((await t.as(u.otherAgency!)('GET', `/api/v1/protection/documents/${id}`)).statusCode, 404);
  const detail = await t.as(u.cw!)('GET', `/api/v1/protection/cases/${caseId}`);
  assert.equal(detail.json().documents[0].name, 'نامه.pdf');
  assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'protection.case.document_read' AND subject_id = $1`, [caseId]));
});

test('break-glass needs a reason, opens the case for a while and alerts the focal point', async () => {
  assert.equal((await t.as(u.otherAgency!)('POST', `/api/v1/protection/cases/${caseId}/break-glass`, { reason: 'short' })).statusCode, 400);
  assert.equal((await t.as(u.viewer!)('POST', `/api/v1/protection/cases/${caseId}/break-glass`, { reason: 'Medical emergency at the crossing' })).statusCode, 404);
  assert.equal((await t.as(u.otherProvince!)('POST', `/api/v1/protection/cases/${caseId}/break-glass`, { reason: 'Medical emergency at the crossing' })).statusCode, 404);
  const g = await t.as(u.otherAgency!)('POST', `/api/v1/protection/cases/${caseId}/break-glass`, { reason: 'Medical emergency at the crossing' });
  assert.equal(g.statusCode, 201);
  const r = await t.as(u.otherAgency!)('GET', `/api/v1/protection/cases/${caseId}`);
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().access.via, 'break_glass');
  assert.equal(r.json().case.perpetrator, 'Recruiter known as X');
  const alerts = (await t.as(u.focal!)('GET', '/api/v1/protection/alerts')).json().items;
  const a = alerts.find((x: any) => x.kind === 'break_glass');
  assert.equal(a.details.reason, 'Medical emergency at the crossing');
  assert.equal((await t.as(u.focal!)('POST', `/api/v1/protection/alerts/${a.id}/acknowledge`, {})).statusCode, 204);
  assert.equal((await t.as(u.cw!)('POST', `/api/v1/protection/alerts/${a.id}/acknowledge`, {})).statusCode, 404);
});

test('transfer: needs consent to share everything; accepted, it moves the case to the other agency', async () => {
  const transfer = { kind: 'transfer', to_agency_id: ag.unhcr, service: 'case_management', pillar: 'support' };
  assert.equal((await t.as(u.cw!)('POST', `/api/v1/protection/cases/${childId}/referrals`, transfer)).statusCode, 409);
  assert.equal((await t.as(u.cw!)('POST', `/api/v1/protection/cases/${childId}/consents`, { share_fields: ['identity', 'exploitation_detail', 'perpetrator'], share_with: ['case_management'], statistics: true, retention_told: true })).statusCode, 201);
  const r = await t.as(u.cw!)('POST', `/api/v1/protection/cases/${childId}/referrals`, transfer);
  assert.equal(r.statusCode, 201, r.body);
  assert.equal((await t.as(u.otherAgency!)('POST', `/api/v1/protection/referrals/${r.json().id}/accept`, {})).json().status, 'accepted');
  const now = await t.as(u.otherAgency!)('GET', `/api/v1/protection/cases/${childId}`);
  assert.equal(now.json().access.via, 'owner');
  assert.equal(now.json().case.owner_agency_id, ag.unhcr);
  assert.equal((await t.as(u.cw!)('GET', `/api/v1/protection/cases/${childId}`)).statusCode, 404, 'the former owner no longer reads it');
});

test('indicator lists are configurable by the focal point', async () => {
  assert.equal((await t.as(u.cw!)('PUT', '/api/v1/protection/indicators/local_debt_to_smuggler', { list: 'local', label_en: 'Owes money to a smuggler', label_fa: 'بدهی به قاچاقچی' })).statusCode, 403);
  assert.equal((await t.as(u.focal!)('PUT', '/api/v1/protection/indicators/local_debt_to_smuggler', { list: 'local', label_en: 'Owes money to a smuggler', label_fa: 'بدهي به قاچاقچي' })).statusCode, 204);
  assert.equal((await t.as(u.focal!)('PUT', '/api/v1/protection/indicators/dtm_organ_offer', { list: 'dtm_ct_proxy', label_en: 'x', label_fa: 'x', active: false })).statusCode, 204);
  const list = (await t.as(u.cw!)('GET', '/api/v1/protection/indicators')).json().indicators;
  assert.equal(list.find((i: any) => i.code === 'local_debt_to_smuggler').label_fa, 'بدهی به قاچاقچی');
  assert.ok(!list.some((i: any) => i.code === 'dtm_organ_offer'));
});

test('data-subject report: who saw what of this record, when — for the focal point only', async () => {
  assert.equal((await t.as(u.cw!)('GET', `/api/v1/protection/cases/${caseId}/access-report`)).statusCode, 404);
  const list = await t.as(u.cw!)('GET', '/api/v1/protection/cases');
  assert.ok(list.json().items.some((c: any) => c.id === caseId && c.given_name === NAME));
  const found = await t.as(u.cw!)('POST', '/api/v1/protection/cases/search', { name: ' mariamTESTname ' });
  assert.equal(found.json().items.length, 1); // the child screened with the same name has been transferred to another agency
  assert.ok(found.json().items.some((c: any) => c.id === caseId) && found.json().items.every((c: any) => c.given_name === NAME));
  assert.deepEqual((await t.as(u.cw!)('POST', '/api/v1/protection/cases/search', { name: 'Nobody' })).json().items, []);
  // the recipient agency (a referral carried the identity) may not search by name among cases it does not own
  assert.deepEqual((await t.as(u.recipient!)('POST', '/api/v1/protection/cases/search', { name: NAME })).json().items, []);
  assert.equal((await t.as(u.focal!)('POST', '/api/v1/protection/cases/search', { name: NAME })).statusCode, 403);
  const r = await t.as(u.focal!)('GET', `/api/v1/protection/cases/${caseId}/access-report`);
  assert.equal(r.statusCode, 200);
  const entries = r.json().entries;
  const actions = new Set(entries.map((e: any) => e.action));
  for (const a of ['protection.case.screen', 'protection.case.read', 'protection.case.status', 'protection.referral.create', 'protection.referral.accept', 'protection.case.break_glass', 'protection.case.list']) assert.ok(actions.has(a), a);
  assert.ok(!r.body.includes(NAME));
});

test('statistics: permission needed; consent withdrawal takes a case out', async () => {
  assert.equal((await t.as(u.viewer!)('GET', '/api/v1/protection/stats?by=sex')).statusCode, 403);
  assert.equal((await t.as(u.cw!)('GET', '/api/v1/protection/stats?by=sex,nope')).statusCode, 400);
  const s = await t.as(u.cw!)('GET', '/api/v1/protection/stats?by=sex');
  assert.equal(s.statusCode, 200);
  assert.equal(s.json().excluded_no_consent, 0);
  assert.deepEqual(s.json().cells, [{ sex: 'female', count: null }]); // 2 cases < k
  const w = await t.as(u.cw!)('POST', `/api/v1/protection/cases/${caseId}/consents`, { share_fields: [], share_with: [], statistics: true, retention_told: true, withdrawn: true });
  assert.equal(w.json().version, 2);
  assert.equal((await t.as(u.cw!)('GET', '/api/v1/protection/stats?by=sex')).json().excluded_no_consent, 1);
  const csv = await t.as(u.cw!)('GET', '/api/v1/protection/stats.csv?by=sex,status&k=11');
  assert.match(csv.body, /gender,identification_status,number_of_victims,suppressed,disclosure_k/);
  // after withdrawal, a new referral is refused
  assert.equal((await t.as(u.cw!)('POST', `/api/v1/protection/cases/${caseId}/referrals`, { to_agency_id: ag.ircs, service: 'shelter', pillar: 'support', fields: [] })).statusCode, 409);
});

test('retention: dry run lists, legal hold stops, apply anonymises (names gone, facts kept)', async () => {
  assert.equal((await t.as(u.cw!)('PATCH', `/api/v1/protection/cases/${caseId}`, { close: { reason: 'services_completed' } })).statusCode, 204);
  await db.query(`UPDATE protection_cases SET closed_at = now() - interval '11 years' WHERE id = $1`, [caseId]);
  const dry = await t.as(u.focal!)('POST', '/api/v1/protection/retention', { apply: false });
  assert.deepEqual(dry.json().due.map((d: any) => [d.case_id, d.action]), [[caseId, 'anonymise']]);
  assert.ok((await db.one('SELECT given_name_enc FROM protection_cases WHERE id = $1', [caseId]))!.given_name_enc);
  assert.equal((await t.as(u.focal!)('POST', `/api/v1/protection/cases/${caseId}/legal-hold`, { hold: true, reason: 'Prosecution pending' })).statusCode, 204);
  const held = await t.as(u.focal!)('POST', '/api/v1/protection/retention', { apply: true });
  assert.equal(held.json().due.length, 0);
  assert.equal(held.json().on_legal_hold, 1);
  await t.as(u.focal!)('POST', `/api/v1/protection/cases/${caseId}/legal-hold`, { hold: false });
  assert.equal((await t.as(u.cw!)('POST', '/api/v1/protection/retention', { apply: true })).statusCode, 403);
  // a longer rule for this record type: nothing is due any more
  await db.tx((c) => setRetentionRule(c, cliActor('test'), 'case_victim', 'anonymise', 20));
  assert.equal((await t.as(u.focal!)('POST', '/api/v1/protection/retention', { apply: false })).json().due.length, 0);
  await db.tx((c) => setRetentionRule(c, cliActor('test'), 'case_victim', 'anonymise', 10));
  const done = await t.as(u.focal!)('POST', '/api/v1/protection/retention', { apply: true });
  assert.equal(done.json().anonymise, 1);
  const row = await db.one('SELECT given_name_enc, family_name_enc, perpetrator_enc, anonymised_at, sex, nationality FROM protection_cases WHERE id = $1', [caseId]);
  assert.deepEqual([row!.given_name_enc, row!.family_name_enc, row!.perpetrator_enc, row!.sex, row!.nationality], [null, null, null, 'female', 'AFG']);
  assert.ok(row!.anonymised_at);
});
