-- Capacity building: trainings and workshops, their sessions, participants (personal data:
-- read within province/agency scope, reads audited), attendance per session, pre/post
-- knowledge tests from a question bank, evaluation forms and certificates.
-- PostgreSQL 15 compatible.

CREATE TABLE trainings (
  id              bigserial PRIMARY KEY,
  code            text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]*$'),
  title_en        text NOT NULL DEFAULT '',
  title_fa        text NOT NULL DEFAULT '',
  topic           text NOT NULL DEFAULT '',
  gcm_objectives  integer[] NOT NULL DEFAULT '{}' CHECK (gcm_objectives <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23]),
  starts_on       date,
  ends_on         date CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
  place           text NOT NULL DEFAULT '',
  province_code   text REFERENCES provinces(code),          -- where it was held
  facilitators    text[] NOT NULL DEFAULT '{}',
  agency_ids      bigint[] NOT NULL DEFAULT '{}',           -- organising / taking part
  created_by      uuid REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE training_sessions (
  id           bigserial PRIMARY KEY,
  training_id  bigint NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
  no           integer NOT NULL CHECK (no >= 1),
  held_on      date,
  title        text NOT NULL DEFAULT '',
  UNIQUE (training_id, no)
);

CREATE TABLE training_participants (
  id                 bigserial PRIMARY KEY,
  training_id        bigint NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
  name               text NOT NULL CHECK (name <> ''),
  name_key           text NOT NULL,                           -- normalised name: one person per training and agency
  sex                text NOT NULL CHECK (sex IN ('male', 'female')),
  agency_id          bigint NOT NULL REFERENCES agencies(id),
  province_code      text NOT NULL REFERENCES provinces(code),
  position           text NOT NULL DEFAULT '',
  pre_score          numeric CHECK (pre_score BETWEEN 0 AND 100),
  post_score         numeric CHECK (post_score BETWEEN 0 AND 100),
  sessions_attended  integer CHECK (sessions_attended >= 0),
  certificate_no     text UNIQUE,
  import_id          bigint,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (training_id, name_key, agency_id)
);
CREATE INDEX training_participants_province ON training_participants (province_code, agency_id);

CREATE TABLE training_attendance (
  session_id      bigint NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
  participant_id  bigint NOT NULL REFERENCES training_participants(id) ON DELETE CASCADE,
  present         boolean NOT NULL,
  PRIMARY KEY (session_id, participant_id)
);

-- The question bank of a training's knowledge test (the same questions before and after).
CREATE TABLE training_questions (
  id           bigserial PRIMARY KEY,
  training_id  bigint NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
  no           integer NOT NULL CHECK (no >= 1),
  text_en      text NOT NULL DEFAULT '',
  text_fa      text NOT NULL DEFAULT '',
  options      jsonb NOT NULL,                                -- [{en, fa}, …]
  correct      integer NOT NULL CHECK (correct >= 0),         -- index into options
  gcm_objective integer CHECK (gcm_objective BETWEEN 1 AND 23),
  UNIQUE (training_id, no),
  CHECK (text_en <> '' OR text_fa <> '')
);

-- One participant's answers to the pre or post test; the score lands on the participant.
CREATE TABLE training_test_answers (
  participant_id  bigint NOT NULL REFERENCES training_participants(id) ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('pre', 'post')),
  answers         jsonb NOT NULL,                              -- {question no: option index}
  score           numeric NOT NULL,
  taken_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (participant_id, kind)
);

-- Evaluation forms (ratings 1–5), anonymous or by a participant.
CREATE TABLE training_evaluations (
  id              bigserial PRIMARY KEY,
  training_id     bigint NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
  participant_id  bigint REFERENCES training_participants(id) ON DELETE SET NULL,
  relevance       integer NOT NULL CHECK (relevance BETWEEN 1 AND 5),
  content         integer NOT NULL CHECK (content BETWEEN 1 AND 5),
  facilitation    integer NOT NULL CHECK (facilitation BETWEEN 1 AND 5),
  organisation    integer NOT NULL CHECK (organisation BETWEEN 1 AND 5),
  comment         text NOT NULL DEFAULT '',
  submitted_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE training_imports (
  id           bigserial PRIMARY KEY,
  training_id  bigint NOT NULL REFERENCES trainings(id),
  file_name    text NOT NULL,
  rows_read    integer NOT NULL DEFAULT 0,
  rows_added   integer NOT NULL DEFAULT 0,
  rows_present integer NOT NULL DEFAULT 0,
  created_by   uuid REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);
