/**
 * `npm run bench`: every benchmark, measured in one run, each figure printed with the baseline it
 * is compared against. Figures depend on the machine: run on a quiet machine.
 */
import { arch, availableParallelism, cpus, totalmem } from 'node:os';
import { VALUE_FLAGS } from './config.ts';
import { type Figure, formatFigure } from './lib.ts';

const suites: Array<
  [string, () => Promise<{ run: (report: (f: Figure) => void) => Promise<void> }>]
> = [
  ['signatures', () => import('./signatures.ts')],
  ['hashes', () => import('./hash.ts')],
  ['verifier', () => import('./verifier.ts')],
  ['devnet', () => import('./devnet.ts')],
  ['indexer', () => import('./indexer.ts')],
  ['api', () => import('./api.ts')],
  ['receipts', () => import('./receipts.ts')],
  ['explorer', () => import('./explorer.ts')],
  ['sentinel', () => import('./sentinel.ts')],
  ['readers', () => import('./readers.ts')],
];

// Suite names; flags (`--big`, `--rebuild`, `--trials 60`, `--records N`, read by config.ts) are not suite names.
const args = process.argv.slice(2);
const only = args.filter((a, i) => !a.startsWith('--') && !VALUE_FLAGS.includes(args[i - 1] ?? ''));
console.log(
  `Proof Room benchmarks: node ${process.version}, ${arch()}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB`
);
for (const [name, load] of suites) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  const t0 = performance.now();
  const { run } = await load();
  await run((f) => console.log(formatFigure(f)));
  const rss = process.memoryUsage().rss;
  console.log(
    `   (${((performance.now() - t0) / 1000).toFixed(1)} s, main-thread RSS ${Math.round(rss / 2 ** 20)} MiB)`
  );
}
