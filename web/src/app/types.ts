// Shapes of the API's answers (see the zod schemas in src/**/routes.ts and /api/openapi.json).

export type Locale = 'en' | 'fa';

export interface Assignment {
  role: string;
  agency_ids: number[];
  provinces: string[] | null;
}

export interface SessionUser {
  id: string;
  username: string;
  display_name: string;
  locale: Locale;
  agency_id: number | null;
  permissions: string[];
  assignments: (Assignment & { permissions: string[] })[];
}

export interface Session {
  user: SessionUser;
  csrf_token: string;
}

export interface Province {
  code: string;
  name_en: string;
  name_fa: string;
  capital_en: string;
  capital_fa: string;
  capital_lat: number | null;
  capital_lon: number | null;
  code_before_2020: string;
  hasc: string;
  land_border_with: string[];
  coastline: string[];
  notes?: string | null;
  notes_fa?: string | null;
}

export interface Country {
  iso3: string;
  iso2: string;
  name_en: string;
  name_fa: string;
  relation: string;
  land_border_km: number | null;
  provinces: string[];
  maritime?: string | null;
  maritime_fa?: string | null;
}

export type PoeKind = 'land-road' | 'land-road+rail' | 'air' | 'sea' | string;

export interface PointOfEntry {
  id: string;
  name_en: string;
  name_fa: string;
  kind: PoeKind;
  province_code: string;
  neighbour_iso3: string | null;
  other_side: string | null;
  lat: number;
  lon: number;
  confidence: string | null;
  coord_method: string | null;
  coord_method_fa?: string | null;
  notes: string | null;
  notes_fa?: string | null;
  updated_at: string | null;
}

export interface Fmp {
  code: string;
  name_en: string;
  name_fa: string;
  point_of_entry_id: string | null;
  province_code: string;
  lat: number | null;
  lon: number | null;
  opened_on: string | null;
  closed_on: string | null;
  active: boolean;
}

export interface ProvinceDetail extends Province {
  points_of_entry: PointOfEntry[];
  fmps: Fmp[];
  neighbours: Country[];
}

export interface User {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  locale: string;
  agency_id: number | null;
  active: boolean;
  locked: boolean;
  created_at: string;
  assignments: Assignment[];
}

export interface Agency {
  id: number;
  code: string;
  name_en: string;
  name_fa: string;
  kind: string;
}

export interface Role {
  id: number;
  code: string;
  name_en: string;
  name_fa: string;
  permissions: string[];
  clearance: string;
  builtin: boolean;
}

export interface PermissionInfo {
  code: string;
  description: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  details: unknown;
  request_id: string | null;
  ip: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_before_id: number | null;
}

/** The name of a record in the interface language. */
export function nameOf(x: { name_en: string; name_fa: string } | null | undefined, locale: Locale): string {
  if (!x) return '';
  return locale === 'fa' ? x.name_fa || x.name_en : x.name_en || x.name_fa;
}
