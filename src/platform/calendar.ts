// Dates for Marz: everything is stored as an ISO Gregorian calendar date (YYYY-MM-DD);
// people read and type Jalali (Solar Hijri) dates too. Conversion uses jalaali-js
// (Borkowski's algorithm, exact for the years we care about); display uses Intl.
// Intl cannot parse dates, hence parseDate below.

import { isLeapJalaaliYear, isValidJalaaliDate, jalaaliMonthLength, toGregorian, toJalaali } from 'jalaali-js';
import { toAsciiDigits } from './text.ts';

export type CalendarHint = 'auto' | 'jalali' | 'gregorian';

/** Why a date string was rejected. Stable codes: they appear in import reports and the API. */
export type DateErrorCode =
  | 'date_empty' // nothing to parse
  | 'date_format' // not YYYY-MM-DD / YYYY/MM/DD (or an Excel serial when allowed)
  | 'date_invalid' // well formed but the day does not exist (2025-02-30, 1404/12/30)
  | 'date_year_range' // year below 1300 (neither a plausible Jalali nor Gregorian year here)
  | 'date_calendar_mismatch' // the year contradicts the calendar the caller insisted on
  | 'date_excel_not_allowed'; // a bare number (Excel serial) where serials are not accepted

export interface ParseDateOptions {
  /**
   * `auto` (default): years 1300–1499 are Jalali, years ≥ 1500 Gregorian.
   * `jalali` / `gregorian`: the same rule, but a year of the other calendar is an error
   * (`date_calendar_mismatch`) instead of being silently reinterpreted.
   */
  calendar?: CalendarHint;
  /** Accept Excel serial day numbers (1900 date system), as a number or numeric string. */
  excelSerial?: boolean;
}

export type ParseDateResult =
  | { ok: true; iso: string; source: 'gregorian' | 'jalali' | 'excel' | 'date-object' }
  | { ok: false; code: DateErrorCode; reason: string };

/** Smallest year read as Jalali; years from JALALI_MAX_YEAR + 1 on are Gregorian. */
export const JALALI_MIN_YEAR = 1300;
export const JALALI_MAX_YEAR = 1499;

const DAY_MS = 86_400_000;
// YYYY sep M(M) sep D(D), optionally followed by a time and a zone that are ignored
// (Kobo's `start`/`end` look like 2025-01-01T10:00:00.000+03:30: the local date is wanted).
const DATE_RE =
  /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const NUMERIC_RE = /^\d+(?:\.\d+)?$/;

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));
const pad4 = (n: number): string => String(n).padStart(4, '0');

/** ISO string for a Gregorian year/month/day (no validation). */
export function isoFromParts(y: number, m: number, d: number): string {
  return pad4(y) + '-' + pad2(m) + '-' + pad2(d);
}

/** Days in a Gregorian month (proleptic Gregorian calendar). */
export function gregorianMonthLength(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** True for an existing Gregorian date written exactly as YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = +m[1]!, mo = +m[2]!, d = +m[3]!;
  return mo >= 1 && mo <= 12 && d >= 1 && d <= gregorianMonthLength(y, mo);
}

/** Days since 1970-01-01 for an ISO date (UTC, no time zone involved). */
export function epochDay(iso: string): number {
  return Math.floor(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS);
}

/** ISO date for a number of days since 1970-01-01. */
export function isoFromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Adds (or subtracts) whole days to an ISO date. */
export function addDays(iso: string, days: number): string {
  return isoFromEpochDay(epochDay(iso) + days);
}

/** ISO date of a JS Date, read in UTC (exceljs and csv date cells are UTC midnights). */
export function isoFromDateUtc(d: Date): string {
  return isoFromParts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/**
 * Converts an Excel serial day number (1900 date system, as used by Excel on Windows and by
 * default in .xlsx) to an ISO date. Excel counts 1900-01-01 as day 1 and, copying a
 * Lotus 1-2-3 bug, treats 1900 as a leap year: serial 60 is the non-existent 1900-02-29.
 * From serial 61 (1900-03-01) on, serial = days since 1899-12-30. Fractions are times
 * of day and are dropped. Returns null for serial 60, < 1 or beyond 9999-12-31.
 */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial)) return null;
  const whole = Math.floor(serial);
  if (whole < 1 || whole === 60 || whole > 2_958_465) return null;
  const base = Date.UTC(1899, 11, whole < 60 ? 31 : 30);
  return new Date(base + whole * DAY_MS).toISOString().slice(0, 10);
}

/** Inverse of excelSerialToIso for dates from 1900-03-01 on. */
export function isoToExcelSerial(iso: string): number {
  return epochDay(iso) - epochDay('1899-12-30');
}

export interface JalaliDate {
  jy: number;
  jm: number;
  jd: number;
}

/** Jalali year/month/day for an ISO Gregorian date. */
export function isoToJalali(iso: string): JalaliDate {
  return toJalaali(+iso.slice(0, 4), +iso.slice(5, 7), +iso.slice(8, 10));
}

/** ISO Gregorian date for a Jalali date; throws RangeError when the Jalali date does not exist. */
export function jalaliToIso(jy: number, jm: number, jd: number): string {
  if (!isValidJalaaliDate(jy, jm, jd)) throw new RangeError(`no such Jalali date: ${jy}/${jm}/${jd}`);
  const g = toGregorian(jy, jm, jd);
  return isoFromParts(g.gy, g.gm, g.gd);
}

/** True when the Jalali year has 366 days (Esfand 30 exists). */
export function isJalaliLeapYear(jy: number): boolean {
  return isLeapJalaaliYear(jy);
}

/** Jalali month names, index 0 = Farvardin. */
export const JALALI_MONTHS = {
  en: ['Farvardin', 'Ordibehesht', 'Khordad', 'Tir', 'Mordad', 'Shahrivar', 'Mehr', 'Aban', 'Azar', 'Dey', 'Bahman', 'Esfand'],
  fa: ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'],
} as const;

/** Name of Jalali month 1–12 in English or Persian. */
export function jalaliMonthName(month: number, lang: 'en' | 'fa' = 'fa'): string {
  const name = JALALI_MONTHS[lang][month - 1];
  if (name === undefined) throw new RangeError(`Jalali month out of range: ${month}`);
  return name;
}

function fail(code: DateErrorCode, reason: string): ParseDateResult {
  return { ok: false, code, reason };
}

/**
 * Parses a date as typed or exported by people and tools into an ISO Gregorian date.
 *
 * Accepted: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` (month/day may have one digit), in
 * ASCII, Persian or Arabic-Indic digits, optionally followed by a time (ignored). The year
 * decides the calendar: 1300–1499 ⇒ Jalali, ≥ 1500 ⇒ Gregorian. With `excelSerial`, a bare
 * number (or numeric string) is an Excel 1900-system serial (45658 ⇒ 2025-01-01). A JS Date
 * is read in UTC.
 */
export function parseDate(input: string | number | Date | null | undefined, options: ParseDateOptions = {}): ParseDateResult {
  const hint = options.calendar ?? 'auto';
  if (input === null || input === undefined) return fail('date_empty', 'no date given');
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) return fail('date_invalid', 'invalid Date object');
    return { ok: true, iso: isoFromDateUtc(input), source: 'date-object' };
  }
  if (typeof input === 'number') return parseSerial(input, options);
  const s = toAsciiDigits(input).trim();
  if (s === '') return fail('date_empty', 'no date given');
  if (NUMERIC_RE.test(s)) return parseSerial(Number(s), options);

  const m = DATE_RE.exec(s);
  if (!m) return fail('date_format', `"${input}" is not a date in the form YYYY-MM-DD or YYYY/MM/DD`);
  const y = +m[1]!, mo = +m[3]!, d = +m[4]!;

  if (y >= JALALI_MIN_YEAR && y <= JALALI_MAX_YEAR) {
    if (hint === 'gregorian') return fail('date_calendar_mismatch', `year ${y} is a Jalali year, but Gregorian dates were expected`);
    if (mo < 1 || mo > 12) return fail('date_invalid', `month ${mo} does not exist`);
    if (d < 1 || !isValidJalaaliDate(y, mo, d)) {
      return fail('date_invalid', `${y}/${pad2(mo)}/${pad2(d)} does not exist: ${JALALI_MONTHS.en[mo - 1]} ${y} has ${jalaaliMonthLength(y, mo)} days`);
    }
    const g = toGregorian(y, mo, d);
    return { ok: true, iso: isoFromParts(g.gy, g.gm, g.gd), source: 'jalali' };
  }
  if (y > JALALI_MAX_YEAR) {
    if (hint === 'jalali') return fail('date_calendar_mismatch', `year ${y} is a Gregorian year, but Jalali dates were expected`);
    if (mo < 1 || mo > 12) return fail('date_invalid', `month ${mo} does not exist`);
    if (d < 1 || d > gregorianMonthLength(y, mo)) {
      return fail('date_invalid', `${isoFromParts(y, mo, d)} does not exist: month ${mo} of ${y} has ${gregorianMonthLength(y, mo)} days`);
    }
    return { ok: true, iso: isoFromParts(y, mo, d), source: 'gregorian' };
  }
  return fail('date_year_range', `year ${y} is out of range (Jalali years are ${JALALI_MIN_YEAR}–${JALALI_MAX_YEAR}, Gregorian years 1500 and later)`);
}

function parseSerial(n: number, options: ParseDateOptions): ParseDateResult {
  if (!options.excelSerial) {
    return fail('date_excel_not_allowed', `${n} looks like an Excel serial date number; write the date as YYYY-MM-DD or YYYY/MM/DD`);
  }
  const iso = excelSerialToIso(n);
  if (iso === null) return fail('date_invalid', `${n} is not a valid Excel serial date (1900 date system)`);
  return { ok: true, iso, source: 'excel' };
}

const numberFormats = {
  fa: new Intl.NumberFormat('fa-IR', { numberingSystem: 'arabext', useGrouping: false, minimumIntegerDigits: 2 }),
  latn: new Intl.NumberFormat('en', { numberingSystem: 'latn', useGrouping: false, minimumIntegerDigits: 2 }),
} as const;
const yearFormats = {
  fa: new Intl.NumberFormat('fa-IR', { numberingSystem: 'arabext', useGrouping: false }),
  latn: new Intl.NumberFormat('en', { numberingSystem: 'latn', useGrouping: false }),
} as const;

export interface FormatJalaliOptions {
  /** Digit set: `fa` (۱۴۰۳) or `latn` (1403). Default `latn`. */
  digits?: 'fa' | 'latn';
  /** `numeric` → 1403/12/30 (month and day zero-padded); `long` → 30 Esfand 1403 / ۳۰ اسفند ۱۴۰۳. */
  style?: 'numeric' | 'long';
  /** Language of month names in the long style; defaults to `fa` when digits are `fa`, else `en`. */
  lang?: 'en' | 'fa';
}

/** Formats an ISO Gregorian date as a Jalali date. */
export function formatJalali(isoDate: string, options: FormatJalaliOptions = {}): string {
  if (!isIsoDate(isoDate)) throw new RangeError(`not an ISO date: ${isoDate}`);
  const digits = options.digits ?? 'latn';
  const { jy, jm, jd } = isoToJalali(isoDate);
  const num = numberFormats[digits];
  if ((options.style ?? 'numeric') === 'numeric') {
    return yearFormats[digits].format(jy) + '/' + num.format(jm) + '/' + num.format(jd);
  }
  const lang = options.lang ?? (digits === 'fa' ? 'fa' : 'en');
  return yearFormats[digits].format(jd) + ' ' + jalaliMonthName(jm, lang) + ' ' + yearFormats[digits].format(jy);
}

/** Today's date (YYYY-MM-DD) in a time zone, Asia/Tehran by default. */
export function todayIso(timeZone = 'Asia/Tehran', now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}
