// The CLI compiled to JavaScript, for the commands that run long (`serve`): tsx's loader (its
// thread, transformed sources and source maps) costs a long-running API process about 45 MiB of
// its RSS. esbuild (a dependency of tsx, so always installed) bundles cli/main.ts with the packages
// left external into node_modules/.cache/proofroom/, once: later starts reuse the bundle while
// every source it was built from is unchanged (same size and modification time), so a fresh clone
// or an edited source needs no build step. In each source `import.meta.url` is replaced by that
// source's own URL, so files and workers found relative to it resolve as they do under tsx.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'proofroom');
const INDEX = path.join(CACHE, 'cli.json');

async function fingerprint(files) {
  const h = createHash('sha256');
  for (const f of files) {
    const s = await stat(path.join(ROOT, f));
    h.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

async function current() {
  try {
    const index = JSON.parse(await readFile(INDEX, 'utf8'));
    if (index.node !== process.versions.node || index.esbuild !== (await esbuildVersion()))
      return null;
    if ((await fingerprint(index.inputs)) !== index.hash) return null;
    const main = path.join(CACHE, index.dir, 'main.js');
    await stat(main);
    return main;
  } catch {
    return null;
  }
}

/** esbuild's version, read from its package.json (loading esbuild itself only to build). */
async function esbuildVersion() {
  const require = createRequire(import.meta.url);
  return JSON.parse(await readFile(require.resolve('esbuild/package.json'), 'utf8')).version;
}

async function build() {
  const esbuild = await import('esbuild');
  const tmp = path.join(CACHE, `build-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    const r = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['cli/main.ts'],
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          name: 'source-import-meta-url',
          setup(b) {
            b.onLoad({ filter: /\.[cm]?ts$/ }, async (a) => ({
              contents: (await readFile(a.path, 'utf8')).replaceAll(
                'import.meta.url',
                JSON.stringify(pathToFileURL(a.path).href)
              ),
              loader: 'ts',
            }));
          },
        },
      ],
    });
    const inputs = Object.keys(r.metafile.inputs).sort();
    const hash = await fingerprint(inputs);
    const dir = `cli-${hash}`;
    try {
      await rename(tmp, path.join(CACHE, dir));
    } catch {
      // Another process built the same sources meanwhile: use its copy.
    }
    const index = { node: process.versions.node, esbuild: esbuild.version, hash, dir, inputs };
    const part = `${INDEX}.${process.pid}`;
    await writeFile(part, JSON.stringify(index));
    await rename(part, INDEX);
    // Older builds: removed once nothing can still be loading from them (best effort: another
    // process may be doing the same).
    for (const e of await readdir(CACHE)) {
      if (!/^(cli-|build-)/.test(e) || e === dir) continue;
      const p = path.join(CACHE, e);
      try {
        if (Date.now() - (await stat(p)).mtimeMs > 3600_000)
          await rm(p, { recursive: true, force: true });
      } catch {
        // gone already
      }
    }
    return path.join(CACHE, dir, 'main.js');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The compiled CLI's `main` module URL, built first when missing or stale. */
export async function compiledMain() {
  return pathToFileURL((await current()) ?? (await build())).href;
}
