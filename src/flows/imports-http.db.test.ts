// Import jobs over HTTP (issues 10.8 and 12.4): upload limit, skip_invalid with the refused rows
// to download, job status from the database (any process answers), history within scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { uploadLimitMb } from './routes.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
let officer: TestUser;
before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  admin = await t.user([{ role: 'admin' }]);
  officer = await t.user([{ role: 'data_officer', provinces: ['IR-11'] }], { locale: 'fa' });
});
after(async () => {
  await t.app.close();
  await db.close();
});

function multipart(name: string, content: string) {
  const boundary = '----marz' + Math.random().toString(16).slice(2);
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function waitFor(u: TestUser, job: string) {
  for (let i = 0; i < 200; i++) {
    const r = await t.as(u)('GET', `/api/v1/flows/imports/jobs/${job}`);
    assert.equal(r.statusCode, 200, r.body);
    const j = r.json();
    if (j.status !== 'running') return j;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('the job did not finish');
}

const FILE = [
  'id,fmp,date,direction,nationality,men,women,boys,girls,deported',
  '7b1c0d2e-0000-4000-8000-000000000001,milak,2025-06-01,in,AFG,1,0,0,0,no',
  '7b1c0d2e-0000-4000-8000-000000000002,milak,2025-06-01,in,AFG,-1,0,0,0,no',
  '7b1c0d2e-0000-4000-8000-000000000003,milak,2025-06-02,out,AFG,2,0,0,0,yes',
  '7b1c0d2e-0000-4000-8000-000000000004,dogharoun,2025-06-02,out,AFG,2,0,0,0,yes',
].join('\n');

test(`[${TEST_ENGINE}] skip_invalid over HTTP: good rows imported, refused rows (and out-of-scope ones) downloadable with Persian problems; history in scope`, async () => {
  const { body, headers } = multipart('field.csv', FILE);
  const strict = await t.as(officer)('POST', '/api/v1/flows/imports', body, headers);
  assert.equal(strict.statusCode, 202, strict.body);
  const s = await waitFor(officer, strict.json().job);
  assert.equal(s.status, 'done');
  assert.equal(s.report.ok, false);
  assert.equal(s.errors_file, false);

  const res = await t.as(officer)('POST', '/api/v1/flows/imports?skip_invalid=true', body, headers);
  assert.equal(res.statusCode, 202, res.body);
  const job = res.json().job;
  const j = await waitFor(officer, job);
  assert.equal(j.status, 'done');
  assert.deepEqual({ ok: j.report.ok, added: j.report.added, refused: j.report.refused }, { ok: true, added: 2, refused: 2 }, JSON.stringify(j.report.problems));
  assert.equal(j.errors_file, true);
  // Stored in the database: the row answers without this process's memory.
  const row = await db.one('SELECT status, report IS NOT NULL AS has_report, expires_at > now() + interval \'6 days\' AS expires_later FROM flow_import_jobs WHERE id = $1', [job]);
  assert.deepEqual(row, { status: 'done', has_report: true, expires_later: true });

  const errors = await t.as(officer)('GET', `/api/v1/flows/imports/jobs/${job}/errors.csv`);
  assert.equal(errors.statusCode, 200);
  const lines = errors.body.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines.length, 3, errors.body);
  assert.match(lines[0]!, /,مشکلات$/);
  assert.ok(lines[1]!.startsWith('7b1c0d2e-0000-4000-8000-000000000002,milak,2025-06-01,in,AFG,-1,'), 'the row as it was (a negative number stays a number)');
  assert.match(lines[1]!, /منفی/);
  assert.ok(lines[2]!.startsWith('7b1c0d2e-0000-4000-8000-000000000004,dogharoun'), 'a row outside the officer\'s provinces is refused');

  // Another user cannot read the job or its file.
  assert.equal((await t.as(admin)('GET', `/api/v1/flows/imports/jobs/${job}`)).statusCode, 404);
  assert.equal((await t.as(admin)('GET', `/api/v1/flows/imports/jobs/${job}/errors.csv`)).statusCode, 404);

  // History: the officer sees their own imports (refused and partial), the nationwide admin all.
  const mine = (await t.as(officer)('GET', '/api/v1/flows/imports')).json();
  assert.deepEqual(mine.map((i: any) => [i.outcome, i.rows_added, i.rows_refused]).slice(0, 2), [
    ['partial', 2, 2],
    ['refused', 0, 2],
  ]);
  const adminUpload = multipart('admin.csv', FILE.split('\n').slice(0, 2).join('\n'));
  const a = await t.as(admin)('POST', '/api/v1/flows/imports', adminUpload.body, adminUpload.headers);
  await waitFor(admin, a.json().job);
  const all = (await t.as(admin)('GET', '/api/v1/flows/imports')).json();
  assert.ok(all.some((i: any) => i.file_name === 'field.csv') && all.some((i: any) => i.file_name === 'admin.csv'));
  const mineAgain = (await t.as(officer)('GET', '/api/v1/flows/imports')).json();
  assert.ok(!mineAgain.some((i: any) => i.file_name === 'admin.csv'), 'another user\'s import is not listed');
});

test(`[${TEST_ENGINE}] the upload limit is MARZ_UPLOAD_LIMIT_MB, 200 MB by default; a larger file is refused with 413 naming the limit`, async () => {
  assert.equal(uploadLimitMb({}), 200);
  assert.equal(uploadLimitMb({ MARZ_UPLOAD_LIMIT_MB: '5' }), 5);
  assert.equal(uploadLimitMb({ MARZ_UPLOAD_LIMIT_MB: 'lots' }), 200);
  process.env.MARZ_UPLOAD_LIMIT_MB = '0.001'; // 1,048 bytes
  const small = await testApp(db);
  delete process.env.MARZ_UPLOAD_LIMIT_MB;
  try {
    const u = await small.user([{ role: 'admin' }]);
    const { body, headers } = multipart('big.csv', FILE + '\n' + 'x,'.repeat(1000));
    const r = await small.as(u)('POST', '/api/v1/flows/imports', body, headers);
    assert.equal(r.statusCode, 413, r.body);
    assert.match(r.body, /0\.001 MB/);
  } finally {
    await small.app.close();
  }
});

test(`[${TEST_ENGINE}] the shipped example mappings are offered, and each one parses`, async () => {
  const { parseMapping } = await import('./mapping.ts');
  const r = await t.as(officer)('GET', '/api/v1/flows/mappings/examples');
  assert.equal(r.statusCode, 200);
  const list = r.json();
  assert.ok(list.some((x: any) => x.file === 'kobo-fmr-example.json' && /KoboToolbox/.test(x.name)));
  for (const x of list) assert.doesNotThrow(() => parseMapping(x.mapping), x.file);
  assert.equal((await t.as(null)('GET', '/api/v1/flows/mappings/examples')).statusCode, 401);
});
