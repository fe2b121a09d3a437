// Protection cases: validation of one case's facts (shared by the import and the screening
// form), encryption of its sensitive fields, batched inserts and the field-filtered view.
import type { Queryable } from '../platform/db/database.ts';
import { parseDate, todayIso } from '../platform/calendar.ts';
import { normalisePersian, toAsciiDigits } from '../platform/text.ts';
import { COUNTRIES, EXTRA_NATIONALITIES } from '../flows/format.ts';
import type { FieldCipher } from './crypto.ts';
import { GROUP_FIELDS, type FieldGroup } from './policy.ts';

export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
export const STATUSES = ['possible', 'presumed', 'confirmed', 'not_victim'] as const;
export const EXPLOITATION = ['forced_labour', 'sexual', 'forced_marriage', 'forced_criminality', 'begging', 'organ_removal', 'other'] as const;
export const SERVICES = ['shelter', 'medical', 'legal', 'psychosocial', 'return_reintegration', 'case_management'] as const;
export const PILLARS = ['identification', 'support', 'inclusion', 'justice'] as const;
export const AGE_BANDS = ['0-11', '12-17', '18-24', '25-34', '35-49', '50+', 'unknown'] as const;

export const MAX_NAME = 200;
export const MAX_TEXT = 10_000;

export interface CaseFacts {
  id: string;
  screened_on: string;
  fmp: string | null;
  sex: (typeof SEXES)[number];
  age: number | null;
  nationality: string | null;
  given_name: string | null;
  family_name: string | null;
  status: (typeof STATUSES)[number];
  exploitation: string[];
  consent_statistics: boolean;
}

export interface FieldProblem {
  column: string;
  value: string;
  code: string;
  message_en: string;
  message_fa: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function ageBandOf(age: number | null): (typeof AGE_BANDS)[number] {
  if (age == null) return 'unknown';
  return age < 12 ? '0-11' : age < 18 ? '12-17' : age < 25 ? '18-24' : age < 35 ? '25-34' : age < 50 ? '35-49' : '50+';
}
export const AGE_BAND_SQL = (col: string) =>
  `CASE WHEN ${col} IS NULL THEN 'unknown' WHEN ${col} < 12 THEN '0-11' WHEN ${col} < 18 THEN '12-17' WHEN ${col} < 25 THEN '18-24' WHEN ${col} < 35 THEN '25-34' WHEN ${col} < 50 THEN '35-49' ELSE '50+' END`;

export const isNationality = (s: string) => COUNTRIES.has(s) || EXTRA_NATIONALITIES.has(s);

/** Checks and normalises one case row ({column: text}); fmps maps FMP code → province. */
export function validateCase(raw: Record<string, string | undefined>, fmps: ReadonlyMap<string, string>, today = todayIso()): { ok: true; facts: CaseFacts } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const v = (col: string) => normalisePersian(raw[col] ?? '');
  const bad = (column: string, value: string, code: string, en: string, fa: string) => problems.push({ column, value, code, message_en: en, message_fa: fa });
  const required = (col: string) => {
    if (v(col) === '') {
      bad(col, '', 'required', `${col} is required.`, 'این ستون نباید خالی باشد.');
      return false;
    }
    return true;
  };

  const id = v('id').toLowerCase();
  if (required('id') && !UUID.test(id)) bad('id', raw.id ?? '', 'uuid_invalid', 'The id must be a UUID (like 0b9f6c1e-3d2a-4c4b-9a57-2f1e8c7d6b5a).', 'شناسه باید یک شناسهٔ یکتای جهانی (UUID) باشد.');

  let screened = '';
  if (required('screened_on')) {
    const d = parseDate(v('screened_on'), { excelSerial: true });
    if (!d.ok) bad('screened_on', raw.screened_on ?? '', d.code, `Not a date: ${d.reason}. Write YYYY-MM-DD (Gregorian) or YYYY/MM/DD (Jalali).`, 'تاریخ درست نیست؛ آن را به صورت سال/ماه/روز (خورشیدی یا میلادی) بنویسید.');
    else if (d.iso > today) bad('screened_on', raw.screened_on ?? '', 'date_future', 'The screening date is in the future.', 'تاریخ غربالگری در آینده است.');
    else screened = d.iso;
  }

  const fmpText = v('fmp').toLowerCase();
  const fmp = fmpText === '' ? null : fmpText;
  if (fmp === null) bad('fmp', '', 'required', 'fmp is required (the code of the flow monitoring point or point of entry where the person was screened).', 'کد نقطهٔ پایش یا مرزی که غربالگری در آن انجام شد لازم است.');
  else if (!fmps.has(fmp)) bad('fmp', raw.fmp ?? '', 'fmp_unknown', `There is no flow monitoring point "${fmp}".`, 'چنین نقطهٔ پایشی وجود ندارد.');

  const sex = v('sex').toLowerCase();
  if (required('sex') && !(SEXES as readonly string[]).includes(sex)) bad('sex', raw.sex ?? '', 'sex_invalid', 'sex must be male, female, other or unknown.', 'مقدار جنس مجاز نیست (مقدارهای مجاز در راهنمای قالب آمده است).');

  let age: number | null = null;
  const ageText = toAsciiDigits(v('age'));
  if (ageText !== '') {
    if (!/^\d{1,3}$/.test(ageText) || Number(ageText) > 120) bad('age', raw.age ?? '', 'age_invalid', 'age must be a whole number of years from 0 to 120, or empty.', 'سن باید عددی درست از صفر تا ۱۲۰ سال یا خالی باشد.');
    else age = Number(ageText);
  }

  const nat = v('nationality').toUpperCase();
  if (nat !== '' && !isNationality(nat)) bad('nationality', raw.nationality ?? '', 'nationality_invalid', 'nationality must be an ISO 3166-1 alpha-3 country code (AFG, PAK, IRQ…), or empty.', 'تابعیت باید کد سه‌حرفی استاندارد کشور باشد یا خالی بماند.');

  const given = v('given_name');
  const family = v('family_name');
  if (given.length > MAX_NAME) bad('given_name', '…', 'text_too_long', `At most ${MAX_NAME} characters.`, 'متن بیش از اندازه بلند است.');
  if (family.length > MAX_NAME) bad('family_name', '…', 'text_too_long', `At most ${MAX_NAME} characters.`, 'متن بیش از اندازه بلند است.');

  const status = v('status').toLowerCase();
  if (required('status') && !(STATUSES as readonly string[]).includes(status)) bad('status', raw.status ?? '', 'status_invalid', 'status must be possible, presumed, confirmed or not_victim.', 'وضعیت مجاز نیست (مقدارهای مجاز در راهنمای قالب آمده است).');

  const exploitation = v('exploitation').toLowerCase().split(';').map((s) => s.trim()).filter(Boolean);
  const unknownTypes = exploitation.filter((e) => !(EXPLOITATION as readonly string[]).includes(e));
  if (unknownTypes.length) bad('exploitation', raw.exploitation ?? '', 'exploitation_invalid', `Unknown exploitation type(s): ${unknownTypes.join(', ')}. Use ${EXPLOITATION.join(', ')}, separated by ;.`, 'نوع بهره‌کشی ناشناخته است (فهرست نوع‌های مجاز در راهنمای قالب آمده است).');

  const consent = v('consent_statistics').toLowerCase();
  if (required('consent_statistics') && !['yes', 'no'].includes(consent)) bad('consent_statistics', raw.consent_statistics ?? '', 'consent_invalid', 'consent_statistics must be yes or no.', 'رضایت برای آمار باید بله یا خیر باشد (در پرونده به صورت کد قالب).');

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    facts: {
      id,
      screened_on: screened,
      fmp,
      sex: sex as CaseFacts['sex'],
      age,
      nationality: nat || null,
      given_name: given || null,
      family_name: family || null,
      status: status as CaseFacts['status'],
      exploitation: [...new Set(exploitation)].sort(),
      consent_statistics: consent === 'yes',
    },
  };
}

export const ctx = (table: string, field: string, id: string) => `${table}.${field}.${id}`;

/** The encrypted columns of a case. */
export function sealCase(cipher: FieldCipher, id: string, f: { given_name?: string | null; family_name?: string | null; exploitation_detail?: string | null; perpetrator?: string | null }) {
  return {
    given_name_enc: cipher.encrypt(f.given_name, ctx('protection_cases', 'given_name', id)),
    family_name_enc: cipher.encrypt(f.family_name, ctx('protection_cases', 'family_name', id)),
    exploitation_detail_enc: cipher.encrypt(f.exploitation_detail, ctx('protection_cases', 'exploitation_detail', id)),
    perpetrator_enc: cipher.encrypt(f.perpetrator, ctx('protection_cases', 'perpetrator', id)),
    given_name_bidx: cipher.blindIndex('given_name', f.given_name),
    family_name_bidx: cipher.blindIndex('family_name', f.family_name),
  };
}

export interface NewCase extends CaseFacts {
  province: string;
  owner_agency_id: number;
  exploitation_detail?: string | null;
  perpetrator?: string | null;
  source: 'screening' | 'import';
  import_id?: number | null;
  case_worker_id?: string | null;
}

/**
 * Inserts cases (one statement per table for the batch) with their first status-history row and
 * consent version 1 (statistics use as given). Returns the ids inserted (new ids only).
 */
export async function insertCases(q: Queryable, cipher: FieldCipher, list: NewCase[], by: { userId: string | null; authority: string; legalBasis: string }): Promise<string[]> {
  if (!list.length) return [];
  const cols = {
    id: [] as string[], owner: [] as number[], prov: [] as string[], fmp: [] as (string | null)[], on: [] as string[], sex: [] as string[], age: [] as (number | null)[],
    nat: [] as (string | null)[], status: [] as string[], expl: [] as string[], consent: [] as boolean[], gn: [] as (string | null)[], fn: [] as (string | null)[],
    ed: [] as (string | null)[], pe: [] as (string | null)[], gb: [] as (string | null)[], fb: [] as (string | null)[], source: [] as string[], imp: [] as (number | null)[], worker: [] as (string | null)[],
  };
  for (const c of list) {
    const s = sealCase(cipher, c.id, c);
    cols.id.push(c.id); cols.owner.push(c.owner_agency_id); cols.prov.push(c.province); cols.fmp.push(c.fmp); cols.on.push(c.screened_on); cols.sex.push(c.sex);
    cols.age.push(c.age); cols.nat.push(c.nationality); cols.status.push(c.status); cols.expl.push(`{${c.exploitation.join(',')}}`); cols.consent.push(c.consent_statistics);
    cols.gn.push(s.given_name_enc); cols.fn.push(s.family_name_enc); cols.ed.push(s.exploitation_detail_enc); cols.pe.push(s.perpetrator_enc); cols.gb.push(s.given_name_bidx); cols.fb.push(s.family_name_bidx);
    cols.source.push(c.source); cols.imp.push(c.import_id ?? null); cols.worker.push(c.case_worker_id ?? null);
  }
  const inserted = await q.query<{ id: string }>(
    `INSERT INTO protection_cases (id, owner_agency_id, province_code, fmp_code, screened_on, sex, age, nationality, status, exploitation, consent_statistics,
        given_name_enc, family_name_enc, exploitation_detail_enc, perpetrator_enc, given_name_bidx, family_name_bidx, source, import_id, case_worker_id)
     SELECT id, owner, prov, fmp, scr, sex, age, nat, status, expl::text[], consent, gn, fn, ed, pe, gb, fb, src, imp, worker
     FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::date[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::boolean[],
                 $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::bigint[], $20::uuid[])
          AS t(id, owner, prov, fmp, scr, sex, age, nat, status, expl, consent, gn, fn, ed, pe, gb, fb, src, imp, worker)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [cols.id, cols.owner, cols.prov, cols.fmp, cols.on, cols.sex, cols.age, cols.nat, cols.status, cols.expl, cols.consent, cols.gn, cols.fn, cols.ed, cols.pe, cols.gb, cols.fb, cols.source, cols.imp, cols.worker],
  );
  const ids = inserted.rows.map((r) => r.id);
  if (ids.length) {
    await q.query(
      `INSERT INTO protection_status_history (case_id, status, deciding_authority, legal_basis, decided_on, recorded_by)
       SELECT id, status, $2, $3, screened_on, $4 FROM protection_cases WHERE id = ANY($1::uuid[])`,
      [ids, by.authority, by.legalBasis, by.userId],
    );
    await q.query(
      `INSERT INTO protection_consents (case_id, version, statistics, given_on, recorded_by)
       SELECT id, 1, consent_statistics, screened_on, $2 FROM protection_cases WHERE id = ANY($1::uuid[])`,
      [ids, by.userId],
    );
  }
  return ids;
}

export const CASE_COLUMNS = `c.id, c.owner_agency_id, c.province_code, c.fmp_code, to_char(c.screened_on, 'YYYY-MM-DD') AS screened_on, c.sex, c.age, c.nationality, c.status,
  c.exploitation, c.consent_statistics, c.given_name_enc, c.family_name_enc, c.exploitation_detail_enc, c.perpetrator_enc, c.case_worker_id,
  c.closed_at, c.closure_reason, c.legal_hold, c.anonymised_at, c.source, c.created_at, c.updated_at`;

/** The case as a user sees it: sensitive fields only for the groups they may read. */
export function caseView(cipher: FieldCipher, row: any, groups: ReadonlySet<FieldGroup>) {
  const out: Record<string, unknown> = {
    id: row.id,
    owner_agency_id: Number(row.owner_agency_id),
    province: row.province_code,
    fmp: row.fmp_code,
    screened_on: row.screened_on,
    sex: row.sex,
    age: row.age,
    age_band: ageBandOf(row.age),
    nationality: row.nationality,
    status: row.status,
    exploitation: row.exploitation,
    consent_statistics: row.consent_statistics,
    case_worker_id: row.case_worker_id,
    closed_at: row.closed_at,
    closure_reason: row.closure_reason,
    legal_hold: row.legal_hold,
    anonymised: row.anonymised_at != null,
  };
  const hidden: string[] = [];
  for (const [g, fields] of Object.entries(GROUP_FIELDS) as [FieldGroup, string[]][]) {
    for (const f of fields) {
      if (groups.has(g)) out[f] = cipher.decrypt(row[`${f}_enc`], ctx('protection_cases', f, row.id));
      else hidden.push(f);
    }
  }
  out.hidden_fields = hidden;
  return out;
}

/** The facts of a stored case as an import row would give them (for re-import comparison). */
export function storedFacts(cipher: FieldCipher, row: any, firstStatus: string): CaseFacts {
  return {
    id: row.id,
    screened_on: row.screened_on,
    fmp: row.fmp_code,
    sex: row.sex,
    age: row.age,
    nationality: row.nationality,
    given_name: cipher.decrypt(row.given_name_enc, ctx('protection_cases', 'given_name', row.id)),
    family_name: cipher.decrypt(row.family_name_enc, ctx('protection_cases', 'family_name', row.id)),
    status: firstStatus as CaseFacts['status'],
    exploitation: [...row.exploitation].sort(),
    consent_statistics: row.consent_statistics,
  };
}
