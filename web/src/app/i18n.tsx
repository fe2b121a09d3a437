// Interface language: messages (ICU, react-intl), <html lang dir>, and remembering the choice.
//
// Messages are nested JSON in web/src/locales/{en,fa}.json (the shell) and in
// web/src/features/<feature>/locales/{en,fa}.json (one folder per capability, found by
// import.meta.glob: a new feature needs no change here). They are merged and flattened to
// dotted ids (`places.provinces.title`). Each language is its own lazy chunk.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import { setApiLocale } from './api.ts';
import { intlLocale } from './format.ts';
import type { Locale } from './types.ts';

export const LOCALES: Locale[] = ['en', 'fa'];
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fa: 'فارسی' };
const STORAGE_KEY = 'marz_lang';

type Tree = { [k: string]: string | Tree };
type Loader = () => Promise<{ default: Tree } | Tree>;

const shellFiles = import.meta.glob<Tree>('../locales/*.json', { import: 'default' });
const featureFiles = import.meta.glob<Tree>('../features/*/locales/*.json', { import: 'default' });

/** Flattens nested messages to dotted ids. */
export function flatten(tree: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out[prefix + k] = v;
    else if (v && typeof v === 'object') flatten(v, prefix + k + '.', out);
  }
  return out;
}

function filesFor(locale: Locale): [string, Loader][] {
  const all = { ...shellFiles, ...featureFiles } as Record<string, Loader>;
  return Object.entries(all)
    .filter(([path]) => path.endsWith(`/${locale}.json`))
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

const loaded = new Map<Locale, Promise<Record<string, string>>>();

/** All messages of one language, flattened (cached). */
export function loadMessages(locale: Locale): Promise<Record<string, string>> {
  let p = loaded.get(locale);
  if (!p) {
    p = Promise.all(filesFor(locale).map(async ([path, load]) => [path, await load()] as const)).then((parts) => {
      const out: Record<string, string> = {};
      for (const [path, tree] of parts) {
        const flat = flatten(((tree as { default?: Tree }).default ?? tree) as Tree);
        for (const [id, text] of Object.entries(flat)) {
          if (import.meta.env.DEV && id in out) console.warn(`[i18n] message "${id}" defined twice (again in ${path})`);
          out[id] = text;
        }
      }
      return out;
    });
    loaded.set(locale, p);
  }
  return p;
}

function readCookie(name: string): string | null {
  const m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
  return m ? decodeURIComponent(m[1]!) : null;
}

export function pickLocale(v: string | null | undefined): Locale | null {
  if (!v) return null;
  const s = v.toLowerCase();
  return s.startsWith('fa') ? 'fa' : s.startsWith('en') ? 'en' : null;
}

/** The language chosen before signing in: localStorage, then the cookie, then the browser. */
export function storedLocale(): Locale {
  let fromStorage: string | null = null;
  try {
    fromStorage = localStorage.getItem(STORAGE_KEY);
  } catch {
    /* storage disabled */
  }
  return pickLocale(fromStorage) ?? pickLocale(readCookie(STORAGE_KEY)) ?? pickLocale(navigator.languages?.[0] ?? navigator.language) ?? 'en';
}

/** Remembers the language in this browser (localStorage and the `marz_lang` cookie the server reads). */
export function rememberLocale(locale: Locale) {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* storage disabled */
  }
  document.cookie = `${STORAGE_KEY}=${locale}; path=/; max-age=${365 * 86400}; samesite=lax`;
}

export function applyDocumentLocale(locale: Locale) {
  const html = document.documentElement;
  html.lang = locale;
  html.dir = locale === 'fa' ? 'rtl' : 'ltr';
}

interface LocaleState {
  locale: Locale;
  dir: 'ltr' | 'rtl';
  /** Switches the interface language (loads its messages first) and remembers it in this browser. */
  setLocale(locale: Locale): Promise<void>;
}

const LocaleContext = createContext<LocaleState | null>(null);

export function useLocale(): LocaleState {
  const c = useContext(LocaleContext);
  if (!c) throw new Error('useLocale outside <I18nProvider>');
  return c;
}

export function I18nProvider({ initial, initialMessages, children }: { initial: Locale; initialMessages: Record<string, string>; children: ReactNode }) {
  const [state, setState] = useState({ locale: initial, messages: initialMessages });

  useEffect(() => {
    applyDocumentLocale(state.locale);
    setApiLocale(state.locale);
  }, [state.locale]);

  const setLocale = useCallback(async (locale: Locale) => {
    const [base, messages] = await Promise.all([loadMessages('en'), loadMessages(locale)]);
    rememberLocale(locale);
    setApiLocale(locale);
    setState({ locale, messages: { ...base, ...messages } });
  }, []);

  const value = useMemo<LocaleState>(() => ({ locale: state.locale, dir: state.locale === 'fa' ? 'rtl' : 'ltr', setLocale }), [state.locale, setLocale]);

  return (
    <LocaleContext.Provider value={value}>
      <IntlProvider
        locale={intlLocale(state.locale)}
        messages={state.messages}
        defaultLocale="en-GB"
        timeZone="Asia/Tehran"
        onError={(e) => {
          if (import.meta.env.DEV) console.warn(e.message);
        }}
      >
        {children}
      </IntlProvider>
    </LocaleContext.Provider>
  );
}

/** Loads the messages for the first render (English as the base, so a gap never shows an id). */
export async function initialMessages(locale: Locale): Promise<Record<string, string>> {
  const [base, messages] = await Promise.all([loadMessages('en'), loadMessages(locale)]);
  return { ...base, ...messages };
}
