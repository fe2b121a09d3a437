// Review of submitted records (flows.review): filter, approve, flag or reject with a comment,
// open a record to see its history and correct it (the correction is kept in the history).
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, patch, post } from '../../../app/api.ts';
import { formatDate, formatDateTime, formatDigits, formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { DateInput } from '../../../components/DateInput.tsx';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { Badge, Dialog, Facts, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useFmps, useProvinces } from '../../places/api.ts';
import { cleanQuery, flowsKeys, useRecord, useRecords, type StoredRecord } from '../api.ts';
import { COUNTS, DEPORTED, DIRECTIONS, REASONS, STATUSES, TRANSPORT, VULNERABILITIES, countryLabel } from '../codes.ts';
import { CountField, CountrySelect } from '../components.tsx';
import { useFmpList } from '../fmpList.ts';
import { checkRecord, fmpRegistry, problemsByField } from '../validation.ts';
import { FMR_FIELDS } from '@flows/format.ts';
import '../flows.css';
import { Changes } from '../../audit/words.tsx';

const TONES: Record<string, 'neutral' | 'ok' | 'warn' | 'bad' | 'info'> = { received: 'info', approved: 'ok', has_issues: 'warn', rejected: 'bad' };
const PAGE = 50;

export default function Review() {
  const { t, locale } = useT();
  usePageTitle(t('flows.review.title'));
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const offset = Number(params.get('offset') ?? 0);
  const q = cleanQuery({ fmp: params.get('fmp'), from: params.get('from'), to: params.get('to'), enumerator: params.get('enumerator'), status: params.get('status') ?? 'received' });
  const records = useRecords({ ...q, limit: PAGE, offset });
  const fmps = useFmps(); // names of the records shown
  const reviewable = useFmps('flows.review'); // the filter offers only the FMPs the user reviews
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [comment, setComment] = useState('');
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete('offset');
    setParams(next, { replace: true });
    setSelected(new Set());
  };

  const act = async (action: 'approve' | 'flag' | 'reject' | 'reopen', ids: string[]) => {
    if ((action === 'flag' || action === 'reject') && !comment.trim()) {
      setMessage({ kind: 'error', text: t('flows.review.commentNeeded') });
      return;
    }
    try {
      const r = await post<{ updated: number }>('/api/v1/flows/fmr/review', { ids, action, comment: comment.trim() || null });
      setMessage({ kind: 'success', text: t('flows.review.updated', { count: r.updated }) });
      setSelected(new Set());
      setComment('');
      await qc.invalidateQueries({ queryKey: flowsKeys.all });
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : t('common.unexpectedError') });
    }
  };

  const ids = [...selected];
  return (
    <section className="page">
      <PageHeader title={t('flows.review.title')} subtitle={t('flows.review.subtitle')} />
      <form className="flows-filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField label={t('flows.fields.fmp')} value={params.get('fmp') ?? ''} onChange={(v) => set('fmp', v)} placeholder={t('flows.common.all')} options={sortByName(reviewable.data ?? [], locale).map((f) => ({ value: f.code, label: nameOf(f, locale) }))} />
        <DateInput label={t('flows.dash.from')} value={params.get('from')} onChange={(iso, valid) => valid && set('from', iso)} />
        <DateInput label={t('flows.dash.to')} value={params.get('to')} onChange={(iso, valid) => valid && set('to', iso)} />
        <TextField label={t('flows.fields.enumerator')} value={params.get('enumerator') ?? ''} onChange={(v) => set('enumerator', v)} dir="ltr" normalise={false} />
        <SelectField
          label={t('flows.fields.status')}
          value={params.get('status') ?? 'received'}
          onChange={(v) => set('status', v)}
          options={[...STATUSES.map((s) => ({ value: s, label: t(`flows.values.status.${s}`) })), { value: 'all', label: t('flows.common.all') }]}
        />
      </form>
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      <div className="toolbar">
        <TextField label={t('flows.review.comment')} value={comment} onChange={setComment} hint={t('flows.review.commentHint')} />
        <div className="row-actions">
          <button type="button" className="btn btn-primary" disabled={!ids.length} onClick={() => act('approve', ids)}>
            {t('flows.review.approve')}
          </button>
          <button type="button" className="btn" disabled={!ids.length} onClick={() => act('flag', ids)}>
            {t('flows.review.flag')}
          </button>
          <button type="button" className="btn btn-danger" disabled={!ids.length} onClick={() => act('reject', ids)}>
            {t('flows.review.reject')}
          </button>
          <button type="button" className="btn" disabled={!ids.length} onClick={() => act('reopen', ids)}>
            {t('flows.review.reopen')}
          </button>
        </div>
      </div>
      <QueryView query={records} empty={t('flows.review.empty')} isEmpty={(d) => d.records.length === 0}>
        {(d) => (
          <>
            <p className="count">{t('flows.review.count', { shown: formatNumber(d.records.length, locale), total: formatNumber(d.total, locale), selected: formatNumber(ids.length, locale) })}</p>
            <TableWrap label={t('flows.review.title')}>
              <table className="table" data-testid="review-table">
                <thead>
                  <tr>
                    <th scope="col">
                      <input
                        type="checkbox"
                        aria-label={t('flows.review.selectAll')}
                        checked={d.records.length > 0 && d.records.every((r) => selected.has(r.id))}
                        onChange={(e) => setSelected(e.target.checked ? new Set(d.records.map((r) => r.id)) : new Set())}
                      />
                    </th>
                    <th scope="col">{t('flows.fields.date')}</th>
                    <th scope="col">{t('flows.fields.fmp')}</th>
                    <th scope="col">{t('flows.fields.direction')}</th>
                    <th scope="col">{t('flows.fields.nationality')}</th>
                    <th scope="col">{t('flows.review.people')}</th>
                    <th scope="col">{t('flows.fields.deported')}</th>
                    <th scope="col">{t('flows.fields.enumerator')}</th>
                    <th scope="col">{t('flows.fields.status')}</th>
                    <th scope="col">{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.records.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={t('flows.review.select', { id: r.id.slice(0, 8) })}
                          checked={selected.has(r.id)}
                          onChange={(e) => {
                            const s = new Set(selected);
                            if (e.target.checked) s.add(r.id);
                            else s.delete(r.id);
                            setSelected(s);
                          }}
                        />
                      </td>
                      <td className="nowrap">{formatDate(r.date, locale)}</td>
                      <td>{nameOf(fmps.data?.find((f) => f.code === r.fmp), locale) || r.fmp}</td>
                      <td>{t(`flows.values.direction.${r.direction}`)}</td>
                      <td>{countryLabel(r.nationality, locale)}</td>
                      <td className="num">{formatNumber(r.men + r.women + r.boys + r.girls, locale)}</td>
                      <td>{t(`flows.values.deported.${r.deported}`)}</td>
                      <td dir="ltr">{r.enumerator}</td>
                      <td>
                        <Badge tone={TONES[r.status]}>{t(`flows.values.status.${r.status}`)}</Badge>
                        {r.review_comment && <div className="small muted">{r.review_comment}</div>}
                      </td>
                      <td>
                        <button type="button" className="btn btn-small" onClick={() => setOpen(r.id)}>
                          {t('flows.review.open')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <div className="pager">
              <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => setParams((p) => (p.set('offset', String(Math.max(0, offset - PAGE))), p))}>
                {t('flows.review.previous')}
              </button>
              <button type="button" className="btn btn-small" disabled={offset + PAGE >= d.total} onClick={() => setParams((p) => (p.set('offset', String(offset + PAGE)), p))}>
                {t('flows.review.next')}
              </button>
            </div>
          </>
        )}
      </QueryView>
      <Dialog open={!!open} onClose={() => setOpen(null)} title={t('flows.review.recordTitle')} wide>
        {open && <RecordDetail id={open} onSaved={() => void qc.invalidateQueries({ queryKey: flowsKeys.all })} />}
      </Dialog>
    </section>
  );
}

function RecordDetail({ id, onSaved }: { id: string; onSaved: () => void }) {
  const { t, tOr, locale } = useT();
  const q = useRecord(id);
  const fmps = useFmps();
  return (
    <QueryView query={q}>
      {(r) => (
        <>
          <Facts
            items={[
              [t('flows.fields.id'), <code dir="ltr">{r.id}</code>],
              [t('flows.fields.date'), [formatDate(r.date, locale), r.time ? <bdi dir="ltr">{formatDigits(r.time, locale)}</bdi> : null].filter(Boolean).reduce<ReactNode[]>((a, x, i) => (i ? [...a, ' · ', x] : [x]), [])],
              [t('flows.fields.fmp'), nameOf(fmps.data?.find((f) => f.code === r.fmp), locale) || r.fmp],
              [t('flows.fields.direction'), t(`flows.values.direction.${r.direction}`)],
              [t('flows.fields.nationality'), countryLabel(r.nationality, locale)],
              [t('flows.review.people'), COUNTS.map((k) => `${t(`flows.fields.${k}`)}: ${formatNumber(r[k], locale)}`).join(locale === 'fa' ? '، ' : ', ')],
              [t('flows.fields.deported'), t(`flows.values.deported.${r.deported}`)],
              [t('flows.fields.transport'), r.transport ? tOr(`flows.values.transport.${r.transport}`, r.transport) : ''],
              [t('flows.fields.reasons'), (r.reasons ?? []).map((x) => tOr(`flows.values.reasons.${x}`, x)).join(locale === 'fa' ? '، ' : ', ')],
              [t('flows.fields.origin_country'), [countryLabel(r.origin_country, locale), r.origin_admin1].filter(Boolean).join(' / ')],
              [t('flows.fields.destination_country'), [countryLabel(r.destination_country, locale), r.destination_admin1].filter(Boolean).join(' / ')],
              [t('flows.entry.vulnerabilities'), VULNERABILITIES.filter((k) => r[k] !== null && r[k] !== undefined).map((k) => `${t(`flows.fields.${k}`)}: ${formatNumber(r[k]!, locale)}`).join(locale === 'fa' ? '، ' : ', ')],
              [t('flows.fields.enumerator'), r.enumerator ? <bdi dir="ltr">{r.enumerator}</bdi> : ''],
              [t('flows.fields.note'), r.note ?? ''],
              [t('flows.fields.status'), t(`flows.values.status.${r.status}`)],
              [t('flows.review.submittedAt'), formatDateTime(r.submitted_at, locale)],
            ]}
          />
          <h3>{t('flows.review.correct')}</h3>
          <CorrectForm record={r} onSaved={onSaved} />
          <h3>{t('flows.review.history')}</h3>
          <ol>
            {r.history.map((h) => (
              <li key={`${h.version}-${h.changed_at}`}>
                {formatDateTime(h.changed_at, locale)} · <bdi>{h.changed_by ?? '—'}</bdi> · {tOr(`flows.review.actions.${h.action}`, h.action)}
                {h.comment && <> · «{h.comment}»</>}
                {!!h.changes && Object.keys(h.changes as object).length > 0 && (
                  <Changes changes={h.changes as Record<string, unknown>} fieldLabel={(k) => tOr(`flows.fields.${k}`, k)} valueLabel={(k, v) => (typeof v === 'string' ? tOr(`flows.values.${k}.${v}`, '') : null)} />
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </QueryView>
  );
}

type Draft = Record<(typeof COUNTS)[number] | (typeof VULNERABILITIES)[number], string> & {
  fmp: string;
  time: string;
  direction: string;
  nationality: string;
  deported: string;
  transport: string;
  reasons: string[];
  origin_country: string;
  origin_admin1: string;
  destination_country: string;
  destination_admin1: string;
  enumerator: string;
  note: string;
};

function draftOf(r: StoredRecord, locale: string): Draft {
  const c = (x: number | null) => (x === null || x === undefined ? '' : formatDigits(x, locale));
  return {
    fmp: r.fmp,
    time: r.time ? formatDigits(r.time, locale) : '',
    direction: r.direction,
    nationality: r.nationality,
    deported: r.deported,
    transport: r.transport ?? '',
    reasons: [...(r.reasons ?? [])],
    origin_country: r.origin_country ?? '',
    origin_admin1: r.origin_admin1 ?? '',
    destination_country: r.destination_country ?? '',
    destination_admin1: r.destination_admin1 ?? '',
    enumerator: r.enumerator ?? '',
    note: r.note ?? '',
    men: c(r.men),
    women: c(r.women),
    boys: c(r.boys),
    girls: c(r.girls),
    uasc: c(r.uasc),
    pregnant_lactating: c(r.pregnant_lactating),
    elderly: c(r.elderly),
    disabled: c(r.disabled),
    medical: c(r.medical),
  };
}

/** The fields a correction may change (src/flows/store.ts EDITABLE_FIELDS: all but the id). */
const EDITABLE = FMR_FIELDS.filter((f) => f !== 'id');
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * A correction: every editable field of the record. The corrected record is judged as the server
 * will judge it (validateFmrRow on the whole record); only what changed is sent.
 */
function CorrectForm({ record, onSaved }: { record: StoredRecord; onSaved: () => void }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const fmps = useFmpList('flows.review');
  const registry = useMemo(() => fmpRegistry(fmps), [fmps]);
  const provinces = useProvinces();
  const [date, setDate] = useState<{ iso: string | null; valid: boolean }>({ iso: record.date, valid: true });
  const [v, setV] = useState<Draft>(() => draftOf(record, locale));
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const set = <K extends keyof Draft>(k: K) => (x: Draft[K]) => setV((s) => ({ ...s, [k]: x }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Blank counts of the group are 0, as on the entry form.
    const result = checkRecord({ ...v, ...Object.fromEntries(COUNTS.map((k) => [k, v[k].trim() || '0'])), id: record.id, date: date.iso ?? '' }, registry);
    const errs: Record<string, string> = result.ok ? {} : problemsByField(result.problems, locale);
    // Form-only: what was typed in the date field is not a date it can read.
    if (!date.valid) errs.date = t('date.errors.invalid');
    setErrors(errs);
    if (!result.ok || Object.keys(errs).length) return setMsg({ kind: 'error', text: t('form.fixErrors') });
    const changes: Record<string, unknown> = {};
    // The same reasons in another order are no change.
    const sorted = (x: unknown) => (Array.isArray(x) ? [...x].sort() : x);
    for (const f of EDITABLE) if (!same(sorted(record[f]), sorted(result.record[f]))) changes[f] = result.record[f];
    if (!Object.keys(changes).length) return setMsg({ kind: 'error', text: t('flows.review.noChange') });
    try {
      await patch(`/api/v1/flows/fmr/${record.id}`, { changes, comment: comment.trim() || null });
      setMsg({ kind: 'success', text: t('flows.review.corrected') });
      setComment('');
      await qc.invalidateQueries({ queryKey: flowsKeys.record(record.id) });
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.details)) setErrors(problemsByField(err.details.filter((p) => p?.column && (p.message_en || p.message_fa)), locale));
      setMsg({ kind: 'error', text: err instanceof ApiError ? err.message : t('common.unexpectedError') });
    }
  };

  const admin1 = (which: 'origin' | 'destination') => {
    const country = which === 'origin' ? v.origin_country : v.destination_country;
    const key = which === 'origin' ? 'origin_admin1' : 'destination_admin1';
    const label = t(`flows.fields.${key}`);
    if (country === 'IRN')
      return <SelectField label={label} value={v[key]} onChange={set(key)} error={errors[key]} placeholder={t('flows.common.notKnown')} options={sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))} />;
    return <TextField label={label} value={v[key]} onChange={set(key)} error={errors[key]} hint={t('flows.entry.admin1Hint')} />;
  };
  const fmpOptions = sortByName(fmps, locale).map((f) => ({ value: f.code, label: f.active ? nameOf(f, locale) : `${nameOf(f, locale)} (${t('flows.review.closed')})` }));
  if (!fmpOptions.some((o) => o.value === record.fmp)) fmpOptions.unshift({ value: record.fmp, label: record.fmp });

  return (
    <form className="form flows-correct" onSubmit={submit} noValidate data-testid="review-correct">
      {msg && <FormMessage kind={msg.kind}>{msg.text}</FormMessage>}
      <div className="form-row">
        <SelectField label={t('flows.fields.fmp')} value={v.fmp} onChange={set('fmp')} error={errors.fmp} options={fmpOptions} />
        <DateInput label={t('flows.fields.date')} value={date.iso} onChange={(iso, valid) => setDate({ iso, valid })} error={errors.date} />
        <TextField label={t('flows.fields.time')} value={v.time} onChange={set('time')} error={errors.time} hint={t('flows.review.timeHint')} dir="ltr" inputMode="numeric" normalise={false} />
      </div>
      <div className="form-row">
        <SelectField label={t('flows.fields.direction')} value={v.direction} onChange={set('direction')} error={errors.direction} options={DIRECTIONS.map((x) => ({ value: x, label: t(`flows.values.direction.${x}`) }))} />
        <CountrySelect label={t('flows.fields.nationality')} value={v.nationality} onChange={set('nationality')} error={errors.nationality} placeholder={t('form.choosePlaceholder')} withExtra />
        <SelectField label={t('flows.fields.deported')} value={v.deported} onChange={set('deported')} error={errors.deported} options={DEPORTED.map((x) => ({ value: x, label: t(`flows.values.deported.${x}`) }))} />
      </div>
      <fieldset>
        <legend>{t('flows.entry.group')}</legend>
        <div className="flows-counts">
          {COUNTS.map((k) => (
            <CountField key={k} label={t(`flows.fields.${k}`)} value={v[k]} onChange={set(k)} error={errors[k]} />
          ))}
        </div>
        {errors.counts && <p className="field-error">{errors.counts}</p>}
      </fieldset>
      <SelectField label={t('flows.fields.transport')} value={v.transport} onChange={set('transport')} error={errors.transport} placeholder={t('flows.common.notKnown')} options={TRANSPORT.map((x) => ({ value: x, label: t(`flows.values.transport.${x}`) }))} />
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
        {errors.reasons && <p className="field-error">{errors.reasons}</p>}
      </fieldset>
      <fieldset>
        <legend>{t('flows.entry.route')}</legend>
        <div className="form-row">
          <CountrySelect label={t('flows.fields.origin_country')} value={v.origin_country} onChange={(x) => setV((s) => ({ ...s, origin_country: x, origin_admin1: x === s.origin_country ? s.origin_admin1 : '' }))} error={errors.origin_country} placeholder={t('flows.common.notKnown')} />
          {admin1('origin')}
        </div>
        <div className="form-row">
          <CountrySelect label={t('flows.fields.destination_country')} value={v.destination_country} onChange={(x) => setV((s) => ({ ...s, destination_country: x, destination_admin1: x === s.destination_country ? s.destination_admin1 : '' }))} error={errors.destination_country} placeholder={t('flows.common.notKnown')} />
          {admin1('destination')}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('flows.entry.vulnerabilities')}</legend>
        <div className="flows-vuln">
          {VULNERABILITIES.map((k) => (
            <CountField key={k} label={t(`flows.fields.${k}`)} value={v[k]} onChange={set(k)} error={errors[k]} />
          ))}
        </div>
      </fieldset>
      <div className="form-row">
        <TextField label={t('flows.fields.enumerator')} value={v.enumerator} onChange={set('enumerator')} error={errors.enumerator} dir="ltr" normalise={false} />
        <TextField label={t('flows.fields.note')} value={v.note} onChange={set('note')} error={errors.note} />
      </div>
      <TextField label={t('flows.review.comment')} value={comment} onChange={setComment} hint={t('flows.review.correctionCommentHint')} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="review-save-correction">
          {t('flows.review.saveCorrection')}
        </button>
        <button type="button" className="btn" onClick={() => (setV(draftOf(record, locale)), setDate({ iso: record.date, valid: true }), setErrors({}), setMsg(null))}>
          {t('flows.review.resetCorrection')}
        </button>
      </div>
    </form>
  );
}
