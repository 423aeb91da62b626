/**
 * The verifier inputs of an era paid under Cere's billing-report design (spec 71000 and before;
 * docs/cere-billing-report.md) from its stored evidence: the votes' era window and cluster usage,
 * the cluster's `unit_per_*` prices, the usage batches the payout sent, and each account's batch
 * (its buckets or nodes) with its `Charged` / `Rewarded` events. Pure: rows in, inputs out.
 * @module
 */
import {
  type Usage,
  customerCharge,
  providerReward,
  totalCharge,
} from '../verifier/billing-report.ts';
import { parseHex, toHex } from '../verifier/bytes.ts';
import type { Source } from '../verifier/lines.ts';
import type { Shares } from '../verifier/receipts/activity.ts';
import {
  type BillingBatchEvidence,
  type BillingEraInput,
  type BillingVote,
  type UsageEntry,
  type UsageSide,
  billingOutcome,
} from '../verifier/receipts/billing.ts';
import type { EraEvidenceRows, PayoutBatchRow, VoteRow } from './era-evidence.ts';

/** A stored usage (`{storedBytes, …}` decimal strings) as numbers; null when malformed. */
export function usageOf(v: unknown): Usage | null {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  // u64 counts and an i64 stored figure, as the chain's types bound them.
  const n = (x: unknown, min: bigint, max: bigint): bigint | null => {
    if (typeof x !== 'string' || !/^-?\d{1,20}$/.test(x)) return null;
    const b = BigInt(x);
    return b >= min && b <= max ? b : null;
  };
  const U64 = (1n << 64n) - 1n;
  const u = {
    transferredBytes: n(o.transferredBytes, 0n, U64),
    storedBytes: n(o.storedBytes, -(1n << 63n), (1n << 63n) - 1n),
    numberOfPuts: n(o.numberOfPuts, 0n, U64),
    numberOfGets: n(o.numberOfGets, 0n, U64),
  };
  return Object.values(u).every((x) => x !== null) ? (u as Usage) : null;
}

/** A billing vote's window and cluster usage, or null when the row lacks them. */
export function billingVoteOf(v: VoteRow, era: number): BillingVote | null {
  const usage = usageOf(v.cluster_usage);
  if (v.start_era === null || v.end_era === null || !usage) return null;
  return { era, startEra: BigInt(v.start_era), endEra: BigInt(v.end_era), clusterUsage: usage };
}

function keyOf(side: 'payers' | 'payees', k: unknown): bigint | Uint8Array | null {
  if (side === 'payers')
    return typeof k === 'string' && /^\d{1,20}$/.test(k) && BigInt(k) < 1n << 64n
      ? BigInt(k)
      : null;
  return parseHex(k, 32);
}

/** A stored billing batch's entries, or null when one is malformed. */
/**
 * A batch row's usage entries, one array per row: every account of the batch gets the same array,
 * so the verifier hashes the batch once per era (verifier/receipts/billing.ts).
 */
const entriesMemo = new WeakMap<PayoutBatchRow, UsageEntry[] | null>();
function entriesOf(side: 'payers' | 'payees', b: PayoutBatchRow): UsageEntry[] | null {
  if (entriesMemo.has(b)) return entriesMemo.get(b)!;
  const out = decodeEntries(side, b);
  entriesMemo.set(b, out);
  return out;
}

function decodeEntries(side: 'payers' | 'payees', b: PayoutBatchRow): UsageEntry[] | null {
  const out: UsageEntry[] = [];
  for (const e of b.entries as unknown[]) {
    if (!Array.isArray(e)) return null;
    const key = keyOf(side, e[0]);
    const usage = usageOf(e[1]);
    if (key === null || !usage) return null;
    out.push({ key, usage });
  }
  return out;
}

function sideOf(
  batches: readonly PayoutBatchRow[],
  side: 'payers' | 'payees',
  maxBatchIndex: number | null
): UsageSide {
  const mine = batches.filter((b) => b.side === side && b.design === 'billing-report');
  const max = maxBatchIndex ?? mine[0]?.max_batch_index ?? null;
  if (max === null) return { maxBatchIndex: null, batches: [] };
  const out: Array<UsageEntry[] | null> = Array.from({ length: max + 1 }, () => null);
  for (const b of mine)
    if (b.batch_index <= max && out[b.batch_index] === null)
      out[b.batch_index] = entriesOf(side, b);
  return { maxBatchIndex: max, batches: out };
}

/** The era-wide billing inputs: prices and both sides' usage batches. */
export function billingEraInput(
  ev: EraEvidenceRows,
  maxIndex: (side: 'payers' | 'payees') => number | null
): BillingEraInput {
  const p = ev.pricing;
  return {
    pricing: p
      ? {
          unitPerMbStored: BigInt(p.perMbStored!),
          unitPerMbStreamed: BigInt(p.perMbStreamed!),
          unitPerPutRequest: BigInt(p.perPut!),
          unitPerGetRequest: BigInt(p.perGet!),
        }
      : null,
    payers: sideOf(ev.batches, 'payers', maxIndex('payers')),
    payees: sideOf(ev.batches, 'payees', maxIndex('payees')),
  };
}

/**
 * The account's billing batch: for a customer, the batch listing a bucket whose `Charged` events
 * name the customer (the chain states the owner); for a provider, the batch listing one of the
 * nodes it provides (`node.provider_id`). Its events are the account's in that batch.
 */
export function billingEvidence(
  ev: EraEvidenceRows,
  side: 'payers' | 'payees',
  account: string,
  maxBatchIndex: number | null,
  eventSource: (id: string) => Source
): BillingBatchEvidence | null {
  const kind = side === 'payers' ? 'charge' : 'reward';
  const mineLines = ev.lines.filter((l) => l.kind === kind && l.account_id === account);
  const keys: Array<bigint | Uint8Array> =
    side === 'payers'
      ? [...new Set(mineLines.map((l) => l.bucket_id).filter((b): b is string => b !== null))].map(
          (b) => BigInt(b)
        )
      : ev.providerNodes
          .filter((n) => n.provider_id === account)
          .map((n) => parseHex(n.node_id, 32))
          .filter((k): k is Uint8Array => k !== null);
  const same = (a: bigint | Uint8Array, b: bigint | Uint8Array): boolean =>
    typeof a === 'bigint' || typeof b === 'bigint'
      ? a === b
      : a.length === b.length && a.every((x, i) => x === b[i]);
  for (const batch of ev.batches) {
    if (batch.side !== side || batch.design !== 'billing-report') continue;
    const entries = entriesOf(side, batch);
    if (!entries || !entries.some((e) => keys.some((k) => same(k, e.key)))) continue;
    const acc = parseHex(account, 32) ?? new Uint8Array(32);
    return {
      batchIndex: batch.batch_index,
      maxBatchIndex: maxBatchIndex ?? batch.max_batch_index,
      entries,
      keys,
      proof: batch.proof.map((p) => parseHex(p, 32) ?? new Uint8Array(32)),
      events: mineLines
        .filter((l) => l.batch_index === batch.batch_index)
        .map((l) => ({
          account: acc,
          amount: BigInt(l.amount),
          expected: l.expected === null ? null : BigInt(l.expected),
          source: eventSource(l.id),
        })),
      source: { block: batch.block_height, extrinsic: batch.extrinsic_id },
    };
  }
  return null;
}

/**
 * What Cere's own rules give each account of a billing-report era: per customer, the charge of
 * each bucket its `Charged` events name (`get_customer_charge` on the usage the payout sent); per
 * provider, the reward of each of its nodes (`get_provider_reward` after the fees). The window
 * and cluster usage are the first billing vote's (the reconciliation is a view; the lines check
 * the quorum's). Null when the era has no billing vote, no prices or no shares.
 */
export function billingAmounts(
  ev: EraEvidenceRows,
  era: number,
  maxIndex: (side: 'payers' | 'payees') => number | null,
  shares: Shares | null
): { payers: Map<string, bigint>; payees: Map<string, bigint> } | null {
  const input = billingEraInput(ev, maxIndex);
  const vote = ev.votes.map((v) => billingVoteOf(v, era)).find((v) => v !== null) ?? null;
  const outcome = billingOutcome(input, vote, shares);
  if (!outcome.vote || !outcome.pricing) return null;
  const o = outcome;
  const payers = new Map<string, bigint>();
  const payees = new Map<string, bigint>();
  const add = (m: Map<string, bigint>, k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v);
  const ownerOf = new Map<string, string>();
  for (const l of ev.lines)
    if (l.kind === 'charge' && l.bucket_id !== null && l.account_id)
      ownerOf.set(l.bucket_id, l.account_id);
  const providerOf = new Map(ev.providerNodes.map((n) => [n.node_id.toLowerCase(), n.provider_id]));
  for (const b of input.payers.batches)
    for (const e of b ?? []) {
      const owner = ownerOf.get(String(e.key));
      const c = customerCharge(o.pricing!, e.usage, o.vote!.startEra, o.vote!.endEra);
      const t = c.ok ? totalCharge(c.value) : null;
      if (owner && t?.ok) add(payers, owner, t.value);
    }
  for (const b of input.payees.batches)
    for (const e of b ?? []) {
      const provider = providerOf.get(toHex(e.key as Uint8Array));
      if (!provider || !o.afterFees) continue;
      const t = totalCharge(providerReward(e.usage, o.vote!.clusterUsage, o.afterFees));
      if (t.ok) add(payees, provider, t.value);
    }
  return { payers, payees };
}
