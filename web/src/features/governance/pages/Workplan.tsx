// The workplan across coordination structures: action items by due date, overdue ones first
// and highlighted; filter by GCM objective and status; editors change an item's status.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, patch } from '../../../app/api.ts';
import { formatDate, formatNumber } from '../../../app/format.ts';
import { FormMessage, SelectField } from '../../../components/Field.tsx';
import { Badge, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useAuth } from '../../../app/auth.tsx';
import { G, govKeys, useGcm, useWorkplan, type ActionItem } from '../api.ts';
import '../governance.css';

export default function Workplan() {
  const { t, locale } = useT();
  const { can } = useAuth();
  usePageTitle(t('governance.workplan.title'));
  const [params, setParams] = useSearchParams();
  const gcm = params.get('gcm') ?? '';
  const status = params.get('status') ?? '';
  const q = useWorkplan(null, { gcm: gcm || undefined, status: status || undefined });
  const objectives = useGcm();
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <section className="page">
      <PageHeader title={t('governance.workplan.title')} subtitle={t('governance.workplan.subtitle')} />
      <div className="toolbar">
        <SelectField
          label={t('governance.workplan.gcmObjective')}
          value={gcm}
          onChange={(v) => set('gcm', v)}
          placeholder={t('governance.common.all')}
          options={(objectives.data?.objectives ?? []).map((o) => ({ value: o.code, label: `${formatNumber(Number(o.code), locale)}. ${locale === 'fa' ? o.texts.fa : o.texts.en}` }))}
        />
        <SelectField label={t('governance.workplan.status')} value={status} onChange={(v) => set('status', v)} placeholder={t('governance.common.all')} options={['open', 'in_progress', 'done', 'cancelled'].map((s) => ({ value: s, label: t(`governance.workplan.statuses.${s}`) }))} />
      </div>
      <QueryView query={q}>
        {(w) => (
          <>
            <p className="count">
              {t('governance.workplan.summary', { n: formatNumber(w.items.length, locale), overdue: formatNumber(w.overdue, locale), today: formatDate(w.today, locale, 'long') })}
            </p>
            <ActionTable items={w.items} canEdit={can('governance.edit') || can('governance.manage')} showStructure />
          </>
        )}
      </QueryView>
    </section>
  );
}

export function ActionTable({ items, canEdit, showStructure }: { items: ActionItem[]; canEdit: boolean; showStructure: boolean }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const setStatus = async (a: ActionItem, status: string) => {
    setError(null);
    try {
      await patch(`${G}/coordination/${a.structure_id}/actions/${a.id}`, { status });
      await qc.invalidateQueries({ queryKey: govKeys.all });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    }
  };
  if (!items.length) return <p className="muted">{t('governance.workplan.empty')}</p>;
  return (
    <>
      {error && <FormMessage>{error}</FormMessage>}
      <TableWrap label={t('governance.workplan.title')}>
        <table className="table" data-testid="gov-workplan">
          <thead>
            <tr>
              <th scope="col">{t('governance.workplan.itemTitle')}</th>
              {showStructure && <th scope="col">{t('governance.coordination.name')}</th>}
              <th scope="col">{t('governance.workplan.owner')}</th>
              <th scope="col">{t('governance.workplan.due')}</th>
              <th scope="col">{t('governance.workplan.status')}</th>
              <th scope="col">{t('governance.workplan.links')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id} className={a.overdue ? 'gov-overdue' : ''} data-overdue={a.overdue ? 'true' : 'false'}>
                <td>
                  {a.title}
                  {a.description && <div className="small muted">{a.description}</div>}
                </td>
                {showStructure && (
                  <td>
                    <Link to={`/governance/coordination/${a.structure_id}`}>{locale === 'fa' ? a.structure_fa || a.structure_en : a.structure_en || a.structure_fa}</Link>
                  </td>
                )}
                <td>
                  {(locale === 'fa' ? a.owner_agency_fa : a.owner_agency_en) ?? ''}
                  {a.owner_person && <div className="small muted">{a.owner_person}</div>}
                </td>
                <td className="nowrap">
                  {a.due_on ? formatDate(a.due_on, locale) : '—'}
                  {a.overdue && (
                    <div>
                      <Badge tone="bad">{t('governance.workplan.overdueBy', { n: formatNumber(-(a.days_left ?? 0), locale) })}</Badge>
                    </div>
                  )}
                  {!a.overdue && a.days_left !== null && a.days_left >= 0 && a.days_left <= 14 && <div className="small muted">{t('governance.workplan.dueIn', { n: formatNumber(a.days_left, locale) })}</div>}
                </td>
                <td>
                  {canEdit ? (
                    <select aria-label={t('governance.workplan.status')} value={a.status} onChange={(e) => setStatus(a, e.target.value)}>
                      {['open', 'in_progress', 'done', 'cancelled'].map((s) => (
                        <option key={s} value={s}>
                          {t(`governance.workplan.statuses.${s}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    t(`governance.workplan.statuses.${a.status}`)
                  )}
                </td>
                <td className="small">
                  {a.gcm_objectives.map((g) => (
                    <span key={g} className="chip" style={{ marginInlineEnd: '0.25rem' }}>
                      {t('governance.workplan.gcmShort', { n: formatNumber(g, locale) })}
                    </span>
                  ))}
                  {a.indicators.map((i) => (
                    <bdi key={i} className="gov-code" style={{ marginInlineEnd: '0.25rem' }}>
                      {i}
                    </bdi>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
