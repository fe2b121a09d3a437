// Surge alerts: raised (or updated) when data for an FMP and day arrive, from the daily
// summaries: movements above a fixed number, above a multiple of the trailing 7- or 28-day
// daily average, or above the FMP's capacity. An unacknowledged alert whose day no longer
// crosses its limit (after a correction) is withdrawn. A "multiple of the average" alert needs
// at least the FMP's alert_min_movements on the day (default 20): small numbers over a tiny
// average are not surges.
import type { Queryable } from '../platform/db/database.ts';

export interface DayKey {
  fmp: string;
  day: string;
}

export async function checkAlerts(q: Queryable, keys: DayKey[]) {
  const unique = [...new Map(keys.map((k) => [`${k.fmp}|${k.day}`, k])).values()];
  if (!unique.length) return;
  // One statement for every FMP and day: each of the three kinds of alert is raised (or its
  // figures updated) when the day is above its limit, and an unacknowledged one withdrawn when
  // the day no longer is (after a correction or deletion). Limits are rounded to hundredths as
  // Math.round would (floor(x + 0.5)), in double precision like the figures they come from.
  await q.query(
    `WITH p AS (SELECT * FROM unnest($1::text[], $2::date[]) AS t(fmp_code, day)),
     m AS (
       SELECT p.fmp_code, p.day, f.capacity_per_day, f.alert_daily_above, f.alert_multiple, f.alert_min_movements,
              (SELECT coalesce(sum(men + women + boys + girls), 0) FROM flow_daily d
                WHERE d.fmp_code = p.fmp_code AND d.day = p.day AND d.status <> 'rejected') AS movements,
              (SELECT coalesce(sum(men + women + boys + girls), 0) FROM flow_daily d
                WHERE d.fmp_code = p.fmp_code AND d.day >= p.day - f.alert_window_days AND d.day < p.day AND d.status <> 'rejected')::float8
                / f.alert_window_days AS average
         FROM p JOIN fmps f ON f.code = p.fmp_code
        WHERE f.capacity_per_day IS NOT NULL OR f.alert_daily_above IS NOT NULL OR f.alert_multiple IS NOT NULL),
     k AS (
       SELECT m.fmp_code, m.day, m.movements, v.kind, v.limit_value, v.average,
              v.limit_value IS NOT NULL AND m.movements > v.limit_value AS above
         FROM m CROSS JOIN LATERAL (VALUES
                ('above_threshold', m.alert_daily_above::float8, NULL::float8),
                ('above_average', CASE WHEN m.alert_multiple IS NOT NULL AND m.average > 0 AND m.movements >= m.alert_min_movements THEN m.alert_multiple::float8 * m.average END, m.average),
                ('above_capacity', m.capacity_per_day::float8, NULL::float8)) AS v(kind, limit_value, average)),
     raised AS (
       INSERT INTO flow_alerts (fmp_code, day, kind, movements, limit_value, trailing_average)
       SELECT fmp_code, day, kind, movements, floor(limit_value * 100 + 0.5) / 100, floor(average * 100 + 0.5) / 100 FROM k WHERE above
       ON CONFLICT (fmp_code, day, kind) DO UPDATE SET movements = excluded.movements, limit_value = excluded.limit_value, trailing_average = excluded.trailing_average)
     DELETE FROM flow_alerts a USING k
      WHERE NOT k.above AND a.fmp_code = k.fmp_code AND a.day = k.day AND a.kind = k.kind AND a.acknowledged_at IS NULL`,
    [unique.map((k) => k.fmp), unique.map((k) => k.day)],
  );
}

export interface EpisodeFilters {
  from: string;
  to: string;
  /** Provinces the user may read (null: all). */
  scope: string[] | null;
  provinces?: string[];
  fmps?: string[];
  openOnly?: boolean;
  limit?: number;
}

/**
 * Alerts in a period grouped into episodes: the consecutive days on which one FMP had alerts
 * (of any kind). The figures follow the dashboard's period and FMP/province filters, exactly as
 * its headline count of open alerts does (same conditions), so `open_alerts` here equals that
 * headline. Episodes newest first.
 */
export async function alertEpisodes(q: Queryable, f: EpisodeFilters) {
  const params: unknown[] = [f.from, f.to];
  const where = ['a.day BETWEEN $1::date AND $2::date'];
  if (f.scope) where.push(`m.province_code = ANY($${params.push(f.scope)}::text[])`);
  if (f.provinces?.length) where.push(`m.province_code = ANY($${params.push(f.provinces)}::text[])`);
  if (f.fmps?.length) where.push(`a.fmp_code = ANY($${params.push(f.fmps)}::text[])`);
  const limit = params.push(f.limit ?? 200);
  const { rows } = await q.query(
    `WITH a AS (
       SELECT a.*, m.name_en, m.name_fa, m.province_code FROM flow_alerts a JOIN fmps m ON m.code = a.fmp_code WHERE ${where.join(' AND ')}),
     d AS (
       SELECT fmp_code, day, max(name_en) AS name_en, max(name_fa) AS name_fa, max(province_code) AS province_code, max(movements) AS movements,
              array_agg(kind ORDER BY kind) AS kinds, array_agg(id ORDER BY id) AS ids,
              count(*) FILTER (WHERE acknowledged_at IS NULL) AS open
         FROM a GROUP BY fmp_code, day),
     g AS (SELECT d.*, day - (dense_rank() OVER (PARTITION BY fmp_code ORDER BY day))::int AS island FROM d),
     e AS (
       SELECT fmp_code AS fmp, max(name_en) AS name_en, max(name_fa) AS name_fa, max(province_code) AS province_code,
              to_char(min(day), 'YYYY-MM-DD') AS first_day, to_char(max(day), 'YYYY-MM-DD') AS last_day, count(*)::int AS days,
              max(movements)::bigint AS peak, (array_agg(to_char(day, 'YYYY-MM-DD') ORDER BY movements DESC, day))[1] AS peak_day,
              (SELECT array_agg(DISTINCT k ORDER BY k) FROM unnest(array_agg(kinds)) AS k) AS kinds,
              sum(cardinality(ids))::int AS alerts, sum(open)::int AS open
         FROM g GROUP BY fmp_code, island)
     SELECT e.*, (SELECT array_agg(a.id ORDER BY a.id) FROM a WHERE a.fmp_code = e.fmp AND a.day BETWEEN e.first_day::date AND e.last_day::date) AS ids,
            (SELECT max(a.acknowledged_at) FROM a WHERE a.fmp_code = e.fmp AND a.day BETWEEN e.first_day::date AND e.last_day::date) AS acknowledged_at,
            (SELECT string_agg(DISTINCT a.acknowledge_comment, ' · ') FROM a WHERE a.fmp_code = e.fmp AND a.day BETWEEN e.first_day::date AND e.last_day::date) AS comment,
            count(*) OVER () AS total_episodes,
            sum(e.open) OVER () AS open_alerts_all,
            count(*) FILTER (WHERE e.open > 0) OVER () AS open_episodes
       FROM e ${f.openOnly ? 'WHERE e.open > 0' : ''}
      ORDER BY e.last_day DESC, e.fmp LIMIT $${limit}`,
    params,
  );
  // The totals come with every row (window functions see every episode before the limit); no
  // row means no alert (open ones included) in the period.
  const openAlerts = rows.length ? Number(rows[0].open_alerts_all) : 0;
  const openEpisodes = rows.length ? Number(rows[0].open_episodes) : 0;
  return {
    open_alerts: openAlerts,
    open_episodes: openEpisodes,
    episodes: rows.map((r: any) => ({
      fmp: r.fmp,
      name_en: r.name_en,
      name_fa: r.name_fa,
      province_code: r.province_code,
      first_day: r.first_day,
      last_day: r.last_day,
      days: r.days,
      peak: Number(r.peak),
      peak_day: r.peak_day,
      kinds: r.kinds as string[],
      alerts: r.alerts,
      open: r.open,
      ids: (r.ids as (string | number)[]).map(Number),
      acknowledged_at: r.open > 0 ? null : r.acknowledged_at,
      comment: r.comment as string | null,
    })),
  };
}
