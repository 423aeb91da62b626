/**
 * Prometheus metrics of the indexer process: chain heights (best, finalized, indexed, verified),
 * throughput counters (events, records, receipts verified, fetch errors, reorgs) and where the
 * time goes (RPC is what remains of wall time; decoding, verification and database writes are
 * measured). Served with the processor's own `sqd_*` metrics on one endpoint.
 * @module
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Ingest } from './mapping.ts';

/**
 * The phases of a write transaction, in order (indexer/indexer.ts \`write\`): \`rows\` is the
 * batch's mapped rows; the \`links-*\` phases are the records' links (stored records relinked, the
 * inputs read, the lines verified, the records with their subjects and lines written, then each
 * batch's count of failing records); \`hot\` the hot blocks.
 */
export const WRITE_PHASES = [
  'rollback',
  'rows',
  'finalize',
  'anchors',
  'links-relink',
  'links-read',
  'links-verify',
  'links-write',
  'links-batches',
  'eras',
  'hot',
  'status',
] as const;

/** One of WRITE_PHASES. */
export type WritePhase = (typeof WRITE_PHASES)[number];

export class Metrics {
  readonly registry = new Registry();
  private readonly height = new Gauge({
    name: 'proofroom_indexer_height',
    help: 'Heights: indexed and verified (best chain), finalized (chain), finalized_indexed',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly events = new Counter({
    name: 'proofroom_indexer_events_total',
    help: 'Chain events indexed',
    registers: [this.registry],
  });
  private readonly blocks = new Counter({
    name: 'proofroom_indexer_blocks_total',
    help: 'Blocks indexed',
    registers: [this.registry],
  });
  private readonly records = new Counter({
    name: 'proofroom_indexer_records_verified_total',
    help: 'Activity records (receipts) verified and stored',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly fetchErrors = new Counter({
    name: 'proofroom_indexer_fetch_errors_total',
    help: 'Failed off-chain fetches (after retries)',
    labelNames: ['source'],
    registers: [this.registry],
  });
  private readonly writes = new Counter({
    name: 'proofroom_indexer_writes_total',
    help: 'Write transactions committed (one per processor batch, or per chunk of a large one)',
    registers: [this.registry],
  });
  private readonly reorgs = new Counter({
    name: 'proofroom_indexer_reorgs_total',
    help: 'Forks navigated (rollbacks of hot blocks)',
    registers: [this.registry],
  });
  private readonly reorgDepth = new Counter({
    name: 'proofroom_indexer_rolled_back_blocks_total',
    help: 'Blocks rolled back by forks',
    registers: [this.registry],
  });
  private readonly seconds = new Counter({
    name: 'proofroom_indexer_seconds_total',
    help: 'Seconds per stage: rpc (processor alone), decode, verify (with fetch), fetch (summed over parallel requests), db (writes, overlapping the next verify), db-wait (verification waiting for a write), analyze (ANALYZE after writes, where the database has no autovacuum; part of db)',
    labelNames: ['stage'],
    registers: [this.registry],
  });
  private readonly transaction = new Histogram({
    name: 'proofroom_indexer_write_transaction_seconds',
    help: 'Duration of each write transaction, BEGIN to COMMIT: on the embedded database no other connection runs a statement meanwhile',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly phases = new Counter({
    name: 'proofroom_indexer_write_phase_seconds_total',
    help: `Seconds inside write transactions per phase: ${WRITE_PHASES.join(', ')}`,
    labelNames: ['phase'],
    registers: [this.registry],
  });
  private readonly turns = new Counter({
    name: 'proofroom_indexer_reader_turns_total',
    help: 'Write transactions whose BEGIN the embedded database held back while API requests ran',
    registers: [this.registry],
  });
  private readonly turnSeconds = new Counter({
    name: 'proofroom_indexer_reader_turn_seconds_total',
    help: 'Seconds those BEGINs waited for API requests',
    registers: [this.registry],
  });
  private readonly erasPutOffTotal = new Counter({
    name: 'proofroom_indexer_eras_put_off_total',
    help: 'Era recomputations a write put off while catching up (the era had no vote or payout yet)',
    registers: [this.registry],
  });
  private readonly erasSettledTotal = new Counter({
    name: 'proofroom_indexer_eras_settled_total',
    help: 'Stale eras recomputed by a write that reached the head',
    registers: [this.registry],
  });
  /** A write put off `putOff` eras' recomputation, or recomputed `settled` stale ones. */
  erasPutOff(putOff: number, settled: number): void {
    this.erasPutOffTotal.inc(putOff);
    this.erasSettledTotal.inc(settled);
  }
  /** The database held a write's BEGIN back for `ms` while other connections ran. */
  readerTurn(ms: number): void {
    this.turns.inc();
    this.turnSeconds.inc(ms / 1000);
  }
  /** A write transaction's duration and the seconds of each of its phases. */
  writeTransaction(seconds: number, phases: ReadonlyMap<string, number>): void {
    this.transaction.observe(seconds);
    for (const [phase, s] of phases) this.phases.inc({ phase }, s);
  }
  time(stage: string, seconds: number): void {
    this.seconds.inc({ stage }, seconds);
  }
  fetchError(source: string): void {
    this.fetchErrors.inc({ source });
  }
  reorg(depth: number): void {
    this.reorgs.inc();
    this.reorgDepth.inc(depth);
  }
  /** A write transaction committed. */
  committed(): void {
    this.writes.inc();
  }
  /** Where an earlier run left the database (before this run's first write). */
  resumed(head: number, finalized: number): void {
    this.height.set({ kind: 'indexed' }, head);
    this.height.set({ kind: 'verified' }, head);
    this.height.set({ kind: 'finalized' }, finalized);
    this.height.set({ kind: 'finalized_indexed' }, Math.min(head, finalized));
  }
  batch(ing: Ingest, head: number, finalized: number): void {
    this.events.inc(ing.events);
    this.blocks.inc(ing.blocks);
    this.records.inc({ result: 'passed' }, ing.records - ing.recordsFailed);
    this.records.inc({ result: 'failed' }, ing.recordsFailed);
    this.height.set({ kind: 'indexed' }, head);
    this.height.set({ kind: 'verified' }, head);
    this.height.set({ kind: 'finalized' }, finalized);
    this.height.set({ kind: 'finalized_indexed' }, Math.min(head, finalized));
  }

  /** Serves this registry merged with `others` at /metrics. */
  serve(port: number, host: string, others: Registry[] = []): Promise<Server> {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      // Merged per request: the processor registers its runner metrics only once it runs.
      const merged = Registry.merge([this.registry, ...others]);
      merged.metrics().then(
        (text) => res.writeHead(200, { 'content-type': merged.contentType }).end(text),
        (e: unknown) => res.writeHead(500).end(String(e))
      );
    });
    return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
  }
}
