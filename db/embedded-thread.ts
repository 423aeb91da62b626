/**
 * The embedded database (db/embedded.ts) on a worker thread of its own. PGlite executes each
 * statement synchronously on the thread that opened it, so an API served from that thread waits
 * for every statement the engine runs, the indexer's write transactions included. Here the whole
 * embedded server (PGlite, the socket server, queue guard and watchdog) runs unchanged in a
 * `node:worker_threads` Worker (db/embedded-worker.ts), and clients connect to its URL over TCP
 * exactly as before; only the engine object itself (`EmbeddedPostgres.db`) stays out of reach.
 *
 * The thread keeps the process alive while it serves, and ends after `close()`. Should it end
 * otherwise (a crash), an `onEvent` `thread-exit` event says so, the data directory's lock is
 * released, and `close()` still resolves.
 * @module
 */
import { Worker } from 'node:worker_threads';
import {
  DataDirInUseError,
  pingPostgres,
  releaseDataDirLockOfThisProcess,
} from './embedded-dir.ts';
import type { EmbeddedEvent, EmbeddedPostgresOptions, EmbeddedServer } from './embedded.ts';
// A type import, and also what brings the worker's module into the compiled build (tsc).
import type {
  FromThread,
  ThreadData,
  ThreadOptions,
  ThreadRequest,
  ToThread,
} from './embedded-worker.ts';

/** An error as it crosses between threads; DataDirInUseError and errno codes survive. */
export interface WireError {
  message: string;
  name: string;
  code?: string;
  stack?: string;
  /** Set for a DataDirInUseError. */
  inUse?: { dataDir: string; pid: number; holder: string };
}

export function wireError(e: unknown): WireError {
  if (!(e instanceof Error)) return { message: String(e), name: 'Error' };
  const code = (e as NodeJS.ErrnoException).code;
  return {
    message: e.message,
    name: e.name,
    ...(typeof code === 'string' ? { code } : {}),
    ...(e.stack !== undefined ? { stack: e.stack } : {}),
    ...(e instanceof DataDirInUseError
      ? { inUse: { dataDir: e.dataDir, pid: e.pid, holder: e.holder } }
      : {}),
  };
}

/** The error `wireError` described: a DataDirInUseError as one, else an Error with its code. */
export function fromWireError(w: WireError): Error {
  if (w.inUse) return new DataDirInUseError(w.inUse.dataDir, w.inUse.pid, w.inUse.holder);
  const e = new Error(w.message) as NodeJS.ErrnoException;
  e.name = w.name;
  if (w.code !== undefined) e.code = w.code;
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}

/** `event` with its error (if any) made cloneable. */
export function wireEvent(event: EmbeddedEvent): EmbeddedEvent {
  return 'error' in event && event.error !== undefined
    ? { ...event, error: wireError(event.error) }
    : event;
}

const BOOT = new URL('../verifier/node/ts-worker.mjs', import.meta.url);
const ENTRY = new URL(
  `./embedded-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url
);

/** How long the thread may take to end after closing before it is stopped. */
const EXIT_GRACE_MS = 5000;

/**
 * Starts the embedded database on a worker thread: `opts` as for `startEmbeddedPostgres`, with
 * `onEvent` called on this thread. Rejects as `startEmbeddedPostgres` would (a DataDirInUseError
 * when another process has the directory open; an errno error keeps its `code`).
 */
export async function startEmbeddedPostgresThread(
  opts: EmbeddedPostgresOptions
): Promise<EmbeddedServer> {
  const options: ThreadOptions = {
    dataDir: opts.dataDir,
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.maxConnections !== undefined ? { maxConnections: opts.maxConnections } : {}),
    ...(opts.watchdog !== undefined ? { watchdog: opts.watchdog } : {}),
    ...(opts.queueGuard !== undefined ? { queueGuard: opts.queueGuard } : {}),
    ...(opts.transactionDeferMs !== undefined
      ? { transactionDeferMs: opts.transactionDeferMs }
      : {}),
    ...(opts.transactionGraceMs !== undefined
      ? { transactionGraceMs: opts.transactionGraceMs }
      : {}),
  };
  const data: ThreadData = { proofroomEntry: ENTRY.href, argv: [...process.argv], options };
  const worker = new Worker(BOOT, { workerData: data, name: 'proofroom-embedded-db' });
  const thread = new EmbeddedThread(worker, opts.onEvent ?? (() => {}));
  await thread.ready;
  return thread;
}

class EmbeddedThread implements EmbeddedServer {
  url = '';
  host = '';
  port = 0;
  dataDir = '';
  guardedErrors = 0;
  restarts = 0;
  readonly ready: Promise<void>;
  private readonly exited: Promise<number>;
  private hasExited = false;
  private isReady = false;
  /** Why it could not start, as the thread said, or what it threw. */
  private failure: Error | undefined;
  /** The thread replied to `close` (having released the lock, whether closing went well or not). */
  private closed = false;
  private closing: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { type: ThreadRequest['type']; resolve(): void; reject(e: Error): void }
  >();

  constructor(
    private readonly worker: Worker,
    private readonly onEvent: (event: EmbeddedEvent) => void
  ) {
    let ready: { resolve(): void; reject(e: Error): void } | undefined;
    this.ready = new Promise<void>((resolve, reject) => (ready = { resolve, reject }));
    let exited: (code: number) => void = () => {};
    this.exited = new Promise<number>((resolve) => (exited = resolve));
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') {
        this.url = m.url;
        this.host = m.host;
        this.port = m.port;
        this.dataDir = m.dataDir;
        this.isReady = true;
        ready?.resolve();
      } else if (m.type === 'failed') {
        // Rejected once the thread has ended: nothing of it is left running then.
        this.failure = fromWireError(m.error);
        void this.stop();
      } else if (m.type === 'event') {
        this.event(m.event);
      } else if (m.type === 'reply') {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (p.type === 'close') this.closed = true;
        if (m.error) p.reject(fromWireError(m.error));
        else p.resolve();
      }
    });
    let thrown: Error | undefined;
    worker.on('error', (e: Error) => (thrown = e));
    worker.on('exit', (code) => {
      this.hasExited = true;
      exited(code);
      if (!this.isReady) {
        ready?.reject(
          this.failure ??
            thrown ??
            new Error(`the embedded database thread ended (exit code ${code}) before it served`)
        );
        return;
      }
      // Ended before it replied to `close`: its engine is gone, so is its claim on the directory.
      if (!this.closed) releaseDataDirLockOfThisProcess(this.dataDir);
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        if (p.type === 'close') p.resolve();
        else p.reject(new Error('the embedded database thread has ended'));
      }
      if (!this.closing) this.onEvent({ type: 'thread-exit', code, error: thrown });
    });
  }

  private event(wired: EmbeddedEvent): void {
    const event =
      'error' in wired && wired.error !== undefined
        ? { ...wired, error: fromWireError(wired.error as WireError) }
        : wired;
    if (event.type === 'queue-error') this.guardedErrors++;
    if (event.type === 'restart') this.restarts = event.restarts;
    this.onEvent(event);
  }

  private request(m: ThreadRequest): Promise<void> {
    if (this.hasExited) return Promise.reject(new Error('the embedded database thread has ended'));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { type: m.type, resolve, reject });
      this.worker.postMessage({ ...m, id } satisfies ToThread);
    });
  }

  /** Waits for the thread to end, stopping it if it does not within EXIT_GRACE_MS. */
  private async stop(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), EXIT_GRACE_MS);
    });
    const ended = await Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
    if (ended === 'late') await this.worker.terminate();
  }

  ping(timeoutMs = 3000): Promise<boolean> {
    return pingPostgres(this.host, this.port, timeoutMs).then((reason) => reason === null);
  }

  restartServer(reason = 'requested'): Promise<void> {
    if (this.closing) return Promise.resolve();
    return this.request({ type: 'restart', reason });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      let failure: unknown;
      if (!this.hasExited)
        await this.request({ type: 'close' }).catch((e: unknown) => (failure = e));
      await this.stop();
      if (failure !== undefined) throw failure;
    })();
    return this.closing;
  }
}
