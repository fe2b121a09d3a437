-- Protection (counter-trafficking): screening at points of entry, status, consent, referral,
-- follow-up, break-glass access, retention. Identity and other sensitive fields are encrypted
-- by the application (AES-256-GCM) before they reach the database: columns ending in _enc hold
-- 'v1.<key id>.<base64url(iv|ciphertext|tag)>'; columns ending in _bidx hold blind indexes
-- (HMAC-SHA-256 of the normalised text) for equality search. Nothing here holds a name in clear.

CREATE TABLE protection_imports (
  id           bigserial PRIMARY KEY,
  file_name    text NOT NULL,
  file_sha256  text NOT NULL,
  owner_agency_id bigint NOT NULL REFERENCES agencies(id),
  rows         integer NOT NULL DEFAULT 0,
  added        integer NOT NULL DEFAULT 0,
  created_by   uuid REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE protection_cases (
  id                  uuid PRIMARY KEY,
  owner_agency_id     bigint NOT NULL REFERENCES agencies(id),
  province_code       text NOT NULL REFERENCES provinces(code),
  fmp_code            text REFERENCES fmps(code),
  screened_on         date NOT NULL,
  sex                 text NOT NULL CHECK (sex IN ('male', 'female', 'other', 'unknown')),
  age                 integer CHECK (age BETWEEN 0 AND 120),
  nationality         text CHECK (nationality ~ '^[A-Z]{3}$'),
  status              text NOT NULL CHECK (status IN ('possible', 'presumed', 'confirmed', 'not_victim')),
  exploitation        text[] NOT NULL DEFAULT '{}',
  consent_statistics  boolean NOT NULL DEFAULT false,
  -- encrypted fields (application-level AES-256-GCM) and their blind indexes
  given_name_enc      text,
  family_name_enc     text,
  exploitation_detail_enc text,
  perpetrator_enc     text,
  given_name_bidx     text,
  family_name_bidx    text,
  case_worker_id      uuid REFERENCES users(id),
  source              text NOT NULL DEFAULT 'screening' CHECK (source IN ('screening', 'import')),
  import_id           bigint REFERENCES protection_imports(id),
  closed_at           timestamptz,
  closure_reason      text CHECK (closure_reason IN ('services_completed', 'not_victim', 'transferred_out', 'returned', 'lost_contact', 'declined_assistance', 'deceased', 'other')),
  legal_hold          boolean NOT NULL DEFAULT false,
  legal_hold_reason   text,
  anonymised_at       timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX protection_cases_scope ON protection_cases (owner_agency_id, province_code, screened_on DESC);
CREATE INDEX protection_cases_screened ON protection_cases (screened_on) INCLUDE (province_code, fmp_code, nationality, sex, age, status, consent_statistics);
CREATE INDEX protection_cases_given_bidx ON protection_cases (given_name_bidx);
CREATE INDEX protection_cases_family_bidx ON protection_cases (family_name_bidx);

-- Screening at a point of entry: indicators from configurable lists, the screener's assessment,
-- the outcome; a child's screening carries the best-interests step.
CREATE TABLE protection_indicators (
  code      text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+$'),
  list      text NOT NULL,           -- 'ilo_forced_labour' | 'dtm_ct_proxy' | a list an administrator adds
  label_en  text NOT NULL,
  label_fa  text NOT NULL,
  active    boolean NOT NULL DEFAULT true,
  position  integer NOT NULL DEFAULT 0
);

CREATE TABLE protection_screenings (
  id               uuid PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES protection_cases(id),
  screened_on      date NOT NULL,
  screener_id      uuid REFERENCES users(id),
  indicators       text[] NOT NULL DEFAULT '{}',
  assessment_enc   text,
  outcome          text NOT NULL CHECK (outcome IN ('no_concern', 'possible_victim', 'urgent')),
  urgent_reasons   text[] NOT NULL DEFAULT '{}',
  referral_offered boolean NOT NULL DEFAULT false,
  best_interests_enc text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX protection_screenings_case ON protection_screenings (case_id);

-- Status possible -> presumed -> confirmed / not a victim: who decided, on what legal basis, when.
CREATE TABLE protection_status_history (
  id                 bigserial PRIMARY KEY,
  case_id            uuid NOT NULL REFERENCES protection_cases(id),
  status             text NOT NULL CHECK (status IN ('possible', 'presumed', 'confirmed', 'not_victim')),
  deciding_authority text NOT NULL,
  legal_basis        text NOT NULL,
  decided_on         date NOT NULL,
  recorded_by        uuid REFERENCES users(id),
  recorded_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX protection_status_history_case ON protection_status_history (case_id, id);

-- Consent, versioned: each change is a new version; the latest one applies.
CREATE TABLE protection_consents (
  case_id          uuid NOT NULL REFERENCES protection_cases(id),
  version          integer NOT NULL,
  share_fields     text[] NOT NULL DEFAULT '{}',   -- field groups that may be shared: identity, exploitation_detail, perpetrator
  share_with       text[] NOT NULL DEFAULT '{}',   -- service kinds the person agreed to be referred to
  statistics       boolean NOT NULL DEFAULT false,
  retention_told   boolean NOT NULL DEFAULT false,
  given_on         date NOT NULL,
  withdrawn        boolean NOT NULL DEFAULT false,
  recorded_by      uuid REFERENCES users(id),
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, version)
);

-- Referral to a service provider agency, carrying only the listed field groups.
CREATE TABLE protection_referrals (
  id               uuid PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES protection_cases(id),
  kind             text NOT NULL DEFAULT 'referral' CHECK (kind IN ('referral', 'transfer')),
  from_agency_id   bigint NOT NULL REFERENCES agencies(id),
  to_agency_id     bigint NOT NULL REFERENCES agencies(id),
  service          text NOT NULL CHECK (service IN ('shelter', 'medical', 'legal', 'psychosocial', 'return_reintegration', 'case_management')),
  pillar           text NOT NULL CHECK (pillar IN ('identification', 'support', 'inclusion', 'justice')),
  fields           text[] NOT NULL DEFAULT '{}',
  consent_version  integer,
  override_reason_enc text,
  override_by      uuid REFERENCES users(id),
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'done', 'revoked')),
  due_on           date NOT NULL,
  note_enc         text,
  response_enc     text,
  created_by       uuid REFERENCES users(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  responded_at     timestamptz,
  done_at          timestamptz
);
CREATE INDEX protection_referrals_case ON protection_referrals (case_id);
CREATE INDEX protection_referrals_to ON protection_referrals (to_agency_id, status);

-- Follow-up: assessments, services, notes, documents (text encrypted), per pillar.
CREATE TABLE protection_followups (
  id          uuid PRIMARY KEY,
  case_id     uuid NOT NULL REFERENCES protection_cases(id),
  kind        text NOT NULL CHECK (kind IN ('assessment', 'service', 'note', 'document')),
  pillar      text CHECK (pillar IN ('identification', 'support', 'inclusion', 'justice')),
  body_enc    text NOT NULL,
  referral_id uuid REFERENCES protection_referrals(id),
  delivered   boolean NOT NULL DEFAULT false,
  created_by  uuid REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX protection_followups_case ON protection_followups (case_id, created_at);

-- Break-glass: a user reads a case outside their normal access, with a reason, for a short while.
CREATE TABLE protection_break_glass (
  id          bigserial PRIMARY KEY,
  case_id     uuid NOT NULL REFERENCES protection_cases(id),
  user_id     uuid NOT NULL REFERENCES users(id),
  reason      text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX protection_break_glass_user ON protection_break_glass (user_id, case_id, expires_at);

-- Alerts for the data protection focal point (break-glass, consent overrides).
CREATE TABLE protection_alerts (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('break_glass', 'consent_override')),
  case_id       uuid NOT NULL REFERENCES protection_cases(id),
  agency_id     bigint NOT NULL REFERENCES agencies(id),
  province_code text NOT NULL,
  user_id       uuid REFERENCES users(id),
  details       jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  acknowledged_by uuid REFERENCES users(id),
  acknowledged_at timestamptz
);

-- Retention per record type: anonymise or purge N years after closure (legal hold stops both).
CREATE TABLE protection_retention (
  record_type  text PRIMARY KEY CHECK (record_type IN ('case_not_victim', 'case_victim')),
  action       text NOT NULL CHECK (action IN ('anonymise', 'purge')),
  years        integer NOT NULL CHECK (years BETWEEN 0 AND 100)
);
INSERT INTO protection_retention (record_type, action, years) VALUES ('case_not_victim', 'purge', 2), ('case_victim', 'anonymise', 10);
