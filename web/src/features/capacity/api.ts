// Capacity data for the web app: trainings, participants (personal data: read within one's
// provinces and agencies, each read audited by the server) and attendance-sheet imports.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post } from '../../app/api.ts';

export const capacityKeys = {
  all: ['capacity'] as const,
  trainings: ['capacity', 'trainings'] as const,
  training: (code: string) => ['capacity', 'training', code] as const,
  participants: (code: string) => ['capacity', 'participants', code] as const,
};

export const useTrainings = () => useQuery({ queryKey: capacityKeys.trainings, queryFn: ({ signal }) => get<any[]>('/api/v1/capacity/trainings', undefined, signal) });
export const useTraining = (code: string) => useQuery({ queryKey: capacityKeys.training(code), queryFn: ({ signal }) => get<any>(`/api/v1/capacity/trainings/${encodeURIComponent(code)}`, undefined, signal) });
export const useParticipants = (code: string) =>
  useQuery({ queryKey: capacityKeys.participants(code), queryFn: ({ signal }) => get<any[]>(`/api/v1/capacity/trainings/${encodeURIComponent(code)}/participants`, undefined, signal), staleTime: 60_000 });

export function useCreateTraining() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (body: unknown) => post<any>('/api/v1/capacity/trainings', body), onSuccess: () => qc.invalidateQueries({ queryKey: capacityKeys.all }) });
}
export function useImportParticipants(code: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { file_name: string; data_base64: string; title?: string; dry_run?: boolean }) => post<any>(`/api/v1/capacity/trainings/${encodeURIComponent(code)}/import`, body),
    onSuccess: (r) => {
      if (r?.ok) {
        void qc.invalidateQueries({ queryKey: capacityKeys.all });
        void qc.invalidateQueries({ queryKey: ['provinces'] });
      }
    },
  });
}
