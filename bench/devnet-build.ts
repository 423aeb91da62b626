/**
 * Child process of `bench/devnet.ts`: builds one devnet scenario in a fresh process and prints
 * one JSON line with the time and the peak RSS (`process.resourceUsage().maxRSS`), first for the
 * scenario alone, then after turning its blocks into SCALE blocks (what `startDevnet` does next).
 *
 * Arguments: <records> <eras>. Builds with `buildDevnetScenarioAsync` (worker threads from 20,000
 * records); from 100,000 records the payloads go to a temporary directory, as `proofroom devnet`
 * does, so memory stays bounded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Chain, type BuiltBlock } from '../devnet/chain.ts';
import { cereChainRuntimes } from '../devnet/metadata.ts';
import { buildDevnetScenarioAsync } from '../devnet/scenario.ts';

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

async function main(records: number, eras: number): Promise<BuildReport> {
  const payloadDir =
    records >= 100_000 ? await mkdtemp(path.join(tmpdir(), 'proofroom-payloads-')) : undefined;
  const builder = `buildDevnetScenarioAsync${payloadDir ? ', payloads on disk' : ''}`;
  let t = performance.now();
  const scenario = await buildDevnetScenarioAsync({ records, eras, payloadDir });
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
    ...cereChainRuntimes(scenario.runtimes),
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
  if (payloadDir) await rm(payloadDir, { recursive: true, force: true });
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
