// SDG indicator 10.7.2: the UN scoring method, in exact arithmetic.
//
// Method (UN global metadata for 10.7.2, "method of computation"):
//   item values     domains 2–6: YES = 1, NO = 0
//                   domain 1:    YES_ALL ("Yes, regardless of immigration status") = 1,
//                                YES_LEGAL_ONLY ("Yes, only for those with legal immigration status") = 0.5,
//                                NO = 0
//   domain value    D_i = (sum of its 5 item values / 5) × 100
//   overall value   (sum of all 30 item values / 30) × 100   — from the items, never from the
//                   domain categories (with 5 items per domain it equals the mean of the six D_i)
//   category        value < 40 → 1 "Requires further progress"; 40 to < 80 → 2 "Partially meets";
//                   80 to < 100 → 3 "Meets"; 100 → 4 "Fully meets"
//
// Exactness. Every item is counted in integer half-points (YES / YES_ALL = 2, YES_LEGAL_ONLY = 1,
// NO = 0). With h = the half-points of a domain (0..10) and t = the half-points of all 30 items
// (0..60):
//   domain value  = h / 10 × 100 = 10·h                   → always an exact integer (0, 10, …, 100)
//   overall value = t / 60 × 100 = 5·t / 3                  → an exact rational
// Categories are decided on these integers (overall: 5t < 120 ⇔ value < 40, 5t < 240 ⇔ value < 80,
// t = 60 ⇔ value = 100), so a value of 80 is never 79.999… and no floating-point rounding takes
// part in the classification.
//
// Representation of the overall value. When 3 divides 5·t the value is an integer and is reported
// as such (e.g. 70, 80). Otherwise it is reported rounded to 2 decimals (e.g. 93.33, 76.67), the
// number being the JS double nearest to that 2-decimal figure (computed as integer hundredths
// / 100, so it prints exactly as "93.33"). The category is always taken from the exact rational,
// never from the rounded figure; since the thresholds 40, 80 and 100 are themselves reachable
// values (t = 24, 48, 60) and neighbouring values are 5/3 away, the rounded figure never sits on
// the wrong side of a threshold. scoreSdg1072Detailed() also returns the exact fraction.
//
// Incomplete or invalid input is never scored: validateSdg1072 lists every missing or invalid
// item (domain, 1-based position, item code, value received), and scoreSdg1072 throws
// Sdg1072InputError carrying that list.

export const SDG1072_DOMAINS = ['PD_1', 'PD_2', 'PD_3', 'PD_4', 'PD_5', 'PD_6'] as const;
export type Sdg1072Domain = (typeof SDG1072_DOMAINS)[number];
export const ITEMS_PER_DOMAIN = 5;
export const SDG1072_ITEM_COUNT = SDG1072_DOMAINS.length * ITEMS_PER_DOMAIN; // 30

export type Domain1Answer = 'YES_ALL' | 'YES_LEGAL_ONLY' | 'NO';
export type YesNoAnswer = 'YES' | 'NO';

/** Half-points per answer: the item value × 2. */
export const DOMAIN1_HALF_POINTS: Readonly<Record<Domain1Answer, number>> = { YES_ALL: 2, YES_LEGAL_ONLY: 1, NO: 0 };
export const YES_NO_HALF_POINTS: Readonly<Record<YesNoAnswer, number>> = { YES: 2, NO: 0 };

export type Sdg1072Answers = {
  PD_1: Domain1Answer[];
  PD_2: YesNoAnswer[];
  PD_3: YesNoAnswer[];
  PD_4: YesNoAnswer[];
  PD_5: YesNoAnswer[];
  PD_6: YesNoAnswer[];
};

export type Sdg1072Category = 1 | 2 | 3 | 4;

export const SDG1072_CATEGORY_LABELS: Readonly<Record<Sdg1072Category, { en: string; fa: string }>> = {
  1: { en: 'Requires further progress', fa: 'نیازمند پیشرفت بیشتر' },
  2: { en: 'Partially meets', fa: 'تا حدی برآورده می‌کند' },
  3: { en: 'Meets', fa: 'برآورده می‌کند' },
  4: { en: 'Fully meets', fa: 'به‌طور کامل برآورده می‌کند' },
};

export interface ScoredValue {
  value: number;
  category: Sdg1072Category;
}

export interface Sdg1072Score {
  domains: Record<Sdg1072Domain, ScoredValue>;
  overall: ScoredValue;
}

export interface ExactValue {
  /** value = numerator / denominator, in lowest terms, denominator 1 or 3. */
  numerator: number;
  denominator: number;
}

export interface Sdg1072DetailedScore {
  domains: Record<Sdg1072Domain, ScoredValue & { halfPoints: number; label: { en: string; fa: string } }>;
  overall: ScoredValue & { halfPoints: number; exact: ExactValue; label: { en: string; fa: string } };
}

export interface Sdg1072Problem {
  kind: 'missing' | 'invalid';
  /** 'PD_1'…'PD_6', or the unknown key found in the input. */
  domain: string;
  /** 1-based position of the item in its domain; absent when the problem is the domain itself. */
  position?: number;
  /** 'PD_1_3' for domain PD_1, position 3. */
  item?: string;
  /** What was found (absent when nothing was). */
  value?: unknown;
  message: string;
}

export class Sdg1072InputError extends Error {
  readonly problems: Sdg1072Problem[];
  constructor(problems: Sdg1072Problem[]) {
    super(`SDG 10.7.2 answers cannot be scored: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
    this.name = 'Sdg1072InputError';
    this.problems = problems;
  }
}

export function allowedAnswers(domain: Sdg1072Domain): readonly string[] {
  return domain === 'PD_1' ? Object.keys(DOMAIN1_HALF_POINTS) : Object.keys(YES_NO_HALF_POINTS);
}

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export type Sdg1072Validation = { ok: true; answers: Sdg1072Answers } | { ok: false; problems: Sdg1072Problem[] };

/** Checks that every one of the 30 items is present and has an allowed answer. */
export function validateSdg1072(input: unknown): Sdg1072Validation {
  const problems: Sdg1072Problem[] = [];
  if (!isRecord(input)) {
    return {
      ok: false,
      problems: [{ kind: 'invalid', domain: '(answers)', value: input, message: `answers must be an object with keys ${SDG1072_DOMAINS.join(', ')}, got ${show(input)}` }],
    };
  }
  for (const domain of SDG1072_DOMAINS) {
    const allowed = allowedAnswers(domain);
    const list = input[domain];
    if (list === undefined || list === null) {
      for (let p = 1; p <= ITEMS_PER_DOMAIN; p++) {
        problems.push({ kind: 'missing', domain, position: p, item: `${domain}_${p}`, message: `${domain} item ${p} (${domain}_${p}) is missing: no ${domain} answers given` });
      }
      continue;
    }
    if (!Array.isArray(list)) {
      problems.push({ kind: 'invalid', domain, value: list, message: `${domain} must be a list of ${ITEMS_PER_DOMAIN} answers, got ${show(list)}` });
      continue;
    }
    for (let i = 0; i < Math.max(list.length, ITEMS_PER_DOMAIN); i++) {
      const p = i + 1;
      const item = `${domain}_${p}`;
      if (i >= ITEMS_PER_DOMAIN) {
        problems.push({ kind: 'invalid', domain, position: p, value: list[i], message: `${domain} item ${p} is one too many: ${domain} has exactly ${ITEMS_PER_DOMAIN} items (found ${show(list[i])})` });
        continue;
      }
      const v: unknown = i < list.length ? list[i] : undefined;
      if (v === undefined || v === null || v === '') {
        const pr: Sdg1072Problem = { kind: 'missing', domain, position: p, item, message: `${domain} item ${p} (${item}) is missing` };
        if (i < list.length) pr.value = v;
        problems.push(pr);
      } else if (typeof v !== 'string' || !allowed.includes(v)) {
        let hint = '';
        if (domain === 'PD_1' && v === 'YES') hint = ' (domain 1 distinguishes YES_ALL and YES_LEGAL_ONLY)';
        if (domain !== 'PD_1' && (v === 'YES_ALL' || v === 'YES_LEGAL_ONLY')) hint = ' (only domain 1 distinguishes immigration status)';
        problems.push({ kind: 'invalid', domain, position: p, item, value: v, message: `${domain} item ${p} (${item}) has invalid value ${show(v)}; allowed: ${allowed.join(', ')}${hint}` });
      }
    }
  }
  for (const key of Object.keys(input)) {
    if (!(SDG1072_DOMAINS as readonly string[]).includes(key)) {
      problems.push({ kind: 'invalid', domain: key, value: input[key], message: `unknown domain "${key}"; expected ${SDG1072_DOMAINS.join(', ')}` });
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, answers: input as unknown as Sdg1072Answers };
}

/** Half-points of one item (its value × 2). The answer must already be valid for the domain. */
export function itemHalfPoints(domain: Sdg1072Domain, answer: string): number {
  const table: Readonly<Record<string, number>> = domain === 'PD_1' ? DOMAIN1_HALF_POINTS : YES_NO_HALF_POINTS;
  const hp = table[answer];
  if (hp === undefined) throw new Error(`invalid answer ${show(answer)} for ${domain}`);
  return hp;
}

/** Category of a domain value given as half-points out of 10 (value = 10·h). */
export function domainCategory(halfPoints: number): Sdg1072Category {
  return categoryOfRational(10 * halfPoints, 1);
}

/** Category of the overall value given as half-points out of 60 (value = 5t/3). */
export function overallCategory(halfPoints: number): Sdg1072Category {
  return categoryOfRational(5 * halfPoints, 3);
}

/**
 * Category of the exact value num/den (den > 0, integers): compares num with threshold × den
 * in integers, so no floating-point rounding is involved.
 */
export function categoryOfRational(num: number, den: number): Sdg1072Category {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || den <= 0) throw new Error(`categoryOfRational needs integers, den > 0 (got ${num}/${den})`);
  if (num >= 100 * den) return 4;
  if (num >= 80 * den) return 3;
  if (num >= 40 * den) return 2;
  return 1;
}

/** num/den (den = 1 or 3 here) as a JS number: exact if an integer, else rounded to 2 decimals. */
export function reportValue(num: number, den: number): number {
  if (num % den === 0) return num / den;
  const hundredths = num * 100;
  const q = Math.floor(hundredths / den);
  const r = hundredths - q * den;
  const rounded = 2 * r >= den ? q + 1 : q; // half-up; ties cannot occur for den = 3
  return rounded / 100;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

function computeHalfPoints(answers: Sdg1072Answers): { perDomain: Record<Sdg1072Domain, number>; total: number } {
  const perDomain = {} as Record<Sdg1072Domain, number>;
  let total = 0;
  for (const d of SDG1072_DOMAINS) {
    let h = 0;
    for (const a of answers[d] as string[]) h += itemHalfPoints(d, a);
    perDomain[d] = h;
    total += h; // the overall value is summed over the 30 items themselves
  }
  return { perDomain, total };
}

/** Full result with labels and the exact overall fraction. Throws Sdg1072InputError on bad input. */
export function scoreSdg1072Detailed(input: unknown): Sdg1072DetailedScore {
  const v = validateSdg1072(input);
  if (!v.ok) throw new Sdg1072InputError(v.problems);
  const { perDomain, total } = computeHalfPoints(v.answers);
  const domains = {} as Sdg1072DetailedScore['domains'];
  for (const d of SDG1072_DOMAINS) {
    const h = perDomain[d];
    const category = domainCategory(h);
    domains[d] = { value: 10 * h, category, halfPoints: h, label: SDG1072_CATEGORY_LABELS[category] };
  }
  const num = 5 * total;
  const g = gcd(num, 3) || 1;
  const category = overallCategory(total);
  return {
    domains,
    overall: {
      value: reportValue(num, 3),
      category,
      halfPoints: total,
      exact: { numerator: num / g, denominator: 3 / g },
      label: SDG1072_CATEGORY_LABELS[category],
    },
  };
}

/**
 * Scores a complete set of 30 answers:
 * `{"domains":{"PD_1":{"value":70,"category":2},…},"overall":{"value":…,"category":…}}`.
 * Throws Sdg1072InputError (with `.problems`) when any item is missing or invalid.
 */
export function scoreSdg1072(input: unknown): Sdg1072Score {
  const d = scoreSdg1072Detailed(input);
  const domains = {} as Record<Sdg1072Domain, ScoredValue>;
  for (const k of SDG1072_DOMAINS) domains[k] = { value: d.domains[k].value, category: d.domains[k].category };
  return { domains, overall: { value: d.overall.value, category: d.overall.category } };
}
