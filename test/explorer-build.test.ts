/**
 * The explorer's build as `proofroom serve` and `npm start` run it on a fresh clone: in a child
 * process, so that the build's memory does not stay in the server (cli/explorer-build.ts).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExplorer, explorerStale } from '../cli/explorer-build.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'proofroom-explorer-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('explorer build', () => {
  it('builds into a fresh folder in a child process, leaving this process its memory', async () => {
    const dist = path.join(dir, 'dist');
    expect(await explorerStale(dist)).toBe(true);
    const before = process.memoryUsage().rss;
    const ms = await buildExplorer(dist);
    const grown = process.memoryUsage().rss - before;
    expect(ms).toBeGreaterThan(0);
    expect(existsSync(path.join(dist, 'index.html'))).toBe(true);
    expect(await explorerStale(dist)).toBe(false);
    // Vite's build in this process grew its RSS by about 400 MB (bench/RESULTS.md, 2026-12-08).
    expect(grown).toBeLessThan(100 * 2 ** 20);
  }, 120_000);

  it('a build that cannot write its output fails with the reason, and leaves no folder', async () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const dist = path.join(blocker, 'dist');
    await expect(buildExplorer(dist)).rejects.toThrow(/vite build exited with code [1-9]|ENOTDIR/);
    expect(existsSync(dist)).toBe(false);
  }, 120_000);
});
