/**
 * Before any test file runs: build the explorer once if it is missing or stale, so that the test
 * files that serve it (the browser tests, `proofroom serve`) find it built and never build it
 * concurrently.
 */
import { ensureExplorer } from '../cli/explorer-build.ts';

export default async function setup(): Promise<void> {
  const b = await ensureExplorer();
  if (b.built) console.log(`built the explorer in ${Math.round(b.ms)} ms`);
}
