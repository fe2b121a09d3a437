// Scenario times of an exercise: `D+N H+HH:MM` after STARTEX, or an absolute date-time in
// Iran's time zone (Asia/Tehran; Gregorian or Jalali, Persian or Latin digits). The zone
// offset comes from the IANA database through @date-fns/tz (Iran dropped daylight saving in
// 2022; the database knows the earlier rules too), never from a hand-made offset.
import { TZDate } from '@date-fns/tz';
import { parseDate } from '../platform/calendar.ts';
import { toAsciiDigits } from '../platform/text.ts';

export const IRAN_TZ = 'Asia/Tehran';

export type TimeErrorCode = 'time_empty' | 'time_format' | 'time_date' | 'time_before_startex';

export type ParsedTime =
  | { ok: true; kind: 'relative'; offsetSeconds: number }
  | { ok: true; kind: 'absolute'; at: Date }
  | { ok: false; code: TimeErrorCode; reason: string };

// D+1 H+03:00, D+0 H+0:30, also "D+1H+3:00", "d+1 h+03:00:00".
const RELATIVE = /^D\s*\+\s*(\d{1,3})\s*H\s*\+\s*(\d{1,3}):(\d{2})(?::(\d{2}))?$/i;
// YYYY-MM-DD HH:MM[:SS] or YYYY/MM/DD HH:MM[:SS] (also with T).
const ABSOLUTE = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
// An ISO date-time that names its own offset (2026-03-21T09:00:00Z, …+03:30).
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The instant of a wall-clock time in Tehran. */
export function tehranToInstant(isoDate: string, h: number, m: number, s = 0): Date {
  const [y, mo, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, mo - 1, d, h, m, s, IRAN_TZ).getTime());
}

/** Wall-clock parts of an instant in Tehran: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
export function instantInTehran(at: Date): { date: string; time: string } {
  const z = new TZDate(at.getTime(), IRAN_TZ);
  const p = (n: number) => String(n).padStart(2, '0');
  return { date: `${z.getFullYear()}-${p(z.getMonth() + 1)}-${p(z.getDate())}`, time: `${p(z.getHours())}:${p(z.getMinutes())}` };
}

/** An absolute date-time: Tehran wall time (Gregorian or Jalali), or ISO with its own offset. */
export function parseDateTime(input: string): { ok: true; at: Date } | { ok: false; code: TimeErrorCode; reason: string } {
  const s = toAsciiDigits(input ?? '').trim();
  if (!s) return { ok: false, code: 'time_empty', reason: 'no time given' };
  if (ISO_WITH_ZONE.test(s)) {
    const at = new Date(s);
    if (!Number.isNaN(at.getTime())) return { ok: true, at };
  }
  const m = ABSOLUTE.exec(s);
  if (!m) return { ok: false, code: 'time_format', reason: `"${input}" is neither D+N H+HH:MM nor a date and time (YYYY-MM-DD HH:MM or YYYY/MM/DD HH:MM)` };
  const date = parseDate(m[1]!);
  if (!date.ok) return { ok: false, code: 'time_date', reason: date.reason };
  const h = m[2] === undefined ? 0 : +m[2];
  const mi = m[3] === undefined ? 0 : +m[3];
  const sec = m[4] === undefined ? 0 : +m[4];
  if (h > 23 || mi > 59 || sec > 59) return { ok: false, code: 'time_format', reason: `${m[2]}:${m[3]} is not a time of day` };
  return { ok: true, at: tehranToInstant(date.iso, h, mi, sec) };
}

/** An MSEL time cell: relative to STARTEX or absolute. */
export function parseScenarioTime(input: string): ParsedTime {
  const s = toAsciiDigits(input ?? '').trim();
  if (!s) return { ok: false, code: 'time_empty', reason: 'no time given' };
  const r = RELATIVE.exec(s);
  if (r) {
    const [d, h, mi, sec] = [+r[1]!, +r[2]!, +r[3]!, r[4] === undefined ? 0 : +r[4]];
    if (mi > 59 || sec > 59) return { ok: false, code: 'time_format', reason: `minutes and seconds run 00–59 in "${input}"` };
    return { ok: true, kind: 'relative', offsetSeconds: d * 86400 + h * 3600 + mi * 60 + sec };
  }
  const a = parseDateTime(s);
  if (!a.ok) return a;
  return { ok: true, kind: 'absolute', at: a.at };
}

/** Seconds after STARTEX for an MSEL time cell (absolute times before STARTEX are refused). */
export function offsetFromStartex(input: string, startex: Date): { ok: true; offsetSeconds: number } | { ok: false; code: TimeErrorCode; reason: string } {
  const p = parseScenarioTime(input);
  if (!p.ok) return p;
  if (p.kind === 'relative') return { ok: true, offsetSeconds: p.offsetSeconds };
  const off = Math.round((p.at.getTime() - startex.getTime()) / 1000);
  if (off < 0) return { ok: false, code: 'time_before_startex', reason: `${input} is before STARTEX` };
  return { ok: true, offsetSeconds: off };
}

/** `D+N H+HH:MM` for an offset (seconds shown only when not whole minutes). */
export function formatOffset(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const rest = seconds - d * 86400;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  const s = rest % 60;
  const p = (n: number) => String(n).padStart(2, '0');
  return `D+${d} H+${p(h)}:${p(m)}${s ? ':' + p(s) : ''}`;
}
