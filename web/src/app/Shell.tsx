// The frame of every page: header (name, navigation, today's date, language, user menu),
// section tabs, the page itself and a footer. Navigation comes from the feature registry.
import { Suspense, useEffect, useId, useRef, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Link, NavLink, Outlet, useLocation, useNavigate, matchPath } from 'react-router';
import { useAuth } from './auth.tsx';
import { useLocale, LOCALES, LOCALE_NAMES } from './i18n.tsx';
import { formatDate, today } from './format.ts';
import { visibleNav, type NavItem } from './registry.ts';
import { features } from '../features/index.ts';
import { LoadingState } from '../components/States.tsx';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';
import type { Locale } from './types.ts';

const HOME: NavItem = { to: '/', labelId: 'nav.home', access: 'public', order: 0 };

function isUnder(pathname: string, to: string): boolean {
  if (to === '/') return pathname === '/';
  return pathname === to || pathname.startsWith(to + '/') || !!matchPath({ path: to, end: false }, pathname);
}

/** The section (top-level nav item with children) the current page belongs to. */
function currentSection(items: NavItem[], pathname: string): NavItem | undefined {
  return items.find((i) => i.children?.some((c) => isUnder(pathname, c.to)));
}

export function Brand() {
  return (
    <Link to="/" className="brand">
      <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="6" />
        <path d="M6 22 L12 10 L16 18 L20 12 L26 22" />
      </svg>
      <span className="brand-name">
        <FormattedMessage id="app.name" />
      </span>
      <span className="brand-tagline">
        <FormattedMessage id="app.tagline" />
      </span>
    </Link>
  );
}

export function LanguageSwitch() {
  const { locale } = useLocale();
  const { changeLocale } = useAuth();
  const intl = useIntl();
  const [busy, setBusy] = useState(false);
  const other: Locale = LOCALES.find((l) => l !== locale)!;
  return (
    <button
      type="button"
      className="btn btn-ghost lang-switch"
      lang={other}
      dir={other === 'fa' ? 'rtl' : 'ltr'}
      disabled={busy}
      title={intl.formatMessage({ id: 'shell.switchLanguage' })}
      onClick={async () => {
        setBusy(true);
        try {
          await changeLocale(other);
        } finally {
          setBusy(false);
        }
      }}
    >
      {LOCALE_NAMES[other]}
    </button>
  );
}

function useDisclosure() {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const location = useLocation();
  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        (ref.current?.querySelector('[aria-expanded]') as HTMLElement | null)?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return { open, setOpen, ref };
}

function UserMenu() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const { open, setOpen, ref } = useDisclosure();
  const id = useId();
  if (!user) return null;
  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="btn btn-ghost user-button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        <span className="avatar" aria-hidden="true">
          {user.display_name.trim().charAt(0).toUpperCase()}
        </span>
        <span className="user-name">{user.display_name}</span>
        <span className="caret" aria-hidden="true">
          ▾
        </span>
      </button>
      <div id={id} className="menu" hidden={!open}>
        <p className="menu-who">
          <bdi>{user.display_name}</bdi>
          <br />
          <span className="muted" dir="ltr">
            @{user.username}
          </span>
        </p>
        <Link className="menu-item" to="/account">
          <FormattedMessage id="shell.account" />
        </Link>
        <button
          type="button"
          className="menu-item"
          onClick={async () => {
            setOpen(false);
            await signOut();
            navigate('/sign-in', { replace: true });
          }}
        >
          <FormattedMessage id="shell.signOut" />
        </button>
      </div>
    </div>
  );
}

export function TodayDate({ style = 'long' }: { style?: 'long' | 'full' | 'medium' }) {
  const { locale } = useLocale();
  const intl = useIntl();
  const iso = today();
  return (
    <time className="today" dateTime={iso} data-iso={iso} title={intl.formatMessage({ id: 'shell.today' })}>
      {formatDate(iso, locale, style)}
    </time>
  );
}

export function Shell() {
  const { user } = useAuth();
  const intl = useIntl();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  const nav = visibleNav([HOME, ...features.flatMap((f) => f.nav ?? [])], user);
  const section = currentSection(nav, location.pathname);

  useEffect(() => {
    setMenuOpen(false);
    // Move focus to the new page for keyboard and screen-reader users (not on the first load).
    if (first.current) first.current = false;
    else mainRef.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        <FormattedMessage id="shell.skipToContent" />
      </a>
      <header className="app-header">
        <div className="header-inner">
          <Brand />
          <button type="button" className="btn btn-ghost nav-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
            <span aria-hidden="true">☰</span> <FormattedMessage id="shell.menu" />
          </button>
          <nav id="main-nav" className={`main-nav${menuOpen ? ' open' : ''}`} aria-label={intl.formatMessage({ id: 'shell.mainNav' })}>
            <ul>
              {nav.map((item) => (
                <li key={item.labelId}>
                  <NavLink
                    to={item.to}
                    end={item.to === '/'}
                    className={({ isActive }) => (isActive || item === section || item.children?.some((c) => isUnder(location.pathname, c.to)) ? 'active' : undefined)}
                    aria-current={item === section ? 'page' : undefined}
                  >
                    <FormattedMessage id={item.labelId} />
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="header-tools">
            <TodayDate />
            <LanguageSwitch />
            {user ? (
              <UserMenu />
            ) : (
              <Link className="btn btn-primary btn-small" to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}>
                <FormattedMessage id="shell.signIn" />
              </Link>
            )}
          </div>
        </div>
        {section?.children && section.children.length > 1 && (
          <nav className="subnav" aria-label={intl.formatMessage({ id: section.labelId })}>
            <ul>
              {section.children.map((c) => (
                <li key={c.to}>
                  <NavLink to={c.to}>
                    <FormattedMessage id={c.labelId} />
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<LoadingState />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
      <footer className="app-footer">
        <p>
          <FormattedMessage id="shell.footer" />
        </p>
      </footer>
    </div>
  );
}
