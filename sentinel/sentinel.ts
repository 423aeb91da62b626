/**
 * The sentinel: follows the finalized head through the indexer's database and, for every era whose
 * `ClusterEraPaid` is final, runs one round: draws a sample of the era's anchored leaves with a seed
 * nobody could know before the era was final and the sentinel could not choose (a VRF output,
 * verifier/draw.ts), fetches each sampled leaf's batch payload from the
 * storage nodes that should hold it, recomputes and compares, and stores one row per leaf and node,
 * evidence for every failure and the round's figures. See docs/sentinel.md.
 *
 * Work is grouped by batch: the sampled leaves of one batch share one request per node. Batches run
 * `concurrency` at a time under a rate limit counted in sampled leaves per second.
 * @module
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import { blake2b } from '@noble/hashes/blake2.js';
import { concatBytes, toHex, utf8 } from '../verifier/bytes.ts';
import type { DacBatchEnvelope } from '../verifier/envelope.ts';
import type { EvidenceDraw, FailureKind } from '../verifier/evidence.ts';
import type { SentinelSettings } from './config.ts';
import { fetchPayload } from './fetch.ts';
import { batchEnvelope, judgeBatch } from './judge.ts';
import type { SentinelKey } from './keys.ts';
import type { SentinelMetrics } from './metrics.ts';
import { drawSample, roundDraw, sampleSize } from './sampling.ts';
import {
  type AnchoredBatch,
  type CheckRow,
  type PaidEra,
  type RoundFigures,
  SentinelStore,
} from './store.ts';
import { type WebhookEvent, WebhookNotifier } from './webhook.ts';

export interface SentinelOptions extends SentinelSettings {
  readonly pool: Pool;
  readonly key: SentinelKey;
  readonly metrics?: SentinelMetrics;
  readonly onEvent?: (e: SentinelEvent) => void;
}

export type SentinelEvent =
  | {
      type: 'round-start';
      round: string;
      clusterId: string;
      era: number;
      population: number;
      sampleSize: number;
      nodes: readonly string[];
      alreadyChecked: number;
    }
  | { type: 'progress'; round: string; sampled: number; sampleSize: number; failed: number }
  | {
      type: 'failure';
      round: string;
      activityId: string;
      node: string;
      kind: FailureKind;
      code: string | null;
      evidenceFile: string | null;
    }
  | {
      type: 'round-complete';
      round: string;
      clusterId: string;
      era: number;
      figures: RoundFigures;
      sampleSize: number;
      population: number;
    }
  | { type: 'skipped'; clusterId: string; era: number; reason: string }
  | { type: 'error'; error: string }
  | ({ kind: 'webhook' } & WebhookEvent);

export interface RoundResult {
  readonly round: string;
  readonly complete: boolean;
  readonly figures: RoundFigures | null;
}

/** A token bucket counted in sampled leaves; `take` waits (abortably) for its share. */
class RateLimiter {
  private tokens: number;
  private last = performance.now();
  constructor(private readonly rate: number) {
    this.tokens = rate;
  }
  async take(n: number, signal: AbortSignal): Promise<void> {
    if (this.rate <= 0) return;
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(
        Math.max(this.rate, n),
        this.tokens + ((now - this.last) / 1000) * this.rate
      );
      this.last = now;
      if (this.tokens >= n) {
        this.tokens -= n;
        return;
      }
      await sleep(((n - this.tokens) / this.rate) * 1000, signal);
      if (signal.aborted) return;
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A file-name-safe form of an id or URL. */
function slug(s: string): string {
  return s
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .slice(0, 120);
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export class Sentinel {
  readonly store: SentinelStore;
  private readonly limiter: RateLimiter;
  private readonly notifier: WebhookNotifier | null;
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private gaugesLoaded = false;

  constructor(private readonly o: SentinelOptions) {
    this.store = new SentinelStore(o.pool);
    this.limiter = new RateLimiter(o.rate);
    this.notifier = o.webhook
      ? new WebhookNotifier(this.store, o.key.id, o.webhook, o.metrics, (e) =>
          o.onEvent?.({ kind: 'webhook', ...e })
        )
      : null;
  }

  /** The round id of an era for this sentinel's key. */
  roundId(clusterId: string, era: number): string {
    return `${clusterId}-${era}-${this.o.key.id.slice(2, 18)}`;
  }

  /** Runs every pending round to its end (or until stopped); returns what each reached. */
  async runOnce(signal: AbortSignal = this.abort.signal): Promise<RoundResult[]> {
    const eras = await this.store.pendingEras(this.o.key.id);
    const m = this.o.metrics;
    if (m) {
      // The gauges say what the database holds, also right after a restart (a pass lists at most
      // 32 eras; the gauge counts them all).
      m.pendingEras.set(
        eras.length < 32 ? eras.length : await this.store.countPendingEras(this.o.key.id)
      );
      if (!this.gaugesLoaded) {
        for (const r of await this.store.latestRounds(this.o.key.id)) {
          m.confidence.set({ cluster: r.clusterId }, r.confidence);
          m.roundFailed.set({ cluster: r.clusterId }, r.failed);
          m.lastEra.set({ cluster: r.clusterId }, r.era);
        }
        this.gaugesLoaded = true;
      }
    }
    const out: RoundResult[] = [];
    for (const era of eras) {
      if (signal.aborted) break;
      const r = await this.runRound(era, signal);
      if (r) out.push(r);
    }
    if (this.notifier && !signal.aborted) await this.notifier.flush(signal);
    return out;
  }

  /** Follows the head until `stop`: a pass, then a pause of `pollMs` (shorter when a retry is due). */
  start(): void {
    if (this.loop) return;
    const signal = this.abort.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        try {
          await this.runOnce(signal);
        } catch (e) {
          if (!signal.aborted) this.o.onEvent?.({ type: 'error', error: (e as Error).message });
        }
        const due = this.notifier?.nextDue();
        const wait =
          due == null ? this.o.pollMs : Math.max(10, Math.min(this.o.pollMs, due - Date.now()));
        await sleep(wait, signal);
      }
    })();
  }

  /** Stops the loop, aborting requests in flight; resolves when nothing runs. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = null;
  }

  private async runRound(era: PaidEra, signal: AbortSignal): Promise<RoundResult | null> {
    const { o } = this;
    const all = await this.store.anchoredBatches(era);
    const usable: Array<{ batch: AnchoredBatch; env: DacBatchEnvelope }> = [];
    for (const batch of all) {
      const env = batchEnvelope(batch);
      if (env) usable.push({ batch, env });
    }
    const nodes = o.storageUrls ?? (await this.store.clusterNodeUrls(era.clusterId));
    if (nodes.length < 2) {
      o.onEvent?.({
        type: 'skipped',
        clusterId: era.clusterId,
        era: era.era,
        reason: `only ${nodes.length} storage node(s) known for the cluster; the sentinel compares at least two (set PROOFROOM_STORAGE_URLS or --storage)`,
      });
      return null;
    }
    const perSample =
      o.nodesPerSample === 0 ? nodes.length : Math.min(o.nodesPerSample, nodes.length);
    const population = usable.reduce((s, u) => s + u.batch.leafCount, 0);
    // The draw is public from the start: alpha is fixed by the chain, the proof by the key.
    const { alpha, proof, seed } = roundDraw(o.key.secret, era.clusterId, era.era, era.hash);
    const id = this.roundId(era.clusterId, era.era);
    const round = await this.store.openRound(
      {
        id,
        clusterId: era.clusterId,
        era: era.era,
        sentinel: o.key.id,
        seedHeight: era.height,
        seedHash: era.hash,
        vrfAlpha: toHex(alpha),
        vrfProof: toHex(proof),
        seed: toHex(seed),
        population,
        batches: usable.length,
        sampleSize: sampleSize(population, o.target),
      },
      o.target,
      perSample
    );
    if (round.vrfProof !== toHex(proof) || round.population !== population) {
      o.onEvent?.({
        type: 'skipped',
        clusterId: era.clusterId,
        era: era.era,
        reason: `round ${id} was started over other data (VRF proof or population differ); it is left as it is`,
      });
      return null;
    }
    if (round.status === 'complete') return { round: id, complete: true, figures: null };

    const layout = usable.map((u) => ({
      batchId: u.batch.batchId,
      leafCount: u.batch.leafCount,
    }));
    const sample = drawSample(seed, layout, round.sampleSize);
    // What every evidence document of the round carries so a reader can redo the draw.
    const draw: EvidenceDraw = {
      blockHeight: era.height,
      blockHash: era.hash,
      alpha: toHex(alpha),
      proof: toHex(proof),
      seed: toHex(seed),
      sampleSize: round.sampleSize,
      population,
      batches: layout,
    };
    const done = await this.store.checkedLeaves(id);
    const byBatch = new Map<string, number[]>();
    for (const s of sample) {
      if (done.has(`${s.batchId}:${s.leafIndex}`)) continue;
      const list = byBatch.get(s.batchId) ?? [];
      list.push(s.leafIndex);
      byBatch.set(s.batchId, list);
    }
    o.onEvent?.({
      type: 'round-start',
      round: id,
      clusterId: era.clusterId,
      era: era.era,
      population,
      sampleSize: round.sampleSize,
      nodes,
      alreadyChecked: done.size,
    });
    o.metrics?.rounds.inc({ status: 'started' });
    const usableById = new Map(usable.map((u) => [u.batch.batchId, u]));
    const groups = [...byBatch.entries()];
    let figures: RoundFigures | null = null;
    let next = 0;
    let failedWork: unknown = null;
    const worker = async (): Promise<void> => {
      while (!signal.aborted && failedWork === null && next < groups.length) {
        const [batchId, leaves] = groups[next++]!;
        const { batch, env } = usableById.get(batchId)!;
        await this.limiter.take(leaves.length, signal);
        if (signal.aborted) return;
        try {
          const f = await this.checkBatch(
            id,
            era,
            batch,
            env,
            leaves,
            this.chooseNodes(nodes, perSample, seed, batchId),
            population,
            draw,
            signal
          );
          if (f) {
            figures = f;
            o.onEvent?.({
              type: 'progress',
              round: id,
              sampled: f.sampled,
              sampleSize: round.sampleSize,
              failed: f.failed,
            });
          }
        } catch (e) {
          failedWork ??= e;
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(o.concurrency, Math.max(1, groups.length)) }, worker)
    );
    if (failedWork !== null) throw failedWork;
    if (signal.aborted) return { round: id, complete: false, figures };
    // The batches added their rows' share as they went; the final figures count every row again.
    figures = await this.store.recount(id, o.target, population);
    if (figures.sampled !== round.sampleSize)
      throw new Error(
        `round ${id}: ${figures.sampled} of ${round.sampleSize} sampled leaves are recorded after every batch was checked`
      );
    await this.store.completeRound(id);
    const fin: RoundFigures = figures;
    o.metrics?.rounds.inc({ status: 'complete' });
    o.metrics?.confidence.set({ cluster: era.clusterId }, fin.confidence);
    o.metrics?.roundFailed.set({ cluster: era.clusterId }, fin.failed);
    o.metrics?.lastEra.set({ cluster: era.clusterId }, era.era);
    o.onEvent?.({
      type: 'round-complete',
      round: id,
      clusterId: era.clusterId,
      era: era.era,
      figures: fin,
      sampleSize: round.sampleSize,
      population,
    });
    return { round: id, complete: true, figures: fin };
  }

  /** The nodes asked for a batch: all, or `k` of them ranked by a keyed hash (unpredictable too). */
  private chooseNodes(
    nodes: readonly string[],
    k: number,
    seed: Uint8Array,
    batchId: string
  ): string[] {
    if (k >= nodes.length) return [...nodes];
    const rank = (u: string): string =>
      toHex(
        blake2b(concatBytes(utf8(batchId), Uint8Array.of(1), utf8(u)), { key: seed, dkLen: 32 })
      );
    return [...nodes].sort((a, b) => (rank(a) < rank(b) ? -1 : 1)).slice(0, k);
  }

  /** Fetches one batch from its nodes, judges the sampled leaves, writes evidence and rows. */
  private async checkBatch(
    roundId: string,
    era: PaidEra,
    batch: AnchoredBatch,
    env: DacBatchEnvelope,
    leaves: readonly number[],
    nodes: readonly string[],
    population: number,
    draw: EvidenceDraw,
    signal: AbortSignal
  ): Promise<RoundFigures | null> {
    const { o } = this;
    const answers = await Promise.all(
      nodes.map((n) =>
        fetchPayload(n, batch.payloadHash, {
          timeoutMs: o.timeoutMs,
          maxBytes: o.maxPayloadBytes,
          signal,
        })
      )
    );
    // A request cut short by our own stop says nothing about the node: nothing is written.
    if (signal.aborted) return null;
    const stored = await this.store.storedRecords(leaves.map((l) => `${batch.batchId}:${l}`));
    const rows: CheckRow[] = judgeBatch(
      {
        roundId,
        clusterId: era.clusterId,
        era: era.era,
        key: o.key,
        timeoutMs: o.timeoutMs,
        evidenceBodyBytes: o.evidenceBodyBytes,
        draw,
      },
      batch,
      env,
      leaves,
      answers,
      stored
    );
    const files = new Map<CheckRow, string>();
    if (o.evidenceDir) {
      for (const r of rows) {
        if (!r.evidence) continue;
        const file = path.join(
          o.evidenceDir,
          slug(roundId),
          `${slug(r.activityId)}--${slug(r.nodeUrl)}.json`
        );
        await writeAtomic(file, JSON.stringify(r.evidence, null, 2) + '\n');
        // Stored (and served by the API) relative to the evidence folder: the server's own paths
        // are nobody else's business.
        (r.facts as Record<string, unknown>).evidenceFile = path.relative(o.evidenceDir, file);
        files.set(r, file);
      }
    }
    const { inserted, figures } = await this.store.recordChecks(
      roundId,
      rows,
      o.target,
      population
    );
    if (inserted > 0) {
      for (const a of answers)
        o.metrics?.fetchSeconds.observe({ node: a.node }, a.latencyMs / 1000);
      for (const r of rows) o.metrics?.checks.inc({ node: r.nodeUrl, kind: r.kind });
      if (o.evidenceDir) o.metrics?.evidenceFiles.inc(files.size);
      for (const l of leaves) {
        const own = rows.filter((r) => r.leafIndex === l);
        o.metrics?.samples.inc({ result: own.every((r) => r.kind === 'ok') ? 'ok' : 'failed' });
      }
      for (const r of rows)
        if (r.kind !== 'ok')
          o.onEvent?.({
            type: 'failure',
            round: roundId,
            activityId: r.activityId,
            node: r.nodeUrl,
            kind: r.kind,
            code: r.code,
            evidenceFile: files.get(r) ?? null,
          });
      if (this.notifier && rows.some((r) => r.kind !== 'ok'))
        void this.notifier.flush(signal).catch(() => {});
    }
    return figures;
  }
}
