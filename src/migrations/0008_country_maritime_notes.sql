-- Persian beside the English remark on each neighbour's maritime boundary (issue 12: place notes
-- translated). Databases seeded before this get the shipped remarks here (the seed fills new ones).

ALTER TABLE countries ADD COLUMN maritime text, ADD COLUMN maritime_fa text;

UPDATE countries SET maritime = 'Caspian Sea (adjacent sector)', maritime_fa = 'دریای خزر (بخش مجاور)' WHERE iso3 = 'AZE' AND maritime IS NULL;
UPDATE countries SET maritime = 'Persian Gulf (boundary beyond the Shatt al-Arab mouth not delimited)', maritime_fa = 'خلیج فارس (مرز فراتر از دهانه اروندرود تعیین نشده است)' WHERE iso3 = 'IRQ' AND maritime IS NULL;
UPDATE countries SET maritime = 'Gulf of Oman (Gwatar Bay)', maritime_fa = 'دریای عمان (خلیج گواتر)' WHERE iso3 = 'PAK' AND maritime IS NULL;
UPDATE countries SET maritime = 'Caspian Sea (adjacent sector)', maritime_fa = 'دریای خزر (بخش مجاور)' WHERE iso3 = 'TKM' AND maritime IS NULL;
UPDATE countries SET maritime = 'Persian Gulf – continental shelf boundary not agreed (listed as outstanding in US State Dept Limits in the Seas No. 94)', maritime_fa = 'خلیج فارس – مرز فلات قاره توافق نشده است (در «حدود در دریاها» شماره ۹۴ وزارت امور خارجه آمریکا حل‌نشده شمرده شده است)' WHERE iso3 = 'KWT' AND maritime IS NULL;
UPDATE countries SET maritime = 'Persian Gulf – continental shelf boundary negotiated, in force (Limits in the Seas No. 94)', maritime_fa = 'خلیج فارس – مرز فلات قاره با مذاکره تعیین شده و لازم‌الاجراست («حدود در دریاها» شماره ۹۴)' WHERE iso3 = 'SAU' AND maritime IS NULL;
UPDATE countries SET maritime = 'Persian Gulf – continental shelf boundary negotiated, in force (Limits in the Seas No. 94); 4-point line created 1972 per FR Wikipedia', maritime_fa = 'خلیج فارس – مرز فلات قاره با مذاکره تعیین شده و لازم‌الاجراست («حدود در دریاها» شماره ۹۴)؛ بنا بر ویکی‌پدیای فرانسوی، خطی چهارنقطه‌ای است که در سال ۱۹۷۲ میلادی تعیین شد' WHERE iso3 = 'BHR' AND maritime IS NULL;
UPDATE countries SET maritime = 'Persian Gulf – continental shelf boundary negotiated, in force (Limits in the Seas No. 94)', maritime_fa = 'خلیج فارس – مرز فلات قاره با مذاکره تعیین شده و لازم‌الاجراست («حدود در دریاها» شماره ۹۴)' WHERE iso3 = 'QAT' AND maritime IS NULL;
UPDATE countries SET maritime = 'Iran–UAE (Dubai) agreement signed, ratification not exchanged at time of LIS 94; Abu Musa/Tunbs disputed', maritime_fa = 'موافقت‌نامه ایران–امارات متحده عربی (دبی) امضا شده، اما تا زمان انتشار «حدود در دریاها» شماره ۹۴ اسناد تصویب آن مبادله نشده بود؛ حاکمیت ابوموسی و تنب‌ها مورد مناقشه است' WHERE iso3 = 'ARE' AND maritime IS NULL;
UPDATE countries SET maritime = 'Continental shelf boundary negotiated, in force (Limits in the Seas No. 94)', maritime_fa = 'مرز فلات قاره با مذاکره تعیین شده و لازم‌الاجراست («حدود در دریاها» شماره ۹۴)' WHERE iso3 = 'OMN' AND maritime IS NULL;
UPDATE countries SET maritime = 'Caspian Sea – counted in some "maritime neighbour" lists; NOT in the 13-country count', maritime_fa = 'دریای خزر – در برخی فهرست‌های «همسایگان دریایی» آمده است؛ در شمار ۱۳ کشور همسایه نیست' WHERE iso3 = 'RUS' AND maritime IS NULL;
UPDATE countries SET maritime = 'Caspian Sea – counted in some lists; NOT in the 13-country count', maritime_fa = 'دریای خزر – در برخی فهرست‌ها آمده است؛ در شمار ۱۳ کشور همسایه نیست' WHERE iso3 = 'KAZ' AND maritime IS NULL;
