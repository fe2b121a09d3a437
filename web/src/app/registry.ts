// The feature registry's types. A capability's web code lives in web/src/features/<id>/ and
// exports one FeatureModule from its index.ts; web/src/features/index.ts lists the modules.
// Routes, navigation and home-page widgets come from there: the shell has no list of its own.
import type { ComponentType, LazyExoticComponent } from 'react';

/** One permission, or several of which any one is enough. */
export type PermissionRule = string | string[];

export interface FeatureRoute {
  /** Path without the leading slash, React Router syntax: `places/provinces/:code`. */
  path: string;
  /** The page; use React.lazy(() => import('./pages/X.tsx')) so each page is its own chunk. */
  component: LazyExoticComponent<ComponentType> | ComponentType;
  /** `public`: readable without signing in (the API must allow it too). Default: signed-in users only. */
  access?: 'public' | 'signed-in';
  /** Needed permission(s) (any of them); without it the page says the user may not see it. */
  permission?: PermissionRule;
}

export interface NavItem {
  /** Where the link goes. For an item with children, the first child the user may see is used. */
  to: string;
  /** Message id of the label (from the feature's locales). */
  labelId: string;
  permission?: PermissionRule;
  access?: 'public' | 'signed-in';
  /** Position in the header (smaller first); the shell's Home is 0. */
  order?: number;
  /** Sub-pages: shown as tabs under the header while one of them (or a page below it) is open. */
  children?: NavItem[];
}

export interface HomeWidget {
  id: string;
  component: LazyExoticComponent<ComponentType> | ComponentType;
  permission?: PermissionRule;
  access?: 'public' | 'signed-in';
  order?: number;
}

export interface FeatureModule {
  /** Folder name, also the top-level key of the feature's messages (`places.…`). */
  id: string;
  routes: FeatureRoute[];
  nav?: NavItem[];
  home?: HomeWidget[];
}

export interface Viewer {
  permissions: string[];
}

/** Whether a (possibly signed-out) viewer may see something with this access and permission. */
export function allowed(viewer: Viewer | null, rule: { permission?: PermissionRule; access?: 'public' | 'signed-in' }): boolean {
  if (!viewer) return rule.access === 'public' && !rule.permission;
  if (!rule.permission) return true;
  const list = Array.isArray(rule.permission) ? rule.permission : [rule.permission];
  return list.some((p) => viewer.permissions.includes(p));
}

/** The nav items a viewer may see (items with children keep only allowed children). */
export function visibleNav(items: NavItem[], viewer: Viewer | null): NavItem[] {
  const out: NavItem[] = [];
  for (const item of items) {
    if (item.children?.length) {
      const children = visibleNav(item.children, viewer);
      if (children.length && allowed(viewer, item)) out.push({ ...item, to: children[0]!.to, children });
    } else if (allowed(viewer, item)) out.push(item);
  }
  return out.sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
}
