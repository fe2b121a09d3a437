// Loads the GeoJSON, then the map canvas (its own chunk, with maplibre-gl).
import { lazy, Suspense } from 'react';
import { useGeo } from '../../../components/map/geo.ts';
import { LoadingState } from '../../../components/States.tsx';
import type { ProvinceMapProps } from './ProvinceMapCanvas.tsx';

const Canvas = lazy(() => import('./ProvinceMapCanvas.tsx'));

export function ProvinceMap(props: Omit<ProvinceMapProps, 'provinces' | 'countries'>) {
  const provinces = useGeo('provinces');
  const countries = useGeo('countries');
  if (!provinces.data || !countries.data) return <LoadingState />;
  return (
    <div className="provinces-map">
      <Suspense fallback={<LoadingState />}>
        <Canvas {...props} provinces={provinces.data} countries={countries.data} />
      </Suspense>
    </div>
  );
}
