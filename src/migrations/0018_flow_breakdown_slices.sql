-- Summaries in slices, and imports that hand in their own changes (issue 9: imports at the speed
-- of the engine).
--
-- The summaries were four tables keyed by up to eight text columns, the daily breakdowns (by
-- reason, transport, origin, destination and route) holding about one row for every two records:
-- keeping them cost twice as much as writing the records. Now:
--  * a "slice" — FMP, province, direction, nationality, deported, review status — is a row of
--    flow_slices (a few hundred of them) and a breakdown value — (kind, value) — a row of
--    flow_attr_values;
--  * one row per slice and day (flow_daily_slices) and per slice and month
--    (flow_monthly_slices) holds the figures and, in three parallel arrays sorted by value id,
--    the breakdown counts: about one summary row for thirty records;
--  * flow_daily, flow_monthly, flow_daily_attr and flow_monthly_attr become views with their
--    old columns, so readers are unchanged;
--  * flow_apply_slices() is the one writer of the two tables, called by the trigger (and by an
--    import for the monthly rows it holds until its end). For most
--    writes the trigger reads the changed rows once (one GROUPING SETS aggregation gives the
--    figures and every breakdown); an import instead computes the same changes while it
--    validates its rows (src/flows/summary-delta.ts) and stages them in its temporary table
--    fmr_import_delta before copying the rows: while marz.summary_by_caller is 'on' in its
--    transaction, the insert trigger applies those. The property tests compare both paths with a
--    recomputation from the records.

CREATE TABLE flow_slices (
  id            serial PRIMARY KEY,
  fmp_code      text NOT NULL,
  province_code text NOT NULL,
  direction     text NOT NULL,
  nationality   text NOT NULL,
  deported      text NOT NULL,
  status        text NOT NULL,
  UNIQUE (fmp_code, province_code, direction, nationality, deported, status)
);

CREATE TABLE flow_attr_values (
  id    serial PRIMARY KEY,
  kind  text NOT NULL CHECK (kind IN ('reason', 'transport', 'origin', 'destination', 'route')),
  value text NOT NULL,
  UNIQUE (kind, value)
);

-- slice names a row of flow_slices and attrs rows of flow_attr_values; only flow_apply_slices
-- writes these tables, after registering the slices and values, and nothing deletes them: no
-- foreign keys (whose per-row checks would cost more than the rows).
CREATE TABLE flow_daily_slices (
  slice              integer NOT NULL,
  day                date NOT NULL,
  groups             bigint NOT NULL,
  men                bigint NOT NULL,
  women              bigint NOT NULL,
  boys               bigint NOT NULL,
  girls              bigint NOT NULL,
  uasc               bigint NOT NULL,
  pregnant_lactating bigint NOT NULL,
  elderly            bigint NOT NULL,
  disabled           bigint NOT NULL,
  medical            bigint NOT NULL,
  attrs              integer[] NOT NULL,
  attr_groups        bigint[] NOT NULL,
  attr_individuals   bigint[] NOT NULL,
  PRIMARY KEY (slice, day)
) WITH (fillfactor = 70);
CREATE INDEX flow_daily_slices_day ON flow_daily_slices (day);

-- The same with day = the first of the month.
CREATE TABLE flow_monthly_slices (LIKE flow_daily_slices INCLUDING ALL) WITH (fillfactor = 70);

-- Changes to the summaries of one slice and day (monthly: month), breakdown arrays sorted by
-- value id; at most one per slice, day and `monthly` in a call.
CREATE TYPE flow_slice_delta AS (
  monthly boolean, slice integer, day date,
  groups bigint, men bigint, women bigint, boys bigint, girls bigint,
  uasc bigint, pregnant_lactating bigint, elderly bigint, disabled bigint, medical bigint,
  attrs integer[], attr_groups bigint[], attr_individuals bigint[]
);

-- Two sets of breakdown counts added together (arrays sorted by value id).
CREATE FUNCTION flow_merge_counts(a integer[], ag bigint[], ai bigint[], b integer[], bg bigint[], bi bigint[],
                                  OUT attrs integer[], OUT attr_groups bigint[], OUT attr_individuals bigint[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(attr ORDER BY attr), '{}'), coalesce(array_agg(g ORDER BY attr), '{}'), coalesce(array_agg(i ORDER BY attr), '{}')
    FROM (SELECT attr, sum(g)::bigint AS g, sum(i)::bigint AS i
            FROM (SELECT * FROM unnest(a, ag, ai) UNION ALL SELECT * FROM unnest(b, bg, bi)) x(attr, g, i)
           GROUP BY attr) y
$$;

-- Adds changes to the summaries, in key order (index locality, and a fixed lock order between
-- concurrent writers).
CREATE FUNCTION flow_apply_slices(d flow_slice_delta[]) RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
  INSERT INTO flow_daily_slices AS f
  SELECT slice, day, groups, men, women, boys, girls, uasc, pregnant_lactating, elderly, disabled, medical, attrs, attr_groups, attr_individuals
    FROM unnest(d) WHERE NOT monthly ORDER BY slice, day
  ON CONFLICT (slice, day) DO UPDATE SET
    groups = f.groups + excluded.groups, men = f.men + excluded.men, women = f.women + excluded.women,
    boys = f.boys + excluded.boys, girls = f.girls + excluded.girls, uasc = f.uasc + excluded.uasc,
    pregnant_lactating = f.pregnant_lactating + excluded.pregnant_lactating, elderly = f.elderly + excluded.elderly,
    disabled = f.disabled + excluded.disabled, medical = f.medical + excluded.medical,
    (attrs, attr_groups, attr_individuals) = (SELECT * FROM flow_merge_counts(f.attrs, f.attr_groups, f.attr_individuals, excluded.attrs, excluded.attr_groups, excluded.attr_individuals));
  INSERT INTO flow_monthly_slices AS f
  SELECT slice, day, groups, men, women, boys, girls, uasc, pregnant_lactating, elderly, disabled, medical, attrs, attr_groups, attr_individuals
    FROM unnest(d) WHERE monthly ORDER BY slice, day
  ON CONFLICT (slice, day) DO UPDATE SET
    groups = f.groups + excluded.groups, men = f.men + excluded.men, women = f.women + excluded.women,
    boys = f.boys + excluded.boys, girls = f.girls + excluded.girls, uasc = f.uasc + excluded.uasc,
    pregnant_lactating = f.pregnant_lactating + excluded.pregnant_lactating, elderly = f.elderly + excluded.elderly,
    disabled = f.disabled + excluded.disabled, medical = f.medical + excluded.medical,
    (attrs, attr_groups, attr_individuals) = (SELECT * FROM flow_merge_counts(f.attrs, f.attr_groups, f.attr_individuals, excluded.attrs, excluded.attr_groups, excluded.attr_individuals));
END $$;

-- One change to the summaries in words: kind IS NULL for the figures of a slice and day,
-- otherwise one breakdown value (groups and individuals only).
CREATE TYPE flow_delta AS (
  fmp_code text, province_code text, direction text, nationality text, deported text, status text, day date,
  kind text, value text,
  groups bigint, individuals bigint, men bigint, women bigint, boys bigint, girls bigint,
  uasc bigint, pregnant_lactating bigint, elderly bigint, disabled bigint, medical bigint
);

-- Registers the slices and values of changes in words (in their own statements, so that the
-- next sees those another transaction has just committed), then applies them by slice.
CREATE FUNCTION flow_apply_summary(d flow_delta[]) RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
  INSERT INTO flow_slices (fmp_code, province_code, direction, nationality, deported, status)
  SELECT DISTINCT fmp_code, province_code, direction, nationality, deported, status FROM unnest(d) ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT DO NOTHING;
  INSERT INTO flow_attr_values (kind, value)
  SELECT DISTINCT kind, value FROM unnest(d) WHERE kind IS NOT NULL ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  PERFORM flow_apply_slices(ARRAY(
    WITH x AS MATERIALIZED (
        SELECT s.id AS slice, x.day, v.id AS attr, x.groups, x.individuals, x.men, x.women, x.boys, x.girls,
               x.uasc, x.pregnant_lactating, x.elderly, x.disabled, x.medical
          FROM unnest(d) x
          JOIN flow_slices s ON (s.fmp_code, s.province_code, s.direction, s.nationality, s.deported, s.status) = (x.fmp_code, x.province_code, x.direction, x.nationality, x.deported, x.status)
          LEFT JOIN flow_attr_values v ON (v.kind, v.value) = (x.kind, x.value)),
      a AS (
        SELECT monthly, slice, day, attr, sum(groups)::bigint AS g, sum(individuals)::bigint AS i, sum(men)::bigint AS men, sum(women)::bigint AS women,
               sum(boys)::bigint AS boys, sum(girls)::bigint AS girls, sum(uasc)::bigint AS uasc, sum(pregnant_lactating)::bigint AS pregnant_lactating,
               sum(elderly)::bigint AS elderly, sum(disabled)::bigint AS disabled, sum(medical)::bigint AS medical
          FROM (SELECT false AS monthly, * FROM x UNION ALL SELECT true, slice, date_trunc('month', day)::date, attr, groups, individuals, men, women, boys, girls,
                       uasc, pregnant_lactating, elderly, disabled, medical FROM x) p
         GROUP BY monthly, slice, day, attr)
    SELECT ROW(monthly, slice, day,
               coalesce(sum(g) FILTER (WHERE attr IS NULL), 0), coalesce(sum(men) FILTER (WHERE attr IS NULL), 0),
               coalesce(sum(women) FILTER (WHERE attr IS NULL), 0), coalesce(sum(boys) FILTER (WHERE attr IS NULL), 0),
               coalesce(sum(girls) FILTER (WHERE attr IS NULL), 0), coalesce(sum(uasc) FILTER (WHERE attr IS NULL), 0),
               coalesce(sum(pregnant_lactating) FILTER (WHERE attr IS NULL), 0), coalesce(sum(elderly) FILTER (WHERE attr IS NULL), 0),
               coalesce(sum(disabled) FILTER (WHERE attr IS NULL), 0), coalesce(sum(medical) FILTER (WHERE attr IS NULL), 0),
               coalesce(array_agg(attr ORDER BY attr) FILTER (WHERE attr IS NOT NULL), '{}'),
               coalesce(array_agg(g ORDER BY attr) FILTER (WHERE attr IS NOT NULL), '{}'),
               coalesce(array_agg(i ORDER BY attr) FILTER (WHERE attr IS NOT NULL), '{}'))::flow_slice_delta
      FROM a GROUP BY monthly, slice, day));
END $$;

-- The changes a set of records makes to the summaries, each record counted `sign` times (+1 new,
-- -1 old): a query over `source` (a relation with the record's columns and sign). One GROUPING
-- SETS pass: the empty set gives the figures, the others the breakdowns; reasons are grouped as
-- whole lists and split after grouping. The rules (not_stated, '?', 'country|admin1',
-- 'origin>destination') are the ones src/flows/summary-delta.ts follows for imports. A macro over
-- the source's text because a trigger's transition tables are visible only to its own statements.
CREATE FUNCTION flow_delta_sql(source text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
    SELECT ARRAY(
      WITH g AS (
        SELECT fmp_code, province_code, direction, nationality, deported, status, observed_on AS day,
               GROUPING(transport, origin_country, origin_admin1, destination_country, destination_admin1, reasons) AS gs,
               transport, origin_country, origin_admin1, destination_country, destination_admin1, reasons,
               sum(sign) AS groups, sum(sign * (men + women + boys + girls)) AS individuals,
               sum(sign * men) AS men, sum(sign * women) AS women, sum(sign * boys) AS boys, sum(sign * girls) AS girls,
               sum(sign * coalesce(uasc, 0)) AS uasc, sum(sign * coalesce(pregnant_lactating, 0)) AS pregnant_lactating,
               sum(sign * coalesce(elderly, 0)) AS elderly, sum(sign * coalesce(disabled, 0)) AS disabled, sum(sign * coalesce(medical, 0)) AS medical
          FROM (%s) r
         GROUP BY fmp_code, province_code, direction, nationality, deported, status, observed_on,
               GROUPING SETS ((), (transport), (origin_country, origin_admin1), (destination_country, destination_admin1),
                              (origin_country, destination_country), (reasons)))
      SELECT ROW(fmp_code, province_code, direction, nationality, deported, status, day, NULL, NULL,
                 groups, individuals, men, women, boys, girls, uasc, pregnant_lactating, elderly, disabled, medical)::flow_delta
        FROM g WHERE gs = 63
      UNION ALL
      SELECT ROW(fmp_code, province_code, direction, nationality, deported, status, day, k.kind, k.value,
                 sum(groups), sum(individuals), 0, 0, 0, 0, 0, 0, 0, 0, 0)::flow_delta
        FROM g CROSS JOIN LATERAL (
               SELECT 'transport', coalesce(g.transport, 'not_stated') WHERE g.gs = 31
               UNION ALL SELECT 'origin', coalesce(g.origin_country, '?') || '|' || coalesce(g.origin_admin1, '') WHERE g.gs = 39
               UNION ALL SELECT 'destination', coalesce(g.destination_country, '?') || '|' || coalesce(g.destination_admin1, '') WHERE g.gs = 57
               UNION ALL SELECT 'route', coalesce(g.origin_country, '?') || '>' || coalesce(g.destination_country, '?') WHERE g.gs = 43
               UNION ALL SELECT 'reason', r FROM unnest(CASE WHEN cardinality(g.reasons) = 0 THEN ARRAY['not_stated'] ELSE g.reasons END) r WHERE g.gs = 62
             ) AS k(kind, value)
       WHERE g.gs <> 63
       GROUP BY fmp_code, province_code, direction, nationality, deported, status, day, k.kind, k.value)
  $q$, source)
$f$;

CREATE OR REPLACE FUNCTION flow_apply_delta() RETURNS trigger LANGUAGE plpgsql SET jit = off SET work_mem = '64MB' AS $$
DECLARE
  cols constant text := 'fmp_code, province_code, direction, nationality, deported, status, observed_on, men, women, boys, girls, uasc, pregnant_lactating, elderly, disabled, medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1';
  d flow_delta[];
BEGIN
  -- An import stages what its rows add in fmr_import_delta before it copies them (see the top
  -- of this file).
  IF TG_OP = 'INSERT' AND current_setting('marz.summary_by_caller', true) = 'on' THEN
    PERFORM flow_apply_slices(ARRAY(SELECT ROW(x.*)::flow_slice_delta FROM fmr_import_delta x));
    TRUNCATE fmr_import_delta;
    RETURN NULL;
  END IF;
  EXECUTE flow_delta_sql(CASE TG_OP
      WHEN 'INSERT' THEN format('SELECT %s, 1 AS sign FROM new_rows', cols)
      WHEN 'DELETE' THEN format('SELECT %s, -1 AS sign FROM old_rows', cols)
      ELSE format('SELECT %s, 1 AS sign FROM new_rows UNION ALL SELECT %s, -1 FROM old_rows', cols, cols) END) INTO d;
  PERFORM flow_apply_summary(d);
  RETURN NULL;
END $$;

-- The summaries recomputed from the records, a month of records at a time (this migration, and
-- restoring a backup made before it).
CREATE FUNCTION flow_rebuild_summaries() RETURNS void LANGUAGE plpgsql SET jit = off SET work_mem = '256MB' AS $$
DECLARE
  m date;
  d flow_delta[];
BEGIN
  TRUNCATE flow_daily_slices, flow_monthly_slices;
  FOR m IN SELECT DISTINCT date_trunc('month', observed_on)::date FROM fmr_records ORDER BY 1 LOOP
    EXECUTE flow_delta_sql('SELECT fmp_code, province_code, direction, nationality, deported, status, observed_on, men, women, boys, girls, uasc, pregnant_lactating, elderly, disabled, medical, transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, 1 AS sign FROM fmr_records WHERE observed_on >= $1 AND observed_on < $1 + 31 AND date_trunc(''month'', observed_on) = $1') INTO d USING m;
    PERFORM flow_apply_summary(d);
  END LOOP;
END $$;

DROP TABLE flow_daily, flow_monthly, flow_daily_attr, flow_monthly_attr;
SELECT flow_rebuild_summaries();

CREATE VIEW flow_daily AS
  SELECT s.fmp_code, s.province_code, d.day, s.direction, s.nationality, s.deported, s.status,
         d.groups, d.men, d.women, d.boys, d.girls, d.uasc, d.pregnant_lactating, d.elderly, d.disabled, d.medical
    FROM flow_daily_slices d JOIN flow_slices s ON s.id = d.slice;
CREATE VIEW flow_monthly AS
  SELECT s.fmp_code, s.province_code, d.day, s.direction, s.nationality, s.deported, s.status,
         d.groups, d.men, d.women, d.boys, d.girls, d.uasc, d.pregnant_lactating, d.elderly, d.disabled, d.medical
    FROM flow_monthly_slices d JOIN flow_slices s ON s.id = d.slice;
CREATE VIEW flow_daily_attr AS
  SELECT s.fmp_code, s.province_code, d.day, s.direction, s.nationality, s.deported, s.status, v.kind, v.value, u.groups, u.individuals
    FROM flow_daily_slices d JOIN flow_slices s ON s.id = d.slice
   CROSS JOIN LATERAL unnest(d.attrs, d.attr_groups, d.attr_individuals) AS u(attr, groups, individuals)
    JOIN flow_attr_values v ON v.id = u.attr;
CREATE VIEW flow_monthly_attr AS
  SELECT s.fmp_code, s.province_code, d.day, s.direction, s.nationality, s.deported, s.status, v.kind, v.value, u.groups, u.individuals
    FROM flow_monthly_slices d JOIN flow_slices s ON s.id = d.slice
   CROSS JOIN LATERAL unnest(d.attrs, d.attr_groups, d.attr_individuals) AS u(attr, groups, individuals)
    JOIN flow_attr_values v ON v.id = u.attr;

-- One index for reading records by period (lists, exports, counts) instead of three — by day,
-- by FMP and day, by province and day — which cost more to keep than the rows themselves: the
-- province and FMP filters of a list are checked in the index, without visiting the rows.
DROP INDEX fmr_records_fmp_day, fmr_records_day, fmr_records_province_day;
CREATE INDEX fmr_records_day_place ON fmr_records (observed_on, province_code, fmp_code);

-- The references of fmr_records checked after one pass over the changed rows (was four).
CREATE OR REPLACE FUNCTION fmr_check_references() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
  f text[];
  p text[];
  u uuid[];
  i bigint[];
  missing text;
BEGIN
  SELECT array_agg(DISTINCT fmp_code), array_agg(DISTINCT province_code), array_agg(DISTINCT submitted_by), array_agg(DISTINCT import_id) INTO f, p, u, i
    FROM (SELECT DISTINCT fmp_code, province_code, submitted_by, import_id FROM new_rows) n;

  PERFORM 1 FROM fmps WHERE code = ANY(f) FOR KEY SHARE;
  SELECT x INTO missing FROM unnest(f) x WHERE NOT EXISTS (SELECT 1 FROM fmps WHERE code = x) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format('fmr_records: FMP %L does not exist', missing), TABLE = 'fmr_records', CONSTRAINT = 'fmr_records_fmp_code_fkey';
  END IF;

  PERFORM 1 FROM provinces WHERE code = ANY(p) FOR KEY SHARE;
  SELECT x INTO missing FROM unnest(p) x WHERE NOT EXISTS (SELECT 1 FROM provinces WHERE code = x) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format('fmr_records: province %L does not exist', missing), TABLE = 'fmr_records', CONSTRAINT = 'fmr_records_province_code_fkey';
  END IF;

  PERFORM 1 FROM users WHERE id = ANY(u) FOR KEY SHARE;
  SELECT x::text INTO missing FROM unnest(u) x WHERE x IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = x) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format('fmr_records: user %L does not exist', missing), TABLE = 'fmr_records', CONSTRAINT = 'fmr_records_submitted_by_fkey';
  END IF;

  PERFORM 1 FROM flow_imports WHERE id = ANY(i) FOR KEY SHARE;
  SELECT x::text INTO missing FROM unnest(i) x WHERE x IS NOT NULL AND NOT EXISTS (SELECT 1 FROM flow_imports WHERE id = x) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format('fmr_records: import %L does not exist', missing), TABLE = 'fmr_records', CONSTRAINT = 'fmr_records_import_id_fkey';
  END IF;
  RETURN NULL;
END $$;
