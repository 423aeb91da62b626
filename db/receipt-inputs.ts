/**
 * The inputs of a receipt's subjects, read from the indexer's tables: one reader per subject kind
 * (verifier/receipt.ts), used by the indexer inside its write transaction (after the batch's rows
 * are in) to compute and store the lines, and by the API to build the bundle `proofroom verify`
 * recomputes them from. The same SQL and the same conversion on both sides, so the stored lines and
 * the bundle's lines agree by construction (test/one-verdict.test.ts checks it on every receipt).
 *
 * - anchor subject (per batch): the remark, its sender and block, and the cluster's keys at that
 *   block (manager, member nodes, their providers);
 * - links subject (per record): the pair's grant versions up to the GAR read position the lines
 *   were computed at, the GAR anchors naming the pair up to that height, the service's anchoring
 *   key, and the node's membership in the batch's cluster with its provider;
 * - era and settlement subjects (per era, per account): `readEraEvidence` (db/era-evidence.ts)
 *   turned into verifier inputs by `eraInputs`.
 *
 * Hex, amounts and 64-bit integers come from the database as text; this module converts them.
 * @module
 */
import { parseHex, toHex } from '../verifier/bytes.ts';
import { garPairId } from '../verifier/envelope.ts';
import { payoutBatchSizeOf, payoutDesignOf } from '../verifier/cere-rules.ts';
import type { BillingBatchEvidence } from '../verifier/receipts/billing.ts';
import { billingEraInput, billingEvidence, billingVoteOf } from './billing-inputs.ts';
import { VALIDATOR_SET_READ } from './era-evidence.ts';
import { type PayoutEntry, payoutBatchRoot } from '../verifier/payout-tree.ts';
import type { EraSubjectInput } from '../verifier/receipt.ts';
import { type Shares, eraPayoutListsFromTotals } from '../verifier/receipts/activity.ts';
import type { CommittedSide, RootsSource } from '../verifier/receipts/attestation.ts';
import type { AnchorInput } from '../verifier/receipts/dac-batch.ts';
import type { GarAnchorInput, GrantEvidence, GrantInput } from '../verifier/receipts/gar.ts';
import type { BatchEvidence } from '../verifier/receipts/payout.ts';
import type { MembershipChange, RegistrationInput } from '../verifier/receipts/registration.ts';
import type { LinksSubjectInput } from '../verifier/kinds.ts';
import {
  type EraEvidenceRows,
  type PayoutBatchRow,
  type PaidRow,
  type Queryable,
  type SupersededRow,
  eventSource,
  maxBatchIndexOf,
  sharesOf,
  totalsOf,
} from './era-evidence.ts';

const hex = (s: string, len: number): Uint8Array => parseHex(s, len) ?? new Uint8Array(len);
const bytesOf = (b: Buffer | Uint8Array | null): Uint8Array =>
  b === null ? new Uint8Array(0) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const ms = (d: Date | string | null): number => (d === null ? 0 : new Date(d).getTime());

// Anchor ---------------------------------------------------------------------------------------

interface AnchorRow {
  id: string;
  cluster_id: string;
  envelope: Buffer | null;
  remark_hash: string | null;
  sender: string | null;
  event_index: number | null;
  extrinsic_id: string | null;
  block_height: number;
  block_hash: string | null;
  final: boolean | null;
}

/** The cluster's keys at `height`: its manager, its member nodes and their providers. */
async function authorityAt(
  db: Queryable,
  clusterId: string,
  height: number
): Promise<AnchorInput['authority']> {
  const cluster = (await db.query(`SELECT manager FROM cluster WHERE id = $1`, [clusterId]))
    .rows[0] as { manager: string | null } | undefined;
  const members = (
    await db.query(
      `SELECT node_id, kind, provider_id FROM (
         SELECT DISTINCT ON (e.node_id) e.node_id, e.kind, n.provider_id, e.block_height,
                split_part(e.id, '-', 2)::int AS idx
           FROM cluster_node_event e LEFT JOIN node n ON n.id = e.node_id
          WHERE e.cluster_id = $1 AND e.block_height <= $2 AND e.kind IN ('added', 'removed')
          ORDER BY e.node_id, e.block_height DESC, split_part(e.id, '-', 2)::int DESC) last
        ORDER BY block_height, idx`,
      [clusterId, height]
    )
  ).rows as Array<{ node_id: string; kind: string; provider_id: string | null }>;
  return {
    clusterId: hex(clusterId, 20),
    manager: cluster?.manager ? hex(cluster.manager, 32) : null,
    nodes: members
      .filter((m) => m.kind === 'added')
      .map((m) => ({
        node: hex(m.node_id, 32),
        provider: m.provider_id ? hex(m.provider_id, 32) : null,
      })),
  };
}

/** The anchor subject's inputs of each batch (`dac_batch.id`), with finality as stored now. */
export async function readAnchorInputs(
  db: Queryable,
  batchIds: readonly string[]
): Promise<Map<string, AnchorInput>> {
  const out = new Map<string, AnchorInput>();
  if (batchIds.length === 0) return out;
  const rows = (
    await db.query(
      `SELECT d.id, d.cluster_id, r.envelope, r.hash AS remark_hash, r.sender, r.event_index,
              r.extrinsic_id, d.block_height, b.hash AS block_hash, b.final
         FROM dac_batch d LEFT JOIN remark r ON r.id = d.remark_id
         LEFT JOIN block b ON b.height = d.block_height
        WHERE d.id = ANY($1::text[])`,
      [batchIds]
    )
  ).rows as AnchorRow[];
  const authorities = new Map<string, AnchorInput['authority']>();
  for (const r of rows) {
    const key = `${r.cluster_id}@${r.block_height}`;
    let authority = authorities.get(key);
    if (authority === undefined) {
      authority = await authorityAt(db, r.cluster_id, r.block_height);
      authorities.set(key, authority);
    }
    out.set(r.id, {
      envelope: bytesOf(r.envelope),
      remarkHash: hex(r.remark_hash ?? '', 32),
      sender: r.sender ? parseHex(r.sender, 32) : null,
      block: {
        number: r.block_height,
        hash: r.block_hash ?? `0x${'00'.repeat(32)}`,
        finalized: r.final === true,
      },
      authority,
      source: {
        block: r.block_height,
        eventIndex: r.event_index ?? 0,
        extrinsic: r.extrinsic_id ?? `${r.block_height}-?`,
      },
    });
  }
  return out;
}

// Links ----------------------------------------------------------------------------------------

/** What the links of one record are computed for. */
export interface LinksTarget {
  readonly id: string;
  readonly user: string | null;
  readonly agent: string | null;
  readonly node: string | null;
  /** The batch's cluster. */
  readonly clusterId: string;
  /** GAR versions up to this read position count (`gar_grant.seq`). */
  readonly garCursor: number;
  readonly garComplete: boolean;
  /** Chain rows up to this height count. */
  readonly height: number;
}

/** The GAR anchoring state the links are computed with. */
export interface GarState {
  readonly anchorKey: string | null;
  readonly error: string | null;
}

interface GrantRow {
  seq: string;
  payload: string;
  signature: string;
  url: string;
}

/** The pair's versions as served, first sighting of each version, in version order. */
function versionsOf(rows: readonly GrantRow[]): GrantInput[] {
  const byVersion = new Map<number, GrantInput>();
  for (const r of rows) {
    const version = Number(r.url.slice(r.url.lastIndexOf('#') + 1));
    if (byVersion.has(version)) continue;
    let signature: unknown;
    try {
      signature = JSON.parse(r.signature);
    } catch {
      signature = r.signature;
    }
    byVersion.set(version, { payload: r.payload, signature, source: { url: r.url } });
  }
  return [...byVersion.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

interface GarRemarkRow {
  id: string;
  envelope: Buffer;
  hash: string;
  sender: string;
  block_height: number;
  event_index: number;
  extrinsic_id: string | null;
  block_hash: string;
  final: boolean;
  timestamp: Date | null;
  previous_at: Date | null;
}

/**
 * The links subject's inputs of each target. Rows of one pair, one cluster and node are read once
 * and shared (so are the anchors' envelope bytes, which the verifier decodes once).
 */
export async function readLinksInputs(
  db: Queryable,
  targets: readonly LinksTarget[],
  gar: GarState
): Promise<Map<string, LinksSubjectInput>> {
  const out = new Map<string, LinksSubjectInput>();
  if (targets.length === 0) return out;
  const anchorKey = gar.anchorKey ? parseHex(gar.anchorKey, 32) : null;

  // Targets are read in groups that share the GAR read position and height (one group per write
  // in the indexer): each group reads its pairs' versions, their anchor entries and its nodes'
  // registrations with one query each, not one per record.
  const groups = new Map<string, LinksTarget[]>();
  for (const t of targets) {
    const k = `${t.garCursor}/${t.height}`;
    const list = groups.get(k);
    if (list) list.push(t);
    else groups.set(k, [t]);
  }
  const read = [];
  for (const group of groups.values()) {
    const { garCursor, height } = group[0]!;
    read.push({
      group,
      pairs: await readPairs(db, group, garCursor, height, anchorKey !== null),
      registrations: await readRegistrations(db, group, height),
    });
  }
  // The anchors those entries are in, by the service's key: read once, shared by every record.
  const anchorIds = new Set<string>();
  for (const r of read)
    for (const p of r.pairs.values()) for (const id of p.anchorIds) anchorIds.add(id);
  const anchorById =
    anchorKey === null
      ? new Map<string, { row: GarRemarkRow; input: GarAnchorInput }>()
      : await readGarAnchors(db, gar.anchorKey!, Math.max(...targets.map((t) => t.height)), [
          ...anchorIds,
        ]);
  const order = (a: string, b: string): number => {
    const x = anchorById.get(a)!.row;
    const y = anchorById.get(b)!.row;
    return x.block_height - y.block_height || x.event_index - y.event_index;
  };
  const none = { versions: [] as GrantInput[], anchors: [] as GarAnchorInput[] };
  for (const { group, pairs, registrations } of read) {
    // Each pair's anchors in chain order, once for all its records.
    const byPair = new Map<string, { versions: GrantInput[]; anchors: GarAnchorInput[] }>();
    for (const [k, p] of pairs)
      byPair.set(k, {
        versions: p.versions,
        anchors: p.anchorIds
          .filter((id) => anchorById.has(id))
          .sort(order)
          .map((id) => anchorById.get(id)!.input),
      });
    for (const t of group) {
      const p = (t.user && t.agent && byPair.get(`${t.user}/${t.agent}`)) || none;
      const grant: GrantEvidence = {
        versions: p.versions,
        anchors: p.anchors,
        anchorKey,
        complete: t.garComplete,
        error: t.garComplete ? null : gar.error,
      };
      const registration = t.node ? registrations.get(`${t.clusterId}/${t.node}`)! : null;
      out.set(t.id, { grant, registration });
    }
  }
  return out;
}

/**
 * The GAR anchor remarks `ids` that the service's key sent, up to `maxHeight`, each with the
 * block time of the key's anchor before it (where its window starts). The window runs over every
 * such remark; only the rows asked for (with their envelopes) are read out.
 */
async function readGarAnchors(
  db: Queryable,
  anchorKey: string,
  maxHeight: number,
  ids: readonly string[]
): Promise<Map<string, { row: GarRemarkRow; input: GarAnchorInput }>> {
  const out = new Map<string, { row: GarRemarkRow; input: GarAnchorInput }>();
  if (ids.length === 0) return out;
  const rows = (
    await db.query(
      `SELECT r.id, r.envelope, r.hash, r.sender, r.block_height, r.event_index, r.extrinsic_id,
              b.hash AS block_hash, b.final, b.timestamp, w.previous_at
         FROM (SELECT r.id, lag(b.timestamp) OVER (ORDER BY r.block_height, r.event_index) AS previous_at
                 FROM remark r JOIN block b ON b.height = r.block_height
                WHERE r.kind IN ('GarPairAnchor', 'GarAnchor') AND r.sender = $1
                  AND r.envelope IS NOT NULL AND r.block_height <= $2) w
         JOIN remark r ON r.id = w.id
         JOIN block b ON b.height = r.block_height
        WHERE w.id = ANY($3::text[])`,
      [anchorKey, maxHeight, ids]
    )
  ).rows as GarRemarkRow[];
  for (const a of rows)
    out.set(a.id, {
      row: a,
      input: {
        envelope: bytesOf(a.envelope),
        remarkHash: hex(a.hash, 32),
        sender: hex(a.sender, 32),
        block: {
          number: a.block_height,
          hash: a.block_hash,
          finalized: a.final,
          timestamp: ms(a.timestamp),
        },
        previousAt: a.previous_at === null ? null : ms(a.previous_at),
        source: {
          block: a.block_height,
          eventIndex: a.event_index,
          ...(a.extrinsic_id ? { extrinsic: a.extrinsic_id } : {}),
        },
      },
    });
  return out;
}

/** The versions (served up to `garCursor`) and GAR anchors (up to `height`) of the targets' pairs. */
async function readPairs(
  db: Queryable,
  targets: readonly LinksTarget[],
  garCursor: number,
  height: number,
  withAnchors: boolean
): Promise<Map<string, { versions: GrantInput[]; anchorIds: string[] }>> {
  const users: string[] = [];
  const agents: string[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    if (!t.user || !t.agent || seen.has(`${t.user}/${t.agent}`)) continue;
    seen.add(`${t.user}/${t.agent}`);
    users.push(t.user);
    agents.push(t.agent);
  }
  const out = new Map<string, { versions: GrantInput[]; anchorIds: string[] }>();
  if (users.length === 0) return out;
  const rows = (
    await db.query(
      `SELECT g.user_id, g.agent_id, g.seq::text AS seq, g.payload, g.signature, g.url,
              g.payload_hash
         FROM gar_grant g
         JOIN unnest($1::text[], $2::text[]) AS p(user_id, agent_id)
           ON g.user_id = p.user_id AND g.agent_id = p.agent_id
        WHERE g.seq <= $3
        ORDER BY g.user_id, g.agent_id, g.seq`,
      [users, agents, garCursor]
    )
  ).rows as Array<GrantRow & { user_id: string; agent_id: string; payload_hash: string }>;
  const byPair = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.user_id}/${r.agent_id}`;
    const list = byPair.get(k);
    if (list) list.push(r);
    else byPair.set(k, [r]);
  }
  // Anchor entries naming a pair, or (GarAnchor, no pair) one of its versions' hashes.
  const entries = withAnchors
    ? ((
        await db.query(
          `SELECT DISTINCT remark_id, pair_id, payload_hash FROM gar_anchor_entry
            WHERE block_height <= $1 AND (pair_id = ANY($2::text[])
               OR (pair_id IS NULL AND payload_hash = ANY($3::text[])))`,
          [
            height,
            users.map((u, i) => toHex(garPairIdHex(u, agents[i]!))),
            rows.map((r) => r.payload_hash),
          ]
        )
      ).rows as Array<{ remark_id: string; pair_id: string | null; payload_hash: string }>)
    : [];
  const byPairId = new Map<string, Set<string>>();
  const byHash = new Map<string, Set<string>>();
  for (const e of entries) {
    const [map, key] = e.pair_id ? [byPairId, e.pair_id] : [byHash, e.payload_hash];
    const set = map.get(key) ?? new Set<string>();
    set.add(e.remark_id);
    map.set(key, set);
  }
  users.forEach((user, i) => {
    const k = `${user}/${agents[i]}`;
    const own = byPair.get(k) ?? [];
    const ids = new Set(byPairId.get(toHex(garPairIdHex(user, agents[i]!))) ?? []);
    for (const r of own) for (const id of byHash.get(r.payload_hash) ?? []) ids.add(id);
    out.set(k, {
      versions: versionsOf(own),
      anchorIds: [...ids],
    });
  });
  return out;
}

/** Each (cluster, node) of the targets' membership changes up to `height`, and its provider. */
async function readRegistrations(
  db: Queryable,
  targets: readonly LinksTarget[],
  height: number
): Promise<Map<string, RegistrationInput>> {
  const clusters: string[] = [];
  const nodes: string[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    if (!t.node || seen.has(`${t.clusterId}/${t.node}`)) continue;
    seen.add(`${t.clusterId}/${t.node}`);
    clusters.push(t.clusterId);
    nodes.push(t.node);
  }
  const out = new Map<string, RegistrationInput>();
  if (nodes.length === 0) return out;
  const events = (
    await db.query(
      `SELECT e.id, e.cluster_id, e.node_id, e.kind, e.block_height, b.timestamp
         FROM cluster_node_event e
         JOIN unnest($1::text[], $2::text[]) AS t(cluster_id, node_id)
           ON e.cluster_id = t.cluster_id AND e.node_id = t.node_id
         JOIN block b ON b.height = e.block_height
        WHERE e.kind IN ('added', 'removed') AND e.block_height <= $3
        ORDER BY e.block_height, split_part(e.id, '-', 2)::int`,
      [clusters, nodes, height]
    )
  ).rows as Array<{
    id: string;
    cluster_id: string;
    node_id: string;
    kind: string;
    block_height: number;
    timestamp: Date | null;
  }>;
  const providers = (
    await db.query(
      `SELECT id, provider_id, event_id FROM node WHERE id = ANY($1::text[]) AND block_height <= $2`,
      [nodes, height]
    )
  ).rows as Array<{ id: string; provider_id: string; event_id: string }>;
  const providerOf = new Map(providers.map((p) => [p.id, p]));
  clusters.forEach((clusterId, i) => {
    const node = nodes[i]!;
    const own = events.filter((e) => e.cluster_id === clusterId && e.node_id === node);
    const p = providerOf.get(node);
    out.set(`${clusterId}/${node}`, {
      clusterId: hex(clusterId, 20),
      node: hex(node, 32),
      membership: own.map((e): MembershipChange => ({
        kind: e.kind === 'removed' ? 'removed' : 'added',
        at: ms(e.timestamp),
        source: eventSource(e.id),
      })),
      provider:
        p && p.provider_id
          ? { account: hex(p.provider_id, 32), source: eventSource(p.event_id) }
          : null,
    });
  });
  return out;
}

function garPairIdHex(user: string, agent: string): Uint8Array {
  return garPairId(hex(user, 32), hex(agent, 32));
}

// Era and settlement ---------------------------------------------------------------------------

export interface EraInputs {
  readonly era: EraSubjectInput;
  /** The batch evidence of one account on one side (null when no batch of the era lists it). */
  evidence(side: 'payers' | 'payees', account: string): BatchEvidence | BillingBatchEvidence | null;
}

/**
 * One side of the batches the era's payout sent, as the chain received them: each batch's root
 * from the entries its extrinsic carried (the first batch of an index, should one come twice), by
 * index up to the side's `max_batch_index` (null before the side began).
 */
function committedSide(
  batches: readonly PayoutBatchRow[],
  side: 'payers' | 'payees',
  maxBatchIndex: number | null
): CommittedSide {
  const mine = batches.filter((b) => b.side === side);
  const max = maxBatchIndex ?? mine[0]?.max_batch_index ?? null;
  if (max === null) return { maxBatchIndex: null, batchRoots: [] };
  const roots: Array<Uint8Array | null> = Array.from({ length: max + 1 }, () => null);
  for (const b of mine)
    if (b.batch_index <= max && roots[b.batch_index] === null)
      roots[b.batch_index] = payoutBatchRoot(
        b.entries.map(([a, amt]) => ({ account: hex(a, 32), amount: BigInt(amt) }))
      );
  return { maxBatchIndex: max, batchRoots: roots };
}

/**
 * The era subject's inputs from its stored evidence: votes with their ehd_id, the validator set
 * when the payout began, `begin_payout`, the payer and payee lists recomputed from the records'
 * costs with the cluster's shares (null without shares), `ClusterEraPaid`, a later paid era, and
 * the conservation totals. `evidence` gives each account's settlement input.
 */
export function eraInputs(
  clusterId: string,
  era: number,
  ev: EraEvidenceRows,
  paid: PaidRow | null,
  superseded: SupersededRow | null,
  payoutBatchSize: number | null,
  roots: RootsSource = 'activity'
): EraInputs {
  // Cere's batch size at the era's runtime, unless the operator fixed one.
  const batchSize = payoutBatchSize ?? payoutBatchSizeOf(ev.specVersion ?? Number.MAX_SAFE_INTEGER);
  const shares: Shares | null = sharesOf(ev);
  const lists = shares
    ? eraPayoutListsFromTotals(totalsOf(ev.byCustomer), totalsOf(ev.byProvider), shares)
    : null;
  const lines = ev.lines;
  const total = (kind: string) =>
    lines.filter((l) => l.kind === kind).reduce((s, l) => s + BigInt(l.amount), 0n);
  const firstFee = lines.find((l) => l.kind.startsWith('fee-'));
  const maxIndex = (side: 'payers' | 'payees'): number | null => maxBatchIndexOf(ev, side);
  const design = payoutDesignOf(ev.specVersion ?? Number.MAX_SAFE_INTEGER);
  const billing = design === 'billing-report';
  const input: EraSubjectInput = {
    clusterId: hex(clusterId, 20),
    era,
    ...(billing ? { design, billing: billingEraInput(ev, maxIndex) } : {}),
    validatorSet: ev.validatorSet
      ? {
          members: ev.validatorSet.members.map((m) => hex(m, 32)),
          // A set read from storage (71000 has no event for it) cites its block only.
          source: ev.validatorSet.id.endsWith(`-${VALIDATOR_SET_READ}`)
            ? { block: ev.validatorSet.block_height }
            : eventSource(ev.validatorSet.id),
        }
      : null,
    votes: ev.votes.map((v) => ({
      validator: hex(v.validator_id, 32),
      payersRoot: hex(v.payers_root, 32),
      payeesRoot: hex(v.payees_root, 32),
      ehdId: v.ehd_id,
      fingerprint: v.fingerprint ? hex(v.fingerprint, 32) : null,
      ...(billing ? { billing: billingVoteOf(v, era) } : {}),
      source: eventSource(v.id, v.extrinsic_id),
    })),
    payout: ev.begin
      ? {
          fingerprint: hex(ev.begin.fingerprint, 32),
          source: { block: ev.begin.block_height, extrinsic: ev.begin.id },
        }
      : null,
    ...(roots === 'committed' && !billing
      ? {
          committed: {
            payers: committedSide(ev.batches, 'payers', maxIndex('payers')),
            payees: committedSide(ev.batches, 'payees', maxIndex('payees')),
          },
        }
      : {}),
    activity:
      lists && lists.overdraw === 0n
        ? { batchSize, payers: lists.payers, payees: lists.payees }
        : lists
          ? { batchSize, payers: lists.payers, payees: [] }
          : null,
    paid: paid ? eventSource(paid.id, paid.extrinsic_id) : null,
    ...(paid?.kind === 'skipped' ? { skipped: true } : {}),
    superseded: superseded
      ? { era: superseded.era, source: eventSource(superseded.id, superseded.extrinsic_id) }
      : null,
    conservation: {
      charged: total('charge'),
      treasuryFees: total('fee-treasury'),
      reserveFees: total('fee-reserve'),
      validatorFees: total('fee-validators'),
      rewarded: total('reward'),
      notDistributed: total('not-distributed'),
      shares,
      ...(firstFee ? { source: eventSource(firstFee.id) } : {}),
    },
  };
  // Built on the first account's evidence, for every account of the era: each account's batch
  // (the first listing it), each batch's entries and proof decoded once and shared (so the
  // verifier hashes a batch once per era, not once per account), and the payout lines by account.
  type Batch = (typeof ev.batches)[number];
  let index:
    | {
        batchOf: Map<string, Batch>;
        linesOf: Map<string, typeof lines>;
        decoded(b: Batch): { entries: PayoutEntry[]; proof: Uint8Array[] };
      }
    | undefined;
  const settlementIndex = () => {
    if (index) return index;
    const batchOf = new Map<string, Batch>();
    for (const b of ev.batches)
      for (const [a] of b.entries)
        if (!batchOf.has(`${b.side}:${a}`)) batchOf.set(`${b.side}:${a}`, b);
    const linesOf = new Map<string, typeof lines>();
    for (const l of lines) {
      const k = `${l.kind}:${l.account_id}:${l.batch_index}`;
      const list = linesOf.get(k);
      if (list) list.push(l);
      else linesOf.set(k, [l]);
    }
    const decodedOf = new Map<Batch, { entries: PayoutEntry[]; proof: Uint8Array[] }>();
    const decoded = (b: Batch) => {
      let d = decodedOf.get(b);
      if (!d) {
        d = {
          entries: b.entries.map(([a, amt]) => ({ account: hex(a, 32), amount: BigInt(amt) })),
          proof: b.proof.map((p) => hex(p, 32)),
        };
        decodedOf.set(b, d);
      }
      return d;
    };
    return (index = { batchOf, linesOf, decoded });
  };
  const evidence = (
    side: 'payers' | 'payees',
    account: string
  ): BatchEvidence | BillingBatchEvidence | null => {
    if (billing) return billingEvidence(ev, side, account, maxIndex(side), (id) => eventSource(id));
    const at = settlementIndex();
    const batch = at.batchOf.get(`${side}:${account}`);
    if (!batch) return null;
    const kind = side === 'payers' ? 'charge' : 'reward';
    const acc = hex(account, 32);
    const { entries, proof } = at.decoded(batch);
    return {
      batchIndex: batch.batch_index,
      maxBatchIndex: maxIndex(side) ?? batch.max_batch_index,
      entries,
      proof,
      events: (at.linesOf.get(`${kind}:${account}:${batch.batch_index}`) ?? []).map((l) => ({
        account: acc,
        amount: BigInt(l.amount),
        expected: l.expected === null ? null : BigInt(l.expected),
        source: eventSource(l.id),
      })),
      source: { block: batch.block_height, extrinsic: batch.extrinsic_id },
    };
  };
  return { era: input, evidence };
}
