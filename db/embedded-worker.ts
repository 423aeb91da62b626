/**
 * The worker thread of db/embedded-thread.ts: runs `startEmbeddedPostgres` (db/embedded.ts)
 * unchanged on the options in `workerData`, then answers the opening thread's messages. It posts
 * `ready` with where it serves, or `failed` with why it could not start; its guard and watchdog
 * events; and one `reply` per request. After `close` it lets the thread end.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { type WireError, wireError, wireEvent } from './embedded-thread.ts';
import type { EmbeddedEvent } from './embedded.ts';

/** The options that can cross to the thread (`onEvent` stays with the opening thread). */
export type ThreadOptions = Omit<EmbeddedPostgresOptions, 'onEvent'>;

export interface ThreadData {
  /** The module ts-worker.mjs loads: this one. */
  readonly proofroomEntry: string;
  /** The opening process's `process.argv`, for the data directory's lock (it names the command). */
  readonly argv: readonly string[];
  readonly options: ThreadOptions;
}

/** What the opening thread asks; each request gets one `reply` with its `id`. */
export type ThreadRequest = { type: 'restart'; reason: string } | { type: 'close' };
export type ToThread = ThreadRequest & { id: number };

/** To the opening thread. An event's `error` travels as a WireError. */
export type FromThread =
  | { type: 'ready'; url: string; host: string; port: number; dataDir: string }
  | { type: 'failed'; error: WireError }
  | { type: 'event'; event: EmbeddedEvent }
  | { type: 'reply'; id: number; error: WireError | null };

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port)
    throw new Error('db/embedded-worker.ts runs on a worker thread (db/embedded-thread.ts)');
  const data = workerData as ThreadData;
  const post = (m: FromThread): void => port.postMessage(m);
  // The lock names the command that holds the directory: the process's, not this thread's script.
  process.argv.splice(0, process.argv.length, ...data.argv);
  let server: EmbeddedPostgres;
  try {
    server = await startEmbeddedPostgres({
      ...data.options,
      onEvent: (event) => post({ type: 'event', event: wireEvent(event) }),
    });
  } catch (error) {
    post({ type: 'failed', error: wireError(error) });
    port.close();
    return;
  }
  port.on('message', (m: ToThread) => {
    const reply = (error: unknown): void =>
      post({ type: 'reply', id: m.id, error: error === null ? null : wireError(error) });
    if (m.type === 'restart') {
      server.restartServer(m.reason).then(() => reply(null), reply);
    } else if (m.type === 'close') {
      // Closing the port as well leaves the thread nothing to wait for: it ends.
      server
        .close()
        .then(() => reply(null), reply)
        .finally(() => port.close());
    }
  });
  post({
    type: 'ready',
    url: server.url,
    host: server.host,
    port: server.port,
    dataDir: server.dataDir,
  });
}

await serve();
