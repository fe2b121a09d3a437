// Scenario from flow data: replay one month of an FMP's daily movements, scaled by a factor, as
// one inject a day (a morning situation report from flow monitoring), flagging the days that
// would cross the FMP's alert threshold or capacity; and the FMP's limits for the report.
// Movements are counted as the surge alerts count them (src/flows/alerts.ts): all people of
// every direction, records not rejected.
import type pg from 'pg';
import type { Queryable } from '../platform/db/database.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { AppError } from '../platform/http/errors.ts';
import { formatJalali } from '../platform/calendar.ts';
import { toPersianDigits } from '../platform/text.ts';
import type { ExerciseRow } from './store.ts';

export interface FmpLink {
  code: string;
  name_en: string;
  name_fa: string;
  province_code: string;
  capacity_per_day: number | null;
  alert_daily_above: number | null;
  alert_multiple: number | null;
  alert_window_days: number;
  peak_day_movements: number | null;
  peak_day: string | null;
  open_alerts: number;
}

export async function fmpLink(q: Queryable, fmp: string): Promise<FmpLink> {
  const f = (await q.query('SELECT code, name_en, name_fa, province_code, capacity_per_day, alert_daily_above, alert_multiple, alert_window_days FROM fmps WHERE code = $1', [fmp])).rows[0];
  if (!f) throw new AppError('ex_unknown_fmp', 400, { code: fmp });
  const peak = (
    await q.query(
      `SELECT day, sum(men + women + boys + girls) AS n FROM flow_daily WHERE fmp_code = $1 AND status <> 'rejected' AND day > current_date - 365
       GROUP BY day ORDER BY n DESC, day DESC LIMIT 1`,
      [fmp],
    )
  ).rows[0];
  const open = (await q.query('SELECT count(*) AS n FROM flow_alerts WHERE fmp_code = $1 AND acknowledged_at IS NULL', [fmp])).rows[0];
  return {
    code: f.code,
    name_en: f.name_en,
    name_fa: f.name_fa,
    province_code: f.province_code,
    capacity_per_day: f.capacity_per_day,
    alert_daily_above: f.alert_daily_above,
    alert_multiple: f.alert_multiple === null ? null : Number(f.alert_multiple),
    alert_window_days: f.alert_window_days,
    peak_day_movements: peak ? Number(peak.n) : null,
    peak_day: peak?.day ?? null,
    open_alerts: Number(open.n),
  };
}

export interface SurgeDay {
  day: string;
  observed: number;
  scaled: number;
  above_threshold: boolean;
  above_capacity: boolean;
}

/** The scaled days (pure): movements × factor, rounded, with the FMP's limits checked. */
export function scaleDays(days: { day: string; n: number }[], factor: number, limits: { alert_daily_above: number | null; capacity_per_day: number | null }): SurgeDay[] {
  return days.map(({ day, n }) => {
    const scaled = Math.round(n * factor);
    return {
      day,
      observed: n,
      scaled,
      above_threshold: limits.alert_daily_above !== null && scaled > limits.alert_daily_above,
      above_capacity: limits.capacity_per_day !== null && scaled > limits.capacity_per_day,
    };
  });
}

export interface SurgeOptions {
  fmp: string;
  month: string; // YYYY-MM
  factor: number;
  teams: string[];
  prefix?: string;
  hour?: number; // scenario hour of each day's inject (default 08:00 after STARTEX's day start)
}

/** Adds one inject a scenario day (D+0, D+1, …) for each day of the month with data. */
export async function surgeScenario(c: pg.PoolClient, actor: Actor, ex: ExerciseRow, o: SurgeOptions): Promise<{ added: number; days: SurgeDay[]; fmp: FmpLink }> {
  const link = await fmpLink(c, o.fmp);
  const teams = (await c.query('SELECT code FROM exercise_teams WHERE exercise_id = $1 AND code = ANY($2::text[])', [ex.id, o.teams])).rows.map((r: any) => r.code);
  const missing = o.teams.filter((x) => !teams.includes(x));
  if (missing.length) throw new AppError('ex_unknown_team', 400, { code: missing.join(', ') });
  const start = `${o.month}-01`;
  const rows = (
    await c.query(
      `SELECT day, sum(men + women + boys + girls) AS n FROM flow_daily
       WHERE fmp_code = $1 AND status <> 'rejected' AND day >= $2::date AND day < ($2::date + interval '1 month') GROUP BY day ORDER BY day`,
      [o.fmp, start],
    )
  ).rows.map((r: any) => ({ day: r.day as string, n: Number(r.n) }));
  if (!rows.length) throw new AppError('ex_no_flow_data', 400, { fmp: o.fmp, month: o.month });
  const days = scaleDays(rows, o.factor, link);
  const prefix = o.prefix ?? 'F';
  const hour = o.hour ?? 1;
  const first = Date.parse(start + 'T00:00:00Z');
  let added = 0;
  for (const d of days) {
    const dayIndex = Math.round((Date.parse(d.day + 'T00:00:00Z') - first) / 86_400_000);
    const flags = [d.above_threshold ? 'above the alert threshold' : '', d.above_capacity ? 'above capacity' : ''].filter(Boolean).join(', ');
    const flagsFa = [d.above_threshold ? 'بالاتر از آستانهٔ هشدار' : '', d.above_capacity ? 'بالاتر از ظرفیت' : ''].filter(Boolean).join('، ');
    const content =
      `گزارش پایش جریان ${link.name_fa}: امروز ${toPersianDigits(d.scaled.toLocaleString('en-US').replace(/,/g, '٬'))} نفر${flagsFa ? ` (${flagsFa})` : ''}.` +
      ` (بازپخش ${formatJalali(d.day, { digits: 'fa' })} × ${toPersianDigits(String(o.factor))})\n` +
      `Flow monitoring report, ${link.name_en}: ${d.scaled.toLocaleString('en-US')} people today${flags ? ` (${flags})` : ''}. (Replay of ${d.day} × ${o.factor})`;
    await c.query(
      `INSERT INTO exercise_injects (exercise_id, number, offset_seconds, phase, from_persona, to_teams, channel, subject, content, expected_action)
       VALUES ($1,$2,$3,$4,$5,$6,'message',$7,$8,$9)`,
      [
        ex.id, `${prefix}${dayIndex + 1}`, dayIndex * 86400 + hour * 3600, 'surge', 'DTM', o.teams,
        `${link.name_en}: ${d.scaled} / گزارش روزانهٔ جریان`, content,
        d.above_threshold || d.above_capacity ? 'Activate the surge measures of the contingency plan / فعال‌سازی اقدامات افزایش ورود طرح اضطراری' : null,
      ],
    ).catch((e) => {
      if (e.code === '23505') throw new AppError('ex_inject_invalid', 400, { details: `number ${prefix}${dayIndex + 1} exists` });
      throw e;
    });
    added++;
  }
  if (!ex.fmp_code) await c.query('UPDATE exercises SET fmp_code = $2 WHERE id = $1', [ex.id, o.fmp]);
  await audit(c, actor, 'exercise.scenario.flows', 'exercise', ex.code, { fmp: o.fmp, month: o.month, factor: o.factor, injects: added });
  return { added, days, fmp: link };
}
