-- Keys for the screening form's offline queue: one per user, held by the server (encrypted with
-- the protection key). The browser keeps it only in memory, so what waits on a device cannot be
-- read from the device alone.
CREATE TABLE protection_device_keys (
  user_id     uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  key_enc     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
