// Text input helpers for the web app, on top of the shared src/platform/text.ts.
import { normalisePersian, toAsciiDigits } from '@platform/text.ts';

export { normalisePersian, toAsciiDigits };

/**
 * Replaces Arabic ي ى ك with Persian ی ک as the user types, leaving spaces alone so typing is
 * never disturbed (the full normalisePersian runs when the field loses focus).
 */
export function normaliseLetters(s: string): string {
  return s.replace(/[\u064A\u0649]/g, '\u06CC').replace(/\u0643/g, '\u06A9');
}

/** Parses a decimal number typed with Latin, Persian or Arabic digits (and ٫ or , as decimal mark). */
export function parseDecimal(s: string): number | null {
  const t = toAsciiDigits(s).trim().replace(/٫/g, '.').replace(/^([+-]?\d+),(\d+)$/, '$1.$2');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Case-, digit- and letter-form-insensitive search key (for filtering lists). */
export function searchKey(s: string): string {
  return normaliseLetters(toAsciiDigits(s)).toLocaleLowerCase().replace(/[\u200c\s]+/g, ' ').trim();
}
