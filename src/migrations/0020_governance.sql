-- Migration governance: frameworks as versioned data (SDG 10.7.2, GCM, MGI), assessments with
-- answers, evidence, comments and change history, the validation workflow with per-ministry
-- sign-off, immutable published snapshots, and coordination structures (UN Network on
-- Migration and others) with members, meetings and action items.
-- PostgreSQL 15 compatible.

-- ---------------------------------------------------------------- frameworks

CREATE TABLE gov_frameworks (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9.-]*$'),   -- 'sdg-10.7.2', 'gcm', 'mgi'
  kind        text NOT NULL CHECK (kind IN ('assessment', 'reference')),
  title_en    text NOT NULL,
  title_fa    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One version of a framework. `document` is the whole framework in the JSON format of
-- src/governance/framework-schema.ts (the source for export); gov_nodes and gov_links are
-- its rows, for queries.
CREATE TABLE gov_framework_versions (
  id             bigserial PRIMARY KEY,
  framework_id   bigint NOT NULL REFERENCES gov_frameworks(id),
  version        text NOT NULL,
  document       jsonb NOT NULL,
  shipped        boolean NOT NULL DEFAULT false,     -- comes with Marz; changed only by a new release
  derived_from   bigint REFERENCES gov_framework_versions(id),
  created_by     uuid REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (framework_id, version)
);

CREATE TABLE gov_nodes (
  id             bigserial PRIMARY KEY,
  version_id     bigint NOT NULL REFERENCES gov_framework_versions(id) ON DELETE CASCADE,
  code           text NOT NULL,
  parent_code    text,
  level          text NOT NULL CHECK (level IN ('domain', 'topic', 'indicator')),
  position       integer NOT NULL,                   -- depth-first order in the framework
  depth          integer NOT NULL,
  text_en        text NOT NULL,
  text_fa        text NOT NULL,
  question_en    text,
  question_fa    text,
  answer_scheme  text,                               -- resolved (own or inherited) for indicators
  UNIQUE (version_id, code)
);

-- Many-to-many links from a node to nodes of other frameworks (GCM objectives, SDG targets…).
CREATE TABLE gov_links (
  id                bigserial PRIMARY KEY,
  node_id           bigint NOT NULL REFERENCES gov_nodes(id) ON DELETE CASCADE,
  target_framework  text NOT NULL,
  target_code       text NOT NULL,
  basis             text CHECK (basis IN ('official', 'inferred')),
  note              text
);
CREATE INDEX gov_links_node ON gov_links (node_id);
CREATE INDEX gov_links_target ON gov_links (target_framework, target_code);

-- Indicators whose code changed between two versions of a framework (old code → new code).
CREATE TABLE gov_node_mappings (
  id               bigserial PRIMARY KEY,
  from_version_id  bigint NOT NULL REFERENCES gov_framework_versions(id) ON DELETE CASCADE,
  from_code        text NOT NULL,
  to_version_id    bigint NOT NULL REFERENCES gov_framework_versions(id) ON DELETE CASCADE,
  to_code          text NOT NULL,
  UNIQUE (from_version_id, from_code, to_version_id)
);

-- ---------------------------------------------------------------- assessments

CREATE TABLE gov_assessments (
  id                    bigserial PRIMARY KEY,
  series_id             bigint REFERENCES gov_assessments(id),  -- the first assessment of the exercise (itself for the first)
  title_en              text NOT NULL DEFAULT '',
  title_fa              text NOT NULL DEFAULT '',
  framework_version_id  bigint NOT NULL REFERENCES gov_framework_versions(id),
  scope                 text NOT NULL CHECK (scope IN ('national', 'province', 'city')),
  province_code         text REFERENCES provinces(code),
  city_en               text,
  city_fa               text,
  round_no              integer NOT NULL DEFAULT 1 CHECK (round_no >= 1),
  previous_round_id     bigint REFERENCES gov_assessments(id),
  version_no            integer NOT NULL DEFAULT 1 CHECK (version_no >= 1),
  reopened_from_id      bigint REFERENCES gov_assessments(id),
  status                text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'SHARED_WITH_FOCAL_POINTS', 'COMMENTS_ADDRESSED', 'INTERMINISTERIAL_VALIDATION', 'GOVERNMENT_APPROVED', 'PUBLISHED')),
  validation_cycle      integer NOT NULL DEFAULT 0,
  created_by            uuid REFERENCES users(id),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  approved_by           uuid REFERENCES users(id),
  approved_at           timestamptz,
  published_by          uuid REFERENCES users(id),
  published_at          timestamptz,
  CHECK ((scope = 'national' AND province_code IS NULL) OR (scope <> 'national' AND province_code IS NOT NULL)),
  CHECK (scope <> 'city' OR coalesce(city_en, city_fa) IS NOT NULL),
  CHECK (title_en <> '' OR title_fa <> '')
);
CREATE INDEX gov_assessments_series ON gov_assessments (series_id);
-- One version of one round of an exercise.
CREATE UNIQUE INDEX gov_assessments_round_version ON gov_assessments (series_id, round_no, version_no);

-- The ministries (agencies) taking part in the inter-ministerial validation.
CREATE TABLE gov_assessment_ministries (
  assessment_id  bigint NOT NULL REFERENCES gov_assessments(id),
  agency_id      bigint NOT NULL REFERENCES agencies(id),
  PRIMARY KEY (assessment_id, agency_id)
);

CREATE TABLE gov_answers (
  id                     bigserial PRIMARY KEY,
  assessment_id          bigint NOT NULL REFERENCES gov_assessments(id),
  node_code              text NOT NULL,
  answer                 text,                        -- an option code of the indicator's answer scheme
  finding_en             text NOT NULL DEFAULT '',
  finding_fa             text NOT NULL DEFAULT '',
  highlight              text CHECK (highlight IN ('good_practice', 'gap')),
  responsible_agency_id  bigint REFERENCES agencies(id),
  updated_by             uuid REFERENCES users(id),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (assessment_id, node_code)
);

CREATE TABLE gov_evidence (
  id              bigserial PRIMARY KEY,
  assessment_id   bigint NOT NULL REFERENCES gov_assessments(id),
  node_code       text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('law', 'decree', 'regulation', 'strategy', 'report', 'data_source', 'url', 'file')),
  title           text NOT NULL CHECK (title <> ''),
  url             text,
  article         text,                               -- article, section or page
  issued_on       date,
  language        text CHECK (language ~ '^[a-z]{2,3}$'),
  file_name       text,
  file_type       text,
  file_size       integer,
  file_sha256     text,
  file_data       bytea CHECK (file_data IS NULL OR octet_length(file_data) <= 3145728),
  carried_from_id bigint REFERENCES gov_evidence(id),  -- copied from the previous round / version
  created_by      uuid REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'url' OR url IS NOT NULL),
  CHECK (kind <> 'file' OR file_data IS NOT NULL)
);
CREATE INDEX gov_evidence_assessment ON gov_evidence (assessment_id, node_code);

-- Comment threads: a comment with parent_id NULL opens a thread; replies point to it.
CREATE TABLE gov_comments (
  id             bigserial PRIMARY KEY,
  assessment_id  bigint NOT NULL REFERENCES gov_assessments(id),
  node_code      text,                                -- NULL: about the assessment as a whole
  parent_id      bigint REFERENCES gov_comments(id),
  body           text NOT NULL CHECK (body <> ''),
  author_id      uuid REFERENCES users(id),
  author_label   text NOT NULL,
  agency_id      bigint REFERENCES agencies(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  resolved_at    timestamptz,
  resolved_by    uuid REFERENCES users(id)
);
CREATE INDEX gov_comments_assessment ON gov_comments (assessment_id, node_code);

-- Who changed what, when, per indicator (the audit trail has the same, for the whole system).
CREATE TABLE gov_answer_history (
  id             bigserial PRIMARY KEY,
  assessment_id  bigint NOT NULL REFERENCES gov_assessments(id),
  node_code      text NOT NULL,
  action         text NOT NULL,                       -- answer | evidence.add | evidence.remove
  changes        jsonb NOT NULL,
  actor_id       uuid REFERENCES users(id),
  actor_label    text NOT NULL,
  at             timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX gov_answer_history_assessment ON gov_answer_history (assessment_id, node_code, at);

CREATE TABLE gov_transitions (
  id             bigserial PRIMARY KEY,
  assessment_id  bigint NOT NULL REFERENCES gov_assessments(id),
  from_status    text,
  to_status      text NOT NULL,
  note           text,
  actor_id       uuid REFERENCES users(id),
  actor_label    text NOT NULL,
  at             timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX gov_transitions_assessment ON gov_transitions (assessment_id, at);

-- A ministry's decision in one validation cycle; its latest row in the cycle counts.
CREATE TABLE gov_signoffs (
  id             bigserial PRIMARY KEY,
  assessment_id  bigint NOT NULL REFERENCES gov_assessments(id),
  agency_id      bigint NOT NULL REFERENCES agencies(id),
  cycle          integer NOT NULL,
  decision       text NOT NULL CHECK (decision IN ('SIGNED_OFF', 'OBJECTED')),
  reason         text,
  user_id        uuid REFERENCES users(id),
  user_label     text NOT NULL,
  at             timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK (decision <> 'OBJECTED' OR (reason IS NOT NULL AND btrim(reason) <> ''))
);
CREATE INDEX gov_signoffs_assessment ON gov_signoffs (assessment_id, cycle, agency_id, at);

-- The published snapshot: written once, never changed.
CREATE TABLE gov_snapshots (
  assessment_id  bigint PRIMARY KEY REFERENCES gov_assessments(id),
  snapshot       jsonb NOT NULL,
  sha256         text NOT NULL,
  created_by     uuid REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------- immutability of published assessments

-- A published assessment row cannot change or go away (the publishing UPDATE itself starts
-- from GOVERNMENT_APPROVED and is allowed).
CREATE FUNCTION gov_assessment_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'PUBLISHED' THEN
    RAISE EXCEPTION 'governance assessment % is published and cannot be changed (% refused)', OLD.id, TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER gov_assessments_frozen BEFORE UPDATE OR DELETE ON gov_assessments FOR EACH ROW EXECUTE FUNCTION gov_assessment_frozen();

-- Rows that belong to a published assessment cannot be added, changed or removed.
CREATE FUNCTION gov_child_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  aid bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN aid := NEW.assessment_id; ELSE aid := OLD.assessment_id; END IF;
  IF EXISTS (SELECT 1 FROM gov_assessments WHERE id = aid AND status = 'PUBLISHED')
     OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM gov_assessments WHERE id = NEW.assessment_id AND status = 'PUBLISHED')) THEN
    RAISE EXCEPTION 'governance assessment % is published and cannot be changed (% on % refused)', aid, TG_OP, TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER gov_assessment_ministries_frozen BEFORE INSERT OR UPDATE OR DELETE ON gov_assessment_ministries FOR EACH ROW EXECUTE FUNCTION gov_child_frozen();
CREATE TRIGGER gov_answers_frozen BEFORE INSERT OR UPDATE OR DELETE ON gov_answers FOR EACH ROW EXECUTE FUNCTION gov_child_frozen();
CREATE TRIGGER gov_evidence_frozen BEFORE INSERT OR UPDATE OR DELETE ON gov_evidence FOR EACH ROW EXECUTE FUNCTION gov_child_frozen();
CREATE TRIGGER gov_comments_frozen BEFORE INSERT OR UPDATE OR DELETE ON gov_comments FOR EACH ROW EXECUTE FUNCTION gov_child_frozen();
CREATE TRIGGER gov_answer_history_frozen BEFORE INSERT OR UPDATE OR DELETE ON gov_answer_history FOR EACH ROW EXECUTE FUNCTION gov_child_frozen();
CREATE TRIGGER gov_signoffs_frozen BEFORE INSERT OR UPDATE OR DELETE ON gov_signoffs FOR EACH ROW EXECUTE FUNCTION gov_child_frozen();
CREATE TRIGGER gov_transitions_frozen BEFORE INSERT OR UPDATE OR DELETE ON gov_transitions FOR EACH ROW EXECUTE FUNCTION gov_child_frozen();

-- Snapshots are append-only.
CREATE FUNCTION gov_snapshot_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'published snapshots are immutable (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER gov_snapshots_no_update BEFORE UPDATE OR DELETE ON gov_snapshots FOR EACH ROW EXECUTE FUNCTION gov_snapshot_append_only();
CREATE TRIGGER gov_snapshots_no_truncate BEFORE TRUNCATE ON gov_snapshots FOR EACH STATEMENT EXECUTE FUNCTION gov_snapshot_append_only();

-- ---------------------------------------------------------------- coordination structures

CREATE TABLE gov_coord_structures (
  id             bigserial PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('un_network', 'interministerial', 'working_group', 'other')),
  level          text NOT NULL CHECK (level IN ('national', 'provincial')),
  province_code  text REFERENCES provinces(code),
  name_en        text NOT NULL DEFAULT '',
  name_fa        text NOT NULL DEFAULT '',
  description    text NOT NULL DEFAULT '',
  terms_of_reference text NOT NULL DEFAULT '',
  created_by     uuid REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'national' AND province_code IS NULL) OR (level = 'provincial' AND province_code IS NOT NULL)),
  CHECK (name_en <> '' OR name_fa <> '')
);

CREATE TABLE gov_coord_members (
  id             bigserial PRIMARY KEY,
  structure_id   bigint NOT NULL REFERENCES gov_coord_structures(id) ON DELETE CASCADE,
  agency_id      bigint REFERENCES agencies(id),
  person_name    text NOT NULL DEFAULT '',
  position       text NOT NULL DEFAULT '',
  email          text,
  phone          text,
  focal_person   boolean NOT NULL DEFAULT false,
  role           text NOT NULL DEFAULT 'member' CHECK (role IN ('chair', 'co_chair', 'secretariat', 'member', 'observer')),
  active         boolean NOT NULL DEFAULT true,
  CHECK (agency_id IS NOT NULL OR person_name <> '')
);
CREATE INDEX gov_coord_members_structure ON gov_coord_members (structure_id);

CREATE TABLE gov_coord_meetings (
  id             bigserial PRIMARY KEY,
  structure_id   bigint NOT NULL REFERENCES gov_coord_structures(id) ON DELETE CASCADE,
  held_on        date NOT NULL,
  title          text NOT NULL DEFAULT '',
  location       text NOT NULL DEFAULT '',
  agenda         text NOT NULL DEFAULT '',
  minutes        text NOT NULL DEFAULT '',
  created_by     uuid REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gov_coord_meetings_structure ON gov_coord_meetings (structure_id, held_on);

CREATE TABLE gov_coord_attendance (
  meeting_id  bigint NOT NULL REFERENCES gov_coord_meetings(id) ON DELETE CASCADE,
  member_id   bigint NOT NULL REFERENCES gov_coord_members(id) ON DELETE CASCADE,
  present     boolean NOT NULL,
  PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE gov_action_items (
  id                bigserial PRIMARY KEY,
  structure_id      bigint NOT NULL REFERENCES gov_coord_structures(id) ON DELETE CASCADE,
  meeting_id        bigint REFERENCES gov_coord_meetings(id) ON DELETE SET NULL,
  title             text NOT NULL CHECK (title <> ''),
  description       text NOT NULL DEFAULT '',
  owner_agency_id   bigint REFERENCES agencies(id),
  owner_member_id   bigint REFERENCES gov_coord_members(id) ON DELETE SET NULL,
  due_on            date,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
  completed_on      date,
  gcm_objectives    integer[] NOT NULL DEFAULT '{}',
  indicators        text[] NOT NULL DEFAULT '{}',     -- 'framework:code', e.g. 'sdg-10.7.2:PD_3_1'
  created_by        uuid REFERENCES users(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gov_action_items_structure ON gov_action_items (structure_id, due_on);
