// Reading an MSEL sheet: the header (English or Persian), then each row checked into an inject
// or into problems reported like flow imports ({row, column, value, code, message_en, message_fa}).
import { normalisePersian, toAsciiDigits } from '../platform/text.ts';
import { offsetFromStartex, type TimeErrorCode } from './time.ts';

export const MSEL_COLUMNS = ['number', 'time', 'phase', 'from', 'to', 'channel', 'subject', 'content', 'expected_action', 'objectives'] as const;
export type MselColumn = (typeof MSEL_COLUMNS)[number];
export const REQUIRED_COLUMNS: MselColumn[] = ['number', 'time', 'to', 'channel', 'subject', 'content'];

/** Header names accepted for each column (compared after lower-casing and normalising). */
const HEADER_NAMES: Record<MselColumn, string[]> = {
  number: ['number', 'no', '#', 'inject', 'شماره', 'ردیف'],
  time: ['time', 'scenario time', 'زمان', 'زمان سناریو'],
  phase: ['phase', 'مرحله', 'فاز'],
  from: ['from', 'persona', 'از', 'فرستنده'],
  to: ['to', 'teams', 'به', 'گیرنده', 'گیرندگان'],
  channel: ['channel', 'کانال', 'مجرا'],
  subject: ['subject', 'موضوع', 'عنوان'],
  content: ['content', 'متن', 'محتوا'],
  expected_action: ['expected_action', 'expected action', 'اقدام مورد انتظار', 'اقدام_مورد_انتظار'],
  objectives: ['objectives', 'objective', 'اهداف', 'هدف'],
};

export const CHANNELS = ['message', 'phone', 'email', 'media', 'field', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];
const CHANNEL_NAMES: Record<string, Channel> = {
  message: 'message', 'پیام': 'message',
  phone: 'phone', 'phone call': 'phone', 'phone-call': 'phone', 'تلفن': 'phone', 'تماس تلفنی': 'phone',
  email: 'email', 'e-mail': 'email', 'ایمیل': 'email', 'رایانامه': 'email',
  media: 'media', 'رسانه': 'media',
  field: 'field', 'field event': 'field', 'رویداد میدانی': 'field', 'میدانی': 'field',
  other: 'other', 'سایر': 'other', 'دیگر': 'other',
};

const norm = (s: string) => normalisePersian(toAsciiDigits(s)).trim().toLowerCase().replace(/\s+/g, ' ');

/** Maps the sheet's header to MSEL columns; reports unknown, doubled and missing columns. */
export function mapHeader(columns: string[]): { ok: true; map: Partial<Record<MselColumn, string>> } | { ok: false; missing: MselColumn[]; unknown: string[] } {
  const map: Partial<Record<MselColumn, string>> = {};
  const unknown: string[] = [];
  for (const c of columns) {
    if (!c.trim()) continue;
    const n = norm(c);
    const col = MSEL_COLUMNS.find((k) => HEADER_NAMES[k].some((h) => norm(h) === n));
    if (!col || map[col]) unknown.push(c);
    else map[col] = c;
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !map[c]);
  if (missing.length || unknown.length) return { ok: false, missing, unknown };
  return { ok: true, map };
}

export interface MselProblem {
  row: number;
  column: string;
  value: string;
  code: string;
  message_en: string;
  message_fa: string;
}

export interface MselRow {
  row: number;
  number: string;
  offsetSeconds: number;
  phase: string | null;
  from: string | null;
  to: string[];
  channel: Channel;
  subject: string;
  content: string;
  expectedAction: string | null;
  objectives: string[];
}

export interface MselContext {
  startex: Date;
  teams: Set<string>; // team codes of the exercise
  objectives: Set<string>; // objective codes of the exercise
  existingNumbers: Set<string>;
}

const list = (s: string) => s.split(/[,;،؛\n]+/).map((x) => x.trim()).filter(Boolean);

const TIME_MESSAGES: Record<TimeErrorCode, [string, string]> = {
  time_empty: ['The time is empty.', 'زمان خالی است.'],
  time_format: ['Write the time as D+N H+HH:MM (after STARTEX) or as a date and time (YYYY-MM-DD HH:MM, Gregorian or Jalali).', 'زمان را به شکل D+N H+HH:MM (پس از آغاز تمرین) یا تاریخ و ساعت (سال/ماه/روز ساعت:دقیقه، شمسی یا میلادی) بنویسید.'],
  time_date: ['The date in this time does not exist.', 'تاریخ این زمان وجود ندارد.'],
  time_before_startex: ['This time is before STARTEX.', 'این زمان پیش از آغاز تمرین است.'],
};

/** Checks one data row (values keyed by the sheet's own header names). */
export function checkRow(rowNumber: number, values: Record<string, string>, map: Partial<Record<MselColumn, string>>, ctx: MselContext, seen: Set<string>): { row?: MselRow; problems: MselProblem[] } {
  const problems: MselProblem[] = [];
  const get = (c: MselColumn) => normalisePersian((map[c] ? values[map[c]!] : '') ?? '').trim();
  const problem = (c: MselColumn, code: string, en: string, fa: string) =>
    problems.push({ row: rowNumber, column: map[c] ?? c, value: get(c), code, message_en: en, message_fa: fa });

  const number = toAsciiDigits(get('number'));
  if (!number) problem('number', 'required', 'The inject number is empty.', 'شمارهٔ پیام خالی است.');
  else if (seen.has(number)) problem('number', 'duplicate', 'This inject number appears twice in the sheet.', 'این شماره دو بار در برگه آمده است.');
  else if (ctx.existingNumbers.has(number)) problem('number', 'exists', 'The exercise already has an inject with this number.', 'تمرین از پیش پیامی با این شماره دارد.');
  if (number) seen.add(number);

  const t = offsetFromStartex(get('time'), ctx.startex);
  if (!t.ok) problem('time', t.code, TIME_MESSAGES[t.code][0], TIME_MESSAGES[t.code][1]);

  const to = list(get('to')).map((x) => x.toLowerCase());
  if (!to.length) problem('to', 'required', 'Name at least one team to receive the inject.', 'دست‌کم یک تیم گیرنده را بنویسید.');
  const unknownTeams = to.filter((x) => !ctx.teams.has(x));
  if (unknownTeams.length) problem('to', 'unknown_team', `The exercise has no team ${unknownTeams.join(', ')}.`, `تمرین تیمی با کد ${unknownTeams.join('، ')} ندارد.`);

  const channel = CHANNEL_NAMES[norm(get('channel'))];
  if (!channel) problem('channel', 'channel', `The channel must be one of: ${CHANNELS.join(', ')}.`, 'کانال باید یکی از پیام، تلفن، ایمیل، رسانه، رویداد میدانی یا سایر باشد.');

  const subject = get('subject');
  if (!subject) problem('subject', 'required', 'The subject is empty.', 'موضوع خالی است.');
  const content = get('content');
  if (!content) problem('content', 'required', 'The content is empty.', 'متن پیام خالی است.');

  const objectives = list(get('objectives'));
  const unknownObjectives = objectives.filter((o) => !ctx.objectives.has(o));
  if (unknownObjectives.length) problem('objectives', 'unknown_objective', `The exercise has no objective ${unknownObjectives.join(', ')}.`, `تمرین هدفی با کد ${unknownObjectives.join('، ')} ندارد.`);

  if (problems.length) return { problems };
  return {
    problems,
    row: {
      row: rowNumber,
      number,
      offsetSeconds: (t as { offsetSeconds: number }).offsetSeconds,
      phase: get('phase') || null,
      from: get('from') || null,
      to,
      channel: channel!,
      subject,
      content,
      expectedAction: get('expected_action') || null,
      objectives,
    },
  };
}
