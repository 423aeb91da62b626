/**
 * Eras put off while the indexer catches up (Indexer.eras, PROOFROOM_DEFER_ERAS), on both legs,
 * through the real indexer and the devnet. An era that only gains records, has no vote or payout
 * yet and was computed before is not recomputed on every chunk; it stays stale until the write
 * that reaches the head. Checks, against the same chain indexed with every era recomputed on every
 * chunk (PROOFROOM_DEFER_ERAS=0):
 *
 * - on a chain seen part-way, held after an era's last records and before its votes, the era was
 *   put off and then recomputed at the head, not by a write that touched it: every stored line
 *   and fact is the same, only the era's rows carry the height of the write that computed them;
 * - once the rest of the chain arrives, every table is the same as in the run that never put an
 *   era off.
 *
 * Both runs index in chunks of about 20 records (one block of the scenario), so an era's records
 * span several writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDevnet } from '../devnet/devnet.ts';
import { databaseLegs } from './helpers/databases.ts';
import {
  client,
  database,
  defer,
  dump,
  runCleanups,
  supervise,
  waitForHead,
} from './helpers/indexer.ts';

const legs = await databaseLegs();
afterEach(runCleanups);

const SCENARIO = { seed: 'defer-eras', records: 480, eras: 2, recordsPerBatch: 10 };
const CHUNKS = { PROOFROOM_WRITE_CHUNK_RECORDS: '20' };

/** A counter of the indexer's Prometheus endpoint (its address is in the child's stderr). */
async function counter(stderr: string, name: string): Promise<number> {
  const m = /metrics at (http:\/\/\S+)/.exec(stderr);
  if (!m) throw new Error('the indexer printed no metrics address');
  const text = await (await fetch(m[1]!)).text();
  const line = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return line ? Number(line[1]) : 0;
}

/**
 * `check_count` rows with the era lines' counts summed over the heights they were written at: one
 * row per group of era lines, without a height.
 */
function eraCountsWithoutHeights(rows: string[]): string[] {
  const eraLines = new Map<string, number>();
  const out: string[] = [];
  for (const s of rows) {
    const r = JSON.parse(s) as Record<string, unknown>;
    if (r.subject_kind !== 'era') {
      out.push(s);
      continue;
    }
    const lines = Number(r.lines);
    delete r.block_height;
    delete r.lines;
    const key = JSON.stringify(r);
    eraLines.set(key, (eraLines.get(key) ?? 0) + lines);
  }
  for (const [key, lines] of eraLines) out.push(JSON.stringify({ ...JSON.parse(key), lines }));
  return out.sort();
}

/** A dump in which era rows do not carry the height of the write that computed them. */
function withoutEraHeights(d: Record<string, unknown[]>): Record<string, unknown[]> {
  const strip = (table: string, isEra: (r: Record<string, unknown>) => boolean) =>
    (d[table] as string[])
      .map((s) => {
        const r = JSON.parse(s) as Record<string, unknown>;
        if (isEra(r)) delete r.block_height;
        return JSON.stringify(r);
      })
      .sort();
  return {
    ...d,
    verification_subject: strip('verification_subject', (r) => r.kind === 'era'),
    verification_line: strip('verification_line', (r) => r.subject_kind === 'era'),
    check_count: eraCountsWithoutHeights(d.check_count as string[]),
  };
}

describe.each(legs)('eras put off while catching up on %s', (leg) => {
  it('recomputes a stale era at the head: the same rows as recomputing on every chunk', async () => {
    // The whole chain, every era recomputed on every chunk: where the eras' batches and votes are.
    const whole = await startDevnet(SCENARIO);
    defer(() => whole.close());
    whole.settle();
    const eager = await database(leg);
    supervise(whole, eager.url, { ...CHUNKS, PROOFROOM_DEFER_ERAS: '0' });
    await waitForHead(eager.url, () => whole.chain.best.hash);
    const e = await client(eager.url);
    const eras = (
      await e.query(
        `SELECT b.cluster_id || '-' || b.era AS id, count(DISTINCT b.block_height)::int AS blocks,
                max(b.block_height) AS last,
                (SELECT min(v.block_height) FROM attestation_vote v
                  WHERE v.cluster_id = b.cluster_id AND v.era = b.era) AS voted
           FROM dac_batch b GROUP BY b.cluster_id, b.era ORDER BY max(b.block_height)`
      )
    ).rows as Array<{ id: string; blocks: number; last: number; voted: number | null }>;
    // An era whose records span several blocks, with a block after its last records and before
    // its first vote: the chain is held there.
    const era = eras.find((r) => r.blocks >= 3 && r.voted !== null && r.voted > r.last + 1);
    expect(era, JSON.stringify(eras)).toBeDefined();
    const holdAt = era!.last + 1;

    const part = await startDevnet({ ...SCENARIO, holdAt });
    defer(() => part.close());
    expect(part.chain.best.number).toBe(holdAt);
    const lazy = await database(leg);
    const lazyRun = supervise(part, lazy.url, { ...CHUNKS, PROOFROOM_METRICS_PORT: '0' });
    const check = await database(leg);
    supervise(part, check.url, { ...CHUNKS, PROOFROOM_DEFER_ERAS: '0' });
    await waitForHead(lazy.url, () => part.chain.best.hash);
    await waitForHead(check.url, () => part.chain.best.hash);

    const l = await client(lazy.url);
    const c = await client(check.url);
    const subject = `SELECT block_height, passed, failed, pending FROM verification_subject
                      WHERE kind = 'era' AND id = $1`;
    const lazyEra = (await l.query(subject, [era!.id])).rows[0];
    const checkEra = (await c.query(subject, [era!.id])).rows[0];
    expect(lazyEra).toEqual({ ...checkEra, block_height: holdAt });
    expect(checkEra.block_height).toBeLessThan(holdAt);
    expect(lazyEra).toMatchObject({ passed: 0, failed: 0 });
    expect(lazyEra.pending).toBeGreaterThan(0);
    const a = withoutEraHeights(await dump(l));
    const b = withoutEraHeights(await dump(c));
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const t of Object.keys(a)) expect({ t, rows: a[t] }).toEqual({ t, rows: b[t] });

    // The era was put off, then recomputed by the write at the head, which had none of its rows
    // (without it, the era keeps the height and facts of its first write, and the comparison above
    // fails).
    expect(await counter(lazyRun.stderr(), 'proofroom_indexer_eras_put_off_total')).toBeGreaterThan(
      0
    );
    expect(await counter(lazyRun.stderr(), 'proofroom_indexer_eras_settled_total')).toBeGreaterThan(
      0
    );

    // The rest of the chain: the same database as the run that never put an era off (both split
    // their writes at the held head, so their chunks end at the same blocks).
    part.settle();
    await waitForHead(lazy.url, () => part.chain.best.hash);
    await waitForHead(check.url, () => part.chain.best.hash);
    expect(part.chain.best.hash).toBe(whole.chain.best.hash);
    const done = await dump(l);
    const reference = await dump(c);
    expect(Object.keys(done)).toEqual(Object.keys(reference));
    for (const t of Object.keys(done))
      expect({ t, rows: done[t] }).toEqual({ t, rows: reference[t] });
  }, 240_000);
});
