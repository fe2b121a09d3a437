-- Surge alerts people act on (issue 12.5): a minimum volume below which a "multiple of the
-- average" alert does not fire (a day of 10 movements against an average of 2.7 is not a
-- surge), and a comment given when alerts are acknowledged (one or many at once).

ALTER TABLE fmps ADD COLUMN alert_min_movements integer NOT NULL DEFAULT 20 CHECK (alert_min_movements >= 0);
ALTER TABLE flow_alerts ADD COLUMN acknowledge_comment text;
CREATE INDEX flow_alerts_day ON flow_alerts (day, fmp_code);
