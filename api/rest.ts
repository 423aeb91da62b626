/**
 * The REST routes that answer files for `proofroom verify`:
 *
 * - `GET /v1/receipts/:id`: the portable receipt bundle (docs/spec.md §Receipt bundle). `:id` is a
 *   record id or an activity_record id (`<batch id>:<leaf index>`); a record anchored twice gives
 *   its first anchored copy.
 * - `POST /v1/receipts`: many of those bundles in one request (listed ids, or every record of a
 *   cluster's era), streamed as NDJSON, one line per bundle, each line the text the GET gives.
 * - `GET /v1/sentinel/evidence/:id`: the signed evidence document of a failed sentinel check
 *   (docs/spec.md §Sentinel evidence), by `sentinel_check.id`.
 * @module
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { type BundleOptions, buildReceiptBundle, buildReceiptBundles } from './bundle.ts';
import { type ChainProofSource, ChainRpcError } from '../verifier/proof-source.ts';
import type { ApiConfig } from './config.ts';
import type { Queryable } from './context.ts';
import type { EraEvidenceCache } from './era-cache.ts';
import { type ErrorCode, isTimeout, restError } from './errors.ts';
import { EVIDENCE_FIELDS } from '../verifier/evidence.ts';

/** The bundle options the API builds with (the GET and the POST alike). */
function bundleOptions(
  config: ApiConfig,
  eras: EraEvidenceCache,
  proofs: ChainProofSource | null,
  light: boolean
): BundleOptions {
  return {
    payoutBatchSize: config.payoutBatchSize,
    roots: config.roots,
    storageUrls: config.storageUrls,
    readEra: (q, clusterId, era) => eras.read(q, clusterId, era),
    ...(proofs && !light ? { proofs } : {}),
  };
}

/** `?proofs=0` (or `false`): the light bundle, without the chain proofs. */
const isLight = (req: Request): boolean => req.query.proofs === '0' || req.query.proofs === 'false';

/** What `GET /v1/receipts/:id` answers for an id that names no record (also a POST line's error). */
const notFound = (key: string) =>
  restError('NOT_FOUND', `no activity record ${JSON.stringify(key)}`);

export function bundleRoute(
  db: Queryable,
  config: ApiConfig,
  eras: EraEvidenceCache,
  proofs: ChainProofSource | null
) {
  return async (req: Request, res: Response): Promise<void> => {
    const key = String(req.params.id ?? '');
    if (key.length === 0 || key.length > 512) {
      res
        .status(400)
        .json(restError('BAD_USER_INPUT', 'the receipt id must be 1 to 512 characters'));
      return;
    }
    const found = (
      await db.query(
        `SELECT id FROM activity_record WHERE id = $1 OR record_id = $1
          ORDER BY (id = $1) DESC, block_height, id LIMIT 1`,
        [key]
      )
    ).rows[0];
    let bundle;
    try {
      bundle = found
        ? await buildReceiptBundle(
            db,
            String(found.id),
            bundleOptions(config, eras, proofs, isLight(req))
          )
        : null;
    } catch (e) {
      if (!(e instanceof ChainRpcError)) throw e;
      res
        .status(503)
        .json(
          restError(
            'UNAVAILABLE',
            `the chain node could not give this receipt's proofs (${e.message}); ask again, or take the light form with ?proofs=0`
          )
        );
      return;
    }
    if (!bundle) {
      res.status(404).json(notFound(key));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    if (req.query.download !== undefined)
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="receipt-${String(found!.id).replace(/[^\w.-]+/g, '_')}.json"`
      );
    res.json(bundle);
  };
}

// POST /v1/receipts ----------------------------------------------------------------------------

/** Most ids (or era records) one `POST /v1/receipts` answers. */
export const RECEIPTS_MAX_IDS = 10_000;
/**
 * The largest `POST /v1/receipts` body: 10,000 ids of 512 characters, each quoted and
 * comma-separated, with room to spare (ids that need JSON escapes take more).
 */
export const RECEIPTS_MAX_BODY_BYTES = 6 * 1024 * 1024;
/** Ids resolved and bundles built per page: one statement per step of a page, not per id. */
export const RECEIPTS_PAGE = 250;

const CLUSTER_ID = /^0x[0-9a-fA-F]{40}$/;
const MAX_ERA = 2 ** 32 - 1;

/** A valid `POST /v1/receipts` body. */
export type ReceiptsRequest =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | {
      readonly kind: 'era';
      readonly clusterId: string;
      readonly era: number;
      readonly after: string | null;
      readonly limit: number;
    };

/** Checks a parsed JSON body; a string is the reason it is refused (a 400's message). */
export function parseReceiptsRequest(body: unknown): ReceiptsRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'the body must be a JSON object: {"ids": [...]} or {"cluster": "0x…", "era": n}';
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter(
    (k) => !['ids', 'cluster', 'era', 'after', 'limit'].includes(k)
  );
  if (unknown.length > 0)
    return `unknown field ${JSON.stringify(unknown[0])}: the body takes "ids", or "cluster" and "era" (with "after" and "limit")`;
  const byIds = 'ids' in b;
  const byEra = 'cluster' in b || 'era' in b;
  if (byIds && byEra) return 'give either "ids" or "cluster" and "era", not both';
  if (byIds) {
    if ('after' in b || 'limit' in b)
      return '"after" and "limit" page an era ({"cluster", "era"}); a list of ids is answered whole';
    const ids = b.ids;
    if (!Array.isArray(ids)) return '"ids" must be an array of strings';
    if (ids.length === 0 || ids.length > RECEIPTS_MAX_IDS)
      return `"ids" must list 1 to ${RECEIPTS_MAX_IDS} ids (it lists ${ids.length})`;
    for (const [i, id] of ids.entries())
      if (typeof id !== 'string' || id.length === 0 || id.length > 512)
        return `ids[${i}] must be a string of 1 to 512 characters (a record id or an activity record id)`;
    return { kind: 'ids', ids: ids as string[] };
  }
  if (!byEra) return 'the body needs "ids", or "cluster" and "era"';
  if (typeof b.cluster !== 'string' || !CLUSTER_ID.test(b.cluster))
    return '"cluster" must be a cluster id: "0x" and 40 hex digits';
  if (typeof b.era !== 'number' || !Number.isSafeInteger(b.era) || b.era < 0 || b.era > MAX_ERA)
    return `"era" must be an integer from 0 to ${MAX_ERA}`;
  let after: string | null = null;
  if (b.after !== undefined && b.after !== null) {
    if (typeof b.after !== 'string' || b.after.length === 0 || b.after.length > 512)
      return '"after" must be the activity record id of the last line before (1 to 512 characters)';
    after = b.after;
  }
  let limit = RECEIPTS_MAX_IDS;
  if (b.limit !== undefined) {
    if (
      typeof b.limit !== 'number' ||
      !Number.isSafeInteger(b.limit) ||
      b.limit < 1 ||
      b.limit > RECEIPTS_MAX_IDS
    )
      return `"limit" must be an integer from 1 to ${RECEIPTS_MAX_IDS}`;
    limit = b.limit;
  }
  return { kind: 'era', clusterId: b.cluster.toLowerCase(), era: b.era, after, limit };
}

/**
 * The activity record each key names, as `GET /v1/receipts/:id` picks it (an activity record id
 * first, else the record's first anchored copy), for a page of keys in one statement.
 */
async function resolveKeys(db: Queryable, keys: readonly string[]): Promise<Map<string, string>> {
  const rows = (
    await db.query(
      `SELECT DISTINCT ON (x.k) x.k, x.id FROM (
          SELECT u.k, a.id, 0 AS pri, a.block_height
            FROM unnest($1::text[]) AS u(k) JOIN activity_record a ON a.id = u.k
          UNION ALL
          SELECT u.k, a.id, 1 AS pri, a.block_height
            FROM unnest($1::text[]) AS u(k) JOIN activity_record a ON a.record_id = u.k
        ) x ORDER BY x.k, x.pri, x.block_height, x.id`,
      [keys]
    )
  ).rows as Array<{ k: string; id: string }>;
  return new Map(rows.map((r) => [r.k, r.id]));
}

/** One page of the answer: the keys asked for, in order, and the line text of each. */
interface Page {
  readonly lines: string[];
  readonly errors: number;
  readonly lastId: string | null;
}

/** Writes lines with backpressure; knows when the client has gone. */
class LineStream {
  private gone = false;
  constructor(private readonly res: Response) {
    res.on('close', () => {
      if (!res.writableFinished) this.gone = true;
    });
  }

  get closed(): boolean {
    return this.gone || this.res.destroyed;
  }

  /** Writes `text`; resolves once the socket can take more (false: the client has gone). */
  async write(text: string): Promise<boolean> {
    if (this.closed) return false;
    if (!this.res.headersSent) {
      this.res.status(200);
      this.res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
      this.res.setHeader('Cache-Control', 'no-cache');
    }
    if (!this.res.write(text))
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.on('drain', done);
        this.res.on('close', done);
      });
    return !this.closed;
  }
}

/** A refusal before anything streams: 400, or 413 for a body too large, or the status given. */
function refuse(res: Response, code: ErrorCode, message: string, status?: number): void {
  res.status(status ?? (code === 'PAYLOAD_TOO_LARGE' ? 413 : 400)).json(restError(code, message));
}

/** The body of `POST /v1/receipts`: its own JSON parser (a larger limit than GraphQL's). */
function receiptsBody(): express.RequestHandler {
  const parse = express.json({
    limit: RECEIPTS_MAX_BODY_BYTES,
    type: ['application/json', 'application/*+json'],
  });

  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (err?: unknown) => {
      if (err) {
        const e = err as { type?: string; message?: string };
        if (e.type === 'entity.too.large')
          refuse(
            res,
            'PAYLOAD_TOO_LARGE',
            `the request body is larger than ${RECEIPTS_MAX_BODY_BYTES} bytes (${RECEIPTS_MAX_IDS} ids of 512 characters fit)`
          );
        else if (e.type === 'entity.parse.failed')
          refuse(res, 'BAD_USER_INPUT', 'the request body is not valid JSON');
        else refuse(res, 'BAD_USER_INPUT', e.message ?? 'the request body could not be read');
        return;
      }
      if (req.body === undefined) {
        refuse(
          res,
          'BAD_USER_INPUT',
          'POST /v1/receipts takes a JSON body (Content-Type: application/json)',
          415
        );
        return;
      }
      next();
    });
  };
}

/** The NDJSON lines of `keys`, in order; `activityIds` maps each key to the record it names. */
async function pageLines(
  db: Queryable,
  opts: ReturnType<typeof bundleOptions>,
  keys: readonly string[],
  activityIds: ReadonlyMap<string, string>
): Promise<Page> {
  const wanted = [...new Set(keys.map((k) => activityIds.get(k)).filter((x) => x !== undefined))];
  let bundles: Map<string, unknown>;
  const unavailable = new Map<string, string>();
  try {
    bundles = await buildReceiptBundles(db, wanted, opts);
  } catch (e) {
    if (!(e instanceof ChainRpcError)) throw e;
    // The node failed on some receipt's proofs: build one by one, so only those say so.
    bundles = new Map();
    for (const id of wanted) {
      try {
        const b = await buildReceiptBundle(db, id, opts);
        if (b) bundles.set(id, b);
      } catch (e2) {
        if (!(e2 instanceof ChainRpcError)) throw e2;
        unavailable.set(id, e2.message);
      }
    }
  }
  const text = new Map<string, { line: string; error: boolean }>();
  const lines: string[] = [];
  let errors = 0;
  for (const key of keys) {
    const id = activityIds.get(key);
    let made = text.get(key);
    if (made === undefined) {
      const bundle = id === undefined ? undefined : bundles.get(id);
      // The same text `res.json` sends for the GET: JSON.stringify without spaces.
      const line = bundle
        ? JSON.stringify(bundle)
        : id !== undefined && unavailable.has(id)
          ? JSON.stringify({
              id: key,
              ...restError(
                'UNAVAILABLE',
                `the chain node could not give this receipt's proofs (${unavailable.get(id)!}); ask again, or take the light form with ?proofs=0`
              ),
            })
          : JSON.stringify({ id: key, ...notFound(key) });
      made = { line, error: !bundle };
      text.set(key, made);
    }
    if (made.error) errors++;
    lines.push(made.line);
  }
  return { lines, errors, lastId: keys.at(-1) ?? null };
}

/**
 * `POST /v1/receipts`: the bundles of up to 10,000 ids, or of an era's records, as NDJSON (docs/
 * api.md §REST). The handlers: the body's own JSON parser (a larger limit than GraphQL's), then
 * the stream. The whole request is one request to the rate limiter.
 */
export function receiptsPostRoute(
  db: Queryable,
  config: ApiConfig,
  eras: EraEvidenceCache,
  proofs: ChainProofSource | null,
  log: (message: string) => void
): express.RequestHandler[] {
  const body = receiptsBody();

  const stream = async (req: Request, res: Response): Promise<void> => {
    const asked = parseReceiptsRequest(req.body);
    if (typeof asked === 'string') {
      refuse(res, 'BAD_USER_INPUT', asked);
      return;
    }
    const opts = bundleOptions(config, eras, proofs, isLight(req));
    const out = new LineStream(res);

    const linesOf = (keys: readonly string[], activityIds: ReadonlyMap<string, string>) =>
      pageLines(db, opts, keys, activityIds);

    let count = 0;
    let errors = 0;
    let next: string | null = null;
    try {
      if (asked.kind === 'ids') {
        // Each page of ids resolved with one statement, then built.
        const list: Array<() => Promise<Page>> = [];
        for (let i = 0; i < asked.ids.length; i += RECEIPTS_PAGE) {
          const keys = asked.ids.slice(i, i + RECEIPTS_PAGE);
          list.push(async () => linesOf(keys, await resolveKeys(db, [...new Set(keys)])));
        }
        // The next page is built while this one is written (the database works while the
        // socket drains); a failure is caught when its turn comes.
        let pending = list[0]!();
        for (let i = 0; i < list.length; i++) {
          const page = await pending;
          if (i + 1 < list.length && !out.closed) {
            pending = list[i + 1]!();
            pending.catch(() => {});
          }
          for (const line of page.lines) if (!(await out.write(line + '\n'))) return;
          count += page.lines.length;
          errors += page.errors;
        }
      } else {
        // An era's records by activity record id in byte order (COLLATE "C": the same on every
        // server), read a page at a time after the cursor; one more row says whether more follow.
        let after = asked.after;
        let left = asked.limit;
        const read = (cursor: string | null, n: number) =>
          db
            .query(
              `SELECT id FROM activity_record
                WHERE cluster_id = $1 AND era = $2 AND ($3::text IS NULL OR id COLLATE "C" > $3)
                ORDER BY id COLLATE "C" LIMIT $4`,
              [asked.clusterId, asked.era, cursor, n + 1]
            )
            .then((r) => (r.rows as Array<{ id: string }>).map((x) => x.id));
        for (;;) {
          const n = Math.min(RECEIPTS_PAGE, left);
          const ids = await read(after, n);
          const keys = ids.slice(0, n);
          if (out.closed) return;
          const page = await linesOf(keys, new Map(keys.map((k) => [k, k])));
          for (const line of page.lines) if (!(await out.write(line + '\n'))) return;
          count += page.lines.length;
          errors += page.errors;
          left -= keys.length;
          if (ids.length <= n) break; // the era has no more records
          after = page.lastId;
          if (left === 0) {
            next = after; // more records follow: ask again with "after"
            break;
          }
        }
      }
      const done = { done: true, count, errors, ...(asked.kind === 'era' ? { next } : {}) };
      if (await out.write(JSON.stringify(done) + '\n')) res.end();
    } catch (e) {
      if (out.closed) return;
      const text = e instanceof Error ? e.message : String(e);
      const timeout = isTimeout(text);
      if (!timeout)
        log(`POST /v1/receipts failed: ${e instanceof Error ? (e.stack ?? text) : text}`);
      const code: ErrorCode = timeout ? 'TIMEOUT' : 'INTERNAL';
      const message = timeout
        ? 'a statement took longer than the database allows; ask again for the rest'
        : 'internal error';
      if (!res.headersSent) {
        res.status(timeout ? 503 : 500).json(restError(code, message));
        return;
      }
      // A failed stream ends with a line that says so, never with the completion line.
      if (
        await out.write(JSON.stringify({ done: false, count, ...restError(code, message) }) + '\n')
      )
        res.end();
    }
  };
  return [body, stream];
}

/** Largest `sentinel_check.id` (a PostgreSQL bigint). */
const MAX_BIGINT = 9223372036854775807n;

/**
 * The fields of an evidence document in the order docs/spec.md gives them, per object (jsonb keeps
 * keys in an order of its own). The signature is over the JCS form, so the order changes nothing
 * a verifier sees; fields not listed keep their place after the listed ones.
 */
const EVIDENCE_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': EVIDENCE_FIELDS,
  claim: ['kind', 'code'],
  subject: ['round', 'clusterId', 'era', 'batchId', 'batchIndex', 'activityId', 'leafIndex'],
  request: ['method', 'url', 'node', 'startedAt', 'endedAt', 'timeoutMs'],
  response: ['status', 'error', 'bytes', 'hash', 'body', 'latencyMs'],
  expected: ['payloadHash', 'root', 'leafCount', 'recordFormat'],
  anchor: ['blockHeight', 'blockHash', 'remarkId', 'remarkHash', 'envelope'],
  proof: ['leafIndex', 'leaf', 'items', 'from'],
  peers: ['node', 'status', 'error', 'hash'],
  signature: ['algorithm', 'signer', 'value'],
};

function inSpecOrder(value: unknown, field = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => inSpecOrder(v, field));
  if (typeof value !== 'object' || value === null) return value;
  const order = EVIDENCE_ORDER[field];
  if (!order) return value;
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in o) out[k] = field === '' ? inSpecOrder(o[k], k) : o[k];
  for (const k of Object.keys(o)) if (!(k in out)) out[k] = o[k];
  return out;
}

/**
 * `GET /v1/sentinel/evidence/:id`: the `evidence` of one sentinel check, as a JSON file to save
 * and check with `proofroom verify`. Checks that passed have none (404).
 */
export function evidenceRoute(db: Queryable) {
  return async (req: Request, res: Response): Promise<void> => {
    const raw = String(req.params.id ?? '');
    if (!/^\d{1,19}$/.test(raw) || BigInt(raw) > MAX_BIGINT) {
      res
        .status(400)
        .json(
          restError(
            'BAD_USER_INPUT',
            'the evidence id is a sentinel check id: decimal digits, at most 9223372036854775807'
          )
        );
      return;
    }
    const id = BigInt(raw).toString();
    const row = (await db.query(`SELECT ok, evidence FROM sentinel_check WHERE id = $1`, [id]))
      .rows[0];
    if (!row) {
      res.status(404).json(restError('NOT_FOUND', `no sentinel check ${id}`));
      return;
    }
    if (row.evidence === null || row.evidence === undefined) {
      res
        .status(404)
        .json(
          restError(
            'NOT_FOUND',
            row.ok
              ? `sentinel check ${id} passed: only failed checks have evidence`
              : `sentinel check ${id} has no evidence document`,
            { ok: row.ok }
          )
        );
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Disposition', `attachment; filename="evidence-${id}.json"`);
    res.type('application/json').send(JSON.stringify(inSpecOrder(row.evidence), null, 2) + '\n');
  };
}
