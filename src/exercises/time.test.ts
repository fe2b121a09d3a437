import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenarioTime, offsetFromStartex, parseDateTime, formatOffset, instantInTehran } from './time.ts';
import { mapHeader, checkRow } from './msel.ts';

test('relative times: D+N H+HH:MM after STARTEX, Latin or Persian digits', () => {
  assert.deepEqual(parseScenarioTime('D+0 H+00:30'), { ok: true, kind: 'relative', offsetSeconds: 1800 });
  assert.deepEqual(parseScenarioTime('D+1 H+03:00'), { ok: true, kind: 'relative', offsetSeconds: 86400 + 3 * 3600 });
  assert.deepEqual(parseScenarioTime('D+۲ H+۰۱:۱۵'), { ok: true, kind: 'relative', offsetSeconds: 2 * 86400 + 3600 + 900 });
  assert.equal(parseScenarioTime('D+1 H+03:75').ok, false);
  assert.equal(parseScenarioTime('tomorrow').ok, false);
  assert.equal(formatOffset(86400 + 3 * 3600), 'D+1 H+03:00');
  assert.equal(formatOffset(1800), 'D+0 H+00:30');
});

test('absolute times are Iran time (Asia/Tehran from the IANA database), Gregorian or Jalali', () => {
  // +03:30 since Iran dropped daylight saving in 2022.
  assert.equal((parseDateTime('2026-03-21 09:30') as any).at.toISOString(), '2026-03-21T06:00:00.000Z');
  // Jalali 1405/01/01 is 2026-03-21; Persian digits.
  assert.equal((parseDateTime('۱۴۰۵/۰۱/۰۱ ۰۹:۳۰') as any).at.toISOString(), '2026-03-21T06:00:00.000Z');
  // In June 2021 Iran still kept summer time (+04:30): a hand-made +03:30 would be wrong.
  assert.equal((parseDateTime('2021-06-01 12:00') as any).at.toISOString(), '2021-06-01T07:30:00.000Z');
  // An ISO time with its own offset is taken as written.
  assert.equal((parseDateTime('2026-03-21T06:00:00Z') as any).at.toISOString(), '2026-03-21T06:00:00.000Z');
  assert.deepEqual(instantInTehran(new Date('2026-03-21T06:00:00Z')), { date: '2026-03-21', time: '09:30' });
  assert.equal(parseDateTime('1405/12/31 10:00').ok, false); // 1405 Esfand has 29 days
  assert.equal(parseDateTime('2026-03-21 25:00').ok, false);
});

test('offsets from STARTEX; absolute times before STARTEX are refused', () => {
  const startex = new Date('2026-03-21T05:30:00Z'); // 09:00 Tehran
  assert.deepEqual(offsetFromStartex('1405/01/01 10:00', startex), { ok: true, offsetSeconds: 3600 });
  assert.deepEqual(offsetFromStartex('D+0 H+00:30', startex), { ok: true, offsetSeconds: 1800 });
  const before = offsetFromStartex('2026-03-21 08:00', startex);
  assert.equal(before.ok, false);
  assert.equal((before as any).code, 'time_before_startex');
});

test('MSEL header in Persian maps to the columns; a missing column is named', () => {
  const h = mapHeader(['شماره', 'زمان', 'مرحله', 'از', 'به', 'کانال', 'موضوع', 'محتوا', 'اقدام مورد انتظار', 'اهداف']);
  assert.equal(h.ok, true);
  assert.equal((h as any).map.expected_action, 'اقدام مورد انتظار');
  const bad = mapHeader(['number', 'time', 'to', 'channel', 'subject', 'colour']);
  assert.equal(bad.ok, false);
  assert.deepEqual((bad as any).missing, ['content']);
  assert.deepEqual((bad as any).unknown, ['colour']);
});

test('a bad row names row, column, value and why, in both languages', () => {
  const map = Object.fromEntries(['number', 'time', 'to', 'channel', 'subject', 'content', 'objectives'].map((k) => [k, k]));
  const ctx = { startex: new Date('2026-03-21T05:30:00Z'), teams: new Set(['bafia']), objectives: new Set(['O1']), existingNumbers: new Set(['9']) };
  const r = checkRow(4, { number: '9', time: 'D+1 H+3', to: 'bafia, moh', channel: 'fax', subject: 'x', content: '', objectives: 'O7' }, map as any, ctx, new Set());
  assert.equal(r.row, undefined);
  const byCol = Object.fromEntries(r.problems.map((p) => [p.column, p]));
  assert.equal(byCol.number!.code, 'exists');
  assert.equal(byCol.time!.code, 'time_format');
  assert.equal(byCol.time!.value, 'D+1 H+3');
  assert.equal(byCol.to!.code, 'unknown_team');
  assert.equal(byCol.channel!.code, 'channel');
  assert.equal(byCol.content!.code, 'required');
  assert.equal(byCol.objectives!.code, 'unknown_objective');
  assert.ok(r.problems.every((p) => p.row === 4 && p.message_en && p.message_fa));
  const good = checkRow(5, { number: '۱۰', time: 'D+0 H+00:30', to: 'BAFIA', channel: 'پیام', subject: 'ورود', content: 'متن', objectives: 'O1' }, map as any, ctx, new Set());
  assert.equal(good.row?.number, '10');
  assert.deepEqual(good.row?.to, ['bafia']);
  assert.equal(good.row?.channel, 'message');
});
