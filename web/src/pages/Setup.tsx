// First-run setup: create the first administrator with the one-time link printed by `marz serve`.
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useT } from '../app/useT.ts';
import { api, ApiError, get } from '../app/api.ts';
import { useAuth } from '../app/auth.tsx';
import { LOCALE_NAMES, LOCALES } from '../app/i18n.tsx';
import type { Locale } from '../app/types.ts';
import { FormMessage, TextField } from '../components/Field.tsx';
import { ErrorState, LoadingState } from '../components/States.tsx';
import { usePageTitle } from '../components/ui.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { MIN_PASSWORD, USERNAME_RE } from '../app/rules.ts';

export default function Setup() {
  const { t, locale } = useT();
  usePageTitle(t('setup.title'));
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const { changeLocale } = useAuth();
  const status = useQuery({ queryKey: ['setup'], queryFn: () => get<{ needed: boolean }>('/api/v1/setup'), staleTime: 0 });
  const [v, setV] = useState({ username: '', display_name: '', password: '', confirm: '' });
  const [lang, setLang] = useState<Locale>(locale);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (x: string) => {
    setV((s) => ({ ...s, [k]: x }));
    setErrors(({ [k]: _gone, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const username = v.username.trim();
    if (!username) errs.username = t('form.required');
    else if (username.length < 2 || !USERNAME_RE.test(username)) errs.username = t('form.username');
    if (!v.display_name.trim()) errs.display_name = t('form.required');
    if (v.password.length < MIN_PASSWORD) errs.password = t('form.passwordLength', { min: MIN_PASSWORD });
    if (v.confirm !== v.password) errs.confirm = t('form.passwordMismatch');
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFormError(t('form.fixErrors'));
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      await api('/api/v1/setup', { method: 'POST', body: { token, username, display_name: v.display_name.trim(), password: v.password, locale: lang } });
      if (lang !== locale) await changeLocale(lang);
      navigate('/sign-in', { replace: true, state: { username, notice: t('setup.done') } });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        setFormError(err.message);
      } else setFormError(t('common.unexpectedError'));
    }
  };

  let body;
  if (status.isPending) body = <LoadingState />;
  else if (status.isError) body = <ErrorState error={status.error} retry={() => void status.refetch()} />;
  else if (!status.data.needed)
    body = (
      <>
        <h1>{t('setup.title')}</h1>
        <FormMessage kind="info">{t('setup.alreadyDone')}</FormMessage>
        <Link className="btn btn-primary" to="/sign-in">
          {t('setup.goSignIn')}
        </Link>
      </>
    );
  else if (!token)
    body = (
      <>
        <h1>{t('setup.title')}</h1>
        <FormMessage kind="error">{t('setup.noToken')}</FormMessage>
        <p className="muted">{t('setup.noTokenHelp')}</p>
        <pre className="code-block" dir="ltr">
          marz setup-link
        </pre>
      </>
    );
  else
    body = (
      <>
        <h1>{t('setup.title')}</h1>
        <p className="muted">{t('setup.intro')}</p>
        <FormMessage>{formError}</FormMessage>
        <form onSubmit={submit} noValidate className="form">
          <TextField label={t('setup.username')} value={v.username} onChange={set('username')} autoComplete="username" dir="ltr" required error={errors.username} hint={t('setup.usernameHint')} autoCapitalize="none" spellCheck={false} name="username" />
          <TextField label={t('setup.displayName')} value={v.display_name} onChange={set('display_name')} autoComplete="name" dir="auto" required error={errors.display_name} name="display_name" />
          <TextField label={t('setup.password')} type="password" value={v.password} onChange={set('password')} autoComplete="new-password" dir="ltr" required error={errors.password} hint={t('form.passwordHint', { min: MIN_PASSWORD })} name="password" />
          <TextField label={t('setup.confirm')} type="password" value={v.confirm} onChange={set('confirm')} autoComplete="new-password" dir="ltr" required error={errors.confirm} name="confirm" />
          <fieldset className="radio-group">
            <legend>{t('setup.language')}</legend>
            {LOCALES.map((l) => (
              <label key={l} lang={l}>
                <input type="radio" name="setup-lang" value={l} checked={lang === l} onChange={() => setLang(l)} /> {LOCALE_NAMES[l]}
              </label>
            ))}
          </fieldset>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
              {busy ? t('common.saving') : t('setup.submit')}
            </button>
          </div>
        </form>
      </>
    );
  return <AuthLayout>{body}</AuthLayout>;
}
