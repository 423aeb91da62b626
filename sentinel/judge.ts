/**
 * Judging what the storage nodes answered for one batch, and writing it down: for each sampled
 * leaf and each node, an outcome (ok, mismatch, missing, timeout, error) with its reason code and
 * facts, and for each failure an evidence document signed by the sentinel.
 *
 * A node's answer is ok when the bytes hash to the payload hash the anchored envelope commits to,
 * decode to the committed number of records whose MMR root is the anchored root, and the sampled
 * record's leaf, with its proof, leads to that root. The nodes' answers are also compared with
 * each other: each row names the nodes that served the same bytes.
 *
 * Nodes usually serve the same bytes, so the work is done per distinct body (by the hash the fetch
 * computed): each body is checked once, and the sampled leaves' MMR proofs are built once per
 * body, for every node that served it.
 * @module
 */
import { equalBytes, parseHex, toHex } from '../verifier/bytes.ts';
import { type DacBatchEnvelope, decodeEnvelope } from '../verifier/envelope.ts';
import {
  EVIDENCE_FORMAT,
  type CheckKind,
  type Evidence,
  type EvidenceBody,
  type EvidenceDraw,
  type FailureKind,
  evidenceSigningBytes,
} from '../verifier/evidence.ts';
import { blake2b256 } from '../verifier/hash.ts';
import type { Line, ReasonCode } from '../verifier/lines.ts';
import { mmrProof, mmrProofs } from '../verifier/mmr.ts';
import { cereMerge } from '../verifier/payout-tree.ts';
import {
  checkBatchPayloadLeaves,
  checkInclusion,
  decodeBatchPayload,
} from '../verifier/receipts/dac-batch.ts';
import type { NodeAnswer } from './fetch.ts';
import type { SentinelKey } from './keys.ts';
import type { AnchoredBatch, CheckRow, StoredRecord } from './store.ts';

export interface Verdict {
  readonly kind: CheckKind;
  readonly code: ReasonCode | null;
  /** The batch's leaves as this node served them, when its bytes were well framed. */
  readonly leaves: Uint8Array[] | null;
  readonly facts: Record<string, string | number | boolean | null>;
}

/** The anchored envelope of a batch, or null when the stored bytes do not decode as one. */
export function batchEnvelope(b: AnchoredBatch): DacBatchEnvelope | null {
  if (!equalBytes(blake2b256(b.envelope), parseHex(b.remarkHash, 32) ?? new Uint8Array()))
    return null;
  const env = decodeEnvelope(b.envelope);
  return env.ok && env.value.kind === 'DacBatch' ? env.value : null;
}

/** What a body is, checked against the envelope: the same for every node that served it. */
export interface BodyCheck {
  readonly ok: boolean;
  readonly code: ReasonCode | null;
  readonly leaves: Uint8Array[] | null;
}

/**
 * One node's answer for the batch as a whole. `bodies` (by body hash) shares the payload check
 * between the answers of one batch: a body served by several nodes is checked (hashed, decoded,
 * its leaves and root computed) once.
 */
export function judgeAnswer(
  a: NodeAnswer,
  env: DacBatchEnvelope,
  bodies: Map<string, BodyCheck> = new Map()
): Verdict {
  const expected = toHex(env.payloadHash);
  const base = { status: a.status, error: a.error, latencyMs: a.latencyMs };
  if (a.error === 'timeout')
    return { kind: 'timeout', code: 'UNAVAILABLE', leaves: null, facts: base };
  if (a.error === 'too-large')
    return { kind: 'error', code: 'TOO_LARGE', leaves: null, facts: base };
  if (a.error !== null) return { kind: 'error', code: 'UNAVAILABLE', leaves: null, facts: base };
  if (a.status === 404) return { kind: 'missing', code: 'UNAVAILABLE', leaves: null, facts: base };
  if (a.status !== 200 || !a.body)
    return { kind: 'error', code: 'UNAVAILABLE', leaves: null, facts: base };
  const key = a.hash ?? toHex(blake2b256(a.body));
  let got = bodies.get(key);
  if (!got) {
    const c = checkBatchPayloadLeaves(a.body, env);
    let leaves = c.leaves;
    if (!c.line.ok && leaves === null) {
      // Wrong bytes: still decoded when the framing allows (as many records as anchored), so
      // each sampled leaf can say whether its own record changed or another one did.
      const recs = decodeBatchPayload(a.body, env.recordFormat);
      if (recs.ok && recs.value.length === env.leafCount)
        leaves = recs.value.map((r) => blake2b256(r));
    }
    got = { ok: c.line.ok, code: c.line.ok ? null : c.line.code, leaves };
    bodies.set(key, got);
  }
  const facts = { ...base, bytes: a.body.length, hash: a.hash, expected };
  if (!got.ok) {
    // Wrong bytes: still decoded when the framing allows, to say whether the record changed.
    return { kind: 'mismatch', code: got.code, leaves: got.leaves, facts };
  }
  return { kind: 'ok', code: null, leaves: got.leaves, facts };
}

/**
 * The sampled leaves' MMR proofs in one body's leaves, built on first use and kept: every node
 * that served the body, and the evidence quoting it, share them. For more than two sampled leaves
 * the proofs of the whole batch are built together (each subtree root computed once), else each
 * proof on its own.
 */
class BodyProofs {
  private all: Uint8Array[][] | null = null;
  private readonly one = new Map<number, Uint8Array[]>();
  private readonly inclusion = new Map<number, Line>();
  constructor(
    private readonly leaves: readonly Uint8Array[],
    private readonly wanted: number
  ) {}

  proof(leafIndex: number): Uint8Array[] {
    if (this.wanted > 2) {
      this.all ??= mmrProofs(this.leaves, cereMerge);
      // (An index outside the batch goes to mmrProof, which refuses it.)
      const p = this.all[leafIndex];
      if (p) return p;
    }
    let p = this.one.get(leafIndex);
    if (!p) this.one.set(leafIndex, (p = mmrProof(this.leaves, leafIndex, cereMerge)));
    return p;
  }

  /** The leaf's own proof checked against the anchored root. */
  included(leafIndex: number, env: DacBatchEnvelope): Line {
    let inc = this.inclusion.get(leafIndex);
    if (!inc) {
      inc = checkInclusion(this.leaves[leafIndex]!, {
        leafIndex,
        leafCount: env.leafCount,
        proof: this.proof(leafIndex),
        root: env.root,
      });
      this.inclusion.set(leafIndex, inc);
    }
    return inc;
  }
}

export interface BatchContext {
  readonly roundId: string;
  readonly clusterId: string;
  readonly era: number;
  readonly key: SentinelKey;
  readonly timeoutMs: number;
  /** Largest body copied into an evidence document. */
  readonly evidenceBodyBytes: number;
  /** The round's draw (VRF proof and population), copied into every evidence document. */
  readonly draw: EvidenceDraw;
}

/**
 * Rows (one per sampled leaf and node) and evidence for a batch, from the nodes' answers. `stored`
 * holds what the indexer kept of the sampled records (leaf and proof), used for the proof in the
 * evidence when no node served the batch intact.
 */
export function judgeBatch(
  ctx: BatchContext,
  batch: AnchoredBatch,
  env: DacBatchEnvelope,
  leaves: readonly number[],
  answers: readonly NodeAnswer[],
  stored: ReadonlyMap<string, StoredRecord>
): CheckRow[] {
  const bodies = new Map<string, BodyCheck>();
  const verdicts = answers.map((a) => judgeAnswer(a, env, bodies));
  const intact = verdicts.findIndex((v) => v.kind === 'ok');
  const good = intact >= 0 ? verdicts[intact]!.leaves! : null;
  // Answers with the same body share its leaves array, and so its proofs.
  const proofs = new Map<readonly Uint8Array[], BodyProofs>();
  const proofsOf = (l: readonly Uint8Array[]): BodyProofs => {
    let p = proofs.get(l);
    if (!p) proofs.set(l, (p = new BodyProofs(l, leaves.length)));
    return p;
  };
  const rows: CheckRow[] = [];
  for (const leafIndex of leaves) {
    const activityId = `${batch.batchId}:${leafIndex}`;
    const kept = stored.get(activityId);
    const goodProof = good ? proofsOf(good).proof(leafIndex) : null;
    const proof = good
      ? {
          leafIndex,
          leaf: toHex(good[leafIndex]!),
          items: goodProof!.map(toHex),
          from: answers[intact]!.node,
        }
      : kept
        ? { leafIndex, leaf: toHex(kept.leaf), items: kept.proof.map(toHex), from: 'indexer' }
        : null;
    answers.forEach((a, i) => {
      let v = verdicts[i]!;
      const facts: Record<string, unknown> = {
        ...v.facts,
        agreesWith: answers
          .filter((b, j) => j !== i && b.hash !== null && b.hash === a.hash)
          .map((b) => b.node),
      };
      if (v.kind === 'ok') {
        // The sampled record itself: its leaf from these bytes, with its proof, to the anchored root.
        const leaf = v.leaves![leafIndex]!;
        const body = proofsOf(v.leaves!);
        const items = body.proof(leafIndex);
        const inc = body.included(leafIndex, env);
        facts.leaf = toHex(leaf);
        if (kept)
          facts.storedProof =
            kept.proof.length === items.length &&
            kept.proof.every((p, k) => equalBytes(p, items[k]!))
              ? 'same'
              : 'differs';
        if (!inc.ok) v = { ...v, kind: 'mismatch', code: inc.code };
      } else if (v.leaves && good) {
        // Wrong bytes that still decode: did the sampled record change, or something else?
        const theirs = v.leaves[leafIndex];
        facts.recordAltered = !theirs || !equalBytes(theirs, good[leafIndex]!);
      }
      const ev: Evidence | null =
        v.kind === 'ok'
          ? null
          : sign(ctx.key, {
              format: EVIDENCE_FORMAT,
              sentinel: ctx.key.id,
              claim: { kind: v.kind as FailureKind, code: v.code! },
              subject: {
                round: ctx.roundId,
                clusterId: toHex(env.clusterId),
                era: env.era,
                batchId: batch.batchId,
                batchIndex: env.batchIndex,
                activityId,
                leafIndex,
              },
              draw: ctx.draw,
              request: {
                method: 'GET',
                url: a.url,
                node: a.node,
                startedAt: a.startedAt.toISOString(),
                endedAt: a.endedAt.toISOString(),
                timeoutMs: ctx.timeoutMs,
              },
              response: {
                status: a.status,
                error: a.error,
                bytes: a.body ? a.body.length : null,
                hash: a.hash,
                body: a.body && a.body.length <= ctx.evidenceBodyBytes ? toHex(a.body) : null,
                latencyMs: a.latencyMs,
              },
              expected: {
                payloadHash: toHex(env.payloadHash),
                root: toHex(env.root),
                leafCount: env.leafCount,
                recordFormat: env.recordFormat,
              },
              anchor: {
                blockHeight: batch.blockHeight,
                blockHash: batch.blockHash,
                remarkId: batch.remarkId,
                remarkHash: batch.remarkHash,
                envelope: toHex(batch.envelope),
              },
              proof,
              peers: answers
                .filter((_, j) => j !== i)
                .map((b) => ({ node: b.node, status: b.status, error: b.error, hash: b.hash })),
              checkedAt: a.endedAt.toISOString(),
            });
      rows.push({
        batchId: batch.batchId,
        activityId,
        leafIndex,
        payloadHash: batch.payloadHash,
        nodeUrl: a.node,
        checkedAt: a.endedAt,
        kind: v.kind,
        code: v.code,
        latencyMs: a.latencyMs,
        facts,
        evidence: ev,
      });
    });
  }
  return rows;
}

function sign(key: SentinelKey, body: EvidenceBody): Evidence {
  const value = key.sign(evidenceSigningBytes(body));
  return { ...body, signature: { algorithm: 'ed25519', signer: key.id, value: toHex(value) } };
}
