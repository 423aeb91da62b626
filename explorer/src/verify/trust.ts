/**
 * The explorer's trust roots: a node the user trusts ("Check against my node") and, optionally, a
 * GRANDPA authority set, both remembered in the browser (localStorage). Before a check the page
 * asks the node, from the browser, for its finalized head and its canonical hash at every height
 * the bundles cite; the verifier then pins the bundles' proofs to those answers
 * (verifier/chain.ts). Without either, the page says which lines rest on the API's word.
 * @module
 */
import { parseBundle } from '../../../verifier/bundle.ts';
import {
  type RpcBatch,
  type TrustRoots,
  askTrustedNode,
  citedBlocks,
  parseTrustedAuthorities,
} from '../../../verifier/chain.ts';

export interface TrustSettings {
  /** An http(s) or ws(s) JSON-RPC URL, or '' for none. */
  readonly rpcUrl: string;
  /** `{ "setId": "0", "authorities": ["0x…"] }`, or '' for none. */
  readonly authorities: string;
}

const RPC_KEY = 'proofroom.trust.rpc';
const AUTH_KEY = 'proofroom.trust.authorities';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadTrustSettings(): TrustSettings {
  const s = storage();
  return { rpcUrl: s?.getItem(RPC_KEY) ?? '', authorities: s?.getItem(AUTH_KEY) ?? '' };
}

export function saveTrustSettings(t: TrustSettings): void {
  const s = storage();
  if (!s) return;
  if (t.rpcUrl) s.setItem(RPC_KEY, t.rpcUrl);
  else s.removeItem(RPC_KEY);
  if (t.authorities) s.setItem(AUTH_KEY, t.authorities);
  else s.removeItem(AUTH_KEY);
}

/** A JSON-RPC batch from the browser (ws:// URLs are asked over http://). */
function browserRpc(url: string): RpcBatch {
  const httpUrl = url.trim().replace(/^ws(s?):\/\//, 'http$1://');
  return async (calls) => {
    const res = await fetch(httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }))
      ),
    });
    if (!res.ok) throw new Error(`it answered HTTP ${res.status}`);
    const body = (await res.json()) as Array<{
      id: number;
      result?: unknown;
      error?: { message?: string };
    }>;
    if (!Array.isArray(body)) throw new Error('it did not answer JSON-RPC');
    const out = new Array<unknown>(calls.length).fill(null);
    for (const r of body) {
      if (r.error) throw new Error(r.error.message ?? 'error');
      if (typeof r.id === 'number' && r.id >= 0 && r.id < calls.length) out[r.id] = r.result;
    }
    return out;
  };
}

/**
 * The trust roots for checking `texts`: the node asked about every height they cite, the
 * authority set parsed. Throws an Error a person can read when the node cannot be asked or the
 * set is malformed.
 */
export async function trustFor(
  texts: readonly string[],
  settings: TrustSettings
): Promise<TrustRoots> {
  let authorities: TrustRoots['authorities'];
  if (settings.authorities.trim()) {
    let v: unknown;
    try {
      v = JSON.parse(settings.authorities);
    } catch {
      throw new Error('the authority set is not JSON');
    }
    authorities = parseTrustedAuthorities(v) ?? undefined;
    if (!authorities)
      throw new Error(
        'the authority set must be {"setId": "<u64>", "authorities": ["0x<key>", …]}'
      );
  }
  let node: TrustRoots['node'];
  if (settings.rpcUrl.trim()) {
    const heights = new Set<number>();
    for (const t of texts) {
      const p = parseBundle(t);
      if (p.ok) for (const h of citedBlocks(p.bundle).heights) heights.add(h);
    }
    try {
      node = await askTrustedNode(
        browserRpc(settings.rpcUrl),
        [...heights],
        settings.rpcUrl.trim()
      );
    } catch (e) {
      throw new Error(
        `your node at ${settings.rpcUrl.trim()} could not be asked (${e instanceof Error ? e.message : String(e)})`,
        { cause: e }
      );
    }
  }
  return { ...(authorities ? { authorities } : {}), ...(node ? { node } : {}) };
}
