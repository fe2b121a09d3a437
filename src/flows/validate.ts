// Validation and normalisation of one FMR row (from a CSV/XLSX import, a mapped Kobo
// export, the API or a form) into a typed FmrRecord, or a list of problems saying which
// column, which value and why — in English and Persian.

import { type CalendarHint, type DateErrorCode, parseDate, gregorianMonthLength, JALALI_MAX_YEAR, formatJalali, isIsoDate } from '../platform/calendar.ts';
import { normalisePersian, toAsciiDigits, toPersianDigits } from '../platform/text.ts';
import {
  COUNTRIES,
  COUNTRY_ALPHA2,
  type CountField,
  type Deported,
  DEPORTED_VALUES,
  type Direction,
  DIRECTIONS,
  EXTRA_NATIONALITIES,
  FMR_COLUMN_BY_KEY,
  FMR_FIELDS,
  type FmrField,
  countryName,
  type FmrRecord,
  type Reason,
  REASON_CODES,
  TRANSPORT_MODES,
  VALUE_LABELS,
  type VulnerabilityField,
} from './format.ts';

/** Stable problem codes (documented in docs/FLOW-FORMAT.md). */
export type ProblemCode =
  | 'required'
  | 'uuid_invalid'
  | 'fmp_unknown'
  | 'fmp_closed'
  | DateErrorCode
  | 'date_future'
  | 'date_too_early'
  | 'direction_invalid'
  | 'deported_invalid'
  | 'country_invalid'
  | 'count_invalid'
  | 'count_negative'
  | 'count_not_integer'
  | 'group_empty'
  | 'group_too_large'
  | 'vulnerability_exceeds'
  | 'time_invalid'
  | 'transport_invalid'
  | 'reason_invalid'
  | 'admin1_invalid'
  | 'admin1_country_mismatch'
  | 'text_too_long';

export interface Problem {
  /** Canonical column the problem is about (for group-level problems, the first count column). */
  column: FmrField;
  /** The offending value as received (stringified). */
  value: string;
  code: ProblemCode;
  message_en: string;
  message_fa: string;
}

/** Operating period of a flow monitoring point. Dates are ISO; bounds are explained per field. */
export interface FmpInfo {
  code: string;
  /** First day the FMP operated (inclusive). Null/absent: no lower bound. */
  opened?: string | null;
  /** First day the FMP no longer operates (records on or after it are rejected). */
  closed?: string | null;
  /** Temporary closures; both ends inclusive, `to` null/absent = still closed. */
  closures?: readonly { from: string; to?: string | null }[];
}
export type FmpRegistry = ReadonlyMap<string, FmpInfo>;

/** Builds the FMP lookup that validateFmrRow takes (codes are matched case-insensitively). */
export function makeFmpRegistry(fmps: Iterable<FmpInfo | string>): FmpRegistry {
  const map = new Map<string, FmpInfo>();
  for (const f of fmps) {
    const info = typeof f === 'string' ? { code: f } : f;
    map.set(info.code.trim().toLowerCase(), info);
  }
  return map;
}

/** Why an FMP was not operating on a date, or null when it was. */
export function fmpClosedReason(info: FmpInfo, iso: string): string | null {
  return fmpClosedReasons(info, iso)?.en ?? null;
}

/** Why an FMP was not operating on a date, in English (ISO dates) and Persian (Jalali dates), or null. */
export function fmpClosedReasons(info: FmpInfo, iso: string): { en: string; fa: string } | null {
  if (info.opened && iso < info.opened) return { en: `opened on ${info.opened}`, fa: `از ${faDate(info.opened)} به کار افتاد` };
  if (info.closed && iso >= info.closed) return { en: `closed since ${info.closed}`, fa: `از ${faDate(info.closed)} بسته است` };
  for (const c of info.closures ?? []) {
    if (iso >= c.from && (!c.to || iso <= c.to)) {
      return c.to ? { en: `closed from ${c.from} to ${c.to}`, fa: `از ${faDate(c.from)} تا ${faDate(c.to)} بسته بود` } : { en: `closed since ${c.from}`, fa: `از ${faDate(c.from)} بسته است` };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Persian messages (issue 12.6): no English words, field keys or ISO dates; a value, code or
// date inside a Persian sentence is a bidirectional isolate (FSI … PDI), so that it reads right
// whatever its script; dates are Jalali with Persian digits.

const FSI = '\u2068', PDI = '\u2069';
/** A value isolated inside a Persian sentence (Unicode bidi isolate). */
export const bidi = (v: string | number) => FSI + String(v) + PDI;
/** A value as quoted in a Persian sentence. */
export const faQuote = (v: string | number) => `«${bidi(v)}»`;
/** A number with Persian digits. */
export const faNumber = (n: string | number) => toPersianDigits(String(n));
/** An ISO date as a Jalali date with Persian digits (isolated); anything else quoted as it is. */
export function faDate(iso: string): string {
  return isIsoDate(iso) ? bidi(formatJalali(iso, { digits: 'fa' })) : faQuote(iso);
}

export interface ValidateOptions {
  /** Today's date (ISO); later dates are rejected. Use todayIso() from platform/calendar. */
  today: string;
  /** Known FMPs with their operating periods. */
  fmps: FmpRegistry;
  /** Earliest acceptable date (default 2000-01-01). */
  minDate?: string;
  /** Calendar hint for dates (default auto: year 1300–1499 ⇒ Jalali). */
  calendar?: CalendarHint;
  /** Accept Excel serial numbers as dates (default false). */
  excelSerialDates?: boolean;
  /** Configured transport modes (default TRANSPORT_MODES). */
  transportModes?: readonly string[];
  /** Largest plausible group (default: no limit). */
  maxGroupSize?: number;
}

export type RawValue = string | number | boolean | Date | null | undefined;
export type RawRow = Readonly<Record<string, RawValue>>;

export type ValidationResult = { ok: true; record: FmrRecord } | { ok: false; problems: Problem[] };

// ---------------------------------------------------------------------------
// Messages

type Ctx = { col: FmrField; value: string; detail?: string; detail_fa?: string; limit?: string | number };
const colLabel = (c: FmrField, lang: 'en' | 'fa') => FMR_COLUMN_BY_KEY.get(c)!.label[lang];

const MESSAGES: Record<ProblemCode, (c: Ctx) => [string, string]> = {
  required: (c) => [`${colLabel(c.col, 'en')} is required.`, `${colLabel(c.col, 'fa')} الزامی است.`],
  uuid_invalid: (c) => [`"${c.value}" is not a UUID (e.g. 3f2b8c4e-1d2a-4b6f-9e7d-0a1b2c3d4e5f).`, `${faQuote(c.value)} یک شناسهٔ یکتای معتبر نیست.`],
  fmp_unknown: (c) => [`Unknown flow monitoring point "${c.value}".`, `نقطه پایش ${faQuote(c.value)} شناخته نشد.`],
  fmp_closed: (c) => [`Flow monitoring point "${c.value}" was not operating on that date (${c.detail}).`, `نقطه پایش ${faQuote(c.value)} در آن تاریخ فعال نبود (${c.detail_fa ?? 'بسته بود'}).`],
  date_empty: (c) => [`${colLabel(c.col, 'en')} is required.`, `${colLabel(c.col, 'fa')} الزامی است.`],
  date_format: (c) => [`"${c.value}" is not a date; write YYYY-MM-DD (Gregorian) or YYYY/MM/DD (Jalali).`, `${faQuote(c.value)} تاریخ نیست؛ به شکل ${bidi('۱۴۰۳/۰۱/۱۵')} (شمسی) یا ${bidi('۲۰۲۴/۰۴/۰۳')} (میلادی) بنویسید.`],
  date_invalid: (c) => [`Date "${c.value}" does not exist (${c.detail}).`, `تاریخ ${faQuote(c.value)} وجود ندارد.`],
  date_year_range: (c) => [`The year of "${c.value}" is out of range.`, `سال در ${faQuote(c.value)} خارج از محدوده است (سال شمسی ۱۳۰۰ تا ۱۴۹۹، یا سال میلادی).`],
  date_calendar_mismatch: (c) => [`"${c.value}": ${c.detail}.`, `${faQuote(c.value)} با تقویم مورد انتظار (شمسی/میلادی) نمی‌خواند.`],
  date_excel_not_allowed: (c) => [`"${c.value}" looks like an Excel date number; format the column as a date or write YYYY-MM-DD.`, `${faQuote(c.value)} شبیه عدد تاریخ اکسل است؛ ستون را به قالب تاریخ درآورید یا تاریخ را کامل بنویسید.`],
  date_future: (c) => [`Date ${c.value} is in the future (today is ${c.limit}).`, `تاریخ ${faDate(c.value)} در آینده است (امروز ${faDate(String(c.limit))} است).`],
  date_too_early: (c) => [`Date ${c.value} is before ${c.limit}.`, `تاریخ ${faDate(c.value)} پیش از ${faDate(String(c.limit))} است.`],
  direction_invalid: (c) => [`Direction must be "in" or "out", not "${c.value}".`, `جهت باید «ورودی» یا «خروجی» باشد، نه ${faQuote(c.value)}.`],
  deported_invalid: (c) => [`Deported must be yes, no or unknown, not "${c.value}".`, `ستون اخراجی باید «بله»، «خیر» یا «نامعلوم» باشد، نه ${faQuote(c.value)}.`],
  country_invalid: (c) => [`"${c.value}" is not an ISO 3166-1 alpha-3 country code (e.g. AFG, IRN).`, `${faQuote(c.value)} کد سه‌حرفی یا نام کشور نیست (مانند ${bidi('AFG')} برای افغانستان).`],
  count_invalid: (c) => [`${colLabel(c.col, 'en')}: "${c.value}" is not a number.`, `${colLabel(c.col, 'fa')}: ${faQuote(c.value)} عدد نیست.`],
  count_negative: (c) => [`${colLabel(c.col, 'en')} cannot be negative (${c.value}).`, `${colLabel(c.col, 'fa')} نمی‌تواند منفی باشد (${faQuote(c.value)}).`],
  count_not_integer: (c) => [`${colLabel(c.col, 'en')} must be a whole number (${c.value}).`, `${colLabel(c.col, 'fa')} باید عدد صحیح باشد (${faQuote(c.value)}).`],
  group_empty: () => ['The group has no people: men + women + boys + girls is 0.', 'گروه هیچ نفری ندارد: مجموع مردان، زنان، پسران و دختران صفر است.'],
  group_too_large: (c) => [`The group has ${c.value} people, more than the limit of ${c.limit}.`, `گروه ${faNumber(c.value)} نفر دارد که از سقف ${faNumber(c.limit ?? '')} بیشتر است.`],
  vulnerability_exceeds: (c) => [`${colLabel(c.col, 'en')} (${c.value}) exceeds ${c.detail} (${c.limit}).`, `${colLabel(c.col, 'fa')} (${faNumber(c.value)}) از ${c.detail_fa ?? ''} (${faNumber(c.limit ?? '')}) بیشتر است.`],
  time_invalid: (c) => [`"${c.value}" is not a time; write HH:MM (24-hour).`, `${faQuote(c.value)} ساعت نیست؛ به شکل ${bidi('۱۴:۳۰')} بنویسید.`],
  transport_invalid: (c) => [`Unknown means of transport "${c.value}" (allowed: ${c.detail}).`, `وسیله نقلیه ${faQuote(c.value)} شناخته نشد.`],
  reason_invalid: (c) => [`Unknown reason code "${c.value}" (allowed: ${c.detail}).`, `دلیل جابه‌جایی ${faQuote(c.value)} شناخته نشد.`],
  admin1_invalid: (c) => [`"${c.value}" is not a valid ISO 3166-2 subdivision code${c.detail ? ` (${c.detail})` : ''}.`, `${faQuote(c.value)} کد معتبر استان نیست${c.detail_fa ? ` (${c.detail_fa})` : ''}.`],
  admin1_country_mismatch: (c) => [`Subdivision ${c.value} is not in country ${c.detail}.`, `استان ${faQuote(c.value)} در کشور ${faQuote(c.detail_fa ?? c.detail ?? '')} نیست.`],
  text_too_long: (c) => [`${colLabel(c.col, 'en')} is longer than ${c.limit} characters.`, `${colLabel(c.col, 'fa')} بیش از ${faNumber(c.limit ?? '')} نویسه است.`],
};

/** Builds a Problem with both messages. Exported for importers that report their own problems. */
export function problem(code: ProblemCode, column: FmrField, value: unknown, extra: { detail?: string; detail_fa?: string; limit?: string | number } = {}): Problem {
  const v = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  const [en, fa] = MESSAGES[code]({ col: column, value: v, ...extra });
  return { column, value: v, code, message_en: en, message_fa: fa };
}

// ---------------------------------------------------------------------------
// Value lookups (codes, English and Persian labels, common synonyms)

function key(s: string): string {
  return /^[a-z0-9_]+$/.test(s) ? s : normalisePersian(toAsciiDigits(s)).toLowerCase();
}

function lookupTable<T extends string>(labels: Record<T, { en: string; fa: string }>, synonyms: Record<string, T> = {}): Map<string, T> {
  const m = new Map<string, T>();
  for (const code of Object.keys(labels) as T[]) {
    m.set(key(code), code);
    m.set(key(labels[code].en), code);
    m.set(key(labels[code].fa), code);
  }
  for (const [s, code] of Object.entries(synonyms)) m.set(key(s), code);
  return m;
}

const DIRECTION_LOOKUP = lookupTable<Direction>(VALUE_LABELS.direction, {
  inflow: 'in', incoming: 'in', entry: 'in', ورود: 'in', ورودی: 'in', وارده: 'in',
  outflow: 'out', outgoing: 'out', exit: 'out', خروج: 'out', خروجی: 'out',
});
const DEPORTED_LOOKUP = lookupTable<Deported>(VALUE_LABELS.deported, {
  y: 'yes', true: 'yes', '1': 'yes', بله: 'yes', بلی: 'yes', آری: 'yes',
  n: 'no', false: 'no', '0': 'no', خیر: 'no', نه: 'no', spontaneous: 'no',
  'do not know': 'unknown', "don't know": 'unknown', dk: 'unknown', نمی‌دانم: 'unknown', نامشخص: 'unknown',
});
const TRANSPORT_LOOKUP = lookupTable(VALUE_LABELS.transport, { 'on foot': 'on_foot', walking: 'on_foot', foot: 'on_foot', ماشین: 'car', خودرو: 'car', کشتی: 'boat', قایق: 'boat' });
const REASON_LOOKUP = lookupTable(VALUE_LABELS.reasons);

const COUNTRY_LOOKUP = new Map<string, string>();
for (const c of COUNTRIES.values()) {
  COUNTRY_LOOKUP.set(key(c.en), c.a3);
  COUNTRY_LOOKUP.set(key(c.fa), c.a3);
  if (c.iso_en) COUNTRY_LOOKUP.set(key(c.iso_en), c.a3);
}
const NATIONALITY_LOOKUP = new Map(COUNTRY_LOOKUP);
for (const c of EXTRA_NATIONALITIES.values()) {
  NATIONALITY_LOOKUP.set(key(c.en), c.a3);
  NATIONALITY_LOOKUP.set(key(c.fa), c.a3);
}

/** Resolves a country code or name (English or Persian) to an alpha-3 code, or null. */
export function resolveCountry(value: string, allowExtra = false): string | null {
  if (value.length === 3 && COUNTRIES.has(value)) return value;
  const v = toAsciiDigits(value).trim();
  const up = v.toUpperCase();
  if (/^[A-Z]{3}$/.test(up)) {
    if (COUNTRIES.has(up) || (allowExtra && EXTRA_NATIONALITIES.has(up))) return up;
    return null;
  }
  return (allowExtra ? NATIONALITY_LOOKUP : COUNTRY_LOOKUP).get(key(v)) ?? null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------
// Fast paths. Bulk imports are mostly clean, canonical values ("dogharoun", "2025-07-06",
// "AFG", "3"); these checks recognise such values in a few nanoseconds and give exactly what the
// general path would. Anything else (spaces, Persian digits or letters, other forms) takes the
// general path.

/** Printable ASCII without spaces: nothing to trim, normalise or convert. */
function isPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return s.length > 0;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHexLower = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102);

/** A canonical lower-case UUID (as normaliseUuid would return it unchanged), else false. */
function isCanonicalUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!isHexLower(c)) return false;
  }
  const v = s.charCodeAt(14), w = s.charCodeAt(19);
  return v >= 49 && v <= 56 && (w === 56 || w === 57 || w === 97 || w === 98);
}

/** A plain non-negative integer of up to 15 ASCII digits, else -1. */
function plainCount(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** An ISO Gregorian date YYYY-MM-DD that parseDate accepts as it is (years 1500–9999), else null. */
function plainIsoDate(s: string): string | null {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) if (!isDigit(s.charCodeAt(i))) return null;
  const y = +s.slice(0, 4), m = +s.slice(5, 7), d = +s.slice(8, 10);
  if (y <= JALALI_MAX_YEAR || m < 1 || m > 12 || d < 1 || d > gregorianMonthLength(y, m)) return null;
  return s;
}

/** HH:MM (24 h) as parseTime returns it, else null. */
function plainTime(s: string): string | null {
  if (s.length !== 5 || s.charCodeAt(2) !== 58) return null;
  const a = s.charCodeAt(0), b = s.charCodeAt(1), c = s.charCodeAt(3), d = s.charCodeAt(4);
  if (!isDigit(a) || !isDigit(b) || !isDigit(c) || !isDigit(d)) return null;
  const h = (a - 48) * 10 + (b - 48), m = (c - 48) * 10 + (d - 48);
  return h <= 23 && m <= 59 ? s : null;
}

/** Lower-cases a UUID and strips an ODK/Kobo `uuid:` prefix; null when it is not a UUID. */
export function normaliseUuid(value: string): string | null {
  if (isCanonicalUuid(value)) return value;
  let v = value.trim().toLowerCase();
  if (v.startsWith('uuid:')) v = v.slice(5);
  return UUID_RE.test(v) ? v : null;
}

type CountParse = { ok: true; n: number } | { ok: false; code: 'count_invalid' | 'count_negative' | 'count_not_integer' };

/** Parses a count: non-negative integer, Persian/Arabic digits allowed, `12.0` accepted. */
export function parseCount(value: RawValue): CountParse {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, code: 'count_invalid' };
    if (value < 0) return { ok: false, code: 'count_negative' };
    if (!Number.isInteger(value)) return { ok: false, code: 'count_not_integer' };
    return { ok: true, n: value };
  }
  if (typeof value !== 'string') return { ok: false, code: 'count_invalid' };
  const plain = plainCount(value);
  if (plain >= 0) return { ok: true, n: plain };
  const s = toAsciiDigits(value).trim().replace(/^\+/, '');
  const m = /^(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return { ok: false, code: 'count_invalid' };
  const n = Number(m[2]!.replace(/,/g, ''));
  if (m[1] && (n > 0 || (m[3] && /[1-9]/.test(m[3])))) return { ok: false, code: 'count_negative' };
  if (m[3] && /[1-9]/.test(m[3])) return { ok: false, code: 'count_not_integer' };
  if (!Number.isSafeInteger(n)) return { ok: false, code: 'count_invalid' };
  return { ok: true, n };
}

/** Parses HH:MM or H:MM(:SS), also the time part of an ISO date-time; returns HH:MM or null. */
export function parseTime(value: string): string | null {
  const fast = plainTime(value);
  if (fast !== null) return fast;
  const s = toAsciiDigits(value).trim();
  const m = /^(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return null;
  const h = +m[1]!, min = +m[2]!;
  if (h > 23 || min > 59) return null;
  return (h < 10 ? '0' : '') + h + ':' + m[2];
}

const ADMIN1_RE = /^([A-Z]{2})-([A-Z0-9]{1,3})$/;

// ---------------------------------------------------------------------------
// The validator

const isBlank = (v: RawValue) => {
  if (v === null || v === undefined) return true;
  if (typeof v !== 'string') return false;
  if (v.length === 0) return true;
  const c = v.charCodeAt(0);
  return c > 0x20 && c < 0x7f ? false : v.trim() === '';
};
const asText = (v: RawValue): string => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v));

const COUNTS = ['men', 'women', 'boys', 'girls'] as const;
const VULNERABILITIES = ['uasc', 'pregnant_lactating', 'elderly', 'disabled', 'medical'] as const;

const TEXT_LIMITS = { enumerator: 100, note: 2000, origin_admin1: 100, destination_admin1: 100 } as const;

/** Validates and normalises one raw row. Unknown keys are ignored. */
export function validateFmrRow(raw: RawRow, options: ValidateOptions): ValidationResult {
  const problems: Problem[] = [];
  const minDate = options.minDate ?? '2000-01-01';
  const transportModes = options.transportModes ?? TRANSPORT_MODES;

  // id
  let id = '';
  if (isBlank(raw.id)) problems.push(problem('required', 'id', raw.id));
  else {
    const u = normaliseUuid(asText(raw.id));
    if (u) id = u;
    else problems.push(problem('uuid_invalid', 'id', raw.id));
  }

  // date (parsed before fmp so that the FMP's operating period can be checked)
  let date = '';
  if (isBlank(raw.date)) problems.push(problem('required', 'date', raw.date));
  else {
    const dv = typeof raw.date === 'boolean' ? String(raw.date) : raw.date;
    const fast = typeof dv === 'string' && options.calendar !== 'jalali' ? plainIsoDate(dv) : null;
    const d = fast !== null ? ({ ok: true, iso: fast } as const) : parseDate(dv, { calendar: options.calendar, excelSerial: options.excelSerialDates });
    if (!d.ok) problems.push(problem(d.code, 'date', raw.date, { detail: d.reason }));
    else if (d.iso > options.today) problems.push(problem('date_future', 'date', d.iso, { limit: options.today }));
    else if (d.iso < minDate) problems.push(problem('date_too_early', 'date', d.iso, { limit: minDate }));
    else date = d.iso;
  }

  // fmp
  let fmp = '';
  if (isBlank(raw.fmp)) problems.push(problem('required', 'fmp', raw.fmp));
  else {
    const text = asText(raw.fmp);
    const info = (isPlain(text) ? options.fmps.get(text) : undefined) ?? options.fmps.get(normalisePersian(text, { asciiDigits: true }).toLowerCase());
    if (!info) problems.push(problem('fmp_unknown', 'fmp', raw.fmp));
    else {
      fmp = info.code;
      const closed = date ? fmpClosedReasons(info, date) : null;
      if (closed) problems.push(problem('fmp_closed', 'fmp', info.code, { detail: closed.en, detail_fa: closed.fa }));
    }
  }

  // direction, deported
  const direction = enumField(raw, 'direction', DIRECTION_LOOKUP, 'direction_invalid', problems) as Direction | null;
  const deported = enumField(raw, 'deported', DEPORTED_LOOKUP, 'deported_invalid', problems) as Deported | null;

  // nationality
  let nationality = '';
  if (isBlank(raw.nationality)) problems.push(problem('required', 'nationality', raw.nationality));
  else {
    const c = resolveCountry(asText(raw.nationality), true);
    if (c) nationality = c;
    else problems.push(problem('country_invalid', 'nationality', raw.nationality));
  }

  // counts
  const counts: Record<CountField, number> = { men: 0, women: 0, boys: 0, girls: 0 };
  let countsOk = true;
  for (const f of COUNTS) {
    if (isBlank(raw[f])) {
      problems.push(problem('required', f, raw[f]));
      countsOk = false;
      continue;
    }
    const c = parseCount(raw[f]);
    if (c.ok) counts[f] = c.n;
    else {
      problems.push(problem(c.code, f, raw[f]));
      countsOk = false;
    }
  }
  const total = counts.men + counts.women + counts.boys + counts.girls;
  if (countsOk && total === 0) problems.push(problem('group_empty', 'men', 0));
  if (countsOk && options.maxGroupSize !== undefined && total > options.maxGroupSize) {
    problems.push(problem('group_too_large', 'men', total, { limit: options.maxGroupSize }));
  }

  // optional: time
  let time: string | null = null;
  if (!isBlank(raw.time)) {
    time = parseTime(asText(raw.time));
    if (time === null) problems.push(problem('time_invalid', 'time', raw.time));
  }

  // optional: transport (configured list)
  let transport: string | null = null;
  if (!isBlank(raw.transport)) {
    const v = asText(raw.transport);
    const k = transportModes.includes(v) ? v : key(v);
    const code = transportModes.find((m) => m === k) ?? TRANSPORT_LOOKUP.get(k);
    if (code && transportModes.includes(code)) transport = code;
    else problems.push(problem('transport_invalid', 'transport', v, { detail: transportModes.join(', ') }));
  }

  // optional: reasons (multi-select)
  const reasons: Reason[] = [];
  if (!isBlank(raw.reasons)) {
    const v = asText(raw.reasons);
    const whole = REASON_LOOKUP.get(v) ?? (isPlain(v) && v.includes(';') ? undefined : REASON_LOOKUP.get(key(v)));
    const tokens = whole ? [v] : /[;,،]/.test(v) ? v.split(/[;,،]/) : v.trim().split(/\s+/);
    for (const t of tokens) {
      if (t.trim() === '') continue;
      const r = REASON_LOOKUP.get(key(t));
      if (!r) problems.push(problem('reason_invalid', 'reasons', t.trim(), { detail: REASON_CODES.join(', ') }));
      else if (!reasons.includes(r)) reasons.push(r);
    }
  }

  // optional: origin/destination
  const origin_country = countryField(raw, 'origin_country', problems);
  const destination_country = countryField(raw, 'destination_country', problems);
  const origin_admin1 = admin1(raw, 'origin_admin1', origin_country, problems);
  const destination_admin1 = admin1(raw, 'destination_admin1', destination_country, problems);

  // optional: vulnerabilities
  const vuln: Record<VulnerabilityField, number | null> = { uasc: null, pregnant_lactating: null, elderly: null, disabled: null, medical: null };
  for (const f of VULNERABILITIES) {
    if (isBlank(raw[f])) continue;
    const c = parseCount(raw[f]);
    if (c.ok) vuln[f] = c.n;
    else problems.push(problem(c.code, f, raw[f]));
  }
  if (countsOk) {
    const children = counts.boys + counts.girls, femaleCap = counts.women + counts.girls, adults = counts.men + counts.women;
    if ((vuln.uasc ?? 0) > children || (vuln.pregnant_lactating ?? 0) > femaleCap || (vuln.elderly ?? 0) > adults || (vuln.disabled ?? 0) > total || (vuln.medical ?? 0) > total) {
      const caps: [VulnerabilityField, number, string, string][] = [
        ['uasc', children, 'boys + girls', 'پسران و دختران'],
        ['pregnant_lactating', femaleCap, 'women + girls', 'زنان و دختران'],
        ['elderly', adults, 'men + women', 'مردان و زنان'],
        ['disabled', total, 'the group total', 'کل گروه'],
        ['medical', total, 'the group total', 'کل گروه'],
      ];
      for (const [f, cap, what, whatFa] of caps) {
        const n = vuln[f];
        if (n !== null && n > cap) problems.push(problem('vulnerability_exceeds', f, n, { detail: what, detail_fa: whatFa, limit: cap }));
      }
    }
  }

  // optional: text
  const enumerator = textField(raw, 'enumerator', problems);
  const note = textField(raw, 'note', problems);

  if (problems.length > 0) {
    // Report in column order (the date is checked before the FMP, but comes after it).
    problems.sort((a, b) => FMR_FIELDS.indexOf(a.column) - FMR_FIELDS.indexOf(b.column));
    return { ok: false, problems };
  }
  return {
    ok: true,
    record: {
      id,
      fmp,
      date,
      direction: direction!,
      nationality,
      men: counts.men,
      women: counts.women,
      boys: counts.boys,
      girls: counts.girls,
      deported: deported!,
      time,
      transport,
      reasons,
      origin_country,
      origin_admin1,
      destination_country,
      destination_admin1,
      uasc: vuln.uasc,
      pregnant_lactating: vuln.pregnant_lactating,
      elderly: vuln.elderly,
      disabled: vuln.disabled,
      medical: vuln.medical,
      enumerator,
      note,
    },
  };
}

function countryField(raw: RawRow, f: 'origin_country' | 'destination_country', problems: Problem[]): string | null {
  if (isBlank(raw[f])) return null;
  const c = resolveCountry(asText(raw[f]));
  if (!c) problems.push(problem('country_invalid', f, raw[f]));
  return c;
}

function textField(raw: RawRow, f: 'enumerator' | 'note', problems: Problem[]): string | null {
  if (isBlank(raw[f])) return null;
  const text = asText(raw[f]);
  const t = isPlain(text) ? text : normalisePersian(text, { asciiDigits: true });
  if (t.length > TEXT_LIMITS[f]) problems.push(problem('text_too_long', f, t.slice(0, 40) + '…', { limit: TEXT_LIMITS[f] }));
  return t === '' ? null : t;
}

function enumField(raw: RawRow, f: 'direction' | 'deported', table: Map<string, string>, code: ProblemCode, problems: Problem[]): string | null {
  if (isBlank(raw[f])) {
    problems.push(problem('required', f, raw[f]));
    return null;
  }
  const text = asText(raw[f]);
  const v = table.get(text) ?? table.get(key(text));
  if (!v) problems.push(problem(code, f, raw[f]));
  return v ?? null;
}

// A file names a few dozen places over and over: an accepted admin1 value is remembered with its
// column and country, so that its checks run once per distinct value, not once per row.
// (One map per column and country: no key string to build for every row.)
const admin1Accepted = { origin_admin1: new Map<string, Map<string, string>>(), destination_admin1: new Map<string, Map<string, string>>() };

function admin1(raw: RawRow, f: 'origin_admin1' | 'destination_admin1', country: string | null, problems: Problem[]): string | null {
  if (isBlank(raw[f])) return null;
  const text = asText(raw[f]);
  let accepted = admin1Accepted[f].get(country ?? '');
  if (!accepted) admin1Accepted[f].set(country ?? '', (accepted = new Map()));
  const known = accepted.get(text);
  if (known !== undefined) return known;
  const before = problems.length;
  const v = checkAdmin1(text, f, country, problems);
  if (v !== null && problems.length === before) {
    if (accepted.size >= 10_000) accepted.clear();
    accepted.set(text, v);
  }
  return v;
}

function checkAdmin1(text: string, f: 'origin_admin1' | 'destination_admin1', country: string | null, problems: Problem[]): string | null {
  const v = isPlain(text) ? text : normalisePersian(text, { asciiDigits: true });
  const m = ADMIN1_RE.exec(v.toUpperCase());
  if (!m) {
    // A free name (not a code). Anything shaped like a code but wrong is caught above.
    if (/^[A-Za-z]{2}-/.test(v)) {
      problems.push(problem('admin1_invalid', f, v));
      return null;
    }
    if (v.length > TEXT_LIMITS[f]) problems.push(problem('text_too_long', f, v.slice(0, 40) + '…', { limit: TEXT_LIMITS[f] }));
    return v;
  }
  const [, a2, sub] = m;
  const code = m[0];
  if (!COUNTRY_ALPHA2.has(a2!)) {
    problems.push(problem('admin1_invalid', f, v, { detail: `no country ${a2}`, detail_fa: `کشوری با کد ${faQuote(a2!)} نیست` }));
    return null;
  }
  // Iran's provinces were renumbered on 2020-11-24: IR-00…IR-30 now; IR-31/IR-32 only
  // existed in the old scheme (see shared/reference/README.md).
  if (a2 === 'IR' && !(/^\d{2}$/.test(sub!) && +sub! <= 30)) {
    problems.push(problem('admin1_invalid', f, v, { detail: 'Iranian provinces are IR-00 to IR-30 since the 2020 renumbering', detail_fa: `کد استان‌های ایران از ${bidi('IR-00')} تا ${bidi('IR-30')} است` }));
    return null;
  }
  if (country) {
    const c = COUNTRIES.get(country);
    if (c && c.a2 !== a2) {
      problems.push(problem('admin1_country_mismatch', f, code, { detail: country, detail_fa: countryName(country, 'fa') ?? country }));
      return null;
    }
  }
  return code;
}

// ---------------------------------------------------------------------------
// Messages of the importer about a file or a cell (import.ts), in both languages.

export const IMPORT_MESSAGES = {
  missingColumns: (missing: readonly string[], mapping: boolean): [string, string] => {
    const fa = missing.map((m) => (FMR_COLUMN_BY_KEY.has(m as FmrField) ? `«${colLabel(m as FmrField, 'fa')}»` : faQuote(m))).join('، ');
    return [
      `The file has no column ${missing.join(', ')}${mapping ? ' (needed by the mapping)' : ' (Marz format; or choose a mapping)'}.`,
      `ستون ${fa} در پرونده نیست${mapping ? ' (نگاشت به آن نیاز دارد)' : ' (قالب مرز؛ یا یک نگاشت برگزینید)'}.`,
    ];
  },
  cellTooLarge: (column: string, max: number): [string, string] => [`The cell in column ${column} is longer than ${max} characters.`, `خانهٔ ستون ${faQuote(column)} بیش از ${faNumber(max)} نویسه دارد.`],
  nulByte: (column: string): [string, string] => [`The cell in column ${column} holds a NUL character (byte 0), which cannot be stored.`, `خانهٔ ستون ${faQuote(column)} نویسهٔ تهی (بایت صفر) دارد که ذخیره‌شدنی نیست.`],
  duplicateInFile: (): [string, string] => ['This id appears more than once in the file.', 'این شناسه بیش از یک بار در پرونده آمده است.'],
  idConflict: (): [string, string] => ['This id is already used by a different record.', 'این شناسه پیش‌تر برای رکورد دیگری به کار رفته است.'],
  outOfScope: (): [string, string] => ['You may not import records for this FMP (outside your provinces).', 'شما اجازهٔ درون‌برد رکورد برای این نقطه را ندارید (بیرون از استان‌های شما).'],
  empty: (): [string, string] => ['The file has no rows.', 'پرونده هیچ ردیفی ندارد.'],
  /** A problem with the whole file (read.ts ReadError codes), in Persian. */
  readErrorFa(code: string, offset?: number, row?: number): string {
    const at = row ? ` (ردیف ${faNumber(row)})` : '';
    switch (code) {
      case 'encoding':
        return `پرونده با رمزگذاری ${bidi('UTF-8')} ذخیره نشده است${offset != null ? ` (نخستین بایت نادرست در جایگاه ${faNumber(offset)})` : ''}. در اکسل «ذخیره به‌صورت ${bidi('CSV UTF-8')}» را برگزینید و دوباره درون‌برد کنید.`;
      case 'empty':
        return 'پرونده خالی است: سطر سرستون‌ها ندارد.';
      case 'header':
        return `سطر سرستون‌ها درست نیست: خالی است یا ستونی دو بار آمده است${at}.`;
      case 'csv':
        return `پرونده درست ساخته نشده است: نقل‌قولی باز مانده یا پس از بستن نقل‌قول نویسه‌ای آمده است${at}.`;
      case 'xlsx':
        return `کارپوشهٔ اکسل خوانده نشد${at}؛ آن را در اکسل باز و دوباره ذخیره کنید.`;
      default:
        return 'پرونده خوانده نشد.';
    }
  },
};
