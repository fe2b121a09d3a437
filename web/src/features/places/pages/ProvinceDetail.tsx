// One province: facts, neighbouring states, points of entry and flow monitoring points.
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatDigits, formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { Facts, PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { EmptyState, QueryView } from '../../../components/States.tsx';
import { useProvince } from '../api.ts';
import { Coords, FmpTable, PoeTable, noteIn } from '../components.tsx';

export default function ProvinceDetail() {
  const { code = '' } = useParams();
  const { t, tOr, locale } = useT();
  const q = useProvince(code);
  usePageTitle(q.data ? nameOf(q.data, locale) : t('places.provinces.title'));
  const back = { to: '/places/provinces', label: t('places.provinces.title') };

  return (
    <section className="page">
      <QueryView query={q}>
        {(p) => (
          <>
            <PageHeader
              back={back}
              title={nameOf(p, locale)}
              subtitle={
                <span lang={locale === 'fa' ? 'en' : 'fa'} dir="auto">
                  {locale === 'fa' ? p.name_en : p.name_fa}
                </span>
              }
              actions={
                <Link className="btn" to={`/map?province=${p.code}`}>
                  {t('places.showOnMap')}
                </Link>
              }
            />
            <Facts
              items={[
                [t('places.fields.code'), <code dir="ltr">{p.code}</code>],
                [t('places.fields.codeBefore2020'), <code dir="ltr">{p.code_before_2020}</code>],
                [t('places.fields.capital'), locale === 'fa' ? p.capital_fa : p.capital_en],
                [t('places.fields.capitalCoordinates'), <Coords lat={p.capital_lat} lon={p.capital_lon} />],
                [t('places.fields.coastline'), p.coastline.map((s) => tOr(`places.seas.${s}`, s)).join(t('common.listSeparator'))],
                [t('places.fields.pointsOfEntryCount'), formatNumber(p.points_of_entry.length, locale)],
                ...(p.notes ? [[t('places.fields.notes'), noteIn(p.notes, p.notes_fa, locale)] as [string, ReactNode]] : []),
              ]}
            />

            <h2>{t('places.provinces.neighbours')}</h2>
            {p.neighbours.length ? (
              <ul className="chips">
                {sortByName(p.neighbours, locale).map((c) => (
                  <li key={c.iso3} className="chip">
                    {nameOf(c, locale)} <span className="muted">({tOr(`places.relations.${c.relation.split(' ')[0]}`, c.relation.split(' ')[0]!)})</span>
                  </li>
                ))}
              </ul>
            ) : (
              <EmptyState>{t('places.provinces.noNeighbours')}</EmptyState>
            )}
            {p.neighbours.some((c) => c.maritime) && (
              <dl className="facts" data-testid="maritime-notes">
                {sortByName(p.neighbours.filter((c) => c.maritime), locale).map((c) => (
                  <div key={c.iso3} className="fact">
                    <dt>
                      {t('places.provinces.maritime')}: {nameOf(c, locale)}
                    </dt>
                    <dd>{noteIn(c.maritime, c.maritime_fa, locale)}</dd>
                  </div>
                ))}
              </dl>
            )}

            <h2>{t('places.pointsOfEntry.title')}</h2>
            {p.points_of_entry.length ? (
              <PoeTable rows={sortByName(p.points_of_entry, locale)} label={t('places.pointsOfEntry.title')} showProvince={false} />
            ) : (
              <EmptyState>{t('places.provinces.noPointsOfEntry')}</EmptyState>
            )}

            <h2>{t('places.fmps.title')}</h2>
            {p.fmps.length ? (
              <FmpTable rows={sortByName(p.fmps, locale)} label={t('places.fmps.title')} />
            ) : (
              <EmptyState action={<Link to={`/places/fmps?province=${p.code}`}>{t('places.fmps.manage')}</Link>}>{t('places.provinces.noFmps')}</EmptyState>
            )}
            <p className="muted small">{t('places.provinces.codeNote', { n: formatDigits('2020', locale) })}</p>
          </>
        )}
      </QueryView>
    </section>
  );
}
