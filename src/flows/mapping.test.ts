import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { applyMapping, mapAndValidate, type Mapping, mappingSourceColumns, missingColumns, parseMapping } from './mapping.ts';
import { type HeaderInfo, readCsv, type SourceRow } from './read.ts';
import { demoFmpRegistry } from './demo.ts';
import { makeFmpRegistry } from './validate.ts';

const fixture = fileURLToPath(new URL('./fixtures/kobo-fmr-export.csv', import.meta.url));
const example = fileURLToPath(new URL('./mappings/kobo-fmr-example.json', import.meta.url));
const fmps = makeFmpRegistry(demoFmpRegistry());
const today = '2025-08-31';
const loadExample = async () => parseMapping(JSON.parse(await readFile(example, 'utf8')));

test('the example Kobo mapping is valid and matches the fixture header', async () => {
  const mapping = await loadExample();
  assert.equal(mapping.source, 'kobo');
  assert.equal(mapping.date_format, 'jalali');
  let header: HeaderInfo | undefined;
  for await (const _ of readCsv(fixture, { onHeader: (h) => (header = h) })) break;
  assert.equal(header!.delimiter, ';');
  assert.ok(header!.hxl, 'the Kobo export has an HXL row');
  assert.deepEqual(missingColumns(mapping, header!.columns), []);
  assert.ok(mappingSourceColumns(mapping).includes('sex_group/مرد'));
});

test('Kobo fixture: Persian headers, Persian digits and Jalali dates import; bad rows are reported', async () => {
  const mapping = await loadExample();
  const results = [];
  for await (const r of mapAndValidate(readCsv(fixture), { mapping, today, fmps })) results.push(r);
  assert.equal(results.length, 8);
  assert.deepEqual(results.map((r) => r.rowNumber), [3, 4, 5, 6, 7, 8, 9, 10]); // header + HXL row first

  const ok = results.filter((r) => r.result.ok).map((r) => (r.result.ok ? r.result.record : null)!);
  assert.equal(ok.length, 4);
  const [first, second, pilgrims, iraqis] = ok;
  assert.deepEqual(
    { ...first, reasons: [...first!.reasons] },
    {
      id: 'a7f76ba5-3c42-409b-8b57-8cfcfa3c634e',
      fmp: 'dogharoun',
      date: '2025-07-06',
      direction: 'out',
      nationality: 'AFG',
      men: 1,
      women: 1,
      boys: 3, // sex_group/پسر_زیر_۵ + sex_group/پسر_۵_۱۷ = 1 + 2
      girls: 1,
      deported: 'no',
      time: '08:12',
      transport: 'bus',
      reasons: ['return_home'],
      origin_country: null,
      origin_admin1: 'IR-23',
      destination_country: 'AFG',
      destination_admin1: null,
      uasc: 0,
      pregnant_lactating: 1,
      elderly: 0,
      disabled: 0,
      medical: null,
      enumerator: 'DOG-03',
      note: null,
    },
  );
  assert.equal(second!.date, '2025-07-06'); // ۱۴۰۴/۴/۱۵ without zero padding
  assert.equal(second!.deported, 'yes');
  assert.deepEqual(second!.reasons, ['deportation']);
  assert.equal(second!.note, 'مرد جوان تنها، ساکن کرج'); // Arabic ك normalised, trimmed
  assert.equal(pilgrims!.fmp, 'mehran');
  assert.equal(pilgrims!.nationality, 'IRN');
  assert.equal(pilgrims!.transport, 'on_foot');
  assert.deepEqual(pilgrims!.reasons, ['tourism_pilgrimage']);
  assert.equal(pilgrims!.destination_country, 'IRQ');
  assert.equal(iraqis!.direction, 'in');
  assert.equal(iraqis!.boys, 0); // blank sum parts default to 0
  assert.deepEqual(iraqis!.reasons, ['economic', 'family_reunification']);

  const bad = results.filter((r) => !r.result.ok).map((r) => ({ row: r.rowNumber, codes: r.result.ok ? [] : r.result.problems.map((p) => p.code) }));
  assert.deepEqual(bad, [
    { row: 7, codes: ['group_empty'] },
    { row: 8, codes: ['fmp_unknown'] },
    { row: 9, codes: ['date_invalid'] },
    { row: 10, codes: ['vulnerability_exceeds'] },
  ]);
});

const base = {
  format: 'marz-fmr-mapping/1',
  name: 'test',
  fields: {},
} as const;

test('applyMapping: shorthand, constants, value maps, sums, first_of, defaults, split', () => {
  const mapping = parseMapping({
    ...base,
    value_maps: { dirs: { 'ورودی': 'in', 'خروجی': 'out' } },
    fields: {
      id: '_uuid',
      fmp: { const: 'mehran' },
      direction: { from: 'جهت', values: 'dirs' },
      men: { sum: ['m1', 'm2'], default: 0 },
      women: { sum: ['w'] },
      date: { first_of: ['d1', 'd2'] },
      deported: { from: 'dep', default: 'unknown' },
      reasons: { from: 'why', split: ' ', values: { 'کار': 'economic', 'زیارت': 'tourism_pilgrimage' } },
      note: 'یادداشت',
    },
  });
  const out = applyMapping(mapping, {
    _uuid: ' abc ',
    جهت: 'ورودي', // Arabic yeh still matches the map key
    m1: '۲',
    m2: '',
    w: '',
    d1: '',
    d2: '۱۴۰۴/۰۱/۰۱',
    dep: '',
    why: 'کار  زیارت unknown',
    یادداشت: '  يك  ',
  });
  assert.deepEqual(out, {
    id: 'abc',
    fmp: 'mehran',
    date: '1404/01/01',
    direction: 'in',
    men: '2',
    women: '',
    deported: 'unknown',
    reasons: 'economic;tourism_pilgrimage;unknown',
    note: 'یک',
  });
  // A non-numeric part of a sum is passed on so that validation reports it.
  assert.equal(applyMapping(mapping, { m1: '2', m2: 'x' }).men, 'x');
  // All sum parts blank: the default.
  assert.equal(applyMapping(mapping, {}).men, '0');
});

test('applyMapping: flags for select_multiple exported as separate columns', () => {
  const mapping = parseMapping({ ...base, fields: { reasons: { flags: { 'r/a': 'economic', 'r/b': 'health', 'r/c': 'other' } } } });
  assert.equal(applyMapping(mapping, { 'r/a': '1', 'r/b': 'TRUE', 'r/c': '0' }).reasons, 'economic;health');
  assert.equal(applyMapping(mapping, { 'r/a': '۱', 'r/b': 'بله', 'r/c': '' }).reasons, 'economic;health');
  assert.equal(applyMapping(mapping, {}).reasons, '');
});

test('digits: keep leaves Persian digits to the validator', () => {
  const mapping = parseMapping({ ...base, digits: 'keep', fields: { men: 'm' } });
  assert.equal(applyMapping(mapping, { m: ' ۲ ' }).men, '۲');
});

test('mapping schema errors are explained', () => {
  assert.throws(() => parseMapping({ ...base, format: 'v2' }), /format/);
  assert.throws(() => parseMapping({ ...base, fields: { men: { from: 'a', sum: ['b'] } } }), /exactly one of/);
  assert.throws(() => parseMapping({ ...base, fields: { men: { values: {} } } }), /exactly one of/);
  assert.throws(() => parseMapping({ ...base, fields: { nosuchfield: 'x' } }), /nosuchfield|fields/);
  assert.throws(() => parseMapping({ ...base, fields: { direction: { from: 'x', values: 'missing' } } }), /no value map named "missing"/);
  assert.throws(() => parseMapping({ ...base, date_format: 'hijri' }), /date_format/);
  assert.throws(() => parseMapping({ ...base, extra: 1 }), /extra|Unrecognized/i);
});

test('missingColumns reports what the file lacks', () => {
  const mapping: Mapping = parseMapping({ ...base, fields: { id: '_uuid', men: { sum: ['a', 'b'] }, date: { first_of: ['x', 'y'] }, reasons: { flags: { f: 'other' } } } });
  assert.deepEqual(missingColumns(mapping, ['_uuid', 'a', 'y']), ['b', 'f']);
  assert.deepEqual(missingColumns(mapping, ['a']), ['_uuid', 'b', 'x', 'f']);
});

test('mapAndValidate without a mapping validates canonical rows', async () => {
  const rows: SourceRow[] = [
    { rowNumber: 2, values: { id: 'a7f76ba5-3c42-409b-8b57-8cfcfa3c634e', fmp: 'milak', date: '2025-01-05', direction: 'in', nationality: 'AFG', men: '1', women: '0', boys: '0', girls: '0', deported: 'no' } },
    { rowNumber: 3, values: { id: 'x' } },
  ];
  const out = [];
  for await (const r of mapAndValidate(rows, { today, fmps })) out.push(r);
  assert.equal(out[0]!.result.ok, true);
  assert.equal(out[1]!.result.ok, false);
  assert.equal(out[1]!.rowNumber, 3);
});
