// 404: no page at this address.
import { Link, useLocation } from 'react-router';
import { useT } from '../app/useT.ts';
import { usePageTitle } from '../components/ui.tsx';

export default function NotFound() {
  const { t } = useT();
  const location = useLocation();
  usePageTitle(t('notFound.title'));
  return (
    <section className="page narrow not-found">
      <p className="big-code" aria-hidden="true">
        ۴۰۴ · 404
      </p>
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <p className="muted">
        <code dir="ltr">{location.pathname}</code>
      </p>
      <Link className="btn btn-primary" to="/">
        {t('common.backHome')}
      </Link>
    </section>
  );
}
