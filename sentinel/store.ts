/**
 * The sentinel's reads and writes. It reads what the indexer stored (paid eras, their anchored
 * batches, the cluster's storage nodes, the records' stored proofs) and writes its own two tables:
 * `sentinel_round` (one row per era and sentinel key, with the round's figures) and
 * `sentinel_check` (one row per sampled leaf and node).
 *
 * Restart safety: a leaf's checks on every node are written in one short transaction together
 * with the round's figures, and `(round_id, activity_id, node_url)` is unique, so a crash loses at
 * most the leaves in flight, which the next run draws again (the sample is a function of the key
 * and the chain) and checks once.
 *
 * Figures: while a round samples, each write adds what its inserted rows change, computed per leaf
 * (the leaf's rows before and after the insert), to the counters kept in the round's row, under
 * that row's lock, so every write costs the same whatever the round's size. A round is completed
 * only after `recount`, which counts every row again: a complete round's figures are an exact
 * recount of its rows.
 * @module
 */
import type { Pool, PoolClient } from 'pg';
import { parseHex, parseUtf8 } from '../verifier/bytes.ts';
import type { CheckKind } from '../verifier/evidence.ts';
import { blake2b256 } from '../verifier/hash.ts';
import type { Rows } from '../db/rows.ts';
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
  /** The VRF input, proof and output (the seed), 0x-hex; null for a commit-reveal round. */
  readonly vrfAlpha: string | null;
  readonly vrfProof: string | null;
  readonly seed: string | null;
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

/** A round's counts: per sampled leaf (sampled, ok, lost, failed by kind) and per row (checks). */
interface Counts {
  readonly sampled: number;
  readonly ok: number;
  readonly lost: number;
  readonly nodeChecks: number;
  readonly mismatch: number;
  readonly missing: number;
  readonly timeout: number;
  readonly error: number;
}

/** One leaf's rows over its nodes, as the recount groups them (by activity id). */
interface LeafAggregate {
  allOk: boolean;
  anyOk: boolean;
  rows: number;
  readonly kinds: Set<string>;
}

function leafAggregates(
  rows: ReadonlyArray<{ activity_id: unknown; ok: unknown; kind: unknown }>
): Map<string, LeafAggregate> {
  const out = new Map<string, LeafAggregate>();
  for (const x of rows) {
    const id = String(x.activity_id);
    let a = out.get(id);
    if (!a) out.set(id, (a = { allOk: true, anyOk: false, rows: 0, kinds: new Set() }));
    a.allOk &&= x.ok === true;
    a.anyOk ||= x.ok === true;
    a.rows++;
    if (typeof x.kind === 'string') a.kinds.add(x.kind);
  }
  return out;
}

/** What one leaf adds to the counts: as `recount` counts it, a leaf of `rows` rows. */
function leafCounts(a: LeafAggregate): Counts {
  return {
    sampled: 1,
    ok: a.allOk ? 1 : 0,
    lost: a.anyOk ? 0 : 1,
    nodeChecks: a.rows,
    mismatch: a.kinds.has('mismatch') ? 1 : 0,
    missing: a.kinds.has('missing') ? 1 : 0,
    timeout: a.kinds.has('timeout') ? 1 : 0,
    error: a.kinds.has('error') ? 1 : 0,
  };
}

function addCounts(a: Counts, b: Counts, sign: 1 | -1): Counts {
  return {
    sampled: a.sampled + sign * b.sampled,
    ok: a.ok + sign * b.ok,
    lost: a.lost + sign * b.lost,
    nodeChecks: a.nodeChecks + sign * b.nodeChecks,
    mismatch: a.mismatch + sign * b.mismatch,
    missing: a.missing + sign * b.missing,
    timeout: a.timeout + sign * b.timeout,
    error: a.error + sign * b.error,
  };
}

function figuresOf(c: Counts, target: SampleTarget, population: number): RoundFigures {
  return {
    sampled: c.sampled,
    ok: c.ok,
    failed: c.sampled - c.ok,
    lost: c.lost,
    nodeChecks: c.nodeChecks,
    failedByKind: { mismatch: c.mismatch, missing: c.missing, timeout: c.timeout, error: c.error },
    confidence: confidenceAchieved(population, c.sampled, target.p),
    badBound: badUpperBound(population, c.sampled, c.sampled - c.ok, target.d),
  };
}

/**
 * The paid eras in final blocks that sentinel `$1` has not completed. The seed block is the one
 * whose ClusterEraPaid paid the era (the era's `paid` line), not era_payout.block_height: that is
 * where the figures were last re-derived, and it moves with late votes and finality (an era
 * derived again at the head never became final).
 */
const PENDING_ERAS = `FROM era_payout e
  JOIN payout_line p ON p.id = e.paid_event_id
  JOIN block k ON k.height = p.block_height AND k.final
 WHERE p.block_height <= (SELECT finalized_height FROM indexer_status WHERE id = 'main')
   AND NOT EXISTS (SELECT 1 FROM sentinel_round s
                    WHERE s.cluster_id = e.cluster_id AND s.era = e.era
                      AND s.sentinel = $1 AND s.status = 'complete')`;

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
      `SELECT e.cluster_id, e.era, p.block_height, k.hash ${PENDING_ERAS}
        ORDER BY p.block_height, e.cluster_id, e.era
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

  /** How many eras `pendingEras` would list without its limit. */
  async countPendingEras(sentinel: string): Promise<number> {
    const r = await this.pool.query(`SELECT count(*)::int AS n ${PENDING_ERAS}`, [sentinel]);
    return Number(r.rows[0].n);
  }

  /** Each cluster's newest complete round of this sentinel (for its gauges after a restart). */
  async latestRounds(
    sentinel: string
  ): Promise<Array<{ clusterId: string; era: number; confidence: number; failed: number }>> {
    const r = await this.pool.query(
      `SELECT DISTINCT ON (cluster_id) cluster_id, era, confidence, failed
         FROM sentinel_round WHERE sentinel = $1 AND status = 'complete'
        ORDER BY cluster_id, era DESC`,
      [sentinel]
    );
    return r.rows.map((x) => ({
      clusterId: String(x.cluster_id),
      era: Number(x.era),
      confidence: Number(x.confidence),
      failed: Number(x.failed),
    }));
  }

  /**
   * The era's batches anchored in final blocks up to the seed block, in batch order. A batch whose
   * anchor is itself inconsistent (the Remarked hash is not the envelope's, or the anchored root
   * is not the root of the anchored payload) is left out: no storage node can serve it right, and
   * its records' own lines already fail (anchor.remark, inclusion.mmr).
   */
  async anchoredBatches(era: PaidEra): Promise<AnchoredBatch[]> {
    const r = await this.pool.query(
      `SELECT b.id, b.batch_index, b.leaf_count, b.record_format, b.root, b.payload_hash,
              r.id AS remark_id, r.hash AS remark_hash, r.envelope, b.block_height, k.hash AS block_hash
         FROM dac_batch b
         JOIN remark r ON r.id = b.remark_id
         JOIN block k ON k.height = b.block_height AND k.final
        WHERE b.cluster_id = $1 AND b.era = $2 AND b.block_height <= $3 AND r.envelope IS NOT NULL
          AND r.code IS NULL AND b.payload_status <> 'root-mismatch'
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
    for (const x of r.rows as Array<Pick<Rows['activity_record'], 'id' | 'raw' | 'proof'>>) {
      const b = x.proof!;
      const proof: Uint8Array[] = [];
      for (let i = 0; i + 32 <= b.length; i += 32)
        proof.push(new Uint8Array(b.subarray(i, i + 32)));
      out.set(x.id, { leaf: blake2b256(new Uint8Array(x.raw)), proof });
    }
    return out;
  }

  async round(id: string): Promise<RoundRow | null> {
    const r = await this.pool.query(
      `SELECT id, cluster_id, era, sentinel, seed_height, seed_hash, vrf_alpha, vrf_proof, seed,
              population, batches, sample_size, status FROM sentinel_round WHERE id = $1`,
      [id]
    );
    const x = r.rows[0] as Rows['sentinel_round'] | undefined;
    if (!x) return null;
    return {
      id: x.id,
      clusterId: x.cluster_id,
      era: x.era,
      sentinel: x.sentinel,
      seedHeight: x.seed_height,
      seedHash: x.seed_hash,
      vrfAlpha: x.vrf_alpha,
      vrfProof: x.vrf_proof,
      seed: x.seed,
      population: x.population,
      batches: x.batches,
      sampleSize: x.sample_size,
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
         vrf_alpha, vrf_proof, seed, population, batches, sample_size, target_confidence,
         target_bad_fraction, sample_rule, nodes, confidence, bad_bound, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
         'sampling')
       ON CONFLICT (id) DO NOTHING`,
      [
        row.id,
        row.clusterId,
        row.era,
        row.sentinel,
        row.seedHeight,
        row.seedHash,
        row.vrfAlpha,
        row.vrfProof,
        row.seed,
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
   * Writes one batch's checked leaves (every node's row) and adds their contribution to the
   * round's figures, in one transaction. Rows already present (a leaf checked before a crash) are
   * left as they were and counted once. Returns the rows written and the figures.
   */
  async recordChecks(
    roundId: string,
    rows: readonly CheckRow[],
    target: SampleTarget,
    population: number
  ): Promise<{ inserted: number; figures: RoundFigures }> {
    return this.inRound(roundId, async (c, stored) => {
      if (rows.length === 0) return { inserted: 0, figures: figuresOf(stored, target, population) };
      // One statement inserts the rows and reads what the round already held of their leaves
      // (normally nothing; after a restart, or with a second writer of the round, some nodes' rows
      // of a leaf may be there): every part of a statement sees the same snapshot, so `old` does
      // not see the rows `ins` adds.
      const r = await c.query(
        `WITH ins AS (
           INSERT INTO sentinel_check (round_id, batch_id, activity_id, leaf_index, payload_hash,
             node_url, checked_at, ok, kind, code, latency_ms, facts, evidence)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
             $7::timestamptz[], $8::bool[], $9::text[], $10::text[], $11::int[], $12::jsonb[],
             $13::jsonb[])
           ON CONFLICT (round_id, activity_id, node_url) DO NOTHING
           RETURNING activity_id, ok, kind)
         SELECT true AS new, activity_id, ok, kind FROM ins
         UNION ALL
         SELECT false, activity_id, ok, kind FROM sentinel_check
          WHERE round_id = $1 AND activity_id = ANY($3::text[])`,
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
      const before = r.rows.filter((x) => x.new !== true);
      const inserted = r.rows.length - before.length;
      if (inserted === 0) return { inserted, figures: figuresOf(stored, target, population) };
      // Each touched leaf: its contribution after the insert minus its contribution before.
      const old = leafAggregates(before);
      let counts = stored;
      for (const [id, leaf] of leafAggregates(r.rows)) {
        const was = old.get(id);
        counts = addCounts(counts, leafCounts(leaf), 1);
        if (was) counts = addCounts(counts, leafCounts(was), -1);
      }
      const figures = figuresOf(counts, target, population);
      await this.writeFigures(c, roundId, figures);
      return { inserted, figures };
    });
  }

  /**
   * Counts the round's figures again from every one of its rows and stores them (under the
   * round's row lock, so no write lands in between). A round is completed after this.
   */
  async recount(roundId: string, target: SampleTarget, population: number): Promise<RoundFigures> {
    return this.inRound(roundId, async (c) => {
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
      const figures = figuresOf(
        {
          sampled: Number(x.sampled),
          ok: Number(x.ok),
          lost: Number(x.lost),
          nodeChecks: Number(x.checks),
          mismatch: Number(x.mismatch),
          missing: Number(x.missing),
          timeout: Number(x.timeout),
          error: Number(x.error),
        },
        target,
        population
      );
      await this.writeFigures(c, roundId, figures);
      return figures;
    });
  }

  /**
   * Runs `work` in a transaction holding the round's row lock, with the counters stored in that
   * row. Writers of one round take turns, so each one adds to what every earlier one stored.
   */
  private async inRound<T>(
    roundId: string,
    work: (c: PoolClient, stored: Counts) => Promise<T>
  ): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await c.query(
        `SELECT sampled, ok, lost, node_checks, failed_by_kind FROM sentinel_round
          WHERE id = $1 FOR UPDATE`,
        [roundId]
      );
      const x = r.rows[0] as
        | Pick<Rows['sentinel_round'], 'sampled' | 'ok' | 'lost' | 'node_checks' | 'failed_by_kind'>
        | undefined;
      if (!x) throw new Error(`sentinel round ${roundId} does not exist`);
      const kinds = (x.failed_by_kind ?? {}) as Record<string, unknown>;
      const out = await work(c, {
        sampled: x.sampled,
        ok: x.ok,
        lost: x.lost,
        nodeChecks: x.node_checks,
        mismatch: Number(kinds.mismatch ?? 0),
        missing: Number(kinds.missing ?? 0),
        timeout: Number(kinds.timeout ?? 0),
        error: Number(kinds.error ?? 0),
      });
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  private async writeFigures(c: PoolClient, roundId: string, f: RoundFigures): Promise<void> {
    await c.query(
      `UPDATE sentinel_round SET sampled = $2, ok = $3, failed = $4, lost = $5, node_checks = $6,
         failed_by_kind = $7::jsonb, confidence = $8, bad_bound = $9, updated_at = now()
       WHERE id = $1`,
      [
        roundId,
        f.sampled,
        f.ok,
        f.failed,
        f.lost,
        f.nodeChecks,
        JSON.stringify(f.failedByKind),
        f.confidence,
        f.badBound,
      ]
    );
  }

  /** Marks a round complete (its seed and proof were public from the start). */
  async completeRound(roundId: string): Promise<void> {
    await this.pool.query(
      `UPDATE sentinel_round SET status = 'complete', completed_at = now(), updated_at = now()
        WHERE id = $1 AND status <> 'complete'`,
      [roundId]
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
