import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { suppressTable, type Cell } from './suppress.ts';

// An independent check, with exact rational arithmetic (BigInt), of what an attacker can solve:
// unknowns are the hidden values; each shown total gives one linear equation. A hidden value
// is recoverable iff adding "x = ?" as a row does not raise the rank of the system.
function rank(rows: bigint[][]): number {
  const m = rows.map((r) => [...r]);
  let rank = 0;
  const cols = m[0]?.length ?? 0;
  for (let c = 0; c < cols && rank < m.length; c++) {
    const sel = m.findIndex((r, i) => i >= rank && r[c] !== 0n);
    if (sel < 0) continue;
    [m[rank], m[sel]] = [m[sel]!, m[rank]!];
    for (let r = 0; r < m.length; r++) {
      if (r === rank || m[r]![c] === 0n) continue;
      const a = m[rank]![c]!, b = m[r]![c]!;
      m[r] = m[r]!.map((v, j) => v * a - m[rank]![j]! * b);
      const g = m[r]!.reduce((x, y) => gcd(x, y < 0n ? -y : y), 0n);
      if (g > 1n) m[r] = m[r]!.map((v) => v / g);
    }
    rank++;
  }
  return rank;
}
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

function recoverable(cells: Cell[], dims: number, t: ReturnType<typeof suppressTable>): string[] {
  // items: cells, margins, total
  type Item = { label: string; hidden: boolean; members: number[] | null };
  const items: Item[] = t.cells.map((c, i) => ({ label: 'cell ' + c.key.join('|'), hidden: c.count === null, members: null }));
  const eqs: { total: number; members: number[] }[] = [];
  for (const m of t.margins) {
    const members = cells.map((c, i) => (c.key[m.dim] === m.value ? i : -1)).filter((i) => i >= 0);
    items.push({ label: `margin ${m.dim}=${m.value}`, hidden: m.count === null, members });
    eqs.push({ total: items.length - 1, members });
  }
  items.push({ label: 'total', hidden: t.total === null, members: null });
  eqs.push({ total: items.length - 1, members: cells.map((_, i) => i) });
  const unknowns = items.map((it, i) => (it.hidden ? i : -1)).filter((i) => i >= 0);
  const col = new Map(unknowns.map((u, j) => [u, j]));
  const rows: bigint[][] = [];
  for (const e of eqs) {
    const r = new Array<bigint>(unknowns.length).fill(0n);
    let any = false;
    if (col.has(e.total)) (r[col.get(e.total)!] = 1n), (any = true);
    for (const m of e.members) if (col.has(m)) (r[col.get(m)!]! -= 1n), (any = true);
    if (any) rows.push(r);
  }
  const base = rows.length ? rank(rows) : 0;
  const out: string[] = [];
  for (const u of unknowns) {
    const e = new Array<bigint>(unknowns.length).fill(0n);
    e[col.get(u)!] = 1n;
    if (rank([...rows, e]) === base) out.push(items[u]!.label);
  }
  void dims;
  return out;
}

const tableArb = fc
  .record({ dims: fc.integer({ min: 1, max: 3 }), sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }), k: fc.integer({ min: 2, max: 11 }) })
  .chain(({ dims, sizes, k }) => {
    const keys: string[][] = [[]];
    for (let d = 0; d < dims; d++) {
      const next: string[][] = [];
      for (const kk of keys) for (let v = 0; v < sizes[d]!; v++) next.push([...kk, 'v' + v]);
      keys.splice(0, keys.length, ...next);
    }
    // Counts skewed to small numbers so that tables have many small cells, and zeros.
    return fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 60 })), { minLength: keys.length, maxLength: keys.length }).map((counts) => ({
      dims,
      k,
      cells: keys.map((key, i) => ({ key, count: counts[i]! })).filter((c) => c.count > 0),
    }));
  });

test('no suppressed cell or total can be computed from what is shown (random tables)', () => {
  fc.assert(
    fc.property(tableArb, ({ dims, k, cells }) => {
      const t = suppressTable(cells, dims, k);
      // primary: everything shown is at least k
      for (const c of t.cells) if (c.count !== null) assert.ok(c.count >= k, `shown cell ${c.count} < k=${k}`);
      for (const m of t.margins) if (m.count !== null) assert.ok(m.count >= k);
      if (t.total !== null && t.total !== 0) assert.ok(t.total >= k);
      // shown values are the true ones
      t.cells.forEach((c, i) => c.count !== null && assert.equal(c.count, cells[i]!.count));
      // secondary: nothing hidden is recoverable
      assert.deepEqual(recoverable(cells, dims, t), []);
    }),
    { numRuns: 400 },
  );
});

test('a 2×2 table with one small cell hides a whole rectangle or the totals', () => {
  const cells: Cell[] = [
    { key: ['a', 'x'], count: 3 },
    { key: ['a', 'y'], count: 20 },
    { key: ['b', 'x'], count: 30 },
    { key: ['b', 'y'], count: 40 },
  ];
  const t = suppressTable(cells, 2, 5);
  assert.equal(t.cells[0]!.count, null);
  assert.ok(t.cells.filter((c) => c.count === null).length >= 2, 'a lone hidden cell in a row would be its total minus the others');
  assert.deepEqual(recoverable(cells, 2, t), []);
});

test('one dimension: a single small cell beside a shown grand total takes another cell with it', () => {
  const t = suppressTable([{ key: ['a'], count: 2 }, { key: ['b'], count: 50 }, { key: ['c'], count: 9 }], 1, 5);
  assert.deepEqual(t.cells.map((c) => c.count), [null, 50, null]);
  assert.equal(t.total, 61);
});
