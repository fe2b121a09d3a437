// Administration data: users, agencies, roles, permissions, audit trail.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, patch, post, type Query } from '../../app/api.ts';
import type { Agency, Assignment, AuditPage, PermissionInfo, Role, User } from '../../app/types.ts';

export const adminKeys = {
  users: ['admin', 'users'] as const,
  user: (id: string) => ['admin', 'user', id] as const,
  agencies: ['agencies'] as const,
  roles: ['roles'] as const,
  permissions: ['admin', 'permissions'] as const,
  audit: (q: Query) => ['admin', 'audit', q] as const,
};

export const useUsers = () => useQuery({ queryKey: adminKeys.users, queryFn: ({ signal }) => get<User[]>('/api/v1/users', undefined, signal) });
export const useUser = (id: string | undefined) => useQuery({ queryKey: adminKeys.user(id ?? ''), queryFn: ({ signal }) => get<User>(`/api/v1/users/${id}`, undefined, signal), enabled: !!id });
export const useAgencies = () => useQuery({ queryKey: adminKeys.agencies, queryFn: ({ signal }) => get<Agency[]>('/api/v1/agencies', undefined, signal) });
export const useRoles = () => useQuery({ queryKey: adminKeys.roles, queryFn: ({ signal }) => get<Role[]>('/api/v1/roles', undefined, signal) });
export const usePermissions = (enabled = true) =>
  useQuery({ queryKey: adminKeys.permissions, queryFn: ({ signal }) => get<PermissionInfo[]>('/api/v1/permissions', undefined, signal), enabled, staleTime: Infinity });
export const useAudit = (q: Query) => useQuery({ queryKey: adminKeys.audit(q), queryFn: ({ signal }) => get<AuditPage>('/api/v1/audit', q, signal) });

export interface NewUserBody {
  username: string;
  display_name: string;
  email?: string | null;
  password: string;
  locale: 'en' | 'fa';
  agency_id?: number | null;
  assignments: Assignment[];
}
export type UserPatch = Partial<{ display_name: string; email: string | null; agency_id: number | null; active: boolean; unlock: boolean; new_password: string; assignments: Assignment[] }>;
export type AgencyBody = { code: string; name_en: string; name_fa: string; kind: string };
export type RoleBody = { code: string; name_en: string; name_fa: string; permissions: string[]; clearance: string };

export function useAdminMutations() {
  const qc = useQueryClient();
  const refresh = (...keys: (readonly unknown[])[]) => () => Promise.all(keys.map((queryKey) => qc.invalidateQueries({ queryKey })));
  return {
    createUser: useMutation({ mutationFn: (b: NewUserBody) => post<{ id: string }>('/api/v1/users', b), onSuccess: refresh(adminKeys.users) }),
    updateUser: useMutation({
      mutationFn: ({ id, ...b }: UserPatch & { id: string }) => patch<User>(`/api/v1/users/${id}`, b),
      onSuccess: (u) => {
        qc.setQueryData(adminKeys.user(u.id), u);
        return qc.invalidateQueries({ queryKey: adminKeys.users });
      },
    }),
    createAgency: useMutation({ mutationFn: (b: AgencyBody) => post<Agency>('/api/v1/agencies', b), onSuccess: refresh(adminKeys.agencies) }),
    updateAgency: useMutation({ mutationFn: ({ id, ...b }: Partial<AgencyBody> & { id: number }) => patch<Agency>(`/api/v1/agencies/${id}`, b), onSuccess: refresh(adminKeys.agencies) }),
    createRole: useMutation({ mutationFn: (b: RoleBody) => post<Role>('/api/v1/roles', b), onSuccess: refresh(adminKeys.roles) }),
    updateRole: useMutation({ mutationFn: ({ id, ...b }: Partial<RoleBody> & { id: number }) => patch<Role>(`/api/v1/roles/${id}`, b), onSuccess: refresh(adminKeys.roles) }),
  };
}

export const AGENCY_KINDS = ['ministry', 'government', 'security', 'red_crescent', 'un', 'ngo', 'other'] as const;
export const CLEARANCES = ['public', 'internal', 'restricted', 'confidential'] as const;
