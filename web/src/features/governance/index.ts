// Migration governance: assessments (SDG 10.7.2, MGI and other frameworks) with evidence,
// comments and per-ministry sign-off, dashboards, the GCM objective view, round comparison,
// the profile report, frameworks (import/export) and coordination structures with their workplan.
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const governance: FeatureModule = {
  id: 'governance',
  routes: [
    { path: 'governance/assessments', component: lazy(() => import('./pages/Assessments.tsx')), permission: 'governance.read' },
    { path: 'governance/assessments/:id', component: lazy(() => import('./pages/Assessment.tsx')), permission: 'governance.read' },
    { path: 'governance/frameworks', component: lazy(() => import('./pages/Frameworks.tsx')), permission: 'governance.read' },
    { path: 'governance/coordination', component: lazy(() => import('./pages/Coordination.tsx')), permission: 'governance.read' },
    { path: 'governance/coordination/:id', component: lazy(() => import('./pages/Structure.tsx')), permission: 'governance.read' },
    { path: 'governance/workplan', component: lazy(() => import('./pages/Workplan.tsx')), permission: 'governance.read' },
  ],
  nav: [
    {
      to: '/governance/assessments',
      labelId: 'governance.nav.governance',
      order: 40,
      children: [
        { to: '/governance/assessments', labelId: 'governance.nav.assessments', permission: 'governance.read' },
        { to: '/governance/frameworks', labelId: 'governance.nav.frameworks', permission: 'governance.read' },
        { to: '/governance/coordination', labelId: 'governance.nav.coordination', permission: 'governance.read' },
        { to: '/governance/workplan', labelId: 'governance.nav.workplan', permission: 'governance.read' },
      ],
    },
  ],
  home: [{ id: 'governance-summary', component: lazy(() => import('./HomeWidget.tsx')), permission: 'governance.read', order: 20 }],
};

export default governance;
