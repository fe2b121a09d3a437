// Home: welcome, today's date, and the widgets features put on it (counts of places, …).
import { Suspense } from 'react';
import { Link } from 'react-router';
import { useT } from '../app/useT.ts';
import { useAuth } from '../app/auth.tsx';
import { allowed, visibleNav } from '../app/registry.ts';
import { TodayDate } from '../app/Shell.tsx';
import { features } from '../features/index.ts';
import { LoadingState } from '../components/States.tsx';
import { usePageTitle } from '../components/ui.tsx';

export default function Home() {
  const { t } = useT();
  const { user } = useAuth();
  usePageTitle(t('home.title'));
  const widgets = features
    .flatMap((f) => f.home ?? [])
    .filter((w) => allowed(user, w))
    .sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
  const sections = visibleNav(features.flatMap((f) => f.nav ?? []), user);

  return (
    <section className="page">
      <header className="home-hero">
        <p className="home-date">
          <TodayDate style="full" />
        </p>
        <h1>{user ? t('home.welcomeNamed', { name: user.display_name }) : t('home.welcome')}</h1>
        <p className="lead">{t('home.lead')}</p>
        {!user && (
          <p>
            <Link className="btn btn-primary" to="/sign-in">
              {t('shell.signIn')}
            </Link>
          </p>
        )}
      </header>
      {widgets.map(({ id, component: Widget }) => (
        <Suspense key={id} fallback={<LoadingState />}>
          <Widget />
        </Suspense>
      ))}
      <section className="widget" aria-labelledby="home-links">
        <h2 id="home-links">{t('home.goTo')}</h2>
        <ul className="link-grid">
          {sections.flatMap((s) => s.children ?? [s]).map((s) => (
            <li key={s.to}>
              <Link to={s.to}>{t(s.labelId)}</Link>
            </li>
          ))}
          {user && (
            <li>
              <Link to="/account">{t('shell.account')}</Link>
            </li>
          )}
        </ul>
      </section>
    </section>
  );
}
