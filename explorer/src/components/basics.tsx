/**
 * Building blocks every page uses: page frame, loading / empty / error states, status badges,
 * key-value tables, copyable hashes.
 * @module
 */
import { type ReactNode, useState } from 'react';
import type { ApiFailure } from '../api.ts';
import { useTitle } from '../router.tsx';

export function Page(props: {
  title: string;
  kicker?: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  useTitle(props.title);
  return (
    <article className="page">
      <header className="page-head">
        <div>
          {props.kicker && <p className="kicker">{props.kicker}</p>}
          <h1>{props.title}</h1>
        </div>
        {props.actions && <div className="page-actions">{props.actions}</div>}
      </header>
      {props.children}
    </article>
  );
}

export function Section(props: {
  title: string;
  id?: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section
      className="section"
      id={props.id}
      aria-labelledby={props.id ? `${props.id}-h` : undefined}
    >
      <div className="section-head">
        <h2 id={props.id ? `${props.id}-h` : undefined}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

export function Loading(props: { what?: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {props.what ?? ''}…
    </div>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <div className="state empty">{props.children}</div>;
}

export function ErrorBox(props: { error: ApiFailure | Error | string; retry?: () => void }) {
  const message = typeof props.error === 'string' ? props.error : props.error.message;
  const code =
    typeof props.error === 'object' && 'code' in props.error ? props.error.code : undefined;
  return (
    <div className="state error" role="alert">
      <strong>Could not load this.</strong> {message}
      {code && code !== 'ERROR' && <span className="code"> ({code})</span>}
      {props.retry && (
        <button type="button" onClick={props.retry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Renders the states of a `useQuery` result, or its data through `children`. */
export function Loaded<T>(props: {
  state: { status: 'loading' | 'error' | 'ok'; data?: T; error?: ApiFailure; reload?: () => void };
  what?: string;
  children: (data: T) => ReactNode;
}) {
  const s = props.state;
  if (s.data !== undefined) {
    return (
      <>
        {s.status === 'error' && s.error && <ErrorBox error={s.error} retry={s.reload} />}
        {props.children(s.data)}
      </>
    );
  }
  if (s.status === 'error' && s.error) return <ErrorBox error={s.error} retry={s.reload} />;
  return <Loading what={props.what} />;
}

/**
 * Passed / failed / pending / skipped, in words and colour (never colour alone). Skipped (Root
 * skipped the era's payout, so the check does not apply) is neutral: neither green nor red.
 */
export function Status(props: {
  ok: boolean | null | undefined;
  pending?: boolean;
  skipped?: boolean;
  label?: string;
}) {
  if (props.skipped) return <span className="badge skipped">⊘ {props.label ?? 'skipped'}</span>;
  if (props.pending || props.ok === null || props.ok === undefined) {
    return <span className="badge pending">◔ {props.label ?? 'pending'}</span>;
  }
  return props.ok ? (
    <span className="badge ok">✓ {props.label ?? 'passed'}</span>
  ) : (
    <span className="badge bad">✗ {props.label ?? 'failed'}</span>
  );
}

export function KeyValues(props: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="kv">
      {props.rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A value in monospace with a copy button. */
export function Copy(props: { value: string; children?: ReactNode }) {
  const [done, setDone] = useState(false);
  return (
    <span className="copy">
      <code title={props.value}>{props.children ?? props.value}</code>
      <button
        type="button"
        className="icon"
        aria-label={`Copy ${props.value}`}
        onClick={() => {
          void navigator.clipboard?.writeText(props.value).then(() => {
            setDone(true);
            setTimeout(() => setDone(false), 1200);
          });
        }}
      >
        {done ? 'copied' : 'copy'}
      </button>
    </span>
  );
}

/** Pretty JSON in a collapsible block. */
export function RawJson(props: { value: unknown; summary?: string; open?: boolean }) {
  const text =
    typeof props.value === 'string'
      ? props.value
      : JSON.stringify(
          props.value,
          (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
          2
        );
  return (
    <details className="raw" open={props.open}>
      <summary>{props.summary ?? 'raw'}</summary>
      <pre>{text}</pre>
    </details>
  );
}
