// Surge alerts: raised (or updated) when data for an FMP and day arrive, from the daily
// summaries: movements above a fixed number, above a multiple of the trailing 7- or 28-day
// daily average, or above the FMP's capacity. An unacknowledged alert whose day no longer
// crosses its limit (after a correction) is withdrawn.
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
       SELECT p.fmp_code, p.day, f.capacity_per_day, f.alert_daily_above, f.alert_multiple,
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
                ('above_average', CASE WHEN m.alert_multiple IS NOT NULL AND m.average > 0 THEN m.alert_multiple::float8 * m.average END, m.average),
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
