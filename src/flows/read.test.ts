import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { cellToString, firstInvalidUtf8, type HeaderInfo, isHxlRow, readCsv, ReadError, readRows, readXlsx, type SourceRow } from './read.ts';

async function collect(gen: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const r of gen) out.push(r);
  return out;
}
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const BOM = [0xef, 0xbb, 0xbf];

async function readError(p: Promise<unknown>): Promise<ReadError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ReadError, `expected ReadError, got ${e}`);
    return e;
  }
  assert.fail('expected a ReadError');
}

test('CSV: header, values, spreadsheet row numbers', async () => {
  const rows = await collect(readCsv(Readable.from([bytes('id,fmp,men\n1,dogharoun,2\n\n2,"mehran, IQ",3\n')])));
  assert.deepEqual(rows, [
    { rowNumber: 2, values: { id: '1', fmp: 'dogharoun', men: '2' } },
    { rowNumber: 4, values: { id: '2', fmp: 'mehran, IQ', men: '3' } },
  ]);
});

test('CSV: a UTF-8 BOM is detected and stripped', async () => {
  let header: HeaderInfo | undefined;
  const rows = await collect(readCsv(Readable.from([bytes(BOM, 'id,تاریخ\r\n1,۱۴۰۳/۰۱/۰۱\r\n')]), { onHeader: (h) => (header = h) }));
  assert.deepEqual(header!.columns, ['id', 'تاریخ']);
  assert.equal(header!.bom, true);
  assert.deepEqual(rows[0]!.values, { id: '1', تاریخ: '۱۴۰۳/۰۱/۰۱' });
  // Without a BOM
  let h2: HeaderInfo | undefined;
  await collect(readCsv(Readable.from([bytes('id\n1\n')]), { onHeader: (h) => (h2 = h) }));
  assert.equal(h2!.bom, false);
});

test('CSV: an HXL hashtag row after the header is skipped and reported', async () => {
  let header: HeaderInfo | undefined;
  const rows = await collect(
    readCsv(Readable.from([bytes('id,fmp,men,note\n#meta+id,#loc +code,#affected+m+adults,\n1,milak,2,x\n')]), { onHeader: (h) => (header = h) }),
  );
  assert.deepEqual(header!.hxl, ['#meta+id', '#loc +code', '#affected+m+adults', '']);
  assert.deepEqual(rows, [{ rowNumber: 3, values: { id: '1', fmp: 'milak', men: '2', note: 'x' } }]);
  assert.equal(isHxlRow(['#date', '', '#adm1+code']), true);
  assert.equal(isHxlRow(['#1', 'x']), false);
  assert.equal(isHxlRow(['', '']), false);
  // A data row that merely starts with '#' is not an HXL row.
  const data = await collect(readCsv(Readable.from([bytes('id,note\n1,#hashtag and more text\n')])));
  assert.equal(data.length, 1);
});

test('CSV: semicolon and tab delimiters are detected', async () => {
  const semi = await collect(readCsv(Readable.from([bytes('a;b;c\n1;2,5;3\n')])));
  assert.deepEqual(semi[0]!.values, { a: '1', b: '2,5', c: '3' });
  const tab = await collect(readCsv(Readable.from([bytes('a\tb\n1\t2\n')])));
  assert.deepEqual(tab[0]!.values, { a: '1', b: '2' });
  const forced = await collect(readCsv(Readable.from([bytes('a;b\n1;2\n')]), { delimiter: ',' }));
  assert.deepEqual(forced[0]!.values, { 'a;b': '1;2' });
});

test('CSV: multi-line quoted cells count as one row', async () => {
  const rows = await collect(readCsv(Readable.from([bytes('id,note\n1,"line one\nline two"\n2,x\n')])));
  assert.deepEqual(rows.map((r) => r.rowNumber), [2, 3]);
  assert.equal(rows[0]!.values.note, 'line one\nline two');
});

test('CSV: extra cells beyond the header are kept under positional names', async () => {
  const rows = await collect(readCsv(Readable.from([bytes('a,b\n1,2,3,\n4\n')])));
  assert.deepEqual(rows[0]!.values, { a: '1', b: '2', _col3: '3' });
  assert.deepEqual(rows[1]!.values, { a: '4', b: '' });
});

test('CSV: Windows-1256 bytes are rejected with the offset of the first bad byte', async () => {
  // "تهران" in Windows-1256 is CA E5 D1 C7 E4.
  const input = bytes('fmp,note\nmehran,', [0xca, 0xe5, 0xd1, 0xc7, 0xe4], '\n');
  const e = await readError(collect(readCsv(Readable.from([input]))));
  assert.equal(e.code, 'encoding');
  assert.equal(e.offset, 16);
  assert.match(e.message, /0xCA at offset 16 \(line 2\)/);
  assert.match(e.message, /Windows-1256/);
  // Same result when the stream arrives byte by byte.
  const e2 = await readError(collect(readCsv(Readable.from([...input].map((b) => Buffer.from([b]))))));
  assert.equal(e2.offset, 16);
});

test('CSV: the bad-byte offset counts the BOM and earlier chunks', async () => {
  const input = [bytes(BOM, 'a\n'), bytes('ok\n'), bytes('x', [0xff])];
  const e = await readError(collect(readCsv(Readable.from(input))));
  assert.equal(e.offset, 3 + 2 + 3 + 1);
});

test('CSV: UTF-16 files are refused with advice', async () => {
  const e = await readError(collect(readCsv(Readable.from([Buffer.from('\ufeffa,b\n', 'utf16le')]))));
  assert.equal(e.code, 'encoding');
  assert.match(e.message, /UTF-16/);
});

test('CSV: multi-byte characters split across chunks are fine', async () => {
  const input = bytes(BOM, 'نام,تعداد\nدوغارون,۱۲\n');
  const rows = await collect(readCsv(Readable.from([...input].map((b) => Buffer.from([b])))));
  assert.deepEqual(rows, [{ rowNumber: 2, values: { نام: 'دوغارون', تعداد: '۱۲' } }]);
});

test('CSV: empty files, empty and duplicate headers, malformed quoting', async () => {
  assert.equal((await readError(collect(readCsv(Readable.from([Buffer.alloc(0)]))))).code, 'empty');
  assert.equal((await readError(collect(readCsv(Readable.from([bytes(BOM)]))))).code, 'empty');
  assert.equal((await readError(collect(readCsv(Readable.from([bytes(',,\n1,2,3\n')]))))).code, 'header');
  const dup = await readError(collect(readCsv(Readable.from([bytes('a,b,a\n1,2,3\n')]))));
  assert.equal(dup.code, 'header');
  assert.match(dup.message, /"a" appears twice/);
  assert.equal((await readError(collect(readCsv(Readable.from([bytes('a,b\n"open,1\n')]))))).code, 'csv');
});

test('firstInvalidUtf8 agrees with the platform decoder', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (buf) => {
      const at = firstInvalidUtf8(buf);
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(buf);
      } catch {
        valid = false;
      }
      if (valid) return at === -1;
      // The prefix before the reported byte decodes; the buffer from there does not.
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, at));
      return at >= 0;
    }),
    { numRuns: 3000 },
  );
  assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0); // UTF-16 surrogate
  assert.equal(firstInvalidUtf8(Buffer.from([0xc0, 0x80])), 0); // overlong
  assert.equal(firstInvalidUtf8(Buffer.from('ok€', 'utf8')), -1);
});

test('CSV: streams a large file with bounded memory and stops early on request', async () => {
  const N = 200_000;
  function* lines() {
    yield Buffer.from('id,fmp,men,women,boys,girls\n');
    let chunk = '';
    for (let i = 0; i < N; i++) {
      chunk += `${i},dogharoun,1,1,2,1\n`;
      if (chunk.length > 64_000) {
        yield Buffer.from(chunk);
        chunk = '';
      }
    }
    yield Buffer.from(chunk);
  }
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  let n = 0, peak = 0;
  for await (const r of readCsv(Readable.from(lines()))) {
    n++;
    if (n % 50_000 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    if (r.rowNumber !== n + 1) assert.fail(`row ${n}: rowNumber ${r.rowNumber}`);
  }
  assert.equal(n, N);
  // 200,000 rows are ~40 MB as row objects; what stays live must not grow with the file.
  assert.ok(peak < 16 * 1024 * 1024, `live heap grew by ${peak} bytes`);

  let seen = 0;
  for await (const _ of readCsv(Readable.from(lines()))) if (++seen === 10) break;
  assert.equal(seen, 10);
});

test('XLSX written by exceljs is read back: dates, numbers, formulas, HXL row, first sheet only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'marz-read-'));
  try {
    const path = join(dir, 'fmr.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('FMR', { views: [{ rightToLeft: true }] });
    ws.addRow(['id', 'fmp', 'date', 'time', 'men', 'women', 'total', 'note']);
    ws.addRow(['#meta+id', '#loc+code', '#date+occurred', '#date+time', '#affected+m+adults', '#affected+f+adults', '', '']);
    ws.addRow(['a1', 'dogharoun', new Date(Date.UTC(2025, 6, 6)), new Date(Date.UTC(1899, 11, 30, 8, 15)), 3, 2, { formula: 'E3+F3', result: 5 }, 'ساكن كرج']);
    ws.addRow([]); // blank row: counted, not yielded
    ws.addRow(['a2', 'mehran', '۱۴۰۴/۰۵/۲۰', '10:02', 1.5, 0, { formula: 'E5+F5', result: 1.5 }, { richText: [{ text: 'زائران ' }, { text: 'اربعین', font: { bold: true } }] }]);
    ws.getColumn(3).numFmt = 'yyyy-mm-dd';
    ws.getCell('C3').numFmt = 'yyyy-mm-dd';
    ws.getCell('D3').numFmt = 'hh:mm';
    const other = wb.addWorksheet('Other');
    other.addRow(['should', 'not', 'appear']);
    other.addRow([1, 2, 3]);
    await wb.xlsx.writeFile(path);

    let header: HeaderInfo | undefined;
    const rows = await collect(readXlsx(path, { onHeader: (h) => (header = h) }));
    assert.equal(header!.sheet, 'FMR');
    assert.deepEqual(header!.hxl!.slice(0, 3), ['#meta+id', '#loc+code', '#date+occurred']);
    assert.deepEqual(rows, [
      { rowNumber: 3, values: { id: 'a1', fmp: 'dogharoun', date: '2025-07-06', time: '08:15', men: '3', women: '2', total: '5', note: 'ساكن كرج' } },
      { rowNumber: 5, values: { id: 'a2', fmp: 'mehran', date: '۱۴۰۴/۰۵/۲۰', time: '10:02', men: '1.5', women: '0', total: '1.5', note: 'زائران اربعین' } },
    ]);
    // readRows picks the reader by extension.
    assert.equal((await collect(readRows(path))).length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('XLSX: a file that is not a workbook fails with a ReadError', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'marz-read-'));
  try {
    const path = join(dir, 'bad.xlsx');
    await writeFile(path, 'id,fmp\n1,x\n');
    const e = await readError(collect(readXlsx(path)));
    assert.ok(e.code === 'xlsx' || e.code === 'empty', e.code);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cellToString', () => {
  assert.equal(cellToString(null), '');
  assert.equal(cellToString(12), '12');
  assert.equal(cellToString(0.1 + 0.2), '0.3');
  assert.equal(cellToString(true), 'true');
  assert.equal(cellToString(new Date(Date.UTC(2025, 0, 1))), '2025-01-01');
  assert.equal(cellToString(new Date(Date.UTC(2025, 0, 1, 9, 30))), '2025-01-01 09:30');
  assert.equal(cellToString({ error: '#N/A' } as ExcelJS.CellErrorValue), '');
});

test('a huge cell is parsed in linear time: the parser keeps at most a chunk plus MAX_CELL characters, whatever the cell', async () => {
  const { CsvParser, MAX_CELL } = await import('./read.ts');
  for (const quoted of [false, true]) {
    const p = new CsvParser(',');
    const chunk = 'z'.repeat(10_000);
    assert.deepEqual(p.push(`a,b\n1,${quoted ? '"' : ''}`), [['a', 'b']]);
    let maxBuffered = 0;
    for (let i = 0; i < 500; i++) {
      assert.deepEqual(p.push(chunk), []);
      const internal = p as unknown as { buf: string; value: string; partial: string };
      maxBuffered = Math.max(maxBuffered, internal.buf.length, internal.value.length, internal.partial.length);
    }
    const rest = p.push(`${quoted ? '"' : ''},2\n3,4\n`);
    assert.equal(rest.length, 2);
    assert.equal(rest[0]![0], '1');
    assert.equal(rest[0]![1]!.length, MAX_CELL + 1, 'a 5 MB cell is kept as MAX_CELL + 1 characters (enough to refuse it)');
    assert.equal(rest[0]![2], '2');
    assert.deepEqual(rest[1], ['3', '4']);
    assert.ok(maxBuffered <= MAX_CELL + 1 + chunk.length, `buffered ${maxBuffered}`);
  }
});

test('tooLongOrNul names the first column with a NUL or an oversized cell', async () => {
  const { tooLongOrNul, MAX_CELL } = await import('./read.ts');
  assert.equal(tooLongOrNul({ a: 'x', b: 'y' }), null);
  assert.deepEqual(tooLongOrNul({ a: 'x', b: 'y\0' }), ['b', 'nul_byte']);
  assert.deepEqual(tooLongOrNul({ a: 'x'.repeat(MAX_CELL + 1) }), ['a', 'cell_too_large']);
  assert.equal(tooLongOrNul({ a: 'x'.repeat(MAX_CELL) }), null);
});

test('XLSX: a workbook part that expands hundreds of times (a huge cell) is refused before it is read', async () => {
  const { checkXlsxExpansion } = await import('./read.ts');
  const dir = await mkdtemp(join(tmpdir(), 'marz-xlsx-'));
  try {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Flows');
    ws.addRow(['id', 'note']);
    ws.addRow(['1', 'z'.repeat(20 * 1024 * 1024)]);
    const bomb = join(dir, 'bomb.xlsx');
    await wb.xlsx.writeFile(bomb);
    await assert.rejects(checkXlsxExpansion(bomb), (e: unknown) => e instanceof ReadError && e.code === 'xlsx' && /xl\/sharedStrings\.xml expands/.test(e.message));
    const fine = new ExcelJS.Workbook();
    fine.addWorksheet('Flows').addRow(['id', 'note']);
    const ok = join(dir, 'ok.xlsx');
    await fine.xlsx.writeFile(ok);
    await checkXlsxExpansion(ok);
    const notZip = join(dir, 'not.xlsx');
    await writeFile(notZip, 'id,note\n');
    await assert.rejects(checkXlsxExpansion(notZip), (e: unknown) => e instanceof ReadError && e.code === 'xlsx');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
