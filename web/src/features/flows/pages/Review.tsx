// Review of submitted records (flows.review): filter, approve, flag or reject with a comment,
// open a record to see its history and correct it (the correction is kept in the history).
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, patch, post } from '../../../app/api.ts';
import { formatDate, formatDateTime, formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { DateInput } from '../../../components/DateInput.tsx';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { Badge, Dialog, Facts, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useFmps } from '../../places/api.ts';
import { cleanQuery, flowsKeys, useRecord, useRecords, type StoredRecord } from '../api.ts';
import { COUNTS, DEPORTED, DIRECTIONS, STATUSES, countryLabel } from '../codes.ts';
import { CountField, parseCount } from '../components.tsx';
import '../flows.css';

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
  const fmps = useFmps();
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
        <SelectField label={t('flows.fields.fmp')} value={params.get('fmp') ?? ''} onChange={(v) => set('fmp', v)} placeholder={t('flows.common.all')} options={sortByName(fmps.data ?? [], locale).map((f) => ({ value: f.code, label: nameOf(f, locale) }))} />
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
  return (
    <QueryView query={q}>
      {(r) => (
        <>
          <Facts
            items={[
              [t('flows.fields.id'), <code dir="ltr">{r.id}</code>],
              [t('flows.fields.date'), formatDate(r.date, locale)],
              [t('flows.fields.fmp'), r.fmp],
              [t('flows.fields.direction'), t(`flows.values.direction.${r.direction}`)],
              [t('flows.fields.nationality'), countryLabel(r.nationality, locale)],
              [t('flows.review.people'), COUNTS.map((k) => `${t(`flows.fields.${k}`)}: ${formatNumber(r[k], locale)}`).join(locale === 'fa' ? '، ' : ', ')],
              [t('flows.fields.deported'), t(`flows.values.deported.${r.deported}`)],
              [t('flows.fields.transport'), r.transport ? tOr(`flows.values.transport.${r.transport}`, r.transport) : ''],
              [t('flows.fields.reasons'), (r.reasons ?? []).map((x) => tOr(`flows.values.reasons.${x}`, x)).join(locale === 'fa' ? '، ' : ', ')],
              [t('flows.fields.origin_country'), [countryLabel(r.origin_country, locale), r.origin_admin1].filter(Boolean).join(' / ')],
              [t('flows.fields.destination_country'), [countryLabel(r.destination_country, locale), r.destination_admin1].filter(Boolean).join(' / ')],
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
                  <pre className="small" dir="ltr">
                    {JSON.stringify(h.changes)}
                  </pre>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </QueryView>
  );
}

function CorrectForm({ record, onSaved }: { record: StoredRecord; onSaved: () => void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [date, setDate] = useState<{ iso: string | null; valid: boolean }>({ iso: record.date, valid: true });
  const [v, setV] = useState({ direction: record.direction, deported: record.deported, men: String(record.men), women: String(record.women), boys: String(record.boys), girls: String(record.girls), note: record.note ?? '' });
  const [comment, setComment] = useState('');
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const changes: Record<string, string | number | null> = {};
    if (!date.valid || !date.iso) return setMsg({ kind: 'error', text: t('date.errors.invalid') });
    if (date.iso !== record.date) changes.date = date.iso;
    if (v.direction !== record.direction) changes.direction = v.direction;
    if (v.deported !== record.deported) changes.deported = v.deported;
    for (const k of COUNTS) {
      const n = parseCount(v[k]);
      if (n === null) return setMsg({ kind: 'error', text: t('flows.errors.count') });
      if (n !== record[k]) changes[k] = n;
    }
    if (COUNTS.reduce((a, k) => a + (parseCount(v[k]) ?? 0), 0) === 0) return setMsg({ kind: 'error', text: t('flows.errors.groupEmpty') });
    if (v.note !== (record.note ?? '')) changes.note = v.note || null;
    if (!Object.keys(changes).length) return setMsg({ kind: 'error', text: t('flows.review.noChange') });
    try {
      await patch(`/api/v1/flows/fmr/${record.id}`, { changes, comment: comment.trim() || null });
      setMsg({ kind: 'success', text: t('flows.review.corrected') });
      await qc.invalidateQueries({ queryKey: flowsKeys.record(record.id) });
      onSaved();
    } catch (err) {
      setMsg({ kind: 'error', text: err instanceof ApiError ? err.message : t('common.unexpectedError') });
    }
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      {msg && <FormMessage kind={msg.kind}>{msg.text}</FormMessage>}
      <DateInput label={t('flows.fields.date')} value={date.iso} onChange={(iso, valid) => setDate({ iso, valid })} />
      <div className="form-row">
        <SelectField label={t('flows.fields.direction')} value={v.direction} onChange={(x) => setV({ ...v, direction: x })} options={DIRECTIONS.map((x) => ({ value: x, label: t(`flows.values.direction.${x}`) }))} />
        <SelectField label={t('flows.fields.deported')} value={v.deported} onChange={(x) => setV({ ...v, deported: x })} options={DEPORTED.map((x) => ({ value: x, label: t(`flows.values.deported.${x}`) }))} />
      </div>
      <div className="flows-counts">
        {COUNTS.map((k) => (
          <CountField key={k} label={t(`flows.fields.${k}`)} value={v[k]} onChange={(x) => setV({ ...v, [k]: x })} />
        ))}
      </div>
      <TextField label={t('flows.fields.note')} value={v.note} onChange={(x) => setV({ ...v, note: x })} />
      <TextField label={t('flows.review.comment')} value={comment} onChange={setComment} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          {t('flows.review.saveCorrection')}
        </button>
      </div>
    </form>
  );
}
