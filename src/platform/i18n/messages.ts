// Server-side messages (API errors, CLI output) in English and Persian, as ICU messages.
// Capabilities add their own catalogues with addMessages().
import { IntlMessageFormat } from 'intl-messageformat';
import { readFileSync } from 'node:fs';

export type Locale = 'en' | 'fa';
export const LOCALES: Locale[] = ['en', 'fa'];

type Tree = { [k: string]: string | Tree };
const catalogues: Record<Locale, Record<string, string>> = { en: {}, fa: {} };

function flatten(tree: Tree, prefix = '', out: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out[prefix + k] = v;
    else flatten(v, prefix + k + '.', out);
  }
  return out;
}

/** Adds the en.json and fa.json found in a locales folder (given as a URL). */
export function addMessages(localesDir: URL) {
  for (const locale of LOCALES) {
    Object.assign(catalogues[locale], flatten(JSON.parse(readFileSync(new URL(`${locale}.json`, localesDir), 'utf8'))));
  }
}
addMessages(new URL('./locales/', import.meta.url));

export function t(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
  const text = catalogues[locale][key] ?? catalogues.en[key];
  if (!text) return key;
  const values = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, typeof v === 'number' && locale === 'fa' ? new Intl.NumberFormat('fa-IR').format(v) : v]),
  );
  return String(new IntlMessageFormat(text, locale === 'fa' ? 'fa-IR' : 'en').format(values as any));
}

export function pickLocale(value: string | undefined | null): Locale | null {
  if (!value) return null;
  const v = value.toLowerCase();
  return v.startsWith('fa') ? 'fa' : v.startsWith('en') ? 'en' : null;
}
