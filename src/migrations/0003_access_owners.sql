-- Owners of shared configuration (import mappings, survey questions, …): the user who made it
-- and the provinces it belongs to (NULL: national, changed only with nationwide scope). The
-- access mechanism (src/platform/auth/scope.ts) records it on creation and checks changes against it.
CREATE TABLE access_owners (
  subject_type  text NOT NULL,
  subject_id    text NOT NULL,
  owner_id      uuid REFERENCES users(id) ON DELETE SET NULL,
  provinces     text[],
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject_type, subject_id)
);
