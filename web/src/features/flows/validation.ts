// The forms judge a flow record with the server's own validator (src/flows/validate.ts, run in
// the browser): the same rules, the same problems, the same messages in English and Persian.
// What is here only adapts the forms to it.
import { todayIso } from '@platform/calendar.ts';
import { makeFmpRegistry, validateFmrRow, type FmpRegistry, type RawRow, type ValidationResult } from '@flows/validate.ts';
import { VULNERABILITY_FIELDS, type FmrRecord } from '@flows/format.ts';
import type { Fmp, Locale } from '../../app/types.ts';
import type { FmrInput } from './api.ts';

/** The FMP registry validateFmrRow takes, from the FMP list (as the server builds it from its table). */
export function fmpRegistry(fmps: readonly Fmp[]): FmpRegistry {
  return makeFmpRegistry(fmps.map((f) => ({ code: f.code, opened: f.opened_on, closed: f.closed_on })));
}

/** A record as the API receives it (lists as `a;b`, as the API's routes pass them on), checked as the server will, today in Iran. */
export function checkRecord(record: Record<string, string | number | readonly string[] | null | undefined>, fmps: FmpRegistry): ValidationResult {
  const raw: Record<string, RawRow[string]> = {};
  for (const [k, v] of Object.entries(record)) raw[k] = Array.isArray(v) ? v.join(';') : (v as RawRow[string]);
  return validateFmrRow(raw, { today: todayIso(), fmps });
}

/** A problem of the server (or of validateFmrRow here) in the interface's language. */
export interface ProblemLike {
  column: string;
  code: string;
  message_en: string;
  message_fa: string;
}

export const problemText = (p: ProblemLike, locale: Locale | string) => (locale === 'fa' ? p.message_fa : p.message_en);

/** Problems by form field, in the interface's language; the group as a whole (its size) under `counts`. */
export function problemsByField(problems: readonly ProblemLike[], locale: Locale | string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) {
    const key = p.code === 'group_empty' || p.code === 'group_too_large' ? 'counts' : p.column;
    const text = problemText(p, locale);
    out[key] = out[key] ? `${out[key]} ${text}` : text;
  }
  return out;
}

/** A validated record as the form sends it (the API's raw record: optional fields left out when empty). */
export function recordInput(r: FmrRecord): FmrInput {
  const out: FmrInput = { id: r.id, fmp: r.fmp, date: r.date, direction: r.direction, nationality: r.nationality, men: r.men, women: r.women, boys: r.boys, girls: r.girls, deported: r.deported };
  if (r.transport) out.transport = r.transport;
  if (r.reasons.length) out.reasons = [...r.reasons];
  if (r.origin_country) out.origin_country = r.origin_country;
  if (r.origin_admin1) out.origin_admin1 = r.origin_admin1;
  if (r.destination_country) out.destination_country = r.destination_country;
  if (r.destination_admin1) out.destination_admin1 = r.destination_admin1;
  for (const k of VULNERABILITY_FIELDS) if (r[k] !== null) out[k] = r[k];
  if (r.note) out.note = r.note;
  return out;
}
