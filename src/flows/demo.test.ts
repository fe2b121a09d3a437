import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  DEMO_FMPS,
  DEMO_NOTE,
  demoDailyPeople,
  demoFmpCapacities,
  demoFmpRegistry,
  demoNaturalVolume,
  generateDemoRecords,
  mulberry32,
} from './demo.ts';
import { fmrRecordToRow, groupTotal } from './format.ts';
import { makeFmpRegistry, validateFmrRow } from './validate.ts';

const endDate = '2025-12-31'; // window 2024-01-01 … 2025-12-31
const take = <T>(it: Iterable<T>, n: number): T[] => {
  const out: T[] = [];
  for (const x of it) {
    out.push(x);
    if (out.length === n) break;
  }
  return out;
};

test('mulberry32 is deterministic and uniform enough', () => {
  const a = mulberry32(42), b = mulberry32(42);
  for (let i = 0; i < 100; i++) assert.equal(a(), b());
  const r = mulberry32(7);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const x = r();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
});

test('same seed ⇒ same records; another seed ⇒ other records', () => {
  const hash = (seed: number) => {
    const h = createHash('sha256');
    for (const r of generateDemoRecords({ seed, endDate, records: 20_000 })) h.update(JSON.stringify(r));
    return h.digest('hex');
  };
  assert.equal(hash(1), hash(1));
  assert.notEqual(hash(1), hash(2));
  assert.deepEqual(take(generateDemoRecords({ seed: 5, endDate, records: 1000 }), 50), take(generateDemoRecords({ seed: 5, endDate, records: 1000 }), 50));
});

test('exactly the requested number of records, in date order, inside the window', () => {
  for (const n of [0, 1, 17, 12_345]) {
    let count = 0, last = '';
    for (const r of generateDemoRecords({ seed: 3, endDate, records: n })) {
      count++;
      assert.ok(r.date >= last, 'date order');
      last = r.date;
      assert.ok(r.date >= '2024-01-01' && r.date <= endDate);
    }
    assert.equal(count, n);
  }
  let days = 0;
  for (const r of generateDemoRecords({ seed: 3, endDate: '2025-03-31', days: 10, records: 500 })) {
    assert.ok(r.date >= '2025-03-22' && r.date <= '2025-03-31');
    days++;
  }
  assert.equal(days, 500);
});

test('records are well-formed households that pass validation', () => {
  const fmps = makeFmpRegistry(demoFmpRegistry());
  const ids = new Set<string>();
  const codes = new Set(DEMO_FMPS.map((f) => f.code));
  for (const r of generateDemoRecords({ seed: 11, endDate, records: 30_000 })) {
    const total = groupTotal(r);
    assert.ok(total >= 1 && total <= 8, `group of ${total}`);
    assert.equal(r.note, DEMO_NOTE);
    assert.ok(codes.has(r.fmp as never));
    assert.ok(!ids.has(r.id), 'unique ids');
    ids.add(r.id);
    const v = validateFmrRow(fmrRecordToRow(r), { today: endDate, fmps });
    if (!v.ok) assert.fail(`${JSON.stringify(r)} → ${JSON.stringify(v.problems)}`);
    assert.deepEqual(v.record, r);
  }
});

test('the natural volume is realistic and below 10 million', () => {
  const n = demoNaturalVolume({ endDate });
  assert.ok(n > 3_000_000 && n < 10_000_000, String(n));
  assert.equal(demoNaturalVolume({ endDate, seed: 1 }), n);
});

test('July 2025 surge at Dogharoun: 40,000–50,000 a day against a capacity near 10,000', () => {
  const dog = new Map<string, number>();
  for (const d of demoDailyPeople({ endDate })) if (d.fmp === 'dogharoun' && d.direction === 'out') dog.set(d.date, d.people);
  const peak = ['2025-07-01', '2025-07-02', '2025-07-03', '2025-07-04', '2025-07-05', '2025-07-06'].map((d) => dog.get(d)!);
  for (const p of peak) assert.ok(p >= 38_000 && p <= 52_000, String(p));
  assert.ok(Math.max(...dog.values()) <= 52_000);
  assert.equal(demoFmpCapacities.dogharoun, 10_000);
  assert.ok(peak.every((p) => p > 4 * demoFmpCapacities.dogharoun));
  // Before the surge, typical days stay under capacity.
  const spring = [...dog].filter(([d]) => d >= '2025-01-01' && d < '2025-06-01').map(([, p]) => p);
  const mean = spring.reduce((a, b) => a + b, 0) / spring.length;
  assert.ok(mean < demoFmpCapacities.dogharoun / 2, String(mean));
});

test('Arbaeen at Mehran: outflow peaks in the fortnight before, inflow after', () => {
  const out = new Map<string, number>(), inn = new Map<string, number>();
  for (const d of demoDailyPeople({ endDate })) {
    if (d.fmp !== 'mehran') continue;
    (d.direction === 'out' ? out : inn).set(d.date, d.people);
  }
  const argmax = (m: Map<string, number>, from: string, to: string) =>
    [...m].filter(([d]) => d >= from && d <= to).reduce((a, b) => (b[1] > a[1] ? b : a));
  // Arbaeen 2025 was on 14 August; 2024 on 24/25 August.
  const [outDay, outPeak] = argmax(out, '2025-06-01', '2025-10-31');
  assert.ok(outDay >= '2025-07-31' && outDay < '2025-08-14', outDay);
  assert.ok(outPeak > 150_000 && outPeak < 260_000, String(outPeak));
  const [inDay] = argmax(inn, '2025-06-01', '2025-10-31');
  assert.ok(inDay >= '2025-08-14' && inDay <= '2025-08-28', inDay);
  const [outDay24] = argmax(out, '2024-06-01', '2024-10-31');
  assert.ok(outDay24 >= '2024-08-10' && outDay24 < '2024-08-24', outDay24);
  // About 3.5 M × 46 % exits through Mehran in the two weeks before Arbaeen 2024.
  const exits = [...out].filter(([d]) => d >= '2024-08-09' && d <= '2024-08-24').reduce((s, [, p]) => s + p - 2_500, 0);
  assert.ok(Math.abs(exits - 1_610_000) / 1_610_000 < 0.1, String(exits));
});

test('weekly rhythm: Fridays are quieter', () => {
  let fri = 0, friN = 0, other = 0, otherN = 0;
  for (const d of demoDailyPeople({ endDate })) {
    if (d.fmp !== 'bazargan' || d.date.slice(5, 7) === '03') continue;
    const dow = new Date(d.date + 'T00:00:00Z').getUTCDay();
    if (dow === 5) (fri += d.people), friN++;
    else (other += d.people), otherN++;
  }
  assert.ok(fri / friN < 0.75 * (other / otherN));
});

test('records at 1/20 scale reproduce the sourced Afghan return figures', () => {
  const scale = 20;
  const records = Math.round(demoNaturalVolume({ endDate }) / scale);
  const afghan = new Set(['dogharoun', 'milak', 'mahirud']);
  const returns: Record<string, number> = { '2024': 0, '2025': 0 };
  let deported2024 = 0;
  let kids = 0, people = 0;
  for (const r of generateDemoRecords({ endDate, records })) {
    const n = groupTotal(r);
    people += n;
    kids += r.boys + r.girls;
    if (!afghan.has(r.fmp) || r.direction !== 'out' || r.nationality !== 'AFG') continue;
    if (!(r.reasons.includes('deportation') || r.reasons.includes('return_home') || r.reasons.includes('other'))) continue;
    const y = r.date.slice(0, 4);
    returns[y]! += n * scale;
    if (y === '2024' && r.deported === 'yes') deported2024 += n * scale;
  }
  // [R1] about 1.2 M in 2024 (67 % deported) and about 1.8 M in 2025.
  assert.ok(Math.abs(returns['2024']! - 1_200_000) / 1_200_000 < 0.15, `2024: ${returns['2024']}`);
  assert.ok(Math.abs(returns['2025']! - 1_800_000) / 1_800_000 < 0.15, `2025: ${returns['2025']}`);
  const share = deported2024 / returns['2024']!;
  assert.ok(share > 0.6 && share < 0.74, `deported share ${share}`);
  assert.ok(kids / people > 0.15 && kids / people < 0.5, `children share ${kids / people}`);
});

test('speed: at least 300,000 records a second (target 500,000)', (t) => {
  const n = 500_000;
  const t0 = performance.now();
  let people = 0;
  for (const r of generateDemoRecords({ seed: 9, endDate, records: n })) people += r.men;
  const perSecond = n / ((performance.now() - t0) / 1000);
  t.diagnostic(`demo generator: ${Math.round(perSecond).toLocaleString('en')} records/s`);
  assert.ok(people > 0);
  assert.ok(perSecond > 300_000, `${Math.round(perSecond)} records/s`);
});
