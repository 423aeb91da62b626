/**
 * The devnet's fault scenario indexed into a test database by the real indexer (a supervised child
 * process), for tests of what reads the database (API, explorer, sentinel). The scenario's reorg is
 * played out (orphan first, then the canonical chain), so the database ends at the devnet's head:
 *
 *     const ix = await indexDevnet(leg, { records: 240 });
 *     try { … ix.url, ix.devnet.manifest … } finally { await ix.close(); }
 */
import pg from 'pg';
import { type Devnet, startDevnet } from '../../devnet/devnet.ts';
import type { DevnetRuntimeVariant } from '../../devnet/metadata.ts';
import { DEVNET_FAULTS, type DevnetFault } from '../../devnet/scenario.ts';
import { Supervisor } from '../../indexer/supervisor.ts';
import { type Leg, type TestDatabase, createTestDatabase } from './databases.ts';

export interface IndexedDevnet {
  readonly devnet: Devnet;
  readonly db: TestDatabase;
  readonly url: string;
  /** The indexer keeps following the devnet until `close()`. */
  readonly indexer: Supervisor;
  /** Waits until the indexer's status names the devnet's best head. */
  waitForHead(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface IndexDevnetOptions {
  readonly seed?: string;
  readonly records?: number;
  readonly eras?: number;
  readonly recordsPerBatch?: number;
  readonly faults?: readonly DevnetFault[];
  /** Another runtime than the devnet's (devnet/metadata.ts `DevnetRuntimeVariant`). */
  readonly runtime?: DevnetRuntimeVariant;
}

/** A real indexer (supervised child process) started by `startIndexer`. */
export interface IndexerRun {
  readonly indexer: Supervisor;
  /** Waits until the indexer's status names block `hash` as its head. */
  waitFor(hash: string, timeoutMs?: number): Promise<void>;
}

/**
 * Starts the real indexer on `rpcUrl` into `databaseUrl`, with the devnet's GAR service and
 * storage nodes as off-chain sources, from `fromBlock` (default 0).
 */
export function startIndexer(o: {
  readonly rpcUrl: string;
  readonly databaseUrl: string;
  readonly devnet: Devnet;
  readonly fromBlock?: number;
  /** More environment for the indexer (e.g. `PROOFROOM_ROOTS`). */
  readonly env?: Readonly<Record<string, string>>;
}): IndexerRun {
  let stderr = '';
  const indexer = new Supervisor({
    env: {
      ...process.env,
      PROOFROOM_RPC_URL: o.rpcUrl,
      DATABASE_URL: o.databaseUrl,
      PROOFROOM_FROM_BLOCK: String(o.fromBlock ?? 0),
      PROOFROOM_GAR_URL: o.devnet.garUrl,
      PROOFROOM_STORAGE_URLS: o.devnet.storageUrls.join(','),
      PROOFROOM_HEAD_POLL_MS: '100',
      PROOFROOM_THREADS: '2',
      PROOFROOM_METRICS_PORT: '-1',
      ...o.env,
    },
    stdio: 'pipe',
    minBackoffMs: 100,
    onStart: (child) => child.stderr?.on('data', (d: Buffer) => (stderr += d.toString())),
  });
  indexer.start();
  const waitFor = async (hash: string, timeoutMs = 90_000): Promise<void> => {
    const c = new pg.Client({ connectionString: o.databaseUrl });
    await c.connect();
    const t0 = Date.now();
    try {
      for (;;) {
        const r = await c
          .query(`SELECT hash FROM indexer_status WHERE id = 'main'`)
          .catch(() => ({ rows: [] as Array<{ hash: string }> }));
        if (r.rows[0]?.hash === hash) return;
        if (Date.now() - t0 > timeoutMs)
          throw new Error(`indexer did not reach ${hash}; its stderr:\n${stderr.slice(-4000)}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    } finally {
      await c.end();
    }
  };
  return { indexer, waitFor };
}

export async function indexDevnet(leg: Leg, opts: IndexDevnetOptions = {}): Promise<IndexedDevnet> {
  const devnet = await startDevnet({
    seed: opts.seed ?? 'api-test',
    records: opts.records ?? 240,
    eras: opts.eras ?? 4,
    recordsPerBatch: opts.recordsPerBatch ?? 10,
    faults: [...(opts.faults ?? DEVNET_FAULTS)],
    ...(opts.runtime ? { runtime: opts.runtime } : {}),
  });
  let db: TestDatabase | undefined;
  let indexer: Supervisor | undefined;
  const close = async (): Promise<void> => {
    await indexer?.stop(2000).catch(() => {});
    await devnet.close().catch(() => {});
    await db?.drop().catch(() => {});
  };
  try {
    db = await createTestDatabase(leg);
    const url = db.url;
    const run = startIndexer({ rpcUrl: devnet.rpcUrl, databaseUrl: url, devnet });
    indexer = run.indexer;
    const waitForHead = (timeoutMs = 90_000): Promise<void> =>
      run.waitFor(devnet.chain.best.hash, timeoutMs);
    await waitForHead();
    // Play out the scenario's reorg and finality steps to the end.
    while (devnet.advance()) await waitForHead();
    return { devnet, db, url, indexer, waitForHead, close };
  } catch (e) {
    await close();
    throw e;
  }
}
