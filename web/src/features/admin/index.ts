// Administration: users and their roles, agencies, roles, and the audit trail.
import { lazy } from 'react';
import type { FeatureModule } from '../../app/registry.ts';

const admin: FeatureModule = {
  id: 'admin',
  routes: [
    { path: 'admin/users', component: lazy(() => import('./pages/Users.tsx')), permission: 'users.manage' },
    { path: 'admin/users/new', component: lazy(() => import('./pages/UserEdit.tsx')), permission: 'users.manage' },
    { path: 'admin/users/:id', component: lazy(() => import('./pages/UserEdit.tsx')), permission: 'users.manage' },
    { path: 'admin/agencies', component: lazy(() => import('./pages/Agencies.tsx')), permission: 'agencies.manage' },
    { path: 'admin/roles', component: lazy(() => import('./pages/Roles.tsx')), permission: 'roles.manage' },
    { path: 'admin/roles/new', component: lazy(() => import('./pages/RoleEdit.tsx')), permission: 'roles.manage' },
    { path: 'admin/roles/:id', component: lazy(() => import('./pages/RoleEdit.tsx')), permission: 'roles.manage' },
    { path: 'admin/audit', component: lazy(() => import('./pages/Audit.tsx')), permission: 'audit.read' },
  ],
  nav: [
    {
      to: '/admin/users',
      labelId: 'admin.nav.admin',
      order: 90,
      children: [
        { to: '/admin/users', labelId: 'admin.nav.users', permission: 'users.manage' },
        { to: '/admin/agencies', labelId: 'admin.nav.agencies', permission: 'agencies.manage' },
        { to: '/admin/roles', labelId: 'admin.nav.roles', permission: 'roles.manage' },
        { to: '/admin/audit', labelId: 'admin.nav.audit', permission: 'audit.read' },
      ],
    },
  ],
};

export default admin;
