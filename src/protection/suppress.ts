// Statistical disclosure control for count tables: primary suppression of small cells and
// secondary suppression so that no suppressed value can be computed exactly from what is shown.
//
// What a table shows: its non-zero cells (a combination of dimension values missing from the
// list is zero), the total of each value of each dimension (row and column totals of a
// two-dimensional table), and the grand total. Each shown total is a linear equation over the
// cells; a suppressed value is recoverable when it is fixed by those equations, i.e. when its
// unit vector lies in the row space of the system. That is decided exactly per connected group
// of equations by Gaussian elimination (mod a large prime; coefficients are 0 and ±1), and
// secondary suppression adds the smallest shown cell (or, when none is left, the total) of an
// equation through a recoverable value until nothing is recoverable.
//
// Primary: any cell or total below k (and above zero) is suppressed.

export interface Cell {
  key: string[];
  count: number;
}

export interface SuppressedTable {
  k: number;
  cells: { key: string[]; count: number | null }[];
  /** Per dimension, the total of each value. */
  margins: { dim: number; value: string; count: number | null }[];
  total: number | null;
}

const P = 94906249; // prime, P² < 2^53

function mulmod(a: number, b: number) {
  return (a * b) % P;
}
function powmod(a: number, e: number) {
  let r = 1;
  a %= P;
  while (e > 0) {
    if (e & 1) r = mulmod(r, a);
    a = mulmod(a, a);
    e = Math.floor(e / 2);
  }
  return r;
}
const inv = (a: number) => powmod(a, P - 2);

/**
 * Which unknowns are fixed by the equations. Each equation is a list of [unknown, coefficient]
 * (the constant side does not matter). Returns the set of determined unknowns.
 */
export function determined(equations: [number, number][][], unknownCount: number): Set<number> {
  // Group equations into connected components over unknowns (union-find).
  const parent = Array.from({ length: unknownCount }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
  for (const eq of equations) for (let i = 1; i < eq.length; i++) parent[find(eq[i]![0])] = find(eq[0]![0]);
  const groups = new Map<number, [number, number][][]>();
  for (const eq of equations) {
    if (!eq.length) continue;
    const r = find(eq[0]![0]);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(eq);
  }
  const out = new Set<number>();
  for (const eqs of groups.values()) {
    const vars = [...new Set(eqs.flatMap((e) => e.map(([v]) => v)))];
    const col = new Map(vars.map((v, i) => [v, i]));
    const n = vars.length;
    const rows = eqs.map((e) => {
      const r = new Array<number>(n).fill(0);
      for (const [v, c] of e) r[col.get(v)!] = (r[col.get(v)!]! + ((c % P) + P)) % P;
      return r;
    });
    // Reduced row echelon form.
    const pivots: number[] = [];
    let rank = 0;
    for (let c = 0; c < n && rank < rows.length; c++) {
      let sel = -1;
      for (let r = rank; r < rows.length; r++) if (rows[r]![c] !== 0) { sel = r; break; }
      if (sel < 0) continue;
      [rows[rank], rows[sel]] = [rows[sel]!, rows[rank]!];
      const pr = rows[rank]!;
      const f = inv(pr[c]!);
      for (let j = c; j < n; j++) pr[j] = mulmod(pr[j]!, f);
      for (let r = 0; r < rows.length; r++) {
        if (r === rank) continue;
        const row = rows[r]!;
        const m = row[c]!;
        if (m === 0) continue;
        for (let j = c; j < n; j++) if (pr[j] !== 0) row[j] = (row[j]! - mulmod(m, pr[j]!) + P) % P;
      }
      pivots.push(c);
      rank++;
    }
    for (let r = 0; r < rank; r++) {
      const row = rows[r]!;
      let nz = 0;
      for (let j = 0; j < n && nz < 2; j++) if (row[j] !== 0) nz++;
      if (nz === 1) out.add(vars[pivots[r]!]!);
    }
  }
  return out;
}

/**
 * Suppresses a table of non-zero cells over `dims` dimensions with threshold k. Cells must have
 * distinct keys of length dims.
 */
export function suppressTable(input: Cell[], dims: number, k: number): SuppressedTable {
  const cells = input.filter((c) => c.count > 0);
  // Items: cells 0..n-1, then margins, then the grand total. Each is shown or suppressed.
  const n = cells.length;
  const marginIndex = new Map<string, number>();
  const margins: { dim: number; value: string; count: number; members: number[] }[] = [];
  if (dims >= 2) {
    cells.forEach((c, i) => {
      for (let d = 0; d < dims; d++) {
        const mk = d + '\u0000' + c.key[d];
        let m = marginIndex.get(mk);
        if (m === undefined) {
          m = margins.length;
          marginIndex.set(mk, m);
          margins.push({ dim: d, value: c.key[d]!, count: 0, members: [] });
        }
        margins[m]!.count += c.count;
        margins[m]!.members.push(i);
      }
    });
  }
  const totalItem = n + margins.length;
  const count = (item: number) => (item < n ? cells[item]!.count : item < totalItem ? margins[item - n]!.count : cells.reduce((s, c) => s + c.count, 0));
  const itemCount = totalItem + 1;
  const suppressed = new Array<boolean>(itemCount).fill(false);
  for (let i = 0; i < itemCount; i++) {
    const c = count(i);
    if (c > 0 && c < k) suppressed[i] = true;
  }
  // Equations: each margin = Σ its cells; the grand total = Σ all cells.
  const equations: { total: number; members: number[] }[] = margins.map((m, i) => ({ total: n + i, members: m.members }));
  equations.push({ total: totalItem, members: cells.map((_, i) => i) });
  // Per cell, the equations it is in (for choosing where to add a suppression).
  const eqsOf: number[][] = Array.from({ length: itemCount }, () => []);
  equations.forEach((e, ei) => {
    eqsOf[e.total]!.push(ei);
    for (const m of e.members) eqsOf[m]!.push(ei);
  });

  for (let guard = 0; guard < itemCount + 1; guard++) {
    const unknown = new Map<number, number>(); // item -> unknown index
    for (let i = 0; i < itemCount; i++) if (suppressed[i]) unknown.set(i, unknown.size);
    if (!unknown.size) break;
    const system: [number, number][][] = [];
    for (const e of equations) {
      const terms: [number, number][] = [];
      if (suppressed[e.total]) terms.push([unknown.get(e.total)!, 1]);
      for (const m of e.members) if (suppressed[m]) terms.push([unknown.get(m)!, -1]);
      if (terms.length) system.push(terms);
    }
    const fixed = determined(system, unknown.size);
    if (!fixed.size) break;
    const byIndex = [...unknown.keys()];
    // For every recoverable value, hide one more item of an equation through it: the smallest
    // shown cell there, else that equation's total, else any shown item. All in one round.
    const add = new Set<number>();
    for (const u of fixed) {
      const target = byIndex[u]!;
      let best: number | null = null;
      for (const ei of eqsOf[target]!) {
        for (const m of equations[ei]!.members) {
          if (suppressed[m] || m === target) continue;
          if (best === null || count(m) < count(best)) best = m;
        }
      }
      if (best === null) for (const ei of eqsOf[target]!) if (!suppressed[equations[ei]!.total] && count(equations[ei]!.total) > 0) { best = equations[ei]!.total; break; }
      if (best === null) for (let i = 0; i < itemCount; i++) if (!suppressed[i] && count(i) > 0) { best = i; break; }
      if (best !== null) add.add(best);
    }
    if (!add.size) break; // everything is hidden already
    for (const a of add) suppressed[a] = true;
  }

  return {
    k,
    cells: cells.map((c, i) => ({ key: c.key, count: suppressed[i] ? null : c.count })),
    margins: margins.map((m, i) => ({ dim: m.dim, value: m.value, count: suppressed[n + i] ? null : m.count })),
    total: suppressed[totalItem] ? null : count(totalItem),
  };
}
