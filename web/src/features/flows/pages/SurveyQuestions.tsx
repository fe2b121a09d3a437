// The survey's questions (configuration, flows.manage): add, change, reorder, hide. Questions
// are kept as data so that administrators can follow IOM's current form without a new release.
// A question is never deleted (past answers refer to it by code): it is hidden from the form.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { api, ApiError } from '../../../app/api.ts';
import { formatDigits, formatNumber } from '../../../app/format.ts';
import { Checkbox, FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { Badge, Dialog, PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { KINDS, MODULES, flowsKeys, type Question } from '../api.ts';
import { byPosition, useQuestions } from '../surveyStore.ts';
import { optionText, questionText } from '../SurveyQuestion.tsx';
import { CountField, parseCount } from '../components.tsx';
import '../flows.css';

const put = (q: Question) => api<Question>(`/api/v1/flows/fms/questions/${encodeURIComponent(q.code)}`, { method: 'PUT', body: q });

export default function SurveyQuestions() {
  const { t, locale } = useT();
  usePageTitle(t('flows.questions.title'));
  const qc = useQueryClient();
  const questions = useQuestions();
  const [editing, setEditing] = useState<Question | 'new' | null>(null);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = () => qc.invalidateQueries({ queryKey: flowsKeys.questions });

  /** Swaps a question with its neighbour in the whole ordered list. */
  const move = async (all: Question[], i: number, delta: -1 | 1) => {
    const a = all[i]!;
    const b = all[i + delta];
    if (!b) return;
    setBusy(true);
    setMessage(null);
    try {
      // Equal positions (possible after edits) are made distinct first.
      const pa = a.position === b.position ? b.position + delta : b.position;
      await put({ ...a, position: pa });
      await put({ ...b, position: a.position });
      await refresh();
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : t('common.unexpectedError') });
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (q: Question) => {
    setBusy(true);
    setMessage(null);
    try {
      await put({ ...q, active: !q.active });
      await refresh();
      setMessage({ kind: 'success', text: t(q.active ? 'flows.questions.hidden' : 'flows.questions.shown', { code: q.code }) });
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : t('common.unexpectedError') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="page flows-questions">
      <PageHeader
        title={t('flows.questions.title')}
        subtitle={t('flows.questions.subtitle')}
        actions={
          <>
            <Link className="btn" to="/flows/survey">
              {t('flows.questions.toForm')}
            </Link>
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="question-add">
              {t('flows.questions.add')}
            </button>
          </>
        }
      />
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      <p className="muted small">{t('flows.questions.indicatorsNote')}</p>
      <QueryView query={questions} empty={t('flows.questions.none')}>
        {(data) => {
          const all = [...data].sort(byPosition);
          return MODULES.map((m) => {
            const list = all.filter((q) => q.module === m);
            if (!list.length) return null;
            return (
              <section key={m} aria-labelledby={`module-${m}`}>
                <h2 id={`module-${m}`}>{t(`flows.survey.modules.${m}`)}</h2>
                <ol className="flows-queue-list flows-question-list">
                  {list.map((q) => {
                    const i = all.indexOf(q);
                    return (
                      <li key={q.code} data-testid="question-row" data-code={q.code} className={q.active ? undefined : 'flows-inactive'}>
                        <div className="flows-question-head">
                          <span className="muted small num">{formatNumber(q.position, locale)}</span> <strong>{questionText(q, locale)}</strong>
                        </div>
                        <div className="small">
                          <code dir="ltr">{q.code}</code> · {t(`flows.questions.kinds.${q.kind}`)}
                          {q.required && <> · {t('flows.questions.required')}</>} {!q.active && <Badge tone="neutral">{t('flows.questions.inactive')}</Badge>}
                        </div>
                        {q.options.length > 0 && <div className="small muted">{q.options.map((o) => optionText(o, locale)).join(locale === 'fa' ? '، ' : ', ')}</div>}
                        <div className="row-actions">
                          <button type="button" className="btn btn-small" onClick={() => setEditing(q)} aria-label={t('flows.questions.editNamed', { code: q.code })}>
                            {t('flows.questions.edit')}
                          </button>
                          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void toggle(q)}>
                            {q.active ? t('flows.questions.hide') : t('flows.questions.show')}
                          </button>
                          <button type="button" className="btn btn-small btn-ghost" disabled={busy || i === 0} onClick={() => void move(all, i, -1)} aria-label={t('flows.questions.moveUp', { code: q.code })}>
                            ↑
                          </button>
                          <button type="button" className="btn btn-small btn-ghost" disabled={busy || i === all.length - 1} onClick={() => void move(all, i, 1)} aria-label={t('flows.questions.moveDown', { code: q.code })}>
                            ↓
                          </button>
                        </div>
                      </li>
                    );
                  })}
                </ol>
              </section>
            );
          });
        }}
      </QueryView>
      <Dialog open={editing !== null} onClose={() => setEditing(null)} title={editing === 'new' ? t('flows.questions.addTitle') : t('flows.questions.editTitle', { code: editing?.code ?? '' })} wide>
        {editing !== null && (
          <QuestionForm
            question={editing === 'new' ? null : editing}
            existing={questions.data ?? []}
            onSaved={async (q) => {
              await refresh();
              setEditing(null);
              setMessage({ kind: 'success', text: t('flows.questions.saved', { code: q.code }) });
            }}
          />
        )}
      </Dialog>
    </section>
  );
}

type OptionDraft = { code: string; en: string; fa: string };

function QuestionForm({ question, existing, onSaved }: { question: Question | null; existing: Question[]; onSaved: (q: Question) => void | Promise<void> }) {
  const { t, locale } = useT();
  const nextPosition = Math.max(0, ...existing.map((q) => q.position)) + 1;
  const [v, setV] = useState<Question>(
    () => question ?? { code: '', module: 'profile', kind: 'single', options: [{ code: '', en: '', fa: '' }], text_en: '', text_fa: '', required: false, position: nextPosition, active: true },
  );
  const [position, setPosition] = useState(formatDigits(v.position, locale));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Question>(k: K) => (x: Question[K]) => setV((s) => ({ ...s, [k]: x }));
  const withOptions = v.kind === 'single' || v.kind === 'multi';
  const setOption = (i: number, k: keyof OptionDraft) => (x: string) => setV((s) => ({ ...s, options: s.options.map((o, j) => (j === i ? { ...o, [k]: x } : o)) }));
  const moveOption = (i: number, d: -1 | 1) =>
    setV((s) => {
      const o = [...s.options];
      const j = i + d;
      if (j < 0 || j >= o.length) return s;
      [o[i], o[j]] = [o[j]!, o[i]!];
      return { ...s, options: o };
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const code = v.code.trim();
    if (!/^[a-z0-9_]+$/.test(code)) errs.code = t('flows.questions.errors.code');
    else if (!question && existing.some((q) => q.code === code)) errs.code = t('flows.questions.errors.codeTaken');
    if (!v.text_en.trim()) errs.text_en = t('form.required');
    if (!v.text_fa.trim()) errs.text_fa = t('form.required');
    const pos = parseCount(position);
    if (pos === null || !position.trim()) errs.position = t('flows.errors.count');
    const options = withOptions ? v.options.map((o) => ({ code: o.code.trim(), en: o.en.trim(), fa: o.fa.trim() })).filter((o) => o.code || o.en || o.fa) : [];
    if (withOptions) {
      if (options.length < 2) errs.options = t('flows.questions.errors.optionsFew');
      const seen = new Set<string>();
      options.forEach((o, i) => {
        if (!/^[a-z0-9_]+$/.test(o.code)) errs[`option.${i}`] = t('flows.questions.errors.optionCode');
        else if (seen.has(o.code)) errs[`option.${i}`] = t('flows.questions.errors.optionTwice');
        else if (!o.en || !o.fa) errs[`option.${i}`] = t('flows.questions.errors.optionText');
        seen.add(o.code);
      });
    }
    setErrors(errs);
    if (Object.keys(errs).length) return setMessage(t('form.fixErrors'));
    setBusy(true);
    setMessage(null);
    const body: Question = { ...v, code, options, text_en: v.text_en.trim(), text_fa: v.text_fa.trim(), position: pos! };
    try {
      await put(body);
      await onSaved(body);
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    } finally {
      setBusy(false);
    }
  };

  const trafficking = v.module === 'trafficking_self' || v.module === 'trafficking_family';
  return (
    <form className="form" onSubmit={submit} noValidate data-testid="question-form">
      {message && <FormMessage>{message}</FormMessage>}
      <div className="form-row">
        <TextField label={t('flows.questions.code')} value={v.code} onChange={(x) => set('code')(x.toLowerCase())} error={errors.code} hint={question ? t('flows.questions.codeFixed') : t('flows.questions.codeHint')} disabled={!!question} dir="ltr" normalise={false} required data-testid="question-code" />
        <CountField label={t('flows.questions.position')} value={position} onChange={setPosition} error={errors.position} />
      </div>
      <div className="form-row">
        <SelectField label={t('flows.questions.module')} value={v.module} onChange={(x) => set('module')(x as Question['module'])} options={MODULES.map((m) => ({ value: m, label: t(`flows.survey.modules.${m}`) }))} />
        <SelectField label={t('flows.questions.kind')} value={v.kind} onChange={(x) => set('kind')(x as Question['kind'])} options={KINDS.map((k) => ({ value: k, label: t(`flows.questions.kinds.${k}`) }))} data-testid="question-kind" />
      </div>
      {trafficking && v.kind !== 'yes_no_refused' && <FormMessage kind="info">{t('flows.questions.indicatorKind')}</FormMessage>}
      {question && (question.kind !== v.kind || question.module !== v.module) && <FormMessage kind="info">{t('flows.questions.changeWarning')}</FormMessage>}
      <TextField label={t('flows.questions.textFa')} value={v.text_fa} onChange={set('text_fa')} error={errors.text_fa} required dir="rtl" lang="fa" data-testid="question-text-fa" />
      <TextField label={t('flows.questions.textEn')} value={v.text_en} onChange={set('text_en')} error={errors.text_en} required dir="ltr" lang="en" normalise={false} data-testid="question-text-en" />
      {withOptions && (
        <fieldset>
          <legend>{t('flows.questions.options')}</legend>
          <p className="field-hint">{t('flows.questions.optionsHint')}</p>
          {v.options.map((o, i) => (
            <div key={i} className={`flows-option${errors[`option.${i}`] ? ' field-invalid' : ''}`}>
              <TextField label={t('flows.questions.optionCode', { n: formatNumber(i + 1, locale) })} value={o.code} onChange={(x) => setOption(i, 'code')(x.toLowerCase())} dir="ltr" normalise={false} />
              <TextField label={t('flows.questions.optionFa', { n: formatNumber(i + 1, locale) })} value={o.fa} onChange={setOption(i, 'fa')} dir="rtl" lang="fa" />
              <TextField label={t('flows.questions.optionEn', { n: formatNumber(i + 1, locale) })} value={o.en} onChange={setOption(i, 'en')} dir="ltr" lang="en" normalise={false} />
              <div className="row-actions">
                <button type="button" className="btn btn-small btn-ghost" onClick={() => moveOption(i, -1)} disabled={i === 0} aria-label={t('flows.questions.optionUp', { n: i + 1 })}>
                  ↑
                </button>
                <button type="button" className="btn btn-small btn-ghost" onClick={() => moveOption(i, 1)} disabled={i === v.options.length - 1} aria-label={t('flows.questions.optionDown', { n: i + 1 })}>
                  ↓
                </button>
                <button type="button" className="btn btn-small btn-ghost" onClick={() => setV((s) => ({ ...s, options: s.options.filter((_, j) => j !== i) }))} aria-label={t('flows.questions.optionRemove', { n: i + 1 })}>
                  ✕
                </button>
              </div>
              {errors[`option.${i}`] && <p className="field-error">{errors[`option.${i}`]}</p>}
            </div>
          ))}
          {errors.options && <p className="field-error">{errors.options}</p>}
          <button type="button" className="btn btn-small" onClick={() => setV((s) => ({ ...s, options: [...s.options, { code: '', en: '', fa: '' }] }))}>
            {t('flows.questions.optionAdd')}
          </button>
          {question && <p className="field-hint">{t('flows.questions.optionCodesWarning')}</p>}
        </fieldset>
      )}
      <Checkbox label={t('flows.questions.requiredLabel')} hint={t('flows.questions.requiredHint')} checked={v.required} onChange={set('required')} />
      <Checkbox label={t('flows.questions.activeLabel')} checked={v.active} onChange={set('active')} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="question-save">
          {t('flows.questions.save')}
        </button>
      </div>
    </form>
  );
}
