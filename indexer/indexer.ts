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
import { readAnchorInputs } from '../db/receipt-inputs.ts';
import { turnWaitMs } from '../db/turn-notice.ts';
import { garPairId } from '../verifier/envelope.ts';
import { toHex, parseHex } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { type Facts, type ReasonCode, fail } from '../verifier/lines.ts';
import type { QuorumRule } from '../verifier/quorum.ts';
import type { RootsSource } from '../verifier/receipts/attestation.ts';
import { DEFAULT_POLICY, verifyAnchorSubject } from '../verifier/receipt.ts';
import { RULE_INCLUSION } from '../verifier/receipts/dac-batch.ts';
import { GrantMemo, parseGarVersion } from '../verifier/receipts/gar.ts';
import { type BatchOutcome, BatchPool, type LineRow, WorkerDied } from './batch-pool.ts';
import { lineRows, pricingOf } from './batch-worker.ts';
import { eraWaits, staleEras, verifyEra, waitingErasBefore } from './eras.ts';
import { type FetchLimits, fetchGarAnchorKey, getWithRetries, syncGar } from './fetch.ts';
import { Analyzer } from './analyze.ts';
import { type GarSnapshot, linkNewRecords, relink } from './links.ts';
import {
  type AnchoredBatch,
  type IBlock,
  Ingest,
  type ProtocolParams,
  jsonOf,
  mapBlock,
  resolveParamsReads,
  resolveValidatorSetReads,
} from './mapping.ts';
import type { Metrics, WritePhase } from './metrics.ts';
import type { VerificationLineInsert, VerificationSubjectInsert } from '../db/rows.ts';
import { type Table, insertRows } from './sql.ts';
import { deleteSubjects, subjectRows } from './subjects.ts';

interface HashAndHeight {
  height: number;
  hash: string;
}

export interface IndexerOptions {
  readonly pool: Pool;
  readonly garUrl: string | null;
  /** The GAR service's anchoring key when configured; else the service is asked for it. */
  readonly garAnchorKey?: string | null;
  readonly storageUrls: readonly string[];
  readonly fetch: FetchLimits;
  readonly threads: number;
  readonly payoutBatchSize: number | null;
  readonly quorumRule: QuorumRule;
  /** What era roots are compared with: the activity (default) or the committed batches. */
  readonly roots: RootsSource;
  /** Payload fetches in flight at once. */
  readonly fetchConcurrency: number;
  /**
   * Records per write transaction, about: a processor batch holding more is written in chunks of
   * whole blocks, each in its own transaction with the status at its last block. Default 5000.
   */
  readonly chunkRecords?: number;
  /**
   * Give way to readers (the embedded database): once the database held a write's `BEGIN` back for
   * API requests (it says so in a notice, db/turn-notice.ts), each write commits before the next
   * chunk is prepared, for YIELD_WINDOW_MS. Otherwise a write overlaps the next chunk's mapping
   * and checks, whose work on this process's thread delays the write's statements while its
   * transaction keeps every reader out. What is written is the same either way; only when the
   * next chunk is prepared changes.
   */
  readonly yieldToReaders?: boolean;
  /**
   * Put off recomputing an era that only gained activity batches, has no vote or payout call yet
   * and was computed before, until the write that reaches the head (default true). See
   * `Indexer.eras`. The lines and facts stored once the head is reached are the same either way;
   * only an era's rows carry the height of the write that last computed it.
   */
  readonly deferEras?: boolean;
  /** A write transaction at least this long is logged with its phases (default 1000 ms). */
  readonly slowWriteMs?: number;
  readonly metrics?: Metrics;
  readonly log?: (msg: string) => void;
  /** Called when a queued write fails (the indexer process should exit and be restarted). */
  readonly onFatal?: (error: unknown) => void;
}

/**
 * Tables filled from blocks, with the column holding the block height. Lines go first: the
 * triggers that keep `check_count` find a line's cluster through its batch, which must still be
 * there when the line is deleted (db/migrations/1764600000000-check-counts.ts).
 */
const ROLLBACK: ReadonlyArray<readonly [string, string]> = [
  ['verification_line', 'block_height'],
  ['verification_subject', 'block_height'],
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
  ['payout_begin', 'block_height'],
  ['validator_set', 'block_height'],
  ['dac_batch', 'block_height'],
  ['activity_record', 'block_height'],
  ['attestation_vote', 'block_height'],
  ['attestation_round', 'block_height'],
  ['payout_batch', 'block_height'],
  ['payout_line', 'block_height'],
  ['era_payout', 'block_height'],
  ['block', 'height'],
];

/** What the processor's transaction says about the batch it hands the handler. */
type BatchInfo =
  | { readonly kind: 'final' }
  | {
      readonly kind: 'hot';
      readonly base: HashAndHeight;
      readonly finalized: HashAndHeight;
      readonly newBlocks: readonly HashAndHeight[];
    };

interface WriteTarget {
  readonly base: HashAndHeight | null;
  readonly head: HashAndHeight;
  readonly finalized: HashAndHeight;
  readonly hot: HashAndHeight[];
  /**
   * The write reaches the head the processor knows (the last of a batch at the head, or a hot
   * one): nothing is put off, and every era left stale by earlier writes is recomputed.
   */
  readonly settle: boolean;
}

/** Payload statuses of a batch without a good copy, from least to most telling. */
const STATUS_RANK = ['no-source', 'unavailable', 'too-large', 'malformed', 'mismatch'];

/**
 * A write transaction at least this long is logged with its phases (`slowWriteMs`): on the
 * embedded database every API request waits that long meanwhile.
 */
const SLOW_WRITE_MS = 1000;

/** Where a batch's lines come from, for the status table. */
const STATUS_ID = 'main';

export class Indexer {
  private readonly pool: BatchPool;
  private readonly params = new Map<string, ProtocolParams>();
  /** Grant versions checked once, for every record's links. */
  private readonly grantMemo = new GrantMemo(100_000);
  /** Writes (and analyzes) at least this long are logged. */
  private get slowWriteMs(): number {
    return this.opts.slowWriteMs ?? SLOW_WRITE_MS;
  }
  /** Planner statistics, where the database keeps none by itself (indexer/analyze.ts). */
  private readonly analyzer = new Analyzer();
  /** Where the GAR read stands: position, whether it reached the end, why not, the anchor key. */
  private gar: GarSnapshot = { cursor: 0, complete: true, error: null, anchorKey: null };
  /** `pair_id` of a pair with served versions or records -> `user/agent`. */
  private readonly pairs = new Map<string, string>();
  /** The `user/agent` keys already in `pairs` (so a pair is hashed once). */
  private readonly pairKeys = new Set<string>();
  private initialized = false;
  /** The batches the processor's transactions hand the handler (the handler writes them). */
  private readonly batchInfo = new WeakMap<Ingest, BatchInfo>();
  /** Processor batches the handler wrote itself, chunk by chunk. */
  private readonly written = new WeakSet<Ingest>();
  /** Final processor batches the processor handed as the last before the head. */
  private readonly atHead = new WeakSet<Ingest>();
  /** The chunk being mapped: blocks not written yet (a restart maps them again). */
  private open: OpenChunk | null = null;
  private pending: Promise<void> = Promise.resolve();
  /** Until when (performance.now()) writes are finished before the next chunk is prepared. */
  private readersUntil = -Infinity;
  /**
   * Whether stale eras may exist: true at start (a run before this one may have left some) and
   * after a write put an era off; false once a settling write recomputed them all.
   */
  private staleEras = true;
  private lastReturn = 0;

  constructor(private readonly opts: IndexerOptions) {
    this.pool = new BatchPool(opts.threads);
  }

  private log(msg: string): void {
    this.opts.log?.(msg);
  }

  /** Loads what the mappings and links need from earlier runs. */
  async init(): Promise<void> {
    if (this.initialized) return;
    const db = this.opts.pool;
    const st = (
      await db.query(
        `SELECT height, finalized_height, gar_cursor, gar_complete, gar_error, gar_anchor_key
           FROM indexer_status WHERE id = $1`,
        [STATUS_ID]
      )
    ).rows[0] as
      | {
          height: number;
          finalized_height: number;
          gar_cursor: string;
          gar_complete: boolean;
          gar_error: string | null;
          gar_anchor_key: string | null;
        }
      | undefined;
    if (st) this.opts.metrics?.resumed(st.height, st.finalized_height);
    let anchorKey = this.opts.garAnchorKey ?? st?.gar_anchor_key ?? null;
    if (this.opts.garAnchorKey === undefined || this.opts.garAnchorKey === null)
      if (this.opts.garUrl)
        anchorKey = (await fetchGarAnchorKey(this.opts.garUrl, this.opts.fetch)) ?? anchorKey;
    this.gar = {
      cursor: st ? Number(st.gar_cursor) : 0,
      complete: st ? st.gar_complete : true,
      error: st?.gar_error ?? null,
      anchorKey,
    };
    // Pairs with served versions or with records: a GAR anchor names pairs by their id.
    const pairs = await db.query(
      `SELECT user_id, agent_id FROM gar_grant WHERE user_id IS NOT NULL AND agent_id IS NOT NULL
       UNION SELECT user_id, agent_id FROM activity_record
        WHERE user_id IS NOT NULL AND agent_id IS NOT NULL`
    );
    for (const r of pairs.rows) this.notePair(r.user_id, r.agent_id);
    const params = await db.query(
      `SELECT DISTINCT ON (cluster_id) cluster_id, treasury_share, validators_share, reserve_share, pricing
         FROM cluster_protocol_params ORDER BY cluster_id, block_height DESC`
    );
    for (const r of params.rows) this.params.set(r.cluster_id, paramsOf(r));
    this.initialized = true;
  }

  private notePair(user: string, agent: string): string {
    const key = `${user}/${agent}`;
    if (this.pairKeys.has(key)) return key;
    this.pairKeys.add(key);
    const u = parseHex(user, 32);
    const a = parseHex(agent, 32);
    if (u && a) this.pairs.set(toHex(garPairId(u, a)), key);
    return key;
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
    info: { prevHead: HashAndHeight; nextHead: HashAndHeight; isOnTop?: boolean },
    cb: (store: Ingest) => Promise<void>
  ): Promise<void> {
    this.sinceLast();
    const ing = new Ingest();
    ing.finalizedHeight = info.nextHead.height;
    this.batchInfo.set(ing, { kind: 'final' });
    if (info.isOnTop !== false) this.atHead.add(ing);
    await cb(ing);
    if (!this.written.has(ing))
      await this.enqueue(ing, {
        base: null,
        head: info.nextHead,
        finalized: info.nextHead,
        hot: [],
        settle: info.isOnTop !== false,
      });
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
    this.batchInfo.set(ing, {
      kind: 'hot',
      base: info.baseHead,
      finalized: info.finalizedHead,
      newBlocks: info.newBlocks,
    });
    await cb(ing, 0, info.newBlocks.length);
    const head = info.newBlocks.at(-1) ?? info.baseHead;
    if (!this.written.has(ing))
      await this.enqueue(ing, {
        base: info.baseHead,
        head,
        finalized: info.finalizedHead,
        hot: info.newBlocks,
        settle: true,
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
    // Readers are waiting for the database: prepare the next chunk only once this one is written.
    // (Its failure is handled above, and fails the next write.)
    if (performance.now() < this.readersUntil) await w.catch(() => {});
  }

  /**
   * The processor's handler: maps blocks, syncs grants, fetches and verifies batches, and writes
   * them in chunks of whole blocks of about `chunkRecords` records, each chunk in its own
   * transaction with the status at its last block. Every transaction leaves a state a reader may
   * see: everything derived from the blocks up to its status, nothing above. On the embedded
   * database no reader runs while a transaction is open, so a chunk bounds how long one waits.
   *
   * While it catches up on final blocks, a chunk that is not full at the end of a processor batch
   * is carried into the next batch rather than written: chunk ends then depend only on the records
   * counted since the last chunk written, which is also where a restart resumes, so a crash does
   * not move them (nothing stored depends on where writes split). At the head, and before hot
   * blocks, the open chunk is written.
   */
  async handle(ctx: { blocks: readonly IBlock[]; store: Ingest }): Promise<void> {
    const root = ctx.store;
    const info = this.batchInfo.get(root);
    if (!info) {
      const t = performance.now();
      for (const b of ctx.blocks) mapBlock(b, b.header.height <= root.finalizedHeight, root);
      this.opts.metrics?.time('decode', (performance.now() - t) / 1000);
      await this.complete(root);
      return;
    }
    if (ctx.blocks.length === 0) {
      // No new block (a hot update that only moves finality or rolls back): the transaction
      // writes the batch itself, after the open chunk.
      await this.flush(false);
      await this.complete(root);
      return;
    }
    this.written.add(root);
    if (info.kind === 'hot') await this.flush(false);
    const limit = this.opts.chunkRecords ?? 5000;
    // The batch's last chunk settles the eras put off before it when the batch reaches the head.
    const settles = info.kind === 'hot' || this.atHead.has(root);
    for (let i = 0; i < ctx.blocks.length; i++) {
      const b = ctx.blocks[i]!;
      const chunk = (this.open ??= {
        ing: new Ingest(),
        records: 0,
        first: b.header.height,
        last: { height: b.header.height, hash: b.header.hash },
        info,
        rollback: info.kind === 'hot' && i === 0,
      });
      const batches = chunk.ing.batches.length;
      const t = performance.now();
      mapBlock(b, b.header.height <= root.finalizedHeight, chunk.ing);
      this.opts.metrics?.time('decode', (performance.now() - t) / 1000);
      for (let k = batches; k < chunk.ing.batches.length; k++)
        chunk.records += chunk.ing.batches[k]!.envelope.leafCount;
      chunk.last = { height: b.header.height, hash: b.header.hash };
      if (chunk.records >= limit) await this.flush(settles && i === ctx.blocks.length - 1);
    }
    // A hot batch is written whole; so is the last batch before the head.
    if (settles) await this.flush(true);
  }

  /**
   * Writes the open chunk, if any: its asynchronous steps, then its transaction (queued).
   * `settle`: the chunk ends at the head the processor knows (WriteTarget.settle).
   */
  private async flush(settle: boolean): Promise<void> {
    const chunk = this.open;
    if (!chunk) return;
    this.open = null;
    await this.complete(chunk.ing);
    await this.enqueue(chunk.ing, chunkTarget(chunk, settle));
  }

  /** A mapped chunk's asynchronous steps: chain reads, the GAR, payload fetches and checks. */
  private async complete(ing: Ingest): Promise<void> {
    const t0 = performance.now();
    // The mapping's async step: protocol params a governance change wrote, read from the chain.
    if (ing.paramsReads.length > 0) await resolveParamsReads(ing);
    if (ing.validatorSetReads.length > 0) await resolveValidatorSetReads(ing);
    for (const [k, p] of ing.params) this.params.set(k, p);
    for (const s of ing.subjects) addSubject(ing, s.kind, s.id, lineRows(s.lines), s.block);
    const t1 = performance.now();
    // The GAR is read before records are checked, when GAR anchors arrive (they may name
    // versions not read yet), and after a read that stopped short.
    if (ing.batches.length > 0 || ing.garEntries.length > 0 || !this.gar.complete)
      await this.syncGrants(ing);
    ing.gar = this.gar;
    await this.fetchAndVerify(ing);
    const t2 = performance.now();
    this.opts.metrics?.time('decode', (t1 - t0) / 1000);
    this.opts.metrics?.time('verify', (t2 - t1) / 1000);
  }

  private async syncGrants(ing: Ingest): Promise<void> {
    if (!this.opts.garUrl) return;
    const was = this.gar;
    let anchorKey = was.anchorKey;
    if (anchorKey === null) anchorKey = await fetchGarAnchorKey(this.opts.garUrl, this.opts.fetch);
    const r = await syncGar(this.opts.garUrl, was.cursor, this.opts.fetch);
    if (r.error) {
      this.opts.metrics?.fetchError('gar');
      this.log(`GAR read stopped at ${r.cursor}: ${r.error}`);
    }
    const base = this.opts.garUrl.replace(/\/$/, '');
    for (const v of r.items) {
      const url = `${base}/api/v1/agreements/${v.user}/${v.agent}#${v.version}`;
      const payload = typeof v.payload === 'string' ? v.payload : JSON.stringify(v.payload ?? null);
      const signature = jsonOf(v.signature ?? null);
      // The version's own fields, when it parses; the verifier re-checks it on every record.
      const g = parseGarVersion({ payload: v.payload, signature: v.signature });
      const user = v.user.toLowerCase();
      const agent = v.agent.toLowerCase();
      ing.add('gar_grant', {
        seq: String(v.sequence),
        user_id: user,
        agent_id: agent,
        payload,
        signature,
        payload_hash: g.ok ? toHex(g.value.payloadHash) : payloadHashOf(payload),
        created_at: g.ok ? new Date(g.value.createdAt) : null,
        expires_at: g.ok && g.value.expiresAt !== null ? new Date(g.value.expiresAt) : null,
        revoked: g.ok ? g.value.revoked : null,
        scope: g.ok ? JSON.stringify(g.value.scopes) : null,
        url,
        parse_code: g.ok ? null : g.code,
      });
      ing.relinkPairs.add(this.notePair(user, agent));
    }
    this.gar = {
      cursor: r.cursor,
      complete: r.error === null,
      error: r.error,
      anchorKey,
    };
    // Records that waited on the GAR (an outage, an unknown key) are checked again.
    if ((!was.complete && this.gar.complete) || (was.anchorKey === null && anchorKey !== null))
      ing.relinkWaiting = true;
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
      attempts.push({ ...row, seq: attempts.length });
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
          pricing: pricingText(this.params.get(clusterId)),
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
      attempt(outcome.payloadLine);
      if (!outcome.ok) {
        worse(outcome.payloadLine.code === 'HASH_MISMATCH' ? 'mismatch' : 'malformed');
        this.opts.metrics?.fetchError('payload');
        continue;
      }
      okUrl = url;
      size = r.body.length;
      // The anchored bytes, whose leaves do not make the anchored root: every node has them so.
      status = outcome.payloadLine.ok ? 'ok' : 'root-mismatch';
      const height = b.block.number;
      for (const rec of outcome.records) {
        // The record's own subject now; its links (consent, registrations) in the write.
        addSubject(ing, 'record', rec.id, rec.lines, height);
        ing.newRecords.push({
          row: rec,
          batchId: b.id,
          clusterId,
          era: env.era,
          height,
          parties: rec.parties,
        });
      }
    }
    const height = b.block.number;
    ing.add('dac_batch', {
      id: b.id,
      remark_id: b.id,
      cluster_id: clusterId,
      era: env.era,
      batch_index: env.batchIndex,
      record_format: env.recordFormat,
      leaf_count: env.leafCount,
      root: toHex(env.root),
      payload_hash: payloadHash,
      payload_status: status,
      payload_url: okUrl,
      payload_size: size,
      fetch_attempts: tries,
      records_failed: 0,
      block_height: height,
    });
    addSubject(ing, 'batch', b.id, attempts, height);
  }

  /**
   * Writes one processor batch, its rollback and finality, and the status, in one transaction:
   * the mapped rows first, then every subject that reads the database, from the same readers the
   * API's bundles use: anchors (new and newly final), records' links (new, and those whose inputs
   * changed), eras.
   */
  private async write(ing: Ingest, at: WriteTarget): Promise<void> {
    const t = performance.now();
    const client = await this.opts.pool.connect();
    // Where the transaction's time goes, phase by phase (the embedded database runs nothing else
    // meanwhile): proofroom_indexer_write_phase_seconds_total.
    const phases = new Map<WritePhase, number>();
    let mark = performance.now();
    const phase = (name: WritePhase): void => {
      const now = performance.now();
      phases.set(name, (phases.get(name) ?? 0) + (now - mark) / 1000);
      mark = now;
    };
    try {
      // The embedded database says when it held this BEGIN back for other connections (readers).
      let waitedTurn = false;
      const onNotice = (n: { message?: string }): void => {
        const ms = turnWaitMs(n.message);
        if (ms === null) return;
        waitedTurn = true;
        this.opts.metrics?.readerTurn(ms);
      };
      client.on('notice', onNotice);
      try {
        await client.query('BEGIN');
      } finally {
        client.off('notice', onNotice);
      }
      const begun = performance.now();
      if (this.opts.yieldToReaders && waitedTurn) this.readersUntil = begun + YIELD_WINDOW_MS;
      mark = begun;
      if (at.base) await this.rollback(client, at.base.height, ing);
      phase('rollback');
      for (const table of insertOrder(ing.rows.keys()))
        await insertRows(client, table, ing.rowsOf(table));
      if (ing.rowsOf('payout_batch').some((r) => r.max_batch_index === -1))
        await resolveMaxBatchIndex(client);
      phase('rows');
      const nowFinal = await this.finalize(client, at.finalized.height, ing);
      phase('finalize');
      await this.anchors(client, [...ing.batches.map((b) => b.id), ...nowFinal]);
      phase('anchors');
      await this.links(client, ing, at.head.height, phase);
      phase('links-batches');
      const settled = await this.eras(client, ing, at.head.height, at.settle);
      phase('eras');
      // Hot blocks: those above the finalized head stay listed for fork navigation.
      if (at.base) await client.query(`DELETE FROM hot_block WHERE height > $1`, [at.base.height]);
      if (at.hot.length > 0)
        await insertRows(
          client,
          'hot_block',
          at.hot.map((h) => ({ height: h.height, hash: h.hash }))
        );
      await client.query(`DELETE FROM hot_block WHERE height <= $1`, [at.finalized.height]);
      phase('hot');
      const gar = ing.gar ?? this.gar;
      await client.query(
        `INSERT INTO indexer_status (id, height, hash, finalized_height, finalized_hash, best_height,
           best_hash, gar_cursor, updated_at, gar_complete, gar_error, gar_anchor_key)
         VALUES ($1, $2, $3, $4, $5, $2, $3, $6, now(), $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET height = EXCLUDED.height, hash = EXCLUDED.hash,
           finalized_height = EXCLUDED.finalized_height, finalized_hash = EXCLUDED.finalized_hash,
           best_height = EXCLUDED.best_height, best_hash = EXCLUDED.best_hash,
           gar_cursor = GREATEST(indexer_status.gar_cursor, EXCLUDED.gar_cursor),
           updated_at = EXCLUDED.updated_at, gar_complete = EXCLUDED.gar_complete,
           gar_error = EXCLUDED.gar_error, gar_anchor_key = EXCLUDED.gar_anchor_key`,
        [
          STATUS_ID,
          at.head.height,
          at.head.hash,
          Math.min(at.finalized.height, at.head.height),
          at.finalized.height <= at.head.height ? at.finalized.hash : at.head.hash,
          String(gar.cursor),
          gar.complete,
          gar.error,
          gar.anchorKey,
        ]
      );
      await client.query('COMMIT');
      phase('status');
      if (settled) this.staleEras = false;
      const took = performance.now() - begun;
      this.opts.metrics?.writeTransaction(took / 1000, phases);
      if (took >= this.slowWriteMs) {
        const what = `${ing.records} records${ing.relinked > 0 ? `, ${ing.relinked} relinked` : ''}`;
        const where = [...phases]
          .filter(([, sec]) => sec >= 0.05)
          .map(([name, sec]) => `${name} ${Math.round(sec * 1000)} ms`);
        this.log(
          `slow write: ${Math.round(took)} ms up to block ${at.head.height} ` +
            `(${[what, ...(where.length > 0 ? [where.join(', ')] : [])].join('; ')})`
        );
      }
      this.opts.metrics?.committed();
      this.opts.metrics?.batch(ing, at.head.height, at.finalized.height);
      await this.analyze(client);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
    this.opts.metrics?.time('db', (performance.now() - t) / 1000);
  }

  /**
   * After a committed write: statistics for tables that doubled, where the database keeps none
   * (indexer/analyze.ts). A failure is logged and leaves the write as it is.
   */
  private async analyze(client: PoolClient): Promise<void> {
    const t = performance.now();
    try {
      const analyzed = await this.analyzer.afterWrite(client, t);
      if (analyzed.length === 0) return;
      const took = performance.now() - t;
      this.opts.metrics?.time('analyze', took / 1000);
      if (took >= this.slowWriteMs)
        this.log(`slow analyze: ${Math.round(took)} ms (${analyzed.join(', ')})`);
    } catch (e) {
      this.log(`analyze failed (the write stands): ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The anchor subjects of batches, from the database (new batches, and newly final ones). */
  private async anchors(c: PoolClient, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const unique = [...new Set(ids)];
    const inputs = await readAnchorInputs(c, unique);
    await deleteSubjects(c, 'anchor', unique);
    const subjects: VerificationSubjectInsert[] = [];
    const lines: VerificationLineInsert[] = [];
    for (const [id, a] of inputs) {
      const r = subjectRows(
        'anchor',
        id,
        verifyAnchorSubject(a, DEFAULT_POLICY).lines,
        a.block.number
      );
      subjects.push(r.subject);
      lines.push(...r.lines);
    }
    await insertRows(c, 'verification_subject', subjects);
    await insertRows(c, 'verification_line', lines);
  }

  /**
   * The links of this batch's new records, and of stored records whose inputs changed. `phase`
   * closes each part's share of the transaction's time (`links-relink`, `links-read`,
   * `links-verify`, `links-write`; the caller closes `links-batches`).
   */
  private async links(
    c: PoolClient,
    ing: Ingest,
    head: number,
    phase: (name: WritePhase) => void
  ): Promise<void> {
    const gar = ing.gar ?? this.gar;
    const waitingPairs = await this.anchoredPairs(c, ing);
    const relinked = await relink(
      c,
      {
        pairs: ing.relinkPairs,
        waitingPairs,
        waiting: ing.relinkWaiting,
        above: ing.linksAbove,
      },
      gar,
      head,
      this.grantMemo
    );
    phase('links-relink');
    ing.relinked += relinked;
    for (const r of ing.newRecords)
      if (r.row.user && r.row.agent) this.notePair(r.row.user, r.row.agent);
    const fresh = await linkNewRecords(c, ing.newRecords, gar, head, this.grantMemo, phase);
    await insertRows(c, 'activity_record', fresh.records);
    await insertRows(c, 'verification_subject', fresh.subjects);
    await insertRows(c, 'verification_line', fresh.lines);
    phase('links-write');
    ing.records += fresh.records.length;
    ing.recordsFailed += fresh.records.filter((r) => r.failed > 0).length;
    // Each batch's count of records that fail a line of their own. Relinked records may change
    // the count of batches stored long ago: recount the batches of every record linked now. New
    // records alone add to their batches' counts (a batch's records arrive in its own block, so in
    // this write; most batches have none failing, and then nothing is written).
    if (relinked > 0)
      await c.query(
        `UPDATE dac_batch d SET records_failed = f.n
           FROM (SELECT batch_id, count(*) FILTER (WHERE failed > 0)::int AS n FROM activity_record
                  WHERE batch_id IN (SELECT batch_id FROM activity_record WHERE links_height = $1)
                  GROUP BY batch_id) f
          WHERE d.id = f.batch_id AND d.records_failed IS DISTINCT FROM f.n`,
        [head]
      );
    else {
      const failing = new Map<string, number>();
      for (const r of fresh.records)
        if (r.failed > 0) failing.set(r.batch_id, (failing.get(r.batch_id) ?? 0) + 1);
      if (failing.size > 0)
        await c.query(
          `UPDATE dac_batch d SET records_failed = d.records_failed + u.n
             FROM unnest($1::text[], $2::int4[]) AS u(id, n) WHERE d.id = u.id`,
          [[...failing.keys()], [...failing.values()]]
        );
    }
  }

  /**
   * What this batch's GAR anchor entries (new, or newly final) change. An entry anchoring a
   * version the service serves for its pair changes only the records of the pair that wait for an
   * anchor (`grant.anchored` pending): the others' lines do not depend on it. An entry the service
   * does not serve (a hidden version), or one in a remark whose hash is wrong, changes the lines
   * of every record of its pair: those pairs are added to `ing.relinkPairs`. Returns the pairs
   * whose waiting records need their links again.
   */
  private async anchoredPairs(c: PoolClient, ing: Ingest): Promise<Set<string>> {
    const waiting = new Set<string>();
    if (ing.garEntries.length === 0) return waiting;
    const hashes = [...new Set(ing.garEntries.map((e) => e.hash))];
    const served = new Map<string, Set<string>>();
    for (const r of (
      await c.query(
        `SELECT DISTINCT user_id, agent_id, payload_hash FROM gar_grant
          WHERE payload_hash = ANY($1::text[])`,
        [hashes]
      )
    ).rows as Array<{ user_id: string; agent_id: string; payload_hash: string }>) {
      const key = this.notePair(r.user_id, r.agent_id);
      served.set(r.payload_hash, (served.get(r.payload_hash) ?? new Set()).add(key));
    }
    for (const e of ing.garEntries) {
      // A legacy entry names no pair: it can anchor a version, never reveal a hidden one.
      if (e.pair === null) {
        for (const key of served.get(e.hash) ?? []) waiting.add(key);
        continue;
      }
      const key = this.pairs.get(e.pair);
      if (!key) continue; // no record and no served version of this pair: nothing to relink
      if (e.hashOk && served.get(e.hash)?.has(key)) waiting.add(key);
      else ing.relinkPairs.add(key);
    }
    return waiting;
  }

  /**
   * Recomputes the eras this write touched, and the eras a payout in it leaves unpaid for good.
   *
   * An era that only gained activity batches is put off while the indexer catches up (`deferEras`,
   * a write that does not settle) when it was computed before, all its lines wait, and it has no
   * vote, `begin_*` call or payout yet: recomputing it would only refresh the facts of waiting
   * lines (its records, its recomputed roots), on every chunk. It is then stale, and the database
   * itself says so: its era subject's block height is below the height of its newest batch. A
   * settling write recomputes every stale era; a crash forgets nothing, since the next run starts
   * with `staleEras` set. Returns whether this write left no era stale.
   */
  private async eras(c: PoolClient, ing: Ingest, head: number, settle: boolean): Promise<boolean> {
    const keys = new Set(ing.eras);
    let deferred = 0;
    for (const key of ing.eraRecords) {
      if (keys.has(key)) continue;
      if (!settle && this.opts.deferEras !== false && (await eraWaits(c, ...splitEraKey(key))))
        deferred++;
      else keys.add(key);
    }
    for (const key of [...keys]) {
      const [cluster, era] = splitEraKey(key);
      const paid = await c.query(
        `SELECT 1 FROM payout_line
          WHERE cluster_id = $1 AND era = $2 AND kind IN ('paid', 'skipped') LIMIT 1`,
        [cluster, era]
      );
      if (paid.rowCount === 0) continue;
      for (const e of await waitingErasBefore(c, cluster, era)) keys.add(`${cluster}-${e}`);
    }
    let stale = 0;
    if (settle && this.staleEras)
      for (const id of await staleEras(c))
        if (!keys.has(id)) {
          keys.add(id);
          stale++;
        }
    if (deferred > 0 || stale > 0) this.opts.metrics?.erasPutOff(deferred, stale);
    if (deferred > 0) this.staleEras = true;
    for (const key of keys) {
      const [cluster, era] = splitEraKey(key);
      await verifyEra(c, cluster, era, head, {
        payoutBatchSize: this.opts.payoutBatchSize,
        quorumRule: this.opts.quorumRule,
        roots: this.opts.roots,
      });
    }
    return settle;
  }

  /** Deletes every row above `base` and marks what they fed for recomputation. */
  private async rollback(c: PoolClient, base: number, ing: Ingest): Promise<void> {
    const st = (await c.query(`SELECT height FROM indexer_status WHERE id = $1`, [STATUS_ID]))
      .rows[0] as { height: number } | undefined;
    if (!st || st.height <= base) return;
    const eras = await c.query(
      `SELECT cluster_id, era FROM dac_batch WHERE block_height > $1
       UNION SELECT cluster_id, era FROM payout_line WHERE block_height > $1
       UNION SELECT cluster_id, era FROM attestation_vote WHERE block_height > $1
       UNION SELECT cluster_id, era FROM payout_batch WHERE block_height > $1
       UNION SELECT cluster_id, era FROM payout_begin WHERE block_height > $1
       UNION SELECT cluster_id, era FROM era_payout WHERE block_height > $1
       UNION SELECT cluster_id, era FROM attestation_round WHERE block_height > $1`,
      [base]
    );
    for (const r of eras.rows) ing.eras.add(`${r.cluster_id}-${r.era}`);
    // Era subjects computed above the base (a later era's payout, a vote) go with it: recompute.
    const eraSubjects = await c.query(
      `SELECT id FROM verification_subject WHERE kind = 'era' AND block_height > $1`,
      [base]
    );
    for (const r of eraSubjects.rows) ing.eras.add(r.id as string);
    // Links computed above the base may rest on rows the fork removes.
    ing.linksAbove = base;
    let removed = 0;
    for (const [table, col] of ROLLBACK) {
      const r = await c.query(`DELETE FROM "${table}" WHERE "${col}" > $1`, [base]);
      removed += r.rowCount ?? 0;
    }
    this.opts.metrics?.reorg(st.height - base);
    this.log(`fork: rolled back ${st.height - base} block(s) above ${base} (${removed} rows)`);
  }

  /**
   * Marks blocks final up to `height`; returns the batches anchored in them (their anchor lines
   * change) and marks the pairs GAR anchors in them name (their grant lines may).
   */
  private async finalize(c: PoolClient, height: number, ing: Ingest): Promise<string[]> {
    const blocks = await c.query(
      `UPDATE block SET final = true WHERE height <= $1 AND NOT final RETURNING height`,
      [height]
    );
    if (blocks.rowCount === 0) return [];
    const heights = blocks.rows.map((r: { height: number }) => r.height);
    const batches = await c.query(`SELECT id FROM dac_batch WHERE block_height = ANY($1::int[])`, [
      heights,
    ]);
    const entries = await c.query(
      `SELECT DISTINCT e.pair_id, e.payload_hash, r.code IS NULL AS hash_ok
         FROM gar_anchor_entry e JOIN remark r ON r.id = e.remark_id
        WHERE e.block_height = ANY($1::int[])`,
      [heights]
    );
    for (const r of entries.rows)
      ing.garEntries.push({ pair: r.pair_id, hash: r.payload_hash, hashOk: r.hash_ok });
    return batches.rows.map((r: { id: string }) => r.id);
  }
}

function splitEraKey(key: string): [string, number] {
  const dash = key.lastIndexOf('-');
  return [key.slice(0, dash), Number(key.slice(dash + 1))];
}

/**
 * A payout batch whose side began in an earlier write (another processor batch or chunk) was
 * stored with max_batch_index -1: it takes the side's last `begin_*` at or before its block, as
 * stored (payout_line `max-batch-<side>`), so the row does not depend on where writes split.
 */
async function resolveMaxBatchIndex(c: PoolClient): Promise<void> {
  await c.query(
    `UPDATE payout_batch b SET max_batch_index = (
       SELECT l.batch_index FROM payout_line l
        WHERE l.cluster_id = b.cluster_id AND l.era = b.era AND l.kind = 'max-batch-' || b.side
          AND l.block_height <= b.block_height
        ORDER BY l.block_height DESC, split_part(l.id, '-', 2)::int DESC LIMIT 1)
      WHERE b.max_batch_index = -1
        AND EXISTS (SELECT 1 FROM payout_line l WHERE l.cluster_id = b.cluster_id AND l.era = b.era
                     AND l.kind = 'max-batch-' || b.side AND l.block_height <= b.block_height)`
  );
}

/** How long after a held `BEGIN` the indexer keeps finishing each write before the next chunk. */
const YIELD_WINDOW_MS = 10_000;

/** A chunk of whole blocks, mapped and not yet written. */
interface OpenChunk {
  readonly ing: Ingest;
  records: number;
  /** Its first block's height. */
  readonly first: number;
  last: HashAndHeight;
  /** The processor batch it began in. */
  readonly info: BatchInfo;
  /** The first chunk of a hot batch: it rolls back to the batch's base. */
  readonly rollback: boolean;
}

/**
 * Where a chunk writes to: its last block is the status; a final chunk is final; the first chunk
 * of a hot batch rolls back to the batch's base, and each lists its own new blocks as hot.
 */
function chunkTarget(chunk: OpenChunk, settle: boolean): WriteTarget {
  const head = chunk.last;
  const info = chunk.info;
  if (info.kind === 'final') return { base: null, head, finalized: head, hot: [], settle };
  return {
    base: chunk.rollback ? info.base : null,
    head,
    finalized: info.finalized,
    hot: info.newBlocks.filter((h) => h.height >= chunk.first && h.height <= head.height),
    settle,
  };
}

/** The line of a failed payload fetch or check, as a row (its seq is set when it is added). */
function failedAttempt(url: string, check: string, code: ReasonCode, facts: Facts): LineRow {
  return lineRows([
    fail({ step: 'inclusion', check, rule: RULE_INCLUSION, facts, source: { url } }, code),
  ])[0]!;
}

/**
 * The tables of a write in the order they are inserted: lines and subjects last, after the batches
 * whose cluster the `check_count` triggers read (db/migrations/1764600000000-check-counts.ts).
 */
function insertOrder(tables: Iterable<Table>): Table[] {
  const last = (t: Table): number =>
    t === 'verification_subject' || t === 'verification_line' ? 1 : 0;
  return [...tables].sort((a, b) => last(a) - last(b));
}

function addSubject(
  ing: Ingest,
  kind: string,
  id: string,
  lines: readonly LineRow[],
  height: number
) {
  const r = subjectRows(kind, id, lines, height);
  ing.add('verification_subject', r.subject);
  for (const l of r.lines) ing.add('verification_line', l);
}

/** blake2b-256 of a grant's signed bytes (the base64url payload decoded), as GAR anchors list it. */
function payloadHashOf(payload: string): string {
  return toHex(blake2b256(Buffer.from(payload, 'base64url')));
}

function paramsOf(r: {
  treasury_share: string;
  validators_share: string;
  reserve_share: string;
  pricing: Record<string, string>;
}): ProtocolParams {
  return {
    shares: {
      treasury: BigInt(r.treasury_share),
      validators: BigInt(r.validators_share),
      reserve: BigInt(r.reserve_share),
    },
    pricing: pricingOf(r.pricing)!,
  };
}

/** The cluster's pricing as decimal strings, for a batch job (the worker reads it back). */
function pricingText(p: ProtocolParams | undefined): Record<string, string> | null {
  if (!p) return null;
  return Object.fromEntries(Object.entries(p.pricing).map(([k, v]) => [k, v.toString()]));
}
