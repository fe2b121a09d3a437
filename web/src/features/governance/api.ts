// Governance data for the web app: the shapes of /api/v1/governance answers and query hooks.
import { useQuery } from '@tanstack/react-query';
import { api, get, type Query } from '../../app/api.ts';
import type { Locale } from '../../app/types.ts';

export const G = '/api/v1/governance';

export interface Localized {
  en: string;
  fa: string;
}

/** A bilingual text in the interface language (the other language when one is missing). */
export function loc(x: Localized | null | undefined, locale: Locale): string {
  if (!x) return '';
  return locale === 'fa' ? x.fa || x.en : x.en || x.fa;
}

export const STATUSES = ['DRAFT', 'SHARED_WITH_FOCAL_POINTS', 'COMMENTS_ADDRESSED', 'INTERMINISTERIAL_VALIDATION', 'GOVERNMENT_APPROVED', 'PUBLISHED'] as const;
export type Status = (typeof STATUSES)[number];
export const EVIDENCE_KINDS = ['law', 'decree', 'regulation', 'strategy', 'report', 'data_source', 'url', 'file'] as const;
export type Tone = 'positive' | 'partial' | 'negative' | 'neutral' | 'unanswered';

export interface FrameworkVersion {
  version: string;
  shipped: boolean;
  frozen: boolean;
  indicators: number;
  assessments: number;
  created_at: string;
}
export interface FrameworkItem {
  code: string;
  kind: 'assessment' | 'reference';
  title: Localized;
  versions: FrameworkVersion[];
}
export interface NodeView {
  code: string;
  level: 'domain' | 'topic' | 'indicator';
  parent_code: string | null;
  depth: number;
  domain: string;
  texts: Localized;
  question: Localized | null;
  scheme: string | null;
  links: string[];
}
export interface AnswerScheme {
  id: string;
  label?: Localized;
  options: { code: string; label: Localized; value?: number }[];
}
export interface AssessmentRow {
  id: number;
  series_id: number;
  title_en: string;
  title_fa: string;
  scope: 'national' | 'province' | 'city';
  province_code: string | null;
  province_en: string | null;
  province_fa: string | null;
  city_en: string | null;
  city_fa: string | null;
  round_no: number;
  version_no: number;
  previous_round_id: number | null;
  reopened_from_id: number | null;
  status: Status;
  validation_cycle: number;
  created_at: string;
  updated_at: string;
  approved_at: string | null;
  published_at: string | null;
}
export interface AssessmentListItem extends AssessmentRow {
  framework_code: string;
  framework_version: string;
  framework_title_en: string;
  framework_title_fa: string;
  answered: number;
  indicators: number;
}
export interface Answer {
  code: string;
  answer: string | null;
  finding_en: string;
  finding_fa: string;
  highlight: 'good_practice' | 'gap' | null;
  responsible_agency_id: number | null;
  updated_at: string | null;
}
export interface Evidence {
  id: number;
  node_code: string;
  kind: (typeof EVIDENCE_KINDS)[number];
  title: string;
  url: string | null;
  article: string | null;
  issued_on: string | null;
  language: string | null;
  file_name: string | null;
  file_type: string | null;
  file_size: number | null;
  created_at: string;
}
export interface Ministry {
  agency_id: number;
  code: string;
  name_en: string;
  name_fa: string;
  decision: 'SIGNED_OFF' | 'OBJECTED' | null;
  reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
}
export interface Actions {
  edit: boolean;
  /** Coordinators move the assessment, answer every indicator, assign them, remove evidence, resolve comments. */
  coordinate: boolean;
  /** A focal point answers the indicators assigned to this ministry (null: none, or all when coordinating). */
  answer_for: number | null;
  attach: boolean;
  comment: boolean;
  transitions: Status[];
  sign_for: number[];
  reopen: boolean;
  follow_up: boolean;
}
export interface AssessmentDetail {
  assessment: AssessmentRow;
  framework: { code: string; version: string; title: Localized; answer_schemes: AnswerScheme[] };
  nodes: NodeView[];
  answers: Answer[];
  evidence: Evidence[];
  ministries: Ministry[];
  comments: { node_code: string | null; count: number; open: number }[];
  related: { id: number; round_no: number; version_no: number; status: Status; reopened_from_id: number | null; previous_round_id: number | null }[];
  actions: Actions;
}
export interface Comment {
  id: number;
  node_code: string | null;
  parent_id: number | null;
  body: string;
  author_label: string;
  agency_id: number | null;
  created_at: string;
  resolved_at: string | null;
}
export interface ToneCounts {
  indicators: number;
  answered: number;
  positive: number;
  partial: number;
  negative: number;
  neutral: number;
  unanswered: number;
  with_evidence: number;
  evidence_items: number;
}
export interface Brief {
  code: string;
  texts: Localized;
  answer: string | null;
  tone: Tone;
}
export interface DomainProgress extends ToneCounts {
  code: string;
  texts: Localized;
  gaps: Brief[];
  good_practices: Brief[];
}
export interface Scored {
  value: number;
  category: 1 | 2 | 3 | 4;
  label?: Localized;
}
export type Score1072 =
  | { applicable: false }
  | { applicable: true; complete: true; score: { domains: Record<string, Scored>; overall: Scored } }
  | { applicable: true; complete: false; missing: string[]; problems: { message: string }[] };
export interface Dashboard {
  status: Status;
  domains: DomainProgress[];
  total: ToneCounts;
  evidence_coverage: number;
  score_1072: Score1072;
  ministries: Ministry[];
}
export interface GcmView extends ToneCounts {
  code: string;
  kind: 'objective' | 'principle';
  texts: Localized;
  items: (Brief & { domain: string; evidence: number })[];
}
export interface VersionDiff {
  same_version: boolean;
  added: { code: string; texts: Localized; parent: string | null }[];
  removed: { code: string; texts: Localized; parent: string | null }[];
  remapped: { from_code: string; to_code: string; reasons: ('code_changed' | 'moved' | 'links_changed')[]; from_parent: string | null; to_parent: string | null; links_added: string[]; links_removed: string[] }[];
}
export interface Comparison {
  from: { id: number; round_no: number; version_no: number; status: Status; framework_version: string };
  to: { id: number; round_no: number; version_no: number; status: Status; framework_version: string };
  framework: VersionDiff;
  answers: {
    changed: { from_code: string; to_code: string; from_answer: string | null; to_answer: string | null; from_tone: Tone; to_tone: Tone; direction: 'improved' | 'worsened' | 'changed' }[];
    findings_changed: { from_code: string; to_code: string }[];
    unchanged: number;
  };
  evidence: { added: (Evidence & { code: string })[]; removed: (Evidence & { code: string })[] };
  progress: { from: ToneCounts; to: ToneCounts };
  score_1072: { from: Score1072; to: Score1072 };
}
export interface History {
  transitions: { from: string | null; to: string; note: string | null; actor: string; at: string }[];
  signoffs: { agency_id: number; agency_code: string; cycle: number; decision: string; reason: string | null; actor: string; at: string }[];
  changes: { id: number; node_code: string; action: string; changes: Record<string, unknown>; actor_label: string; at: string }[];
}
export interface Structure {
  id: number;
  kind: 'un_network' | 'interministerial' | 'working_group' | 'other';
  level: 'national' | 'provincial';
  province_code: string | null;
  name_en: string;
  name_fa: string;
  description: string;
  terms_of_reference: string;
  members?: number;
  meetings?: number;
  open_actions?: number;
  overdue_actions?: number;
}
export interface Member {
  id: number;
  agency_id: number | null;
  agency_code: string | null;
  agency_en: string | null;
  agency_fa: string | null;
  person_name: string;
  position: string;
  email: string | null;
  phone: string | null;
  focal_person: boolean;
  role: 'chair' | 'co_chair' | 'secretariat' | 'member' | 'observer';
  active: boolean;
}
export interface Meeting {
  id: number;
  held_on: string;
  title: string;
  location: string;
  agenda: string;
  minutes: string;
  attendance: { member_id: number; present: boolean }[];
}
export interface ActionItem {
  id: number;
  structure_id: number;
  structure_en: string;
  structure_fa: string;
  meeting_id: number | null;
  title: string;
  description: string;
  owner_agency_id: number | null;
  owner_agency_en: string | null;
  owner_agency_fa: string | null;
  owner_member_id: number | null;
  owner_person: string | null;
  due_on: string | null;
  status: 'open' | 'in_progress' | 'done' | 'cancelled';
  completed_on: string | null;
  gcm_objectives: number[];
  indicators: string[];
  overdue: boolean;
  days_left: number | null;
}
export interface StructureDetail {
  structure: Structure;
  members: Member[];
  meetings: Meeting[];
  actions: ActionItem[];
  can_manage: boolean;
}
export interface Workplan {
  today: string;
  items: ActionItem[];
  overdue: number;
  by_status: Record<string, number>;
}
export interface Gcm {
  version: string;
  objectives: { code: string; texts: Localized }[];
  principles: { code: string; texts: Localized }[];
}

export const govKeys = {
  all: ['governance'] as const,
  frameworks: ['governance', 'frameworks'] as const,
  version: (code: string, v: string) => ['governance', 'framework', code, v] as const,
  assessments: (q?: Query) => ['governance', 'assessments', q ?? {}] as const,
  assessment: (id: number) => ['governance', 'assessment', id] as const,
  part: (id: number, part: string, extra?: unknown) => ['governance', 'assessment', id, part, extra ?? null] as const,
  coordination: ['governance', 'coordination'] as const,
  structure: (id: number) => ['governance', 'structure', id] as const,
  workplan: (id: number | null, q?: Query) => ['governance', 'workplan', id, q ?? {}] as const,
  gcm: ['governance', 'gcm'] as const,
};

export const useFrameworks = () => useQuery({ queryKey: govKeys.frameworks, queryFn: ({ signal }) => get<FrameworkItem[]>(`${G}/frameworks`, undefined, signal) });
export const useFrameworkVersion = (code: string, version: string, enabled = true) =>
  useQuery({ queryKey: govKeys.version(code, version), queryFn: ({ signal }) => get<{ code: string; version: string; shipped: boolean; frozen: boolean; nodes: NodeView[]; document: { answerSchemes: AnswerScheme[] } }>(`${G}/frameworks/${encodeURIComponent(code)}/versions/${encodeURIComponent(version)}`, undefined, signal), enabled });
export const useAssessments = (q?: Query) => useQuery({ queryKey: govKeys.assessments(q), queryFn: ({ signal }) => get<AssessmentListItem[]>(`${G}/assessments`, q, signal) });
export const useAssessment = (id: number) => useQuery({ queryKey: govKeys.assessment(id), queryFn: ({ signal }) => get<AssessmentDetail>(`${G}/assessments/${id}`, undefined, signal) });
export const useDashboard = (id: number) => useQuery({ queryKey: govKeys.part(id, 'dashboard'), queryFn: ({ signal }) => get<Dashboard>(`${G}/assessments/${id}/dashboard`, undefined, signal) });
export const useGcmView = (id: number) => useQuery({ queryKey: govKeys.part(id, 'gcm'), queryFn: ({ signal }) => get<GcmView[]>(`${G}/assessments/${id}/gcm`, undefined, signal) });
export const useHistory = (id: number) => useQuery({ queryKey: govKeys.part(id, 'history'), queryFn: ({ signal }) => get<History>(`${G}/assessments/${id}/history`, undefined, signal) });
export const useComments = (id: number, code: string | null) =>
  useQuery({ queryKey: govKeys.part(id, 'comments', code), queryFn: ({ signal }) => get<Comment[]>(`${G}/assessments/${id}/comments`, { code: code ?? '' }, signal) });
/** Comparison from one assessment (the earlier round or version) to another. */
export const useComparison = (from: number, to: number | null) =>
  useQuery({ queryKey: govKeys.part(from, 'compare', to), queryFn: ({ signal }) => get<Comparison>(`${G}/assessments/${from}/compare/${to}`, undefined, signal), enabled: to !== null });
export const useStructures = () => useQuery({ queryKey: govKeys.coordination, queryFn: ({ signal }) => get<Structure[]>(`${G}/coordination`, undefined, signal) });
export const useStructure = (id: number) => useQuery({ queryKey: govKeys.structure(id), queryFn: ({ signal }) => get<StructureDetail>(`${G}/coordination/${id}`, undefined, signal) });
export const useWorkplan = (id: number | null, q?: Query) =>
  useQuery({ queryKey: govKeys.workplan(id, q), queryFn: ({ signal }) => get<Workplan>(id === null ? `${G}/workplan` : `${G}/coordination/${id}/workplan`, q, signal) });
export const useGcm = () => useQuery({ queryKey: govKeys.gcm, queryFn: ({ signal }) => get<Gcm>(`${G}/gcm`, undefined, signal), staleTime: Infinity });

export const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });
export const del = <T>(path: string) => api<T>(path, { method: 'DELETE' });

/** Reads a file chosen in an <input type=file> as base64 (without the data: prefix). */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

export const TONE_BADGE: Record<Tone, 'ok' | 'warn' | 'bad' | 'neutral' | 'info'> = { positive: 'ok', partial: 'warn', negative: 'bad', neutral: 'info', unanswered: 'neutral' };
export const STATUS_BADGE: Record<Status, 'ok' | 'warn' | 'bad' | 'neutral' | 'info'> = {
  DRAFT: 'neutral',
  SHARED_WITH_FOCAL_POINTS: 'info',
  COMMENTS_ADDRESSED: 'info',
  INTERMINISTERIAL_VALIDATION: 'warn',
  GOVERNMENT_APPROVED: 'ok',
  PUBLISHED: 'ok',
};

/** The tone of an answer option (same rule as the server's analysis.ts). */
export function toneOf(scheme: AnswerScheme | undefined, code: string | null | undefined): Tone {
  if (!code) return 'unanswered';
  const opt = scheme?.options.find((o) => o.code === code);
  if (!opt) return 'neutral';
  const values = (scheme?.options ?? []).map((o) => o.value).filter((v): v is number => typeof v === 'number');
  if (typeof opt.value === 'number' && values.length >= 2) {
    if (opt.value === Math.max(...values)) return 'positive';
    if (opt.value === Math.min(...values)) return 'negative';
    return 'partial';
  }
  if (['PRESENT', 'YES', 'YES_ALL'].includes(code)) return 'positive';
  if (['PARTIAL', 'YES_LEGAL_ONLY'].includes(code)) return 'partial';
  if (['ABSENT', 'NO'].includes(code)) return 'negative';
  return 'neutral';
}

export function assessmentTitle(a: Pick<AssessmentRow, 'title_en' | 'title_fa'>, locale: Locale): string {
  return locale === 'fa' ? a.title_fa || a.title_en : a.title_en || a.title_fa;
}
