// Alerts for the data protection focal point: break-glass access and consent overrides.
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { get, post } from '../../../app/api.ts';
import { formatDateTime } from '../../../app/format.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { protectionKeys } from '../api.ts';

export default function Alerts() {
  const { t, locale } = useT();
  usePageTitle(t('protection.alerts.title'));
  const qc = useQueryClient();
  const q = useQuery({ queryKey: protectionKeys.alerts, queryFn: ({ signal }) => get<{ items: any[] }>('/api/v1/protection/alerts', undefined, signal) });
  return (
    <section className="page">
      <PageHeader title={t('protection.alerts.title')} subtitle={t('protection.alerts.subtitle')} />
      <QueryView query={q} empty={t('protection.alerts.empty')} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <TableWrap label={t('protection.alerts.title')}>
            <table className="table">
              <thead><tr><th scope="col">{t('protection.oversight.when')}</th><th scope="col">{t('protection.alerts.kind')}</th><th scope="col">{t('protection.oversight.who')}</th><th scope="col">{t('protection.breakGlass.reason')}</th><th scope="col">{t('common.actions')}</th></tr></thead>
              <tbody>
                {d.items.map((a) => (
                  <tr key={a.id}>
                    <td><Link to={`/protection/cases/${a.case_id}`}>{formatDateTime(a.created_at, locale)}</Link></td>
                    <td>{t(`protection.alerts.kinds.${a.kind}`)}</td>
                    <td dir="ltr">{a.username}</td>
                    <td dir="auto">{a.details?.reason ?? '—'}</td>
                    <td><button className="btn btn-small" onClick={async () => { await post(`/api/v1/protection/alerts/${a.id}/acknowledge`, {}); await qc.invalidateQueries({ queryKey: protectionKeys.alerts }); }}>{t('protection.alerts.acknowledge')}</button></td>
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
