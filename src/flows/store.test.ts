import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { recordLine, recordFromLine } from './store.ts';
import { REASON_CODES, type FmrRecord } from './format.ts';

// An import keeps each row as its COPY line, and reads the record back from it only when a
// batch meets stored ids: the line must give back exactly the record, whatever its free text.
test('a record read back from its COPY line is the record, free text with tabs, newlines and backslashes included', () => {
  const free = fc.oneof(fc.constant(null), fc.string(), fc.constantFrom('a\tb', 'line\nbreak', 'back\\slash', '\\N', 'کرمان\r\n', '\\t'));
  const count = fc.oneof(fc.constant(null), fc.nat(20));
  fc.assert(
    fc.property(
      fc.record({
        id: fc.uuid(),
        fmp: fc.constantFrom('dogharoun', 'milak'),
        date: fc.constantFrom('2025-01-31', '2024-02-29'),
        time: fc.constantFrom(null, '07:05'),
        direction: fc.constantFrom('in', 'out'),
        nationality: fc.constantFrom('AFG', 'IRQ'),
        men: fc.nat(9), women: fc.nat(9), boys: fc.nat(9), girls: fc.nat(9),
        deported: fc.constantFrom('yes', 'no', 'unknown'),
        transport: fc.constantFrom(null, 'bus', 'on_foot'),
        reasons: fc.subarray([...REASON_CODES]),
        origin_country: fc.constantFrom(null, 'AFG'), origin_admin1: free,
        destination_country: fc.constantFrom(null, 'IRN'), destination_admin1: free,
        uasc: count, pregnant_lactating: count, elderly: count, disabled: count, medical: count,
        enumerator: free, note: free,
      }),
      (r) => {
        const record = { ...r } as unknown as FmrRecord;
        const line = recordLine(record, 'IR-09', 'received\t\\N\timport\t7');
        assert.ok(!line.includes('\n'), 'one line');
        assert.deepEqual(recordFromLine(line), { record, province: 'IR-09' });
      },
    ),
    { numRuns: 300 },
  );
});
