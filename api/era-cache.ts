/**
 * The stored evidence of paid eras, kept in memory for the requests that need a whole era (receipt
 * bundles, vote matrices, reconciliation). Reading an era sums the costs of all its records per
 * customer and per provider, which for a large era costs tens of milliseconds of database time per
 * request; the cache makes that once per era and version. The version is the era's `era_payout`
 * row, which the indexer rewrites whenever it recomputes the era (new data, a reorg), together with
 * its `ClusterEraPaid` event, so a stale entry is never served. Eras not paid yet are not cached.
 * @module
 */
import {
  type EraEvidenceRows,
  type PaidRow,
  type Queryable,
  readEraEvidence,
  readEraPaid,
} from '../db/era-evidence.ts';

export interface EraRead {
  readonly paid: PaidRow | null;
  readonly evidence: EraEvidenceRows;
}

export class EraEvidenceCache {
  private readonly entries = new Map<string, Promise<EraRead>>();

  /** `max`: eras kept (least recently used go first); 0 turns the cache off. */
  constructor(private readonly max = 128) {}

  async read(db: Queryable, clusterId: string, era: number): Promise<EraRead> {
    const version = (
      await db.query(`SELECT block_height, paid_event_id FROM era_payout WHERE id = $1`, [
        `${clusterId}-${era}`,
      ])
    ).rows[0] as { block_height: number; paid_event_id: string | null } | undefined;
    const load = async (): Promise<EraRead> => {
      const paid = await readEraPaid(db, clusterId, era);
      return {
        paid,
        evidence: await readEraEvidence(db, clusterId, era, paid?.block_height ?? null),
      };
    };
    if (!version || this.max === 0) return load();
    const key = `${clusterId}-${era}@${version.block_height}/${version.paid_event_id ?? ''}`;
    let hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // most recently used goes last
    } else {
      hit = load();
      // A failed read is not remembered.
      hit.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, hit);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return hit;
  }
}
