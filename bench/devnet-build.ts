/**
 * Child process of `bench/devnet.ts`: builds one devnet scenario in a fresh process and prints
 * one JSON line with the time and the peak RSS (`process.resourceUsage().maxRSS`), first for the
 * scenario alone, then after turning its blocks into SCALE blocks (what `startDevnet` does next).
 *
 * Arguments: <records> <eras>. Uses `buildDevnetScenarioAsync` when `devnet/scenario.ts` has it,
 * else `buildDevnetScenario`.
 */
import { Chain, type BuiltBlock } from '../devnet/chain.ts';
import { DEVNET_RUNTIME_VERSION, devnetMetadata } from '../devnet/metadata.ts';
import * as scenarioModule from '../devnet/scenario.ts';
import type { DevnetScenario, DevnetScenarioOptions } from '../devnet/scenario.ts';

export interface BuildReport {
  readonly builder: string;
  readonly records: number;
  readonly eras: number;
  readonly scenarioMs: number;
  /** KiB, after the scenario was built. */
  readonly scenarioMaxRss: number;
  readonly blocks: number;
  readonly events: number;
  readonly extrinsics: number;
  readonly payloads: number;
  readonly payloadBytes: number;
  readonly chainMs: number;
  /** KiB, after the chain was built too. */
  readonly chainMaxRss: number;
  readonly chainBytes: number;
}

type AsyncBuilder = (options: DevnetScenarioOptions) => Promise<DevnetScenario>;

async function main(records: number, eras: number): Promise<BuildReport> {
  const exported = (scenarioModule as unknown as Record<string, unknown>).buildDevnetScenarioAsync;
  const builder =
    typeof exported === 'function' ? 'buildDevnetScenarioAsync' : 'buildDevnetScenario';
  let t = performance.now();
  const scenario =
    typeof exported === 'function'
      ? await (exported as AsyncBuilder)({ records, eras })
      : scenarioModule.buildDevnetScenario({ records, eras });
  const scenarioMs = performance.now() - t;
  const scenarioMaxRss = process.resourceUsage().maxRSS;

  // The chain adds Timestamp.set (1 event) and an ExtrinsicSuccess/Failed per extrinsic.
  let events = 0;
  let extrinsics = 0;
  for (const b of scenario.blocks) {
    events += 1;
    extrinsics += 1 + b.extrinsics.length;
    for (const x of b.extrinsics) events += x.events.length + 1;
  }
  let payloadBytes = 0;
  for (const p of scenario.payloads.values()) payloadBytes += p.length;

  t = performance.now();
  const chain = new Chain({
    metadata: devnetMetadata(),
    runtimeVersion: DEVNET_RUNTIME_VERSION,
    genesisTimestamp: scenario.genesisTimestamp,
  });
  let parent: BuiltBlock = chain.best;
  let chainBytes = 0;
  for (const spec of scenario.blocks) {
    parent = chain.build(spec, parent.hash);
    chainBytes += parent.eventsHex.length / 2;
    for (const x of parent.extrinsics) chainBytes += x.length / 2;
  }
  const chainMs = performance.now() - t;
  return {
    builder,
    records,
    eras,
    scenarioMs,
    scenarioMaxRss,
    blocks: scenario.blocks.length,
    events,
    extrinsics,
    payloads: scenario.payloads.size,
    payloadBytes,
    chainMs,
    chainMaxRss: process.resourceUsage().maxRSS,
    chainBytes,
  };
}

const [records, eras] = process.argv.slice(2).map(Number) as [number, number];
if (!Number.isSafeInteger(records) || !Number.isSafeInteger(eras)) {
  throw new Error('usage: devnet-build.ts <records> <eras>');
}
console.log(JSON.stringify(await main(records, eras)));
