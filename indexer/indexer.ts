/**
 * The indexer's core: a Subsquid `HotDatabase` that buffers everything one processor batch adds
 * (mapped rows, fetched payloads, verified records) and writes it in one short transaction
 * together with the indexer status, so a crash at any instant leaves the database at a batch
 * boundary and a restart continues from there with no gap and no duplicate. Unfinalized blocks are
 * indexed as hot blocks; a fork deletes every row above the common base (verification results
 * included) and recomputes the eras it touched.
 * @module
 */
import type { Pool, PoolClient } from 'pg';
import { parseHex, toHex } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { type Facts, type ReasonCode, fail } from '../verifier/lines.ts';
import { RULE_INCLUSION } from '../verifier/receipts/dac-batch.ts';
import { parseGarVersion } from '../verifier/receipts/gar.ts';
import type { QuorumRule } from '../verifier/quorum.ts';
import { DEFAULT_POLICY, VERIFIER_VERSION, verifyAnchorStep } from '../verifier/receipt.ts';
import {
  type BatchOutcome,
  BatchPool,
  type GrantItem,
  type LineRow,
  WorkerDied,
} from './batch-pool.ts';
import { lineRows } from './batch-worker.ts';
import { verifyEra } from './eras.ts';
import { type FetchLimits, getWithRetries, syncGar } from './fetch.ts';
import {
  type AnchoredBatch,
  type IBlock,
  Ingest,
  type ProtocolParams,
  jsonOf,
  mapBlock,
} from './mapping.ts';
import type { Metrics } from './metrics.ts';
import { type Row, insertRows } from './sql.ts';

interface HashAndHeight {
  height: number;
  hash: string;
}

export interface IndexerOptions {
  readonly pool: Pool;
  readonly garUrl: string | null;
  readonly storageUrls: readonly string[];
  readonly fetch: FetchLimits;
  readonly threads: number;
  readonly payoutBatchSize: number;
  readonly quorumRule: QuorumRule;
  /** Payload fetches in flight at once. */
  readonly fetchConcurrency: number;
  readonly metrics?: Metrics;
  readonly log?: (msg: string) => void;
  /** Called when a queued write fails (the indexer process should exit and be restarted). */
  readonly onFatal?: (error: unknown) => void;
}

/** Tables filled from blocks, with the column holding the block height. */
const ROLLBACK: ReadonlyArray<readonly [string, string]> = [
  ['chain_extrinsic', 'block_height'],
  ['chain_event', 'block_height'],
  ['cluster', 'block_height'],
  ['cluster_protocol_params', 'block_height'],
  ['provider', 'block_height'],
  ['node', 'block_height'],
  ['cluster_node_event', 'block_height'],
  ['customer', 'block_height'],
  ['customer_deposit', 'block_height'],
  ['bucket', 'block_height'],
  ['validator', 'block_height'],
  ['remark', 'block_height'],
  ['gar_anchor_entry', 'block_height'],
  ['dac_batch', 'block_height'],
  ['activity_record', 'block_height'],
  ['attestation_vote', 'block_height'],
  ['attestation_round', 'block_height'],
  ['payout_batch', 'block_height'],
  ['payout_line', 'block_height'],
  ['era_payout', 'block_height'],
  ['verification_line', 'block_height'],
  ['verification_subject', 'block_height'],
  ['block', 'height'],
];

interface WriteTarget {
  readonly base: HashAndHeight | null;
  readonly head: HashAndHeight;
  readonly finalized: HashAndHeight;
  readonly hot: HashAndHeight[];
}

/** Payload statuses of a batch without a good copy, from least to most telling. */
const STATUS_RANK = ['no-source', 'unavailable', 'too-large', 'malformed', 'mismatch'];

/** Where a batch's lines come from, for the status table. */
const STATUS_ID = 'main';

export class Indexer {
  private readonly pool: BatchPool;
  private readonly params = new Map<string, ProtocolParams>();
  private garCursor = 0;
  private initialized = false;
  private pending: Promise<void> = Promise.resolve();
  private lastReturn = 0;

  constructor(private readonly opts: IndexerOptions) {
    this.pool = new BatchPool(opts.threads);
  }

  private log(msg: string): void {
    this.opts.log?.(msg);
  }

  /** Loads what the workers and mappings need from earlier runs. */
  async init(): Promise<void> {
    if (this.initialized) return;
    const db = this.opts.pool;
    const st = (await db.query(`SELECT gar_cursor FROM indexer_status WHERE id = $1`, [STATUS_ID]))
      .rows[0] as { gar_cursor: string } | undefined;
    this.garCursor = st ? Number(st.gar_cursor) : 0;
    const grants = await db.query(
      `SELECT user_id, agent_id, payload, signature, url, seq FROM gar_grant
        WHERE user_id IS NOT NULL AND agent_id IS NOT NULL ORDER BY seq`
    );
    this.pool.addGrants(grants.rows.map((r) => grantItem(r)));
    const params = await db.query(
      `SELECT DISTINCT ON (cluster_id) cluster_id, treasury_share, validators_share, reserve_share, pricing
         FROM cluster_protocol_params ORDER BY cluster_id, block_height DESC`
    );
    for (const r of params.rows) this.params.set(r.cluster_id, paramsOf(r));
    this.initialized = true;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** The processor's Database. */
  database() {
    return {
      supportsHotBlocks: true as const,
      connect: () => this.connect(),
      transact: (
        info: { prevHead: HashAndHeight; nextHead: HashAndHeight; isOnTop: boolean },
        cb: (store: Ingest) => Promise<void>
      ) => this.transact(info, cb),
      transactHot: () => {
        throw new Error('transactHot is not supported; the processor uses transactHot2');
      },
      transactHot2: (
        info: { finalizedHead: HashAndHeight; baseHead: HashAndHeight; newBlocks: HashAndHeight[] },
        cb: (store: Ingest, start: number, end: number) => Promise<void>
      ) => this.transactHot2(info, cb),
    };
  }

  private async connect(): Promise<HashAndHeight & { top: HashAndHeight[] }> {
    await this.init();
    const db = this.opts.pool;
    // The processor resumes from the last final block it wrote, with the unfinalized blocks above
    // it (`top`) to compare against the chain. The status row's `height` is the newest block
    // written, which may be one of those hot blocks: starting there would hand the processor a
    // hot chain that does not begin above its base, and it would stop on an assertion.
    const st = (
      await db.query(
        `SELECT finalized_height AS height, finalized_hash AS hash FROM indexer_status WHERE id = $1`,
        [STATUS_ID]
      )
    ).rows[0] as HashAndHeight | undefined;
    const base = st ? st.height : -1;
    const top = (
      await db.query(`SELECT height, hash FROM hot_block WHERE height > $1 ORDER BY height`, [base])
    ).rows as HashAndHeight[];
    return { height: base, hash: st ? st.hash : '0x', top };
  }

  private async transact(
    info: { prevHead: HashAndHeight; nextHead: HashAndHeight },
    cb: (store: Ingest) => Promise<void>
  ): Promise<void> {
    this.sinceLast();
    const ing = new Ingest();
    ing.finalizedHeight = info.nextHead.height;
    await cb(ing);
    await this.enqueue(ing, { base: null, head: info.nextHead, finalized: info.nextHead, hot: [] });
    this.lastReturn = performance.now();
  }

  /** Time the processor spent on its own (RPC, decoding) since the last batch was handed back. */
  private sinceLast(): void {
    if (this.lastReturn > 0)
      this.opts.metrics?.time('rpc', (performance.now() - this.lastReturn) / 1000);
  }

  private async transactHot2(
    info: { finalizedHead: HashAndHeight; baseHead: HashAndHeight; newBlocks: HashAndHeight[] },
    cb: (store: Ingest, start: number, end: number) => Promise<void>
  ): Promise<void> {
    this.sinceLast();
    const ing = new Ingest();
    ing.finalizedHeight = info.finalizedHead.height;
    await cb(ing, 0, info.newBlocks.length);
    const head = info.newBlocks.at(-1) ?? info.baseHead;
    await this.enqueue(ing, {
      base: info.baseHead,
      head,
      finalized: info.finalizedHead,
      hot: info.newBlocks,
    });
    this.lastReturn = performance.now();
  }

  /**
   * Writes run one at a time, in order, each in its own transaction with the status; a batch's
   * write overlaps the next batch's fetching and verification (which need nothing from the
   * database). A failed write fails the next batch too, so the processor stops and the supervisor
   * restarts it from the last committed block; `onFatal` hears of it at once.
   */
  private async enqueue(ing: Ingest, at: WriteTarget): Promise<void> {
    const t = performance.now();
    await this.pending;
    this.opts.metrics?.time('db-wait', (performance.now() - t) / 1000);
    const w = this.write(ing, at);
    this.pending = w;
    w.catch((e: unknown) => this.opts.onFatal?.(e));
  }

  /** The processor's handler: maps blocks, syncs grants, fetches and verifies batches. */
  async handle(ctx: { blocks: readonly IBlock[]; store: Ingest }): Promise<void> {
    const ing = ctx.store;
    const t0 = performance.now();
    for (const b of ctx.blocks) mapBlock(b, b.header.height <= ing.finalizedHeight, ing);
    for (const [k, p] of ing.params) this.params.set(k, p);
    for (const s of ing.subjects) addSubject(ing, s.kind, s.id, lineRows(s.lines), s.block);
    const t1 = performance.now();
    if (ing.batches.length > 0) await this.syncGrants(ing);
    ing.garCursor = this.garCursor;
    await this.fetchAndVerify(ing);
    const t2 = performance.now();
    this.opts.metrics?.time('decode', (t1 - t0) / 1000);
    this.opts.metrics?.time('verify', (t2 - t1) / 1000);
  }

  private async syncGrants(ing: Ingest): Promise<void> {
    if (!this.opts.garUrl) return;
    const r = await syncGar(this.opts.garUrl, this.garCursor, this.opts.fetch);
    if (r.error) {
      this.opts.metrics?.fetchError('gar');
      this.log(`GAR sync stopped at ${r.cursor}: ${r.error}`);
    }
    const base = this.opts.garUrl.replace(/\/$/, '');
    const items: GrantItem[] = [];
    for (const v of r.items) {
      const url = `${base}/api/v1/agreements/${v.user}/${v.agent}#${v.version}`;
      const payload = typeof v.payload === 'string' ? v.payload : JSON.stringify(v.payload ?? null);
      const signature = jsonOf(v.signature ?? null);
      // The version's own fields, when it parses; the verifier re-checks it on every record.
      const g = parseGarVersion({ payload: v.payload, signature: v.signature });
      ing.add('gar_grant', [
        String(v.sequence),
        v.user.toLowerCase(),
        v.agent.toLowerCase(),
        payload,
        signature,
        g.ok ? toHex(g.value.payloadHash) : payloadHashOf(payload),
        g.ok ? new Date(g.value.createdAt) : null,
        g.ok && g.value.expiresAt !== null ? new Date(g.value.expiresAt) : null,
        g.ok ? g.value.revoked : null,
        g.ok ? JSON.stringify(g.value.scopes) : null,
        url,
        g.ok ? null : g.code,
      ]);
      items.push({
        user: v.user,
        agent: v.agent,
        version: v.version,
        payload: v.payload,
        signature: v.signature,
        url,
      });
    }
    this.pool.addGrants(items);
    ing.garCursor = r.cursor;
    this.garCursor = r.cursor;
  }

  private async fetchAndVerify(ing: Ingest): Promise<void> {
    const queue = [...ing.batches];
    const work = async (): Promise<void> => {
      for (let b = queue.shift(); b; b = queue.shift()) await this.one(b, ing);
    };
    await Promise.all(
      Array.from({ length: Math.min(this.opts.fetchConcurrency, queue.length) }, work)
    );
  }

  /** Fetches one batch's payload (node after node) and verifies its records. */
  private async one(b: AnchoredBatch, ing: Ingest): Promise<void> {
    const env = b.envelope;
    const clusterId = toHex(env.clusterId);
    const payloadHash = toHex(env.payloadHash);
    const urls = this.opts.storageUrls;
    const attempts: LineRow[] = [];
    // Each node tried adds its line to the batch subject, numbered in the order tried.
    const attempt = (row: LineRow): void => {
      attempts.push([attempts.length, ...row.slice(1)] as LineRow);
    };
    // Without a good copy, the status names the worst thing seen: wrong bytes over oversize over
    // unreachable (a tampered copy is evidence; a missing one may just be late).
    let status = urls.length === 0 ? 'no-source' : 'unavailable';
    const worse = (s: string): void => {
      if (STATUS_RANK.indexOf(s) > STATUS_RANK.indexOf(status)) status = s;
    };
    let okUrl: string | null = null;
    let size: number | null = null;
    let tries = 0;
    let recordsFailed = 0;
    // Start at a node chosen by the batch, so load spreads; move on when one fails.
    const start = env.batchIndex % Math.max(1, urls.length);
    for (let k = 0; k < urls.length && okUrl === null; k++) {
      const url = `${urls[(start + k) % urls.length]!.replace(/\/$/, '')}/v1/payloads/${payloadHash}`;
      tries++;
      const t = performance.now();
      const r = await getWithRetries(url, this.opts.fetch);
      this.opts.metrics?.time('fetch', (performance.now() - t) / 1000);
      if (!r.ok) {
        this.opts.metrics?.fetchError('payload');
        attempt(
          failedAttempt(
            url,
            'inclusion.fetch',
            r.reason === 'too large' ? 'TOO_LARGE' : 'UNAVAILABLE',
            {
              url,
              status: r.status,
              reason: r.reason,
            }
          )
        );
        worse(r.reason === 'too large' ? 'too-large' : 'unavailable');
        continue;
      }
      let outcome: BatchOutcome;
      try {
        outcome = await this.pool.verify({
          batchId: b.id,
          clusterId,
          era: env.era,
          batchIndex: env.batchIndex,
          recordFormat: env.recordFormat,
          leafCount: env.leafCount,
          root: toHex(env.root),
          payloadHash,
          payload: r.body,
          url,
          pricing: pricingOf(this.params.get(clusterId)),
        });
      } catch (e) {
        // A dead worker is the process's problem: fail, and let the supervisor restart it.
        if (e instanceof WorkerDied) throw e;
        // A verifier failure on this batch's data is reported on the batch, never fatal.
        this.log(`batch ${b.id}: verification failed: ${String(e).slice(0, 300)}`);
        attempt(
          failedAttempt(url, 'inclusion.verify', 'MALFORMED', {
            url,
            error: String(e).slice(0, 300),
          })
        );
        status = 'error';
        break;
      }
      if (!outcome.ok) {
        attempt(outcome.payloadLine);
        worse(outcome.payloadLine[4] === 'HASH_MISMATCH' ? 'mismatch' : 'malformed');
        this.opts.metrics?.fetchError('payload');
        continue;
      }
      attempt(outcome.payloadLine);
      okUrl = url;
      size = r.body.length;
      status = 'ok';
      const height = b.block.number;
      let failed = 0;
      for (const rec of outcome.records) {
        if (!rec.ok) failed++;
        ing.add('activity_record', [
          rec.id,
          rec.recordId,
          b.id,
          rec.leafIndex,
          rec.clusterId,
          rec.era,
          rec.user,
          rec.agent,
          rec.customer,
          rec.provider,
          rec.node,
          rec.timestamp === null ? null : new Date(rec.timestamp),
          rec.cost,
          rec.usage,
          Buffer.from(rec.raw.buffer, rec.raw.byteOffset, rec.raw.byteLength),
          rec.ok,
          rec.failed,
          height,
          Buffer.from(rec.proof.buffer, rec.proof.byteOffset, rec.proof.byteLength),
        ]);
        // The record's own summary is activity_record.ok/failed; only its lines are added.
        addLines(ing, 'record', rec.id, rec.lines, height);
      }
      ing.records += outcome.records.length;
      ing.recordsFailed += failed;
      recordsFailed = failed;
    }
    const height = b.block.number;
    ing.add('dac_batch', [
      b.id,
      b.remarkId,
      clusterId,
      env.era,
      env.batchIndex,
      env.recordFormat,
      env.leafCount,
      toHex(env.root),
      payloadHash,
      status,
      okUrl,
      size,
      tries,
      recordsFailed,
      height,
    ]);
    addSubject(ing, 'batch', b.id, attempts, height);
    addSubject(
      ing,
      'anchor',
      b.id,
      lineRows(anchorLines(b, b.block.number <= ing.finalizedHeight)),
      height
    );
  }

  /** Writes one processor batch, its rollback and finality, and the status, in one transaction. */
  private async write(ing: Ingest, at: WriteTarget): Promise<void> {
    const t = performance.now();
    const client = await this.opts.pool.connect();
    try {
      await client.query('BEGIN');
      if (at.base) await this.rollback(client, at.base.height, ing);
      for (const [table, rows] of ing.rows) await insertRows(client, table as never, rows);
      await this.finalize(client, at.finalized.height);
      for (const key of ing.eras) {
        const dash = key.lastIndexOf('-');
        await verifyEra(client, key.slice(0, dash), Number(key.slice(dash + 1)), at.head.height, {
          payoutBatchSize: this.opts.payoutBatchSize,
          quorumRule: this.opts.quorumRule,
        });
      }
      // Hot blocks: those above the finalized head stay listed for fork navigation.
      if (at.base) await client.query(`DELETE FROM hot_block WHERE height > $1`, [at.base.height]);
      if (at.hot.length > 0)
        await insertRows(
          client,
          'hot_block',
          at.hot.map((h) => [h.height, h.hash])
        );
      await client.query(`DELETE FROM hot_block WHERE height <= $1`, [at.finalized.height]);
      await client.query(
        `INSERT INTO indexer_status (id, height, hash, finalized_height, finalized_hash, best_height,
           best_hash, gar_cursor, updated_at)
         VALUES ($1, $2, $3, $4, $5, $2, $3, $6, now())
         ON CONFLICT (id) DO UPDATE SET height = EXCLUDED.height, hash = EXCLUDED.hash,
           finalized_height = EXCLUDED.finalized_height, finalized_hash = EXCLUDED.finalized_hash,
           best_height = EXCLUDED.best_height, best_hash = EXCLUDED.best_hash,
           gar_cursor = GREATEST(indexer_status.gar_cursor, EXCLUDED.gar_cursor),
           updated_at = EXCLUDED.updated_at`,
        [
          STATUS_ID,
          at.head.height,
          at.head.hash,
          Math.min(at.finalized.height, at.head.height),
          at.finalized.height <= at.head.height ? at.finalized.hash : at.head.hash,
          String(ing.garCursor ?? 0),
        ]
      );
      await client.query('COMMIT');
      this.opts.metrics?.committed();
      this.opts.metrics?.batch(ing, at.head.height, at.finalized.height);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
    this.opts.metrics?.time('db', (performance.now() - t) / 1000);
  }

  /** Deletes every row above `base` and marks the eras they touched for recomputation. */
  private async rollback(c: PoolClient, base: number, ing: Ingest): Promise<void> {
    const st = (await c.query(`SELECT height FROM indexer_status WHERE id = $1`, [STATUS_ID]))
      .rows[0] as { height: number } | undefined;
    if (!st || st.height <= base) return;
    const eras = await c.query(
      `SELECT cluster_id, era FROM dac_batch WHERE block_height > $1
       UNION SELECT cluster_id, era FROM payout_line WHERE block_height > $1
       UNION SELECT cluster_id, era FROM attestation_vote WHERE block_height > $1
       UNION SELECT cluster_id, era FROM payout_batch WHERE block_height > $1
       UNION SELECT cluster_id, era FROM era_payout WHERE block_height > $1`,
      [base]
    );
    for (const r of eras.rows) ing.eras.add(`${r.cluster_id}-${r.era}`);
    let removed = 0;
    for (const [table, col] of ROLLBACK) {
      const r = await c.query(`DELETE FROM "${table}" WHERE "${col}" > $1`, [base]);
      removed += r.rowCount ?? 0;
    }
    this.opts.metrics?.reorg(st.height - base);
    this.log(`fork: rolled back ${st.height - base} block(s) above ${base} (${removed} rows)`);
  }

  /** Marks blocks final up to `height` and re-checks the anchors they hold. */
  private async finalize(c: PoolClient, height: number): Promise<void> {
    const blocks = await c.query(
      `UPDATE block SET final = true WHERE height <= $1 AND NOT final RETURNING height, hash`,
      [height]
    );
    if (blocks.rowCount === 0) return;
    const heights = blocks.rows.map((r: { height: number }) => r.height);
    const anchors = await c.query(
      `SELECT d.id, d.cluster_id, d.era, d.batch_index, d.leaf_count, d.root, r.envelope, r.hash,
              r.event_index, r.extrinsic_id, r.block_height, b.hash AS block_hash
         FROM dac_batch d JOIN remark r ON r.id = d.remark_id JOIN block b ON b.height = d.block_height
        WHERE d.block_height = ANY($1::int[])`,
      [heights]
    );
    if (anchors.rowCount === 0) return;
    const ids = anchors.rows.map((r: { id: string }) => r.id);
    await c.query(
      `DELETE FROM verification_line WHERE subject_kind = 'anchor' AND subject_id = ANY($1::text[])`,
      [ids]
    );
    await c.query(
      `DELETE FROM verification_subject WHERE kind = 'anchor' AND id = ANY($1::text[])`,
      [ids]
    );
    const ing = new Ingest();
    for (const r of anchors.rows) {
      const b: AnchoredBatch = {
        id: r.id,
        remarkId: r.id,
        envelope: {
          kind: 'DacBatch',
          clusterId: parseHex(r.cluster_id, 20)!,
          era: r.era,
          batchIndex: r.batch_index,
          recordFormat: 0,
          leafCount: r.leaf_count,
          root: parseHex(r.root, 32)!,
          payloadHash: new Uint8Array(32),
        },
        envelopeBytes: new Uint8Array(r.envelope),
        remarkHash: parseHex(r.hash, 32)!,
        block: { number: r.block_height, hash: r.block_hash },
        eventIndex: r.event_index,
        extrinsic: r.extrinsic_id ?? `${r.block_height}-?`,
      };
      addSubject(ing, 'anchor', r.id, lineRows(anchorLines(b, true)), r.block_height);
    }
    await insertRows(c, 'verification_subject', ing.rows.get('verification_subject') ?? []);
    await insertRows(c, 'verification_line', ing.rows.get('verification_line') ?? []);
  }
}

/** The line of a failed payload fetch or check, as a row (its seq is set when it is added). */
function failedAttempt(url: string, check: string, code: ReasonCode, facts: Facts): LineRow {
  return lineRows([
    fail({ step: 'inclusion', check, rule: RULE_INCLUSION, facts, source: { url } }, code),
  ])[0]!;
}

function anchorLines(b: AnchoredBatch, final: boolean) {
  return verifyAnchorStep(
    {
      envelope: b.envelopeBytes,
      remarkHash: b.remarkHash,
      block: { number: b.block.number, hash: b.block.hash, finalized: final },
      source: { block: b.block.number, eventIndex: b.eventIndex, extrinsic: b.extrinsic },
    },
    {
      root: b.envelope.root,
      leafCount: b.envelope.leafCount,
      batchIndex: b.envelope.batchIndex,
      clusterId: b.envelope.clusterId,
      era: b.envelope.era,
    },
    DEFAULT_POLICY
  );
}

function addLines(
  ing: Ingest,
  kind: string,
  id: string,
  lines: readonly LineRow[],
  height: number
) {
  for (const l of lines) ing.add('verification_line', [kind, id, ...l, height]);
}

function addSubject(
  ing: Ingest,
  kind: string,
  id: string,
  lines: readonly LineRow[],
  height: number
) {
  const failed = lines.filter((l) => !l[3]).length;
  ing.add('verification_subject', [
    kind,
    id,
    failed === 0,
    lines.length - failed,
    failed,
    VERIFIER_VERSION,
    height,
  ] satisfies Row);
  for (const l of lines) ing.add('verification_line', [kind, id, ...l, height]);
}

/** blake2b-256 of a grant's signed bytes (the base64url payload decoded), as GAR anchors list it. */
function payloadHashOf(payload: string): string {
  return toHex(blake2b256(Buffer.from(payload, 'base64url')));
}

function grantItem(r: {
  user_id: string;
  agent_id: string;
  payload: string;
  signature: string;
  url: string;
}): GrantItem {
  const version = Number(r.url.slice(r.url.lastIndexOf('#') + 1));
  let signature: unknown;
  try {
    signature = JSON.parse(r.signature);
  } catch {
    signature = r.signature;
  }
  return { user: r.user_id, agent: r.agent_id, version, payload: r.payload, signature, url: r.url };
}

function paramsOf(r: {
  treasury_share: string;
  validators_share: string;
  reserve_share: string;
  pricing: Record<string, string>;
}): ProtocolParams {
  const p = r.pricing;
  return {
    shares: {
      treasury: BigInt(r.treasury_share),
      validators: BigInt(r.validators_share),
      reserve: BigInt(r.reserve_share),
    },
    pricing: {
      perMbStored: BigInt(p.perMbStored!),
      perMbStreamed: BigInt(p.perMbStreamed!),
      perPut: BigInt(p.perPut!),
      perGet: BigInt(p.perGet!),
      perCpuMs: BigInt(p.perCpuMs!),
      perGpuUnit: BigInt(p.perGpuUnit!),
      perRamUnit: BigInt(p.perRamUnit!),
    },
  };
}

function pricingOf(p: ProtocolParams | undefined): Record<string, string> | null {
  if (!p) return null;
  return Object.fromEntries(Object.entries(p.pricing).map(([k, v]) => [k, v.toString()]));
}
