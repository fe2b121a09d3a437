import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, TEST_ENGINE } from '../testing.ts';
import { backup, restore } from './backup.ts';
import { createUser } from '../auth/identity.ts';
import { cliActor } from '../audit.ts';
import type { Database } from './database.ts';

async function snapshot(db: Database) {
  const tables = (await db.many(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).map((r) => r.tablename);
  const out: Record<string, string[]> = {};
  for (const t of tables) out[t] = (await db.many(`SELECT row_to_json(x)::text AS j FROM "${t}" x`)).map((r) => r.j).sort();
  return out;
}

test(`[${TEST_ENGINE}] a restore onto an empty database gives back every row`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marz-backup-'));
  const source = await testDatabase();
  const target = await testDatabase();
  try {
    await source.tx((c) => createUser(c, cliActor('test'), { username: 'نگار', displayName: 'نگار احمدی', password: 'a-long-password', locale: 'fa', assignments: [{ role: 'viewer', provinces: ['IR-09'] }] }));
    await source.query(`UPDATE points_of_entry SET lat = 34.7 WHERE id = 'dogharoun'`);
    const file = join(dir, 'marz.backup');
    const made = await backup(source, file);
    assert.ok(made.rows > 100);
    const restored = await restore(target, file);
    assert.equal(restored.rows, made.rows);
    assert.deepEqual(await snapshot(target), await snapshot(source));
    // sequences continue after the restored ids
    const next = await target.one(`INSERT INTO agencies (code, name_en, name_fa, kind) VALUES ('new-one','N','ن','other') RETURNING id`);
    const max = await source.one('SELECT max(id) AS m FROM agencies');
    assert.ok(next!.id > max!.m);
    // a database with users is not a restore target
    await assert.rejects(restore(target, file), /only onto an empty database/);
  } finally {
    await source.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`[${TEST_ENGINE}] a file that is not a backup is refused and changes nothing`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marz-backup-'));
  const db = await testDatabase();
  try {
    const file = join(dir, 'x.backup');
    writeFileSync(file, gzipSync('{"hello":1}\n'));
    const before = await db.one('SELECT count(*) AS n FROM provinces');
    await assert.rejects(restore(db, file), /is not a Marz backup/);
    assert.equal((await db.one('SELECT count(*) AS n FROM provinces'))!.n, before!.n);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
