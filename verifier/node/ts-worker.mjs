// Boots a worker thread on a TypeScript entry. The project runs from its TypeScript sources through
// tsx (Node 20 has no type stripping), and a loader registered in the parent does not reach worker
// threads, so the worker loads its entry with tsx's tsImport; a compiled .js entry loads directly.
import { workerData } from 'node:worker_threads';

const entry = workerData.proofroomEntry;
if (entry.endsWith('.ts')) {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(entry, import.meta.url);
} else {
  await import(entry);
}
