/**
 * `proofroom serve`: the GraphQL API and the REST routes over an indexed database. Without a
 * database URL it opens the embedded PostgreSQL in the data directory (when no indexer holds it).
 */
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadApiConfig } from '../api/config.ts';
import { startApiServer } from '../api/server.ts';
import { type OptionSpec, UsageError, parseArgs } from './args.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './database.ts';
import { EXPLORER_DIST, ensureExplorer } from './explorer-build.ts';

/** Every option of `proofroom serve` (SERVE_USAGE lists the same). */
export const SERVE_OPTIONS: OptionSpec = { valued: ['database', 'port', 'host'], switches: [] };

/**
 * V8 lets its old generation grow to about 4x what survived the last full collection before the
 * next one. An export streams gigabytes of short-lived strings, some of which outlive a young
 * collection, so on a loaded machine the API process grew by 100-130 MiB of garbage during one.
 * 1.3x kept a 1,000,000-row export near 30 MiB above idle, for 8-10% of its rows/s (GraphQL load
 * unchanged; bench/RESULTS.md). V8 reads this setting at each full collection, so it can be set
 * once the process runs.
 */
const HEAP_GROWING_PERCENT = 30;

export async function serveCommand(argv: string[]): Promise<number> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const args = parseArgs(argv, SERVE_OPTIONS);
  const cli = loadConfig();
  const str = (k: string): string | undefined => {
    const v = args.flags.get(k);
    if (v === true) throw new UsageError(`--${k} needs a value`);
    return v;
  };
  const port = str('port');
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new UsageError('--port must be 0-65535');
  const databaseFlag = str('database') ?? cli.databaseUrl;
  let config;
  try {
    config = loadApiConfig(cli.childEnv, {
      databaseUrl: databaseFlag ?? null,
      embedded: !databaseFlag,
      ...(port !== undefined ? { port: Number(port) } : {}),
      ...(str('host') ? { host: str('host')! } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const db = await openDatabase(databaseFlag, cli.dataDir, {
    readerTurnMs: cli.readerTurnMs,
    embeddedThread: cli.embeddedThread,
  });
  const databaseUrl = db.url;
  if (db.embedded) process.stdout.write(`database ${db.shown}\n`);
  if (config.explorerDir === EXPLORER_DIST) {
    try {
      const b = await ensureExplorer();
      if (b.built) process.stdout.write(`built the explorer in ${(b.ms / 1000).toFixed(1)} s\n`);
    } catch (e) {
      process.stderr.write(
        `proofroom serve: the explorer could not be built (${e instanceof Error ? e.message : String(e)}); serving the API only\n`
      );
    }
  }
  let server;
  try {
    server = await startApiServer({ ...config, databaseUrl }, (m) =>
      process.stderr.write(`proofroom serve: ${m}\n`)
    );
  } catch (e) {
    await db.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      throw new UsageError(`port ${config.port} is taken; choose another with --port`);
    throw e;
  }
  if (config.explorerDir !== null) process.stdout.write(`Proof Room explorer at ${server.url}/\n`);
  process.stdout.write(
    `Proof Room API at ${server.url}/graphql (REST: ${server.url}/v1/receipts/:id, ${server.url}/v1/export/, ${server.url}/healthz)\n`
  );
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((r) => (done = r));
  const stop = async (): Promise<void> => {
    await server.close();
    await db.close();
    done(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return finished;
}
