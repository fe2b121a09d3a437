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
  const { rows } = await q.query(
    `WITH p AS (SELECT * FROM unnest($1::text[], $2::date[]) AS t(fmp_code, day))
     SELECT p.fmp_code, to_char(p.day, 'YYYY-MM-DD') AS day, f.capacity_per_day, f.alert_daily_above, f.alert_multiple, f.alert_window_days,
            (SELECT coalesce(sum(men + women + boys + girls), 0) FROM flow_daily d
              WHERE d.fmp_code = p.fmp_code AND d.day = p.day AND d.status <> 'rejected') AS movements,
            (SELECT coalesce(sum(men + women + boys + girls), 0) FROM flow_daily d
              WHERE d.fmp_code = p.fmp_code AND d.day >= p.day - f.alert_window_days AND d.day < p.day AND d.status <> 'rejected') AS trailing
       FROM p JOIN fmps f ON f.code = p.fmp_code
      WHERE f.capacity_per_day IS NOT NULL OR f.alert_daily_above IS NOT NULL OR f.alert_multiple IS NOT NULL`,
    [unique.map((k) => k.fmp), unique.map((k) => k.day)],
  );
  for (const r of rows) {
    const movements = Number(r.movements);
    const average = Number(r.trailing) / r.alert_window_days;
    const checks: [string, number | null, number | null][] = [
      ['above_threshold', r.alert_daily_above, null],
      ['above_average', r.alert_multiple != null && average > 0 ? Number(r.alert_multiple) * average : null, average],
      ['above_capacity', r.capacity_per_day, null],
    ];
    for (const [kind, limit, avg] of checks) {
      if (limit != null && movements > limit) {
        await q.query(
          `INSERT INTO flow_alerts (fmp_code, day, kind, movements, limit_value, trailing_average) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (fmp_code, day, kind) DO UPDATE SET movements = excluded.movements, limit_value = excluded.limit_value, trailing_average = excluded.trailing_average`,
          [r.fmp_code, r.day, kind, movements, Math.round(limit * 100) / 100, avg == null ? null : Math.round(avg * 100) / 100],
        );
      } else {
        await q.query(`DELETE FROM flow_alerts WHERE fmp_code = $1 AND day = $2 AND kind = $3 AND acknowledged_at IS NULL`, [r.fmp_code, r.day, kind]);
      }
    }
  }
}
