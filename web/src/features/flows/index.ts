// Flow monitoring (IOM DTM): FMR entry with an offline queue, dashboard, review, imports and exports.
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const flows: FeatureModule = {
  id: 'flows',
  routes: [
    { path: 'flows/entry', component: lazy(() => import('./pages/Entry.tsx')), permission: 'flows.submit' },
    { path: 'flows/dashboard', component: lazy(() => import('./pages/Dashboard.tsx')), permission: 'flows.read' },
    { path: 'flows/review', component: lazy(() => import('./pages/Review.tsx')), permission: 'flows.review' },
    { path: 'flows/import', component: lazy(() => import('./pages/Import.tsx')), permission: 'flows.import' },
  ],
  nav: [
    {
      to: '/flows/dashboard',
      labelId: 'flows.nav.flows',
      order: 30,
      children: [
        { to: '/flows/dashboard', labelId: 'flows.nav.dashboard', permission: 'flows.read' },
        { to: '/flows/entry', labelId: 'flows.nav.entry', permission: 'flows.submit' },
        { to: '/flows/review', labelId: 'flows.nav.review', permission: 'flows.review' },
        { to: '/flows/import', labelId: 'flows.nav.import', permission: 'flows.import' },
      ],
    },
  ],
  home: [{ id: 'flows-queue', component: lazy(() => import('./components.tsx')), permission: 'flows.submit', order: 5 }],
};

export default flows;
