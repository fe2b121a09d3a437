// Codes of the FMR format (src/flows/format.ts) for the web forms, and country names.
import iso3 from '../../../../src/flows/iso3.json';
import type { Locale } from '../../app/types.ts';
import { compareText } from '../../app/format.ts';

export const DIRECTIONS = ['in', 'out'] as const;
export const DEPORTED = ['yes', 'no', 'unknown'] as const;
export const TRANSPORT = ['bus', 'car', 'truck', 'train', 'on_foot', 'taxi', 'plane', 'boat', 'other'] as const;
export const REASONS = ['economic', 'family_reunification', 'education', 'conflict_insecurity', 'natural_disaster', 'health', 'tourism_pilgrimage', 'return_home', 'seasonal_work', 'deportation', 'other'] as const;
export const COUNTS = ['men', 'women', 'boys', 'girls'] as const;
export const VULNERABILITIES = ['uasc', 'pregnant_lactating', 'elderly', 'disabled', 'medical'] as const;
export const STATUSES = ['received', 'approved', 'has_issues', 'rejected'] as const;
/** Nationalities most often seen at Iran's crossings, listed first. */
export const COMMON_NATIONALITIES = ['AFG', 'IRN', 'PAK', 'IRQ', 'TUR', 'AZE', 'ARM', 'TKM', 'SYR', 'IND'] as const;

interface CountryRow {
  a3: string;
  en: string;
  fa: string;
}
const ALL: CountryRow[] = [...(iso3 as { countries: CountryRow[] }).countries, ...(iso3 as { extra: CountryRow[] }).extra];
const BY_CODE = new Map(ALL.map((c) => [c.a3, c]));

export function countryLabel(a3: string | null | undefined, locale: Locale): string {
  if (!a3) return '';
  const c = BY_CODE.get(a3);
  return c ? (locale === 'fa' ? c.fa : c.en) : a3;
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
