// One assessment: its place in the workflow with the actions the user may take (including
// sign-off for their own ministry), links to the profile report and exports, and tabs for
// answering the indicators, the dashboard, the GCM objectives, round comparison and history.
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, post } from '../../../app/api.ts';
import { formatDate, formatNumber } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { FormMessage, SelectField } from '../../../components/Field.tsx';
import { Badge, Dialog, Facts, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { G, STATUSES, STATUS_BADGE, assessmentTitle, govKeys, loc, useAssessment, useFrameworks, type AssessmentDetail, type Status } from '../api.ts';
import { Indicators } from '../components/Indicators.tsx';
import { DashboardTab } from '../components/DashboardTab.tsx';
import { GcmTab } from '../components/GcmTab.tsx';
import { CompareTab } from '../components/CompareTab.tsx';
import { HistoryTab } from '../components/HistoryTab.tsx';
import '../governance.css';

const TABS = ['indicators', 'dashboard', 'gcm', 'compare', 'history'] as const;
type Tab = (typeof TABS)[number];

export default function Assessment() {
  const { id: raw } = useParams();
  const id = Number(raw);
  const q = useAssessment(id);
  return (
    <section className="page">
      <QueryView query={q}>{(d) => <AssessmentView d={d} />}</QueryView>
    </section>
  );
}

function AssessmentView({ d }: { d: AssessmentDetail }) {
  const { t, locale } = useT();
  const a = d.assessment;
  const title = assessmentTitle(a, locale);
  usePageTitle(title);
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'indicators';
  const setTab = (v: Tab) => {
    const next = new URLSearchParams(params);
    next.set('tab', v);
    setParams(next, { replace: true });
  };
  const place = [t(`governance.scope.${a.scope}`), a.province_code ? (locale === 'fa' ? a.province_fa : a.province_en) : null, a.city_en || a.city_fa ? (locale === 'fa' ? a.city_fa || a.city_en : a.city_en || a.city_fa) : null].filter(Boolean).join(' — ');

  return (
    <>
      <PageHeader
        back={{ to: '/governance/assessments', label: t('governance.assessments.title') }}
        title={title}
        subtitle={`${loc(d.framework.title, locale)} · ${d.framework.version}`}
        actions={<Badge tone={STATUS_BADGE[a.status]}>{t(`governance.status.${a.status}`)}</Badge>}
      />
      <Facts
        items={[
          [t('governance.fields.scope'), place],
          [t('governance.fields.round'), t('governance.common.roundVersion', { round: formatNumber(a.round_no, locale), version: formatNumber(a.version_no, locale) })],
          [t('governance.fields.updated'), formatDate(a.updated_at, locale)],
          [t('governance.fields.publishedAt'), a.published_at ? formatDate(a.published_at, locale) : ''],
        ]}
      />
      {a.status === 'PUBLISHED' && (
        <FormMessage kind="info">
          <span data-testid="gov-published-note">{t('governance.workflow.publishedNote')}</span>
        </FormMessage>
      )}
      <Workflow d={d} />
      <Outputs d={d} />
      <div className="gov-tabs" role="tablist" aria-label={t('governance.assessment.tabs')}>
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" aria-selected={tab === x} onClick={() => setTab(x)} data-testid={`gov-tab-${x}`}>
            {t(`governance.assessment.tab.${x}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'indicators' && <Indicators d={d} />}
        {tab === 'dashboard' && <DashboardTab id={a.id} />}
        {tab === 'gcm' && <GcmTab id={a.id} />}
        {tab === 'compare' && <CompareTab d={d} />}
        {tab === 'history' && <HistoryTab id={a.id} />}
      </div>
    </>
  );
}

function Workflow({ d }: { d: AssessmentDetail }) {
  const { t, locale } = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const a = d.assessment;
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [dialog, setDialog] = useState<null | { kind: 'transition'; to: Status } | { kind: 'object'; agency: number } | { kind: 'reopen' } | { kind: 'follow-up' }>(null);
  const [note, setNote] = useState('');
  const [version, setVersion] = useState('');
  const frameworks = useFrameworks();
  const current = STATUSES.indexOf(a.status);

  const run = async (fn: () => Promise<unknown>, success: string, after?: (r: any) => void) => {
    setMessage(null);
    try {
      const r = await fn();
      setMessage({ kind: 'success', text: success });
      setDialog(null);
      setNote('');
      await qc.invalidateQueries({ queryKey: govKeys.all });
      after?.(r);
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : t('common.unexpectedError') });
      setDialog(null);
    }
  };
  const transition = (to: Status, n?: string) => run(() => post(`${G}/assessments/${a.id}/transition`, { to, note: n || null }), t('governance.workflow.moved', { status: t(`governance.status.${to}`) }));
  const sign = (agency: number, decision: 'SIGNED_OFF' | 'OBJECTED', reason?: string) =>
    run(() => post(`${G}/assessments/${a.id}/signoff`, { agency_id: agency, decision, reason: reason || null }), t(decision === 'SIGNED_OFF' ? 'governance.workflow.signedOff' : 'governance.workflow.objected'));
  const forward = d.actions.transitions.filter((s) => STATUSES.indexOf(s) > current);
  const backward = d.actions.transitions.filter((s) => STATUSES.indexOf(s) < current);
  const versions = frameworks.data?.find((f) => f.code === d.framework.code)?.versions ?? [];

  return (
    <section className="card gov-workflow" aria-labelledby="gov-workflow-title">
      <h2 id="gov-workflow-title">{t('governance.workflow.title')}</h2>
      <ol className="gov-steps">
        {STATUSES.map((s, i) => (
          <li key={s} className={i < current ? 'done' : i === current ? 'current' : ''} aria-current={i === current ? 'step' : undefined}>
            {t(`governance.status.${s}`)}
          </li>
        ))}
      </ol>
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      {(forward.length > 0 || backward.length > 0 || d.actions.reopen || d.actions.follow_up) && (
        <div className="form-actions">
          {forward.map((s) => (
            <button key={s} type="button" className="btn btn-primary" data-testid={`gov-to-${s}`} onClick={() => (s === 'PUBLISHED' ? setDialog({ kind: 'transition', to: s }) : transition(s))}>
              {t(`governance.workflow.to.${s}`)}
            </button>
          ))}
          {backward.map((s) => (
            <button key={s} type="button" className="btn" data-testid={`gov-back-${s}`} onClick={() => setDialog({ kind: 'transition', to: s })}>
              {t('governance.workflow.back', { status: t(`governance.status.${s}`) })}
            </button>
          ))}
          {d.actions.reopen && (
            <button type="button" className="btn" onClick={() => setDialog({ kind: 'reopen' })} data-testid="gov-reopen">
              {t('governance.workflow.reopen')}
            </button>
          )}
          {d.actions.follow_up && (
            <button type="button" className="btn" onClick={() => setDialog({ kind: 'follow-up' })} data-testid="gov-follow-up">
              {t('governance.workflow.followUp')}
            </button>
          )}
        </div>
      )}
      {d.ministries.length > 0 && (
        <TableWrap label={t('governance.workflow.ministries')}>
          <table className="table" data-testid="gov-ministries">
            <caption className="visually-hidden">{t('governance.workflow.ministries')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('governance.workflow.ministry')}</th>
                <th scope="col">{t('governance.workflow.decision')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {d.ministries.map((m) => (
                <tr key={m.agency_id} data-agency={m.code}>
                  <td>{nameOf(m, locale)}</td>
                  <td>
                    {m.decision ? (
                      <Badge tone={m.decision === 'SIGNED_OFF' ? 'ok' : 'bad'}>{t(`governance.decision.${m.decision}`)}</Badge>
                    ) : (
                      <span className="muted">{a.status === 'INTERMINISTERIAL_VALIDATION' ? t('governance.workflow.pending') : '—'}</span>
                    )}
                    {m.decided_by && (
                      <div className="small muted">
                        {m.decided_by} · {formatDate(m.decided_at, locale)}
                      </div>
                    )}
                    {m.reason && <div className="small">{m.reason}</div>}
                  </td>
                  <td>
                    {d.actions.sign_for.includes(m.agency_id) && (
                      <div className="row-actions">
                        <button type="button" className="btn btn-small btn-primary" data-testid={`gov-signoff-${m.code}`} onClick={() => sign(m.agency_id, 'SIGNED_OFF')}>
                          {t('governance.workflow.signOff')}
                        </button>
                        <button type="button" className="btn btn-small btn-danger" data-testid={`gov-object-${m.code}`} onClick={() => setDialog({ kind: 'object', agency: m.agency_id })}>
                          {t('governance.workflow.object')}
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {a.status === 'INTERMINISTERIAL_VALIDATION' && d.actions.sign_for.length === 0 && <p className="small muted">{t('governance.workflow.signOwnOnly')}</p>}

      <Dialog open={dialog !== null} onClose={() => setDialog(null)} title={dialog ? dialogTitle(dialog, t) : ''}>
        {dialog && (
          <form
            className="form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              if (dialog.kind === 'transition') void transition(dialog.to, note);
              else if (dialog.kind === 'object') void sign(dialog.agency, 'OBJECTED', note);
              else if (dialog.kind === 'reopen') void run(() => post<{ id: number }>(`${G}/assessments/${a.id}/reopen`, { reason: note }), t('governance.workflow.reopened'), (r) => navigate(`/governance/assessments/${r.id}`));
              else void run(() => post<{ id: number }>(`${G}/assessments/${a.id}/follow-up`, { version: version || null }), t('governance.workflow.followedUp'), (r) => navigate(`/governance/assessments/${r.id}`));
            }}
          >
            {dialog.kind === 'transition' && dialog.to === 'PUBLISHED' && <p>{t('governance.workflow.publishWarning')}</p>}
            {dialog.kind === 'follow-up' ? (
              <SelectField
                label={t('governance.fields.frameworkVersion')}
                value={version}
                onChange={setVersion}
                placeholder={t('governance.workflow.sameVersion', { version: d.framework.version })}
                options={versions.filter((v) => v.version !== d.framework.version).map((v) => ({ value: v.version, label: v.version }))}
              />
            ) : (
              <div className="gov-textarea">
                <label htmlFor="gov-note">{t(dialog.kind === 'object' ? 'governance.workflow.reason' : dialog.kind === 'reopen' ? 'governance.workflow.reopenReason' : 'governance.workflow.note')}</label>
                <textarea id="gov-note" value={note} onChange={(e) => setNote(e.target.value)} required={dialog.kind !== 'transition'} rows={4} data-testid="gov-note" />
              </div>
            )}
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" data-testid="gov-confirm">
                {t('governance.workflow.confirm')}
              </button>
              <button type="button" className="btn" onClick={() => setDialog(null)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        )}
      </Dialog>
    </section>
  );
}

function dialogTitle(d: { kind: string; to?: Status }, t: (id: string, v?: Record<string, unknown>) => string) {
  if (d.kind === 'transition') return d.to === 'PUBLISHED' ? t('governance.workflow.to.PUBLISHED') : t('governance.workflow.back', { status: t(`governance.status.${d.to}`) });
  if (d.kind === 'object') return t('governance.workflow.object');
  if (d.kind === 'reopen') return t('governance.workflow.reopen');
  return t('governance.workflow.followUp');
}

function Outputs({ d }: { d: AssessmentDetail }) {
  const { t, locale } = useT();
  const base = `${G}/assessments/${d.assessment.id}`;
  return (
    <section className="card" aria-labelledby="gov-outputs">
      <h2 id="gov-outputs">{t('governance.outputs.title')}</h2>
      <div className="gov-links">
        <a className="btn btn-small" href={`${base}/report.html?lang=fa`} target="_blank" rel="noopener" data-testid="gov-report-fa">
          {t('governance.outputs.reportFa')}
        </a>
        <a className="btn btn-small" href={`${base}/report.html?lang=en`} target="_blank" rel="noopener">
          {t('governance.outputs.reportEn')}
        </a>
        <a className="btn btn-small" href={`${base}/report.pdf?lang=fa`} target="_blank" rel="noopener">
          {t('governance.outputs.pdfFa')}
        </a>
        <a className="btn btn-small" href={`${base}/report.pdf?lang=en`} target="_blank" rel="noopener">
          {t('governance.outputs.pdfEn')}
        </a>
        <a className="btn btn-small" href={`${base}/export.xlsx?lang=fa`}>
          {t('governance.outputs.xlsxFa')}
        </a>
        <a className="btn btn-small" href={`${base}/export.xlsx?lang=en`}>
          {t('governance.outputs.xlsxEn')}
        </a>
        <a className="btn btn-small" href={`${base}/export.json`}>
          {t('governance.outputs.json')}
        </a>
        {d.related.length > 1 && (
          <span className="small muted">
            {t('governance.outputs.related')}{' '}
            {d.related
              .filter((r) => r.id !== d.assessment.id)
              .map((r) => (
                <Link key={r.id} to={`/governance/assessments/${r.id}`} style={{ marginInlineEnd: '0.5rem' }}>
                  {t('governance.common.roundVersion', { round: formatNumber(r.round_no, locale), version: formatNumber(r.version_no, locale) })}
                </Link>
              ))}
          </span>
        )}
      </div>
    </section>
  );
}
