/**
 * The CLI's configuration: the only module of the `proofroom` process that reads the environment.
 * Values are validated once and frozen.
 */
export interface CliConfig {
  /** Where `proofroom start` writes its demonstration data. PROOFROOM_DATA_DIR, default `.data`. */
  readonly dataDir: string;
  /** Colour in human-readable output, unless NO_COLOR is set or output is not a terminal. */
  readonly color: boolean;
  /** PostgreSQL for `proofroom index`; DATABASE_URL. Unset: the embedded PostgreSQL. */
  readonly databaseUrl: string | null;
  /** The environment handed to child processes (the supervised indexer), as a frozen copy. */
  readonly childEnv: Readonly<NodeJS.ProcessEnv>;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  isTty = process.stdout.isTTY === true
): CliConfig {
  const dataDir = env.PROOFROOM_DATA_DIR?.trim() || '.data';
  return Object.freeze({
    dataDir,
    color: isTty && !('NO_COLOR' in env),
    databaseUrl: env.DATABASE_URL?.trim() || null,
    childEnv: Object.freeze({ ...env }),
  });
}
