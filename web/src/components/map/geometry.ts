// Small geometry helpers for map labels: where to put a polygon's name (a point well inside
// it, away from its edges — an approximate "pole of inaccessibility"), and bounds.

type Ring = number[][];
type PolygonCoords = Ring[];
export interface Geometry {
  type: string;
  coordinates: unknown;
}

function polygonsOf(g: Geometry): PolygonCoords[] {
  if (g.type === 'Polygon') return [g.coordinates as PolygonCoords];
  if (g.type === 'MultiPolygon') return g.coordinates as PolygonCoords[];
  return [];
}

function ringArea(r: Ring): number {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j]![0]! * r[i]![1]! - r[i]![0]! * r[j]![1]!) / 2;
  return Math.abs(a);
}

function inside(x: number, y: number, poly: PolygonCoords): boolean {
  let c = false;
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
    }
  }
  return c;
}

function segDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  let dx = bx - ax;
  let dy = by - ay;
  let x = ax;
  let y = ay;
  if (dx !== 0 || dy !== 0) {
    const t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      x = bx;
      y = by;
    } else if (t > 0) {
      x += dx * t;
      y += dy * t;
    }
  }
  dx = px - x;
  dy = py - y;
  return dx * dx + dy * dy;
}

function edgeDistance(x: number, y: number, poly: PolygonCoords): number {
  let min = Infinity;
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const d = segDist2(x, y, ring[j]![0]!, ring[j]![1]!, ring[i]![0]!, ring[i]![1]!);
      if (d < min) min = d;
    }
  }
  return Math.sqrt(min);
}

/** A point well inside the largest part of a (multi)polygon, for its label. */
export function labelPoint(g: Geometry): [number, number] | null {
  const polys = polygonsOf(g);
  if (!polys.length) return null;
  const poly = polys.reduce((best, p) => (ringArea(p[0]!) > ringArea(best[0]!) ? p : best));
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of poly[0]! as [number, number][]) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  let best: [number, number] = [(minX + maxX) / 2, (minY + maxY) / 2];
  let bestD = inside(best[0], best[1], poly) ? edgeDistance(best[0], best[1], poly) : -1;
  let step = Math.max(maxX - minX, maxY - minY) / 16;
  let cx = best[0], cy = best[1], half = Math.max(maxX - minX, maxY - minY) / 2;
  for (let round = 0; round < 4; round++) {
    for (let x = cx - half; x <= cx + half; x += step) {
      for (let y = cy - half; y <= cy + half; y += step) {
        if (!inside(x, y, poly)) continue;
        const d = edgeDistance(x, y, poly);
        if (d > bestD) {
          bestD = d;
          best = [x, y];
        }
      }
    }
    cx = best[0];
    cy = best[1];
    half = step * 1.5;
    step /= 4;
  }
  return best;
}

/** [[west, south], [east, north]] of a geometry. */
export function bounds(g: Geometry): [[number, number], [number, number]] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const poly of polygonsOf(g)) {
    for (const [x, y] of poly[0]! as [number, number][]) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return Number.isFinite(minX) ? [[minX, minY], [maxX, maxY]] : null;
}
