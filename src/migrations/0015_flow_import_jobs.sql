-- Imports (issues 10.8 and 12.4): refused rows and the outcome in the import history, and import
-- jobs kept in the database (bounded reports, with an expiry) so that any Marz process answers
-- an import's status.

ALTER TABLE flow_imports
  ADD COLUMN rows_refused  integer NOT NULL DEFAULT 0,
  ADD COLUMN problem_count integer NOT NULL DEFAULT 0,
  ADD COLUMN outcome       text NOT NULL DEFAULT 'imported' CHECK (outcome IN ('imported', 'partial', 'refused'));

CREATE TABLE flow_import_jobs (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  file_name   text NOT NULL,
  status      text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  progress    jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- The report: at most the first 1,000 problems, values cut to 200 characters.
  report      jsonb,
  error       text,
  -- The refused rows as they were, with their problems (skip_invalid), as CSV; bounded.
  errors_csv  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL DEFAULT now() + interval '7 days'
);
CREATE INDEX flow_import_jobs_expiry ON flow_import_jobs (expires_at);
