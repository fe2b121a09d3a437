// Imports (flows.import): upload a CSV/XLSX file with upload progress, then follow the server's
// processing progress and read the report (every problem: row, column, value, reason).
// A dry run only checks; "skip invalid" imports the valid rows and offers the refused ones as a
// CSV with their problems. Export links for records and daily aggregates, and the import
// history, are here too.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { useAuth, useSessionQuery } from '../../../app/auth.tsx';
import { useQuery } from '@tanstack/react-query';
import { get, ApiError } from '../../../app/api.ts';
import { formatDateTime, formatNumber } from '../../../app/format.ts';
import { Checkbox, FormMessage, SelectField } from '../../../components/Field.tsx';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { flowsKeys, useMappings, type ImportJob } from '../api.ts';
import { sampleFile, SampleError, type FileSample } from '../fileSample.ts';
import { handOff, handedFile } from '../handoff.ts';
import { CORE_FIELDS, columnRenamer } from '@flows/format.ts';
import { missingColumns, parseMapping } from '@flows/mapping.ts';
import '../flows.css';

type Phase = { kind: 'idle' } | { kind: 'uploading'; loaded: number; total: number } | { kind: 'processing'; job: ImportJob | null } | { kind: 'done'; job: ImportJob } | { kind: 'error'; message: string };

function upload(file: File, query: string, csrf: string | undefined, locale: string, onProgress: (loaded: number, total: number) => void): Promise<{ job: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/flows/imports?${query}`);
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.setRequestHeader('x-marz-locale', locale);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: any = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300 && body?.job) resolve(body);
      else reject(new ApiError(xhr.status, body?.error?.code ?? `http_${xhr.status}`, body?.error?.message ?? `${xhr.status} ${xhr.statusText}`));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** Columns a saved mapping needs that the file lacks (none when the mapping no longer parses: the server says why). */
function savedMappingMissing(json: unknown, header: string[]): string[] {
  try {
    return missingColumns(parseMapping(json), header);
  } catch {
    return [];
  }
}

export default function Import() {
  const { t, tOr, locale } = useT();
  const { can } = useAuth();
  const session = useSessionQuery();
  const qc = useQueryClient();
  usePageTitle(t('flows.import.title'));
  const mappings = useMappings();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [file, setFile] = useState<File | null>(() => (params.get('mapping') || params.get('from') ? handedFile() : null));
  const [dryRun, setDryRun] = useState(true);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [labels, setLabels] = useState(false);
  const [mapping, setMapping] = useState(() => params.get('mapping') ?? '');
  const [sample, setSample] = useState<FileSample | null>(null);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);

  // Read the chosen file's header in the browser, to check it against the mapping before sending it.
  useEffect(() => {
    setSample(null);
    setSampleError(null);
    if (!file) return;
    let live = true;
    sampleFile(file, 0)
      .then((s) => live && setSample(s))
      .catch((e) => live && setSampleError(e instanceof SampleError ? t(`flows.mappings.fileErrors.${e.code}`) : null));
    return () => {
      live = false;
    };
  }, [file, t]);

  const chosen = mapping ? mappings.data?.find((m) => m.name === mapping) : undefined;
  // With a mapping chosen, wait for it before checking the file against it.
  const checkable = !!sample && (!mapping || !!chosen);
  // The server's own check (src/flows/import.ts): the mapping's columns, or the core columns without one.
  // Without a mapping, Marz's own exports are read by their HXL row or their header labels (as the server does).
  const canonicalHeader = sample ? (columnRenamer(sample.header, sample.hxlTags ?? null)?.columns ?? sample.header) : [];
  const missing = checkable ? (chosen ? savedMappingMissing(chosen.mapping, sample!.header) : CORE_FIELDS.filter((c) => !canonicalHeader.includes(c))) : [];
  const mapThisFile = () => {
    handOff(file);
    navigate('/flows/mappings?from=import');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setPhase({ kind: 'error', message: t('flows.import.chooseFile') });
    if (!/\.(csv|xlsx|txt)$/i.test(file.name)) return setPhase({ kind: 'error', message: t('flows.import.badType') });
    setPhase({ kind: 'uploading', loaded: 0, total: file.size });
    try {
      const qs = new URLSearchParams({ dry_run: String(dryRun), skip_invalid: String(skipInvalid), lang: locale });
      if (mapping) qs.set('mapping', mapping);
      const { job } = await upload(file, qs.toString(), session.data?.csrf_token, locale, (loaded, total) => alive.current && setPhase({ kind: 'uploading', loaded, total }));
      setPhase({ kind: 'processing', job: null });
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        if (!alive.current) return;
        const j = await get<ImportJob>(`/api/v1/flows/imports/jobs/${job}`);
        if (j.status === 'running') setPhase({ kind: 'processing', job: j });
        else {
          setPhase({ kind: 'done', job: j });
          if (j.report && !j.report.dry_run) void qc.invalidateQueries({ queryKey: flowsKeys.all });
          return;
        }
      }
    } catch (err) {
      setPhase({ kind: 'error', message: err instanceof ApiError && err.status !== 0 ? err.message : t('flows.import.failed') });
    }
  };

  const busy = phase.kind === 'uploading' || phase.kind === 'processing';
  const pct = (a: number, b: number) => (b > 0 ? Math.min(1, a / b) : 0);
  const report = phase.kind === 'done' ? phase.job.report : null;

  return (
    <section className="page">
      <PageHeader title={t('flows.import.title')} subtitle={t('flows.import.subtitle')} />
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="import-file">{t('flows.import.file')}</label>
          <input id="import-file" type="file" accept=".csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => setFile(e.target.files?.[0] ?? null)} disabled={busy} />
          <p className="field-hint">{t('flows.import.fileHint')}</p>
          {file && <p className="small">{t('flows.import.chosen', { name: file.name, size: formatNumber(Math.max(1, Math.round(file.size / 1024)), locale) })}</p>}
        </div>
        {sampleError && <FormMessage>{sampleError}</FormMessage>}
        {sample && checkable && (
          <div className="flows-file-check" role="status" data-testid="import-check" data-missing={missing.length}>
            <p className="small">{t('flows.import.columns', { n: formatNumber(sample.header.length, locale) })}</p>
            {sample.notUtf8 && <FormMessage>{t('flows.mappings.notUtf8')}</FormMessage>}
            {missing.length > 0 ? (
              <FormMessage kind="info">
                {chosen ? t('flows.import.missingForMapping', { cols: missing.join(locale === 'fa' ? '، ' : ', ') }) : t('flows.import.notCanonical', { cols: missing.join(locale === 'fa' ? '، ' : ', ') })}{' '}
                <button type="button" className="btn btn-small" onClick={mapThisFile} data-testid="import-map-file">
                  {chosen ? t('flows.import.newMappingFromFile') : t('flows.import.mapFile')}
                </button>
              </FormMessage>
            ) : (
              <p className="small flows-ok">{chosen ? t('flows.import.mappingFits') : t('flows.import.canonicalFits')}</p>
            )}
          </div>
        )}
        <SelectField
          label={t('flows.import.mapping')}
          value={mapping}
          onChange={setMapping}
          placeholder={t('flows.import.canonical')}
          options={(mappings.data ?? []).map((m) => ({ value: m.name, label: m.name }))}
          hint={
            <>
              {t('flows.import.mappingHint')} <Link to={mapping ? `/flows/mappings?name=${encodeURIComponent(mapping)}` : '/flows/mappings'}>{mapping ? t('flows.import.editMapping') : t('flows.import.manageMappings')}</Link>
            </>
          }
        />
        <Checkbox label={t('flows.import.dryRun')} hint={t('flows.import.dryRunHint')} checked={dryRun} onChange={setDryRun} />
        <Checkbox label={t('flows.import.skipInvalid')} hint={t('flows.import.skipInvalidHint')} checked={skipInvalid} onChange={setSkipInvalid} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {dryRun ? t('flows.import.check') : t('flows.import.import')}
          </button>
        </div>
      </form>

      {phase.kind === 'error' && <FormMessage>{phase.message}</FormMessage>}
      {phase.kind === 'uploading' && (
        <div role="status">
          <p>{t('flows.import.uploading', { pct: formatNumber(pct(phase.loaded, phase.total), locale, { style: 'percent' }) })}</p>
          <progress className="flows-progress" max={1} value={pct(phase.loaded, phase.total)} />
        </div>
      )}
      {phase.kind === 'processing' && (
        <div role="status">
          <p>
            {t('flows.import.processing', {
              pct: formatNumber(pct(phase.job?.progress.bytes ?? 0, phase.job?.progress.totalBytes ?? 0), locale, { style: 'percent' }),
              rows: formatNumber(phase.job?.progress.rows ?? 0, locale),
            })}
          </p>
          <progress className="flows-progress" max={1} value={pct(phase.job?.progress.bytes ?? 0, phase.job?.progress.totalBytes ?? 0)} />
        </div>
      )}
      {phase.kind === 'done' && phase.job.status === 'failed' && <FormMessage>{phase.job.error ?? t('flows.import.failed')}</FormMessage>}
      {report && (
        <section aria-labelledby="report-title">
          <h2 id="report-title">{t('flows.import.report')}</h2>
          <FormMessage kind={report.ok ? 'success' : 'error'}>
            {report.ok
              ? t(report.refused ? (report.dry_run ? 'flows.import.okPartialDry' : 'flows.import.okPartial') : report.dry_run ? 'flows.import.okDry' : 'flows.import.ok', {
                  rows: formatNumber(report.rows, locale),
                  added: formatNumber(report.added, locale),
                  present: formatNumber(report.present, locale),
                  refused: formatNumber(report.refused ?? 0, locale),
                  valid: formatNumber(report.rows - (report.refused ?? 0), locale),
                })
              : t('flows.import.refused', { rows: formatNumber(report.rows, locale), n: formatNumber(report.problem_count, locale) })}
          </FormMessage>
          {phase.kind === 'done' && phase.job.errors_file && (
            <p>
              <a className="btn" href={`/api/v1/flows/imports/jobs/${encodeURIComponent(phase.job.id)}/errors.csv`} download data-testid="import-errors-file">
                {t('flows.import.downloadErrors')}
              </a>
              {report.errors_file_truncated && <span className="muted small"> {t('flows.import.errorsTruncated')}</span>}
            </p>
          )}
          {report.problems.length > 0 && (
            <TableWrap label={t('flows.import.report')}>
              <table className="table" data-testid="import-problems">
                <thead>
                  <tr>
                    <th scope="col">{t('flows.import.row')}</th>
                    <th scope="col">{t('flows.import.column')}</th>
                    <th scope="col">{t('flows.import.value')}</th>
                    <th scope="col">{t('flows.import.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.problems.map((p, i) => (
                    <tr key={i}>
                      <td className="num">{p.row === null ? '—' : formatNumber(p.row, locale, { useGrouping: false })}</td>
                      <td>
                        {/* A field's label in the interface's language; a file's own column name as it is. */}
                        {p.column === null ? '—' : <bdi>{tOr(`flows.fields.${p.column}`, p.column)}</bdi>}
                      </td>
                      <td dir="auto">
                        <bdi>{p.value ?? ''}</bdi>
                      </td>
                      <td>{locale === 'fa' ? p.message_fa : p.message_en}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          {report.problem_count > report.problems.length && <p className="muted">{t('flows.import.more', { n: formatNumber(report.problem_count - report.problems.length, locale) })}</p>}
        </section>
      )}

      {can('flows.export') && (
        <section aria-labelledby="export-title">
          <h2 id="export-title">{t('flows.export.title')}</h2>
          <p className="muted">{t('flows.export.explain')}</p>
          <Checkbox label={t('flows.export.labels')} checked={labels} onChange={setLabels} />
          <ul>
            {(['records', 'daily'] as const).flatMap((what) =>
              (['csv', 'xlsx'] as const).map((format) => (
                <li key={what + format}>
                  <a href={`/api/v1/flows/export?${new URLSearchParams({ what, format, hxl: 'true', lang: locale, labels: String(labels) })}`} download>
                    {t(`flows.export.${what}`)} — {format.toUpperCase()} (HXL)
                  </a>
                </li>
              )),
            )}
          </ul>
        </section>
      )}

      <ImportHistory />
    </section>
  );
}

interface ImportRow {
  id: number;
  file_name: string;
  mapping: string | null;
  rows_read: number;
  rows_added: number;
  rows_present: number;
  rows_refused: number;
  outcome: 'imported' | 'partial' | 'refused';
  created_at: string;
  username: string | null;
}

/** Past imports within the user's scope (GET /api/v1/flows/imports). */
function ImportHistory() {
  const { t, locale } = useT();
  const history = useQuery({ queryKey: [...flowsKeys.all, 'imports'], queryFn: ({ signal }) => get<ImportRow[]>('/api/v1/flows/imports', { limit: 100 }, signal) });
  const n = (v: number) => formatNumber(Number(v), locale);
  return (
    <section aria-labelledby="history-title" data-testid="import-history">
      <h2 id="history-title">{t('flows.import.historyTitle')}</h2>
      <p className="muted">{t('flows.import.historyExplain')}</p>
      {history.isError && <FormMessage>{t('common.unexpectedError')}</FormMessage>}
      {history.data && history.data.length === 0 && <p className="muted">{t('flows.import.historyEmpty')}</p>}
      {history.data && history.data.length > 0 && (
        <TableWrap label={t('flows.import.historyTitle')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('flows.import.when')}</th>
                <th scope="col">{t('flows.import.who')}</th>
                <th scope="col">{t('flows.import.fileName')}</th>
                <th scope="col">{t('flows.import.outcome')}</th>
                <th scope="col">{t('flows.import.rowsAdded')}</th>
                <th scope="col">{t('flows.import.rowsRefused')}</th>
                <th scope="col">{t('flows.import.rowsPresent')}</th>
              </tr>
            </thead>
            <tbody>
              {history.data.map((r) => (
                <tr key={r.id} data-outcome={r.outcome}>
                  <td>{formatDateTime(r.created_at, locale)}</td>
                  <td>
                    <bdi>{r.username ?? t('flows.import.commandLine')}</bdi>
                  </td>
                  <td>
                    <bdi>{r.file_name}</bdi>
                    {r.mapping && (
                      <span className="muted small">
                        {' '}
                        (<bdi>{r.mapping}</bdi>)
                      </span>
                    )}
                  </td>
                  <td>{t(`flows.import.outcomes.${r.outcome}`)}</td>
                  <td className="num">{n(r.rows_added)}</td>
                  <td className="num">{n(r.rows_refused)}</td>
                  <td className="num">{n(r.rows_present)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
