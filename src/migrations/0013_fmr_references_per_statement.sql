-- The references of fmr_records (its FMP, province, submitter and import) checked once per
-- statement instead of once per row (issue 5, performance).
--
-- A foreign key runs one lookup per row and key: for an import of a million records that was
-- four million lookups, about 40 % of the time PostgreSQL spent storing the rows. These triggers
-- keep the same guarantees with one set-based check per statement:
--  * a new or changed record must name an existing FMP, province, user and import: the
--    referenced rows are locked FOR KEY SHARE, as a foreign key locks them, so they cannot be
--    deleted or re-keyed until the writing transaction ends;
--  * a referenced row cannot be deleted or re-keyed while a record names it (RESTRICT).
-- The errors carry SQLSTATE 23503 (foreign_key_violation) and the old constraint names.

ALTER TABLE fmr_records
  DROP CONSTRAINT fmr_records_fmp_code_fkey,
  DROP CONSTRAINT fmr_records_province_code_fkey,
  DROP CONSTRAINT fmr_records_submitted_by_fkey,
  DROP CONSTRAINT fmr_records_import_id_fkey;

CREATE FUNCTION fmr_check_references() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
  missing text;
BEGIN
  PERFORM 1 FROM fmps WHERE code IN (SELECT fmp_code FROM new_rows) FOR KEY SHARE;
  SELECT n.fmp_code INTO missing FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM fmps f WHERE f.code = n.fmp_code) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format('fmr_records: FMP %L does not exist', missing), TABLE = 'fmr_records', CONSTRAINT = 'fmr_records_fmp_code_fkey';
  END IF;

  PERFORM 1 FROM provinces WHERE code IN (SELECT province_code FROM new_rows) FOR KEY SHARE;
  SELECT n.province_code INTO missing FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM provinces p WHERE p.code = n.province_code) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format('fmr_records: province %L does not exist', missing), TABLE = 'fmr_records', CONSTRAINT = 'fmr_records_province_code_fkey';
  END IF;

  PERFORM 1 FROM users WHERE id IN (SELECT submitted_by FROM new_rows) FOR KEY SHARE;
  SELECT n.submitted_by::text INTO missing FROM new_rows n WHERE n.submitted_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = n.submitted_by) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format('fmr_records: user %L does not exist', missing), TABLE = 'fmr_records', CONSTRAINT = 'fmr_records_submitted_by_fkey';
  END IF;

  PERFORM 1 FROM flow_imports WHERE id IN (SELECT import_id FROM new_rows) FOR KEY SHARE;
  SELECT n.import_id::text INTO missing FROM new_rows n WHERE n.import_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM flow_imports i WHERE i.id = n.import_id) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format('fmr_records: import %L does not exist', missing), TABLE = 'fmr_records', CONSTRAINT = 'fmr_records_import_id_fkey';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER fmr_records_references_insert AFTER INSERT ON fmr_records
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fmr_check_references();
CREATE TRIGGER fmr_records_references_update AFTER UPDATE ON fmr_records
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fmr_check_references();

-- The referenced side: refuse to delete or re-key a row that records still name. Arguments:
-- the referenced column, the column of fmr_records naming it, and its type.
CREATE FUNCTION fmr_restrict_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  used boolean;
BEGIN
  IF TG_OP = 'UPDATE' AND NOT (to_jsonb(OLD) -> TG_ARGV[0]) IS DISTINCT FROM (to_jsonb(NEW) -> TG_ARGV[0]) THEN
    RETURN NEW;
  END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM fmr_records WHERE %I = $1::%s)', TG_ARGV[1], TG_ARGV[2]) INTO used USING to_jsonb(OLD) ->> TG_ARGV[0];
  IF used THEN
    RAISE foreign_key_violation USING
      MESSAGE = format('%s %L is still named by flow records (fmr_records.%s)', TG_TABLE_NAME, to_jsonb(OLD) ->> TG_ARGV[0], TG_ARGV[1]),
      TABLE = 'fmr_records', CONSTRAINT = format('fmr_records_%s_fkey', TG_ARGV[1]);
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER fmps_restrict_fmr BEFORE DELETE OR UPDATE OF code ON fmps
  FOR EACH ROW EXECUTE FUNCTION fmr_restrict_referenced('code', 'fmp_code', 'text');
CREATE TRIGGER provinces_restrict_fmr BEFORE DELETE OR UPDATE OF code ON provinces
  FOR EACH ROW EXECUTE FUNCTION fmr_restrict_referenced('code', 'province_code', 'text');
CREATE TRIGGER users_restrict_fmr BEFORE DELETE OR UPDATE OF id ON users
  FOR EACH ROW EXECUTE FUNCTION fmr_restrict_referenced('id', 'submitted_by', 'uuid');
CREATE TRIGGER flow_imports_restrict_fmr BEFORE DELETE OR UPDATE OF id ON flow_imports
  FOR EACH ROW EXECUTE FUNCTION fmr_restrict_referenced('id', 'import_id', 'bigint');
