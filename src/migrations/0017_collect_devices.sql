-- ODK Collect / KoboCollect device links (in the style of ODK Central's app users): a random
-- token carried in the server address, stored only as its SHA-256. A device acts as its user,
-- limited to submitting flow monitoring data within that user's provinces; revoking it stops it
-- at once. Submissions received from devices are listed by their instanceID.
CREATE TABLE collect_devices (
  id            bigserial PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users(id),
  label         text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
  token_hash    text NOT NULL UNIQUE,
  created_by    uuid REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  revoked_by    uuid REFERENCES users(id)
);
CREATE INDEX collect_devices_user ON collect_devices (user_id);

CREATE TABLE collect_submissions (
  instance_id   uuid NOT NULL,
  form_id       text NOT NULL CHECK (form_id IN ('marz_fmr', 'marz_fms')),
  user_id       uuid NOT NULL REFERENCES users(id),
  device_id     bigint REFERENCES collect_devices(id),
  first_at      timestamptz NOT NULL DEFAULT now(),
  last_at       timestamptz NOT NULL DEFAULT now(),
  times         integer NOT NULL DEFAULT 1,
  PRIMARY KEY (form_id, instance_id)
);
