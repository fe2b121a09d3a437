// Create or change a role: names, clearance, and its permissions grouped by capability.
// Built-in roles are shown read-only.
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { ApiError } from '../../../app/api.ts';
import { nameOf, type PermissionInfo, type Role } from '../../../app/types.ts';
import { CODE_RE } from '../../../app/rules.ts';
import { PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { Checkbox, FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { ErrorState, LoadingState } from '../../../components/States.tsx';
import { CLEARANCES, useAdminMutations, usePermissions, useRoles } from '../api.ts';
import { useAuth } from '../../../app/auth.tsx';
import { holdsNationwide } from '../scope.ts';

export default function RoleEdit() {
  const { id } = useParams();
  const { t, locale } = useT();
  const roles = useRoles();
  const perms = usePermissions();
  const role = id ? roles.data?.find((r) => String(r.id) === id) : undefined;
  usePageTitle(role ? nameOf(role, locale) : t('admin.roles.new'));
  const failed = [roles, perms].find((q) => q.isError);
  if (failed) return <ErrorState error={failed.error} retry={() => void failed.refetch()} />;
  if (roles.isPending || perms.isPending) return <LoadingState />;
  if (id && !role) return <ErrorState error={new ApiError(404, 'not_found', t('admin.roles.notFound'))} />;
  return <RoleForm key={id ?? 'new'} role={role} permissions={perms.data!} />;
}

function groupOf(code: string) {
  return code.split('.')[0]!;
}

function RoleForm({ role, permissions }: { role?: Role; permissions: PermissionInfo[] }) {
  const { t, tOr, locale } = useT();
  const navigate = useNavigate();
  const { createRole, updateRole } = useAdminMutations();
  const { user } = useAuth();
  // Nobody changes a role they hold; a role is made only of verbs the editor holds nationwide.
  const readOnly = !!role?.builtin || !!user?.assignments.some((a) => a.role === role?.code);
  const grantable = (code: string) => holdsNationwide(user, code);
  const [v, setV] = useState({ code: role?.code ?? '', name_en: role?.name_en ?? '', name_fa: role?.name_fa ?? '', clearance: role?.clearance ?? 'internal' });
  const [chosen, setChosen] = useState<string[]>(role?.permissions ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const set = (k: keyof typeof v) => (x: string) => {
    setV((s) => ({ ...s, [k]: x }));
    setErrors(({ [k]: _gone, ...rest }) => rest);
  };
  const pending = createRole.isPending || updateRole.isPending;

  const groups = new Map<string, PermissionInfo[]>();
  for (const p of permissions) groups.set(groupOf(p.code), [...(groups.get(groupOf(p.code)) ?? []), p]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (readOnly) return;
    const errs: Record<string, string> = {};
    if (!role) {
      if (!v.code.trim()) errs.code = t('form.required');
      else if (v.code.trim().length < 2 || !CODE_RE.test(v.code.trim())) errs.code = t('form.code');
    }
    if (!v.name_en.trim()) errs.name_en = t('form.required');
    if (!v.name_fa.trim()) errs.name_fa = t('form.required');
    if (!chosen.length) errs.permissions = t('admin.roles.choosePermissions');
    setErrors(errs);
    if (Object.keys(errs).length) {
      setMessage({ kind: 'error', text: t('form.fixErrors') });
      return;
    }
    setMessage(null);
    const body = { name_en: v.name_en.trim(), name_fa: v.name_fa.trim(), clearance: v.clearance, permissions: chosen };
    try {
      if (role) {
        await updateRole.mutateAsync({ id: role.id, ...body });
        setMessage({ kind: 'success', text: t('admin.roles.saved') });
      } else {
        const r = await createRole.mutateAsync({ code: v.code.trim(), ...body });
        navigate(`/admin/roles/${r.id}`, { replace: true });
      }
    } catch (err) {
      if (err instanceof ApiError) {
        const fe = err.fieldErrors();
        if (err.code === 'code_taken') fe.code = err.message;
        setErrors(fe);
        setMessage({ kind: 'error', text: err.message });
      } else setMessage({ kind: 'error', text: t('common.unexpectedError') });
    }
  };

  return (
    <section className="page narrow">
      <PageHeader back={{ to: '/admin/roles', label: t('admin.roles.title') }} title={role ? nameOf(role, locale) : t('admin.roles.new')} subtitle={role && <code dir="ltr">{role.code}</code>} />
      {readOnly && <FormMessage kind="info">{t('admin.roles.builtinReadOnly')}</FormMessage>}
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      <form onSubmit={submit} noValidate className="form">
        <fieldset disabled={readOnly} className="plain">
          {!role && <TextField label={t('admin.fields.code')} value={v.code} onChange={(x) => set('code')(x.toLowerCase())} dir="ltr" required error={errors.code} hint={t('admin.fields.codeHint')} normalise={false} autoComplete="off" />}
          <div className="form-row">
            <TextField label={t('admin.fields.nameFa')} value={v.name_fa} onChange={set('name_fa')} dir="rtl" lang="fa" required error={errors.name_fa} />
            <TextField label={t('admin.fields.nameEn')} value={v.name_en} onChange={set('name_en')} dir="ltr" lang="en" required error={errors.name_en} />
          </div>
          <SelectField label={t('admin.roles.clearance')} value={v.clearance} onChange={set('clearance')} hint={t('admin.roles.clearanceHint')} options={CLEARANCES.map((c) => ({ value: c, label: t(`admin.clearances.${c}`) }))} />
          <fieldset className={`permissions${errors.permissions ? ' field-invalid' : ''}`} aria-describedby={errors.permissions ? 'perm-error' : undefined}>
            <legend>{t('admin.roles.permissions')}</legend>
            {[...groups].map(([group, list]) => (
              <fieldset key={group} className="permission-group">
                <legend>{tOr(`admin.permissionGroups.${group}`, group)}</legend>
                {list.map((p) => (
                  <Checkbox
                    key={p.code}
                    label={
                      <>
                        {tOr(`admin.permissions.${p.code}`, p.description)} <code dir="ltr" className="muted small">{p.code}</code>
                      </>
                    }
                    checked={chosen.includes(p.code)}
                    disabled={readOnly || !grantable(p.code)}
                    onChange={(on) => setChosen((c) => (on ? [...c, p.code] : c.filter((x) => x !== p.code)))}
                  />
                ))}
              </fieldset>
            ))}
            {errors.permissions && (
              <p className="field-error" id="perm-error">
                {errors.permissions}
              </p>
            )}
          </fieldset>
        </fieldset>
        {!readOnly && (
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={pending}>
              {pending ? t('common.saving') : role ? t('common.save') : t('admin.roles.create')}
            </button>
            <button type="button" className="btn" onClick={() => navigate('/admin/roles')}>
              {t('common.cancel')}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}
