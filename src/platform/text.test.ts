import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { badText, comparePersian, hasNonAsciiDigits, isInvisibleOnly, normalisePersian, normaliseUsername, persianCollator, toAsciiDigits, toPersianDigits } from './text.ts';
import { usernameSkeleton } from './auth/usernames.ts';

test('toAsciiDigits converts Persian and Arabic-Indic digits', () => {
  assert.equal(toAsciiDigits('۰۱۲۳۴۵۶۷۸۹'), '0123456789');
  assert.equal(toAsciiDigits('٠١٢٣٤٥٦٧٨٩'), '0123456789');
  assert.equal(toAsciiDigits('۱۴۰۳/۱۲/۳۰'), '1403/12/30');
  assert.equal(toAsciiDigits('تعداد: ۱۲ نفر'), 'تعداد: 12 نفر');
  assert.equal(toAsciiDigits('abc 123'), 'abc 123');
});

test('toAsciiDigits maps Arabic decimal and thousands separators', () => {
  assert.equal(toAsciiDigits('۱٬۲۳۴٫۵'), '1,234.5');
  assert.equal(toAsciiDigits('٣٫١٤'), '3.14');
});

test('toPersianDigits and back round-trips ASCII digits', () => {
  assert.equal(toPersianDigits('2025-03-20'), '۲۰۲۵-۰۳-۲۰');
  assert.equal(toPersianDigits(1403), '۱۴۰۳');
  assert.equal(toPersianDigits('٣'), '۳');
  fc.assert(fc.property(fc.string(), (s) => toAsciiDigits(toPersianDigits(s)) === toAsciiDigits(s)));
  fc.assert(fc.property(fc.nat(), (n) => toAsciiDigits(toPersianDigits(n)) === String(n)));
});

test('hasNonAsciiDigits', () => {
  assert.equal(hasNonAsciiDigits('12'), false);
  assert.equal(hasNonAsciiDigits('۱2'), true);
  assert.equal(hasNonAsciiDigits('٢'), true);
});

test('normalisePersian replaces Arabic yeh, alef maksura and kaf', () => {
  assert.equal(normalisePersian('علي'), 'علی');
  assert.equal(normalisePersian('موسى'), 'موسی');
  assert.equal(normalisePersian('كرج'), 'کرج');
  assert.equal(normalisePersian('يك كتاب'), 'یک کتاب');
});

test('normalisePersian trims and collapses whitespace', () => {
  assert.equal(normalisePersian('  سلام   دنیا \t\n '), 'سلام دنیا');
  assert.equal(normalisePersian('a\u00A0\u00A0b'), 'a b');
  assert.equal(normalisePersian('\uFEFFتهران'), 'تهران');
  assert.equal(normalisePersian('\u200Fتهران\u200E'), 'تهران');
});

test('normalisePersian removes misused ZWNJ but keeps it inside words', () => {
  assert.equal(normalisePersian('می\u200Cخواهم'), 'می\u200Cخواهم');
  assert.equal(normalisePersian('\u200Cکتاب\u200C'), 'کتاب');
  assert.equal(normalisePersian('کتاب\u200C ها'), 'کتاب ها');
  assert.equal(normalisePersian('کتاب \u200Cها'), 'کتاب ها');
  assert.equal(normalisePersian('می\u200C\u200Cخواهم'), 'می\u200Cخواهم');
});

test('normalisePersian is idempotent and optionally converts digits', () => {
  assert.equal(normalisePersian('پلاک ۱۲', { asciiDigits: true }), 'پلاک 12');
  assert.equal(normalisePersian('پلاک ۱۲'), 'پلاک ۱۲');
  const tricky = fc.string({ unit: fc.constantFrom('ي', 'ك', 'ى', 'ی', 'ک', '\u200C', ' ', '\u00A0', '\n', '\uFEFF', '\u200F', 'a', 'ب', '۱') });
  fc.assert(
    fc.property(tricky, (s) => {
      const n = normalisePersian(s);
      return normalisePersian(n) === n && !/[يكى]/.test(n) && n === n.trim() && !/\s{2}/.test(n) && !n.startsWith('\u200C') && !n.endsWith('\u200C');
    }),
    { numRuns: 2000 },
  );
});

test('comparePersian sorts in Persian alphabetical order', () => {
  const letters = ['گ', 'ک', 'ی', 'پ', 'ب', 'ژ', 'ز', 'چ', 'ج'];
  assert.deepEqual([...letters].sort(comparePersian), ['ب', 'پ', 'ج', 'چ', 'ز', 'ژ', 'ک', 'گ', 'ی']);
  assert.ok(comparePersian('پ', 'ت') < 0, 'پ before ت (code points would put it after)');
  assert.ok(persianCollator.compare('الف', 'ب') < 0);
  assert.deepEqual(['مهران', 'بازرگان', 'دوغارون', 'میلک', 'ماهیرود', 'میرجاوه'].sort(comparePersian), [
    'بازرگان',
    'دوغارون',
    'ماهیرود',
    'مهران',
    'میرجاوه',
    'میلک',
  ]);
});

test('badText names what cannot be stored and accepts every real character', () => {
  assert.equal(badText('a\u0000b'), 'nul');
  assert.equal(badText('bell\u0007'), 'control');
  assert.equal(badText('x\uD800'), 'surrogate');
  assert.equal(badText('\uDC00x'), 'surrogate');
  assert.equal(badText('\uFDD0'), 'noncharacter');
  assert.equal(badText('\uFFFF'), 'noncharacter');
  assert.equal(badText('\uD83F\uDFFE'), 'noncharacter', 'U+1FFFE');
  for (const ok of ['', 'line\nbreak\ttab\r', 'می\u200Cخواهم', '😀 emoji', '\u202Bembedded\u202C', 'ي ك']) assert.equal(badText(ok), null, JSON.stringify(ok));
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => badText(s) === null || /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFDD0-\uFDEF\uFFFE\uFFFF]/.test(s) || /[\uD800-\uDFFF]/.test(s)));
});

test('isInvisibleOnly: zero-width characters and direction marks alone are no text', () => {
  assert.equal(isInvisibleOnly('\u200B\u200C'), true);
  assert.equal(isInvisibleOnly('\u200F \uFEFF'), true);
  assert.equal(isInvisibleOnly('a\u200B'), false);
  assert.equal(isInvisibleOnly(''), false);
});

test('usernames: NFKC and Persian letters normalised; look-alikes share a skeleton', () => {
  assert.equal(normaliseUsername('علي'), 'علی');
  assert.equal(normaliseUsername('ｒａｈｉｍ'), 'rahim');
  assert.equal(normaliseUsername(' admin\u200F'), 'admin');
  assert.equal(usernameSkeleton('аdmin'), usernameSkeleton('admin'), 'Cyrillic а');
  assert.equal(usernameSkeleton('adrnin'), usernameSkeleton('admin'), 'rn and m');
  assert.equal(usernameSkeleton('ADMIN'), usernameSkeleton('admin'));
  assert.equal(usernameSkeleton('علي'), usernameSkeleton('علی'));
  assert.notEqual(usernameSkeleton('admin'), usernameSkeleton('admins'));
  assert.notEqual(usernameSkeleton('رضا'), usernameSkeleton('رضى'), 'different Persian names stay different');
});
