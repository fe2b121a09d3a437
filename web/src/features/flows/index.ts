// Flow monitoring (IOM DTM): FMR entry and the survey (FMS) with offline queues, dashboard with
// map, province and FMP pages, alerts and thresholds, review, imports with mappings, exports,
// survey question configuration.
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const flows: FeatureModule = {
  id: 'flows',
  routes: [
    { path: 'flows/entry', component: lazy(() => import('./pages/Entry.tsx')), permission: 'flows.submit' },
    { path: 'flows/survey', component: lazy(() => import('./pages/Survey.tsx')), permission: 'flows.submit' },
    { path: 'flows/questions', component: lazy(() => import('./pages/SurveyQuestions.tsx')), permission: 'flows.manage' },
    { path: 'flows/dashboard', component: lazy(() => import('./pages/Dashboard.tsx')), permission: 'flows.read' },
    { path: 'flows/dashboard/provinces/:code', component: lazy(() => import('./pages/ProvinceDashboard.tsx')), permission: 'flows.read' },
    { path: 'flows/dashboard/fmps/:code', component: lazy(() => import('./pages/FmpDashboard.tsx')), permission: 'flows.read' },
    { path: 'flows/review', component: lazy(() => import('./pages/Review.tsx')), permission: 'flows.review' },
    { path: 'flows/import', component: lazy(() => import('./pages/Import.tsx')), permission: 'flows.import' },
    { path: 'flows/mappings', component: lazy(() => import('./pages/Mappings.tsx')), permission: 'flows.import' },
  ],
  nav: [
    {
      to: '/flows/dashboard',
      labelId: 'flows.nav.flows',
      order: 30,
      children: [
        { to: '/flows/dashboard', labelId: 'flows.nav.dashboard', permission: 'flows.read' },
        { to: '/flows/entry', labelId: 'flows.nav.entry', permission: 'flows.submit' },
        { to: '/flows/survey', labelId: 'flows.nav.survey', permission: 'flows.submit' },
        { to: '/flows/review', labelId: 'flows.nav.review', permission: 'flows.review' },
        { to: '/flows/import', labelId: 'flows.nav.import', permission: 'flows.import' },
        { to: '/flows/mappings', labelId: 'flows.nav.mappings', permission: 'flows.import' },
        { to: '/flows/questions', labelId: 'flows.nav.questions', permission: 'flows.manage' },
      ],
    },
  ],
  home: [{ id: 'flows-queue', component: lazy(() => import('./components.tsx')), permission: 'flows.submit', order: 5 }],
};

export default flows;
