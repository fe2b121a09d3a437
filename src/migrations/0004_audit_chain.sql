-- A hash chain through the audit trail (docs/AUDIT.md). Each entry gets a position (seq, no
-- gaps) and the SHA-256 of its own content together with the previous entry's hash, so a
-- row rewritten, inserted or deleted out of band breaks the chain at that point. The head of
-- the chain (last seq and hash) is kept in audit_chain_head, copied into every backup's header
-- and into checkpoints kept outside the database, so deleting the last entries is detected too.

ALTER TABLE audit_log ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text;

-- What is hashed: the previous hash and every column of the entry, as one JSON array whose text
-- form PostgreSQL fixes (jsonb). Time as integer microseconds since 1970 (exact on every engine).
CREATE FUNCTION audit_entry_hash(e audit_log) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
           e.prev_hash, e.seq, e.id, ((extract(epoch FROM e.at) * 1000000)::bigint)::text,
           e.actor_id, e.actor_label, e.action, e.subject_type, e.subject_id, e.details, e.request_id, e.ip)::text, 'UTF8')), 'hex')
$$;

CREATE TABLE audit_chain_head (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq        bigint NOT NULL,
  hash       text
);

-- Chain the entries written before this migration, in id order.
DO $$
DECLARE
  r record;
  prev text := NULL;
  n bigint := 0;
BEGIN
  ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
  FOR r IN SELECT id FROM audit_log ORDER BY id LOOP
    n := n + 1;
    UPDATE audit_log SET seq = n, prev_hash = prev WHERE id = r.id;
    UPDATE audit_log a SET hash = audit_entry_hash(a) WHERE a.id = r.id RETURNING a.hash INTO prev;
  END LOOP;
  ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
  INSERT INTO audit_chain_head (singleton, seq, hash) VALUES (true, n, prev);
END $$;

ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);

-- Every insert takes the head row's lock (held to commit, so entries are chained in commit
-- order and a rolled-back entry leaves no trace), links to it and moves it on.
CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  h record;
BEGIN
  SELECT seq, hash INTO h FROM audit_chain_head WHERE singleton FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head is missing' USING ERRCODE = 'insufficient_privilege';
  END IF;
  NEW.seq := h.seq + 1;
  NEW.prev_hash := h.hash;
  NEW.hash := audit_entry_hash(NEW);
  UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash WHERE singleton;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

CREATE FUNCTION audit_chain_head_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_chain_head cannot be removed (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_chain_head_keep();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_keep();
