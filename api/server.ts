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
  // While stopping, every response says Connection: close, so keep-alive clients go away after
  // the request they are in.
  let closing = false;
  const server = createServer((req, res) => {
    if (closing) res.setHeader('Connection', 'close');
    api.app(req, res);
  });
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
      closing = true;
      api.close();
      // Stop accepting, let requests in flight finish (live streams and stragglers are cut after
      // the grace period), wait until no handler holds a database client, then end the pool.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      const until = Date.now() + 2000;
      let quiet = 0;
      while (quiet < 2 && Date.now() < until) {
        quiet = pool.totalCount === pool.idleCount && pool.waitingCount === 0 ? quiet + 1 : 0;
        await new Promise((r) => setTimeout(r, 25));
      }
      await pool.end();
    },
  };
}
