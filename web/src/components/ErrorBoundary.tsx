// Catches errors while rendering a page — including a page's code that failed to load (after
// an upgrade the old chunks are gone) — and offers a reload instead of a blank screen.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { FormattedMessage } from 'react-intl';

interface Props {
  /** Changing this value (e.g. the path) clears the error. */
  resetKey?: string;
  children: ReactNode;
}
interface State {
  error: Error | null;
  key?: string;
}

function isChunkError(e: Error): boolean {
  return /dynamically imported module|Importing a module script failed|module script|Failed to fetch/i.test(e?.message ?? '');
}

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Page error:', error, info.componentStack);
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const chunk = isChunkError(error);
    return (
      <section className="page narrow">
        <div className="state state-error" role="alert">
          <p className="state-title">
            <FormattedMessage id={chunk ? 'errorBoundary.chunkTitle' : 'common.errorTitle'} />
          </p>
          <p>
            <FormattedMessage id={chunk ? 'errorBoundary.chunkText' : 'errorBoundary.text'} />
          </p>
          <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
            <FormattedMessage id="errorBoundary.reload" />
          </button>
        </div>
      </section>
    );
  }
}
