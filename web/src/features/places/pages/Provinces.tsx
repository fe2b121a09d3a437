// Iran's 31 provinces, sorted by name in the interface language (Persian collation in Persian).
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { searchKey } from '../../../app/text.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView, EmptyState } from '../../../components/States.tsx';
import { TextField } from '../../../components/Field.tsx';
import { useCountries, useProvinces } from '../api.ts';

export default function Provinces() {
  const { t, tOr, locale } = useT();
  usePageTitle(t('places.provinces.title'));
  const q = useProvinces();
  const countries = useCountries();
  const [filter, setFilter] = useState('');
  const country = useMemo(() => new Map((countries.data ?? []).map((c) => [c.iso3, c])), [countries.data]);

  return (
    <section className="page">
      <PageHeader title={t('places.provinces.title')} subtitle={t('places.provinces.subtitle')} />
      <QueryView query={q} empty={t('places.provinces.empty')}>
        {(rows) => {
          const k = searchKey(filter);
          const sorted = sortByName(rows, locale).filter(
            (p) => !k || [p.name_en, p.name_fa, p.capital_en, p.capital_fa, p.code].some((s) => searchKey(s).includes(k)),
          );
          return (
            <>
              <div className="toolbar">
                <TextField type="search" className="grow" label={t('common.filter')} value={filter} onChange={setFilter} placeholder={t('places.provinces.filterPlaceholder')} />
                <p className="count" aria-live="polite">
                  {t('common.shownOf', { shown: formatNumber(sorted.length, locale), total: formatNumber(rows.length, locale) })}
                </p>
              </div>
              {sorted.length === 0 ? (
                <EmptyState>{t('common.noMatches')}</EmptyState>
              ) : (
                <TableWrap label={t('places.provinces.title')}>
                  <table className="table" data-testid="provinces-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('places.fields.name')}</th>
                        <th scope="col">{t('places.fields.capital')}</th>
                        <th scope="col">{t('places.fields.code')}</th>
                        <th scope="col">{t('places.fields.landBorders')}</th>
                        <th scope="col">{t('places.fields.coastline')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {sorted.map((p) => (
                        <tr key={p.code}>
                          <th scope="row">
                            <Link to={`/places/provinces/${p.code}`}>{nameOf(p, locale)}</Link>
                            <span className="other-name" lang={locale === 'fa' ? 'en' : 'fa'} dir="auto">
                              {locale === 'fa' ? p.name_en : p.name_fa}
                            </span>
                          </th>
                          <td>{locale === 'fa' ? p.capital_fa : p.capital_en}</td>
                          <td>
                            <code dir="ltr">{p.code}</code>
                          </td>
                          <td>{p.land_border_with.map((c) => nameOf(country.get(c), locale) || c).join(t('common.listSeparator')) || '—'}</td>
                          <td>{p.coastline.map((s) => tOr(`places.seas.${s}`, s)).join(t('common.listSeparator')) || '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              )}
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
