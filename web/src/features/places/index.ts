// Places: provinces, points of entry, flow monitoring points and the map.
// Readable without signing in (like the API); corrections need places.manage.
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const places: FeatureModule = {
  id: 'places',
  routes: [
    { path: 'places/provinces', component: lazy(() => import('./pages/Provinces.tsx')), access: 'public' },
    { path: 'places/provinces/:code', component: lazy(() => import('./pages/ProvinceDetail.tsx')), access: 'public' },
    { path: 'places/points-of-entry', component: lazy(() => import('./pages/PointsOfEntry.tsx')), access: 'public' },
    { path: 'places/points-of-entry/:id', component: lazy(() => import('./pages/PointOfEntryDetail.tsx')), access: 'public' },
    { path: 'places/fmps', component: lazy(() => import('./pages/Fmps.tsx')), access: 'public' },
    { path: 'map', component: lazy(() => import('./pages/MapPage.tsx')), access: 'public' },
  ],
  nav: [
    {
      to: '/places/provinces',
      labelId: 'places.nav.places',
      access: 'public',
      order: 10,
      children: [
        { to: '/places/provinces', labelId: 'places.nav.provinces', access: 'public' },
        { to: '/places/points-of-entry', labelId: 'places.nav.pointsOfEntry', access: 'public' },
        { to: '/places/fmps', labelId: 'places.nav.fmps', access: 'public' },
      ],
    },
    { to: '/map', labelId: 'places.nav.map', access: 'public', order: 20 },
  ],
  home: [{ id: 'places-counts', component: lazy(() => import('./PlacesSummary.tsx')), access: 'public', order: 10 }],
};

export default places;
