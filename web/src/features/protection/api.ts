// Protection API hooks and the codes the pages show.
import { useQuery } from '@tanstack/react-query';
import { get, post } from '../../app/api.ts';
import type { SessionUser } from '../../app/types.ts';
import { useT } from '../../app/useT.ts';

export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
export const STATUSES = ['possible', 'presumed', 'confirmed', 'not_victim'] as const;
export const EXPLOITATION = ['forced_labour', 'sexual', 'forced_marriage', 'forced_criminality', 'begging', 'organ_removal', 'other'] as const;
export const SERVICES = ['shelter', 'medical', 'legal', 'psychosocial', 'return_reintegration', 'case_management'] as const;
export const PILLARS = ['identification', 'support', 'inclusion', 'justice'] as const;
export const FIELD_GROUPS = ['identity', 'exploitation_detail', 'perpetrator'] as const;
export const OUTCOMES = ['no_concern', 'possible_victim', 'urgent'] as const;
export const URGENT_REASONS = ['child', 'medical', 'safety'] as const;
export const DIMENSIONS = ['province', 'fmp', 'nationality', 'sex', 'age_band', 'exploitation', 'status', 'month', 'referral_outcome'] as const;
export const CLOSURE_REASONS = ['services_completed', 'not_victim', 'transferred_out', 'returned', 'lost_contact', 'declined_assistance', 'deceased', 'other'] as const;

export interface CaseRow {
  id: string;
  owner_agency_id: number;
  province: string;
  fmp: string | null;
  screened_on: string;
  sex: string;
  age: number | null;
  age_band: string;
  nationality: string | null;
  status: string;
  exploitation: string[];
  given_name?: string | null;
  family_name?: string | null;
  exploitation_detail?: string | null;
  perpetrator?: string | null;
  hidden_fields: string[];
  closed_at: string | null;
  closure_reason: string | null;
  legal_hold: boolean;
  anonymised: boolean;
}

export interface Indicator {
  code: string;
  list: string;
  label_en: string;
  label_fa: string;
}

export const protectionKeys = {
  cases: (q: Record<string, string>) => ['protection', 'cases', q] as const,
  case: (id: string) => ['protection', 'case', id] as const,
  referrals: (box: string, overdue: boolean) => ['protection', 'referrals', box, overdue] as const,
  stats: (q: Record<string, string>) => ['protection', 'stats', q] as const,
  alerts: ['protection', 'alerts'] as const,
  indicators: ['protection', 'indicators'] as const,
};

/** The case list; with a name, a search by POST (a name never goes into an address). */
export const useCases = ({ name, ...q }: Record<string, string>) =>
  useQuery({
    queryKey: protectionKeys.cases({ name: name ?? '', ...q }),
    queryFn: ({ signal }) => (name ? post<{ items: CaseRow[] }>('/api/v1/protection/cases/search', { name, ...Object.fromEntries(Object.entries(q).filter(([, v]) => v)) }) : get<{ items: CaseRow[] }>('/api/v1/protection/cases', q, signal)),
  });
export const useCase = (id: string) => useQuery({ queryKey: protectionKeys.case(id), queryFn: ({ signal }) => get<any>(`/api/v1/protection/cases/${id}`, undefined, signal), retry: false });
export const useIndicators = () => useQuery({ queryKey: protectionKeys.indicators, queryFn: ({ signal }) => get<{ indicators: Indicator[] }>('/api/v1/protection/indicators', undefined, signal), staleTime: 60 * 60_000 });

/** Agencies for which the user holds a verb (from the session's assignments). */
export function agenciesWith(user: SessionUser | null, verb: string): number[] {
  if (!user) return [];
  return [...new Set(user.assignments.filter((a) => a.permissions.includes(verb)).flatMap((a) => a.agency_ids))];
}

/** Texts Marz itself records (e.g. the authority of a screening's status) are codes "system:…", shown translated. */
export function useSystemText() {
  const { tOr } = useT();
  return (v: string | null | undefined) => (v && v.startsWith('system:') ? tOr(`protection.systemText.${v.slice(7)}`, v.slice(7)) : (v ?? ''));
}
