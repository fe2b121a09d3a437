// Tables and labels shared by the places pages.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useT } from '../../app/useT.ts';
import { formatCoord, formatDate } from '../../app/format.ts';
import { nameOf, type Fmp, type PointOfEntry } from '../../app/types.ts';
import { Badge, TableWrap } from '../../components/ui.tsx';
import { KIND_COLOURS, usePlaceIndex } from './api.ts';

export function KindLabel({ kind }: { kind: string }) {
  const { tOr } = useT();
  return (
    <span className="kind">
      <span className="kind-dot" style={{ background: KIND_COLOURS[kind] ?? '#555' }} aria-hidden="true" />
      {tOr(`places.kinds.${kind}`, kind)}
    </span>
  );
}

export function FmpStatus({ fmp }: { fmp: Fmp }) {
  const { t } = useT();
  return fmp.active ? <Badge tone="ok">{t('places.fmps.open')}</Badge> : <Badge tone="neutral">{t('places.fmps.closed')}</Badge>;
}

export function Coords({ lat, lon }: { lat: number | null; lon: number | null }) {
  const { locale } = useT();
  if (lat === null || lon === null) return <>—</>;
  return (
    <span className="coords" dir="ltr">
      {formatCoord(lat, locale)}
      {locale === 'fa' ? '، ' : ', '}
      {formatCoord(lon, locale)}
    </span>
  );
}

export function PoeTable({ rows, label, showProvince = true }: { rows: PointOfEntry[]; label: string; showProvince?: boolean }) {
  const { t, locale } = useT();
  const idx = usePlaceIndex();
  return (
    <TableWrap label={label}>
      <table className="table" data-testid="poe-table">
        <thead>
          <tr>
            <th scope="col">{t('places.fields.name')}</th>
            <th scope="col">{t('places.fields.kind')}</th>
            {showProvince && <th scope="col">{t('places.fields.province')}</th>}
            <th scope="col">{t('places.fields.neighbour')}</th>
            <th scope="col">{t('places.fields.otherSide')}</th>
            <th scope="col">{t('places.fields.coordinates')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <Link to={`/places/points-of-entry/${p.id}`}>{nameOf(p, locale)}</Link>
              </th>
              <td>
                <KindLabel kind={p.kind} />
              </td>
              {showProvince && (
                <td>
                  <Link to={`/places/provinces/${p.province_code}`}>{nameOf(idx.province.get(p.province_code), locale) || p.province_code}</Link>
                </td>
              )}
              <td>{p.neighbour_iso3 ? nameOf(idx.country.get(p.neighbour_iso3), locale) || p.neighbour_iso3 : '—'}</td>
              <td>
                {p.other_side ? (
                  <span lang="en" dir="ltr">
                    {p.other_side}
                  </span>
                ) : (
                  '—'
                )}
              </td>
              <td>
                <Coords lat={p.lat} lon={p.lon} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function FmpTable({ rows, label, actions }: { rows: Fmp[]; label: string; actions?: (f: Fmp) => ReactNode }) {
  const { t, locale } = useT();
  const idx = usePlaceIndex();
  return (
    <TableWrap label={label}>
      <table className="table" data-testid="fmp-table">
        <thead>
          <tr>
            <th scope="col">{t('places.fields.name')}</th>
            <th scope="col">{t('places.fields.code')}</th>
            <th scope="col">{t('places.fields.province')}</th>
            <th scope="col">{t('places.fields.pointOfEntry')}</th>
            <th scope="col">{t('places.fields.openedOn')}</th>
            <th scope="col">{t('places.fields.closedOn')}</th>
            <th scope="col">{t('places.fields.status')}</th>
            {actions && <th scope="col">{t('common.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.code}>
              <th scope="row">{nameOf(f, locale)}</th>
              <td>
                <code dir="ltr">{f.code}</code>
              </td>
              <td>
                <Link to={`/places/provinces/${f.province_code}`}>{nameOf(idx.province.get(f.province_code), locale) || f.province_code}</Link>
              </td>
              <td>{f.point_of_entry_id ? <Link to={`/places/points-of-entry/${f.point_of_entry_id}`}>{nameOf(idx.poe.get(f.point_of_entry_id), locale) || f.point_of_entry_id}</Link> : '—'}</td>
              <td>{formatDate(f.opened_on, locale) || '—'}</td>
              <td>{formatDate(f.closed_on, locale) || '—'}</td>
              <td>
                <FmpStatus fmp={f} />
              </td>
              {actions && <td className="cell-actions">{actions(f)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Arabic-script letters: a text written in Persian. */
export const PERSIAN = /[\u0600-\u06FF]/;

/** A place's note in the reader's language: the Persian translation on Persian pages, else the English
 *  original marked as English (also when an administrator's correction has no translation yet). '' when none. */
export function noteIn(en: string | null | undefined, fa: string | null | undefined, locale: string): ReactNode {
  if (locale === 'fa' && fa) return <span className="place-note">{fa}</span>;
  return en ? (
    <span lang={PERSIAN.test(en) ? 'fa' : 'en'} dir="auto" className="place-note">
      {en}
    </span>
  ) : (
    ''
  );
}
