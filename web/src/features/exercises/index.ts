// Simulation exercises (LIVEX / SIMEX): the list, one exercise (design, MSEL and live control,
// the player view, evaluation, after-action report) and the improvement plan across exercises.
// Every page shows the EXERCISE mark. Players hold no permission verb: their role is in the
// exercise itself, so the pages are open to any signed-in user and the API decides.
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const exercises: FeatureModule = {
  id: 'exercises',
  routes: [
    { path: 'exercises', component: lazy(() => import('./pages/Exercises.tsx')) },
    { path: 'exercises/improvements', component: lazy(() => import('./pages/Improvements.tsx')), permission: ['exercises.read', 'exercises.manage'] },
    { path: 'exercises/:code', component: lazy(() => import('./pages/Exercise.tsx')) },
  ],
  nav: [
    {
      to: '/exercises',
      labelId: 'exercises.nav.exercises',
      order: 60,
      children: [
        { to: '/exercises', labelId: 'exercises.nav.list' },
        { to: '/exercises/improvements', labelId: 'exercises.nav.improvements', permission: ['exercises.read', 'exercises.manage'] },
      ],
    },
  ],
};

export default exercises;
