// Surge alerts (episodes of the dashboard's period, acknowledged by reviewers, many at once) and an FMP's capacity and
// thresholds (set by users with flows.manage). Alerts are raised by the server when data for a
// day arrive: above a daily number, above a multiple of the trailing 7- or 28-day average, or
// above the capacity.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../app/useT.ts';
import { useAuth } from '../../app/auth.tsx';
import { ApiError, patch, post } from '../../app/api.ts';
import { formatDate, formatDateTime, formatDigits, formatNumber } from '../../app/format.ts';
import { nameOf } from '../../app/types.ts';
import { parseDecimal } from '../../app/text.ts';
import { Checkbox, FormMessage, TextField } from '../../components/Field.tsx';
import { Badge } from '../../components/ui.tsx';
import { QueryView } from '../../components/States.tsx';
import type { Query } from '../../app/api.ts';
import { flowsKeys, useAlertEpisodes, type Alert, type AlertEpisode, type MapRow, type Thresholds } from './api.ts';
import { CountField, parseCount } from './components.tsx';
import { useUsableProvinces } from '../places/api.ts';

/** The text of an alert: how many movements, against which limit. */
export function useAlertText() {
  const { t, tOr, locale } = useT();
  return (a: Alert) => {
    const n = (v: number | null, digits = 0) => (v === null ? '—' : formatNumber(Number(v), locale, { maximumFractionDigits: digits }));
    const values = { n: n(a.movements), limit: n(a.limit_value), avg: n(a.trailing_average, 1), multiple: a.trailing_average ? n(Number(a.limit_value) / Number(a.trailing_average), 2) : '—' };
    return tOr(`flows.alerts.kinds.${a.kind}`, t('flows.dash.alertText', values), values);
  };
}

/**
 * Surge alerts of the dashboard's period and filters, as episodes (consecutive alert days of one
 * FMP); the open count agrees with the dashboard's headline. Reviewers acknowledge one episode or
 * many at once, with a comment.
 */
export function AlertList({ filters, search = '' }: { filters: Query; search?: string }) {
  const { t, tOr, locale } = useT();
  const { can } = useAuth();
  const qc = useQueryClient();
  const [openOnly, setOpenOnly] = useState(false);
  const episodes = useAlertEpisodes({ ...filters, open_only: openOnly ? 'true' : undefined });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  // Acknowledging is reviewing: offered only for the FMPs in provinces where the user reviews.
  const reviewable = useUsableProvinces('flows.review');
  const mayAckAny = can('flows.review') && reviewable.size > 0;
  const mayAckOne = (e: AlertEpisode) => mayAckAny && reviewable.has(e.province_code);
  const key = (e: AlertEpisode) => `${e.fmp}|${e.first_day}`;
  const n = (v: number, digits = 0) => formatNumber(Number(v), locale, { maximumFractionDigits: digits });

  const acknowledge = async (chosen: AlertEpisode[]) => {
    const ids = chosen.flatMap((e) => e.ids);
    if (!ids.length) return;
    setBusy(true);
    setMessage(null);
    try {
      const r = await post<{ acknowledged: number }>('/api/v1/flows/alerts/acknowledge', { ids, comment: comment.trim() || null });
      setMessage({ kind: 'success', text: t('flows.alerts.bulkDone', { n: n(r.acknowledged), episodes: n(chosen.length) }) });
      setSelected(new Set());
      setComment('');
      await qc.invalidateQueries({ queryKey: flowsKeys.all });
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : t('common.unexpectedError') });
    } finally {
      setBusy(false);
    }
  };

  const period = (e: AlertEpisode) =>
    e.first_day === e.last_day ? formatDate(e.first_day, locale) : t('flows.alerts.period', { from: formatDate(e.first_day, locale), to: formatDate(e.last_day, locale), days: n(e.days) });

  return (
    <div className="flows-alerts">
      <Checkbox label={t('flows.alerts.openOnly')} checked={openOnly} onChange={setOpenOnly} />
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      <QueryView query={episodes}>
        {(data) => {
          const open = data.episodes.filter((e) => e.open > 0 && mayAckOne(e));
          const chosen = open.filter((e) => selected.has(key(e)));
          return (
            <>
              <p className="small" data-testid="flows-alerts-count" data-open={data.open_alerts}>
                {t('flows.alerts.count', { alerts: n(data.open_alerts), episodes: n(data.open_episodes) })}
              </p>
              {data.episodes.length === 0 ? (
                <p className="muted">{t('flows.dash.noAlerts')}</p>
              ) : (
                <>
                  {mayAckAny && open.length > 0 && (
                    <div className="flows-alert-bulk">
                      <Checkbox label={t('flows.alerts.selectAll', { n: n(open.length) })} checked={chosen.length === open.length} onChange={(v) => setSelected(v ? new Set(open.map(key)) : new Set())} />
                      <TextField label={t('flows.alerts.comment')} value={comment} onChange={setComment} hint={t('flows.alerts.commentHint')} maxLength={2000} />
                      <button type="button" className="btn" disabled={busy || chosen.length === 0} onClick={() => void acknowledge(chosen)} data-testid="alerts-ack-selected">
                        {busy ? t('flows.alerts.acknowledging') : t('flows.alerts.acknowledgeSelected', { n: n(chosen.length) })}
                      </button>
                    </div>
                  )}
                  <ul className="flows-queue-list" data-testid="flows-alerts">
                    {data.episodes.map((e) => (
                      <li key={key(e)} data-testid="flows-alert" data-fmp={e.fmp} data-acknowledged={e.open === 0 ? 'true' : 'false'} className={e.open === 0 ? 'flows-alert-done' : 'flows-alert-open'}>
                        <div className="flows-alert-head">
                          {mayAckOne(e) && e.open > 0 && (
                            <input
                              type="checkbox"
                              aria-label={t('flows.alerts.select', { fmp: nameOf(e, locale), period: period(e) })}
                              checked={selected.has(key(e))}
                              onChange={(ev) => {
                                const next = new Set(selected);
                                if (ev.target.checked) next.add(key(e));
                                else next.delete(key(e));
                                setSelected(next);
                              }}
                            />
                          )}{' '}
                          <Link to={`/flows/dashboard/fmps/${encodeURIComponent(e.fmp)}${search}`}>
                            <strong>{nameOf(e, locale)}</strong>
                          </Link>
                          <span> · {period(e)} </span>
                          {e.open === 0 ? <Badge tone="neutral">{t('flows.dash.acknowledged')}</Badge> : <Badge tone="bad">{t('flows.dash.open')}</Badge>}
                        </div>
                        <p className="flows-alert-text">
                          {t('flows.alerts.peak', { n: n(e.peak), day: formatDate(e.peak_day, locale) })} · {e.kinds.map((k) => tOr(`flows.alerts.kindNames.${k}`, k)).join(locale === 'fa' ? '، ' : ', ')}
                        </p>
                        {e.open === 0 && e.acknowledged_at && (
                          <p className="muted small">
                            {t('flows.alerts.acknowledgedAt', { at: formatDateTime(e.acknowledged_at, locale) })}
                            {e.comment && (
                              <>
                                {' — '}
                                <bdi>{e.comment}</bdi>
                              </>
                            )}
                          </p>
                        )}
                        {mayAckOne(e) && e.open > 0 && (
                          <button type="button" className="btn btn-small" onClick={() => void acknowledge([e])} disabled={busy} data-testid={`alert-ack-${e.fmp}-${e.first_day}`} aria-label={t('flows.alerts.acknowledgeLabel', { fmp: nameOf(e, locale), day: period(e) })}>
                            {t('flows.alerts.acknowledge')}
                          </button>
                        )}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          );
        }}
      </QueryView>
    </div>
  );
}

// ---- thresholds

const SAVED = 'marz.flows.thresholds';
type Known = { values: Partial<Thresholds>; source: 'server' | 'device' | 'none'; savedAt?: string };

function savedHere(code: string): (Thresholds & { saved_at: string }) | null {
  try {
    const all = JSON.parse(localStorage.getItem(SAVED) ?? '{}');
    return all && typeof all === 'object' ? (all[code] ?? null) : null;
  } catch {
    return null;
  }
}

function rememberHere(code: string, v: Thresholds) {
  try {
    const all = JSON.parse(localStorage.getItem(SAVED) ?? '{}') ?? {};
    all[code] = { ...v, saved_at: new Date().toISOString() };
    localStorage.setItem(SAVED, JSON.stringify(all));
  } catch {
    /* storage disabled: only the hint is lost */
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

/**
 * The thresholds as far as they are known. The capacity comes with the map's figures; the
 * server does not (yet) return the other thresholds, so they are read from the map's answer
 * when present, else from the last save made in this browser.
 */
function known(code: string, row: MapRow | undefined): Known {
  const capacity = row ? num(row.capacity_per_day) : null;
  if (row && 'alert_daily_above' in row) {
    return {
      source: 'server',
      values: { capacity_per_day: capacity, alert_daily_above: num(row.alert_daily_above), alert_multiple: num(row.alert_multiple), alert_window_days: row.alert_window_days === 28 ? 28 : 7, alert_min_movements: num(row.alert_min_movements) ?? 20 },
    };
  }
  const here = savedHere(code);
  if (here) return { source: 'device', savedAt: here.saved_at, values: { ...here, capacity_per_day: row ? capacity : here.capacity_per_day } };
  return { source: 'none', values: { capacity_per_day: capacity } };
}

/** An FMP's capacity and thresholds; users with flows.manage can change them. */
export function ThresholdsPanel({ code, row, name, province }: { code: string; row: MapRow | undefined; name: string; province: string | null }) {
  const { t, locale } = useT();
  const { can } = useAuth();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  // Changing thresholds is managing flows: only where the user manages this FMP's province.
  const managed = useUsableProvinces('flows.manage');
  const mayManage = can('flows.manage') && !!province && managed.has(province);
  const k = known(code, row);
  const n = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? t('flows.thresholds.none') : formatNumber(v, locale, { maximumFractionDigits: digits }));
  const unknown = t('flows.thresholds.notKnown');
  return (
    <section className="card flows-thresholds" aria-labelledby="thresholds-title" data-testid="flows-thresholds">
      <h2 id="thresholds-title">{t('flows.thresholds.title')}</h2>
      <dl className="facts">
        <div className="fact">
          <dt>{t('flows.thresholds.capacity')}</dt>
          <dd data-testid="thresholds-capacity">{row ? n(k.values.capacity_per_day) : unknown}</dd>
        </div>
        <div className="fact">
          <dt>{t('flows.thresholds.dailyAbove')}</dt>
          <dd>{k.source === 'none' ? unknown : n(k.values.alert_daily_above)}</dd>
        </div>
        <div className="fact">
          <dt>{t('flows.thresholds.multiple')}</dt>
          <dd>
            {k.source === 'none'
              ? unknown
              : k.values.alert_multiple
                ? t('flows.thresholds.multipleValue', { m: n(k.values.alert_multiple, 2), days: formatNumber(k.values.alert_window_days ?? 7, locale) })
                : t('flows.thresholds.none')}
          </dd>
        </div>
        {k.values.alert_multiple ? (
          <div className="fact">
            <dt>{t('flows.thresholds.minMovements')}</dt>
            <dd>{n(k.values.alert_min_movements ?? 20)}</dd>
          </div>
        ) : null}
      </dl>
      {k.source === 'device' && <p className="muted small">{t('flows.thresholds.fromDevice', { at: formatDateTime(k.savedAt, locale) })}</p>}
      {k.source === 'none' && <p className="muted small">{t('flows.thresholds.notReported')}</p>}
      <p className="muted small">{t('flows.thresholds.explain')}</p>
      {saved && <FormMessage kind="success">{saved}</FormMessage>}
      {mayManage &&
        (editing ? (
          <ThresholdsForm
            code={code}
            name={name}
            initial={k}
            onDone={(msg) => {
              setEditing(false);
              setSaved(msg);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <button type="button" className="btn" onClick={() => (setSaved(null), setEditing(true))} data-testid="thresholds-edit">
            {t('flows.thresholds.edit')}
          </button>
        ))}
    </section>
  );
}

function ThresholdsForm({ code, name, initial, onDone, onCancel }: { code: string; name: string; initial: Known; onDone: (message: string) => void; onCancel: () => void }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const text = (v: number | null | undefined) => (v === null || v === undefined ? '' : formatDigits(v, locale));
  const [capacity, setCapacity] = useState(text(initial.values.capacity_per_day));
  const [daily, setDaily] = useState(text(initial.values.alert_daily_above));
  const [multiple, setMultiple] = useState(initial.values.alert_multiple ? formatNumber(initial.values.alert_multiple, locale, { useGrouping: false, maximumFractionDigits: 2 }) : '');
  const [windowDays, setWindowDays] = useState<7 | 28>(initial.values.alert_window_days === 28 ? 28 : 7);
  const [minMovements, setMinMovements] = useState(text(initial.values.alert_min_movements ?? 20));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const whole = (s: string, key: string) => {
      const v = parseCount(s);
      if (v === null || (s.trim() !== '' && v < 1)) errs[key] = t('flows.thresholds.errors.whole');
      return s.trim() === '' ? null : v;
    };
    const body: Thresholds = { capacity_per_day: whole(capacity, 'capacity'), alert_daily_above: whole(daily, 'daily'), alert_multiple: null, alert_window_days: windowDays };
    const least = parseCount(minMovements);
    if (least === null) errs.minMovements = t('flows.thresholds.errors.whole');
    else body.alert_min_movements = least;
    if (multiple.trim()) {
      const m = parseDecimal(multiple);
      if (m === null || !(m > 1) || m > 1000) errs.multiple = t('flows.thresholds.errors.multiple');
      else body.alert_multiple = m;
    }
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    setMessage(null);
    try {
      await patch(`/api/v1/flows/fmps/${encodeURIComponent(code)}/thresholds`, body);
      rememberHere(code, body);
      await qc.invalidateQueries({ queryKey: flowsKeys.all });
      onDone(t('flows.thresholds.saved', { fmp: name }));
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="thresholds-form">
      {initial.source !== 'server' && <FormMessage kind="info">{t('flows.thresholds.replaceAll')}</FormMessage>}
      {message && <FormMessage>{message}</FormMessage>}
      <div className="form-row">
        <CountField label={t('flows.thresholds.capacity')} value={capacity} onChange={setCapacity} error={errors.capacity} hint={t('flows.thresholds.emptyNone')} testId="thresholds-capacity-input" />
        <CountField label={t('flows.thresholds.dailyAbove')} value={daily} onChange={setDaily} error={errors.daily} hint={t('flows.thresholds.emptyNone')} testId="thresholds-daily-input" />
      </div>
      <div className="form-row">
        <CountField label={t('flows.thresholds.multipleField')} value={multiple} onChange={setMultiple} error={errors.multiple} hint={t('flows.thresholds.multipleHint', { example: formatNumber(1.5, locale) })} testId="thresholds-multiple-input" decimal />
        <CountField label={t('flows.thresholds.minMovements')} value={minMovements} onChange={setMinMovements} error={errors.minMovements} hint={t('flows.thresholds.minMovementsHint')} testId="thresholds-min-input" />
        <fieldset>
          <legend>{t('flows.thresholds.window')}</legend>
          <div className="flows-choices">
            {([7, 28] as const).map((d) => (
              <label key={d}>
                <input type="radio" name={`window-${code}`} checked={windowDays === d} onChange={() => setWindowDays(d)} data-testid={`thresholds-window-${d}`} />
                {t('flows.thresholds.days', { n: formatNumber(d, locale) })}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="thresholds-save">
          {t('flows.thresholds.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
