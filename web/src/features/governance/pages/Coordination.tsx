// Coordination structures: the UN Network on Migration and other national or provincial
// mechanisms, with their open and overdue action items; managers create new ones.
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { holdsNationwide } from '../../admin/scope.ts';
import { ApiError, post } from '../../../app/api.ts';
import { formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { Badge, Dialog, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useProvinces } from '../../places/api.ts';
import { G, govKeys, useStructures } from '../api.ts';
import '../governance.css';

export default function Coordination() {
  const { t, locale } = useT();
  const { can } = useAuth();
  usePageTitle(t('governance.coordination.title'));
  const q = useStructures();
  const provinces = useProvinces();
  const [creating, setCreating] = useState(false);
  const province = (code: string | null) => nameOf(provinces.data?.find((p) => p.code === code), locale);
  return (
    <section className="page">
      <PageHeader
        title={t('governance.coordination.title')}
        subtitle={t('governance.coordination.subtitle')}
        actions={
          can('governance.manage') && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              {t('governance.coordination.new')}
            </button>
          )
        }
      />
      <QueryView query={q} empty={t('governance.coordination.empty')}>
        {(rows) => (
          <TableWrap label={t('governance.coordination.title')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('governance.coordination.name')}</th>
                  <th scope="col">{t('governance.coordination.kind')}</th>
                  <th scope="col">{t('governance.coordination.level')}</th>
                  <th scope="col">{t('governance.coordination.members')}</th>
                  <th scope="col">{t('governance.coordination.meetings')}</th>
                  <th scope="col">{t('governance.coordination.openActions')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/governance/coordination/${s.id}`}>{nameOf(s, locale)}</Link>
                    </td>
                    <td>{t(`governance.coordination.kinds.${s.kind}`)}</td>
                    <td>{s.level === 'national' ? t('governance.coordination.national') : province(s.province_code)}</td>
                    <td className="num">{formatNumber(s.members ?? 0, locale)}</td>
                    <td className="num">{formatNumber(s.meetings ?? 0, locale)}</td>
                    <td>
                      {formatNumber(s.open_actions ?? 0, locale)} {(s.overdue_actions ?? 0) > 0 && <Badge tone="bad">{t('governance.workplan.overdueCount', { n: formatNumber(s.overdue_actions ?? 0, locale) })}</Badge>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </QueryView>
      <Dialog open={creating} onClose={() => setCreating(false)} title={t('governance.coordination.new')} wide>
        <StructureForm onDone={() => setCreating(false)} />
      </Dialog>
    </section>
  );
}

function StructureForm({ onDone }: { onDone: () => void }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  // Structures in the provinces where the user manages them; a national one needs nationwide scope.
  const provinces = useProvinces('governance.manage');
  const national = holdsNationwide(useAuth().user, 'governance.manage');
  const [f, setF] = useState({ kind: 'un_network', level: national ? 'national' : 'provincial', province_code: '', name_en: '', name_fa: '', description: '', terms_of_reference: '' });
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (v: string) => setF((s) => ({ ...s, [k]: v }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await post<{ id: number }>(`${G}/coordination`, { ...f, province_code: f.level === 'provincial' ? f.province_code || null : null });
      await qc.invalidateQueries({ queryKey: govKeys.coordination });
      onDone();
      navigate(`/governance/coordination/${r.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    }
  };
  return (
    <form className="form" onSubmit={submit}>
      {error && <FormMessage>{error}</FormMessage>}
      <div className="form-row">
        <TextField label={t('governance.coordination.nameFa')} value={f.name_fa} onChange={set('name_fa')} dir="rtl" />
        <TextField label={t('governance.coordination.nameEn')} value={f.name_en} onChange={set('name_en')} dir="ltr" />
      </div>
      <div className="form-row">
        <SelectField label={t('governance.coordination.kind')} value={f.kind} onChange={set('kind')} options={['un_network', 'interministerial', 'working_group', 'other'].map((k) => ({ value: k, label: t(`governance.coordination.kinds.${k}`) }))} />
        <SelectField label={t('governance.coordination.level')} value={f.level} onChange={set('level')} options={[...(national ? [{ value: 'national', label: t('governance.coordination.national') }] : []), { value: 'provincial', label: t('governance.coordination.provincial') }]} />
        {f.level === 'provincial' && (
          <SelectField label={t('governance.fields.province')} value={f.province_code} onChange={set('province_code')} required placeholder="" options={sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))} />
        )}
      </div>
      <div className="gov-textarea">
        <label htmlFor="st-desc">{t('governance.coordination.description')}</label>
        <textarea id="st-desc" value={f.description} onChange={(e) => set('description')(e.target.value)} dir="auto" rows={3} />
      </div>
      <div className="gov-textarea">
        <label htmlFor="st-tor">{t('governance.coordination.tor')}</label>
        <textarea id="st-tor" value={f.terms_of_reference} onChange={(e) => set('terms_of_reference')(e.target.value)} dir="auto" rows={4} />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          {t('governance.coordination.create')}
        </button>
      </div>
    </form>
  );
}
