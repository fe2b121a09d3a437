// Flow Monitoring Survey: configurable questions and interviews. The counter-trafficking
// proxy indicators are the questions of modules trafficking_self and trafficking_family,
// answered yes / no / refused; an interview's flags say whether any was answered and any was yes.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Database, Queryable } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';
import { can } from '../platform/auth/access.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { AppError } from '../platform/http/errors.ts';
import { bidi, faDate, faQuote } from './validate.ts';
import { todayIso, parseDate } from '../platform/calendar.ts';
import { COUNTRIES } from './format.ts';

const DEFAULTS = JSON.parse(readFileSync(new URL('./fms-questions.json', import.meta.url), 'utf8'));

export async function seedSurveyQuestions(q: Queryable) {
  for (const x of DEFAULTS.questions) {
    await q.query(
      `INSERT INTO fms_questions (code, module, kind, options, text_en, text_fa, required, position) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (code) DO NOTHING`,
      [x.code, x.module, x.kind, JSON.stringify(x.options), x.text_en, x.text_fa, x.required, x.position],
    );
  }
}

export interface Question {
  code: string;
  module: string;
  kind: string;
  options: { code: string; en: string; fa: string }[];
  text_en: string;
  text_fa: string;
  required: boolean;
  position: number;
  active: boolean;
}

export const questionSchema = z.object({
  code: z.string().regex(/^[a-z0-9_]+$/),
  module: z.enum(['profile', 'journey', 'intentions', 'needs', 'trafficking_self', 'trafficking_family']),
  kind: z.enum(['single', 'multi', 'number', 'text', 'yes_no_refused', 'country']),
  options: z.array(z.object({ code: z.string(), en: z.string(), fa: z.string() })).default([]),
  text_en: z.string().min(1),
  text_fa: z.string().min(1),
  required: z.boolean().default(false),
  position: z.number().int(),
  active: z.boolean().default(true),
});

export const interviewSchema = z.object({
  id: z.uuid(),
  fmp: z.string(),
  date: z.string(),
  direction: z.enum(['in', 'out']),
  sex: z.enum(['male', 'female', 'other']),
  age: z.number().int().min(18, 'the survey interviews adults (18 or older)').max(120),
  nationality: z.string().regex(/^[A-Z]{3}$/),
  answers: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).default({}),
  enumerator: z.string().max(100).nullable().optional(),
});
export type Interview = z.infer<typeof interviewSchema>;

export async function loadQuestions(q: Queryable, activeOnly = true): Promise<Question[]> {
  return (await q.query(`SELECT * FROM fms_questions ${activeOnly ? 'WHERE active' : ''} ORDER BY position, code`)).rows;
}

/** Checks answers against the configured questions; returns problems (empty when valid). */
export function checkAnswers(questions: Question[], answers: Interview['answers']): string[] {
  const problems: string[] = [];
  const byCode = new Map(questions.map((x) => [x.code, x]));
  for (const [code, value] of Object.entries(answers)) {
    const question = byCode.get(code);
    if (!question) {
      problems.push(`${code}: unknown question`);
      continue;
    }
    const options = new Set(question.options.map((o) => o.code));
    const bad = (why: string) => problems.push(`${code}: ${why}`);
    switch (question.kind) {
      case 'yes_no_refused':
        if (!['yes', 'no', 'refused'].includes(String(value))) bad('answer yes, no or refused');
        break;
      case 'single':
        if (!options.has(String(value))) bad(`"${value}" is not one of ${[...options].join(', ')}`);
        break;
      case 'multi':
        if (!Array.isArray(value) || value.some((v) => !options.has(v))) bad(`choose among ${[...options].join(', ')}`);
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) bad('a number is needed');
        break;
      case 'country':
        if (!COUNTRIES.has(String(value))) bad('an ISO 3166-1 alpha-3 country code is needed');
        break;
    }
  }
  for (const question of questions) if (question.required && answers[question.code] === undefined) problems.push(`${question.code}: required`);
  return problems;
}

export function traffickingFlags(questions: Question[], answers: Interview['answers']) {
  const flags = (module: string) => {
    const values = questions.filter((x) => x.module === module).map((x) => answers[x.code]).filter((v) => v === 'yes' || v === 'no');
    return { answered: values.length > 0, yes: values.includes('yes') };
  };
  return { self: flags('trafficking_self'), family: flags('trafficking_family') };
}

export async function submitInterview(db: Database, p: Principal, actor: Actor, input: Interview): Promise<'created' | 'duplicate'> {
  return db.tx(async (c) => {
    const fmp = (await c.query('SELECT code, province_code, closed_on FROM fmps WHERE code = $1', [input.fmp])).rows[0];
    if (!fmp) throw new AppError('unknown_fmp', 400, { code: input.fmp });
    if (!can(p, 'flows.submit', fmp.province_code)) throw new AppError('forbidden', 403);
    const d = parseDate(input.date);
    // Messages name dates in each language's calendar (ISO in English, Jalali in Persian) and
    // isolate codes inside Persian sentences.
    if (!d.ok) throw new AppError('interview_date_invalid', 400, { value: input.date, value_fa: bidi(input.date) }, { field: 'date', reason: d.reason });
    const today = todayIso();
    if (d.iso > today) throw new AppError('interview_date_future', 400, { date: d.iso, date_fa: faDate(d.iso), today, today_fa: faDate(today) }, { field: 'date' });
    if (fmp.closed_on && d.iso >= fmp.closed_on) throw new AppError('interview_fmp_closed', 400, { closed: fmp.closed_on, closed_fa: faDate(fmp.closed_on) }, { field: 'fmp' });
    const questions = await loadQuestions(c);
    const problems = checkAnswers(questions, input.answers);
    if (problems.length) {
      const codes = [...new Set(problems.map((x) => x.split(':')[0]!))];
      throw new AppError('interview_answers_invalid', 400, { details: problems.join('; '), questions: codes.join(', '), questions_fa: codes.map((q) => faQuote(q)).join('، ') }, problems);
    }
    const f = traffickingFlags(questions, input.answers);
    const r = await c.query(
      `INSERT INTO fms_interviews (id, fmp_code, province_code, interviewed_on, direction, sex, age, nationality, answers,
                                   ct_self_answered, ct_self_yes, ct_family_answered, ct_family_yes, enumerator, submitted_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [input.id, fmp.code, fmp.province_code, d.iso, input.direction, input.sex, input.age, input.nationality, JSON.stringify(input.answers), f.self.answered, f.self.yes, f.family.answered, f.family.yes, input.enumerator ?? p.username, p.id],
    );
    if (!r.rowCount) return 'duplicate';
    await audit(c, actor, 'flows.fms.submit', 'fms_interview', input.id, { fmp: fmp.code });
    return 'created';
  });
}
