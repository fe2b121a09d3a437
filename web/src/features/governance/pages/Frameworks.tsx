// Frameworks: the shipped SDG 10.7.2, GCM and MGI skeleton and imported ones, with their
// versions; export as JSON or XLSX, import a questionnaire (JSON or XLSX) with its problems
// listed by sheet, row and column, make an editable version and add indicators to it.
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { holdsNationwide } from '../../admin/scope.ts';
import { ApiError, post } from '../../../app/api.ts';
import { formatDate, formatNumber } from '../../../app/format.ts';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { Badge, Dialog, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { LoadingState, QueryView } from '../../../components/States.tsx';
import { G, govKeys, loc, readBase64, useFrameworkVersion, useFrameworks, type FrameworkItem } from '../api.ts';
import '../governance.css';

interface Problem {
  sheet?: string;
  row?: number;
  column?: string;
  value?: string;
  path?: string;
  nodeCode?: string;
  message: string;
}

export default function Frameworks() {
  const { t, locale } = useT();
  const { can, user } = useAuth();
  usePageTitle(t('governance.frameworks.title'));
  const list = useFrameworks();
  const [view, setView] = useState<{ code: string; version: string } | null>(null);
  const [derive, setDerive] = useState<{ code: string; from: string } | null>(null);
  const [add, setAdd] = useState<{ code: string; version: string } | null>(null);
  // Frameworks are national: managing them needs nationwide scope.
  const manage = can('governance.manage') && holdsNationwide(user, 'governance.manage');
  return (
    <section className="page">
      <PageHeader title={t('governance.frameworks.title')} subtitle={t('governance.frameworks.subtitle')} />
      <QueryView query={list}>
        {(rows) => (
          <>
            {rows.map((f) => (
              <section key={f.code} className="card" aria-labelledby={`fw-${f.code}`}>
                <h2 id={`fw-${f.code}`}>
                  {loc(f.title, locale)} <Badge tone="info">{t(`governance.frameworks.kind.${f.kind}`)}</Badge>
                </h2>
                <TableWrap label={loc(f.title, locale)}>
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">{t('governance.fields.frameworkVersion')}</th>
                        <th scope="col">{t('governance.frameworks.indicators')}</th>
                        <th scope="col">{t('governance.frameworks.assessments')}</th>
                        <th scope="col">{t('governance.frameworks.state')}</th>
                        <th scope="col">{t('common.actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {f.versions.map((v) => {
                        const editable = !v.shipped && !v.frozen;
                        const base = `${G}/frameworks/${encodeURIComponent(f.code)}/versions/${encodeURIComponent(v.version)}`;
                        return (
                          <tr key={v.version}>
                            <td>
                              <bdi dir="ltr">{v.version}</bdi>
                              <div className="small muted">{formatDate(v.created_at, locale)}</div>
                            </td>
                            <td className="num">{formatNumber(v.indicators, locale)}</td>
                            <td className="num">{formatNumber(v.assessments, locale)}</td>
                            <td>{v.shipped ? <Badge>{t('governance.frameworks.shipped')}</Badge> : v.frozen ? <Badge tone="warn">{t('governance.frameworks.frozen')}</Badge> : <Badge tone="ok">{t('governance.frameworks.editable')}</Badge>}</td>
                            <td>
                              <div className="row-actions">
                                <button type="button" className="btn btn-small" onClick={() => setView({ code: f.code, version: v.version })}>
                                  {t('governance.frameworks.view')}
                                </button>
                                <a className="btn btn-small" href={`${base}/export.json`}>
                                  JSON
                                </a>
                                <a className="btn btn-small" href={`${base}/export.xlsx`}>
                                  XLSX
                                </a>
                                {manage && f.kind === 'assessment' && (
                                  <button type="button" className="btn btn-small" onClick={() => setDerive({ code: f.code, from: v.version })}>
                                    {t('governance.frameworks.derive')}
                                  </button>
                                )}
                                {manage && editable && f.kind === 'assessment' && (
                                  <button type="button" className="btn btn-small btn-primary" onClick={() => setAdd({ code: f.code, version: v.version })}>
                                    {t('governance.frameworks.addIndicator')}
                                  </button>
                                )}
                              </div>
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </TableWrap>
              </section>
            ))}
            {manage && <ImportForm frameworks={rows} />}
          </>
        )}
      </QueryView>
      <Dialog open={view !== null} onClose={() => setView(null)} title={view ? `${view.code} · ${view.version}` : ''} wide>
        {view && <VersionTree code={view.code} version={view.version} />}
      </Dialog>
      <Dialog open={derive !== null} onClose={() => setDerive(null)} title={t('governance.frameworks.derive')}>
        {derive && <DeriveForm code={derive.code} from={derive.from} onDone={() => setDerive(null)} />}
      </Dialog>
      <Dialog open={add !== null} onClose={() => setAdd(null)} title={t('governance.frameworks.addIndicator')} wide>
        {add && <AddIndicatorForm code={add.code} version={add.version} onDone={() => setAdd(null)} />}
      </Dialog>
    </section>
  );
}

function VersionTree({ code, version }: { code: string; version: string }) {
  const { locale } = useT();
  const q = useFrameworkVersion(code, version);
  if (q.isPending) return <LoadingState />;
  if (!q.data) return null;
  return (
    <ul className="gov-list">
      {q.data.nodes.map((n) => (
        <li key={n.code} style={{ paddingInlineStart: `${n.depth * 1.25}rem` }}>
          <bdi className="gov-code">{n.code}</bdi> <span style={{ fontWeight: n.level === 'indicator' ? 400 : 700 }}>{loc(n.texts, locale)}</span>
          {n.links.length > 0 && (
            <span className="small muted" dir="ltr">
              {n.links.join(' ')}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

function DeriveForm({ code, from, onDone }: { code: string; from: string; onDone: () => void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [version, setVersion] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await post(`${G}/frameworks/${encodeURIComponent(code)}/versions`, { version, from_version: from });
          await qc.invalidateQueries({ queryKey: govKeys.frameworks });
          onDone();
        } catch (err) {
          setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
        }
      }}
    >
      <p>{t('governance.frameworks.deriveHint', { from })}</p>
      {error && <FormMessage>{error}</FormMessage>}
      <TextField label={t('governance.frameworks.newVersion')} value={version} onChange={setVersion} required dir="ltr" normalise={false} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          {t('governance.frameworks.create')}
        </button>
      </div>
    </form>
  );
}

function AddIndicatorForm({ code, version, onDone }: { code: string; version: string; onDone: () => void }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const q = useFrameworkVersion(code, version);
  const [f, setF] = useState({ parent: '', code: '', en: '', fa: '', qen: '', qfa: '', level: 'indicator', gcm: '' });
  const [error, setError] = useState<string | null>(null);
  const parents = (q.data?.nodes ?? []).filter((n) => n.level !== 'indicator');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const gcm = f.gcm
      .split(/[\s,،]+/)
      .map((x) => x.trim())
      .filter(Boolean);
    try {
      await post(`${G}/frameworks/${encodeURIComponent(code)}/versions/${encodeURIComponent(version)}/nodes`, {
        parent_code: f.parent,
        node: {
          code: f.code,
          level: f.level,
          texts: { en: f.en, fa: f.fa },
          ...(f.qen || f.qfa ? { question: { en: f.qen || f.en, fa: f.qfa || f.fa } } : {}),
          ...(gcm.length ? { links: gcm.map((g) => ({ framework: 'gcm', code: g, basis: 'inferred' })) } : {}),
        },
      });
      await qc.invalidateQueries({ queryKey: govKeys.all });
      setF({ ...f, code: '', en: '', fa: '', qen: '', qfa: '', gcm: '' });
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message + problemsText(err.details) : t('common.unexpectedError'));
    }
  };
  return (
    <form className="form" onSubmit={submit}>
      {error && <FormMessage>{error}</FormMessage>}
      <div className="form-row">
        <SelectField label={t('governance.frameworks.parent')} value={f.parent} onChange={(v) => setF({ ...f, parent: v })} required placeholder="" options={parents.map((n) => ({ value: n.code, label: `${'— '.repeat(n.depth)}${n.code} ${loc(n.texts, locale)}` }))} />
        <SelectField label={t('governance.frameworks.level')} value={f.level} onChange={(v) => setF({ ...f, level: v })} options={['indicator', 'topic'].map((l) => ({ value: l, label: t(`governance.frameworks.levels.${l}`) }))} />
        <TextField label={t('governance.frameworks.code')} value={f.code} onChange={(v) => setF({ ...f, code: v })} required dir="ltr" normalise={false} hint={t('governance.frameworks.codeHint')} />
      </div>
      <div className="form-row">
        <TextField label={t('governance.frameworks.textFa')} value={f.fa} onChange={(v) => setF({ ...f, fa: v })} required dir="rtl" />
        <TextField label={t('governance.frameworks.textEn')} value={f.en} onChange={(v) => setF({ ...f, en: v })} required dir="ltr" />
      </div>
      <div className="form-row">
        <TextField label={t('governance.frameworks.questionFa')} value={f.qfa} onChange={(v) => setF({ ...f, qfa: v })} dir="rtl" />
        <TextField label={t('governance.frameworks.questionEn')} value={f.qen} onChange={(v) => setF({ ...f, qen: v })} dir="ltr" />
      </div>
      <TextField label={t('governance.frameworks.gcmLinks')} value={f.gcm} onChange={(v) => setF({ ...f, gcm: v })} dir="ltr" normalise={false} hint={t('governance.frameworks.gcmLinksHint')} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          {t('governance.frameworks.addIndicator')}
        </button>
      </div>
    </form>
  );
}

function problemsText(details: unknown): string {
  if (!Array.isArray(details)) return '';
  return '\n' + (details as Problem[]).slice(0, 10).map((p) => `• ${[p.sheet, p.row, p.column ?? p.path].filter((x) => x !== undefined && x !== '').join(' · ')}: ${p.message}`).join('\n');
}

function ImportForm({ frameworks }: { frameworks: FrameworkItem[] }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [from, setFrom] = useState('');
  const [result, setResult] = useState<{ kind: 'success' | 'error'; text: string; problems?: Problem[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setResult(null);
    try {
      const xlsx = /\.xlsx$/i.test(file.name);
      const fromVersion = from ? from.slice(from.indexOf('@') + 1) : null;
      const body = xlsx ? { format: 'xlsx', data_base64: await readBase64(file) } : { format: 'json', document: JSON.parse(await file.text()) };
      const r = await post<{ code: string; version: string; created: boolean; indicators: number }>(`${G}/frameworks/import`, { ...body, ...(fromVersion ? { mappings_from: fromVersion } : {}) });
      setResult({ kind: 'success', text: t(r.created ? 'governance.import.created' : 'governance.import.same', { code: r.code, version: r.version, n: formatNumber(r.indicators, locale) }) });
      await qc.invalidateQueries({ queryKey: govKeys.all });
    } catch (err) {
      if (err instanceof SyntaxError) setResult({ kind: 'error', text: t('governance.import.badJson') });
      else if (err instanceof ApiError) setResult({ kind: 'error', text: err.message, problems: Array.isArray(err.details) ? (err.details as Problem[]) : undefined });
      else setResult({ kind: 'error', text: t('common.unexpectedError') });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="gov-import">
      <h2 id="gov-import">{t('governance.import.title')}</h2>
      <p className="muted">{t('governance.import.hint')}</p>
      <form className="form" onSubmit={submit} data-testid="gov-import-form">
        <div className="form-row">
          <div className="field">
            <label htmlFor="gov-import-file">{t('governance.import.file')}</label>
            <input id="gov-import-file" type="file" accept=".json,.xlsx,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </div>
          <SelectField
            label={t('governance.import.mapFrom')}
            value={from}
            onChange={setFrom}
            placeholder={t('governance.common.none')}
            hint={t('governance.import.mapFromHint')}
            options={frameworks.flatMap((f) => f.versions.map((v) => ({ value: `${f.code}@${v.version}`, label: `${f.code} ${v.version}` })))}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!file || busy}>
            {t('governance.import.submit')}
          </button>
        </div>
      </form>
      {result && (
        <FormMessage kind={result.kind}>
          {result.text}
          {result.problems && (
            <ul className="gov-problems">
              {result.problems.slice(0, 50).map((p, i) => (
                <li key={i}>
                  <bdi dir="ltr">{[p.sheet, p.row !== undefined ? t('governance.import.row', { n: p.row }) : undefined, p.column ?? p.path, p.value !== undefined ? `"${p.value}"` : undefined].filter(Boolean).join(' · ')}</bdi>: {p.message}
                </li>
              ))}
            </ul>
          )}
        </FormMessage>
      )}
    </section>
  );
}
