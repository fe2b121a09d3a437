// Agencies (ministries, police, Red Crescent, UN agencies…): list, create, edit.
import { useState, type FormEvent } from 'react';
import { useT } from '../../../app/useT.ts';
import { ApiError } from '../../../app/api.ts';
import { formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf, type Agency } from '../../../app/types.ts';
import { CODE_RE } from '../../../app/rules.ts';
import { Dialog, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { AGENCY_KINDS, useAdminMutations, useAgencies } from '../api.ts';

export default function Agencies() {
  const { t, locale } = useT();
  usePageTitle(t('admin.agencies.title'));
  const q = useAgencies();
  const [open, setOpen] = useState<Agency | 'new' | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  return (
    <section className="page">
      <PageHeader
        title={t('admin.agencies.title')}
        subtitle={t('admin.agencies.subtitle')}
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setOpen('new')}>
            {t('admin.agencies.new')}
          </button>
        }
      />
      <FormMessage kind="success">{message}</FormMessage>
      <QueryView query={q} empty={t('admin.agencies.empty')}>
        {(rows) => (
          <>
            <p className="count">{t('admin.agencies.count', { n: formatNumber(rows.length, locale) })}</p>
            <TableWrap label={t('admin.agencies.title')}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.fields.name')}</th>
                    <th scope="col">{t('admin.fields.otherName')}</th>
                    <th scope="col">{t('admin.fields.code')}</th>
                    <th scope="col">{t('admin.agencies.kind')}</th>
                    <th scope="col">{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sortByName(rows, locale).map((a) => (
                    <tr key={a.id}>
                      <th scope="row">{nameOf(a, locale)}</th>
                      <td lang={locale === 'fa' ? 'en' : 'fa'} dir="auto">
                        {locale === 'fa' ? a.name_en : a.name_fa}
                      </td>
                      <td>
                        <code dir="ltr">{a.code}</code>
                      </td>
                      <td>{t(`admin.agencyKinds.${a.kind}`)}</td>
                      <td>
                        <button type="button" className="btn btn-small" onClick={() => setOpen(a)} aria-label={t('admin.agencies.editNamed', { name: nameOf(a, locale) })}>
                          {t('common.edit')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </QueryView>
      <Dialog open={open !== null} onClose={() => setOpen(null)} title={open === 'new' ? t('admin.agencies.new') : t('admin.agencies.edit')}>
        {open !== null && (
          <AgencyForm
            agency={open === 'new' ? undefined : open}
            onDone={(a, created) => {
              setOpen(null);
              setMessage(t(created ? 'admin.agencies.created' : 'admin.agencies.saved', { name: nameOf(a, locale) }));
            }}
            onCancel={() => setOpen(null)}
          />
        )}
      </Dialog>
    </section>
  );
}

function AgencyForm({ agency, onDone, onCancel }: { agency?: Agency; onDone: (a: Agency, created: boolean) => void; onCancel: () => void }) {
  const { t } = useT();
  const { createAgency, updateAgency } = useAdminMutations();
  const [v, setV] = useState({ code: agency?.code ?? '', name_en: agency?.name_en ?? '', name_fa: agency?.name_fa ?? '', kind: agency?.kind ?? '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const set = (k: keyof typeof v) => (x: string) => {
    setV((s) => ({ ...s, [k]: x }));
    setErrors(({ [k]: _gone, ...rest }) => rest);
  };
  const pending = createAgency.isPending || updateAgency.isPending;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!agency) {
      if (!v.code.trim()) errs.code = t('form.required');
      else if (v.code.trim().length < 2 || !CODE_RE.test(v.code.trim())) errs.code = t('form.code');
    }
    if (!v.name_en.trim()) errs.name_en = t('form.required');
    if (!v.name_fa.trim()) errs.name_fa = t('form.required');
    if (!v.kind) errs.kind = t('form.choose');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setFormError(null);
    try {
      const body = { name_en: v.name_en.trim(), name_fa: v.name_fa.trim(), kind: v.kind };
      if (agency) onDone(await updateAgency.mutateAsync({ id: agency.id, ...body }), false);
      else onDone(await createAgency.mutateAsync({ code: v.code.trim(), ...body }), true);
    } catch (err) {
      if (err instanceof ApiError) {
        const fe = err.fieldErrors();
        if (err.code === 'code_taken') fe.code = err.message;
        setErrors(fe);
        setFormError(err.message);
      } else setFormError(t('common.unexpectedError'));
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <FormMessage>{formError}</FormMessage>
      {agency ? (
        <p>
          {t('admin.fields.code')}: <code dir="ltr">{agency.code}</code>
        </p>
      ) : (
        <TextField label={t('admin.fields.code')} value={v.code} onChange={(x) => set('code')(x.toLowerCase())} dir="ltr" required error={errors.code} hint={t('admin.fields.codeHint')} normalise={false} autoComplete="off" />
      )}
      <TextField label={t('admin.fields.nameFa')} value={v.name_fa} onChange={set('name_fa')} dir="rtl" lang="fa" required error={errors.name_fa} />
      <TextField label={t('admin.fields.nameEn')} value={v.name_en} onChange={set('name_en')} dir="ltr" lang="en" required error={errors.name_en} />
      <SelectField
        label={t('admin.agencies.kind')}
        value={v.kind}
        onChange={set('kind')}
        required
        error={errors.kind}
        placeholder={t('form.choosePlaceholder')}
        options={AGENCY_KINDS.map((k) => ({ value: k, label: t(`admin.agencyKinds.${k}`) }))}
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
