import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fmrRecordToRow } from './format.ts';
import {
  fmpClosedReason,
  makeFmpRegistry,
  normaliseUuid,
  parseCount,
  parseTime,
  type Problem,
  type RawRow,
  resolveCountry,
  type ValidateOptions,
  validateFmrRow,
} from './validate.ts';

const fmps = makeFmpRegistry([
  { code: 'dogharoun', opened: '2010-01-01' },
  { code: 'milak', closures: [{ from: '2025-06-01', to: '2025-06-10' }] },
  { code: 'mahirud', closed: '2025-01-01' },
  'mehran',
  { code: 'bazargan', opened: '2024-05-01' },
]);
const opts: ValidateOptions = { today: '2025-08-31', fmps };

const good: RawRow = {
  id: '3f2b8c4e-1d2a-4b6f-9e7d-0a1b2c3d4e5f',
  fmp: 'dogharoun',
  date: '2025-07-06',
  direction: 'out',
  nationality: 'AFG',
  men: '1',
  women: '1',
  boys: '2',
  girls: '1',
  deported: 'no',
};

function problems(row: RawRow, o: ValidateOptions = opts): Problem[] {
  const r = validateFmrRow(row, o);
  return r.ok ? [] : r.problems;
}
const codes = (row: RawRow, o: ValidateOptions = opts) => problems(row, o).map((p) => `${p.column}:${p.code}`);

test('a valid core row becomes a typed record', () => {
  const r = validateFmrRow(good, opts);
  assert.ok(r.ok);
  assert.deepEqual(r.record, {
    ...good,
    men: 1,
    women: 1,
    boys: 2,
    girls: 1,
    time: null,
    transport: null,
    reasons: [],
    origin_country: null,
    origin_admin1: null,
    destination_country: null,
    destination_admin1: null,
    uasc: null,
    pregnant_lactating: null,
    elderly: null,
    disabled: null,
    medical: null,
    enumerator: null,
    note: null,
  });
});

test('Jalali dates, Persian digits, labels and Arabic letters are normalised', () => {
  const r = validateFmrRow(
    {
      id: 'uuid:3F2B8C4E-1D2A-4B6F-9E7D-0A1B2C3D4E5F',
      fmp: ' Dogharoun ',
      date: '۱۴۰۴/۰۴/۱۵',
      direction: 'خروجی',
      nationality: 'افغانستان',
      men: '۲',
      women: '٠',
      boys: 0,
      girls: '1.0',
      deported: 'بله',
      time: '۸:۰۵',
      transport: 'اتوبوس',
      reasons: 'deportation;RETURN_HOME',
      origin_country: 'irn',
      origin_admin1: 'ir-23',
      destination_country: 'Afghanistan',
      destination_admin1: 'هرات',
      enumerator: '  DOG-01 ',
      note: '  ساكن   كرج  ',
    },
    opts,
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  const x = r.record;
  assert.equal(x.id, '3f2b8c4e-1d2a-4b6f-9e7d-0a1b2c3d4e5f');
  assert.equal(x.fmp, 'dogharoun');
  assert.equal(x.date, '2025-07-06');
  assert.equal(x.direction, 'out');
  assert.equal(x.nationality, 'AFG');
  assert.deepEqual([x.men, x.women, x.boys, x.girls], [2, 0, 0, 1]);
  assert.equal(x.deported, 'yes');
  assert.equal(x.time, '08:05');
  assert.equal(x.transport, 'bus');
  assert.deepEqual(x.reasons, ['deportation', 'return_home']);
  assert.equal(x.origin_country, 'IRN');
  assert.equal(x.origin_admin1, 'IR-23');
  assert.equal(x.destination_country, 'AFG');
  assert.equal(x.destination_admin1, 'هرات');
  assert.equal(x.enumerator, 'DOG-01');
  assert.equal(x.note, 'ساکن کرج');
});

test('required core columns', () => {
  assert.deepEqual(codes({}), [
    'id:required',
    'fmp:required',
    'date:required',
    'direction:required',
    'nationality:required',
    'men:required',
    'women:required',
    'boys:required',
    'girls:required',
    'deported:required',
  ]);
  assert.deepEqual(codes({ ...good, men: '  ' }), ['men:required']);
});

test('bad UUID', () => {
  assert.deepEqual(codes({ ...good, id: '12345' }), ['id:uuid_invalid']);
  assert.deepEqual(codes({ ...good, id: '3f2b8c4e-1d2a-4b6f-9e7d-0a1b2c3d4e5' }), ['id:uuid_invalid']);
  assert.deepEqual(codes({ ...good, id: '00000000-0000-0000-0000-000000000000' }), ['id:uuid_invalid']);
  assert.equal(normaliseUuid('UUID:A7F76BA5-3C42-409B-8B57-8CFCFA3C634E'), 'a7f76ba5-3c42-409b-8b57-8cfcfa3c634e');
});

test('negative, fractional and non-numeric counts', () => {
  assert.deepEqual(codes({ ...good, men: '-1' }), ['men:count_negative']);
  assert.deepEqual(codes({ ...good, men: -2 }), ['men:count_negative']);
  assert.deepEqual(codes({ ...good, women: '1.5' }), ['women:count_not_integer']);
  assert.deepEqual(codes({ ...good, boys: 'two' }), ['boys:count_invalid']);
  assert.deepEqual(codes({ ...good, girls: NaN }), ['girls:count_invalid']);
  assert.deepEqual(parseCount('۱۲'), { ok: true, n: 12 });
  assert.deepEqual(parseCount('1,200'), { ok: true, n: 1200 });
  assert.deepEqual(parseCount('-0'), { ok: true, n: 0 });
});

test('a group of zero people is rejected', () => {
  const p = problems({ ...good, men: 0, women: '0', boys: '۰', girls: '0' });
  assert.equal(p.length, 1);
  assert.equal(p[0]!.code, 'group_empty');
  assert.match(p[0]!.message_fa, /صفر/);
});

test('maxGroupSize', () => {
  assert.deepEqual(codes({ ...good, men: 600 }, { ...opts, maxGroupSize: 500 }), ['men:group_too_large']);
  assert.deepEqual(codes({ ...good, men: 600 }), []);
});

test('dates: future, too early, invalid, Excel serials', () => {
  assert.deepEqual(codes({ ...good, date: '2025-09-01' }), ['date:date_future']);
  assert.deepEqual(codes({ ...good, date: '2025-08-31' }), []);
  assert.deepEqual(codes({ ...good, date: '1999-12-31', fmp: 'mehran' }), ['date:date_too_early']);
  assert.deepEqual(codes({ ...good, date: '1404/12/30' }), ['date:date_invalid']);
  assert.deepEqual(codes({ ...good, date: '1403/12/30' }), []);
  assert.deepEqual(codes({ ...good, date: '2025-02-30' }), ['date:date_invalid']);
  assert.deepEqual(codes({ ...good, date: 45658 }), ['date:date_excel_not_allowed']);
  assert.deepEqual(codes({ ...good, date: 45658 }, { ...opts, excelSerialDates: true }), []);
  assert.deepEqual(codes({ ...good, date: '2025-07-06' }, { ...opts, calendar: 'jalali' }), ['date:date_calendar_mismatch']);
  const p = problems({ ...good, date: '2026-01-01' });
  assert.match(p[0]!.message_en, /future/);
});

test('unknown and closed FMPs', () => {
  assert.deepEqual(codes({ ...good, fmp: 'islam-qala' }), ['fmp:fmp_unknown']);
  assert.deepEqual(codes({ ...good, fmp: 'mahirud', date: '2025-01-01' }), ['fmp:fmp_closed']);
  assert.deepEqual(codes({ ...good, fmp: 'mahirud', date: '2024-12-31' }), []);
  assert.deepEqual(codes({ ...good, fmp: 'milak', date: '2025-06-05' }), ['fmp:fmp_closed']);
  assert.deepEqual(codes({ ...good, fmp: 'milak', date: '2025-06-11' }), []);
  assert.deepEqual(codes({ ...good, fmp: 'bazargan', date: '2024-04-30' }), ['fmp:fmp_closed']);
  const p = problems({ ...good, fmp: 'milak', date: '2025-06-05' });
  assert.match(p[0]!.message_en, /closed from 2025-06-01 to 2025-06-10/);
  assert.equal(fmpClosedReason({ code: 'x', closures: [{ from: '2025-01-01' }] }, '2030-01-01'), 'closed since 2025-01-01');
});

test('bad nationality and countries', () => {
  assert.deepEqual(codes({ ...good, nationality: 'AFX' }), ['nationality:country_invalid']);
  assert.deepEqual(codes({ ...good, nationality: 'AF' }), ['nationality:country_invalid']);
  assert.deepEqual(codes({ ...good, nationality: 'Narnia' }), ['nationality:country_invalid']);
  assert.deepEqual(codes({ ...good, nationality: 'XXA' }), []); // stateless (ICAO)
  assert.deepEqual(codes({ ...good, origin_country: 'XXA' }), ['origin_country:country_invalid']);
  assert.equal(resolveCountry('ایران'), 'IRN');
  assert.equal(resolveCountry('Iran, Islamic Republic of'), 'IRN');
  assert.equal(resolveCountry('türkiye'), 'TUR');
  assert.equal(resolveCountry('عراق'), 'IRQ');
});

test('vulnerability counts cannot exceed the group', () => {
  assert.deepEqual(codes({ ...good, uasc: 4 }), ['uasc:vulnerability_exceeds']); // boys+girls = 3
  assert.deepEqual(codes({ ...good, uasc: 3 }), []);
  assert.deepEqual(codes({ ...good, pregnant_lactating: 3 }), ['pregnant_lactating:vulnerability_exceeds']); // women+girls = 2
  assert.deepEqual(codes({ ...good, elderly: 3 }), ['elderly:vulnerability_exceeds']); // men+women = 2
  assert.deepEqual(codes({ ...good, disabled: 6 }), ['disabled:vulnerability_exceeds']); // total = 5
  assert.deepEqual(codes({ ...good, medical: '۶' }), ['medical:vulnerability_exceeds']);
  assert.deepEqual(codes({ ...good, medical: '-1' }), ['medical:count_negative']);
  const p = problems({ ...good, uasc: 4 });
  assert.match(p[0]!.message_en, /exceeds boys \+ girls \(3\)/);
});

test('enumerations, time, transport, reasons', () => {
  assert.deepEqual(codes({ ...good, direction: 'sideways' }), ['direction:direction_invalid']);
  assert.deepEqual(codes({ ...good, direction: 'IN' }), []);
  assert.deepEqual(codes({ ...good, deported: 'maybe' }), ['deported:deported_invalid']);
  assert.deepEqual(codes({ ...good, time: '25:00' }), ['time:time_invalid']);
  assert.deepEqual(codes({ ...good, transport: 'camel' }), ['transport:transport_invalid']);
  assert.deepEqual(codes({ ...good, transport: 'On foot' }), []);
  assert.deepEqual(codes({ ...good, transport: 'bus' }, { ...opts, transportModes: ['car', 'truck'] }), ['transport:transport_invalid']);
  assert.deepEqual(codes({ ...good, reasons: 'economic;tourism' }), ['reasons:reason_invalid']);
  const r = validateFmrRow({ ...good, reasons: 'economic return_home economic' }, opts);
  assert.ok(r.ok && r.record.reasons.join() === 'economic,return_home');
  const l = validateFmrRow({ ...good, reasons: 'Family reunification' }, opts);
  assert.ok(l.ok && l.record.reasons.join() === 'family_reunification');
  assert.equal(parseTime('2025-07-06T08:12:44.120+03:30'), '08:12');
  assert.equal(parseTime('7:5'), null);
});

test('admin1 codes: ISO 3166-2, Iran renumbering, country mismatch', () => {
  assert.deepEqual(codes({ ...good, origin_admin1: 'IR-30' }), []);
  assert.deepEqual(codes({ ...good, origin_admin1: 'IR-32' }), ['origin_admin1:admin1_invalid']); // pre-2020 scheme only
  assert.deepEqual(codes({ ...good, origin_admin1: 'ZZ-01' }), ['origin_admin1:admin1_invalid']);
  assert.deepEqual(codes({ ...good, origin_country: 'IRN', origin_admin1: 'AF-HER' }), ['origin_admin1:admin1_country_mismatch']);
  assert.deepEqual(codes({ ...good, destination_country: 'AFG', destination_admin1: 'af-her' }), []);
  assert.deepEqual(codes({ ...good, destination_admin1: 'Herat' }), []);
});

test('text limits', () => {
  assert.deepEqual(codes({ ...good, note: 'x'.repeat(2001) }), ['note:text_too_long']);
});

test('every problem carries column, value and both messages', () => {
  const p = problems({ ...good, id: 'x', men: '-1', nationality: 'QQQ', fmp: 'nowhere', date: '2025-02-30' });
  assert.equal(p.length, 5);
  for (const x of p) {
    assert.ok(x.column && x.code && x.message_en && x.message_fa, JSON.stringify(x));
    assert.equal(typeof x.value, 'string');
  }
});

test('property: a valid record survives serialisation and re-validation unchanged', () => {
  const count = fc.integer({ min: 0, max: 20 });
  fc.assert(
    fc.property(count, count, count, count, fc.constantFrom('gregorian', 'jalali') as fc.Arbitrary<'gregorian' | 'jalali'>, fc.constantFrom('latn', 'fa') as fc.Arbitrary<'latn' | 'fa'>, (men, women, boys, girls, calendar, digits) => {
      fc.pre(men + women + boys + girls > 0);
      const r = validateFmrRow({ ...good, men, women, boys, girls, uasc: boys + girls, elderly: men + women }, opts);
      assert.ok(r.ok);
      const again = validateFmrRow(fmrRecordToRow(r.record, { calendar, digits }), opts);
      assert.ok(again.ok, JSON.stringify(!again.ok && again.problems));
      assert.deepEqual(again.record, r.record);
    }),
  );
});
