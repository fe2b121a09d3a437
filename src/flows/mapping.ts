// Import mappings: how the columns of a KoboToolbox / ODK / Excel export become Marz's
// canonical FMR columns. A mapping is data (JSON, checked with zod) so that an
// information-management officer can write one per form without code.
//
//   source row ──applyMapping──▶ canonical raw row ──validateFmrRow──▶ FmrRecord | problems

import { z } from 'zod';
import { normalisePersian, toAsciiDigits } from '../platform/text.ts';
import { FMR_FIELDS, type FmrField } from './format.ts';
import { type Problem, type RawRow, type ValidateOptions, type ValidationResult, validateFmrRow } from './validate.ts';
import type { SourceRow } from './read.ts';

const Scalar = z.union([z.string(), z.number()]);
const ValueMap = z.record(z.string(), z.string());

const FieldRuleObject = z
  .strictObject({
    /** One source column. */
    from: z.string().min(1).optional(),
    /** The first non-empty of several source columns (e.g. a form changed between versions). */
    first_of: z.array(z.string().min(1)).min(1).optional(),
    /** Sum of several numeric source columns (blank cells count as 0). */
    sum: z.array(z.string().min(1)).min(1).optional(),
    /** Multi-select exported as one column per choice: column → code, taken when the cell is truthy (1, true, yes, بله). */
    flags: z.record(z.string().min(1), z.string().min(1)).optional(),
    /** A constant value for every row. */
    const: Scalar.optional(),
    /** Value map (source value → Marz code), inline or the name of an entry in `value_maps`. Unmapped values pass through. */
    values: z.union([ValueMap, z.string()]).optional(),
    /** Separator of a multi-select cell in the source (Kobo uses a space); each part is mapped on its own. */
    split: z.string().min(1).optional(),
    /** Used when the source cell(s) are blank. */
    default: Scalar.optional(),
  })
  .refine((r) => [r.from, r.first_of, r.sum, r.flags, r.const].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of from, first_of, sum, flags, const',
  });

/** A field rule: a source column name (shorthand) or a rule object. */
export const FieldRuleSchema = z.union([z.string().min(1), FieldRuleObject]);

const FieldsSchema = z.partialRecord(z.enum(FMR_FIELDS), FieldRuleSchema);

export const MappingSchema = z
  .strictObject({
    format: z.literal('marz-fmr-mapping/1'),
    name: z.string().min(1),
    description: z.string().optional(),
    /** Where the files come from (informative). */
    source: z.enum(['kobo', 'odk', 'excel', 'other']).default('other'),
    /** How to read dates: `auto` (year 1300–1499 ⇒ Jalali), or insist on one calendar. */
    date_format: z.enum(['auto', 'jalali', 'gregorian']).default('auto'),
    /** Accept Excel serial numbers in the date column. */
    excel_serial_dates: z.boolean().default(false),
    /** `normalise` (default): Persian/Arabic digits → ASCII and Arabic ي/ك → ی/ک in every mapped value. */
    digits: z.enum(['normalise', 'keep']).default('normalise'),
    /** Named value maps, shared by several fields. */
    value_maps: z.record(z.string(), ValueMap).default({}),
    fields: FieldsSchema,
  })
  .superRefine((m, ctx) => {
    for (const [field, rule] of Object.entries(m.fields)) {
      if (rule && typeof rule === 'object' && typeof rule.values === 'string' && !(rule.values in m.value_maps)) {
        ctx.addIssue({ code: 'custom', path: ['fields', field, 'values'], message: `no value map named "${rule.values}"` });
      }
    }
  });

export type Mapping = z.output<typeof MappingSchema>;
export type MappingInput = z.input<typeof MappingSchema>;
export type FieldRule = z.output<typeof FieldRuleSchema>;

/** Parses and checks a mapping; throws an Error listing every problem (path: message). */
export function parseMapping(json: unknown): Mapping {
  const r = MappingSchema.safeParse(json);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid import mapping:\n  ${lines.join('\n  ')}`);
  }
  return r.data;
}

/** Source columns a mapping reads. */
export function mappingSourceColumns(mapping: Mapping): string[] {
  const cols = new Set<string>();
  for (const rule of Object.values(mapping.fields)) {
    if (rule === undefined) continue;
    if (typeof rule === 'string') cols.add(rule);
    else {
      if (rule.from) cols.add(rule.from);
      for (const c of rule.first_of ?? []) cols.add(c);
      for (const c of rule.sum ?? []) cols.add(c);
      for (const c of Object.keys(rule.flags ?? {})) cols.add(c);
    }
  }
  return [...cols];
}

/**
 * Source columns the mapping needs but the file's header lacks (empty = fine). For
 * `first_of`, only a rule none of whose columns exists is reported (by its first column).
 */
export function missingColumns(mapping: Mapping, header: readonly string[]): string[] {
  const have = new Set(header.map((h) => h.trim()));
  const missing: string[] = [];
  for (const rule of Object.values(mapping.fields)) {
    if (rule === undefined) continue;
    if (typeof rule === 'string') {
      if (!have.has(rule)) missing.push(rule);
      continue;
    }
    if (rule.from && !have.has(rule.from)) missing.push(rule.from);
    if (rule.first_of && !rule.first_of.some((c) => have.has(c))) missing.push(rule.first_of[0]!);
    for (const c of rule.sum ?? []) if (!have.has(c)) missing.push(c);
    for (const c of Object.keys(rule.flags ?? {})) if (!have.has(c)) missing.push(c);
  }
  return [...new Set(missing)];
}

// ---------------------------------------------------------------------------
// Compiling and applying

const matchKey = (s: string) => normalisePersian(toAsciiDigits(s)).toLowerCase();
const TRUTHY = new Set(['1', 'true', 'yes', 'y', 'x', 'بله', 'بلی', 'آری', 'صحیح', 'درست'].map(matchKey));

type Getter = (row: RawRow) => string;
type Compiled = { fields: [FmrField, Getter][] };

const cache = new WeakMap<Mapping, Compiled>();

const cellText = (v: RawRow[string]): string => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v));

function compile(mapping: Mapping): Compiled {
  const norm = mapping.digits === 'normalise' ? (s: string) => normalisePersian(toAsciiDigits(s)) : (s: string) => s.trim();
  const compileValues = (values: Record<string, string> | string | undefined): ((s: string) => string) => {
    if (values === undefined) return (s) => s;
    const table = typeof values === 'string' ? mapping.value_maps[values]! : values;
    const m = new Map<string, string>();
    for (const [from, to] of Object.entries(table)) m.set(matchKey(from), to);
    return (s) => (s === '' ? s : m.get(matchKey(s)) ?? s);
  };

  const fields: [FmrField, Getter][] = [];
  for (const field of FMR_FIELDS) {
    const rule = mapping.fields[field];
    if (rule === undefined) continue;
    if (typeof rule === 'string') {
      fields.push([field, (row) => norm(cellText(row[rule]))]);
      continue;
    }
    const mapValue = compileValues(rule.values);
    const dflt = rule.default === undefined ? '' : String(rule.default);
    const orDefault = (s: string) => (s === '' ? dflt : s);
    const mapOne = rule.split
      ? (s: string) =>
          s
            .split(rule.split!)
            .map((p) => p.trim())
            .filter((p) => p !== '')
            .map(mapValue)
            .join(';')
      : mapValue;

    let get: Getter;
    if (rule.const !== undefined) {
      const c = String(rule.const);
      get = () => c;
    } else if (rule.from !== undefined) {
      const col = rule.from;
      get = (row) => orDefault(mapOne(norm(cellText(row[col]))));
    } else if (rule.first_of !== undefined) {
      const cols = rule.first_of;
      get = (row) => {
        for (const c of cols) {
          const v = norm(cellText(row[c]));
          if (v !== '') return mapOne(v);
        }
        return dflt;
      };
    } else if (rule.sum !== undefined) {
      const cols = rule.sum;
      get = (row) => {
        let total = 0, any = false;
        for (const c of cols) {
          const v = toAsciiDigits(cellText(row[c])).trim();
          if (v === '') continue;
          // A non-numeric part makes the sum meaningless: pass it on so that validation
          // reports the offending value instead of a silently wrong total.
          if (!/^[+-]?\d+(\.\d+)?$/.test(v)) return v;
          total += Number(v);
          any = true;
        }
        return any ? String(total) : dflt;
      };
    } else {
      const flags = Object.entries(rule.flags!);
      get = (row) => {
        const codes: string[] = [];
        for (const [col, code] of flags) if (TRUTHY.has(matchKey(cellText(row[col])))) codes.push(code);
        return codes.length ? codes.join(';') : dflt;
      };
    }
    fields.push([field, get]);
  }
  return { fields };
}

/**
 * Turns one source row into a canonical raw row (keys = Marz field names, values = strings)
 * ready for validateFmrRow. Fields the mapping does not mention are absent.
 */
export function applyMapping(mapping: Mapping, rawRow: RawRow): Record<string, string> {
  let compiled = cache.get(mapping);
  if (!compiled) cache.set(mapping, (compiled = compile(mapping)));
  const out: Record<string, string> = {};
  for (const [field, get] of compiled.fields) out[field] = get(rawRow);
  return out;
}

/** Validation options implied by a mapping (date calendar, Excel serials). */
export function mappingValidateOptions(mapping: Mapping): Pick<ValidateOptions, 'calendar' | 'excelSerialDates'> {
  return { calendar: mapping.date_format, excelSerialDates: mapping.excel_serial_dates };
}

export interface ImportedRow {
  rowNumber: number;
  result: ValidationResult;
}

/**
 * Maps (when a mapping is given) and validates a stream of source rows. Rows without a
 * mapping must already use canonical column names.
 */
export async function* mapAndValidate(
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
  options: ValidateOptions & { mapping?: Mapping },
): AsyncGenerator<ImportedRow> {
  const { mapping, ...rest } = options;
  const vopts: ValidateOptions = mapping ? { ...mappingValidateOptions(mapping), ...stripUndefined(rest) } : rest;
  for await (const row of rows) {
    const canonical = mapping ? applyMapping(mapping, row.values) : row.values;
    yield { rowNumber: row.rowNumber, result: validateFmrRow(canonical, vopts) };
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export type { Problem };
