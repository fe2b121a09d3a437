// Issue 10 item 5: an import upload is a private temporary file that is gone after an aborted,
// oversize or failed upload and after the import job ends, whatever its outcome.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { testDatabase, testApp, TEST_ENGINE, type TestUser, uploadLeftovers } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let officer: TestUser;
before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  officer = await t.user([{ role: 'data_officer', provinces: ['IR-11'] }]);
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
    const j = (await t.as(u)('GET', `/api/v1/flows/imports/jobs/${job}`)).json();
    if (j.status !== 'running') return j;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('the job did not finish');
}

const HEADER = 'id,fmp,date,direction,nationality,men,women,boys,girls,deported';

/** Sends a multipart upload over a real connection: all of it, or part of it and then hangs up. */
async function rawUpload(u: TestUser, url: string, part: string, declared: number, onSent?: () => Promise<void>) {
  const { port } = t.app.server.address() as AddressInfo;
  const boundary = 'marzboundary';
  const head = `POST ${url} HTTP/1.1\r\nHost: localhost\r\nCookie: ${u.cookie}\r\nX-CSRF-Token: ${u.csrf}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${declared}\r\n\r\n`;
  return new Promise<string>((resolve, reject) => {
    let answer = '';
    const s = connect(port, '127.0.0.1', () => {
      s.write(head + part);
      if (onSent) onSent().then(() => s.destroy(), reject);
    });
    s.on('data', (d) => {
      answer += d;
      if (/\r\n\r\n/.test(answer)) s.destroy();
    });
    s.on('close', () => resolve(answer));
    s.on('error', reject);
  });
}
const until = async (what: () => boolean) => {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((res) => setTimeout(res, 25));
  return what();
};
const filePart = (content: string) => `--marzboundary\r\nContent-Disposition: form-data; name="file"; filename="cut.csv"\r\nContent-Type: text/csv\r\n\r\n${content}`;

test(`[${TEST_ENGINE}] an upload the client abandons midway was a private file (0600 in a 0700 folder) and is removed`, async () => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  assert.deepEqual(uploadLeftovers(), []);
  const part = filePart(HEADER + '\n' + '7b1c0d2e-0000-4000-8000-00000000000a,milak,2025-06-01,in,AFG,1,0,0,0,no\n'.repeat(50));
  await rawUpload(officer, '/api/v1/flows/imports', part, part.length + 10_000, async () => {
    assert.ok(await until(() => uploadLeftovers().length === 1), 'the upload is being written');
    const dir = join(tmpdir(), uploadLeftovers()[0]!);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600);
  });
  assert.ok(await until(() => uploadLeftovers().length === 0), `left behind: ${uploadLeftovers()}`);
});

test(`[${TEST_ENGINE}] an upload whose body ends before its closing boundary is refused with 400 (once it stalls) and leaves no file`, async () => {
  const part = filePart(HEADER + '\n' + '7b1c0d2e-0000-4000-8000-00000000000a,milak,2025-06-01,in,AFG,1,0,0,0,no\n');
  const answer = await rawUpload(officer, '/api/v1/flows/imports', part, part.length);
  assert.match(answer, /^HTTP\/1\.1 400/);
  assert.ok(await until(() => uploadLeftovers().length === 0), `left behind: ${uploadLeftovers()}`);
});

test(`[${TEST_ENGINE}] an upload over the limit is refused with 413 and leaves no file`, async () => {
  process.env.MARZ_UPLOAD_LIMIT_MB = '0.001'; // 1,048 bytes
  const small = await testApp(db);
  delete process.env.MARZ_UPLOAD_LIMIT_MB;
  try {
    const u = await small.user([{ role: 'admin' }]);
    const { body, headers } = multipart('big.csv', HEADER + '\n' + 'x,'.repeat(5000));
    const r = await small.as(u)('POST', '/api/v1/flows/imports', body, headers);
    assert.equal(r.statusCode, 413, r.body);
    assert.deepEqual(uploadLeftovers(), []);
  } finally {
    await small.app.close();
  }
});

test(`[${TEST_ENGINE}] a failed import and a successful one both leave no file once their job ends`, async () => {
  for (const content of ['not,a,flow,file\n1,2,3,4\n', HEADER + '\n7b1c0d2e-0000-4000-8000-00000000000b,milak,2025-06-01,in,AFG,1,0,0,0,no\n']) {
    const { body, headers } = multipart('f.csv', content);
    const r = await t.as(officer)('POST', '/api/v1/flows/imports', body, headers);
    assert.equal(r.statusCode, 202, r.body);
    const j = await waitFor(officer, r.json().job);
    assert.notEqual(j.status, 'running');
    // the folder goes in the job's last step, just after its status is written
    for (let i = 0; i < 50 && uploadLeftovers().length; i++) await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(uploadLeftovers(), []);
  }
});
