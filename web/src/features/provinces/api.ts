// Provinces data for the web app: profiles, the national comparison, needs and internal mobility.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get, patch, post } from '../../app/api.ts';

export interface Period {
  from?: string | null;
  to?: string | null;
}

export const provincesKeys = {
  all: ['provinces'] as const,
  profile: (code: string, p: Period) => ['provinces', 'profile', code, p.from ?? '', p.to ?? ''] as const,
  comparison: (p: Period) => ['provinces', 'comparison', p.from ?? '', p.to ?? ''] as const,
  needs: (province?: string) => ['provinces', 'needs', province ?? ''] as const,
  rounds: ['provinces', 'mobility', 'rounds'] as const,
  od: (round?: number | null) => ['provinces', 'mobility', 'od', round ?? 0] as const,
};

export const THEMES = ['border_infrastructure', 'reception_capacity', 'protection_services', 'health_at_poe', 'data', 'coordination', 'training'] as const;
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export const NEED_STATUSES = ['identified', 'planned', 'in_progress', 'met', 'dropped'] as const;

export const useProfile = (code: string, p: Period) =>
  useQuery({ queryKey: provincesKeys.profile(code, p), queryFn: ({ signal }) => get<any>(`/api/v1/provinces/${encodeURIComponent(code)}/profile`, { from: p.from, to: p.to }, signal) });
export const useComparison = (p: Period) =>
  useQuery({ queryKey: provincesKeys.comparison(p), queryFn: ({ signal }) => get<{ period: { from: string; to: string }; mobility_round: number | null; provinces: any[] }>('/api/v1/provinces/comparison', { from: p.from, to: p.to }, signal) });
export const useNeeds = (province?: string) => useQuery({ queryKey: provincesKeys.needs(province), queryFn: ({ signal }) => get<any[]>('/api/v1/provinces/needs', { province }, signal) });
export const useRounds = () => useQuery({ queryKey: provincesKeys.rounds, queryFn: ({ signal }) => get<any[]>('/api/v1/provinces/mobility/rounds', undefined, signal) });
export const useOd = (round?: number | null) => useQuery({ queryKey: provincesKeys.od(round), queryFn: ({ signal }) => get<any>('/api/v1/provinces/mobility/od', { round }, signal) });

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: provincesKeys.all });
}
export function useCreateNeed() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (body: unknown) => post<any>('/api/v1/provinces/needs', body), onSuccess: done });
}
export function useUpdateNeed() {
  const done = useInvalidate();
  return useMutation({ mutationFn: ({ id, body }: { id: number; body: unknown }) => patch<any>(`/api/v1/provinces/needs/${id}`, body), onSuccess: done });
}
export function useSaveMovement() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (body: unknown) => post<any>('/api/v1/provinces/mobility/movements', body), onSuccess: done });
}
export function useImportMobility() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (body: { file_name: string; data_base64: string; dry_run?: boolean }) => post<any>('/api/v1/provinces/mobility/import', body), onSuccess: (r) => r?.ok && done() });
}
export const deleteMovement = (id: number) => api(`/api/v1/provinces/mobility/movements/${id}`, { method: 'DELETE' });

/** A chosen file as base64 (for the JSON import routes). */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}
