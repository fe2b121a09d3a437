// The DTM headline figures for a period and filters, read from the summaries — never from a
// scan of the records. recomputeTotals() gives the same totals straight from the records, for
// checks. Whole calendar months of a period are read from the monthly summaries (flow_monthly,
// flow_monthly_attr) and the days at either end from the daily ones (flow_daily,
// flow_daily_attr), so a year or all time costs about what a month does (issue 5).
import { createHash } from 'node:crypto';
import type { Queryable } from '../platform/db/database.ts';
import { addDays, epochDay, isoToJalali, jalaliToIso, gregorianMonthLength } from '../platform/calendar.ts';

export interface FlowFilters {
  from: string;
  to: string;
  fmps?: string[];
  provinces?: string[];
  neighbour?: string;
  direction?: 'in' | 'out';
  nationality?: string;
  deported?: 'yes' | 'no' | 'unknown';
  approvedOnly?: boolean;
  /** Provinces the reader may see; null for nationwide. */
  scope?: string[] | null;
}

/** WHERE conditions on a summary table (or on fmr_records with dayColumn='observed_on'). */
export function filterSql(f: Omit<FlowFilters, 'from' | 'to'>, params: unknown[], opts: { dayColumn?: string; from?: string; to?: string } = {}): string {
  const day = opts.dayColumn ?? 'day';
  const where: string[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (opts.from) add(`${day} >= ?::date`, opts.from);
  if (opts.to) add(`${day} <= ?::date`, opts.to);
  if (f.fmps?.length) add('fmp_code = ANY(?::text[])', f.fmps);
  if (f.provinces?.length) add('province_code = ANY(?::text[])', f.provinces);
  if (f.scope) add('province_code = ANY(?::text[])', f.scope);
  if (f.neighbour) add('fmp_code IN (SELECT m.code FROM fmps m JOIN points_of_entry e ON e.id = m.point_of_entry_id WHERE e.neighbour_iso3 = ?)', f.neighbour);
  if (f.direction) add('direction = ?', f.direction);
  if (f.nationality) add('nationality = ?', f.nationality);
  if (f.deported) add('deported = ?', f.deported);
  where.push(f.approvedOnly ? "status = 'approved'" : "status <> 'rejected'");
  return where.join(' AND ');
}

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10000) / 10000 : null);
const change = (current: number, previous: number) => ({ current, previous, change: previous > 0 ? Math.round(((current - previous) / previous) * 10000) / 10000 : null });

export interface Totals {
  individuals: number;
  groups: number;
  men: number;
  women: number;
  boys: number;
  girls: number;
  inflow: number;
  outflow: number;
  deported_yes: number;
  deported_no: number;
  deported_unknown: number;
  uasc: number;
  pregnant_lactating: number;
  elderly: number;
  disabled: number;
  medical: number;
}

const TOTALS_SQL = `
  coalesce(sum(men + women + boys + girls), 0) AS individuals, coalesce(sum(groups), 0) AS groups,
  coalesce(sum(men), 0) AS men, coalesce(sum(women), 0) AS women, coalesce(sum(boys), 0) AS boys, coalesce(sum(girls), 0) AS girls,
  coalesce(sum(men + women + boys + girls) FILTER (WHERE direction = 'in'), 0) AS inflow,
  coalesce(sum(men + women + boys + girls) FILTER (WHERE direction = 'out'), 0) AS outflow,
  coalesce(sum(men + women + boys + girls) FILTER (WHERE deported = 'yes'), 0) AS deported_yes,
  coalesce(sum(men + women + boys + girls) FILTER (WHERE deported = 'no'), 0) AS deported_no,
  coalesce(sum(men + women + boys + girls) FILTER (WHERE deported = 'unknown'), 0) AS deported_unknown,
  coalesce(sum(uasc), 0) AS uasc, coalesce(sum(pregnant_lactating), 0) AS pregnant_lactating, coalesce(sum(elderly), 0) AS elderly,
  coalesce(sum(disabled), 0) AS disabled, coalesce(sum(medical), 0) AS medical`;

const statementNames = new Map<string, string>();

/**
 * Runs a query as a named prepared statement: each connection plans it once, not on every
 * dashboard request (a dozen small queries a request, whose planning cost more than running).
 */
function prepared(q: Queryable, text: string, values: unknown[]) {
  let name = statementNames.get(text);
  if (!name) {
    name = 'flows_' + createHash('sha1').update(text).digest('hex').slice(0, 20);
    if (statementNames.size < 5000) statementNames.set(text, name);
  }
  return q.query({ name, text, values } as unknown as string);
}

function numbers<T>(row: any): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as T;
}

/**
 * How a period [from, to] is read: the whole calendar months inside it from the monthly table,
 * the rest (the days before the first whole month and after the last) from the daily table.
 */
export function periodParts(from: string, to: string): { months: [string, string] | null; days: [string, string][] } {
  if (from > to) return { months: null, days: [[from, to]] };
  const firstWhole = from.endsWith('-01') ? from : nextMonthStart(from);
  const lastDay = to.slice(0, 8) + String(gregorianMonthLength(+to.slice(0, 4), +to.slice(5, 7))).padStart(2, '0');
  const lastWhole = to === lastDay ? to.slice(0, 8) + '01' : addMonths(to.slice(0, 8) + '01', -1);
  if (firstWhole > lastWhole) return { months: null, days: [[from, to]] };
  const days: [string, string][] = [];
  if (from < firstWhole) days.push([from, addDays(firstWhole, -1)]);
  const afterLast = addMonths(lastWhole, 1);
  if (afterLast <= to) days.push([afterLast, to]);
  return { months: [firstWhole, lastWhole], days };
}

function addMonths(firstOfMonth: string, n: number): string {
  const y = +firstOfMonth.slice(0, 4), m = +firstOfMonth.slice(5, 7) - 1 + n;
  const yy = y + Math.floor(m / 12), mm = ((m % 12) + 12) % 12 + 1;
  return `${String(yy).padStart(4, '0')}-${String(mm).padStart(2, '0')}-01`;
}
const nextMonthStart = (iso: string) => addMonths(iso.slice(0, 8) + '01', 1);

/**
 * The summary rows of a period and filters, as a FROM item: whole months from the monthly table
 * and the remaining days from the daily one (`attr` for the breakdown tables). The two tables of
 * each pair have the same columns, `day` being the first of the month in the monthly ones.
 */
export function summarySource(f: FlowFilters, params: unknown[], attr = false, extra?: string): string {
  const { months, days } = periodParts(f.from, f.to);
  const parts: string[] = [];
  const add = (table: string, ranges: [string, string][]) => {
    const where = filterSql(f, params);
    const dates = ranges.map(([a, b]) => {
      params.push(a, b);
      return `day BETWEEN $${params.length - 1}::date AND $${params.length}::date`;
    });
    parts.push(`SELECT * FROM ${table} WHERE ${extra ? extra + ' AND ' : ''}(${dates.join(' OR ')}) AND ${where}`);
  };
  if (months) add(attr ? 'flow_monthly_attr' : 'flow_monthly', [months]);
  if (days.length) add(attr ? 'flow_daily_attr' : 'flow_daily', days);
  return `(${parts.join(' UNION ALL ')}) AS s`;
}

export async function totals(q: Queryable, f: FlowFilters): Promise<Totals> {
  const params: unknown[] = [];
  return numbers<Totals>((await prepared(q, `SELECT ${TOTALS_SQL} FROM ${summarySource(f, params)}`, params)).rows[0]);
}

/** The same totals computed from the records themselves (an independent check). */
export async function recomputeTotals(q: Queryable, f: FlowFilters): Promise<Totals> {
  const params: unknown[] = [];
  const where = filterSql(f, params, { from: f.from, to: f.to, dayColumn: 'observed_on' });
  const sql = TOTALS_SQL.replace('coalesce(sum(groups), 0)', 'count(*)');
  return numbers<Totals>((await q.query(`SELECT ${sql} FROM fmr_records WHERE ${where}`, params)).rows[0]);
}

/** The top values of every breakdown in one query (one scan of the breakdown summaries). */
async function topAll(q: Queryable, f: FlowFilters, limit: number, whole: number) {
  const params: unknown[] = [];
  const rows = (
    await prepared(
      q,
      `SELECT kind, value, individuals, groups FROM (
         SELECT kind, value, sum(individuals) AS individuals, sum(groups) AS groups,
                row_number() OVER (PARTITION BY kind ORDER BY sum(individuals) DESC, value) AS rank
           FROM ${summarySource(f, params, true)}
          GROUP BY kind, value HAVING sum(groups) > 0) t
        WHERE rank <= ${limit} ORDER BY kind, rank`,
      params,
    )
  ).rows;
  const out: Record<'reason' | 'transport' | 'origin' | 'destination' | 'route', { value: string; individuals: number; groups: number; share: number | null }[]> = { reason: [], transport: [], origin: [], destination: [], route: [] };
  for (const r of rows as any[]) out[r.kind as keyof typeof out]?.push({ value: r.value, individuals: Number(r.individuals), groups: Number(r.groups), share: share(Number(r.individuals), whole) });
  return out;
}

export async function headlineFigures(q: Queryable, f: FlowFilters) {
  const days = epochDay(f.to) - epochDay(f.from) + 1;
  // The totals, the figures per FMP and per nationality in one pass over the summaries.
  const p0: unknown[] = [];
  const grouped = (
    await prepared(
      q,
      `SELECT grouping(fmp_code) AS by_fmp, grouping(nationality) AS by_nationality, fmp_code, nationality, ${TOTALS_SQL}
         FROM ${summarySource(f, p0)} GROUP BY GROUPING SETS ((), (fmp_code), (nationality))`,
      p0,
    )
  ).rows;
  const t = numbers<Totals>(Object.fromEntries(Object.entries(grouped.find((r: any) => r.by_fmp === 1 && r.by_nationality === 1) ?? {}).filter(([k]) => !['by_fmp', 'by_nationality', 'fmp_code', 'nationality'].includes(k))));
  const individuals = t.individuals;
  // Same order as before: individuals descending (then code, for a stable order).
  const byPeople = (a: any, b: any) => Number(b.individuals) - Number(a.individuals) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const perFmp = grouped
    .filter((r: any) => r.by_fmp === 0 && Number(r.groups) > 0)
    .map((r: any) => ({ key: r.fmp_code, individuals: Number(r.individuals), groups: Number(r.groups) }))
    .sort(byPeople)
    .map((r) => ({ fmp: r.key, individuals: r.individuals, groups: r.groups, daily_average: Math.round((r.individuals / days) * 100) / 100 }));
  const nationalities = grouped
    .filter((r: any) => r.by_nationality === 0 && Number(r.groups) > 0)
    .map((r: any) => ({ key: r.nationality, individuals: Number(r.individuals), groups: Number(r.groups) }))
    .sort(byPeople)
    .slice(0, 10)
    .map((r) => ({ value: r.key, individuals: r.individuals, groups: r.groups, share: share(r.individuals, individuals) }));
  const tops = await topAll(q, f, 10, individuals);

  // Week on week: the 7 days ending at `to` against the 7 before; month on month: 30 and 30.
  const p2: unknown[] = [];
  const whereRecent = filterSql(f, p2, { from: addDays(f.to, -59), to: f.to });
  p2.push(f.to);
  const n = p2.length;
  const recent = numbers<any>(
    (
      await prepared(q, 
        `SELECT coalesce(sum(men + women + boys + girls) FILTER (WHERE day > $${n}::date - 7), 0) AS w0,
                coalesce(sum(men + women + boys + girls) FILTER (WHERE day <= $${n}::date - 7 AND day > $${n}::date - 14), 0) AS w1,
                coalesce(sum(men + women + boys + girls) FILTER (WHERE day > $${n}::date - 30), 0) AS m0,
                coalesce(sum(men + women + boys + girls) FILTER (WHERE day <= $${n}::date - 30), 0) AS m1
           FROM flow_daily WHERE ${whereRecent}`,
        p2,
      )
    ).rows[0],
  );

  const survey = await surveyFigures(q, f);
  const p3: unknown[] = [f.from, f.to];
  const alertWhere = ['day BETWEEN $1::date AND $2::date', 'acknowledged_at IS NULL'];
  const fmpScope: string[] = [];
  if (f.scope) fmpScope.push(`province_code = ANY($${p3.push(f.scope)}::text[])`);
  if (f.provinces?.length) fmpScope.push(`province_code = ANY($${p3.push(f.provinces)}::text[])`);
  if (fmpScope.length) alertWhere.push(`fmp_code IN (SELECT code FROM fmps WHERE ${fmpScope.join(' AND ')})`);
  if (f.fmps?.length) alertWhere.push(`fmp_code = ANY($${p3.push(f.fmps)}::text[])`);
  const openAlerts = Number((await prepared(q, `SELECT count(*) AS n FROM flow_alerts WHERE ${alertWhere.join(' AND ')}`, p3)).rows[0].n);

  return {
    period: { from: f.from, to: f.to, days },
    counted: f.approvedOnly ? 'approved' : 'all_but_rejected',
    ...pick(t, ['individuals', 'groups', 'men', 'women', 'boys', 'girls']),
    totals: t,
    flows: { inflow: t.inflow, outflow: t.outflow, in_out_ratio: t.outflow > 0 ? Math.round((t.inflow / t.outflow) * 100) / 100 : null },
    shares: { men: share(t.men, individuals), women: share(t.women, individuals), boys: share(t.boys, individuals), girls: share(t.girls, individuals) },
    deported: {
      yes: t.deported_yes,
      no: t.deported_no,
      unknown: t.deported_unknown,
      share_deported: share(t.deported_yes, t.deported_yes + t.deported_no),
      share_spontaneous: share(t.deported_no, t.deported_yes + t.deported_no),
    },
    average_group_size: t.groups ? Math.round((individuals / t.groups) * 100) / 100 : null,
    daily_average: Math.round((individuals / days) * 100) / 100,
    daily_average_per_fmp: perFmp.length ? Math.round((individuals / days / perFmp.length) * 100) / 100 : null,
    per_fmp: perFmp,
    change: { week_on_week: change(recent.w0, recent.w1), month_on_month: change(recent.m0, recent.m1) },
    top: {
      nationalities,
      reasons: tops.reason,
      transport: tops.transport,
      origins: tops.origin,
      destinations: tops.destination,
      routes: tops.route,
    },
    survey,
    open_alerts: openAlerts,
  };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

/** People approached but not interviewed (refused, already interviewed), summed over enumerators. */
export async function nonresponseTotals(q: Queryable, f: FlowFilters): Promise<{ refused: number; already_interviewed: number }> {
  const params: unknown[] = [f.from, f.to];
  const where = ['n.day BETWEEN $1::date AND $2::date'];
  if (f.fmps?.length) where.push(`n.fmp_code = ANY($${params.push(f.fmps)}::text[])`);
  if (f.provinces?.length) where.push(`m.province_code = ANY($${params.push(f.provinces)}::text[])`);
  if (f.scope) where.push(`m.province_code = ANY($${params.push(f.scope)}::text[])`);
  const r = (
    await prepared(q, 
      `SELECT coalesce(sum(n.refused), 0) AS refused, coalesce(sum(n.already_interviewed), 0) AS already_interviewed
         FROM fms_nonresponse n JOIN fmps m ON m.code = n.fmp_code WHERE ${where.join(' AND ')}`,
      params,
    )
  ).rows[0];
  return { refused: Number(r.refused), already_interviewed: Number(r.already_interviewed) };
}

export async function surveyFigures(q: Queryable, f: FlowFilters) {
  const params: unknown[] = [];
  const where = filterSql({ ...f, deported: undefined }, params, { from: f.from, to: f.to, dayColumn: 'interviewed_on' });
  const r = numbers<any>(
    (
      await prepared(q, 
        `SELECT count(*) AS respondents,
                count(*) FILTER (WHERE ct_self_answered) AS self_n, count(*) FILTER (WHERE ct_self_yes) AS self_yes,
                count(*) FILTER (WHERE ct_family_answered) AS family_n, count(*) FILTER (WHERE ct_family_yes) AS family_yes
           FROM fms_interviews WHERE ${where}`,
        params,
      )
    ).rows[0],
  );
  const nr = await nonresponseTotals(q, f);
  return {
    respondents: r.respondents,
    refused: nr.refused,
    already_interviewed: nr.already_interviewed,
    trafficking_self: { n: r.self_n, yes: r.self_yes, share: share(r.self_yes, r.self_n) },
    trafficking_family: { n: r.family_n, yes: r.family_yes, share: share(r.family_yes, r.family_n) },
  };
}

export type Interval = 'day' | 'week' | 'month';

/** Movements over time; months are Jalali months when calendar = 'jalali'. */
export async function timeSeries(q: Queryable, f: FlowFilters, interval: Interval, calendar: 'gregorian' | 'jalali') {
  const params: unknown[] = [];
  const where = filterSql(f, params, { from: f.from, to: f.to });
  const rows = (
    await prepared(q, 
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(men + women + boys + girls) FILTER (WHERE direction = 'in') AS inflow,
              sum(men + women + boys + girls) FILTER (WHERE direction = 'out') AS outflow, sum(groups) AS groups
         FROM flow_daily WHERE ${where} GROUP BY day ORDER BY day`,
      params,
    )
  ).rows;
  const buckets = new Map<string, { period: string; start: string; inflow: number; outflow: number; groups: number }>();
  for (const r of rows) {
    const key = bucketOf(r.day, interval, calendar);
    const b = buckets.get(key.period) ?? { period: key.period, start: key.start, inflow: 0, outflow: 0, groups: 0 };
    b.inflow += Number(r.inflow ?? 0);
    b.outflow += Number(r.outflow ?? 0);
    b.groups += Number(r.groups);
    buckets.set(key.period, b);
  }
  return [...buckets.values()].map((b) => ({ ...b, individuals: b.inflow + b.outflow }));
}

function bucketOf(day: string, interval: Interval, calendar: 'gregorian' | 'jalali') {
  if (interval === 'day') return { period: day, start: day };
  if (interval === 'week') {
    // Weeks start on Saturday, as in Iran.
    // 1970-01-01 (epoch day 0) was a Thursday, so (epochDay + 5) % 7 counts days since Saturday.
    const start = addDays(day, -((((epochDay(day) + 5) % 7) + 7) % 7));
    return { period: start, start };
  }
  if (calendar === 'jalali') {
    const j = isoToJalali(day);
    const period = `${j.jy}/${String(j.jm).padStart(2, '0')}`;
    return { period, start: jalaliToIso(j.jy, j.jm, 1) };
  }
  return { period: day.slice(0, 7), start: day.slice(0, 7) + '-01' };
}
