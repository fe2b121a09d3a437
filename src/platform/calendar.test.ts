import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addDays,
  epochDay,
  excelSerialToIso,
  formatJalali,
  isIsoDate,
  isJalaliLeapYear,
  isoFromEpochDay,
  isoToExcelSerial,
  isoToJalali,
  JALALI_MONTHS,
  jalaliMonthName,
  jalaliToIso,
  parseDate,
  todayIso,
} from './calendar.ts';

const iso = (s: unknown, opts = {}) => {
  const r = parseDate(s as string, opts);
  return r.ok ? r.iso : r.code;
};

test('Gregorian dates', () => {
  assert.equal(iso('2025-01-01'), '2025-01-01');
  assert.equal(iso('2025/1/5'), '2025-01-05');
  assert.equal(iso('2024-02-29'), '2024-02-29');
  assert.equal(iso('2000-02-29'), '2000-02-29');
  assert.equal(iso(' 2025-07-06 '), '2025-07-06');
  assert.equal(iso('۲۰۲۵-۰۷-۰۶'), '2025-07-06');
});

test('invalid Gregorian dates are rejected with a reason code', () => {
  assert.equal(iso('2025-02-30'), 'date_invalid');
  assert.equal(iso('2025-02-29'), 'date_invalid');
  assert.equal(iso('1900-02-29'), 'date_invalid');
  assert.equal(iso('2025-13-01'), 'date_invalid');
  assert.equal(iso('2025-04-31'), 'date_invalid');
  assert.equal(iso('2025-00-10'), 'date_invalid');
  const r = parseDate('2025-02-30');
  assert.ok(!r.ok && /28 days/.test(r.reason));
});

test('Jalali dates (year 1300–1499) are converted with jalaali-js', () => {
  assert.equal(iso('1404/01/01'), '2025-03-21'); // Nowruz 1404
  assert.equal(iso('1403/01/01'), '2024-03-20'); // Nowruz 1403
  assert.equal(iso('1404-04-15'), '2025-07-06');
  assert.equal(iso('۱۴۰۴/۴/۱۵'), '2025-07-06');
  assert.equal(iso('١٤٠٤/٠٤/١٥'), '2025-07-06');
  assert.equal(iso('1399/12/30'), '2021-03-20'); // 1399 was leap
  const r = parseDate('1404/01/01');
  assert.ok(r.ok && r.source === 'jalali');
});

test('Jalali leap years: 1403/12/30 exists, 1404/12/30 does not', () => {
  assert.equal(isJalaliLeapYear(1403), true);
  assert.equal(isJalaliLeapYear(1404), false);
  assert.equal(isJalaliLeapYear(1399), true);
  assert.equal(iso('1403/12/30'), '2025-03-20');
  assert.equal(iso('1404/12/29'), '2026-03-20');
  // Esfand 1404 has 29 days: Nowruz 1405 is 2026-03-21.
  assert.equal(iso('1404/12/30'), 'date_invalid');
  assert.equal(iso('1405/01/01'), '2026-03-21');
  const r = parseDate('1404/12/30');
  assert.ok(!r.ok && /29 days/.test(r.reason));
  assert.equal(iso('1404/07/31'), 'date_invalid'); // months 7–11 have 30 days
  assert.equal(iso('1404/06/31'), '2025-09-22');
});

test('year ranges and calendar hints', () => {
  assert.equal(iso('1299/01/01'), 'date_year_range');
  assert.equal(iso('0999-01-01'), 'date_year_range');
  assert.equal(iso('1500/01/01'), '1500-01-01');
  assert.equal(iso('1403/01/01', { calendar: 'gregorian' }), 'date_calendar_mismatch');
  assert.equal(iso('2025-01-01', { calendar: 'jalali' }), 'date_calendar_mismatch');
  assert.equal(iso('1403/01/01', { calendar: 'jalali' }), '2024-03-20');
});

test('malformed input', () => {
  assert.equal(iso(''), 'date_empty');
  assert.equal(iso('   '), 'date_empty');
  assert.equal(iso(null), 'date_empty');
  assert.equal(iso('01/07/2025'), 'date_format');
  assert.equal(iso('yesterday'), 'date_format');
  assert.equal(iso('2025-7'), 'date_format');
});

test('an ISO date-time keeps its local date (Kobo start/end)', () => {
  assert.equal(iso('2025-07-06T08:12:44.120+03:30'), '2025-07-06');
  assert.equal(iso('2025-07-06 23:59'), '2025-07-06');
});

test('Excel serial dates (1900 system, leap-year bug)', () => {
  assert.equal(excelSerialToIso(45658), '2025-01-01');
  assert.equal(excelSerialToIso(1), '1900-01-01');
  assert.equal(excelSerialToIso(59), '1900-02-28');
  assert.equal(excelSerialToIso(60), null); // Excel's fictitious 1900-02-29
  assert.equal(excelSerialToIso(61), '1900-03-01');
  assert.equal(excelSerialToIso(0), null);
  assert.equal(excelSerialToIso(45658.75), '2025-01-01'); // time of day dropped
  assert.equal(excelSerialToIso(2958465), '9999-12-31');
  assert.equal(excelSerialToIso(2958466), null);
  assert.equal(isoToExcelSerial('2025-01-01'), 45658);
  fc.assert(
    fc.property(fc.integer({ min: 61, max: 2958465 }), (n) => isoToExcelSerial(excelSerialToIso(n)!) === n),
  );
});

test('parseDate accepts serials only when allowed', () => {
  assert.equal(iso(45658, { excelSerial: true }), '2025-01-01');
  assert.equal(iso('45658', { excelSerial: true }), '2025-01-01');
  assert.equal(iso('۴۵۶۵۸', { excelSerial: true }), '2025-01-01');
  assert.equal(iso(45658), 'date_excel_not_allowed');
  assert.equal(iso('45658'), 'date_excel_not_allowed');
  assert.equal(iso(60, { excelSerial: true }), 'date_invalid');
});

test('parseDate reads a Date object in UTC', () => {
  assert.equal(iso(new Date(Date.UTC(2025, 0, 1))), '2025-01-01');
  assert.equal(iso(new Date(NaN)), 'date_invalid');
});

test('Jalali ⇄ ISO round-trips over a wide range', () => {
  fc.assert(
    fc.property(fc.integer({ min: epochDay('1925-03-21'), max: epochDay('2100-12-31') }), (d) => {
      const s = isoFromEpochDay(d);
      const j = isoToJalali(s);
      return jalaliToIso(j.jy, j.jm, j.jd) === s;
    }),
  );
  assert.throws(() => jalaliToIso(1404, 12, 30), RangeError);
});

test('formatJalali', () => {
  assert.equal(formatJalali('2025-03-20'), '1403/12/30');
  assert.equal(formatJalali('2025-03-21'), '1404/01/01');
  assert.equal(formatJalali('2025-03-20', { digits: 'fa' }), '۱۴۰۳/۱۲/۳۰');
  assert.equal(formatJalali('2025-03-21', { style: 'long' }), '1 Farvardin 1404');
  assert.equal(formatJalali('2025-03-21', { style: 'long', digits: 'fa' }), '۱ فروردین ۱۴۰۴');
  assert.equal(formatJalali('2025-07-06', { style: 'long', digits: 'latn', lang: 'fa' }), '15 تیر 1404');
  assert.throws(() => formatJalali('2025-02-30'), RangeError);
  // Agrees with Intl's Persian calendar.
  const intl = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
  for (const d of ['2024-03-19', '2024-03-20', '2025-03-20', '2025-03-21', '2026-03-20', '2026-03-21', '2025-09-22']) {
    const p = Object.fromEntries(intl.formatToParts(new Date(d + 'T00:00:00Z')).map((x) => [x.type, x.value]));
    const j = isoToJalali(d);
    assert.deepEqual([+p.year!, +p.month!, +p.day!], [j.jy, j.jm, j.jd], d);
  }
});

test('month names', () => {
  assert.equal(JALALI_MONTHS.en.length, 12);
  assert.equal(jalaliMonthName(1, 'en'), 'Farvardin');
  assert.equal(jalaliMonthName(12, 'fa'), 'اسفند');
  assert.equal(jalaliMonthName(4), 'تیر');
  assert.throws(() => jalaliMonthName(13));
});

test('todayIso uses the time zone', () => {
  // 2025-03-20 21:00 UTC is already 2025-03-21 (Nowruz) in Tehran (UTC+03:30).
  const t = new Date(Date.UTC(2025, 2, 20, 21, 0));
  assert.equal(todayIso('Asia/Tehran', t), '2025-03-21');
  assert.equal(todayIso('UTC', t), '2025-03-20');
  assert.ok(isIsoDate(todayIso()));
});

test('day arithmetic', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2025-01-01', -1), '2024-12-31');
  assert.equal(epochDay('1970-01-02'), 1);
  assert.equal(isIsoDate('2025-02-29'), false);
  assert.equal(isIsoDate('2025-2-1'), false);
});
