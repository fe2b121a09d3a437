// Sections other capabilities add to the province profile. A capability (protection,
// exercises, …) registers a section once at import time; the province profile (page, PDF,
// `marz provinces profile --json`) includes every registered section under its key.
//
//   import { registerProfileSection } from '../provinces/sections.ts';
//   registerProfileSection({
//     key: 'protection',
//     title: { en: 'Protection', fa: 'حمایت' },
//     async load(db, { province, from, to, principal }) { return { ... } | null },
//   });
//
// load() receives the province ISO code (IR-NN), the period (YYYY-MM-DD or null for all
// time) and the signed-in principal (null for the command line, which runs with full rights).
// It must apply its own permission and suppression rules and return a plain JSON object, or
// null when the principal may not see the section or there is nothing to show. A section that
// throws is reported as { error } instead of failing the whole profile.
import type { Queryable } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';

export interface ProfileSectionContext {
  province: string;
  from: string | null;
  to: string | null;
  principal: Principal | null;
}

export interface ProfileSection {
  /** Unique key, used as the property name in the profile JSON (e.g. 'protection'). */
  key: string;
  /** Heading on the page and in the PDF. */
  title?: { en: string; fa: string };
  /** Order on the page (lower first); default 100. */
  order?: number;
  load(db: Queryable, ctx: ProfileSectionContext): Promise<object | null>;
  /**
   * Optional: the section's HTML for the printable page and PDF (escape your own text; in
   * Persian use Persian digits and Jalali dates). Without it the page shows the section's
   * top-level numbers and texts, labelled through `labels` (or the keys) — ISO dates become
   * Jalali and digits Persian in the Persian page.
   */
  render?(data: object, lang: 'en' | 'fa'): string;
  /** Labels for the top-level keys of the section's data, for the default rendering. */
  labels?: { en: Record<string, string>; fa: Record<string, string> };
}

const sections = new Map<string, ProfileSection>();

/** Adds a section; registering the same key again replaces it (module reloads in tests). */
export function registerProfileSection(section: ProfileSection): void {
  if (!/^[a-z][a-z0-9_]*$/.test(section.key)) throw new Error(`Profile section key must be snake_case: ${section.key}`);
  sections.set(section.key, section);
}

export function profileSections(): ProfileSection[] {
  return [...sections.values()].sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.key.localeCompare(b.key));
}

export interface LoadedSection {
  key: string;
  title: { en: string; fa: string } | null;
  section: ProfileSection;
  data: object | null;
  error?: string;
}

/** Loads every registered section for one province; each section independently. */
export async function loadProfileSections(db: Queryable, ctx: ProfileSectionContext): Promise<LoadedSection[]> {
  return Promise.all(
    profileSections().map(async (s) => {
      try {
        return { key: s.key, title: s.title ?? null, section: s, data: await s.load(db, ctx) };
      } catch (e) {
        return { key: s.key, title: s.title ?? null, section: s, data: null, error: (e as Error).message };
      }
    }),
  );
}
