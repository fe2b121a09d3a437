// The flow monitoring dashboard: DTM headline figures for a period and filters, movements over
// time, a map and a table of FMPs by movements, and surge alerts. Filters live in the address,
// so a view can be shared. The same view, scoped, is the page of a province or of an FMP (with
// its alerts, capacity and thresholds).
import { useState } from 'react';
import { useSearchParams, Link } from 'react-router';
import { useT } from '../../app/useT.ts';
import { useAuth } from '../../app/auth.tsx';
import { formatDate, formatNumber, sortByName, today } from '../../app/format.ts';
import { nameOf } from '../../app/types.ts';
import { addDays } from '@platform/calendar.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { Checkbox, SelectField } from '../../components/Field.tsx';
import { PageHeader, TableWrap, usePageTitle } from '../../components/ui.tsx';
import { EmptyState, QueryView } from '../../components/States.tsx';
import { useFmps, useProvinces } from '../places/api.ts';
import { cleanQuery, useFlowMap, useSeries, useSummary, type Change, type MapRow, type TopItem } from './api.ts';
import { DEPORTED, DIRECTIONS, countryLabel, routeLabel } from './codes.ts';
import { CountrySelect, Num, Pct } from './components.tsx';
import { SeriesChart } from './SeriesChart.tsx';
import { AlertList, ThresholdsPanel } from './Alerts.tsx';
import { FlowMap } from './map/FlowMap.tsx';
import './flows.css';

export type Scope = { kind: 'province'; code: string } | { kind: 'fmp'; code: string };

/** Days from `from` to `to`, both included. */
const daysBetween = (from: string, to: string) => Math.max(1, Math.round((Date.parse(to) - Date.parse(from)) / 86400_000) + 1);

export function DashboardView({ scope }: { scope?: Scope }) {
  const { t, tOr, locale } = useT();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const fmps = useFmps(); // names of what the figures show
  const provinces = useProvinces();
  // The filters offer only the FMPs and provinces whose figures the user may read.
  const readableFmps = useFmps('flows.read');
  const readableProvinces = useProvinces('flows.read');
  const fmpInfo = scope?.kind === 'fmp' ? fmps.data?.find((f) => f.code === scope.code) : undefined;
  const provinceCode = scope?.kind === 'province' ? scope.code : scope?.kind === 'fmp' ? (fmpInfo?.province_code ?? null) : params.get('province');
  const provinceInfo = provinceCode ? provinces.data?.find((p) => p.code === provinceCode) : undefined;
  const scopeName = scope?.kind === 'fmp' ? nameOf(fmpInfo, locale) || scope.code : scope?.kind === 'province' ? nameOf(provinceInfo, locale) || scope.code : '';
  const title = scope ? scopeName : t('flows.dash.title');
  usePageTitle(title);

  const to = params.get('to') ?? today();
  const from = params.get('from') ?? addDays(to, -29);
  const interval = (params.get('interval') as 'day' | 'week' | 'month') ?? 'day';
  const filters = cleanQuery({
    from,
    to,
    fmp: scope?.kind === 'fmp' ? scope.code : scope ? null : params.get('fmp'),
    province: scope?.kind === 'province' ? scope.code : scope ? null : params.get('province'),
    direction: params.get('direction'),
    nationality: params.get('nationality'),
    deported: params.get('deported'),
    approved_only: params.get('approved_only') === 'true',
  });
  const summary = useSummary(filters);
  const series = useSeries({ ...filters, interval, calendar: locale === 'fa' ? 'jalali' : 'gregorian' });
  const map = useFlowMap(filters);

  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  /** The period and filters, carried to another dashboard page (without FMP and province). */
  const carry = (() => {
    const next = new URLSearchParams(params);
    next.delete('fmp');
    next.delete('province');
    const s = next.toString();
    return s ? `?${s}` : '';
  })();
  const fmpPage = (code: string) => `/flows/dashboard/fmps/${encodeURIComponent(code)}${carry}`;
  const provincePage = (code: string) => `/flows/dashboard/provinces/${encodeURIComponent(code)}${carry}`;
  const provinceName = (code: string) => nameOf(provinces.data?.find((p) => p.code === code), locale) || code;
  const days = daysBetween(from, to);
  // On a phone the filters start folded (the period is in the subtitle); on wider screens, open.
  const [filtersOpen] = useState(() => window.matchMedia?.('(min-width: 48rem)').matches ?? true);
  const activeFilters = (scope ? ['direction', 'nationality', 'deported', 'approved_only'] : ['fmp', 'province', 'direction', 'nationality', 'deported', 'approved_only']).filter((k) => params.get(k)).length;

  /** The map's rows within the scope. */
  const inScope = (rows: MapRow[]) => (scope?.kind === 'fmp' ? rows.filter((r) => r.fmp === scope.code) : scope?.kind === 'province' ? rows.filter((r) => r.province_code === scope.code) : rows);
  const scopeFmps = scope?.kind === 'fmp' ? [scope.code] : scope?.kind === 'province' ? (fmps.data ?? []).filter((f) => f.province_code === scope.code).map((f) => f.code) : null;

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

  const subtitle = (
    <>
      {t('flows.dash.subtitle', { from: formatDate(from, locale), to: formatDate(to, locale) })}
      {scope?.kind === 'fmp' && provinceCode && (
        <>
          {' · '}
          <Link to={provincePage(provinceCode)}>{provinceName(provinceCode)}</Link>
        </>
      )}
      {scope?.kind === 'fmp' && fmpInfo && !fmpInfo.active && <> · {t('flows.dash.fmpClosed')}</>}
    </>
  );

  // A page for a point or province that does not exist (or that the user may not see).
  const unknownScope = scope && (scope.kind === 'fmp' ? fmps.data && !fmpInfo : provinces.data && !provinceInfo);
  if (unknownScope)
    return (
      <section className="page">
        <PageHeader back={{ to: '/flows/dashboard', label: t('flows.dash.title') }} title={scope.code} />
        <EmptyState>{t(scope.kind === 'fmp' ? 'flows.dash.unknownFmp' : 'flows.dash.unknownProvince', { code: scope.code })}</EmptyState>
      </section>
    );

  return (
    <section className="page" data-testid={scope ? `flows-${scope.kind}-page` : 'flows-dashboard'}>
      <PageHeader
        back={scope ? { to: `/flows/dashboard${carry}`, label: t('flows.dash.title') } : undefined}
        title={title}
        subtitle={subtitle}
        actions={
          <div className="row-actions">
            {scope?.kind === 'province' && (
              <Link className="btn btn-small" to={`/places/provinces/${encodeURIComponent(scope.code)}`}>
                {t('flows.dash.aboutProvince')}
              </Link>
            )}
            {can('flows.export') && (
              <>
                <a className="btn btn-small" href={`/api/v1/flows/export?${exportQuery('csv', 'daily')}`}>
                  {t('flows.export.dailyCsv')}
                </a>
                <a className="btn btn-small" href={`/api/v1/flows/export?${exportQuery('xlsx', 'records')}`}>
                  {t('flows.export.recordsXlsx')}
                </a>
              </>
            )}
          </div>
        }
      />
      <details className="flows-filter-box" open={filtersOpen}>
        <summary>
          {t('flows.dash.filters')}
          {activeFilters > 0 && <span className="muted small"> · {t('flows.dash.activeFilters', { count: activeFilters })}</span>}
        </summary>
      <form className="flows-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('flows.dash.filters')}>
        <DateInput id="dash-from" label={t('flows.dash.from')} value={from} onChange={(iso, valid) => valid && iso && set('from', iso)} />
        <DateInput id="dash-to" label={t('flows.dash.to')} value={to} onChange={(iso, valid) => valid && iso && set('to', iso)} />
        {!scope && (
          <SelectField label={t('flows.fields.fmp')} value={params.get('fmp') ?? ''} onChange={(v) => set('fmp', v)} placeholder={t('flows.common.all')} options={sortByName(readableFmps.data ?? [], locale).map((f) => ({ value: f.code, label: nameOf(f, locale) }))} data-testid="dash-fmp" />
        )}
        {!scope && (
          <SelectField label={t('flows.fields.province')} value={params.get('province') ?? ''} onChange={(v) => set('province', v)} placeholder={t('flows.common.all')} options={sortByName(readableProvinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))} data-testid="dash-province" />
        )}
        <SelectField label={t('flows.fields.direction')} value={params.get('direction') ?? ''} onChange={(v) => set('direction', v)} placeholder={t('flows.common.all')} options={DIRECTIONS.map((x) => ({ value: x, label: t(`flows.values.direction.${x}`) }))} />
        <CountrySelect label={t('flows.fields.nationality')} value={params.get('nationality') ?? ''} onChange={(v) => set('nationality', v)} placeholder={t('flows.common.all')} withExtra />
        <SelectField label={t('flows.fields.deported')} value={params.get('deported') ?? ''} onChange={(v) => set('deported', v)} placeholder={t('flows.common.all')} options={DEPORTED.map((x) => ({ value: x, label: t(`flows.values.deported.${x}`) }))} />
        <Checkbox label={t('flows.dash.approvedOnly')} checked={params.get('approved_only') === 'true'} onChange={(v) => set('approved_only', v ? 'true' : null)} />
      </form>
      </details>
      {!scope && (params.get('province') || params.get('fmp')) && (
        <p className="row-actions">
          {params.get('fmp') && <Link to={fmpPage(params.get('fmp')!)}>{t('flows.dash.openFmpPage', { name: nameOf(fmps.data?.find((f) => f.code === params.get('fmp')), locale) || params.get('fmp') })}</Link>}
          {params.get('province') && <Link to={provincePage(params.get('province')!)}>{t('flows.dash.openProvincePage', { name: provinceName(params.get('province')!) })}</Link>}
        </p>
      )}

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
              {!scope && (
                <li>
                  <span className="stat-number">
                    <Num v={s.open_alerts} />
                  </span>
                  <span className="stat-label">{t('flows.dash.openAlerts')}</span>
                  <span className="stat-note">{t('flows.dash.openAlertsNote')}</span>
                </li>
              )}
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
              <section data-testid="flows-survey-share">
                <h3>{t('flows.dash.survey')}</h3>
                <ul className="flows-toplist">
                  <li data-testid="flows-ct-self" data-n={s.survey.trafficking_self.n} data-yes={s.survey.trafficking_self.yes}>
                    <span>{t('flows.dash.ctSelf')}</span>
                    <span className="num">
                      <Pct v={s.survey.trafficking_self.share} /> <bdi dir="ltr">({t('flows.dash.n', { n: formatNumber(s.survey.trafficking_self.n, locale) })})</bdi>
                    </span>
                  </li>
                  <li data-testid="flows-ct-family" data-n={s.survey.trafficking_family.n} data-yes={s.survey.trafficking_family.yes}>
                    <span>{t('flows.dash.ctFamily')}</span>
                    <span className="num">
                      <Pct v={s.survey.trafficking_family.share} /> <bdi dir="ltr">({t('flows.dash.n', { n: formatNumber(s.survey.trafficking_family.n, locale) })})</bdi>
                    </span>
                  </li>
                  <li>
                    <span>{t('flows.dash.respondents')}</span>
                    <span className="num">
                      <Num v={s.survey.respondents} testId="flows-respondents" />
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

      {scope?.kind === 'fmp' && (
        <div className="flows-grid">
          <ThresholdsPanel code={scope.code} row={map.data?.find((r) => r.fmp === scope.code)} name={scopeName} province={provinceCode} />
          <section aria-labelledby="alerts-title">
            <h2 id="alerts-title">{t('flows.dash.alerts')}</h2>
            <AlertList filters={filters} search={carry} />
          </section>
        </div>
      )}

      <section aria-labelledby="map-title" className="flows-map-section">
        <h2 id="map-title">{scope?.kind === 'fmp' ? t('flows.map.titleFmp') : t('flows.map.title')}</h2>
        <QueryView query={map}>
          {(rows) => {
            const scoped = inScope(rows);
            const max = Math.max(1, ...scoped.map((r) => Number(r.individuals)));
            const shown = scope ? scoped : scoped.filter((r) => Number(r.individuals) > 0);
            return (
              <div className={scope?.kind === 'fmp' ? undefined : 'flows-map-layout'}>
                <FlowMap rows={scope ? scoped : rows} days={days} province={provinceCode} fmp={scope?.kind === 'fmp' ? scope.code : params.get('fmp')} search={carry} />
                {scope?.kind !== 'fmp' && (
                  <div>
                    <h3 id="fmps-title">{t('flows.dash.byFmp')}</h3>
                    {shown.length === 0 ? (
                      <p className="muted">{scope ? t('flows.map.noFmps') : t('flows.dash.noData')}</p>
                    ) : (
                      <TableWrap label={t('flows.dash.byFmp')}>
                        <table className="table" data-testid="flows-fmp-table">
                          <thead>
                            <tr>
                              <th scope="col">{t('flows.fields.fmp')}</th>
                              <th scope="col">{t('flows.dash.movements')}</th>
                              <th scope="col">{t('flows.dash.groups')}</th>
                              <th scope="col">{t('flows.dash.perDay')}</th>
                              <th scope="col">{t('flows.dash.capacity')}</th>
                            </tr>
                          </thead>
                          <tbody>
                            {shown.map((r) => (
                              <tr key={r.fmp}>
                                <th scope="row">
                                  <Link to={fmpPage(r.fmp)}>{nameOf(r, locale)}</Link>
                                  {!scope && (
                                    <div className="small">
                                      <Link className="muted" to={provincePage(r.province_code)}>
                                        {provinceName(r.province_code)}
                                      </Link>
                                    </div>
                                  )}
                                </th>
                                <td className="num">
                                  <span className="flows-bar" style={{ inlineSize: `${Math.max(0.2, (Number(r.individuals) / max) * 5)}rem` }} aria-hidden="true" /> <Num v={Number(r.individuals)} />
                                </td>
                                <td className="num">
                                  <Num v={Number(r.groups)} />
                                </td>
                                <td className="num">
                                  <Num v={Number(r.individuals) / days} digits={1} />
                                </td>
                                <td className={`num${r.capacity_per_day && Number(r.individuals) / days > Number(r.capacity_per_day) ? ' flows-over' : ''}`}>{r.capacity_per_day ? <Num v={Number(r.capacity_per_day)} /> : '—'}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </TableWrap>
                    )}
                  </div>
                )}
              </div>
            );
          }}
        </QueryView>
      </section>

      {scope?.kind !== 'fmp' && (
        <section aria-labelledby="alerts-title">
          <h2 id="alerts-title">{t('flows.dash.alerts')}</h2>
          <AlertList filters={filters} search={carry} />
          {scope?.kind === 'province' && <p className="muted small">{t('flows.dash.thresholdsOnFmpPage')}</p>}
        </section>
      )}
    </section>
  );
}
