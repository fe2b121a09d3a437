// The import mapping editor's state: the mapping (format `marz-fmr-mapping/1`) as the editor
// holds it — rows of pairs and column lists that may be half filled in — and the conversions
// both ways. Everything else is the server's own code, run in the browser: the schema and its
// checks, the columns a mapping reads, applying it to a row (src/flows/mapping.ts), the field
// list (src/flows/format.ts) and the validation of the mapped rows (src/flows/validate.ts).
import { COUNT_FIELDS, FMR_COLUMNS, FMR_FIELDS, VULNERABILITY_FIELDS, columnRenamer, type FmrField } from '@flows/format.ts';
import { MappingSchema, type Mapping } from '@flows/mapping.ts';

export const RULE_KINDS = ['none', 'from', 'first_of', 'sum', 'flags', 'const'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
/** The choices of the settings, as the schema lists them. */
export const SOURCES = MappingSchema.shape.source.unwrap().options;
export const DATE_FORMATS = MappingSchema.shape.date_format.unwrap().options;
export const DIGITS = MappingSchema.shape.digits.unwrap().options;

/** Fields whose constant or default is written as a number. */
const NUMBER_FIELDS = new Set<FmrField>([...COUNT_FIELDS, ...VULNERABILITY_FIELDS]);
/** Fields holding an ISO 3166-1 alpha-3 country code. */
export const COUNTRY_FIELDS = new Set<FmrField>(FMR_COLUMNS.filter((c) => c.type === 'iso3').map((c) => c.key));

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
  source: Mapping['source'];
  date_format: Mapping['date_format'];
  excel_serial_dates: boolean;
  digits: Mapping['digits'];
  value_maps: [string, Pairs][];
  fields: Record<FmrField, RuleDraft>;
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
    fields: Object.fromEntries(FMR_FIELDS.map((f) => [f, emptyRule()])) as Record<FmrField, RuleDraft>,
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
  for (const f of FMR_FIELDS) {
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
  for (const f of FMR_FIELDS) {
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

export type DraftProblem = { field: FmrField | null; code: 'column' | 'columns' | 'flags' | 'const' | 'values' | 'name' | 'mapName' | 'other'; detail?: string };

const isField = (x: unknown): x is FmrField => (FMR_FIELDS as readonly unknown[]).includes(x);

/**
 * Problems that would make the server refuse the mapping — its own schema (MappingSchema)
 * judges the draft as it would be sent — and what the editor's rows cannot say in JSON: a
 * shared table without a name or with a name used twice, a one-column-per-choice rule without
 * any complete row, an empty constant.
 */
export function checkDraft(d: MappingDraft): DraftProblem[] {
  const out: DraftProblem[] = [];
  const names = new Set<string>();
  for (const [n] of d.value_maps) {
    if (!n.trim() || names.has(n.trim())) out.push({ field: null, code: 'mapName', detail: n });
    names.add(n.trim());
  }
  for (const f of FMR_FIELDS) {
    const r = d.fields[f];
    if (r.kind === 'flags' && !r.flags.some(([c, v]) => c.trim() && v.trim())) out.push({ field: f, code: 'flags' });
    if (r.kind === 'const' && !r.constValue.trim()) out.push({ field: f, code: 'const' });
  }
  const parsed = MappingSchema.safeParse(toJson(d));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [top, field, part] = issue.path;
      let p: DraftProblem;
      if (top === 'name') p = { field: null, code: 'name' };
      else if (top === 'fields' && isField(field)) {
        const rule = d.fields[field];
        if (part === 'from') p = { field, code: 'column' };
        else if (part === 'first_of' || part === 'sum') p = { field, code: 'columns' };
        else if (part === 'flags') p = { field, code: 'flags' };
        else if (part === 'values' && rule.values.startsWith('@')) p = { field, code: 'values', detail: rule.values.slice(1) };
        else p = { field, code: 'other', detail: issue.message };
      } else p = { field: null, code: 'other', detail: `${issue.path.join('.')}: ${issue.message}` };
      if (!out.some((x) => x.field === p.field && x.code === p.code)) out.push(p);
    }
  }
  return out;
}

/**
 * The draft as a mapping the server's functions take (applyMapping, missingColumns,
 * mappingSourceColumns), for the preview and the checks against a file while the draft is
 * still being written: the rules the schema refuses are left out (they are reported by
 * checkDraft), and a draft without a name yet is named for the moment. Null when nothing is left.
 */
export function draftMapping(d: MappingDraft): Mapping | null {
  const json = toJson(d);
  if (!json.name) json.name = '(draft)';
  let r = MappingSchema.safeParse(json);
  if (!r.success) {
    const fields = { ...(json.fields as Record<string, unknown>) };
    for (const issue of r.error.issues) if (issue.path[0] === 'fields' && typeof issue.path[1] === 'string') delete fields[issue.path[1]];
    r = MappingSchema.safeParse({ ...json, fields });
  }
  return r.success ? r.data : null;
}

/**
 * A first draft from a file's header. A column is mapped to a Marz field when its HXL tag is the
 * field's (a Kobo export with an HXL row, or a Marz export), when it is the field's label in
 * English or Persian (a Marz export with labels), or when it is named like the field (any case,
 * spaces or dashes; the last part of a Kobo group path such as `group_x/fmp`); `_uuid` or `uuid`
 * gives the id.
 */
export function guessFromHeader(header: string[], base: MappingDraft = emptyDraft(), hxlTags: string[] | null = null): MappingDraft {
  const d: MappingDraft = { ...base, fields: { ...base.fields } };
  const key = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const byKey = new Map<string, string>();
  for (const h of header) {
    const last = key(h.split('/').pop() ?? h);
    if (!byKey.has(last)) byKey.set(last, h);
  }
  for (const h of header) byKey.set(key(h), h);
  // By HXL tag and by label (the server's own recognition of Marz's columns).
  const recognised = columnRenamer(header, hxlTags);
  const byField = new Map<string, string>();
  if (recognised) recognised.columns.forEach((f, i) => f !== header[i] && byField.set(f, header[i]!));
  for (const f of FMR_FIELDS) {
    if (d.fields[f].kind !== 'none') continue;
    const col = byField.get(f) ?? byKey.get(f) ?? (f === 'id' ? (byKey.get('_uuid') ?? byKey.get('uuid')) : undefined);
    if (col) d.fields[f] = { ...emptyRule(), kind: 'from', from: col };
  }
  return d;
}
