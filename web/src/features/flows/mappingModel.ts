// The import mapping (format `marz-fmr-mapping/1`, checked on the server by src/flows/mapping.ts)
// as the mapping editor holds it, the conversions both ways, and a preview that applies a
// mapping to sample rows in the browser with the same rules as the server.
import { normalisePersian, toAsciiDigits } from '../../app/text.ts';

export const MARZ_FIELDS = [
  'id',
  'fmp',
  'date',
  'direction',
  'nationality',
  'men',
  'women',
  'boys',
  'girls',
  'deported',
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
export type MarzField = (typeof MARZ_FIELDS)[number];
export const CORE_FIELDS = new Set<MarzField>(['id', 'fmp', 'date', 'direction', 'nationality', 'men', 'women', 'boys', 'girls', 'deported']);
export const NUMBER_FIELDS = new Set<MarzField>(['men', 'women', 'boys', 'girls', 'uasc', 'pregnant_lactating', 'elderly', 'disabled', 'medical']);
export const COUNTRY_FIELDS = new Set<MarzField>(['nationality', 'origin_country', 'destination_country']);

export const RULE_KINDS = ['none', 'from', 'first_of', 'sum', 'flags', 'const'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const SOURCES = ['kobo', 'odk', 'excel', 'other'] as const;
export const DATE_FORMATS = ['auto', 'jalali', 'gregorian'] as const;

export type Pairs = [string, string][];

export interface RuleDraft {
  kind: RuleKind;
  /** `from`: the column. */
  from: string;
  /** `first_of` and `sum`: the columns, in order. */
  columns: string[];
  /** `flags`: column → code. */
  flags: Pairs;
  /** `const`: the value. */
  constValue: string;
  /** Value map: none, an inline table, or `@name` of a shared table. */
  values: 'none' | 'inline' | `@${string}`;
  inline: Pairs;
  split: string;
  default: string;
}

export interface MappingDraft {
  name: string;
  description: string;
  source: (typeof SOURCES)[number];
  date_format: (typeof DATE_FORMATS)[number];
  excel_serial_dates: boolean;
  digits: 'normalise' | 'keep';
  value_maps: [string, Pairs][];
  fields: Record<MarzField, RuleDraft>;
}

export const emptyRule = (): RuleDraft => ({ kind: 'none', from: '', columns: [''], flags: [['', '']], constValue: '', values: 'none', inline: [], split: '', default: '' });

export function emptyDraft(): MappingDraft {
  return {
    name: '',
    description: '',
    source: 'kobo',
    date_format: 'auto',
    excel_serial_dates: false,
    digits: 'normalise',
    value_maps: [],
    fields: Object.fromEntries(MARZ_FIELDS.map((f) => [f, emptyRule()])) as Record<MarzField, RuleDraft>,
  };
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const pairs = (o: unknown): Pairs => (o && typeof o === 'object' ? Object.entries(o as Record<string, unknown>).map(([k, v]) => [k, str(v)]) : []);

/** A saved mapping (JSON) as a draft; unknown parts are dropped. */
export function fromJson(json: unknown, name?: string): MappingDraft {
  const m = (json && typeof json === 'object' ? json : {}) as Record<string, any>;
  const d = emptyDraft();
  d.name = name ?? str(m.name);
  d.description = str(m.description);
  if ((SOURCES as readonly string[]).includes(m.source)) d.source = m.source;
  if ((DATE_FORMATS as readonly string[]).includes(m.date_format)) d.date_format = m.date_format;
  d.excel_serial_dates = m.excel_serial_dates === true;
  d.digits = m.digits === 'keep' ? 'keep' : 'normalise';
  d.value_maps = Object.entries((m.value_maps ?? {}) as Record<string, unknown>).map(([k, v]) => [k, pairs(v)]);
  for (const f of MARZ_FIELDS) {
    const r = m.fields?.[f];
    if (r === undefined || r === null) continue;
    const rule = emptyRule();
    if (typeof r === 'string') {
      rule.kind = 'from';
      rule.from = r;
    } else if (typeof r === 'object') {
      if (r.from !== undefined) (rule.kind = 'from'), (rule.from = str(r.from));
      else if (Array.isArray(r.first_of)) (rule.kind = 'first_of'), (rule.columns = r.first_of.map(str));
      else if (Array.isArray(r.sum)) (rule.kind = 'sum'), (rule.columns = r.sum.map(str));
      else if (r.flags && typeof r.flags === 'object') (rule.kind = 'flags'), (rule.flags = pairs(r.flags));
      else if (r.const !== undefined) (rule.kind = 'const'), (rule.constValue = str(r.const));
      if (typeof r.values === 'string') rule.values = `@${r.values}`;
      else if (r.values && typeof r.values === 'object') (rule.values = 'inline'), (rule.inline = pairs(r.values));
      rule.split = str(r.split);
      rule.default = str(r.default);
    }
    d.fields[f] = rule;
  }
  return d;
}

const object = (p: Pairs) => Object.fromEntries(p.filter(([k]) => k.trim() !== '').map(([k, v]) => [k.trim(), v.trim()]));

/** The draft as the API takes it (PUT /api/v1/flows/mappings/:name). */
export function toJson(d: MappingDraft): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const f of MARZ_FIELDS) {
    const r = d.fields[f];
    if (r.kind === 'none') continue;
    const rule: Record<string, unknown> = {};
    const cols = r.columns.map((c) => c.trim()).filter(Boolean);
    if (r.kind === 'from') rule.from = r.from.trim();
    else if (r.kind === 'first_of') rule.first_of = cols;
    else if (r.kind === 'sum') rule.sum = cols;
    else if (r.kind === 'flags') rule.flags = object(r.flags);
    else rule.const = NUMBER_FIELDS.has(f) && /^\d+$/.test(r.constValue.trim()) ? Number(r.constValue.trim()) : r.constValue.trim();
    if (r.kind === 'from' || r.kind === 'first_of') {
      if (r.values === 'inline' && r.inline.some(([k]) => k.trim())) rule.values = object(r.inline);
      else if (r.values.startsWith('@')) rule.values = r.values.slice(1);
      if (r.split) rule.split = r.split;
    }
    if (r.kind !== 'const' && r.default.trim() !== '') rule.default = NUMBER_FIELDS.has(f) && /^\d+$/.test(r.default.trim()) ? Number(r.default.trim()) : r.default.trim();
    fields[f] = rule;
  }
  const out: Record<string, unknown> = { format: 'marz-fmr-mapping/1', name: d.name.trim() };
  if (d.description.trim()) out.description = d.description.trim();
  out.source = d.source;
  out.date_format = d.date_format;
  out.excel_serial_dates = d.excel_serial_dates;
  out.digits = d.digits;
  out.value_maps = Object.fromEntries(d.value_maps.filter(([n]) => n.trim()).map(([n, p]) => [n.trim(), object(p)]));
  out.fields = fields;
  return out;
}

export type DraftProblem = { field: MarzField | null; code: 'column' | 'columns' | 'flags' | 'const' | 'values' | 'name' | 'mapName'; detail?: string };

/** Problems that would make the server refuse the mapping. */
export function checkDraft(d: MappingDraft): DraftProblem[] {
  const out: DraftProblem[] = [];
  if (!d.name.trim()) out.push({ field: null, code: 'name' });
  const names = new Set<string>();
  for (const [n] of d.value_maps) {
    if (!n.trim() || names.has(n.trim())) out.push({ field: null, code: 'mapName', detail: n });
    names.add(n.trim());
  }
  for (const f of MARZ_FIELDS) {
    const r = d.fields[f];
    if (r.kind === 'from' && !r.from.trim()) out.push({ field: f, code: 'column' });
    if ((r.kind === 'first_of' || r.kind === 'sum') && !r.columns.some((c) => c.trim())) out.push({ field: f, code: 'columns' });
    if (r.kind === 'flags' && !r.flags.some(([c, v]) => c.trim() && v.trim())) out.push({ field: f, code: 'flags' });
    if (r.kind === 'const' && !r.constValue.trim()) out.push({ field: f, code: 'const' });
    if ((r.kind === 'from' || r.kind === 'first_of') && r.values.startsWith('@') && !names.has(r.values.slice(1))) out.push({ field: f, code: 'values', detail: r.values.slice(1) });
  }
  return out;
}

/** Source columns the draft reads. */
export function columnsUsed(d: MappingDraft): string[] {
  const out = new Set<string>();
  for (const f of MARZ_FIELDS) {
    const r = d.fields[f];
    if (r.kind === 'from' && r.from.trim()) out.add(r.from.trim());
    if (r.kind === 'first_of' || r.kind === 'sum') r.columns.filter((c) => c.trim()).forEach((c) => out.add(c.trim()));
    if (r.kind === 'flags') r.flags.filter(([c]) => c.trim()).forEach(([c]) => out.add(c.trim()));
  }
  return [...out];
}

/** Columns the mapping needs that the header lacks (for `first_of`, only when none of them is there) — as the server checks. */
export function missingColumns(d: MappingDraft, header: string[]): string[] {
  const have = new Set(header.map((h) => h.trim()));
  const out = new Set<string>();
  for (const f of MARZ_FIELDS) {
    const r = d.fields[f];
    const cols = r.columns.map((c) => c.trim()).filter(Boolean);
    if (r.kind === 'from' && r.from.trim() && !have.has(r.from.trim())) out.add(r.from.trim());
    if (r.kind === 'first_of' && cols.length && !cols.some((c) => have.has(c))) out.add(cols[0]!);
    if (r.kind === 'sum') cols.filter((c) => !have.has(c)).forEach((c) => out.add(c));
    if (r.kind === 'flags') r.flags.map(([c]) => c.trim()).filter((c) => c && !have.has(c)).forEach((c) => out.add(c));
  }
  return [...out];
}

/** A first draft from a file's header: columns named like Marz's fields (any case, spaces or dashes) are mapped to them. */
export function guessFromHeader(header: string[], base: MappingDraft = emptyDraft()): MappingDraft {
  const d: MappingDraft = { ...base, fields: { ...base.fields } };
  const key = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const byKey = new Map(header.map((h) => [key(h), h]));
  for (const f of MARZ_FIELDS) {
    if (d.fields[f].kind !== 'none') continue;
    const col = byKey.get(f) ?? (f === 'id' ? (byKey.get('_uuid') ?? byKey.get('uuid')) : undefined);
    if (col) d.fields[f] = { ...emptyRule(), kind: 'from', from: col };
  }
  return d;
}

// ---- preview: the server's rules (src/flows/mapping.ts), in the browser

const matchKey = (s: string) => normalisePersian(toAsciiDigits(s)).toLowerCase();
const TRUTHY = new Set(['1', 'true', 'yes', 'y', 'x', 'بله', 'بلی', 'آری', 'صحیح', 'درست'].map(matchKey));

/** Applies the draft to one source row: Marz field → value (before validation). */
export function applyDraft(d: MappingDraft, row: Record<string, string>): Partial<Record<MarzField, string>> {
  const norm = d.digits === 'normalise' ? (s: string) => normalisePersian(toAsciiDigits(s)) : (s: string) => s.trim();
  const shared = new Map(d.value_maps.map(([n, p]) => [n.trim(), p]));
  const out: Partial<Record<MarzField, string>> = {};
  for (const f of MARZ_FIELDS) {
    const r = d.fields[f];
    if (r.kind === 'none') continue;
    const table = r.values === 'inline' ? r.inline : r.values.startsWith('@') ? (shared.get(r.values.slice(1)) ?? []) : null;
    const map = table ? new Map(table.filter(([k]) => k.trim()).map(([k, v]) => [matchKey(k.trim()), v.trim()])) : null;
    const mapValue = (s: string) => (s === '' || !map ? s : (map.get(matchKey(s)) ?? s));
    const mapOne = r.split
      ? (s: string) =>
          s
            .split(r.split)
            .map((p) => p.trim())
            .filter((p) => p !== '')
            .map(mapValue)
            .join(';')
      : mapValue;
    const dflt = r.default.trim();
    const cell = (c: string) => norm(row[c.trim()] ?? '');
    let v = '';
    if (r.kind === 'const') v = r.constValue.trim();
    else if (r.kind === 'from') v = mapOne(cell(r.from)) || dflt;
    else if (r.kind === 'first_of') {
      const hit = r.columns.map(cell).find((x) => x !== '');
      v = hit === undefined ? dflt : mapOne(hit);
    } else if (r.kind === 'sum') {
      let total = 0;
      let any = false;
      let bad: string | null = null;
      for (const c of r.columns.filter((x) => x.trim())) {
        const x = toAsciiDigits(row[c.trim()] ?? '').trim();
        if (x === '') continue;
        if (!/^[+-]?\d+(\.\d+)?$/.test(x)) {
          bad = x;
          break;
        }
        total += Number(x);
        any = true;
      }
      v = bad ?? (any ? String(total) : dflt);
    } else {
      const codes = r.flags.filter(([c, code]) => c.trim() && code.trim() && TRUTHY.has(matchKey(row[c.trim()] ?? ''))).map(([, code]) => code.trim());
      v = codes.length ? codes.join(';') : dflt;
    }
    out[f] = v;
  }
  return out;
}
