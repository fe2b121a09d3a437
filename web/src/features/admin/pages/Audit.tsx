// The audit trail, newest first, in words in both languages (actions, subjects, field labels,
// agencies, roles and provinces by name, Jalali dates in Persian): filters chosen from lists
// (who, action or group of actions, subject type, dates) kept in the URL, and paging back in
// time with before_id.
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatDateTime, formatNumber } from '../../../app/format.ts';
import type { AuditEntry } from '../../../app/types.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { EmptyState, QueryView } from '../../../components/States.tsx';
import { FieldShell, FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { DateInput } from '../../../components/DateInput.tsx';
import { useAuth } from '../../../app/auth.tsx';
import { useQuery } from '@tanstack/react-query';
import { get } from '../../../app/api.ts';
import type { User } from '../../../app/types.ts';
import { adminKeys, useAudit } from '../api.ts';
import { Details, useAuditWords, useDescribeEntry, useKnownActions, useKnownSubjects } from '../../audit/words.tsx';

const FILTERS = ['actor', 'action', 'subject_type', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const PAGE = 50;

export default function Audit() {
  const { t, locale } = useT();
  usePageTitle(t('admin.audit.title'));
  const [params, setParams] = useSearchParams();
  const applied: Filters = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as Filters;
  const [draft, setDraft] = useState<Filters>(applied);
  const [dateValid, setDateValid] = useState({ from: true, to: true });
  const [formError, setFormError] = useState<string | null>(null);
  // Paging: the before_id of each page seen so far (undefined = newest).
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const before = cursors[cursors.length - 1];
  const q = useAudit({ ...applied, before_id: before, limit: PAGE });

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (!dateValid.from || !dateValid.to) {
      setFormError(t('date.errors.invalid'));
      return;
    }
    if (draft.from && draft.to && draft.from > draft.to) {
      setFormError(t('admin.audit.fromAfterTo'));
      return;
    }
    setFormError(null);
    const next = new URLSearchParams();
    for (const k of FILTERS) if (draft[k].trim()) next.set(k, draft[k].trim());
    setParams(next);
    setCursors([undefined]);
  };
  const clear = () => {
    const empty = Object.fromEntries(FILTERS.map((k) => [k, ''])) as Filters;
    setDraft(empty);
    setDateValid({ from: true, to: true });
    setFormError(null);
    setParams(new URLSearchParams());
    setCursors([undefined]);
  };

  return (
    <section className="page page-wide">
      <PageHeader title={t('admin.audit.title')} subtitle={t('admin.audit.subtitle')} />
      <form className="filters card" onSubmit={apply} noValidate aria-label={t('admin.audit.filters')}>
        <FormMessage>{formError}</FormMessage>
        <div className="filter-grid">
          <ActorFilter value={draft.actor} onChange={(v) => setDraft({ ...draft, actor: v })} />
          <ActionFilter value={draft.action} onChange={(v) => setDraft({ ...draft, action: v })} />
          <SubjectFilter value={draft.subject_type} onChange={(v) => setDraft({ ...draft, subject_type: v })} />
          <DateInput label={t('admin.audit.from')} value={draft.from || null} onChange={(iso, valid) => (setDraft((d) => ({ ...d, from: iso ?? '' })), setDateValid((s) => ({ ...s, from: valid })))} />
          <DateInput label={t('admin.audit.to')} value={draft.to || null} onChange={(iso, valid) => (setDraft((d) => ({ ...d, to: iso ?? '' })), setDateValid((s) => ({ ...s, to: valid })))} />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            {t('admin.audit.apply')}
          </button>
          <button type="button" className="btn" onClick={clear}>
            {t('admin.audit.clear')}
          </button>
        </div>
      </form>

      <QueryView query={q} empty={cursors.length > 1 ? t('admin.audit.noOlder') : t('admin.audit.empty')}>
        {(page) => (
          <>
            <p className="count" aria-live="polite">
              {t('admin.audit.pageInfo', { page: formatNumber(cursors.length, locale), n: formatNumber(page.entries.length, locale) })}
            </p>
            <TableWrap label={t('admin.audit.title')}>
              <table className="table table-audit" data-testid="audit-table">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.audit.at')}</th>
                    <th scope="col">{t('admin.audit.actor')}</th>
                    <th scope="col">{t('admin.audit.action')}</th>
                    <th scope="col">{t('admin.audit.subject')}</th>
                    <th scope="col">{t('admin.audit.details')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.entries.map((e) => (
                    <AuditRow key={e.id} e={e} />
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <nav className="pager" aria-label={t('admin.audit.paging')}>
              <button type="button" className="btn" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                {t('admin.audit.newer')}
              </button>
              <button type="button" className="btn" disabled={page.next_before_id === null} onClick={() => setCursors((c) => [...c, page.next_before_id!])}>
                {t('admin.audit.older')}
              </button>
            </nav>
          </>
        )}
      </QueryView>
      {q.data && q.data.entries.length === 0 && cursors.length > 1 && (
        <button type="button" className="btn" onClick={() => setCursors([undefined])}>
          {t('admin.audit.backToNewest')}
        </button>
      )}
    </section>
  );
}

/** Who: a user chosen from the list (for user managers), or part of a name typed. */
function ActorFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useT();
  const { can } = useAuth();
  const users = useQuery({ queryKey: adminKeys.users, queryFn: ({ signal }) => get<User[]>('/api/v1/users', undefined, signal), enabled: can('users.manage') });
  if (!can('users.manage') || !users.data) {
    return <TextField label={t('admin.audit.actor')} value={value} onChange={onChange} dir="auto" hint={t('admin.audit.actorHint')} />;
  }
  const options = users.data.map((u) => ({ value: u.username, label: `${u.display_name} (${u.username})` }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: value });
  return <SelectField label={t('admin.audit.actor')} value={value} onChange={onChange} options={options} placeholder={t('audit.filters.anyone')} />;
}

/** Action: one action, or every action of an area (a prefix such as "user."). */
function ActionFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t, tOr } = useT();
  const w = useAuditWords();
  const actions = useKnownActions();
  const groups = [...new Set(actions.map((a) => a.split('.')[0]!))];
  return (
    <FieldShell id="audit-action" label={t('admin.audit.action')}>
      <select id="audit-action" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('audit.filters.anyAction')}</option>
        {value && !actions.includes(value) && !groups.some((g) => value === g + '.') && <option value={value}>{value}</option>}
        {groups.map((g) => {
          const name = tOr(`audit.groups.${g}`, g);
          return (
            <optgroup key={g} label={name}>
              <option value={g + '.'}>{t('audit.groups.all', { group: name })}</option>
              {actions
                .filter((a) => a.split('.')[0] === g)
                .map((a) => (
                  <option key={a} value={a}>
                    {w.action(a)}
                  </option>
                ))}
            </optgroup>
          );
        })}
      </select>
    </FieldShell>
  );
}

function SubjectFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useT();
  const w = useAuditWords();
  const subjects = useKnownSubjects().filter((s) => s !== 'thing');
  const options = subjects.map((s) => ({ value: s, label: w.subject(s) }));
  if (value && !subjects.includes(value)) options.unshift({ value, label: value });
  return <SelectField label={t('admin.audit.subjectType')} value={value} onChange={onChange} options={options} placeholder={t('audit.filters.anySubject')} />;
}

function AuditRow({ e }: { e: AuditEntry }) {
  const { t, locale } = useT();
  const describe = useDescribeEntry();
  const d = describe(e);
  const hasDetails = !!e.details && typeof e.details === 'object' && Object.keys(e.details as object).length > 0;
  return (
    <tr data-action={e.action}>
      <td className="nowrap">
        <time dateTime={e.at}>{formatDateTime(e.at, locale)}</time>
      </td>
      <td>
        <bdi>{e.actor_label ?? t('admin.audit.system')}</bdi>
      </td>
      <td>{d.action}</td>
      <td>
        {e.subject_type ? (
          <>
            {d.subjectType}
            {d.subject && <> · {d.subject}</>}
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        <div>
          {hasDetails ? (
            <details>
              <summary>{t('admin.audit.show')}</summary>
              <Details details={e.details} />
            </details>
          ) : (
            '—'
          )}
          {e.ip && (
            <span className="muted small">
              {' '}
              {t('audit.entry.address')} <bdi dir="ltr">{e.ip}</bdi>
            </span>
          )}
        </div>
      </td>
    </tr>
  );
}
