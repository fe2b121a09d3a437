// Providers and routes. Routes come from the shell's own pages plus every registered feature
// (web/src/features/index.ts); each page is a lazy chunk.
import { lazy, Suspense } from 'react';
import { QueryCache, QueryClient, QueryClientProvider, MutationCache } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from './api.ts';
import { I18nProvider } from './i18n.tsx';
import { Guard, SESSION_KEY, SessionLocaleSync } from './auth.tsx';
import { Shell } from './Shell.tsx';
import { features } from '../features/index.ts';
import { LoadingState } from '../components/States.tsx';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';
import type { Locale } from './types.ts';

const Home = lazy(() => import('../pages/Home.tsx'));
const SignIn = lazy(() => import('../pages/SignIn.tsx'));
const Setup = lazy(() => import('../pages/Setup.tsx'));
const Account = lazy(() => import('../pages/Account.tsx'));
const NotFound = lazy(() => import('../pages/NotFound.tsx'));

export function createQueryClient(): QueryClient {
  let qc: QueryClient;
  const onError = (error: unknown, key?: readonly unknown[]) => {
    // The session ended (expired, signed out elsewhere): forget it so guarded pages go to sign-in.
    if (error instanceof ApiError && error.status === 401 && key?.[0] !== SESSION_KEY[0]) qc.setQueryData(SESSION_KEY, null);
  };
  qc = new QueryClient({
    queryCache: new QueryCache({ onError: (e, q) => onError(e, q.queryKey) }),
    mutationCache: new MutationCache({ onError: (e) => onError(e) }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, e) => count < 2 && (!(e instanceof ApiError) || e.status === 0 || e.status >= 500),
      },
    },
  });
  return qc;
}

export function App({ queryClient, locale, messages }: { queryClient: QueryClient; locale: Locale; messages: Record<string, string> }) {
  const featureRoutes = features.flatMap((f) => f.routes.map((r) => ({ ...r, key: `${f.id}:${r.path}` })));
  // A section's bare address (/governance, /flows…) opens the section's first page.
  const sectionRedirects = features
    .flatMap((f) => f.nav ?? [])
    .map((n) => ({ section: n.to.split('/')[1], to: n.to }))
    .filter(({ section }, i, all) => section && !featureRoutes.some((r) => r.path === section) && all.findIndex((x) => x.section === section) === i);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider initial={locale} initialMessages={messages}>
        <SessionLocaleSync />
        <BrowserRouter>
          <ErrorBoundary>
            <Routes>
              <Route
                path="sign-in"
                element={
                  <Suspense fallback={<LoadingState />}>
                    <SignIn />
                  </Suspense>
                }
              />
              <Route
                path="setup"
                element={
                  <Suspense fallback={<LoadingState />}>
                    <Setup />
                  </Suspense>
                }
              />
              <Route element={<Shell />}>
                <Route index element={<Home />} />
                <Route
                  path="account"
                  element={
                    <Guard>
                      <Account />
                    </Guard>
                  }
                />
                {featureRoutes.map(({ key, path, component: Page, access, permission }) => (
                  <Route
                    key={key}
                    path={path}
                    element={
                      <Guard access={access} permission={permission}>
                        <Page />
                      </Guard>
                    }
                  />
                ))}
                {sectionRedirects.map(({ section, to }) => (
                  <Route key={`section:${section}`} path={section} element={<Navigate to={to} replace />} />
                ))}
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </ErrorBoundary>
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  );
}
