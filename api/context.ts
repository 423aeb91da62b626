/**
 * What every resolver receives: the database, the limits, per-request loaders that batch
 * relation lookups (one query per relation and request level, not one per row).
 * @module
 */
import type { EraEvidenceCache } from './era-cache.ts';
import type { Model } from './model.ts';

/** A pg.Pool or pg.Client. */
export interface Queryable {
  query(
    text: string,
    values?: unknown[]
  ): Promise<{ rows: Array<Record<string, unknown>>; rowCount?: number | null }>;
}

export interface Limits {
  /** Default `limit` / `first` when a query gives none. */
  readonly defaultPageSize: number;
  /** Largest `limit` / `first` accepted. */
  readonly maxPageSize: number;
  readonly maxOffset: number;
}

export interface ApiContext {
  readonly db: Queryable;
  readonly model: Model;
  readonly limits: Limits;
  /** Per-request memo of batching loaders, keyed by relation and arguments. */
  readonly loaders: Map<string, unknown>;
  /** Base URL of the REST bundle route, for Receipt.bundleUrl. */
  readonly baseUrl: string;
  readonly payoutBatchSize: number | null;
  /** Paid eras' evidence, shared by every request of the process. */
  readonly eras: EraEvidenceCache;
  /**
   * The root fields of this request still being read, other than the status (`_meta`,
   * `squidStatus`): the status is read after them, so that nothing an answer lists is above the
   * height the same answer reports (api/schema.ts).
   */
  readonly rootReads: Set<Promise<unknown>>;
}
