import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, TEST_ENGINE } from '../testing.ts';
import { backup, restore, newKeyFile, RestoreError } from './backup.ts';
import { createUser } from '../auth/identity.ts';
import { audit, cliActor } from '../audit.ts';
import { verifyChain } from '../audit/chain.ts';
import type { Database } from './database.ts';
import { summaryDifferences } from '../../flows/summary-check.ts';
import { totals } from '../../flows/summary.ts';

// Every table's rows; the audit trail only up to `auditSeq` (restore and backup add their own entries).
async function snapshot(db: Database, auditSeq: number) {
  const tables = (await db.many(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'audit_chain_head' ORDER BY tablename`)).map((r) => r.tablename);
  const out: Record<string, string[]> = {};
  for (const t of tables) out[t] = (await db.many(`SELECT row_to_json(x)::text AS j FROM "${t}" x ${t === 'audit_log' ? `WHERE seq <= ${auditSeq}` : ''}`)).map((r) => r.j).sort();
  return out;
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'marz-backup-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(`[${TEST_ENGINE}] a restore onto an empty database gives back every row; backup and restore are audited`, () =>
  withDir(async (dir) => {
    const source = await testDatabase();
    const target = await testDatabase();
    try {
      await source.tx((c) => createUser(c, cliActor('test'), { username: 'نگار', displayName: 'نگار احمدی', password: 'a-long-password', locale: 'fa', assignments: [{ role: 'viewer', provinces: ['IR-09'] }] }));
      await source.query(`UPDATE points_of_entry SET lat = 34.7 WHERE id = 'dogharoun'`);
      const file = join(dir, 'marz.backup');
      const made = await backup(source, file);
      assert.ok(made.rows > 100);
      assert.equal(statSync(file).mode & 0o777, 0o600, 'only the owner reads a backup');
      const restored = await restore(target, file);
      assert.equal(restored.rows, made.rows);
      assert.deepEqual(await snapshot(target, made.auditHead!.seq), await snapshot(source, made.auditHead!.seq));
      assert.ok(await source.one(`SELECT 1 FROM audit_log WHERE action = 'backup.create' AND details->>'file' = $1`, [file]));
      assert.ok(await target.one(`SELECT 1 FROM audit_log WHERE action = 'backup.restore' AND details->>'file' = $1`, [file]));
      assert.equal((await verifyChain(target)).ok, true, 'the chain continues after a restore');
      // sequences continue after the restored ids
      const next = await target.one(`INSERT INTO agencies (code, name_en, name_fa, kind) VALUES ('new-one','N','ن','other') RETURNING id`);
      const max = await source.one('SELECT max(id) AS m FROM agencies');
      assert.ok(next!.id > max!.m);
      // a database with users is not a restore target
      await assert.rejects(restore(target, file), /only onto an empty database/);
    } finally {
      await source.close();
      await target.close();
    }
  }));

test(`[${TEST_ENGINE}] a file that is not a backup is refused and changes nothing`, () =>
  withDir(async (dir) => {
    const db = await testDatabase();
    try {
      const file = join(dir, 'x.backup');
      writeFileSync(file, gzipSync('{"hello":1}\n'));
      const before = await db.one('SELECT count(*) AS n FROM provinces');
      await assert.rejects(restore(db, file), /is not a Marz backup/);
      assert.equal((await db.one('SELECT count(*) AS n FROM provinces'))!.n, before!.n);
    } finally {
      await db.close();
    }
  }));

test(`[${TEST_ENGINE}] an encrypted backup restores only with its key file or passphrase, and refuses any changed byte`, () =>
  withDir(async (dir) => {
    const source = await testDatabase();
    try {
      await source.tx((c) => createUser(c, cliActor('test'), { username: 'secret-holder', displayName: 'S', password: 'a-long-password' }));
      const keyFile = join(dir, 'marz.key');
      newKeyFile(keyFile);
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      const file = join(dir, 'enc.backup');
      const made = await backup(source, file, undefined, { secret: { keyFile } });
      assert.equal(made.encrypted, true);
      const bytes = readFileSync(file);
      assert.equal(bytes.subarray(0, 8).toString(), 'MARZENC1');
      assert.ok(!bytes.includes(Buffer.from('secret-holder')) && !bytes.includes(Buffer.from('argon2')), 'nothing readable inside');
      assert.throws(() => gunzipSync(bytes), 'not a plain gzip file');

      const t1 = await testDatabase();
      try {
        await assert.rejects(restore(t1, file), /is encrypted/);
        const otherKey = join(dir, 'other.key');
        newKeyFile(otherKey);
        await assert.rejects(restore(t1, file, undefined, { secret: { keyFile: otherKey } }), RestoreError);
        assert.equal((await t1.one('SELECT count(*) AS n FROM users'))!.n, 0, 'nothing restored');
        // one flipped byte in the middle: the whole restore is refused and rolled back
        const flipped = Buffer.from(bytes);
        flipped[Math.floor(flipped.length / 2)] ^= 1;
        writeFileSync(join(dir, 'flipped.backup'), flipped);
        await assert.rejects(restore(t1, join(dir, 'flipped.backup'), undefined, { secret: { keyFile } }), RestoreError);
        assert.equal((await t1.one('SELECT count(*) AS n FROM users'))!.n, 0, 'nothing restored');
        const r = await restore(t1, file, undefined, { secret: { keyFile } });
        assert.equal(r.rows, made.rows);
        assert.ok(await t1.one(`SELECT 1 FROM users WHERE username = 'secret-holder'`));
      } finally {
        await t1.close();
      }

      const pfile = join(dir, 'pass.backup');
      await backup(source, pfile, undefined, { secret: { passphrase: 'correct horse battery staple' } });
      const t2 = await testDatabase();
      try {
        await assert.rejects(restore(t2, pfile, undefined, { secret: { passphrase: 'wrong horse' } }), /cannot be read with this key/);
        await assert.rejects(restore(t2, pfile, undefined, { secret: { keyFile } }), /passphrase/);
        await restore(t2, pfile, undefined, { secret: { passphrase: 'correct horse battery staple' } });
        assert.ok(await t2.one(`SELECT 1 FROM users WHERE username = 'secret-holder'`));
      } finally {
        await t2.close();
      }
    } finally {
      await source.close();
    }
  }));

test(`[${TEST_ENGINE}] a hand-edited backup is refused by its audit chain unless overridden, and the override is audited`, () =>
  withDir(async (dir) => {
    const source = await testDatabase();
    try {
      for (let i = 0; i < 3; i++) await audit(source, cliActor('test'), 'test.entry', 'thing', String(i), { i });
      const file = join(dir, 'plain.backup');
      await backup(source, file);
      const text = gunzipSync(readFileSync(file)).toString('utf8');
      const edits: [string, (s: string) => string][] = [
        ['a rewritten entry', (s) => s.replace(/"details":\{"i": ?1\}/, '"details":{"i": 7}')],
        ['the last entries removed', (s) => s.split('\n').filter((l) => !l.includes('"action":"test.entry"') || !l.includes('"subject_id":"2"')).join('\n')],
      ];
      for (const [what, edit] of edits) {
        const edited = edit(text);
        assert.notEqual(edited, text, what);
        const bad = join(dir, 'edited.backup');
        writeFileSync(bad, gzipSync(edited));
        const target = await testDatabase();
        try {
          await assert.rejects(restore(target, bad), (e: any) => e instanceof RestoreError && /audit trail .* is not intact/.test(e.message), what);
          assert.equal((await target.one('SELECT count(*) AS n FROM users'))!.n, 0);
          const r = await restore(target, bad, undefined, { allowBrokenAudit: true });
          assert.ok(r.auditBreak, what);
          assert.ok(await target.one(`SELECT 1 FROM audit_log WHERE action = 'backup.restore.override'`), `${what}: the override is audited`);
        } finally {
          await target.close();
        }
      }
    } finally {
      await source.close();
    }
  }));

test(`[${TEST_ENGINE}] a backup made before the summaries moved to slices (migration 0018) restores with them recomputed from its records`, () =>
  withDir(async (dir) => {
    const source = await testDatabase();
    const target = await testDatabase();
    try {
      await source.query(
        `INSERT INTO fmr_records (id, fmp_code, province_code, observed_on, direction, nationality, men, women, boys, girls, deported, transport, reasons, origin_country)
         SELECT gen_random_uuid(), 'dogharoun', 'IR-09', DATE '2025-03-01' + (i % 40), CASE WHEN i % 3 = 0 THEN 'in' ELSE 'out' END, 'AFG', 1 + i % 4, i % 2, 0, 1,
                'yes', CASE WHEN i % 5 = 0 THEN NULL ELSE 'bus' END, CASE WHEN i % 4 = 0 THEN '{}'::text[] ELSE '{economic}' END, 'AFG'
           FROM generate_series(1, 300) i`,
      );
      const file = join(dir, 'new.backup');
      await backup(source, file);
      // The same backup as Marz wrote it before 0018: no slice tables, the old summary tables instead.
      const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
      const header = JSON.parse(lines[0]!);
      header.migrations = header.migrations.filter((m: { name: string }) => m.name !== '0018_flow_breakdown_slices.sql');
      const out = [JSON.stringify(header)];
      let skip = false;
      for (const l of lines.slice(1)) {
        if (l.startsWith('{"table":')) {
          skip = ['flow_slices', 'flow_attr_values', 'flow_daily_slices', 'flow_monthly_slices'].includes(JSON.parse(l).table);
          if (!skip) out.push(l);
          continue;
        }
        if (!skip) out.push(l);
      }
      out.push('{"table":"flow_daily_attr"}', JSON.stringify({ fmp_code: 'dogharoun', kind: 'reason', value: 'stale', groups: 99 }));
      const old = join(dir, 'old.backup');
      writeFileSync(old, gzipSync(out.join('\n')));
      await restore(target, old);
      assert.deepEqual(await summaryDifferences(target), [], 'the summaries are those of the restored records');
      const all = { from: '2025-01-01', to: '2025-12-31' };
      assert.deepEqual(await totals(target, all), await totals(source, all));
    } finally {
      await source.close();
      await target.close();
    }
  }));
