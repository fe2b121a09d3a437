// The audit trail and change histories in words, in the interface language: action names,
// subjects, field labels, and values — agencies, ministries, roles and provinces by name,
// dates in the Jalali calendar in Persian, numbers with Persian digits, yes/no, changes as
// "before → after". Used by the audit page; record and governance histories can use
// <Changes> and <Details> for their own change lists.
import type { ReactNode } from 'react';
import { useT } from '../../app/useT.ts';
import { formatDate, formatDateTime, formatNumber } from '../../app/format.ts';
import { nameOf } from '../../app/types.ts';
import { useAgencies, useRoles } from '../admin/api.ts';
import { useProvinces } from '../places/api.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const AGENCY_KEYS = new Set(['agency_id', 'agency_ids', 'agencies', 'agency', 'ministry', 'ministry_id', 'ministry_ids', 'ministries']);
const PROVINCE_KEYS = new Set(['province', 'provinces', 'province_code', 'province_codes']);

/** Action codes the interface knows, from the message catalogue (for the filter lists). */
export function useKnownActions(): string[] {
  const { intl } = useT();
  return Object.keys(intl.messages)
    .filter((k) => k.startsWith('audit.actions.'))
    .map((k) => k.slice('audit.actions.'.length))
    .sort();
}

export function useKnownSubjects(): string[] {
  const { intl } = useT();
  return Object.keys(intl.messages)
    .filter((k) => k.startsWith('audit.subjects.'))
    .map((k) => k.slice('audit.subjects.'.length));
}

export function useAuditWords() {
  const { t, tOr, locale } = useT();
  const agencies = useAgencies();
  const roles = useRoles();
  const provinces = useProvinces();
  const list = (xs: string[]) => xs.join(locale === 'fa' ? '، ' : ', ');
  const code = (s: string) => <bdi dir="ltr">{s}</bdi>;

  const agency = (id: unknown) => nameOf(agencies.data?.find((a) => a.id === Number(id) || a.code === id), locale) || (locale === 'fa' ? `#${formatNumber(Number(id), locale)}` : `#${String(id)}`);
  const province = (c: unknown) => nameOf(provinces.data?.find((p) => p.code === c), locale) || String(c);
  const role = (c: unknown) => nameOf(roles.data?.find((r) => r.code === c), locale) || String(c);
  const permission = (p: string) => tOr(`admin.permissions.${p}`, p);

  const action = (c: string) => tOr(`audit.actions.${c}`, c);
  const subject = (s: string | null) => (s ? tOr(`audit.subjects.${s}`, s) : '');
  const field = (k: string) => tOr(`audit.fields.${k}`, k);

  function scalar(v: unknown): string {
    if (v === null || v === undefined || v === '') return t('audit.values.empty');
    if (typeof v === 'boolean') return t(`audit.values.${v}`);
    if (typeof v === 'number') return formatNumber(v, locale);
    const s = String(v);
    if (ISO_TIME.test(s)) return formatDateTime(s, locale);
    if (ISO_DATE.test(s)) return formatDate(s, locale);
    return s;
  }

  function assignment(a: any): string {
    const ps = a?.provinces == null ? t('audit.values.allProvinces') : list((a.provinces as string[]).map(province));
    const ags = a?.agency_ids ?? a?.agencyIds ?? [];
    return ags.length
      ? t('audit.values.assignmentAgencies', { role: role(a?.role), provinces: ps, agencies: list(ags.map(agency)) })
      : t('audit.values.assignment', { role: role(a?.role), provinces: ps });
  }

  /** A value for people, knowing what its key means. */
  function value(key: string, v: unknown): ReactNode {
    if (v === null || v === undefined) return key === 'provinces' ? t('audit.values.allProvinces') : t('audit.values.empty');
    if (AGENCY_KEYS.has(key)) return Array.isArray(v) ? (v.length ? list(v.map(agency)) : t('audit.values.allAgencies')) : agency(v);
    if (PROVINCE_KEYS.has(key)) return Array.isArray(v) ? list(v.map(province)) : province(v);
    if (key === 'role') return role(v);
    if (key === 'permissions' && Array.isArray(v)) return list(v.map((p) => permission(String(p))));
    if (key === 'permission') return Array.isArray(v) ? list(v.map((p) => permission(String(p)))) : permission(String(v));
    if (key === 'assignments' && Array.isArray(v)) return v.length ? list(v.map(assignment)) : t('audit.values.empty');
    if (key === 'locale' && (v === 'en' || v === 'fa')) return t(`audit.values.locale.${v}`);
    if (key === 'reason' && typeof v === 'string') return tOr(`audit.values.reason.${v}`, v);
    if (key === 'hash' && typeof v === 'string') return code(v.slice(0, 16) + '…');
    if (key === 'username' || key === 'file' || key === 'route' || key === 'method' || key === 'code') return code(String(v));
    if (key === 'args' && Array.isArray(v)) return code(v.join(' '));
    if (key === 'changes' && v && typeof v === 'object') return <Changes changes={v as Record<string, unknown>} />;
    if (Array.isArray(v)) return list(v.map((x) => (x && typeof x === 'object' ? JSON.stringify(x) : scalar(x))));
    if (typeof v === 'object') return <Details details={v} />;
    return scalar(v);
  }

  return { action, subject, field, value, scalar, agency, province, role, locale, t };
}

/** The fields of an entry's details as a list of labelled values. */
export function Details({ details, omit = [] }: { details: unknown; omit?: string[] }) {
  const w = useAuditWords();
  if (!details || typeof details !== 'object' || Array.isArray(details)) return <>{details == null ? '' : w.scalar(details)}</>;
  const entries = Object.entries(details as Record<string, unknown>).filter(([k]) => !omit.includes(k));
  if (!entries.length) return null;
  return (
    <dl className="audit-details" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '0.15rem 0.75rem', margin: '0.25rem 0' }}>
      {entries.map(([k, v]) => (
        <div key={k} className="audit-detail" style={{ display: 'contents' }}>
          <dt style={{ fontWeight: 600 }}>{w.field(k)}</dt>
          <dd dir="auto" style={{ margin: 0 }}>
            {w.value(k, v)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A change list — `{field: [before, after]}` (or `{field: {from, to}}`, or `{field: after}`) —
 * as "label: before → after". fieldLabel names a capability's own fields (default: the audit
 * catalogue's labels).
 */
export function Changes({ changes, fieldLabel, valueLabel }: { changes: Record<string, unknown>; fieldLabel?: (key: string) => string; valueLabel?: (key: string, value: unknown) => string | null | undefined }) {
  const w = useAuditWords();
  const label = fieldLabel ?? w.field;
  const shown = (k: string, v: unknown) => valueLabel?.(k, v) || w.value(k, v);
  return (
    <ul className="audit-changes" style={{ margin: 0, paddingInlineStart: '1.2rem' }}>
      {Object.entries(changes).map(([k, c]) => {
        const pair = Array.isArray(c) && c.length === 2 ? c : c && typeof c === 'object' && 'from' in (c as object) && 'to' in (c as object) ? [(c as any).from, (c as any).to] : null;
        return (
          <li key={k}>
            <span className="audit-change-field">{label(k)}</span>:{' '}
            {pair ? (
              <span dir="auto">
                {shown(k, pair[0])} {w.locale === 'fa' ? '←' : '→'} {shown(k, pair[1])}
              </span>
            ) : (
              <span dir="auto">{shown(k, c)}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The key facts of an audit entry in one line: what was done, to what. */
export function useDescribeEntry() {
  const w = useAuditWords();
  return (e: { action: string; subject_type: string | null; subject_id: string | null; details: unknown }) => {
    const d = (e.details ?? {}) as Record<string, unknown>;
    let subject: ReactNode = null;
    if (e.subject_type === 'agency' && e.subject_id) subject = w.agency(e.subject_id);
    else if (e.subject_type === 'user' && typeof d.username === 'string') subject = <bdi>{d.username}</bdi>;
    else if (e.subject_type && e.subject_id) subject = <bdi dir="ltr">{e.subject_id}</bdi>;
    return { action: w.action(e.action), subjectType: w.subject(e.subject_type), subject };
  };
}
