// Issue 10 item 5: an attendance sheet is written to a private temporary file that is gone after
// the import, whether it was refused or imported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp, TEST_ENGINE, uploadLeftovers } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';

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

const b64 = (s: string) => Buffer.from(s).toString('base64');

test(`[${TEST_ENGINE}] attendance sheets, refused or imported, leave no temporary file`, async () => {
  const admin = await t.user([{ role: 'admin' }]);
  const A = t.as(admin);
  assert.equal((await A('POST', '/api/v1/capacity/trainings', { code: 'UP-1', title_en: 'Upload test', title_fa: 'آزمون بارگذاری', starts_on: '2026-01-10', ends_on: '2026-01-10', province_code: 'IR-09' })).statusCode, 201);
  const refused = await A('POST', '/api/v1/capacity/trainings/UP-1/import', { file_name: 'sheet.xlsx', data_base64: b64('this is not a spreadsheet') });
  assert.ok(refused.statusCode < 500, refused.body);
  assert.equal(refused.json().ok, false, refused.body);
  assert.deepEqual(uploadLeftovers(), []);
  const bad = await A('POST', '/api/v1/capacity/trainings/UP-1/import', { file_name: 'sheet.csv', data_base64: b64('name,sex\nAli,robot\n') });
  assert.ok(bad.statusCode < 500, bad.body);
  assert.equal(bad.json().ok, false, bad.body);
  assert.deepEqual(uploadLeftovers(), []);
  const ok = await A('POST', '/api/v1/capacity/trainings/UP-1/import', { file_name: 'sheet.csv', data_base64: b64('name,sex,agency,province,position,pre_score,post_score,sessions_attended\nAli Rezaei,male,moi,IR-09,Expert,40,80,\n') });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().added, 1);
  assert.deepEqual(uploadLeftovers(), []);
});
