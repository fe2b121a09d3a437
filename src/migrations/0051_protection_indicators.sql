-- Screening indicator lists shipped with Marz (administrators may add lists and deactivate items).
-- ILO's 11 indicators of forced labour (ILO, "ILO indicators of forced labour", 2012), and
-- short proxies modelled on the counter-trafficking questions of IOM DTM flow monitoring
-- surveys (wording is Marz's own; check it against the mission's current questionnaire).
INSERT INTO protection_indicators (code, list, label_en, label_fa, position) VALUES
  ('ilo_abuse_of_vulnerability', 'ilo_forced_labour', 'Abuse of vulnerability', 'سوءاستفاده از آسیب‌پذیری', 1),
  ('ilo_deception', 'ilo_forced_labour', 'Deception', 'فریب', 2),
  ('ilo_restriction_of_movement', 'ilo_forced_labour', 'Restriction of movement', 'محدودیت رفت‌وآمد', 3),
  ('ilo_isolation', 'ilo_forced_labour', 'Isolation', 'جداسازی', 4),
  ('ilo_physical_sexual_violence', 'ilo_forced_labour', 'Physical and sexual violence', 'خشونت جسمی و جنسی', 5),
  ('ilo_intimidation_threats', 'ilo_forced_labour', 'Intimidation and threats', 'ارعاب و تهدید', 6),
  ('ilo_retention_of_documents', 'ilo_forced_labour', 'Retention of identity documents', 'نگه‌داشتن مدارک هویتی', 7),
  ('ilo_withholding_wages', 'ilo_forced_labour', 'Withholding of wages', 'پرداخت‌نکردن دستمزد', 8),
  ('ilo_debt_bondage', 'ilo_forced_labour', 'Debt bondage', 'بردگی بدهی', 9),
  ('ilo_abusive_conditions', 'ilo_forced_labour', 'Abusive working and living conditions', 'شرایط کار و زندگی آزارنده', 10),
  ('ilo_excessive_overtime', 'ilo_forced_labour', 'Excessive overtime', 'اضافه‌کاری بیش از اندازه', 11),
  ('dtm_unpaid_work', 'dtm_ct_proxy', 'Worked without the expected payment', 'کار بدون دریافت دستمزد مورد انتظار', 21),
  ('dtm_forced_work', 'dtm_ct_proxy', 'Forced to work or act against their will', 'وادار شدن به کار یا کاری برخلاف میل', 22),
  ('dtm_held_against_will', 'dtm_ct_proxy', 'Kept somewhere against their will by people other than the authorities', 'نگه‌داشته شدن در جایی برخلاف میل به دست کسانی جز مقامات', 23),
  ('dtm_marriage_offer', 'dtm_ct_proxy', 'Approached with an offer of arranged marriage', 'پیشنهاد ازدواج ترتیب‌داده‌شده', 24),
  ('dtm_organ_offer', 'dtm_ct_proxy', 'Approached with an offer of money for blood, organs or body parts', 'پیشنهاد پول در برابر خون یا اندام', 25);
