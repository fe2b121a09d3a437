// One province's profile: flows (the same figures as the flows dashboard for the province),
// open surge alerts, officials trained by agency and sex, needs and their progress, internal
// mobility in and out, governance assessments and the sections other capabilities add; printable
// to PDF in Persian and English.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatDate, formatNumber } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { Badge, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { EmptyState, QueryView } from '../../../components/States.tsx';
import { useProfile, type Period } from '../api.ts';
import { Cards, PeriodPicker } from '../components.tsx';
import '../provinces.css';

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

export default function Profile() {
  const { code = '' } = useParams();
  const { t, tOr, locale } = useT();
  const [period, setPeriod] = useState<Period>({});
  const q = useProfile(code, period);
  usePageTitle(q.data ? nameOf(q.data.province, locale) : t('provinces.profile.title'));
  const num = (v: number | null | undefined) => (v == null ? '—' : formatNumber(v, locale));
  const pdf = (lang: string) => `/api/v1/provinces/${code}/profile.pdf?${new URLSearchParams({ lang, ...(period.from ? { from: period.from } : {}), ...(period.to ? { to: period.to } : {}) })}`;
  return (
    <section className="page">
      <QueryView query={q}>
        {(p) => (
          <>
            <PageHeader
              back={{ to: '/provinces', label: t('provinces.overview.title') }}
              title={t('provinces.profile.heading', { name: nameOf(p.province, locale) })}
              subtitle={t('provinces.period.label', { from: formatDate(p.period.from, locale), to: formatDate(p.period.to, locale) })}
              actions={
                <>
                  <a className="btn" href={pdf('fa')} target="_blank" rel="noopener" data-testid="profile-pdf-fa">
                    {t('provinces.profile.pdfFa')}
                  </a>
                  <a className="btn" href={pdf('en')} target="_blank" rel="noopener">
                    {t('provinces.profile.pdfEn')}
                  </a>
                </>
              }
            />
            <PeriodPicker value={period} onChange={setPeriod} />

            <h2>{t('provinces.profile.flows')}</h2>
            {p.flows ? (
              <Cards
                label={t('provinces.profile.flows')}
                locale={locale}
                items={[
                  [t('provinces.profile.individuals'), p.flows.individuals, 'profile-individuals'],
                  [t('provinces.profile.inflow'), p.flows.flows?.inflow],
                  [t('provinces.profile.outflow'), p.flows.flows?.outflow],
                  [t('provinces.profile.groups'), p.flows.groups],
                  [t('provinces.profile.women'), p.flows.women],
                  [t('provinces.profile.children'), (p.flows.boys ?? 0) + (p.flows.girls ?? 0)],
                ]}
              />
            ) : (
              <EmptyState>{t('provinces.profile.notAllowed')}</EmptyState>
            )}
            <div className="prov-grid">
              <div>
                <h3>{t('provinces.profile.fmps')}</h3>
                {p.fmps.length ? (
                  <ul>
                    {p.fmps.map((f: any) => (
                      <li key={f.code}>{nameOf(f, locale)}</li>
                    ))}
                  </ul>
                ) : (
                  <EmptyState>{t('provinces.profile.none')}</EmptyState>
                )}
              </div>
              <div>
                <h3>{t('provinces.profile.alerts')}</h3>
                {!p.alerts ? (
                  <EmptyState>{t('provinces.profile.notAllowed')}</EmptyState>
                ) : p.alerts.items.length ? (
                  <ul>
                    {p.alerts.items.map((a: any) => (
                      <li key={a.id}>
                        {nameOf(p.fmps.find((f: any) => f.code === a.fmp_code) ?? { name_en: a.fmp_code, name_fa: a.fmp_code }, locale)} · {formatDate(a.day, locale)} · {num(a.movements)}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <EmptyState>{t('provinces.profile.noAlerts')}</EmptyState>
                )}
              </div>
            </div>

            <h2>{t('provinces.profile.trainings')}</h2>
            <Cards
              label={t('provinces.profile.trainings')}
              locale={locale}
              items={[
                [t('provinces.profile.participants'), p.trainings.participants, 'profile-participants'],
                [t('provinces.profile.men'), p.trainings.participants_by_sex.male, 'profile-participants-male'],
                [t('provinces.profile.womenTrained'), p.trainings.participants_by_sex.female, 'profile-participants-female'],
                [t('provinces.profile.trainingCount'), p.trainings.trainings],
              ]}
            />
            {p.trainings.by_agency.length > 0 && (
              <TableWrap label={t('provinces.profile.byAgency')}>
                <table>
                  <thead>
                    <tr>
                      <th>{t('provinces.fields.agency')}</th>
                      <th>{t('provinces.profile.participants')}</th>
                      <th>{t('provinces.profile.men')}</th>
                      <th>{t('provinces.profile.womenTrained')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.trainings.by_agency.map((a: any) => (
                      <tr key={a.agency_code}>
                        <td>{nameOf(a, locale)}</td>
                        <td>{num(a.participants)}</td>
                        <td>{num(a.male)}</td>
                        <td>{num(a.female)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}

            <h2>{t('provinces.profile.needs')}</h2>
            {p.needs.round ? (
              <>
                <p>
                  {t('provinces.profile.needsRound', { round: num(p.needs.round), total: num(p.needs.total), open: num(p.needs.open) })}
                  {p.needs.progress && ' · ' + t('provinces.profile.progress', { carried: num(p.needs.progress.carried_over), fresh: num(p.needs.progress.new), met: num(p.needs.progress.closed_in_previous) })}
                </p>
                <TableWrap label={t('provinces.profile.needs')}>
                  <table>
                    <thead>
                      <tr>
                        <th>{t('provinces.fields.theme')}</th>
                        <th>{t('provinces.fields.title')}</th>
                        <th>{t('provinces.fields.priority')}</th>
                        <th>{t('provinces.fields.status')}</th>
                        <th>{t('provinces.fields.agency')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.needs.items.map((n: any) => (
                        <tr key={n.id}>
                          <td>{t(`provinces.themes.${n.theme}`)}</td>
                          <td dir="auto">{n.title}</td>
                          <td>
                            <Badge tone={n.priority === 'high' ? 'bad' : n.priority === 'medium' ? 'warn' : 'neutral'}>{t(`provinces.priorities.${n.priority}`)}</Badge>
                          </td>
                          <td>{t(`provinces.statuses.${n.status}`)}</td>
                          <td>{n.responsible_agency ? (locale === 'fa' ? n.agency_fa : n.agency_en) : '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              </>
            ) : (
              <EmptyState action={<Link to={`/provinces/needs?province=${code}`}>{t('provinces.needs.title')}</Link>}>{t('provinces.profile.none')}</EmptyState>
            )}

            <h2>{t('provinces.profile.mobility')}</h2>
            {p.mobility.round ? (
              <>
                <Cards
                  label={t('provinces.profile.mobility')}
                  locale={locale}
                  items={[
                    [t('provinces.mobility.arrivals'), p.mobility.arrivals],
                    [t('provinces.mobility.departures'), p.mobility.departures],
                    [t('provinces.mobility.returns'), p.mobility.returns],
                    [t('provinces.mobility.net'), p.mobility.net],
                  ]}
                />
                <p className="muted">{t('provinces.mobility.roundLabel', { round: num(p.mobility.round) })}</p>
                {p.mobility.counties.length > 0 && (
                  <TableWrap label={t('provinces.mobility.counties')}>
                    <table>
                      <thead>
                        <tr>
                          <th>{t('provinces.mobility.county')}</th>
                          <th>{t('provinces.mobility.arrivals')}</th>
                          <th>{t('provinces.mobility.departures')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {p.mobility.counties.map((c: any) => (
                          <tr key={c.county}>
                            <td dir="auto">{c.county}</td>
                            <td>{num(c.arrivals)}</td>
                            <td>{num(c.departures)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableWrap>
                )}
              </>
            ) : (
              <EmptyState>{t('provinces.profile.none')}</EmptyState>
            )}

            <h2>{t('provinces.profile.governance')}</h2>
            {!p.governance ? (
              <EmptyState>{t('provinces.profile.notAllowed')}</EmptyState>
            ) : p.governance.assessments.length ? (
              <ul>
                {p.governance.assessments.map((a: any) => (
                  <li key={a.id}>
                    <Link to={`/governance/assessments/${a.id}`}>{(locale === 'fa' ? a.title_fa || a.title_en : a.title_en || a.title_fa) || a.framework}</Link> · {a.framework} · {tOr(`governance.status.${a.status}`, a.status)}
                  </li>
                ))}
              </ul>
            ) : (
              <EmptyState>{t('provinces.profile.none')}</EmptyState>
            )}

            {Object.entries(p.sections as Record<string, any>).map(([key, data]) =>
              data == null ? null : (
                <section key={key} data-section={key}>
                  <h2>{p.section_titles?.[key]?.[locale] ?? key}</h2>
                  {data.error !== undefined ? (
                    <EmptyState>{t('provinces.profile.unavailable')}</EmptyState>
                  ) : (
                    <dl className="facts">
                      {Object.entries(data)
                        .filter(([, v]) => v == null || typeof v !== 'object')
                        .map(([k, v]) => (
                          <div key={k} className="fact">
                            <dt>{tOr(`provinces.sectionKeys.${k}`, k.replace(/_/g, ' '))}</dt>
                            <dd>{typeof v === 'number' ? num(v) : typeof v === 'string' && isoDay.test(v) ? formatDate(v, locale) : String(v ?? '—')}</dd>
                          </div>
                        ))}
                    </dl>
                  )}
                </section>
              ),
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
