import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, TEST_ENGINE } from '../testing.ts';
import { audit, cliActor } from '../audit.ts';
import { verifyChain, chainHead } from './chain.ts';
import type { Database } from '../db/database.ts';

async function withEntries(n: number, fn: (db: Database) => Promise<void>) {
  const db = await testDatabase();
  try {
    for (let i = 0; i < n; i++) await audit(db, cliActor('test'), 'test.entry', 'thing', String(i), { i, note: 'یادداشت' });
    await fn(db);
  } finally {
    await db.close();
  }
}
const outOfBand = (db: Database, sql: string, params: unknown[] = []) =>
  db.tx(async (c) => {
    await c.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await c.query(sql, params);
    await c.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
  });

test(`[${TEST_ENGINE}] every entry is chained to the one before; an intact chain verifies`, async () => {
  await withEntries(5, async (db) => {
    const rows = await db.many('SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq');
    assert.ok(rows.length >= 5);
    rows.forEach((r, i) => {
      assert.equal(Number(r.seq), i + 1);
      assert.equal(r.prev_hash, i ? rows[i - 1].hash : null);
      assert.match(r.hash, /^[0-9a-f]{64}$/);
    });
    const report = await verifyChain(db);
    assert.equal(report.ok, true, report.broken?.message);
    assert.equal(report.entries, rows.length);
    assert.deepEqual(report.head, await chainHead(db));
    // an entry in a rolled-back transaction leaves no trace in the chain
    await assert.rejects(db.tx(async (c) => (await audit(c, cliActor('test'), 'test.rolled_back', null, null), Promise.reject(new Error('no')))));
    assert.equal((await verifyChain(db)).ok, true);
  });
});

test(`[${TEST_ENGINE}] a row rewritten with the trigger disabled is named`, async () => {
  await withEntries(6, async (db) => {
    const victim = await db.one(`SELECT id, seq FROM audit_log WHERE action = 'test.entry' AND subject_id = '2'`);
    await outOfBand(db, `UPDATE audit_log SET details = '{"i":2,"note":"changed"}' WHERE id = $1`, [victim!.id]);
    const r = await verifyChain(db);
    assert.equal(r.ok, false);
    assert.equal(r.broken!.reason, 'rewritten');
    assert.equal(r.broken!.id, Number(victim!.id));
    // rewriting it with a recomputed hash breaks the link of the next entry instead
    await outOfBand(db, `UPDATE audit_log a SET hash = audit_entry_hash(a) WHERE id = $1`, [victim!.id]);
    const r2 = await verifyChain(db);
    assert.equal(r2.broken!.reason, 'link');
    assert.equal(r2.broken!.seq, Number(victim!.seq) + 1);
  });
});

test(`[${TEST_ENGINE}] a deleted entry in the middle, and deleted last entries, are detected`, async () => {
  await withEntries(6, async (db) => {
    const mid = await db.one(`SELECT id, seq FROM audit_log WHERE subject_id = '3' AND action = 'test.entry'`);
    await outOfBand(db, 'DELETE FROM audit_log WHERE id = $1', [mid!.id]);
    const r = await verifyChain(db);
    assert.equal(r.broken!.reason, 'gap');
    assert.equal(r.broken!.seq, Number(mid!.seq) + 1);
  });
  await withEntries(6, async (db) => {
    const before = await chainHead(db); // a checkpoint kept outside the database
    await outOfBand(db, 'DELETE FROM audit_log WHERE seq > $1', [before.seq - 2]);
    const r = await verifyChain(db);
    assert.equal(r.broken!.reason, 'head');
    assert.match(r.broken!.message, /last 2 entries were removed/);
    // an owner who also moves the head back is caught by the checkpoint taken earlier
    await db.query(`UPDATE audit_chain_head SET seq = a.seq, hash = a.hash FROM (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) a`);
    assert.equal((await verifyChain(db)).ok, true, 'the database alone cannot tell');
    const c = await verifyChain(db, before);
    assert.equal(c.ok, false);
    assert.equal(c.broken!.reason, 'checkpoint');
  });
});

test(`[${TEST_ENGINE}] the head record cannot be removed`, async () => {
  await withEntries(1, async (db) => {
    await assert.rejects(db.query('DELETE FROM audit_chain_head'), /cannot be removed/);
    await assert.rejects(db.query('TRUNCATE audit_chain_head'), /cannot be removed/);
  });
});
