/**
 * The embedded Postgres: PGlite (Postgres compiled to wasm) on a data directory, served over the
 * Postgres wire protocol by `@electric-sql/pglite-socket`, so `pg` and TypeORM connect to it with a
 * plain `postgres://` URL exactly as they would to a real server.
 *
 * PGlite has a single backend, so every connection shares one session (no `SET`, temporary tables,
 * named prepared statements or cross-connection `LISTEN`/`NOTIFY`) and one transaction runs at a
 * time: while a client holds one open, every other client waits, even to connect. Two defences keep
 * the socket server answering:
 *
 * - **Queue guard.** In pglite-socket 0.2.17, `QueryQueueManager.processQueue` rejects a query whose
 *   `execProtocolRawStream` throws (a wasm-level exception; SQL errors travel as protocol messages
 *   and are not affected) and then `return`s without clearing its `processing` flag. Every later
 *   message, including the startup message of a new connection, then waits forever. The guard
 *   replaces the instance's `processQueue` with a scheduler that rejects the failing message and
 *   goes on (its client is disconnected). The same scheduler keeps each connection's extended-query
 *   sequence (Parse … Sync) whole, which 0.2.17 does not: see `installQueueGuard`.
 * - **Watchdog.** Every `intervalMs` it connects over a real socket and runs `SELECT 1` with a
 *   timeout. It does not probe while a transaction is open (the probe would only queue behind it).
 *   When the probe fails, the server is restarted on the same port only if it is stuck rather than
 *   busy: no queued message completed during the probe and the engine is idle (its query lock could
 *   be taken at once), `failuresBeforeRestart` rounds in a row. Restarting drops every client
 *   connection; pools reconnect on the same URL. (Neither revives an engine that failed for good:
 *   every query then fails with a `queue-error` event, and only reopening the directory helps.)
 *
 * PGlite executes each statement synchronously on the thread that opened it, so that thread's
 * other JavaScript waits meanwhile. `startEmbeddedPostgresThread` (db/embedded-thread.ts) runs
 * all of this module on a worker thread of its own instead; clients connect to its URL the same
 * way.
 * @module
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { TURN_NOTICE } from './turn-notice.ts';
import {
  DataDirInUseError,
  lockDataDir,
  pingPostgres,
  releaseDataDirLockOfThisProcess,
  withTimeout,
} from './embedded-dir.ts';

export { DataDirInUseError, pingPostgres, releaseDataDirLockOfThisProcess };

export interface WatchdogOptions {
  /** Time between probes (default 5000 ms). */
  intervalMs?: number;
  /** How long a probe and the idle check may take (default 3000 ms). */
  timeoutMs?: number;
  /** Consecutive rounds that must find the server stuck before it is restarted (default 2). */
  failuresBeforeRestart?: number;
}

export interface EmbeddedPostgresOptions {
  /** Data directory; created if missing. A directory PGlite wrote before is reopened. */
  dataDir: string;
  host?: string;
  /** TCP port; 0 (the default) lets the OS pick a free one. */
  port?: number;
  /** Most concurrent client connections (default 100; pglite-socket's own default is 1). */
  maxConnections?: number;
  /** Periodic health probe with restart (default on); `false` turns it off. */
  watchdog?: WatchdogOptions | false;
  /** Repair pglite-socket's stalled queue (default true). Tests turn it off to show the defect. */
  queueGuard?: boolean;
  /**
   * Longest time (ms) a message that opens a transaction (`BEGIN`, `START TRANSACTION`) waits while
   * other connections are busy (default DEFAULT_TRANSACTION_DEFER_MS; 0 serves the queue in
   * arrival order). Needs the queue guard. See `installQueueGuard`.
   */
  transactionDeferMs?: number;
  /**
   * How recently (ms) another connection must have finished a message for a transaction start to
   * wait for its next one (default TURN_GRACE_MS).
   */
  transactionGraceMs?: number;
  /** Observer for guard and watchdog events, e.g. to log them. */
  onEvent?: (event: EmbeddedEvent) => void;
}

export type EmbeddedEvent =
  /** The guard caught an engine exception that would have stalled the queue. */
  | { type: 'queue-error'; error: unknown }
  /** A watchdog probe failed; `stuck` rounds in a row found the server stuck rather than busy. */
  | { type: 'probe-failed'; reason: string; stuck: number }
  /** The socket server was restarted (by the watchdog or `restartServer`). */
  | { type: 'restart'; reason: string; restarts: number }
  | { type: 'restart-failed'; reason: string; error: unknown }
  /** A watchdog round threw (e.g. the engine is no longer usable). */
  | { type: 'watchdog-error'; error: unknown }
  /**
   * The worker thread serving the database (db/embedded-thread.ts) ended without being closed:
   * `error` is what it threw (undefined if it exited without throwing). Nothing serves `url` now.
   */
  | { type: 'thread-exit'; code: number; error: unknown };

/** A served embedded database, on this thread (EmbeddedPostgres) or a worker (embedded-thread). */
export interface EmbeddedServer {
  /** `postgres://postgres@<host>:<port>/postgres` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Engine exceptions the queue guard recovered from (each one's query was rejected). */
  readonly guardedErrors: number;
  /** Times the socket server was restarted. */
  readonly restarts: number;
  /** Connects over TCP, runs `SELECT 1` and disconnects; resolves false on failure or timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Restarts the socket server on the same port, dropping every client connection. */
  restartServer(reason?: string): Promise<void>;
  /** Stops the watchdog and the server, then closes PGlite so the directory can be reopened. */
  close(): Promise<void>;
}

/** The embedded database served from this thread, with its engine at hand. */
export interface EmbeddedPostgres extends EmbeddedServer {
  /** The engine. Direct queries bypass the socket queue; prefer connecting to `url`. */
  readonly db: PGlite;
}

/**
 * Starts PGlite on `dataDir` and serves it on `host:port`. Throws DataDirInUseError when another
 * running process has the directory open.
 */
export async function startEmbeddedPostgres(
  opts: EmbeddedPostgresOptions
): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  let db: PGlite | null = null;
  try {
    db = await PGlite.create(dataDir);
    const server = new Embedded(db, dataDir, opts, unlock);
    await server.start(opts.port ?? 0);
    return server;
  } catch (error) {
    await db?.close().catch(() => {});
    unlock();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// pglite-socket internals the guard relies on (checked against 0.2.17 at start-up)

interface QueuedQuery {
  handlerId: number;
  message: Uint8Array;
  /** `Date.now()` when it was queued. */
  timestamp?: number;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: Error): void;
}

interface QueryQueue {
  queue: QueuedQuery[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
  enqueue(
    handlerId: number,
    message: Uint8Array,
    onData: (data: Uint8Array) => void
  ): Promise<number>;
}

function internalsOf(server: PGLiteSocketServer): { queue: QueryQueue; net: Server } {
  const raw = server as unknown as { queryQueue?: Partial<QueryQueue>; server?: Server | null };
  const queue = raw.queryQueue;
  if (
    !queue ||
    !Array.isArray(queue.queue) ||
    typeof queue.processing !== 'boolean' ||
    typeof queue.processQueue !== 'function' ||
    typeof queue.enqueue !== 'function' ||
    typeof queue.clearQueueForHandler !== 'function' ||
    !('lastHandlerId' in queue) ||
    !raw.server
  ) {
    throw new Error(
      'embedded postgres: pglite-socket internals are not the ones the queue guard was written ' +
        'for (0.2.17: queryQueue.{queue, processing, lastHandlerId, processQueue, enqueue, ' +
        'clearQueueForHandler}, server)'
    );
  }
  return { queue: queue as QueryQueue, net: raw.server };
}

/**
 * Default of `transactionDeferMs`. `npm run bench readers` (30,000 records, 50 API clients that
 * never pause, the grace below at 30 ms): 0 → readers' p99 5.2-5.9 s, catch-up 1.0-1.1x the time
 * of one without readers; 150 → p99 1.5-2.4 s, 1.6-1.7x; 300 → p99 1.1 s, 1.9x. Without readers
 * nothing is held.
 */
export const DEFAULT_TRANSACTION_DEFER_MS = 150;

/**
 * How recently another connection must have finished a message for a `BEGIN` to wait for it: an
 * API request's next statement follows its previous one by 10-30 ms while the indexer writes.
 */
const TURN_GRACE_MS = 30;

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** A simple Query ('Q') whose text starts a transaction: what `pg` sends for `BEGIN`. */
const OPENS_TRANSACTION = /^\s*(?:BEGIN|START\s+TRANSACTION)\b/i;
export function opensTransaction(message: Uint8Array): boolean {
  if (message[0] !== 0x51 || message.length < 10) return false;
  const head = Buffer.from(
    message.buffer,
    message.byteOffset + 5,
    Math.min(message.length - 5, 64)
  );
  return OPENS_TRANSACTION.test(head.toString('latin1'));
}

/**
 * A NoticeResponse ('N': severity NOTICE, SQLSTATE 00000) saying that a transaction start waited
 * `ms` for other connections. `pg` emits it as a `notice` event on the client.
 */
function turnNotice(ms: number): Uint8Array {
  const field = (code: string, text: string): Buffer => Buffer.from(`${code}${text}\0`, 'utf8');
  const body = Buffer.concat([
    field('S', 'NOTICE'),
    field('V', 'NOTICE'),
    field('C', '00000'),
    field('M', `${TURN_NOTICE} ${Math.max(0, Math.round(ms))} ms`),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('N', 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return new Uint8Array(Buffer.concat([head, body]));
}

/** Extended-query messages: Parse, Bind, Describe, Execute, Close, Flush. */
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);
/** Messages that end a connection's turn: Sync, simple Query, Terminate. */
const TURN_ENDS = new Set([0x53, 0x51, 0x58]);

/**
 * Replaces `queue.processQueue` with a scheduler that differs from 0.2.17's in two ways:
 *
 * - **It never stalls.** 0.2.17 rejects a query whose `execProtocolRawStream` throws and then
 *   `return`s with its `processing` flag set, so every later message waits forever. Here the
 *   failing message is rejected (its client is disconnected and its transaction rolled back by the
 *   library), reported, and the loop goes on.
 * - **It keeps each connection's extended-query sequence whole.** pglite-socket feeds protocol
 *   messages one at a time from every connection into PGlite's single session. 0.2.17 keeps a
 *   transaction's owner in front, but not a Parse … Sync sequence: another connection's message
 *   could run between one connection's Parse and its Bind, replacing the unnamed statement or
 *   portal ("unnamed prepared statement does not exist", "portal "" does not exist"), and a
 *   `BEGIN` landing there made the queue wait for the interrupted connection's Bind, which waited
 *   for the transaction: a deadlock. Here a connection that sent Parse, Bind, Describe, Execute,
 *   Close or Flush stays in front until its Sync (or Query, or Terminate), as a transaction's
 *   owner does until it ends.
 * - **Other connections get a turn between transactions.** While a transaction is open no other
 *   connection runs at all (they share the one session). With arrival order alone, a writer that
 *   commits and begins again at once let each other connection run one statement between its
 *   transactions, and an API request of three statements in a row waited for three whole
 *   transactions (measured: 10 statements per gap, one per pooled connection, and 28 requests/s
 *   for 50 clients). Here a simple `BEGIN` or `START TRANSACTION` waits while other connections
 *   have messages queued, or finished one less than `graceMs` ago (their next statement is
 *   usually on its way), for at most `deferMs` after it arrived; then it goes first. A writer
 *   that always has a transaction to start still gets the engine `deferMs` after asking, so it is
 *   slowed, never starved. With `deferMs` 0 the queue runs in arrival order.
 */
function installQueueGuard(
  queue: QueryQueue,
  db: PGlite,
  onError: (error: unknown) => void,
  turns: { deferMs: number; graceMs: number }
): void {
  let sticky: number | null = null;
  /** When each connection last finished a message with no transaction open. */
  const lastDone = new Map<number, number>();
  let wake: NodeJS.Timeout | undefined;
  /** Transaction starts that waited for other connections: they are told so (`TURN_NOTICE`). */
  const passedOver = new WeakSet<QueuedQuery>();
  const take = (i: number): QueuedQuery | undefined => queue.queue.splice(i, 1)[0];
  /** Until when the transaction start `q` waits for other connections (0: it may go now). */
  const holdUntil = (q: QueuedQuery, now: number): number => {
    const limit = (q.timestamp ?? 0) + turns.deferMs;
    if (now >= limit) return 0;
    let busy = 0;
    for (const [id, at] of lastDone) {
      if (now - at >= turns.graceMs) lastDone.delete(id);
      else if (id !== q.handlerId) busy = Math.max(busy, at + turns.graceMs);
    }
    return busy === 0 ? 0 : Math.min(busy, limit);
  };
  const pick = (): QueuedQuery | undefined => {
    const owner = sticky ?? (db.isInTransaction() ? queue.lastHandlerId : null);
    if (owner !== null && owner !== undefined) {
      const i = queue.queue.findIndex((x) => x.handlerId === owner);
      return i === -1 ? undefined : take(i);
    }
    if (turns.deferMs <= 0) return queue.queue.shift();
    // No transaction open: the first message that does not open one, or a transaction start
    // that has waited its `deferMs`.
    const now = Date.now();
    for (let i = 0; i < queue.queue.length; i++) {
      const q = queue.queue[i]!;
      if (!opensTransaction(q.message) || now - (q.timestamp ?? 0) >= turns.deferMs) {
        for (let j = 0; j < i; j++) passedOver.add(queue.queue[j]!);
        return take(i);
      }
    }
    // Only transaction starts are queued: the oldest goes unless others were just served.
    const first = queue.queue[0];
    if (!first) return undefined;
    const until = holdUntil(first, now);
    if (until === 0) return take(0);
    passedOver.add(first);
    clearTimeout(wake);
    wake = setTimeout(() => void queue.processQueue(), until - now);
    wake.unref();
    return undefined;
  };
  const done = (q: QueuedQuery): void => {
    // A connection that says goodbye (the watchdog's probe, a pool closing one) sends nothing more.
    if (q.message[0] === 0x58) lastDone.delete(q.handlerId);
    else if (!db.isInTransaction()) lastDone.set(q.handlerId, Date.now());
  };
  queue.processQueue = async () => {
    if (queue.processing || queue.queue.length === 0) return;
    queue.processing = true;
    try {
      for (let item = pick(); item; item = pick()) {
        let bytes = 0;
        const current = item;
        if (passedOver.has(current)) {
          const notice = turnNotice(Date.now() - (current.timestamp ?? Date.now()));
          bytes += notice.length;
          current.onData(notice);
        }
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            })
          );
        } catch (error) {
          if (sticky === current.handlerId) sticky = null;
          current.reject(asError(error));
          onError(error);
          continue;
        }
        queue.lastHandlerId = current.handlerId;
        done(current);
        const type = current.message[0] ?? 0;
        if (EXTENDED.has(type)) sticky = current.handlerId;
        else if (TURN_ENDS.has(type) && sticky === current.handlerId) sticky = null;
        current.resolve(bytes);
      }
    } catch (error) {
      // Thrown outside a message (e.g. the engine is closed): fail what is queued instead of
      // leaving it waiting, since nothing would ever process it.
      for (const q of queue.queue.splice(0)) q.reject(asError(error));
      onError(error);
    } finally {
      queue.processing = false;
    }
  };
  // A connection that goes away mid-sequence must not keep the others waiting.
  const clear = queue.clearQueueForHandler;
  queue.clearQueueForHandler = (handlerId: number) => {
    if (sticky === handlerId) sticky = null;
    lastDone.delete(handlerId);
    clear.call(queue, handlerId);
    void queue.processQueue();
  };
}

// ---------------------------------------------------------------------------------------------

class Embedded implements EmbeddedPostgres {
  readonly host: string;
  readonly dataDir: string;
  readonly db: PGlite;
  port = 0;
  guardedErrors = 0;
  restarts = 0;
  private readonly maxConnections: number;
  private readonly guard: boolean;
  private readonly deferMs: number;
  private readonly graceMs: number;
  private readonly watchdog: Required<WatchdogOptions> | null;
  private readonly onEvent: (event: EmbeddedEvent) => void;
  private server: PGLiteSocketServer | null = null;
  private queue: QueryQueue | null = null;
  private readonly sockets = new Set<Socket>();
  /** Messages the current queue finished (resolved or rejected): the watchdog's progress meter. */
  private completed = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Consecutive watchdog rounds that found the server stuck. */
  private stuck = 0;
  private restarting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    db: PGlite,
    dataDir: string,
    opts: EmbeddedPostgresOptions,
    private readonly unlock: () => void
  ) {
    this.db = db;
    this.dataDir = dataDir;
    this.host = opts.host ?? '127.0.0.1';
    this.maxConnections = opts.maxConnections ?? 100;
    this.guard = opts.queueGuard ?? true;
    this.deferMs = opts.transactionDeferMs ?? DEFAULT_TRANSACTION_DEFER_MS;
    this.graceMs = opts.transactionGraceMs ?? TURN_GRACE_MS;
    this.watchdog =
      opts.watchdog === false
        ? null
        : { intervalMs: 5000, timeoutMs: 3000, failuresBeforeRestart: 2, ...opts.watchdog };
    this.onEvent = opts.onEvent ?? (() => {});
  }

  get url(): string {
    return `postgres://postgres@${this.host}:${this.port}/postgres`;
  }

  async start(port: number): Promise<void> {
    await this.listen(port);
    this.schedule();
  }

  private async listen(port: number): Promise<void> {
    const server = new PGLiteSocketServer({
      db: this.db,
      host: this.host,
      port,
      maxConnections: this.maxConnections,
    });
    await server.start();
    let internals: ReturnType<typeof internalsOf>;
    try {
      internals = internalsOf(server);
    } catch (error) {
      await server.stop();
      throw error;
    }
    const { queue, net } = internals;
    net.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    if (this.guard) {
      installQueueGuard(
        queue,
        this.db,
        (error) => {
          this.guardedErrors++;
          this.onEvent({ type: 'queue-error', error });
        },
        { deferMs: this.deferMs, graceMs: this.graceMs }
      );
    }
    const enqueue = queue.enqueue;
    queue.enqueue = (handlerId, message, onData) =>
      enqueue.call(queue, handlerId, message, onData).finally(() => {
        if (this.queue === queue) this.completed++;
      });
    this.server = server;
    this.queue = queue;
    this.port = (net.address() as AddressInfo).port;
  }

  /** Stops `server`, dropping its clients even if its handlers cannot detach cleanly. */
  private async stopServer(server: PGLiteSocketServer): Promise<void> {
    const stopped = server.stop();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await withTimeout(stopped, 5000);
  }

  ping(timeoutMs = 3000): Promise<boolean> {
    return pingPostgres(this.host, this.port, timeoutMs).then((reason) => reason === null);
  }

  restartServer(reason = 'requested'): Promise<void> {
    if (this.closing) return Promise.resolve();
    this.restarting ??= (async () => {
      try {
        const old = this.server;
        this.server = null;
        this.queue = null;
        if (old) await this.stopServer(old);
        // Clients that held a transaction are gone; their handlers may not have rolled it back.
        if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
        await this.listen(this.port);
        this.restarts++;
        this.onEvent({ type: 'restart', reason, restarts: this.restarts });
      } catch (error) {
        this.onEvent({ type: 'restart-failed', reason, error });
        throw error;
      } finally {
        this.restarting = undefined;
      }
    })();
    return this.restarting;
  }

  private schedule(): void {
    if (!this.watchdog || this.closing) return;
    this.timer = setTimeout(() => {
      void this.check()
        .catch((error: unknown) => this.onEvent({ type: 'watchdog-error', error }))
        .finally(() => this.schedule());
    }, this.watchdog.intervalMs);
    this.timer.unref();
  }

  /** One watchdog round; see the module comment for when it restarts. */
  private async check(): Promise<void> {
    const wd = this.watchdog;
    if (!wd || this.closing || this.restarting) return;
    if (!this.server) {
      // The last restart failed (e.g. the port was taken meanwhile): try again.
      return this.restartServer('watchdog: the server is down').catch(() => {});
    }
    // A transaction holds the engine until it ends: a probe would only queue behind it.
    if (this.db.isInTransaction()) return;
    const progress = this.completed;
    const failure = await pingPostgres(this.host, this.port, wd.timeoutMs);
    if (this.closing || this.restarting) return;
    if (failure === null) {
      this.stuck = 0;
      return;
    }
    const busy = (why: string): void => {
      this.stuck = 0;
      this.onEvent({ type: 'probe-failed', reason: `${failure}; ${why}`, stuck: 0 });
    };
    if (failure.startsWith('server full')) return busy('clients hold every connection');
    if (this.db.isInTransaction()) return busy('a transaction is open');
    if (this.completed !== progress) return busy('the queue is moving');
    // Is the engine executing something (a long statement) or idle? Taking its query lock answers
    // that without sending it anything that could disturb a client's session.
    const idle = await withTimeout(
      this.db.runExclusive(async () => true),
      wd.timeoutMs
    );
    if (this.closing || this.restarting) return;
    if (idle === 'timeout') return busy('the engine is busy');
    if (this.completed !== progress) return busy('the queue is moving');
    this.stuck++;
    this.onEvent({ type: 'probe-failed', reason: `${failure}; stuck`, stuck: this.stuck });
    if (this.stuck < wd.failuresBeforeRestart) return;
    this.stuck = 0;
    await this.restartServer(`watchdog: ${failure}`).catch(() => {});
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.timer);
      await this.restarting?.catch(() => {});
      const server = this.server;
      this.server = null;
      this.queue = null;
      if (server) await this.stopServer(server);
      try {
        if (!this.db.closed) await this.db.close();
      } finally {
        this.unlock();
      }
    })();
    return this.closing;
  }
}
