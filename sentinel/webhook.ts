/**
 * Webhook notices of failed checks, delivered at least once. The queue is the database: a failed
 * check is pending until a POST to the webhook answers 2xx (`notified_at`), so a crash or restart
 * loses no notice. Failed attempts are counted in the row and retried with exponential backoff
 * (base · 2^attempt, capped at a minute, with jitter), up to a number of attempts. Each notice
 * carries the check's id (also in the `X-Proofroom-Delivery` header) for the receiver to drop
 * repeats, and the signed evidence so the receiver can verify it without asking us.
 * @module
 */
import type { SentinelMetrics } from './metrics.ts';
import type { PendingNotice, SentinelStore } from './store.ts';

export interface WebhookOptions {
  readonly url: string;
  /** Attempts per notice before giving up (counted across restarts). */
  readonly attempts: number;
  readonly timeoutMs: number;
  /** First retry delay; each later one doubles, up to 60 s. */
  readonly backoffMs: number;
}

export type WebhookEvent =
  | { type: 'delivered'; id: string; attempt: number }
  | { type: 'failed'; id: string; attempt: number; reason: string; retryInMs: number | null };

const MAX_BACKOFF_MS = 60_000;

/** The JSON body posted for one failed check. */
export function noticeBody(n: PendingNotice): string {
  return JSON.stringify({
    type: 'proofroom.sentinel.failure',
    id: n.id,
    round: n.roundId,
    activityId: n.activityId,
    node: n.nodeUrl,
    kind: n.kind,
    code: n.code,
    evidence: n.evidence,
  });
}

export class WebhookNotifier {
  /** When each notice may be tried again (in memory: after a restart every pending one is due). */
  private readonly due = new Map<string, number>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: SentinelStore,
    /** The sentinel's key id: only its own rounds' failures are notified. */
    private readonly sentinel: string,
    private readonly o: WebhookOptions,
    private readonly metrics?: SentinelMetrics,
    private readonly onEvent?: (e: WebhookEvent) => void
  ) {}

  /** Delivers what is due now; concurrent calls share one pass. */
  flush(signal?: AbortSignal): Promise<void> {
    this.running ??= this.pass(signal).finally(() => (this.running = null));
    return this.running;
  }

  /** The earliest time a pending notice is due again, or null when none waits. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const t of this.due.values()) if (next === null || t < next) next = t;
    return next;
  }

  private async pass(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const pending = await this.store.pendingNotices(this.sentinel, this.o.attempts, 200);
      const now = Date.now();
      const ready = pending.filter((n) => (this.due.get(n.id) ?? 0) <= now);
      if (ready.length === 0 || signal?.aborted) return;
      for (const n of ready) {
        if (signal?.aborted) return;
        await this.deliver(n, signal);
      }
      if (pending.length < 200) return;
    }
  }

  private async deliver(n: PendingNotice, signal?: AbortSignal): Promise<void> {
    const attempt = n.attempts + 1;
    let reason: string;
    try {
      const timeout = AbortSignal.timeout(this.o.timeoutMs);
      const res = await fetch(this.o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-proofroom-delivery': n.id,
          'x-proofroom-attempt': String(attempt),
        },
        body: noticeBody(n),
        redirect: 'error',
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) {
        await this.store.noticeAttempt(n.id, true);
        this.due.delete(n.id);
        this.metrics?.webhooks.inc({ result: 'delivered' });
        this.onEvent?.({ type: 'delivered', id: n.id, attempt });
        return;
      }
      reason = `http ${res.status}`;
    } catch (e) {
      if (signal?.aborted) return; // stopping: not an attempt
      reason = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'unreachable';
    }
    await this.store.noticeAttempt(n.id, false);
    const last = attempt >= this.o.attempts;
    const wait = Math.min(MAX_BACKOFF_MS, this.o.backoffMs * 2 ** (attempt - 1));
    const retryInMs = last ? null : Math.round(wait * (0.8 + 0.4 * Math.random()));
    if (retryInMs === null) this.due.delete(n.id);
    else this.due.set(n.id, Date.now() + retryInMs);
    this.metrics?.webhooks.inc({ result: last ? 'gave_up' : 'failed' });
    this.onEvent?.({ type: 'failed', id: n.id, attempt, reason, retryInMs });
  }
}
