// ODK Collect and KoboCollect: device links (QR codes Collect scans) for the field teams who
// fill Marz's forms in those apps. The offline web app's device data lives here too
// (deviceData.ts: what the device keeps for the signed-in user and wipes at sign-out).
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const collect: FeatureModule = {
  id: 'collect',
  routes: [{ path: 'flows/collect', component: lazy(() => import('./pages/Devices.tsx')), permission: 'flows.submit' }],
};

export default collect;
