// Who changed what, when: workflow steps, sign-offs and objections, and every change to
// answers and evidence.
import { useT } from '../../../app/useT.ts';
import { formatDateTime, formatNumber } from '../../../app/format.ts';
import { Badge, TableWrap } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useHistory } from '../api.ts';
import { Changes, useAuditWords } from '../../audit/words.tsx';

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '∅' : typeof v === 'string' ? (v.length > 80 ? v.slice(0, 77) + '…' : v) : JSON.stringify(v));

export function HistoryTab({ id }: { id: number }) {
  const { t, locale } = useT();
  const q = useHistory(id);
  const words = useAuditWords();
  return (
    <QueryView query={q}>
      {(h) => (
        <div data-testid="gov-history">
          <h3>{t('governance.history.workflow')}</h3>
          <ul className="gov-list">
            {h.transitions.map((x, i) => (
              <li key={i}>
                <span className="small muted">{formatDateTime(x.at, locale)}</span> <Badge tone="info">{t(`governance.status.${x.to}`)}</Badge> <span>{x.actor}</span>
                {x.note && <span className="small" dir="auto">— {x.note}</span>}
              </li>
            ))}
          </ul>
          {h.signoffs.length > 0 && (
            <>
              <h3>{t('governance.history.signoffs')}</h3>
              <ul className="gov-list">
                {h.signoffs.map((s, i) => (
                  <li key={i}>
                    <span className="small muted">{formatDateTime(s.at, locale)}</span> <Badge tone={s.decision === 'SIGNED_OFF' ? 'ok' : 'bad'}>{t(`governance.decision.${s.decision}`)}</Badge> <span>{words.agency(s.agency_id) || s.agency_code}</span> <span>{s.actor}</span>
                    <span className="small muted">{t('governance.history.cycle', { n: formatNumber(s.cycle, locale) })}</span>
                    {s.reason && <span className="small" dir="auto">— {s.reason}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('governance.history.changes')}</h3>
          <TableWrap label={t('governance.history.changes')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('governance.history.when')}</th>
                  <th scope="col">{t('governance.history.who')}</th>
                  <th scope="col">{t('governance.compare.indicator')}</th>
                  <th scope="col">{t('governance.history.what')}</th>
                </tr>
              </thead>
              <tbody>
                {h.changes.map((c) => (
                  <tr key={c.id}>
                    <td className="nowrap">{formatDateTime(c.at, locale)}</td>
                    <td>{c.actor_label}</td>
                    <td>
                      <bdi className="gov-code">{c.node_code}</bdi>
                    </td>
                    <td>
                      <strong>{t(`governance.history.action.${c.action.replace('.', '_')}`)}</strong>{' '}
                      {c.action === 'answer' ? (
                        <span className="small">
                          <Changes changes={c.changes} fieldLabel={(k) => t(`governance.history.field.${k}`)} />
                        </span>
                      ) : (
                        <bdi className="small">{show((c.changes as { title?: string }).title)}</bdi>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </div>
      )}
    </QueryView>
  );
}
