// Issue 10 item 5: a mobility file is written to a private temporary file that is gone after the
// import, whether it was refused or imported.
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

test(`[${TEST_ENGINE}] mobility files, refused or not, leave no temporary file`, async () => {
  const admin = await t.user([{ role: 'admin' }]);
  const A = t.as(admin);
  for (const [file_name, content] of [['m.xlsx', 'this is not a spreadsheet'], ['m.csv', 'round,origin_province\nx,IR-99\n']] as const) {
    const r = await A('POST', '/api/v1/provinces/mobility/import', { file_name, data_base64: b64(content) });
    assert.ok(r.statusCode < 500, r.body);
    assert.equal(r.json().ok, false, r.body);
    assert.ok(r.json().problems.length > 0, r.body);
    assert.deepEqual(uploadLeftovers(), []);
  }
});
