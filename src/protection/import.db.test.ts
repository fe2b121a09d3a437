import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, statSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { gunzipSync } from 'node:zlib';
import { backup } from '../platform/db/backup.ts';
import { exportCases, readExport } from './export.ts';
import { testDatabase } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { cipherFor, resetCipherCache, FieldCipher } from './crypto.ts';
import { importCases } from './import.ts';
import { rotateKey } from './rotate.ts';
import { protectionStats, cliTable } from './stats.ts';
import { loadProfileSections } from '../provinces/sections.ts';
import './section.ts';

const dir = mkdtempSync(join(tmpdir(), 'marz-protection-'));
const env = { MARZ_PROTECTION_KEY_FILE: join(dir, 'keys', 'protection.key') } as NodeJS.ProcessEnv;
let db: Database;
let iom: number;
const MARKER = 'Qzwxplaintextmarker';
// A given name no other test writes (the WAL check below reads files the whole cluster shares).
const FA_NAME = 'ژیلوفر' + 'كريمي'; // Arabic kāf/yā, as typed on an Arabic keyboard

function csv(rows: string[][]) {
  return ['id,screened_on,fmp,sex,age,nationality,given_name,family_name,status,exploitation,consent_statistics', ...rows.map((r) => r.map((v) => (/[,"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','))].join('\n') + '\n';
}
const ids = Array.from({ length: 24 }, () => randomUUID());
const goodRows = ids.map((id, i) => [
  id,
  i % 2 ? '2025-03-0' + ((i % 9) + 1) : '1404/01/1' + (i % 10), // Gregorian and Jalali
  i % 3 ? 'dogharoun' : 'bazargan',
  i % 4 ? 'female' : 'male',
  String(12 + i),
  i % 5 ? 'AFG' : 'PAK',
  i === 0 ? MARKER : i === 1 ? FA_NAME : 'Given' + i,
  i === 0 ? MARKER + 'family' : 'Family' + i,
  'possible',
  i % 2 ? 'forced_labour;sexual' : 'begging',
  i % 6 ? 'yes' : 'no',
]);

before(async () => {
  db = await testDatabase();
  iom = Number((await db.one("SELECT id FROM agencies WHERE code = 'iom'"))!.id);
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const protectionDigest = () =>
  db.one(`SELECT (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM protection_cases t) AS cases,
                 (SELECT count(*) FROM protection_status_history) AS hist, (SELECT count(*) FROM protection_consents) AS consents,
                 (SELECT count(*) FROM protection_imports) AS imports`);

/** Every table of the database, every row as text: where does a string occur? */
async function tablesContaining(s: string): Promise<string[]> {
  const tables = await db.many(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  const found: string[] = [];
  for (const { table_name } of tables) {
    const r = await db.one(`SELECT count(*)::int AS n FROM "${table_name}" t WHERE t::text ILIKE $1`, ['%' + s + '%']);
    if (r!.n) found.push(table_name);
  }
  return found;
}

/** The bytes of the database's files, read through the server as a superuser: the latest WAL segments and the files of the tables that could hold a name. */
async function databaseFiles(): Promise<Buffer[]> {
  await db.query('CHECKPOINT');
  const out: Buffer[] = [];
  const wal = await db.many(`SELECT name FROM pg_ls_waldir() ORDER BY modification DESC LIMIT 3`);
  for (const w of wal) out.push((await db.one(`SELECT pg_read_binary_file('pg_wal/' || $1) AS b`, [w.name]))!.b);
  for (const t of ['protection_cases', 'audit_log', 'protection_imports', 'fmps']) {
    const p = (await db.one(`SELECT pg_relation_filepath($1) AS p`, [t]))!.p;
    out.push((await db.one(`SELECT pg_read_binary_file($1) AS b`, [p]))!.b);
  }
  return out;
}

test('import: valid file added, names encrypted, blind index finds a name however its letters were typed', async () => {
  const file = join(dir, 'cases.csv');
  writeFileSync(file, csv(goodRows));
  const cipher = cipherFor(dir, env);
  const r = await importCases(db, { path: file, ownerAgencyId: iom, actor: cliActor('test'), principal: null, cipher });
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.deepEqual([r.rows, r.added, r.present], [24, 24, 0]);
  // key file created 0600 on first use
  assert.equal(statSync(env.MARZ_PROTECTION_KEY_FILE!).mode & 0o777, 0o600);
  // Jalali 1404/01/10 is 2025-03-30
  const c0 = await db.one(`SELECT to_char(screened_on,'YYYY-MM-DD') d, given_name_enc, province_code FROM protection_cases WHERE id = $1`, [ids[0]]);
  assert.equal(c0!.d, '2025-03-30');
  assert.match(c0!.given_name_enc, new RegExp(`^v1\\.${cipher.currentKeyId}\\.`));
  assert.equal(cipher.decrypt(c0!.given_name_enc, `protection_cases.given_name.${ids[0]}`), MARKER);
  // Equality search: the Persian name typed with Persian letters finds the row stored from Arabic ones.
  const byGiven = await db.many('SELECT id FROM protection_cases WHERE given_name_bidx = $1', [cipher.blindIndex('given_name', '  ژیلوفرکریمی ')]);
  assert.deepEqual(byGiven.map((x) => x.id), [ids[1]]);
  // consent v1 and status history recorded; the import audited with the case ids
  assert.equal((await db.one('SELECT count(*)::int n FROM protection_consents'))!.n, 24);
  assert.equal((await db.one('SELECT count(*)::int n FROM protection_status_history'))!.n, 24);
  const a = await db.one(`SELECT details FROM audit_log WHERE action = 'protection.case.import'`);
  assert.ok(a!.details.case_ids.includes(ids[5]));
});

test('the imported name is nowhere in plaintext: not in any table, not in the database files', async () => {
  // Control: the same search finds a plaintext value that is there.
  await db.query(`CREATE TABLE plaintext_control (v text)`);
  await db.query(`INSERT INTO plaintext_control VALUES ($1)`, ['Control' + MARKER]);
  assert.deepEqual(await tablesContaining('Control' + MARKER), ['plaintext_control']);
  assert.deepEqual(await tablesContaining(MARKER.slice(0, 12)).then((t) => t.filter((x) => x !== 'plaintext_control')), []);
  assert.deepEqual(await tablesContaining('ژیلوفر'), []);
  const files = await databaseFiles();
  const marker = Buffer.from(MARKER.slice(0, 12));
  const control = Buffer.from('Control' + MARKER.slice(0, 5));
  assert.ok(files.some((f) => f.includes(control)), 'the control value is found in the files read');
  const fa = Buffer.from('ژیلوفر');
  // Every occurrence of the marker in the files is the control's.
  for (const f of files) {
    let at = f.indexOf(marker);
    while (at >= 0) {
      assert.equal(f.subarray(at - 7, at).toString(), 'Control', 'a plaintext name in the database files');
      at = f.indexOf(marker, at + 1);
    }
    assert.equal(f.indexOf(fa), -1, 'a Persian name in the database files');
  }
  await db.query('DROP TABLE plaintext_control');
});

test('a backup holds the ciphertext, not the name (even an unencrypted backup file)', async () => {
  const file = join(dir, 'plain.backup');
  await backup(db, file);
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  assert.match(text, /protection_cases/);
  assert.match(text, /v1\.k[0-9a-f]+\./, 'the encrypted values are in the backup');
  assert.equal(text.includes(MARKER), false);
  assert.equal(text.includes('ژیلوفر'), false);
});

test('an export of case data is an encrypted file; the right key reads it back, a wrong one does not', async () => {
  const key = Buffer.alloc(32, 7);
  const file = join(dir, 'cases.export');
  const n = await exportCases(db, cipherFor(dir, env), file, key, cliActor('test'));
  assert.equal(n, 24);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const raw = readFileSync(file);
  assert.equal(raw.includes(Buffer.from(MARKER)), false);
  assert.throws(() => gunzipSync(raw));
  const back = readExport(file, key) as any[];
  assert.equal(back.find((c) => c.id === ids[0]).given_name, MARKER);
  assert.equal(back.find((c) => c.id === ids[0]).consents[0].statistics, false);
  assert.throws(() => readExport(file, Buffer.alloc(32, 8)));
  const a = await db.one(`SELECT details FROM audit_log WHERE action = 'protection.case.export'`);
  assert.equal(a!.details.case_ids.length, 24);
});

test('importing the same file again changes nothing; an XLSX of the same rows too', async () => {
  const before = await protectionDigest();
  const cipher = cipherFor(dir, env);
  const r = await importCases(db, { path: join(dir, 'cases.csv'), ownerAgencyId: iom, actor: cliActor('test'), principal: null, cipher });
  assert.equal(r.ok, true);
  assert.deepEqual([r.added, r.present], [0, 24]);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('cases');
  ws.addRow(['id', 'screened_on', 'fmp', 'sex', 'age', 'nationality', 'given_name', 'family_name', 'status', 'exploitation', 'consent_statistics']);
  for (const row of goodRows) ws.addRow(row);
  await wb.xlsx.writeFile(join(dir, 'cases.xlsx'));
  const x = await importCases(db, { path: join(dir, 'cases.xlsx'), ownerAgencyId: iom, actor: cliActor('test'), principal: null, cipher });
  assert.equal(x.ok, true, JSON.stringify(x.problems));
  assert.deepEqual([x.added, x.present], [0, 24]);
  assert.deepEqual(await protectionDigest(), before);
});

test('a file with problems is refused whole, each problem with row, column, value and why', async () => {
  const before = await protectionDigest();
  const fresh = randomUUID();
  const rows = [
    [fresh, '2025-04-01', 'dogharoun', 'female', '30', 'AFG', 'A', 'B', 'possible', 'begging', 'yes'],
    [randomUUID(), '1404/13/01', 'nowhere', 'woman', '300', 'AF', 'A', 'B', 'victim', 'slavery;begging', 'maybe'],
    [ids[2]!, goodRows[2]![1]!, 'dogharoun', 'male', '14', 'AFG', 'Changed', 'Family2', 'possible', 'begging', 'yes'],
    ['not-a-uuid', '2099-01-01', 'dogharoun', 'male', '', '', '', '', 'possible', '', 'no'],
    [fresh, '2025-04-01', 'dogharoun', 'female', '30', 'AFG', 'A', 'B', 'possible', 'begging', 'yes'],
  ];
  writeFileSync(join(dir, 'bad.csv'), csv(rows));
  const r = await importCases(db, { path: join(dir, 'bad.csv'), ownerAgencyId: iom, actor: cliActor('test'), principal: null, cipher: cipherFor(dir, env) });
  assert.equal(r.ok, false);
  const got = r.problems.map((p) => `${p.row}:${p.column}:${p.code}`);
  for (const want of ['3:screened_on:date_invalid', '3:fmp:fmp_unknown', '3:sex:sex_invalid', '3:age:age_invalid', '3:nationality:nationality_invalid', '3:status:status_invalid', '3:exploitation:exploitation_invalid', '3:consent_statistics:consent_invalid', '4:id:id_conflict', '5:id:uuid_invalid', '5:screened_on:date_future', '6:id:id_duplicate_in_file']) {
    assert.ok(got.includes(want), `missing ${want} in ${got.join(' ')}`);
  }
  for (const p of r.problems) assert.ok(p.message_en && p.message_fa && !/[a-z]{3,}/i.test(p.message_fa.replace(/UUID/g, '')), `Persian message without English words: ${p.message_fa}`);
  assert.equal(r.problems.find((p) => p.code === 'sex_invalid')!.value, 'woman');
  assert.deepEqual(await protectionDigest(), before);
  const missing = join(dir, 'missing.csv');
  writeFileSync(missing, 'id,screened_on\n' + randomUUID() + ',2025-01-01\n');
  const m = await importCases(db, { path: missing, ownerAgencyId: iom, actor: cliActor('test'), principal: null, cipher: cipherFor(dir, env) });
  assert.equal(m.problems[0]!.code, 'missing_columns');
  assert.match(m.problems[0]!.column!, /fmp/);
});

test('statistics count consenting cases only and suppress small cells', async () => {
  const t = cliTable(await protectionStats(db, { by: ['sex', 'nationality'], k: 5 }));
  assert.deepEqual(Object.keys(t), ['k', 'cells', 'excluded_no_consent']);
  assert.equal(t.k, 5);
  assert.equal(t.excluded_no_consent, 4); // rows 0, 6, 12, 18 said no
  for (const c of t.cells) assert.ok(c.count === null || (c.count as number) >= 5);
  assert.ok(t.cells.some((c) => c.count === null));
  const shown = t.cells.reduce((s, c) => s + ((c.count as number) ?? 0), 0);
  assert.ok(shown <= 20);
  // counts by period and by referral outcome (none referred yet)
  const m = await protectionStats(db, { by: ['month', 'referral_outcome'], k: 2 });
  assert.deepEqual([...new Set(m.cells.map((c) => c.referral_outcome))], ['none']);
  assert.ok(m.cells.every((c) => /^\d{4}-\d{2}$/.test(String(c.month))));
  assert.equal(m.total, 20);
  const j = await protectionStats(db, { by: ['month'], k: 2, calendar: 'jalali' });
  assert.ok(j.cells.some((c) => c.month === '1404/01'), 'Jalali months: 1404/01/10 is in Farvardin 1404');
  assert.equal(j.total, 20);
});

test('the province profile has a protection section: suppressed counts for the province', async () => {
  const sections = await loadProfileSections(db, { province: 'IR-09', from: null, to: null, principal: null });
  const s = sections.find((x) => x.key === 'protection')!;
  assert.ok(s && !s.error, JSON.stringify(s));
  const d = s.data as any;
  assert.deepEqual(Object.keys(d.by_status), ['k', 'cells', 'excluded_no_consent']);
  const consenting = Number((await db.one(`SELECT count(*)::int n FROM protection_cases WHERE province_code = 'IR-09' AND consent_statistics`))!.n);
  assert.equal(d.total, consenting >= 5 ? consenting : null);
  const viewer = { id: 'x', username: 'v', displayName: 'v', locale: 'en' as const, agencyId: null, assignments: [{ role: 'viewer', permissions: ['flows.read'], agencyIds: [], provinces: null }] };
  const hidden = (await loadProfileSections(db, { province: 'IR-09', from: null, to: null, principal: viewer })).find((x) => x.key === 'protection')!;
  assert.equal(hidden.data, null);
});

test('rotate-key re-encrypts every value under a new key and recomputes blind indexes; the old key can be retired', async () => {
  const before = cipherFor(dir, env);
  const oldId = before.currentKeyId;
  const oldBidx = (await db.one('SELECT given_name_bidx FROM protection_cases WHERE id = $1', [ids[1]]))!.given_name_bidx;
  const r = await rotateKey(db, dir, cliActor('test'), { retire: true, env });
  assert.deepEqual(r.old_keys, [oldId]);
  assert.ok(r.values >= 48);
  const keyring = JSON.parse(readFileSync(env.MARZ_PROTECTION_KEY_FILE!, 'utf8'));
  assert.deepEqual(Object.keys(keyring.keys), [r.new_key]);
  resetCipherCache();
  const after = cipherFor(dir, env);
  assert.equal(after.currentKeyId, r.new_key);
  const row = await db.one('SELECT given_name_enc, given_name_bidx FROM protection_cases WHERE id = $1', [ids[0]]);
  assert.equal(FieldCipher.keyIdOf(row!.given_name_enc), r.new_key);
  assert.equal(after.decrypt(row!.given_name_enc, `protection_cases.given_name.${ids[0]}`), MARKER);
  const stale = await db.one(`SELECT count(*)::int n FROM protection_cases WHERE given_name_enc LIKE $1 OR family_name_enc LIKE $1`, [`v1.${oldId}.%`]);
  assert.equal(stale!.n, 0);
  const bidx = (await db.one('SELECT given_name_bidx FROM protection_cases WHERE id = $1', [ids[1]]))!.given_name_bidx;
  assert.notEqual(bidx, oldBidx);
  assert.equal(bidx, after.blindIndex('given_name', 'ژیلوفرکریمی'));
  // A ciphertext moved to another row does not decrypt (the row id is bound in).
  assert.throws(() => after.decrypt(row!.given_name_enc, `protection_cases.given_name.${ids[1]}`));
});
