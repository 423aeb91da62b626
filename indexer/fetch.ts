/**
 * Off-chain fetches: DAC batch payloads from storage nodes and GAR agreement versions from the GAR
 * service. Every request has a timeout and a size limit; failures are retried with backoff and
 * then reported as data (a status and a reason), never thrown at the indexer.
 * @module
 */

export interface FetchLimits {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly maxBytes: number;
}

export type FetchResult =
  | { readonly ok: true; readonly status: number; readonly body: Uint8Array }
  | { readonly ok: false; readonly status: number | null; readonly reason: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET with a timeout and a byte cap (the body is read as a stream and cut off). */
export async function getOnce(
  url: string,
  timeoutMs: number,
  maxBytes: number
): Promise<FetchResult> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const reason = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'unreachable';
    return { ok: false, status: null, reason };
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, status: res.status, reason: `http ${res.status}` };
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, status: 200, reason: 'too large' };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return { ok: false, status: 200, reason: 'too large' };
      }
      chunks.push(value);
    }
  } catch (e) {
    const reason = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'interrupted';
    return { ok: false, status: 200, reason };
  }
  const body = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    body.set(c, o);
    o += c.length;
  }
  return { ok: true, status: 200, body };
}

/** GET with retries on timeouts, connection errors and 5xx (not on 4xx: those are answers). */
export async function getWithRetries(url: string, limits: FetchLimits): Promise<FetchResult> {
  let last: FetchResult = { ok: false, status: null, reason: 'not tried' };
  for (let attempt = 0; attempt <= limits.retries; attempt++) {
    if (attempt > 0) await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)));
    last = await getOnce(url, limits.timeoutMs, limits.maxBytes);
    if (last.ok) return last;
    if (last.status !== null && last.status >= 400 && last.status < 500) return last;
    if (last.reason === 'too large') return last;
  }
  return last;
}

/** One stored GAR agreement version, as the service lists it. */
export interface StoredVersion {
  readonly sequence: number;
  readonly user: string;
  readonly agent: string;
  readonly version: number;
  readonly payload: unknown;
  readonly signature: unknown;
}

/**
 * Reads GAR versions after `cursor` until the service says it is caught up (or `maxPages` pages).
 * Items that do not look like versions are skipped and counted; a failed request ends the sync
 * early with the cursor where it got to.
 */
export async function syncGar(
  garUrl: string,
  cursor: number,
  limits: FetchLimits,
  maxPages = 1000
): Promise<{ items: StoredVersion[]; cursor: number; skipped: number; error: string | null }> {
  const items: StoredVersion[] = [];
  let skipped = 0;
  for (let page = 0; page < maxPages; page++) {
    const r = await getWithRetries(
      `${garUrl.replace(/\/$/, '')}/api/v1/agreements?after=${cursor}&limit=1000`,
      limits
    );
    if (!r.ok) return { items, cursor, skipped, error: r.reason };
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(r.body));
    } catch {
      return { items, cursor, skipped, error: 'malformed json' };
    }
    const list = (body as { items?: unknown }).items;
    if (!Array.isArray(list)) return { items, cursor, skipped, error: 'malformed page' };
    for (const it of list) {
      const v = it as Partial<StoredVersion>;
      if (
        typeof v.sequence !== 'number' ||
        !Number.isSafeInteger(v.sequence) ||
        v.sequence <= cursor ||
        typeof v.user !== 'string' ||
        typeof v.agent !== 'string' ||
        typeof v.version !== 'number'
      ) {
        skipped++;
        continue;
      }
      items.push(v as StoredVersion);
      cursor = v.sequence;
    }
    if ((body as { next?: unknown }).next === null || list.length === 0) break;
  }
  return { items, cursor, skipped, error: null };
}
