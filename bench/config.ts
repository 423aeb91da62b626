/**
 * Benchmark settings read from the command line and the environment (the only bench module that
 * reads `process.env`).
 *
 * - `--big` (`node --import tsx bench/run.ts devnet --big`, `npm run bench devnet -- --big`, or
 *   `npm run bench devnet --big`, which npm passes on as `npm_config_big`) or
 *   `PROOFROOM_BENCH_BIG=1`: also run the slow, memory-hungry sizes (the devnet suite builds a
 *   1,000,000-record scenario).
 */
export const BENCH_BIG: boolean =
  process.argv.includes('--big') ||
  process.env.PROOFROOM_BENCH_BIG === '1' ||
  process.env.npm_config_big === 'true';
