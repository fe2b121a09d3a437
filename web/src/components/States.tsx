// Loading, error, empty and "not allowed" states, the same on every page.
import type { ReactNode } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Link } from 'react-router';
import { ApiError } from '../app/api.ts';

export function LoadingState({ label }: { label?: string }) {
  const intl = useIntl();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? intl.formatMessage({ id: 'common.loading' })}</span>
    </div>
  );
}

/** The message of an error for people: the API's (already translated) or a generic one. */
export function errorMessage(error: unknown, intl: ReturnType<typeof useIntl>): string {
  if (error instanceof ApiError) return error.message;
  return intl.formatMessage({ id: 'common.unexpectedError' });
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const intl = useIntl();
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{intl.formatMessage({ id: notFound ? 'common.notFoundTitle' : 'common.errorTitle' })}</p>
      <p>{errorMessage(error, intl)}</p>
      {retry && !notFound && (
        <button type="button" className="btn" onClick={retry}>
          <FormattedMessage id="common.retry" />
        </button>
      )}
    </div>
  );
}

export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p>{children}</p>
      {action}
    </div>
  );
}

export function Forbidden() {
  return (
    <section className="page narrow">
      <h1>
        <FormattedMessage id="common.forbiddenTitle" />
      </h1>
      <p>
        <FormattedMessage id="common.forbiddenText" />
      </p>
      <Link to="/">
        <FormattedMessage id="common.backHome" />
      </Link>
    </section>
  );
}

/** Renders a query's states, then its data. */
export function QueryView<T>({ query, children, empty, isEmpty }: { query: { isPending: boolean; isError: boolean; error: unknown; data: T | undefined; refetch: () => unknown }; children: (data: T) => ReactNode; empty?: ReactNode; isEmpty?: (data: T) => boolean }) {
  if (query.isPending) return <LoadingState />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const data = query.data as T;
  if (empty && (isEmpty ? isEmpty(data) : Array.isArray(data) && data.length === 0)) return <EmptyState>{empty}</EmptyState>;
  return <>{children(data)}</>;
}
