// A view that throws while rendering shows what failed, with its details to copy, and the rest of the app keeps working.
import { Component, useState, type ErrorInfo, type ReactNode } from 'react';

/** The text a researcher pastes into a bug report: what failed, the error, where, and both stacks. */
export function errorDetails(what: string, error: unknown, componentStack = '', where = typeof location === 'undefined' ? '' : location.hash || '#/'): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return [`${what} failed at ${where}`, `${e.name}: ${e.message}`, e.stack ? `\nStack:\n${e.stack}` : '', componentStack ? `\nComponents:${componentStack}` : ''].filter(Boolean).join('\n');
}

function CopyDetails({ details }: { details: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'select'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(details);
      setCopied('copied');
    } catch {
      setCopied('select'); // no clipboard permission: the text below is selectable
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()} data-testid="copy-error-details">
        Copy details
      </button>{' '}
      <span role="status" className="small muted">
        {copied === 'copied' ? 'Copied.' : copied === 'select' ? 'The clipboard is not available: select the text below.' : ''}
      </span>
      <details open={copied === 'select'}>
        <summary className="small">Details</summary>
        <pre className="error-details" data-testid="error-details">
          {details}
        </pre>
      </details>
    </>
  );
}

interface Props {
  /** what this boundary holds, in words: "The Results page", "The chart “Effective rank”" */
  what: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: unknown; componentStack: string }> {
  override state = { error: null as unknown, componentStack: '' };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(_error: unknown, info: ErrorInfo) {
    this.setState({ componentStack: info.componentStack ?? '' });
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    const { what } = this.props;
    const message = this.state.error instanceof Error ? this.state.error.message : String(this.state.error);
    return (
      <div className="state state-error" role="alert" data-testid="view-error">
        <strong>{what} could not be shown</strong>
        <p>{message}</p>
        <p className="small muted">The rest of the app still works. Copy the details into a bug report, or try again.</p>
        <div className="inline">
          <button type="button" onClick={() => this.setState({ error: null, componentStack: '' })}>
            Try again
          </button>
          <CopyDetails details={errorDetails(what, this.state.error, this.state.componentStack)} />
        </div>
      </div>
    );
  }
}
