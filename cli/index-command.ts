/**
 * `proofroom index`: indexes a Substrate chain (the devnet or Cere) into PostgreSQL with
 * verification on ingest. Without a database URL it starts the embedded PostgreSQL (PGlite) with
 * its data under the data directory. The indexer runs as a supervised child process.
 */
import { Supervisor } from '../indexer/supervisor.ts';
import { type OptionSpec, UsageError, parseArgs } from './args.ts';
import { loadConfig } from './config.ts';
import { indexerDatabaseEnv, openDatabase } from './database.ts';

/** Every option of `proofroom index` (INDEX_USAGE lists the same). */
export const INDEX_OPTIONS: OptionSpec = {
  valued: ['rpc', 'database', 'gar', 'storage', 'from', 'metrics-port', 'threads'],
  switches: [],
};

export async function indexCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, INDEX_OPTIONS);
  const config = loadConfig();
  const str = (k: string): string | undefined => {
    const v = args.flags.get(k);
    if (v === true) throw new UsageError(`--${k} needs a value`);
    return v;
  };
  const rpc = str('rpc');
  if (!rpc) throw new UsageError('--rpc URL is required');
  const db = await openDatabase(str('database') ?? config.databaseUrl, config.dataDir, {
    readerTurnMs: config.readerTurnMs,
    embeddedThread: config.embeddedThread,
  });
  const databaseUrl = db.url;
  if (db.embedded) process.stdout.write(`database ${db.shown}\n`);
  const env: NodeJS.ProcessEnv = {
    ...config.childEnv,
    PROOFROOM_RPC_URL: rpc,
    DATABASE_URL: databaseUrl,
    ...indexerDatabaseEnv(db, config.childEnv),
    ...(str('gar') ? { PROOFROOM_GAR_URL: str('gar') } : {}),
    ...(str('storage') ? { PROOFROOM_STORAGE_URLS: str('storage') } : {}),
    ...(str('from') ? { PROOFROOM_FROM_BLOCK: str('from') } : {}),
    ...(str('metrics-port') ? { PROOFROOM_METRICS_PORT: str('metrics-port') } : {}),
    ...(str('threads') ? { PROOFROOM_THREADS: str('threads') } : {}),
  };
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((r) => (done = r));
  let stopping = false;
  const stop = async (code = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await sup.stop();
    await db.close();
    done(code);
  };
  const sup = new Supervisor({
    env,
    onExit: (code, signal, wait) => {
      if (wait !== null)
        process.stderr.write(
          `proofroom index: indexer exited (${signal ?? `code ${code}`}); restarting in ${wait} ms\n`
        );
      // Not restarted (exit code 2): its configuration or its chain cannot work (it said why).
      else if (!stopping) {
        process.stderr.write('proofroom index: the indexer cannot run like this; stopping\n');
        void stop(2);
      }
    },
  });
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  sup.start();
  return finished;
}
