// Deterministic generator of SYNTHETIC Flow Monitoring Registry records, for demos,
// benchmarks and tests. Every record carries note = "SYNTHETIC". Nothing here is real data.
//
// Shape: two years (by default) ending at a given date, at six FMPs — Dogharoun, Milak,
// Mahirud (Afghanistan), Mirjaveh (Pakistan), Mehran (Iraq), Bazargan (Türkiye) — with a
// weekly rhythm, the Arbaeen peak at Mehran, Nowruz travel at Bazargan, and the July 2025
// surge of returns at Dogharoun.
//
// Figures used (sources in shared/reference/README.md and shared/research/flow-monitoring.md):
//  [R1] Afghanistan returns from Iran: about 1.2 million in 2024, 67 % deported; about
//       1.8 million in 2025 (shared/reference/README.md).
//  [R2] Peaks of 40,000–50,000 crossings a day at Dogharoun/Islam Qala in July 2025
//       (reference README; research §4 "Islam Qala peaked at 43,000–50,000 people a day").
//  [R3] Planned capacity at Dogharoun/Islam Qala 7,000–10,000 a day (design/PRODUCT.md).
//  [R4] Arbaeen: about 3.5 million land exits Iran→Iraq in 2024, 46 % through Mehran;
//       Mehran handled about 220,000 crossings in one 24-hour period in August 2025.
//  [R5] FMR unit = the group travelling together, typically a household (research §1.2);
//       data collected daily in working hours, e.g. 6 am–6 pm (Burundi, research §1.2).
//  [R6] Traffic is diverted to Milak when Islam Qala closes (research/exercises.md).
// Everything else (baseline volumes at the other FMPs, nationality, sex/age, transport and
// reason mixes, weekly factors, vulnerability rates, capacities other than Dogharoun's) is
// a plausible ASSUMPTION for demonstration, marked as such below.
//
// Volume: `records` groups in total (up to 10 million or more). The generator keeps a small
// plan (one number per day × stream) and draws each record on the fly, so memory does not
// grow with the volume. Records come out in date order.

import { addDays, epochDay, isoFromEpochDay, jalaliToIso, todayIso } from '../platform/calendar.ts';
import type { Deported, Direction, FmrRecord, Reason, Transport } from './format.ts';
import type { FmpInfo } from './validate.ts';

export const DEMO_NOTE = 'SYNTHETIC';

// ---------------------------------------------------------------------------
// PRNG

/** mulberry32: a small, fast 32-bit PRNG. Returns a function giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Same sequence as mulberry32, but returning raw unsigned 32-bit integers. */
function mulberry32u(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A random (version 4, RFC 9562 variant) UUID from four 32-bit integers. */
function uuidFrom(a: number, b: number, c: number, d: number): string {
  b = (b & 0xffff0fff) | 0x4000; // version 4
  c = (c & 0x3fffffff) | 0x80000000; // variant 10xx
  return (
    HEX[a >>> 24]! + HEX[(a >>> 16) & 255]! + HEX[(a >>> 8) & 255]! + HEX[a & 255]! + '-' +
    HEX[b >>> 24]! + HEX[(b >>> 16) & 255]! + '-' + HEX[(b >>> 8) & 255]! + HEX[b & 255]! + '-' +
    HEX[c >>> 24]! + HEX[(c >>> 16) & 255]! + '-' + HEX[(c >>> 8) & 255]! + HEX[c & 255]! +
    HEX[d >>> 24]! + HEX[(d >>> 16) & 255]! + HEX[(d >>> 8) & 255]! + HEX[d & 255]!
  );
}

// ---------------------------------------------------------------------------
// Weighted tables

interface Table<T> {
  values: readonly T[];
  cum: Float64Array; // cumulative probabilities, last = 1
}

function table<T>(entries: readonly (readonly [T, number])[]): Table<T> {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const cum = new Float64Array(entries.length);
  let acc = 0;
  entries.forEach(([, w], i) => (cum[i] = acc += w / total));
  cum[entries.length - 1] = 1;
  return { values: entries.map(([v]) => v), cum };
}

function pick<T>(t: Table<T>, r: number): T {
  const cum = t.cum;
  let i = 0;
  while (r >= cum[i]!) i++;
  return t.values[i]!;
}

// ---------------------------------------------------------------------------
// FMPs and capacities

export type DemoFmpCode = 'dogharoun' | 'milak' | 'mahirud' | 'mirjaveh' | 'mehran' | 'bazargan';

export interface DemoFmp {
  code: DemoFmpCode;
  name_en: string;
  name_fa: string;
  province_iso: string;
  neighbour_iso3: string;
  /** People per day the crossing can process (see demoFmpCapacities). */
  capacity: number;
  capacity_basis: string;
}

/** The six demo FMPs (ids, names and provinces from shared/reference/iran-geo.json). */
export const DEMO_FMPS: readonly DemoFmp[] = [
  { code: 'dogharoun', name_en: 'Dogharoun', name_fa: 'دوغارون', province_iso: 'IR-09', neighbour_iso3: 'AFG', capacity: 10_000, capacity_basis: 'planned capacity 7,000–10,000 a day at Dogharoun/Islam Qala (design/PRODUCT.md) [R3]' },
  { code: 'milak', name_en: 'Milak', name_fa: 'میلک', province_iso: 'IR-11', neighbour_iso3: 'AFG', capacity: 5_000, capacity_basis: 'ASSUMPTION for the demo' },
  { code: 'mahirud', name_en: 'Mahirud', name_fa: 'ماهیرود', province_iso: 'IR-29', neighbour_iso3: 'AFG', capacity: 1_500, capacity_basis: 'ASSUMPTION for the demo' },
  { code: 'mirjaveh', name_en: 'Mirjaveh', name_fa: 'میرجاوه', province_iso: 'IR-11', neighbour_iso3: 'PAK', capacity: 6_000, capacity_basis: 'ASSUMPTION for the demo' },
  { code: 'mehran', name_en: 'Mehran', name_fa: 'مهران', province_iso: 'IR-16', neighbour_iso3: 'IRQ', capacity: 150_000, capacity_basis: 'ASSUMPTION for the demo; Mehran handled about 220,000 crossings in one 24-hour period in August 2025 [R4], beyond this figure' },
  { code: 'bazargan', name_en: 'Bazargan', name_fa: 'بازرگان', province_iso: 'IR-04', neighbour_iso3: 'TUR', capacity: 12_000, capacity_basis: 'ASSUMPTION for the demo' },
];

/** People per day each demo FMP can process. Only Dogharoun's figure is sourced [R3]. */
export const demoFmpCapacities: Readonly<Record<DemoFmpCode, number>> = Object.fromEntries(
  DEMO_FMPS.map((f) => [f.code, f.capacity]),
) as Record<DemoFmpCode, number>;

/** The demo FMPs as a validation registry (all operating throughout). */
export function demoFmpRegistry(): FmpInfo[] {
  return DEMO_FMPS.map((f) => ({ code: f.code, opened: '2000-01-01' }));
}

// ---------------------------------------------------------------------------
// Group models (sex/age composition). ASSUMPTIONS, in line with the FMR practice of
// counting households [R5]: deportees are mostly single adult men; spontaneous returnees
// travel as families; pilgrims in family groups with more elderly people.

type GroupModel = 'deportee' | 'family' | 'traveller' | 'pilgrim' | 'trader';

// Probability of a group size 1..8.
const SIZE_TABLES: Record<GroupModel, Table<number>> = {
  deportee: table([[1, 78], [2, 11], [3, 5], [4, 3], [5, 2], [6, 1]]),
  family: table([[1, 16], [2, 10], [3, 12], [4, 14], [5, 15], [6, 13], [7, 11], [8, 9]]),
  traveller: table([[1, 46], [2, 20], [3, 12], [4, 10], [5, 6], [6, 4], [7, 1], [8, 1]]),
  pilgrim: table([[1, 14], [2, 22], [3, 16], [4, 18], [5, 13], [6, 9], [7, 5], [8, 3]]),
  trader: table([[1, 80], [2, 20]]),
};

function meanSize(t: Table<number>): number {
  let prev = 0, m = 0;
  t.values.forEach((v, i) => {
    m += v * (t.cum[i]! - prev);
    prev = t.cum[i]!;
  });
  return m;
}

interface Composition {
  men: number;
  women: number;
  boys: number;
  girls: number;
  uasc: number;
}

/** Splits a group of `size` people into men/women/boys/girls. Mutates and returns `out`. */
function compose(model: GroupModel, size: number, rand: () => number, out: Composition): Composition {
  out.men = out.women = out.boys = out.girls = out.uasc = 0;
  if (size === 1) {
    const r = rand();
    if (model === 'trader') out.men = r < 0.97 ? 1 : (out.women = 1, 0);
    else if (model === 'deportee') {
      // ASSUMPTION: ~2 % of deported single travellers are unaccompanied boys.
      if (r < 0.96) out.men = 1;
      else if (r < 0.98) (out.boys = 1), (out.uasc = 1);
      else out.women = 1;
    } else if (model === 'family') {
      if (r < 0.84) out.men = 1;
      else if (r < 0.95) out.women = 1;
      else if (r < 0.985) (out.boys = 1), (out.uasc = 1);
      else (out.girls = 1), (out.uasc = 1);
    } else out.men = r < 0.72 ? 1 : (out.women = 1, 0);
    return out;
  }
  if (model === 'trader' || (model === 'deportee' && rand() < 0.55) || (model === 'traveller' && size <= 3 && rand() < 0.45)) {
    // A group of adult men (workers, drivers, deportees picked up together).
    out.men = size;
    return out;
  }
  // A household: one or two adults, maybe an elderly parent, children.
  let left = size;
  if (rand() < 0.9) out.men++;
  else out.women++;
  left--;
  if (rand() < 0.82) {
    if (out.men) out.women++;
    else out.men++;
    left--;
  }
  const extraAdultP = model === 'pilgrim' ? 0.55 : model === 'traveller' ? 0.35 : 0.12;
  while (left > 0 && rand() < extraAdultP) {
    if (rand() < 0.5) out.men++;
    else out.women++;
    left--;
  }
  while (left > 0) {
    if (rand() < 0.51) out.boys++;
    else out.girls++;
    left--;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Places and mixes (ASSUMPTIONS unless cited)

type Place = readonly [country: string, admin1: string | null];

// Iranian provinces where Afghan returnees lived (ASSUMPTION, weights by population of
// Afghans in Iran as commonly reported: Tehran first).
const IR_AFGHAN_HOSTS: Table<Place> = table<Place>([
  [['IRN', 'IR-23'], 28], [['IRN', 'IR-09'], 15], [['IRN', 'IR-10'], 12], [['IRN', 'IR-08'], 8], [['IRN', 'IR-07'], 7],
  [['IRN', 'IR-25'], 7], [['IRN', 'IR-30'], 6], [['IRN', 'IR-21'], 5], [['IRN', 'IR-11'], 4], [['IRN', 'IR-20'], 3],
  [['IRN', 'IR-00'], 3], [['IRN', null], 2],
]);
const AF_NORTH_WEST: Table<Place> = table<Place>([
  [['AFG', 'AF-HER'], 30], [['AFG', 'AF-KAB'], 18], [['AFG', 'AF-BAL'], 8], [['AFG', 'AF-KAN'], 6], [['AFG', 'AF-GHA'], 6],
  [['AFG', 'AF-FYB'], 5], [['AFG', 'AF-BDG'], 5], [['AFG', 'AF-GHO'], 5], [['AFG', 'AF-DAY'], 4], [['AFG', 'AF-TAK'], 3],
  [['AFG', 'AF-FRA'], 4], [['AFG', 'AF-HEL'], 3], [['AFG', null], 3],
]);
const AF_SOUTH: Table<Place> = table<Place>([
  [['AFG', 'AF-NIM'], 22], [['AFG', 'AF-HEL'], 18], [['AFG', 'AF-KAN'], 16], [['AFG', 'AF-FRA'], 12], [['AFG', 'AF-KAB'], 10],
  [['AFG', 'AF-HER'], 8], [['AFG', 'AF-URU'], 5], [['AFG', 'AF-ZAB'], 5], [['AFG', null], 4],
]);
const IR_EAST: Table<Place> = table<Place>([[['IRN', 'IR-09'], 40], [['IRN', 'IR-23'], 25], [['IRN', 'IR-11'], 10], [['IRN', 'IR-29'], 10], [['IRN', 'IR-25'], 10], [['IRN', null], 5]]);
const IR_PILGRIM_HOMES: Table<Place> = table<Place>([
  [['IRN', 'IR-23'], 22], [['IRN', 'IR-10'], 9], [['IRN', 'IR-09'], 9], [['IRN', 'IR-05'], 8], [['IRN', 'IR-16'], 6], [['IRN', 'IR-06'], 8],
  [['IRN', 'IR-15'], 6], [['IRN', 'IR-13'], 5], [['IRN', 'IR-07'], 6], [['IRN', 'IR-30'], 5], [['IRN', 'IR-25'], 5], [['IRN', 'IR-03'], 5], [['IRN', null], 6],
]);
const IQ_SHRINES: Table<Place> = table<Place>([[['IRQ', 'IQ-KA'], 70], [['IRQ', 'IQ-NA'], 18], [['IRQ', 'IQ-BG'], 6], [['IRQ', 'IQ-WA'], 6]]);
const IQ_HOMES: Table<Place> = table<Place>([[['IRQ', 'IQ-BG'], 30], [['IRQ', 'IQ-WA'], 20], [['IRQ', 'IQ-BA'], 20], [['IRQ', 'IQ-KA'], 10], [['IRQ', 'IQ-NA'], 10], [['IRQ', 'IQ-DI'], 10]]);
const IR_FOR_IRAQIS: Table<Place> = table<Place>([[['IRN', 'IR-09'], 40], [['IRN', 'IR-25'], 25], [['IRN', 'IR-23'], 15], [['IRN', 'IR-16'], 10], [['IRN', 'IR-05'], 10]]);
const PK_PLACES: Table<Place> = table<Place>([[['PAK', 'PK-BA'], 40], [['PAK', 'PK-SD'], 25], [['PAK', 'PK-PB'], 25], [['PAK', 'PK-KP'], 10]]);
const IR_FOR_PAKISTANIS: Table<Place> = table<Place>([[['IRN', 'IR-11'], 35], [['IRN', 'IR-09'], 30], [['IRN', 'IR-25'], 20], [['IRN', 'IR-23'], 15]]);
const TR_PLACES: Table<Place> = table<Place>([[['TUR', 'TR-34'], 40], [['TUR', 'TR-06'], 12], [['TUR', 'TR-65'], 18], [['TUR', 'TR-07'], 15], [['TUR', 'TR-35'], 10], [['TUR', 'TR-04'], 5]]);
const IR_NORTH_WEST: Table<Place> = table<Place>([[['IRN', 'IR-03'], 30], [['IRN', 'IR-04'], 20], [['IRN', 'IR-23'], 35], [['IRN', 'IR-30'], 5], [['IRN', 'IR-10'], 5], [['IRN', null], 5]]);

const R = <T extends Reason[]>(...r: T): readonly Reason[] => Object.freeze(r);
const REASONS_DEPORTED = table([[R('deportation'), 1]]);
const REASONS_RETURN = table([[R('return_home'), 58], [R('return_home', 'economic'), 24], [R('return_home', 'family_reunification'), 10], [R('conflict_insecurity', 'return_home'), 3], [R('other'), 5]]);
const REASONS_AFG_IN = table([[R('economic'), 36], [R('seasonal_work'), 16], [R('family_reunification'), 15], [R('health'), 14], [R('education'), 9], [R('tourism_pilgrimage'), 6], [R('other'), 4]]);
const REASONS_AFG_OUT_OTHER = table([[R('family_reunification'), 30], [R('economic'), 48], [R('health'), 4], [R('other'), 18]]);
const REASONS_PILGRIM = table([[R('tourism_pilgrimage'), 1]]);
const REASONS_MEHRAN = table([[R('tourism_pilgrimage'), 52], [R('economic'), 33], [R('health'), 10], [R('family_reunification'), 5]]);
const REASONS_MIRJAVEH = table([[R('tourism_pilgrimage'), 38], [R('economic'), 40], [R('seasonal_work'), 10], [R('family_reunification'), 8], [R('health'), 4]]);
const REASONS_BAZARGAN = table([[R('tourism_pilgrimage'), 55], [R('economic'), 30], [R('family_reunification'), 10], [R('education'), 5]]);

const T = (entries: [Transport, number][]) => table<Transport>(entries);
const TRANSPORT_DEPORTEE = T([['bus', 86], ['on_foot', 12], ['truck', 2]]);
const TRANSPORT_RETURN = T([['bus', 52], ['taxi', 15], ['car', 14], ['truck', 7], ['on_foot', 12]]);
const TRANSPORT_TRAVEL = T([['car', 33], ['bus', 27], ['taxi', 20], ['truck', 14], ['on_foot', 6]]);
const TRANSPORT_PILGRIM = T([['bus', 40], ['on_foot', 35], ['car', 15], ['taxi', 10]]);
const TRANSPORT_MIRJAVEH = T([['bus', 40], ['car', 18], ['truck', 20], ['taxi', 12], ['train', 10]]);

const N = (entries: [string, number][]) => table<string>(entries);

// ---------------------------------------------------------------------------
// Streams: one kind of movement at one FMP in one direction.

interface DayContext {
  iso: string;
  /** Days since 1970-01-01. */
  day: number;
  /** 0 = Sunday … 5 = Friday, 6 = Saturday. */
  dow: number;
  /** Days from this year's Arbaeen (negative before). */
  arbaeen: number;
  /** Days from the nearest Nowruz (1 Farvardin). */
  nowruz: number;
}

interface Stream {
  fmp: DemoFmpCode;
  direction: Direction;
  model: GroupModel;
  deported: Deported;
  nationality: Table<string>;
  transport: Table<Transport>;
  reasons: Table<readonly Reason[]>;
  origin: Table<Place>;
  destination: Table<Place>;
  /** Expected people per day on this day (before noise). */
  people: (c: DayContext) => number;
  /** Daily noise (sd of the log factor), fixed or per day. */
  noise: number | ((c: DayContext) => number);
}

// Weekly rhythm (ASSUMPTION): Friday is Iran's weekend; offices, transport and trade slow.
const WEEK_TRAVEL = [1.0, 1.0, 1.0, 1.0, 0.9, 0.6, 1.1]; // Sun..Sat
const WEEK_DEPORT = [1.05, 1.05, 1.05, 1.05, 0.95, 0.7, 1.15];

// [R1] Afghan returns from Iran (all three Afghan crossings): 1.2 M in 2024 ⇒ ~3,300 a day;
// 67 % deported. Split across crossings (ASSUMPTION): Dogharoun 62 %, Milak 33 %, Mahirud 5 %.
const AFG_RETURNS_PER_DAY = 1_200_000 / 366;
const DEPORTED_SHARE = 0.67;
const RETURN_SPLIT: Record<'dogharoun' | 'milak' | 'mahirud', number> = { dogharoun: 0.62, milak: 0.33, mahirud: 0.05 };

/**
 * Returns per day at Dogharoun during the mid-2025 surge (total, including the baseline),
 * or 0 outside it. [R2]: days of 40,000–50,000 in July 2025 against a capacity of
 * 7,000–10,000 [R3]. The ramp and tail are an ASSUMPTION calibrated so that 2025 totals come
 * to about 1.8 M returns [R1]. `r` is a per-day uniform draw for the peak level.
 */
function surgeDogharoun(iso: string, r: number): number {
  const lerp = (from: string, to: string, a: number, b: number) => {
    const t = (epochDay(iso) - epochDay(from)) / Math.max(1, epochDay(to) - epochDay(from));
    return a + (b - a) * t;
  };
  if (iso < '2025-06-24' || iso > '2025-08-05') return 0;
  if (iso <= '2025-06-30') return lerp('2025-06-24', '2025-06-30', 3_000, 18_000);
  // The peak days: returns of 38,500–45,500, so that with the other outflows and the daily
  // noise the FMP's total stays within the reported 40,000–50,000.
  if (iso <= '2025-07-06') return 38_500 + 7_000 * r;
  if (iso <= '2025-07-16') return lerp('2025-07-07', '2025-07-16', 30_000, 8_000);
  return lerp('2025-07-17', '2025-08-05', 8_000, 2_500);
}

function gaussian(x: number, mu: number, sd: number): number {
  const z = (x - mu) / sd;
  return Math.exp(-0.5 * z * z);
}

// [R4] Arbaeen at Mehran: 3.5 M × 46 % ≈ 1.61 M exits in the ~15 days before Arbaeen
// (peak ~3 days before, about 200,000 a day — the order of the 220,000 reported for one
// 24-hour period in August 2025); returns in the ~2 weeks after, peaking 2–3 days after
// (ASSUMPTION: 95 % return through Mehran). The same volume is assumed every year.
const ARBAEEN_MEHRAN_EXITS = 3_500_000 * 0.46;
const ARBAEEN_OUT_SHAPE = normalisedShape(-15, -1, (k) => gaussian(k, -3, 4.5));
const ARBAEEN_IN_SHAPE = normalisedShape(0, 14, (k) => gaussian(k, 2.5, 3.5));

function normalisedShape(from: number, to: number, f: (k: number) => number): (k: number) => number {
  let total = 0;
  for (let k = from; k <= to; k++) total += f(k);
  return (k) => (k < from || k > to ? 0 : f(k) / total);
}

// ASSUMPTION: Nowruz holidays send Iranian tourists to Türkiye: outflow ×2.5 in the week
// before and first days of Nowruz, return flow ×2.5 in the second week.
const nowruzOut = (d: number) => (d >= -6 && d <= 4 ? 2.5 : 1);
const nowruzIn = (d: number) => (d >= 5 && d <= 14 ? 2.5 : 1);
const summer = (iso: string) => {
  const m = +iso.slice(5, 7);
  return m === 7 || m === 8 ? 1.3 : 1;
};

function buildStreams(surgeDraw: (iso: string) => number): Stream[] {
  const streams: Stream[] = [];
  const AFG_ONLY = N([['AFG', 1]]);

  // Afghan border: returns (deported and spontaneous), other outflows, inflows.
  for (const fmp of ['dogharoun', 'milak', 'mahirud'] as const) {
    const share = RETURN_SPLIT[fmp];
    const dest = fmp === 'dogharoun' ? AF_NORTH_WEST : AF_SOUTH;
    // The surge mostly hit Dogharoun; Milak took ~10 % of Dogharoun's extra (ASSUMPTION, cf. [R6]).
    const surgeExtra = (c: DayContext) => {
      const s = surgeDogharoun(c.iso, surgeDraw(c.iso));
      if (s === 0) return 0;
      const extra = Math.max(0, s - AFG_RETURNS_PER_DAY * RETURN_SPLIT.dogharoun);
      return fmp === 'dogharoun' ? extra : fmp === 'milak' ? extra * 0.1 : 0;
    };
    // The weekly rhythm applies to the baseline; surge days have their own drawn level.
    const returns = (c: DayContext, week: readonly number[]) => AFG_RETURNS_PER_DAY * share * week[c.dow]! + surgeExtra(c);
    // Less day-to-day noise during the surge, whose daily levels are already drawn.
    const returnNoise = (c: DayContext) => (surgeExtra(c) > 0 ? 0.03 : 0.2);
    streams.push({
      fmp, direction: 'out', model: 'deportee', deported: 'yes', nationality: AFG_ONLY, transport: TRANSPORT_DEPORTEE,
      reasons: REASONS_DEPORTED, origin: IR_AFGHAN_HOSTS, destination: dest, noise: returnNoise,
      people: (c) => returns(c, WEEK_DEPORT) * DEPORTED_SHARE,
    });
    streams.push({
      fmp, direction: 'out', model: 'family', deported: 'no', nationality: AFG_ONLY, transport: TRANSPORT_RETURN,
      reasons: REASONS_RETURN, origin: IR_AFGHAN_HOSTS, destination: dest, noise: returnNoise,
      people: (c) => returns(c, WEEK_TRAVEL) * (1 - DEPORTED_SHARE),
    });
    // ASSUMPTION: other crossings (visa holders, traders, Iranians) at 1/3 of Dogharoun's return volume.
    const scale = fmp === 'dogharoun' ? 1 : fmp === 'milak' ? 0.5 : 0.08;
    streams.push({
      fmp, direction: 'out', model: 'traveller', deported: 'no', nationality: N([['AFG', 60], ['IRN', 38], ['PAK', 2]]), transport: TRANSPORT_TRAVEL,
      reasons: REASONS_AFG_OUT_OTHER, origin: IR_EAST, destination: dest, noise: 0.15,
      people: (c) => 1_000 * scale * WEEK_TRAVEL[c.dow]!,
    });
    streams.push({
      fmp, direction: 'in', model: 'traveller', deported: 'no', nationality: N([['AFG', 85], ['IRN', 14], ['PAK', 1]]), transport: TRANSPORT_TRAVEL,
      reasons: REASONS_AFG_IN, origin: dest, destination: IR_EAST, noise: 0.15,
      people: (c) => 2_000 * scale * WEEK_TRAVEL[c.dow]!,
    });
  }

  // Mehran (Iraq): year-round traffic plus Arbaeen [R4].
  streams.push({
    fmp: 'mehran', direction: 'out', model: 'traveller', deported: 'no', nationality: N([['IRN', 85], ['IRQ', 12], ['AFG', 2], ['PAK', 1]]),
    transport: TRANSPORT_TRAVEL, reasons: REASONS_MEHRAN, origin: IR_PILGRIM_HOMES, destination: IQ_SHRINES, noise: 0.15,
    people: (c) => 2_500 * WEEK_TRAVEL[c.dow]!,
  });
  streams.push({
    fmp: 'mehran', direction: 'in', model: 'traveller', deported: 'no', nationality: N([['IRQ', 60], ['IRN', 38], ['AFG', 1], ['PAK', 1]]),
    transport: TRANSPORT_TRAVEL, reasons: REASONS_MEHRAN, origin: IQ_HOMES, destination: IR_FOR_IRAQIS, noise: 0.15,
    people: (c) => 2_500 * WEEK_TRAVEL[c.dow]!,
  });
  const PILGRIMS = N([['IRN', 92], ['AFG', 5], ['PAK', 2], ['AZE', 1]]);
  streams.push({
    fmp: 'mehran', direction: 'out', model: 'pilgrim', deported: 'no', nationality: PILGRIMS, transport: TRANSPORT_PILGRIM,
    reasons: REASONS_PILGRIM, origin: IR_PILGRIM_HOMES, destination: IQ_SHRINES, noise: 0.08,
    people: (c) => ARBAEEN_MEHRAN_EXITS * ARBAEEN_OUT_SHAPE(c.arbaeen),
  });
  streams.push({
    fmp: 'mehran', direction: 'in', model: 'pilgrim', deported: 'no', nationality: PILGRIMS, transport: TRANSPORT_PILGRIM,
    reasons: REASONS_PILGRIM, origin: IQ_SHRINES, destination: IR_PILGRIM_HOMES, noise: 0.08,
    people: (c) => ARBAEEN_MEHRAN_EXITS * 0.95 * ARBAEEN_IN_SHAPE(c.arbaeen),
  });

  // Mirjaveh (Pakistan): ASSUMPTION throughout; Pakistani pilgrims bound for Iraq arrive in
  // the weeks before Arbaeen; a small stream of deportations of Pakistanis.
  streams.push({
    fmp: 'mirjaveh', direction: 'in', model: 'traveller', deported: 'no', nationality: N([['PAK', 85], ['IRN', 10], ['AFG', 5]]),
    transport: TRANSPORT_MIRJAVEH, reasons: REASONS_MIRJAVEH, origin: PK_PLACES, destination: IR_FOR_PAKISTANIS, noise: 0.15,
    people: (c) => 1_200 * WEEK_TRAVEL[c.dow]! + (c.arbaeen >= -25 && c.arbaeen <= -10 ? 2_500 : 0),
  });
  streams.push({
    fmp: 'mirjaveh', direction: 'out', model: 'traveller', deported: 'no', nationality: N([['PAK', 70], ['IRN', 25], ['AFG', 5]]),
    transport: TRANSPORT_MIRJAVEH, reasons: REASONS_MIRJAVEH, origin: IR_FOR_PAKISTANIS, destination: PK_PLACES, noise: 0.15,
    people: (c) => 1_200 * WEEK_TRAVEL[c.dow]! + (c.arbaeen >= 5 && c.arbaeen <= 25 ? 1_800 : 0),
  });
  streams.push({
    fmp: 'mirjaveh', direction: 'out', model: 'deportee', deported: 'yes', nationality: N([['PAK', 1]]),
    transport: TRANSPORT_DEPORTEE, reasons: REASONS_DEPORTED, origin: IR_FOR_PAKISTANIS, destination: PK_PLACES, noise: 0.3,
    people: (c) => 150 * WEEK_DEPORT[c.dow]!,
  });

  // Bazargan (Türkiye): ASSUMPTION; tourism with Nowruz and summer peaks, trade.
  streams.push({
    fmp: 'bazargan', direction: 'out', model: 'traveller', deported: 'no', nationality: N([['IRN', 80], ['TUR', 15], ['AZE', 2], ['IRQ', 1.5], ['AFG', 1.5]]),
    transport: TRANSPORT_TRAVEL, reasons: REASONS_BAZARGAN, origin: IR_NORTH_WEST, destination: TR_PLACES, noise: 0.12,
    people: (c) => 3_000 * WEEK_TRAVEL[c.dow]! * nowruzOut(c.nowruz) * summer(c.iso),
  });
  streams.push({
    fmp: 'bazargan', direction: 'in', model: 'traveller', deported: 'no', nationality: N([['IRN', 70], ['TUR', 25], ['AZE', 2], ['IRQ', 1.5], ['AFG', 1.5]]),
    transport: TRANSPORT_TRAVEL, reasons: REASONS_BAZARGAN, origin: TR_PLACES, destination: IR_NORTH_WEST, noise: 0.12,
    people: (c) => 3_000 * WEEK_TRAVEL[c.dow]! * nowruzIn(c.nowruz) * summer(c.iso),
  });
  streams.push({
    fmp: 'bazargan', direction: 'out', model: 'trader', deported: 'no', nationality: N([['TUR', 55], ['IRN', 45]]),
    transport: T([['truck', 1]]), reasons: table([[R('economic'), 1]]), origin: IR_NORTH_WEST, destination: TR_PLACES, noise: 0.1,
    people: (c) => (c.dow === 5 ? 150 : 600),
  });
  return streams;
}

// ---------------------------------------------------------------------------
// Calendar events

/** Gregorian dates of Arbaeen (20 Safar) from the Umm al-Qura calendar (±1 day of Iraq's). */
function arbaeenDates(fromYear: number, toYear: number): number[] {
  const fmt = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura', { timeZone: 'UTC', month: 'numeric', day: 'numeric' });
  const out: number[] = [];
  for (let y = fromYear; y <= toYear; y++) {
    // Safar 20 falls in one Gregorian year at most once; scan the year.
    const start = epochDay(`${y}-01-01`);
    const end = epochDay(`${y}-12-31`);
    for (let d = start; d <= end; d++) {
      const parts = fmt.formatToParts(new Date(d * 86_400_000));
      let month = '', day = '';
      for (const p of parts) {
        if (p.type === 'month') month = p.value;
        else if (p.type === 'day') day = p.value;
      }
      if (month === '2' && day === '20') {
        out.push(d);
        d += 300;
      }
    }
  }
  return out;
}

function nowruzDates(fromYear: number, toYear: number): number[] {
  const out: number[] = [];
  for (let y = fromYear; y <= toYear; y++) out.push(epochDay(jalaliToIso(y - 621, 1, 1)));
  return out;
}

function nearest(day: number, events: readonly number[]): number {
  let best = Infinity;
  for (const e of events) if (Math.abs(day - e) < Math.abs(best)) best = day - e;
  return best;
}

// ---------------------------------------------------------------------------
// Plan and generator

export interface DemoOptions {
  /** PRNG seed (default 1). Same seed and options ⇒ same records. */
  seed?: number;
  /** Last day (ISO, inclusive). Default: today in Asia/Tehran. */
  endDate?: string;
  /** Number of days (default 731: two years ending at endDate). */
  days?: number;
  /** Total number of records (groups). Default: demoNaturalVolume(options). */
  records?: number;
}

interface Plan {
  streams: Stream[];
  days: string[];
  /** people[d * S + s]: expected people on day d in stream s (realistic scale). */
  people: Float64Array;
  /** groups[d * S + s]: expected groups (people / mean group size). */
  groups: Float64Array;
  totalGroups: number;
}

const planCache = new Map<string, Plan>();

function makePlan(options: DemoOptions): Plan {
  const seed = options.seed ?? 1;
  const endDate = options.endDate ?? todayIso();
  const nDays = options.days ?? 731;
  const cacheKey = `${seed}|${endDate}|${nDays}`;
  const cached = planCache.get(cacheKey);
  if (cached) return cached;

  const startDate = addDays(endDate, -(nDays - 1));
  const y0 = +startDate.slice(0, 4) - 1, y1 = +endDate.slice(0, 4) + 1;
  const arbaeen = arbaeenDates(y0, y1);
  const nowruz = nowruzDates(y0, y1);

  // Per-day draws that must not depend on the number of records (noise, peak levels).
  const planRand = mulberry32((seed ^ 0x9e3779b9) >>> 0);
  const surgeR = new Map<string, number>();
  const surgeDraw = (iso: string) => {
    let r = surgeR.get(iso);
    if (r === undefined) surgeR.set(iso, (r = mulberry32(epochDay(iso) ^ seed)()));
    return r;
  };
  const streams = buildStreams(surgeDraw);
  const S = streams.length;
  const days: string[] = [];
  const people = new Float64Array(nDays * S);
  const groups = new Float64Array(nDays * S);
  const means = streams.map((s) => meanSize(SIZE_TABLES[s.model]));
  let totalGroups = 0;
  const start = epochDay(startDate);
  for (let d = 0; d < nDays; d++) {
    const day = start + d;
    const iso = isoFromEpochDay(day);
    days.push(iso);
    const ctx: DayContext = { iso, day, dow: (day + 4) % 7, arbaeen: nearest(day, arbaeen), nowruz: nearest(day, nowruz) };
    for (let s = 0; s < S; s++) {
      const st = streams[s]!;
      // Log-normal-ish daily noise: sum of 4 uniforms ≈ normal(0, 1/3) scaled to sd `noise`.
      const z = (planRand() + planRand() + planRand() + planRand() - 2) * Math.sqrt(3);
      const sd = typeof st.noise === 'number' ? st.noise : st.noise(ctx);
      const p = Math.max(0, st.people(ctx)) * Math.exp(sd * z - (sd * sd) / 2);
      people[d * S + s] = p;
      groups[d * S + s] = p / means[s]!;
      totalGroups += p / means[s]!;
    }
  }
  const plan = { streams, days, people, groups, totalGroups };
  if (planCache.size > 16) planCache.clear();
  planCache.set(cacheKey, plan);
  return plan;
}

/**
 * Number of records (groups) at realistic scale for these options: the volume at which the
 * people counts match the sourced figures (e.g. ~1.2 M Afghan returns in 2024).
 */
export function demoNaturalVolume(options: Omit<DemoOptions, 'records'> = {}): number {
  return Math.round(makePlan(options).totalGroups);
}

export interface DemoDailyPeople {
  date: string;
  fmp: DemoFmpCode;
  direction: Direction;
  /** Expected people at realistic scale (independent of `records`). */
  people: number;
}

/** Expected people per day, FMP and direction at realistic scale (the plan behind the records). */
export function* demoDailyPeople(options: Omit<DemoOptions, 'records'> = {}): Generator<DemoDailyPeople> {
  const plan = makePlan(options);
  const S = plan.streams.length;
  for (let d = 0; d < plan.days.length; d++) {
    const acc = new Map<string, number>();
    for (let s = 0; s < S; s++) {
      const st = plan.streams[s]!;
      const k = st.fmp + '|' + st.direction;
      acc.set(k, (acc.get(k) ?? 0) + plan.people[d * S + s]!);
    }
    for (const [k, people] of acc) {
      const [fmp, direction] = k.split('|') as [DemoFmpCode, Direction];
      yield { date: plan.days[d]!, fmp, direction, people };
    }
  }
}

// Precomputed HH:MM strings for 06:00–17:59 (working hours [R5]).
const TIMES: string[] = [];
for (let m = 6 * 60; m < 18 * 60; m++) TIMES.push(String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0'));

const ENUMERATORS: Record<DemoFmpCode, string[]> = Object.fromEntries(
  DEMO_FMPS.map((f) => [f.code, [1, 2, 3, 4].map((i) => `${f.code.slice(0, 3).toUpperCase()}-0${i}`)]),
) as Record<DemoFmpCode, string[]>;

/**
 * Generates synthetic FMR records in date order. Deterministic: the same options (seed,
 * endDate, days, records) give the same records. Constant memory; fast enough for
 * millions of records (see the test for the measured rate).
 */
export function* generateDemoRecords(options: DemoOptions = {}): Generator<FmrRecord> {
  const plan = makePlan(options);
  const total = Math.max(0, Math.floor(options.records ?? Math.round(plan.totalGroups)));
  const seed = options.seed ?? 1;
  const rand = mulberry32(seed);
  const rint = mulberry32u((seed * 2654435761) >>> 0);
  const S = plan.streams.length;
  const comp: Composition = { men: 0, women: 0, boys: 0, girls: 0, uasc: 0 };
  const scale = plan.totalGroups > 0 ? total / plan.totalGroups : 0;

  // Records per (day, stream) by cumulative rounding: exact total, no per-cell drift.
  let cum = 0, emitted = 0;
  for (let d = 0; d < plan.days.length; d++) {
    const date = plan.days[d]!;
    for (let s = 0; s < S; s++) {
      cum += plan.groups[d * S + s]! * scale;
      const upto = Math.min(total, Math.round(cum));
      const n = upto - emitted;
      if (n <= 0) continue;
      emitted = upto;
      const st = plan.streams[s]!;
      const sizes = SIZE_TABLES[st.model];
      const enums = ENUMERATORS[st.fmp];
      for (let i = 0; i < n; i++) {
        const size = pick(sizes, rand());
        compose(st.model, size, rand, comp);
        const adults = comp.men + comp.women;
        const people = adults + comp.boys + comp.girls;
        // Vulnerabilities (ASSUMPTION rates), always within the validation limits.
        const elderlyP = st.model === 'pilgrim' ? 0.22 : 0.04;
        const elderly = adults > 0 && rand() < elderlyP ? (adults > 1 && rand() < 0.3 ? 2 : 1) : 0;
        const pregnant = comp.women > 0 && rand() < 0.07 ? 1 : 0;
        const disabled = rand() < 0.012 ? 1 : 0;
        const medical = rand() < (st.model === 'deportee' ? 0.03 : 0.015) ? Math.min(people, 1) : 0;
        const origin = pick(st.origin, rand());
        const dest = pick(st.destination, rand());
        const r = rand();
        const time = TIMES[Math.floor(((r + rand()) / 2) * TIMES.length)]!;
        yield {
          id: uuidFrom(rint(), rint(), rint(), rint()),
          fmp: st.fmp,
          date,
          direction: st.direction,
          nationality: pick(st.nationality, rand()),
          men: comp.men,
          women: comp.women,
          boys: comp.boys,
          girls: comp.girls,
          deported: st.deported === 'no' && rand() < 0.015 ? 'unknown' : st.deported,
          time,
          transport: pick(st.transport, rand()),
          reasons: pick(st.reasons, rand()),
          origin_country: origin[0],
          origin_admin1: origin[1],
          destination_country: dest[0],
          destination_admin1: dest[1],
          uasc: comp.uasc,
          pregnant_lactating: pregnant,
          elderly,
          disabled,
          medical,
          enumerator: enums[(rint() & 3)]!,
          note: DEMO_NOTE,
        };
      }
    }
  }
}
