import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { recordLine, recordFromLine, BatchLines } from './store.ts';
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

// A batch keeps its lines as UTF-8 bytes and sends them in the order of their ids' first 32 bits.
test('a batch gives back each line and id as added, and all its lines in id order, across growth of its buffer', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.uuid(), fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[\t\n]/g, ' '))), { maxLength: 60 }), fc.nat(40_000), (rows, pad) => {
      const lines = new BatchLines();
      // One long line (Persian letters, two bytes each in UTF-8) makes the buffer grow.
      const all = rows.map(([id, text], i) => `${id}\t${text}${i === 0 ? 'ک'.repeat(pad) : ''}`);
      for (const l of all) lines.add(l);
      assert.equal(lines.length, all.length);
      all.forEach((l, i) => {
        assert.equal(lines.at(i), l);
        assert.equal(lines.id(i), rows[i]![0]);
      });
      const prefix = (l: string) => parseInt(l.slice(0, 8), 16);
      const expected = all.map((l, i) => [prefix(l), i, l] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , l]) => l + '\n').join('');
      assert.equal(lines.inIdOrder().toString('utf8'), expected);
    }),
    { numRuns: 200 },
  );
});
