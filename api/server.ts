/**
 * Listening: the API app on a port with its own database pool, and a clean stop (live
 * subscriptions ended, connections closed, pool drained).
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { type Api, createApi } from './app.ts';
import type { ApiConfig } from './config.ts';

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  readonly api: Api;
  readonly server: Server;
  /** Waits up to `graceMs` (default 5 s) for requests in flight, then ends the pool. */
  close(graceMs?: number): Promise<void>;
}

export async function startApiServer(
  config: ApiConfig & { databaseUrl: string },
  log?: (message: string) => void
): Promise<ApiServer> {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolSize,
    // A client-side limit always; a server-side one only on a real server (PGlite has one
    // session shared by every connection, where it would bind the indexer too).
    query_timeout: config.limits.timeoutMs + 1000,
    ...(config.embeddedDatabase ? {} : { statement_timeout: config.limits.timeoutMs }),
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', (e) => log?.(`database pool: ${e.message}`));
  const api = createApi({
    db: pool,
    config,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    ...(log ? { log } : {}),
  });
  const server = createServer(api.app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 5 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    api,
    server,
    async close(graceMs = 5000) {
      api.close();
      // Stop accepting, let requests in flight finish (live streams and stragglers are cut after
      // the grace period), and only then end the pool they use.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await pool.end();
    },
  };
}
