-- Refusals and already-interviewed counts are kept per enumerator and day, so two
-- enumerators at one FMP do not overwrite each other; figures add them up.
DELETE FROM fms_nonresponse WHERE updated_by IS NULL;
ALTER TABLE fms_nonresponse DROP CONSTRAINT fms_nonresponse_pkey;
ALTER TABLE fms_nonresponse ALTER COLUMN updated_by SET NOT NULL;
ALTER TABLE fms_nonresponse ADD PRIMARY KEY (fmp_code, day, updated_by);
