/**
 * What the embedded database's two sides share without loading PGlite: the data directory's lock
 * (`<dataDir>.lock`, naming the process that has it open) and the wire-protocol health probe.
 * db/embedded.ts uses them to serve the engine; db/embedded-thread.ts and the CLI use them on the
 * thread that opens a worker, so that thread never imports the engine's JavaScript.
 * @module
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import path from 'node:path';

/** Another live process has the data directory open: two engines on one directory corrupt it. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly holder: string
  ) {
    super(
      `the embedded database in ${dataDir} is open in process ${pid}${holder ? ` (${holder})` : ''}; ` +
        'stop that process, or give this one DATABASE_URL (PostgreSQL) or another data folder'
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dataDir>.lock` (created exclusively, holding this process's id and command). A lock left
 * by a process that no longer runs is taken over. Returns the function that releases it.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  const mine = JSON.stringify({ pid: process.pid, command: process.argv.slice(1).join(' ') });
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx', mode: 0o644 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      let held: { pid?: unknown; command?: unknown } = {};
      try {
        held = JSON.parse(readFileSync(file, 'utf8')) as typeof held;
      } catch {
        // unreadable or half-written: treated as stale
      }
      const pid = Number(held.pid);
      if (Number.isSafeInteger(pid) && pid > 0 && alive(pid))
        throw new DataDirInUseError(
          dataDir,
          pid,
          typeof held.command === 'string' ? held.command.slice(0, 200) : ''
        );
      unlinkSync(file);
    }
  }
  return () => {
    try {
      if (readFileSync(file, 'utf8') === mine) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

/**
 * Removes `<dataDir>.lock` when it names this process: for db/embedded-thread.ts, whose worker
 * thread took the lock and ended without closing (its engine is gone with it).
 */
export function releaseDataDirLockOfThisProcess(dataDir: string): void {
  const file = `${path.resolve(dataDir)}.lock`;
  try {
    const held = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
    if (held.pid === process.pid) unlinkSync(file);
  } catch {
    // gone, or not ours to judge
  }
}

// ---------------------------------------------------------------------------------------------
// Health probe over the wire protocol

/** One message of the startup packet: `user=postgres database=postgres`, protocol 3.0. */
function startupMessage(): Buffer {
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0', 'latin1');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, params]);
}

function typedMessage(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/**
 * Connects as `postgres` without a password (trust), waits for ReadyForQuery, runs `SELECT 1`,
 * checks the row and says goodbye. Resolves `null` on success or the reason it failed; never
 * rejects. Speaks the wire protocol itself so a stuck server costs one destroyed socket.
 */
export function pingPostgres(
  host: string,
  port: number,
  timeoutMs: number
): Promise<string | null> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let stage: 'startup' | 'query' = 'startup';
    let sawRow = false;
    let settled = false;
    const socket: Socket = connect({ host, port });
    const finish = (reason: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Say goodbye on success (the server closes its side); drop the connection otherwise.
      if (reason === null) socket.end(typedMessage('X', Buffer.alloc(0)));
      else socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(
      () => finish(`no answer within ${timeoutMs} ms (${stage})`),
      timeoutMs
    );
    socket.on('connect', () => socket.write(startupMessage()));
    socket.on('error', (e) => finish(`socket error: ${e.message}`));
    socket.on('close', () => finish(`connection closed (${stage})`));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.subarray(0, 20).toString('latin1').startsWith('Too many connections')) {
        return finish('server full: too many connections');
      }
      while (buf.length >= 5) {
        const type = String.fromCharCode(buf[0] as number);
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) break;
        buf = buf.subarray(1 + len);
        if (type === 'E') return finish(`error response (${stage})`);
        if (type === 'D') sawRow = true;
        if (type !== 'Z') continue;
        if (stage === 'startup') {
          stage = 'query';
          socket.write(typedMessage('Q', Buffer.from('SELECT 1\0', 'latin1')));
        } else {
          return finish(sawRow ? null : 'SELECT 1 returned no row');
        }
      }
    });
  });
}

export const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
};
