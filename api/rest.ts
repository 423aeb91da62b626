/**
 * The REST routes that answer files for `proofroom verify`:
 *
 * - `GET /v1/receipts/:id`: the portable receipt bundle (docs/spec.md §Receipt bundle). `:id` is a
 *   record id or an activity_record id (`<batch id>:<leaf index>`); a record anchored twice gives
 *   its first anchored copy.
 * - `GET /v1/sentinel/evidence/:id`: the signed evidence document of a failed sentinel check
 *   (docs/spec.md §Sentinel evidence), by `sentinel_check.id`.
 * @module
 */
import type { Request, Response } from 'express';
import { buildReceiptBundle } from './bundle.ts';
import { type ChainProofSource, ChainRpcError } from '../verifier/proof-source.ts';
import type { ApiConfig } from './config.ts';
import type { Queryable } from './context.ts';
import type { EraEvidenceCache } from './era-cache.ts';
import { restError } from './errors.ts';
import { EVIDENCE_FIELDS } from '../verifier/evidence.ts';

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
    const light = req.query.proofs === '0' || req.query.proofs === 'false';
    let bundle;
    try {
      bundle = found
        ? await buildReceiptBundle(db, String(found.id), {
            payoutBatchSize: config.payoutBatchSize,
            roots: config.roots,
            storageUrls: config.storageUrls,
            readEra: (q, clusterId, era) => eras.read(q, clusterId, era),
            ...(proofs && !light ? { proofs } : {}),
          })
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
      res.status(404).json(restError('NOT_FOUND', `no activity record ${JSON.stringify(key)}`));
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
