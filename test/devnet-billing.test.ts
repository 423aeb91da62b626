/**
 * A devnet whose genesis runtime is Cere's billing-report runtime 71000 (`runtimes: [71000, 73047,
 * 73160, 73177]`): era 1 is paid with the billing-report flow (.scratch/billing-contract.md,
 * docs/devnet.md "Billing-report eras"), eras 2-4 with the receipt design, as before.
 *
 * Everything is read as an outside client reads it: @polkadot/api over the devnet's WebSocket,
 * each block decoded with the metadata of the runtime that executed it. Era 1's roots, charges,
 * fees and rewards are recomputed with verifier/billing-report.ts from the DECODED extrinsic
 * arguments (prices and shares from the decoded `create_cluster`, bucket owners from the decoded
 * `create_bucket`, node providers from the decoded `create_node`), not from scenario internals.
 */
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Devnet, startDevnet } from '../devnet/devnet.ts';
import { buildDevnetScenario, describeRuntimes } from '../devnet/scenario.ts';
import { parseHex } from '../verifier/bytes.ts';
import {
  type ClusterPricing,
  type CustomerCharge,
  type Usage,
  ZERO_CHARGE,
  addCharges,
  batchRoot,
  billingFees,
  billingFingerprint,
  chargeBucket,
  customerCharge,
  eraRoot,
  overallRewardCheck,
  payeesLeaf,
  payersLeaf,
  providerPayout,
  providerReward,
  totalCharge,
  validatorFeeSplit,
  verifyBillingBatch,
} from '../verifier/billing-report.ts';

const RUNTIMES = [71000, 73047, 73160, 73177] as const;

interface DecodedEvent {
  readonly name: string;
  readonly data: Record<string, Codec>;
}
interface DecodedExtrinsic {
  readonly block: number;
  readonly index: number;
  /** `pallet.call` as @polkadot/api names them (camelCase). */
  readonly name: string;
  /** Arguments by name (as @polkadot/api names them: camelCase). */
  readonly args: Record<string, Codec>;
  /** The signer's 32-byte account, 0x-hex (null when unsigned). */
  readonly signer: string | null;
  readonly events: DecodedEvent[];
}

let devnet: Devnet;
let api: ApiPromise;
/** Every extrinsic of the canonical chain, decoded, with its events. */
const extrinsics: DecodedExtrinsic[] = [];
/** The spec version that executed each block (by height). */
const executedBy = new Map<number, number>();

const big = (c: Codec): bigint => (c as unknown as { toBigInt(): bigint }).toBigInt();
const num = (c: Codec): number => Number(c.toString());
const hex = (c: Codec): string => u8aToHex(c.toU8a(true));
const usageOf = (c: Codec): Usage => {
  const s = c as unknown as Record<string, Codec>;
  return {
    transferredBytes: big(s.transferredBytes!),
    storedBytes: big(s.storedBytes!),
    numberOfPuts: big(s.numberOfPuts!),
    numberOfGets: big(s.numberOfGets!),
  };
};
const nodeKeyOf = (c: Codec): Uint8Array =>
  (c as unknown as { asStoragePubKey: Codec }).asStoragePubKey.toU8a(true);
const bytes = (h: string): Uint8Array => parseHex(h)!;
const sumUsage = (a: Usage, b: Usage): Usage => ({
  transferredBytes: a.transferredBytes + b.transferredBytes,
  storedBytes: a.storedBytes + b.storedBytes,
  numberOfPuts: a.numberOfPuts + b.numberOfPuts,
  numberOfGets: a.numberOfGets + b.numberOfGets,
});
function ok<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Decodes every block of `dn`'s canonical chain with @polkadot/api: extrinsics, their events. */
async function decodeChain(
  devnet: Devnet,
  api: ApiPromise,
  extrinsics: DecodedExtrinsic[],
  executedBy: Map<number, number>
): Promise<void> {
  for (let h = 1; h < devnet.canonical.length; h++) {
    const hash = devnet.canonical[h]!.hash;
    const parent = devnet.canonical[h - 1]!.hash;
    executedBy.set(h, (await api.rpc.state.getRuntimeVersion(parent)).specVersion.toNumber());
    const [block, records] = await Promise.all([
      api.rpc.chain.getBlock(hash),
      api.query.system.events.at(hash),
    ]);
    const list = records as unknown as Array<{
      phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: Codec };
      event: { section: string; method: string; data: Codec[] & { names?: string[] | null } };
    }>;
    block.block.extrinsics.forEach((x, index) => {
      const names = x.method.meta.args.map((a) => a.name.toString());
      extrinsics.push({
        block: h,
        index,
        name: `${x.method.section}.${x.method.method}`,
        args: Object.fromEntries(names.map((n, k) => [n, x.method.args[k]!])),
        signer: x.isSigned ? u8aToHex(x.signer.toU8a(true)).slice(-64) : null,
        events: list
          .filter((r) => r.phase.isApplyExtrinsic && num(r.phase.asApplyExtrinsic) === index)
          .map((r) => ({
            name: `${r.event.section}.${r.event.method}`,
            data: Object.fromEntries(
              (r.event.data.names ?? []).map((n, k) => [n, r.event.data[k]!])
            ),
          })),
      });
    });
  }
}

beforeAll(async () => {
  devnet = await startDevnet({
    seed: 'devnet-billing',
    runtimes: [...RUNTIMES],
    eras: 4,
    faults: [],
  });
  devnet.settle();
  api = await ApiPromise.create({ provider: new WsProvider(devnet.wsUrl), noInitWarn: true });
  await decodeChain(devnet, api, extrinsics, executedBy);
}, 120_000);

afterAll(async () => {
  await api?.disconnect();
  await devnet?.close();
});

/** The payout extrinsics of a cluster's era (by `era_id`, or the era of `ehd_id`). */
const ofCluster = (cluster: string, era: number) => (x: DecodedExtrinsic) =>
  x.args.clusterId !== undefined &&
  hex(x.args.clusterId) === cluster &&
  (x.args.eraId !== undefined
    ? num(x.args.eraId) === era
    : x.args.ehdId !== undefined && x.args.ehdId.toString().endsWith(`-${era}`));
const payoutNames = (x: DecodedExtrinsic): boolean =>
  /^(ddcVerification|ddcPayouts)\./.test(x.name) && x.name !== 'ddcVerification.setValidatorKey';
const without = (events: DecodedEvent[]): string[] =>
  events.map((e) => e.name).filter((n) => n !== 'system.ExtrinsicSuccess');

describe('a devnet that starts under the billing-report runtime 71000', () => {
  it('runs 71000, then upgrades as before; the manifest says which design paid each era', () => {
    const { runtimes, manifest } = devnet.scenario;
    expect(runtimes.genesis).toBe(71000);
    expect(runtimes.upgrades.map((u) => u.specVersion)).toEqual([73047, 73160, 73177]);
    const [a, b, c] = runtimes.upgrades.map((u) => u.block);
    expect(describeRuntimes(devnet.scenario)).toBe(
      `Cere 71000 → 73047 (block ${a}) → 73160 (block ${b}) → 73177 (block ${c}); ` +
        'eras paid under 71000: 1; 73047: 2; 73160: 3; 73177: 4'
    );
    for (const id of manifest.clusters.map((x) => x.clusterId)) {
      const rounds = manifest.eraRounds.filter((r) => r.clusterId === id);
      expect(rounds.map((r) => [r.era, r.specVersion, r.design, r.paid, r.quorum])).toEqual([
        [1, 71000, 'billing-report', true, true],
        [2, 73047, 'receipt', true, true],
        [3, 73160, 'receipt', true, true],
        [4, 73177, 'receipt', true, true],
      ]);
    }
    expect(manifest.receipts).toEqual([]);
    // Blocks before the first upgrade's successor run 71000.
    expect(executedBy.get(1)).toBe(71000);
    expect(executedBy.get(a!)).toBe(71000);
    expect(executedBy.get(a! + 1)).toBe(73047);
  });

  it('decodes every block, with 71000 layouts while 71000 executes it', () => {
    // Every block decoded (beforeAll): each has its timestamp.set, and its events.
    const blocks = new Set(extrinsics.map((x) => x.block));
    expect(blocks.size).toBe(devnet.canonical.length - 1);
    expect(extrinsics.filter((x) => x.name === 'timestamp.set')).toHaveLength(blocks.size);
    expect(
      extrinsics.every((x) => x.events.some((e) => e.name === 'system.ExtrinsicSuccess'))
    ).toBe(true);
    expect(extrinsics.length).toBeGreaterThan(100);
    const at71000 = extrinsics.filter((x) => executedBy.get(x.block) === 71000);
    // Setup: a deposit names no cluster at 71000, and nor does Deposited.
    const deposits = at71000.filter((x) => x.name === 'ddcCustomers.deposit');
    expect(deposits.length).toBeGreaterThan(0);
    for (const d of deposits) {
      expect(Object.keys(d.args)).toEqual(['value']);
      const e = d.events.find((x) => x.name === 'ddcCustomers.Deposited')!;
      expect(Object.keys(e.data)).toEqual(['ownerId', 'amount']);
      expect(hex(e.data.ownerId!)).toBe('0x' + d.signer);
    }
    // No ValidatorsSetUpdated under 71000 (it has none); the first session of 73047 reports it.
    const names = new Set(at71000.flatMap((x) => x.events.map((e) => e.name)));
    expect(names).not.toContain('ddcVerification.ValidatorsSetUpdated');
    expect(at71000.filter(payoutNames).every((x) => x.name.startsWith('ddcVerification.'))).toBe(
      true
    );
  });

  it('pays era 1 of each cluster with the billing-report flow, amounts by Cere 71000 rules', () => {
    expect(checkBillingEra1(devnet, extrinsics, executedBy)).toEqual({
      payerBatches: 1,
      payeeBatches: 1,
    });
  });

  it('pays eras 2-4 with the receipt design, as before', () => {
    for (const id of devnet.manifest.clusters.map((x) => x.clusterId))
      for (const era of [2, 3, 4]) {
        const xs = extrinsics.filter(ofCluster(id, era)).filter(payoutNames);
        expect(
          xs.every((x) => x.name.startsWith('ddcPayouts.')),
          `${id} era ${era}`
        ).toBe(true);
        expect(xs.filter((x) => x.name === 'ddcPayouts.commitPayoutFingerprint')).toHaveLength(5);
        const end = xs.find((x) => x.name === 'ddcPayouts.endPayout')!;
        expect(without(end.events)).toEqual([
          'ddcPayouts.PayoutReceiptFinalized',
          'ddcClusters.ClusterEraPaid',
        ]);
      }
  });

  it('bundles the records of both designs, each era in its own', () => {
    const era1 = devnet.manifest.clusters[0]!.ranges.find((r) => r.era === 1)!;
    const era2 = devnet.manifest.clusters[0]!.ranges.find((r) => r.era === 2)!;
    const b1 = devnet.bundle(era1.from);
    expect(b1.attestation.design).toBe('billing-report');
    expect(b1.attestation.billing?.payers.batches.length).toBeGreaterThan(0);
    expect(b1.settlement.payers && 'usageEntries' in b1.settlement.payers).toBe(true);
    const b2 = devnet.bundle(era2.from);
    expect(b2.recordId).toBe(devnet.scenario.recordId(era2.from));
    expect(b2.attestation.design).toBeUndefined();
  });
});

describe('billing-report eras and the scenario options', () => {
  it('moves the payout faults to the first receipt era, and refuses them with none', () => {
    // Only billing-report eras: no era can carry a payout fault.
    expect(() =>
      buildDevnetScenario({
        records: 40,
        eras: 2,
        runtimes: [71000],
        faults: ['quorum-not-reached'],
      })
    ).toThrow(/quorum-not-reached lands on era 2.*71000/);
    // With a receipt era after it, the payout fault lands there; a record fault stays in era 1.
    const moved = buildDevnetScenario({
      records: 40,
      eras: 2,
      runtimes: [71000, 73047],
      faults: ['quorum-not-reached', 'bad-record-signature'],
    });
    const byFault = (f: string) =>
      new Set(
        moved.manifest.receipts.filter((r) => r.faults.includes(f as never)).map((r) => r.era)
      );
    expect(byFault('quorum-not-reached')).toEqual(new Set([2]));
    expect(byFault('bad-record-signature')).toEqual(new Set([1]));
    // The last era's faults land on a receipt era.
    const sc = buildDevnetScenario({
      records: 40,
      eras: 2,
      runtimes: [71000, 73047],
      faults: ['fingerprint-mismatch'],
    });
    expect(sc.manifest.eraRounds.map((r) => r.design)).toEqual([
      'billing-report',
      'receipt',
      'billing-report',
      'receipt',
    ]);
  });

  it('sends several batches with their MMR proofs when the batch size is small', async () => {
    const dn = await startDevnet({
      seed: 'billing-batches',
      records: 80,
      users: 9,
      eras: 2,
      runtimes: [71000, 73047],
      faults: [],
      payoutBatchSize: 2,
    });
    const client = await ApiPromise.create({
      provider: new WsProvider(dn.wsUrl),
      noInitWarn: true,
    });
    try {
      const xs: DecodedExtrinsic[] = [];
      const specs = new Map<number, number>();
      await decodeChain(dn, client, xs, specs);
      const counts = checkBillingEra1(dn, xs, specs);
      // Nine customers in batches of two: five batches, an MMR of two peaks.
      expect(counts.payerBatches).toBe(5);
      expect(counts.payeeBatches).toBeGreaterThanOrEqual(2);
    } finally {
      await client.disconnect();
      await dn.close();
    }
  }, 60_000);

  it('skips a billing-report era of cluster 2 with skip_dac_validation_to_era', async () => {
    const dn = await startDevnet({
      seed: 'billing-skip',
      records: 40,
      eras: 2,
      runtimes: [71000, 73047],
      faults: [],
      skips: [1],
    });
    const client = await ApiPromise.create({
      provider: new WsProvider(dn.wsUrl),
      noInitWarn: true,
    });
    try {
      const round = dn.manifest.eraRounds.find((r) => r.skipped)!;
      expect(round).toMatchObject({ era: 1, votes: 0, paid: true, design: 'billing-report' });
      const hash = dn.canonical[round.paidAtBlock!]!.hash;
      const block = await client.rpc.chain.getBlock(hash);
      const x = block.block.extrinsics.find((e) => e.method.section === 'sudo')!;
      const inner = x.method.args[0] as unknown as {
        section: string;
        method: string;
        args: Codec[];
      };
      expect([inner.section, inner.method]).toEqual(['ddcVerification', 'skipDacValidationToEra']);
      expect([hex(inner.args[0]!), num(inner.args[1]!)]).toEqual([round.clusterId, 1]);
    } finally {
      await client.disconnect();
      await dn.close();
    }
  }, 60_000);
});

/**
 * Checks era 1 of every cluster of `devnet` against the billing-report contract, from the decoded
 * chain alone; returns the largest batch counts seen.
 */
function checkBillingEra1(
  devnet: Devnet,
  extrinsics: readonly DecodedExtrinsic[],
  executedBy: ReadonlyMap<number, number>
): { payerBatches: number; payeeBatches: number } {
  let counts = { payerBatches: 0, payeeBatches: 0 };
  // DdcPayouts' vault is one account for every report (rewards are capped at what it can
  // transfer); the clusters' reports of era 1 run in this order on chain.
  let vault = 0n;
  const created = extrinsics.filter((x) => x.name === 'ddcClusters.createCluster');
  const bucketOwner = new Map<bigint, string>();
  for (const x of extrinsics.filter((y) => y.name === 'ddcCustomers.createBucket'))
    bucketOwner.set(
      big(x.events.find((e) => e.name === 'ddcCustomers.BucketCreated')!.data.bucketId!),
      '0x' + x.signer
    );
  const providerOf = new Map<string, string>();
  for (const x of extrinsics.filter((y) => y.name === 'ddcNodes.createNode'))
    providerOf.set(u8aToHex(nodeKeyOf(x.args.nodePubKey!)), '0x' + x.signer);
  const validators = extrinsics
    .filter((x) => x.name === 'ddcVerification.setValidatorKey')
    .map((x) => hex(x.args.ddcValidatorPub!));
  expect(validators).toHaveLength(5);
  expect(created).toHaveLength(2);

  for (const cc of created) {
    const cluster = hex(cc.args.clusterId!);
    const params = cc.args.initialProtocolParams as unknown as Record<string, Codec>;
    const pricing: ClusterPricing = {
      unitPerMbStored: big(params.unitPerMbStored!),
      unitPerMbStreamed: big(params.unitPerMbStreamed!),
      unitPerPutRequest: big(params.unitPerPutRequest!),
      unitPerGetRequest: big(params.unitPerGetRequest!),
    };
    const shares = {
      treasury: big(params.treasuryShare!),
      validators: big(params.validatorsShare!),
      reserve: big(params.clusterReserveShare!),
    };
    const era1 = extrinsics.filter(ofCluster(cluster, 1)).filter(payoutNames);
    expect(era1.every((x) => executedBy.get(x.block) === 71000)).toBe(true);
    const step = (name: string) => era1.filter((x) => x.name === `ddcVerification.${name}`);
    expect([...new Set(era1.map((x) => x.name))]).toEqual(
      [
        'commitBillingFingerprint',
        'beginBillingReport',
        'beginChargingCustomers',
        'sendChargingCustomersBatch',
        'endChargingCustomers',
        'beginRewardingProviders',
        'sendRewardingProvidersBatch',
        'endRewardingProviders',
        'endBillingReport',
      ].map((n) => `ddcVerification.${n}`)
    );

    // 1. Every validator commits the same fingerprint fields.
    const commits = step('commitBillingFingerprint');
    expect(commits.map((x) => '0x' + x.signer)).toEqual(validators);
    const c0 = commits[0]!.args;
    const startEra = big(c0.startEra!);
    const endEra = big(c0.endEra!);
    expect(endEra).toBeGreaterThan(startEra);
    const payersRoot = c0.payersRoot!.toU8a();
    const payeesRoot = c0.payeesRoot!.toU8a();
    const clusterUsage = usageOf(c0.clusterUsage!);
    for (const x of commits) {
      expect(x.args.clusterUsage!.toHex()).toBe(c0.clusterUsage!.toHex());
      expect(
        [x.args.startEra, x.args.endEra, x.args.payersRoot, x.args.payeesRoot].map((c) =>
          c!.toHex()
        )
      ).toEqual([c0.startEra, c0.endEra, c0.payersRoot, c0.payeesRoot].map((c) => c!.toHex()));
      expect(without(x.events)).toEqual(['ddcPayouts.BillingFingerprintCommited']);
      const e = x.events[0]!.data;
      expect(hex(e.validatorId!)).toBe('0x' + x.signer);
      expect([hex(e.clusterId!), num(e.eraId!), big(e.startEra!), big(e.endEra!)]).toEqual([
        cluster,
        1,
        startEra,
        endEra,
      ]);
      expect(e.payersMerkleRoot!.toHex()).toBe(u8aToHex(payersRoot));
      expect(e.payeesMerkleRoot!.toHex()).toBe(u8aToHex(payeesRoot));
    }

    // 2. The report begins with the fingerprint of those fields.
    const [begin] = step('beginBillingReport');
    const fingerprint = billingFingerprint({
      clusterId: bytes(cluster),
      era: 1,
      startEra,
      endEra,
      payersRoot,
      payeesRoot,
      clusterUsage,
    });
    expect(begin!.args.fingerprint!.toHex()).toBe(u8aToHex(fingerprint));
    expect(without(begin!.events)).toEqual(['ddcPayouts.BillingReportInitialized']);

    // 3-4. Payers: the batches rebuild the committed root; each charge is Cere's.
    const [beginCharging] = step('beginChargingCustomers');
    expect(without(beginCharging!.events)).toEqual(['ddcPayouts.ChargingStarted']);
    const payerMax = num(beginCharging!.args.maxBatchIndex!);
    const payerBatches = step('sendChargingCustomersBatch');
    expect(payerBatches).toHaveLength(payerMax + 1);
    const payerRoots: Uint8Array[] = [];
    let total: CustomerCharge = ZERO_CHARGE;
    let lastBucket = -1n;
    for (const [k, x] of payerBatches.entries()) {
      expect(num(x.args.batchIndex!)).toBe(k);
      const entries = (x.args.payers as unknown as Codec[][]).map(([id, u]) => ({
        bucket: big(id!),
        usage: usageOf(u!),
      }));
      const leaves = entries.map((e) => payersLeaf(e.bucket, e.usage));
      const proof = (x.args.batchProof as unknown as { proof: Codec[] }).proof.map((p) =>
        p.toU8a()
      );
      expect(verifyBillingBatch(payersRoot, payerMax, k, leaves, proof)).toBe(true);
      payerRoots.push(batchRoot(leaves));
      // Per payer, in the pallets' order: the customer pallet's charge, the report's, the
      // bucket's usage total.
      expect(without(x.events)).toEqual(
        entries.flatMap(() => [
          'ddcCustomers.Charged',
          'ddcPayouts.Charged',
          'ddcCustomers.BucketTotalCustomersUsageUpdated',
        ])
      );
      const charged = x.events.filter((e) => e.name === 'ddcPayouts.Charged');
      expect(charged).toHaveLength(entries.length);
      expect(x.events.some((e) => /ChargeFailed|Indebted|ChargeError/.test(e.name))).toBe(false);
      entries.forEach((e, j) => {
        expect(e.bucket).toBeGreaterThan(lastBucket);
        lastBucket = e.bucket;
        const charge = ok(customerCharge(pricing, e.usage, startEra, endEra));
        const expected = ok(totalCharge(charge));
        expect(expected).toBeGreaterThan(0n);
        const d = charged[j]!.data;
        expect([hex(d.clusterId!), num(d.era!), num(d.batchIndex!), big(d.bucketId!)]).toEqual([
          cluster,
          1,
          k,
          e.bucket,
        ]);
        expect(hex(d.customerId!)).toBe(bucketOwner.get(e.bucket));
        expect(big(d.amount!)).toBe(expected);
        total = ok(addCharges(total, ok(chargeBucket(charge, big(d.amount!))).added));
      });
    }
    expect(u8aToHex(eraRoot(payerRoots))).toBe(u8aToHex(payersRoot));

    // 5. Fees on the report's total; the validators' share split equally among the stakers.
    const [endCharging] = step('endChargingCustomers');
    const fees = ok(billingFees(total, shares));
    const split = validatorFeeSplit(
      fees.validators,
      validators.map(() => 1n)
    );
    expect(without(endCharging!.events)).toEqual([
      'ddcPayouts.ChargingFinished',
      'ddcPayouts.TreasuryFeesCollected',
      'ddcPayouts.ClusterReserveFeesCollected',
      ...validators.map(() => 'ddcPayouts.ValidatorRewarded'),
      'ddcPayouts.ValidatorFeesCollected',
    ]);
    const feeOf = (name: string) =>
      big(endCharging!.events.find((e) => e.name === `ddcPayouts.${name}`)!.data.amount!);
    expect(feeOf('TreasuryFeesCollected')).toBe(fees.treasury);
    expect(feeOf('ClusterReserveFeesCollected')).toBe(fees.clusterReserve);
    expect(feeOf('ValidatorFeesCollected')).toBe(fees.validators);
    expect(
      endCharging!.events
        .filter((e) => e.name === 'ddcPayouts.ValidatorRewarded')
        .map((e) => [hex(e.data.validatorId!), big(e.data.amount!)])
    ).toEqual(validators.map((v, k) => [v, split[k]]));

    // 6-7. Payees: the batches rebuild the committed root; each reward is Cere's.
    const [beginRewarding] = step('beginRewardingProviders');
    expect(without(beginRewarding!.events)).toEqual(['ddcPayouts.RewardingStarted']);
    const payeeMax = num(beginRewarding!.args.maxBatchIndex!);
    const payeeBatches = step('sendRewardingProvidersBatch');
    expect(payeeBatches).toHaveLength(payeeMax + 1);
    counts = {
      payerBatches: Math.max(counts.payerBatches, payerBatches.length),
      payeeBatches: Math.max(counts.payeeBatches, payeeBatches.length),
    };
    const payeeRoots: Uint8Array[] = [];
    vault +=
      fees.totalCharged - fees.treasury - fees.clusterReserve - split.reduce((a, b) => a + b);
    let distributed = 0n;
    let usageSum: Usage = {
      transferredBytes: 0n,
      storedBytes: 0n,
      numberOfPuts: 0n,
      numberOfGets: 0n,
    };
    let lastNode = '';
    for (const [k, x] of payeeBatches.entries()) {
      const entries = (x.args.payees as unknown as Codec[][]).map(([key, u]) => ({
        node: nodeKeyOf(key!),
        usage: usageOf(u!),
      }));
      const leaves = entries.map((e) => payeesLeaf(e.node, e.usage));
      const proof = (x.args.batchProof as unknown as { proof: Codec[] }).proof.map((p) =>
        p.toU8a()
      );
      expect(verifyBillingBatch(payeesRoot, payeeMax, k, leaves, proof)).toBe(true);
      payeeRoots.push(batchRoot(leaves));
      expect(without(x.events)).toEqual(
        entries.flatMap(() => ['ddcPayouts.Rewarded', 'ddcNodes.NodeTotalUsageUpdated'])
      );
      const rewarded = x.events.filter((e) => e.name === 'ddcPayouts.Rewarded');
      expect(rewarded).toHaveLength(entries.length);
      entries.forEach((e, j) => {
        expect(u8aToHex(e.node) > lastNode).toBe(true);
        lastNode = u8aToHex(e.node);
        usageSum = sumUsage(usageSum, e.usage);
        const payout = ok(
          providerPayout(providerReward(e.usage, clusterUsage, fees.remaining), vault)
        );
        vault -= payout.rewarded;
        distributed += payout.rewarded;
        const d = rewarded[j]!.data;
        expect(hex(d.nodeProviderId!)).toBe(providerOf.get(u8aToHex(e.node)));
        expect([num(d.batchIndex!), big(d.rewarded!), big(d.expectedToReward!)]).toEqual([
          k,
          payout.rewarded,
          payout.expected,
        ]);
        expect(payout.rewarded).toBeGreaterThan(0n);
      });
    }
    expect(u8aToHex(eraRoot(payeeRoots))).toBe(u8aToHex(payeesRoot));
    // cluster_usage is the sum of the payees' usage.
    expect(usageSum).toEqual(clusterUsage);

    // 8. The overall check, then 9. one extrinsic finalizes the report and pays the era.
    const [endRewarding] = step('endRewardingProviders');
    const overall = ok(overallRewardCheck(fees.remaining, distributed));
    expect(without(endRewarding!.events)).toEqual([
      ...(overall.notDistributedEvent ? ['ddcPayouts.NotDistributedOverallReward'] : []),
      'ddcPayouts.RewardingFinished',
    ]);
    const [end] = step('endBillingReport');
    expect(without(end!.events)).toEqual([
      'ddcPayouts.BillingReportFinalized',
      'ddcClusters.ClusterEraPaid',
    ]);
    const paidEvent = end!.events[1]!.data;
    expect([hex(paidEvent.clusterId!), num(paidEvent.eraId!)]).toEqual([cluster, 1]);
    const round = devnet.manifest.eraRounds.find((r) => r.clusterId === cluster && r.era === 1)!;
    expect(round.paidAtBlock).toBe(end!.block);
  }

  return counts;
}
