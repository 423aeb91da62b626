/**
 * `proofroom verify`'s trust roots (docs/spec.md §11): what the user trusts, read from the
 * command line, so that a bundle's proofs are pinned to the chain the user means.
 *
 * - `--trust-authorities FILE`: a GRANDPA authority set, JSON `{ "setId": "0", "authorities":
 *   ["0x<ed25519 key>", ...] }`. Justifications then prove finality with no node at all.
 * - `--trust-hashes FILE`: blocks the user trusts as final, JSON `[{ "number": 12, "hash":
 *   "0x…" }]` or one `<height> <hash>` per line.
 * - `--trust-rpc URL`: a node the user trusts, asked for the canonical hash at each cited height
 *   and for its finalized head (HTTP JSON-RPC; a ws:// URL is asked over http://).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parseHex, toHex } from '../verifier/bytes.ts';
import { fetchRpcBatch } from '../api/rpc.ts';
import { type TrustRoots, askTrustedNode, parseTrustedAuthorities } from '../verifier/chain.ts';
import { SetupError } from './args.ts';

const MAX_TRUST_FILE = 16 * 1024 * 1024;

async function readSmall(file: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new SetupError(`${what}: cannot read ${file}: ${(e as Error).message}`);
  }
  if (text.length > MAX_TRUST_FILE) throw new SetupError(`${what}: ${file} is too large`);
  return text;
}

/** Reads `--trust-authorities FILE`. */
export async function readTrustedAuthorities(file: string): Promise<TrustRoots['authorities']> {
  const what = '--trust-authorities';
  let v: unknown;
  try {
    v = JSON.parse(await readSmall(file, what));
  } catch (e) {
    if (e instanceof SetupError) throw e;
    throw new SetupError(`${what}: ${file} is not JSON`);
  }
  const set = parseTrustedAuthorities(v);
  if (!set)
    throw new SetupError(
      `${what}: ${file} must hold {"setId": "<u64>", "authorities": ["0x<32-byte ed25519 key>", ...]}`
    );
  return set;
}

/** Reads `--trust-hashes FILE`. */
export async function readTrustedHashes(file: string): Promise<NonNullable<TrustRoots['pins']>> {
  const what = '--trust-hashes';
  const text = await readSmall(file, what);
  const pins: Array<{ number: number; hash: string }> = [];
  const add = (n: unknown, h: unknown, where: string): void => {
    const num = typeof n === 'string' && /^\d+$/.test(n) ? Number(n) : n;
    const hash = parseHex(h, 32);
    if (typeof num !== 'number' || !Number.isSafeInteger(num) || num < 0 || !hash)
      throw new SetupError(`${what}: ${where} must be a height and a 32-byte 0x-hex hash`);
    pins.push({ number: num, hash: toHex(hash) });
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(trimmed);
    } catch {
      throw new SetupError(`${what}: ${file} is not valid JSON`);
    }
    (v as unknown[]).forEach((p, i) => {
      const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
      add(o.number ?? o.height, o.hash, `entry ${i}`);
    });
  } else {
    trimmed.split(/\r?\n/).forEach((line, i) => {
      const l = line.replace(/#.*/, '').trim();
      if (!l) return;
      const [n, h] = l.split(/[\s,]+/);
      add(n, h, `line ${i + 1}`);
    });
  }
  if (pins.length === 0) throw new SetupError(`${what}: ${file} lists no block`);
  return pins;
}

/** The trust roots the flags name (the node is asked about `heights`). */
export async function trustFromFlags(
  flags: { rpc?: string; hashes?: string; authorities?: string },
  heights: readonly number[]
): Promise<TrustRoots> {
  return {
    ...(flags.authorities ? { authorities: await readTrustedAuthorities(flags.authorities) } : {}),
    ...(flags.hashes ? { pins: await readTrustedHashes(flags.hashes) } : {}),
    ...(flags.rpc ? { node: await askNode(flags.rpc, heights) } : {}),
  };
}

/** The trust root of the node at `url`, asked about `heights`. */
export async function askNode(
  url: string,
  heights: readonly number[]
): Promise<NonNullable<TrustRoots['node']>> {
  try {
    return await askTrustedNode(fetchRpcBatch(url), heights, url);
  } catch (e) {
    if (e instanceof SetupError) throw e;
    throw new SetupError(`--trust-rpc: ${(e as Error).message}`);
  }
}
