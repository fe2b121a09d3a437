// The feature registry: every capability's web module, in one list. A team adds its
// capability by creating web/src/features/<id>/ (index.ts exporting a FeatureModule, pages,
// locales/en.json and locales/fa.json) and adding one line here. Routes, navigation, home
// widgets and messages are picked up from there; see docs/WEB.md.
import type { FeatureModule } from '../app/registry.ts';
import places from './places/index.ts';
import admin from './admin/index.ts';
import flows from './flows/index.ts';
import governance from './governance/index.ts';
import exercises from './exercises/index.ts';
import collect from './collect/index.ts';
import provinces from './provinces/index.ts';
import capacity from './capacity/index.ts';
import protection from './protection/index.ts';

export const features: FeatureModule[] = [
  places,
  flows,
  governance,
  collect,
  provinces,
  capacity,
  protection,
  exercises,
  admin,
];
