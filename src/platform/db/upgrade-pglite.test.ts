// A data directory of Marz 0.1 (PGlite) moves to the embedded PostgreSQL with everything in it;
// until it has moved, the server refuses it in one line that names the command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Database } from './database.ts';
import { stopCluster } from './embedded.ts';
import { prepareDatabase } from '../seed.ts';
import { createUser } from '../auth/identity.ts';
import { cliActor } from '../audit.ts';

const BIN = new URL('../../../bin/marz.js', import.meta.url).pathname;

test('marz upgrade-data-dir moves a PGlite data directory to the embedded PostgreSQL and keeps the old one', { timeout: 240_000 }, async () => {
  const parent = mkdtempSync(join(tmpdir(), 'marz-upgrade-'));
  chmodSync(parent, 0o755); // PostgreSQL's own user must reach the data directory
  const dir = join(parent, 'data');
  const env = { ...process.env, MARZ_DATA_DIR: dir, DATABASE_URL: '' };
  const recordId = randomUUID();
  try {
    // An office's directory as Marz 0.1 left it: PGlite in data/pgdata, a user and a record.
    mkdirSync(join(dir, 'pgdata'), { recursive: true });
    const pglite = await PGlite.create(join(dir, 'pgdata'));
    const old = new Database(new pg.Pool(createPgConfig(pglite) as pg.PoolConfig), 'embedded', () => pglite.close());
    await prepareDatabase(old);
    await old.tx((c) => createUser(c, cliActor('test'), { username: 'officer', displayName: 'Officer', password: 'Qv7-border-post-' + randomUUID(), assignments: [{ role: 'admin', provinces: null }] }));
    await old.query(
      `INSERT INTO fmr_records (id, fmp_code, province_code, observed_on, direction, nationality, men, women, boys, girls, deported, status, source)
       VALUES ($1, 'dogharoun', (SELECT province_code FROM fmps WHERE code = 'dogharoun'), '2025-06-01', 'in', 'AFG', 3, 2, 1, 0, 'no', 'approved', 'api')`,
      [recordId],
    );
    await old.close();

    const refused = spawnSync(process.execPath, [BIN, 'flows', 'summary', '--from', '2025-06-01', '--to', '2025-06-01', '--json'], { env, encoding: 'utf8' });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /earlier Marz \(PGlite\).*npx marz upgrade-data-dir/);
    assert.equal(refused.stderr.trim().split('\n').length, 1);

    const up = spawnSync(process.execPath, [BIN, 'upgrade-data-dir'], { env, encoding: 'utf8', timeout: 180_000 });
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, /Moved \d+ rows/);
    assert.ok(existsSync(join(dir, 'pgdata.pglite-old', 'PG_VERSION')), 'the old database is kept');
    assert.ok(!existsSync(join(dir, 'upgrade.backup')), 'the intermediate backup is removed');

    const summary = spawnSync(process.execPath, [BIN, 'flows', 'summary', '--from', '2025-06-01', '--to', '2025-06-01', '--json'], { env, encoding: 'utf8' });
    assert.equal(summary.status, 0, summary.stderr);
    assert.equal(JSON.parse(summary.stdout).individuals, 6, 'the record moved, and its summaries with it');
    const audit = spawnSync(process.execPath, [BIN, 'audit', 'verify'], { env, encoding: 'utf8' });
    assert.equal(audit.status, 0, `the audit trail moved intact: ${audit.stdout}${audit.stderr}`);
    const again = spawnSync(process.execPath, [BIN, 'user', 'create', '--username', 'officer'], { env: { ...env, MARZ_PASSWORD: 'Qv7-border-post-' + randomUUID() }, encoding: 'utf8' });
    assert.notEqual(again.status, 0, 'the user moved: the same name is taken');
  } finally {
    await stopCluster(dir);
    rmSync(parent, { recursive: true, force: true });
  }
});
