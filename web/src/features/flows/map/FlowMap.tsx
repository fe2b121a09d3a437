// The dashboard's map: loads the provinces and neighbours (the same cached GeoJSON as the places
// map) and then, lazily and only once the map is near the viewport, MapLibre. The table of FMPs
// next to it carries the same figures for keyboard and screen-reader users.
import { lazy, Suspense } from 'react';
import { useNavigate } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatNumber } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { ErrorState, LoadingState } from '../../../components/States.tsx';
import { useProvinces } from '../../places/api.ts';
import type { MapRow } from '../api.ts';
import { useGeo } from '../../../components/map/geo.ts';
import { useNearViewport } from '../../../components/useNearViewport.ts';

const FlowMapCanvas = lazy(() => import('./FlowMapCanvas.tsx'));

export function FlowMap({ rows, days, province, fmp, search }: { rows: MapRow[]; days: number; province: string | null; fmp: string | null; search: string }) {
  const { t, locale } = useT();
  const navigate = useNavigate();
  const provincesGeo = useGeo('provinces');
  const countriesGeo = useGeo('countries');
  const provinces = useProvinces();
  const [frame, near] = useNearViewport<HTMLDivElement>();
  const failed = [provincesGeo, countriesGeo].find((q) => q.isError);
  const provinceName = (code: string) => nameOf(provinces.data?.find((p) => p.code === code), locale) || code;
  const n = (v: number, digits = 0) => formatNumber(v, locale, { maximumFractionDigits: digits });
  const waiting = (
    <div className="map-frame flows-map-frame map-waiting">
      <LoadingState label={t('flows.map.loading')} />
    </div>
  );
  if (failed) return <ErrorState error={failed.error} retry={() => void failed.refetch()} />;
  if (!near || !provincesGeo.data || !countriesGeo.data) return <div ref={frame}>{waiting}</div>;
  return (
    <Suspense fallback={waiting}>
      <FlowMapCanvas
        provinces={provincesGeo.data}
        countries={countriesGeo.data}
        rows={rows}
        locale={locale}
        province={province}
        fmp={fmp}
        label={t('flows.map.label')}
        labels={{
          fmpLines: (r) => [
            t('flows.map.movements', { n: n(Number(r.individuals)) }),
            t('flows.map.groups', { n: n(Number(r.groups)) }),
            t('flows.map.dailyAverage', { n: n(Number(r.individuals) / Math.max(1, days), 1) }),
            r.capacity_per_day ? t('flows.map.capacity', { n: n(Number(r.capacity_per_day)) }) : '',
            provinceName(r.province_code),
          ],
          provinceLines: (code) => {
            const inside = rows.filter((r) => r.province_code === code);
            return inside.length ? [t('flows.map.provinceMovements', { n: n(inside.reduce((a, r) => a + Number(r.individuals), 0)), fmps: n(inside.length) })] : [t('flows.map.noFmps')];
          },
          provinceName,
          openFmp: t('flows.map.openFmp'),
          openProvince: t('flows.map.openProvince'),
          noWebgl: t('flows.map.noWebgl'),
        }}
        onOpenFmp={(code) => navigate(`/flows/dashboard/fmps/${encodeURIComponent(code)}${search}`)}
        onOpenProvince={(code) => navigate(`/flows/dashboard/provinces/${encodeURIComponent(code)}${search}`)}
      />
    </Suspense>
  );
}
