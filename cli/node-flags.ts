/**
 * V8 flags of the long-running `proofroom` processes (`serve`, `start`: the API's thread).
 *
 * A receipt request allocates its rows, lines and response (17 kB) and lets them go; under load
 * V8's default young generation (16 MB semi-spaces) collected so often that the collector took
 * 10% of the API thread's samples. With 64 MB semi-spaces `receipt(recordId)` at 50 connections
 * answered 1,228-1,327 requests/s against 982-1,096 (0.37-0.40x `squidStatus` against 0.33x),
 * p99 79-81 ms against 82-96, peak RSS 247 against 159 MiB (bench/RESULTS.md, 2026-12-07, eighth
 * session).
 *
 * V8 sizes its heap when the process starts (`v8.setFlagsFromString` later changes nothing), so
 * the flags are on the command line: the shebang of cli/proofroom.mjs (the `proofroom` command),
 * the `start` script of package.json, and the benchmarks' spawns. test/cli.test.ts checks that
 * the first two carry exactly these. The shebang gives them to every `proofroom` command; the
 * short ones do not notice (V8 takes the memory only as it is used). Any other launcher can pass
 * them in `NODE_OPTIONS` (docs/operations.md).
 * @module
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
