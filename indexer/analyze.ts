/**
 * Planner statistics where nothing else keeps them. PGlite runs PostgreSQL as a single process
 * with no autovacuum launcher, so its tables are never analyzed: measured here, a PGlite table
 * filled with 200,000 rows still had `reltuples` -1 and no `last_autoanalyze` 75 s later (past
 * autovacuum's 60 s nap), with `autovacuum` reported `on`. Every statement of the embedded
 * default was then planned from default estimates; one of them picked a sort-and-merge over every
 * `links` line (186,000 rows, 280 ms) where an index lookup per subject took 20 ms.
 *
 * The same holds for a PostgreSQL server with `autovacuum` off (this machine's is).
 *
 * The indexer is the only writer, so it does what autovacuum's analyze would: after a write, a
 * table that grew by `BASE_PAGES` plus `SCALE` times the pages it had when last analyzed
 * (`pg_class.relpages`, which ANALYZE sets) is analyzed. Sizes are read from the files, because
 * PGlite's activity counters (`n_mod_since_analyze`) lag: 5,000 inserted rows still showed 0.
 * Autovacuum's scale factor is 0.1 of the rows; this one is 1 (analyze when a table doubled),
 * since plans need the order of magnitude of a table, and on the embedded database every ANALYZE
 * holds the API's requests while it runs. Where an autovacuum launcher runs, this does nothing.
 * @module
 */
import type { ClientBase } from 'pg';

/** Pages (8 KiB) a table grows by before it is analyzed, besides `SCALE` times its size then. */
const BASE_PAGES = 16;
/** Growth, as a fraction of the pages at the last analyze, that calls for another. */
const SCALE = 1;
/** The statistics target of these analyzes (PostgreSQL's default is 100). */
const STATISTICS_TARGET = 10;
/** Shortest time between two looks at the statistics. */
const EVERY_MS = 5000;

export class Analyzer {
  /** null until asked: whether the database runs no autovacuum launcher of its own. */
  private needed: boolean | null = null;
  private lastLook = -Infinity;

  /**
   * Analyzes the tables that grew past the threshold, at most once per `EVERY_MS`. Returns the
   * tables analyzed (none where the database analyzes by itself). Runs outside any transaction.
   */
  async afterWrite(c: ClientBase, now = performance.now()): Promise<string[]> {
    if (this.needed === false || now - this.lastLook < EVERY_MS) return [];
    this.lastLook = now;
    if (this.needed === null) {
      const r = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher'`
      );
      this.needed = r.rows[0]?.n === 0;
      if (!this.needed) return [];
    }
    const due = (
      await c.query<{ name: string }>(
        `SELECT format('%I.%I', n.nspname, c.relname) AS name
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'r' AND n.nspname = current_schema()
            AND pg_relation_size(c.oid) / current_setting('block_size')::int
                >= $1 + (1 + $2) * greatest(c.relpages, 0)
          ORDER BY c.relname`,
        [BASE_PAGES, SCALE]
      )
    ).rows.map((r) => r.name);
    if (due.length === 0) return due;
    // A sample of 3,000 rows per table (statistics target 10, against the default 100's 30,000):
    // 22-25 ms instead of 123-194 ms for a PGlite table of 450,000 lines, measured alone; during
    // a catch-up with 50 API clients, 252-312 ms for three tables. A plan needs the order of
    // magnitude and the common values, not a fine histogram.
    await c.query('BEGIN');
    try {
      await c.query(`SET LOCAL default_statistics_target = ${STATISTICS_TARGET}`);
      for (const name of due) await c.query(`ANALYZE ${name}`);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
    return due;
  }
}
