// Places data for the web app (also used by other features: province pickers, FMP lists…).
import { useQuery, useQueryClient, useMutation } from '@tanstack/react-query';
import { get, patch, post } from '../../app/api.ts';
import type { Country, Fmp, PointOfEntry, Province, ProvinceDetail } from '../../app/types.ts';

export const placesKeys = {
  all: ['places'] as const,
  provinces: ['places', 'provinces'] as const,
  province: (code: string) => ['places', 'province', code] as const,
  countries: ['places', 'countries'] as const,
  poes: (kind?: string) => ['places', 'points-of-entry', kind ?? 'all'] as const,
  poe: (id: string) => ['places', 'point-of-entry', id] as const,
  fmps: ['places', 'fmps'] as const,
};

const LONG = 10 * 60_000; // reference data changes rarely

/** Provinces; with a permission, only those where the signed-in user holds it (for choice lists). */
export const useProvinces = (usableFor?: string) =>
  useQuery({
    queryKey: usableFor ? [...placesKeys.provinces, usableFor] : placesKeys.provinces,
    queryFn: ({ signal }) => get<Province[]>('/api/v1/places/provinces', usableFor ? { usable_for: usableFor } : undefined, signal),
    staleTime: usableFor ? 60_000 : LONG,
  });
/** The province codes where the signed-in user holds a permission (empty while loading). */
export function useUsableProvinces(permission: string): Set<string> {
  const q = useProvinces(permission);
  return new Set((q.data ?? []).map((p) => p.code));
}
export const useProvince = (code: string) => useQuery({ queryKey: placesKeys.province(code), queryFn: ({ signal }) => get<ProvinceDetail>(`/api/v1/places/provinces/${encodeURIComponent(code)}`, undefined, signal) });
export const useCountries = () => useQuery({ queryKey: placesKeys.countries, queryFn: ({ signal }) => get<Country[]>('/api/v1/places/countries', undefined, signal), staleTime: LONG });
export const usePointsOfEntry = (kind?: string) =>
  useQuery({ queryKey: placesKeys.poes(kind), queryFn: ({ signal }) => get<PointOfEntry[]>('/api/v1/places/points-of-entry', { kind }, signal) });
export const usePointOfEntry = (id: string) =>
  useQuery({ queryKey: placesKeys.poe(id), queryFn: ({ signal }) => get<PointOfEntry & { fmps: Fmp[] }>(`/api/v1/places/points-of-entry/${encodeURIComponent(id)}`, undefined, signal) });
/** FMPs; with a permission, only those in provinces where the signed-in user holds it (for choice lists). */
export const useFmps = (usableFor?: string) =>
  useQuery({ queryKey: usableFor ? [...placesKeys.fmps, usableFor] : placesKeys.fmps, queryFn: ({ signal }) => get<Fmp[]>('/api/v1/places/fmps', usableFor ? { usable_for: usableFor } : undefined, signal) });

/** Lookup tables: province by code, country by ISO3, point of entry by id. */
export function usePlaceIndex() {
  const provinces = useProvinces();
  const countries = useCountries();
  const poes = usePointsOfEntry();
  return {
    province: new Map((provinces.data ?? []).map((p) => [p.code, p])),
    country: new Map((countries.data ?? []).map((c) => [c.iso3, c])),
    poe: new Map((poes.data ?? []).map((p) => [p.id, p])),
    provinces,
    countries,
    poes,
  };
}

export interface FmpInput {
  code: string;
  name_en: string;
  name_fa: string;
  point_of_entry_id?: string | null;
  province_code?: string;
  lat?: number | null;
  lon?: number | null;
  opened_on?: string | null;
  closed_on?: string | null;
}

export function usePlacesMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: placesKeys.all });
  return {
    createFmp: useMutation({ mutationFn: (b: FmpInput) => post<Fmp>('/api/v1/places/fmps', b), onSuccess: done }),
    updateFmp: useMutation({ mutationFn: ({ code, ...b }: Partial<FmpInput> & { code: string }) => patch<Fmp>(`/api/v1/places/fmps/${encodeURIComponent(code)}`, b), onSuccess: done }),
    updatePoe: useMutation({
      mutationFn: ({ id, ...b }: { id: string; lat?: number; lon?: number; coord_method?: string; coord_method_fa?: string }) => patch<PointOfEntry>(`/api/v1/places/points-of-entry/${encodeURIComponent(id)}`, b),
      onSuccess: done,
    }),
  };
}

/** Coordinates accepted for Iran (the API's bounds). */
export const LAT_RANGE = [24, 40.5] as const;
export const LON_RANGE = [43.5, 63.5] as const;

export const POE_KINDS = ['land-road', 'land-road+rail', 'air', 'sea'] as const;
export const KIND_COLOURS: Record<string, string> = { 'land-road': '#c2410c', 'land-road+rail': '#7c2d12', air: '#1d4ed8', sea: '#0f766e' };
export const kindGroup = (kind: string) => (kind.startsWith('land') ? 'land' : kind);
