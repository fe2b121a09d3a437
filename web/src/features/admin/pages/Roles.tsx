// Roles: sets of permissions. Built-in roles can be read but not changed.
import { Link } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatNumber } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { Badge, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useRoles } from '../api.ts';

export default function Roles() {
  const { t, locale } = useT();
  usePageTitle(t('admin.roles.title'));
  const q = useRoles();
  return (
    <section className="page">
      <PageHeader
        title={t('admin.roles.title')}
        subtitle={t('admin.roles.subtitle')}
        actions={
          <Link className="btn btn-primary" to="/admin/roles/new">
            {t('admin.roles.new')}
          </Link>
        }
      />
      <QueryView query={q} empty={t('admin.roles.empty')}>
        {(rows) => (
          <TableWrap label={t('admin.roles.title')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.fields.name')}</th>
                  <th scope="col">{t('admin.fields.code')}</th>
                  <th scope="col">{t('admin.roles.permissionCount')}</th>
                  <th scope="col">{t('admin.roles.clearance')}</th>
                  <th scope="col">{t('admin.roles.type')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      <Link to={`/admin/roles/${r.id}`}>{nameOf(r, locale)}</Link>
                    </th>
                    <td>
                      <code dir="ltr">{r.code}</code>
                    </td>
                    <td>{formatNumber(r.permissions.length, locale)}</td>
                    <td>{t(`admin.clearances.${r.clearance}`)}</td>
                    <td>{r.builtin ? <Badge tone="info">{t('admin.roles.builtin')}</Badge> : <Badge>{t('admin.roles.custom')}</Badge>}</td>
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
