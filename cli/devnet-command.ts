/**
 * `proofroom devnet`: runs the local Cere-shaped chain, its GAR service and storage nodes on a
 * seeded scenario, prints the endpoints and writes the scenario's manifest, until interrupted.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fetchRpcBatch } from '../api/rpc.ts';
import { ChainProofSource, proveBundle } from '../verifier/proof-source.ts';
import { ALL_CERE_RUNTIMES } from '../devnet/cere-runtimes.ts';
import { type Devnet, startDevnet } from '../devnet/devnet.ts';
import { DEVNET_FAULTS, type DevnetFault, describeRuntimes } from '../devnet/scenario.ts';
import { type OptionSpec, UsageError, parseArgs } from './args.ts';
import { loadConfig } from './config.ts';

function intFlag(
  v: string | true | undefined,
  name: string,
  def: number,
  min: number,
  max: number
): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (v === true || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}]`);
  return n;
}

export function parseFaults(v: string | true | undefined): DevnetFault[] {
  if (v === undefined) return [];
  if (v === true) throw new UsageError('--faults needs a value');
  if (v === 'all') return [...DEVNET_FAULTS];
  const out: DevnetFault[] = [];
  for (const f of v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (!(DEVNET_FAULTS as readonly string[]).includes(f))
      throw new UsageError(`unknown fault '${f}'; known: ${DEVNET_FAULTS.join(', ')}, all`);
    out.push(f as DevnetFault);
  }
  return out;
}

/** A comma-separated list of positive integers (`--runtimes 71000,73047`), or undefined. */
function listFlag(v: string | true | undefined, name: string): number[] | undefined {
  if (v === undefined) return undefined;
  if (v === true || !/^\d+(,\d+)*$/.test(v))
    throw new UsageError(`--${name} needs a comma-separated list of numbers`);
  return v.split(',').map(Number);
}

/** Every option of `proofroom devnet` (DEVNET_USAGE lists the same). */
export const DEVNET_OPTIONS: OptionSpec = {
  valued: [
    'seed',
    'records',
    'eras',
    'clusters',
    'runtimes',
    'skip',
    'faults',
    'port',
    'host',
    'block-time',
    'reorg-after',
    'slow-node',
    'out',
  ],
  switches: ['bundles'],
};

export async function devnetCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, DEVNET_OPTIONS);
  const config = loadConfig();
  const seedFlag = args.flags.get('seed');
  if (seedFlag === true) throw new UsageError('--seed needs a value');
  const faults = parseFaults(args.flags.get('faults'));
  const records = intFlag(args.flags.get('records'), 'records', 120, 1, 10_000_000);
  // Unset: the scenario's default (2 eras, 4 with era-not-paid so one honest era remains).
  const eras = args.flags.has('eras')
    ? intFlag(args.flags.get('eras'), 'eras', 2, 1, 1000)
    : undefined;
  // Cluster 2 (other shares, prices and nodes; honest) is the scenario's default; 1 leaves it out.
  const clusters = intFlag(args.flags.get('clusters'), 'clusters', 2, 1, 2) as 1 | 2;
  const runtimes = listFlag(args.flags.get('runtimes'), 'runtimes');
  const known = ALL_CERE_RUNTIMES.map((r) => r.specVersion);
  for (const r of runtimes ?? [])
    if (!known.includes(r))
      throw new UsageError(`--runtimes: ${r} is not one of the devnet's (${known.join(', ')})`);
  const skips = listFlag(args.flags.get('skip'), 'skip');
  const port = intFlag(args.flags.get('port'), 'port', 9944, 0, 65_530);
  const blockTimeMs = intFlag(args.flags.get('block-time'), 'block-time', 0, 0, 3_600_000);
  const reorgAfterMs = intFlag(args.flags.get('reorg-after'), 'reorg-after', 5000, 0, 3_600_000);
  const slowNodeMs = intFlag(args.flags.get('slow-node'), 'slow-node', 0, 0, 600_000);
  const hostFlag = args.flags.get('host');
  const out = String(args.flags.get('out') ?? path.join(config.dataDir, 'devnet'));

  // Large scenarios keep their payloads on disk (pack files), not in memory.
  const payloadDir = records >= 100_000 ? path.join(out, 'payloads') : undefined;
  if (payloadDir) await rm(payloadDir, { recursive: true, force: true });
  let devnet: Devnet;
  try {
    devnet = await startDevnet({
      seed: seedFlag ?? 'devnet',
      records,
      eras,
      clusters,
      ...(runtimes ? { runtimes } : {}),
      ...(skips ? { skips } : {}),
      faults,
      port,
      host: typeof hostFlag === 'string' ? hostFlag : '127.0.0.1',
      blockTimeMs,
      reorgAfterMs,
      slowNodeMs,
      payloadDir,
      onProgress:
        records >= 50_000
          ? ({ records: done, of }) => {
              if (done % 50_000 < 50) process.stderr.write(`  built ${done} / ${of} records\r`);
            }
          : undefined,
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  await mkdir(out, { recursive: true });
  const manifestFile = path.join(out, 'manifest.json');
  await writeFile(manifestFile, JSON.stringify(devnet.manifest, null, 2) + '\n');
  if (args.flags.has('bundles')) {
    devnet.settle();
    const dir = path.join(out, 'bundles');
    await mkdir(dir, { recursive: true });
    // Each bundle carries the proofs of its chain facts, asked from the devnet's own node.
    const source = new ChainProofSource(fetchRpcBatch(devnet.rpcUrl));
    for (let i = 0; i < devnet.scenario.recordCount; i++)
      await writeFile(
        path.join(dir, `${devnet.scenario.recordId(i)}.json`),
        JSON.stringify(await proveBundle(devnet.bundle(i), source), null, 2) + '\n'
      );
  }
  const m = devnet.manifest;
  const tip = devnet.canonical[devnet.canonical.length - 1]!;
  process.stdout.write(
    [
      `Proof Room devnet (seed ${m.seed}): ${m.records} records over ${m.eras} eras, ${tip.number} blocks, genesis ${devnet.chain.genesisHash}`,
      `  built in ${devnet.buildMs.scenario.toFixed(0)} ms (scenario) + ${devnet.buildMs.chain.toFixed(0)} ms (blocks)`,
      `  faults: ${m.faults.length ? m.faults.join(', ') : 'none'}; ${m.receipts.length} receipts must fail a line`,
      `  runtimes: ${describeRuntimes(devnet.scenario)}`,
      '',
      `  chain RPC      ${devnet.rpcUrl}   (WebSocket ${devnet.wsUrl})`,
      `  GAR service    ${devnet.garUrl}/api/v1/agreements`,
      ...devnet.storageUrls.map(
        (u, i) => `  storage node ${i}  ${u}/v1/payloads/<blake2b-256 of payload>`
      ),
      `  manifest       ${manifestFile}`,
      '',
      blockTimeMs > 0
        ? `Revealing one block every ${blockTimeMs} ms. Ctrl-C stops.`
        : m.reorg
          ? `The orphaned branch is best until the reorg in ${reorgAfterMs} ms (or RPC dev_advance). Ctrl-C stops.`
          : 'All blocks are served. Ctrl-C stops.',
    ].join('\n') + '\n'
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await devnet.close();
  if (payloadDir) await rm(payloadDir, { recursive: true, force: true });
  return 0;
}
