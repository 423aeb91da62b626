/**
 * The indexer's check before the processor starts: the runtime the processor would load first must
 * have V14 metadata (Subsquid stops on older metadata without a types bundle, on every restart).
 * @module
 */
import type { IndexerConfig } from './config.ts';
import { rpcCalls } from './fetch.ts';

/** What the processor's first runtime is, as far as the V14 check needs it. */
export interface StartRuntime {
  /** The block whose state was read: `max(0, fromBlock - 2)`. */
  readonly block: number;
  readonly specVersion: number;
  /** The byte after the `meta` magic of `state_getMetadata`. */
  readonly metadataVersion: number;
}

/**
 * The one line the indexer exits with when its first block needs a pre-V14 runtime. Subsquid reads
 * the runtime at the parent and at the grandparent of the first block (the runtime that executed
 * the block before it), so the first V14 block, as `npm run cere-metadata` finds it (the first
 * block whose state holds the runtime), is two short of the first block indexable.
 */
export function preV14Message(fromBlock: number, r: StartRuntime): string {
  const at =
    r.block === fromBlock ? '' : ` (read by the processor to index from block ${fromBlock})`;
  return (
    `block ${r.block}${at} runs spec ${r.specVersion} with metadata v${r.metadataVersion} (before V14); ` +
    'Proof Room decodes V14 runtimes only (Cere: spec 295 on); set PROOFROOM_FROM_BLOCK to the ' +
    'first V14 block + 2 (find the first V14 block with ' +
    '`npm run cere-metadata -- --rpc URL --out specs.jsonl`: the blockNumber of its first line)'
  );
}

/**
 * Reads the spec version and the metadata version of the oldest runtime the processor will load
 * for `fromBlock`; null when the node has no such block yet. Throws on network failures and on
 * answers that are not a hash, a runtime version and `meta`-prefixed hex.
 */
export async function startRuntime(
  rpcUrl: string,
  fromBlock: number,
  timeoutMs: number
): Promise<StartRuntime | null> {
  const block = Math.max(0, fromBlock - 2);
  const [hash] = await rpcCalls(rpcUrl, [['chain_getBlockHash', [block]]], timeoutMs);
  if (hash === null) return null;
  if (typeof hash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(hash))
    throw new Error(`chain_getBlockHash(${block}): not a 32-byte hash`);
  const [version, metadata] = await rpcCalls(
    rpcUrl,
    [
      ['state_getRuntimeVersion', [hash]],
      ['state_getMetadata', [hash]],
    ],
    timeoutMs
  );
  const specVersion = (version as { specVersion?: unknown } | null)?.specVersion;
  if (!Number.isSafeInteger(specVersion))
    throw new Error('state_getRuntimeVersion: no specVersion');
  // Only the prefix matters: "meta" (0x6d657461) and the version byte.
  const prefix = typeof metadata === 'string' ? metadata.slice(0, 12).toLowerCase() : '';
  if (!/^0x6d657461[0-9a-f]{2}$/.test(prefix))
    throw new Error('state_getMetadata: not metadata (no "meta" prefix)');
  return {
    block,
    specVersion: specVersion as number,
    metadataVersion: parseInt(prefix.slice(10, 12), 16),
  };
}

/**
 * Exits with code 2 (as for a configuration error, which the supervisor does not restart) when
 * the runtime the processor would start with is pre-V14: Subsquid would stop on it without a
 * types bundle, again on every restart. When the check itself fails, the processor runs anyway.
 */
export async function refusePreV14Start(
  cfg: IndexerConfig,
  log: (m: string) => void
): Promise<void> {
  let r: StartRuntime | null;
  try {
    r = await startRuntime(cfg.rpcUrl, cfg.fromBlock, Math.max(cfg.fetchTimeoutMs, 30_000));
  } catch (e) {
    log(
      `metadata version not checked: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300)
    );
    return;
  }
  if (r === null || r.metadataVersion >= 14) return;
  log(preV14Message(cfg.fromBlock, r));
  process.exit(2);
}
