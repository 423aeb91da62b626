/**
 * A JSON-RPC batch transport over HTTP for the verifier's proof source and trust roots
 * (verifier/proof-source.ts, verifier/chain.ts): the API asks the node it follows, the CLI the
 * node a user trusts.
 * @module
 */
import type { RpcBatch } from '../verifier/chain.ts';
import { ChainRpcError } from '../verifier/proof-source.ts';

type Call = readonly [string, readonly unknown[]];

/**
 * A JSON-RPC batch transport over HTTP POST (a ws:// URL is asked over http://, as Substrate
 * nodes serve both on one port). Errors are ChainRpcErrors naming the URL.
 */
export function fetchRpcBatch(url: string, timeoutMs = 15_000): RpcBatch {
  const httpUrl = url.trim().replace(/^ws(s?):\/\//, 'http$1://');
  return async (calls: ReadonlyArray<Call>) => {
    if (calls.length === 0) return [];
    let res: Response;
    try {
      res = await fetch(httpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }))
        ),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new ChainRpcError(`cannot reach ${url}: ${(e as Error).message}`, { cause: e });
    }
    if (!res.ok) throw new ChainRpcError(`${url} answered HTTP ${res.status}`);
    const body = (await res.json().catch(() => null)) as unknown;
    if (!Array.isArray(body)) throw new ChainRpcError(`${url} did not answer a JSON-RPC batch`);
    const out = new Array<unknown>(calls.length).fill(null);
    for (const r of body as Array<{
      id?: unknown;
      result?: unknown;
      error?: { message?: string };
    }>) {
      if (typeof r.id !== 'number' || r.id < 0 || r.id >= calls.length) continue;
      if (r.error) throw new ChainRpcError(`${calls[r.id]![0]}: ${r.error.message ?? 'error'}`);
      out[r.id] = r.result;
    }
    return out;
  };
}
