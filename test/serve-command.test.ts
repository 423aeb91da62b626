/**
 * `proofroom serve` as a user runs it: over a migrated database it prints its URL, answers
 * /healthz and GraphQL, and stops cleanly on SIGTERM; a taken port or a bad setting is one clear
 * message and exit code 2.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/data-source.ts';
import { withTestDatabase } from './helpers/databases.ts';

const BIN = path.resolve('cli/proofroom.mjs');

function waitForLine(child: ChildProcess, pattern: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in: ${out}`)), ms);
    const on = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('proofroom serve', () => {
  it('serves an indexed database and stops cleanly on SIGTERM', () =>
    withTestDatabase('pglite', async ({ url }) => {
      await migrate(url);
      const child = spawn(process.execPath, [BIN, 'serve', '--database', url, '--port', '0'], {
        env: { ...process.env, PROOFROOM_API_RATE_LIMIT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const m = await waitForLine(child, /Proof Room API at (http:\/\/\S+)\/graphql/);
        const base = m[1]!;
        const health = await fetch(`${base}/healthz`);
        expect(health.status).toBe(200);
        expect(((await health.json()) as { status: string }).status).toBe('ok');
        const g = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ _meta { indexedHeight verifierVersion } }' }),
        });
        const body = (await g.json()) as { data: { _meta: { verifierVersion: string } } };
        expect(body.data._meta.verifierVersion).toMatch(/^\d+\.\d+\.\d+$/);
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      } finally {
        child.kill('SIGKILL');
      }
    }));

  it('names the fix when the port is taken or a setting is wrong', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const r = spawnSync(
        process.execPath,
        [
          BIN,
          'serve',
          '--database',
          'postgres://postgres@127.0.0.1:5432/postgres',
          '--port',
          String(port),
        ],
        { encoding: 'utf8', timeout: 30_000 }
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`port ${port} is taken`);
    } finally {
      taken.close();
    }
    const bad = spawnSync(
      process.execPath,
      [BIN, 'serve', '--database', 'postgres://x@127.0.0.1:1/x'],
      {
        encoding: 'utf8',
        env: { ...process.env, PROOFROOM_API_RATE_LIMIT: 'lots' },
        timeout: 30_000,
      }
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('PROOFROOM_API_RATE_LIMIT must be an integer');
    const unreachable = spawnSync(
      process.execPath,
      [BIN, 'serve', '--database', 'postgres://x@127.0.0.1:1/x'],
      {
        encoding: 'utf8',
        timeout: 30_000,
      }
    );
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr).toContain('cannot reach the database at postgres://x@127.0.0.1:1/x');
  });
});
