/**
 * The portable receipt bundle of one indexed activity record (verifier/bundle.ts owns its format
 * and its one writer; docs/spec.md §Receipt bundle describes it), assembled from the indexer's
 * database with the readers the indexer computes its lines with (db/receipt-inputs.ts):
 *
 * - the record's exact stored bytes, its leaf position and MMR proof;
 * - its links: the pair's grant versions up to the GAR read position the stored lines were
 *   computed at, the GAR anchors naming the pair up to the height they were computed at, the
 *   service's anchoring key, the node's membership in the batch's cluster and its provider;
 * - the anchor: the batch's remark, its sender, block and finality, and the cluster's keys;
 * - the era: votes, validator set, `begin_payout`, recomputed lists, payout events, a later paid
 *   era; the settlement batches of the record's customer and provider.
 *
 * So `verifyReceipt` on the bundle gives the lines stored for the record, by construction
 * (test/one-verdict.test.ts checks it for every receipt of the fault devnet). A pure data
 * function: SQL in, JSON out; the HTTP layer serves it as `GET /v1/receipts/:id`.
 * @module
 */
import {
  type EraEvidenceRows,
  type PaidRow,
  type Queryable,
  readEraEvidence,
  readEraPaid,
  readSuperseded,
} from '../db/era-evidence.ts';
import { eraInputs, readAnchorInputs, readLinksInputs } from '../db/receipt-inputs.ts';
import { type ReceiptBundleJson, writeBundle } from '../verifier/bundle.ts';
import { citedBlocks } from '../verifier/chain.ts';
import type { ChainProofSource } from '../verifier/proof-source.ts';
import type { RootsSource } from '../verifier/receipts/attestation.ts';
import { parseHex, toHex } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { kindOfFormat, scpJsonKind } from '../verifier/kinds.ts';
import { mmrProof } from '../verifier/mmr.ts';
import { cereMerge } from '../verifier/payout-tree.ts';

export type { Queryable } from '../db/era-evidence.ts';

/** The SS58 prefix a bundle names when the indexer has not recorded the chain's (Cere's). */
export const FALLBACK_SS58_PREFIX = 54;

export interface BundleOptions {
  /**
   * The payout batch size the era roots are recomputed with; must be the indexer's
   * `PROOFROOM_PAYOUT_BATCH_SIZE`. Default (undefined or null): each era's runtime version's
   * (verifier/cere-rules.ts `payoutBatchSizeOf`).
   */
  readonly payoutBatchSize?: number | null;
  /** What era roots are checked against; must be the indexer's `PROOFROOM_ROOTS` (default activity). */
  readonly roots?: RootsSource;
  /** Storage node base URLs, listed as further places to fetch the batch payload from. */
  readonly storageUrls?: readonly string[];
  /**
   * Where the chain proofs come from (the node the API follows); absent: a bundle without proofs,
   * whose chain facts rest on the API's word (`?proofs=0`).
   */
  readonly proofs?: ChainProofSource;
  /** Reads an era's evidence (default: straight from the database; the API passes its cache). */
  readonly readEra?: (
    db: Queryable,
    clusterId: string,
    era: number
  ) => Promise<{ paid: PaidRow | null; evidence: EraEvidenceRows }>;
}

/** The record's row with its batch. */
interface RecordRow {
  id: string;
  record_id: string;
  batch_id: string;
  leaf_index: number;
  user_id: string | null;
  agent_id: string | null;
  node_id: string | null;
  customer_id: string | null;
  provider_id: string | null;
  raw: Buffer;
  proof: Buffer | null;
  links_height: number | null;
  gar_cursor: string | null;
  gar_complete: boolean | null;
  batch_cluster_id: string;
  batch_era: number;
  batch_index: number;
  record_format: number;
  leaf_count: number;
  root: string;
  payload_hash: string;
  payload_url: string | null;
  block_height: number;
}

const MAX_PAYLOAD_URLS = 16;

/** The stored record bytes as readers see them: JSON, or else the raw text. */
export function recordOf(raw: Buffer): unknown {
  return scpJsonKind.readRecord(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
}

/** A batch's stored leaves in order, read once per batch per call (for proofs not stored). */
function batchLeaves(db: Queryable) {
  const read = new Map<string, Promise<Array<{ leaf_index: number; raw: Buffer }>>>();
  return (batchId: string) => {
    let leaves = read.get(batchId);
    if (!leaves) {
      leaves = db
        .query(
          `SELECT leaf_index, raw FROM activity_record WHERE batch_id = $1 ORDER BY leaf_index`,
          [batchId]
        )
        .then((r) => r.rows as Array<{ leaf_index: number; raw: Buffer }>);
      read.set(batchId, leaves);
    }
    return leaves;
  };
}

/** The record's MMR proof: stored, or recomputed from the batch's stored records. */
async function inclusionProof(
  leavesOf: ReturnType<typeof batchLeaves>,
  row: RecordRow
): Promise<Uint8Array[]> {
  if (row.proof !== null && row.proof.length % 32 === 0) {
    const items: Uint8Array[] = [];
    for (let o = 0; o < row.proof.length; o += 32)
      items.push(new Uint8Array(row.proof.subarray(o, o + 32)));
    return items;
  }
  const leaves = await leavesOf(row.batch_id);
  // Every leaf must be there, in place; otherwise there is no proof to give (the check fails).
  if (leaves.length !== row.leaf_count || leaves.some((l, i) => l.leaf_index !== i)) return [];
  return mmrProof(
    leaves.map((l) => blake2b256(l.raw)),
    row.leaf_index,
    cereMerge
  );
}

/**
 * The receipt bundle of the activity record `activityRecordId` (`activity_record.id`, i.e.
 * `<batch id>:<leaf index>`), or null when there is no such record.
 *
 * With a `pg.Pool`, each query sees the latest commit; pass a client inside a `REPEATABLE READ`
 * transaction to read one snapshot while the indexer writes.
 */
export async function buildReceiptBundle(
  db: Queryable,
  activityRecordId: string,
  opts: BundleOptions = {}
): Promise<ReceiptBundleJson | null> {
  return (await buildReceiptBundles(db, [activityRecordId], opts)).get(activityRecordId) ?? null;
}

/**
 * The receipt bundles of a page of activity records (`activity_record.id`s), by id; ids with no
 * record are absent. Each bundle is the one `buildReceiptBundle` gives for its id alone (one code
 * path: the single form is a page of one), but the page costs a fixed number of statements, not a
 * number per record: the records in one, their links and anchors with one reader call each, every
 * era the page touches read once (through `opts.readEra`, the API's cache), and every batch whose
 * proofs must be recomputed read once. Keep pages to a few hundred ids (one `ANY($1)` array).
 */
export async function buildReceiptBundles(
  db: Queryable,
  activityRecordIds: readonly string[],
  opts: BundleOptions = {}
): Promise<Map<string, ReceiptBundleJson>> {
  const out = new Map<string, ReceiptBundleJson>();
  const ids = [...new Set(activityRecordIds)];
  if (ids.length === 0) return out;
  const rows = (
    await db.query(
      `SELECT a.id, a.record_id, a.batch_id, a.leaf_index, a.user_id, a.agent_id, a.node_id,
              a.customer_id, a.provider_id, a.raw, a.proof, a.links_height,
              a.gar_cursor::text AS gar_cursor, a.gar_complete,
              d.cluster_id AS batch_cluster_id, d.era AS batch_era, d.batch_index, d.record_format,
              d.leaf_count, d.root, d.payload_hash, d.payload_url, d.block_height
         FROM activity_record a JOIN dac_batch d ON d.id = a.batch_id
        WHERE a.id = ANY($1::text[])`,
      [ids]
    )
  ).rows as RecordRow[];
  if (rows.length === 0) return out;
  const chain = await chainOf(db);
  const status = (
    await db.query(`SELECT gar_anchor_key, gar_error FROM indexer_status WHERE id = 'main'`)
  ).rows[0] as { gar_anchor_key: string | null; gar_error: string | null } | undefined;
  const linksById = await readLinksInputs(
    db,
    rows.map((row) => ({
      id: row.id,
      user: row.user_id,
      agent: row.agent_id,
      node: row.node_id,
      clusterId: row.batch_cluster_id,
      garCursor: Number(row.gar_cursor ?? 0),
      garComplete: row.gar_complete ?? true,
      height: row.links_height ?? row.block_height,
    })),
    { anchorKey: status?.gar_anchor_key ?? null, error: status?.gar_error ?? null }
  );
  const anchors = await readAnchorInputs(db, [...new Set(rows.map((r) => r.batch_id))]);

  // Each era of the page once: its evidence (cached by the API), and the later era that
  // supersedes it when it is not paid yet.
  const eras = new Map<string, ReturnType<typeof eraInputs>>();
  const eraOf = async (clusterId: string, era: number) => {
    const key = `${clusterId}/${era}`;
    let inputs = eras.get(key);
    if (!inputs) {
      let paid: PaidRow | null;
      let ev: EraEvidenceRows;
      if (opts.readEra) ({ paid, evidence: ev } = await opts.readEra(db, clusterId, era));
      else {
        paid = await readEraPaid(db, clusterId, era);
        ev = await readEraEvidence(db, clusterId, era, paid ? paid.block_height : null);
      }
      const superseded = paid ? null : await readSuperseded(db, clusterId, era);
      inputs = eraInputs(
        clusterId,
        era,
        ev,
        paid,
        superseded,
        opts.payoutBatchSize ?? null,
        opts.roots ?? 'activity'
      );
      eras.set(key, inputs);
    }
    return inputs;
  };
  const leavesOf = batchLeaves(db);

  for (const row of rows) {
    const kind = kindOfFormat(row.record_format) ?? scpJsonKind;
    const bytes = new Uint8Array(row.raw.buffer, row.raw.byteOffset, row.raw.byteLength);
    const links = linksById.get(row.id)!;
    const anchor = anchors.get(row.batch_id)!;
    const inputs = await eraOf(row.batch_cluster_id, row.batch_era);

    const storage = (opts.storageUrls ?? []).map(
      (u) => `${u.replace(/\/$/, '')}/v1/payloads/${row.payload_hash}`
    );
    const payloadUrls = [
      ...new Set([...(row.payload_url ? [row.payload_url] : []), ...storage]),
    ].slice(0, MAX_PAYLOAD_URLS);

    const settlement = {
      payers: row.customer_id ? inputs.evidence('payers', row.customer_id) : null,
      payees: row.provider_id ? inputs.evidence('payees', row.provider_id) : null,
    };
    const proofs = opts.proofs
      ? await opts.proofs.proofsFor(citedBlocks({ anchor, links, era: inputs.era, settlement }))
      : null;
    out.set(
      row.id,
      writeBundle({
        kind: kind.id,
        recordId: row.record_id,
        chain,
        recordBytes: bytes,
        links,
        inclusion: {
          batchIndex: row.batch_index,
          leafIndex: row.leaf_index,
          leafCount: row.leaf_count,
          proof: await inclusionProof(leavesOf, row),
          root: parseHex(row.root, 32) ?? new Uint8Array(32),
          payloadUrls,
          ...(row.payload_url ? { source: { url: row.payload_url } } : {}),
        },
        anchor,
        era: inputs.era,
        settlement,
        proofs,
      })
    );
  }
  return out;
}

/** The chain the indexer recorded (`chain_info`), else fallbacks: genesis from block 0. */
async function chainOf(db: Queryable): Promise<ReceiptBundleJson['chain']> {
  const info = (
    await db.query(`SELECT name, genesis_hash, ss58_prefix FROM chain_info WHERE id = 'main'`)
  ).rows[0] as { name: string; genesis_hash: string; ss58_prefix: number | null } | undefined;
  if (info)
    return {
      name: info.name,
      genesisHash: info.genesis_hash,
      ss58Prefix: info.ss58_prefix ?? FALLBACK_SS58_PREFIX,
    };
  const genesis = (await db.query(`SELECT hash FROM block WHERE height = 0`)).rows[0] as
    { hash: string } | undefined;
  return {
    name: 'unknown',
    genesisHash: genesis?.hash ?? toHex(new Uint8Array(32)),
    ss58Prefix: FALLBACK_SS58_PREFIX,
  };
}
