// The GCM view: for each of the 23 objectives (and the guiding principles), the indicators of
// this assessment that speak to it and where they stand.
import { useState } from 'react';
import { useT } from '../../../app/useT.ts';
import { formatNumber } from '../../../app/format.ts';
import { Badge } from '../../../components/ui.tsx';
import { Checkbox } from '../../../components/Field.tsx';
import { QueryView } from '../../../components/States.tsx';
import { TONE_BADGE, loc, useGcmView } from '../api.ts';
import { Bar } from './DashboardTab.tsx';

export function GcmTab({ id }: { id: number }) {
  const { t, locale } = useT();
  const q = useGcmView(id);
  const [onlyLinked, setOnlyLinked] = useState(false);
  return (
    <QueryView query={q}>
      {(rows) => (
        <div data-testid="gov-gcm">
          <p className="muted">{t('governance.gcm.intro')}</p>
          <Checkbox label={t('governance.gcm.onlyLinked')} checked={onlyLinked} onChange={setOnlyLinked} />
          {(['objective', 'principle'] as const).map((kind) => (
            <section key={kind}>
              <h3>{t(`governance.gcm.${kind}s`)}</h3>
              <ul className="gov-gcm">
                {rows
                  .filter((r) => r.kind === kind && (!onlyLinked || r.items.length))
                  .map((r) => (
                    <li key={r.code} className={r.items.length ? '' : 'empty'} data-objective={r.code}>
                      <h3>
                        {kind === 'objective' && <span className="gov-num">{formatNumber(Number(r.code), locale)}</span>}
                        {loc(r.texts, locale)}
                      </h3>
                      {r.items.length ? (
                        <>
                          <Bar c={r} />{' '}
                          <span className="small muted">
                            {t('governance.gcm.counts', { n: formatNumber(r.items.length, locale), answered: formatNumber(r.answered, locale), gaps: formatNumber(r.partial + r.negative, locale) })}
                          </span>
                          <ul className="gov-list" style={{ marginBlockStart: '0.5rem' }}>
                            {r.items.map((i) => (
                              <li key={i.code}>
                                <bdi className="gov-code">{i.code}</bdi> <span className="small">{loc(i.texts, locale)}</span> <Badge tone={TONE_BADGE[i.tone]}>{t(`governance.tone.${i.tone}`)}</Badge>
                              </li>
                            ))}
                          </ul>
                        </>
                      ) : (
                        <span className="small muted">{t('governance.gcm.noIndicators')}</span>
                      )}
                    </li>
                  ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </QueryView>
  );
}
