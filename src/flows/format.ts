// Marz's canonical Flow Monitoring Registry (FMR) record format.
//
// One record = one group observed crossing a flow monitoring point (FMP) together,
// usually a household (IOM DTM FMR method; see shared research §1.2). Counts are
// movements, not unique people. The column order, types, HXL hashtags and labels below
// are the contract for CSV/XLSX import and export; docs/FLOW-FORMAT.md documents them.

import iso3Data from './iso3.json' with { type: 'json' };
import { formatJalali } from '../platform/calendar.ts';
import { normalisePersian, toPersianDigits } from '../platform/text.ts';

export type Lang = 'en' | 'fa';
export interface Label {
  en: string;
  fa: string;
}

export const DIRECTIONS = ['in', 'out'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const DEPORTED_VALUES = ['yes', 'no', 'unknown'] as const;
export type Deported = (typeof DEPORTED_VALUES)[number];

/** Default configured list of transport modes. */
export const TRANSPORT_MODES = ['bus', 'car', 'truck', 'train', 'on_foot', 'taxi', 'plane', 'boat', 'other'] as const;
export type Transport = (typeof TRANSPORT_MODES)[number];

/** Reasons for the movement (multi-select; shares of groups therefore sum past 100 %). */
export const REASON_CODES = [
  'economic',
  'family_reunification',
  'education',
  'conflict_insecurity',
  'natural_disaster',
  'health',
  'tourism_pilgrimage',
  'return_home',
  'seasonal_work',
  'deportation',
  'other',
] as const;
export type Reason = (typeof REASON_CODES)[number];

export const COUNT_FIELDS = ['men', 'women', 'boys', 'girls'] as const;
export type CountField = (typeof COUNT_FIELDS)[number];

export const VULNERABILITY_FIELDS = ['uasc', 'pregnant_lactating', 'elderly', 'disabled', 'medical'] as const;
export type VulnerabilityField = (typeof VULNERABILITY_FIELDS)[number];

export const CORE_FIELDS = ['id', 'fmp', 'date', 'direction', 'nationality', 'men', 'women', 'boys', 'girls', 'deported'] as const;
export const OPTIONAL_FIELDS = [
  'time',
  'transport',
  'reasons',
  'origin_country',
  'origin_admin1',
  'destination_country',
  'destination_admin1',
  'uasc',
  'pregnant_lactating',
  'elderly',
  'disabled',
  'medical',
  'enumerator',
  'note',
] as const;
export const FMR_FIELDS = [...CORE_FIELDS, ...OPTIONAL_FIELDS] as const;
export type FmrField = (typeof FMR_FIELDS)[number];

/** A validated, normalised FMR record. Dates are ISO Gregorian; digits ASCII; text normalised. */
export interface FmrRecord {
  id: string;
  fmp: string;
  date: string;
  direction: Direction;
  nationality: string;
  men: number;
  women: number;
  boys: number;
  girls: number;
  deported: Deported;
  time: string | null;
  transport: string | null;
  reasons: readonly Reason[];
  origin_country: string | null;
  origin_admin1: string | null;
  destination_country: string | null;
  destination_admin1: string | null;
  uasc: number | null;
  pregnant_lactating: number | null;
  elderly: number | null;
  disabled: number | null;
  medical: number | null;
  enumerator: string | null;
  note: string | null;
}

export type ColumnType = 'uuid' | 'code' | 'date' | 'enum' | 'iso3' | 'count' | 'time' | 'multi' | 'admin1' | 'text';

export interface FmrColumn {
  key: FmrField;
  required: boolean;
  type: ColumnType;
  hxl: string;
  label: Label;
  /** One-line description for documentation and tooltips. */
  description: string;
  /** Allowed codes for enum/multi columns. */
  values?: readonly string[];
}

/**
 * The columns in canonical order: the ten core columns, then the optional ones.
 * HXL tags follow the HXL core schema (hxlstandard.org): SADD attributes +m/+f and
 * +adults/+children on #affected; +origin/+dest on #country/#adm1; +code for codes.
 * Attributes not in the core schema (+nationality, +direction, +deported, +uasc, …) are
 * custom attributes, which HXL allows.
 */
export const FMR_COLUMNS: readonly FmrColumn[] = [
  { key: 'id', required: true, type: 'uuid', hxl: '#meta+id', label: { en: 'Record ID', fa: 'شناسه رکورد' }, description: 'UUID of the record (e.g. Kobo `_uuid`); makes re-imports idempotent.' },
  { key: 'fmp', required: true, type: 'code', hxl: '#loc+code', label: { en: 'Flow monitoring point', fa: 'نقطه پایش جریان' }, description: 'Code of the FMP, e.g. `dogharoun`.' },
  { key: 'date', required: true, type: 'date', hxl: '#date+occurred', label: { en: 'Date', fa: 'تاریخ' }, description: 'Day of observation: Gregorian YYYY-MM-DD or Jalali YYYY/MM/DD (year 1300–1499 ⇒ Jalali). Stored as ISO Gregorian.' },
  { key: 'direction', required: true, type: 'enum', hxl: '#indicator+direction', values: DIRECTIONS, label: { en: 'Direction', fa: 'جهت' }, description: '`in` = entering Iran, `out` = leaving Iran.' },
  { key: 'nationality', required: true, type: 'iso3', hxl: '#country+code+nationality', label: { en: 'Nationality', fa: 'تابعیت' }, description: 'ISO 3166-1 alpha-3 code of the group’s nationality (XXA stateless, XXX unspecified also accepted).' },
  { key: 'men', required: true, type: 'count', hxl: '#affected+m+adults', label: { en: 'Men (18+)', fa: 'مردان (۱۸+)' }, description: 'Number of adult males in the group.' },
  { key: 'women', required: true, type: 'count', hxl: '#affected+f+adults', label: { en: 'Women (18+)', fa: 'زنان (۱۸+)' }, description: 'Number of adult females in the group.' },
  { key: 'boys', required: true, type: 'count', hxl: '#affected+m+children', label: { en: 'Boys (<18)', fa: 'پسران (زیر ۱۸)' }, description: 'Number of male children (under 18).' },
  { key: 'girls', required: true, type: 'count', hxl: '#affected+f+children', label: { en: 'Girls (<18)', fa: 'دختران (زیر ۱۸)' }, description: 'Number of female children (under 18).' },
  { key: 'deported', required: true, type: 'enum', hxl: '#indicator+deported', values: DEPORTED_VALUES, label: { en: 'Deported', fa: 'اخراجی' }, description: '`yes` deported, `no` spontaneous movement, `unknown`.' },
  { key: 'time', required: false, type: 'time', hxl: '#date+time', label: { en: 'Time', fa: 'ساعت' }, description: 'Local time of observation, HH:MM (24 h).' },
  { key: 'transport', required: false, type: 'enum', hxl: '#modality+code+transport', values: TRANSPORT_MODES, label: { en: 'Means of transport', fa: 'وسیله نقلیه' }, description: 'One of the configured transport modes.' },
  { key: 'reasons', required: false, type: 'multi', hxl: '#cause+code+reason', values: REASON_CODES, label: { en: 'Reasons for movement', fa: 'دلایل جابه‌جایی' }, description: 'One or more reason codes separated by `;`.' },
  { key: 'origin_country', required: false, type: 'iso3', hxl: '#country+code+origin', label: { en: 'Country of origin', fa: 'کشور مبدأ' }, description: 'ISO 3166-1 alpha-3 code of the country the group comes from.' },
  { key: 'origin_admin1', required: false, type: 'admin1', hxl: '#adm1+code+origin', label: { en: 'Province of origin', fa: 'استان مبدأ' }, description: 'ISO 3166-2 code (e.g. IR-23) or a name.' },
  { key: 'destination_country', required: false, type: 'iso3', hxl: '#country+code+dest', label: { en: 'Country of destination', fa: 'کشور مقصد' }, description: 'ISO 3166-1 alpha-3 code of the intended destination country.' },
  { key: 'destination_admin1', required: false, type: 'admin1', hxl: '#adm1+code+dest', label: { en: 'Province of destination', fa: 'استان مقصد' }, description: 'ISO 3166-2 code (e.g. AF-HER) or a name.' },
  { key: 'uasc', required: false, type: 'count', hxl: '#affected+children+uasc', label: { en: 'Unaccompanied or separated children', fa: 'کودکان بدون همراه یا جدامانده' }, description: 'Children travelling without parents or usual caregiver; ≤ boys + girls.' },
  { key: 'pregnant_lactating', required: false, type: 'count', hxl: '#affected+f+pregnant_lactating', label: { en: 'Pregnant or lactating women', fa: 'زنان باردار یا شیرده' }, description: '≤ women + girls.' },
  { key: 'elderly', required: false, type: 'count', hxl: '#affected+elderly', label: { en: 'Elderly (60+)', fa: 'سالمندان (۶۰+)' }, description: 'Adults aged 60 or more; ≤ men + women.' },
  { key: 'disabled', required: false, type: 'count', hxl: '#affected+disabled', label: { en: 'Persons with disabilities', fa: 'افراد دارای معلولیت' }, description: '≤ group total.' },
  { key: 'medical', required: false, type: 'count', hxl: '#affected+medical', label: { en: 'Persons with medical needs', fa: 'افراد نیازمند مراقبت پزشکی' }, description: 'Visible or declared serious medical condition; ≤ group total.' },
  { key: 'enumerator', required: false, type: 'text', hxl: '#meta+enumerator', label: { en: 'Enumerator', fa: 'آمارگر' }, description: 'Code of the enumerator who recorded the group (not a personal name).' },
  { key: 'note', required: false, type: 'text', hxl: '#description+notes', label: { en: 'Note', fa: 'یادداشت' }, description: 'Free text. Synthetic demo records carry `SYNTHETIC`.' },
];

export const FMR_COLUMN_BY_KEY: ReadonlyMap<FmrField, FmrColumn> = new Map(FMR_COLUMNS.map((c) => [c.key, c]));

/** Value labels for enum and multi-select columns. */
export const VALUE_LABELS: {
  direction: Record<Direction, Label>;
  deported: Record<Deported, Label>;
  transport: Record<Transport, Label>;
  reasons: Record<Reason, Label>;
} = {
  direction: {
    in: { en: 'Inflow (entering Iran)', fa: 'ورودی' },
    out: { en: 'Outflow (leaving Iran)', fa: 'خروجی' },
  },
  deported: {
    yes: { en: 'Deported', fa: 'اخراجی' },
    no: { en: 'Spontaneous', fa: 'داوطلبانه' },
    unknown: { en: 'Unknown', fa: 'نامعلوم' },
  },
  transport: {
    bus: { en: 'Bus', fa: 'اتوبوس' },
    car: { en: 'Private car', fa: 'خودروی شخصی' },
    truck: { en: 'Truck', fa: 'کامیون' },
    train: { en: 'Train', fa: 'قطار' },
    on_foot: { en: 'On foot', fa: 'پیاده' },
    taxi: { en: 'Taxi', fa: 'تاکسی' },
    plane: { en: 'Plane', fa: 'هواپیما' },
    boat: { en: 'Boat', fa: 'قایق / کشتی' },
    other: { en: 'Other', fa: 'سایر' },
  },
  reasons: {
    economic: { en: 'Economic', fa: 'اقتصادی' },
    family_reunification: { en: 'Family reunification', fa: 'پیوستن به خانواده' },
    education: { en: 'Education', fa: 'تحصیل' },
    conflict_insecurity: { en: 'Conflict or insecurity', fa: 'درگیری یا ناامنی' },
    natural_disaster: { en: 'Natural disaster', fa: 'بلای طبیعی' },
    health: { en: 'Health', fa: 'درمان' },
    tourism_pilgrimage: { en: 'Tourism or pilgrimage', fa: 'گردشگری یا زیارت' },
    return_home: { en: 'Return home', fa: 'بازگشت به وطن' },
    seasonal_work: { en: 'Seasonal work', fa: 'کار فصلی' },
    deportation: { en: 'Deportation', fa: 'اخراج' },
    other: { en: 'Other', fa: 'سایر' },
  },
};

// ---------------------------------------------------------------------------
// Countries (ISO 3166-1)

export interface CountryInfo {
  a3: string;
  a2: string | null;
  num: string | null;
  en: string;
  fa: string;
  iso_en?: string;
}

/** All ISO 3166-1 countries (249), by alpha-3 code. */
export const COUNTRIES: ReadonlyMap<string, CountryInfo> = new Map(
  (iso3Data.countries as CountryInfo[]).map((c) => [c.a3, c]),
);
/** ICAO Doc 9303 codes accepted for nationality only: XXA stateless, XXX unspecified. */
export const EXTRA_NATIONALITIES: ReadonlyMap<string, CountryInfo> = new Map(
  (iso3Data.extra as CountryInfo[]).map((c) => [c.a3, c]),
);
/** ISO alpha-2 codes, for checking the prefix of ISO 3166-2 subdivision codes. */
export const COUNTRY_ALPHA2: ReadonlySet<string> = new Set([...COUNTRIES.values()].map((c) => c.a2!));

export function countryName(a3: string, lang: Lang = 'en'): string | undefined {
  const c = COUNTRIES.get(a3) ?? EXTRA_NATIONALITIES.get(a3);
  return c ? c[lang] : undefined;
}

// ---------------------------------------------------------------------------
// Helpers

/** Number of people in the group. */
export function groupTotal(r: Pick<FmrRecord, CountField>): number {
  return r.men + r.women + r.boys + r.girls;
}

/** The header row: column keys in canonical order (core columns always; optional when asked). */
export function fmrHeader(columns: 'core' | 'all' = 'all'): string[] {
  return (columns === 'core' ? FMR_COLUMNS.filter((c) => c.required) : FMR_COLUMNS).map((c) => c.key);
}

/** The HXL hashtag row matching fmrHeader(). */
export function fmrHxlRow(columns: 'core' | 'all' = 'all'): string[] {
  return (columns === 'core' ? FMR_COLUMNS.filter((c) => c.required) : FMR_COLUMNS).map((c) => c.hxl);
}

/** Column labels in one language, matching fmrHeader(). */
export function fmrLabels(lang: Lang, columns: 'core' | 'all' = 'all'): string[] {
  return (columns === 'core' ? FMR_COLUMNS.filter((c) => c.required) : FMR_COLUMNS).map((c) => c.label[lang]);
}

export interface ToRowOptions {
  /** Write dates as ISO Gregorian (default) or Jalali YYYY/MM/DD. */
  calendar?: 'gregorian' | 'jalali';
  /** Digits for numbers and dates (default latn). Persian digits are for display files only. */
  digits?: 'latn' | 'fa';
  columns?: 'core' | 'all';
}

/** Serialises a record into canonical string cells (empty string for null). */
export function fmrRecordToRow(r: FmrRecord, options: ToRowOptions = {}): Record<string, string> {
  const digits = options.digits ?? 'latn';
  const num = (n: number | null): string => (n === null ? '' : digits === 'fa' ? toPersianDigits(n) : String(n));
  const row: Record<string, string> = {
    id: r.id,
    fmp: r.fmp,
    date: options.calendar === 'jalali' ? formatJalali(r.date, { digits }) : digits === 'fa' ? toPersianDigits(r.date) : r.date,
    direction: r.direction,
    nationality: r.nationality,
    men: num(r.men),
    women: num(r.women),
    boys: num(r.boys),
    girls: num(r.girls),
    deported: r.deported,
  };
  if (options.columns === 'core') return row;
  row.time = r.time === null ? '' : digits === 'fa' ? toPersianDigits(r.time) : r.time;
  row.transport = r.transport ?? '';
  row.reasons = r.reasons.join(';');
  row.origin_country = r.origin_country ?? '';
  row.origin_admin1 = r.origin_admin1 ?? '';
  row.destination_country = r.destination_country ?? '';
  row.destination_admin1 = r.destination_admin1 ?? '';
  for (const f of VULNERABILITY_FIELDS) row[f] = num(r[f]);
  row.enumerator = r.enumerator ?? '';
  row.note = r.note ?? '';
  return row;
}

// ---------------------------------------------------------------------------
// Reading Marz's own files back (issue 12.3): columns named by their HXL tag or by their label

/** An HXL hashtag in a comparable form: lower case, no spaces, attributes sorted. */
export function hxlKey(tag: string): string {
  const parts = tag.toLowerCase().replace(/\s+/g, '').split('+');
  return [parts[0], ...parts.slice(1).filter((p) => p !== '').sort()].join('+');
}

/** A header label in a comparable form (trimmed, lower case, Persian letters normalised, ASCII digits). */
export function labelKey(label: string): string {
  return normalisePersian(label.replace(/^\uFEFF/, '').trim(), { asciiDigits: true }).toLowerCase().replace(/\s+/g, ' ');
}

/** The review status column that exports add after the record's columns. */
export const STATUS_COLUMN = { key: 'status', hxl: '#status+review', label: { en: 'Review status', fa: 'وضعیت بازبینی' } } as const;

const BY_HXL = new Map<string, string>([...FMR_COLUMNS.map((c) => [hxlKey(c.hxl), c.key] as const), [hxlKey(STATUS_COLUMN.hxl), STATUS_COLUMN.key]]);
const BY_LABEL = new Map<string, string>();
for (const c of [...FMR_COLUMNS, STATUS_COLUMN]) {
  BY_LABEL.set(labelKey(c.label.en), c.key);
  BY_LABEL.set(labelKey(c.label.fa), c.key);
}

/**
 * Recognises the columns of a file in Marz's format whose header is not the canonical names —
 * a Persian or English labelled export, or any file whose HXL row carries Marz's tags. Each
 * column is taken by its canonical name, else by its HXL tag, else by its label (English or
 * Persian). Returns the canonical names per column ('' for a column not recognised) and a
 * function renaming a row's values, or null when nothing needs renaming.
 */
export function columnRenamer(columns: readonly string[], hxl: readonly string[] | null): { columns: string[]; rename: (values: Record<string, string>) => Record<string, string> } | null {
  const canonical = new Set<string>([...FMR_FIELDS, STATUS_COLUMN.key]);
  const taken = new Set<string>();
  const names = columns.map((c) => (canonical.has(c) ? c : ''));
  for (const n of names) if (n) taken.add(n);
  const pick = (i: number, key: string | undefined) => {
    if (key && !names[i] && !taken.has(key)) {
      names[i] = key;
      taken.add(key);
    }
  };
  columns.forEach((_, i) => pick(i, hxl?.[i] ? BY_HXL.get(hxlKey(hxl[i]!)) : undefined));
  columns.forEach((c, i) => pick(i, BY_LABEL.get(labelKey(c))));
  if (names.every((n, i) => n === '' || n === columns[i])) return null;
  const pairs = columns.map((c, i) => [c, names[i]!] as const).filter(([c, n]) => n !== '' && n !== c);
  return {
    columns: columns.map((c, i) => names[i] || c),
    rename(values) {
      const out: Record<string, string> = { ...values };
      for (const [from, to] of pairs) {
        out[to] = values[from] ?? '';
        if (!canonical.has(from)) delete out[from];
      }
      return out;
    },
  };
}

/** Labels of review statuses (exports with labels). */
export const STATUS_LABELS: Record<string, Label> = {
  received: { en: 'Received', fa: 'دریافت‌شده' },
  approved: { en: 'Approved', fa: 'تأییدشده' },
  has_issues: { en: 'Has issues', fa: 'دارای ایراد' },
  rejected: { en: 'Rejected', fa: 'ردشده' },
};

/**
 * The label a person reads for a column's value in an export with labels (`--labels`): value
 * labels for direction, deported, transport, reasons (joined with ";") and review status,
 * country names for country codes. Anything else (and unknown codes) is returned as it is.
 * Marz's importer reads every one of these labels back into its code.
 */
export function valueLabel(column: string, value: string, lang: Lang): string {
  if (value === '') return value;
  switch (column) {
    case 'direction':
    case 'deported':
    case 'transport':
      return (VALUE_LABELS[column] as Record<string, Label>)[value]?.[lang] ?? value;
    case 'reasons':
      return value
        .split(';')
        .map((r) => (VALUE_LABELS.reasons as Record<string, Label>)[r]?.[lang] ?? r)
        .join(';');
    case 'nationality':
    case 'origin_country':
    case 'destination_country':
      return countryName(value, lang) ?? value;
    case 'status':
      return STATUS_LABELS[value]?.[lang] ?? value;
    default:
      return value;
  }
}

// ---------------------------------------------------------------------------
// CSV formula neutralisation (issue 10.9; OWASP "CSV Injection")

/**
 * A text cell a spreadsheet would read as a formula (it begins with = + - @ tab or carriage
 * return), or such a cell behind single quotes.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/**
 * Neutralises a text cell for a CSV file as OWASP recommends: a cell beginning with =, +, -, @,
 * tab or carriage return gets a single quote in front, so that spreadsheets show it as text
 * instead of running it. A cell that already begins with quotes followed by one of those
 * characters gets one more, so that unneutraliseCell gives back exactly the original. Only text
 * columns are neutralised by the exports (numeric columns stay numbers), and a plain number such
 * as -3 is never changed, so that negative numbers survive in any column.
 */
export function neutraliseCell(v: string): string {
  return FORMULA_START.test(v) && !PLAIN_NUMBER.test(v) ? "'" + v : v;
}
/** A plain number such as -3 or +2.5 is not a formula and stays as it is. */
const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?$/;

/** Undoes neutraliseCell (for importing Marz's own CSV files). */
export function unneutraliseCell(v: string): string {
  return v.charCodeAt(0) === 39 && FORMULA_START.test(v) ? v.slice(1) : v;
}
