// Comparison with another round or version: changed answers, changed findings, new and removed
// evidence, and indicators added, removed or re-mapped between framework versions.
import { useState } from 'react';
import { useT } from '../../../app/useT.ts';
import { formatNumber } from '../../../app/format.ts';
import { SelectField } from '../../../components/Field.tsx';
import { Badge, TableWrap } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { TONE_BADGE, loc, useComparison, type AssessmentDetail } from '../api.ts';
import { ScoreView } from './DashboardTab.tsx';

export function CompareTab({ d }: { d: AssessmentDetail }) {
  const { t, locale } = useT();
  const others = d.related.filter((r) => r.id !== d.assessment.id);
  const prev = d.assessment.previous_round_id ?? d.assessment.reopened_from_id ?? others[0]?.id ?? null;
  const [other, setOther] = useState<number | null>(prev);
  // Always compare the earlier round (or version) with the later one.
  const rank = (r: { round_no: number; version_no: number }) => r.round_no * 1000 + r.version_no;
  const o = others.find((r) => r.id === other);
  const otherFirst = !!o && rank(o) < rank(d.assessment);
  const q = useComparison(otherFirst ? other! : d.assessment.id, other === null ? null : otherFirst ? d.assessment.id : other);
  const schemes = new Map(d.framework.answer_schemes.map((s) => [s.id, s]));
  const answerLabel = (nodeCode: string, code: string | null) => {
    if (!code) return t('governance.indicators.unanswered');
    const n = d.nodes.find((x) => x.code === nodeCode);
    const opt = (n?.scheme ? schemes.get(n.scheme) : undefined)?.options.find((x) => x.code === code) ?? d.framework.answer_schemes.flatMap((s) => s.options).find((x) => x.code === code);
    return opt ? loc(opt.label, locale) : code;
  };
  const label = (r: { round_no: number; version_no: number; status: string }) => `${t('governance.common.roundVersion', { round: formatNumber(r.round_no, locale), version: formatNumber(r.version_no, locale) })} — ${t(`governance.status.${r.status}`)}`;
  if (!others.length) return <p className="muted">{t('governance.compare.nothing')}</p>;
  const name = (code: string) => {
    const n = d.nodes.find((x) => x.code === code);
    return n ? loc(n.texts, locale) : '';
  };
  return (
    <div data-testid="gov-compare">
      <SelectField label={t('governance.compare.with')} value={other ? String(other) : ''} onChange={(v) => setOther(v ? Number(v) : null)} options={others.map((r) => ({ value: String(r.id), label: label(r) }))} />
      {other !== null && (
        <QueryView query={q}>
          {(c) => (
            <>
              <p className="muted">{t('governance.compare.direction', { from: label(c.from), to: label(c.to) })}</p>
              <h3>{t('governance.compare.changedAnswers', { n: formatNumber(c.answers.changed.length, locale) })}</h3>
              {c.answers.changed.length ? (
                <TableWrap label={t('governance.compare.changedAnswers', { n: c.answers.changed.length })}>
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">{t('governance.compare.indicator')}</th>
                        <th scope="col">{t('governance.compare.before')}</th>
                        <th scope="col">{t('governance.compare.after')}</th>
                        <th scope="col">{t('governance.compare.change')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.answers.changed.map((x) => (
                        <tr key={x.from_code + x.to_code}>
                          <td>
                            <bdi className="gov-code">{x.to_code}</bdi> {name(x.to_code)}
                          </td>
                          <td>
                            <Badge tone={TONE_BADGE[x.from_tone]}>{answerLabel(x.to_code, x.from_answer)}</Badge>
                          </td>
                          <td>
                            <Badge tone={TONE_BADGE[x.to_tone]}>{answerLabel(x.to_code, x.to_answer)}</Badge>
                          </td>
                          <td>
                            <Badge tone={x.direction === 'improved' ? 'ok' : x.direction === 'worsened' ? 'bad' : 'neutral'}>{t(`governance.compare.${x.direction}`)}</Badge>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              ) : (
                <p className="muted">{t('governance.compare.none')}</p>
              )}
              <p className="small muted">{t('governance.compare.unchanged', { n: formatNumber(c.answers.unchanged, locale) })}</p>
              {c.answers.findings_changed.length > 0 && (
                <p>
                  {t('governance.compare.findingsChanged')}{' '}
                  {c.answers.findings_changed.map((x) => (
                    <bdi key={x.to_code} className="gov-code" style={{ marginInlineEnd: '0.5rem' }}>
                      {x.to_code}
                    </bdi>
                  ))}
                </p>
              )}
              <h3>{t('governance.compare.newEvidence', { n: formatNumber(c.evidence.added.length, locale) })}</h3>
              <ul className="gov-list">
                {c.evidence.added.map((e) => (
                  <li key={e.id}>
                    <bdi className="gov-code">{e.code}</bdi> <Badge tone="info">{t(`governance.evidenceKind.${e.kind}`)}</Badge> <bdi>{e.title}</bdi>
                  </li>
                ))}
              </ul>
              {c.evidence.removed.length > 0 && (
                <>
                  <h3>{t('governance.compare.removedEvidence', { n: formatNumber(c.evidence.removed.length, locale) })}</h3>
                  <ul className="gov-list">
                    {c.evidence.removed.map((e) => (
                      <li key={e.id}>
                        <bdi className="gov-code">{e.code}</bdi> <bdi>{e.title}</bdi>
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <h3>{t('governance.compare.framework')}</h3>
              {c.framework.same_version ? (
                <p className="muted">{t('governance.compare.sameVersion')}</p>
              ) : (
                <ul className="gov-list">
                  {c.framework.added.map((x) => (
                    <li key={'a' + x.code}>
                      <Badge tone="ok">{t('governance.compare.added')}</Badge> <bdi className="gov-code">{x.code}</bdi> {loc(x.texts, locale)}
                    </li>
                  ))}
                  {c.framework.removed.map((x) => (
                    <li key={'r' + x.code}>
                      <Badge tone="bad">{t('governance.compare.removed')}</Badge> <bdi className="gov-code">{x.code}</bdi> {loc(x.texts, locale)}
                    </li>
                  ))}
                  {c.framework.remapped.map((x) => (
                    <li key={'m' + x.from_code}>
                      <Badge tone="warn">{t('governance.compare.remapped')}</Badge> <bdi className="gov-code">{x.from_code === x.to_code ? x.to_code : `${x.from_code} → ${x.to_code}`}</bdi>{' '}
                      <span className="small">{x.reasons.map((r) => t(`governance.compare.reason.${r}`)).join(t('common.listSeparator'))}</span>
                      {(x.links_added.length > 0 || x.links_removed.length > 0) && (
                        <span className="small muted" dir="ltr">
                          {' '}
                          {x.links_added.map((l) => '+' + l).join(' ')} {x.links_removed.map((l) => '−' + l).join(' ')}
                        </span>
                      )}
                    </li>
                  ))}
                  {!c.framework.added.length && !c.framework.removed.length && !c.framework.remapped.length && <li className="muted">{t('governance.compare.noFrameworkChange')}</li>}
                </ul>
              )}
              {c.score_1072.from.applicable && (
                <div className="gov-two">
                  <div>
                    <h3>{t('governance.compare.scoreBefore')}</h3>
                    <ScoreView s={c.score_1072.from} />
                  </div>
                  <div>
                    <h3>{t('governance.compare.scoreAfter')}</h3>
                    <ScoreView s={c.score_1072.to} />
                  </div>
                </div>
              )}
            </>
          )}
        </QueryView>
      )}
    </div>
  );
}
