// Protection (counter-trafficking): screening at a point of entry, cases with field-level
// access, referrals, statistics with disclosure control, case list import, oversight alerts.
// The screening form works online only (nothing about a person is stored in the browser).
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const protection: FeatureModule = {
  id: 'protection',
  routes: [
    { path: 'protection/cases', component: lazy(() => import('./pages/Cases.tsx')), permission: 'protection.read' },
    { path: 'protection/cases/:id', component: lazy(() => import('./pages/CaseDetail.tsx')), permission: ['protection.read', 'protection.break_glass', 'protection.oversee'] },
    { path: 'protection/screen', component: lazy(() => import('./pages/Screen.tsx')), permission: 'protection.screen' },
    { path: 'protection/referrals', component: lazy(() => import('./pages/Referrals.tsx')), permission: 'protection.read' },
    { path: 'protection/stats', component: lazy(() => import('./pages/Stats.tsx')), permission: 'protection.stats' },
    { path: 'protection/import', component: lazy(() => import('./pages/Import.tsx')), permission: 'protection.import' },
    { path: 'protection/alerts', component: lazy(() => import('./pages/Alerts.tsx')), permission: 'protection.oversee' },
  ],
  nav: [
    {
      to: '/protection/cases',
      labelId: 'protection.nav.protection',
      order: 45,
      permission: ['protection.read', 'protection.screen', 'protection.stats', 'protection.oversee'],
      children: [
        { to: '/protection/cases', labelId: 'protection.nav.cases', permission: 'protection.read' },
        { to: '/protection/screen', labelId: 'protection.nav.screen', permission: 'protection.screen' },
        { to: '/protection/referrals', labelId: 'protection.nav.referrals', permission: 'protection.read' },
        { to: '/protection/stats', labelId: 'protection.nav.stats', permission: 'protection.stats' },
        { to: '/protection/import', labelId: 'protection.nav.import', permission: 'protection.import' },
        { to: '/protection/alerts', labelId: 'protection.nav.alerts', permission: 'protection.oversee' },
      ],
    },
  ],
};

export default protection;
