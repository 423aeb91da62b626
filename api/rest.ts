/**
 * `GET /v1/receipts/:id`: the portable receipt bundle (docs/spec.md §Receipt bundle) that
 * `proofroom verify` checks offline. `:id` is a record id or an activity_record id
 * (`<batch id>:<leaf index>`); a record anchored twice gives its first anchored copy.
 * @module
 */
import type { Request, Response } from 'express';
import { buildReceiptBundle } from './bundle.ts';
import type { ApiConfig } from './config.ts';
import type { Queryable } from './context.ts';
import type { EraEvidenceCache } from './era-cache.ts';
import { restError } from './errors.ts';

export function bundleRoute(db: Queryable, config: ApiConfig, eras: EraEvidenceCache) {
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
    const bundle = found
      ? await buildReceiptBundle(db, String(found.id), {
          payoutBatchSize: config.payoutBatchSize,
          storageUrls: config.storageUrls,
          readEra: (q, clusterId, era) => eras.read(q, clusterId, era),
        })
      : null;
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
