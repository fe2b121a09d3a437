// Home-page widget: how many provinces, points of entry and flow monitoring points there are.
import { Link } from 'react-router';
import { useT } from '../../app/useT.ts';
import { formatNumber } from '../../app/format.ts';
import { ErrorState } from '../../components/States.tsx';
import { useFmps, usePointsOfEntry, useProvinces } from './api.ts';

export default function PlacesSummary() {
  const { t, locale } = useT();
  const provinces = useProvinces();
  const poes = usePointsOfEntry();
  const fmps = useFmps();
  const failed = [provinces, poes, fmps].find((q) => q.isError);
  if (failed) return <ErrorState error={failed.error} retry={() => void failed.refetch()} />;
  const land = poes.data?.filter((p) => p.kind.startsWith('land')).length;
  const stats = [
    { id: 'provinces', to: '/places/provinces', n: provinces.data?.length, label: t('places.summary.provinces'), note: null },
    { id: 'crossings', to: '/places/points-of-entry', n: poes.data?.length, label: t('places.summary.pointsOfEntry'), note: land !== undefined ? t('places.summary.landCrossings', { n: formatNumber(land, locale) }) : null },
    { id: 'fmps', to: '/places/fmps', n: fmps.data?.length, label: t('places.summary.fmps'), note: fmps.data ? t('places.summary.fmpsOpen', { n: formatNumber(fmps.data.filter((f) => f.active).length, locale) }) : null },
  ];
  return (
    <section className="widget" aria-labelledby="places-summary-title">
      <h2 id="places-summary-title">{t('places.summary.title')}</h2>
      <ul className="stats">
        {stats.map((s) => (
          <li key={s.id} className="stat" data-testid={`count-${s.id}`}>
            <Link to={s.to}>
              <span className="stat-number" aria-busy={s.n === undefined}>
                {s.n === undefined ? '…' : formatNumber(s.n, locale)}
              </span>
              <span className="stat-label">{s.label}</span>
              {s.note && <span className="stat-note">{s.note}</span>}
            </Link>
          </li>
        ))}
      </ul>
      <p>
        <Link to="/map">{t('places.summary.openMap')}</Link>
      </p>
    </section>
  );
}
