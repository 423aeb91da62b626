/**
 * The CLI's configuration: the only module of the `proofroom` process that reads the environment.
 * Values are validated once and frozen; a bad value is a ConfigError naming the variable.
 */
export interface CliConfig {
  /** Where the commands keep their data (embedded database, demo, sentinel key). PROOFROOM_DATA_DIR, default `.data`. */
  readonly dataDir: string;
  /** Colour in human-readable output, unless NO_COLOR is set or output is not a terminal. */
  readonly color: boolean;
  /** Whether standard output is a terminal (progress lines are redrawn in place). */
  readonly tty: boolean;
  /** PostgreSQL; DATABASE_URL. Unset: the embedded PostgreSQL. */
  readonly databaseUrl: string | null;
  /** The chain `proofroom start` and `index` follow; PROOFROOM_RPC_URL. Unset: `start` runs the demo devnet. */
  readonly rpcUrl: string | null;
  /** First port of the demo devnet under `proofroom start` (RPC; GAR +1, storage nodes +2..); PROOFROOM_DEVNET_PORT, default 9944. */
  readonly devnetPort: number;
  /**
   * On the embedded database, how long (ms) at most a write transaction waits while API requests
   * are running; PROOFROOM_EMBEDDED_READER_TURN_MS (0: first come, first served). Unset: the
   * embedded database's default, DEFAULT_TRANSACTION_DEFER_MS (150).
   */
  readonly readerTurnMs: number | undefined;
  /**
   * Whether the embedded database runs on a worker thread of its own (db/embedded-thread.ts), so
   * its statements do not hold up the API's JavaScript; PROOFROOM_EMBEDDED_THREAD, `1` (default) or
   * `0` (on the main thread, as before).
   */
  readonly embeddedThread: boolean;
  /** The environment handed to child processes (the supervised indexer), as a frozen copy. */
  readonly childEnv: Readonly<NodeJS.ProcessEnv>;
}

export class CliConfigError extends Error {}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  isTty = process.stdout.isTTY === true
): CliConfig {
  const dataDir = env.PROOFROOM_DATA_DIR?.trim() || '.data';
  const rawPort = env.PROOFROOM_DEVNET_PORT?.trim();
  const devnetPort = rawPort ? Number(rawPort) : 9944;
  if (!Number.isSafeInteger(devnetPort) || devnetPort < 1 || devnetPort > 65_530)
    throw new CliConfigError(
      `PROOFROOM_DEVNET_PORT must be an integer from 1 to 65530 (got "${rawPort}")`
    );
  const rawTurn = env.PROOFROOM_EMBEDDED_READER_TURN_MS?.trim();
  const readerTurnMs = rawTurn ? Number(rawTurn) : undefined;
  if (
    readerTurnMs !== undefined &&
    (!Number.isSafeInteger(readerTurnMs) || readerTurnMs < 0 || readerTurnMs > 10_000)
  )
    throw new CliConfigError(
      `PROOFROOM_EMBEDDED_READER_TURN_MS must be an integer from 0 to 10000 (got "${rawTurn}")`
    );
  const rawThread = env.PROOFROOM_EMBEDDED_THREAD?.trim();
  if (rawThread && rawThread !== '0' && rawThread !== '1')
    throw new CliConfigError(
      `PROOFROOM_EMBEDDED_THREAD must be 1 (the embedded database on a thread of its own) or 0 (on the main thread) (got "${rawThread}")`
    );
  return Object.freeze({
    dataDir,
    readerTurnMs,
    embeddedThread: rawThread !== '0',
    color: isTty && !('NO_COLOR' in env),
    tty: isTty,
    databaseUrl: env.DATABASE_URL?.trim() || null,
    rpcUrl: env.PROOFROOM_RPC_URL?.trim() || null,
    devnetPort,
    childEnv: Object.freeze({ ...env }),
  });
}
