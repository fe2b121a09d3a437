// One survey question, drawn from its configuration (kind and options): radio buttons for a
// single choice or yes / no / refused, check boxes for several choices, a number, a text or a
// country. Every group is a fieldset with its question as the legend, so screen readers say
// the question with each choice; arrow keys move between radio buttons.
import { useId } from 'react';
import { useT } from '../../app/useT.ts';
import { TextField } from '../../components/Field.tsx';
import type { Question } from './api.ts';
import { CountField, CountrySelect } from './components.tsx';

export type AnswerDraft = string | string[];

export const questionText = (q: Pick<Question, 'text_en' | 'text_fa'>, locale: string) => (locale === 'fa' ? q.text_fa || q.text_en : q.text_en || q.text_fa);
export const optionText = (o: { en: string; fa: string }, locale: string) => (locale === 'fa' ? o.fa || o.en : o.en || o.fa);

export const YES_NO_REFUSED = ['yes', 'no', 'refused'] as const;

export function SurveyQuestion({ q, value, onChange, error }: { q: Question; value: AnswerDraft | undefined; onChange: (v: AnswerDraft | undefined) => void; error?: string }) {
  const { t, locale } = useT();
  const id = useId();
  const label = questionText(q, locale);
  const errorId = `${id}-error`;
  const legend = (
    <legend>
      {label}
      {q.required && (
        <span className="required" aria-hidden="true">
          {' '}*
        </span>
      )}
    </legend>
  );
  const errorLine = error && (
    <p className="field-error" id={errorId}>
      {error}
    </p>
  );
  const clear = value !== undefined && value !== '' && !(Array.isArray(value) && !value.length) && (
    <button type="button" className="btn btn-small btn-ghost flows-clear" onClick={() => onChange(undefined)} data-testid={`fms-q-${q.code}-clear`}>
      {t('flows.survey.clearAnswer')}
    </button>
  );

  if (q.kind === 'single' || q.kind === 'yes_no_refused') {
    const options = q.kind === 'single' ? q.options.map((o) => ({ code: o.code, label: optionText(o, locale) })) : YES_NO_REFUSED.map((c) => ({ code: c, label: t(`flows.survey.ynr.${c}`) }));
    return (
      <fieldset className={`flows-question${error ? ' field-invalid' : ''}`} aria-describedby={error ? errorId : undefined} data-question={q.code}>
        {legend}
        <div className={`flows-choices${q.kind === 'yes_no_refused' ? ' flows-ynr' : ''}`}>
          {options.map((o) => (
            <label key={o.code}>
              <input type="radio" name={`${id}-${q.code}`} value={o.code} checked={value === o.code} onChange={() => onChange(o.code)} data-testid={`fms-q-${q.code}-${o.code}`} />
              {o.label}
            </label>
          ))}
        </div>
        {!q.required && clear}
        {errorLine}
      </fieldset>
    );
  }
  if (q.kind === 'multi') {
    const list = Array.isArray(value) ? value : [];
    return (
      <fieldset className={`flows-question${error ? ' field-invalid' : ''}`} aria-describedby={error ? errorId : undefined} data-question={q.code}>
        {legend}
        <p className="field-hint">{t('flows.survey.chooseAll')}</p>
        <div className="flows-choices">
          {q.options.map((o) => (
            <label key={o.code}>
              <input
                type="checkbox"
                checked={list.includes(o.code)}
                onChange={(e) => {
                  const next = e.target.checked ? [...list, o.code] : list.filter((x) => x !== o.code);
                  onChange(next.length ? next : undefined);
                }}
                data-testid={`fms-q-${q.code}-${o.code}`}
              />
              {optionText(o, locale)}
            </label>
          ))}
        </div>
        {errorLine}
      </fieldset>
    );
  }
  if (q.kind === 'number') {
    return (
      <div className="flows-question" data-question={q.code}>
        <CountField label={label} value={typeof value === 'string' ? value : ''} onChange={(v) => onChange(v === '' ? undefined : v)} error={error} testId={`fms-q-${q.code}`} required={q.required} decimal />
      </div>
    );
  }
  if (q.kind === 'country') {
    return (
      <div className="flows-question" data-question={q.code}>
        <CountrySelect label={label} value={typeof value === 'string' ? value : ''} onChange={(v) => onChange(v || undefined)} required={q.required} error={error} placeholder={t('flows.survey.noAnswer')} withExtra testId={`fms-q-${q.code}`} />
      </div>
    );
  }
  return (
    <div className="flows-question" data-question={q.code}>
      <TextField label={label} value={typeof value === 'string' ? value : ''} onChange={(v) => onChange(v === '' ? undefined : v)} required={q.required} error={error} data-testid={`fms-q-${q.code}`} maxLength={2000} />
    </div>
  );
}
