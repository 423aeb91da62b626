/**
 * The live feed behind the GraphQL subscriptions (served over Server-Sent Events). The indexer and
 * the API meet only in the database, and PGlite cannot LISTEN across connections, so the feed
 * polls the indexer's status: when the finalized height rises it publishes the receipts anchored
 * in the newly final blocks, and when the indexed height rises it publishes the failed checks
 * written for the new blocks. A reorg (the indexed height going down) resets the positions. The
 * feed starts with the first subscriber and publishes only what happens after that.
 * @module
 */
import { createPubSub } from 'graphql-yoga';
import type { Queryable } from './context.ts';

export interface ReceiptEvent {
  readonly id: string;
  readonly recordId: string;
  readonly clusterId: string | null;
  readonly era: number | null;
  readonly customerId: string | null;
  readonly providerId: string | null;
  readonly ok: boolean;
  readonly blockHeight: number;
}

export type LineEvent = Record<string, unknown>;

type Topics = {
  receipt: [ReceiptEvent];
  failedCheck: [LineEvent];
};

/** Most rows published per poll and topic; the rest follow on the next polls. */
const PAGE = 5000;

export class LiveFeed {
  readonly pubsub = createPubSub<Topics>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private closed = false;
  /** Everything before these keyset positions is published (heights: next to publish). */
  private receiptsAt: { height: number; id: string } | null = null;
  private checksAt: { height: number; kind: string; id: string; seq: number } | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly pollMs: number,
    private readonly onError: (e: unknown) => void = () => {}
  ) {}

  /** Starts polling (idempotent): called when a client subscribes. */
  ensureStarted(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.tick(), this.pollMs);
    this.timer.unref();
    void this.tick();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One poll; public so tests can drive it without waiting for the timer. */
  async tick(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      const st = (
        await this.db.query(`SELECT height, finalized_height FROM indexer_status WHERE id = 'main'`)
      ).rows[0];
      if (!st) return;
      const height = Number(st.height);
      const finalized = Math.min(Number(st.finalized_height), height);
      if (this.receiptsAt === null || this.checksAt === null) {
        this.receiptsAt = { height: finalized + 1, id: '' };
        this.checksAt = { height: height + 1, kind: '', id: '', seq: -1 };
        return;
      }
      // A reorg below what was published: what is re-indexed is published again.
      if (this.checksAt.height > height + 1)
        this.checksAt = { height: height + 1, kind: '', id: '', seq: -1 };
      if (this.receiptsAt.height > finalized + 1)
        this.receiptsAt = { height: finalized + 1, id: '' };
      await this.publishReceipts(finalized);
      await this.publishChecks(height);
    } catch (e) {
      this.onError(e);
    } finally {
      this.running = false;
    }
  }

  private async publishReceipts(finalized: number): Promise<void> {
    const at = this.receiptsAt!;
    if (at.height > finalized) return;
    const rows = (
      await this.db.query(
        `SELECT a.id, a.record_id, a.cluster_id, a.era, a.customer_id, a.provider_id, a.ok,
                a.block_height,
                NOT EXISTS (SELECT 1 FROM verification_line l WHERE l.subject_kind = 'anchor'
                             AND l.subject_id = a.batch_id AND NOT l.ok) AS anchor_ok
           FROM activity_record a
          WHERE (a.block_height, a.id) > ($1::int4, $2::text) AND a.block_height <= $3
          ORDER BY a.block_height, a.id LIMIT ${PAGE}`,
        [at.height, at.id, finalized]
      )
    ).rows;
    for (const r of rows)
      this.pubsub.publish('receipt', {
        id: String(r.id),
        recordId: String(r.record_id),
        clusterId: (r.cluster_id as string | null) ?? null,
        era: (r.era as number | null) ?? null,
        customerId: (r.customer_id as string | null) ?? null,
        providerId: (r.provider_id as string | null) ?? null,
        ok: Boolean(r.ok) && Boolean(r.anchor_ok),
        blockHeight: Number(r.block_height),
      });
    const last = rows.at(-1);
    this.receiptsAt =
      rows.length === PAGE && last
        ? { height: Number(last.block_height), id: String(last.id) }
        : { height: finalized + 1, id: '' };
  }

  private async publishChecks(height: number): Promise<void> {
    const at = this.checksAt!;
    if (at.height > height) return;
    const rows = (
      await this.db.query(
        `SELECT * FROM verification_line
          WHERE NOT ok AND NOT pending AND NOT skipped
            AND (block_height, subject_kind, subject_id, seq) > ($1::int4, $2::text, $3::text, $4::int4)
            AND block_height <= $5
          ORDER BY block_height, subject_kind, subject_id, seq LIMIT ${PAGE}`,
        [at.height, at.kind, at.id, at.seq, height]
      )
    ).rows;
    for (const r of rows) this.pubsub.publish('failedCheck', r);
    const last = rows.at(-1);
    this.checksAt =
      rows.length === PAGE && last
        ? {
            height: Number(last.block_height),
            kind: String(last.subject_kind),
            id: String(last.subject_id),
            seq: Number(last.seq),
          }
        : { height: height + 1, kind: '', id: '', seq: -1 };
  }
}
