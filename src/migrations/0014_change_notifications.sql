-- Commits that change what the flow dashboards show send NOTIFY marz_changed (once per
-- transaction: identical notifications are folded), so that every Marz process caching computed
-- figures drops them (src/platform/db/changes.ts). The summary tables change only through
-- fmr_records, whose statement trigger covers them.
CREATE FUNCTION marz_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('marz_changed', '');
  RETURN NULL;
END $$;

CREATE TRIGGER fmr_records_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fmr_records
  FOR EACH STATEMENT EXECUTE FUNCTION marz_notify_change();
CREATE TRIGGER fms_interviews_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fms_interviews
  FOR EACH STATEMENT EXECUTE FUNCTION marz_notify_change();
CREATE TRIGGER fms_nonresponse_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fms_nonresponse
  FOR EACH STATEMENT EXECUTE FUNCTION marz_notify_change();
CREATE TRIGGER flow_alerts_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON flow_alerts
  FOR EACH STATEMENT EXECUTE FUNCTION marz_notify_change();
CREATE TRIGGER fmps_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fmps
  FOR EACH STATEMENT EXECUTE FUNCTION marz_notify_change();
CREATE TRIGGER provinces_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON provinces
  FOR EACH STATEMENT EXECUTE FUNCTION marz_notify_change();
