// The assessment dashboard: status per domain, gaps (absent or partial), evidence coverage
// and, for SDG 10.7.2, the domain and overall values with their categories.
import { useT } from '../../../app/useT.ts';
import { formatNumber } from '../../../app/format.ts';
import { Badge, TableWrap } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { TONE_BADGE, loc, useDashboard, type Score1072, type ToneCounts } from '../api.ts';

export function Bar({ c }: { c: ToneCounts }) {
  const total = Math.max(c.indicators, 1);
  return (
    <span className="gov-bar" aria-hidden="true">
      {(['positive', 'partial', 'negative', 'neutral'] as const).map((k) => (
        <span key={k} className={k} style={{ inlineSize: `${(c[k] / total) * 100}%` }} />
      ))}
    </span>
  );
}

export function ScoreView({ s }: { s: Score1072 }) {
  const { t, locale } = useT();
  if (!s.applicable) return null;
  if (!s.complete)
    return (
      <div className="alert alert-info" data-testid="gov-1072-missing">
        {t('governance.dashboard.notScored', { n: formatNumber(s.missing.length, locale) })} <bdi dir="ltr">{s.missing.join(', ')}</bdi>
      </div>
    );
  const cat = (c: number) => t(`governance.category.${c}`);
  return (
    <div data-testid="gov-1072-score">
      <p>
        {t('governance.dashboard.overall')}: <span className="gov-score">{formatNumber(s.score.overall.value, locale)}</span> <Badge tone={s.score.overall.category >= 3 ? 'ok' : s.score.overall.category === 2 ? 'warn' : 'bad'}>{cat(s.score.overall.category)}</Badge>
      </p>
      <ul className="chips">
        {Object.entries(s.score.domains).map(([d, v]) => (
          <li key={d} className="chip">
            <bdi dir="ltr">{d}</bdi>: <strong>{formatNumber(v.value, locale)}</strong> · {cat(v.category)}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function DashboardTab({ id }: { id: number }) {
  const { t, locale } = useT();
  const q = useDashboard(id);
  const pct = (a: number, b: number) => (b ? formatNumber(a / b, locale, { style: 'percent', maximumFractionDigits: 0 }) : '—');
  return (
    <QueryView query={q}>
      {(d) => (
        <div data-testid="gov-dashboard">
          <ul className="stats gov-stats">
            <li className="stat">
              <span className="stat-number">
                {formatNumber(d.total.answered, locale)} / {formatNumber(d.total.indicators, locale)}
              </span>
              <span className="stat-label">{t('governance.dashboard.answered')}</span>
            </li>
            <li className="stat">
              <span className="stat-number">{pct(d.total.with_evidence, d.total.indicators)}</span>
              <span className="stat-label">{t('governance.dashboard.coverage')}</span>
              <span className="stat-note">{t('governance.dashboard.evidenceItems', { n: formatNumber(d.total.evidence_items, locale) })}</span>
            </li>
            <li className="stat">
              <span className="stat-number">{formatNumber(d.total.partial + d.total.negative, locale)}</span>
              <span className="stat-label">{t('governance.dashboard.gaps')}</span>
            </li>
          </ul>
          <ScoreView s={d.score_1072} />
          <h3>{t('governance.dashboard.byDomain')}</h3>
          <TableWrap label={t('governance.dashboard.byDomain')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('governance.dashboard.domain')}</th>
                  <th scope="col">{t('governance.dashboard.status')}</th>
                  <th scope="col">{t('governance.tone.positive')}</th>
                  <th scope="col">{t('governance.tone.partial')}</th>
                  <th scope="col">{t('governance.tone.negative')}</th>
                  <th scope="col">{t('governance.tone.unanswered')}</th>
                  <th scope="col">{t('governance.dashboard.coverage')}</th>
                </tr>
              </thead>
              <tbody>
                {d.domains.map((x) => (
                  <tr key={x.code}>
                    <td>{loc(x.texts, locale)}</td>
                    <td>
                      <Bar c={x} /> <span className="small muted">{formatNumber(x.answered, locale)} / {formatNumber(x.indicators, locale)}</span>
                    </td>
                    <td className="num">{formatNumber(x.positive, locale)}</td>
                    <td className="num">{formatNumber(x.partial, locale)}</td>
                    <td className="num">{formatNumber(x.negative, locale)}</td>
                    <td className="num">{formatNumber(x.unanswered, locale)}</td>
                    <td className="num">{pct(x.with_evidence, x.indicators)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <h3>{t('governance.dashboard.gapList')}</h3>
          {d.domains.every((x) => !x.gaps.length) ? (
            <p className="muted">{t('governance.dashboard.noGaps')}</p>
          ) : (
            d.domains
              .filter((x) => x.gaps.length)
              .map((x) => (
                <div key={x.code}>
                  <h4 className="gov-topic">{loc(x.texts, locale)}</h4>
                  <ul className="gov-list">
                    {x.gaps.map((g) => (
                      <li key={g.code}>
                        <bdi className="gov-code">{g.code}</bdi> {loc(g.texts, locale)} <Badge tone={TONE_BADGE[g.tone]}>{t(`governance.tone.${g.tone}`)}</Badge>
                      </li>
                    ))}
                  </ul>
                </div>
              ))
          )}
        </div>
      )}
    </QueryView>
  );
}
