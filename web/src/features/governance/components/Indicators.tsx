// Answering the indicators: grouped by domain (and topic), each indicator opens to its answer
// options, findings in Persian and English, responsible ministry, evidence and comment thread.
import { useMemo, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, post } from '../../../app/api.ts';
import { formatDate, formatDateTime, formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { DateInput } from '../../../components/DateInput.tsx';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { Badge } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useAgencies } from '../../admin/api.ts';
import { EVIDENCE_KINDS, G, TONE_BADGE, del, govKeys, loc, put, readBase64, toneOf, useComments, type Answer, type AnswerScheme, type AssessmentDetail, type Evidence, type NodeView } from '../api.ts';

export function Indicators({ d }: { d: AssessmentDetail }) {
  const { t, locale } = useT();
  const [filter, setFilter] = useState<'all' | 'unanswered' | 'gaps' | 'noEvidence'>('all');
  const answers = useMemo(() => new Map(d.answers.map((a) => [a.code, a])), [d.answers]);
  const evidence = useMemo(() => {
    const m = new Map<string, Evidence[]>();
    for (const e of d.evidence) m.set(e.node_code, [...(m.get(e.node_code) ?? []), e]);
    return m;
  }, [d.evidence]);
  const schemes = useMemo(() => new Map(d.framework.answer_schemes.map((s) => [s.id, s])), [d.framework.answer_schemes]);
  const comments = useMemo(() => new Map(d.comments.map((c) => [c.node_code ?? '', c])), [d.comments]);
  const indicators = d.nodes.filter((n) => n.level === 'indicator');
  const answered = indicators.filter((n) => answers.get(n.code)?.answer).length;
  const show = (n: NodeView) => {
    const a = answers.get(n.code);
    if (filter === 'unanswered') return !a?.answer;
    if (filter === 'gaps') {
      const tone = toneOf(schemes.get(n.scheme ?? ''), a?.answer);
      return tone === 'partial' || tone === 'negative';
    }
    if (filter === 'noEvidence') return !evidence.get(n.code)?.length;
    return true;
  };

  if (!indicators.length) return <p className="muted">{t('governance.indicators.none')}</p>;
  return (
    <div data-testid="gov-indicators">
      <div className="toolbar">
        <p className="count">{t('governance.indicators.answered', { n: formatNumber(answered, locale), total: formatNumber(indicators.length, locale) })}</p>
        <SelectField
          label={t('governance.indicators.show')}
          value={filter}
          onChange={(v) => setFilter(v as typeof filter)}
          options={(['all', 'unanswered', 'gaps', 'noEvidence'] as const).map((v) => ({ value: v, label: t(`governance.indicators.filter.${v}`) }))}
        />
      </div>
      <GeneralComments d={d} count={comments.get('')?.count ?? 0} />
      {d.nodes
        .filter((n) => n.level === 'domain')
        .map((dom) => {
          const under = d.nodes.filter((n) => n.domain === dom.code && n.code !== dom.code);
          const items = under.filter((n) => n.level === 'indicator' && show(n));
          if (!items.length) return null;
          return (
            <section key={dom.code} className="gov-domain" aria-labelledby={`dom-${dom.code}`}>
              <h3 id={`dom-${dom.code}`}>{loc(dom.texts, locale)}</h3>
              {dom.question && <p className="gov-question">{loc(dom.question, locale)}</p>}
              {under.map((n) =>
                n.level === 'topic' ? (
                  // Topics without indicators (the MGI skeleton before indicators are added) are not listed.
                  under.some((x) => x.parent_code === n.code && x.level === 'indicator' && show(x)) ? (
                    <h4 key={n.code} className="gov-topic">
                      {loc(n.texts, locale)}
                    </h4>
                  ) : null
                ) : show(n) ? (
                  <IndicatorCard key={n.code} d={d} node={n} answer={answers.get(n.code)} evidence={evidence.get(n.code) ?? []} scheme={schemes.get(n.scheme ?? '')} commentCount={comments.get(n.code)?.count ?? 0} openComments={comments.get(n.code)?.open ?? 0} />
                ) : null,
              )}
            </section>
          );
        })}
    </div>
  );
}

function IndicatorCard({ d, node, answer, evidence, scheme, commentCount, openComments }: { d: AssessmentDetail; node: NodeView; answer: Answer | undefined; evidence: Evidence[]; scheme: AnswerScheme | undefined; commentCount: number; openComments: number }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const agencies = useAgencies();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({
    answer: answer?.answer ?? '',
    finding_fa: answer?.finding_fa ?? '',
    finding_en: answer?.finding_en ?? '',
    responsible: answer?.responsible_agency_id ? String(answer.responsible_agency_id) : '',
    highlight: answer?.highlight ?? '',
  });
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // Coordinators answer every indicator; a focal point only those assigned to their ministry.
  const edit = d.actions.coordinate || (d.actions.answer_for != null && answer?.responsible_agency_id === d.actions.answer_for);
  const tone = toneOf(scheme, answer?.answer);
  const option = scheme?.options.find((o) => o.code === answer?.answer);
  const dirty =
    f.answer !== (answer?.answer ?? '') ||
    f.finding_fa !== (answer?.finding_fa ?? '') ||
    f.finding_en !== (answer?.finding_en ?? '') ||
    f.responsible !== (answer?.responsible_agency_id ? String(answer.responsible_agency_id) : '') ||
    f.highlight !== (answer?.highlight ?? '');

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      await put(`${G}/assessments/${d.assessment.id}/answers/${encodeURIComponent(node.code)}`, {
        answer: f.answer || null,
        finding_fa: f.finding_fa, // the server normalises Persian letters line by line
        finding_en: f.finding_en.trim(),
        responsible_agency_id: f.responsible ? Number(f.responsible) : null,
        highlight: f.highlight || null,
      });
      setMessage({ kind: 'success', text: t('governance.indicators.saved') });
      await qc.invalidateQueries({ queryKey: govKeys.all });
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof ApiError ? err.message : t('common.unexpectedError') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="gov-indicator" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid={`gov-ind-${node.code}`}>
      <summary>
        <bdi className="gov-code">{node.code}</bdi>
        <span className="gov-ind-text">{loc(node.texts, locale)}</span>
        <span className="gov-meta">
          <Badge tone={TONE_BADGE[tone]}>{option ? loc(option.label, locale) : t('governance.indicators.unanswered')}</Badge>
          <span>{t('governance.indicators.evidenceCount', { n: formatNumber(evidence.length, locale) })}</span>
          <span>
            {t('governance.indicators.commentCount', { n: formatNumber(commentCount, locale) })}
            {openComments > 0 && ` (${t('governance.indicators.openThreads', { n: formatNumber(openComments, locale) })})`}
          </span>
        </span>
      </summary>
      {open && (
        <div className="gov-body">
          {node.question && <p className="gov-question">{loc(node.question, locale)}</p>}
          <form className="gov-inline-form" onSubmit={save}>
            <fieldset className="gov-options" disabled={!edit}>
              <legend>{t('governance.indicators.answer')}</legend>
              {(scheme?.options ?? []).map((o) => (
                <label key={o.code} data-testid={`gov-opt-${node.code}-${o.code}`}>
                  <input type="radio" name={`answer-${node.code}`} value={o.code} checked={f.answer === o.code} onChange={() => setF({ ...f, answer: o.code })} />
                  <span>{loc(o.label, locale)}</span>
                </label>
              ))}
            </fieldset>
            <div className="gov-two">
              <div className="gov-textarea">
                <label htmlFor={`ffa-${node.code}`}>{t('governance.indicators.findingFa')}</label>
                <textarea id={`ffa-${node.code}`} dir="rtl" lang="fa" value={f.finding_fa} onChange={(e) => setF({ ...f, finding_fa: e.target.value })} readOnly={!edit} data-testid={`gov-finding-fa-${node.code}`} />
              </div>
              <div className="gov-textarea">
                <label htmlFor={`fen-${node.code}`}>{t('governance.indicators.findingEn')}</label>
                <textarea id={`fen-${node.code}`} dir="ltr" lang="en" value={f.finding_en} onChange={(e) => setF({ ...f, finding_en: e.target.value })} readOnly={!edit} />
              </div>
            </div>
            <div className="form-row">
              <SelectField
                label={t('governance.indicators.responsible')}
                value={f.responsible}
                onChange={(v) => setF({ ...f, responsible: v })}
                placeholder={t('governance.common.none')}
                disabled={!d.actions.coordinate}
                options={sortByName(agencies.data ?? [], locale).map((a) => ({ value: String(a.id), label: nameOf(a, locale) }))}
              />
              <SelectField
                label={t('governance.indicators.highlight')}
                value={f.highlight}
                onChange={(v) => setF({ ...f, highlight: v as typeof f.highlight })}
                placeholder={t('governance.indicators.highlightAuto')}
                disabled={!edit}
                options={['good_practice', 'gap'].map((v) => ({ value: v, label: t(`governance.indicators.highlights.${v}`) }))}
              />
            </div>
            {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
            {!edit && d.actions.answer_for != null && <p className="small muted">{t('governance.indicators.assignedOnly')}</p>}
            {edit && (
              <div className="form-actions">
                <button type="submit" className="btn btn-primary" disabled={busy || !dirty} data-testid={`gov-save-${node.code}`}>
                  {busy ? t('common.saving') : t('common.save')}
                </button>
                {answer?.updated_at && <span className="small muted">{t('governance.indicators.lastChanged', { when: formatDateTime(answer.updated_at, locale) })}</span>}
              </div>
            )}
          </form>
          <EvidenceSection d={d} code={node.code} items={evidence} />
          <CommentThread d={d} code={node.code} />
        </div>
      )}
    </details>
  );
}

function EvidenceSection({ d, code, items }: { d: AssessmentDetail; code: string; items: Evidence[] }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const empty = { kind: 'law', title: '', article: '', url: '', language: 'fa', issued_on: null as string | null };
  const [f, setF] = useState(empty);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const base = `${G}/assessments/${d.assessment.id}`;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await post(`${base}/answers/${encodeURIComponent(code)}/evidence`, {
        kind: f.kind,
        title: f.title,
        article: f.article || null,
        url: f.url || null,
        language: f.language || null,
        issued_on: f.issued_on,
        file: file ? { name: file.name, type: file.type || null, data_base64: await readBase64(file) } : null,
      });
      setF(empty);
      setFile(null);
      setAdding(false);
      await qc.invalidateQueries({ queryKey: govKeys.all });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    }
  };
  const remove = async (id: number) => {
    try {
      await del(`${base}/evidence/${id}`);
      await qc.invalidateQueries({ queryKey: govKeys.all });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    }
  };

  return (
    <section className="gov-sub">
      <h4>{t('governance.indicators.evidence')}</h4>
      {items.length === 0 && <p className="small muted">{t('governance.evidence.none')}</p>}
      <ul className="gov-list">
        {items.map((e) => (
          <li key={e.id}>
            <Badge tone="info">{t(`governance.evidenceKind.${e.kind}`)}</Badge>
            <bdi>
              <strong>{e.title}</strong>
            </bdi>
            {e.article && <bdi>{e.article}</bdi>}
            {e.issued_on && <span className="small">{formatDate(e.issued_on, locale)}</span>}
            {e.language && <span className="small muted">{e.language}</span>}
            {e.url && (
              <a href={e.url} target="_blank" rel="noopener noreferrer" dir="ltr" className="small">
                {e.url}
              </a>
            )}
            {e.file_name && (
              <a href={`${base}/evidence/${e.id}/file`} className="small">
                {e.file_name} ({formatNumber(Math.ceil((e.file_size ?? 0) / 1024), locale)} KB)
              </a>
            )}
            {d.actions.coordinate && (
              <button type="button" className="btn btn-small btn-ghost" onClick={() => remove(e.id)}>
                {t('governance.evidence.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && <FormMessage>{error}</FormMessage>}
      {d.actions.attach &&
        (adding ? (
          <form className="gov-inline-form" onSubmit={add}>
            <div className="form-row">
              <SelectField label={t('governance.evidence.kind')} value={f.kind} onChange={(v) => setF({ ...f, kind: v })} options={EVIDENCE_KINDS.map((k) => ({ value: k, label: t(`governance.evidenceKind.${k}`) }))} />
              <TextField label={t('governance.evidence.title')} value={f.title} onChange={(v) => setF({ ...f, title: v })} required dir="auto" data-testid={`gov-ev-title-${code}`} />
            </div>
            <div className="form-row">
              <TextField label={t('governance.evidence.article')} value={f.article} onChange={(v) => setF({ ...f, article: v })} dir="auto" />
              <DateInput label={t('governance.evidence.date')} value={f.issued_on} onChange={(iso) => setF({ ...f, issued_on: iso })} />
              <SelectField label={t('governance.evidence.language')} value={f.language} onChange={(v) => setF({ ...f, language: v })} placeholder="" options={['fa', 'en', 'ar'].map((l) => ({ value: l, label: t(`governance.languages.${l}`) }))} />
            </div>
            <div className="form-row">
              <TextField label={t('governance.evidence.url')} value={f.url} onChange={(v) => setF({ ...f, url: v })} type="url" dir="ltr" normalise={false} required={f.kind === 'url'} />
              <div className="field">
                <label htmlFor={`ev-file-${code}`}>{t('governance.evidence.file')}</label>
                <input id={`ev-file-${code}`} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} required={f.kind === 'file'} />
                <p className="field-hint">{t('governance.evidence.fileHint')}</p>
              </div>
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" data-testid={`gov-ev-add-${code}`}>
                {t('governance.evidence.add')}
              </button>
              <button type="button" className="btn" onClick={() => setAdding(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        ) : (
          <button type="button" className="btn btn-small" onClick={() => setAdding(true)} data-testid={`gov-ev-new-${code}`}>
            {t('governance.evidence.new')}
          </button>
        ))}
    </section>
  );
}

/** Comments about the assessment as a whole. */
function GeneralComments({ d, count }: { d: AssessmentDetail; count: number }) {
  const { t, locale } = useT();
  const [open, setOpen] = useState(false);
  return (
    <details className="gov-indicator" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        <span className="gov-ind-text">{t('governance.comments.general')}</span>
        <span className="gov-meta">{t('governance.indicators.commentCount', { n: formatNumber(count, locale) })}</span>
      </summary>
      {open && (
        <div className="gov-body">
          <CommentThread d={d} code={null} />
        </div>
      )}
    </details>
  );
}

export function CommentThread({ d, code }: { d: AssessmentDetail; code: string | null }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const q = useComments(d.assessment.id, code);
  const [body, setBody] = useState('');
  const [reply, setReply] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);
  const base = `${G}/assessments/${d.assessment.id}/comments`;
  const refresh = () => qc.invalidateQueries({ queryKey: govKeys.all });
  const send = async (payload: object) => {
    setError(null);
    try {
      await post(base, payload);
      await refresh();
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
      return false;
    }
  };
  const resolve = async (id: number, resolved: boolean) => {
    try {
      await post(`${base}/${id}/resolve`, { resolved });
      await refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    }
  };
  return (
    <section className="gov-sub">
      <h4>{t('governance.indicators.comments')}</h4>
      <QueryView query={q}>
        {(all) => {
          const threads = all.filter((c) => c.parent_id === null);
          return (
            <>
              {threads.length === 0 && <p className="small muted">{t('governance.comments.none')}</p>}
              <ul className="gov-list">
                {threads.map((c) => (
                  <li key={c.id} className={`gov-comment${c.resolved_at ? ' resolved' : ''}`} style={{ display: 'block' }}>
                    <div className="small muted">
                      {c.author_label} · {formatDateTime(c.created_at, locale)} {c.resolved_at && <Badge tone="ok">{t('governance.comments.resolved')}</Badge>}
                    </div>
                    <div dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
                      {c.body}
                    </div>
                    {all
                      .filter((r) => r.parent_id === c.id)
                      .map((r) => (
                        <div key={r.id} className="gov-reply">
                          <div className="small muted">
                            {r.author_label} · {formatDateTime(r.created_at, locale)}
                          </div>
                          <div dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
                            {r.body}
                          </div>
                        </div>
                      ))}
                    {d.actions.comment && (
                      <form
                        className="row-actions"
                        style={{ marginBlockStart: '0.4rem' }}
                        onSubmit={async (e) => {
                          e.preventDefault();
                          if ((reply[c.id] ?? '').trim() && (await send({ parent_id: c.id, body: reply[c.id] }))) setReply({ ...reply, [c.id]: '' });
                        }}
                      >
                        <input aria-label={t('governance.comments.reply')} placeholder={t('governance.comments.reply')} value={reply[c.id] ?? ''} onChange={(e) => setReply({ ...reply, [c.id]: e.target.value })} dir="auto" />
                        <button type="submit" className="btn btn-small">
                          {t('governance.comments.send')}
                        </button>
                        {d.actions.coordinate && (
                          <button type="button" className="btn btn-small btn-ghost" onClick={() => resolve(c.id, !c.resolved_at)}>
                            {t(c.resolved_at ? 'governance.comments.reopen' : 'governance.comments.resolve')}
                          </button>
                        )}
                      </form>
                    )}
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      </QueryView>
      {error && <FormMessage>{error}</FormMessage>}
      {d.actions.comment && (
        <form
          className="gov-inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (body.trim() && (await send({ node_code: code, body }))) setBody('');
          }}
        >
          <div className="gov-textarea">
            <label htmlFor={`new-comment-${code ?? 'all'}`}>{t('governance.comments.new')}</label>
            <textarea id={`new-comment-${code ?? 'all'}`} value={body} onChange={(e) => setBody(e.target.value)} dir="auto" rows={3} />
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn-small">
              {t('governance.comments.send')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
