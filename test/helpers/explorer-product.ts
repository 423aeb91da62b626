/**
 * The running product for browser tests and the explorer bench: the devnet's fault scenario indexed
 * by the real indexer, one sentinel pass over the devnet's storage nodes (so the sentinel page has
 * rounds, and failures from the `payload-tampered` and `payload-missing` faults), and the API
 * process's server (`startApiServer`, what `proofroom serve` runs) serving the built explorer on a
 * free port.
 *
 *     const p = await startProduct('pglite');
 *     try { … p.url … p.ix.devnet.manifest … } finally { await p.close(); }
 */
import { loadApiConfig } from '../../api/config.ts';
import { type ApiServer, startApiServer } from '../../api/server.ts';
import { EXPLORER_DIST, ensureExplorer } from '../../cli/explorer-build.ts';
import type { RoundResult } from '../../sentinel/sentinel.ts';
import type { Leg } from './databases.ts';
import { type IndexDevnetOptions, type IndexedDevnet, indexDevnet } from './indexed-devnet.ts';
import { runSentinelOnce } from './sentinel-pass.ts';

export interface Product {
  readonly ix: IndexedDevnet;
  /** What the sentinel pass reached, round by round (empty with `sentinel: false`). */
  readonly sentinelRounds: readonly RoundResult[];
  readonly server: ApiServer;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

export async function startProduct(
  leg: Leg,
  opts: IndexDevnetOptions & {
    port?: number;
    env?: NodeJS.ProcessEnv;
    /** Run one sentinel pass before serving (default true). */
    sentinel?: boolean;
  } = {}
): Promise<Product> {
  await ensureExplorer();
  const ix = await indexDevnet(leg, opts);
  try {
    // The indexer is at the devnet's head: every paid era is final and can be sampled.
    const sentinelRounds = opts.sentinel === false ? [] : await runSentinelOnce(ix, leg);
    const config = loadApiConfig(
      {
        PROOFROOM_API_RATE_LIMIT: '0',
        PROOFROOM_STORAGE_URLS: ix.devnet.storageUrls.join(','),
        // Bundles carry the proofs of their chain facts, asked from the devnet's node.
        PROOFROOM_RPC_URL: ix.devnet.rpcUrl,
        ...opts.env,
      },
      {
        databaseUrl: ix.url,
        embedded: leg === 'pglite',
        port: opts.port ?? 0,
        host: '127.0.0.1',
        explorerDir: EXPLORER_DIST,
      }
    );
    const server = await startApiServer({ ...config, databaseUrl: ix.url });
    return {
      ix,
      sentinelRounds,
      server,
      url: server.url,
      async close() {
        await server.close(500).catch(() => {});
        await ix.close();
      },
    };
  } catch (e) {
    await ix.close();
    throw e;
  }
}
