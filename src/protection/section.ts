// The protection section of the province profile (src/provinces/sections.ts): suppressed counts
// of consenting cases in the province by status and by sex, for readers with protection.stats there.
import { registerProfileSection } from '../provinces/sections.ts';
import { can } from '../platform/auth/access.ts';
import { protectionStats, cliTable, K_INTERNAL } from './stats.ts';
import { VERB } from './policy.ts';

export function registerProtectionSection() {
  registerProfileSection({
    key: 'protection',
    title: { en: 'Protection (counter-trafficking)', fa: 'حمایت (مقابله با قاچاق انسان)' },
    order: 60,
    async load(db, { province, from, to, principal }) {
      if (principal && !can(principal, VERB.stats, province)) return null;
      const q = { from, to, province, k: K_INTERNAL };
      const [byStatus, bySex] = await Promise.all([protectionStats(db, { ...q, by: ['status'] }), protectionStats(db, { ...q, by: ['sex'] })]);
      return { k: K_INTERNAL, by_status: cliTable(byStatus), by_sex: cliTable(bySex), total: byStatus.total };
    },
  });
}

// Registered on import, so that every process that loads protection (server or command line) has the section.
registerProtectionSection();
