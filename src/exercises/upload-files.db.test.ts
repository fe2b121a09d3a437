// Issue 10 item 5: an MSEL sheet is written to a private temporary file that is gone after the
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

test(`[${TEST_ENGINE}] MSEL sheets, refused or not, leave no temporary file`, async () => {
  const planner = await t.user([{ role: 'exercise_planner', provinces: null }]);
  const api = t.as(planner);
  const r = await api('POST', '/api/v1/exercises', { code: 'UPL-1', type: 'tabletop', title: 'رزمایش', startex: new Date(Date.now() + 3600_000).toISOString() });
  assert.equal(r.statusCode, 201, r.body);
  for (const [file_name, content] of [['msel.xlsx', 'this is not a spreadsheet'], ['msel.csv', 'number,when\n1,never\n']] as const) {
    const imp = await api('POST', '/api/v1/exercises/UPL-1/msel/import', { file_name, content_base64: b64(content) });
    assert.ok([400, 422].includes(imp.statusCode), imp.body); // unreadable file, or rows with problems
    assert.deepEqual(uploadLeftovers(), []);
  }
});
