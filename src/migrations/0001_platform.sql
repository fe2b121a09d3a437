-- Identity, access, sessions and the audit trail.

CREATE TABLE agencies (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]*$'),
  name_en     text NOT NULL,
  name_fa     text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('ministry', 'government', 'security', 'red_crescent', 'un', 'ngo', 'other')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A role is a named set of permission verbs ('flows.read', 'users.manage', …).
-- clearance: the highest sensitivity class of fields the role may read.
CREATE TABLE roles (
  id           bigserial PRIMARY KEY,
  code         text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]*$'),
  name_en      text NOT NULL,
  name_fa      text NOT NULL,
  permissions  text[] NOT NULL DEFAULT '{}',
  clearance    text NOT NULL DEFAULT 'internal' CHECK (clearance IN ('public', 'internal', 'restricted', 'confidential')),
  builtin      boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id                    uuid PRIMARY KEY,
  username              text NOT NULL,
  display_name          text NOT NULL,
  email                 text,
  password_hash         text NOT NULL,
  locale                text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fa')),
  agency_id             bigint REFERENCES agencies(id),
  active                boolean NOT NULL DEFAULT true,
  failed_sign_ins       integer NOT NULL DEFAULT 0,
  locked_until          timestamptz,
  password_changed_at   timestamptz NOT NULL DEFAULT now(),
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- A user's role applies to the listed agencies and to all provinces (province_codes NULL)
-- or to the listed provinces.
CREATE TABLE role_assignments (
  id              bigserial PRIMARY KEY,
  user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role_id         bigint NOT NULL REFERENCES roles(id),
  agency_ids      bigint[] NOT NULL DEFAULT '{}',
  province_codes  text[],
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX role_assignments_user ON role_assignments (user_id);

-- Sharing one record with another agency (used by capabilities whose records belong to an agency).
CREATE TABLE record_shares (
  id            bigserial PRIMARY KEY,
  subject_type  text NOT NULL,
  subject_id    text NOT NULL,
  agency_id     bigint NOT NULL REFERENCES agencies(id),
  permissions   text[] NOT NULL,
  reason        text,
  granted_by    uuid REFERENCES users(id),
  granted_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  UNIQUE (subject_type, subject_id, agency_id)
);

-- Sensitivity class of fields: a role reads a field only if its clearance reaches the class.
CREATE TABLE field_sensitivity (
  subject_type  text NOT NULL,
  field         text NOT NULL,
  class         text NOT NULL CHECK (class IN ('public', 'internal', 'restricted', 'confidential')),
  encrypted     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (subject_type, field)
);

CREATE TABLE sessions (
  id            bigserial PRIMARY KEY,
  token_hash    text NOT NULL UNIQUE,
  csrf_token    text NOT NULL,
  user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  ip            text,
  user_agent    text
);
CREATE INDEX sessions_user ON sessions (user_id);

-- First-run setup links (one-time).
CREATE TABLE setup_tokens (
  token_hash  text PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);

-- Failed sign-ins per address, for the rate limit.
CREATE TABLE sign_in_failures (
  id        bigserial PRIMARY KEY,
  ip        text NOT NULL,
  username  text NOT NULL,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_ip_at ON sign_in_failures (ip, at);

-- Append-only: the trigger below refuses UPDATE, DELETE and TRUNCATE.
CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id      uuid,
  actor_label   text,
  action        text NOT NULL,
  subject_type  text,
  subject_id    text,
  details       jsonb NOT NULL DEFAULT '{}',
  request_id    text,
  ip            text
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
