/**
 * The embedded database on a worker thread of its own (db/embedded-thread.ts): served over TCP as
 * on the opening thread, its directory locked and released the same way, and, the reason for it,
 * the opening thread's JavaScript keeps running while the engine executes a long statement.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../cli/database.ts';
import { SetupError } from '../cli/args.ts';
import {
  DataDirInUseError,
  type EmbeddedEvent,
  type EmbeddedServer,
  startEmbeddedPostgres,
} from '../db/embedded.ts';
import { startEmbeddedPostgresThread } from '../db/embedded-thread.ts';
import { turnWaitMs } from '../db/turn-notice.ts';
import { freshPgliteDir, tempDir, withClient } from './helpers/databases.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Worker threads alive in this process: each holds one MessagePort to it. */
const threadPorts = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;

/** Runs `fn` on a fresh data directory, removed afterwards. */
async function withDataDir<T>(fn: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = await freshPgliteDir();
  try {
    return await fn(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.lock`, { force: true });
  }
}

/**
 * Runs `sql` on `url` while a 10 ms interval ticks on this thread: how long the statement took and
 * the longest gap between two ticks (how long this thread could run nothing else).
 */
async function stallDuring(url: string, sql: string): Promise<{ queryMs: number; gapMs: number }> {
  return withClient(url, async (c) => {
    await c.query('SELECT 1');
    let last = performance.now();
    let gapMs = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      gapMs = Math.max(gapMs, now - last);
      last = now;
    }, 10);
    const t = performance.now();
    try {
      await c.query(sql);
    } finally {
      clearInterval(tick);
    }
    const queryMs = performance.now() - t;
    return { queryMs, gapMs: Math.max(gapMs, performance.now() - last) };
  });
}

/** A statement that keeps the engine busy: a count over `rows` thousand generated rows. */
const busy = (rows: number): string =>
  `SELECT count(*) FROM generate_series(1, 1000) a, generate_series(1, ${rows}) b`;

describe('the embedded database on a worker thread', () => {
  it('serves over TCP, keeps its data after close() and releases the directory', () =>
    withDataDir(async (dataDir) => {
      const before = threadPorts();
      const events: EmbeddedEvent[] = [];
      const server = await startEmbeddedPostgresThread({
        dataDir,
        watchdog: false,
        onEvent: (e) => events.push(e),
      });
      expect(threadPorts()).toBe(before + 1);
      expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
      expect(server.dataDir).toBe(path.resolve(dataDir));
      expect('db' in server).toBe(false);
      expect(await server.ping()).toBe(true);
      await withClient(server.url, async (c) => {
        await c.query('CREATE TABLE t (id integer PRIMARY KEY, note text NOT NULL)');
        await c.query(`INSERT INTO t VALUES (1, 'kept')`);
        expect((await c.query('SELECT note FROM t')).rows).toEqual([{ note: 'kept' }]);
      });

      // A restart on request drops the clients and serves again on the same port.
      await server.restartServer('test');
      expect(server.restarts).toBe(1);
      expect(events).toEqual([{ type: 'restart', reason: 'test', restarts: 1 }]);
      expect(await server.ping()).toBe(true);

      await server.close();
      expect(threadPorts()).toBe(before); // the thread ended
      expect(await server.ping(500)).toBe(false);
      await server.close(); // idempotent

      // Reopened at once on this thread: the lock is gone and the row is there.
      const again = await startEmbeddedPostgres({ dataDir, watchdog: false });
      try {
        expect((await again.db.query('SELECT id, note FROM t')).rows).toEqual([
          { id: 1, note: 'kept' },
        ]);
      } finally {
        await again.close();
      }
    }));

  it('refuses a directory that is open as a DataDirInUseError; an errno error keeps its code', () =>
    withDataDir(async (dataDir) => {
      const server = await startEmbeddedPostgresThread({ dataDir, watchdog: false });
      try {
        const refused = await startEmbeddedPostgresThread({ dataDir, watchdog: false }).then(
          (s) => s.close().then(() => null),
          (e: unknown) => e
        );
        expect(refused).toBeInstanceOf(DataDirInUseError);
        const inUse = refused as DataDirInUseError;
        expect(inUse.dataDir).toBe(path.resolve(dataDir));
        expect(inUse.pid).toBe(process.pid);
        // The holder is this process's command, not the worker's script.
        expect(inUse.holder).toBe(process.argv.slice(1).join(' ').slice(0, 200));
        // The same directory on this thread is refused too.
        await expect(startEmbeddedPostgres({ dataDir, watchdog: false })).rejects.toBeInstanceOf(
          DataDirInUseError
        );
        expect(await server.ping()).toBe(true);
      } finally {
        await server.close();
      }
      // A data folder that cannot be made (its parent is a file): the errno code crosses over.
      const file = path.join(dataDir, 'not-a-folder');
      writeFileSync(file, '');
      await expect(
        startEmbeddedPostgresThread({ dataDir: path.join(file, 'pg'), watchdog: false })
      ).rejects.toMatchObject({ code: 'ENOTDIR' });
    }));

  it("keeps the opening thread's JavaScript running while the engine runs a long statement", () =>
    withDataDir(async (dataDir) => {
      // On its own thread: a statement of at least 600 ms (doubled until it takes that long).
      let rows = 1000;
      let threaded: { queryMs: number; gapMs: number };
      const server = await startEmbeddedPostgresThread({ dataDir, watchdog: false });
      try {
        for (;;) {
          threaded = await stallDuring(server.url, busy(rows));
          if (threaded.queryMs >= 600 || rows >= 64_000) break;
          rows *= 2;
        }
      } finally {
        await server.close();
      }
      // The same statement on this thread stops everything else here while it runs.
      const inThread = await startEmbeddedPostgres({ dataDir, watchdog: false });
      let sameThread: { queryMs: number; gapMs: number };
      try {
        sameThread = await stallDuring(inThread.url, busy(rows));
      } finally {
        await inThread.close();
      }
      const round = (x: { queryMs: number; gapMs: number }): string =>
        `${Math.round(x.queryMs)} ms statement, longest stall ${Math.round(x.gapMs)} ms`;
      console.log(
        `1000 x ${rows} rows: worker thread ${round(threaded)}; same thread ${round(sameThread)}`
      );
      expect(threaded.queryMs).toBeGreaterThanOrEqual(600);
      expect(threaded.gapMs).toBeLessThan(150);
      expect(sameThread.queryMs).toBeGreaterThanOrEqual(400);
      expect(sameThread.gapMs).toBeGreaterThan(300);
      expect(sameThread.gapMs).toBeGreaterThan(0.8 * sameThread.queryMs);
    }));

  it('tells a writer that its BEGIN waited its turn behind busy readers', () =>
    withDataDir(async (dataDir) => {
      const server = await startEmbeddedPostgresThread({
        dataDir,
        watchdog: false,
        transactionDeferMs: 200,
        transactionGraceMs: 1000,
      });
      const readers: pg.Client[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const c = new pg.Client(server.url);
          await c.connect();
          readers.push(c);
        }
        let stop = false;
        const loops = readers.map(async (c) => {
          while (!stop) await c.query('SELECT 1');
        });
        await sleep(200);
        const told: number[] = [];
        const waited = await withClient(server.url, async (w) => {
          w.on('notice', (n) => {
            const ms = turnWaitMs(n.message);
            if (ms !== null) told.push(ms);
          });
          const t = Date.now();
          await w.query('BEGIN');
          const ms = Date.now() - t;
          await w.query('COMMIT');
          return ms;
        });
        stop = true;
        await Promise.all(loops);
        expect(waited).toBeGreaterThanOrEqual(190);
        expect(told).toHaveLength(1);
        expect(told[0]).toBeGreaterThanOrEqual(200);
      } finally {
        await Promise.all(readers.map((c) => c.end()));
        await server.close();
      }
    }));

  it('reports a thread that ended on its own, releases the directory and still closes', () =>
    withDataDir(async (dataDir) => {
      const events: EmbeddedEvent[] = [];
      const server = await startEmbeddedPostgresThread({
        dataDir,
        watchdog: false,
        onEvent: (e) => events.push(e),
      });
      await withClient(server.url, (c) => c.query('CREATE TABLE t (id integer)'));
      // As if the thread crashed.
      await (server as unknown as { worker: Worker }).worker.terminate();
      for (let i = 0; i < 100 && events.length === 0; i++) await sleep(20);
      expect(events).toEqual([{ type: 'thread-exit', code: 1, error: undefined }]);
      await expect(server.restartServer()).rejects.toThrow(/thread has ended/);
      await server.close();
      expect(await server.ping(500)).toBe(false);
      const again = await startEmbeddedPostgres({ dataDir, watchdog: false });
      try {
        expect((await again.db.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
      } finally {
        await again.close();
      }
    }));

  it('is what the CLI opens by default; PROOFROOM_EMBEDDED_THREAD=0 opens it here', async () => {
    const folder = tempDir('proofroom-open-');
    try {
      renameSync(await freshPgliteDir(), path.join(folder, 'pg'));
      const open = async (embeddedThread?: boolean): Promise<EmbeddedServer> => {
        const db = await openDatabase(null, folder, {
          ...(embeddedThread !== undefined ? { embeddedThread } : {}),
        });
        expect(db.url).toBe(db.embedded!.url);
        await withClient(db.url, (c) => c.query('SELECT 1'));
        await db.close();
        return db.embedded!;
      };
      expect('db' in (await open())).toBe(false);
      expect('db' in (await open(true))).toBe(false);
      expect('db' in (await open(false))).toBe(true);
      // Another opener of the folder is refused with the message the CLI prints.
      const held = await openDatabase(null, folder);
      try {
        await expect(openDatabase(null, folder)).rejects.toThrow(SetupError);
        await expect(openDatabase(null, folder)).rejects.toThrow(/is open in process/);
      } finally {
        await held.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
