// The FMR entry form for enumerators (flows.submit). Mobile-first; every save goes to the
// offline queue first and is then sent (see queue.ts), so nothing typed at a border post
// without a connection is lost, and nothing is counted twice.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { formatDate, formatNumber, sortByName, today } from '../../../app/format.ts';
import { parseCount } from '@flows/validate.ts';
import { nameOf } from '../../../app/types.ts';
import { DateInput } from '../../../components/DateInput.tsx';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { useProvinces } from '../../places/api.ts';
import { useFmpList } from '../fmpList.ts';
import { COUNTS, DEPORTED, DIRECTIONS, REASONS, TRANSPORT, VULNERABILITIES, countryLabel } from '../codes.ts';
import { CountField, CountrySelect, PendingBadge } from '../components.tsx';
import { discard, enqueue, flush, useQueue, type QueueEntry } from '../queue.ts';
import { checkRecord, fmpRegistry, problemText, problemsByField, recordInput } from '../validation.ts';
import '../flows.css';

type Counts = Record<(typeof COUNTS)[number] | (typeof VULNERABILITIES)[number], string>;
const EMPTY_COUNTS: Counts = { men: '', women: '', boys: '', girls: '', uasc: '', pregnant_lactating: '', elderly: '', disabled: '', medical: '' };
const LAST_FMP = 'marz.flows.lastFmp';
/** The form's hints for a choice not made (the validator's "… is required", said as the control asks). */
const CHOICE_HINTS = { fmp: 'flows.errors.fmp', direction: 'flows.errors.direction', nationality: 'flows.errors.nationality', deported: 'flows.errors.deported' } as const;

interface FormState {
  id: string | null;
  fmp: string;
  direction: string;
  nationality: string;
  deported: string;
  transport: string;
  reasons: string[];
  origin_country: string;
  origin_admin1: string;
  destination_country: string;
  destination_admin1: string;
  note: string;
  counts: Counts;
}

function blank(keep?: Partial<FormState>): FormState {
  let fmp = '';
  try {
    fmp = localStorage.getItem(LAST_FMP) ?? '';
  } catch {
    /* storage disabled */
  }
  return { id: null, fmp, direction: '', nationality: '', deported: '', transport: '', reasons: [], origin_country: '', origin_admin1: '', destination_country: '', destination_admin1: '', note: '', counts: { ...EMPTY_COUNTS }, ...keep };
}

export default function Entry() {
  const { t, locale } = useT();
  const { user } = useAuth();
  usePageTitle(t('flows.entry.title'));
  const fmps = useFmpList('flows.submit');
  // Origin and destination provinces (where travellers come from or go): all of Iran's.
  const provinces = useProvinces();
  const queue = useQueue(user?.id);
  const [v, setV] = useState<FormState>(() => blank());
  const [date, setDate] = useState<{ iso: string | null; valid: boolean }>({ iso: today(), valid: true });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'success' | 'error' | 'info'; text: string } | null>(null);
  const [sendingNow, setSendingNow] = useState(false);
  const firstCount = useRef<HTMLDivElement>(null);
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(navigator.onLine);
    window.addEventListener('online', on);
    window.addEventListener('offline', on);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', on);
    };
  }, []);

  const active = sortByName(fmps.filter((f) => f.active), locale);
  const registry = useMemo(() => fmpRegistry(fmps), [fmps]);
  const set = <K extends keyof FormState>(k: K) => (x: FormState[K]) => setV((s) => ({ ...s, [k]: x }));
  const setCount = (k: keyof Counts) => (x: string) => setV((s) => ({ ...s, counts: { ...s.counts, [k]: x } }));
  /** The group's size as typed so far (what is not a count yet counts 0). */
  const total = COUNTS.reduce((a, k) => {
    const c = parseCount(v.counts[k].trim() || '0');
    return a + (c.ok ? c.n : 0);
  }, 0);

  const send = async () => {
    if (!user) return;
    setSendingNow(true);
    try {
      const r = await flush(user.id);
      // Offline it is no news; online, the reason it did not go is shown (a server error, an expired sign-in…).
      if (r.error) setMessage({ kind: 'info', text: navigator.onLine ? t('collect.queue.notSent', { error: r.error }) : t('flows.entry.savedOffline') });
      else if (r.invalid) setMessage({ kind: 'error', text: t('flows.entry.someInvalid', { count: r.invalid }) });
      else if (r.sent) setMessage({ kind: 'success', text: t('flows.entry.sent', { count: r.sent }) });
    } finally {
      setSendingNow(false);
    }
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!user) return;
    // The record as it would be sent, judged by the server's validator. Blank counts of the group
    // are 0 (as their placeholder shows); a remembered FMP the list no longer offers is not chosen.
    const result = checkRecord(
      {
        id: v.id ?? crypto.randomUUID(),
        fmp: active.some((f) => f.code === v.fmp) ? v.fmp : '',
        date: date.iso ?? '',
        direction: v.direction,
        nationality: v.nationality,
        deported: v.deported,
        ...Object.fromEntries(COUNTS.map((k) => [k, v.counts[k].trim() || '0'])),
        ...Object.fromEntries(VULNERABILITIES.map((k) => [k, v.counts[k]])),
        transport: v.transport,
        reasons: v.reasons,
        origin_country: v.origin_country,
        origin_admin1: v.origin_admin1,
        destination_country: v.destination_country,
        destination_admin1: v.destination_admin1,
        note: v.note,
      },
      registry,
    );
    const e: Record<string, string> = result.ok ? {} : problemsByField(result.problems, locale);
    if (!result.ok) for (const p of result.problems) if (p.code === 'required' && p.column in CHOICE_HINTS) e[p.column] = t(CHOICE_HINTS[p.column as keyof typeof CHOICE_HINTS]);
    // Form-only: what was typed in the date field is not a date it can read.
    if (!date.valid) e.date = t('date.errors.invalid');
    setErrors(e);
    if (!result.ok || Object.keys(e).length) {
      setMessage({ kind: 'error', text: t('form.fixErrors') });
      return;
    }
    const record = recordInput(result.record);
    try {
      enqueue(record, user.id);
    } catch {
      setMessage({ kind: 'error', text: t('flows.entry.storageFailed') });
      return;
    }
    try {
      localStorage.setItem(LAST_FMP, record.fmp);
    } catch {
      /* ignore */
    }
    // Ready for the next group at the same point, day and direction.
    setV(blank({ fmp: record.fmp, direction: v.direction }));
    setErrors({});
    setMessage({ kind: 'info', text: t('flows.entry.queued') });
    firstCount.current?.querySelector('input')?.focus();
    await send();
  };

  const edit = (entry: QueueEntry) => {
    const r = entry.record;
    const c = (x: number | undefined) => (x === undefined ? '' : String(x));
    setV({
      id: r.id,
      fmp: r.fmp,
      direction: r.direction,
      nationality: r.nationality,
      deported: r.deported,
      transport: r.transport ?? '',
      reasons: r.reasons ?? [],
      origin_country: r.origin_country ?? '',
      origin_admin1: r.origin_admin1 ?? '',
      destination_country: r.destination_country ?? '',
      destination_admin1: r.destination_admin1 ?? '',
      note: r.note ?? '',
      counts: { men: c(r.men), women: c(r.women), boys: c(r.boys), girls: c(r.girls), uasc: c(r.uasc), pregnant_lactating: c(r.pregnant_lactating), elderly: c(r.elderly), disabled: c(r.disabled), medical: c(r.medical) },
    });
    setDate({ iso: r.date, valid: true });
    setMessage({ kind: 'info', text: t('flows.entry.editing') });
    window.scrollTo(0, 0);
  };

  const admin1 = (which: 'origin' | 'destination') => {
    const country = which === 'origin' ? v.origin_country : v.destination_country;
    const key = which === 'origin' ? 'origin_admin1' : 'destination_admin1';
    const label = t(`flows.fields.${key}`);
    if (country === 'IRN')
      return (
        <SelectField
          label={label}
          value={v[key]}
          onChange={set(key)}
          placeholder={t('flows.common.notKnown')}
          options={sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))}
        />
      );
    return <TextField label={label} value={v[key]} onChange={set(key)} hint={t('flows.entry.admin1Hint')} disabled={!country} />;
  };

  const radios = (name: 'direction' | 'deported', values: readonly string[]) => (
    <fieldset className={errors[name] ? 'field-invalid' : undefined} aria-describedby={errors[name] ? `fmr-${name}-error` : undefined}>
      <legend>
        {t(`flows.fields.${name}`)}
        <span className="required" aria-hidden="true">
          {' '}*
        </span>
      </legend>
      <div className="flows-choices">
        {values.map((x) => (
          <label key={x}>
            <input type="radio" name={`fmr-${name}`} value={x} checked={v[name] === x} onChange={() => set(name)(x)} data-testid={`fmr-${name}-${x}`} />
            {t(`flows.values.${name}.${x}`)}
          </label>
        ))}
      </div>
      {errors[name] && (
        <p className="field-error" id={`fmr-${name}-error`}>
          {errors[name]}
        </p>
      )}
    </fieldset>
  );

  /** One record on this device: refused ones with the server's reason and a way to correct or discard. */
  const queueItem = (e: QueueEntry) => (
    <li key={e.id} data-testid="fmr-queued">
      <strong>{nameOf(fmps.find((f) => f.code === e.record.fmp), locale) || e.record.fmp}</strong> · {formatDate(e.record.date, locale)} · {t(`flows.values.direction.${e.record.direction}`)} · {countryLabel(e.record.nationality, locale)} ·{' '}
      {t('flows.entry.total', { n: formatNumber(e.record.men + e.record.women + e.record.boys + e.record.girls, locale) })}
      {e.problems ? (
        <>
          <ul className="flows-problems">
            {e.problems.map((p, i) => (
              <li key={i}>{problemText(p, locale)}</li>
            ))}
          </ul>
          <div className="row-actions">
            <button type="button" className="btn btn-small" onClick={() => edit(e)}>
              {t('flows.queue.correct')}
            </button>
            <button type="button" className="btn btn-small btn-danger" onClick={() => window.confirm(t('flows.queue.discardConfirm')) && discard(e.id)}>
              {t('flows.queue.discard')}
            </button>
          </div>
        </>
      ) : (
        e.lastError && <p className="muted small">{e.lastError}</p>
      )}
    </li>
  );

  const waiting = queue.filter((e) => !e.problems);
  const invalid = queue.filter((e) => e.problems);

  return (
    <section className="page flows-entry">
      <PageHeader title={t('flows.entry.title')} subtitle={t('flows.entry.subtitle')} actions={<PendingBadge />} />
      {!online && (
        <p className="muted" role="status" data-testid="offline-banner">
          {t('collect.queue.offline')}
        </p>
      )}
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      {v.id && <FormMessage kind="info">{t('flows.entry.editingId', { id: v.id.slice(0, 8) })}</FormMessage>}
      <p className="small">
        <Link to="/flows/collect">{t('collect.link')}</Link>
      </p>
      <form onSubmit={submit} noValidate className="form" data-testid="fmr-form">
        <SelectField
          label={t('flows.fields.fmp')}
          value={v.fmp}
          onChange={set('fmp')}
          required
          error={errors.fmp}
          placeholder={t('form.choosePlaceholder')}
          options={active.map((f) => ({ value: f.code, label: nameOf(f, locale) }))}
          data-testid="fmr-fmp"
        />
        <DateInput id="fmr-date" label={t('flows.fields.date')} value={date.iso} onChange={(iso, valid) => setDate({ iso, valid })} required error={errors.date} />
        {radios('direction', DIRECTIONS)}
        <CountrySelect label={t('flows.fields.nationality')} value={v.nationality} onChange={set('nationality')} required error={errors.nationality} placeholder={t('form.choosePlaceholder')} withExtra testId="fmr-nationality" />
        <fieldset>
          <legend>
            {t('flows.entry.group')}
            <span className="required" aria-hidden="true">
              {' '}*
            </span>
          </legend>
          <div className="flows-counts" ref={firstCount}>
            {COUNTS.map((k) => (
              <CountField key={k} label={t(`flows.fields.${k}`)} value={v.counts[k]} onChange={setCount(k)} error={errors[k]} testId={`fmr-${k}`} />
            ))}
          </div>
          <p className="flows-total" aria-live="polite" data-testid="fmr-total">
            {t('flows.entry.total', { n: formatNumber(total, locale) })}
          </p>
          {errors.counts && (
            <p className="field-error" role="alert">
              {errors.counts}
            </p>
          )}
        </fieldset>
        {radios('deported', DEPORTED)}
        <SelectField
          label={t('flows.fields.transport')}
          value={v.transport}
          onChange={set('transport')}
          placeholder={t('flows.common.notKnown')}
          options={TRANSPORT.map((x) => ({ value: x, label: t(`flows.values.transport.${x}`) }))}
        />
        <fieldset>
          <legend>{t('flows.fields.reasons')}</legend>
          <div className="flows-choices">
            {REASONS.map((x) => (
              <label key={x}>
                <input type="checkbox" checked={v.reasons.includes(x)} onChange={(e) => set('reasons')(e.target.checked ? [...v.reasons, x] : v.reasons.filter((r) => r !== x))} />
                {t(`flows.values.reasons.${x}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('flows.entry.route')}</legend>
          <div className="form-row">
            <CountrySelect label={t('flows.fields.origin_country')} value={v.origin_country} onChange={(x) => setV((s) => ({ ...s, origin_country: x, origin_admin1: '' }))} placeholder={t('flows.common.notKnown')} />
            {admin1('origin')}
          </div>
          <div className="form-row">
            <CountrySelect label={t('flows.fields.destination_country')} value={v.destination_country} onChange={(x) => setV((s) => ({ ...s, destination_country: x, destination_admin1: '' }))} placeholder={t('flows.common.notKnown')} />
            {admin1('destination')}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('flows.entry.vulnerabilities')}</legend>
          <div className="flows-vuln">
            {VULNERABILITIES.map((k) => (
              <CountField key={k} label={t(`flows.fields.${k}`)} value={v.counts[k]} onChange={setCount(k)} error={errors[k]} testId={`fmr-${k}`} />
            ))}
          </div>
        </fieldset>
        <TextField label={t('flows.fields.note')} value={v.note} onChange={set('note')} error={errors.note} hint={t('form.optional')} />
        <div className="flows-sticky">
          <button type="submit" className="btn btn-primary" data-testid="fmr-save">
            {t('flows.entry.save')}
          </button>
          {v.id && (
            <button type="button" className="btn" onClick={() => setV(blank({ fmp: v.fmp }))}>
              {t('common.cancel')}
            </button>
          )}
          <PendingBadge />
        </div>
      </form>

      {queue.length > 0 && (
        <section aria-labelledby="fmr-queue-title">
          <h2 id="fmr-queue-title">{t('flows.queue.title')}</h2>
          <p className="muted">{t('flows.queue.explain')}</p>
          <button type="button" className="btn" onClick={() => void send()} disabled={sendingNow || waiting.length === 0}>
            {sendingNow ? t('flows.queue.sending') : t('flows.queue.sendNow')}
          </button>
          {[
            { list: invalid, title: t('collect.queue.refused'), hint: t('collect.queue.refusedHint'), id: 'fmr-refused' },
            { list: waiting, title: t('collect.queue.waiting'), hint: null, id: 'fmr-waiting' },
          ]
            .filter((part) => part.list.length > 0)
            .map((part) => (
              <div key={part.id} data-testid={part.id}>
                <h3>{part.title}</h3>
                {part.hint && <p className="muted small">{part.hint}</p>}
                <ul className="flows-queue-list">{part.list.map(queueItem)}</ul>
              </div>
            ))}
        </section>
      )}
    </section>
  );
}
