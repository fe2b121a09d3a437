// The Flow Monitoring Survey (FMS) for enumerators (flows.submit), mobile-first, in three steps:
//  1. the interview point (FMP, day, direction), kept from one interview to the next;
//  2. consent: the person is 18 or older and agrees — or the refusal / "already interviewed"
//     is only counted (a tally per FMP and day), nothing else is recorded;
//  3. the interview: sex, age (18+), nationality, then the configured questions by module.
// Every interview goes to the offline queue first (surveyStore.ts) and is sent when there is a
// connection; its id is made once, so a resend is never counted twice.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { formatDate, formatDigits, formatNumber, sortByName, today } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { parseDecimal } from '../../../app/text.ts';
import { DateInput } from '../../../components/DateInput.tsx';
import { FormMessage, SelectField } from '../../../components/Field.tsx';
import { PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { MODULES, type Answer, type InterviewInput, type Question } from '../api.ts';
import { DIRECTIONS, countryLabel } from '../codes.ts';
import { CountField, CountrySelect, SurveyPendingBadge } from '../components.tsx';
import { useFmpList } from '../fmpList.ts';
import { SurveyQuestion, type AnswerDraft } from '../SurveyQuestion.tsx';
import { bumpTally, byPosition, fmsQueue, nonresponseQueue, useQuestions, useTally, type InterviewEntry } from '../surveyStore.ts';
import '../flows.css';

const LAST_POINT = 'marz.flows.fms.point';
const SEXES = ['male', 'female', 'other'] as const;

type Step = 'consent' | 'interview';
interface Point {
  fmp: string;
  direction: string;
}
interface Draft {
  id: string | null;
  sex: string;
  age: string;
  nationality: string;
  answers: Record<string, AnswerDraft>;
}
const EMPTY: Draft = { id: null, sex: '', age: '', nationality: '', answers: {} };

function savedPoint(): Point {
  try {
    const v = JSON.parse(localStorage.getItem(LAST_POINT) ?? 'null');
    if (v && typeof v.fmp === 'string') return { fmp: v.fmp, direction: typeof v.direction === 'string' ? v.direction : '' };
  } catch {
    /* storage disabled */
  }
  return { fmp: '', direction: '' };
}

/** The answers as the API takes them: numbers as numbers, blank answers left out. */
function answersOut(questions: Question[], drafts: Record<string, AnswerDraft>): Record<string, Answer> {
  const out: Record<string, Answer> = {};
  for (const q of questions) {
    const v = drafts[q.code];
    if (v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
    if (q.kind === 'number') out[q.code] = parseDecimal(String(v)) ?? NaN;
    else if (q.kind === 'multi') out[q.code] = Array.isArray(v) ? v : [v];
    else if (q.kind === 'text') out[q.code] = String(v).trim();
    else out[q.code] = Array.isArray(v) ? v[0]! : v;
  }
  return out;
}

export default function Survey() {
  const { t, locale } = useT();
  const { user } = useAuth();
  usePageTitle(t('flows.survey.title'));
  const fmps = useFmpList('flows.submit');
  const questions = useQuestions();
  const queue = fmsQueue.useQueue(user?.id);
  const tallyQueue = nonresponseQueue.useQueue(user?.id);
  const [point, setPoint] = useState<Point>(savedPoint);
  const [date, setDate] = useState<{ iso: string | null; valid: boolean }>({ iso: today(), valid: true });
  const [step, setStep] = useState<Step>('consent');
  const [adult, setAdult] = useState(false);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'success' | 'error' | 'info'; text: string } | null>(null);
  const [sendingNow, setSendingNow] = useState(false);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const tally = useTally(user?.id, point.fmp, date.valid ? date.iso : null);

  const active = sortByName(fmps.filter((f) => f.active), locale);
  const fmpName = (code: string) => nameOf(fmps.find((f) => f.code === code), locale) || code;
  const shown = useMemo(() => (questions.data ?? []).filter((q) => q.active).sort(byPosition), [questions.data]);

  // Move focus to the step's heading when the step changes (keyboard and screen-reader users).
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    stepHeading.current?.focus();
  }, [step]);

  const rememberPoint = (p: Point) => {
    try {
      localStorage.setItem(LAST_POINT, JSON.stringify(p));
    } catch {
      /* ignore */
    }
  };

  const checkPoint = (): Record<string, string> => {
    const e: Record<string, string> = {};
    if (!point.fmp) e.fmp = t('flows.errors.fmp');
    else if (!active.some((f) => f.code === point.fmp)) e.fmp = t('flows.errors.fmpClosed');
    if (!date.valid) e.date = t('date.errors.invalid');
    else if (!date.iso) e.date = t('form.required');
    else if (date.iso > today()) e.date = t('flows.errors.dateFuture', { today: formatDate(today(), locale) });
    if (!point.direction) e.direction = t('flows.errors.direction');
    return e;
  };

  const send = async () => {
    if (!user) return;
    setSendingNow(true);
    try {
      const [r] = await Promise.all([fmsQueue.flush(user.id), nonresponseQueue.flush(user.id)]);
      // Offline it is no news; online, the reason it did not go is shown (a server error, an expired sign-in…).
      if (r.error) setMessage({ kind: 'info', text: navigator.onLine ? t('collect.queue.notSent', { error: r.error }) : t('flows.survey.savedOffline') });
      else if (r.invalid) setMessage({ kind: 'error', text: t('flows.survey.someInvalid', { count: r.invalid }) });
      else if (r.sent) setMessage({ kind: 'success', text: t('flows.survey.sent', { count: r.sent }) });
    } finally {
      setSendingNow(false);
    }
  };

  const count = (kind: 'refused' | 'already_interviewed', delta: 1 | -1) => {
    if (!user) return;
    const e = checkPoint();
    setErrors(e);
    if (Object.keys(e).length) {
      setMessage({ kind: 'error', text: t('flows.survey.pointFirst') });
      return;
    }
    try {
      bumpTally(user.id, point.fmp, date.iso!, kind, delta);
    } catch {
      setMessage({ kind: 'error', text: t('flows.entry.storageFailed') });
      return;
    }
    rememberPoint(point);
    setAdult(false);
    setMessage({ kind: 'info', text: delta > 0 ? t(kind === 'refused' ? 'flows.survey.refusalCounted' : 'flows.survey.alreadyCounted') : t('flows.survey.countUndone') });
    // Sent quietly (the badge shows what waits); the message stays about the count.
    void nonresponseQueue.flush(user.id);
  };

  const start = () => {
    const e = checkPoint();
    if (!adult) e.adult = t('flows.survey.errors.adult');
    setErrors(e);
    if (Object.keys(e).length) {
      setMessage({ kind: 'error', text: t('form.fixErrors') });
      return;
    }
    rememberPoint(point);
    setDraft(EMPTY);
    setMessage(null);
    setStep('interview');
  };

  const validate = (): Record<string, string> => {
    const e = checkPoint();
    if (!draft.sex) e.sex = t('flows.survey.errors.sex');
    const age = parseDecimal(draft.age);
    if (!draft.age.trim()) e.age = t('flows.survey.errors.age');
    else if (age === null || !Number.isInteger(age) || age > 120) e.age = t('flows.survey.errors.age');
    else if (age < 18) e.age = t('flows.survey.errors.minor');
    if (!draft.nationality) e.nationality = t('flows.errors.nationality');
    for (const q of shown) {
      const v = draft.answers[q.code];
      const blank = v === undefined || v === '' || (Array.isArray(v) && !v.length);
      if (q.required && blank) e[`q.${q.code}`] = t('flows.survey.errors.required');
      if (!blank && q.kind === 'number' && parseDecimal(String(v)) === null) e[`q.${q.code}`] = t('flows.survey.errors.number');
      if (!blank && q.kind === 'text' && String(v).length > 2000) e[`q.${q.code}`] = t('flows.survey.errors.textLong');
    }
    return e;
  };

  const save = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!user) return;
    const e = validate();
    setErrors(e);
    if (Object.keys(e).length) {
      setMessage({ kind: 'error', text: t('form.fixErrors') });
      // Take the keyboard to the first problem.
      window.setTimeout(() => (document.querySelector('.flows-survey .field-invalid input, .flows-survey .field-invalid select, .flows-survey [aria-invalid="true"]') as HTMLElement | null)?.focus(), 0);
      return;
    }
    const id = draft.id ?? crypto.randomUUID();
    const interview: InterviewInput = {
      id,
      fmp: point.fmp,
      date: date.iso!,
      direction: point.direction as 'in' | 'out',
      sex: draft.sex as InterviewInput['sex'],
      age: parseDecimal(draft.age)!,
      nationality: draft.nationality,
      answers: answersOut(shown, draft.answers),
    };
    try {
      fmsQueue.enqueue(id, interview, user.id);
    } catch {
      setMessage({ kind: 'error', text: t('flows.entry.storageFailed') });
      return;
    }
    setDraft(EMPTY);
    setAdult(false);
    setErrors({});
    setStep('consent');
    setMessage({ kind: 'success', text: t('flows.survey.saved') });
    await send();
  };

  const cancel = () => {
    if (!window.confirm(t('flows.survey.cancelConfirm'))) return;
    setDraft(EMPTY);
    setAdult(false);
    setErrors({});
    setStep('consent');
    setMessage(null);
  };

  const edit = (entry: InterviewEntry) => {
    const r = entry.record;
    const answers: Record<string, AnswerDraft> = {};
    for (const [k, v] of Object.entries(r.answers)) answers[k] = typeof v === 'number' ? formatNumber(v, locale, { useGrouping: false, maximumFractionDigits: 6 }) : v;
    setPoint({ fmp: r.fmp, direction: r.direction });
    setDate({ iso: r.date, valid: true });
    setDraft({ id: r.id, sex: r.sex, age: formatDigits(r.age, locale), nationality: r.nationality, answers });
    setAdult(true);
    setStep('interview');
    setMessage({ kind: 'info', text: t('flows.entry.editing') });
    window.scrollTo(0, 0);
  };

  const setAnswer = (code: string) => (v: AnswerDraft | undefined) =>
    setDraft((d) => {
      const answers = { ...d.answers };
      if (v === undefined) delete answers[code];
      else answers[code] = v;
      return { ...d, answers };
    });

  const radios = (name: string, values: readonly string[], value: string, onChange: (v: string) => void, label: string, labelOf: (v: string) => string, disabled = false) => (
    <fieldset className={errors[name] ? 'field-invalid' : undefined} aria-describedby={errors[name] ? `fms-${name}-error` : undefined} disabled={disabled}>
      <legend>
        {label}
        <span className="required" aria-hidden="true">
          {' '}*
        </span>
      </legend>
      <div className="flows-choices">
        {values.map((x) => (
          <label key={x}>
            <input type="radio" name={`fms-${name}`} value={x} checked={value === x} onChange={() => onChange(x)} data-testid={`fms-${name}-${x}`} />
            {labelOf(x)}
          </label>
        ))}
      </div>
      {errors[name] && (
        <p className="field-error" id={`fms-${name}-error`}>
          {errors[name]}
        </p>
      )}
    </fieldset>
  );

  const waiting = queue.filter((e) => !e.problems);
  const invalid = queue.filter((e) => e.problems);
  const badTallies = tallyQueue.filter((e) => e.problems);

  return (
    <section className="page flows-entry flows-survey">
      <PageHeader title={t('flows.survey.title')} subtitle={t('flows.survey.subtitle')} actions={<SurveyPendingBadge />} />
      {typeof navigator !== 'undefined' && !navigator.onLine && (
        <p className="muted" role="status" data-testid="offline-banner">
          {t('collect.queue.offline')}
        </p>
      )}
      <p className="small">
        <Link to="/flows/collect">{t('collect.link')}</Link>
      </p>
      {message && step === 'interview' && <FormMessage kind={message.kind}>{message.text}</FormMessage>}

      <fieldset className="flows-point">
        <legend>{t('flows.survey.point')}</legend>
        <SelectField
          label={t('flows.fields.fmp')}
          value={point.fmp}
          onChange={(v) => setPoint((p) => ({ ...p, fmp: v }))}
          required
          error={errors.fmp}
          placeholder={t('form.choosePlaceholder')}
          options={active.map((f) => ({ value: f.code, label: nameOf(f, locale) }))}
          data-testid="fms-fmp"
        />
        <DateInput id="fms-date" label={t('flows.survey.date')} value={date.iso} onChange={(iso, valid) => setDate({ iso, valid })} required error={errors.date} />
        {radios('direction', DIRECTIONS, point.direction, (v) => setPoint((p) => ({ ...p, direction: v })), t('flows.fields.direction'), (v) => t(`flows.values.direction.${v}`))}
      </fieldset>

      <ol className="flows-steps" aria-label={t('flows.survey.steps')}>
        <li aria-current={step === 'consent' ? 'step' : undefined}>{t('flows.survey.stepConsent')}</li>
        <li aria-current={step === 'interview' ? 'step' : undefined}>{t('flows.survey.stepInterview')}</li>
      </ol>

      {step === 'consent' && (
        <section className="flows-consent" aria-labelledby="fms-step-title" data-testid="fms-consent">
          <h2 id="fms-step-title" ref={stepHeading} tabIndex={-1}>
            {t('flows.survey.consentTitle')}
          </h2>
          <p>{t('flows.survey.consentScript')}</p>
          <div className={`check${errors.adult ? ' field-invalid' : ''}`}>
            <input id="fms-adult" type="checkbox" checked={adult} onChange={(e) => setAdult(e.target.checked)} aria-invalid={errors.adult ? true : undefined} aria-describedby={errors.adult ? 'fms-adult-error' : 'fms-adult-hint'} data-testid="fms-adult" />
            <label htmlFor="fms-adult">
              {t('flows.survey.adult')}
              <span className="field-hint" id="fms-adult-hint">
                {t('flows.survey.adultHint')}
              </span>
            </label>
          </div>
          {errors.adult && (
            <p className="field-error" id="fms-adult-error">
              {errors.adult}
            </p>
          )}
          <div className="flows-consent-actions">
            <button type="button" className="btn btn-primary" onClick={start} data-testid="fms-consent-yes">
              {t('flows.survey.consentYes')}
            </button>
            <button type="button" className="btn" onClick={() => count('refused', 1)} data-testid="fms-refused">
              {t('flows.survey.refused')}
            </button>
            <button type="button" className="btn" onClick={() => count('already_interviewed', 1)} data-testid="fms-already">
              {t('flows.survey.already')}
            </button>
          </div>
          {/* Next to the buttons, where the eyes are on a phone. */}
          {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
          {point.fmp && date.valid && date.iso && (
            <div className="flows-tally" data-testid="fms-tally" data-refused={tally.refused} data-already={tally.already_interviewed}>
              <p>
                {t('flows.survey.tally', {
                  fmp: fmpName(point.fmp),
                  date: formatDate(date.iso, locale),
                  refused: formatNumber(tally.refused, locale),
                  already: formatNumber(tally.already_interviewed, locale),
                })}
              </p>
              <div className="row-actions">
                <button type="button" className="btn btn-small btn-ghost" disabled={tally.refused === 0} onClick={() => count('refused', -1)}>
                  {t('flows.survey.undoRefused')}
                </button>
                <button type="button" className="btn btn-small btn-ghost" disabled={tally.already_interviewed === 0} onClick={() => count('already_interviewed', -1)}>
                  {t('flows.survey.undoAlready')}
                </button>
              </div>
              <p className="field-hint">{t('flows.survey.tallyHint')}</p>
            </div>
          )}
        </section>
      )}

      {step === 'interview' && (
        <form onSubmit={save} noValidate className="form" data-testid="fms-form" aria-labelledby="fms-step-title">
          <h2 id="fms-step-title" ref={stepHeading} tabIndex={-1}>
            {draft.id ? t('flows.survey.correctTitle', { id: draft.id.slice(0, 8) }) : t('flows.survey.interviewTitle')}
          </h2>
          <QueryView query={questions}>
            {() => (
              <>
                {questions.fromCache && <FormMessage kind="info">{t('flows.survey.questionsCached')}</FormMessage>}
                <fieldset>
                  <legend>{t('flows.survey.modules.respondent')}</legend>
                  {radios('sex', SEXES, draft.sex, (v) => setDraft((d) => ({ ...d, sex: v })), t('flows.survey.sex'), (v) => t(`flows.survey.sexes.${v}`))}
                  <div className="form-row">
                    <CountField label={t('flows.survey.age')} required value={draft.age} onChange={(v) => setDraft((d) => ({ ...d, age: v }))} error={errors.age} id="fms-age" testId="fms-age" />
                    <CountrySelect label={t('flows.fields.nationality')} value={draft.nationality} onChange={(v) => setDraft((d) => ({ ...d, nationality: v }))} required error={errors.nationality} placeholder={t('form.choosePlaceholder')} withExtra testId="fms-nationality" />
                  </div>
                </fieldset>
                {MODULES.map((m) => {
                  const qs = shown.filter((q) => q.module === m);
                  if (!qs.length) return null;
                  return (
                    <fieldset key={m} className={`flows-module flows-module-${m}`}>
                      <legend>{t(`flows.survey.modules.${m}`)}</legend>
                      {(m === 'trafficking_self' || m === 'trafficking_family') && <p className="field-hint">{t(`flows.survey.moduleNotes.${m}`)}</p>}
                      {qs.map((q) => (
                        <SurveyQuestion key={q.code} q={q} value={draft.answers[q.code]} onChange={setAnswer(q.code)} error={errors[`q.${q.code}`]} />
                      ))}
                    </fieldset>
                  );
                })}
              </>
            )}
          </QueryView>
          <div className="flows-sticky">
            <button type="submit" className="btn btn-primary" data-testid="fms-save" disabled={!questions.data}>
              {t('flows.survey.save')}
            </button>
            <button type="button" className="btn" onClick={cancel}>
              {t('flows.survey.cancel')}
            </button>
            <SurveyPendingBadge />
          </div>
        </form>
      )}

      {(queue.length > 0 || badTallies.length > 0) && (
        <section aria-labelledby="fms-queue-title">
          <h2 id="fms-queue-title">{t('flows.survey.queueTitle')}</h2>
          <p className="muted">{t('flows.queue.explain')}</p>
          <button type="button" className="btn" onClick={() => void send()} disabled={sendingNow || waiting.length === 0}>
            {sendingNow ? t('flows.queue.sending') : t('flows.queue.sendNow')}
          </button>
          <ul className="flows-queue-list">
            {[...invalid, ...waiting].map((e) => (
              <li key={e.id} data-testid="fms-queued">
                <strong>{fmpName(e.record.fmp)}</strong> · {formatDate(e.record.date, locale)} · {t(`flows.survey.sexes.${e.record.sex}`)}, {formatNumber(e.record.age, locale)} · {countryLabel(e.record.nationality, locale)}
                {e.problems ? (
                  <>
                    <p className="field-error" data-testid="fms-refused">
                      {t('collect.queue.refusedOne')}
                    </p>
                    <ul className="flows-problems">
                      {e.problems.map((p, i) => (
                        <li key={i}>{locale === 'fa' ? p.message_fa : p.message_en}</li>
                      ))}
                    </ul>
                    <div className="row-actions">
                      <button type="button" className="btn btn-small" onClick={() => edit(e)}>
                        {t('flows.queue.correct')}
                      </button>
                      <button type="button" className="btn btn-small btn-danger" onClick={() => window.confirm(t('flows.survey.discardConfirm')) && fmsQueue.discard(e.id)}>
                        {t('flows.queue.discard')}
                      </button>
                    </div>
                  </>
                ) : (
                  <p className="muted small">
                    {t('collect.queue.waitingOne')}
                    {e.lastError && <> · {e.lastError}</>}
                  </p>
                )}
              </li>
            ))}
            {badTallies.map((e) => (
              <li key={e.id}>
                <strong>{fmpName(e.record.fmp)}</strong> · {formatDate(e.record.date, locale)} · {t('flows.survey.tallyShort', { refused: formatNumber(e.record.refused, locale), already: formatNumber(e.record.already_interviewed, locale) })}
                <ul className="flows-problems">
                  {e.problems!.map((p, i) => (
                    <li key={i}>{locale === 'fa' ? p.message_fa : p.message_en}</li>
                  ))}
                </ul>
                <button type="button" className="btn btn-small btn-danger" onClick={() => window.confirm(t('flows.survey.discardTallyConfirm')) && nonresponseQueue.discard(e.id)}>
                  {t('flows.queue.discard')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p className="muted small">
        <Link to="/flows/entry">{t('flows.survey.toFmr')}</Link>
      </p>
    </section>
  );
}
