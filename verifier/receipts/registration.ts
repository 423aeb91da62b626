/**
 * The record's signers against the chain's registrations (Cere DdcNodes and DdcClusters): the
 * storage node that signed the record was a member of the batch's cluster at the record's time
 * (`ClusterNodeAdded` without a later `ClusterNodeRemoved`), and the provider the record pays is
 * the node's provider (the account that created the node, `DdcNodes.create_node`).
 * @module
 */
import { equalBytes, toHex } from '../bytes.ts';
import { type Facts, type Line, type Source, fail, verdict } from '../lines.ts';
import { formatRfc3339 } from '../time.ts';

export const RULE_REGISTRATION = 'cere:DdcClusters.ClustersNodes';

/** A change of the node's membership in the cluster, at a block's time. */
export interface MembershipChange {
  readonly kind: 'added' | 'removed';
  /** The block's `Timestamp.Now`, epoch ms. */
  readonly at: number;
  readonly source?: Source;
}

export interface RegistrationInput {
  /** The cluster whose membership is listed (the anchored batch's). */
  readonly clusterId: Uint8Array;
  /** The node whose membership is listed. */
  readonly node: Uint8Array;
  /** The node's membership changes in the cluster, in chain order. */
  readonly membership: readonly MembershipChange[];
  /** The node's provider on chain; null when the node was never created. */
  readonly provider: { readonly account: Uint8Array; readonly source?: Source } | null;
}

/**
 * `record.registration` for a record of `node`, paying `provider`, at `at` (epoch ms), anchored
 * in a batch of cluster `clusterId`.
 */
export function checkRegistration(
  record: { node: Uint8Array; provider: Uint8Array; at: number } | null,
  clusterId: Uint8Array | null,
  input: RegistrationInput | null
): Line {
  const base = { step: 'record' as const, check: 'record.registration', rule: RULE_REGISTRATION };
  if (!record) return fail({ ...base, facts: { blockedBy: 'record.decode' } }, 'MALFORMED');
  if (!clusterId) return fail({ ...base, facts: { blockedBy: 'anchor.remark' } }, 'MALFORMED');
  if (!input || !equalBytes(input.node, record.node) || !equalBytes(input.clusterId, clusterId))
    return fail(
      {
        ...base,
        facts: {
          node: toHex(record.node),
          clusterId: toHex(clusterId),
          reason: "the node's registrations in the cluster are not given",
        },
      },
      'MALFORMED'
    );
  let state: MembershipChange | null = null;
  for (const m of input.membership) if (m.at <= record.at) state = m;
  const member = state?.kind === 'added';
  const facts: Facts = {
    node: toHex(record.node),
    clusterId: toHex(clusterId),
    at: formatRfc3339(record.at),
    membership: state ? state.kind : 'never added',
    membershipBlock: state?.source?.block ?? null,
    provider: toHex(record.provider),
    nodeProvider: input.provider ? toHex(input.provider.account) : null,
  };
  const source = state?.source ?? input.provider?.source;
  const init = { ...base, facts, ...(source ? { source } : {}) };
  if (!member || !input.provider) return fail(init, 'NOT_REGISTERED');
  return verdict(equalBytes(input.provider.account, record.provider), init, 'SIGNER_MISMATCH');
}
