/**
 * One payload request to one storage node, timed and bounded, reported as data. No retries: a
 * sentinel that retried would hide exactly the flakiness it is there to record. The timeout covers
 * the whole exchange (connect, headers and body), so a node that trickles bytes is a timeout too.
 * @module
 */
import { blake2b256 } from '../verifier/hash.ts';
import { toHex } from '../verifier/bytes.ts';
import type { FetchError } from '../verifier/evidence.ts';

export interface NodeAnswer {
  /** The node's base URL, as configured. */
  readonly node: string;
  readonly url: string;
  /** HTTP status, or null when no whole answer arrived (`error` says why). */
  readonly status: number | null;
  readonly error: FetchError | null;
  /** The body of a 200 answer that arrived whole and within the size limit. */
  readonly body: Uint8Array | null;
  /** blake2b-256 of `body`, 0x-hex. */
  readonly hash: string | null;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly latencyMs: number;
}

export interface FetchOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Aborts the request early when the sentinel stops (reported as `interrupted`). */
  readonly signal?: AbortSignal;
}

/** The payload URL of a node: `<base>/v1/payloads/<hash>` (trailing slashes of the base dropped). */
export function payloadUrl(node: string, payloadHash: string): string {
  return `${node.replace(/\/+$/, '')}/v1/payloads/${payloadHash}`;
}

function isTimeout(e: unknown): boolean {
  return (
    e instanceof Error &&
    (e.name === 'TimeoutError' || (e.cause instanceof Error && e.cause.name === 'TimeoutError'))
  );
}

/** GETs a payload from a node. Never throws. */
export async function fetchPayload(
  node: string,
  payloadHash: string,
  o: FetchOptions
): Promise<NodeAnswer> {
  const url = payloadUrl(node, payloadHash);
  const startedAt = new Date();
  const t0 = performance.now();
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([timeout, o.signal]) : timeout;
  const done = (
    status: number | null,
    error: FetchError | null,
    body: Uint8Array | null = null
  ): NodeAnswer => ({
    node,
    url,
    status,
    error,
    body,
    hash: body ? toHex(blake2b256(body)) : null,
    startedAt,
    endedAt: new Date(),
    latencyMs: Math.round(performance.now() - t0),
  });
  const failure = (e: unknown): FetchError =>
    timeout.aborted || isTimeout(e) ? 'timeout' : o.signal?.aborted ? 'interrupted' : 'unreachable';

  let res: Response;
  try {
    res = await fetch(url, {
      signal,
      redirect: 'error',
      headers: { accept: 'application/octet-stream' },
    });
  } catch (e) {
    return done(null, failure(e));
  }
  if (res.status !== 200) {
    // The status is the answer; its body is not needed (drained, bounded by the timeout).
    await res.body?.cancel().catch(() => {});
    return done(res.status, null);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > o.maxBytes) {
    await res.body?.cancel().catch(() => {});
    return done(200, 'too-large');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = res.body!.getReader();
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) break;
      size += value.length;
      if (size > o.maxBytes) {
        await reader.cancel().catch(() => {});
        return done(200, 'too-large');
      }
      chunks.push(value);
    }
  } catch (e) {
    const why = failure(e);
    return done(why === 'unreachable' ? 200 : null, why === 'unreachable' ? 'interrupted' : why);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return done(200, null, body);
}
