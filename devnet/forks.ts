/**
 * Forks on demand: replace the newest `depth` unfinalized blocks of the best chain by a longer
 * branch, the way a node switches to a heavier fork. The new branch either replays the same
 * extrinsics (one millisecond later, so every block hash changes but the data does not: an indexer
 * must end in the same state) or drops them (the data disappears: an indexer must roll it back).
 */
import type { BuiltBlock, Chain } from './chain.ts';
import type { BlockSpec } from './chain-types.ts';

export interface ReorgResult {
  /** Height of the last block both branches share. */
  readonly forkPoint: number;
  readonly orphaned: readonly BuiltBlock[];
  readonly adopted: readonly BuiltBlock[];
}

export class ReorgError extends Error {}

/**
 * `canonical` (heights 0..tip of the best chain) and `specs` (hash -> the content it was built
 * from) are updated in place.
 */
export function reorg(
  chain: Chain,
  canonical: BuiltBlock[],
  specs: Map<string, BlockSpec>,
  depth: number,
  options: { drop?: boolean; finalityLag: number }
): ReorgResult {
  const best = chain.best;
  if (!Number.isSafeInteger(depth) || depth < 1)
    throw new ReorgError('depth must be a positive integer');
  const forkPoint = best.number - depth;
  if (forkPoint < chain.finalized.number)
    throw new ReorgError(
      `cannot reorganise ${depth} blocks: only ${best.number - chain.finalized.number} are unfinalized`
    );
  const orphaned = canonical.slice(forkPoint + 1, best.number + 1);
  const adopted: BuiltBlock[] = [];
  let parent = canonical[forkPoint]!.hash;
  for (const old of orphaned) {
    const spec = specs.get(old.hash);
    const next: BlockSpec = {
      timestamp: old.timestamp + 1,
      extrinsics: options.drop || !spec ? [] : spec.extrinsics,
      // An authority-set change is consensus, not data: the new branch makes it too.
      ...(spec?.grandpaChange ? { grandpaChange: spec.grandpaChange } : {}),
    };
    const b = chain.build(next, parent);
    specs.set(b.hash, next);
    adopted.push(b);
    parent = b.hash;
  }
  // One block more, so the new branch is the longer one.
  const extra: BlockSpec = {
    timestamp: orphaned[orphaned.length - 1]!.timestamp + 6000,
    extrinsics: [],
  };
  const tip = chain.build(extra, parent);
  specs.set(tip.hash, extra);
  adopted.push(tip);
  canonical.length = forkPoint + 1;
  canonical.push(...adopted);
  chain.setBest(tip.hash);
  const fin = Math.max(chain.finalized.number, tip.number - options.finalityLag);
  chain.setFinalized(canonical[fin]!.hash);
  return { forkPoint, orphaned, adopted };
}
