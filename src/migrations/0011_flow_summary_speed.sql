-- Faster summaries (issue 5, performance).
--
-- 1. Monthly summaries. flow_monthly and flow_monthly_attr hold the same figures as flow_daily
--    and flow_daily_attr with `day` = the first day of the month. Dashboards over long periods
--    read whole months from them and only the days at either end from the daily tables, so a
--    year or all time costs about as much as a month (the daily breakdowns grow to millions of
--    rows with ten million records).
-- 2. A cheaper flow_apply_delta, keeping the same four tables exactly equal to the records:
--    * the delta carries only the columns the summaries need (not n.*), once per statement;
--    * the five breakdowns of flow_daily_attr come from one pass over the delta (one unnest of
--      parallel kind/value arrays per row) instead of five scans of a materialised CTE;
--    * each day-level grouping is computed once and rolled up to months from there;
--    * rows are upserted in key order (index locality, and a fixed lock order between writers);
--    * no JIT: compiling the trigger's queries cost more than running them (0.8 s a statement);
--    * 32 MB of work memory, so that grouping a big statement (an import batch, a bulk review)
--      stays in memory instead of spilling to disk (the default is 4 MB).
-- 3. Room in the summary tables' pages (fillfactor 80), so that the updates every later write
--    makes to a summary row are HOT (no new index entries; the key columns never change).

CREATE TABLE flow_monthly (LIKE flow_daily);
ALTER TABLE flow_monthly ADD PRIMARY KEY (fmp_code, day, direction, nationality, deported, status);
CREATE INDEX flow_monthly_day ON flow_monthly (day);

CREATE TABLE flow_monthly_attr (LIKE flow_daily_attr);
ALTER TABLE flow_monthly_attr ADD PRIMARY KEY (kind, fmp_code, day, direction, nationality, deported, status, value);
CREATE INDEX flow_monthly_attr_day ON flow_monthly_attr (kind, day);

INSERT INTO flow_monthly
SELECT fmp_code, min(province_code), date_trunc('month', day)::date, direction, nationality, deported, status,
       sum(groups), sum(men), sum(women), sum(boys), sum(girls), sum(uasc), sum(pregnant_lactating), sum(elderly), sum(disabled), sum(medical)
  FROM flow_daily
 GROUP BY fmp_code, date_trunc('month', day)::date, direction, nationality, deported, status;

INSERT INTO flow_monthly_attr
SELECT fmp_code, min(province_code), date_trunc('month', day)::date, direction, nationality, deported, status, kind, value, sum(groups), sum(individuals)
  FROM flow_daily_attr
 GROUP BY kind, fmp_code, date_trunc('month', day)::date, direction, nationality, deported, status, value;

ALTER TABLE flow_daily SET (fillfactor = 80);
ALTER TABLE flow_daily_attr SET (fillfactor = 80);
ALTER TABLE flow_monthly SET (fillfactor = 80);
ALTER TABLE flow_monthly_attr SET (fillfactor = 80);

-- The statements are static SQL (one branch per operation, since a trigger sees only its own
-- transition tables), so PL/pgSQL prepares each once per connection instead of planning two
-- dynamic statements on every write: a one-record submission pays for execution only.
CREATE OR REPLACE FUNCTION flow_apply_delta() RETURNS trigger LANGUAGE plpgsql SET jit = off SET work_mem = '32MB' AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH g AS MATERIALIZED (
      SELECT fmp_code, min(province_code) AS province_code, observed_on AS day, direction, nationality, deported, status,
             sum(sign) AS groups, sum(sign * men) AS men, sum(sign * women) AS women, sum(sign * boys) AS boys, sum(sign * girls) AS girls,
             sum(sign * uasc) AS uasc, sum(sign * pregnant_lactating) AS pregnant_lactating, sum(sign * elderly) AS elderly,
             sum(sign * disabled) AS disabled, sum(sign * medical) AS medical
        FROM (SELECT fmp_code, province_code, observed_on, direction, nationality, deported, status, men, women, boys, girls, coalesce(uasc, 0) AS uasc, coalesce(pregnant_lactating, 0) AS pregnant_lactating, coalesce(elderly, 0) AS elderly, coalesce(disabled, 0) AS disabled, coalesce(medical, 0) AS medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, 1 AS sign FROM new_rows) d
       GROUP BY fmp_code, observed_on, direction, nationality, deported, status),
    daily AS (
      INSERT INTO flow_daily AS f
      SELECT * FROM g ORDER BY fmp_code, day, direction, nationality, deported, status
      ON CONFLICT (fmp_code, day, direction, nationality, deported, status) DO UPDATE SET
        groups = f.groups + excluded.groups, men = f.men + excluded.men, women = f.women + excluded.women,
        boys = f.boys + excluded.boys, girls = f.girls + excluded.girls, uasc = f.uasc + excluded.uasc,
        pregnant_lactating = f.pregnant_lactating + excluded.pregnant_lactating, elderly = f.elderly + excluded.elderly,
        disabled = f.disabled + excluded.disabled, medical = f.medical + excluded.medical)
    INSERT INTO flow_monthly AS f
    SELECT fmp_code, min(province_code), date_trunc('month', day)::date AS month, direction, nationality, deported, status,
           sum(groups), sum(men), sum(women), sum(boys), sum(girls), sum(uasc), sum(pregnant_lactating), sum(elderly), sum(disabled), sum(medical)
      FROM g
     GROUP BY fmp_code, month, direction, nationality, deported, status
     ORDER BY fmp_code, month, direction, nationality, deported, status
    ON CONFLICT (fmp_code, day, direction, nationality, deported, status) DO UPDATE SET
      groups = f.groups + excluded.groups, men = f.men + excluded.men, women = f.women + excluded.women,
      boys = f.boys + excluded.boys, girls = f.girls + excluded.girls, uasc = f.uasc + excluded.uasc,
      pregnant_lactating = f.pregnant_lactating + excluded.pregnant_lactating, elderly = f.elderly + excluded.elderly,
      disabled = f.disabled + excluded.disabled, medical = f.medical + excluded.medical;
    WITH g AS MATERIALIZED (
      SELECT fmp_code, min(province_code) AS province_code, observed_on AS day, direction, nationality, deported, status, k.kind, k.value,
             sum(sign) AS groups, sum(sign * (men + women + boys + girls)) AS individuals
        FROM (SELECT fmp_code, province_code, observed_on, direction, nationality, deported, status, men, women, boys, girls, coalesce(uasc, 0) AS uasc, coalesce(pregnant_lactating, 0) AS pregnant_lactating, coalesce(elderly, 0) AS elderly, coalesce(disabled, 0) AS disabled, coalesce(medical, 0) AS medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, 1 AS sign FROM new_rows) d
       CROSS JOIN LATERAL unnest(
               '{transport,origin,destination,route}'::text[] || array_fill('reason'::text, ARRAY[greatest(cardinality(d.reasons), 1)]),
               ARRAY[coalesce(d.transport, 'not_stated'),
                     coalesce(d.origin_country, '?') || '|' || coalesce(d.origin_admin1, ''),
                     coalesce(d.destination_country, '?') || '|' || coalesce(d.destination_admin1, ''),
                     coalesce(d.origin_country, '?') || '>' || coalesce(d.destination_country, '?')]
                 || CASE WHEN cardinality(d.reasons) = 0 THEN ARRAY['not_stated'] ELSE d.reasons END
             ) AS k(kind, value)
       GROUP BY k.kind, fmp_code, observed_on, direction, nationality, deported, status, k.value),
    daily AS (
      INSERT INTO flow_daily_attr AS f
      SELECT * FROM g ORDER BY kind, fmp_code, day, direction, nationality, deported, status, value
      ON CONFLICT (kind, fmp_code, day, direction, nationality, deported, status, value) DO UPDATE SET
        groups = f.groups + excluded.groups, individuals = f.individuals + excluded.individuals)
    INSERT INTO flow_monthly_attr AS f
    SELECT fmp_code, min(province_code), date_trunc('month', day)::date AS month, direction, nationality, deported, status, kind, value,
           sum(groups), sum(individuals)
      FROM g
     GROUP BY kind, fmp_code, month, direction, nationality, deported, status, value
     ORDER BY kind, fmp_code, month, direction, nationality, deported, status, value
    ON CONFLICT (kind, fmp_code, day, direction, nationality, deported, status, value) DO UPDATE SET
      groups = f.groups + excluded.groups, individuals = f.individuals + excluded.individuals;
  ELSIF TG_OP = 'DELETE' THEN
    WITH g AS MATERIALIZED (
      SELECT fmp_code, min(province_code) AS province_code, observed_on AS day, direction, nationality, deported, status,
             sum(sign) AS groups, sum(sign * men) AS men, sum(sign * women) AS women, sum(sign * boys) AS boys, sum(sign * girls) AS girls,
             sum(sign * uasc) AS uasc, sum(sign * pregnant_lactating) AS pregnant_lactating, sum(sign * elderly) AS elderly,
             sum(sign * disabled) AS disabled, sum(sign * medical) AS medical
        FROM (SELECT fmp_code, province_code, observed_on, direction, nationality, deported, status, men, women, boys, girls, coalesce(uasc, 0) AS uasc, coalesce(pregnant_lactating, 0) AS pregnant_lactating, coalesce(elderly, 0) AS elderly, coalesce(disabled, 0) AS disabled, coalesce(medical, 0) AS medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, -1 AS sign FROM old_rows) d
       GROUP BY fmp_code, observed_on, direction, nationality, deported, status),
    daily AS (
      INSERT INTO flow_daily AS f
      SELECT * FROM g ORDER BY fmp_code, day, direction, nationality, deported, status
      ON CONFLICT (fmp_code, day, direction, nationality, deported, status) DO UPDATE SET
        groups = f.groups + excluded.groups, men = f.men + excluded.men, women = f.women + excluded.women,
        boys = f.boys + excluded.boys, girls = f.girls + excluded.girls, uasc = f.uasc + excluded.uasc,
        pregnant_lactating = f.pregnant_lactating + excluded.pregnant_lactating, elderly = f.elderly + excluded.elderly,
        disabled = f.disabled + excluded.disabled, medical = f.medical + excluded.medical)
    INSERT INTO flow_monthly AS f
    SELECT fmp_code, min(province_code), date_trunc('month', day)::date AS month, direction, nationality, deported, status,
           sum(groups), sum(men), sum(women), sum(boys), sum(girls), sum(uasc), sum(pregnant_lactating), sum(elderly), sum(disabled), sum(medical)
      FROM g
     GROUP BY fmp_code, month, direction, nationality, deported, status
     ORDER BY fmp_code, month, direction, nationality, deported, status
    ON CONFLICT (fmp_code, day, direction, nationality, deported, status) DO UPDATE SET
      groups = f.groups + excluded.groups, men = f.men + excluded.men, women = f.women + excluded.women,
      boys = f.boys + excluded.boys, girls = f.girls + excluded.girls, uasc = f.uasc + excluded.uasc,
      pregnant_lactating = f.pregnant_lactating + excluded.pregnant_lactating, elderly = f.elderly + excluded.elderly,
      disabled = f.disabled + excluded.disabled, medical = f.medical + excluded.medical;
    WITH g AS MATERIALIZED (
      SELECT fmp_code, min(province_code) AS province_code, observed_on AS day, direction, nationality, deported, status, k.kind, k.value,
             sum(sign) AS groups, sum(sign * (men + women + boys + girls)) AS individuals
        FROM (SELECT fmp_code, province_code, observed_on, direction, nationality, deported, status, men, women, boys, girls, coalesce(uasc, 0) AS uasc, coalesce(pregnant_lactating, 0) AS pregnant_lactating, coalesce(elderly, 0) AS elderly, coalesce(disabled, 0) AS disabled, coalesce(medical, 0) AS medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, -1 AS sign FROM old_rows) d
       CROSS JOIN LATERAL unnest(
               '{transport,origin,destination,route}'::text[] || array_fill('reason'::text, ARRAY[greatest(cardinality(d.reasons), 1)]),
               ARRAY[coalesce(d.transport, 'not_stated'),
                     coalesce(d.origin_country, '?') || '|' || coalesce(d.origin_admin1, ''),
                     coalesce(d.destination_country, '?') || '|' || coalesce(d.destination_admin1, ''),
                     coalesce(d.origin_country, '?') || '>' || coalesce(d.destination_country, '?')]
                 || CASE WHEN cardinality(d.reasons) = 0 THEN ARRAY['not_stated'] ELSE d.reasons END
             ) AS k(kind, value)
       GROUP BY k.kind, fmp_code, observed_on, direction, nationality, deported, status, k.value),
    daily AS (
      INSERT INTO flow_daily_attr AS f
      SELECT * FROM g ORDER BY kind, fmp_code, day, direction, nationality, deported, status, value
      ON CONFLICT (kind, fmp_code, day, direction, nationality, deported, status, value) DO UPDATE SET
        groups = f.groups + excluded.groups, individuals = f.individuals + excluded.individuals)
    INSERT INTO flow_monthly_attr AS f
    SELECT fmp_code, min(province_code), date_trunc('month', day)::date AS month, direction, nationality, deported, status, kind, value,
           sum(groups), sum(individuals)
      FROM g
     GROUP BY kind, fmp_code, month, direction, nationality, deported, status, value
     ORDER BY kind, fmp_code, month, direction, nationality, deported, status, value
    ON CONFLICT (kind, fmp_code, day, direction, nationality, deported, status, value) DO UPDATE SET
      groups = f.groups + excluded.groups, individuals = f.individuals + excluded.individuals;
  ELSE
    WITH g AS MATERIALIZED (
      SELECT fmp_code, min(province_code) AS province_code, observed_on AS day, direction, nationality, deported, status,
             sum(sign) AS groups, sum(sign * men) AS men, sum(sign * women) AS women, sum(sign * boys) AS boys, sum(sign * girls) AS girls,
             sum(sign * uasc) AS uasc, sum(sign * pregnant_lactating) AS pregnant_lactating, sum(sign * elderly) AS elderly,
             sum(sign * disabled) AS disabled, sum(sign * medical) AS medical
        FROM (SELECT fmp_code, province_code, observed_on, direction, nationality, deported, status, men, women, boys, girls, coalesce(uasc, 0) AS uasc, coalesce(pregnant_lactating, 0) AS pregnant_lactating, coalesce(elderly, 0) AS elderly, coalesce(disabled, 0) AS disabled, coalesce(medical, 0) AS medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, 1 AS sign FROM new_rows UNION ALL SELECT fmp_code, province_code, observed_on, direction, nationality, deported, status, men, women, boys, girls, coalesce(uasc, 0) AS uasc, coalesce(pregnant_lactating, 0) AS pregnant_lactating, coalesce(elderly, 0) AS elderly, coalesce(disabled, 0) AS disabled, coalesce(medical, 0) AS medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, -1 FROM old_rows) d
       GROUP BY fmp_code, observed_on, direction, nationality, deported, status),
    daily AS (
      INSERT INTO flow_daily AS f
      SELECT * FROM g ORDER BY fmp_code, day, direction, nationality, deported, status
      ON CONFLICT (fmp_code, day, direction, nationality, deported, status) DO UPDATE SET
        groups = f.groups + excluded.groups, men = f.men + excluded.men, women = f.women + excluded.women,
        boys = f.boys + excluded.boys, girls = f.girls + excluded.girls, uasc = f.uasc + excluded.uasc,
        pregnant_lactating = f.pregnant_lactating + excluded.pregnant_lactating, elderly = f.elderly + excluded.elderly,
        disabled = f.disabled + excluded.disabled, medical = f.medical + excluded.medical)
    INSERT INTO flow_monthly AS f
    SELECT fmp_code, min(province_code), date_trunc('month', day)::date AS month, direction, nationality, deported, status,
           sum(groups), sum(men), sum(women), sum(boys), sum(girls), sum(uasc), sum(pregnant_lactating), sum(elderly), sum(disabled), sum(medical)
      FROM g
     GROUP BY fmp_code, month, direction, nationality, deported, status
     ORDER BY fmp_code, month, direction, nationality, deported, status
    ON CONFLICT (fmp_code, day, direction, nationality, deported, status) DO UPDATE SET
      groups = f.groups + excluded.groups, men = f.men + excluded.men, women = f.women + excluded.women,
      boys = f.boys + excluded.boys, girls = f.girls + excluded.girls, uasc = f.uasc + excluded.uasc,
      pregnant_lactating = f.pregnant_lactating + excluded.pregnant_lactating, elderly = f.elderly + excluded.elderly,
      disabled = f.disabled + excluded.disabled, medical = f.medical + excluded.medical;
    WITH g AS MATERIALIZED (
      SELECT fmp_code, min(province_code) AS province_code, observed_on AS day, direction, nationality, deported, status, k.kind, k.value,
             sum(sign) AS groups, sum(sign * (men + women + boys + girls)) AS individuals
        FROM (SELECT fmp_code, province_code, observed_on, direction, nationality, deported, status, men, women, boys, girls, coalesce(uasc, 0) AS uasc, coalesce(pregnant_lactating, 0) AS pregnant_lactating, coalesce(elderly, 0) AS elderly, coalesce(disabled, 0) AS disabled, coalesce(medical, 0) AS medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, 1 AS sign FROM new_rows UNION ALL SELECT fmp_code, province_code, observed_on, direction, nationality, deported, status, men, women, boys, girls, coalesce(uasc, 0) AS uasc, coalesce(pregnant_lactating, 0) AS pregnant_lactating, coalesce(elderly, 0) AS elderly, coalesce(disabled, 0) AS disabled, coalesce(medical, 0) AS medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, -1 FROM old_rows) d
       CROSS JOIN LATERAL unnest(
               '{transport,origin,destination,route}'::text[] || array_fill('reason'::text, ARRAY[greatest(cardinality(d.reasons), 1)]),
               ARRAY[coalesce(d.transport, 'not_stated'),
                     coalesce(d.origin_country, '?') || '|' || coalesce(d.origin_admin1, ''),
                     coalesce(d.destination_country, '?') || '|' || coalesce(d.destination_admin1, ''),
                     coalesce(d.origin_country, '?') || '>' || coalesce(d.destination_country, '?')]
                 || CASE WHEN cardinality(d.reasons) = 0 THEN ARRAY['not_stated'] ELSE d.reasons END
             ) AS k(kind, value)
       GROUP BY k.kind, fmp_code, observed_on, direction, nationality, deported, status, k.value),
    daily AS (
      INSERT INTO flow_daily_attr AS f
      SELECT * FROM g ORDER BY kind, fmp_code, day, direction, nationality, deported, status, value
      ON CONFLICT (kind, fmp_code, day, direction, nationality, deported, status, value) DO UPDATE SET
        groups = f.groups + excluded.groups, individuals = f.individuals + excluded.individuals)
    INSERT INTO flow_monthly_attr AS f
    SELECT fmp_code, min(province_code), date_trunc('month', day)::date AS month, direction, nationality, deported, status, kind, value,
           sum(groups), sum(individuals)
      FROM g
     GROUP BY kind, fmp_code, month, direction, nationality, deported, status, value
     ORDER BY kind, fmp_code, month, direction, nationality, deported, status, value
    ON CONFLICT (kind, fmp_code, day, direction, nationality, deported, status, value) DO UPDATE SET
      groups = f.groups + excluded.groups, individuals = f.individuals + excluded.individuals;
  END IF;
  RETURN NULL;
END $$;
