-- Protection statistics are cached by `marz serve` until the next change it can see; changes to
-- cases made by another process reach it through the same NOTIFY as flow data (0014).
CREATE TRIGGER protection_cases_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON protection_cases
  FOR EACH STATEMENT EXECUTE FUNCTION marz_notify_change();
