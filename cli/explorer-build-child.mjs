/**
 * The explorer's Vite build, run as a child process by cli/explorer-build.ts so that the memory
 * the build takes (about 400 MB) leaves with the process instead of staying in the server's heap.
 * Plain JavaScript: it needs no loader. Arguments: the Vite config file and the output folder.
 */
import { build } from 'vite';

const [configFile, outDir] = process.argv.slice(2);
if (!configFile || !outDir) {
  process.stderr.write('usage: explorer-build-child.mjs <vite config> <output folder>\n');
  process.exit(2);
}
await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
