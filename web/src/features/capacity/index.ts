// Capacity building: trainings and workshops, their participants and attendance sheets,
// tests, evaluations and certificates. Needs capacity.read.
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const capacity: FeatureModule = {
  id: 'capacity',
  routes: [
    { path: 'capacity/trainings', component: lazy(() => import('./pages/Trainings.tsx')), permission: 'capacity.read' },
    { path: 'capacity/trainings/:code', component: lazy(() => import('./pages/Training.tsx')), permission: 'capacity.read' },
  ],
  nav: [{ to: '/capacity/trainings', labelId: 'capacity.nav.trainings', permission: 'capacity.read', order: 47 }],
};

export default capacity;
