// A date field that speaks the interface's calendar and always emits an ISO Gregorian date.
//  - Both interfaces accept a Jalali date, ۱۴۰۴/۰۵/۱۲ or 1404/05/12, and a Gregorian date,
//    2025-08-03 (Persian, Arabic or Latin digits; `/`, `-` or `.` between the parts): the years
//    of the two calendars never meet (1300–1499 is Jalali). Persian shows Jalali dates with the
//    Gregorian equivalent as a hint; English shows Gregorian dates with the Jalali one.
//  - A half-typed date is never applied: while typing, a value is emitted only once the text is
//    a whole date (four-digit year, two-digit month and day); a shorter form (1404/5/2) is taken
//    when the field loses focus or Enter is pressed. Until then the field reports "no valid date".
//  - What cannot be read is refused with a message once the field loses focus, and the form
//    around it is not submitted while it holds such text (whatever the form does with the value).
import { useEffect, useId, useRef, useState } from 'react';
import { useIntl } from 'react-intl';
import { parseDate, formatJalali, isJalaliLeapYear, gregorianMonthLength, type DateErrorCode } from '@platform/calendar.ts';
import { toAsciiDigits } from '@platform/text.ts';
import { useLocale } from '../app/i18n.tsx';
import type { Locale } from '../app/types.ts';
import { FieldShell, describedBy } from './Field.tsx';

export interface DateParse {
  iso: string | null;
  /** Message id and values of the problem, when the text is not a date. */
  error: { id: string; values?: Record<string, string | number> } | null;
}

/** Days in a Jalali month. */
export function jalaliMonthLength(jy: number, jm: number): number {
  return jm <= 6 ? 31 : jm <= 11 ? 30 : isJalaliLeapYear(jy) ? 30 : 29;
}

/** The text a date field shows for an ISO date in a locale. */
export function dateToText(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '';
  return locale === 'fa' ? formatJalali(iso, { digits: 'fa' }) : iso;
}

/** Parses what was typed into a date field (the rules above). */
export function parseDateText(text: string, locale: Locale): DateParse {
  const s = toAsciiDigits(text).trim();
  if (!s) return { iso: null, error: null };
  const r = parseDate(s, { calendar: 'auto' });
  if (r.ok) return { iso: r.iso, error: null };
  const code: DateErrorCode = r.code;
  if (code === 'date_invalid') {
    const m = /^(\d{4})\D(\d{1,2})\D(\d{1,2})/.exec(s);
    if (m) {
      const y = +m[1]!, mo = +m[2]!;
      if (mo < 1 || mo > 12) return { iso: null, error: { id: 'date.errors.month' } };
      const days = y < 1500 ? jalaliMonthLength(y, mo) : gregorianMonthLength(y, mo);
      return { iso: null, error: { id: 'date.errors.day', values: { days } } };
    }
  }
  if (code === 'date_calendar_mismatch') return { iso: null, error: { id: 'date.errors.gregorianOnly' } };
  if (code === 'date_year_range') return { iso: null, error: { id: 'date.errors.year' } };
  return { iso: null, error: { id: locale === 'fa' ? 'date.errors.formatFa' : 'date.errors.formatEn' } };
}

/** A whole date as typed: four-digit year, two-digit month and day (any digits and separators). */
export function isWholeDate(text: string): boolean {
  return /^\d{4}[-/.]\d{2}[-/.]\d{2}$/.test(toAsciiDigits(text).trim());
}

export interface DateInputProps {
  label: string;
  /** ISO Gregorian date (YYYY-MM-DD) or null. */
  value: string | null;
  /** Called with the ISO date (null when empty or invalid) and whether the text is a valid date (or empty). */
  onChange: (iso: string | null, valid: boolean) => void;
  /** An error from the form (e.g. "must be after the opening date"); shown instead of the hint. */
  error?: string | null;
  required?: boolean;
  id?: string;
  name?: string;
  disabled?: boolean;
  className?: string;
}

export function DateInput({ label, value, onChange, error, required, id: givenId, name, disabled, className }: DateInputProps) {
  const intl = useIntl();
  const { locale } = useLocale();
  const autoId = useId();
  const id = givenId ?? autoId;
  const [text, setText] = useState(() => dateToText(value, locale));
  const [touched, setTouched] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // The value this field last reported; a different `value` comes from outside (reset, loaded record).
  const emitted = useRef<string | null>(value);
  const lastLocale = useRef<Locale>(locale);
  const current = useRef(text);
  current.current = text;

  useEffect(() => {
    if (lastLocale.current !== locale || value !== emitted.current) {
      setText(dateToText(value, locale));
      setTouched(false);
      emitted.current = value;
    }
    lastLocale.current = locale;
  }, [value, locale]);

  const emit = (iso: string | null, valid: boolean) => {
    emitted.current = iso;
    onChange(iso, valid);
  };
  /** Takes what was typed (on leaving the field or Enter): a readable date is applied and shown in full. */
  const commit = () => {
    setTouched(true);
    const p = parseDateText(current.current, locale);
    if (p.iso) {
      setText(dateToText(p.iso, locale));
      if (emitted.current !== p.iso) emit(p.iso, true);
    } else if (p.error && emitted.current !== null) emit(null, false);
  };

  // The form is not submitted while this field holds text that is not a date.
  useEffect(() => {
    const form = input.current?.form;
    if (!form) return;
    const guard = (e: Event) => {
      const p = parseDateText(current.current, locale);
      if (p.error) {
        e.preventDefault();
        e.stopImmediatePropagation();
        setTouched(true);
        input.current?.focus();
      }
    };
    form.addEventListener('submit', guard);
    return () => form.removeEventListener('submit', guard);
  }, [locale]);

  const parsed = parseDateText(text, locale);
  const ownError = touched && parsed.error ? intl.formatMessage({ id: parsed.error.id }, formatValues(parsed.error.values, locale)) : null;
  const shownError = error || ownError;

  let hint: string;
  // The ISO date inside the Persian hint is a bidi isolate, so that it is not drawn reversed.
  if (parsed.iso) {
    hint =
      locale === 'fa'
        ? intl.formatMessage({ id: 'date.hintGregorian' }, { date: new Intl.DateTimeFormat('fa-IR-u-ca-gregory', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(parsed.iso + 'T00:00:00Z')), iso: '\u2068' + parsed.iso + '\u2069' })
        : intl.formatMessage({ id: 'date.hintJalali' }, { date: formatJalali(parsed.iso, { style: 'long', lang: 'en' }) });
  } else {
    hint = intl.formatMessage({ id: locale === 'fa' ? 'date.formatFa' : 'date.formatEn' });
  }

  return (
    <FieldShell id={id} label={label} hint={hint} error={shownError} required={required} className={className}>
      <input
        ref={input}
        id={id}
        name={name}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        dir="ltr"
        className="date-input"
        placeholder={locale === 'fa' ? '۱۴۰۴/۰۵/۱۲' : 'YYYY-MM-DD'}
        value={text}
        required={required}
        disabled={disabled}
        aria-invalid={shownError ? true : undefined}
        aria-describedby={describedBy(id, hint, shownError)}
        data-iso={parsed.iso ?? ''}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const p = parseDateText(t, locale);
          if (touched && !p.error) setTouched(false);
          if (t.trim() === '') emit(null, true);
          else if (isWholeDate(t)) emit(p.iso, !p.error);
          // A half-typed date: nothing is applied; the field reports "no valid date yet".
          else if (emitted.current !== null) emit(null, false);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
        onBlur={commit}
      />
    </FieldShell>
  );
}

function formatValues(values: Record<string, string | number> | undefined, locale: Locale) {
  if (!values) return undefined;
  const nf = new Intl.NumberFormat(locale === 'fa' ? 'fa-IR' : 'en');
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? nf.format(v) : v]));
}
