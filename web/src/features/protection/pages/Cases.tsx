// Cases the user may read, newest first; names only where the user holds the identity permission.
import { useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatDate } from '../../../app/format.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { SelectField, TextField } from '../../../components/Field.tsx';
import { STATUSES, useCases } from '../api.ts';
import { useFmps, useProvinces } from '../../places/api.ts';
import { nameOf } from '../../../app/types.ts';

export default function Cases() {
  const { t, locale } = useT();
  usePageTitle(t('protection.cases.title'));
  const [status, setStatus] = useState('');
  const [name, setName] = useState('');
  const [search, setSearch] = useState('');
  const q = useCases({ status, name: search });
  const provinces = useProvinces();
  const fmps = useFmps();
  return (
    <section className="page">
      <PageHeader title={t('protection.cases.title')} subtitle={t('protection.cases.subtitle')} actions={<Link className="btn btn-primary" to="/protection/screen">{t('protection.nav.screen')}</Link>} />
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(name.trim());
        }}
      >
        <SelectField label={t('protection.fields.status')} value={status} onChange={setStatus} placeholder={t('protection.cases.anyStatus')} options={STATUSES.map((s) => ({ value: s, label: t(`protection.status.${s}`) }))} />
        <TextField label={t('protection.cases.searchName')} hint={t('protection.cases.searchNameHint')} value={name} onChange={setName} />
        <button type="submit" className="btn">{t('protection.cases.search')}</button>
      </form>
      <QueryView query={q} empty={t('protection.cases.empty')} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <TableWrap label={t('protection.cases.title')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('protection.fields.screened_on')}</th>
                  <th scope="col">{t('protection.fields.name')}</th>
                  <th scope="col">{t('protection.fields.province')}</th>
                  <th scope="col">{t('protection.fields.fmp')}</th>
                  <th scope="col">{t('protection.fields.sex')}</th>
                  <th scope="col">{t('protection.fields.age_band')}</th>
                  <th scope="col">{t('protection.fields.nationality')}</th>
                  <th scope="col">{t('protection.fields.status')}</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/protection/cases/${c.id}`}>{formatDate(c.screened_on, locale)}</Link>
                    </td>
                    <td dir="auto">{c.hidden_fields.includes('given_name') ? <span className="muted">{t('protection.cases.hidden')}</span> : [c.given_name, c.family_name].filter(Boolean).join(' ') || '—'}</td>
                    <td>{nameOf(provinces.data?.find((x) => x.code === c.province), locale) || c.province}</td>
                    <td>{c.fmp ? nameOf(fmps.data?.find((x) => x.code === c.fmp), locale) || c.fmp : '—'}</td>
                    <td>{t(`protection.sex.${c.sex}`)}</td>
                    <td dir="ltr">{c.age_band === 'unknown' ? t('protection.unknown') : c.age_band}</td>
                    <td>{c.nationality ?? '—'}</td>
                    <td>{t(`protection.status.${c.status}`)}{c.closed_at ? ` · ${t('protection.cases.closed')}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </QueryView>
    </section>
  );
}
