// Issue 12.3/12.4 and 10.8/10.9: Marz's own exports import again (Persian, labels, HXL, XLSX);
// partial imports with a file of refused rows; cells that cannot be stored are row problems;
// CSV exports neutralise formulas and still import back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, readFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { testDatabase, TEST_ENGINE } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { importFlows } from './import.ts';
import { exportFlows, type ExportOptions } from './export.ts';
import { generateDemoRecords } from './demo.ts';
import { fmrHeader, fmrRecordToRow } from './format.ts';
import { RefusedRows, writeRefusedRows } from './refused.ts';
import { readCsv, MAX_CELL } from './read.ts';

let db: Database;
let empty: Database;
let dir: string;
before(async () => {
  db = await testDatabase();
  empty = await testDatabase();
  dir = mkdtempSync(join(tmpdir(), 'marz-roundtrip-'));
});
after(async () => {
  await db.close();
  await empty.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (d: Database, path: string, extra: Partial<Parameters<typeof importFlows>[1]> = {}) => importFlows(d, { path, actor: cliActor('test'), principal: null, ...extra });
const filters = { from: '2000-01-01', to: '2030-12-31', scope: null };
const snapshot = (d: Database) =>
  d.many(
    `SELECT id::text, fmp_code, observed_on::text, direction, nationality, men, women, boys, girls, deported, to_char(observed_time, 'HH24:MI') AS time, transport,
            reasons, origin_country, origin_admin1, destination_country, destination_admin1, uasc, pregnant_lactating, elderly, disabled, medical, enumerator, note
       FROM fmr_records ORDER BY id`,
  );
async function exportTo(d: Database, name: string, o: Omit<ExportOptions, 'filters'>) {
  const path = join(dir, name);
  await pipeline(exportFlows(d, 'records', { ...o, filters }), createWriteStream(path));
  return path;
}

test(`[${TEST_ENGINE}] Persian labelled exports (CSV without HXL, XLSX with HXL) import into an empty database with every row`, async () => {
  const header = fmrHeader('all');
  const records = [...generateDemoRecords({ seed: 3, records: 400, endDate: '2025-12-31', days: 40 })];
  // A few values that need care: formula-like and negative-looking notes, Persian text.
  records[0] = { ...records[0]!, note: "=cmd|' /C calc'!A0" };
  records[1] = { ...records[1]!, note: '-3' };
  records[2] = { ...records[2]!, note: "'+already quoted", enumerator: '@enum' };
  records[3] = { ...records[3]!, note: 'یادداشت، با ویرگول' };
  const lines = [header.join(',')];
  for (const r of records) {
    const row = fmrRecordToRow(r);
    lines.push(header.map((h) => '"' + row[h]!.replaceAll('"', '""') + '"').join(','));
  }
  const source = join(dir, 'source.csv');
  writeFileSync(source, lines.join('\n'));
  const first = await run(db, source);
  assert.equal(first.ok, true, JSON.stringify(first.problems.slice(0, 3)));
  assert.equal(first.added, 400);
  const original = await snapshot(db);

  const csvFa = await exportTo(db, 'fa.csv', { format: 'csv', hxl: false, lang: 'fa', labels: true });
  const text = readFileSync(csvFa, 'utf8');
  assert.match(text.split('\r\n')[0]!, /^\uFEFFشناسه رکورد,نقطه پایش جریان,تاریخ,جهت,تابعیت/, 'Persian headers');
  assert.ok(/,(ورودی|خروجی),/.test(text) && !/,(in|out),/.test(text), 'directions as Persian labels');
  assert.ok(text.includes('افغانستان'), 'countries by name');
  assert.match(text, /,14\d\d\/\d\d\/\d\d,/, 'Jalali dates');
  assert.ok(text.includes(`,'=cmd|' /C calc'!A0`) && !text.includes(',=cmd'), 'a formula is neutralised with a quote');
  assert.ok(text.includes(",-3,") || text.includes(',-3\r\n') || text.includes(',"-3"'), 'a plain number is left alone');
  // The source CSV's "'+already quoted" was read as "+already quoted" (a neutralised cell), and is written neutralised again.
  assert.ok(text.includes(`,'+already quoted`) && !text.includes(',+already'), 'a stored formula-like note is neutralised');
  assert.ok(text.includes(`'@enum`));

  const again = await run(empty, csvFa);
  assert.equal(again.ok, true, JSON.stringify(again.problems.slice(0, 3)));
  assert.equal(again.added, 400, 'every row');
  assert.deepEqual(await snapshot(empty), original, 'the same records, notes included');

  // The plain English CSV (written by the database itself) neutralises too, and imports back as present.
  const csvEn = await exportTo(db, 'en.csv', { format: 'csv', hxl: true, lang: 'en' });
  const en = readFileSync(csvEn, 'utf8');
  assert.ok(en.includes(`,'=cmd|' /C calc'!A0`) && en.includes(`,'@enum,`) && en.includes(',-3,'), 'formulas neutralised, numbers kept');
  const z = await run(db, csvEn);
  assert.equal(z.ok, true, JSON.stringify(z.problems.slice(0, 3)));
  assert.deepEqual({ added: z.added, present: z.present }, { added: 0, present: 400 }, 'neutralised notes read back unchanged');

  // English labels with the HXL row, as XLSX: imports into the first database as already present.
  const xlsxEn = await exportTo(db, 'en.xlsx', { format: 'xlsx', hxl: true, lang: 'en', labels: true });
  const x = await run(db, xlsxEn);
  assert.equal(x.ok, true, JSON.stringify(x.problems.slice(0, 3)));
  assert.deepEqual({ added: x.added, present: x.present }, { added: 0, present: 400 });
  // A Persian XLSX whose header was renamed by hand is still read by its HXL row.
  const xlsxFa = await exportTo(db, 'fa.xlsx', { format: 'xlsx', hxl: true, lang: 'fa', labels: true });
  const y = await run(db, xlsxFa, { dryRun: true });
  assert.equal(y.ok, true, JSON.stringify(y.problems.slice(0, 3)));
  assert.equal(y.present, 400);
});

test(`[${TEST_ENGINE}] --skip-invalid imports the good rows and writes the refused ones with their problems, ready to fix and import again`, async () => {
  const header = 'id,fmp,date,direction,nationality,men,women,boys,girls,deported,note';
  const rows: string[] = [];
  for (let i = 1; i <= 30; i++) {
    const id = `5a1c0d2e-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const bad = i % 5 !== 0 && i > 12; // 18 bad rows (13..30 except 15, 20, 25, 30 → 14) …
    rows.push(`${id},milak,2025-06-${String((i % 28) + 1).padStart(2, '0')},in,AFG,${bad ? 'x' : '1'},0,0,0,no,row ${i}`);
  }
  const path = join(dir, 'mixed.csv');
  writeFileSync(path, [header, ...rows].join('\n'));
  const badCount = rows.filter((r) => r.includes(',x,')).length;
  const before = Number((await db.one('SELECT count(*) AS n FROM fmr_records'))!.n);

  const strict = await run(db, path);
  assert.equal(strict.ok, false, 'all or nothing by default');
  assert.equal(Number((await db.one('SELECT count(*) AS n FROM fmr_records'))!.n), before);

  const refused = new RefusedRows();
  const r = await run(db, path, { skipInvalid: true, onProblem: refused.add });
  assert.equal(r.ok, true);
  assert.equal(r.refused, badCount);
  assert.equal(r.added, 30 - badCount);
  assert.equal(Number((await db.one('SELECT count(*) AS n FROM fmr_records'))!.n), before + 30 - badCount);
  const h = await db.one(`SELECT rows_added, rows_refused, outcome FROM flow_imports WHERE file_name = 'mixed.csv' AND outcome <> 'refused'`);
  assert.deepEqual(h, { rows_added: 30 - badCount, rows_refused: badCount, outcome: 'partial' });

  const errors = `${path}.errors.csv`;
  const written = await writeRefusedRows(path, refused, 'fa', createWriteStream(errors));
  assert.equal(written.rows, badCount);
  const back: Record<string, string>[] = [];
  for await (const row of readCsv(errors)) back.push(row.values);
  assert.equal(back.length, badCount);
  assert.ok(back.every((v) => v.men === 'x' && /عدد نیست/.test(v['مشکلات']!) && !/[A-Za-z]/.test(v['مشکلات']!.replace(/«[^»]*»/g, ''))), 'each refused row as it was, with its problems in Persian');
  // Fixed in a spreadsheet, the file imports.
  writeFileSync(errors, readFileSync(errors, 'utf8').replaceAll(',x,', ',2,'));
  const fixed = await run(db, errors);
  assert.equal(fixed.ok, true, JSON.stringify(fixed.problems.slice(0, 2)));
  assert.equal(fixed.added, badCount);
});

test(`[${TEST_ENGINE}] a NUL byte and an oversized cell are row problems naming row and column; report values are cut`, async () => {
  const path = join(dir, 'hostile.csv');
  const big = 'y'.repeat(MAX_CELL + 5000);
  writeFileSync(
    path,
    [
      'id,fmp,date,direction,nationality,men,women,boys,girls,deported,note',
      '6a1c0d2e-0000-4000-8000-000000000001,milak,2025-06-01,in,AFG,1,0,0,0,no,a\u0000b',
      `6a1c0d2e-0000-4000-8000-000000000002,milak,2025-06-01,in,AFG,1,0,0,0,no,"${big}"`,
      '6a1c0d2e-0000-4000-8000-000000000003,milak,2025-06-01,in,AFG,1,0,0,0,no,fine',
    ].join('\n'),
  );
  const r = await run(db, path);
  assert.equal(r.ok, false);
  assert.deepEqual(r.problems.map((p) => [p.row, p.column, p.code]), [
    [2, 'note', 'nul_byte'],
    [3, 'note', 'cell_too_large'],
  ]);
  assert.ok(r.problems[1]!.value!.length <= 201, 'the value in the report is cut');
  const partial = await run(db, path, { skipInvalid: true });
  assert.equal(partial.ok, true);
  assert.deepEqual({ added: partial.added, refused: partial.refused }, { added: 1, refused: 2 });
});

test(`[${TEST_ENGINE}] --skip-invalid on an XLSX file writes its refused rows as CSV`, async () => {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('FMR');
  ws.addRow(['id', 'fmp', 'date', 'direction', 'nationality', 'men', 'women', 'boys', 'girls', 'deported']);
  ws.addRow(['9c1c0d2e-0000-4000-8000-000000000001', 'milak', '2025-06-01', 'in', 'AFG', 1, 0, 0, 0, 'no']);
  ws.addRow(['9c1c0d2e-0000-4000-8000-000000000002', 'milak', '2025-06-01', 'in', 'Atlantis', 1, 0, 0, 0, 'no']);
  const path = join(dir, 'field.xlsx');
  await wb.xlsx.writeFile(path);
  const refused = new RefusedRows();
  const r = await run(db, path, { skipInvalid: true, onProblem: refused.add });
  assert.deepEqual({ ok: r.ok, added: r.added, refused: r.refused }, { ok: true, added: 1, refused: 1 });
  const out = join(dir, 'field.xlsx.errors.csv');
  assert.equal((await writeRefusedRows(path, refused, 'en', createWriteStream(out))).rows, 1);
  const lines = readFileSync(out, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^9c1c0d2e-0000-4000-8000-000000000002,milak,2025-06-01,in,Atlantis,1,0,0,0,no,.*ISO 3166-1/);
});
