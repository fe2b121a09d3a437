// Codes of the FMR format for the web forms, and country names: the server's own lists
// (src/flows/format.ts), under the names the forms use.
import { COUNT_FIELDS, COUNTRIES, DEPORTED_VALUES, DIRECTIONS, EXTRA_NATIONALITIES, REASON_CODES, TRANSPORT_MODES, VULNERABILITY_FIELDS, countryName } from '@flows/format.ts';
import type { Locale } from '../../app/types.ts';
import { compareText } from '../../app/format.ts';

export { DIRECTIONS };
export const DEPORTED = DEPORTED_VALUES;
export const TRANSPORT = TRANSPORT_MODES;
export const REASONS = REASON_CODES;
export const COUNTS = COUNT_FIELDS;
export const VULNERABILITIES = VULNERABILITY_FIELDS;
export const STATUSES = ['received', 'approved', 'has_issues', 'rejected'] as const;
/** Nationalities most often seen at Iran's crossings, listed first. */
export const COMMON_NATIONALITIES = ['AFG', 'IRN', 'PAK', 'IRQ', 'TUR', 'AZE', 'ARM', 'TKM', 'SYR', 'IND'] as const;

const ALL = [...COUNTRIES.values(), ...EXTRA_NATIONALITIES.values()];

export function countryLabel(a3: string | null | undefined, locale: Locale): string {
  if (!a3) return '';
  return countryName(a3, locale) ?? a3;
}

/** Options for a country select: the common ones first, then all others by name. */
export function countryOptions(locale: Locale, withExtra = false): { common: { value: string; label: string }[]; others: { value: string; label: string }[] } {
  const common = COMMON_NATIONALITIES.map((c) => ({ value: c, label: countryLabel(c, locale) }));
  const seen = new Set<string>(COMMON_NATIONALITIES);
  const cmp = compareText(locale);
  const others = ALL.filter((c) => !seen.has(c.a3) && (withExtra || !c.a3.startsWith('XX')))
    .map((c) => ({ value: c.a3, label: locale === 'fa' ? c.fa : c.en }))
    .sort((a, b) => cmp(a.label, b.label));
  return { common, others };
}

/** A route value of the summaries, `AFG>IRN`, in words. */
export function routeLabel(v: string, locale: Locale, unknown = '?'): string {
  const [a, b] = v.split('>');
  const name = (x: string | undefined) => (!x || x === '?' ? unknown : countryLabel(x, locale));
  return `${name(a)} ← ${name(b)}`.replace('←', locale === 'fa' ? '←' : '→');
}
