import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { testDatabase, TEST_ENGINE } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { importFlows } from './import.ts';
import { exportFlows } from './export.ts';
import { totals, recomputeTotals } from './summary.ts';
import { generateDemoRecords } from './demo.ts';
import { fmrHeader, fmrRecordToRow } from './format.ts';
import { parseMapping } from './mapping.ts';
import { summaryDifferences } from './summary-check.ts';
import { REASON_CODES, type FmrRecord } from './format.ts';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';

let db: Database;
let dir: string;
before(async () => {
  db = await testDatabase();
  dir = mkdtempSync(join(tmpdir(), 'marz-import-'));
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (path: string, extra: Partial<Parameters<typeof importFlows>[1]> = {}) => importFlows(db, { path, actor: cliActor('test'), principal: null, ...extra });
const count = async () => Number((await db.one('SELECT count(*) AS n FROM fmr_records'))!.n);

function demoCsv(name: string, records: number, seed: number) {
  const header = fmrHeader('all');
  const lines = [header.join(',')];
  const expected = { individuals: 0, groups: 0, men: 0, women: 0, boys: 0, girls: 0 };
  for (const r of generateDemoRecords({ seed, records, endDate: '2025-12-31', days: 60 })) {
    const row = fmrRecordToRow(r);
    lines.push(header.map((h) => row[h]).join(','));
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  // independent computation straight from the file's text
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    const [men, women, boys, girls] = [5, 6, 7, 8].map((i) => Number(c[i]));
    expected.groups++;
    expected.men += men;
    expected.women += women;
    expected.boys += boys;
    expected.girls += girls;
    expected.individuals += men + women + boys + girls;
  }
  return { path, expected };
}

test(`[${TEST_ENGINE}] a canonical file imports; figures equal an independent computation; importing twice adds nothing`, async () => {
  const { path, expected } = demoCsv('demo.csv', 3000, 7);
  const first = await run(path);
  assert.equal(first.ok, true, JSON.stringify(first.problems.slice(0, 3)));
  assert.equal(first.added, 3000);
  const f = { from: '2025-01-01', to: '2025-12-31' };
  const t1 = await totals(db, f);
  assert.deepEqual({ individuals: t1.individuals, groups: t1.groups, men: t1.men, women: t1.women, boys: t1.boys, girls: t1.girls }, expected);
  assert.deepEqual(await recomputeTotals(db, f), t1, 'summaries equal the records');
  const second = await run(path);
  assert.equal(second.ok, true);
  assert.equal(second.added, 0);
  assert.equal(second.present, 3000);
  assert.deepEqual(await totals(db, f), t1, 'the same file twice changes nothing');
});

test(`[${TEST_ENGINE}] a file with bad rows is refused whole, with every bad row named`, async () => {
  const before = await count();
  const path = join(dir, 'bad.csv');
  writeFileSync(
    path,
    [
      'id,fmp,date,direction,nationality,men,women,boys,girls,deported',
      '0b8e6d7e-7d0a-4a8e-9a51-6f0e2a0c1a01,dogharoun,1404/04/15,in,AFG,۲,1,0,0,yes',
      '0b8e6d7e-7d0a-4a8e-9a51-6f0e2a0c1a02,dogharoun,1404/12/30,in,AFG,1,0,0,0,yes',
      '0b8e6d7e-7d0a-4a8e-9a51-6f0e2a0c1a03,atlantis,2025-07-01,in,AFG,1,0,0,0,yes',
      '0b8e6d7e-7d0a-4a8e-9a51-6f0e2a0c1a04,milak,2025-07-01,in,AFG,-2,0,0,0,no',
      '0b8e6d7e-7d0a-4a8e-9a51-6f0e2a0c1a05,milak,2025-07-01,in,AFG,0,0,0,0,no',
      '0b8e6d7e-7d0a-4a8e-9a51-6f0e2a0c1a01,dogharoun,2025-07-06,in,AFG,2,1,0,0,yes',
      '0b8e6d7e-7d0a-4a8e-9a51-6f0e2a0c1a07,mehran,45658,out,IRN,1,0,0,0,no',
    ].join('\n'),
  );
  const r = await run(path);
  assert.equal(r.ok, false);
  const byRow = new Map(r.problems.map((p) => [p.row, p.code]));
  assert.equal(byRow.get(3), 'date_invalid', '1404 is not a leap year: 1404/12/30 does not exist');
  assert.equal(byRow.get(4), 'fmp_unknown');
  assert.equal(byRow.get(5), 'count_negative');
  assert.equal(byRow.get(6), 'group_empty');
  assert.equal(byRow.get(7), 'id_duplicate_in_file');
  assert.equal(byRow.has(2), false, 'Jalali date with Persian digits is fine');
  assert.equal(byRow.has(8), false, 'Excel serial date 45658 = 2025-01-01 is fine');
  assert.ok(r.problems.every((p) => p.file === 'bad.csv' && p.message_en && p.message_fa));
  assert.equal(await count(), before, 'nothing was written');
  const flowImports = Number((await db.one(`SELECT count(*) AS n FROM flow_imports WHERE file_name = $1 AND outcome <> 'refused'`, ['bad.csv']))!.n);
  assert.equal(flowImports, 0, 'no half-written batch');
  const history = await db.one(`SELECT rows_added, rows_refused FROM flow_imports WHERE file_name = $1 AND outcome = 'refused'`, ['bad.csv']);
  assert.deepEqual({ added: history?.rows_added, refused: history?.rows_refused }, { added: 0, refused: 5 }, 'the refused import is in the history');
});

test(`[${TEST_ENGINE}] a dry run reports without writing; wrong encoding and missing columns are named`, async () => {
  const { path } = demoCsv('dry.csv', 200, 99);
  const before = await count();
  const dry = await run(path, { dryRun: true });
  assert.equal(dry.ok, true);
  assert.equal(dry.added, 200);
  assert.equal(await count(), before);
  const latin = join(dir, 'cp1256.csv');
  writeFileSync(latin, Buffer.concat([Buffer.from('id,fmp,date,direction,nationality,men,women,boys,girls,deported\nx,'), Buffer.from([0xe3, 0xd1, 0xd2]), Buffer.from(',2025-01-01,in,AFG,1,0,0,0,no\n')]));
  const enc = await run(latin);
  assert.equal(enc.ok, false);
  assert.equal(enc.problems[0].code, 'encoding');
  const cols = join(dir, 'cols.csv');
  writeFileSync(cols, 'id,fmp,date\n0b8e6d7e-7d0a-4a8e-9a51-6f0e2a0c1a99,milak,2025-01-01\n');
  const missing = await run(cols);
  assert.equal(missing.problems[0].code, 'missing_columns');
  assert.match(missing.problems[0].message_en, /direction/);
});

test(`[${TEST_ENGINE}] XLSX in the canonical format imports like CSV`, async () => {
  const path = join(dir, 'flows.xlsx');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('FMR');
  ws.addRow(['id', 'fmp', 'date', 'direction', 'nationality', 'men', 'women', 'boys', 'girls', 'deported']);
  ws.addRow(['#meta+id', '#loc+code', '#date', '#indicator+direction', '#country+code', '#affected+m+adults', '#affected+f+adults', '#affected+m+children', '#affected+f+children', '#indicator+deported']);
  ws.addRow(['5f0e2a0c-1a01-4a8e-9a51-0b8e6d7e7d0a', 'bazargan', new Date(Date.UTC(2025, 5, 1)), 'out', 'TUR', 2, 0, 0, 0, 'no']);
  ws.addRow(['5f0e2a0c-1a02-4a8e-9a51-0b8e6d7e7d0a', 'bazargan', '1404/03/11', 'in', 'IRN', 1, 1, 1, 1, 'no']);
  await wb.xlsx.writeFile(path);
  const r = await run(path);
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.added, 2);
  const rows = await db.many(`SELECT to_char(observed_on, 'YYYY-MM-DD') AS d FROM fmr_records WHERE id::text LIKE '5f0e2a0c-1a0%' ORDER BY 1`);
  assert.deepEqual(rows.map((x) => x.d), ['2025-06-01', '2025-06-01']);
});

test(`[${TEST_ENGINE}] a KoboToolbox export imports through a mapping (Persian headers, digits and Jalali dates)`, async () => {
  const mapping = parseMapping(JSON.parse(readFileSync(new URL('./mappings/kobo-fmr-example.json', import.meta.url), 'utf8')));
  const fixture = new URL('./fixtures/kobo-fmr-export.csv', import.meta.url).pathname;
  // The fixture has four deliberately bad rows: the file is refused, naming them.
  const refused = await run(fixture, { mapping, mappingName: 'kobo-example' });
  assert.equal(refused.ok, false);
  assert.deepEqual(refused.problems.map((p) => [p.row, p.code]), [[7, 'group_empty'], [8, 'fmp_unknown'], [9, 'date_invalid'], [10, 'vulnerability_exceeds']]);
  const good = join(dir, 'kobo-good.csv');
  writeFileSync(good, readFileSync(fixture, 'utf8').split('\n').filter((_, i) => i < 6 || i > 9).join('\n'));
  const r = await run(good, { mapping, mappingName: 'kobo-example' });
  assert.equal(r.ok, true, JSON.stringify(r.problems.slice(0, 3)));
  assert.ok(r.added > 0);
  const one = await db.one(`SELECT fmp_code, to_char(observed_on, 'YYYY-MM-DD') AS d, direction, men, women, boys, girls, note FROM fmr_records WHERE id = 'a7f76ba5-3c42-409b-8b57-8cfcfa3c634e'`);
  assert.deepEqual({ ...one, note: undefined }, { fmp_code: 'dogharoun', d: '2025-07-06', direction: 'out', men: 1, women: 1, boys: 3, girls: 1, note: undefined });
});

test(`[${TEST_ENGINE}] an export (CSV with HXL, and XLSX in Persian) reimports to the same figures`, async () => {
  const f = { from: '2025-01-01', to: '2025-12-31', scope: null };
  const csv = join(dir, 'out.csv');
  await pipeline(exportFlows(db, 'records', { format: 'csv', hxl: true, lang: 'en', filters: f }), createWriteStream(csv));
  const text = readFileSync(csv, 'utf8');
  assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 BOM');
  assert.match(text.split('\r\n')[1], /^#meta\+id,#loc\+code,#date/);
  const xlsx = join(dir, 'out.xlsx');
  await pipeline(exportFlows(db, 'records', { format: 'xlsx', hxl: true, lang: 'fa', filters: f }), createWriteStream(xlsx));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsx);
  const ws = wb.worksheets[0];
  assert.equal(ws.views[0].rightToLeft, true, 'Persian sheets are right-to-left');
  assert.equal(ws.getRow(1).getCell(1).value, 'شناسه رکورد');
  const expected = await totals(db, f);
  const other = await testDatabase();
  try {
    const r = await importFlows(other, { path: csv, actor: cliActor('test'), principal: null });
    assert.equal(r.ok, true, JSON.stringify(r.problems.slice(0, 3)));
    assert.deepEqual(await totals(other, f), expected);
  } finally {
    await other.close();
  }
});

test(`[${TEST_ENGINE}] property: imports hand in the summaries they add, equal to the records, whatever the rows, repeats and batch boundaries`, async () => {
  // Records with every kind of breakdown value: missing and present transport, no reason or
  // several, countries missing, admin1 codes and free names; some repeated in the file, some
  // already stored by an earlier import or by a form, some with a stored id and other content.
  const record = fc.record({
    fmp: fc.constantFrom('dogharoun', 'milak', 'mehran'),
    day: fc.integer({ min: 1, max: 70 }),
    direction: fc.constantFrom('in', 'out'),
    nationality: fc.constantFrom('AFG', 'IRQ', 'PAK'),
    men: fc.integer({ min: 0, max: 4 }),
    women: fc.integer({ min: 0, max: 4 }),
    boys: fc.integer({ min: 1, max: 3 }),
    deported: fc.constantFrom('yes', 'no', 'unknown'),
    transport: fc.constantFrom(null, 'bus', 'on_foot'),
    reasons: fc.subarray(REASON_CODES.slice(0, 4) as unknown as string[]),
    origin: fc.constantFrom([null, null], ['AFG', 'AF-HER'], ['AFG', 'Kandahar city'], ['IRQ', null]),
    destination: fc.constantFrom([null, null], ['IRN', 'IR-09'], ['IRN', null]),
    uasc: fc.constantFrom(null, 0, 1),
  });
  const toRecord = (r: any): FmrRecord => ({
    id: randomUUID(), fmp: r.fmp, date: `2025-0${1 + Math.floor(r.day / 31)}-${String(1 + (r.day % 28)).padStart(2, '0')}`, direction: r.direction, nationality: r.nationality,
    men: r.men, women: r.women, boys: r.boys, girls: 0, deported: r.deported, time: null, transport: r.transport, reasons: r.reasons,
    origin_country: r.origin[0], origin_admin1: r.origin[1], destination_country: r.destination[0], destination_admin1: r.destination[1],
    uasc: r.uasc, pregnant_lactating: null, elderly: null, disabled: null, medical: null, enumerator: null, note: null,
  });
  const header = fmrHeader('all');
  const csv = (records: FmrRecord[], name: string) => {
    const path = join(dir, name);
    writeFileSync(path, [header.join(','), ...records.map((r) => header.map((h) => JSON.stringify(fmrRecordToRow(r)[h] ?? '')).join(','))].join('\n') + '\n');
    return path;
  };
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 40 }), fc.array(record, { maxLength: 15 }), fc.integer({ min: 1, max: 7 }), async (rows, earlier, batchRows) => {
      const stored = earlier.map(toRecord);
      if (stored.length) {
        const half = Math.ceil(stored.length / 2);
        assert.equal((await run(csv(stored.slice(0, half), `earlier-${++n}.csv`))).ok, true);
        await db.query('UPDATE fmr_records SET status = $1 WHERE id = ANY($2::uuid[])', ['approved', stored.slice(half).map((r) => r.id)]);
      }
      const fresh = rows.map(toRecord);
      // The file: new records, a few of them twice, the earlier ones again, one with other content.
      const file = [...fresh, ...fresh.filter((_, i) => i % 3 === 0), ...stored.slice(0, Math.ceil(stored.length / 2))];
      if (stored.length) file.push({ ...stored[0]!, men: stored[0]!.men + 1 });
      const report = await run(csv(file, `file-${n}.csv`), { batchRows, skipInvalid: true });
      assert.equal(report.added, fresh.length, JSON.stringify(report.problems.slice(0, 3)));
      assert.equal(report.present, Math.ceil(stored.length / 2));
      assert.deepEqual(await summaryDifferences(db), []);
    }),
    { numRuns: 20 },
  );
});
