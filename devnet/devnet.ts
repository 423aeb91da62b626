/**
 * Runs the whole devnet: builds the seeded scenario, turns it into SCALE blocks under the devnet
 * metadata, serves them over Substrate JSON-RPC (HTTP and WebSocket), and starts the GAR service
 * and the DDC storage nodes with the scenario's agreements, payloads and faults.
 *
 * The head moves in one of two ways. Instant (default): every block exists at start; with the
 * `anchor-reorged` fault the best head is first the orphaned branch, and `advance()` (or the
 * `dev_advance` RPC method, or `reorgAfterMs`) switches to the canonical chain. Live
 * (`blockTimeMs` > 0): one block is revealed per tick, the orphan shows as best for one tick
 * when its height is reached, then the canonical chain takes over.
 */
import { Chain, type BuiltBlock } from './chain.ts';
import { GarService } from './gar-service.ts';
import { type Manifest } from './scenario.ts';
import { DEVNET_RUNTIME_VERSION, devnetMetadata } from './metadata.ts';
import { startRpcServer } from './rpc-server.ts';
import {
  type BundleChainContext,
  type DevnetScenario,
  type DevnetScenarioOptions,
  buildDevnetScenario,
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
}

export interface Devnet {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly garUrl: string;
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
  bundle(index: number): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const host = options.host ?? '127.0.0.1';
  const basePort = options.port ?? 0;
  const portFor = (k: number): number => (basePort === 0 ? 0 : basePort + k);

  let t = performance.now();
  const scenario = buildDevnetScenario(options);
  const scenarioMs = performance.now() - t;
  t = performance.now();
  const chain = new Chain({
    metadata: devnetMetadata(),
    runtimeVersion: DEVNET_RUNTIME_VERSION,
    genesisTimestamp: scenario.genesisTimestamp,
  });
  const genesis = chain.best;
  const canonical: BuiltBlock[] = [genesis];
  for (const spec of scenario.blocks)
    canonical.push(chain.build(spec, canonical[canonical.length - 1]!.hash));
  const orphaned: BuiltBlock[] = [];
  if (scenario.fork) {
    let parent = canonical[scenario.fork.parent]!.hash;
    for (const spec of scenario.fork.blocks) {
      const b = chain.build(spec, parent);
      orphaned.push(b);
      parent = b.hash;
    }
  }
  const chainMs = performance.now() - t;
  const lag = scenario.finalityLag;
  const tip = canonical.length - 1;

  // The head's schedule: a list of (best, finalized) states, walked by advance().
  const states: Array<{ best: string; finalized: string }> = [];
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
    if (scenario.fork)
      states.push({
        best: orphaned[orphaned.length - 1]!.hash,
        finalized: canonical[Math.min(scenario.fork.parent, tip - lag)]!.hash,
      });
    states.push({ best: canonical[tip]!.hash, finalized: canonical[Math.max(0, tip - lag)]!.hash });
  }
  let step = 0;
  const apply = (s: { best: string; finalized: string }): void => {
    chain.setBest(s.best);
    chain.setFinalized(s.finalized);
  };
  apply(states[0]!);
  const advance = (): boolean => {
    if (step + 1 >= states.length) return false;
    step++;
    apply(states[step]!);
    return true;
  };
  const settle = (): void => {
    step = states.length - 1;
    apply(states[step]!);
  };

  const rpc = await startRpcServer({
    chain,
    host,
    port: portFor(0),
    extraMethods: {
      dev_advance: () => advance(),
      dev_settle: () => {
        settle();
        return true;
      },
      dev_manifest: () => scenario.manifest,
    },
  });
  const gar = new GarService({ agreements: [...scenario.agreements] });
  const garServer = await gar.start({ host, port: portFor(1) });
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
    basePort === 0 ? undefined : { host, port: portFor(2) }
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
    storageUrls: storage.urls,
    scenario,
    chain,
    manifest: scenario.manifest,
    canonical,
    orphaned,
    buildMs: { scenario: scenarioMs, chain: chainMs },
    advance,
    settle,
    bundle: (i) => scenario.bundle(i, context()),
    async close() {
      for (const tm of timers) clearTimeout(tm);
      await Promise.all([rpc.close(), garServer.close(), storage.close()]);
    },
  };
}
