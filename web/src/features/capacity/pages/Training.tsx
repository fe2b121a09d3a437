// One training: the event, its figures (participants by sex and agency, test scores and gain,
// evaluations), sessions, the participants (personal data, within one's scope) with their
// certificates in Persian and English, and the attendance-sheet import.
import { useParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatDate, formatNumber } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { useAuth } from '../../../app/auth.tsx';
import { Facts, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { Cards } from '../../provinces/components.tsx';
import { useParticipants, useTraining } from '../api.ts';
import { ImportSheet } from './ImportSheet.tsx';
import { TrainingManage } from './TrainingManage.tsx';
import '../../provinces/provinces.css';

export default function Training() {
  const { code = '' } = useParams();
  const { t, locale } = useT();
  const { can } = useAuth();
  const q = useTraining(code);
  const people = useParticipants(code);
  const title = (r: any) => (locale === 'fa' ? r.title_fa || r.title_en : r.title_en || r.title_fa) || r.code;
  usePageTitle(q.data ? title(q.data) : t('capacity.trainings.title'));
  const num = (v: number | null | undefined) => (v == null ? '—' : formatNumber(v, locale));
  const sep = t('capacity.listSeparator');
  return (
    <section className="page">
      <QueryView query={q}>
        {(tr) => (
          <>
            <PageHeader back={{ to: '/capacity/trainings', label: t('capacity.trainings.title') }} title={title(tr)} subtitle={<bdi dir="ltr">{tr.code}</bdi>} />
            <Facts
              items={[
                [t('capacity.fields.topic'), tr.topic],
                [t('capacity.fields.gcm'), tr.gcm_objectives.map((n: number) => formatNumber(n, locale)).join(sep)],
                [t('capacity.fields.dates'), [tr.starts_on, tr.ends_on].filter(Boolean).map((d: string) => formatDate(d, locale)).join(' – ')],
                [t('capacity.fields.place'), tr.place],
                [t('capacity.fields.facilitators'), tr.facilitators.join(sep)],
                [t('capacity.fields.agencies'), tr.agency_codes.join(sep)],
              ]}
            />
            <Cards
              label={t('capacity.training.figures')}
              locale={locale}
              items={[
                [t('capacity.fields.participants'), tr.stats.participants, 'training-participants'],
                [t('capacity.training.men'), tr.stats.participants_by_sex.male],
                [t('capacity.training.women'), tr.stats.participants_by_sex.female],
                [t('capacity.training.pre'), tr.stats.scores.pre_average],
                [t('capacity.training.post'), tr.stats.scores.post_average],
                [t('capacity.training.gain'), tr.stats.scores.gain_average],
                [t('capacity.training.evaluations'), tr.stats.evaluations.forms, 'training-evaluations'],
              ]}
            />
            {tr.sessions.length > 0 && (
              <>
                <h2>{t('capacity.training.sessions')}</h2>
                <ul>
                  {tr.sessions.map((s: any) => (
                    <li key={s.no}>
                      {t('capacity.training.session', { no: formatNumber(s.no, locale) })} {s.held_on && formatDate(s.held_on, locale)} {s.title && <bdi>{s.title}</bdi>} · {t('capacity.training.present', { n: formatNumber(s.present, locale) })}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <h2>{t('capacity.training.participants')}</h2>
            <p className="muted small">{t('capacity.training.personalData')}</p>
            <QueryView query={people} empty={t('capacity.training.noParticipants')}>
              {(rows) => (
                <TableWrap label={t('capacity.training.participants')}>
                  <table data-testid="participants-table">
                    <thead>
                      <tr>
                        <th>{t('capacity.fields.name')}</th>
                        <th>{t('capacity.fields.sex')}</th>
                        <th>{t('capacity.fields.agency')}</th>
                        <th>{t('capacity.fields.position')}</th>
                        <th>{t('capacity.training.pre')}</th>
                        <th>{t('capacity.training.post')}</th>
                        <th>{t('capacity.training.gain')}</th>
                        <th>{t('capacity.fields.sessions')}</th>
                        <th>{t('capacity.training.certificate')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((p) => (
                        <tr key={p.id}>
                          <td dir="auto">{p.name}</td>
                          <td>{t(`capacity.sex.${p.sex}`)}</td>
                          <td>{nameOf({ name_en: p.agency_en, name_fa: p.agency_fa }, locale)}</td>
                          <td dir="auto">{p.position}</td>
                          <td>{num(p.pre_score)}</td>
                          <td>{num(p.post_score)}</td>
                          <td>{num(p.gain)}</td>
                          <td>{num(p.sessions_attended)}</td>
                          <td>
                            <a href={`/api/v1/capacity/trainings/${encodeURIComponent(code)}/participants/${p.id}/certificate.pdf?lang=fa`} target="_blank" rel="noopener">
                              {t('capacity.training.pdfFa')}
                            </a>{' '}
                            ·{' '}
                            <a href={`/api/v1/capacity/trainings/${encodeURIComponent(code)}/participants/${p.id}/certificate.pdf?lang=en`} target="_blank" rel="noopener">
                              {t('capacity.training.pdfEn')}
                            </a>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              )}
            </QueryView>
            {can('capacity.manage') && (
              <>
                <h2>{t('capacity.import.title')}</h2>
                <p className="muted">{t('capacity.import.hint')}</p>
                <ImportSheet code={code} />
                <TrainingManage training={tr} participants={people.data ?? []} />
              </>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
