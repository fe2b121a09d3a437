// Persian text helpers: digits, Arabic-letter normalisation, Persian sorting.
//
// Convention (docs/ARCHITECTURE.md): normalise Arabic ي/ك to Persian ی/ک on input and
// store digits as ASCII; show Persian digits in the interface when the locale is `fa`.

const ZWNJ = '\u200C';

/** Persian (Extended Arabic-Indic) digits ۰–۹, U+06F0–U+06F9. */
export const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
/** Arabic-Indic digits ٠–٩, U+0660–U+0669. */
export const ARABIC_INDIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

const HAS_NON_ASCII_NUMERIC = /[\u0660-\u0669\u06F0-\u06F9\u066B\u066C]/;
const NON_ASCII_NUMERIC = /[\u0660-\u0669\u06F0-\u06F9\u066B\u066C]/g;

/**
 * Converts Persian (۰–۹) and Arabic-Indic (٠–٩) digits to ASCII 0–9, the Arabic decimal
 * separator ٫ (U+066B) to `.` and the Arabic thousands separator ٬ (U+066C) to `,`.
 * Everything else is left as it is, so the function is safe on mixed text.
 *
 *     toAsciiDigits('۱۴۰۳/۱۲/۳۰') === '1403/12/30'
 *     toAsciiDigits('۱٬۲۳۴٫۵')   === '1,234.5'
 */
export function toAsciiDigits(s: string): string {
  if (!HAS_NON_ASCII_NUMERIC.test(s)) return s;
  return s.replace(NON_ASCII_NUMERIC, (ch) => {
    const c = ch.charCodeAt(0);
    if (c === 0x066b) return '.';
    if (c === 0x066c) return ',';
    if (c >= 0x06f0) return String.fromCharCode(c - 0x06f0 + 48);
    return String.fromCharCode(c - 0x0660 + 48);
  });
}

/** Converts ASCII and Arabic-Indic digits to Persian digits (۰–۹). Other characters are kept. */
export function toPersianDigits(s: string | number): string {
  return String(s).replace(/[0-9\u0660-\u0669]/g, (ch) => {
    const c = ch.charCodeAt(0);
    return PERSIAN_DIGITS[c >= 0x0660 ? c - 0x0660 : c - 48]!;
  });
}

/** True when the string contains at least one Persian or Arabic-Indic digit. */
export function hasNonAsciiDigits(s: string): boolean {
  return /[\u0660-\u0669\u06F0-\u06F9]/.test(s);
}

// Arabic code points that have a distinct Persian form. Alef maksura (ى) is written for
// final ی on many Arabic keyboards; Arabic yeh (ي) and kaf (ك) come from Arabic layouts
// and from Windows-1256 text.
const ARABIC_TO_PERSIAN: Record<string, string> = {
  '\u064A': '\u06CC', // ي ARABIC LETTER YEH → ی FARSI YEH
  '\u0649': '\u06CC', // ى ARABIC LETTER ALEF MAKSURA → ی
  '\u0643': '\u06A9', // ك ARABIC LETTER KAF → ک KEHEH
};
const ARABIC_LETTERS = /[\u064A\u0649\u0643]/g;
// Anything normalisePersian might change: Arabic letters, whitespace, invisible marks.
const NEEDS_WORK = /[\u064A\u0649\u0643\s\uFEFF\u200B-\u200F\u061C\u202A-\u202E\u2066-\u2069]/;

// Invisible characters that are never wanted at either end of a value: BOM / zero-width
// no-break space, LRM, RLM, ALM, bidi embeddings/overrides/isolates, ZWSP, ZWJ and ZWNJ.
const INVISIBLE_EDGE = /^[\s\uFEFF\u200B-\u200F\u061C\u202A-\u202E\u2066-\u2069]+|[\s\uFEFF\u200B-\u200F\u061C\u202A-\u202E\u2066-\u2069]+$/g;

export interface NormaliseOptions {
  /** Also convert Persian/Arabic digits to ASCII (default false). */
  asciiDigits?: boolean;
}

/**
 * Normalises Persian text typed on Arabic keyboards or exported by other systems:
 * - Arabic ي and ى → Persian ی, Arabic ك → Persian ک;
 * - removes BOMs (U+FEFF) anywhere;
 * - trims whitespace and invisible direction marks at both ends;
 * - collapses every run of whitespace (including no-break spaces) to one space;
 * - removes a ZWNJ (نیم‌فاصله) where it is misused: at the start or end of the text, or
 *   next to a space; repeated ZWNJs collapse to one. A ZWNJ inside a word (می‌خواهم) is kept.
 */
export function normalisePersian(s: string, options: NormaliseOptions = {}): string {
  // Fast path: nothing to replace, trim or collapse (typical of codes, numbers and dates).
  if (!NEEDS_WORK.test(s)) return options.asciiDigits ? toAsciiDigits(s) : s;
  let out = s.replace(ARABIC_LETTERS, (ch) => ARABIC_TO_PERSIAN[ch]!);
  if (out.includes('\uFEFF')) out = out.replace(/\uFEFF/g, '');
  out = out.replace(/\s+/g, ' ');
  if (out.includes(ZWNJ)) {
    // A run of spaces and ZWNJs is one space if it has a space, else one ZWNJ.
    out = out.replace(/[ \u200C]{2,}/g, (m) => (m.includes(' ') ? ' ' : ZWNJ));
  }
  out = out.replace(INVISIBLE_EDGE, '');
  if (options.asciiDigits) out = toAsciiDigits(out);
  return out;
}

/** Collator for Persian: sorts پ چ ژ گ in their Persian places (unlike code-point order). */
export const persianCollator = new Intl.Collator('fa');

/** Compares two strings in Persian alphabetical order (for Array.prototype.sort). */
export function comparePersian(a: string, b: string): number {
  return persianCollator.compare(a, b);
}

// ---- text at the boundary

/**
 * Why a piece of text cannot be stored, or null when it can: a NUL or another C0 control
 * character (tab, line feed and carriage return are fine), a lone UTF-16 surrogate (not a
 * character at all; PostgreSQL refuses it), or a Unicode non-character (U+FDD0–U+FDEF and the
 * last two code points of every plane, reserved for internal use).
 */
export function badText(s: string): 'nul' | 'control' | 'surrogate' | 'noncharacter' | null {
  // Fast path: plain text has none of these.
  if (!/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFDD0-\uFDEF\uFFFE\uFFFF]/.test(s)) return null;
  if (s.includes('\u0000')) return 'nul';
  if (/[\u0001-\u0008\u000B\u000C\u000E-\u001F]/.test(s)) return 'control';
  if (!isWellFormed(s)) return 'surrogate';
  if (/[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD83F\uD87F\uD8BF\uD8FF\uD93F\uD97F\uD9BF\uD9FF\uDA3F\uDA7F\uDABF\uDAFF\uDB3F\uDB7F\uDBBF\uDBFF][\uDFFE\uDFFF]/.test(s)) return 'noncharacter';
  return null;
}

function isWellFormed(s: string): boolean {
  // String.prototype.isWellFormed is Node 20+; the regular expression is the fallback.
  const f = (s as { isWellFormed?: () => boolean }).isWellFormed;
  if (f) return f.call(s);
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** Text made only of spaces and invisible marks (zero-width characters, direction marks, BOM). */
export function isInvisibleOnly(s: string): boolean {
  return s.length > 0 && /^[\s\uFEFF\u200B-\u200F\u061C\u202A-\u202E\u2060-\u2064\u2066-\u2069\u00AD\u034F\u180E\u3164\uFFA0\u115F\u1160]+$/.test(s);
}

/**
 * A username as stored: Unicode NFKC (full-width and compatibility forms to their plain
 * letters) and the Persian letter normalisation (Arabic ي ى ك → ی ک, edge invisibles trimmed).
 * Names are compared without case, so `Ａdmin `, `admin` and `ADMIN` are one name, and so are
 * `علي` and `علی`.
 */
export function normaliseUsername(s: string): string {
  return normalisePersian(s.normalize('NFKC')).normalize('NFKC');
}
