// The GeoJSON both maps are drawn on (Iran's provinces and the countries around), fetched once
// and cached for the session. Kept apart from baseMap.ts so that a page can load it before
// MapLibre (which comes lazily with the map itself).
import { useQuery } from '@tanstack/react-query';
import { get } from '../../app/api.ts';
import type { Geometry } from './geometry.ts';

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: Record<string, any>; geometry: Geometry }[];
}

export const useGeo = (name: 'provinces' | 'countries') =>
  useQuery({ queryKey: ['places', 'geo', name], queryFn: ({ signal }) => get<FeatureCollection>(`/api/v1/places/geo/${name}.geojson`, undefined, signal), staleTime: Infinity });
