// Provinces: one profile page per province, the national comparison on the map, provincial
// needs assessments and internal mobility (origin–destination). Needs provinces.read.
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const provinces: FeatureModule = {
  id: 'provinces',
  routes: [
    { path: 'provinces', component: lazy(() => import('./pages/Overview.tsx')), permission: 'provinces.read' },
    { path: 'provinces/needs', component: lazy(() => import('./pages/Needs.tsx')), permission: 'provinces.read' },
    { path: 'provinces/mobility', component: lazy(() => import('./pages/Mobility.tsx')), permission: 'provinces.read' },
    { path: 'provinces/:code', component: lazy(() => import('./pages/Profile.tsx')), permission: 'provinces.read' },
  ],
  nav: [
    {
      to: '/provinces',
      labelId: 'provinces.nav.provinces',
      permission: 'provinces.read',
      order: 45,
      children: [
        { to: '/provinces', labelId: 'provinces.nav.overview', permission: 'provinces.read' },
        { to: '/provinces/needs', labelId: 'provinces.nav.needs', permission: 'provinces.read' },
        { to: '/provinces/mobility', labelId: 'provinces.nav.mobility', permission: 'provinces.read' },
      ],
    },
  ],
};

export default provinces;
