// Dashboard figures are cached while changes are followed (as `marz serve` does), and a change —
// from this process or from any other connection — is never followed by a stale figure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import { connectServer, type Database } from '../platform/db/database.ts';
import { ReadCache } from '../platform/db/read-cache.ts';
import { addDays, todayIso } from '../platform/calendar.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
let stop: () => Promise<void>;
const day = addDays(todayIso(), -2);

before(async () => {
  db = await testDatabase();
  stop = await db.watchChanges();
  t = await testApp(db);
  admin = await t.user([{ role: 'admin' }]);
});
after(async () => {
  await t.app.close();
  await stop();
  await db.close();
});

/** Runs SQL as another process would: not through this Database (so not through its transactions). */
async function elsewhere(sql: string, params: unknown[]) {
  const other = connectServer((db.pool as any).options, 1);
  try {
    return await other.query(sql, params);
  } finally {
    await other.close();
  }
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

test(`[${TEST_ENGINE}] a cached value is used until something changes`, async () => {
  const cache = new ReadCache();
  let computed = 0;
  const read = () => cache.get(db, 'k', async () => ++computed);
  assert.equal(await read(), 1);
  assert.equal(await read(), 1, 'served from the cache');
  await db.tx(async (c) => c.query(`UPDATE fmps SET updated_at = now() WHERE code = 'dogharoun'`));
  assert.equal(await read(), 2, 'recomputed after a commit in this process');
  const seen = db.changes.version;
  await elsewhere(`UPDATE fmps SET updated_at = now() WHERE code = 'dogharoun'`, []);
  await until(() => db.changes.version !== seen, 'the other connection’s commit is noticed');
  assert.equal(await read(), 3, 'recomputed after a commit elsewhere');
  db.changes.reliable = false;
  try {
    assert.equal(await read(), 4, 'not cached while changes are not followed');
    assert.equal(await read(), 5);
  } finally {
    db.changes.reliable = true;
  }
});

test(`[${TEST_ENGINE}] the dashboard shows a record committed by another connection`, async () => {
  const q = `/api/v1/flows/summary?from=${day}&to=${day}&fmp=milak`;
  const before = (await t.as(admin)('GET', q)).json().totals.individuals;
  assert.equal((await t.as(admin)('GET', q)).json().totals.individuals, before);
  const r = { id: randomUUID(), fmp: 'milak', date: day, direction: 'in', nationality: 'AFG', men: 2, women: 1, boys: 0, girls: 0, deported: 'no' };
  assert.equal((await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [r] })).json().created, 1);
  assert.equal((await t.as(admin)('GET', q)).json().totals.individuals, before + 3, 'this process’s write is seen at once');

  const seen = db.changes.version;
  await elsewhere(
    `INSERT INTO fmr_records (id, fmp_code, province_code, observed_on, direction, nationality, men, women, boys, girls, deported)
     VALUES ($1, 'milak', (SELECT province_code FROM fmps WHERE code = 'milak'), $2, 'in', 'AFG', 4, 0, 0, 0, 'no')`,
    [randomUUID(), day],
  );
  await until(() => db.changes.version !== seen, 'the other connection’s commit is noticed');
  assert.equal((await t.as(admin)('GET', q)).json().totals.individuals, before + 7, 'and then seen by the dashboard');
  const map = (await t.as(admin)('GET', `/api/v1/flows/map?from=${day}&to=${day}&fmp=milak`)).json();
  assert.equal(Number(map.find((m: any) => m.fmp === 'milak').individuals), before + 7, 'the map too');
});

test(
  `[${TEST_ENGINE}] a lost listening connection stops the cache until a new one listens`,
  async () => {
    assert.equal(db.changes.reliable, true);
    await elsewhere(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`, []);
    await until(() => !db.changes.reliable, 'the loss is noticed');
    const cache = new ReadCache();
    let computed = 0;
    await cache.get(db, 'k', async () => ++computed);
    await cache.get(db, 'k', async () => ++computed);
    assert.equal(computed, 2, 'nothing is cached meanwhile');
    await until(() => db.changes.reliable, 'a new connection listens again within the retry');
    assert.equal(Number((await db.one(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`))!.n), 1, 'one listener, not one per retry');
  },
);
