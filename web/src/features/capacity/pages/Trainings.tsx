// Trainings and workshops: the list, a new training, and an attendance sheet imported into a
// training (created when its code is new).
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatDate, formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { useAuth } from '../../../app/auth.tsx';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { TextField, SelectField, FormMessage } from '../../../components/Field.tsx';
import { DateInput } from '../../../components/DateInput.tsx';
import { useProvinces } from '../../places/api.ts';
import { useCreateTraining, useTrainings } from '../api.ts';
import { ImportSheet } from './ImportSheet.tsx';
import { toAsciiDigits } from '@platform/text.ts';

export default function Trainings() {
  const { t, locale } = useT();
  const { can } = useAuth();
  const navigate = useNavigate();
  usePageTitle(t('capacity.trainings.title'));
  const q = useTrainings();
  const provinces = useProvinces();
  const create = useCreateTraining();
  const blank = { code: '', title_en: '', title_fa: '', topic: '', gcm: '', starts_on: null as string | null, ends_on: null as string | null, place: '', province_code: '', facilitators: '' };
  const [form, setForm] = useState(blank);
  const set = (k: keyof typeof blank) => (v: string) => setForm({ ...form, [k]: v });
  const [importCode, setImportCode] = useState('');
  const list = (s: string) => toAsciiDigits(s).split(/[,،]/).map((x) => x.trim()).filter(Boolean);

  return (
    <section className="page">
      <PageHeader title={t('capacity.trainings.title')} subtitle={t('capacity.trainings.subtitle')} />
      <QueryView query={q} empty={t('capacity.trainings.empty')}>
        {(rows) => (
          <TableWrap label={t('capacity.trainings.title')}>
            <table data-testid="trainings-table">
              <thead>
                <tr>
                  <th>{t('capacity.fields.code')}</th>
                  <th>{t('capacity.fields.title')}</th>
                  <th>{t('capacity.fields.dates')}</th>
                  <th>{t('capacity.fields.gcm')}</th>
                  <th>{t('capacity.fields.participants')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.code}>
                    <td>
                      <Link to={`/capacity/trainings/${encodeURIComponent(r.code)}`} dir="ltr">
                        {r.code}
                      </Link>
                    </td>
                    <td dir="auto">{locale === 'fa' ? r.title_fa || r.title_en : r.title_en || r.title_fa}</td>
                    <td>{r.starts_on ? formatDate(r.starts_on, locale) : '—'}</td>
                    <td>{r.gcm_objectives.map((n: number) => formatNumber(n, locale)).join(t('capacity.listSeparator'))}</td>
                    <td>{formatNumber(r.participants, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </QueryView>

      {can('capacity.manage') && (
        <>
          <h2>{t('capacity.import.title')}</h2>
          <p className="muted">{t('capacity.import.hint')}</p>
          <TextField label={t('capacity.fields.code')} hint={t('capacity.import.codeHint')} value={importCode} onChange={setImportCode} dir="ltr" />
          {importCode && <ImportSheet code={importCode} onDone={() => navigate(`/capacity/trainings/${encodeURIComponent(importCode)}`)} />}

          <h2>{t('capacity.trainings.new')}</h2>
          <form
            className="prov-form"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate(
                {
                  code: form.code,
                  title_en: form.title_en,
                  title_fa: form.title_fa,
                  topic: form.topic,
                  gcm_objectives: list(form.gcm).map(Number),
                  starts_on: form.starts_on,
                  ends_on: form.ends_on,
                  place: form.place,
                  province_code: form.province_code || null,
                  facilitators: list(form.facilitators),
                },
                { onSuccess: (r) => navigate(`/capacity/trainings/${encodeURIComponent(r.code)}`) },
              );
            }}
          >
            <TextField label={t('capacity.fields.code')} required value={form.code} onChange={set('code')} dir="ltr" />
            <TextField label={t('capacity.fields.titleFa')} value={form.title_fa} onChange={set('title_fa')} />
            <TextField label={t('capacity.fields.titleEn')} value={form.title_en} onChange={set('title_en')} />
            <TextField label={t('capacity.fields.topic')} value={form.topic} onChange={set('topic')} />
            <TextField label={t('capacity.fields.gcm')} hint={t('capacity.fields.gcmHint')} value={form.gcm} onChange={set('gcm')} />
            <DateInput label={t('capacity.fields.startsOn')} value={form.starts_on} onChange={(iso) => setForm({ ...form, starts_on: iso })} />
            <DateInput label={t('capacity.fields.endsOn')} value={form.ends_on} onChange={(iso) => setForm({ ...form, ends_on: iso })} />
            <TextField label={t('capacity.fields.place')} value={form.place} onChange={set('place')} />
            <SelectField label={t('capacity.fields.province')} placeholder="—" value={form.province_code} onChange={set('province_code')} options={sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))} />
            <TextField label={t('capacity.fields.facilitators')} hint={t('capacity.fields.listHint')} value={form.facilitators} onChange={set('facilitators')} />
            <button className="btn btn-primary" type="submit" disabled={create.isPending}>
              {t('capacity.trainings.create')}
            </button>
            {create.error && <FormMessage>{(create.error as Error).message}</FormMessage>}
          </form>
        </>
      )}
    </section>
  );
}
