// Sign-in. The API's messages are shown as they come: one answer for an unknown name, a wrong
// password or a deactivated account, and "wait N seconds" after repeated failures (no lock-out).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useT } from '../app/useT.ts';
import { useAuth } from '../app/auth.tsx';
import { ApiError } from '../app/api.ts';
import { FormMessage, TextField } from '../components/Field.tsx';
import { LoadingState } from '../components/States.tsx';
import { usePageTitle } from '../components/ui.tsx';
import { AuthLayout } from './AuthLayout.tsx';

/** Only same-site paths are followed after signing in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

export default function SignIn() {
  const { t } = useT();
  usePageTitle(t('signIn.title'));
  const { user, pending, signIn } = useAuth();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [username, setUsername] = useState((location.state as { username?: string } | null)?.username ?? '');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ username?: string; password?: string }>({});
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const notice = (location.state as { notice?: string } | null)?.notice;
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (username) passwordRef.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (pending) return <LoadingState />;
  if (user && !busy) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!username.trim()) errs.username = t('form.required');
    if (!password) errs.password = t('form.required');
    setErrors(errs);
    if (errs.username || errs.password) return;
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      setPassword('');
      setError(err instanceof ApiError ? { code: err.code, message: err.message } : { code: 'unexpected', message: t('common.unexpectedError') });
      setBusy(false);
      passwordRef.current?.focus();
    }
  };

  return (
    <AuthLayout>
      <h1>{t('signIn.title')}</h1>
      <p className="muted">{t('signIn.intro')}</p>
      {notice && !error && <FormMessage kind="success">{notice}</FormMessage>}
      {error && (
        <FormMessage kind="error">
          <span data-error-code={error.code}>{error.message}</span>
          {(error.code === 'rate_limited' || error.code === 'sign_in_throttled') && <span className="alert-extra">{t('signIn.rateLimitedHelp')}</span>}
        </FormMessage>
      )}
      <form onSubmit={submit} noValidate className="form">
        <TextField label={t('signIn.username')} value={username} onChange={setUsername} autoComplete="username" dir="ltr" required error={errors.username} autoCapitalize="none" spellCheck={false} name="username" />
        <TextField
          ref={passwordRef}
          label={t('signIn.password')}
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          dir="ltr"
          required
          error={errors.password}
          name="password"
        />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? t('signIn.signingIn') : t('signIn.submit')}
          </button>
        </div>
      </form>
      <p className="muted small">{t('signIn.help')}</p>
    </AuthLayout>
  );
}
