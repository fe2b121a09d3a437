// The simulation exercises the user may see (as a planner, or by a role in them), and a form
// to create one (planners).
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, post } from '../../../app/api.ts';
import { useAuth } from '../../../app/auth.tsx';
import { formatDateTime, formatNumber } from '../../../app/format.ts';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { Badge, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { ExerciseMark } from '../Mark.tsx';
import { TYPES, X, xKeys, useExercises } from '../api.ts';
import '../exercises.css';

export default function Exercises() {
  const { t, locale } = useT();
  const { can } = useAuth();
  usePageTitle(t('exercises.list.title'));
  const q = useExercises();
  const [creating, setCreating] = useState(false);
  return (
    <section className="page">
      <ExerciseMark />
      <PageHeader
        title={t('exercises.list.title')}
        subtitle={t('exercises.list.subtitle')}
        actions={can('exercises.manage') && <button className="btn btn-primary" onClick={() => setCreating((v) => !v)}>{t('exercises.list.new')}</button>}
      />
      {creating && <CreateForm />}
      <QueryView query={q} isEmpty={(d) => !d.exercises.length} empty={<p className="muted">{t('exercises.list.empty')}</p>}>
        {(d) => (
          <TableWrap label={t('exercises.list.title')}>
            <table className="table" data-testid="exercise-list">
              <thead>
                <tr>
                  <th scope="col">{t('exercises.field.title')}</th>
                  <th scope="col">{t('exercises.field.type')}</th>
                  <th scope="col">{t('exercises.field.startex')}</th>
                  <th scope="col">{t('exercises.clock.label')}</th>
                  <th scope="col">{t('exercises.list.injects')}</th>
                </tr>
              </thead>
              <tbody>
                {d.exercises.map((e) => (
                  <tr key={e.code}>
                    <td>
                      <Link to={`/exercises/${encodeURIComponent(e.code)}`}>{e.title}</Link>
                      <div className="small muted"><bdi>{e.code}</bdi></div>
                    </td>
                    <td>{t(`exercises.type.${e.type}`)}</td>
                    <td className="nowrap">{formatDateTime(e.startex, locale)}</td>
                    <td><Badge tone={e.clock_state === 'running' ? 'ok' : e.clock_state === 'paused' ? 'warn' : 'neutral'}>{t(`exercises.clock.${e.clock_state}`)}</Badge></td>
                    <td>{formatNumber(e.injects, locale)}</td>
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

function CreateForm() {
  const { t } = useT();
  const qc = useQueryClient();
  const nav = useNavigate();
  const [f, setF] = useState({ code: '', type: 'tabletop', title: '', startex: '', plan_title: '', plan_version: '' });
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await post(X, { ...f, plan_title: f.plan_title || null, plan_version: f.plan_version || null });
      await qc.invalidateQueries({ queryKey: xKeys.all });
      nav(`/exercises/${encodeURIComponent(f.code)}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    }
  };
  return (
    <form className="card ex-form" onSubmit={submit} data-testid="exercise-create">
      <div className="ex-grid">
        <TextField label={t('exercises.field.code')} value={f.code} onChange={set('code')} required />
        <SelectField label={t('exercises.field.type')} value={f.type} onChange={set('type')} options={TYPES.map((x) => ({ value: x, label: t(`exercises.type.${x}`) }))} />
        <TextField label={t('exercises.field.title')} value={f.title} onChange={set('title')} required />
        <TextField label={t('exercises.field.startex')} hint={t('exercises.field.startexHint')} value={f.startex} onChange={set('startex')} required />
        <TextField label={t('exercises.field.plan')} value={f.plan_title} onChange={set('plan_title')} />
        <TextField label={t('exercises.field.planVersion')} value={f.plan_version} onChange={set('plan_version')} />
      </div>
      {error && <FormMessage>{error}</FormMessage>}
      <div>
        <button className="btn btn-primary" type="submit">{t('exercises.list.create')}</button>
      </div>
    </form>
  );
}
