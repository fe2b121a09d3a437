-- Simulation exercises (LIVEX / SIMEX): design after HSEEP (types, objectives → capabilities,
-- capability targets, critical tasks, planning meetings), people and roles scoped to one
-- exercise, the MSEL, the live clock and delivery, evaluation, after-action report and the
-- improvement plan tracked across exercises. Research: shared/research/exercises.md.

CREATE TABLE exercises (
  id              bigserial PRIMARY KEY,
  code            text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]*$'),
  type            text NOT NULL CHECK (type IN ('seminar', 'workshop', 'tabletop', 'game', 'drill', 'functional', 'full_scale')),
  title           text NOT NULL,
  description     text,
  -- STARTEX: the scenario time at which play begins; injects are scheduled relative to it.
  startex         timestamptz NOT NULL,
  province_code   text REFERENCES provinces(code),
  fmp_code        text REFERENCES fmps(code),
  plan_title      text,            -- contingency plan or SOP tested
  plan_version    text,
  status          text NOT NULL DEFAULT 'planning' CHECK (status IN ('planning', 'conducted', 'reported', 'closed')),
  -- The exercise clock. Scenario time now = clock_scenario + (now() - clock_wall) while running,
  -- clock_scenario otherwise.
  clock_state     text NOT NULL DEFAULT 'not_started' CHECK (clock_state IN ('not_started', 'running', 'paused', 'ended')),
  clock_scenario  timestamptz,
  clock_wall      timestamptz,
  created_by      uuid REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exercises_running ON exercises (id) WHERE clock_state = 'running';

CREATE TABLE exercise_agencies (
  exercise_id  bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  agency_id    bigint NOT NULL REFERENCES agencies(id),
  PRIMARY KEY (exercise_id, agency_id)
);

CREATE TABLE exercise_objectives (
  id           bigserial PRIMARY KEY,
  exercise_id  bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  code         text NOT NULL,
  text         text NOT NULL,
  capability   text NOT NULL,   -- the core capability the objective exercises
  UNIQUE (exercise_id, code)
);

CREATE TABLE exercise_targets (
  id                  bigserial PRIMARY KEY,
  exercise_id         bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  objective_id        bigint REFERENCES exercise_objectives(id) ON DELETE SET NULL,
  code                text NOT NULL,
  capability          text NOT NULL,
  description         text NOT NULL,
  threshold           text,            -- quantitative or qualitative performance threshold
  time_limit_minutes  integer CHECK (time_limit_minutes > 0),
  UNIQUE (exercise_id, code)
);

CREATE TABLE exercise_critical_tasks (
  id           bigserial PRIMARY KEY,
  target_id    bigint NOT NULL REFERENCES exercise_targets(id) ON DELETE CASCADE,
  code         text NOT NULL,
  description  text NOT NULL,
  UNIQUE (target_id, code)
);

CREATE TABLE exercise_meetings (
  id           bigserial PRIMARY KEY,
  exercise_id  bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('concept_objectives', 'initial', 'midterm', 'msel', 'final', 'after_action', 'other')),
  held_on      date NOT NULL,
  notes        text
);

CREATE TABLE exercise_action_items (
  id           bigserial PRIMARY KEY,
  meeting_id   bigint NOT NULL REFERENCES exercise_meetings(id) ON DELETE CASCADE,
  text         text NOT NULL,
  owner        text,
  due_on       date,
  done         boolean NOT NULL DEFAULT false
);

CREATE TABLE exercise_teams (
  id           bigserial PRIMARY KEY,
  exercise_id  bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  code         text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]*$'),
  name         text NOT NULL,
  agency_id    bigint REFERENCES agencies(id),
  UNIQUE (exercise_id, code)
);

-- Simulated outside bodies that controllers and simulators speak for.
CREATE TABLE exercise_personas (
  id           bigserial PRIMARY KEY,
  exercise_id  bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  code         text NOT NULL,
  name         text NOT NULL,
  description  text,
  UNIQUE (exercise_id, code)
);

-- People and their role in one exercise. Trusted agents, controllers, simulators and
-- evaluators may see the MSEL; players, observers and actors never do.
CREATE TABLE exercise_participants (
  id           bigserial PRIMARY KEY,
  exercise_id  bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  user_id      uuid REFERENCES users(id),
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('director', 'controller', 'simulator', 'evaluator', 'observer', 'actor', 'trusted_agent', 'player')),
  agency_id    bigint REFERENCES agencies(id),
  team_id      bigint REFERENCES exercise_teams(id),
  persona_id   bigint REFERENCES exercise_personas(id),
  CHECK (role <> 'player' OR team_id IS NOT NULL)
);
CREATE UNIQUE INDEX exercise_participants_user ON exercise_participants (exercise_id, user_id) WHERE user_id IS NOT NULL;

-- The MSEL. offset_seconds is the scenario time after STARTEX (shifting rows changes it; moving
-- STARTEX moves everything and keeps the gaps).
CREATE TABLE exercise_injects (
  id               bigserial PRIMARY KEY,
  exercise_id      bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  number           text NOT NULL,
  offset_seconds   bigint NOT NULL CHECK (offset_seconds >= 0),
  phase            text,
  from_persona     text,
  to_teams         text[] NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('message', 'phone', 'email', 'media', 'field', 'other')),
  subject          text NOT NULL,
  content          text NOT NULL,
  expected_action  text,
  objectives       text[] NOT NULL DEFAULT '{}',
  critical_tasks   bigint[] NOT NULL DEFAULT '{}',
  contingency      boolean NOT NULL DEFAULT false,  -- delivered only by hand, when needed
  delivered_at     timestamptz,
  delivered_scenario_at timestamptz,
  delivered_how    text CHECK (delivered_how IN ('clock', 'manual')),
  delivered_by     uuid REFERENCES users(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (exercise_id, number)
);
CREATE INDEX exercise_injects_due ON exercise_injects (exercise_id, offset_seconds) WHERE delivered_at IS NULL;

CREATE TABLE exercise_acks (
  inject_id       bigint NOT NULL REFERENCES exercise_injects(id) ON DELETE CASCADE,
  participant_id  bigint NOT NULL REFERENCES exercise_participants(id) ON DELETE CASCADE,
  at              timestamptz NOT NULL DEFAULT clock_timestamp(),
  scenario_at     timestamptz,
  PRIMARY KEY (inject_id, participant_id)
);

-- What players did and decided (optionally in answer to an inject).
CREATE TABLE exercise_player_log (
  id              bigserial PRIMARY KEY,
  exercise_id     bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  participant_id  bigint NOT NULL REFERENCES exercise_participants(id),
  inject_id       bigint REFERENCES exercise_injects(id),
  kind            text NOT NULL CHECK (kind IN ('action', 'decision', 'response')),
  text            text NOT NULL,
  at              timestamptz NOT NULL DEFAULT clock_timestamp(),
  scenario_at     timestamptz
);

-- Everything that happened during play, in order, for replay and for live listeners (the
-- id is the stream position other processes poll for).
CREATE TABLE exercise_events (
  id           bigserial PRIMARY KEY,
  exercise_id  bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  scenario_at  timestamptz,
  kind         text NOT NULL,
  inject_id    bigint,
  teams        text[],            -- for deliveries: the addressees
  actor_id     uuid,
  details      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX exercise_events_exercise ON exercise_events (exercise_id, id);

-- Evaluation: ratings of capability targets (P / S / M / U) with observations.
CREATE TABLE exercise_ratings (
  id              bigserial PRIMARY KEY,
  exercise_id     bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  target_id       bigint NOT NULL REFERENCES exercise_targets(id) ON DELETE CASCADE,
  evaluator_id    uuid REFERENCES users(id),
  rating          text NOT NULL CHECK (rating IN ('P', 'S', 'M', 'U')),
  observations    text,
  observed_from   timestamptz,
  observed_to     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (target_id, evaluator_id)
);

CREATE TABLE exercise_task_observations (
  task_id       bigint NOT NULL REFERENCES exercise_critical_tasks(id) ON DELETE CASCADE,
  evaluator_id  uuid NOT NULL REFERENCES users(id),
  performed     boolean NOT NULL,
  observed_at   timestamptz,
  notes         text,
  PRIMARY KEY (task_id, evaluator_id)
);

CREATE TABLE exercise_hotwash (
  id           bigserial PRIMARY KEY,
  exercise_id  bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('strength', 'improvement')),
  capability   text,
  text         text NOT NULL,
  author_id    uuid REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE exercise_feedback (
  id              bigserial PRIMARY KEY,
  exercise_id     bigint NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
  user_id         uuid REFERENCES users(id),
  role            text,
  rating          integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
  strengths       text,
  improvements    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (exercise_id, user_id)
);

-- The after-action report: a draft made from the evaluation, validated at a meeting.
CREATE TABLE exercise_reports (
  exercise_id   bigint PRIMARY KEY REFERENCES exercises(id) ON DELETE CASCADE,
  draft         jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'validated')),
  generated_at  timestamptz NOT NULL DEFAULT now(),
  validated_at  timestamptz,
  validated_by  uuid REFERENCES users(id),
  validation_meeting_id bigint REFERENCES exercise_meetings(id)
);

-- The improvement plan, tracked across exercises until verified closure.
CREATE TABLE exercise_improvement_items (
  id               bigserial PRIMARY KEY,
  exercise_id      bigint NOT NULL REFERENCES exercises(id),
  capability       text NOT NULL,
  title            text NOT NULL,
  description      text,
  poete            text NOT NULL CHECK (poete IN ('planning', 'organization', 'equipment', 'training', 'exercises')),
  owner_agency_id  bigint NOT NULL REFERENCES agencies(id),
  due_on           date NOT NULL,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'completed', 'verified', 'cancelled')),
  completed_at     timestamptz,
  verified_at      timestamptz,
  verified_by      uuid REFERENCES users(id),
  evidence         text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exercise_improvement_items_open ON exercise_improvement_items (due_on) WHERE status IN ('open', 'in_progress', 'completed');
