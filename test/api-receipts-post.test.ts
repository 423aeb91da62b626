/**
 * `POST /v1/receipts`: many receipt bundles in one request, streamed as NDJSON. Each line is
 * byte for byte the body `GET /v1/receipts/:id` sends for that id (or a NOT_FOUND line in its
 * place), in the order asked; an era's form gives exactly that era's records and pages with
 * `after`; bad requests are refused before anything streams; the stream ends with a completion
 * line, or with an error line when it fails; the request counts once against the rate limit; the
 * database is read a page at a time; a client that goes away stops the work.
 */
import type { AddressInfo } from 'node:net';
import { type Server, createServer, request as httpRequest } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../api/app.ts';
import { loadApiConfig } from '../api/config.ts';
import type { Queryable } from '../api/context.ts';
import { ApiFailure, type StreamedBundle, streamBundles } from '../explorer/src/api.ts';
import { databaseLegs } from './helpers/databases.ts';
import { type IndexedDevnet, indexDevnet } from './helpers/indexed-devnet.ts';

const legs = await databaseLegs();

type Json = Record<string, any>;

/** Starts `api` on a free port; returns its base URL and the server. */
async function listen(api: Api): Promise<{ url: string; server: Server }> {
  const server = api.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const stop = (server: Server | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe.each(legs)('POST /v1/receipts on %s', (leg) => {
  let ix: IndexedDevnet;
  let pool: pg.Pool;
  let api: Api;
  let base: string;
  let server: Server;
  /** The SQL statements the API sent since the last reset. */
  let statements = 0;
  /** When set: statements after this many fail (a database that breaks mid-stream). */
  let failAfter: number | null = null;

  beforeAll(async () => {
    ix = await indexDevnet(leg, { seed: `receipts-post-${leg}` });
    pool = new pg.Pool({ connectionString: ix.url, max: 4 });
    const counting: Queryable = {
      query: (text, values) => {
        // The live feed's poll of the indexer's head runs on its own clock: not this route's work.
        if (!text.includes('finalized_height FROM indexer_status')) statements++;
        if (failAfter !== null && statements > failAfter)
          return Promise.reject(new Error('the database went away')) as ReturnType<
            Queryable['query']
          >;
        return pool.query(text, values) as ReturnType<Queryable['query']>;
      },
    };
    api = createApi({
      db: counting,
      config: loadApiConfig(
        { PROOFROOM_API_RATE_LIMIT: '0' },
        // With the chain node: the bundles carry their chain proofs, as served in production.
        { databaseUrl: ix.url, embedded: leg === 'pglite', rpcUrl: ix.devnet.rpcUrl }
      ),
      log: () => {},
    });
    ({ url: base, server } = await listen(api));
  }, 180_000);
  afterAll(async () => {
    await stop(server);
    api?.close();
    await pool?.end();
    await ix?.close();
  });

  const post = (body: unknown, query = '', headers: Record<string, string> = {}) =>
    fetch(`${base}/v1/receipts${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  /** The lines of an NDJSON answer (the text must end with a newline). */
  const linesOf = (text: string): string[] => {
    expect(text.endsWith('\n')).toBe(true);
    return text.slice(0, -1).split('\n');
  };

  /** Fails with the first difference of two texts (bundles are too long to print whole). */
  const same = (got: string | undefined, want: string, what: string): void => {
    if (got === want) return;
    const path = (a: unknown, b: unknown, at: string): string => {
      if (JSON.stringify(a) === JSON.stringify(b)) return '';
      if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return at;
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const d = path((a as Json)[k], (b as Json)[k], `${at}.${k}`);
        if (d) return d;
      }
      return `${at} (key order)`;
    };
    what += ` at ${got ? path(JSON.parse(got), JSON.parse(want), '') : ''}`;
    let i = 0;
    while (got !== undefined && i < got.length && got[i] === want[i]) i++;
    expect.fail(
      `${what}: differs at ${i}: got …${got?.slice(Math.max(0, i - 120), i + 80)}… want …${want.slice(Math.max(0, i - 120), i + 80)}…`
    );
  };

  const get = async (id: string, query = ''): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${base}/v1/receipts/${encodeURIComponent(id)}${query}`);
    return { status: res.status, text: await res.text() };
  };

  it('answers each id, in order, with the exact text GET gives, NOT_FOUND in place', async () => {
    const rows = (
      await pool.query<{ id: string; record_id: string }>(
        `SELECT id, record_id FROM activity_record ORDER BY md5(id) LIMIT 30`
      )
    ).rows;
    // A record anchored twice, by its record id: GET gives its first anchored copy.
    const twice = (
      await pool.query<{ record_id: string }>(
        `SELECT record_id FROM activity_record GROUP BY record_id HAVING count(*) > 1 LIMIT 1`
      )
    ).rows;
    const ids = [
      ...rows.slice(0, 20).map((r) => r.id),
      'no such record',
      ...rows.slice(20).map((r) => r.record_id),
      ...twice.map((r) => r.record_id),
      rows[3]!.id, // repeated: answered again in its place
      'x'.repeat(512),
    ];
    const res = await post({ ids });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = linesOf(await res.text());
    expect(lines).toHaveLength(ids.length + 1);
    for (const [i, id] of ids.entries()) {
      const g = await get(id);
      if (g.status === 404) {
        // The GET's error body, with the id asked for.
        expect(JSON.parse(lines[i]!)).toEqual({ id, ...JSON.parse(g.text) });
        expect(JSON.parse(lines[i]!).error.code).toBe('NOT_FOUND');
      } else {
        expect(g.status).toBe(200);
        same(lines[i], g.text, `line ${i} (${id})`);
      }
    }
    expect(JSON.parse(lines[20]!)).toEqual({
      id: 'no such record',
      error: { code: 'NOT_FOUND', message: 'no activity record "no such record"' },
    });
    // Every bundle carries its chain proofs, and names the record asked for.
    const byRecord = new Map(rows.map((r) => [r.id, r.record_id]));
    for (const [i, id] of ids.slice(0, 20).entries()) {
      const b = JSON.parse(lines[i]!) as Json;
      expect(b.format).toBe('proofroom/receipt-bundle');
      expect(b.recordId).toBe(byRecord.get(id));
      expect(b.proofs).not.toBeNull();
    }
    expect(lines[ids.length - 2]).toBe(lines[3]); // the repeated id
    expect(JSON.parse(lines.at(-1)!)).toEqual({ done: true, count: ids.length, errors: 2 });
  }, 120_000);

  it('gives the light bundles with ?proofs=0, as GET does', async () => {
    const ids = (
      await pool.query<{ id: string }>(`SELECT id FROM activity_record ORDER BY id DESC LIMIT 5`)
    ).rows.map((r) => r.id);
    const lines = linesOf(await (await post({ ids }, '?proofs=0')).text());
    for (const [i, id] of ids.entries()) {
      same(lines[i], (await get(id, '?proofs=0')).text, id);
      expect(JSON.parse(lines[i]!).proofs ?? null).toBeNull();
    }
  });

  it("is read line by line by the explorer's client, in order, as GET gives each", async () => {
    const real = (
      await pool.query<{ id: string }>(`SELECT id FROM activity_record ORDER BY md5(id) LIMIT 40`)
    ).rows.map((r) => r.id);
    const ids = [...real.slice(0, 20), 'missing-1', ...real.slice(20), 'missing-2'];
    const got: StreamedBundle[] = [];
    await streamBundles(ids, (l) => got.push(l), { light: true, base });
    expect(got.map((l) => l.index)).toEqual(ids.map((_, i) => i));
    expect(got.map((l) => l.id)).toEqual(ids);
    for (const l of got) {
      if ('text' in l) same(l.text, (await get(l.id, '?proofs=0')).text, l.id);
      else expect(l.error.code).toBe('NOT_FOUND');
    }
    expect(got.filter((l) => 'error' in l).map((l) => l.id)).toEqual(['missing-1', 'missing-2']);
  });

  it("gives exactly an era's records, in id byte order, paged with after", async () => {
    const era = (
      await pool.query<{ cluster_id: string; era: number; n: string }>(
        `SELECT cluster_id, era, count(*) AS n FROM activity_record
          GROUP BY cluster_id, era ORDER BY count(*) DESC LIMIT 1`
      )
    ).rows[0]!;
    const want = (
      await pool.query<{ id: string }>(
        `SELECT id FROM activity_record WHERE cluster_id = $1 AND era = $2`,
        [era.cluster_id, era.era]
      )
    ).rows
      .map((r) => r.id)
      .sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    expect(want.length).toBeGreaterThan(20);
    // The cluster id in capitals is the same cluster.
    const cluster = `0x${era.cluster_id.slice(2).toUpperCase()}`;
    const whole = linesOf(await (await post({ cluster, era: era.era }, '?proofs=0')).text());
    expect(whole).toHaveLength(want.length + 1);
    expect(JSON.parse(whole.at(-1)!)).toEqual({
      done: true,
      count: want.length,
      errors: 0,
      next: null,
    });
    for (const [i, id] of want.entries()) same(whole[i], (await get(id, '?proofs=0')).text, id);

    // In pages of 7: each ends with the cursor of the next; together they are the whole.
    const paged: string[] = [];
    let after: string | null = null;
    for (let round = 0; round < 100; round++) {
      const lines = linesOf(
        await (await post({ cluster, era: era.era, limit: 7, after }, '?proofs=0')).text()
      );
      const done = JSON.parse(lines.pop()!) as Json;
      expect(done.done).toBe(true);
      expect(done.count).toBe(lines.length);
      paged.push(...lines);
      if (done.next === null) break;
      expect(lines).toHaveLength(7);
      expect(done.next).toBe(want[paged.length - 1]);
      after = done.next as string;
    }
    expect(paged).toEqual(whole.slice(0, -1));

    // An era with no records: only the completion line.
    const none = linesOf(await (await post({ cluster, era: 4_000_000 })).text());
    expect(none.map((l) => JSON.parse(l))).toEqual([
      { done: true, count: 0, errors: 0, next: null },
    ]);
  }, 120_000);

  it('reads the database a page at a time, not per id', async () => {
    const ids = (
      await pool.query<{ id: string }>(`SELECT id FROM activity_record ORDER BY id LIMIT 240`)
    ).rows.map((r) => r.id);
    expect(ids).toHaveLength(240);
    await get(ids[0]!, '?proofs=0'); // the eras' evidence is in the cache from here on
    statements = 0;
    await get(ids[1]!, '?proofs=0');
    const one = statements;
    statements = 0;
    const lines = linesOf(await (await post({ ids }, '?proofs=0')).text());
    expect(lines).toHaveLength(241);
    // One page of 240: as many statements as a few bundles cost alone, not 240 times one.
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThan(one * 12);
  });

  it('refuses bad requests with 400 and a clear message before anything streams', async () => {
    const cases: Array<[unknown, number, string, RegExp]> = [
      ['{"ids": [', 400, 'BAD_USER_INPUT', /not valid JSON/],
      ['[]', 400, 'BAD_USER_INPUT', /JSON object/],
      [{}, 400, 'BAD_USER_INPUT', /needs "ids", or "cluster" and "era"/],
      [{ ids: [] }, 400, 'BAD_USER_INPUT', /1 to 10000 ids \(it lists 0\)/],
      [
        { ids: Array.from({ length: 10_001 }, (_, i) => `r${i}`) },
        400,
        'BAD_USER_INPUT',
        /1 to 10000 ids \(it lists 10001\)/,
      ],
      [{ ids: 'abc' }, 400, 'BAD_USER_INPUT', /array of strings/],
      [{ ids: ['a', 7] }, 400, 'BAD_USER_INPUT', /ids\[1\] must be a string/],
      [{ ids: ['a', ''] }, 400, 'BAD_USER_INPUT', /ids\[1\]/],
      [{ ids: ['x'.repeat(513)] }, 400, 'BAD_USER_INPUT', /ids\[0\].*1 to 512/],
      [{ ids: ['a'], cluster: `0x${'ab'.repeat(20)}`, era: 1 }, 400, 'BAD_USER_INPUT', /not both/],
      [{ ids: ['a'], after: 'b' }, 400, 'BAD_USER_INPUT', /page an era/],
      [{ cluster: '0x12', era: 1 }, 400, 'BAD_USER_INPUT', /40 hex digits/],
      [{ cluster: `0x${'ab'.repeat(20)}` }, 400, 'BAD_USER_INPUT', /"era" must be an integer/],
      [{ cluster: `0x${'ab'.repeat(20)}`, era: 1.5 }, 400, 'BAD_USER_INPUT', /"era"/],
      [{ cluster: `0x${'ab'.repeat(20)}`, era: '1' }, 400, 'BAD_USER_INPUT', /"era"/],
      [{ cluster: `0x${'ab'.repeat(20)}`, era: 1, limit: 0 }, 400, 'BAD_USER_INPUT', /"limit"/],
      [{ cluster: `0x${'ab'.repeat(20)}`, era: 1, after: 5 }, 400, 'BAD_USER_INPUT', /"after"/],
      [{ ids: ['a'], idz: [] }, 400, 'BAD_USER_INPUT', /unknown field "idz"/],
      // 10,000 ids of 512 characters fit; far more bytes than that do not.
      [
        { ids: Array.from({ length: 13_000 }, () => 'x'.repeat(512)) },
        413,
        'PAYLOAD_TOO_LARGE',
        /larger than 6291456 bytes/,
      ],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await post(body);
      const text = await res.text();
      expect(res.status, text.slice(0, 200)).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const b = JSON.parse(text) as Json;
      expect(b.error.code).toBe(code);
      expect(b.error.message).toMatch(message);
    }
    // Not JSON at all.
    const plain = await post('ids=a', '', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as Json).error.message).toMatch(/Content-Type: application\/json/);
  });

  it('ends a stream that fails with an error line, never with the completion line', async () => {
    const real = (
      await pool.query<{ id: string }>(`SELECT id FROM activity_record ORDER BY id LIMIT 200`)
    ).rows.map((r) => r.id);
    const ids = Array.from({ length: 260 }, (_, i) => real[i % real.length]!);
    statements = 0;
    // The first page (250 ids) goes through; the second page's statements fail.
    const ok = linesOf(await (await post({ ids }, '?proofs=0')).text()).length;
    expect(ok).toBe(261);
    const firstPage = statements;
    statements = 0;
    failAfter = firstPage - 2;
    try {
      const res = await post({ ids }, '?proofs=0');
      expect(res.status).toBe(200);
      const lines = linesOf(await res.text());
      const last = JSON.parse(lines.at(-1)!) as Json;
      expect(last).toEqual({
        done: false,
        count: lines.length - 1,
        error: { code: 'INTERNAL', message: 'internal error' },
      });
      expect(lines.some((l) => l.startsWith('{"done":true'))).toBe(false);
      // Before any line: an ordinary error answer.
      statements = 0;
      failAfter = 0;
      const early = await post({ ids });
      expect(early.status).toBe(500);
      expect(((await early.json()) as Json).error.code).toBe('INTERNAL');
    } finally {
      failAfter = null;
    }
  });

  it('stops working when the client goes away, and keeps serving', async () => {
    const real = (
      await pool.query<{ id: string }>(`SELECT id FROM activity_record ORDER BY id`)
    ).rows.map((r) => r.id);
    // 10,000 ids, every page of them real records (with proofs: the costliest bundles).
    const ids = Array.from({ length: 10_000 }, (_, i) => real[i % real.length]!);
    statements = 0;
    const { port } = new URL(base);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/v1/receipts', method: 'POST' },
        (res) => {
          // Take the first chunk of the answer, then hang up.
          res.once('data', () => {
            res.pause();
            req.destroy();
            resolve();
          });
        }
      );
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      req.setHeader('content-type', 'application/json');
      req.end(JSON.stringify({ ids }));
    });
    // The pages in flight may finish (slowly on a loaded machine); then nothing more is read.
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let after = -1;
    for (let t = 0; t < 60 && statements !== after; t++) {
      after = statements;
      await sleep(1000);
    }
    await sleep(2000);
    expect(statements).toBe(after);
    // Far fewer statements than the 40 pages of a whole answer would take.
    statements = 0;
    await post({ ids: ids.slice(0, 250) });
    const perPage = statements;
    expect(after).toBeLessThan(perPage * 8);
    // The server still answers.
    expect((await get(real[0]!)).status).toBe(200);
  }, 120_000);

  it('counts the whole request once against the rate limit', async () => {
    const limited = createApi({
      db: pool,
      config: loadApiConfig(
        { PROOFROOM_API_RATE_LIMIT: '3' },
        { databaseUrl: ix.url, embedded: leg === 'pglite' }
      ),
      log: () => {},
    });
    const l = await listen(limited);
    try {
      const ids = Array.from({ length: 10_000 }, (_, i) => `${i}`.padStart(512, 'r'));
      const res = await fetch(`${l.url}/v1/receipts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids }),
      });
      expect(res.status).toBe(200);
      const lines = linesOf(await res.text());
      expect(lines).toHaveLength(10_001);
      expect(JSON.parse(lines[9_999]!).id).toBe(ids[9_999]);
      expect(JSON.parse(lines.at(-1)!)).toEqual({ done: true, count: 10_000, errors: 10_000 });
      // One request of 3 spent: two more pass, the fourth is refused.
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await fetch(`${l.url}/v1/receipts/nothing`)).status);
      expect(statuses).toEqual([404, 404, 429]);
    } finally {
      await stop(l.server);
      limited.close();
    }
  }, 60_000);
});

describe("the explorer's client of POST /v1/receipts", () => {
  /** A server that answers every request with `body` (and `status`). */
  const fake = async (status: number, body: string, type = 'application/x-ndjson') => {
    const server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const bundle = '{"format":"proofroom/receipt-bundle","version":3}';

  it('refuses answers that are cut off, failed, refused or malformed', async () => {
    const cases: Array<[number, string, RegExp, string]> = [
      [200, `${bundle}\n{"done":true,"count":1,"errors":0}\n`, /^$/, ''],
      // No completion line: the connection was cut.
      [200, `${bundle}\n`, /cut off after 1 of 2/, 'BAD_RESPONSE'],
      [200, `${bundle}\n{"done":true,"count":1,"errors":0}`, /cut off/, 'BAD_RESPONSE'],
      // The server's failure line.
      [
        200,
        `${bundle}\n{"done":false,"count":1,"error":{"code":"INTERNAL","message":"internal error"}}\n`,
        /stopped after 1 of 2 bundles/,
        'INTERNAL',
      ],
      // A completion line that counts other lines than were sent.
      [
        200,
        `${bundle}\n{"done":true,"count":2,"errors":0}\n`,
        /answered 1 of 2 ids/,
        'BAD_RESPONSE',
      ],
      [200, `${bundle}\nnot json\n`, /not JSON/, 'BAD_RESPONSE'],
      [
        429,
        '{"error":{"code":"RATE_LIMITED","message":"more than 3 requests a minute"}}',
        /Too many requests/,
        'RATE_LIMITED',
      ],
      [
        400,
        '{"error":{"code":"BAD_USER_INPUT","message":"ids[0] must be…"}}',
        /ids\[0\]/,
        'BAD_USER_INPUT',
      ],
    ];
    for (const [status, body, message, code] of cases) {
      const f = await fake(
        status,
        body,
        status === 200 ? 'application/x-ndjson' : 'application/json'
      );
      try {
        const lines: StreamedBundle[] = [];
        // Two ids, of which the fake answers the first (the good case: one id).
        const ids = code === '' ? ['a'] : ['a', 'b'];
        const run = streamBundles(ids, (l) => lines.push(l), { base: f.base });
        if (code === '') {
          await run;
          expect(lines).toEqual([{ index: 0, id: 'a', text: bundle }]);
          continue;
        }
        const err = await run.then(
          () => null,
          (e: unknown) => e
        );
        expect(err, body).toBeInstanceOf(ApiFailure);
        expect((err as ApiFailure).message).toMatch(message);
        expect((err as ApiFailure).code).toBe(code);
      } finally {
        await stop(f.server);
      }
    }
  });
});
