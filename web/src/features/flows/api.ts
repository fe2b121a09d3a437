// Flow monitoring data for the web app: types of the API's answers and query hooks.
import { useQuery } from '@tanstack/react-query';
import { get, type Query } from '../../app/api.ts';
import type { FmrRecord } from '@flows/format.ts';

export interface Problem {
  column: string;
  value: string;
  code: string;
  message_en: string;
  message_fa: string;
}

/** A record as the form sends it (the API's raw record: optional fields left out when empty). */
export interface FmrInput {
  id: string;
  fmp: string;
  date: string;
  direction: string;
  nationality: string;
  men: number;
  women: number;
  boys: number;
  girls: number;
  deported: string;
  transport?: string;
  reasons?: string[];
  origin_country?: string;
  origin_admin1?: string;
  destination_country?: string;
  destination_admin1?: string;
  uasc?: number;
  pregnant_lactating?: number;
  elderly?: number;
  disabled?: number;
  medical?: number;
  note?: string;
}

export interface SubmitAnswer {
  created: number;
  duplicates: number;
  invalid: number;
  results: { id: string | null; index?: number; result: 'created' | 'duplicate' | 'invalid'; problems?: Problem[] }[];
}

/** A stored record (GET /api/v1/flows/fmr): the record of the FMR format (src/flows/format.ts), and its review state. */
export interface StoredRecord extends FmrRecord {
  province_code: string;
  status: string;
  review_comment: string | null;
  submitted_at: string;
  source: string;
  version: number;
}

export interface HistoryEntry {
  version: number;
  action: string;
  changes: unknown;
  comment: string | null;
  changed_at: string;
  changed_by: string | null;
}

export interface TopItem {
  value: string;
  individuals: number;
  groups: number;
  share: number | null;
}

export interface Change {
  current: number;
  previous: number;
  change: number | null;
}

export interface Summary {
  period: { from: string; to: string; days: number };
  counted: string;
  individuals: number;
  groups: number;
  men: number;
  women: number;
  boys: number;
  girls: number;
  flows: { inflow: number; outflow: number; in_out_ratio: number | null };
  shares: { men: number | null; women: number | null; boys: number | null; girls: number | null };
  deported: { yes: number; no: number; unknown: number; share_deported: number | null; share_spontaneous: number | null };
  average_group_size: number | null;
  daily_average: number;
  daily_average_per_fmp: number | null;
  per_fmp: { fmp: string; individuals: number; groups: number; daily_average: number }[];
  change: { week_on_week: Change; month_on_month: Change };
  top: { nationalities: TopItem[]; reasons: TopItem[]; transport: TopItem[]; origins: TopItem[]; destinations: TopItem[]; routes: TopItem[] };
  survey: { respondents: number; trafficking_self: { n: number; yes: number; share: number | null }; trafficking_family: { n: number; yes: number; share: number | null } };
  open_alerts: number;
}

export interface SeriesPoint {
  period: string;
  start: string;
  inflow: number;
  outflow: number;
  groups: number;
  individuals: number;
}

export interface MapRow {
  fmp: string;
  name_en: string;
  name_fa: string;
  province_code: string;
  lat: number | null;
  lon: number | null;
  capacity_per_day: number | null;
  individuals: number;
  groups: number;
  /** Not (yet) sent by the server: read when present (see Thresholds in components/Alerts.tsx). */
  alert_daily_above?: number | string | null;
  alert_multiple?: number | string | null;
  alert_window_days?: number | null;
  alert_min_movements?: number | null;
}

/** An FMP's capacity and surge thresholds (PATCH /api/v1/flows/fmps/:code/thresholds). */
export interface Thresholds {
  capacity_per_day: number | null;
  alert_daily_above: number | null;
  alert_multiple: number | null;
  alert_window_days: 7 | 28;
  /** A multiple-of-the-average alert needs at least this many movements on the day. */
  alert_min_movements?: number;
}

export interface Alert {
  id: number;
  fmp: string;
  name_en: string;
  name_fa: string;
  day: string;
  kind: string;
  movements: number;
  limit_value: number | null;
  trailing_average: number | null;
  raised_at: string;
  acknowledged_at: string | null;
}

/** Consecutive alert days of one FMP (GET /api/v1/flows/alerts/episodes). */
export interface AlertEpisode {
  fmp: string;
  name_en: string;
  name_fa: string;
  province_code: string;
  first_day: string;
  last_day: string;
  days: number;
  peak: number;
  peak_day: string;
  kinds: string[];
  alerts: number;
  open: number;
  ids: number[];
  acknowledged_at: string | null;
  comment: string | null;
}

export interface AlertEpisodes {
  open_alerts: number;
  open_episodes: number;
  episodes: AlertEpisode[];
}

export interface ImportProblem {
  file: string;
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  message_en: string;
  message_fa: string;
}

export interface ImportJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  progress: { bytes: number; totalBytes: number; rows: number };
  report: {
    file: string;
    dry_run: boolean;
    ok: boolean;
    rows: number;
    added: number;
    present: number;
    refused?: number;
    skip_invalid?: boolean;
    problem_count: number;
    problems: ImportProblem[];
    import_id: number | null;
    errors_file_truncated?: boolean;
  } | null;
  error: string | null;
  /** The refused rows can be downloaded (…/jobs/{id}/errors.csv). */
  errors_file?: boolean;
}

/** A survey question (configuration: GET /api/v1/flows/fms/questions). */
export interface Question {
  code: string;
  module: QuestionModule;
  kind: QuestionKind;
  options: { code: string; en: string; fa: string }[];
  text_en: string;
  text_fa: string;
  required: boolean;
  position: number;
  active: boolean;
}
export const MODULES = ['profile', 'journey', 'intentions', 'needs', 'trafficking_self', 'trafficking_family'] as const;
export type QuestionModule = (typeof MODULES)[number];
export const KINDS = ['single', 'multi', 'number', 'text', 'yes_no_refused', 'country'] as const;
export type QuestionKind = (typeof KINDS)[number];

export type Answer = string | number | string[];

/** An interview as sent (POST /api/v1/flows/fms). */
export interface InterviewInput {
  id: string;
  fmp: string;
  date: string;
  direction: 'in' | 'out';
  sex: 'male' | 'female' | 'other';
  age: number;
  nationality: string;
  answers: Record<string, Answer>;
}

/** People who refused or were already interviewed at an FMP on a day (totals, POST /api/v1/flows/fms/nonresponse). */
export interface NonResponse {
  fmp: string;
  date: string;
  refused: number;
  already_interviewed: number;
}

/** A saved import mapping (GET /api/v1/flows/mappings). */
export interface SavedMapping {
  name: string;
  mapping: unknown;
  updated_at: string;
}

export const flowsKeys = {
  all: ['flows'] as const,
  summary: (q: Query) => ['flows', 'summary', q] as const,
  series: (q: Query) => ['flows', 'series', q] as const,
  map: (q: Query) => ['flows', 'map', q] as const,
  alerts: ['flows', 'alerts'] as const,
  records: (q: Query) => ['flows', 'records', q] as const,
  record: (id: string) => ['flows', 'record', id] as const,
  mappings: ['flows', 'mappings'] as const,
  questions: ['flows', 'fms', 'questions'] as const,
};

export const useSummary = (q: Query) => useQuery({ queryKey: flowsKeys.summary(q), queryFn: ({ signal }) => get<Summary>('/api/v1/flows/summary', q, signal), staleTime: 0 });
export const useSeries = (q: Query) => useQuery({ queryKey: flowsKeys.series(q), queryFn: ({ signal }) => get<SeriesPoint[]>('/api/v1/flows/series', q, signal), staleTime: 0 });
export const useFlowMap = (q: Query) => useQuery({ queryKey: flowsKeys.map(q), queryFn: ({ signal }) => get<MapRow[]>('/api/v1/flows/map', q, signal), staleTime: 0 });
/** An example mapping shipped with Marz (GET /api/v1/flows/mappings/examples). */
export interface ExampleMapping {
  file: string;
  name: string;
  description: string;
  mapping: unknown;
}
export const useExampleMappings = () => useQuery({ queryKey: [...flowsKeys.mappings, 'examples'], queryFn: ({ signal }) => get<ExampleMapping[]>('/api/v1/flows/mappings/examples', undefined, signal), staleTime: Infinity });
export const useAlertEpisodes = (q: Query) => useQuery({ queryKey: [...flowsKeys.alerts, 'episodes', q], queryFn: ({ signal }) => get<AlertEpisodes>('/api/v1/flows/alerts/episodes', q, signal), staleTime: 0 });
export const useAlerts = (limit = 20) => useQuery({ queryKey: [...flowsKeys.alerts, limit], queryFn: ({ signal }) => get<Alert[]>('/api/v1/flows/alerts', { limit }, signal) });
export const useRecords = (q: Query) => useQuery({ queryKey: flowsKeys.records(q), queryFn: ({ signal }) => get<{ total: number; records: StoredRecord[] }>('/api/v1/flows/fmr', q, signal), staleTime: 0 });
export const useRecord = (id: string | null) =>
  useQuery({ queryKey: flowsKeys.record(id ?? ''), enabled: !!id, queryFn: ({ signal }) => get<StoredRecord & { history: HistoryEntry[] }>(`/api/v1/flows/fmr/${id}`, undefined, signal), staleTime: 0 });
export const useMappings = () => useQuery({ queryKey: flowsKeys.mappings, queryFn: ({ signal }) => get<SavedMapping[]>('/api/v1/flows/mappings', undefined, signal) });

/** Drops empty values so that a filter object becomes a query string. */
export function cleanQuery(q: Record<string, string | undefined | null | boolean>): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '' && v !== false) out[k] = v === true ? 'true' : v;
  return out;
}
