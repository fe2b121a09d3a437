// A date field that speaks the interface's calendar and always emits an ISO Gregorian date.
//  - Persian: type a Jalali date, ۱۴۰۴/۰۵/۱۲ or 1404/05/12 (Persian, Arabic or Latin digits;
//    `/`, `-` or `.` between the parts); the Gregorian equivalent is shown as a hint.
//    A Gregorian date (2025-08-03) is accepted too: the years of the two calendars never meet.
//  - English: type YYYY-MM-DD (Gregorian); the Jalali equivalent is shown as a hint.
// Invalid input says why, once the field loses focus (or when the form asks, via `error`).
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
  const r = parseDate(s, { calendar: locale === 'fa' ? 'auto' : 'gregorian' });
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
  const last = useRef<{ value: string | null; locale: Locale }>({ value, locale });

  // Follow a value set from outside (reset, loaded record) and a change of language.
  useEffect(() => {
    const parsed = parseDateText(text, locale);
    if (last.current.locale !== locale || (value !== parsed.iso && !(value === null && parsed.error))) {
      setText(dateToText(value, locale));
      setTouched(false);
    }
    last.current = { value, locale };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, locale]);

  const parsed = parseDateText(text, locale);
  const ownError = touched && parsed.error ? intl.formatMessage({ id: parsed.error.id }, formatValues(parsed.error.values, locale)) : null;
  const shownError = error || ownError;

  let hint: string;
  if (parsed.iso) {
    hint =
      locale === 'fa'
        ? intl.formatMessage({ id: 'date.hintGregorian' }, { date: new Intl.DateTimeFormat('fa-IR-u-ca-gregory', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(parsed.iso + 'T00:00:00Z')), iso: parsed.iso })
        : intl.formatMessage({ id: 'date.hintJalali' }, { date: formatJalali(parsed.iso, { style: 'long', lang: 'en' }) });
  } else {
    hint = intl.formatMessage({ id: locale === 'fa' ? 'date.formatFa' : 'date.formatEn' });
  }

  return (
    <FieldShell id={id} label={label} hint={hint} error={shownError} required={required} className={className}>
      <input
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
          onChange(p.iso, !p.error);
        }}
        onBlur={() => {
          setTouched(true);
          // Show a valid date the way the field writes dates (zero-padded, locale digits).
          if (parsed.iso) setText(dateToText(parsed.iso, locale));
        }}
      />
    </FieldShell>
  );
}

function formatValues(values: Record<string, string | number> | undefined, locale: Locale) {
  if (!values) return undefined;
  const nf = new Intl.NumberFormat(locale === 'fa' ? 'fa-IR' : 'en');
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? nf.format(v) : v]));
}
