// Numbers and dates for people, through Intl. In Persian: Solar Hijri (Jalali) calendar and
// Persian digits (`fa-IR-u-ca-persian`); in English: Gregorian, Latin digits.
// Dates (YYYY-MM-DD) are calendar days and are formatted in UTC so they never shift a day;
// timestamps are shown in Iran's time zone, like the audit filters on the server.
import { comparePersian } from '@platform/text.ts';
import { todayIso } from '@platform/calendar.ts';
import type { Locale } from './types.ts';

export const TIME_ZONE = 'Asia/Tehran';

/** The BCP 47 tag Intl gets for a Marz locale. */
export function intlLocale(locale: Locale | string): string {
  return locale === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB';
}

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dtf(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = 'd' + locale + JSON.stringify(opts);
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(intlLocale(locale), opts)));
  return f;
}
function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = 'n' + locale + JSON.stringify(opts);
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale === 'fa' ? 'fa-IR' : 'en-GB', opts)));
  return f;
}

export type DateStyle = 'short' | 'medium' | 'long' | 'full';

/**
 * A calendar date (ISO `YYYY-MM-DD`; for a full timestamp, its day in Iran) for people:
 * `formatDate('2025-08-03', 'fa')` → `۱۲ مرداد ۱۴۰۴`; `formatDate('2025-08-03', 'en')` → `3 Aug 2025`.
 */
export function formatDate(iso: string | null | undefined, locale: Locale | string, style: DateStyle = 'medium'): string {
  if (!iso) return '';
  // A timestamp: its calendar day in Iran; a plain date: that day (formatted in UTC).
  const timestamp = iso.length > 10;
  const d = timestamp ? new Date(iso) : new Date(iso.slice(0, 10) + 'T00:00:00Z');
  if (Number.isNaN(d.getTime())) return iso;
  const timeZone = timestamp ? TIME_ZONE : 'UTC';
  if (style === 'full' && locale === 'fa') {
    // ICU's full Persian pattern comes out garbled in some browsers ("۱۴۰۵ آذر ۲, دوشنبه"):
    // write it as Persian does, "دوشنبه ۲ آذر ۱۴۰۵".
    return dtf(locale, { weekday: 'long', timeZone }).format(d) + ' ' + dtf(locale, { dateStyle: 'long', timeZone }).format(d);
  }
  return dtf(locale, { dateStyle: style, timeZone }).format(d);
}

/** A timestamp with its time of day, in Iran's time zone. */
export function formatDateTime(iso: string | null | undefined, locale: Locale | string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dtf(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(d);
}

/** A number with the locale's digits and grouping: `formatNumber(1234, 'fa')` → `۱٬۲۳۴`. */
export function formatNumber(n: number | null | undefined, locale: Locale | string, opts: Intl.NumberFormatOptions = {}): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  return nf(locale, opts).format(n);
}

/** A coordinate in decimal degrees, 4 decimals, without grouping. */
export function formatCoord(n: number | null | undefined, locale: Locale | string): string {
  return formatNumber(n, locale, { minimumFractionDigits: 4, maximumFractionDigits: 4, useGrouping: false });
}

/** Digits only (codes, years, IDs) in the locale's digit set, with no grouping. */
export function formatDigits(s: string | number, locale: Locale | string): string {
  const str = String(s);
  return locale === 'fa' ? str.replace(/[0-9]/g, (c) => '۰۱۲۳۴۵۶۷۸۹'[+c]!) : str;
}

/** Today's date in Iran (YYYY-MM-DD). */
export function today(): string {
  return todayIso(TIME_ZONE);
}

/** Compares two names in the interface language: Persian collation for `fa`. */
export function compareText(locale: Locale | string): (a: string, b: string) => number {
  if (locale === 'fa') return comparePersian;
  const c = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  return c.compare;
}

/** Sorts records by their name in the interface language (a copy). */
export function sortByName<T extends { name_en: string; name_fa: string }>(rows: readonly T[], locale: Locale): T[] {
  const cmp = compareText(locale);
  const key = locale === 'fa' ? 'name_fa' : 'name_en';
  return [...rows].sort((a, b) => cmp(a[key], b[key]));
}
