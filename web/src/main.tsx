// Entry point: pick the language (the account's when signed in, else this browser's), load its
// messages, then render. The session is asked for in parallel so the first paint is already in
// the right language and direction.
import { createRoot } from 'react-dom/client';
import { QueryClient } from '@tanstack/react-query';
import 'vazirmatn/Vazirmatn-Variable-font-face.css';
import './styles.css';
import { App, createQueryClient } from './app/App.tsx';
import { applyDocumentLocale, initialMessages, storedLocale } from './app/i18n.tsx';
import { api, setApiLocale, setCsrfToken, ApiError } from './app/api.ts';
import { SESSION_KEY } from './app/auth.tsx';
import type { Locale, Session } from './app/types.ts';

async function boot() {
  let locale: Locale = storedLocale();
  setApiLocale(locale);
  const queryClient: QueryClient = createQueryClient();
  const session = await api<Session>('/api/v1/auth/session').then(
    (s) => s,
    (e) => (e instanceof ApiError && e.status === 401 ? null : undefined),
  );
  if (session) {
    setCsrfToken(session.csrf_token);
    locale = session.user.locale;
  }
  if (session !== undefined) queryClient.setQueryData(SESSION_KEY, session);
  applyDocumentLocale(locale);
  setApiLocale(locale);
  const messages = await initialMessages(locale);
  createRoot(document.getElementById('root')!).render(<App queryClient={queryClient} locale={locale} messages={messages} />);
}

void boot();
