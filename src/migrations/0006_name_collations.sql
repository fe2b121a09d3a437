-- Names sorted for people, in SQL (issue 9): marz_fa orders Persian names as Persian readers
-- expect (پ چ ژ گ in their places, not at the end as in code-point order), marz_en English
-- names without regard to case. Both come from ICU, which the embedded PostgreSQL and Debian's
-- have; an engine built without ICU gets code-point order instead of failing.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_collation WHERE collprovider = 'i') THEN
    CREATE COLLATION marz_fa (provider = icu, locale = 'fa-IR');
    CREATE COLLATION marz_en (provider = icu, locale = 'en-US');
  ELSE
    CREATE COLLATION marz_fa FROM "C";
    CREATE COLLATION marz_en FROM "C";
  END IF;
END $$;
