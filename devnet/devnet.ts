/**
 * Runs the whole devnet: builds the seeded scenario, turns it into SCALE blocks under the Cere
 * runtimes it runs (devnet/metadata.ts; it upgrades from one to the next where the scenario says),
 * serves them over Substrate JSON-RPC (HTTP and WebSocket), and starts the GAR service
 * and the DDC storage nodes with the scenario's agreements, payloads and faults.
 *
 * The head moves in one of two ways. Instant (default): every block exists at start; with the
 * `anchor-reorged` fault the best head is first the orphaned branch, and `advance()` (or the
 * `dev_advance` RPC method, or `reorgAfterMs`) switches to the canonical chain. Live
 * (`blockTimeMs` > 0): one block is revealed per tick, the orphan shows as best for one tick
 * when its height is reached, then the canonical chain takes over.
 */
import { Chain, type BuiltBlock, type RuntimeUpgrade } from './chain.ts';
import type { BlockSpec } from './chain-types.ts';
import { type ReorgResult, ReorgError, reorg } from './forks.ts';
import { GarService } from './gar-service.ts';
import type { ReceiptBundleJson } from '../verifier/bundle.ts';
import { type Manifest } from './scenario.ts';
import {
  type DevnetRuntimeVariant,
  LATEST_CERE_SPEC,
  cereChainRuntimes,
  devnetMetadata,
  variantRuntimeVersion,
} from './metadata.ts';
import { RpcError, type RpcMethod, startRpcServer } from './rpc-server.ts';
import {
  type BundleChainContext,
  type DevnetScenario,
  type DevnetScenarioOptions,
  buildDevnetScenarioAsync,
} from './scenario.ts';
import { type NodeFault, startStorageNodes } from './storage-node.ts';

export interface DevnetOptions extends DevnetScenarioOptions {
  readonly host?: string;
  /** RPC port; the GAR service takes port+1 and the storage nodes port+2.. (0: all ephemeral). */
  readonly port?: number;
  /** Reveal one block per tick of this many ms; 0 (default) serves every block at once. */
  readonly blockTimeMs?: number;
  /** Instant mode with a reorg: switch from the orphaned branch after this many ms (0: never). */
  readonly reorgAfterMs?: number;
  /** Storage node 0 answers every payload request after this many ms (a slow node). */
  readonly slowNodeMs?: number;
  /**
   * Instant mode: first serve the chain only up to this height, finalized (a chain seen part-way);
   * `advance()` or `settle()` then reveal the rest. Not with the `anchor-reorged` fault.
   */
  readonly holdAt?: number;
  /**
   * Run one runtime that is none of Cere's: the newest Cere layout under another spec version with
   * changed event layouts (a layout the indexer and the verifier do not know), for the whole chain.
   * Default: the scenario's Cere runtimes (`runtimes`), upgrading from one to the next.
   */
  readonly runtime?: DevnetRuntimeVariant;
  /**
   * Runtimes the chain may upgrade to (`ChainOptions.upgrades`), replacing those of the scenario's
   * `runtimes`: a scenario block with `BlockSpec.setCode` (a spec version of one of them) carries
   * `Sudo.sudo(System.set_code)` and the blocks after it run that runtime.
   */
  readonly upgrades?: ReadonlyArray<RuntimeUpgrade>;
}

export interface Devnet {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly garUrl: string;
  /** The GAR service itself (set `gar.unavailable` to play an outage). */
  readonly gar: GarService;
  readonly storageUrls: readonly string[];
  readonly scenario: DevnetScenario;
  readonly chain: Chain;
  readonly manifest: Manifest;
  /** The canonical chain's blocks by height (0 = genesis). */
  readonly canonical: readonly BuiltBlock[];
  /** The orphaned branch's blocks, if the scenario has a reorg. */
  readonly orphaned: readonly BuiltBlock[];
  readonly buildMs: { scenario: number; chain: number };
  /** Moves the head one step (a reorg, or one block in live mode); false when at the end. */
  advance(): boolean;
  /** Reveals everything: the canonical tip is best and finality lags it by the scenario's lag. */
  settle(): void;
  /**
   * A fork on demand (after `settle()`): the newest `depth` unfinalized blocks are replaced by a
   * longer branch that replays their extrinsics (new hashes, same data) or, with `drop`, leaves
   * them out. Throws ReorgError when `depth` reaches into finalized blocks.
   */
  reorg(depth: number, options?: { drop?: boolean }): ReorgResult;
  bundle(index: number): ReceiptBundleJson;
  close(): Promise<void>;
}

export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const host = options.host ?? '127.0.0.1';
  const basePort = options.port ?? 0;
  const portFor = (k: number): number => (basePort === 0 ? 0 : basePort + k);

  let t = performance.now();
  // Large scenarios build their batches on worker threads (same bytes as a serial build).
  // On fixed ports the nodes register on chain the ports they listen on, so a client that reads
  // the cluster's nodes from the chain (the sentinel, the explorer) reaches them.
  const scenario = await buildDevnetScenarioAsync({
    ...options,
    // A variant runtime keeps the newest Cere layout for the whole chain.
    ...(options.runtime ? { runtimes: [LATEST_CERE_SPEC] } : {}),
    storageHttpPort: options.storageHttpPort ?? (basePort === 0 ? undefined : portFor(2)),
  });
  const scenarioMs = performance.now() - t;
  t = performance.now();
  const { chain, canonical, orphaned, specs } = buildChain(options, scenario);
  const chainMs = performance.now() - t;
  const lag = scenario.finalityLag;
  const liveMs = options.blockTimeMs ?? 0;
  const head = headControl(chain, headSchedule(options, scenario, canonical, orphaned));
  const { advance, settle } = head;
  const reorgNow = (depth: number, o: { drop?: boolean } = {}): ReorgResult => {
    settle();
    head.stop(); // the schedule no longer applies once the chain has forked on demand
    return reorg(chain, canonical, specs, depth, { drop: o.drop, finalityLag: lag });
  };

  const rpc = await startRpcServer({
    chain,
    host,
    port: portFor(0),
    extraMethods: devMethods(scenario, advance, settle, reorgNow),
  });
  const { gar, garServer, storage } = await startServices(
    options,
    scenario,
    host,
    basePort === 0 ? undefined : portFor
  );

  const timers: NodeJS.Timeout[] = [];
  if (liveMs > 0) {
    const tick = setInterval(() => {
      if (!advance()) clearInterval(tick);
    }, liveMs);
    timers.push(tick);
  } else if (scenario.fork && (options.reorgAfterMs ?? 0) > 0) {
    timers.push(setTimeout(settle, options.reorgAfterMs));
  }

  const context = (): BundleChainContext => ({
    genesisHash: chain.genesisHash,
    hashAt: (h) => canonical[h]!.hash,
    finalizedHeight: chain.finalized.number,
    garUrl: garServer.url,
    storageUrls: storage.urls,
  });

  return {
    rpcUrl: rpc.url,
    wsUrl: rpc.wsUrl,
    garUrl: garServer.url,
    gar,
    storageUrls: storage.urls,
    scenario,
    chain,
    manifest: scenario.manifest,
    canonical,
    orphaned,
    buildMs: { scenario: scenarioMs, chain: chainMs },
    advance,
    settle,
    reorg: reorgNow,
    bundle: (i) => scenario.bundle(i, context()),
    async close() {
      for (const tm of timers) clearTimeout(tm);
      await Promise.all([rpc.close(), garServer.close(), storage.close()]);
    },
  };
}

/** Chain: turns the scenario's blocks into SCALE blocks, the canonical chain and the orphans. */
function buildChain(
  options: DevnetOptions,
  scenario: DevnetScenario
): {
  chain: Chain;
  canonical: BuiltBlock[];
  orphaned: BuiltBlock[];
  specs: Map<string, BlockSpec>;
} {
  const cere = cereChainRuntimes(scenario.runtimes);
  const chain = new Chain({
    ...(options.runtime
      ? {
          metadata: devnetMetadata(options.runtime),
          runtimeVersion: variantRuntimeVersion(options.runtime),
        }
      : cere),
    genesisTimestamp: scenario.genesisTimestamp,
    grandpa: { authorities: scenario.grandpa.authorities },
    upgrades: options.upgrades ?? (options.runtime ? [] : cere.upgrades),
  });
  const genesis = chain.best;
  const canonical: BuiltBlock[] = [genesis];
  const specs = new Map<string, BlockSpec>();
  for (const spec of scenario.blocks) {
    const b = chain.build(spec, canonical[canonical.length - 1]!.hash);
    specs.set(b.hash, spec);
    canonical.push(b);
  }
  const orphaned: BuiltBlock[] = [];
  if (scenario.fork) {
    let parent = canonical[scenario.fork.parent]!.hash;
    for (const spec of scenario.fork.blocks) {
      const b = chain.build(spec, parent);
      orphaned.push(b);
      parent = b.hash;
    }
  }
  return { chain, canonical, orphaned, specs };
}

interface HeadState {
  readonly best: string;
  readonly finalized: string;
}

/** Head schedule: the list of (best, finalized) states `advance()` walks (live or instant). */
function headSchedule(
  options: DevnetOptions,
  scenario: DevnetScenario,
  canonical: readonly BuiltBlock[],
  orphaned: readonly BuiltBlock[]
): HeadState[] {
  const lag = scenario.finalityLag;
  const tip = canonical.length - 1;
  const states: HeadState[] = [];
  const liveMs = options.blockTimeMs ?? 0;
  const forkAt = scenario.fork ? scenario.fork.parent + 1 : -1;
  if (liveMs > 0) {
    const start = Math.min(tip, 1);
    for (let h = start; h <= tip; h++) {
      if (h === forkAt)
        states.push({
          best: orphaned[orphaned.length - 1]!.hash,
          finalized: canonical[Math.max(0, h - 1 - lag)]!.hash,
        });
      states.push({ best: canonical[h]!.hash, finalized: canonical[Math.max(0, h - lag)]!.hash });
    }
  } else {
    if (options.holdAt !== undefined) {
      if (scenario.fork) throw new RangeError('holdAt does not combine with anchor-reorged');
      const h = Math.max(0, Math.min(tip, options.holdAt));
      states.push({ best: canonical[h]!.hash, finalized: canonical[h]!.hash });
    }
    if (scenario.fork)
      states.push({
        best: orphaned[orphaned.length - 1]!.hash,
        finalized: canonical[Math.min(scenario.fork.parent, tip - lag)]!.hash,
      });
    states.push({ best: canonical[tip]!.hash, finalized: canonical[Math.max(0, tip - lag)]!.hash });
  }
  return states;
}

/**
 * Head control: applies the schedule's first state now; `advance` moves one state on, `settle`
 * jumps to the last, `stop` ends the schedule (after a reorg on demand).
 */
function headControl(
  chain: Chain,
  states: readonly HeadState[]
): { advance(): boolean; settle(): void; stop(): void } {
  let step = 0;
  const apply = (s: HeadState): void => {
    chain.setBest(s.best);
    chain.setFinalized(s.finalized);
  };
  apply(states[0]!);
  let settled = false;
  const advance = (): boolean => {
    if (settled || step + 1 >= states.length) return false;
    step++;
    apply(states[step]!);
    return true;
  };
  const settle = (): void => {
    if (settled) return;
    step = states.length - 1;
    apply(states[step]!);
  };
  return {
    advance,
    settle,
    stop: () => {
      settled = true;
    },
  };
}

/** Dev controls over RPC: `dev_advance`, `dev_settle`, `dev_manifest`, `dev_reorg`. */
function devMethods(
  scenario: DevnetScenario,
  advance: () => boolean,
  settle: () => void,
  reorgNow: (depth: number, o?: { drop?: boolean }) => ReorgResult
): Record<string, RpcMethod> {
  return {
    dev_advance: () => advance(),
    dev_settle: () => {
      settle();
      return true;
    },
    dev_manifest: () => scenario.manifest,
    dev_reorg: (params) => {
      const [depth, drop] = params;
      if (!Number.isSafeInteger(depth) || (drop !== undefined && typeof drop !== 'boolean'))
        throw new RpcError(-32602, 'dev_reorg expects [depth: positive integer, drop?: boolean]');
      try {
        const r = reorgNow(depth as number, { drop: drop === true });
        return {
          forkPoint: r.forkPoint,
          orphaned: r.orphaned.map((b) => b.hash),
          adopted: r.adopted.map((b) => b.hash),
        };
      } catch (e) {
        if (e instanceof ReorgError) throw new RpcError(-32602, e.message);
        throw e;
      }
    },
  };
}

/** Off-chain services: the GAR service and the storage nodes, with the scenario's faults. */
async function startServices(
  options: DevnetOptions,
  scenario: DevnetScenario,
  host: string,
  portFor: ((k: number) => number) | undefined
) {
  const gar = new GarService({
    agreements: [...scenario.agreements],
    anchorKey: scenario.garAnchorKey,
  });
  const garServer = await gar.start({ host, port: portFor ? portFor(1) : 0 });
  const payloads = scenario.payloads;
  const faultMaps = scenario.storageFaults.map((m) => {
    const out = new Map<string, NodeFault>();
    for (const [hash, kind] of m) out.set(hash, { kind });
    return out;
  });
  const storage = await startStorageNodes(
    faultMaps.length,
    (hash) => payloads.get(hash),
    faultMaps,
    portFor ? { host, port: portFor(2) } : undefined
  );

  if ((options.slowNodeMs ?? 0) > 0)
    for (const hash of payloads.keys())
      storage.nodes[0]!.setFault(hash, { kind: 'slow', delayMs: options.slowNodeMs! });
  return { gar, garServer, storage };
}
