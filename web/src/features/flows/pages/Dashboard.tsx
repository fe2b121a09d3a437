// The flow monitoring dashboard: DTM headline figures for a period and filters, movements over
// time, FMPs by movements and surge alerts. Filters live in the address, so a view can be shared.
import { useSearchParams, Link } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { formatDate, formatNumber, sortByName, today } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { addDays } from '@platform/calendar.ts';
import { DateInput } from '../../../components/DateInput.tsx';
import { Checkbox, SelectField } from '../../../components/Field.tsx';
import { Badge, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useFmps, useProvinces } from '../../places/api.ts';
import { cleanQuery, useAlerts, useFlowMap, useSeries, useSummary, type Change, type TopItem } from '../api.ts';
import { DEPORTED, DIRECTIONS, countryLabel, routeLabel } from '../codes.ts';
import { CountrySelect, Num, Pct } from '../components.tsx';
import { SeriesChart } from '../SeriesChart.tsx';
import '../flows.css';

export default function Dashboard() {
  const { t, tOr, locale } = useT();
  const { can } = useAuth();
  usePageTitle(t('flows.dash.title'));
  const [params, setParams] = useSearchParams();
  const to = params.get('to') ?? today();
  const from = params.get('from') ?? addDays(to, -29);
  const interval = (params.get('interval') as 'day' | 'week' | 'month') ?? 'day';
  const filters = cleanQuery({
    from,
    to,
    fmp: params.get('fmp'),
    province: params.get('province'),
    direction: params.get('direction'),
    nationality: params.get('nationality'),
    deported: params.get('deported'),
    approved_only: params.get('approved_only') === 'true',
  });
  const summary = useSummary(filters);
  const series = useSeries({ ...filters, interval, calendar: locale === 'fa' ? 'jalali' : 'gregorian' });
  const map = useFlowMap(filters);
  const alerts = useAlerts();
  const fmps = useFmps();
  const provinces = useProvinces();

  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const fmpName = (code: string) => nameOf(fmps.data?.find((f) => f.code === code), locale) || code;

  const changeNote = (c: Change) =>
    c.change === null ? t('flows.dash.noPrevious') : t('flows.dash.changeNote', { pct: formatNumber(c.change, locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }), prev: formatNumber(c.previous, locale) });

  const topList = (title: string, items: TopItem[], label: (v: string) => string) => (
    <section>
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">—</p>
      ) : (
        <ol className="flows-toplist">
          {items.map((x) => (
            <li key={x.value}>
              <span>{label(x.value)}</span>
              <span className="num">
                <Num v={x.individuals} /> (<Pct v={x.share} />)
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );

  const exportQuery = (format: 'csv' | 'xlsx', what: 'records' | 'daily') => new URLSearchParams({ ...(filters as Record<string, string>), format, what, hxl: 'true', lang: locale }).toString();

  return (
    <section className="page">
      <PageHeader
        title={t('flows.dash.title')}
        subtitle={t('flows.dash.subtitle', { from: formatDate(from, locale), to: formatDate(to, locale) })}
        actions={
          can('flows.export') && (
            <div className="row-actions">
              <a className="btn btn-small" href={`/api/v1/flows/export?${exportQuery('csv', 'daily')}`}>
                {t('flows.export.dailyCsv')}
              </a>
              <a className="btn btn-small" href={`/api/v1/flows/export?${exportQuery('xlsx', 'records')}`}>
                {t('flows.export.recordsXlsx')}
              </a>
            </div>
          )
        }
      />
      <form className="flows-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('flows.dash.filters')}>
        <DateInput id="dash-from" label={t('flows.dash.from')} value={from} onChange={(iso, valid) => valid && iso && set('from', iso)} />
        <DateInput id="dash-to" label={t('flows.dash.to')} value={to} onChange={(iso, valid) => valid && iso && set('to', iso)} />
        <SelectField label={t('flows.fields.fmp')} value={params.get('fmp') ?? ''} onChange={(v) => set('fmp', v)} placeholder={t('flows.common.all')} options={sortByName(fmps.data ?? [], locale).map((f) => ({ value: f.code, label: nameOf(f, locale) }))} data-testid="dash-fmp" />
        <SelectField label={t('flows.fields.province')} value={params.get('province') ?? ''} onChange={(v) => set('province', v)} placeholder={t('flows.common.all')} options={sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))} />
        <SelectField label={t('flows.fields.direction')} value={params.get('direction') ?? ''} onChange={(v) => set('direction', v)} placeholder={t('flows.common.all')} options={DIRECTIONS.map((x) => ({ value: x, label: t(`flows.values.direction.${x}`) }))} />
        <CountrySelect label={t('flows.fields.nationality')} value={params.get('nationality') ?? ''} onChange={(v) => set('nationality', v)} placeholder={t('flows.common.all')} withExtra />
        <SelectField label={t('flows.fields.deported')} value={params.get('deported') ?? ''} onChange={(v) => set('deported', v)} placeholder={t('flows.common.all')} options={DEPORTED.map((x) => ({ value: x, label: t(`flows.values.deported.${x}`) }))} />
        <Checkbox label={t('flows.dash.approvedOnly')} checked={params.get('approved_only') === 'true'} onChange={(v) => set('approved_only', v ? 'true' : null)} />
      </form>

      <QueryView query={summary}>
        {(s) => (
          <>
            <ul className="flows-cards" aria-label={t('flows.dash.headline')}>
              <li>
                <span className="stat-number">
                  <Num v={s.individuals} testId="flows-individuals" />
                </span>
                <span className="stat-label">{t('flows.dash.movements')}</span>
                <span className="stat-note">{t('flows.dash.movementsNote')}</span>
              </li>
              <li>
                <span className="stat-number">
                  <Num v={s.groups} testId="flows-groups" />
                </span>
                <span className="stat-label">{t('flows.dash.groups')}</span>
                <span className="stat-note">{t('flows.dash.avgGroup', { n: formatNumber(s.average_group_size ?? 0, locale, { maximumFractionDigits: 1 }) })}</span>
              </li>
              <li>
                <span className="stat-number">
                  <Num v={s.flows.inflow} />
                </span>
                <span className="stat-label">{t('flows.dash.inflow')}</span>
              </li>
              <li>
                <span className="stat-number">
                  <Num v={s.flows.outflow} />
                </span>
                <span className="stat-label">{t('flows.dash.outflow')}</span>
                <span className="stat-note">{t('flows.dash.ratio', { r: s.flows.in_out_ratio === null ? '—' : formatNumber(s.flows.in_out_ratio, locale, { maximumFractionDigits: 2 }) })}</span>
              </li>
              <li>
                <span className="stat-number">
                  <Num v={s.daily_average} digits={1} />
                </span>
                <span className="stat-label">{t('flows.dash.dailyAverage')}</span>
                {s.daily_average_per_fmp !== null && <span className="stat-note">{t('flows.dash.perFmp', { n: formatNumber(s.daily_average_per_fmp, locale, { maximumFractionDigits: 1 }) })}</span>}
              </li>
              <li>
                <span className="stat-number">
                  <Num v={s.change.week_on_week.current} />
                </span>
                <span className="stat-label">{t('flows.dash.lastWeek')}</span>
                <span className="stat-note">{changeNote(s.change.week_on_week)}</span>
              </li>
              <li>
                <span className="stat-number">
                  <Num v={s.change.month_on_month.current} />
                </span>
                <span className="stat-label">{t('flows.dash.last30')}</span>
                <span className="stat-note">{changeNote(s.change.month_on_month)}</span>
              </li>
              <li>
                <span className="stat-number">
                  <Pct v={s.deported.share_deported} />
                </span>
                <span className="stat-label">{t('flows.dash.deportedShare')}</span>
                <span className="stat-note">
                  {t('flows.dash.spontaneousShare')}: <Pct v={s.deported.share_spontaneous} />
                </span>
              </li>
              <li>
                <span className="stat-number">
                  <Num v={s.open_alerts} />
                </span>
                <span className="stat-label">{t('flows.dash.openAlerts')}</span>
              </li>
            </ul>
            <div className="flows-grid">
              <section>
                <h3>{t('flows.dash.sexAge')}</h3>
                <ul className="flows-toplist">
                  {(['men', 'women', 'boys', 'girls'] as const).map((k) => (
                    <li key={k}>
                      <span>{t(`flows.fields.${k}`)}</span>
                      <span className="num">
                        <Num v={s[k]} /> (<Pct v={s.shares[k]} />)
                      </span>
                    </li>
                  ))}
                </ul>
              </section>
              <section>
                <h3>{t('flows.dash.survey')}</h3>
                <ul className="flows-toplist">
                  <li>
                    <span>{t('flows.dash.ctSelf')}</span>
                    <span className="num">
                      <Pct v={s.survey.trafficking_self.share} /> <bdi dir="ltr">({t('flows.dash.n', { n: formatNumber(s.survey.trafficking_self.n, locale) })})</bdi>
                    </span>
                  </li>
                  <li>
                    <span>{t('flows.dash.ctFamily')}</span>
                    <span className="num">
                      <Pct v={s.survey.trafficking_family.share} /> <bdi dir="ltr">({t('flows.dash.n', { n: formatNumber(s.survey.trafficking_family.n, locale) })})</bdi>
                    </span>
                  </li>
                  <li>
                    <span>{t('flows.dash.respondents')}</span>
                    <span className="num">
                      <Num v={s.survey.respondents} />
                    </span>
                  </li>
                </ul>
              </section>
              {topList(t('flows.dash.topNationalities'), s.top.nationalities, (v) => countryLabel(v, locale))}
              {topList(t('flows.dash.topReasons'), s.top.reasons, (v) => tOr(`flows.values.reasons.${v}`, v))}
              {topList(t('flows.dash.topTransport'), s.top.transport, (v) => tOr(`flows.values.transport.${v}`, v))}
              {topList(t('flows.dash.topRoutes'), s.top.routes, (v) => routeLabel(v, locale, t('flows.common.notStated')))}
            </div>
          </>
        )}
      </QueryView>

      <section aria-labelledby="series-title">
        <div className="page-header-row">
          <h2 id="series-title">{t('flows.dash.seriesTitle')}</h2>
          <div className="segmented" role="group" aria-label={t('flows.dash.interval')}>
            {(['day', 'week', 'month'] as const).map((x) => (
              <button key={x} type="button" className={`btn btn-small${interval === x ? ' btn-primary' : ''}`} aria-pressed={interval === x} onClick={() => set('interval', x === 'day' ? null : x)}>
                {t(`flows.dash.intervals.${x}`)}
              </button>
            ))}
          </div>
        </div>
        <QueryView query={series} empty={t('flows.dash.noData')}>
          {(points) => <SeriesChart points={points} interval={interval} />}
        </QueryView>
      </section>

      <div className="flows-grid">
        <section aria-labelledby="fmps-title">
          <h2 id="fmps-title">{t('flows.dash.byFmp')}</h2>
          <QueryView query={map}>
            {(rows) => {
              const max = Math.max(1, ...rows.map((r) => Number(r.individuals)));
              const shown = rows.filter((r) => Number(r.individuals) > 0);
              return shown.length === 0 ? (
                <p className="muted">{t('flows.dash.noData')}</p>
              ) : (
                <TableWrap label={t('flows.dash.byFmp')}>
                  <table className="table" data-testid="flows-fmp-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('flows.fields.fmp')}</th>
                        <th scope="col">{t('flows.dash.movements')}</th>
                        <th scope="col">{t('flows.dash.groups')}</th>
                        <th scope="col">{t('flows.dash.capacity')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((r) => (
                        <tr key={r.fmp}>
                          <th scope="row">
                            <button type="button" className="btn-ghost btn btn-small" onClick={() => set('fmp', r.fmp)}>
                              {nameOf(r, locale)}
                            </button>
                          </th>
                          <td className="num">
                            <span className="flows-bar" style={{ inlineSize: `${Math.max(2, (Number(r.individuals) / max) * 6)}rem` }} aria-hidden="true" /> <Num v={Number(r.individuals)} />
                          </td>
                          <td className="num">
                            <Num v={Number(r.groups)} />
                          </td>
                          <td className="num">{r.capacity_per_day ? <Num v={r.capacity_per_day} /> : '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              );
            }}
          </QueryView>
        </section>
        <section aria-labelledby="alerts-title">
          <h2 id="alerts-title">{t('flows.dash.alerts')}</h2>
          <QueryView query={alerts} empty={t('flows.dash.noAlerts')}>
            {(rows) => (
              <ul className="flows-queue-list">
                {rows.map((a) => (
                  <li key={a.id}>
                    <strong>{nameOf(a, locale)}</strong> · {formatDate(a.day, locale)} {a.acknowledged_at ? <Badge tone="neutral">{t('flows.dash.acknowledged')}</Badge> : <Badge tone="bad">{t('flows.dash.open')}</Badge>}
                    <br />
                    {t('flows.dash.alertText', { n: formatNumber(Number(a.movements), locale), limit: a.limit_value === null ? '—' : formatNumber(Number(a.limit_value), locale, { maximumFractionDigits: 0 }) })}
                    {' · '}
                    <Link to={`/flows/dashboard?fmp=${a.fmp}&from=${addDays(a.day, -27)}&to=${a.day}`}>{fmpName(a.fmp)}</Link>
                  </li>
                ))}
              </ul>
            )}
          </QueryView>
        </section>
      </div>
    </section>
  );
}
