// The command-line side: marz backup refuses to write in the clear unless asked, writes 0600
// and encrypted with a key file; marz audit verify names a rewritten entry (exit 1), keeps a
// checkpoint outside the database and catches deleted last entries with it; marz restore
// refuses a tampered backup unless --allow-broken-audit, which is audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, TEST_ENGINE } from '../platform/testing.ts';
import { loadConfig } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { audit, cliActor } from '../platform/audit.ts';
import { auditCommand, backupCommand, restoreCommand } from './cli.ts';

const config = { ...loadConfig({}), dataDir: '/nonexistent' };
const using = (db: Database) => (async (_c: unknown, _n: string, fn: (db: Database) => Promise<any>) => fn(db)) as any;
const quiet = async <T,>(fn: () => Promise<T>): Promise<T> => {
  const [log, error, warn] = [console.log, console.error, console.warn];
  console.log = console.error = console.warn = () => {};
  try {
    return await fn();
  } finally {
    Object.assign(console, { log, error, warn });
  }
};
const outOfBand = (db: Database, sql: string) =>
  db.tx(async (c) => {
    await c.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await c.query(sql);
    await c.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
  });

test(`[${TEST_ENGINE}] marz backup, audit verify and restore from the command line`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marz-audit-cli-'));
  const db = await testDatabase();
  const target = await testDatabase();
  try {
    for (let i = 0; i < 4; i++) await audit(db, cliActor('test'), 'test.entry', 'thing', String(i), { i });
    const file = join(dir, 'a.backup');
    assert.equal(await quiet(() => backupCommand([file], config, using(db))), 2, 'no key: refused');
    const key = join(dir, 'k');
    assert.equal(await quiet(() => backupCommand(['--new-key', key], config, using(db))), 0);
    assert.equal(await quiet(() => backupCommand([file, '--key-file', key], config, using(db))), 0);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file).subarray(0, 8).toString(), 'MARZENC1');

    const checkpoint = join(dir, 'audit.checkpoint');
    assert.equal(await quiet(() => auditCommand(['verify', '--checkpoint', checkpoint], config, using(db))), 0);
    assert.equal(statSync(checkpoint).mode & 0o777, 0o600);
    // the last entries removed and the head moved back: only the checkpoint can tell
    await outOfBand(db, `DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 3 FROM audit_log)`);
    await db.query(`UPDATE audit_chain_head SET seq = a.seq, hash = a.hash FROM (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) a`);
    assert.equal(await quiet(() => auditCommand(['verify'], config, using(db))), 0, 'without the checkpoint it looks fine');
    assert.equal(await quiet(() => auditCommand(['verify', '--checkpoint', checkpoint], config, using(db))), 1, 'the checkpoint catches it');
    await outOfBand(db, `UPDATE audit_log SET actor_label = 'someone else' WHERE action = 'test.entry' AND subject_id = '1'`);
    assert.equal(await quiet(() => auditCommand(['verify'], config, using(db))), 1, 'a rewritten entry');
    assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'audit.verify' AND details->>'ok' = 'false'`), 'verify runs are audited');

    // a hand-edited plain backup: refused, then restored under the audited override
    const plain = join(dir, 'p.backup');
    const other = await testDatabase();
    try {
      for (let i = 0; i < 2; i++) await audit(other, cliActor('test'), 'test.entry', 'thing', String(i), { i });
      assert.equal(await quiet(() => backupCommand([plain, '--unencrypted'], config, using(other))), 0);
    } finally {
      await other.close();
    }
    writeFileSync(plain, gzipSync(gunzipSync(readFileSync(plain)).toString().replace(/"subject_id":"1"/, '"subject_id":"9"')));
    await assert.rejects(quiet(() => restoreCommand([plain], config, using(target))), /not intact/);
    assert.equal(await quiet(() => restoreCommand([plain, '--allow-broken-audit'], config, using(target))), 0);
    assert.ok(await target.one(`SELECT 1 FROM audit_log WHERE action = 'backup.restore.override'`));
  } finally {
    await db.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
