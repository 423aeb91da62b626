/**
 * Many receipt bundles: `POST /v1/receipts` (every bundle in one request, streamed as NDJSON)
 * against the baseline of one `GET /v1/receipts/:id` per bundle with CONCURRENCY requests in
 * flight (what the explorer's /verify page did before), over the devnet's fault scenario indexed
 * into the embedded PGlite and served by the API in this process, bundles with their chain proofs.
 *
 * - RECORDS bundles (1,000; fewer with `--records N`, e.g. `npm run bench receipts -- --records
 *   300`), the first by activity record id.
 * - One pass of each first, not measured: both ways read the same caches (era evidence, chain
 *   proofs), so neither pays for warming them. Then ROUNDS rounds, each the GETs then the POST;
 *   the figures are the medians. Time is from the first request to the last byte; bytes are the
 *   bodies' (the POST's completion line included).
 * - Before measuring, the POST's lines are checked byte for byte against the GETs' bodies.
 *
 * Run alone: `node --import tsx bench/receipts.ts [--records N]`.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadApiConfig } from '../api/config.ts';
import { startApiServer } from '../api/server.ts';
import { indexDevnet } from '../test/helpers/indexed-devnet.ts';
import { BENCH_RECORDS } from './config.ts';
import { type Reporter, formatFigure } from './lib.ts';

const RECORDS = Math.min(1000, BENCH_RECORDS);
const CONCURRENCY = 8;
const ROUNDS = 3;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Every bundle by its own GET, `CONCURRENCY` in flight; the bodies in the order of `ids`. */
async function oneByOne(
  base: string,
  ids: readonly string[]
): Promise<{ ms: number; bytes: number; texts: string[] }> {
  const texts: string[] = new Array<string>(ids.length);
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const res = await fetch(`${base}/v1/receipts/${encodeURIComponent(ids[i]!)}`);
        const text = await res.text();
        if (res.status !== 200) throw new Error(`GET ${ids[i]}: HTTP ${res.status}`);
        texts[i] = text;
        bytes += Buffer.byteLength(text);
      }
    })
  );
  return { ms: performance.now() - t0, bytes, texts };
}

/** Every bundle in one POST, read to the end. */
async function together(
  base: string,
  ids: readonly string[]
): Promise<{ ms: number; bytes: number; text: string }> {
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/receipts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ids }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST: HTTP ${res.status}: ${text.slice(0, 200)}`);
  return { ms: performance.now() - t0, bytes: Buffer.byteLength(text), text };
}

export async function run(report: Reporter): Promise<void> {
  const ix = await indexDevnet('pglite', { seed: 'bench-receipts', records: RECORDS });
  let server: Awaited<ReturnType<typeof startApiServer>> | undefined;
  try {
    const config = loadApiConfig(
      {
        PROOFROOM_API_RATE_LIMIT: '0',
        PROOFROOM_STORAGE_URLS: ix.devnet.storageUrls.join(','),
        PROOFROOM_RPC_URL: ix.devnet.rpcUrl,
      },
      { databaseUrl: ix.url, embedded: true, port: 0, host: '127.0.0.1', explorerDir: null }
    );
    server = await startApiServer({ ...config, databaseUrl: ix.url }, () => {});
    const db = new pg.Client({ connectionString: ix.url });
    await db.connect();
    const ids = (
      await db.query<{ id: string }>(`SELECT id FROM activity_record ORDER BY id LIMIT $1`, [
        RECORDS,
      ])
    ).rows.map((r) => r.id);
    await db.end();

    // Warm both ways, and check that they give the same bytes.
    const get = await oneByOne(server.url, ids);
    const post = await together(server.url, ids);
    const lines = post.text.slice(0, -1).split('\n');
    const done = JSON.parse(lines.pop()!) as { done?: boolean; count?: number };
    if (done.done !== true || done.count !== ids.length)
      throw new Error(`POST: no completion line for ${ids.length}: ${JSON.stringify(done)}`);
    const differ = lines.findIndex((l, i) => l !== get.texts[i]);
    if (differ >= 0) throw new Error(`POST line ${differ} is not GET's body for ${ids[differ]}`);

    const gets: Array<{ ms: number; bytes: number }> = [];
    const posts: Array<{ ms: number; bytes: number }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      gets.push(await oneByOne(server.url, ids));
      posts.push(await together(server.url, ids));
    }
    const getMs = median(gets.map((g) => g.ms));
    const postMs = median(posts.map((p) => p.ms));
    const n = ids.length.toLocaleString('en-US');
    const baseline = `${n} GETs`;
    report({
      name: `${n} bundles, GET /v1/receipts/:id each, ${CONCURRENCY} in flight`,
      value: getMs,
      unit: 'ms',
      note: `${ids.length} requests against the rate limit; median of ${ROUNDS}`,
    });
    report({
      name: `${n} bundles, one POST /v1/receipts (NDJSON)`,
      value: postMs,
      unit: 'ms',
      ratio: { against: baseline, value: postMs / getMs },
      note: `1 request against the rate limit; ${(getMs / postMs).toFixed(1)}x faster`,
    });
    report({
      name: `${n} bundles, bytes of the GETs' bodies`,
      value: gets[0]!.bytes,
      unit: 'B',
    });
    report({
      name: `${n} bundles, bytes of the POST's body`,
      value: posts[0]!.bytes,
      unit: 'B',
      ratio: { against: `the GETs' bytes`, value: posts[0]!.bytes / gets[0]!.bytes },
      note: 'the same bundles, one per line, and the completion line',
    });
  } finally {
    await server?.close(500).catch(() => {});
    await ix.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run((f) => console.log(formatFigure(f)));
}
