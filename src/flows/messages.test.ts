// Issue 12.6: Persian messages carry no English — no Latin field key, no ISO date. Values,
// codes and dates inside a Persian sentence are bidi isolates (FSI … PDI); system dates are
// Jalali. The test fails when a Persian message has Latin letters outside an isolate, or an
// ISO date (YYYY-MM-DD) written by the system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validateFmrRow, makeFmpRegistry, problem, IMPORT_MESSAGES, type ProblemCode } from './validate.ts';
import { FMR_FIELDS } from './format.ts';

const today = '2026-03-10';
const fmps = makeFmpRegistry([{ code: 'milak' }, { code: 'old', closed: '2025-01-01' }, { code: 'late', opened: '2026-01-01' }]);
const base = { id: '3f2b8c4e-1d2a-4b6f-9e7d-0a1b2c3d4e5f', fmp: 'milak', date: '2026-02-01', direction: 'in', nationality: 'AFG', men: '1', women: '0', boys: '0', girls: '0', deported: 'no' };

/** Rows that between them raise every problem the validator knows. */
const ROWS: Record<string, string>[] = [
  { ...base, id: '' },
  { ...base, id: 'not-a-uuid' },
  { ...base, fmp: 'atlantis' },
  { ...base, fmp: 'old' },
  { ...base, fmp: 'late', date: '2025-06-01' },
  { ...base, date: '' },
  { ...base, date: 'yesterday' },
  { ...base, date: '1404/12/30' },
  { ...base, date: '1250/01/01' },
  { ...base, date: '45658' },
  { ...base, date: '۱۴۰۶/۰۱/۰۱' }, // typed in Jalali, in the future
  { ...base, date: '1990-01-01' },
  { ...base, direction: 'sideways' },
  { ...base, deported: 'maybe' },
  { ...base, nationality: 'XYZ' },
  { ...base, men: 'many' },
  { ...base, men: '-2' },
  { ...base, men: '1.5' },
  { ...base, men: '0' },
  { ...base, boys: '1', uasc: '3', elderly: '4', pregnant_lactating: '9', disabled: '9', medical: '9' },
  { ...base, time: '25:99' },
  { ...base, transport: 'rocket' },
  { ...base, reasons: 'boredom' },
  { ...base, origin_country: 'AFG', origin_admin1: 'XX-12' },
  { ...base, origin_country: 'AFG', origin_admin1: 'IR-45' },
  { ...base, origin_country: 'AFG', origin_admin1: 'IR-09' },
  { ...base, note: 'x'.repeat(2001) },
  { ...base, enumerator: 'y'.repeat(101) },
];

const FIELD_KEY = new RegExp(`\\b(${FMR_FIELDS.join('|')})\\b`);

export function assertPersian(message: string, context: string) {
  const outside = message.replace(/\u2068[^\u2069]*\u2069/g, '');
  assert.doesNotMatch(outside, /[A-Za-z]/, `${context}: Latin letters outside an isolate in «${message}»`);
  assert.doesNotMatch(outside, FIELD_KEY, `${context}: a field key in «${message}»`);
  // An ISO date may appear only as a value the user typed (quoted); never one the system wrote.
  const unquoted = message.replace(/«[^»]*»/g, '');
  assert.doesNotMatch(unquoted, /\d{4}-\d{2}-\d{2}/, `${context}: an ISO date in «${message}»`);
}

test('every validation problem reads in Persian without English, field keys or ISO dates', () => {
  const seen = new Set<string>();
  for (const row of ROWS) {
    const r = validateFmrRow(row, { today, fmps, excelSerialDates: false, maxGroupSize: 1000 });
    assert.equal(r.ok, false, JSON.stringify(row));
    if (r.ok) continue;
    for (const p of r.problems) {
      seen.add(p.code);
      assertPersian(p.message_fa, `${p.code} (${JSON.stringify(row).slice(0, 80)})`);
      assert.ok(p.message_en.length > 0);
    }
  }
  const all: ProblemCode[] = ['required', 'uuid_invalid', 'fmp_unknown', 'fmp_closed', 'date_format', 'date_invalid', 'date_year_range', 'date_excel_not_allowed', 'date_future', 'date_too_early', 'direction_invalid', 'deported_invalid', 'country_invalid', 'count_invalid', 'count_negative', 'count_not_integer', 'group_empty', 'vulnerability_exceeds', 'time_invalid', 'transport_invalid', 'reason_invalid', 'admin1_invalid', 'admin1_country_mismatch', 'text_too_long'];
  for (const code of all) assert.ok(seen.has(code), `the rows raise ${code}`);
  // The rest, through problem() as the validator calls it.
  for (const [code, extra] of [
    ['group_too_large', { limit: 50 }],
    ['date_calendar_mismatch', { detail: 'year 1403 is a Jalali year, but Gregorian dates were expected' }],
    ['date_empty', {}],
  ] as const) assertPersian(problem(code, 'date', '1403/01/01', extra).message_fa, code);
});

test('a future date typed in Jalali is told back in Jalali with Persian digits, isolated', () => {
  const r = validateFmrRow({ ...base, date: '۱۴۰۶/۰۱/۰۱' }, { today, fmps });
  assert.equal(r.ok, false);
  const p = !r.ok ? r.problems.find((x) => x.code === 'date_future')! : null;
  assert.equal(p!.message_fa, 'تاریخ \u2068۱۴۰۶/۰۱/۰۱\u2069 در آینده است (امروز \u2068۱۴۰۴/۱۲/۱۹\u2069 است).');
  assert.match(p!.message_en, /2027-03-21/);
});

test('vulnerability caps are named in Persian (no "boys + girls")', () => {
  const r = validateFmrRow({ ...base, boys: '1', uasc: '3' }, { today, fmps });
  const p = !r.ok ? r.problems.find((x) => x.code === 'vulnerability_exceeds')! : null;
  assert.match(p!.message_fa, /پسران و دختران/);
});

test("the importer's own messages read in Persian too", () => {
  const m = IMPORT_MESSAGES;
  for (const [name, pair] of Object.entries({
    missing: m.missingColumns(['id', 'fmp', 'boys'], false),
    missingMapped: m.missingColumns(['_uuid'], true),
    big: m.cellTooLarge('note', 32767),
    nul: m.nulByte('note'),
    dup: m.duplicateInFile(),
    conflict: m.idConflict(),
    scope: m.outOfScope(),
    empty: m.empty(),
  })) assertPersian(pair[1], name);
  for (const code of ['encoding', 'empty', 'header', 'csv', 'xlsx', 'other']) assertPersian(m.readErrorFa(code, 12, 3), code);
  assert.match(m.missingColumns(['id', 'boys'], false)[1], /«شناسه رکورد»، «پسران \(زیر ۱۸\)»/);
});

test('server error messages of flows (locales/fa.json) carry no ISO dates and no English words outside placeholders', () => {
  const fa = JSON.parse(readFileSync(new URL('./locales/fa.json', import.meta.url), 'utf8')).errors as Record<string, string>;
  const en = JSON.parse(readFileSync(new URL('./locales/en.json', import.meta.url), 'utf8')).errors as Record<string, string>;
  assert.deepEqual(Object.keys(fa).sort(), Object.keys(en).sort(), 'every key in both languages');
  for (const [k, v] of Object.entries(fa)) {
    const text = v.replace(/\{[a-z_]+\}/g, '').replace(/\b(CSV|XLSX)\b/g, '');
    assertPersian(text, k);
  }
});

test('the flows web interface in Persian (locales/fa.json) names no field key and writes no ISO date', () => {
  const fa = JSON.parse(readFileSync(new URL('../../web/src/features/flows/locales/fa.json', import.meta.url), 'utf8'));
  const strings: [string, string][] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node === 'string') strings.push([path, node]);
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(fa, '');
  assert.ok(strings.length > 300);
  for (const [path, text] of strings) {
    // Placeholders ({name}) and ICU plural syntax are not words the user reads.
    const shown = text.replace(/\{[a-z_]+, plural,.*\}$/s, '').replace(/\{[a-zA-Z_]+\}/g, '');
    assert.doesNotMatch(shown, FIELD_KEY, `${path}: a field key in «${text}»`);
    assert.doesNotMatch(shown, /\d{4}-\d{2}-\d{2}/, `${path}: an ISO date in «${text}»`);
  }
});
