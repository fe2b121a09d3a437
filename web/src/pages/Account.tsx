// The signed-in user's account: who they are, their roles, language, and password.
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useT } from '../app/useT.ts';
import { useAuth } from '../app/auth.tsx';
import { api, ApiError, get } from '../app/api.ts';
import { LOCALE_NAMES, LOCALES } from '../app/i18n.tsx';
import { MIN_PASSWORD } from '../app/rules.ts';
import { nameOf, type Role } from '../app/types.ts';
import { Facts, PageHeader, usePageTitle } from '../components/ui.tsx';
import { FormMessage, TextField } from '../components/Field.tsx';
import { LoadingState } from '../components/States.tsx';

export default function Account() {
  const { t, locale } = useT();
  const { user, changeLocale } = useAuth();
  usePageTitle(t('account.title'));
  const roles = useQuery({ queryKey: ['roles'], queryFn: () => get<Role[]>('/api/v1/roles') });
  const [langSaved, setLangSaved] = useState(false);
  if (!user) return <LoadingState />;
  const roleName = (code: string) => nameOf(roles.data?.find((r) => r.code === code), locale) || code;

  return (
    <section className="page narrow">
      <PageHeader title={t('account.title')} />
      <Facts
        items={[
          [t('account.displayName'), user.display_name],
          [t('account.username'), <span dir="ltr">{user.username}</span>],
          [t('account.roles'), user.assignments.map((a) => roleName(a.role)).join(t('common.listSeparator'))],
        ]}
      />

      <section className="card" aria-labelledby="lang-title">
        <h2 id="lang-title">{t('account.language')}</h2>
        <fieldset className="radio-group">
          <legend className="visually-hidden">{t('account.language')}</legend>
          {LOCALES.map((l) => (
            <label key={l} lang={l}>
              <input
                type="radio"
                name="account-lang"
                checked={locale === l}
                onChange={async () => {
                  await changeLocale(l);
                  setLangSaved(true);
                }}
              />{' '}
              {LOCALE_NAMES[l]}
            </label>
          ))}
        </fieldset>
        {langSaved && <FormMessage kind="success">{t('account.languageSaved')}</FormMessage>}
      </section>

      <PasswordForm />
    </section>
  );
}

function PasswordForm() {
  const { t } = useT();
  const [v, setV] = useState({ current: '', next: '', confirm: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (x: string) => {
    setV((s) => ({ ...s, [k]: x }));
    setErrors(({ [k]: _gone, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!v.current) errs.current = t('form.required');
    if (v.next.length < MIN_PASSWORD) errs.next = t('form.passwordLength', { min: MIN_PASSWORD });
    else if (v.next === v.current) errs.next = t('account.samePassword');
    if (v.confirm !== v.next) errs.confirm = t('form.passwordMismatch');
    setErrors(errs);
    setMessage(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      await api('/api/v1/auth/password', { method: 'POST', body: { current_password: v.current, new_password: v.next } });
      setV({ current: '', next: '', confirm: '' });
      setMessage({ kind: 'success', text: t('account.passwordChanged') });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'wrong_password') setErrors({ current: err.message });
      setMessage({ kind: 'error', text: err instanceof ApiError ? err.message : t('common.unexpectedError') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="pw-title">
      <h2 id="pw-title">{t('account.changePassword')}</h2>
      <p className="muted small">{t('account.passwordNote')}</p>
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      <form onSubmit={submit} noValidate className="form">
        <TextField label={t('account.currentPassword')} type="password" value={v.current} onChange={set('current')} autoComplete="current-password" dir="ltr" required error={errors.current} />
        <TextField label={t('account.newPassword')} type="password" value={v.next} onChange={set('next')} autoComplete="new-password" dir="ltr" required error={errors.next} hint={t('form.passwordHint', { min: MIN_PASSWORD })} />
        <TextField label={t('account.confirmPassword')} type="password" value={v.confirm} onChange={set('confirm')} autoComplete="new-password" dir="ltr" required error={errors.confirm} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('common.saving') : t('account.changePassword')}
          </button>
        </div>
      </form>
    </section>
  );
}
