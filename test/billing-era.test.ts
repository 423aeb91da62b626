/**
 * The receipt lines of an era paid under Cere's billing-report design (spec 71000), from the
 * verifier's subject functions on a small hand-built era: two buckets, two nodes, three validators.
 * The amounts the chain would emit come from verifier/billing-report.ts, whose arithmetic is
 * checked against Cere's own pallet tests (test/billing-report.test.ts); so this file shows the
 * line logic (which input each line checks, and that each can fail), not the arithmetic again.
 */
import { describe, expect, it } from 'vitest';
import {
  type ClusterPricing,
  type Usage,
  batchRoot,
  billingFees,
  customerCharge,
  eraRoot,
  providerReward,
  totalCharge,
} from '../verifier/billing-report.ts';
import { mmrProof } from '../verifier/mmr.ts';
import { cereMerge } from '../verifier/payout-tree.ts';
import {
  type EraSubjectInput,
  verifyEraSubject,
  verifySettlementSubject,
} from '../verifier/receipt.ts';
import {
  type UsageEntry,
  billingVoteFingerprint,
  usageLeaf,
} from '../verifier/receipts/billing.ts';

const cluster = new Uint8Array(20).fill(0xc1);
const acct = (n: number) => new Uint8Array(32).fill(n);
const validators = [acct(1), acct(2), acct(3)];
const customer = acct(0x11);
const provider = acct(0x22);
const node = acct(0x33);
const node2 = acct(0x44);
const u = (t: bigint, s: bigint, p: bigint, g: bigint): Usage => ({
  transferredBytes: t,
  storedBytes: s,
  numberOfPuts: p,
  numberOfGets: g,
});
const pricing: ClusterPricing = {
  unitPerMbStored: 1_000_000n,
  unitPerMbStreamed: 2_000_000n,
  unitPerPutRequest: 300n,
  unitPerGetRequest: 50n,
};
const shares = { treasury: 10n ** 16n, validators: 4n * 10n ** 16n, reserve: 5n * 10n ** 16n };
const start = 1_760_000_000n;
const end = start + 3600n;
const payers: UsageEntry[] = [
  { key: 7n, usage: u(5n << 20n, 9n << 20n, 12n, 40n) },
  { key: 9n, usage: u(1n << 20n, 2n << 20n, 3n, 7n) },
];
const payees: UsageEntry[] = [
  { key: node, usage: u(4n << 20n, 8n << 20n, 10n, 30n) },
  { key: node2, usage: u(2n << 20n, 3n << 20n, 5n, 17n) },
];
const sum = (es: UsageEntry[]): Usage =>
  es.reduce(
    (a, e) =>
      u(
        a.transferredBytes + e.usage.transferredBytes,
        a.storedBytes + e.usage.storedBytes,
        a.numberOfPuts + e.usage.numberOfPuts,
        a.numberOfGets + e.usage.numberOfGets
      ),
    u(0n, 0n, 0n, 0n)
  );
const clusterUsage = sum(payees);
const payersBatch = batchRoot(payers.map((e) => usageLeaf('payers', e)));
const payeesBatch = batchRoot(payees.map((e) => usageLeaf('payees', e)));
const payersRoot = eraRoot([payersBatch]);
const payeesRoot = eraRoot([payeesBatch]);
const vote = { era: 5, startEra: start, endEra: end, clusterUsage };
const fingerprint = billingVoteFingerprint(cluster, vote, payersRoot, payeesRoot);

const charge = (e: UsageEntry) => {
  const c = customerCharge(pricing, e.usage, start, end);
  if (!c.ok) throw new Error('overflow');
  return c.value;
};
const total = (c: ReturnType<typeof charge>) => {
  const t = totalCharge(c);
  if (!t.ok) throw new Error('overflow');
  return t.value;
};
const charges = payers.map(charge);
const all = charges.reduce((a, c) => ({
  transfer: a.transfer + c.transfer,
  storage: a.storage + c.storage,
  puts: a.puts + c.puts,
  gets: a.gets + c.gets,
}));
const fees = billingFees(all, shares);
if (!fees.ok) throw new Error('overflow');
const rewards = payees.map((e) =>
  total(providerReward(e.usage, clusterUsage, fees.value.remaining))
);
const charged = charges.map(total);

const era: EraSubjectInput = {
  clusterId: cluster,
  era: 5,
  design: 'billing-report',
  billing: {
    pricing,
    payers: { maxBatchIndex: 0, batches: [payers] },
    payees: { maxBatchIndex: 0, batches: [payees] },
  },
  validatorSet: { members: validators },
  votes: validators.map((v) => ({
    validator: v,
    payersRoot,
    payeesRoot,
    ehdId: null,
    fingerprint: null,
    billing: vote,
  })),
  payout: { fingerprint },
  activity: null,
  paid: { block: 9, eventIndex: 3 },
  superseded: null,
  conservation: {
    charged: charged[0]! + charged[1]!,
    treasuryFees: fees.value.treasury,
    reserveFees: fees.value.clusterReserve,
    validatorFees: fees.value.validators,
    rewarded: rewards[0]! + rewards[1]!,
    notDistributed: 0n,
    shares,
  },
};

const status = (lines: readonly { check: string; status: string; code: string | null }[]) =>
  Object.fromEntries(lines.map((l) => [l.check, `${l.status}${l.code ? ` ${l.code}` : ''}`]));

describe('a billing-report era', () => {
  it('passes every era line on honest inputs', () => {
    const r = verifyEraSubject(era);
    expect(r.lines.filter((l) => l.status !== 'pass')).toEqual([]);
    expect(r.lines.find((l) => l.check === 'attestation.fingerprint[0]')!.rule).toBe(
      'cere:billing-fingerprint-71000'
    );
    expect(r.outcome.billing?.afterFees).toEqual(fees.value.remaining);
  });

  it('fails the vote, the payout start and the roots on the inputs each checks', () => {
    const wrongEra = { ...era.votes[0]!, billing: { ...vote, era: 6 } };
    expect(
      status(verifyEraSubject({ ...era, votes: [wrongEra, ...era.votes.slice(1)] }).lines)
    ).toMatchObject({ 'attestation.fingerprint[0]': 'fail ERA_MISMATCH' });
    const otherWindow = era.votes.map((v) => ({ ...v, billing: { ...vote, endEra: end + 1n } }));
    expect(status(verifyEraSubject({ ...era, votes: otherWindow }).lines)).toMatchObject({
      'attestation.quorum': 'pass',
      'attestation.payout': 'fail FINGERPRINT_MISMATCH',
    });
    const moved = {
      ...era.billing!,
      payees: {
        maxBatchIndex: 0,
        batches: [[payees[0]!, { ...payees[1]!, usage: u(1n, 1n, 1n, 1n) }]],
      },
    };
    expect(status(verifyEraSubject({ ...era, billing: moved }).lines)).toMatchObject({
      'attestation.roots': 'fail ROOTS_MISMATCH',
    });
    const missing = { ...era.billing!, payers: { maxBatchIndex: 1, batches: [payers, null] } };
    const l = verifyEraSubject({ ...era, billing: missing }).lines.find(
      (x) => x.check === 'attestation.roots'
    )!;
    expect([l.status, l.facts.missingPayersBatches]).toEqual(['fail', [1]]);
  });

  it('turns hostile inputs into failed lines, never an exception', () => {
    // Shares above 100% (a bundle can state anything): no after-fee total, the reward fails.
    const greedy = {
      ...era,
      conservation: { ...era.conservation, shares: { ...shares, treasury: 2n * 10n ** 18n } },
    };
    const { outcome } = verifyEraSubject(greedy);
    expect(outcome.billing?.afterFees).toBeNull();
    const side = {
      batchIndex: 0,
      maxBatchIndex: 0,
      entries: payees,
      keys: [node],
      proof: mmrProof([payeesBatch], 0, cereMerge),
      events: [{ account: provider, amount: rewards[0]!, expected: rewards[0]! }],
    };
    expect(status(verifySettlementSubject('payees', provider, side, outcome))).toMatchObject({
      'settlement.payees.amount': 'fail MALFORMED',
    });
    // Prices so large that Cere's arithmetic overflows: the charge cannot be computed.
    const huge = { ...era.billing!, pricing: { ...pricing, unitPerGetRequest: 1n << 127n } };
    const o2 = verifyEraSubject({ ...era, billing: huge }).outcome;
    const payersSide = {
      ...side,
      entries: payers,
      keys: [7n],
      proof: mmrProof([payersBatch], 0, cereMerge),
      events: [{ account: customer, amount: 1n, expected: null }],
    };
    expect(status(verifySettlementSubject('payers', customer, payersSide, o2))).toMatchObject({
      'settlement.payers.amount': 'fail MALFORMED',
    });
  });

  it("checks each account's amounts by Cere's rule", () => {
    const { outcome } = verifyEraSubject(era);
    const proof = mmrProof([payersBatch], 0, cereMerge);
    const payersSide = {
      batchIndex: 0,
      maxBatchIndex: 0,
      entries: payers,
      keys: [7n],
      proof,
      events: [{ account: customer, amount: charged[0]!, expected: null }],
    };
    expect(status(verifySettlementSubject('payers', customer, payersSide, outcome))).toEqual({
      'settlement.payers.proof': 'pass',
      'settlement.payers.entry': 'pass',
      'settlement.payers.amount': 'pass',
    });
    // The chain charged one planck more than its own rule gives for the bucket's usage.
    const over = {
      ...payersSide,
      events: [{ ...payersSide.events[0]!, amount: charged[0]! + 1n }],
    };
    expect(status(verifySettlementSubject('payers', customer, over, outcome))).toMatchObject({
      'settlement.payers.amount': 'fail AMOUNT_MISMATCH',
    });
    // A bucket the batch does not list.
    const absent = { ...payersSide, keys: [8n] };
    expect(status(verifySettlementSubject('payers', customer, absent, outcome))).toMatchObject({
      'settlement.payers.entry': 'fail ENTRY_NOT_FOUND',
    });
    // A usage changed in flight no longer proves into the attested root.
    const forged = {
      ...payersSide,
      entries: [{ ...payers[0]!, usage: u(1n, 1n, 1n, 1n) }, payers[1]!],
    };
    expect(status(verifySettlementSubject('payers', customer, forged, outcome))).toMatchObject({
      'settlement.payers.proof': 'fail PROOF_INVALID',
    });
    const payeesSide = {
      batchIndex: 0,
      maxBatchIndex: 0,
      entries: payees,
      keys: [node],
      proof: mmrProof([payeesBatch], 0, cereMerge),
      events: [{ account: provider, amount: rewards[0]!, expected: rewards[0]! }],
    };
    expect(status(verifySettlementSubject('payees', provider, payeesSide, outcome))).toEqual({
      'settlement.payees.proof': 'pass',
      'settlement.payees.entry': 'pass',
      'settlement.payees.amount': 'pass',
    });
    const wrongReward = {
      ...payeesSide,
      events: [{ account: provider, amount: rewards[1]!, expected: rewards[1]! }],
    };
    expect(status(verifySettlementSubject('payees', provider, wrongReward, outcome))).toMatchObject(
      {
        'settlement.payees.amount': 'fail AMOUNT_MISMATCH',
      }
    );
  });
});
