// The audit trail, newest first: filters (actor, action, subject type, dates — Jalali in
// Persian) kept in the URL, and paging back in time with before_id.
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatDateTime, formatNumber } from '../../../app/format.ts';
import type { AuditEntry } from '../../../app/types.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { EmptyState, QueryView } from '../../../components/States.tsx';
import { FormMessage, TextField } from '../../../components/Field.tsx';
import { DateInput } from '../../../components/DateInput.tsx';
import { useAudit } from '../api.ts';

const FILTERS = ['actor', 'action', 'subject_type', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const PAGE = 50;
const KNOWN_ACTIONS = ['auth.sign_in', 'auth.sign_in.failed', 'auth.sign_out', 'auth.password_change', 'user.create', 'user.update', 'user.preferences', 'agency.create', 'agency.update', 'role.create', 'role.update', 'place.'];
const KNOWN_SUBJECTS = ['user', 'agency', 'role', 'point_of_entry', 'fmp'];

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
          <TextField label={t('admin.audit.actor')} value={draft.actor} onChange={(v) => setDraft({ ...draft, actor: v })} dir="auto" hint={t('admin.audit.actorHint')} />
          <TextField label={t('admin.audit.action')} value={draft.action} onChange={(v) => setDraft({ ...draft, action: v })} dir="ltr" list="audit-actions" hint={t('admin.audit.actionHint')} normalise={false} />
          <TextField label={t('admin.audit.subjectType')} value={draft.subject_type} onChange={(v) => setDraft({ ...draft, subject_type: v })} dir="ltr" list="audit-subjects" normalise={false} />
          <DateInput label={t('admin.audit.from')} value={draft.from || null} onChange={(iso, valid) => (setDraft((d) => ({ ...d, from: iso ?? '' })), setDateValid((s) => ({ ...s, from: valid })))} />
          <DateInput label={t('admin.audit.to')} value={draft.to || null} onChange={(iso, valid) => (setDraft((d) => ({ ...d, to: iso ?? '' })), setDateValid((s) => ({ ...s, to: valid })))} />
        </div>
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <datalist id="audit-subjects">
          {KNOWN_SUBJECTS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
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

function AuditRow({ e }: { e: AuditEntry }) {
  const { t, locale } = useT();
  const details = e.details && typeof e.details === 'object' && Object.keys(e.details as object).length ? JSON.stringify(e.details, null, 2) : null;
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={e.at}>{formatDateTime(e.at, locale)}</time>
      </td>
      <td>{e.actor_label ?? t('admin.audit.system')}</td>
      <td>
        <code dir="ltr">{e.action}</code>
      </td>
      <td>
        {e.subject_type ? (
          <span dir="ltr">
            <code>{e.subject_type}</code> {e.subject_id && <span className="muted small">{e.subject_id}</span>}
          </span>
        ) : (
          '—'
        )}
      </td>
      <td>
        <div>
          {details ? (
            <details>
              <summary>{t('admin.audit.show')}</summary>
              <pre className="code-block" dir="ltr">
                {details}
              </pre>
            </details>
          ) : (
            '—'
          )}
          {e.ip && (
            <span className="muted small" dir="ltr">
              {' '}
              {e.ip}
            </span>
          )}
        </div>
      </td>
    </tr>
  );
}
