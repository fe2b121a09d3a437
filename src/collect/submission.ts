// An OpenRosa submission (the instance XML ODK Collect posts) made into a Marz record or
// interview by its canonical element names, then handed to the flows submission path — the same
// validation, scope, review status, history and audit as a record typed in the web app.
import { XMLParser } from 'fast-xml-parser';
import type { Database } from '../platform/db/database.ts';
import type { Actor } from '../platform/audit.ts';
import { AppError } from '../platform/http/errors.ts';
import type { Locale } from '../platform/i18n/messages.ts';
import { parseDate } from '../platform/calendar.ts';
import { submitRecords } from '../flows/records.ts';
import { submitInterview, interviewSchema, loadQuestions, type Interview } from '../flows/survey.ts';
import { FMR_FIELDS, FMR_COLUMN_BY_KEY, type Label } from '../flows/format.ts';
import type { RawRow, Problem } from '../flows/validate.ts';
import type { CollectSender } from './devices.ts';
import { FMR_FORM_ID, FMS_FORM_ID, FMS_LABELS, type FormId } from './xform.ts';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: true, processEntities: true, isArray: () => false });

export interface ParsedSubmission {
  formId: FormId;
  instanceId: string;
  values: Record<string, any>;
}

/** Reads the instance: its form id (the root's id attribute) and instanceID. Throws AppError 400 when it is not one of Marz's forms. */
export function parseSubmission(xml: string): ParsedSubmission {
  let doc: Record<string, any>;
  // XML 1.0 has no NUL or other C0 controls but tab and line breaks; the database takes no NUL.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml)) throw new AppError('collect_bad_xml', 400);
  try {
    doc = parser.parse(xml, true);
  } catch {
    throw new AppError('collect_bad_xml', 400);
  }
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?'));
  const root = rootName ? doc[rootName] : null;
  if (!root || typeof root !== 'object') throw new AppError('collect_bad_xml', 400);
  const formId = root['@id'];
  if (formId !== FMR_FORM_ID && formId !== FMS_FORM_ID) throw new AppError('collect_unknown_form', 400, { form: String(formId ?? '') });
  const instanceId = String(root.meta?.instanceID ?? '').replace(/^uuid:/i, '');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(instanceId)) throw new AppError('collect_no_instance_id', 400);
  return { formId, instanceId: instanceId.toLowerCase(), values: root };
}

const text = (v: unknown) => (v === undefined || v === null || typeof v === 'object' ? '' : String(v).trim());

/** The FMR row of a submission: canonical names as they are; a select_multiple's spaces become ';'; a time keeps HH:MM. */
export function fmrRow(p: ParsedSubmission): RawRow {
  const row: Record<string, string> = {};
  for (const k of FMR_FIELDS) if (k !== 'id') row[k] = text(p.values[k]);
  row.id = p.instanceId;
  row.reasons = row.reasons.split(/\s+/).filter(Boolean).join(';');
  const time = /^(\d{2}:\d{2})/.exec(row.time);
  row.time = time ? time[1] : row.time;
  return row;
}

/** The interview of a submission; answers by question code, typed by the question's kind. */
export async function fmsInterview(db: Database, p: ParsedSubmission): Promise<Interview> {
  const questions = await loadQuestions(db);
  const given = p.values.answers && typeof p.values.answers === 'object' ? p.values.answers : {};
  const answers: Record<string, string | number | string[]> = {};
  for (const q of questions) {
    const v = text(given[q.code]);
    if (!v) continue;
    answers[q.code] = q.kind === 'multi' ? v.split(/\s+/) : q.kind === 'number' ? Number(v) : v;
  }
  const parsed = interviewSchema.safeParse({
    id: p.instanceId,
    fmp: text(p.values.fmp),
    date: text(p.values.date),
    direction: text(p.values.direction),
    sex: text(p.values.sex),
    age: Number(text(p.values.age)),
    nationality: text(p.values.nationality),
    answers,
    enumerator: text(p.values.enumerator) || null,
  });
  if (!parsed.success) {
    // The fields to check, named as the form names them, in both languages.
    const byCode = new Map(questions.map((q) => [q.code, { en: q.text_en, fa: q.text_fa }]));
    const labels = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')))].map((k): Label => {
      if (k === 'answers') return byCode.get(String(parsed.error.issues.find((i) => i.path[0] === 'answers')?.path[1] ?? '')) ?? FMS_LABELS.answers;
      if (k in FMS_LABELS) return FMS_LABELS[k as keyof typeof FMS_LABELS];
      return FMR_COLUMN_BY_KEY.get(k as any)?.label ?? { en: k, fa: k };
    });
    throw new AppError('collect_invalid_interview', 400, { fields_en: labels.map((l) => l.en).join(', '), fields_fa: labels.map((l) => l.fa).join('، ') });
  }
  return parsed.data;
}

export type SubmissionResult = { status: 201; result: 'created' | 'duplicate' } | { status: 400 | 409; problems: Problem[] };

/** Stores a submission through the flows code. The same instance sent again is accepted once; changed content under the same instanceID is refused. */
export async function storeSubmission(db: Database, sender: CollectSender, actor: Actor, p: ParsedSubmission): Promise<SubmissionResult> {
  let result: 'created' | 'duplicate';
  if (p.formId === FMR_FORM_ID) {
    const [outcome] = await submitRecords(db, sender.principal, actor, [fmrRow(p)], 'api');
    if (outcome.result === 'invalid') return { status: outcome.problems.some((x) => (x.code as string) === 'id_conflict') ? 409 : 400, problems: outcome.problems };
    result = outcome.result;
  } else {
    const interview = await fmsInterview(db, p);
    result = await submitInterview(db, sender.principal, actor, interview);
    if (result === 'duplicate' && !(await sameInterview(db, interview))) return { status: 409, problems: [conflict(p.instanceId)] };
  }
  await db.query(
    `INSERT INTO collect_submissions (instance_id, form_id, user_id, device_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (form_id, instance_id) DO UPDATE SET last_at = now(), times = collect_submissions.times + 1`,
    [p.instanceId, p.formId, sender.principal.id, sender.deviceId],
  );
  return { status: 201, result };
}

async function sameInterview(db: Database, i: Interview): Promise<boolean> {
  const r = (
    await db.query(
      `SELECT fmp_code, to_char(interviewed_on, 'YYYY-MM-DD') AS date, direction, sex, age, nationality, answers FROM fms_interviews WHERE id = $1`,
      [i.id],
    )
  ).rows[0];
  if (!r) return false;
  const canon = (x: unknown) => JSON.stringify(x, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
  const d = parseDate(i.date);
  return r.fmp_code === i.fmp && d.ok && r.date === d.iso && r.direction === i.direction && r.sex === i.sex && Number(r.age) === i.age && r.nationality === i.nationality && canon(r.answers) === canon(i.answers);
}

function conflict(id: string): Problem {
  return { column: 'id', value: id, code: 'id_conflict' as any, message_en: 'This id is already used by a different record.', message_fa: 'این شناسه پیش‌تر برای رکورد دیگری به کار رفته است.' };
}

export function problemsText(problems: Problem[], locale: Locale): string {
  return problems.map((x) => (locale === 'fa' ? x.message_fa : x.message_en)).join(' ');
}
