// The import mapping editor (flows.import): how the columns of a KoboToolbox / ODK / Excel
// export become Marz's FMR fields. Start from the file's header (read in the browser, nothing
// is uploaded), choose for each Marz field its source — a column, the first non-empty of
// several, the sum of several (e.g. boys under 5 + boys 5–17), one column per choice, or a
// constant — and translate values (e.g. «خروجی» → out) with a table. A preview applies the
// mapping to the file's first rows. Saved by name, the mapping is then chosen on the import page.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { api, ApiError } from '../../../app/api.ts';
import { formatDateTime, formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { Checkbox, FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useFmps } from '../../places/api.ts';
import { flowsKeys, useExampleMappings, useMappings } from '../api.ts';
import { DEPORTED, DIRECTIONS, REASONS, TRANSPORT, countryOptions } from '../codes.ts';
import { sampleFile, SampleError, type FileSample } from '../fileSample.ts';
import { handOff, handedFile } from '../handoff.ts';
import { CORE_FIELDS, FMR_FIELDS, type FmrField } from '@flows/format.ts';
import { applyMapping, mappingSourceColumns, mappingValidateOptions, missingColumns, type Mapping } from '@flows/mapping.ts';
import { validateFmrRow, type Problem } from '@flows/validate.ts';
import { todayIso } from '@platform/calendar.ts';
import {
  COUNTRY_FIELDS,
  DATE_FORMATS,
  DIGITS,
  RULE_KINDS,
  SOURCES,
  checkDraft,
  draftMapping,
  emptyDraft,
  emptyRule,
  fromJson,
  guessFromHeader,
  toJson,
  type MappingDraft,
  type Pairs,
  type RuleDraft,
} from '../mappingModel.ts';
import { fmpRegistry, problemText } from '../validation.ts';
import '../flows.css';

const normKey = (s: string) => s.trim().toLowerCase();

export default function Mappings() {
  const { t, locale } = useT();
  usePageTitle(t('flows.mappings.title'));
  const mappings = useMappings();
  const examples = useExampleMappings();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<MappingDraft | null>(null);
  const [original, setOriginal] = useState<string | null>(null);
  const [sample, setSample] = useState<FileSample | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  /** Changes when another mapping is opened (not when the open one is saved under its name). */
  const [editorKey, setEditorKey] = useState(0);

  const readFile = async (f: File | null, base?: MappingDraft | null) => {
    setFileError(null);
    if (!f) return;
    try {
      const s = await sampleFile(f, 200);
      setSample(s);
      setFileName(f.name);
      handOff(f);
      setDraft((d) => {
        const current = base ?? d;
        if (current) return guessFromHeader(s.header, current, s.hxlTags ?? null);
        return guessFromHeader(s.header, emptyDraft(), s.hxlTags ?? null);
      });
    } catch (e) {
      setFileError(e instanceof SampleError ? t(`flows.mappings.fileErrors.${e.code}`) : String(e));
    }
  };

  // Opened from the import page with its file, or with ?name= to edit a saved mapping.
  const wanted = params.get('name');
  useEffect(() => {
    if (draft) return;
    if (wanted && mappings.data) {
      const m = mappings.data.find((x) => x.name === wanted);
      if (m) {
        setDraft(fromJson(m.mapping, m.name));
        setOriginal(m.name);
      }
    } else if (!wanted && params.get('from') === 'import' && handedFile()) {
      void readFile(handedFile(), emptyDraft());
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted, mappings.data]);

  const open = (name: string | null) => {
    const next = new URLSearchParams();
    if (name) next.set('name', name);
    setParams(next, { replace: true });
    const m = name ? mappings.data?.find((x) => x.name === name) : null;
    setDraft(m ? fromJson(m.mapping, m.name) : sample ? guessFromHeader(sample.header, emptyDraft(), sample.hxlTags ?? null) : emptyDraft());
    setOriginal(m ? m.name : null);
    setEditorKey((k) => k + 1);
  };

  return (
    <section className="page flows-mappings">
      <PageHeader
        title={t('flows.mappings.title')}
        subtitle={t('flows.mappings.subtitle')}
        back={{ to: '/flows/import', label: t('flows.import.title') }}
        actions={
          <button type="button" className="btn btn-primary" onClick={() => open(null)} data-testid="mapping-new">
            {t('flows.mappings.new')}
          </button>
        }
      />
      <section aria-labelledby="saved-title">
        <h2 id="saved-title">{t('flows.mappings.saved')}</h2>
        <QueryView query={mappings} empty={t('flows.mappings.none')}>
          {(rows) => (
            <ul className="flows-queue-list" data-testid="mapping-list">
              {rows.map((m) => (
                <li key={m.name} className="flows-mapping-item">
                  <span>
                    <strong dir="auto">{m.name}</strong> <span className="muted small">· {t('flows.mappings.updated', { at: formatDateTime(m.updated_at, locale) })}</span>
                  </span>
                  <span className="row-actions">
                    <button type="button" className="btn btn-small" onClick={() => open(m.name)} aria-label={t('flows.mappings.editNamed', { name: m.name })}>
                      {t('flows.mappings.edit')}
                    </button>
                    <Link className="btn btn-small" to={`/flows/import?mapping=${encodeURIComponent(m.name)}`}>
                      {t('flows.mappings.useIt')}
                    </Link>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      </section>

      {examples.data && examples.data.length > 0 && (
        <section aria-labelledby="examples-title" data-testid="mapping-examples">
          <h2 id="examples-title">{t('flows.mappings.examplesTitle')}</h2>
          <p className="muted small">{t('flows.mappings.examplesExplain')}</p>
          <ul className="flows-queue-list">
            {examples.data.map((x) => (
              <li key={x.file} className="flows-mapping-item">
                <span>
                  <strong dir="auto">{x.name}</strong>
                  {x.description && <span className="muted small" dir="auto"> · {x.description}</span>}
                </span>
                <span className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid={`mapping-example-${x.file}`}
                    onClick={() => {
                      setParams(new URLSearchParams(), { replace: true });
                      // A copy to adjust and save under a name of one's own.
                      setDraft({ ...fromJson(x.mapping), name: '' });
                      setOriginal(null);
                      setEditorKey((k) => k + 1);
                    }}
                  >
                    {t('flows.mappings.startFromExample')}
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {draft && (
        <Editor
          key={editorKey}
          draft={draft}
          setDraft={setDraft}
          original={original}
          sample={sample}
          fileName={fileName}
          fileError={fileError}
          onFile={(f) => void readFile(f)}
          existing={(mappings.data ?? []).map((m) => m.name)}
          onSaved={(name) => {
            setOriginal(name);
            setParams(new URLSearchParams({ name }), { replace: true });
          }}
        />
      )}
    </section>
  );
}

function Editor({
  draft,
  setDraft,
  original,
  sample,
  fileName,
  fileError,
  onFile,
  onSaved,
  existing,
}: {
  existing: string[];
  draft: MappingDraft;
  setDraft: (fn: (d: MappingDraft | null) => MappingDraft | null) => void;
  original: string | null;
  sample: FileSample | null;
  fileName: string | null;
  fileError: string | null;
  onFile: (f: File | null) => void;
  onSaved: (name: string) => void;
}) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const update = (fn: (d: MappingDraft) => MappingDraft) => setDraft((d) => (d ? fn(d) : d));
  const setField = (f: FmrField, r: RuleDraft) => update((d) => ({ ...d, fields: { ...d.fields, [f]: r } }));

  const problems = checkDraft(draft);
  const mapping = useMemo(() => draftMapping(draft), [draft]);
  const missing = sample && mapping ? missingColumns(mapping, sample.header) : [];
  const unmappedCore = CORE_FIELDS.filter((f) => draft.fields[f].kind === 'none');
  const used = new Set(mapping ? mappingSourceColumns(mapping) : []);
  const unusedColumns = sample ? sample.header.filter((h) => h && !used.has(h)) : [];
  const fieldLabel = (f: FmrField) => t(`flows.fields.${f}`);

  const save = async () => {
    setMessage(null);
    setTried(true);
    if (problems.length) {
      setMessage({ kind: 'error', text: t('form.fixErrors') });
      return;
    }
    const name = draft.name.trim();
    if (original !== name && existing.includes(name) && !window.confirm(t('flows.mappings.overwrite', { name }))) return;
    setSaving(true);
    try {
      await api(`/api/v1/flows/mappings/${encodeURIComponent(name)}`, { method: 'PUT', body: toJson(draft) });
      await qc.invalidateQueries({ queryKey: flowsKeys.mappings });
      setMessage({ kind: 'success', text: t('flows.mappings.savedMessage', { name }) });
      onSaved(name);
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : t('common.unexpectedError') });
    } finally {
      setSaving(false);
    }
  };

  const problemText = (p: ReturnType<typeof checkDraft>[number]) => t(`flows.mappings.problems.${p.code}`, { field: p.field ? fieldLabel(p.field) : '', detail: p.detail ?? '' });

  return (
    <section className="flows-mapping-editor" aria-labelledby="editor-title" data-testid="mapping-editor">
      <h2 id="editor-title">{original ? t('flows.mappings.editing', { name: original }) : t('flows.mappings.newTitle')}</h2>

      <fieldset>
        <legend>{t('flows.mappings.fileStep')}</legend>
        <div className="field">
          <label htmlFor="mapping-file">{t('flows.mappings.file')}</label>
          <input id="mapping-file" type="file" accept=".csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => onFile(e.target.files?.[0] ?? null)} aria-describedby="mapping-file-hint" data-testid="mapping-file" />
          <p className="field-hint" id="mapping-file-hint">
            {t('flows.mappings.fileHint')}
          </p>
        </div>
        {fileError && <FormMessage>{fileError}</FormMessage>}
        {sample && (
          <div role="status" data-testid="mapping-sample" data-columns={sample.header.length}>
            <p>
              {t('flows.mappings.fileRead', {
                name: fileName ?? '',
                columns: formatNumber(sample.header.length, locale),
                rows: formatNumber(sample.rows.length, locale),
              })}
              {sample.delimiter && <> {t('flows.mappings.delimiter', { d: sample.delimiter === '\t' ? 'Tab' : sample.delimiter })}</>}
              {sample.hxl && <> {t('flows.mappings.hxlFound')}</>}
            </p>
            {sample.notUtf8 && <FormMessage>{t('flows.mappings.notUtf8')}</FormMessage>}
            {sample.duplicates.length > 0 && <FormMessage>{t('flows.mappings.duplicates', { cols: sample.duplicates.join('، ') })}</FormMessage>}
            <details>
              <summary>{t('flows.mappings.columnsList')}</summary>
              <ul className="chips flows-columns" dir="auto">
                {sample.header.map((h, i) => (
                  <li key={i} className={`chip${used.has(h) ? ' flows-col-used' : ''}`}>
                    <bdi>{h || '—'}</bdi>
                  </li>
                ))}
              </ul>
            </details>
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>{t('flows.mappings.settings')}</legend>
        <div className="form-row">
          <TextField label={t('flows.mappings.name')} value={draft.name} onChange={(v) => update((d) => ({ ...d, name: v }))} required hint={t('flows.mappings.nameHint')} maxLength={100} data-testid="mapping-name" error={problems.some((p) => p.code === 'name') && tried ? t('flows.mappings.problems.name') : undefined} />
          <TextField label={t('flows.mappings.description')} value={draft.description} onChange={(v) => update((d) => ({ ...d, description: v }))} />
        </div>
        <div className="form-row">
          <SelectField label={t('flows.mappings.source')} value={draft.source} onChange={(v) => update((d) => ({ ...d, source: v as MappingDraft['source'] }))} options={SOURCES.map((s) => ({ value: s, label: t(`flows.mappings.sources.${s}`) }))} />
          <SelectField label={t('flows.mappings.dateFormat')} value={draft.date_format} onChange={(v) => update((d) => ({ ...d, date_format: v as MappingDraft['date_format'] }))} options={DATE_FORMATS.map((s) => ({ value: s, label: t(`flows.mappings.dateFormats.${s}`) }))} />
          <SelectField label={t('flows.mappings.digits')} value={draft.digits} onChange={(v) => update((d) => ({ ...d, digits: v as MappingDraft['digits'] }))} options={DIGITS.map((s) => ({ value: s, label: t(`flows.mappings.digitsModes.${s}`) }))} />
        </div>
        <Checkbox label={t('flows.mappings.excelSerial')} hint={t('flows.mappings.excelSerialHint')} checked={draft.excel_serial_dates} onChange={(v) => update((d) => ({ ...d, excel_serial_dates: v }))} />
      </fieldset>

      <section aria-labelledby="fields-title">
        <h3 id="fields-title">{t('flows.mappings.fieldsTitle')}</h3>
        <p className="muted">{t('flows.mappings.fieldsExplain')}</p>
        <div className="flows-field-rules">
          {FMR_FIELDS.map((f) => (
            <FieldRule key={f} field={f} rule={draft.fields[f]} onChange={(r) => setField(f, r)} header={sample?.header ?? null} rows={sample?.rows ?? []} sharedMaps={draft.value_maps.map(([n]) => n).filter(Boolean)} problems={problems.filter((p) => p.field === f).map(problemText)} />
          ))}
        </div>
      </section>

      <SharedMaps maps={draft.value_maps} onChange={(maps) => update((d) => ({ ...d, value_maps: maps }))} />

      <section aria-labelledby="checks-title" className="flows-checks">
        <h3 id="checks-title">{t('flows.mappings.checks')}</h3>
        <ul data-testid="mapping-checks">
          {problems.map((p, i) => (
            <li key={i} className="field-error">
              {problemText(p)}
            </li>
          ))}
          {unmappedCore.length > 0 && <li className="flows-warn">{t('flows.mappings.coreMissing', { fields: unmappedCore.map(fieldLabel).join(locale === 'fa' ? '، ' : ', ') })}</li>}
          {missing.length > 0 && <li className="flows-warn">{t('flows.mappings.missingColumns', { cols: missing.join(locale === 'fa' ? '، ' : ', ') })}</li>}
          {sample && unusedColumns.length > 0 && <li className="muted">{t('flows.mappings.unused', { n: formatNumber(unusedColumns.length, locale) })}</li>}
          {!problems.length && !unmappedCore.length && !missing.length && <li className="flows-ok">{t('flows.mappings.allGood')}</li>}
        </ul>
        {sample && sample.rows.length > 0 && mapping && <Preview mapping={mapping} rows={sample.rows.slice(0, 5)} />}
      </section>

      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      <div className="flows-sticky">
        <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={saving} data-testid="mapping-save">
          {t('flows.mappings.save')}
        </button>
        {original && (
          <button type="button" className="btn" onClick={() => navigate(`/flows/import?mapping=${encodeURIComponent(original)}`)}>
            {t('flows.mappings.importWith')}
          </button>
        )}
      </div>

      <details className="flows-json" onToggle={(e) => (e.currentTarget as HTMLDetailsElement).open && setJson(JSON.stringify(toJson(draft), null, 2))}>
        <summary>{t('flows.mappings.json')}</summary>
        <p className="field-hint">{t('flows.mappings.jsonHint')}</p>
        <textarea className="flows-json-text" dir="ltr" spellCheck={false} value={json} onChange={(e) => setJson(e.target.value)} rows={16} aria-label={t('flows.mappings.json')} />
        {jsonError && <FormMessage>{jsonError}</FormMessage>}
        <div className="row-actions">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              try {
                const parsed = JSON.parse(json);
                setDraft(() => fromJson(parsed, draft.name || undefined));
                setJsonError(null);
              } catch (e) {
                setJsonError(t('flows.mappings.jsonInvalid', { error: (e as Error).message }));
              }
            }}
          >
            {t('flows.mappings.jsonApply')}
          </button>
          <button type="button" className="btn btn-small" onClick={() => setJson(JSON.stringify(toJson(draft), null, 2))}>
            {t('flows.mappings.jsonRefresh')}
          </button>
        </div>
      </details>
    </section>
  );
}

/** A column of the file: a list when the header is known, else typed. */
function ColumnPicker({ label, value, onChange, header, testId }: { label: string; value: string; onChange: (v: string) => void; header: string[] | null; testId?: string }) {
  const { t } = useT();
  if (!header) return <TextField label={label} value={value} onChange={onChange} normalise={false} dir="auto" data-testid={testId} />;
  const options = header.filter(Boolean).map((h) => ({ value: h, label: h }));
  if (value && !header.includes(value)) options.unshift({ value, label: t('flows.mappings.notInFile', { col: value }) });
  return <SelectField label={label} value={value} onChange={onChange} placeholder={t('flows.mappings.chooseColumn')} options={options} data-testid={testId} dir="auto" />;
}

/** The Marz codes a field's values may take, for value maps (null: free text). */
function useTargets(field: FmrField): { value: string; label: string }[] | null {
  const { t, locale } = useT();
  // A file's FMP values map only to FMPs the user may import into (the import refuses the others).
  const fmps = useFmps('flows.import');
  return useMemo(() => {
    const withCode = (code: string, label: string) => ({ value: code, label: `${label} (${code})` });
    if (field === 'fmp') return sortByName(fmps.data ?? [], locale).map((f) => withCode(f.code, nameOf(f, locale)));
    if (field === 'direction') return DIRECTIONS.map((x) => withCode(x, t(`flows.values.direction.${x}`)));
    if (field === 'deported') return DEPORTED.map((x) => withCode(x, t(`flows.values.deported.${x}`)));
    if (field === 'transport') return TRANSPORT.map((x) => withCode(x, t(`flows.values.transport.${x}`)));
    if (field === 'reasons') return REASONS.map((x) => withCode(x, t(`flows.values.reasons.${x}`)));
    if (COUNTRY_FIELDS.has(field)) {
      const { common, others } = countryOptions(locale, true);
      return [...common, ...others].map((o) => withCode(o.value, o.label));
    }
    return null;
  }, [field, fmps.data, locale, t]);
}

function TargetInput({ field, label, value, onChange, targets, testId, placeholder }: { field: FmrField; label: string; value: string; onChange: (v: string) => void; targets: { value: string; label: string }[] | null; testId?: string; placeholder?: string }) {
  const { t } = useT();
  if (!targets) return <TextField label={label} value={value} onChange={onChange} normalise={false} dir={field === 'note' ? 'auto' : 'ltr'} data-testid={testId} />;
  const options = value && !targets.some((o) => o.value === value) ? [{ value, label: value }, ...targets] : targets;
  return <SelectField label={label} value={value} onChange={onChange} placeholder={placeholder ?? t('flows.mappings.chooseValue')} options={options} data-testid={testId} />;
}

/** A guess of the Marz code for a source value: the code itself, or a country / option named so. */
function guessTarget(raw: string, targets: { value: string; label: string }[] | null): string {
  if (!targets) return '';
  const k = normKey(raw);
  const exact = targets.find((o) => normKey(o.value) === k);
  if (exact) return exact.value;
  const named = targets.find((o) => normKey(o.label.replace(/\s*\([^)]*\)$/, '')) === k);
  return named?.value ?? '';
}

function PairsEditor({ pairs, onChange, left, right, renderRight, addLabel, testId }: { pairs: Pairs; onChange: (p: Pairs) => void; left: (i: number, v: string, set: (v: string) => void) => ReactNode; right: string; renderRight: (i: number, v: string, set: (v: string) => void) => ReactNode; addLabel: string; testId?: string }) {
  const { t } = useT();
  const set = (i: number, side: 0 | 1) => (v: string) => onChange(pairs.map((p, j) => (j === i ? (side === 0 ? [v, p[1]] : [p[0], v]) : p)));
  return (
    <div className="flows-pairs" data-testid={testId}>
      {pairs.map(([a, b], i) => (
        <div key={i} className="flows-pair">
          {left(i, a, set(i, 0))}
          <span aria-hidden="true" className="flows-arrow">
            →
          </span>
          {renderRight(i, b, set(i, 1))}
          <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange(pairs.filter((_, j) => j !== i))} aria-label={t('flows.mappings.removeRow', { n: i + 1, right })}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => onChange([...pairs, ['', '']])}>
        {addLabel}
      </button>
    </div>
  );
}

function FieldRule({ field, rule, onChange, header, rows, sharedMaps, problems }: { field: FmrField; rule: RuleDraft; onChange: (r: RuleDraft) => void; header: string[] | null; rows: Record<string, string>[]; sharedMaps: string[]; problems: string[] }) {
  const { t, locale } = useT();
  const targets = useTargets(field);
  const set = <K extends keyof RuleDraft>(k: K, v: RuleDraft[K]) => onChange({ ...rule, [k]: v });
  // Opened when it has a problem; never closed by the page (only by the user).
  const detailsRef = useRef<HTMLDetailsElement>(null);
  const hasProblem = problems.length > 0;
  useEffect(() => {
    if (hasProblem && detailsRef.current) detailsRef.current.open = true;
  }, [hasProblem]);
  const label = t(`flows.fields.${field}`);
  const core = (CORE_FIELDS as readonly string[]).includes(field);
  const cols = rule.columns.map((c) => c.trim()).filter(Boolean);
  // Column names keep their own direction inside the sentence (Unicode isolates).
  const iso = (x: string) => `\u2068${x}\u2069`;
  const summary =
    rule.kind === 'none'
      ? t('flows.mappings.summary.none')
      : rule.kind === 'from'
        ? t('flows.mappings.summary.from', { col: iso(rule.from || '…') })
        : rule.kind === 'first_of'
          ? t('flows.mappings.summary.first_of', { cols: cols.map(iso).join(locale === 'fa' ? '، ' : ', ') || '…' })
          : rule.kind === 'sum'
            ? t('flows.mappings.summary.sum', { cols: cols.map(iso).join(' + ') || '…' })
            : rule.kind === 'flags'
              ? t('flows.mappings.summary.flags', { n: formatNumber(rule.flags.filter(([c]) => c.trim()).length, locale) })
              : t('flows.mappings.summary.const', { value: iso(rule.constValue || '…') });

  /** Distinct values of the rule's column(s) in the sample, not yet in the table. */
  const addFound = () => {
    const source = rule.kind === 'from' ? [rule.from] : cols;
    const seen = new Set(rule.inline.map(([k]) => normKey(k)));
    const found: Pairs = [];
    for (const r of rows) {
      for (const c of source) {
        const raw = (r[c] ?? '').trim();
        const parts = rule.split ? raw.split(rule.split).map((x) => x.trim()) : [raw];
        for (const v of parts) {
          if (!v || seen.has(normKey(v))) continue;
          seen.add(normKey(v));
          found.push([v, guessTarget(v, targets)]);
        }
      }
      if (found.length >= 60) break;
    }
    onChange({ ...rule, values: 'inline', inline: [...rule.inline.filter(([k, v]) => k || v), ...found] });
  };

  return (
    <details className={`flows-rule${rule.kind === 'none' && core ? ' flows-rule-missing' : ''}${problems.length ? ' field-invalid' : ''}`} data-field={field} ref={detailsRef}>
      <summary>
        <span className="flows-rule-name">
          {label}
          {core && (
            <span className="required" aria-hidden="true">
              {' '}*
            </span>
          )}{' '}
          <code dir="ltr" className="muted small">
            {field}
          </code>
        </span>
        <span className="flows-rule-summary">
          {summary}
        </span>
      </summary>
      <div className="flows-rule-body">
        <SelectField label={t('flows.mappings.ruleKind')} value={rule.kind} onChange={(v) => onChange({ ...rule, kind: v as RuleDraft['kind'] })} options={RULE_KINDS.map((k) => ({ value: k, label: t(`flows.mappings.kinds.${k}`) }))} data-testid={`rule-${field}-kind`} />
        {rule.kind === 'from' && <ColumnPicker label={t('flows.mappings.column')} value={rule.from} onChange={(v) => set('from', v)} header={header} testId={`rule-${field}-from`} />}
        {(rule.kind === 'first_of' || rule.kind === 'sum') && (
          <fieldset>
            <legend>{rule.kind === 'sum' ? t('flows.mappings.sumColumns') : t('flows.mappings.firstColumns')}</legend>
            {rule.columns.map((c, i) => (
              <div key={i} className="flows-pair">
                <ColumnPicker label={t('flows.mappings.columnN', { n: formatNumber(i + 1, locale) })} value={c} onChange={(v) => set('columns', rule.columns.map((x, j) => (j === i ? v : x)))} header={header} testId={`rule-${field}-col-${i}`} />
                <button type="button" className="btn btn-small btn-ghost" disabled={rule.columns.length === 1} onClick={() => set('columns', rule.columns.filter((_, j) => j !== i))} aria-label={t('flows.mappings.removeColumn', { n: i + 1 })}>
                  ✕
                </button>
              </div>
            ))}
            <button type="button" className="btn btn-small" onClick={() => set('columns', [...rule.columns, ''])} data-testid={`rule-${field}-add-col`}>
              {t('flows.mappings.addColumn')}
            </button>
          </fieldset>
        )}
        {rule.kind === 'flags' && (
          <fieldset>
            <legend>{t('flows.mappings.flagsTitle')}</legend>
            <p className="field-hint">{t('flows.mappings.flagsHint')}</p>
            <PairsEditor
              pairs={rule.flags}
              onChange={(p) => set('flags', p)}
              left={(i, v, s) => <ColumnPicker label={t('flows.mappings.columnN', { n: formatNumber(i + 1, locale) })} value={v} onChange={s} header={header} />}
              right={t('flows.mappings.code')}
              renderRight={(i, v, s) => <TargetInput field={field} label={t('flows.mappings.codeN', { n: formatNumber(i + 1, locale) })} value={v} onChange={s} targets={targets} />}
              addLabel={t('flows.mappings.addFlag')}
            />
          </fieldset>
        )}
        {rule.kind === 'const' && <TargetInput field={field} label={t('flows.mappings.constValue')} value={rule.constValue} onChange={(v) => set('constValue', v)} targets={targets} testId={`rule-${field}-const`} />}
        {(rule.kind === 'from' || rule.kind === 'first_of') && (
          <>
            <SelectField
              label={t('flows.mappings.values')}
              value={rule.values}
              onChange={(v) => set('values', v as RuleDraft['values'])}
              options={[{ value: 'none', label: t('flows.mappings.valuesNone') }, { value: 'inline', label: t('flows.mappings.valuesInline') }, ...sharedMaps.map((n) => ({ value: `@${n}`, label: t('flows.mappings.valuesShared', { name: n }) }))]}
              hint={t('flows.mappings.valuesHint')}
              data-testid={`rule-${field}-values`}
            />
            {rule.values === 'inline' && (
              <>
                <PairsEditor
                  pairs={rule.inline}
                  onChange={(p) => set('inline', p)}
                  left={(i, v, s) => <TextField label={t('flows.mappings.sourceValueN', { n: formatNumber(i + 1, locale) })} value={v} onChange={s} dir="auto" data-testid={`rule-${field}-src-${i}`} />}
                  right={t('flows.mappings.marzValue')}
                  renderRight={(i, v, s) => <TargetInput field={field} label={t('flows.mappings.marzValueN', { n: formatNumber(i + 1, locale) })} value={v} onChange={s} targets={targets} testId={`rule-${field}-dst-${i}`} />}
                  addLabel={t('flows.mappings.addValue')}
                  testId={`rule-${field}-table`}
                />
                {rows.length > 0 && (
                  <button type="button" className="btn btn-small" onClick={addFound} data-testid={`rule-${field}-found`}>
                    {t('flows.mappings.addFound')}
                  </button>
                )}
              </>
            )}
            {field === 'reasons' && <TextField label={t('flows.mappings.split')} value={rule.split} onChange={(v) => set('split', v)} hint={t('flows.mappings.splitHint')} normalise={false} dir="ltr" />}
          </>
        )}
        {rule.kind !== 'none' && rule.kind !== 'const' && (
          <TargetInput field={field} label={t('flows.mappings.default')} value={rule.default} onChange={(v) => set('default', v)} targets={targets} placeholder={t('flows.mappings.noDefault')} />
        )}
        {problems.map((p, i) => (
          <p key={i} className="field-error">
            {p}
          </p>
        ))}
        {rule.kind !== 'none' && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange(emptyRule())}>
            {t('flows.mappings.clearRule')}
          </button>
        )}
      </div>
    </details>
  );
}

function SharedMaps({ maps, onChange }: { maps: [string, Pairs][]; onChange: (m: [string, Pairs][]) => void }) {
  const { t, locale } = useT();
  return (
    <section aria-labelledby="shared-title">
      <h3 id="shared-title">{t('flows.mappings.sharedTitle')}</h3>
      <p className="muted">{t('flows.mappings.sharedExplain')}</p>
      {maps.map(([name, pairs], i) => (
        <fieldset key={i} className="flows-shared-map">
          <legend>{name || t('flows.mappings.sharedUnnamed')}</legend>
          <TextField label={t('flows.mappings.sharedName')} value={name} onChange={(v) => onChange(maps.map((m, j) => (j === i ? [v, m[1]] : m)))} dir="auto" normalise={false} />
          <PairsEditor
            pairs={pairs}
            onChange={(p) => onChange(maps.map((m, j) => (j === i ? [m[0], p] : m)))}
            left={(k, v, s) => <TextField label={t('flows.mappings.sourceValueN', { n: formatNumber(k + 1, locale) })} value={v} onChange={s} dir="auto" />}
            right={t('flows.mappings.marzValue')}
            renderRight={(k, v, s) => <TextField label={t('flows.mappings.marzValueN', { n: formatNumber(k + 1, locale) })} value={v} onChange={s} dir="ltr" normalise={false} />}
            addLabel={t('flows.mappings.addValue')}
          />
          <button type="button" className="btn btn-small btn-danger" onClick={() => onChange(maps.filter((_, j) => j !== i))}>
            {t('flows.mappings.sharedRemove')}
          </button>
        </fieldset>
      ))}
      <button type="button" className="btn btn-small" onClick={() => onChange([...maps, ['', [['', '']]]])}>
        {t('flows.mappings.sharedAdd')}
      </button>
    </section>
  );
}

/**
 * The file's first rows as the import would take them: mapped and checked by the server's own
 * code (applyMapping, validateFmrRow with the import's options), each row with its problems.
 */
function Preview({ mapping, rows }: { mapping: Mapping; rows: Record<string, string>[] }) {
  const { t, locale } = useT();
  const fmps = useFmps();
  const registry = useMemo(() => fmpRegistry(fmps.data ?? []), [fmps.data]);
  const fields = FMR_FIELDS.filter((f) => mapping.fields[f] !== undefined);
  const out = useMemo(() => {
    // As src/flows/import.ts validates an import: the mapping's calendar, Excel serial dates accepted.
    const options = { ...mappingValidateOptions(mapping), today: todayIso(), fmps: registry, excelSerialDates: true };
    return rows.map((r) => {
      const values = applyMapping(mapping, r);
      const result = validateFmrRow(values, options);
      return { values, problems: result.ok ? [] : result.problems };
    });
  }, [mapping, rows, registry]);
  if (!fields.length) return null;
  const bad = (problems: Problem[], f: FmrField) => problems.some((p) => p.column === f);
  return (
    <>
      <h4>{t('flows.mappings.preview')}</h4>
      <p className="field-hint">{t('flows.mappings.previewHint')}</p>
      <TableWrap label={t('flows.mappings.preview')}>
        <table className="table flows-preview" data-testid="mapping-preview">
          <thead>
            <tr>
              {fields.map((f) => (
                <th key={f} scope="col">
                  {t(`flows.fields.${f}`)}
                </th>
              ))}
              <th scope="col">{t('flows.mappings.previewCheck')}</th>
            </tr>
          </thead>
          <tbody>
            {out.map((r, i) => (
              <tr key={i} data-problems={r.problems.length}>
                {fields.map((f) => (
                  <td key={f} dir="auto" className={bad(r.problems, f) ? 'flows-preview-bad' : undefined}>
                    <bdi>{r.values[f] || '—'}</bdi>
                  </td>
                ))}
                <td>
                  {r.problems.length === 0 ? (
                    <span className="flows-ok">{t('flows.mappings.previewOk')}</span>
                  ) : (
                    <ul className="flows-problems">
                      {r.problems.map((p, j) => (
                        <li key={j}>{problemText(p, locale)}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
