import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COUNTRIES,
  CORE_FIELDS,
  countryName,
  EXTRA_NATIONALITIES,
  FMR_COLUMNS,
  fmrHeader,
  fmrHxlRow,
  fmrLabels,
  fmrRecordToRow,
  type FmrRecord,
  groupTotal,
  REASON_CODES,
  TRANSPORT_MODES,
  VALUE_LABELS,
} from './format.ts';

test('core columns come first, in the documented order', () => {
  assert.deepEqual(fmrHeader('core'), ['id', 'fmp', 'date', 'direction', 'nationality', 'men', 'women', 'boys', 'girls', 'deported']);
  assert.deepEqual(fmrHeader().slice(0, 10), [...CORE_FIELDS]);
  assert.deepEqual(fmrHeader().slice(10), [
    'time', 'transport', 'reasons', 'origin_country', 'origin_admin1', 'destination_country', 'destination_admin1',
    'uasc', 'pregnant_lactating', 'elderly', 'disabled', 'medical', 'enumerator', 'note',
  ]);
  assert.ok(FMR_COLUMNS.slice(0, 10).every((c) => c.required));
  assert.ok(FMR_COLUMNS.slice(10).every((c) => !c.required));
});

test('every column has a well-formed, unique HXL hashtag and both labels', () => {
  const tags = fmrHxlRow();
  assert.equal(new Set(tags).size, tags.length);
  for (const t of tags) assert.match(t, /^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/);
  assert.deepEqual(fmrHxlRow('core').slice(5, 9), ['#affected+m+adults', '#affected+f+adults', '#affected+m+children', '#affected+f+children']);
  assert.equal(FMR_COLUMNS.find((c) => c.key === 'fmp')!.hxl, '#loc+code');
  assert.equal(FMR_COLUMNS.find((c) => c.key === 'nationality')!.hxl, '#country+code+nationality');
  assert.equal(FMR_COLUMNS.find((c) => c.key === 'origin_admin1')!.hxl, '#adm1+code+origin');
  for (const lang of ['en', 'fa'] as const) assert.ok(fmrLabels(lang).every((l) => l.length > 0));
});

test('value labels exist for every code', () => {
  for (const t of TRANSPORT_MODES) assert.ok(VALUE_LABELS.transport[t].fa);
  for (const r of REASON_CODES) assert.ok(VALUE_LABELS.reasons[r].fa);
});

test('the shipped ISO 3166-1 list is complete', () => {
  assert.equal(COUNTRIES.size, 249);
  for (const [a3, c] of COUNTRIES) {
    assert.match(a3, /^[A-Z]{3}$/);
    assert.match(c.a2!, /^[A-Z]{2}$/);
    assert.ok(c.en && c.fa, a3);
  }
  assert.equal(countryName('AFG', 'fa'), 'افغانستان');
  assert.equal(countryName('IRN', 'fa'), 'ایران');
  assert.equal(countryName('IRQ', 'fa'), 'عراق');
  assert.equal(countryName('PAK', 'fa'), 'پاکستان');
  assert.equal(countryName('TUR', 'en'), 'Türkiye');
  assert.equal(countryName('XXA', 'en'), 'Stateless person');
  assert.ok(!COUNTRIES.has('XXA') && EXTRA_NATIONALITIES.has('XXA'));
});

test('fmrRecordToRow writes Gregorian or Jalali dates and optional digits', () => {
  const r: FmrRecord = {
    id: '3f2b8c4e-1d2a-4b6f-9e7d-0a1b2c3d4e5f', fmp: 'mehran', date: '2025-08-11', direction: 'out', nationality: 'IRN',
    men: 2, women: 2, boys: 0, girls: 1, deported: 'no', time: '10:02', transport: 'on_foot', reasons: ['tourism_pilgrimage'],
    origin_country: 'IRN', origin_admin1: 'IR-23', destination_country: 'IRQ', destination_admin1: 'IQ-KA',
    uasc: 0, pregnant_lactating: null, elderly: 1, disabled: 0, medical: 0, enumerator: 'MEH-01', note: null,
  };
  assert.equal(groupTotal(r), 5);
  const g = fmrRecordToRow(r);
  assert.deepEqual(Object.keys(g), fmrHeader());
  assert.equal(g.date, '2025-08-11');
  assert.equal(g.pregnant_lactating, '');
  assert.equal(fmrRecordToRow(r, { calendar: 'jalali' }).date, '1404/05/20');
  const fa = fmrRecordToRow(r, { calendar: 'jalali', digits: 'fa' });
  assert.equal(fa.date, '۱۴۰۴/۰۵/۲۰');
  assert.equal(fa.men, '۲');
  assert.deepEqual(Object.keys(fmrRecordToRow(r, { columns: 'core' })), fmrHeader('core'));
});

test('CSV formula neutralisation (OWASP) is undone exactly by the importer; plain numbers are left alone', async () => {
  const { neutraliseCell, unneutraliseCell } = await import('./format.ts');
  const cases = ['=1+2', '+x', '-x', '@SUM(A1)', '\tx', '\rx', "'=x", "''@y", 'plain', "'quoted", '-3', '+2.5', '', 'a=b'];
  for (const c of cases) assert.equal(unneutraliseCell(neutraliseCell(c)), c, JSON.stringify(c));
  assert.equal(neutraliseCell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  assert.equal(neutraliseCell('-3'), '-3');
  assert.equal(neutraliseCell('-3+cmd'), "'-3+cmd");
  assert.equal(neutraliseCell("'=x"), "''=x");
  assert.equal(neutraliseCell('a=b'), 'a=b');
});

test('columns of Marz exports are recognised by HXL tag or by English or Persian label', async () => {
  const { columnRenamer, fmrLabels, fmrHxlRow } = await import('./format.ts');
  const fa = fmrLabels('fa', 'all');
  const byLabel = columnRenamer([...fa, 'وضعیت بازبینی', 'مشکلات'], null)!;
  assert.deepEqual(byLabel.columns.slice(0, 3), ['id', 'fmp', 'date']);
  assert.equal(byLabel.columns.at(-2), 'status');
  assert.equal(byLabel.columns.at(-1), 'مشکلات', 'unknown columns are kept as they are');
  const renamed = byLabel.rename({ 'شناسه رکورد': 'x', 'مشکلات': 'p' });
  assert.equal(renamed.id, 'x');
  assert.equal(renamed['مشکلات'], 'p');
  assert.equal('شناسه رکورد' in renamed, false);
  // Labels typed with Arabic letters and extra spaces still match.
  assert.equal(columnRenamer(['  نقطه پايش جريان '], null)!.columns[0], 'fmp');
  const hxl = fmrHxlRow('all');
  const byHxl = columnRenamer(hxl.map((_, i) => `col ${i}`), hxl.map((t) => t.toUpperCase().replace('+', ' + ')))!;
  assert.deepEqual(byHxl.columns.slice(0, 6), ['id', 'fmp', 'date', 'direction', 'nationality', 'men']);
  assert.equal(columnRenamer(['id', 'fmp', 'date'], null), null, 'canonical names need nothing');
});
