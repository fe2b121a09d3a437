// Role assignments of a user: each is a role, the agencies it acts for, and its scope —
// all provinces, or chosen ones.
import { useId } from 'react';
import { useT } from '../../app/useT.ts';
import { formatNumber, sortByName } from '../../app/format.ts';
import { nameOf, type Assignment } from '../../app/types.ts';
import { Checkbox, SelectField } from '../../components/Field.tsx';
import { useProvinces } from '../places/api.ts';
import { useAgencies, useRoles } from './api.ts';
import { useAuth } from '../../app/auth.tsx';
import { agenciesFor, holdsAll, holdsNationwide } from './scope.ts';

export function emptyAssignment(): Assignment {
  return { role: '', agency_ids: [], provinces: null };
}

/** Problems per assignment index ({0: {role: '…'}}). */
export function validateAssignments(list: Assignment[], t: (id: string) => string): Record<number, Record<string, string>> {
  const out: Record<number, Record<string, string>> = {};
  list.forEach((a, i) => {
    const e: Record<string, string> = {};
    if (!a.role) e.role = t('form.choose');
    if (a.provinces && a.provinces.length === 0) e.provinces = t('admin.assignments.chooseProvinces');
    if (Object.keys(e).length) out[i] = e;
  });
  return out;
}

export function AssignmentsEditor({ value, onChange, errors }: { value: Assignment[]; onChange: (v: Assignment[]) => void; errors: Record<number, Record<string, string>> }) {
  const { t, locale } = useT();
  const roles = useRoles();
  const agencies = useAgencies();
  // Only what the manager may grant: roles made of verbs they hold, their provinces and agencies.
  const { user } = useAuth();
  const provinces = useProvinces('users.manage');
  const nationwide = holdsNationwide(user, 'users.manage');
  const ownAgencies = agenciesFor(user, 'users.manage');
  const base = useId();

  const update = (i: number, a: Partial<Assignment>) => onChange(value.map((x, j) => (j === i ? { ...x, ...a } : x)));
  const remove = (i: number) => onChange(value.filter((_, j) => j !== i));
  const sortedProvinces = sortByName(provinces.data ?? [], locale);
  const sortedAgencies = sortByName((agencies.data ?? []).filter((a) => !ownAgencies || ownAgencies.has(a.id)), locale);

  return (
    <fieldset className="assignments">
      <legend>{t('admin.assignments.title')}</legend>
      <p className="field-hint">{t('admin.assignments.hint')}</p>
      {value.length === 0 && <p className="state-empty small">{t('admin.assignments.none')}</p>}
      {value.map((a, i) => {
        const err = errors[i] ?? {};
        const n = i + 1;
        return (
          <fieldset key={i} className="assignment card" data-testid="assignment">
            <legend>{t('admin.assignments.number', { n: formatNumber(n, locale) })}</legend>
            <SelectField
              label={t('admin.assignments.role')}
              value={a.role}
              onChange={(role) => update(i, { role })}
              required
              error={err.role}
              placeholder={t('form.choosePlaceholder')}
              options={(roles.data ?? []).filter((r) => r.code === a.role || holdsAll(user, r.permissions)).map((r) => ({ value: r.code, label: nameOf(r, locale) }))}
            />
            <details className="picker">
              <summary>
                {t('admin.assignments.agencies')}: {a.agency_ids.length ? t('admin.assignments.countChosen', { n: formatNumber(a.agency_ids.length, locale) }) : t('admin.assignments.anyAgency')}
              </summary>
              <div className="check-grid">
                {sortedAgencies.map((ag) => (
                  <Checkbox
                    key={ag.id}
                    id={`${base}-${i}-ag-${ag.id}`}
                    label={nameOf(ag, locale)}
                    checked={a.agency_ids.includes(ag.id)}
                    onChange={(on) => update(i, { agency_ids: on ? [...a.agency_ids, ag.id] : a.agency_ids.filter((x) => x !== ag.id) })}
                  />
                ))}
              </div>
            </details>
            <fieldset className="radio-group">
              <legend>{t('admin.assignments.scope')}</legend>
              {(nationwide || a.provinces === null) && (
                <label>
                  <input type="radio" name={`${base}-${i}-scope`} checked={a.provinces === null} onChange={() => update(i, { provinces: null })} disabled={!nationwide} /> {t('admin.assignments.allProvinces')}
                </label>
              )}
              <label>
                <input type="radio" name={`${base}-${i}-scope`} checked={a.provinces !== null} onChange={() => update(i, { provinces: a.provinces ?? [] })} /> {t('admin.assignments.chosenProvinces')}
              </label>
            </fieldset>
            {a.provinces !== null && (
              <div className={`province-picker${err.provinces ? ' field-invalid' : ''}`}>
                <p className="row-actions">
                  <span className="muted">{t('admin.assignments.countChosen', { n: formatNumber(a.provinces.length, locale) })}</span>
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => update(i, { provinces: sortedProvinces.map((p) => p.code) })}>
                    {t('common.selectAll')}
                  </button>
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => update(i, { provinces: [] })}>
                    {t('common.selectNone')}
                  </button>
                </p>
                <div className="check-grid">
                  {sortedProvinces.map((p) => (
                    <Checkbox
                      key={p.code}
                      id={`${base}-${i}-pr-${p.code}`}
                      label={nameOf(p, locale)}
                      checked={a.provinces!.includes(p.code)}
                      onChange={(on) => update(i, { provinces: on ? [...a.provinces!, p.code] : a.provinces!.filter((x) => x !== p.code) })}
                    />
                  ))}
                </div>
                {err.provinces && <p className="field-error">{err.provinces}</p>}
              </div>
            )}
            <button type="button" className="btn btn-small btn-danger" onClick={() => remove(i)}>
              {t('admin.assignments.remove', { n: formatNumber(n, locale) })}
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="btn" onClick={() => onChange([...value, { ...emptyAssignment(), provinces: nationwide ? null : [] }])}>
        {t('admin.assignments.add')}
      </button>
    </fieldset>
  );
}
