// The summaries recomputed from the records, compared with what the summary tables hold (through
// their views): every figure and every breakdown, by day and by month. Used by the property
// tests of both ways the summaries are kept (the trigger, and imports that hand in their own
// changes); an empty result means they agree.
import type { Queryable } from '../platform/db/database.ts';

const KEY = 'fmp_code, province_code, day, direction, nationality, deported, status';

const RECORD_BREAKDOWNS = `
  SELECT fmp_code, province_code, observed_on AS day, direction, nationality, deported, status, k.kind, k.value,
         count(*) AS groups, sum(men + women + boys + girls) AS individuals
    FROM fmr_records d
   CROSS JOIN LATERAL (
           SELECT 'transport', coalesce(d.transport, 'not_stated')
           UNION ALL SELECT 'origin', coalesce(d.origin_country, '?') || '|' || coalesce(d.origin_admin1, '')
           UNION ALL SELECT 'destination', coalesce(d.destination_country, '?') || '|' || coalesce(d.destination_admin1, '')
           UNION ALL SELECT 'route', coalesce(d.origin_country, '?') || '>' || coalesce(d.destination_country, '?')
           UNION ALL SELECT 'reason', unnest(CASE WHEN cardinality(d.reasons) = 0 THEN ARRAY['not_stated'] ELSE d.reasons END)
         ) AS k(kind, value)
   GROUP BY ${KEY}, k.kind, k.value`;

const RECORD_FIGURES = `
  SELECT fmp_code, province_code, observed_on AS day, direction, nationality, deported, status, count(*) AS groups,
         sum(men) AS men, sum(women) AS women, sum(boys) AS boys, sum(girls) AS girls, sum(coalesce(uasc, 0)) AS uasc,
         sum(coalesce(pregnant_lactating, 0)) AS pregnant_lactating, sum(coalesce(elderly, 0)) AS elderly,
         sum(coalesce(disabled, 0)) AS disabled, sum(coalesce(medical, 0)) AS medical
    FROM fmr_records GROUP BY ${KEY}`;

const FIGURES = 'sum(groups) AS groups, sum(men) AS men, sum(women) AS women, sum(boys) AS boys, sum(girls) AS girls, sum(uasc) AS uasc, sum(pregnant_lactating) AS pregnant_lactating, sum(elderly) AS elderly, sum(disabled) AS disabled, sum(medical) AS medical';

/** Rows on which the summaries and the records disagree (at most 20), labelled with the table. */
export async function summaryDifferences(q: Queryable): Promise<Record<string, unknown>[]> {
  const month = `date_trunc('month', day)::date AS day`;
  const KEYM = KEY.replace('day', month);
  const { rows } = await q.query(`
    WITH rb AS (${RECORD_BREAKDOWNS}),
         rf AS (${RECORD_FIGURES}),
         rbm AS (SELECT ${KEYM}, kind, value, sum(groups) AS groups, sum(individuals) AS individuals FROM rb GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9),
         rfm AS (SELECT ${KEYM}, ${FIGURES} FROM rf GROUP BY 1, 2, 3, 4, 5, 6, 7),
         sb AS (SELECT ${KEY}, kind, value, sum(groups) AS groups, sum(individuals) AS individuals FROM flow_daily_attr GROUP BY ${KEY}, kind, value HAVING sum(groups) <> 0),
         sbm AS (SELECT ${KEY}, kind, value, sum(groups) AS groups, sum(individuals) AS individuals FROM flow_monthly_attr GROUP BY ${KEY}, kind, value HAVING sum(groups) <> 0),
         sf AS (SELECT ${KEY}, ${FIGURES} FROM flow_daily GROUP BY ${KEY} HAVING sum(groups) <> 0),
         sfm AS (SELECT ${KEY}, ${FIGURES} FROM flow_monthly GROUP BY ${KEY} HAVING sum(groups) <> 0)
    SELECT * FROM (
      (SELECT 'daily breakdowns: records' AS side, to_jsonb(x) AS row FROM (SELECT * FROM rb EXCEPT SELECT * FROM sb) x)
      UNION ALL (SELECT 'daily breakdowns: summaries', to_jsonb(x) FROM (SELECT * FROM sb EXCEPT SELECT * FROM rb) x)
      UNION ALL (SELECT 'monthly breakdowns: records', to_jsonb(x) FROM (SELECT * FROM rbm EXCEPT SELECT * FROM sbm) x)
      UNION ALL (SELECT 'monthly breakdowns: summaries', to_jsonb(x) FROM (SELECT * FROM sbm EXCEPT SELECT * FROM rbm) x)
      UNION ALL (SELECT 'daily figures: records', to_jsonb(x) FROM (SELECT * FROM rf EXCEPT SELECT * FROM sf) x)
      UNION ALL (SELECT 'daily figures: summaries', to_jsonb(x) FROM (SELECT * FROM sf EXCEPT SELECT * FROM rf) x)
      UNION ALL (SELECT 'monthly figures: records', to_jsonb(x) FROM (SELECT * FROM rfm EXCEPT SELECT * FROM sfm) x)
      UNION ALL (SELECT 'monthly figures: summaries', to_jsonb(x) FROM (SELECT * FROM sfm EXCEPT SELECT * FROM rfm) x)
    ) d LIMIT 20`);
  return rows;
}
