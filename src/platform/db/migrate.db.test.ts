import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, TEST_ENGINE } from '../testing.ts';
import { migrate, listMigrations, MigrationError } from './migrate.ts';
import type { Database } from './database.ts';

let db: Database;
before(async () => (db = await testDatabase()));
after(() => db.close());

test(`[${TEST_ENGINE}] every migration is recorded with its checksum`, async () => {
  const rows = await db.many('SELECT name, checksum FROM schema_migrations ORDER BY name');
  assert.deepEqual(rows, listMigrations().map((m) => ({ name: m.name, checksum: m.checksum })));
  assert.deepEqual(await migrate(db), [], 'a second run applies nothing');
});

test(`[${TEST_ENGINE}] an edited, already-applied migration is refused with a clear message`, async () => {
  const edited = listMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
  await assert.rejects(migrate(db, edited), (e: Error) => e instanceof MigrationError && /0001_platform\.sql was changed after it was applied/.test(e.message));
});

test(`[${TEST_ENGINE}] a failing migration leaves nothing behind`, async () => {
  const bad = [...listMigrations(), { name: '9999_bad.sql', sql: 'CREATE TABLE half_done (x int); SELECT * FROM no_such_table;', checksum: 'x' }];
  await assert.rejects(migrate(db, bad), /9999_bad\.sql failed/);
  assert.equal((await db.one("SELECT to_regclass('half_done') AS t"))!.t, null);
  assert.equal((await db.query("SELECT 1 FROM schema_migrations WHERE name = '9999_bad.sql'")).rowCount, 0);
});

test(`[${TEST_ENGINE}] a database from a newer version is refused`, async () => {
  await assert.rejects(migrate(db, listMigrations().slice(0, 1)), /which this version of Marz does not know/);
});

test(`[${TEST_ENGINE}] the audit table is append-only`, async () => {
  await db.query(`INSERT INTO audit_log (action) VALUES ('test.entry')`);
  await assert.rejects(db.query(`UPDATE audit_log SET action = 'changed'`), /append-only/);
  await assert.rejects(db.query(`DELETE FROM audit_log`), /append-only/);
  await assert.rejects(db.query(`TRUNCATE audit_log`), /append-only/);
  assert.equal((await db.one(`SELECT count(*) AS n FROM audit_log WHERE action = 'test.entry'`))!.n, 1);
});

test(`[${TEST_ENGINE}] a failed statement outside a transaction leaves the connection usable`, async () => {
  for (let i = 0; i < 3; i++) {
    await assert.rejects(db.query('SELECT 1 / $1::int', [0]), /division by zero/);
    await assert.rejects(db.query('SELECT no_such_column FROM schema_migrations'), /no_such_column/);
  }
  assert.equal((await db.one('SELECT 41 + 1 AS n'))!.n, 42);
});
