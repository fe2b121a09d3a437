// Pieces shared by the flow monitoring pages.
import { useId, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useT } from '../../app/useT.ts';
import { useAuth } from '../../app/auth.tsx';
import { formatNumber } from '../../app/format.ts';
import { toAsciiDigits } from '../../app/text.ts';
import { FieldShell, describedBy } from '../../components/Field.tsx';
import { Badge } from '../../components/ui.tsx';
import { countryOptions } from './codes.ts';
import { useQueue, useQueueSync } from './queue.ts';
import { fmsQueue, nonresponseQueue } from './surveyStore.ts';

/** Parses a count typed with Latin, Persian or Arabic digits; '' is 0; null when not a whole number ≥ 0. */
export function parseCount(s: string): number | null {
  const t = toAsciiDigits(s).trim();
  if (!t) return 0;
  return /^\d{1,6}$/.test(t) ? Number(t) : null;
}

/** A small number field (digits of any script; the keyboard shows digits on phones). */
export function CountField({ label, value, onChange, error, id: givenId, testId, required, hint, decimal }: { label: ReactNode; value: string; onChange: (v: string) => void; error?: string | null; id?: string; testId?: string; required?: boolean; hint?: ReactNode; decimal?: boolean }) {
  const autoId = useId();
  const id = givenId ?? autoId;
  const { locale } = useT();
  return (
    <FieldShell id={id} label={label} error={error} className="flows-count" required={required} hint={hint}>
      <input
        id={id}
        type="text"
        inputMode={decimal ? 'decimal' : 'numeric'}
        autoComplete="off"
        dir="ltr"
        placeholder={formatNumber(0, locale)}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value)}
        onFocus={(e) => e.target.select()}
      />
    </FieldShell>
  );
}

/** A country select with the common nationalities first. */
export function CountrySelect({ label, value, onChange, error, required, placeholder, withExtra, testId }: { label: ReactNode; value: string; onChange: (v: string) => void; error?: string | null; required?: boolean; placeholder: string; withExtra?: boolean; testId?: string }) {
  const id = useId();
  const { t, locale } = useT();
  const { common, others } = countryOptions(locale, withExtra);
  return (
    <FieldShell id={id} label={label} error={error} required={required}>
      <select id={id} value={value} required={required} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, undefined, error)} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{placeholder}</option>
        <optgroup label={t('flows.common.commonCountries')}>
          {common.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </optgroup>
        <optgroup label={t('flows.common.otherCountries')}>
          {others.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </optgroup>
      </select>
    </FieldShell>
  );
}

/** "3 records waiting to be sent" — live; keeps the queue moving while shown. */
export function PendingBadge({ link = false }: { link?: boolean }) {
  const { t } = useT();
  const { user } = useAuth();
  useQueueSync(user?.id);
  const entries = useQueue(user?.id);
  const n = entries.length;
  const invalid = entries.filter((e) => e.problems).length;
  const body = (
    <span data-testid="flows-pending" data-count={n} role="status" aria-live="polite" className="flows-pending">
      {n === 0 ? <Badge tone="ok">{t('flows.queue.none')}</Badge> : <Badge tone={invalid ? 'bad' : 'warn'}>{t('flows.queue.waiting', { count: n })}</Badge>}
      {invalid > 0 && <> <Badge tone="bad">{t('flows.queue.invalid', { count: invalid })}</Badge></>}
    </span>
  );
  return link && n > 0 ? <Link to="/flows/entry">{body}</Link> : body;
}

/** "2 interviews waiting to be sent" — live; keeps the survey queues (interviews and refusal tallies) moving while shown. */
export function SurveyPendingBadge({ link = false }: { link?: boolean }) {
  const { t } = useT();
  const { user } = useAuth();
  fmsQueue.useQueueSync(user?.id);
  nonresponseQueue.useQueueSync(user?.id);
  const entries = fmsQueue.useQueue(user?.id);
  const tallies = nonresponseQueue.useQueue(user?.id);
  const n = entries.length;
  const invalid = entries.filter((e) => e.problems).length + tallies.filter((e) => e.problems).length;
  const body = (
    <span data-testid="fms-pending" data-count={n} data-tallies={tallies.length} role="status" aria-live="polite" className="flows-pending">
      {n === 0 ? <Badge tone="ok">{t('flows.survey.queueNone')}</Badge> : <Badge tone={invalid ? 'bad' : 'warn'}>{t('flows.survey.queueWaiting', { count: n })}</Badge>}
      {tallies.length > 0 && <> <Badge tone="warn">{t('flows.survey.talliesWaiting', { count: tallies.length })}</Badge></>}
      {invalid > 0 && <> <Badge tone="bad">{t('flows.queue.invalid', { count: invalid })}</Badge></>}
    </span>
  );
  return link && n + tallies.length > 0 ? <Link to="/flows/survey">{body}</Link> : body;
}

/** A share 0…1 as a percentage in the interface's digits, or — */
export function Pct({ v }: { v: number | null | undefined }) {
  const { locale } = useT();
  if (v === null || v === undefined) return <>—</>;
  return <>{formatNumber(v, locale, { style: 'percent', maximumFractionDigits: 1 })}</>;
}

export function Num({ v, digits = 0, testId }: { v: number | null | undefined; digits?: number; testId?: string }) {
  const { locale } = useT();
  if (v === null || v === undefined) return <>—</>;
  return (
    <span data-testid={testId} data-value={v}>
      {formatNumber(v, locale, { maximumFractionDigits: digits })}
    </span>
  );
}

/** The home-page widget: the waiting records of this device, for enumerators. */
export function HomeQueue() {
  const { t } = useT();
  return (
    <section className="card">
      <h2>{t('flows.home.title')}</h2>
      <p>
        <PendingBadge link />
      </p>
      <p>
        <SurveyPendingBadge link />
      </p>
      <p className="row-actions">
        <Link to="/flows/entry">{t('flows.home.enter')}</Link>
        <Link to="/flows/survey">{t('flows.home.survey')}</Link>
      </p>
    </section>
  );
}
export default HomeQueue;
