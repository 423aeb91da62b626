/**
 * The sentinel's reads and writes. It reads what the indexer stored (paid eras, their anchored
 * batches, the cluster's storage nodes, the records' stored proofs) and writes its own two tables:
 * `sentinel_round` (one row per era and sentinel key, with the round's figures) and
 * `sentinel_check` (one row per sampled leaf and node).
 *
 * Restart safety: a leaf's checks on every node are written in one short transaction together
 * with the round's figures, and `(round_id, activity_id, node_url)` is unique, so a crash loses at
 * most the leaves in flight, which the next run draws again (the sample is a function of the key
 * and the chain) and checks once. The figures are recounted from the rows, never incremented.
 * @module
 */
import type { Pool, PoolClient } from 'pg';
import { parseHex, parseUtf8 } from '../verifier/bytes.ts';
import type { CheckKind } from '../verifier/evidence.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { type SampleTarget, badUpperBound, confidenceAchieved } from './sampling.ts';

export interface PaidEra {
  readonly clusterId: string;
  readonly era: number;
  /** The finalized block whose ClusterEraPaid closed the era: the round's seed block. */
  readonly height: number;
  readonly hash: string;
}

export interface AnchoredBatch {
  readonly batchId: string;
  readonly batchIndex: number;
  readonly leafCount: number;
  readonly recordFormat: number;
  readonly root: string;
  readonly payloadHash: string;
  readonly remarkId: string;
  readonly remarkHash: string;
  readonly envelope: Uint8Array;
  readonly blockHeight: number;
  readonly blockHash: string;
}

export interface RoundRow {
  readonly id: string;
  readonly clusterId: string;
  readonly era: number;
  readonly sentinel: string;
  readonly seedHeight: number;
  readonly seedHash: string;
  readonly seedCommitment: string;
  readonly population: number;
  readonly batches: number;
  readonly sampleSize: number;
  readonly status: 'sampling' | 'complete';
}

export interface RoundFigures {
  readonly sampled: number;
  readonly ok: number;
  readonly failed: number;
  /** Sampled leaves that no node served intact. */
  readonly lost: number;
  readonly nodeChecks: number;
  readonly failedByKind: Readonly<Record<'mismatch' | 'missing' | 'timeout' | 'error', number>>;
  readonly confidence: number;
  readonly badBound: number;
}

export interface StoredRecord {
  readonly leaf: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

export interface CheckRow {
  readonly batchId: string;
  readonly activityId: string;
  readonly leafIndex: number;
  readonly payloadHash: string;
  readonly nodeUrl: string;
  readonly checkedAt: Date;
  readonly kind: CheckKind;
  readonly code: string | null;
  readonly latencyMs: number | null;
  readonly facts: object;
  readonly evidence: object | null;
}

export interface PendingNotice {
  readonly id: string;
  readonly roundId: string;
  readonly activityId: string;
  readonly nodeUrl: string;
  readonly kind: string;
  readonly code: string | null;
  readonly attempts: number;
  readonly evidence: unknown;
}

/** A storage node's HTTP base URL from its on-chain `StorageNodeParams` (host or domain, port, ssl). */
export function nodeUrlFromParams(params: unknown): string | null {
  const p = (params as { value?: unknown } | null)?.value ?? params;
  if (typeof p !== 'object' || p === null) return null;
  const o = p as Record<string, unknown>;
  const text = (v: unknown): string => {
    if (typeof v !== 'string') return '';
    if (/^0x([0-9a-f]{2})*$/i.test(v)) return parseUtf8(parseHex(v) ?? new Uint8Array()) ?? '';
    return v;
  };
  const host = text(o.host) || text(o.domain);
  const port = Number(o.httpPort);
  if (
    !host ||
    !/^[A-Za-z0-9.\-:[\]]+$/.test(host) ||
    !Number.isInteger(port) ||
    port < 1 ||
    port > 65535
  )
    return null;
  return `${o.ssl === true ? 'https' : 'http'}://${host}:${port}`;
}

export class SentinelStore {
  constructor(readonly pool: Pool) {}

  /** The finalized height the indexer reached, or null before its first commit. */
  async finalizedHeight(): Promise<number | null> {
    const r = await this.pool.query(
      `SELECT finalized_height FROM indexer_status WHERE id = 'main'`
    );
    return r.rows.length ? Number(r.rows[0].finalized_height) : null;
  }

  /** Paid eras in finalized blocks this sentinel has not completed, oldest first. */
  async pendingEras(sentinel: string, limit = 32): Promise<PaidEra[]> {
    const r = await this.pool.query(
      `SELECT e.cluster_id, e.era, e.block_height, k.hash
         FROM era_payout e
         JOIN block k ON k.height = e.block_height AND k.final
        WHERE e.paid_event_id IS NOT NULL
          AND e.block_height <= (SELECT finalized_height FROM indexer_status WHERE id = 'main')
          AND NOT EXISTS (SELECT 1 FROM sentinel_round s
                           WHERE s.cluster_id = e.cluster_id AND s.era = e.era
                             AND s.sentinel = $1 AND s.status = 'complete')
        ORDER BY e.block_height, e.cluster_id, e.era
        LIMIT $2`,
      [sentinel, limit]
    );
    return r.rows.map((x) => ({
      clusterId: String(x.cluster_id),
      era: Number(x.era),
      height: Number(x.block_height),
      hash: String(x.hash),
    }));
  }

  /** The era's batches anchored in final blocks up to the seed block, in batch order. */
  async anchoredBatches(era: PaidEra): Promise<AnchoredBatch[]> {
    const r = await this.pool.query(
      `SELECT b.id, b.batch_index, b.leaf_count, b.record_format, b.root, b.payload_hash,
              r.id AS remark_id, r.hash AS remark_hash, r.envelope, b.block_height, k.hash AS block_hash
         FROM dac_batch b
         JOIN remark r ON r.id = b.remark_id
         JOIN block k ON k.height = b.block_height AND k.final
        WHERE b.cluster_id = $1 AND b.era = $2 AND b.block_height <= $3 AND r.envelope IS NOT NULL
        ORDER BY b.batch_index, b.id`,
      [era.clusterId, era.era, era.height]
    );
    return r.rows.map((x) => ({
      batchId: String(x.id),
      batchIndex: Number(x.batch_index),
      leafCount: Number(x.leaf_count),
      recordFormat: Number(x.record_format),
      root: String(x.root),
      payloadHash: String(x.payload_hash),
      remarkId: String(x.remark_id),
      remarkHash: String(x.remark_hash),
      envelope: new Uint8Array(x.envelope as Buffer),
      blockHeight: Number(x.block_height),
      blockHash: String(x.block_hash),
    }));
  }

  /** Base URLs of the cluster's storage nodes, from their on-chain parameters (added, not removed). */
  async clusterNodeUrls(clusterId: string): Promise<string[]> {
    const r = await this.pool.query(
      `SELECT n.params FROM node n
         JOIN (SELECT DISTINCT ON (node_id) node_id, kind FROM cluster_node_event
                WHERE cluster_id = $1 AND kind IN ('added', 'removed')
                ORDER BY node_id, block_height DESC, id DESC) m
           ON m.node_id = n.id AND m.kind = 'added'
        ORDER BY n.id`,
      [clusterId]
    );
    const urls = r.rows.map((x) => nodeUrlFromParams(x.params)).filter((u) => u !== null);
    return [...new Set(urls)];
  }

  /** What the indexer kept of records (by activity id): their leaf and stored MMR proof. */
  async storedRecords(activityIds: readonly string[]): Promise<Map<string, StoredRecord>> {
    const out = new Map<string, StoredRecord>();
    if (activityIds.length === 0) return out;
    const r = await this.pool.query(
      `SELECT id, raw, proof FROM activity_record WHERE id = ANY($1) AND proof IS NOT NULL`,
      [activityIds]
    );
    for (const x of r.rows) {
      const b = x.proof as Buffer;
      const proof: Uint8Array[] = [];
      for (let i = 0; i + 32 <= b.length; i += 32)
        proof.push(new Uint8Array(b.subarray(i, i + 32)));
      out.set(String(x.id), { leaf: blake2b256(new Uint8Array(x.raw as Buffer)), proof });
    }
    return out;
  }

  async round(id: string): Promise<RoundRow | null> {
    const r = await this.pool.query(
      `SELECT id, cluster_id, era, sentinel, seed_height, seed_hash, seed_commitment, population,
              batches, sample_size, status FROM sentinel_round WHERE id = $1`,
      [id]
    );
    const x = r.rows[0];
    if (!x) return null;
    return {
      id: String(x.id),
      clusterId: String(x.cluster_id),
      era: Number(x.era),
      sentinel: String(x.sentinel),
      seedHeight: Number(x.seed_height),
      seedHash: String(x.seed_hash),
      seedCommitment: String(x.seed_commitment),
      population: Number(x.population),
      batches: Number(x.batches),
      sampleSize: Number(x.sample_size),
      status: x.status === 'complete' ? 'complete' : 'sampling',
    };
  }

  /** Starts a round unless it exists; returns the stored row (a restart gets the first run's). */
  async openRound(
    row: Omit<RoundRow, 'status'>,
    target: SampleTarget,
    nodes: number
  ): Promise<RoundRow> {
    await this.pool.query(
      `INSERT INTO sentinel_round (id, cluster_id, era, sentinel, seed_height, seed_hash,
         seed_commitment, population, batches, sample_size, target_confidence, target_bad_fraction,
         sample_rule, nodes, confidence, bad_bound, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'sampling')
       ON CONFLICT (id) DO NOTHING`,
      [
        row.id,
        row.clusterId,
        row.era,
        row.sentinel,
        row.seedHeight,
        row.seedHash,
        row.seedCommitment,
        row.population,
        row.batches,
        row.sampleSize,
        target.d,
        target.p,
        target.rule,
        nodes,
        confidenceAchieved(row.population, 0, target.p),
        row.population,
      ]
    );
    return (await this.round(row.id))!;
  }

  /** Activity ids of the round's leaves already checked (on every node, in one transaction). */
  async checkedLeaves(roundId: string): Promise<Set<string>> {
    const r = await this.pool.query(
      `SELECT DISTINCT activity_id FROM sentinel_check WHERE round_id = $1`,
      [roundId]
    );
    return new Set(r.rows.map((x) => String(x.activity_id)));
  }

  /**
   * Writes one batch's checked leaves (every node's row) and recounts the round's figures, in one
   * transaction. Rows already present (a leaf checked before a crash) are left as they were.
   * Returns the rows written and the figures.
   */
  async recordChecks(
    roundId: string,
    rows: readonly CheckRow[],
    target: SampleTarget,
    population: number
  ): Promise<{ inserted: number; figures: RoundFigures }> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      // Writers of one round take turns, so each recount sees every earlier writer's rows.
      await c.query(`SELECT 1 FROM sentinel_round WHERE id = $1 FOR UPDATE`, [roundId]);
      let inserted = 0;
      if (rows.length > 0) {
        const r = await c.query(
          `INSERT INTO sentinel_check (round_id, batch_id, activity_id, leaf_index, payload_hash,
             node_url, checked_at, ok, kind, code, latency_ms, facts, evidence)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
             $7::timestamptz[], $8::bool[], $9::text[], $10::text[], $11::int[], $12::jsonb[],
             $13::jsonb[])
           ON CONFLICT (round_id, activity_id, node_url) DO NOTHING`,
          [
            roundId,
            rows.map((x) => x.batchId),
            rows.map((x) => x.activityId),
            rows.map((x) => x.leafIndex),
            rows.map((x) => x.payloadHash),
            rows.map((x) => x.nodeUrl),
            rows.map((x) => x.checkedAt.toISOString()),
            rows.map((x) => x.kind === 'ok'),
            rows.map((x) => x.kind),
            rows.map((x) => x.code),
            rows.map((x) => x.latencyMs),
            rows.map((x) => JSON.stringify(x.facts)),
            rows.map((x) => (x.evidence === null ? null : JSON.stringify(x.evidence))),
          ]
        );
        inserted = r.rowCount ?? 0;
      }
      const figures = await this.recount(c, roundId, target, population);
      await c.query('COMMIT');
      return { inserted, figures };
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  private async recount(
    c: PoolClient,
    roundId: string,
    target: SampleTarget,
    population: number
  ): Promise<RoundFigures> {
    const r = await c.query(
      `SELECT count(*)::int AS sampled,
              count(*) FILTER (WHERE all_ok)::int AS ok,
              count(*) FILTER (WHERE NOT any_ok)::int AS lost,
              coalesce(sum(n), 0)::int AS checks,
              count(*) FILTER (WHERE mismatch)::int AS mismatch,
              count(*) FILTER (WHERE missing)::int AS missing,
              count(*) FILTER (WHERE timeout)::int AS timeout,
              count(*) FILTER (WHERE error)::int AS error
         FROM (SELECT bool_and(ok) AS all_ok, bool_or(ok) AS any_ok, count(*) AS n,
                      bool_or(kind = 'mismatch') AS mismatch, bool_or(kind = 'missing') AS missing,
                      bool_or(kind = 'timeout') AS timeout, bool_or(kind = 'error') AS error
                 FROM sentinel_check WHERE round_id = $1 GROUP BY activity_id) l`,
      [roundId]
    );
    const x = r.rows[0]!;
    const sampled = Number(x.sampled);
    const ok = Number(x.ok);
    const figures: RoundFigures = {
      sampled,
      ok,
      failed: sampled - ok,
      lost: Number(x.lost),
      nodeChecks: Number(x.checks),
      failedByKind: {
        mismatch: Number(x.mismatch),
        missing: Number(x.missing),
        timeout: Number(x.timeout),
        error: Number(x.error),
      },
      confidence: confidenceAchieved(population, sampled, target.p),
      badBound: badUpperBound(population, sampled, sampled - ok, target.d),
    };
    await c.query(
      `UPDATE sentinel_round SET sampled = $2, ok = $3, failed = $4, lost = $5, node_checks = $6,
         failed_by_kind = $7::jsonb, confidence = $8, bad_bound = $9, updated_at = now()
       WHERE id = $1`,
      [
        roundId,
        figures.sampled,
        figures.ok,
        figures.failed,
        figures.lost,
        figures.nodeChecks,
        JSON.stringify(figures.failedByKind),
        figures.confidence,
        figures.badBound,
      ]
    );
    return figures;
  }

  /** Marks a round complete and reveals its seed. */
  async completeRound(roundId: string, seed: string): Promise<void> {
    await this.pool.query(
      `UPDATE sentinel_round SET status = 'complete', seed = $2, completed_at = now(), updated_at = now()
        WHERE id = $1 AND status <> 'complete'`,
      [roundId, seed]
    );
  }

  /** This sentinel's failed checks whose webhook notice is not delivered yet, oldest first. */
  async pendingNotices(
    sentinel: string,
    maxAttempts: number,
    limit: number
  ): Promise<PendingNotice[]> {
    const r = await this.pool.query(
      `SELECT c.id, c.round_id, c.activity_id, c.node_url, c.kind, c.code, c.notify_attempts,
              c.evidence
         FROM sentinel_check c JOIN sentinel_round s ON s.id = c.round_id AND s.sentinel = $1
        WHERE NOT c.ok AND c.notified_at IS NULL AND c.notify_attempts < $2
        ORDER BY c.id LIMIT $3`,
      [sentinel, maxAttempts, limit]
    );
    return r.rows.map((x) => ({
      id: String(x.id),
      roundId: String(x.round_id),
      activityId: String(x.activity_id),
      nodeUrl: String(x.node_url),
      kind: String(x.kind),
      code: x.code === null ? null : String(x.code),
      attempts: Number(x.notify_attempts),
      evidence: x.evidence,
    }));
  }

  async noticeAttempt(id: string, delivered: boolean): Promise<void> {
    await this.pool.query(
      `UPDATE sentinel_check SET notify_attempts = notify_attempts + 1,
         notified_at = CASE WHEN $2 THEN now() ELSE notified_at END WHERE id = $1`,
      [id, delivered]
    );
  }
}
