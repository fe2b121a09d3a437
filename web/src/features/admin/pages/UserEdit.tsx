// Create a user, or change one: details, role assignments, deactivate, unlock, reset password.
import { useEffect, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { ApiError } from '../../../app/api.ts';
import { formatDateTime, sortByName } from '../../../app/format.ts';
import { LOCALE_NAMES, LOCALES } from '../../../app/i18n.tsx';
import { EMAIL_RE, MIN_PASSWORD, USERNAME_RE } from '../../../app/rules.ts';
import { nameOf, type Assignment, type Locale, type User } from '../../../app/types.ts';
import { Badge, Dialog, PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { ErrorState, LoadingState } from '../../../components/States.tsx';
import { useAdminMutations, useAgencies, useUser } from '../api.ts';
import { AssignmentsEditor, emptyAssignment, validateAssignments } from '../AssignmentsEditor.tsx';
import { holdsNationwide } from '../scope.ts';

export default function UserEdit() {
  const { id } = useParams();
  const { t } = useT();
  const q = useUser(id);
  usePageTitle(id ? (q.data?.display_name ?? t('admin.users.edit')) : t('admin.users.new'));
  if (!id) return <UserForm />;
  if (q.isPending) return <LoadingState />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  return <UserForm user={q.data} />;
}

function UserForm({ user }: { user?: User }) {
  const { t, locale } = useT();
  const navigate = useNavigate();
  const agencies = useAgencies();
  const { createUser, updateUser } = useAdminMutations();
  const editing = !!user;
  // Nobody changes their own roles or agency (the server refuses it too).
  const signedIn = useAuth().user;
  const self = editing && user.id === signedIn?.id;
  const [v, setV] = useState({
    username: user?.username ?? '',
    display_name: user?.display_name ?? '',
    email: user?.email ?? '',
    password: '',
    confirm: '',
    locale: (user?.locale as Locale) ?? locale,
    agency_id: user?.agency_id ? String(user.agency_id) : '',
  });
  // A province-scoped manager starts from chosen provinces, not all of them.
  const [assignments, setAssignments] = useState<Assignment[]>(user?.assignments ?? [{ ...emptyAssignment(), provinces: holdsNationwide(signedIn, 'users.manage') ? null : [] }]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [assignmentErrors, setAssignmentErrors] = useState<Record<number, Record<string, string>>>({});
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const set = (k: keyof typeof v) => (x: string) => {
    setV((s) => ({ ...s, [k]: x }));
    setErrors(({ [k]: _gone, ...rest }) => rest);
  };
  const pending = createUser.isPending || updateUser.isPending;

  useEffect(() => {
    if (user) setAssignments(user.assignments);
  }, [user]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const username = v.username.trim();
    if (!editing) {
      if (!username) errs.username = t('form.required');
      else if (username.length < 2 || !USERNAME_RE.test(username)) errs.username = t('form.username');
      if (v.password.length < MIN_PASSWORD) errs.password = t('form.passwordLength', { min: MIN_PASSWORD });
      if (v.confirm !== v.password) errs.confirm = t('form.passwordMismatch');
    }
    if (!v.display_name.trim()) errs.display_name = t('form.required');
    if (v.email.trim() && !EMAIL_RE.test(v.email.trim())) errs.email = t('form.email');
    const aErrs = self ? {} : validateAssignments(assignments, t);
    setErrors(errs);
    setAssignmentErrors(aErrs);
    if (Object.keys(errs).length || Object.keys(aErrs).length) {
      setMessage({ kind: 'error', text: t('form.fixErrors') });
      return;
    }
    setMessage(null);
    const common = {
      display_name: v.display_name.trim(),
      email: v.email.trim() || null,
      ...(self ? {} : { agency_id: v.agency_id ? Number(v.agency_id) : null, assignments }),
    };
    try {
      if (editing) {
        await updateUser.mutateAsync({ id: user.id, ...common });
        setMessage({ kind: 'success', text: t('admin.users.saved') });
      } else {
        const r = await createUser.mutateAsync({ ...common, agency_id: v.agency_id ? Number(v.agency_id) : null, assignments, username, password: v.password, locale: v.locale });
        navigate(`/admin/users/${r.id}`, { replace: true, state: { created: true } });
      }
    } catch (err) {
      if (err instanceof ApiError) {
        const fe = err.fieldErrors();
        if (err.code === 'username_taken') fe.username = err.message;
        if (err.code === 'weak_password') fe.password = err.message;
        setErrors(fe);
        setMessage({ kind: 'error', text: err.message });
      } else setMessage({ kind: 'error', text: t('common.unexpectedError') });
    }
  };

  return (
    <section className="page narrow">
      <PageHeader
        back={{ to: '/admin/users', label: t('admin.users.title') }}
        title={editing ? user.display_name : t('admin.users.new')}
        subtitle={
          editing && (
            <span className="badges">
              <span dir="ltr">@{user.username}</span>
              {user.active ? <Badge tone="ok">{t('admin.users.active')}</Badge> : <Badge tone="neutral">{t('admin.users.inactive')}</Badge>}
              {user.locked && <Badge tone="bad">{t('admin.users.locked')}</Badge>}
            </span>
          )
        }
      />
      {editing && <CreatedNotice />}
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      {editing && <UserActions user={user} />}
      <form onSubmit={submit} noValidate className="form" aria-label={editing ? t('admin.users.edit') : t('admin.users.new')}>
        {!editing && <TextField label={t('admin.users.username')} value={v.username} onChange={set('username')} dir="ltr" required error={errors.username} hint={t('setup.usernameHint')} autoComplete="off" autoCapitalize="none" spellCheck={false} name="username" />}
        <TextField label={t('admin.users.displayName')} value={v.display_name} onChange={set('display_name')} dir="auto" required error={errors.display_name} name="display_name" />
        <TextField label={t('admin.users.email')} type="email" value={v.email} onChange={set('email')} dir="ltr" error={errors.email} hint={t('form.optional')} autoComplete="off" name="email" />
        {!editing && (
          <div className="form-row">
            <TextField label={t('admin.users.password')} type="password" value={v.password} onChange={set('password')} dir="ltr" required error={errors.password} hint={t('form.passwordHint', { min: MIN_PASSWORD })} autoComplete="new-password" name="password" />
            <TextField label={t('admin.users.confirmPassword')} type="password" value={v.confirm} onChange={set('confirm')} dir="ltr" required error={errors.confirm} autoComplete="new-password" name="confirm" />
          </div>
        )}
        <div className="form-row">
          {!editing && (
            <SelectField label={t('admin.users.language')} value={v.locale} onChange={(x) => set('locale')(x)} options={LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l] }))} />
          )}
          <SelectField
            label={t('admin.users.agency')}
            value={v.agency_id}
            onChange={set('agency_id')}
            disabled={self}
            placeholder={t('admin.users.noAgency')}
            options={sortByName(agencies.data ?? [], locale).map((a) => ({ value: String(a.id), label: nameOf(a, locale) }))}
          />
        </div>
        {self ? <p className="field-hint">{t('admin.assignments.notOwn')}</p> : <AssignmentsEditor value={assignments} onChange={setAssignments} errors={assignmentErrors} />}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={pending}>
            {pending ? t('common.saving') : editing ? t('common.save') : t('admin.users.create')}
          </button>
          <button type="button" className="btn" onClick={() => navigate('/admin/users')}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
      {editing && (
        <p className="muted small">
          {t('admin.users.createdOn', { date: formatDateTime(user.created_at, locale) })}
        </p>
      )}
    </section>
  );
}

function CreatedNotice() {
  const { t } = useT();
  const created = (useLocation().state as { created?: boolean } | null)?.created;
  return created ? <FormMessage kind="success">{t('admin.users.created')}</FormMessage> : null;
}

function UserActions({ user }: { user: User }) {
  const { t } = useT();
  const { user: me } = useAuth();
  const { updateUser } = useAdminMutations();
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [resetting, setResetting] = useState(false);
  const self = me?.id === user.id;

  const run = async (body: Parameters<typeof updateUser.mutateAsync>[0], done: string) => {
    setMessage(null);
    try {
      await updateUser.mutateAsync(body);
      setMessage({ kind: 'success', text: done });
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof ApiError ? err.message : t('common.unexpectedError') });
    }
  };

  return (
    <section className="card actions-card" aria-labelledby="user-actions-title">
      <h2 id="user-actions-title">{t('admin.users.actions')}</h2>
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      <div className="row-actions">
        {user.active ? (
          <button
            type="button"
            className="btn btn-danger"
            disabled={self || updateUser.isPending}
            title={self ? t('admin.users.cannotDeactivateSelf') : undefined}
            onClick={() => {
              if (window.confirm(t('admin.users.confirmDeactivate', { name: user.display_name }))) void run({ id: user.id, active: false }, t('admin.users.deactivated'));
            }}
          >
            {t('admin.users.deactivate')}
          </button>
        ) : (
          <button type="button" className="btn" disabled={updateUser.isPending} onClick={() => run({ id: user.id, active: true }, t('admin.users.reactivated'))}>
            {t('admin.users.reactivate')}
          </button>
        )}
        {user.locked && (
          <button type="button" className="btn" disabled={updateUser.isPending} onClick={() => run({ id: user.id, unlock: true }, t('admin.users.unlocked'))}>
            {t('admin.users.unlock')}
          </button>
        )}
        <button type="button" className="btn" onClick={() => setResetting(true)}>
          {t('admin.users.resetPassword')}
        </button>
      </div>
      <Dialog open={resetting} onClose={() => setResetting(false)} title={t('admin.users.resetPasswordTitle', { name: user.display_name })}>
        <ResetPasswordForm
          user={user}
          onDone={() => {
            setResetting(false);
            setMessage({ kind: 'success', text: t('admin.users.passwordReset') });
          }}
          onCancel={() => setResetting(false)}
        />
      </Dialog>
    </section>
  );
}

function ResetPasswordForm({ user, onDone, onCancel }: { user: User; onDone: () => void; onCancel: () => void }) {
  const { t } = useT();
  const { updateUser } = useAdminMutations();
  const [v, setV] = useState({ password: '', confirm: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (v.password.length < MIN_PASSWORD) errs.password = t('form.passwordLength', { min: MIN_PASSWORD });
    if (v.confirm !== v.password) errs.confirm = t('form.passwordMismatch');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      await updateUser.mutateAsync({ id: user.id, new_password: v.password });
      onDone();
    } catch (err) {
      setFormError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    }
  };
  return (
    <form onSubmit={submit} noValidate className="form">
      <p className="muted small">{t('admin.users.resetPasswordNote')}</p>
      <FormMessage>{formError}</FormMessage>
      <TextField label={t('admin.users.newPassword')} type="password" value={v.password} onChange={(x) => setV({ ...v, password: x })} dir="ltr" required error={errors.password} hint={t('form.passwordHint', { min: MIN_PASSWORD })} autoComplete="new-password" />
      <TextField label={t('admin.users.confirmPassword')} type="password" value={v.confirm} onChange={(x) => setV({ ...v, confirm: x })} dir="ltr" required error={errors.confirm} autoComplete="new-password" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={updateUser.isPending}>
          {updateUser.isPending ? t('common.saving') : t('admin.users.resetPassword')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
