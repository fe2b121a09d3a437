// Every capability of Marz plugs its routes in here, in one list.
import type { Capability } from './platform/http/app.ts';
import { authCapability } from './platform/auth/routes.ts';
import { adminCapability } from './admin/routes.ts';
import { placesCapability } from './places/routes.ts';
import { flowsCapability } from './flows/routes.ts';
import { governanceCapability } from './governance/routes.ts';
import { capacityCapability } from './capacity/routes.ts';
import { provincesCapability } from './provinces/routes.ts';
import { collectCapability } from './collect/routes.ts';
import { exercisesCapability } from './exercises/routes.ts';
import { protectionCapability } from './protection/routes.ts';

export const capabilities: Capability[] = [authCapability, adminCapability, placesCapability, flowsCapability, governanceCapability, capacityCapability, provincesCapability, collectCapability, exercisesCapability, protectionCapability];
