/**
 * Vite build of the explorer. The output (explorer/dist) is served by the API process
 * (`proofroom serve`); `npm run build:explorer` or the first `proofroom serve` builds it.
 */
import { defineConfig } from 'vite';

// The explorer's own folder (no node:* import: the explorer part is browser code by rule).
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: 'es' },
});
