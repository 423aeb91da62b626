/**
 * Benchmark settings read from the command line and the environment (the only bench module that
 * reads `process.env`).
 *
 * - `--big` (`node --import tsx bench/run.ts devnet --big`, `npm run bench devnet -- --big`, or
 *   `npm run bench devnet --big`, which npm passes on as `npm_config_big`) or
 *   `PROOFROOM_BENCH_BIG=1`: also run the slow, memory-hungry sizes (the devnet suite builds a
 *   1,000,000-record scenario; the indexer suite indexes 1,000,000 records instead of 50,000).
 * - `PROOFROOM_BENCH_POSTGRES_URL`: the PostgreSQL server of the indexer and api suites.
 * - `--rebuild` (`npm run bench api -- --rebuild`, or `npm run bench api --rebuild`, passed on as
 *   `npm_config_rebuild`) or `PROOFROOM_BENCH_REBUILD=1`: the api suite rebuilds its persistent
 *   database even when it holds what the suite wants.
 * - `--trials N` and `--sim-trials N` (`npm run bench -- sentinel --trials 200`; also `--trials=N`,
 *   or `npm_config_trials` / `npm_config_sim_trials` when npm takes the flag): the sentinel suite's
 *   detection trials (sentinel rounds per sample rule) and its pure drawSample simulation.
 * - `--records N` (`npm run bench readers -- --records 5000`, or `npm_config_records`): the
 *   readers suite's devnet size (default 30,000).
 * - `--same-thread` and `--every-chunk-eras` (readers suite; or `npm_config_same_thread`,
 *   `npm_config_every_chunk_eras`): run the embedded database on the API's thread
 *   (`PROOFROOM_EMBEDDED_THREAD=0`) and recompute every era on every chunk
 *   (`PROOFROOM_DEFER_ERAS=0`), to measure what the defaults gain.
 */
export const BENCH_BIG: boolean =
  process.argv.includes('--big') ||
  process.env.PROOFROOM_BENCH_BIG === '1' ||
  process.env.npm_config_big === 'true';

export const BENCH_REBUILD: boolean =
  process.argv.includes('--rebuild') ||
  process.env.PROOFROOM_BENCH_REBUILD === '1' ||
  process.env.npm_config_rebuild === 'true';

/** The readers suite: the embedded database on the API's thread, as before it had its own. */
export const BENCH_SAME_THREAD: boolean =
  process.argv.includes('--same-thread') || process.env.npm_config_same_thread === 'true';

/** The readers suite: every chunk recomputes the eras it touches, as before eras were put off. */
export const BENCH_EVERY_CHUNK_ERAS: boolean =
  process.argv.includes('--every-chunk-eras') || process.env.npm_config_every_chunk_eras === 'true';

/** Flags followed by a value (`--trials 60`): run.ts does not take the value for a suite name. */
export const VALUE_FLAGS: readonly string[] = ['--trials', '--sim-trials', '--records', '--chunk'];

/** A positive integer from `--name N`, `--name=N` or npm's `npm_config_<name>`; else `dflt`. */
function countFlag(name: string, dflt: number): number {
  const args = process.argv;
  const i = args.indexOf(`--${name}`);
  const raw =
    (i >= 0 ? args[i + 1] : undefined) ??
    args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ??
    process.env[`npm_config_${name.replace(/-/g, '_')}`];
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`--${name} must be a positive integer (got "${raw}")`);
  return n;
}

/** Sentinel rounds per sample rule in the sentinel suite's detection trials. */
export const BENCH_TRIALS: number = countFlag('trials', 60);

/** Trials of the sentinel suite's pure drawSample simulation. */
export const BENCH_SIM_TRIALS: number = countFlag('sim-trials', 10_000);

/** Records of the readers suite's devnet (`--records N`; e.g. 5000 for a quick smoke run). */
export const BENCH_RECORDS: number = countFlag('records', 30_000);

/**
 * The readers suite's indexer `PROOFROOM_WRITE_CHUNK_RECORDS` (`--chunk N`; 0: what `proofroom
 * start` sets on the embedded database).
 */
export const BENCH_CHUNK: number = countFlag('chunk', 0);

/**
 * The readers suite's indexer `PROOFROOM_SLOW_WRITE_MS` (`--slow-write-ms N`; 0: its default of
 * 1000 ms): every write transaction at least this long is printed with its phases.
 */
export const BENCH_SLOW_WRITE_MS: number = countFlag('slow-write-ms', 0);

/**
 * The PostgreSQL server the indexer suite creates its databases on (`pr_bench_<random>`, dropped
 * afterwards) and the api suite keeps its database on (`proofroom_bench_api`, kept between runs):
 * `PROOFROOM_BENCH_POSTGRES_URL`, default the local server as user `postgres`.
 */
export const BENCH_POSTGRES_URL: string =
  process.env.PROOFROOM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The environment of a child process: this process's own, plus `vars`. */
export function childEnv(vars: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { ...process.env, ...vars };
}
