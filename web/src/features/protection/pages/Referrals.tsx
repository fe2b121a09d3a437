// Referrals to one's agencies (inbox) or from them (outbox); overdue ones first.
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, get, post } from '../../../app/api.ts';
import { formatDate } from '../../../app/format.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { Checkbox, FormMessage, SelectField } from '../../../components/Field.tsx';
import { protectionKeys } from '../api.ts';

export default function Referrals() {
  const { t, locale } = useT();
  usePageTitle(t('protection.referrals.title'));
  const qc = useQueryClient();
  const [box, setBox] = useState('in');
  const [overdue, setOverdue] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const q = useQuery({ queryKey: protectionKeys.referrals(box, overdue), queryFn: ({ signal }) => get<{ items: any[] }>('/api/v1/protection/referrals', { box, overdue: overdue ? 'true' : undefined }, signal) });
  const act = async (id: string, action: string) => {
    setError(null);
    try {
      await post(`/api/v1/protection/referrals/${id}/${action}`, {});
      await qc.invalidateQueries({ queryKey: ['protection'] });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('common.unexpectedError'));
    }
  };
  return (
    <section className="page">
      <PageHeader title={t('protection.referrals.title')} subtitle={t('protection.referrals.subtitle')} />
      <div className="filters">
        <SelectField label={t('protection.referrals.box')} value={box} onChange={setBox} options={[{ value: 'in', label: t('protection.referrals.in') }, { value: 'out', label: t('protection.referrals.out') }]} />
        <Checkbox label={t('protection.referrals.overdueOnly')} checked={overdue} onChange={setOverdue} />
      </div>
      <FormMessage>{error}</FormMessage>
      <QueryView query={q} empty={t('protection.referrals.empty')} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <TableWrap label={t('protection.referrals.title')}>
            <table className="table">
              <thead><tr><th scope="col">{t('protection.fields.due_on')}</th><th scope="col">{t('protection.fields.service')}</th><th scope="col">{t('protection.fields.pillar')}</th><th scope="col">{t('protection.fields.province')}</th><th scope="col">{t('protection.fields.status')}</th><th scope="col">{t('common.actions')}</th></tr></thead>
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.id} className={r.due_on < new Date().toISOString().slice(0, 10) && ['pending', 'accepted'].includes(r.status) ? 'row-warning' : undefined}>
                    <td><Link to={`/protection/cases/${r.case_id}`}>{formatDate(r.due_on, locale)}</Link></td>
                    <td>{t(`protection.service.${r.service}`)}</td>
                    <td>{t(`protection.pillar.${r.pillar}`)}</td>
                    <td>{r.province}</td>
                    <td>{t(`protection.referralStatus.${r.status}`)}</td>
                    <td>
                      {box === 'in' && r.status === 'pending' && (<><button className="btn btn-small" onClick={() => act(r.id, 'accept')}>{t('protection.referrals.accept')}</button> <button className="btn btn-small" onClick={() => act(r.id, 'decline')}>{t('protection.referrals.decline')}</button></>)}
                      {box === 'in' && r.status === 'accepted' && <button className="btn btn-small" onClick={() => act(r.id, 'done')}>{t('protection.referrals.done')}</button>}
                      {box === 'out' && ['pending', 'accepted'].includes(r.status) && <button className="btn btn-small" onClick={() => act(r.id, 'revoke')}>{t('protection.referrals.revoke')}</button>}
                    </td>
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
