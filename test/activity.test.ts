/**
 * Tests of an era's lists recomputed from its activity (verifier/receipts/activity.ts): golden
 * values worked by hand, agreement with the devnet's pricing and with the lists its bundles carry,
 * conservation for any activity and shares, and the split receipt steps (record, anchor,
 * settlement sides) giving exactly the lines of the whole steps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BundleChainContext,
  DEVNET_FAULTS,
  SHARES,
  buildDevnetScenario,
} from '../devnet/scenario.ts';
import { PRICING, recordCost, usageOf } from '../devnet/scenario-records.ts';
import { toHex } from '../verifier/bytes.ts';
import { type ReceiptBundle, parseBundle } from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import type { PayoutEntry } from '../verifier/payout-tree.ts';
import {
  DEFAULT_POLICY,
  verifyAnchorStep,
  verifyEraSteps,
  verifyRecordOwnSteps,
  verifyRecordSteps,
} from '../verifier/receipt.ts';
import {
  type Pricing,
  type Shares,
  eraPayoutLists,
  eraPayoutListsFromTotals,
  usageCost,
} from '../verifier/receipts/activity.ts';
import { checkAttestation } from '../verifier/receipts/attestation.ts';
import { checkPaid, checkSettlement, checkSettlementSide } from '../verifier/receipts/payout.ts';
import { type ScpUsage, parseScpRecord } from '../verifier/receipts/scp-record.ts';
import * as verifier from '../verifier/index.ts';

const key = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const A = key(0xa),
  B = key(0xb),
  X = key(0x1),
  Y = key(0x2);
const hex = (list: readonly PayoutEntry[]) => list.map((e) => [toHex(e.account), e.amount]);

describe('usageCost', () => {
  it('prices a record at the devnet pricing (worked by hand)', () => {
    // stored   1_500_000 B * 2_000_000 / 10^6 = 3_000_000
    // streamed   250_000 B * 1_000_000 / 10^6 =   250_000
    // puts             2 * 5_000              =    10_000
    // gets             3 * 2_000              =     6_000
    // cpu            150 ms * 300             =    45_000
    // gpu              0 * 9_000              =         0
    // ram             64 * 100                =     6_400
    //                                  total  = 3_317_400
    const u: ScpUsage = {
      storedBytes: 1_500_000n,
      deliveredBytes: 250_000n,
      puts: 2,
      gets: 3,
      cpuMs: 150,
      gpuUnits: 0,
      ramUnits: 64,
    };
    expect(usageCost(u, PRICING)).toBe(3_317_400n);
  });

  it('rounds each byte term down on its own', () => {
    // stored   1_000_001 * 7 / 10^6 = 7.000007 -> 7
    // streamed   999_999 * 3 / 10^6 = 2.999997 -> 2
    // 9, where one division of the sum (10_000_004 / 10^6) would give 10.
    const p: Pricing = {
      perMbStored: 7n,
      perMbStreamed: 3n,
      perPut: 0n,
      perGet: 0n,
      perCpuMs: 0n,
      perGpuUnit: 0n,
      perRamUnit: 0n,
    };
    const u: ScpUsage = {
      storedBytes: 1_000_001n,
      deliveredBytes: 999_999n,
      puts: 1,
      gets: 1,
      cpuMs: 1,
      gpuUnits: 1,
      ramUnits: 1,
    };
    expect(usageCost(u, p)).toBe(9n);
  });

  it("equals the devnet's recordCost, and the formula it always had, for usageOf(0..999)", () => {
    const MB = 1_000_000n;
    for (let i = 0; i < 1000; i++) {
      const u = usageOf(i);
      const reference =
        (BigInt(u.stored_bytes) * PRICING.perMbStored) / MB +
        (BigInt(u.delivered_bytes) * PRICING.perMbStreamed) / MB +
        BigInt(u.puts) * PRICING.perPut +
        BigInt(u.gets) * PRICING.perGet +
        BigInt(u.cpu_ms) * PRICING.perCpuMs +
        BigInt(u.gpu_units) * PRICING.perGpuUnit +
        BigInt(u.ram_units) * PRICING.perRamUnit;
      // The usage as the verifier parses it from a record's JSON.
      const parsed = parseScpRecord(sampleRecord(u));
      if (!parsed.ok) throw new Error(`record ${i} does not parse: ${parsed.code}`);
      expect(usageCost(parsed.value.usage, PRICING), `record ${i}`).toBe(reference);
      expect(recordCost(u), `record ${i}`).toBe(reference);
    }
  });
});

/** A minimal, unsigned SCP record carrying `usage` (only its shape is parsed). */
function sampleRecord(usage: unknown): Record<string, unknown> {
  const k = toHex(key(7));
  return {
    type: 'scp.activity',
    version: 0,
    record_id: 'dac-000000000000000000000000',
    cluster_id: toHex(new Uint8Array(20)),
    era: 1,
    timestamp: '2025-01-01T00:00:00Z',
    user: k,
    agent: k,
    orchestrator: k,
    node: k,
    customer: k,
    provider: k,
    scope: {},
    operation: 'PUT',
    usage,
    result_hash: toHex(new Uint8Array(32)),
    signatures: [],
  };
}

describe('eraPayoutLists', () => {
  it('gives the lists, fees and remainder of a small era (worked by hand)', () => {
    // Records (customer, provider, cost): (A, X, 1000), (B, Y, 370), (A, Y, 699), (B, X, 1).
    // Payers: A = 1000 + 699 = 1699, B = 370 + 1 = 371; charged = 2070.
    // Fees (1%, 4%, 5%; nearest, ties down): treasury 20.7 -> 21, validators 82.8 -> 83,
    // reserve 103.5 -> 103; 207 in all. Distributable: 2070 - 207 = 1863.
    // Payees: X cost 1001 -> floor(1863 * 1001 / 2070) = floor(900.9)  = 900,
    //         Y cost 1069 -> floor(1863 * 1069 / 2070) = floor(962.1)  = 962.
    // Rewarded 1862; not distributed 1863 - 1862 = 1. 207 + 1862 + 1 = 2070.
    const r = eraPayoutLists(
      [
        { customer: A, provider: X, cost: 1000n },
        { customer: B, provider: Y, cost: 370n },
        { customer: A, provider: Y, cost: 699n },
        { customer: B, provider: X, cost: 1n },
      ],
      SHARES
    );
    expect(hex(r.payers)).toEqual([
      [toHex(A), 1699n],
      [toHex(B), 371n],
    ]);
    expect(hex(r.payees)).toEqual([
      [toHex(X), 900n],
      [toHex(Y), 962n],
    ]);
    expect(r.charged).toBe(2070n);
    expect(r.fees).toEqual({ treasury: 21n, validators: 83n, reserve: 103n });
    expect(r.rewarded).toBe(1862n);
    expect(r.notDistributed).toBe(1n);
  });

  it('from totals: sums repeated accounts and keeps the order of first appearance', () => {
    const r = eraPayoutListsFromTotals(
      [
        [B, 371n],
        [A, 1000n],
        [new Uint8Array(A), 699n],
      ],
      new Map([
        [Y, 1069n],
        [X, 1001n],
      ]),
      SHARES
    );
    expect(hex(r.payers)).toEqual([
      [toHex(B), 371n],
      [toHex(A), 1699n],
    ]);
    expect(hex(r.payees)).toEqual([
      [toHex(Y), 962n],
      [toHex(X), 900n],
    ]);
    expect([r.charged, r.rewarded, r.notDistributed]).toEqual([2070n, 1862n, 1n]);
  });

  it('of no activity, or of activity that costs nothing, is all zeros', () => {
    const none = eraPayoutLists([], SHARES);
    expect(none).toEqual({
      payers: [],
      payees: [],
      charged: 0n,
      fees: { treasury: 0n, validators: 0n, reserve: 0n },
      rewarded: 0n,
      notDistributed: 0n,
    });
    const free = eraPayoutLists(
      [
        { customer: A, provider: X, cost: 0n },
        { customer: B, provider: Y, cost: 0n },
      ],
      SHARES
    );
    expect(hex(free.payers)).toEqual([
      [toHex(A), 0n],
      [toHex(B), 0n],
    ]);
    expect(hex(free.payees)).toEqual([
      [toHex(X), 0n],
      [toHex(Y), 0n],
    ]);
    expect([free.charged, free.rewarded, free.notDistributed]).toEqual([0n, 0n, 0n]);
  });

  const PARTS = 10n ** 18n;
  const shares: fc.Arbitrary<Shares> = fc
    .tuple(fc.bigInt(0n, PARTS), fc.bigInt(0n, PARTS), fc.bigInt(0n, PARTS))
    .filter(([t, v, r]) => t + v + r <= PARTS)
    .map(([treasury, validators, reserve]) => ({ treasury, validators, reserve }));
  const activity = fc.array(
    fc.record({
      customer: fc.integer({ min: 0, max: 7 }).map(key),
      provider: fc.integer({ min: 16, max: 20 }).map(key),
      cost: fc.oneof(fc.constant(0n), fc.bigInt(0n, 1000n), fc.bigInt(0n, 2n ** 64n - 1n)),
    }),
    { maxLength: 40 }
  );

  it('conserves what is charged, for any activity and shares summing to at most 100%', () => {
    fc.assert(
      fc.property(activity, shares, (acts, s) => {
        const r = eraPayoutLists(acts, s);
        const total = acts.reduce((t, a) => t + a.cost, 0n);
        const fees = r.fees.treasury + r.fees.validators + r.fees.reserve;
        const distributable = r.charged - fees;
        expect(r.charged).toBe(total);
        expect(r.payers.reduce((t, e) => t + e.amount, 0n)).toBe(r.charged);
        expect(r.payees.reduce((t, e) => t + e.amount, 0n)).toBe(r.rewarded);
        expect(fees + r.rewarded + r.notDistributed).toBe(r.charged);
        expect(distributable >= 0n).toBe(true);
        expect(r.rewarded <= distributable).toBe(true);
        // Each payee's floor loses less than one planck.
        expect(r.notDistributed >= 0n).toBe(true);
        expect(r.notDistributed < BigInt(Math.max(1, r.payees.length))).toBe(true);
        for (const e of r.payees) expect(e.amount >= 0n).toBe(true);
        if (r.charged === 0n) {
          expect(r.payees.every((e) => e.amount === 0n)).toBe(true);
          expect([fees, r.rewarded, r.notDistributed]).toEqual([0n, 0n, 0n]);
        }
        // One entry per distinct account.
        expect(new Set(r.payers.map((e) => toHex(e.account))).size).toBe(r.payers.length);
        expect(new Set(r.payees.map((e) => toHex(e.account))).size).toBe(r.payees.length);
        // The same from totals summed elsewhere.
        const byC = new Map<string, [Uint8Array, bigint]>();
        const byP = new Map<string, [Uint8Array, bigint]>();
        for (const a of acts) {
          const c = byC.get(toHex(a.customer)) ?? [a.customer, 0n];
          byC.set(toHex(a.customer), [c[0], c[1] + a.cost]);
          const p = byP.get(toHex(a.provider)) ?? [a.provider, 0n];
          byP.set(toHex(a.provider), [p[0], p[1] + a.cost]);
        }
        expect(eraPayoutListsFromTotals(byC.values(), byP.values(), s)).toEqual(r);
      })
    );
  });
});

// The devnet -----------------------------------------------------------------------------------

const ctx: BundleChainContext = {
  genesisHash: '0x' + '00'.repeat(32),
  hashAt: (n) => '0x' + n.toString(16).padStart(64, '0'),
  finalizedHeight: 1e9,
};

function devnetBundles(options: Parameters<typeof buildDevnetScenario>[0]): ReceiptBundle[] {
  const sc = buildDevnetScenario(options);
  return Array.from({ length: sc.recordCount }, (_, i) => {
    const p = parseBundle(JSON.stringify(sc.bundle(i, ctx)));
    if (!p.ok) throw new Error(`bundle ${i} does not parse: ${p.errors.join('; ')}`);
    return p.bundle;
  });
}

const honest = devnetBundles({ records: 60 });
const faulty = devnetBundles({ records: 60, eras: 2, recordsPerBatch: 10, faults: DEVNET_FAULTS });

describe("the devnet's eras, recomputed from their records", () => {
  it.each([
    ['honest', honest],
    ['with faults', faulty],
  ])('give the payer and payee lists and amounts every bundle carries (%s)', (_name, bundles) => {
    const byEra = new Map<number, ReceiptBundle[]>();
    for (const b of bundles)
      byEra.set(b.attestation.era, [...(byEra.get(b.attestation.era) ?? []), b]);
    expect(byEra.size).toBeGreaterThan(0);
    for (const [era, list] of byEra) {
      const activity = list.map((b) => {
        const rec = parseScpRecord(b.record);
        if (!rec.ok) throw new Error(`record ${b.recordId} does not parse`);
        const r = rec.value;
        return { customer: r.customer, provider: r.provider, cost: usageCost(r.usage, PRICING) };
      });
      const r = eraPayoutLists(activity, SHARES);
      const b = list[0]!;
      expect(hex(r.payers), `era ${era}`).toEqual(hex(b.attestation.activity.payers));
      expect(hex(r.payees), `era ${era}`).toEqual(hex(b.attestation.activity.payees));
      const c = b.conservation;
      expect(r.charged).toBe(c.charged);
      expect(r.fees).toEqual({
        treasury: c.treasuryFees,
        validators: c.validatorFees,
        reserve: c.reserveFees,
      });
      expect(r.rewarded).toBe(c.rewarded);
      // The payout-unbalanced fault reports one planck more than was left over.
      expect(c.notDistributed - r.notDistributed).toBe(
        c.treasuryFees + c.reserveFees + c.validatorFees + c.rewarded + c.notDistributed - c.charged
      );
    }
  });
});

describe('the split receipt steps', () => {
  it.each([
    ['honest', honest],
    ['with faults', faulty],
  ])('give exactly the lines of the whole steps (%s)', (_name, bundles) => {
    for (const b of bundles) {
      const whole = verifyRecordSteps(b, nodeBackend);
      // Plain objects, not a bundle: what the indexer has.
      const own = verifyRecordOwnSteps(
        { recordId: b.recordId, grant: b.grant, record: b.record, inclusion: b.inclusion },
        nodeBackend,
        DEFAULT_POLICY
      );
      expect(own.record).toEqual(whole.record);
      const rec = own.record!;
      const anchor = verifyAnchorStep(
        b.anchor,
        {
          root: b.inclusion.root,
          leafCount: b.inclusion.leafCount,
          batchIndex: b.inclusion.batchIndex,
          clusterId: rec.clusterId,
          era: rec.era,
        },
        DEFAULT_POLICY
      );
      expect([...own.lines, ...anchor]).toEqual(whole.lines);
      expect(own.lines.every((l) => ['grant', 'record', 'inclusion'].includes(l.step))).toBe(true);
      expect(anchor.every((l) => l.step === 'anchor')).toBe(true);

      const att = checkAttestation(b.attestation, rec, DEFAULT_POLICY.quorumRule);
      const sides = [
        ...checkSettlementSide('payers', b.settlement.payers, att.payersRoot, rec.customer),
        ...checkSettlementSide('payees', b.settlement.payees, att.payeesRoot, rec.provider),
        checkPaid(b.settlement.paid),
      ];
      expect(sides).toEqual(checkSettlement(b.settlement, att, rec));
      expect(verifyEraSteps(b, rec)).toEqual([
        ...att.lines,
        ...sides,
        ...verifier.payout.checkConservation(b.conservation),
      ]);
    }
  });

  it('an unreadable record: the anchor expects the attestation era, as verifyRecordSteps does', () => {
    const b = { ...honest[0]!, record: { garbage: true } };
    const whole = verifyRecordSteps(b, nodeBackend);
    const own = verifyRecordOwnSteps(b, nodeBackend);
    expect(own.record).toBeNull();
    const anchor = verifyAnchorStep(b.anchor, {
      root: b.inclusion.root,
      leafCount: b.inclusion.leafCount,
      batchIndex: b.inclusion.batchIndex,
      clusterId: b.attestation.clusterId,
      era: b.attestation.era,
    });
    expect([...own.lines, ...anchor]).toEqual(whole.lines);
    expect(own.lines.some((l) => !l.ok)).toBe(true);
  });

  it('are exported from the verifier entry point', () => {
    expect(verifier.activity.eraPayoutLists).toBe(eraPayoutLists);
    expect(verifier.activity.eraPayoutListsFromTotals).toBe(eraPayoutListsFromTotals);
    expect(verifier.activity.usageCost).toBe(usageCost);
    expect(verifier.verifyRecordOwnSteps).toBe(verifyRecordOwnSteps);
    expect(verifier.verifyAnchorStep).toBe(verifyAnchorStep);
    expect(verifier.payout.checkSettlementSide).toBe(checkSettlementSide);
    expect(verifier.payout.checkPaid).toBe(checkPaid);
  });
});
