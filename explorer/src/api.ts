/**
 * The explorer's client for the Proof Room API (same origin): GraphQL over POST, the URLs of the
 * REST bundle, sentinel evidence and exports. Failures become `ApiFailure` with a message a
 * person can act on.
 * @module
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number
  ) {
    super(message);
  }
}

const MESSAGES: Record<string, string> = {
  RATE_LIMITED: 'Too many requests from this browser in the last minute. Wait a moment and retry.',
  TIMEOUT: 'The API took too long to answer. Retry, or narrow the query.',
  DATABASE_UNAVAILABLE: 'The API cannot reach its database right now.',
  INTERNAL: 'The API failed on this request; its operator has the details in the log.',
};

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Runs a GraphQL query against the API. */
export async function gql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal
): Promise<T> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiFailure(
      'Cannot reach the Proof Room API. Is `proofroom serve` running?',
      'NETWORK'
    );
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await res.json()) as GraphQLResponse<T>;
  } catch {
    throw new ApiFailure(
      `The API answered ${res.status} without JSON.`,
      'BAD_RESPONSE',
      res.status
    );
  }
  const first = body.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? 'ERROR';
    throw new ApiFailure(MESSAGES[code] ?? first.message, code, res.status);
  }
  if (!res.ok || body.data == null) {
    throw new ApiFailure(`The API answered ${res.status}.`, 'BAD_RESPONSE', res.status);
  }
  return body.data;
}

export type QueryState<T> =
  | { readonly status: 'loading'; readonly data?: T }
  | { readonly status: 'error'; readonly error: ApiFailure; readonly data?: T }
  | { readonly status: 'ok'; readonly data: T };

/**
 * Runs a query when its variables change; with `refreshMs`, again every so often while the page is
 * visible (keeping the last data on screen while it reloads).
 */
export function useQuery<T>(
  query: string,
  variables: Record<string, unknown>,
  options: { refreshMs?: number; skip?: boolean } = {}
): QueryState<T> & { reload: () => void } {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<QueryState<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const last = useRef<T | undefined>(undefined);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (options.skip) return;
    const ac = new AbortController();
    setState(
      last.current === undefined ? { status: 'loading' } : { status: 'loading', data: last.current }
    );
    gql<T>(query, JSON.parse(key) as Record<string, unknown>, ac.signal).then(
      (data) => {
        last.current = data;
        setState({ status: 'ok', data });
      },
      (err: unknown) => {
        if (ac.signal.aborted) return;
        const error = err instanceof ApiFailure ? err : new ApiFailure(String(err), 'ERROR');
        setState({ status: 'error', error, data: last.current });
      }
    );
    return () => ac.abort();
  }, [query, key, tick, options.skip]);

  useEffect(() => {
    if (!options.refreshMs) return;
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, options.refreshMs);
    return () => clearInterval(id);
  }, [options.refreshMs, reload]);

  return { ...state, reload };
}

/** The URL of a streamed export (`/v1/export/<entity>.<format>`) with a JSON `where`. */
export function exportUrl(
  entity: string,
  format: 'csv' | 'ndjson',
  where?: Record<string, unknown>,
  orderBy?: string
): string {
  const q = new URLSearchParams();
  if (where && Object.keys(where).length > 0) q.set('where', JSON.stringify(where));
  if (orderBy) q.set('orderBy', orderBy);
  const s = q.toString();
  return `/v1/export/${entity}.${format}${s ? `?${s}` : ''}`;
}

/** The portable bundle's URL for a record id or activity id. */
export function bundleUrl(id: string): string {
  return `/v1/receipts/${encodeURIComponent(id)}`;
}

/** The signed evidence document of a failed sentinel check, by its id. */
export function evidenceUrl(checkId: string): string {
  return `/v1/sentinel/evidence/${encodeURIComponent(checkId)}`;
}
