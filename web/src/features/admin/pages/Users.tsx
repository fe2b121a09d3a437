// Users: who can sign in, their roles, and whether they are active or locked.
import { useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { compareText, formatDate, formatNumber } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { searchKey } from '../../../app/text.ts';
import { Badge, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { EmptyState, QueryView } from '../../../components/States.tsx';
import { SelectField, TextField } from '../../../components/Field.tsx';
import { useAgencies, useRoles, useUsers } from '../api.ts';

export default function Users() {
  const { t, locale } = useT();
  usePageTitle(t('admin.users.title'));
  const q = useUsers();
  const agencies = useAgencies();
  const roles = useRoles();
  const [filter, setFilter] = useState('');
  const [status, setStatus] = useState('');
  const agency = new Map((agencies.data ?? []).map((a) => [a.id, a]));
  const role = new Map((roles.data ?? []).map((r) => [r.code, r]));

  return (
    <section className="page">
      <PageHeader
        title={t('admin.users.title')}
        subtitle={t('admin.users.subtitle')}
        actions={
          <Link className="btn btn-primary" to="/admin/users/new">
            {t('admin.users.new')}
          </Link>
        }
      />
      <div className="toolbar">
        <TextField type="search" className="grow" label={t('common.filter')} value={filter} onChange={setFilter} placeholder={t('admin.users.filterPlaceholder')} />
        <SelectField
          label={t('admin.users.status')}
          value={status}
          onChange={setStatus}
          options={[
            { value: '', label: t('admin.users.statusAll') },
            { value: 'active', label: t('admin.users.active') },
            { value: 'inactive', label: t('admin.users.inactive') },
            { value: 'locked', label: t('admin.users.locked') },
          ]}
        />
      </div>
      <QueryView query={q} empty={t('admin.users.empty')}>
        {(rows) => {
          const k = searchKey(filter);
          const cmp = compareText(locale);
          const shown = rows
            .filter((u) => !k || [u.username, u.display_name, u.email ?? ''].some((s) => searchKey(s).includes(k)))
            .filter((u) => !status || (status === 'active' ? u.active : status === 'inactive' ? !u.active : u.locked))
            .sort((a, b) => cmp(a.display_name, b.display_name));
          return (
            <>
              <p className="count" aria-live="polite">
                {t('common.shownOf', { shown: formatNumber(shown.length, locale), total: formatNumber(rows.length, locale) })}
              </p>
              {shown.length === 0 ? (
                <EmptyState>{t('common.noMatches')}</EmptyState>
              ) : (
                <TableWrap label={t('admin.users.title')}>
                  <table className="table" data-testid="users-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('admin.users.displayName')}</th>
                        <th scope="col">{t('admin.users.username')}</th>
                        <th scope="col">{t('admin.users.agency')}</th>
                        <th scope="col">{t('admin.users.roles')}</th>
                        <th scope="col">{t('admin.users.status')}</th>
                        <th scope="col">{t('admin.users.createdAt')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((u) => (
                        <tr key={u.id}>
                          <th scope="row">
                            <Link to={`/admin/users/${u.id}`}>{u.display_name}</Link>
                          </th>
                          <td>
                            <span dir="ltr">{u.username}</span>
                          </td>
                          <td>{u.agency_id ? nameOf(agency.get(u.agency_id), locale) : '—'}</td>
                          <td>{u.assignments.map((a) => nameOf(role.get(a.role), locale) || a.role).join(t('common.listSeparator')) || '—'}</td>
                          <td>
                            <span className="badges">
                              {u.active ? <Badge tone="ok">{t('admin.users.active')}</Badge> : <Badge tone="neutral">{t('admin.users.inactive')}</Badge>}
                              {u.locked && <Badge tone="bad">{t('admin.users.locked')}</Badge>}
                            </span>
                          </td>
                          <td>{formatDate(u.created_at, locale)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              )}
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
