// The signed-in user: GET /api/v1/auth/session (null when signed out), sign-in, sign-out,
// language preference, and the guards pages are wrapped in.
import { useCallback, useEffect, useRef, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation } from 'react-router';
import { ApiError, api, setCsrfToken } from './api.ts';
import { useLocale, rememberLocale } from './i18n.tsx';
import { allowed, type PermissionRule } from './registry.ts';
import type { Locale, Session, SessionUser } from './types.ts';
import { Forbidden } from '../components/States.tsx';
import { LoadingState } from '../components/States.tsx';
import { confirmWipe, dropKeptAnswers, warmKeptAnswers, wipeDeviceData } from '../features/collect/deviceData.ts';

export const SESSION_KEY = ['session'] as const;

async function fetchSession(): Promise<Session | null> {
  try {
    const s = await api<Session>('/api/v1/auth/session');
    setCsrfToken(s.csrf_token);
    return s;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export function useSessionQuery() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 5 * 60_000, retry: 1 });
}

export interface Auth {
  user: SessionUser | null;
  /** True until the first answer about the session arrives. */
  pending: boolean;
  can(permission: PermissionRule | undefined): boolean;
  signIn(username: string, password: string): Promise<SessionUser>;
  signOut(): Promise<void>;
  /** Switches the language, saving it in the account when signed in. */
  changeLocale(locale: Locale): Promise<void>;
}

export function useAuth(): Auth {
  const qc = useQueryClient();
  const q = useSessionQuery();
  const { setLocale } = useLocale();
  const user = q.data?.user ?? null;

  const can = useCallback((permission: PermissionRule | undefined) => !!user && allowed(user, { permission }), [user]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const s = await api<Session>('/api/v1/auth/sign-in', { method: 'POST', body: { username, password } });
      // Answers kept for offline use belong to whoever was signed in before.
      await dropKeptAnswers();
      setCsrfToken(s.csrf_token);
      qc.setQueryData(SESSION_KEY, s);
      warmKeptAnswers();
      await setLocale(s.user.locale);
      // Everything cached before signing in may depend on who asks.
      await qc.invalidateQueries({ predicate: (x) => x.queryKey[0] !== SESSION_KEY[0] });
      return s.user;
    },
    [qc, setLocale],
  );

  const signOut = useCallback(async () => {
    // What this device keeps for the user (offline queues, lists, kept answers) goes with them;
    // with records not sent yet, the user is asked first.
    if (!confirmWipe()) throw new Error('sign-out cancelled: records wait to be sent');
    await wipeDeviceData();
    try {
      await api('/api/v1/auth/sign-out', { method: 'POST', body: {} });
    } finally {
      setCsrfToken(null);
      qc.setQueryData(SESSION_KEY, null);
      qc.removeQueries({ predicate: (x) => x.queryKey[0] !== SESSION_KEY[0] });
    }
  }, [qc]);

  const changeLocale = useCallback(
    async (locale: Locale) => {
      await setLocale(locale);
      const s = qc.getQueryData<Session | null>(SESSION_KEY);
      if (s) {
        qc.setQueryData(SESSION_KEY, { ...s, user: { ...s.user, locale } });
        await api('/api/v1/auth/preferences', { method: 'PATCH', body: { locale } });
      }
      // Lists come back sorted and messages translated for the new language.
      await qc.invalidateQueries({ predicate: (x) => x.queryKey[0] !== SESSION_KEY[0] });
    },
    [qc, setLocale],
  );

  return { user, pending: q.isPending, can, signIn, signOut, changeLocale };
}

/** Follows the signed-in user's saved language when a session is first seen (e.g. after a reload). */
export function SessionLocaleSync() {
  const q = useSessionQuery();
  const { locale, setLocale } = useLocale();
  const seen = useRef<string | null>(null);
  const user = q.data?.user;
  useEffect(() => {
    if (!user || seen.current === user.id) return;
    seen.current = user.id;
    if (user.locale !== locale) void setLocale(user.locale);
    else rememberLocale(locale);
  }, [user, locale, setLocale]);
  useEffect(() => {
    if (q.data === null) seen.current = null;
  }, [q.data]);
  return null;
}

/** Renders children only for a signed-in user allowed by the rule; otherwise sign-in or a "not allowed" page. */
export function Guard({ access, permission, children }: { access?: 'public' | 'signed-in'; permission?: PermissionRule; children: ReactNode }) {
  const { user, pending } = useAuth();
  const location = useLocation();
  if (access === 'public' && !permission) return <>{children}</>;
  if (pending) return <LoadingState />;
  if (!user) {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  if (!allowed(user, { permission })) return <Forbidden />;
  return <>{children}</>;
}
