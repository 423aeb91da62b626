/**
 * Builds the explorer (Vite) when its output is missing or older than its sources, so that a fresh
 * clone's `proofroom serve` / `npm start` serves the current explorer without a separate step.
 * The build goes to a temporary folder that replaces explorer/dist in one rename, so a server
 * never serves a half-written build.
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const EXPLORER_ROOT = path.join(ROOT, 'explorer');
export const EXPLORER_DIST = path.join(EXPLORER_ROOT, 'dist');

/** Newest modification time (ms) under a path (files only; node_modules and dist skipped). */
async function newest(p: string): Promise<number> {
  let s;
  try {
    s = await stat(p);
  } catch {
    return 0;
  }
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const e of await readdir(p, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    max = Math.max(max, await newest(path.join(p, e.name)));
  }
  return max;
}

/** Whether explorer/dist is missing or older than the explorer's or the verifier's sources. */
export async function explorerStale(dist = EXPLORER_DIST): Promise<boolean> {
  const built = await newest(path.join(dist, 'index.html'));
  if (built === 0) return true;
  const sources = Math.max(
    await newest(path.join(EXPLORER_ROOT, 'src')),
    await newest(path.join(EXPLORER_ROOT, 'index.html')),
    await newest(path.join(EXPLORER_ROOT, 'vite.config.ts')),
    await newest(path.join(ROOT, 'verifier')),
    await newest(path.join(ROOT, 'package-lock.json'))
  );
  return sources > built;
}

const BUILD_CHILD = fileURLToPath(new URL('./explorer-build-child.mjs', import.meta.url));

/**
 * Vite's build of the explorer into `outDir`, in a child process: run in the server's own process
 * it left the server at about 535 MiB of RSS after start-up against 123 with a built explorer
 * (bench/RESULTS.md, 2026-12-08), because the heap it grew stays with the process.
 */
function viteBuild(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BUILD_CHILD, path.join(EXPLORER_ROOT, 'vite.config.ts'), outDir],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] }
    );
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`vite build ${signal ? `ended by ${signal}` : `exited with code ${code}`}`)
          )
    );
  });
}

/** Builds the explorer into `dist` (default explorer/dist). Returns the build's duration in ms. */
export async function buildExplorer(dist = EXPLORER_DIST): Promise<number> {
  const t0 = performance.now();
  const tmp = `${dist}.tmp-${process.pid}-${Date.now()}`;
  try {
    await viteBuild(tmp);
    const old = `${dist}.old-${process.pid}-${Date.now()}`;
    if (existsSync(dist)) await rename(dist, old);
    await rename(tmp, dist);
    await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return performance.now() - t0;
}

/** Builds the explorer if it is missing or stale; returns what was done. */
export async function ensureExplorer(
  dist = EXPLORER_DIST
): Promise<{ built: boolean; ms: number }> {
  if (!(await explorerStale(dist))) return { built: false, ms: 0 };
  return { built: true, ms: await buildExplorer(dist) };
}
