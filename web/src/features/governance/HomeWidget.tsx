// Home widget: assessments by state and overdue action items of the coordination workplan.
import { Link } from 'react-router';
import { useT } from '../../app/useT.ts';
import { formatNumber } from '../../app/format.ts';
import { STATUSES, useAssessments, useWorkplan } from './api.ts';

export default function GovernanceSummary() {
  const { t, locale } = useT();
  const list = useAssessments();
  const plan = useWorkplan(null);
  if (!list.data) return null;
  const inProgress = list.data.filter((a) => a.status !== 'PUBLISHED').length;
  const validation = list.data.filter((a) => a.status === 'INTERMINISTERIAL_VALIDATION').length;
  const published = list.data.filter((a) => a.status === STATUSES[5]).length;
  return (
    <section className="widget" aria-labelledby="gov-widget">
      <h2 id="gov-widget">{t('governance.home.title')}</h2>
      <ul className="stats">
        <li className="stat">
          <Link to="/governance/assessments">
            <span className="stat-number">{formatNumber(inProgress, locale)}</span>
            <span className="stat-label">{t('governance.home.inProgress')}</span>
            <span className="stat-note">{t('governance.home.inValidation', { n: formatNumber(validation, locale) })}</span>
          </Link>
        </li>
        <li className="stat">
          <Link to="/governance/assessments?status=PUBLISHED">
            <span className="stat-number">{formatNumber(published, locale)}</span>
            <span className="stat-label">{t('governance.home.published')}</span>
          </Link>
        </li>
        <li className="stat">
          <Link to="/governance/workplan">
            <span className="stat-number">{formatNumber(plan.data?.overdue ?? 0, locale)}</span>
            <span className="stat-label">{t('governance.home.overdue')}</span>
          </Link>
        </li>
      </ul>
    </section>
  );
}
