// Importing an attendance sheet (CSV or XLSX) into a training, the flows way: every row is
// checked, the file is written in one transaction that commits only when no row has a problem,
// and problems are reported as {row, column, value, code, message_en, message_fa}. A person
// already on the training (same normalised name and agency) is counted as present, not added.
import { basename } from 'node:path';
import type { Database } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { normalisePersian } from '../platform/text.ts';
import { readCsv, readXlsx, ReadError } from '../flows/read.ts';
import type { ImportProblem } from '../flows/import.ts';
import { nameKey, isPersian, findTraining, participantTarget } from './trainings.ts';
import { covers } from '../platform/auth/scope.ts';

export const PARTICIPANT_COLUMNS_REQUIRED = ['name', 'sex', 'agency', 'province', 'position', 'pre_score', 'post_score', 'sessions_attended'] as const;

export interface ParticipantImportReport {
  file: string;
  training: string;
  training_created: boolean;
  dry_run: boolean;
  ok: boolean;
  rows: number;
  added: number;
  present: number;
  problem_count: number;
  problems: ImportProblem[];
  import_id: number | null;
}

export interface ParticipantImportOptions {
  path: string;
  fileName?: string;
  training: string;
  title?: string | null;
  dryRun?: boolean;
  actor: Actor;
  principal: Principal | null;
}

const SEX: Record<string, 'male' | 'female'> = { male: 'male', m: 'male', female: 'female', f: 'female', مرد: 'male', زن: 'female' };

const P = {
  missing_columns: (cols: string[]) => ({ en: `The file has no column ${cols.join(', ')}.`, fa: `ستون ${cols.join('، ')} در پرونده نیست.` }),
  required: { en: 'This value is required.', fa: 'این مقدار لازم است.' },
  sex: { en: 'Sex must be male or female.', fa: 'جنس باید male (مرد) یا female (زن) باشد.' },
  agency: { en: 'No agency has this code or name.', fa: 'هیچ دستگاهی با این کد یا نام نیست.' },
  province: { en: 'Not a province code (ISO 3166-2:IR, such as IR-09).', fa: 'کد استان درست نیست (مانند IR-09).' },
  score: { en: 'A score is a number from 0 to 100, or empty.', fa: 'نمره عددی از صفر تا صد است، یا خالی.' },
  sessions: { en: 'Sessions attended is a whole number from 0, or empty.', fa: 'شمار جلسه‌های حاضر عددی درست و نامنفی است، یا خالی.' },
  duplicate: { en: 'This person (same name and agency) appears more than once in the file.', fa: 'این فرد (همان نام و دستگاه) بیش از یک بار در پرونده آمده است.' },
  scope: { en: 'You may not add participants of this province or agency.', fa: 'شما اجازهٔ افزودن شرکت‌کننده از این استان یا دستگاه را ندارید.' },
  empty: { en: 'The file has no rows.', fa: 'پرونده هیچ ردیفی ندارد.' },
  too_long: { en: 'This value is too long.', fa: 'این مقدار بیش از اندازه بلند است.' },
};

const agencyKey = (s: string) => normalisePersian(s).replace(/\u200C/g, ' ').toLocaleLowerCase('en');

export async function importParticipants(db: Database, o: ParticipantImportOptions): Promise<ParticipantImportReport> {
  const file = o.fileName ?? basename(o.path);
  const report: ParticipantImportReport = { file, training: o.training, training_created: false, dry_run: !!o.dryRun, ok: false, rows: 0, added: 0, present: 0, problem_count: 0, problems: [], import_id: null };
  const problem = (row: number | null, column: string | null, value: string | null, code: string, m: { en: string; fa: string }) => {
    report.problem_count++;
    if (report.problems.length < 1000) report.problems.push({ file, row, column, value, code, message_en: m.en, message_fa: m.fa });
  };

  // Reference data.
  const agencies = new Map<string, number>();
  for (const a of (await db.query('SELECT id, code, name_en, name_fa FROM agencies')).rows) {
    for (const k of [a.code, a.name_en, a.name_fa]) agencies.set(agencyKey(k), Number(a.id));
  }
  const provinces = new Set((await db.query('SELECT code FROM provinces')).rows.map((r: any) => r.code as string));

  type Row = { row: number; name: string; key: string; sex: 'male' | 'female'; agencyId: number; province: string; position: string; pre: number | null; post: number | null; sessions: number | null };
  const rows: Row[] = [];
  const seen = new Set<string>();
  let header = null as string[] | null;
  try {
    const reader = /\.xlsx$/i.test(o.path) ? readXlsx(o.path, { onHeader: (h) => (header = h.columns) }) : readCsv(o.path, { onHeader: (h) => (header = h.columns) });
    let checked = false;
    for await (const src of reader) {
      if (!checked) {
        checked = true;
        const cols = (header ?? []).map((c) => c.toLowerCase());
        const missing = PARTICIPANT_COLUMNS_REQUIRED.filter((c) => !cols.includes(c));
        if (missing.length) {
          problem(1, missing.join(', '), null, 'missing_columns', P.missing_columns(missing));
          break;
        }
      }
      report.rows++;
      const v: Record<string, string> = {};
      for (const [k, val] of Object.entries(src.values)) v[k.toLowerCase()] = normalisePersian(String(val ?? ''), { asciiDigits: true });
      const r = src.rowNumber;
      let bad = false;
      const fail = (col: string, code: string, m: { en: string; fa: string }) => {
        problem(r, col, v[col] ?? '', code, m);
        bad = true;
      };
      const name = v.name ?? '';
      if (!name) fail('name', 'required', P.required);
      else if (name.length > 200) fail('name', 'too_long', P.too_long);
      const sex = SEX[(v.sex ?? '').toLowerCase()];
      if (!sex) fail('sex', 'invalid_sex', P.sex);
      const agencyId = v.agency ? agencies.get(agencyKey(v.agency)) : undefined;
      if (!v.agency) fail('agency', 'required', P.required);
      else if (agencyId === undefined) fail('agency', 'unknown_agency', P.agency);
      const province = (v.province ?? '').toUpperCase();
      if (!province) fail('province', 'required', P.required);
      else if (!provinces.has(province)) fail('province', 'unknown_province', P.province);
      const score = (col: string) => {
        const s = v[col] ?? '';
        if (s === '') return null;
        const n = Number(s.replace(/%$/, ''));
        if (!Number.isFinite(n) || n < 0 || n > 100) return fail(col, 'invalid_score', P.score), null;
        return n;
      };
      const pre = score('pre_score');
      const post = score('post_score');
      let sessions: number | null = null;
      if ((v.sessions_attended ?? '') !== '') {
        sessions = Number(v.sessions_attended);
        if (!Number.isInteger(sessions) || sessions < 0) fail('sessions_attended', 'invalid_sessions', P.sessions);
      }
      const position = v.position ?? '';
      if (position.length > 200) fail('position', 'too_long', P.too_long);
      if (bad) continue;
      // Each row is a participant: the same rule as the routes' declarations (the command line: everything).
      if (o.principal && !covers(o.principal, 'capacity.manage', participantTarget({ province_code: province, agency_id: agencyId }))) {
        problem(r, 'province', province, 'out_of_scope', P.scope);
        continue;
      }
      const key = nameKey(name);
      if (seen.has(`${key}|${agencyId}`)) {
        problem(r, 'name', name, 'duplicate_in_file', P.duplicate);
        continue;
      }
      seen.add(`${key}|${agencyId}`);
      rows.push({ row: r, name, key, sex: sex!, agencyId: agencyId!, province, position, pre, post, sessions });
    }
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    problem(e.rowNumber ?? null, null, e.offset != null ? `byte ${e.offset}` : null, e.code, { en: e.message, fa: e.code === 'encoding' ? 'پرونده با UTF-8 رمزگذاری نشده است. آن را با رمزگذاری UTF-8 ذخیره کنید.' : e.code === 'empty' ? 'پرونده خالی است.' : 'پرونده خوانده نشد.' });
  }
  if (report.rows === 0 && report.problem_count === 0) problem(null, null, null, 'empty', P.empty);
  report.ok = report.problem_count === 0;
  if (!report.ok) return report;

  await db
    .tx(async (c) => {
      let t = await findTraining(c, o.training);
      if (!t) {
        const title = o.title ? normalisePersian(o.title) : o.training;
        await c.query('INSERT INTO trainings (code, title_en, title_fa, created_by) VALUES ($1,$2,$3,$4)', [o.training, isPersian(title) ? '' : title, isPersian(title) ? title : '', o.principal?.id ?? null]);
        await audit(c, o.actor, 'capacity.training.create', 'training', o.training, { from_import: file });
        t = await findTraining(c, o.training);
        report.training_created = true;
      }
      const importId = Number((await c.query('INSERT INTO training_imports (training_id, file_name, created_by) VALUES ($1,$2,$3) RETURNING id', [t.id, file, o.principal?.id ?? null])).rows[0].id);
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        const ins = await c.query(
          `INSERT INTO training_participants (training_id, name, name_key, sex, agency_id, province_code, position, pre_score, post_score, sessions_attended, import_id)
           SELECT $1::bigint, u.*, $11::bigint FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::numeric[], $9::numeric[], $10::int[]) AS u
           ON CONFLICT (training_id, name_key, agency_id) DO NOTHING RETURNING id`,
          [t.id, chunk.map((x) => x.name), chunk.map((x) => x.key), chunk.map((x) => x.sex), chunk.map((x) => x.agencyId), chunk.map((x) => x.province), chunk.map((x) => x.position), chunk.map((x) => x.pre), chunk.map((x) => x.post), chunk.map((x) => x.sessions), importId],
        );
        report.added += ins.rowCount ?? 0;
        report.present += chunk.length - (ins.rowCount ?? 0);
      }
      await c.query('UPDATE training_imports SET rows_read = $2, rows_added = $3, rows_present = $4 WHERE id = $1', [importId, report.rows, report.added, report.present]);
      await audit(c, o.actor, 'capacity.participants.import', 'training', o.training, { file, import_id: importId, rows: report.rows, added: report.added, present: report.present });
      report.import_id = importId;
      if (o.dryRun) throw new DryRun();
    })
    .catch((e) => {
      if (!(e instanceof DryRun)) throw e;
      report.import_id = null;
    });
  return report;
}

class DryRun extends Error {}
