// One province's whole picture: its FMPs and flow figures (the flows summary itself, for the
// same period and province — headlineFigures, not a recomputation), open surge alerts,
// officials trained (by agency and sex), needs and their status, internal mobility in and out,
// the local governance assessments, and every section registered by other capabilities
// (sections.ts). Also the national comparison of provinces.
import type { Queryable } from '../platform/db/database.ts';
import { can, scopeOf, type Principal } from '../platform/auth/access.ts';
import { AppError } from '../platform/http/errors.ts';
import { todayIso, addDays } from '../platform/calendar.ts';
import { headlineFigures, summarySource, type FlowFilters } from '../flows/summary.ts';
import { provinceTrainingFigures } from '../capacity/trainings.ts';
import { needsSummary } from './needs.ts';
import { provinceMobility } from './mobility.ts';
import { loadProfileSections, profileSections } from './sections.ts';

/** The period when none is given: the flows summary's default (the 30 days ending today). */
export function defaultPeriod(from?: string | null, to?: string | null): { from: string; to: string } {
  const t = to ?? todayIso();
  return { from: from ?? addDays(t, -29), to: t };
}

/** The filters `marz flows summary --province P --from F --to T` uses (src/flows/cli.ts), so the figures are the same. */
export function flowFiltersFor(province: string, from: string, to: string): FlowFilters {
  return { from, to, fmps: undefined, provinces: [province], nationality: undefined, direction: undefined, approvedOnly: false, scope: null };
}

export async function provinceRow(q: Queryable, code: string) {
  const r = (await q.query('SELECT code, name_en, name_fa, capital_en, capital_fa, capital_lat, capital_lon, land_border_with, coastline FROM provinces WHERE code = $1', [code])).rows[0];
  if (!r) throw new AppError('provinces_unknown_province', 404, { value: code });
  return r;
}

export async function provinceProfile(q: Queryable, o: { province: string; from?: string | null; to?: string | null; principal: Principal | null }) {
  const province = await provinceRow(q, o.province);
  const { from, to } = defaultPeriod(o.from, o.to);
  const p = o.principal;
  const may = (perm: string) => !p || can(p, perm, o.province);

  // The parts are independent: on a pool they run side by side.
  const [fmps, flows, alerts, trainings, needs, mobility, governance, loaded] = await Promise.all([
    q
      .query(
        `SELECT m.code, m.name_en, m.name_fa, m.lat, m.lon, m.opened_on, m.closed_on, e.neighbour_iso3
           FROM fmps m LEFT JOIN points_of_entry e ON e.id = m.point_of_entry_id WHERE m.province_code = $1 ORDER BY m.code`,
        [o.province],
      )
      .then((r) => r.rows),
    may('flows.read') ? headlineFigures(q, flowFiltersFor(o.province, from, to)) : null,
    may('flows.read')
      ? q
          .query(
            `SELECT a.id, a.fmp_code, a.day, a.kind, a.movements, a.limit_value, a.raised_at FROM flow_alerts a JOIN fmps m ON m.code = a.fmp_code
              WHERE m.province_code = $1 AND a.acknowledged_at IS NULL ORDER BY a.day DESC, a.id DESC LIMIT 50`,
            [o.province],
          )
          .then((r) => r.rows)
      : null,
    provinceTrainingFigures(q, o.province, from, to),
    needsSummary(q, o.province),
    provinceMobility(q, o.province),
    may('governance.read')
      ? q
          .query(
            `SELECT a.id, f.code AS framework, v.version, a.title_en, a.title_fa, a.scope, a.city_en, a.city_fa, a.round_no, a.version_no, a.status, a.updated_at, a.published_at
               FROM gov_assessments a JOIN gov_framework_versions v ON v.id = a.framework_version_id JOIN gov_frameworks f ON f.id = v.framework_id
              WHERE a.province_code = $1
                AND NOT EXISTS (SELECT 1 FROM gov_assessments b WHERE b.series_id = a.series_id AND b.round_no = a.round_no AND b.version_no > a.version_no)
              ORDER BY a.updated_at DESC LIMIT 20`,
            [o.province],
          )
          .then((r) => ({ assessments: r.rows }))
      : null,
    loadProfileSections(q, { province: o.province, from, to, principal: p }),
  ]);
  const sections: Record<string, unknown> = {};
  for (const s of loaded) sections[s.key] = s.error ? { error: s.error } : s.data;
  return {
    province,
    period: { from, to },
    fmps,
    flows,
    alerts: alerts ? { open: alerts.length, items: alerts } : null,
    trainings: { participants: trainings.participants, participants_by_sex: trainings.participants_by_sex, participations: trainings.participations, trainings: trainings.trainings, by_agency: trainings.by_agency, list: trainings.list },
    needs,
    mobility,
    governance,
    sections,
    section_titles: Object.fromEntries(loaded.map((s) => [s.key, s.title])),
  };
}

/** The registered sections' definitions (for rendering), by key. */
export function sectionDefinitions() {
  return new Map(profileSections().map((s) => [s.key, s]));
}

export type ProvinceProfile = Awaited<ReturnType<typeof provinceProfile>>;

/**
 * Every province side by side for the national page and map: flow figures for the period (one
 * grouped read of the flow summaries), open alerts, officials trained, open needs, mobility of
 * the latest round. Flow figures are null for provinces outside the reader's flows.read scope.
 */
export async function nationalComparison(q: Queryable, o: { from?: string | null; to?: string | null; principal: Principal | null }) {
  const { from, to } = defaultPeriod(o.from, o.to);
  const flowScope = o.principal ? scopeOf(o.principal, 'flows.read') : null;
  const visible = (code: string) => !flowScope || flowScope.allProvinces || flowScope.provinces.includes(code);
  const params: unknown[] = [];
  const src = summarySource({ from, to, approvedOnly: false, scope: null }, params);
  const [provinces, flows, alerts, trained, needs, mobility] = await Promise.all([
    q.query('SELECT code, name_en, name_fa, capital_lat, capital_lon FROM provinces ORDER BY code'),
    q.query(
      `SELECT province_code, coalesce(sum(men + women + boys + girls), 0) AS individuals,
              coalesce(sum(men + women + boys + girls) FILTER (WHERE direction = 'in'), 0) AS inflow,
              coalesce(sum(men + women + boys + girls) FILTER (WHERE direction = 'out'), 0) AS outflow
         FROM ${src} GROUP BY province_code`,
      params,
    ),
    q.query('SELECT m.province_code, count(*) AS n FROM flow_alerts a JOIN fmps m ON m.code = a.fmp_code WHERE a.acknowledged_at IS NULL GROUP BY 1'),
    q.query(
      `SELECT pp.province_code, count(DISTINCT (pp.name_key, pp.agency_id)) AS participants,
              count(DISTINCT (pp.name_key, pp.agency_id)) FILTER (WHERE pp.sex = 'female') AS female
         FROM training_participants pp JOIN trainings t ON t.id = pp.training_id
        WHERE coalesce(t.starts_on, t.created_at::date) BETWEEN $1::date AND $2::date GROUP BY 1`,
      [from, to],
    ),
    q.query(
      `SELECT province_code, count(*) FILTER (WHERE status NOT IN ('met', 'dropped')) AS open, count(*) AS total
         FROM province_needs n WHERE round_no = (SELECT max(round_no) FROM province_needs x WHERE x.province_code = n.province_code) GROUP BY 1`,
    ),
    q.query(
      `WITH r AS (SELECT id, round_no FROM mobility_rounds r WHERE EXISTS (SELECT 1 FROM mobility_movements m WHERE m.round_id = r.id) ORDER BY round_no DESC LIMIT 1),
       x AS (SELECT destination_province AS p, individuals AS a, 0 AS d FROM mobility_movements WHERE round_id = (SELECT id FROM r) AND origin_province <> destination_province
             UNION ALL SELECT origin_province, 0, individuals FROM mobility_movements WHERE round_id = (SELECT id FROM r) AND origin_province <> destination_province)
       SELECT p, sum(a) AS arrivals, sum(d) AS departures, (SELECT round_no FROM r) AS round_no FROM x GROUP BY p`,
    ),
  ]);
  const by = <T>(rows: any[], key: string) => new Map<string, T>(rows.map((r) => [r[key], r]));
  const f = by<any>(flows.rows, 'province_code'), al = by<any>(alerts.rows, 'province_code'), tr = by<any>(trained.rows, 'province_code'), nd = by<any>(needs.rows, 'province_code'), mb = by<any>(mobility.rows, 'p');
  return {
    period: { from, to },
    mobility_round: mobility.rows[0]?.round_no ?? null,
    provinces: provinces.rows.map((p: any) => {
      const show = visible(p.code);
      const fl = f.get(p.code), m = mb.get(p.code);
      return {
        code: p.code,
        name_en: p.name_en,
        name_fa: p.name_fa,
        lat: p.capital_lat,
        lon: p.capital_lon,
        individuals: show ? (fl?.individuals ?? 0) : null,
        inflow: show ? (fl?.inflow ?? 0) : null,
        outflow: show ? (fl?.outflow ?? 0) : null,
        open_alerts: show ? (al.get(p.code)?.n ?? 0) : null,
        participants: tr.get(p.code)?.participants ?? 0,
        participants_female: tr.get(p.code)?.female ?? 0,
        needs_open: nd.get(p.code)?.open ?? 0,
        needs_total: nd.get(p.code)?.total ?? 0,
        mobility_arrivals: m?.arrivals ?? 0,
        mobility_departures: m?.departures ?? 0,
        mobility_net: (m?.arrivals ?? 0) - (m?.departures ?? 0),
      };
    }),
  };
}
