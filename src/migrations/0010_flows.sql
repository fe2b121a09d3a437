-- Flow monitoring (IOM DTM): registry records (FMR), survey interviews (FMS), their history,
-- the daily summaries the dashboards read, surge alerts, imports and import mappings.

-- Surge thresholds and capacity per FMP.
ALTER TABLE fmps
  ADD COLUMN capacity_per_day integer CHECK (capacity_per_day > 0),
  ADD COLUMN alert_daily_above integer CHECK (alert_daily_above > 0),
  ADD COLUMN alert_multiple numeric CHECK (alert_multiple > 1),
  ADD COLUMN alert_window_days integer NOT NULL DEFAULT 7 CHECK (alert_window_days IN (7, 28));

CREATE TABLE flow_imports (
  id            bigserial PRIMARY KEY,
  file_name     text NOT NULL,
  file_sha256   text NOT NULL,
  mapping       text,
  rows_read     integer NOT NULL DEFAULT 0,
  rows_added    integer NOT NULL DEFAULT 0,
  rows_present  integer NOT NULL DEFAULT 0,
  created_by    uuid REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One record per group (household) observed crossing an FMP. The id is made by the client,
-- so a record sent twice is stored once.
CREATE TABLE fmr_records (
  id                  uuid PRIMARY KEY,
  fmp_code            text NOT NULL REFERENCES fmps(code),
  province_code       text NOT NULL REFERENCES provinces(code),
  observed_on         date NOT NULL,
  observed_time       time,
  direction           text NOT NULL CHECK (direction IN ('in', 'out')),
  nationality         text NOT NULL CHECK (nationality ~ '^[A-Z]{3}$'),
  men                 integer NOT NULL CHECK (men >= 0),
  women               integer NOT NULL CHECK (women >= 0),
  boys                integer NOT NULL CHECK (boys >= 0),
  girls               integer NOT NULL CHECK (girls >= 0),
  deported            text NOT NULL CHECK (deported IN ('yes', 'no', 'unknown')),
  transport           text,
  reasons             text[] NOT NULL DEFAULT '{}',
  origin_country      text,
  origin_admin1       text,
  destination_country text,
  destination_admin1  text,
  uasc                integer CHECK (uasc >= 0),
  pregnant_lactating  integer CHECK (pregnant_lactating >= 0),
  elderly             integer CHECK (elderly >= 0),
  disabled            integer CHECK (disabled >= 0),
  medical             integer CHECK (medical >= 0),
  enumerator          text,
  note                text,
  status              text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'approved', 'has_issues', 'rejected')),
  review_comment      text,
  submitted_by        uuid REFERENCES users(id),
  submitted_at        timestamptz NOT NULL DEFAULT now(),
  source              text NOT NULL DEFAULT 'form' CHECK (source IN ('form', 'api', 'import', 'demo')),
  import_id           bigint REFERENCES flow_imports(id),
  version             integer NOT NULL DEFAULT 1,
  updated_at          timestamptz,
  CHECK (men + women + boys + girls > 0)
);
CREATE INDEX fmr_records_fmp_day ON fmr_records (fmp_code, observed_on);
CREATE INDEX fmr_records_day ON fmr_records (observed_on);
CREATE INDEX fmr_records_province_day ON fmr_records (province_code, observed_on);

-- Every change to a record: who, when, what (field → [before, after]).
CREATE TABLE fmr_history (
  id          bigserial PRIMARY KEY,
  record_id   uuid NOT NULL,
  version     integer NOT NULL,
  action      text NOT NULL,   -- create | correct | approve | flag | reject | reopen | delete
  changes     jsonb NOT NULL DEFAULT '{}',
  comment     text,
  changed_by  uuid REFERENCES users(id),
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fmr_history_record ON fmr_history (record_id, id);

-- Daily summaries, kept equal to the records by the statement triggers below (one pass per
-- statement, however many rows it touched). One row per FMP, day, direction, nationality,
-- deported and review status.
CREATE TABLE flow_daily (
  fmp_code       text NOT NULL,
  province_code  text NOT NULL,
  day            date NOT NULL,
  direction      text NOT NULL,
  nationality    text NOT NULL,
  deported       text NOT NULL,
  status         text NOT NULL,
  groups         bigint NOT NULL,
  men            bigint NOT NULL,
  women          bigint NOT NULL,
  boys           bigint NOT NULL,
  girls          bigint NOT NULL,
  uasc           bigint NOT NULL,
  pregnant_lactating bigint NOT NULL,
  elderly        bigint NOT NULL,
  disabled       bigint NOT NULL,
  medical        bigint NOT NULL,
  PRIMARY KEY (fmp_code, day, direction, nationality, deported, status)
);
CREATE INDEX flow_daily_day ON flow_daily (day);

-- The same, broken down by one more attribute (kind = reason | transport | origin | destination | route).
CREATE TABLE flow_daily_attr (
  fmp_code       text NOT NULL,
  province_code  text NOT NULL,
  day            date NOT NULL,
  direction      text NOT NULL,
  nationality    text NOT NULL,
  deported       text NOT NULL,
  status         text NOT NULL,
  kind           text NOT NULL,
  value          text NOT NULL,
  groups         bigint NOT NULL,
  individuals    bigint NOT NULL,
  PRIMARY KEY (kind, fmp_code, day, direction, nationality, deported, status, value)
);
CREATE INDEX flow_daily_attr_day ON flow_daily_attr (kind, day);

CREATE FUNCTION flow_apply_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- The changed rows with sign +1 (new) or -1 (old); transition tables exist only for the
  -- statement's own event, hence the SQL text is chosen per operation.
  d text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT n.*, 1 AS sign FROM new_rows n'
    WHEN 'DELETE' THEN 'SELECT o.*, -1 AS sign FROM old_rows o'
    ELSE 'SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 FROM old_rows o' END;
BEGIN
  EXECUTE format($q$
  WITH d AS (%s)
  INSERT INTO flow_daily AS f (fmp_code, province_code, day, direction, nationality, deported, status,
                               groups, men, women, boys, girls, uasc, pregnant_lactating, elderly, disabled, medical)
  SELECT fmp_code, min(province_code), observed_on, direction, nationality, deported, status,
         sum(sign), sum(sign * men), sum(sign * women), sum(sign * boys), sum(sign * girls),
         sum(sign * coalesce(uasc, 0)), sum(sign * coalesce(pregnant_lactating, 0)), sum(sign * coalesce(elderly, 0)),
         sum(sign * coalesce(disabled, 0)), sum(sign * coalesce(medical, 0))
    FROM d
   GROUP BY fmp_code, observed_on, direction, nationality, deported, status
  ON CONFLICT (fmp_code, day, direction, nationality, deported, status) DO UPDATE SET
    groups = f.groups + excluded.groups, men = f.men + excluded.men, women = f.women + excluded.women,
    boys = f.boys + excluded.boys, girls = f.girls + excluded.girls, uasc = f.uasc + excluded.uasc,
    pregnant_lactating = f.pregnant_lactating + excluded.pregnant_lactating, elderly = f.elderly + excluded.elderly,
    disabled = f.disabled + excluded.disabled, medical = f.medical + excluded.medical
  $q$, d);

  EXECUTE format($q$
  WITH d AS (%s)
  INSERT INTO flow_daily_attr AS f (fmp_code, province_code, day, direction, nationality, deported, status, kind, value, groups, individuals)
  SELECT fmp_code, min(province_code), observed_on, direction, nationality, deported, status, kind, value,
         sum(sign), sum(sign * (men + women + boys + girls))
    FROM (
      SELECT d.*, 'reason' AS kind, r AS value FROM d
        CROSS JOIN LATERAL unnest(CASE WHEN cardinality(d.reasons) = 0 THEN ARRAY['not_stated'] ELSE d.reasons END) r
      UNION ALL SELECT d.*, 'transport', coalesce(d.transport, 'not_stated') FROM d
      UNION ALL SELECT d.*, 'origin', coalesce(d.origin_country, '?') || '|' || coalesce(d.origin_admin1, '') FROM d
      UNION ALL SELECT d.*, 'destination', coalesce(d.destination_country, '?') || '|' || coalesce(d.destination_admin1, '') FROM d
      UNION ALL SELECT d.*, 'route', coalesce(d.origin_country, '?') || '>' || coalesce(d.destination_country, '?') FROM d
    ) x
   GROUP BY fmp_code, observed_on, direction, nationality, deported, status, kind, value
  ON CONFLICT (kind, fmp_code, day, direction, nationality, deported, status, value) DO UPDATE SET
    groups = f.groups + excluded.groups, individuals = f.individuals + excluded.individuals
  $q$, d);
  RETURN NULL;
END $$;

CREATE TRIGGER fmr_records_rollup_insert AFTER INSERT ON fmr_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION flow_apply_delta();
CREATE TRIGGER fmr_records_rollup_update AFTER UPDATE ON fmr_records REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION flow_apply_delta();
CREATE TRIGGER fmr_records_rollup_delete AFTER DELETE ON fmr_records REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION flow_apply_delta();

-- Survey (FMS): questions are configuration; interviews keep answers by question code.
CREATE TABLE fms_questions (
  code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+$'),
  module      text NOT NULL,          -- profile | journey | intentions | needs | trafficking_self | trafficking_family
  kind        text NOT NULL CHECK (kind IN ('single', 'multi', 'number', 'text', 'yes_no_refused', 'country')),
  options     jsonb NOT NULL DEFAULT '[]',   -- [{code, en, fa}]
  text_en     text NOT NULL,
  text_fa     text NOT NULL,
  required    boolean NOT NULL DEFAULT false,
  position    integer NOT NULL,
  active      boolean NOT NULL DEFAULT true
);

CREATE TABLE fms_interviews (
  id              uuid PRIMARY KEY,
  fmp_code        text NOT NULL REFERENCES fmps(code),
  province_code   text NOT NULL REFERENCES provinces(code),
  interviewed_on  date NOT NULL,
  direction       text NOT NULL CHECK (direction IN ('in', 'out')),
  sex             text NOT NULL CHECK (sex IN ('male', 'female', 'other')),
  age             integer NOT NULL CHECK (age BETWEEN 18 AND 120),
  nationality     text NOT NULL CHECK (nationality ~ '^[A-Z]{3}$'),
  answers         jsonb NOT NULL DEFAULT '{}',
  ct_self_answered   boolean NOT NULL,
  ct_self_yes        boolean NOT NULL,
  ct_family_answered boolean NOT NULL,
  ct_family_yes      boolean NOT NULL,
  enumerator      text,
  status          text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'approved', 'has_issues', 'rejected')),
  review_comment  text,
  submitted_by    uuid REFERENCES users(id),
  submitted_at    timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  updated_at      timestamptz
);
CREATE INDEX fms_interviews_fmp_day ON fms_interviews (fmp_code, interviewed_on);

-- People approached but not interviewed are counted, not recorded.
CREATE TABLE fms_nonresponse (
  fmp_code            text NOT NULL REFERENCES fmps(code),
  day                 date NOT NULL,
  refused             integer NOT NULL DEFAULT 0 CHECK (refused >= 0),
  already_interviewed integer NOT NULL DEFAULT 0 CHECK (already_interviewed >= 0),
  updated_by          uuid REFERENCES users(id),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (fmp_code, day)
);

CREATE TABLE flow_alerts (
  id               bigserial PRIMARY KEY,
  fmp_code         text NOT NULL REFERENCES fmps(code),
  day              date NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('above_threshold', 'above_average', 'above_capacity')),
  movements        bigint NOT NULL,
  limit_value      numeric NOT NULL,
  trailing_average numeric,
  raised_at        timestamptz NOT NULL DEFAULT now(),
  acknowledged_by  uuid REFERENCES users(id),
  acknowledged_at  timestamptz,
  UNIQUE (fmp_code, day, kind)
);

CREATE TABLE flow_mappings (
  name        text PRIMARY KEY,
  mapping     jsonb NOT NULL,
  updated_by  uuid REFERENCES users(id),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
