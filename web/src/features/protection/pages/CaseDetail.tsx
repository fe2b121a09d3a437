// One case, with only the fields the user may read. Status decisions, consent versions,
// referrals (consent gate; override with a reason), follow-up, closure, break-glass, and for
// the data protection focal point the access report and legal hold.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, get, patch, post } from '../../../app/api.ts';
import { useAuth, useSessionQuery } from '../../../app/auth.tsx';
import { formatDate, formatDateTime, formatNumber, today } from '../../../app/format.ts';
import { useFmps, useProvinces } from '../../places/api.ts';
import { nameOf } from '../../../app/types.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { ErrorState, LoadingState } from '../../../components/States.tsx';
import { Checkbox, FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { DateInput } from '../../../components/DateInput.tsx';
import { CLOSURE_REASONS, FIELD_GROUPS, PILLARS, SERVICES, STATUSES, protectionKeys, useCase, useSystemText } from '../api.ts';

const toggle = (list: string[], v: string, on: boolean) => (on ? [...new Set([...list, v])] : list.filter((x) => x !== v));

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function useAction() {
  const { t } = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('common.unexpectedError'));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

export default function CaseDetail() {
  const { id = '' } = useParams();
  const { t, locale } = useT();
  usePageTitle(t('protection.case.title'));
  const { can } = useAuth();
  const qc = useQueryClient();
  const q = useCase(id);
  const agencies = useQuery({ queryKey: ['agencies'], queryFn: ({ signal }) => get<{ id: number; name_en: string; name_fa: string }[]>('/api/v1/agencies', undefined, signal) });
  const agencyName = (aid: number) => nameOf(agencies.data?.find((a) => a.id === aid), locale) || String(aid);
  const refresh = () => qc.invalidateQueries({ queryKey: protectionKeys.case(id) });
  const provinces = useProvinces();
  const fmps = useFmps();
  const sys = useSystemText();

  if (q.isPending) return <LoadingState />;
  if (q.isError) {
    const notFound = q.error instanceof ApiError && q.error.status === 404;
    return (
      <section className="page narrow">
        <ErrorState error={q.error} retry={() => void q.refetch()} />
        {notFound && can('protection.break_glass') && <BreakGlass id={id} onDone={refresh} />}
        {can('protection.oversee') && <Oversight id={id} />}
      </section>
    );
  }
  const d = q.data;
  const c = d.case;
  const hidden: string[] = c.hidden_fields;
  const field = (k: string, v: ReactNode) => (
    <div className="fact">
      <dt>{t(`protection.fields.${k}`)}</dt>
      <dd dir="auto">{hidden.includes(k) ? <span className="muted">{t('protection.cases.hidden')}</span> : v ?? '—'}</dd>
    </div>
  );
  return (
    <section className="page">
      <PageHeader title={t('protection.case.title')} subtitle={t(`protection.via.${d.access.via}`)} back={{ to: '/protection/cases', label: t('protection.cases.title') }} />
      <Section title={t('protection.case.facts')}>
        <dl className="facts">
          {field('given_name', c.given_name)}
          {field('family_name', c.family_name)}
          {field('screened_on', formatDate(c.screened_on, locale))}
          {field('agency', agencyName(c.owner_agency_id))}
          {field('province', nameOf(provinces.data?.find((x) => x.code === c.province), locale) || c.province)}
          {field('fmp', nameOf(fmps.data?.find((x) => x.code === c.fmp), locale) || c.fmp)}
          {field('sex', t(`protection.sex.${c.sex}`))}
          {field('age', c.age == null ? null : formatNumber(c.age, locale))}
          {field('nationality', c.nationality)}
          {field('status', t(`protection.status.${c.status}`))}
          {field('exploitation', c.exploitation.map((x: string) => t(`protection.exploitation.${x}`)).join('، '))}
          {field('exploitation_detail', c.exploitation_detail)}
          {field('perpetrator', c.perpetrator)}
        </dl>
        {c.closed_at && <p>{t('protection.case.closedOn', { date: formatDateTime(c.closed_at, locale), reason: t(`protection.closure.${c.closure_reason}`) })}</p>}
      </Section>

      <Section title={t('protection.case.statusHistory')}>
        <TableWrap label={t('protection.case.statusHistory')}>
          <table className="table">
            <thead><tr><th scope="col">{t('protection.fields.status')}</th><th scope="col">{t('protection.fields.deciding_authority')}</th><th scope="col">{t('protection.fields.legal_basis')}</th><th scope="col">{t('protection.fields.decided_on')}</th></tr></thead>
            <tbody>{d.status_history.map((h: any, i: number) => <tr key={i}><td>{t(`protection.status.${h.status}`)}</td><td dir="auto">{sys(h.deciding_authority)}</td><td dir="auto">{sys(h.legal_basis)}</td><td>{formatDate(h.decided_on, locale)}</td></tr>)}</tbody>
          </table>
        </TableWrap>
        {d.access.edit && <StatusForm id={id} onDone={refresh} />}
      </Section>

      {d.consents.length > 0 && (
        <Section title={t('protection.consent.title')}>
          <ul>{d.consents.map((k: any) => <li key={k.version}>{t('protection.consent.version', { v: formatNumber(k.version, locale), date: formatDate(k.given_on, locale) })}: {k.withdrawn ? t('protection.consent.withdrawn') : [k.statistics ? t('protection.consent.statistics') : null, ...k.share_fields.map((g: string) => t(`protection.fieldGroups.${g}`)), ...k.share_with.map((s: string) => t(`protection.service.${s}`))].filter(Boolean).join('، ')}</li>)}</ul>
          {d.access.edit && <ConsentForm id={id} onDone={refresh} />}
        </Section>
      )}

      <Section title={t('protection.case.referrals')}>
        <p>{PILLARS.map((p) => t('protection.case.pillarLine', { pillar: t(`protection.pillar.${p}`), referrals: formatNumber(d.pillars[p].referrals, locale), delivered: formatNumber(d.pillars[p].delivered, locale) })).join(' · ')}</p>
        <TableWrap label={t('protection.case.referrals')}>
          <table className="table">
            <thead><tr><th scope="col">{t('protection.fields.to_agency')}</th><th scope="col">{t('protection.fields.service')}</th><th scope="col">{t('protection.fields.pillar')}</th><th scope="col">{t('protection.fields.status')}</th><th scope="col">{t('protection.fields.due_on')}</th></tr></thead>
            <tbody>{d.referrals.map((r: any) => <tr key={r.id}><td>{agencyName(r.to_agency_id)}</td><td>{t(`protection.service.${r.service}`)}</td><td>{t(`protection.pillar.${r.pillar}`)}</td><td>{t(`protection.referralStatus.${r.status}`)}{r.consent_overridden ? ` · ${t('protection.refer.overridden')}` : ''}</td><td>{formatDate(r.due_on, locale)}</td></tr>)}</tbody>
          </table>
        </TableWrap>
        {d.access.refer && d.access.via === 'owner' && <ReferForm id={id} agencies={(agencies.data ?? []).filter((a) => a.id !== c.owner_agency_id)} onDone={refresh} />}
      </Section>

      <Section title={t('protection.case.followups')}>
        <ul>{d.followups.map((f: any) => <li key={f.id}><strong>{t(`protection.followupKind.${f.kind}`)}</strong>{f.pillar ? ` (${t(`protection.pillar.${f.pillar}`)})` : ''} · {formatDateTime(f.created_at, locale)}: <span dir="auto">{f.body}</span></li>)}</ul>
        <FollowupForm id={id} onDone={refresh} />
      </Section>

      <Section title={t('protection.documents.title')}>
        {d.documents.length === 0 ? <p className="muted">{t('protection.documents.none')}</p> : (
          <ul>{d.documents.map((doc: any) => <li key={doc.id}>{doc.name ? <a href={`/api/v1/protection/documents/${doc.id}`} dir="auto">{doc.name}</a> : <span className="muted">{t('protection.cases.hidden')}</span>} · {formatDateTime(doc.created_at, locale)}</li>)}</ul>
        )}
        {d.access.edit && <DocumentUpload id={id} onDone={refresh} />}
      </Section>

      {d.access.edit && !c.closed_at && <CloseForm id={id} onDone={refresh} />}
      {can('protection.oversee') && <Oversight id={id} />}
    </section>
  );
}

function StatusForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useT();
  const a = useAction();
  const [f, setF] = useState({ status: '', deciding_authority: '', legal_basis: '', decided_on: today() });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await a.run(() => post(`/api/v1/protection/cases/${id}/status`, f))) onDone();
  };
  return (
    <form className="form inline-form" onSubmit={submit}>
      <p className="field-hint">{t('protection.case.statusNote')}</p>
      <SelectField label={t('protection.fields.status')} required value={f.status} onChange={(v) => setF({ ...f, status: v })} placeholder={t('protection.choose')} options={STATUSES.map((s) => ({ value: s, label: t(`protection.status.${s}`) }))} />
      <TextField label={t('protection.fields.deciding_authority')} required value={f.deciding_authority} onChange={(v) => setF({ ...f, deciding_authority: v })} />
      <TextField label={t('protection.fields.legal_basis')} required value={f.legal_basis} onChange={(v) => setF({ ...f, legal_basis: v })} />
      <DateInput label={t('protection.fields.decided_on')} required value={f.decided_on} onChange={(v) => setF({ ...f, decided_on: v ?? '' })} />
      <FormMessage>{a.error}</FormMessage>
      <button className="btn" disabled={a.busy}>{t('protection.case.recordDecision')}</button>
    </form>
  );
}

function ConsentForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useT();
  const a = useAction();
  const [f, setF] = useState({ share_fields: [] as string[], share_with: [] as string[], statistics: false, retention_told: true, withdrawn: false });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await a.run(() => post(`/api/v1/protection/cases/${id}/consents`, f))) onDone();
  };
  return (
    <form className="form inline-form" onSubmit={submit}>
      <Checkbox label={t('protection.consent.statistics')} checked={f.statistics} onChange={(v) => setF({ ...f, statistics: v })} />
      <Checkbox label={t('protection.consent.retentionTold')} checked={f.retention_told} onChange={(v) => setF({ ...f, retention_told: v })} />
      {FIELD_GROUPS.map((g) => <Checkbox key={g} label={t(`protection.fieldGroups.${g}`)} checked={f.share_fields.includes(g)} onChange={(on) => setF({ ...f, share_fields: toggle(f.share_fields, g, on) })} />)}
      {SERVICES.map((s) => <Checkbox key={s} label={t(`protection.service.${s}`)} checked={f.share_with.includes(s)} onChange={(on) => setF({ ...f, share_with: toggle(f.share_with, s, on) })} />)}
      <Checkbox label={t('protection.consent.withdraw')} checked={f.withdrawn} onChange={(v) => setF({ ...f, withdrawn: v })} />
      <FormMessage>{a.error}</FormMessage>
      <button className="btn" disabled={a.busy}>{t('protection.consent.record')}</button>
    </form>
  );
}

function ReferForm({ id, agencies, onDone }: { id: string; agencies: { id: number; name_en: string; name_fa: string }[]; onDone: () => void }) {
  const { t, locale } = useT();
  const { can } = useAuth();
  const a = useAction();
  const [f, setF] = useState({ kind: 'referral', to_agency_id: '', service: '', pillar: 'support', fields: [] as string[], note: '', override_reason: '' });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await a.run(() => post(`/api/v1/protection/cases/${id}/referrals`, { ...f, to_agency_id: Number(f.to_agency_id), note: f.note || null, override_reason: f.override_reason || null }))) onDone();
  };
  return (
    <form className="form inline-form" onSubmit={submit}>
      <h3>{t('protection.refer.title')}</h3>
      <SelectField label={t('protection.refer.kind')} value={f.kind} onChange={(v) => setF({ ...f, kind: v })} options={['referral', 'transfer'].map((k) => ({ value: k, label: t(`protection.refer.kinds.${k}`) }))} />
      <SelectField label={t('protection.fields.to_agency')} required value={f.to_agency_id} onChange={(v) => setF({ ...f, to_agency_id: v })} placeholder={t('protection.choose')} options={agencies.map((x) => ({ value: String(x.id), label: nameOf(x, locale) }))} />
      <SelectField label={t('protection.fields.service')} required value={f.service} onChange={(v) => setF({ ...f, service: v })} placeholder={t('protection.choose')} options={SERVICES.map((s) => ({ value: s, label: t(`protection.service.${s}`) }))} />
      <SelectField label={t('protection.fields.pillar')} required value={f.pillar} onChange={(v) => setF({ ...f, pillar: v })} options={PILLARS.map((s) => ({ value: s, label: t(`protection.pillar.${s}`) }))} />
      <p className="field-hint">{t('protection.refer.fields')}</p>
      {FIELD_GROUPS.map((g) => <Checkbox key={g} label={t(`protection.fieldGroups.${g}`)} checked={f.fields.includes(g)} onChange={(on) => setF({ ...f, fields: toggle(f.fields, g, on) })} />)}
      <TextField label={t('protection.refer.note')} value={f.note} onChange={(v) => setF({ ...f, note: v })} />
      {can('protection.consent_override') && <TextField label={t('protection.refer.override')} hint={t('protection.refer.overrideHint')} value={f.override_reason} onChange={(v) => setF({ ...f, override_reason: v })} />}
      <FormMessage>{a.error}</FormMessage>
      <button className="btn btn-primary" disabled={a.busy}>{t('protection.refer.submit')}</button>
    </form>
  );
}

function FollowupForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useT();
  const a = useAction();
  const [f, setF] = useState({ kind: 'note', pillar: '', body: '' });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await a.run(() => post(`/api/v1/protection/cases/${id}/followups`, { ...f, pillar: f.pillar || null }))) {
      setF({ kind: 'note', pillar: '', body: '' });
      onDone();
    }
  };
  return (
    <form className="form inline-form" onSubmit={submit}>
      <SelectField label={t('protection.followup.kind')} value={f.kind} onChange={(v) => setF({ ...f, kind: v })} options={['assessment', 'service', 'note', 'document'].map((k) => ({ value: k, label: t(`protection.followupKind.${k}`) }))} />
      <SelectField label={t('protection.fields.pillar')} value={f.pillar} onChange={(v) => setF({ ...f, pillar: v })} placeholder={t('protection.none')} options={PILLARS.map((s) => ({ value: s, label: t(`protection.pillar.${s}`) }))} />
      <div className="field">
        <label htmlFor="fu-body" className="is-required">{t('protection.followup.body')}</label>
        <textarea id="fu-body" rows={3} required value={f.body} onChange={(e) => setF({ ...f, body: e.target.value })} />
      </div>
      <FormMessage>{a.error}</FormMessage>
      <button className="btn" disabled={a.busy}>{t('protection.followup.add')}</button>
    </form>
  );
}

function DocumentUpload({ id, onDone }: { id: string; onDone: () => void }) {
  const { t, locale } = useT();
  const session = useSessionQuery();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="field">
      <label htmlFor="doc-file">{t('protection.documents.add')}</label>
      <input
        id="doc-file"
        type="file"
        disabled={busy}
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          setBusy(true);
          setError(null);
          const form = new FormData();
          form.append('file', file);
          try {
            const res = await fetch(`/api/v1/protection/cases/${id}/documents`, { method: 'POST', body: form, credentials: 'same-origin', headers: { 'x-csrf-token': session.data?.csrf_token ?? '', 'x-marz-locale': locale, accept: 'application/json' } });
            if (!res.ok) setError((await res.json().catch(() => null))?.error?.message ?? String(res.status));
            else onDone();
          } finally {
            setBusy(false);
            e.target.value = '';
          }
        }}
      />
      <FormMessage>{error}</FormMessage>
    </div>
  );
}

function CloseForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useT();
  const a = useAction();
  const [reason, setReason] = useState('');
  return (
    <Section title={t('protection.case.close')}>
      <form className="form inline-form" onSubmit={async (e) => { e.preventDefault(); if (await a.run(() => patch(`/api/v1/protection/cases/${id}`, { close: { reason } }))) onDone(); }}>
        <SelectField label={t('protection.fields.closure_reason')} required value={reason} onChange={setReason} placeholder={t('protection.choose')} options={CLOSURE_REASONS.map((r) => ({ value: r, label: t(`protection.closure.${r}`) }))} />
        <FormMessage>{a.error}</FormMessage>
        <button className="btn" disabled={a.busy}>{t('protection.case.close')}</button>
      </form>
    </Section>
  );
}

function BreakGlass({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useT();
  const a = useAction();
  const [reason, setReason] = useState('');
  return (
    <Section title={t('protection.breakGlass.title')}>
      <p>{t('protection.breakGlass.warning')}</p>
      <form className="form" onSubmit={async (e) => { e.preventDefault(); if (await a.run(() => post(`/api/v1/protection/cases/${id}/break-glass`, { reason }))) onDone(); }}>
        <TextField label={t('protection.breakGlass.reason')} required value={reason} onChange={setReason} minLength={10} />
        <FormMessage>{a.error}</FormMessage>
        <button className="btn btn-danger" disabled={a.busy}>{t('protection.breakGlass.open')}</button>
      </form>
    </Section>
  );
}

function Oversight({ id }: { id: string }) {
  const { t, locale } = useT();
  const [show, setShow] = useState(false);
  const report = useQuery({ queryKey: ['protection', 'access-report', id], queryFn: ({ signal }) => get<{ entries: any[] }>(`/api/v1/protection/cases/${id}/access-report`, undefined, signal), enabled: show, retry: false });
  const a = useAction();
  const [reason, setReason] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <Section title={t('protection.oversight.title')}>
      <button type="button" className="btn" onClick={() => setShow(true)}>{t('protection.oversight.accessReport')}</button>
      {show && report.isError && <ErrorState error={report.error} />}
      {show && report.data && (
        <TableWrap label={t('protection.oversight.accessReport')}>
          <table className="table">
            <thead><tr><th scope="col">{t('protection.oversight.when')}</th><th scope="col">{t('protection.oversight.who')}</th><th scope="col">{t('protection.oversight.what')}</th></tr></thead>
            <tbody>{report.data.entries.map((e, i) => <tr key={i}><td>{formatDateTime(e.at, locale)}</td><td dir="ltr">{e.actor_label}</td><td><code dir="ltr">{e.action}</code></td></tr>)}</tbody>
          </table>
        </TableWrap>
      )}
      <form className="form inline-form" onSubmit={async (e) => { e.preventDefault(); if (await a.run(() => post(`/api/v1/protection/cases/${id}/legal-hold`, { hold: true, reason }))) setMsg(t('protection.oversight.held')); }}>
        <TextField label={t('protection.oversight.holdReason')} value={reason} onChange={setReason} />
        <FormMessage>{a.error}</FormMessage>
        <FormMessage kind="success">{msg}</FormMessage>
        <button className="btn" disabled={a.busy}>{t('protection.oversight.hold')}</button>
      </form>
    </Section>
  );
}
