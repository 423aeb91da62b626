/**
 * The `links` subject of activity records (consent and registrations), computed inside the
 * indexer's write transaction from the same reader the API's bundles use
 * (`readLinksInputs`, db/receipt-inputs.ts) and stored with the record's row: its summary counts
 * the record's own subjects (record and links), and `links_height`, `gar_cursor` and
 * `gar_complete` say what the lines were computed from, so a bundle carries exactly that.
 *
 * Links are computed for every new record, and again for the records whose inputs changed since:
 * the pair's grant versions (a sync), GAR anchors naming the pair (new, or newly final), a GAR
 * read that completes after failing, and a rollback below the height they were computed at.
 * @module
 */
import type { PoolClient } from 'pg';
import { type GarState, type LinksTarget, readLinksInputs } from '../db/receipt-inputs.ts';
import { parseHex } from '../verifier/bytes.ts';
import { scpJsonKind } from '../verifier/kinds.ts';
import type { RecordParties } from '../verifier/kinds.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { verifyLinksSubject } from '../verifier/receipt.ts';
import type { GrantMemo } from '../verifier/receipts/gar.ts';
import type { LineRow, RecordRow } from './batch-pool.ts';
import { lineRows } from './batch-worker.ts';
import { countRows, deleteSubjects, subjectRows } from './subjects.ts';
import type { WritePhase } from './metrics.ts';
import { insertRows, updateRows } from './sql.ts';
import type {
  ActivityRecordInsert,
  VerificationLineInsert,
  VerificationSubjectInsert,
} from '../db/rows.ts';
import { TABLES } from '../db/rows.ts';

/** A new record waiting for its links, with what its batch says. */
export interface NewRecord {
  readonly row: RecordRow;
  readonly batchId: string;
  readonly clusterId: string;
  readonly era: number;
  readonly height: number;
  readonly parties: RecordParties | null;
}

/** What the GAR read looked like when the links are computed. */
export interface GarSnapshot extends GarState {
  readonly cursor: number;
  readonly complete: boolean;
}

interface Computed {
  readonly lines: LineRow[];
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
}

async function compute(
  c: PoolClient,
  items: ReadonlyArray<{ id: string; target: LinksTarget; parties: RecordParties | null }>,
  gar: GarSnapshot,
  memo: GrantMemo,
  phase?: (name: WritePhase) => void
): Promise<Map<string, Computed>> {
  const inputs = await readLinksInputs(
    c,
    items.map((x) => x.target),
    gar
  );
  phase?.('links-read');
  const out = new Map<string, Computed>();
  for (const x of items) {
    const lines = lineRows(
      verifyLinksSubject(
        scpJsonKind,
        x.parties,
        parseHex(x.target.clusterId, 20),
        inputs.get(x.id)!,
        nodeBackend,
        memo
      )
    );
    out.set(x.id, { lines, ...countRows(lines) });
  }
  phase?.('links-verify');
  return out;
}

const targetOf = (
  id: string,
  r: { user: string | null; agent: string | null; node: string | null },
  clusterId: string,
  gar: GarSnapshot,
  height: number
): LinksTarget => ({
  id,
  user: r.user,
  agent: r.agent,
  node: r.node,
  clusterId,
  garCursor: gar.cursor,
  garComplete: gar.complete,
  height,
});

/**
 * Computes the links of new records and returns their `activity_record` rows (with the counts
 * of the record and links subjects together) and their links subject rows.
 */
export async function linkNewRecords(
  c: PoolClient,
  records: readonly NewRecord[],
  gar: GarSnapshot,
  head: number,
  memo: GrantMemo,
  phase?: (name: WritePhase) => void
): Promise<{
  records: ActivityRecordInsert[];
  subjects: VerificationSubjectInsert[];
  lines: VerificationLineInsert[];
}> {
  const computed = await compute(
    c,
    records.map((r) => ({
      id: r.row.id,
      target: targetOf(r.row.id, r.row, r.clusterId, gar, head),
      parties: r.parties,
    })),
    gar,
    memo,
    phase
  );
  const out = {
    records: [] as ActivityRecordInsert[],
    subjects: [] as VerificationSubjectInsert[],
    lines: [] as VerificationLineInsert[],
  };
  for (const r of records) {
    const rec = r.row;
    const own = countRows(rec.lines);
    const links = computed.get(rec.id)!;
    const failed = own.failed + links.failed;
    const pending = own.pending + links.pending;
    out.records.push({
      id: rec.id,
      record_id: rec.recordId,
      batch_id: r.batchId,
      leaf_index: rec.leafIndex,
      cluster_id: r.clusterId,
      era: r.era,
      user_id: rec.user,
      agent_id: rec.agent,
      customer_id: rec.customer,
      provider_id: rec.provider,
      node_id: rec.node,
      timestamp: rec.timestamp === null ? null : new Date(rec.timestamp),
      cost: rec.cost,
      usage: rec.usage,
      raw: Buffer.from(rec.raw.buffer, rec.raw.byteOffset, rec.raw.byteLength),
      ok: failed === 0 && pending === 0,
      failed,
      block_height: r.height,
      proof: Buffer.from(rec.proof.buffer, rec.proof.byteOffset, rec.proof.byteLength),
      pending,
      links_height: head,
      gar_cursor: String(gar.cursor),
      gar_complete: gar.complete,
    });
    const s = subjectRows('links', rec.id, links.lines, r.height);
    out.subjects.push(s.subject);
    out.lines.push(...s.lines);
  }
  return out;
}

/** Which stored records need their links again. */
export interface Relink {
  /** `user_id/agent_id` pairs whose grant versions or anchors changed: every record of them. */
  readonly pairs: ReadonlySet<string>;
  /** Pairs a served version of which was newly anchored: their records that wait. */
  readonly waitingPairs: ReadonlySet<string>;
  /** Records with waiting lines (the GAR read completed, or its key became known). */
  readonly waiting: boolean;
  /** Records whose links were computed above this height (a rollback), or null. */
  readonly above: number | null;
}

const RELINK_CHUNK = 5000;

/** Recomputes the links of stored records whose inputs changed; returns how many. */
export async function relink(
  c: PoolClient,
  why: Relink,
  gar: GarSnapshot,
  head: number,
  memo: GrantMemo
): Promise<number> {
  if (why.pairs.size === 0 && why.waitingPairs.size === 0 && !why.waiting && why.above === null)
    return 0;
  const split = (pairs: ReadonlySet<string>): [string[], string[]] => {
    const users: string[] = [];
    const agents: string[] = [];
    for (const p of pairs) {
      const [u, a] = p.split('/');
      users.push(u!);
      agents.push(a!);
    }
    return [users, agents];
  };
  // Each reason finds its records through an index of its own (the pair, the pending records,
  // the links height), and only the reasons at hand are asked: one condition ORed over all of
  // them read every stored record (a sequential scan, 96 ms at 30,000 records and growing with
  // the table) for each relink, even of one record.
  const params: unknown[] = [];
  const param = (v: unknown, type: string): string => `$${params.push(v)}::${type}`;
  const pairsSql = (pairs: ReadonlySet<string>, pendingOnly: boolean): string => {
    const [users, agents] = split(pairs);
    return `SELECT a.id FROM unnest(${param(users, 'text[]')}, ${param(agents, 'text[]')}) AS p(u, g)
      JOIN activity_record a ON a.user_id = p.u AND a.agent_id = p.g${pendingOnly ? ' WHERE a.pending > 0' : ''}`;
  };
  const found: string[] = [];
  if (why.pairs.size > 0) found.push(pairsSql(why.pairs, false));
  if (why.waitingPairs.size > 0) found.push(pairsSql(why.waitingPairs, true));
  if (why.waiting) found.push(`SELECT a.id FROM activity_record a WHERE a.pending > 0`);
  if (why.above !== null)
    found.push(
      `SELECT a.id FROM activity_record a WHERE a.links_height > ${param(why.above, 'int4')}`
    );
  const rows = (
    await c.query(
      `WITH found AS (${found.join(' UNION ')})
       SELECT a.id, a.user_id, a.agent_id, a.node_id, a.raw, a.block_height, d.cluster_id,
              s.passed, s.failed, s.pending
         FROM found f
         JOIN activity_record a ON a.id = f.id
         JOIN dac_batch d ON d.id = a.batch_id
         LEFT JOIN verification_subject s ON s.kind = 'record' AND s.id = a.id
        ORDER BY a.id`,
      params
    )
  ).rows as Array<{
    id: string;
    user_id: string | null;
    agent_id: string | null;
    node_id: string | null;
    raw: Buffer;
    block_height: number;
    cluster_id: string;
    passed: number | null;
    failed: number | null;
    pending: number | null;
  }>;
  for (let from = 0; from < rows.length; from += RELINK_CHUNK) {
    const chunk = rows.slice(from, from + RELINK_CHUNK);
    const computed = await compute(
      c,
      chunk.map((r) => ({
        id: r.id,
        target: targetOf(
          r.id,
          { user: r.user_id, agent: r.agent_id, node: r.node_id },
          r.cluster_id,
          gar,
          head
        ),
        parties: scpJsonKind.parties(
          new Uint8Array(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength)
        ),
      })),
      gar,
      memo
    );
    const upd = {
      id: [] as string[],
      ok: [] as boolean[],
      failed: [] as number[],
      pending: [] as number[],
    };
    const fresh = new Map<
      string,
      { subject: VerificationSubjectInsert; lines: VerificationLineInsert[] }
    >();
    for (const r of chunk) {
      const links = computed.get(r.id)!;
      fresh.set(r.id, subjectRows('links', r.id, links.lines, r.block_height));
      const failed = (r.failed ?? 0) + links.failed;
      const pending = (r.pending ?? 0) + links.pending;
      upd.id.push(r.id);
      upd.ok.push(failed === 0 && pending === 0);
      upd.failed.push(failed);
      upd.pending.push(pending);
    }
    await rewriteLinks(c, fresh);
    await c.query(
      `UPDATE activity_record a SET ok = u.ok, failed = u.failed, pending = u.pending,
              links_height = $5, gar_cursor = $6, gar_complete = $7
         FROM unnest($1::text[], $2::bool[], $3::int4[], $4::int4[]) AS u(id, ok, failed, pending)
        WHERE a.id = u.id`,
      [upd.id, upd.ok, upd.failed, upd.pending, head, String(gar.cursor), gar.complete]
    );
  }
  return rows.length;
}

/**
 * A line's columns other than its key, from the row contract: what `rewriteLinks` compares. `json`
 * columns are read back as text, the form they were written in (a `json` column keeps its input
 * text), so they compare exactly.
 */
const LINE_SPEC = TABLES.verification_line;
const LINE_FIELDS = LINE_SPEC.columns
  .map(([c]) => c)
  .filter((c) => !LINE_SPEC.key.includes(c)) as Array<keyof VerificationLineInsert>;
const STORED_LINE_COLUMNS = LINE_SPEC.columns
  .map(([c, t]) => (t === 'json' ? `l."${c}"::text AS "${c}"` : `l."${c}"`))
  .join(', ');

/**
 * Stores recomputed links subjects, writing only what changed. Most relinks change one line of a
 * record or none (an anchor turns `grant.anchored` from waiting to pass), and deleting and
 * inserting all six lines of every relinked record was most of a relink's database time.
 * - A subject whose stored lines are not the same seqs as its recomputed ones (or that has none)
 *   is replaced: its rows deleted and inserted.
 * - Every other subject row is updated in place (`updateRows`: as a fresh insert would have it,
 *   `verified_at` included).
 * - Of its lines, those whose columns differ from the recomputed row are updated in place; an
 *   equal one is not written.
 */
async function rewriteLinks(
  c: PoolClient,
  fresh: ReadonlyMap<
    string,
    { subject: VerificationSubjectInsert; lines: VerificationLineInsert[] }
  >
): Promise<void> {
  const stored = new Map<string, VerificationLineInsert[]>();
  // One index lookup per subject (the subquery is kept apart so that the planner cannot turn it
  // into a scan of every links line: on PGlite the tables are never analyzed).
  for (const l of (
    await c.query(
      `SELECT ${STORED_LINE_COLUMNS}
         FROM unnest($1::text[]) AS u(id)
        CROSS JOIN LATERAL (SELECT * FROM verification_line v
                             WHERE v.subject_kind = 'links' AND v.subject_id = u.id OFFSET 0) l`,
      [[...fresh.keys()]]
    )
  ).rows as VerificationLineInsert[]) {
    const list = stored.get(l.subject_id);
    if (list) list.push(l);
    else stored.set(l.subject_id, [l]);
  }
  const replace: string[] = [];
  const kept: VerificationSubjectInsert[] = [];
  const changed: VerificationLineInsert[] = [];
  for (const [id, rows] of fresh) {
    const old = (stored.get(id) ?? []).sort((a, b) => a.seq - b.seq);
    if (
      old.length === 0 ||
      old.length !== rows.lines.length ||
      old.some((l, i) => l.seq !== rows.lines[i]!.seq)
    ) {
      replace.push(id);
      continue;
    }
    kept.push(rows.subject);
    rows.lines.forEach((l, i) => {
      const was = old[i]!;
      if (LINE_FIELDS.some((f) => was[f] !== l[f])) changed.push(l);
    });
  }
  if (replace.length > 0) {
    await deleteSubjects(c, 'links', replace);
    await insertRows(
      c,
      'verification_subject',
      replace.map((id) => fresh.get(id)!.subject)
    );
    await insertRows(
      c,
      'verification_line',
      replace.flatMap((id) => fresh.get(id)!.lines)
    );
  }
  await updateRows(c, 'verification_subject', kept);
  await updateRows(c, 'verification_line', changed);
}
