/**
 * Helpers of the end-to-end indexer tests (test/indexer.test.ts, test/indexer-catchup.test.ts):
 * a database per test, the real indexer as a supervised child process, a wait for the head, a
 * dump of every table and the receipts compared with the devnet's manifest. What a helper opens
 * is closed after the test when the file runs the cleanups after each test:
 *
 *     afterEach(runCleanups);
 *     const dn = await startDevnet({ … });
 *     defer(() => dn.close());
 *     const db = await database(leg);
 *     const run = supervise(dn, db.url);
 */
import pg from 'pg';
import type { Devnet } from '../../devnet/devnet.ts';
import { loadReceipts } from '../../api/receipt.ts';
import { ManifestIndex } from '../../devnet/manifest.ts';
import { Supervisor } from '../../indexer/supervisor.ts';
import { type Leg, type TestDatabase, createTestDatabase } from './databases.ts';

const cleanups: Array<() => Promise<unknown>> = [];

/** Runs `fn` at the next `runCleanups()` (after the test), in reverse order of registration. */
export function defer(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
}

/** Runs the deferred cleanups, newest first; their errors are ignored. Use as `afterEach`. */
export async function runCleanups(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
}

/** An empty database of this test's own on `leg`, dropped after the test. */
export async function database(leg: Leg): Promise<TestDatabase> {
  const db = await createTestDatabase(leg);
  defer(() => db.drop());
  return db;
}

/**
 * The real indexer on the devnet into `url`, supervised (restarted 100 ms after it dies), stopped
 * after the test. `storage` replaces the devnet's storage nodes.
 */
export function supervise(
  dn: Devnet,
  url: string,
  extra: NodeJS.ProcessEnv = {},
  storage?: readonly string[]
): { sup: Supervisor; stderr: () => string } {
  let stderr = '';
  const sup = new Supervisor({
    env: {
      ...process.env,
      PROOFROOM_RPC_URL: dn.rpcUrl,
      DATABASE_URL: url,
      PROOFROOM_GAR_URL: dn.garUrl,
      PROOFROOM_STORAGE_URLS: (storage ?? dn.storageUrls).join(','),
      PROOFROOM_HEAD_POLL_MS: '100',
      PROOFROOM_THREADS: '2',
      ...extra,
    },
    stdio: 'pipe',
    minBackoffMs: 100,
    onStart: (child) => child.stderr?.on('data', (d: Buffer) => (stderr += d.toString())),
  });
  sup.start();
  defer(() => sup.stop(2000));
  return { sup, stderr: () => stderr };
}

/** A connected client, closed after the test. */
export async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  defer(() => c.end());
  return c;
}

/** Waits until the indexer's status is at `hash` (the devnet's best head). */
export async function waitForHead(
  url: string,
  hash: () => string,
  timeoutMs = 60_000
): Promise<void> {
  const t0 = Date.now();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (;;) {
      const r = await c
        .query(`SELECT hash FROM indexer_status WHERE id = 'main'`)
        .catch(() => ({ rows: [] as Array<{ hash: string }> }));
      if (r.rows[0]?.hash === hash()) return;
      if (Date.now() - t0 > timeoutMs) throw new Error(`indexer did not reach ${hash()}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally {
    await c.end();
  }
}

/**
 * Every receipt as the API assembles it from the stored subjects, compared with the manifest. The
 * receipts are read as the API reads a list of them (`loadReceipts`), a thousand at a time.
 */
export async function manifestProblems(
  c: pg.Client,
  dn: Devnet
): Promise<{ records: number; problems: string[] }> {
  const recs = (
    await c.query<{ id: string; record_id: string }>(
      `SELECT id, record_id FROM activity_record ORDER BY id`
    )
  ).rows;
  const index = new ManifestIndex(dn.manifest);
  const problems: string[] = [];
  for (let i = 0; i < recs.length; i += 1000) {
    const chunk = recs.slice(i, i + 1000);
    const receipts = await loadReceipts(
      c,
      chunk.map((r) => ({ id: r.id }))
    );
    chunk.forEach((r, k) => {
      const receipt = receipts[k];
      if (!receipt) problems.push(`${r.record_id}: no receipt`);
      else problems.push(...index.diff(r.record_id, receipt.lines));
    });
  }
  return { records: recs.length, problems };
}

/**
 * Where `check_count` and `activity_count` (kept by triggers) disagree with the lines and records
 * themselves, counted afresh. For `check_count`: each
 * group (block, cluster, kind, step, check, code, outcome) held on one side only or with another
 * count, as text. A line's cluster is found here as `checkStats(clusterId:)` found it before the
 * counts: a record's own `cluster_id`, a batch's, an era id's prefix; the triggers go through the
 * batch named by the record id instead, so the two routes check each other.
 */
export async function countProblems(c: pg.Client): Promise<string[]> {
  const live = `SELECT l.block_height, CASE
        WHEN l.subject_kind IN ('era', 'settlement') THEN split_part(l.subject_id, '-', 1)
        WHEN l.subject_kind IN ('record', 'links') THEN coalesce(a.cluster_id, '')
        WHEN l.subject_kind IN ('batch', 'anchor') THEN coalesce(d.cluster_id, '')
        ELSE '' END AS cluster_id, l.subject_kind, l.step, l.check_name, l.code, l.ok, l.pending,
        l.skipped, count(*)::int AS lines
      FROM verification_line l
      LEFT JOIN activity_record a ON l.subject_kind IN ('record', 'links') AND a.id = l.subject_id
      LEFT JOIN dac_batch d ON l.subject_kind IN ('batch', 'anchor') AND d.id = l.subject_id
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`;
  const kept = `SELECT block_height, cluster_id, subject_kind, step, check_name, code, ok, pending,
        skipped, lines FROM check_count`;
  // activity_count against the records, the same way.
  const records = `SELECT block_height, cluster_id, era, ok, failed > 0 AS failing,
        failed = 0 AND pending > 0 AS waiting, count(*)::int AS records,
        coalesce(sum(cost), 0) AS cost, min(timestamp) AS first_timestamp,
        max(timestamp) AS last_timestamp
      FROM activity_record GROUP BY 1, 2, 3, 4, 5, 6`;
  const counts = `SELECT block_height, cluster_id, era, ok, failing, waiting, records, cost,
        first_timestamp, last_timestamp FROM activity_count`;
  return [
    ...(await differences(c, ['lines', live], ['check_count', kept])),
    ...(await differences(c, ['records', records], ['activity_count', counts])),
  ].sort();
}

/**
 * Where a subject's stored summary disagrees with its stored lines: a subject without lines or
 * lines without their subject, lines not numbered 0..n-1, counts (passed, failed, pending,
 * skipped) other than its lines' statuses, or a line stored at another block height than its
 * subject. The API shows both the summary and the lines, and a rollback removes each by its own
 * height, so they must agree.
 */
export async function subjectProblems(c: pg.Client): Promise<string[]> {
  const r = await c.query(
    `WITH l AS (
       SELECT subject_kind, subject_id, count(*)::int AS lines,
              count(DISTINCT seq)::int AS seqs, min(seq) AS first_seq, max(seq) AS last_seq,
              count(*) FILTER (WHERE ok)::int AS passed,
              count(*) FILTER (WHERE NOT ok AND NOT pending AND NOT skipped)::int AS failed,
              count(*) FILTER (WHERE NOT ok AND pending)::int AS pending,
              count(*) FILTER (WHERE NOT ok AND NOT pending AND skipped)::int AS skipped,
              min(block_height) AS lowest, max(block_height) AS highest
         FROM verification_line GROUP BY 1, 2)
     SELECT s.kind, s.id, s.passed, s.failed, s.pending, s.skipped, s.block_height,
            l.subject_kind, l.subject_id, l.lines, l.seqs, l.first_seq, l.last_seq,
            l.passed AS lines_passed, l.failed AS lines_failed, l.pending AS lines_pending,
            l.skipped AS lines_skipped, l.lowest, l.highest
       FROM verification_subject s
       FULL JOIN l ON l.subject_kind = s.kind AND l.subject_id = s.id
      WHERE s.kind IS NULL OR l.subject_kind IS NULL
         OR l.seqs <> l.lines OR l.first_seq <> 0 OR l.last_seq <> l.lines - 1
         OR (s.passed, s.failed, s.pending, s.skipped)
            IS DISTINCT FROM (l.passed, l.failed, l.pending, l.skipped)
         OR l.lowest <> s.block_height OR l.highest <> s.block_height
      ORDER BY 1, 2, 8, 9`
  );
  return r.rows.map((row) => JSON.stringify(row));
}

/** The rows of one query missing from the other, both ways, each named by its side, as text. */
async function differences(
  c: pg.Client,
  [nameA, a]: readonly [string, string],
  [nameB, b]: readonly [string, string]
): Promise<string[]> {
  const r = await c.query(
    `(SELECT $1::text AS side, * FROM (${a} EXCEPT ${b}) x)
     UNION ALL (SELECT $2::text AS side, * FROM (${b} EXCEPT ${a}) y)`,
    [nameA, nameB]
  );
  return r.rows.map((row) => JSON.stringify(row));
}

/** Every table's rows in key order, without the columns that record wall-clock time. */
export async function dump(c: pg.Client): Promise<Record<string, unknown[]>> {
  const tables = (
    await c.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
        AND table_name NOT IN ('migrations', 'typeorm_metadata') ORDER BY table_name`
    )
  ).rows.map((r) => r.table_name as string);
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = (await c.query(`SELECT * FROM "${t}"`)).rows.map((r) => {
      for (const k of ['verified_at', 'fetched_at', 'updated_at', 'checked_at']) delete r[k];
      return JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
    });
    out[t] = rows.sort();
  }
  return out;
}
