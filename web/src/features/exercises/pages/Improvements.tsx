// The improvement plan across exercises: corrective actions by due date with their POETE
// category, owner agency and status through verified closure; closure rate and overdue items.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, get, patch } from '../../../app/api.ts';
import { formatDate, formatNumber } from '../../../app/format.ts';
import { FormMessage, SelectField } from '../../../components/Field.tsx';
import { Badge, Facts, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { ExerciseMark } from '../Mark.tsx';
import { ITEM_STATUSES, xKeys } from '../api.ts';
import '../exercises.css';

interface Item {
  id: number;
  exercise: string;
  exercise_title: string;
  capability: string;
  title: string;
  poete: string;
  owner_agency: string;
  owner_name_en: string;
  owner_name_fa: string;
  due_on: string;
  status: string;
  overdue: boolean;
}
interface Plan {
  today: string;
  stats: { total: number; verified: number; open: number; overdue: number; closure_rate: number | null };
  items: Item[];
}

export default function Improvements() {
  const { t, locale } = useT();
  usePageTitle(t('exercises.plan.title'));
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const query = { status, overdue: params.get('overdue') ?? '' };
  const q = useQuery({ queryKey: xKeys.plan(query), queryFn: () => get<Plan>('/api/v1/exercise-improvements', query) });
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const move = async (id: number, to: string) => {
    setError(null);
    try {
      await patch(`/api/v1/exercise-improvements/${id}`, { status: to });
      await qc.invalidateQueries({ queryKey: ['exercises', 'plan'] });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('common.unexpectedError'));
    }
  };
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <section className="page">
      <ExerciseMark />
      <PageHeader title={t('exercises.plan.title')} subtitle={t('exercises.plan.subtitle')} />
      <div className="toolbar">
        <SelectField label={t('exercises.plan.status')} value={status} onChange={(v) => set('status', v)} placeholder={t('exercises.all')} options={ITEM_STATUSES.map((s) => ({ value: s, label: t(`exercises.istatus.${s}`) }))} />
        <SelectField label={t('exercises.plan.overdue')} value={params.get('overdue') ?? ''} onChange={(v) => set('overdue', v)} placeholder={t('exercises.all')} options={[{ value: 'true', label: t('exercises.plan.overdueOnly') }]} />
      </div>
      {error && <FormMessage>{error}</FormMessage>}
      <QueryView query={q}>
        {(p) => (
          <>
            <div className="card" data-testid="plan-stats">
              <Facts
                items={[
                  [t('exercises.plan.total'), formatNumber(p.stats.total, locale)],
                  [t('exercises.plan.closureRate'), p.stats.closure_rate === null ? '—' : formatNumber(p.stats.closure_rate, locale, { style: 'percent' })],
                  [t('exercises.plan.overdue'), formatNumber(p.stats.overdue, locale)],
                ]}
              />
            </div>
            {p.items.length === 0 ? (
              <p className="muted">{t('exercises.none')}</p>
            ) : (
              <TableWrap label={t('exercises.plan.title')}>
                <table className="table" data-testid="plan-items">
                  <thead>
                    <tr>
                      <th scope="col">{t('exercises.plan.item')}</th>
                      <th scope="col">{t('exercises.plan.exercise')}</th>
                      <th scope="col">POETE</th>
                      <th scope="col">{t('exercises.plan.owner')}</th>
                      <th scope="col">{t('exercises.plan.due')}</th>
                      <th scope="col">{t('exercises.plan.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.items.map((i) => (
                      <tr key={i.id} data-overdue={i.overdue ? 'true' : 'false'}>
                        <td>{i.title}<div className="small muted">{i.capability}</div></td>
                        <td><Link to={`/exercises/${encodeURIComponent(i.exercise)}`}>{i.exercise_title}</Link></td>
                        <td>{t(`exercises.poete.${i.poete}`)}</td>
                        <td>{locale === 'fa' ? i.owner_name_fa : i.owner_name_en}</td>
                        <td className="nowrap">{formatDate(i.due_on, locale)}{i.overdue && <div><Badge tone="bad">{t('exercises.plan.overdueBadge')}</Badge></div>}</td>
                        <td>
                          <select aria-label={t('exercises.plan.status')} value={i.status} onChange={(e) => move(i.id, e.target.value)}>
                            {ITEM_STATUSES.map((s) => <option key={s} value={s}>{t(`exercises.istatus.${s}`)}</option>)}
                          </select>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
