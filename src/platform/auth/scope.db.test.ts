// The access mechanism on flows' shared configuration and sensitive reads: mappings and survey
// questions are bounded by their owner's provinces (unowned ones are national), records out of
// scope do not show, denials and sensitive reads are audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../testing.ts';
import type { Database } from '../db/database.ts';
import { addDays, todayIso } from '../calendar.ts';
import { covers } from './scope.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
let khorasan: TestUser;
let khorasan2: TestUser;
let sistan: TestUser;
const mapping = JSON.parse(readFileSync(new URL('../../flows/mappings/kobo-fmr-example.json', import.meta.url), 'utf8'));
const question = (code: string, text = 'Q') => ({ code, module: 'needs', kind: 'text', text_en: text, text_fa: 'پرسش', position: 500 });
const n = async (sql: string, params: unknown[] = []) => Number((await db.one(sql, params))!.n);

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  admin = await t.user([{ role: 'admin' }]);
  khorasan = await t.user([{ role: 'data_officer', provinces: ['IR-09'] }]);
  khorasan2 = await t.user([{ role: 'data_officer', provinces: ['IR-09'] }]);
  sistan = await t.user([{ role: 'data_officer', provinces: ['IR-11'] }]);
});
after(async () => {
  await t.app.close();
  await db.close();
});

test('covers: provinces, nationwide, agencies (any or all), owners', () => {
  const p = (provinces: string[] | null, agencyIds: number[] = []) => ({ id: 'me', username: 'me', displayName: 'me', locale: 'en' as const, agencyId: null, assignments: [{ role: 'r', permissions: ['x'], agencyIds, provinces }] });
  assert.equal(covers(p(['IR-09']), 'x', { provinces: ['IR-09'] }), true);
  assert.equal(covers(p(['IR-09']), 'x', { provinces: ['IR-09', 'IR-11'] }), false, 'wholly inside only');
  assert.equal(covers(p(['IR-09']), 'x', { provinces: null }), false, 'national needs nationwide');
  assert.equal(covers(p(null), 'x', { provinces: null }), true);
  assert.equal(covers(p(['IR-09']), 'y', { provinces: ['IR-09'] }), false, 'another permission');
  assert.equal(covers(p(null, [1]), 'x', { provinces: null, agencies: [2] }), false);
  assert.equal(covers(p(null, [1]), 'x', { provinces: null, agencies: [1, 2] }), true, 'any of the owning agencies');
  assert.equal(covers(p(null, [1]), 'x', { provinces: null, agencies: [1, 2], agencyMatch: 'all' }), false);
  assert.equal(covers(p(null, [1]), 'x', { provinces: null, agencies: 'all' }), false, 'agency-bound is not every agency');
  assert.equal(covers(p(['IR-11']), 'x', { provinces: ['IR-09'], owner: 'me' }), true, 'owners pass');
  assert.equal(covers(null, 'x', { provinces: [] }), false);
});

test(`[${TEST_ENGINE}] import mappings: made by a province, changed only within it; unowned ones are national`, async () => {
  assert.equal((await t.as(khorasan)('PUT', '/api/v1/flows/mappings/mashhad-kobo', mapping)).statusCode, 200);
  const row = await db.one(`SELECT owner_id, provinces FROM access_owners WHERE subject_type = 'flow_mapping' AND subject_id = 'mashhad-kobo'`);
  assert.deepEqual([row!.owner_id, row!.provinces], [khorasan.id, ['IR-09']]);
  const before = await db.one(`SELECT updated_by FROM flow_mappings WHERE name = 'mashhad-kobo'`);
  const over = await t.as(sistan)('PUT', '/api/v1/flows/mappings/mashhad-kobo', { ...mapping, name: 'hijacked' });
  assert.equal(over.statusCode, 403);
  assert.deepEqual(await db.one(`SELECT updated_by FROM flow_mappings WHERE name = 'mashhad-kobo'`), before);
  assert.ok(await n(`SELECT count(*) AS n FROM audit_log WHERE action = 'access.denied' AND actor_id = $1 AND subject_id = 'mashhad-kobo'`, [sistan.id]));
  assert.equal((await t.as(khorasan2)('PUT', '/api/v1/flows/mappings/mashhad-kobo', mapping)).statusCode, 200, 'a colleague in the same province may');
  assert.equal((await t.as(admin)('PUT', '/api/v1/flows/mappings/national-kobo', mapping)).statusCode, 200);
  assert.equal((await t.as(khorasan)('PUT', '/api/v1/flows/mappings/national-kobo', mapping)).statusCode, 403, 'a nationwide mapping needs nationwide scope');
  await db.query(`INSERT INTO flow_mappings (name, mapping) VALUES ('legacy', $1)`, [JSON.stringify(mapping)]);
  assert.equal((await t.as(khorasan)('PUT', '/api/v1/flows/mappings/legacy', mapping)).statusCode, 403, 'no recorded owner: national');
});

test(`[${TEST_ENGINE}] survey questions: the shipped ones are national; a province's own only within it`, async () => {
  const shipped = (await db.one('SELECT code, text_en FROM fms_questions ORDER BY position LIMIT 1'))!;
  const r = await t.as(khorasan)('PUT', `/api/v1/flows/fms/questions/${shipped.code}`, question(shipped.code, 'Overwritten'));
  assert.equal(r.statusCode, 403);
  assert.equal((await db.one('SELECT text_en FROM fms_questions WHERE code = $1', [shipped.code]))!.text_en, shipped.text_en);
  assert.equal((await t.as(khorasan)('PUT', '/api/v1/flows/fms/questions/mashhad_need', question('mashhad_need'))).statusCode, 200);
  assert.equal((await t.as(sistan)('PUT', '/api/v1/flows/fms/questions/mashhad_need', question('mashhad_need', 'Mine now'))).statusCode, 403);
  assert.equal((await t.as(khorasan2)('PUT', '/api/v1/flows/fms/questions/mashhad_need', question('mashhad_need', 'Better'))).statusCode, 200);
});

test(`[${TEST_ENGINE}] a record out of scope does not show, the refusal is audited, and reading one in scope is audited`, async () => {
  const id = randomUUID();
  const r = await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [{ id, fmp: 'milak', date: addDays(todayIso(), -1), direction: 'in', nationality: 'AFG', men: 1, women: 0, boys: 0, girls: 0, deported: 'no' }] });
  assert.equal(r.json().created, 1);
  assert.equal((await t.as(khorasan)('GET', `/api/v1/flows/fmr/${id}`)).statusCode, 404);
  assert.equal((await t.as(khorasan)('PATCH', `/api/v1/flows/fmr/${id}`, { changes: { men: 3 } })).statusCode, 404);
  assert.equal(await n(`SELECT count(*) AS n FROM audit_log WHERE action = 'access.denied' AND actor_id = $1 AND subject_id = $2`, [khorasan.id, id]), 2);
  assert.equal((await t.as(sistan)('GET', `/api/v1/flows/fmr/${id}`)).statusCode, 200);
  assert.equal(await n(`SELECT count(*) AS n FROM audit_log WHERE action = 'flows.record.read' AND actor_id = $1 AND subject_id = $2`, [sistan.id, id]), 1);
  await t.as(sistan)('GET', '/api/v1/flows/fms');
  assert.equal(await n(`SELECT count(*) AS n FROM audit_log WHERE action = 'flows.interviews.read' AND actor_id = $1`, [sistan.id]), 1);
  assert.equal((await t.as(null)('GET', `/api/v1/flows/fmr/${id}`)).statusCode, 401);
  assert.equal((await t.as(khorasan)('GET', '/api/v1/flows/fmr/not-a-uuid')).statusCode, 404, 'a malformed id is not a server error');
});

test(`[${TEST_ENGINE}] a refusal by a capability's own rule on an existing object is audited with its reason`, async () => {
  const id = randomUUID();
  await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [{ id, fmp: 'dogharoun', date: addDays(todayIso(), -1), direction: 'in', nationality: 'AFG', men: 1, women: 0, boys: 0, girls: 0, deported: 'no' }] });
  const agencies = Object.fromEntries((await db.many('SELECT id, code FROM agencies')).map((r) => [r.code, Number(r.id)]));
  const focal = await t.user([{ role: 'focal_point' }], { agencyId: agencies.moi });
  const a = (await t.as(admin)('POST', '/api/v1/governance/assessments', { title_en: 'A', framework: 'sdg-10.7.2', scope: 'national', ministries: [agencies.moi] })).json().id;
  const r = await t.as(focal)('PUT', `/api/v1/governance/assessments/${a}/answers/PD_1_1`, { answer: 'YES_ALL' });
  assert.equal(r.json().error.code, 'gov_not_your_indicator');
  const row = await db.one(`SELECT details FROM audit_log WHERE action = 'access.denied' AND actor_id = $1 AND subject_id = $2`, [focal.id, String(a)]);
  assert.equal(row!.details.reason, 'gov_not_your_indicator');
});
