/**
 * Verifier benchmarks: MMR proof checks, receipt cores (the unit: 3 record signatures +
 * 1 MMR proof + grant check) on one core and on all cores, and whole receipt bundles.
 * Run alone with `node --import tsx bench/verifier.ts`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { buildScenario } from '../devnet/receipt-scenario.ts';
import { utf8 } from '../verifier/bytes.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { mmrVerify } from '../verifier/mmr.ts';
import { nodeBackend, sr25519FastReady } from '../verifier/node/index.ts';
import { type SignatureBackend, verifySr25519 } from '../verifier/signatures.ts';
import { ReceiptPool } from '../verifier/node/receipt-pool.ts';
import {
  cereMerge,
  payoutBatchProof,
  payoutEraRoot,
  verifyPayoutBatch,
} from '../verifier/payout-tree.ts';
import { verifyBundle, verifyReceipt } from '../verifier/receipt.ts';
import { ChainProofSource, proveBundle } from '../verifier/proof-source.ts';
import { fetchRpcBatch } from '../api/rpc.ts';
import { startDevnet } from '../devnet/devnet.ts';
import { GrantMemo } from '../verifier/receipts/gar.ts';
import { type Reporter, formatFigure, opsPerSecond } from './lib.ts';
import { type CoreInput, coreInputOf, verifyCore } from './receipt-core.ts';

/**
 * One era: `records` records, 10 per user (and grant), ed25519 roles (the orchestrator's as
 * `orchestrator` says), no DAC payloads.
 */
function era(records: number, orchestrator: 'ed25519' | 'sr25519' = 'ed25519') {
  return buildScenario({
    seed: 'bench',
    records,
    users: Math.max(1, Math.floor(records / 10)),
    providers: 20,
    validators: 10,
    recordsPerBatch: 512,
    payoutBatchSize: 100,
    orchestratorAlgorithm: orchestrator,
    dacEvery: 0,
  });
}

/**
 * Receipt cores per second on this thread, `perCall` receipts per timed call for `ms`; a fresh
 * grant memo per pass over the era (as core-worker.ts does). Every receipt must pass.
 */
function coreRate(
  inputs: readonly CoreInput[],
  backend: SignatureBackend,
  perCall: number,
  ms: number
): Promise<number> {
  let at = 0;
  let memo = new GrantMemo();
  return opsPerSecond(() => {
    for (let j = 0; j < perCall; j++, at++) {
      if (at === inputs.length) {
        at = 0;
        memo = new GrantMemo();
      }
      if (verifyCore(inputs[at]!, backend, memo) !== 0) throw new Error('an honest receipt failed');
    }
    return perCall;
  }, ms);
}

async function coreOnAllCores(inputs: CoreInput[], threads: number, ms: number): Promise<number> {
  const boot = new URL('../verifier/node/ts-worker.mjs', import.meta.url);
  const entry = new URL('./core-worker.ts', import.meta.url).href;
  const workers = Array.from(
    { length: threads },
    () =>
      new Worker(boot, {
        workerData: { proofroomEntry: entry },
        resourceLimits: { maxYoungGenerationSizeMb: 96 },
      })
  );
  const ask = (w: Worker, msg: unknown): Promise<{ done?: number; failed?: number }> =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage(msg);
    });
  await Promise.all(workers.map((w) => ask(w, { inputs })));
  // Each worker takes an equal share of the era and loops over it for the time budget.
  const share = Math.ceil(inputs.length / threads);
  const runAll = async (budget: number) => {
    const r = (await Promise.all(
      workers.map((w, i) =>
        ask(w, {
          run: { from: i * share, to: Math.min(inputs.length, (i + 1) * share), ms: budget },
        })
      )
    )) as Array<{ done: number; failed: number; elapsed: number }>;
    if (r.some((x) => x.failed)) throw new Error('an honest receipt failed');
    return r.reduce((s, x) => s + (x.done * 1000) / x.elapsed, 0);
  };
  await runAll(500); // warm-up: JIT and key caches
  const rate = await runAll(ms);
  await Promise.all(workers.map((w) => w.terminate()));
  return rate;
}

export async function run(report: Reporter): Promise<void> {
  // MMR: proofs of one batch root among 1,000 against the era root (Cere payout batches).
  const roots = Array.from({ length: 1000 }, (_, i) => blake2b256(utf8(`batch ${i}`)));
  const eraRoot = payoutEraRoot(roots);
  const proofs = roots.map((_, i) => payoutBatchProof(roots, i));
  let k = 0;
  const mmr = await opsPerSecond(() => {
    for (let j = 0; j < 1000; j++, k = (k + 1) % 1000) {
      if (!verifyPayoutBatch(eraRoot, 999, k, roots[k]!, proofs[k]!)) throw new Error('mmr');
    }
    return 1000;
  });
  report({
    name: 'MMR proof verifications, 1,000 batch roots (1 core)',
    value: mmr,
    unit: 'proofs/s',
  });
  const generic = await opsPerSecond(() => {
    for (let j = 0; j < 1000; j++, k = (k + 1) % 1000) {
      if (!mmrVerify(eraRoot, 1000, k, roots[k]!, proofs[k]!, cereMerge)) throw new Error('mmr');
    }
    return 1000;
  });
  report({
    name: 'MMR proof verifications, generic mmrVerify (1 core)',
    value: generic,
    unit: 'proofs/s',
  });

  // Only the per-record inputs are kept: whole bundles repeat the era's payer lists, and holding
  // thousands of them would make the garbage collector, not the verifier, the measured cost.
  const inputs = era(4000).bundles.map(coreInputOf);
  const threads = availableParallelism();

  // Receipt core, one core. A fresh grant memo per pass over the era (see core-worker.ts).
  const oneCore = await coreRate(inputs, nodeBackend, 200, 3000);
  report({
    name: 'receipt core (grant + 3 sigs + MMR), 1 core',
    value: oneCore,
    unit: 'receipts/s',
    note: '10 records per grant',
  });
  let plain = 0;
  const noCache = await opsPerSecond(() => {
    for (let j = 0; j < 200; j++, plain = (plain + 1) % inputs.length)
      verifyCore(inputs[plain]!, nodeBackend);
    return 200;
  }, 2000);
  report({
    name: 'receipt core, 1 core, no grant memo',
    value: noCache,
    unit: 'receipts/s',
    ratio: { against: 'receipt core (grant + 3 sigs + MMR), 1 core', value: noCache / oneCore },
    note: '4 ed25519 verifications each',
  });
  const allCores = await coreOnAllCores(inputs, threads, 4000);
  report({
    name: `receipt core (grant + 3 sigs + MMR), ${threads} cores`,
    value: allCores,
    unit: 'receipts/s',
    ratio: { against: 'receipt core (grant + 3 sigs + MMR), 1 core', value: allCores / oneCore },
    note: 'target >= 4,000/s on 2 cores',
  });

  // Records whose orchestrator signs with sr25519, as Cere's DAC does: the Node backend's
  // schnorrkel fast accept against the pure @scure/sr25519 for that one signature.
  if (!(await sr25519FastReady())) throw new Error('schnorrkel WebAssembly did not load');
  const srInputs = era(1000, 'sr25519').bundles.map(coreInputOf);
  const scureSr: SignatureBackend = {
    name: 'node, sr25519 by @scure/sr25519',
    verify: (alg, sig, msg, pk) =>
      alg === 'sr25519' ? verifySr25519(sig, msg, pk) : nodeBackend.verify(alg, sig, msg, pk),
  };
  const srPure = await coreRate(srInputs, scureSr, 50, 2000);
  const srBaseline = 'receipt core, sr25519 orchestrator, @scure/sr25519, 1 core';
  report({ name: srBaseline, value: srPure, unit: 'receipts/s', note: '2 ed25519 + 1 sr25519' });
  const srFast = await coreRate(srInputs, nodeBackend, 50, 2000);
  report({
    name: 'receipt core, sr25519 orchestrator, schnorrkel wasm, 1 core',
    value: srFast,
    unit: 'receipts/s',
    ratio: { against: srBaseline, value: srFast / srPure },
  });

  // Whole bundles: parse + all seven steps, including each era's attestation and conservation.
  const texts = era(1000).bundles.map((b) => JSON.stringify(b));
  let t = 0;
  const bundleOne = await opsPerSecond(() => {
    for (let j = 0; j < 20; j++, t = (t + 1) % texts.length) {
      const p = parseBundle(texts[t]!);
      if (!p.ok || !verifyReceipt(p.bundle, nodeBackend).ok) throw new Error('bundle');
    }
    return 20;
  }, 2000);
  report({
    name: 'whole receipt bundles (all 7 steps), 1 core',
    value: bundleOne,
    unit: 'bundles/s',
    note: `${Math.round(texts[0]!.length / 1024)} KiB each: the era's 100 payers travel in every bundle`,
  });
  const pool = new ReceiptPool({ threads });
  await pool.verify(texts.slice(0, 100));
  const start = performance.now();
  const results = await pool.verify(texts);
  const poolRate = (texts.length * 1000) / (performance.now() - start);
  await pool.close();
  // (These scenario bundles carry no chain proofs: their chain lines fail NOT_PROVEN.)
  if (!results.every((r) => r.ok && r.receipt.lines.every((l) => l.ok || l.step === 'chain')))
    throw new Error('pool: an honest receipt failed');
  report({
    name: `whole receipt bundles, ReceiptPool ${threads} workers`,
    value: poolRate,
    unit: 'bundles/s',
    ratio: { against: 'whole receipt bundles (all 7 steps), 1 core', value: poolRate / bundleOne },
  });
  await withProofs(report, threads);
}

/**
 * `proofroom verify` with chain proofs: an honest devnet's bundles, each carrying the headers,
 * storage proofs and justifications of its chain facts, against the same bundles without them.
 */
async function withProofs(report: Reporter, threads: number): Promise<void> {
  const devnet = await startDevnet({
    seed: 'bench-proofs',
    records: 1000,
    eras: 2,
    recordsPerBatch: 50,
  });
  try {
    devnet.settle();
    const source = new ChainProofSource(fetchRpcBatch(devnet.rpcUrl));
    const proven: string[] = [];
    const light: string[] = [];
    for (let i = 0; i < devnet.scenario.recordCount; i++) {
      const b = devnet.bundle(i);
      light.push(JSON.stringify(b));
      proven.push(JSON.stringify(await proveBundle(b, source)));
    }
    const bytes = (xs: string[]) => xs.reduce((a, x) => a + x.length, 0) / xs.length;
    const oneCore = (texts: string[], shared: boolean) => {
      let t = 0;
      return opsPerSecond(() => {
        const views = shared ? new Map() : undefined;
        for (let j = 0; j < 20; j++, t = (t + 1) % texts.length) {
          const p = parseBundle(texts[t]!);
          if (!p.ok) throw new Error('bundle');
          verifyBundle(p.bundle, nodeBackend, undefined, views ? { views } : {});
        }
        return 20;
      }, 2000);
    };
    const lightOne = await oneCore(light, false);
    report({
      name: 'devnet bundles without proofs (chain facts unproven), 1 core (baseline)',
      value: lightOne,
      unit: 'bundles/s',
      note: `${Math.round(bytes(light) / 1024)} KiB each`,
    });
    for (const shared of [false, true]) {
      const rate = await oneCore(proven, shared);
      report({
        name: `devnet bundles with proofs, 1 core${shared ? ', era views shared (20 per view)' : ''}`,
        value: rate,
        unit: 'bundles/s',
        ratio: { against: 'without proofs, 1 core', value: rate / lightOne },
        note: `${Math.round(bytes(proven) / 1024)} KiB each`,
      });
    }
    const pool = new ReceiptPool({ threads });
    await pool.verify(proven.slice(0, 100));
    const start = performance.now();
    const results = await pool.verify(proven);
    const rate = (proven.length * 1000) / (performance.now() - start);
    await pool.close();
    if (!results.every((r) => r.ok && r.receipt.ok && r.receipt.chain.proven))
      throw new Error('pool: an honest proven receipt failed');
    report({
      name: `proofroom verify's pool with proofs, ${threads} workers`,
      value: rate,
      unit: 'bundles/s',
      ratio: { against: 'without proofs, 1 core', value: rate / lightOne },
    });
  } finally {
    await devnet.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run((f) => console.log(formatFigure(f)));
}
