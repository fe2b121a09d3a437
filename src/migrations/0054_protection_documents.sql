-- Documents of a case (scans, letters, reports): the file name and the content are encrypted by
-- the application like every other sensitive field (content: base64 of the file, then encrypted).
CREATE TABLE protection_documents (
  id           uuid PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES protection_cases(id),
  name_enc     text NOT NULL,
  content_enc  text NOT NULL,
  media_type   text NOT NULL,
  size         integer NOT NULL CHECK (size >= 0),
  created_by   uuid REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX protection_documents_case ON protection_documents (case_id);
