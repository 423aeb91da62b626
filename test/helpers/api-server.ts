/**
 * The API process's server (`startApiServer`, what `proofroom serve` runs) over a test database,
 * serving the built explorer, on a free port, without rate limits:
 *
 *     const api = await serveApi(db.url, leg);
 *     try { … fetch(`${api.url}/v1/receipts/${id}`) … } finally { await api.close(); }
 */
import { loadApiConfig } from '../../api/config.ts';
import { type ApiServer, startApiServer } from '../../api/server.ts';
import { EXPLORER_DIST, ensureExplorer } from '../../cli/explorer-build.ts';
import type { Leg } from './databases.ts';

export async function serveApi(
  databaseUrl: string,
  leg: Leg,
  env: NodeJS.ProcessEnv = {}
): Promise<{ server: ApiServer; url: string; close(): Promise<void> }> {
  await ensureExplorer();
  const config = loadApiConfig(
    { PROOFROOM_API_RATE_LIMIT: '0', ...env },
    {
      databaseUrl,
      embedded: leg === 'pglite',
      port: 0,
      host: '127.0.0.1',
      explorerDir: EXPLORER_DIST,
    }
  );
  const server = await startApiServer({ ...config, databaseUrl });
  return { server, url: server.url, close: () => server.close(500).catch(() => {}) };
}
