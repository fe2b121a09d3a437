// Issue 10 item 5: a case-list upload is a private temporary file that is gone after an
// abandoned upload and after the import, whatever its outcome.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type AddressInfo } from 'node:net';
import { testDatabase, testApp, TEST_ENGINE, type TestUser, uploadLeftovers } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { multipart } from './multipart.testkit.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let cw: TestUser;
let iom: number;
before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  iom = Number((await db.one("SELECT id FROM agencies WHERE code = 'iom'"))!.id);
  cw = await t.user([{ role: 'protection_case_worker', agencyIds: [iom], provinces: ['IR-09'] }]);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await t.app.close();
  await db.close();
});

const until = async (what: () => boolean) => {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((res) => setTimeout(res, 25));
  return what();
};

test(`[${TEST_ENGINE}] a case list the client abandons midway was a private file (0600 in a 0700 folder) and is removed`, async () => {
  assert.deepEqual(uploadLeftovers(), []);
  const { port } = t.app.server.address() as AddressInfo;
  const part = `--b0undary\r\nContent-Disposition: form-data; name="file"; filename="cases.csv"\r\nContent-Type: text/csv\r\n\r\nid,screened_on\n` + 'x,2025-01-01\n'.repeat(100);
  await new Promise<void>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(`POST /api/v1/protection/imports?agency_id=${iom} HTTP/1.1\r\nHost: localhost\r\nCookie: ${cw.cookie}\r\nX-CSRF-Token: ${cw.csrf}\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: ${part.length + 10_000}\r\n\r\n` + part);
      until(() => uploadLeftovers().length === 1)
        .then((writing) => {
          assert.ok(writing, 'the upload is being written');
          const dir = join(tmpdir(), uploadLeftovers()[0]!);
          assert.equal(statSync(dir).mode & 0o777, 0o700);
          for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600);
          s.destroy();
        })
        .catch((e) => (s.destroy(), reject(e)));
    });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
  assert.ok(await until(() => uploadLeftovers().length === 0), `left behind: ${uploadLeftovers()}`);
});

test(`[${TEST_ENGINE}] a refused case list leaves no file`, async () => {
  const m = multipart('cases.csv', Buffer.from('not,a,case,list\n1,2,3,4\n'), 'text/csv');
  const r = await t.app.inject({ method: 'POST', url: `/api/v1/protection/imports?agency_id=${iom}`, payload: m.payload, headers: { ...m.headers, cookie: cw.cookie, 'x-csrf-token': cw.csrf } });
  assert.ok(r.statusCode < 500, r.body);
  assert.notEqual(r.json().ok, true, r.body);
  assert.deepEqual(uploadLeftovers(), []);
});

test(`[${TEST_ENGINE}] a case list whose body ends before its closing boundary is refused with 400 and leaves no file`, async () => {
  const { port } = t.app.server.address() as AddressInfo;
  const part = `--b0undary\r\nContent-Disposition: form-data; name="file"; filename="cases.csv"\r\nContent-Type: text/csv\r\n\r\nid,screened_on\nx,2025-01-01\n`;
  const answer = await new Promise<string>((resolve, reject) => {
    let got = '';
    const s = connect(port, '127.0.0.1', () => {
      s.write(`POST /api/v1/protection/imports?agency_id=${iom} HTTP/1.1\r\nHost: localhost\r\nCookie: ${cw.cookie}\r\nX-CSRF-Token: ${cw.csrf}\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: ${part.length}\r\n\r\n` + part);
    });
    s.on('data', (d) => {
      got += d;
      if (got.includes('\r\n\r\n')) s.destroy();
    });
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 400/);
  assert.ok(await until(() => uploadLeftovers().length === 0), `left behind: ${uploadLeftovers()}`);
});
