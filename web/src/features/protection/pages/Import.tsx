// Import of an existing case list (CSV or XLSX): all or nothing, with the row / column / value /
// why report of flow imports. A dry run checks without writing.
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { get } from '../../../app/api.ts';
import { useAuth, useSessionQuery } from '../../../app/auth.tsx';
import { formatNumber } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { Checkbox, FormMessage, SelectField } from '../../../components/Field.tsx';
import { agenciesWith } from '../api.ts';

interface Report {
  ok: boolean;
  dry_run: boolean;
  rows: number;
  added: number;
  present: number;
  problem_count: number;
  problems: { row: number | null; column: string | null; value: string | null; code: string; message_en: string; message_fa: string }[];
}

export default function Import() {
  const { t, locale } = useT();
  usePageTitle(t('protection.import.title'));
  const { user } = useAuth();
  const session = useSessionQuery();
  const mine = agenciesWith(user, 'protection.import');
  const agencies = useQuery({ queryKey: ['agencies'], queryFn: ({ signal }) => get<{ id: number; name_en: string; name_fa: string }[]>('/api/v1/agencies', undefined, signal) });
  const [agency, setAgency] = useState(mine.length === 1 ? String(mine[0]) : '');
  const [file, setFile] = useState<File | null>(null);
  const [dry, setDry] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<Report | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const form = new FormData();
      form.append('file', file);
      const res = await fetch(`/api/v1/protection/imports?agency_id=${agency}&dry_run=${dry}`, { method: 'POST', body: form, credentials: 'same-origin', headers: { 'x-csrf-token': session.data?.csrf_token ?? '', 'x-marz-locale': locale, accept: 'application/json' } });
      const body = await res.json().catch(() => null);
      if (!res.ok) setError(body?.error?.message ?? `${res.status}`);
      else setReport(body);
    } catch {
      setError(t('common.unexpectedError'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="page">
      <PageHeader title={t('protection.import.title')} subtitle={t('protection.import.subtitle')} />
      <p className="field-hint" dir="ltr">id, screened_on, fmp, sex, age, nationality, given_name, family_name, status, exploitation, consent_statistics</p>
      <form className="form" onSubmit={submit}>
        {mine.length !== 1 && <SelectField label={t('protection.fields.agency')} required value={agency} onChange={setAgency} placeholder={t('protection.choose')} options={(agencies.data ?? []).filter((a) => mine.includes(a.id)).map((a) => ({ value: String(a.id), label: nameOf(a, locale) }))} />}
        <div className="field">
          <label htmlFor="prot-file" className="is-required">{t('protection.import.file')}</label>
          <input id="prot-file" type="file" accept=".csv,.xlsx,.txt" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <Checkbox label={t('protection.import.dryRun')} checked={dry} onChange={setDry} />
        <FormMessage>{error}</FormMessage>
        <button className="btn btn-primary" disabled={busy || !file || !agency}>{t('protection.import.submit')}</button>
      </form>
      {report && (
        <>
          <FormMessage kind={report.ok ? 'success' : 'error'}>
            {report.ok
              ? t(report.dry_run ? 'protection.import.dryOk' : 'protection.import.ok', { rows: formatNumber(report.rows, locale), added: formatNumber(report.added, locale), present: formatNumber(report.present, locale) })
              : t('protection.import.refused', { n: formatNumber(report.problem_count, locale), rows: formatNumber(report.rows, locale) })}
          </FormMessage>
          {report.problems.length > 0 && (
            <TableWrap label={t('protection.import.problems')}>
              <table className="table">
                <thead><tr><th scope="col">{t('protection.import.row')}</th><th scope="col">{t('protection.import.column')}</th><th scope="col">{t('protection.import.value')}</th><th scope="col">{t('protection.import.why')}</th></tr></thead>
                <tbody>{report.problems.map((p, i) => <tr key={i}><td>{p.row === null ? '—' : formatNumber(p.row, locale)}</td><td dir="ltr">{p.column ?? '—'}</td><td dir="auto">{p.value ?? ''}</td><td>{locale === 'fa' ? p.message_fa : p.message_en}</td></tr>)}</tbody>
              </table>
            </TableWrap>
          )}
        </>
      )}
    </section>
  );
}
