// Shorthands over react-intl for pages: t(id, values) and tOr(id, fallback) for ids that may
// not exist (e.g. a label for a value that came from data).
import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import { useLocale } from './i18n.tsx';

export function useT() {
  const intl = useIntl();
  const { locale } = useLocale();
  const t = useCallback((id: string, values?: Record<string, any>) => intl.formatMessage({ id }, values) as string, [intl]);
  const tOr = useCallback((id: string, fallback: string, values?: Record<string, any>) => (id in intl.messages ? (intl.formatMessage({ id }, values) as string) : fallback), [intl]);
  return { t, tOr, intl, locale };
}
