/**
 * Attestation rounds (Cere DdcPayouts, faithful to ddc-payouts @9ce78a52; reference/cere.md A.2,
 * A.3): validators commit payout fingerprints (`PayoutFingerprintCommited`, one per validator)
 * naming the era's payers and payees MMR roots. Quorum counts distinct known validators per root
 * pair (`cere67` or `twoThirds`); the leading roots must equal the roots this code recomputes from
 * the era's payer and payee lists.
 * @module
 */
import { compactU, concatBytes, equalBytes, toHex, utf8 } from '../bytes.ts';
import { blake2b256 } from '../hash.ts';
import { type Facts, type Line, type Source, verdict } from '../lines.ts';
import { type PayoutEntry, payoutTree } from '../payout-tree.ts';
import { type QuorumRule, tally } from '../quorum.ts';

export const RULE_FINGERPRINT = 'cere:payout-fingerprint-2025-03';
export const RULE_PAYOUT_MMR = 'cere:payout-mmr-ckb-0.8.1';

/**
 * The payout fingerprint of ddc-payouts @9ce78a52 ("Cere 2025-03 fingerprint"):
 * blake2b256(cluster_id 20 bytes ‖ SCALE String ehd_id ‖ payers_root ‖ payees_root).
 */
export function payoutFingerprint(
  clusterId: Uint8Array,
  ehdId: string,
  payersRoot: Uint8Array,
  payeesRoot: Uint8Array
): Uint8Array {
  const ehd = utf8(ehdId);
  return blake2b256(concatBytes(clusterId, compactU(ehd.length), ehd, payersRoot, payeesRoot));
}

/** `ehd_id` as Cere formats it: "0x<cluster hex>-0x<g-collector hex>-<era>". */
export function ehdId(clusterId: Uint8Array, gCollector: Uint8Array, era: number): string {
  return `${toHex(clusterId)}-${toHex(gCollector)}-${era}`;
}

/** The era's payers or payees root: MMR over the batch roots of the sorted, chunked entries. */
export function eraRootOf(entries: readonly PayoutEntry[], batchSize: number): Uint8Array | null {
  return entries.length === 0 ? null : payoutTree(entries, batchSize).root;
}

export interface FingerprintVote {
  readonly validator: Uint8Array;
  readonly payersRoot: Uint8Array;
  readonly payeesRoot: Uint8Array;
  /** The committed fingerprint, when the chain event or call carries one. */
  readonly fingerprint: Uint8Array | null;
  readonly source?: Source;
}

export interface AttestationInput {
  readonly clusterId: Uint8Array;
  readonly era: number;
  /** Needed to recompute fingerprints; null when the round's ehd_id is unknown. */
  readonly ehdId: string | null;
  /** The active validator set read from the chain (trusted). */
  readonly validators: readonly Uint8Array[];
  readonly votes: readonly FingerprintVote[];
  /** The era's payer and payee lists recomputed from the verified activity. */
  readonly activity: {
    readonly batchSize: number;
    readonly payers: readonly PayoutEntry[];
    readonly payees: readonly PayoutEntry[];
  };
}

export interface AttestationResult {
  readonly lines: Line[];
  /** The attested roots (those of the leading vote), for the settlement step. */
  readonly payersRoot: Uint8Array | null;
  readonly payeesRoot: Uint8Array | null;
}

function rootsKey(v: FingerprintVote): string {
  return toHex(v.payersRoot) + toHex(v.payeesRoot).slice(2);
}

export function checkAttestation(
  input: AttestationInput,
  record: { clusterId: Uint8Array; era: number },
  rule: QuorumRule
): AttestationResult {
  const lines: Line[] = [];
  const eraOk = equalBytes(input.clusterId, record.clusterId) && input.era === record.era;
  lines.push(
    verdict(
      eraOk,
      {
        step: 'attestation',
        check: 'attestation.era',
        rule: RULE_FINGERPRINT,
        facts: {
          expectedCluster: toHex(record.clusterId),
          expectedEra: record.era,
          cluster: toHex(input.clusterId),
          era: input.era,
        },
      },
      'ERA_MISMATCH'
    )
  );

  input.votes.forEach((v, i) => {
    if (!v.fingerprint || input.ehdId === null) return;
    const computed = payoutFingerprint(input.clusterId, input.ehdId, v.payersRoot, v.payeesRoot);
    lines.push(
      verdict(
        equalBytes(computed, v.fingerprint),
        {
          step: 'attestation',
          check: `attestation.fingerprint[${i}]`,
          rule: RULE_FINGERPRINT,
          facts: {
            validator: toHex(v.validator),
            expected: toHex(v.fingerprint),
            computed: toHex(computed),
            ehdId: input.ehdId,
          },
          ...(v.source ? { source: v.source } : {}),
        },
        'FINGERPRINT_MISMATCH'
      )
    );
  });

  const t = tally(
    input.votes.map((v) => ({ voter: toHex(v.validator), choice: rootsKey(v) })),
    input.validators.map(toHex),
    rule
  );
  const leadingVote = input.votes.find((v) => rootsKey(v) === t.leading) ?? null;
  const contested = t.counts.filter((c) => c.voters.length >= t.threshold).length > 1;
  const quorumFacts: Facts = {
    validators: t.n,
    rule: t.rule,
    threshold: t.threshold,
    votes: input.votes.length,
    leadingVotes: t.leadingVotes,
    leadingVoters: t.counts[0]?.voters ?? [],
    dissenting: t.counts.slice(1).flatMap((c) => c.voters),
    unknownSigners: t.unknown,
    duplicateSigners: t.duplicates,
    equivocators: t.equivocators,
    otherRule: t.other.rule,
    otherThreshold: t.other.threshold,
    otherReached: t.other.reached,
    decidedByRule: t.reached !== t.other.reached,
    contested,
  };
  lines.push(
    verdict(
      t.reached && !contested,
      { step: 'attestation', check: 'attestation.quorum', rule, facts: quorumFacts },
      'QUORUM_NOT_MET'
    )
  );

  const payersComputed = eraRootOf(input.activity.payers, input.activity.batchSize);
  const payeesComputed = eraRootOf(input.activity.payees, input.activity.batchSize);
  const rootsFacts: Facts = {
    votedPayersRoot: leadingVote ? toHex(leadingVote.payersRoot) : null,
    votedPayeesRoot: leadingVote ? toHex(leadingVote.payeesRoot) : null,
    computedPayersRoot: payersComputed ? toHex(payersComputed) : null,
    computedPayeesRoot: payeesComputed ? toHex(payeesComputed) : null,
    payers: input.activity.payers.length,
    payees: input.activity.payees.length,
    batchSize: input.activity.batchSize,
  };
  const rootsOk =
    leadingVote !== null &&
    payersComputed !== null &&
    payeesComputed !== null &&
    equalBytes(leadingVote.payersRoot, payersComputed) &&
    equalBytes(leadingVote.payeesRoot, payeesComputed);
  lines.push(
    verdict(
      rootsOk,
      { step: 'attestation', check: 'attestation.roots', rule: RULE_PAYOUT_MMR, facts: rootsFacts },
      'ROOTS_MISMATCH'
    )
  );
  return {
    lines,
    payersRoot: leadingVote ? leadingVote.payersRoot : null,
    payeesRoot: leadingVote ? leadingVote.payeesRoot : null,
  };
}
