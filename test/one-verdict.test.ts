/**
 * One verdict: for every receipt of the fault devnet (every fault the devnet knows), on PGlite and
 * on PostgreSQL, the lines the indexer stored (as the API assembles them, `loadReceipt`) and the
 * lines `verifyReceipt` computes offline from the receipt's REST bundle (`buildReceiptBundle`) are
 * the same: same checks, same order, same status and code, same facts. Both equal the manifest.
 * Then the comparison is shown to catch a skipped step: for every check of the catalogue, the
 * stored lines of that check are deleted (as if the indexer had skipped it), or a failing one is
 * turned into a pass (as if it had computed it wrongly), and the comparison must report it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReceiptBundle } from '../api/bundle.ts';
import { loadReceipt } from '../api/receipt.ts';
import { ManifestIndex } from '../devnet/manifest.ts';
import {
  GOVERNANCE_ERA,
  PRICING,
  PRICING_2,
  SHARES,
  SHARES_2,
  SHARES_2_GOVERNED,
  recordCost,
} from '../devnet/scenario.ts';
import { usageOf } from '../devnet/scenario-records.ts';
import { relink } from '../indexer/links.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { GrantMemo } from '../verifier/receipts/gar.ts';
import { CATALOGUE, patternOf } from '../verifier/catalogue.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { DEFAULT_POLICY, verifyReceipt } from '../verifier/receipt.ts';
import { protocolFees } from '../verifier/receipts/payout.ts';
import { serveApi } from './helpers/api-server.ts';
import { databaseLegs } from './helpers/databases.ts';
import { type IndexedDevnet, indexDevnet } from './helpers/indexed-devnet.ts';

const legs = await databaseLegs();

interface Comparable {
  check: string;
  status: string;
  code: string | null;
  facts: unknown;
}

const view = (l: Comparable) => ({
  check: l.check,
  status: l.status,
  code: l.code,
  facts: l.facts,
});

/** Differences between the stored receipt and the bundle's verdict, line by line, in order. */
async function differences(db: pg.Pool, id: string): Promise<string[]> {
  const stored = await loadReceipt(db, { id });
  const bundle = await buildReceiptBundle(db, id, {});
  if (!stored || !bundle) return [`${id}: no receipt or no bundle`];
  const parsed = parseBundle(JSON.stringify(bundle));
  if (!parsed.ok) return [`${id}: bundle does not parse: ${parsed.errors.join('; ')}`];
  const offline = verifyReceipt(parsed.bundle, nodeBackend, DEFAULT_POLICY);
  const out: string[] = [];
  const n = Math.max(stored.lines.length, offline.lines.length);
  for (let i = 0; i < n; i++) {
    const a = stored.lines[i];
    const b = offline.lines[i];
    const x = a ? JSON.stringify(view(a)) : 'none';
    const y = b ? JSON.stringify(view(b)) : 'none';
    if (x !== y)
      out.push(`${id} line ${i}: stored ${x.slice(0, 300)} / offline ${y.slice(0, 300)}`);
  }
  return out;
}

describe.each(legs)('one verdict on %s', (leg) => {
  let ix: IndexedDevnet;
  let db: pg.Pool;
  let ids: string[];

  beforeAll(async () => {
    ix = await indexDevnet(leg, {
      seed: 'one-verdict',
      records: 240,
      eras: 3,
      recordsPerBatch: 10,
    });
    db = new pg.Pool({ connectionString: ix.url, max: 4 });
    ids = (await db.query(`SELECT id FROM activity_record ORDER BY block_height, id`)).rows.map(
      (r) => r.id as string
    );
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await ix?.close();
  });

  it('stores, for every receipt, exactly the lines its bundle verifies to, and the manifest', async () => {
    expect(ids.length).toBe(240);
    const index = new ManifestIndex(ix.devnet.manifest);
    const problems: string[] = [];
    for (const id of ids) {
      problems.push(...(await differences(db, id)));
      const stored = (await loadReceipt(db, { id }))!;
      problems.push(...index.diff(stored.recordId, stored.lines));
    }
    expect(problems.slice(0, 20)).toEqual([]);
  }, 240_000);

  it("pays and verifies cluster 2's eras, with cluster 2's own shares and prices", async () => {
    const m = ix.devnet.manifest;
    expect(m.clusters).toHaveLength(2);
    const [c1, c2] = m.clusters as [(typeof m.clusters)[0], (typeof m.clusters)[0]];
    // The indexer stored each cluster's records under its cluster.
    const byCluster = (
      await db.query(`SELECT cluster_id, count(*)::int AS n FROM activity_record GROUP BY 1`)
    ).rows as Array<{ cluster_id: string; n: number }>;
    expect(new Map(byCluster.map((r) => [r.cluster_id, r.n]))).toEqual(
      new Map([
        [c1.clusterId, c1.records],
        [c2.clusterId, c2.records],
      ])
    );
    // Cluster 2's protocol parameters, as its create_cluster set them, then as governance changed
    // them at the start of era 3 (read from DdcClusters.ClustersGovParams at that block).
    const params = (
      await db.query(
        `SELECT treasury_share::text AS treasury, validators_share::text AS validators,
                reserve_share::text AS reserve, pricing, block_height FROM cluster_protocol_params
          WHERE cluster_id = $1 ORDER BY block_height`,
        [c2.clusterId]
      )
    ).rows;
    const pricing2 = Object.fromEntries(Object.entries(PRICING_2).map(([k, v]) => [k, String(v)]));
    const [gov] = m.governance;
    expect(gov).toMatchObject({ clusterId: c2.clusterId, fromEra: GOVERNANCE_ERA });
    expect(params.slice(1)).toEqual([
      { ...gov!.shares, pricing: pricing2, block_height: gov!.block },
    ]);
    expect(params[0]).toMatchObject({ ...c2.shares, pricing: pricing2 });
    expect(c2.shares).not.toEqual(c1.shares);
    expect(gov!.shares).not.toEqual(c2.shares);
    // Every era of cluster 2 is paid (cluster 1's era 2 is not: era-not-paid), with every era
    // line passing, and fees by cluster 2's shares of its records' cost at cluster 2's prices.
    const eras = (
      await db.query(
        `SELECT era, charged::text, treasury_fee::text AS treasury,
                validator_fee::text AS validators, reserve_fee::text AS reserve, records, ok,
                failed, paid_event_id FROM era_payout WHERE cluster_id = $1 ORDER BY era`,
        [c2.clusterId]
      )
    ).rows;
    expect(eras.map((e) => e.era)).toEqual([1, 2, 3]);
    const fees = new Map<number, ReturnType<typeof protocolFees>>();
    for (const e of eras) {
      const range = c2.ranges.find((r) => r.era === e.era)!;
      let charged = 0n;
      let atCluster1Prices = 0n;
      for (let i = range.from; i < range.to; i++) {
        charged += recordCost(usageOf(i), PRICING_2);
        atCluster1Prices += recordCost(usageOf(i), PRICING);
      }
      expect(e.charged).toBe(charged.toString());
      expect(charged).not.toBe(atCluster1Prices);
      // From GOVERNANCE_ERA on, the era is settled with the shares governance set.
      const shares = e.era >= GOVERNANCE_ERA ? SHARES_2_GOVERNED : SHARES_2;
      const f = protocolFees(shares, charged);
      if (e.era >= GOVERNANCE_ERA)
        expect(protocolFees(SHARES_2, charged).treasury).not.toBe(f.treasury);
      fees.set(e.era, f);
      expect(e).toMatchObject({
        records: range.to - range.from,
        ok: true,
        failed: 0,
        treasury: f.treasury.toString(),
        validators: f.validators.toString(),
        reserve: f.reserve.toString(),
      });
      expect(e.paid_event_id).not.toBeNull();
      expect(protocolFees(SHARES, charged).treasury).not.toBe(f.treasury);
      const eraLines = (
        await db.query(
          `SELECT check_name, ok FROM verification_line WHERE subject_kind = 'era' AND subject_id = $1`,
          [`${c2.clusterId}-${e.era}`]
        )
      ).rows as Array<{ check_name: string; ok: boolean }>;
      expect(eraLines.length).toBeGreaterThan(5);
      expect(eraLines.filter((l) => !l.ok)).toEqual([]);
    }
    // Each cluster 2 receipt passes every line; its conservation.fees line expects cluster 2's fees.
    const recs = (
      await db.query(`SELECT id, era FROM activity_record WHERE cluster_id = $1`, [c2.clusterId])
    ).rows as Array<{ id: string; era: number }>;
    expect(recs.length).toBe(c2.records);
    for (const r of recs) {
      const rc = (await loadReceipt(db, { id: r.id }))!;
      expect(rc.lines.filter((l) => l.status !== 'pass').map((l) => l.check)).toEqual([]);
      const f = fees.get(r.era)!;
      expect(rc.lines.find((l) => l.check === 'conservation.fees')!.facts).toMatchObject({
        expectedTreasury: f.treasury.toString(),
        expectedValidators: f.validators.toString(),
        expectedReserve: f.reserve.toString(),
      });
    }
  });

  it('gives, through `proofroom verify --json` on every REST bundle, the GraphQL receipt lines', async () => {
    const api = await serveApi(ix.url, leg);
    const dir = mkdtempSync(path.join(tmpdir(), 'one-verdict-'));
    try {
      const files: string[] = [];
      const graphql = new Map<string, Comparable[]>();
      const query = `query ($id: String!) { receipt(id: $id) { status lines { check status code facts } } }`;
      for (const [i, id] of ids.entries()) {
        const res = await fetch(`${api.url}/v1/receipts/${encodeURIComponent(id)}`);
        expect(res.status, id).toBe(200);
        const file = path.join(dir, `${i}.json`);
        writeFileSync(file, await res.text());
        files.push(file);
        const g = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables: { id } }),
        });
        const body = (await g.json()) as { data: { receipt: { lines: Comparable[] } } };
        graphql.set(file, body.data.receipt.lines);
      }
      // The CLI as a user runs it, in its own process: NDJSON, one receipt per line.
      const run = spawnSync(process.execPath, ['cli/proofroom.mjs', 'verify', '--json', ...files], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      expect([1, 4, 0]).toContain(run.status);
      const out = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, any>);
      expect(out).toHaveLength(files.length);
      const problems: string[] = [];
      for (const r of out) {
        if (r.malformed) {
          problems.push(`${r.file}: malformed ${JSON.stringify(r.errors)}`);
          continue;
        }
        const want = JSON.stringify(graphql.get(r.file)!.map(view));
        // The chain lines (test/chain-proofs.test.ts) are computed where a bundle is verified;
        // the indexer stores the receipt's own lines.
        const got = JSON.stringify(
          (r.lines as Comparable[])
            .filter((l) => !l.check.startsWith('chain.'))
            .map((l) => view({ ...l, code: l.code ?? null }))
        );
        if (want !== got)
          problems.push(`${r.file}: CLI ${got.slice(0, 400)} / GraphQL ${want.slice(0, 400)}`);
      }
      expect(problems.slice(0, 5)).toEqual([]);
      expect(run.stderr).toMatch(new RegExp(`^${files.length} bundles: `, 'm'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await api.close();
    }
  }, 240_000);

  it('catches any single check the indexer would skip or get wrong', async () => {
    const caught: string[] = [];
    const missed: string[] = [];
    const client = await db.connect();
    try {
      for (const spec of CATALOGUE.filter((c) => c.subject !== 'chain')) {
        // A stored line of this check (a failing one when there is one), and its receipt.
        const rows = (
          await client.query(
            `SELECT l.subject_kind, l.subject_id, l.seq, l.check_name, l.ok FROM verification_line l
              WHERE l.subject_kind = ANY($1::text[]) ORDER BY l.ok, l.subject_id, l.seq`,
            [['links', 'record', 'anchor', 'era', 'settlement']]
          )
        ).rows.filter((r) => patternOf(r.check_name) === spec.check);
        if (rows.length === 0) {
          if (spec.presence !== 'optional') missed.push(`${spec.check}: never stored`);
          continue;
        }
        const line = rows[0]!;
        const receipt = (
          await client.query(
            `SELECT a.id FROM activity_record a WHERE a.id = $1 OR a.batch_id = $1
                OR (a.cluster_id || '-' || a.era) = $1
                OR $1 LIKE a.cluster_id || '-' || a.era || '-%-' || a.customer_id
                OR $1 LIKE a.cluster_id || '-' || a.era || '-%-' || a.provider_id
              ORDER BY a.id LIMIT 1`,
            [line.subject_id]
          )
        ).rows[0]?.id as string | undefined;
        if (!receipt) {
          missed.push(`${spec.check}: no receipt reads ${line.subject_kind} ${line.subject_id}`);
          continue;
        }
        for (const mutation of ['skip', 'flip'] as const) {
          if (mutation === 'flip' && line.ok) continue;
          await client.query('BEGIN');
          try {
            if (mutation === 'skip')
              await client.query(
                `DELETE FROM verification_line WHERE subject_kind = $1 AND subject_id = $2 AND seq = $3`,
                [line.subject_kind, line.subject_id, line.seq]
              );
            else
              await client.query(
                `UPDATE verification_line SET ok = true, pending = false, code = NULL
                  WHERE subject_kind = $1 AND subject_id = $2 AND seq = $3`,
                [line.subject_kind, line.subject_id, line.seq]
              );
            const diff = await differences(
              { query: (t: string, v?: unknown[]) => client.query(t, v) } as never,
              receipt
            );
            (diff.length > 0 ? caught : missed).push(`${mutation} ${line.check_name}`);
          } finally {
            await client.query('ROLLBACK');
          }
        }
      }
    } finally {
      client.release();
    }
    expect(missed).toEqual([]);
    expect(caught.length).toBeGreaterThanOrEqual(CATALOGUE.length - 2);
  }, 240_000);
  it('a relink writes back what the bundles verify to, and only the lines that differ', async () => {
    // A pair's records: one line of one record tampered with (the update path), one line of
    // another deleted (its lines are no longer the same list: the replace path), the rest as
    // stored (left unwritten). A relink of the pair restores exactly what each bundle verifies
    // to offline, and rewrites nothing that was already right.
    const pair = (
      await db.query(
        `SELECT user_id, agent_id, array_agg(id ORDER BY id) AS ids FROM activity_record
          WHERE user_id IS NOT NULL AND agent_id IS NOT NULL
          GROUP BY 1, 2 HAVING count(*) >= 3 ORDER BY count(*) DESC, 1, 2 LIMIT 1`
      )
    ).rows[0] as { user_id: string; agent_id: string; ids: string[] };
    const [tampered, shortened, ...untouched] = pair.ids as [string, string, ...string[]];
    const versions = async (): Promise<Map<string, string>> =>
      new Map(
        (
          await db.query(
            `SELECT subject_id || '/' || seq AS k, xmin::text AS v FROM verification_line
              WHERE subject_kind = 'links' AND subject_id = ANY($1::text[])`,
            [pair.ids]
          )
        ).rows.map((r) => [r.k as string, r.v as string])
      );
    await db.query(
      `UPDATE verification_line SET ok = NOT ok, pending = false, code = 'TAMPERED',
              facts = '{"tampered":true}'
        WHERE subject_kind = 'links' AND subject_id = $1 AND seq = 1`,
      [tampered]
    );
    await db.query(
      `DELETE FROM verification_line WHERE subject_kind = 'links' AND subject_id = $1
          AND seq = (SELECT max(seq) FROM verification_line
                      WHERE subject_kind = 'links' AND subject_id = $1)`,
      [shortened]
    );
    expect((await differences(db, tampered)).length).toBeGreaterThan(0);
    expect((await differences(db, shortened)).length).toBeGreaterThan(0);
    const before = await versions();
    const st = (
      await db.query(
        `SELECT height, gar_cursor, gar_complete, gar_error, gar_anchor_key FROM indexer_status`
      )
    ).rows[0];
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      const n = await relink(
        client,
        {
          pairs: new Set([`${pair.user_id}/${pair.agent_id}`]),
          waitingPairs: new Set(),
          waiting: false,
          above: null,
        },
        {
          cursor: Number(st.gar_cursor),
          complete: st.gar_complete,
          error: st.gar_error,
          anchorKey: st.gar_anchor_key,
        },
        st.height,
        new GrantMemo(1000)
      );
      await client.query('COMMIT');
      expect(n).toBe(pair.ids.length);
    } finally {
      client.release();
    }
    for (const id of pair.ids) expect(await differences(db, id)).toEqual([]);
    const after = await versions();
    const rewritten = [...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k);
    const shortenedLines = [...after.keys()].filter((k) => k.startsWith(`${shortened}/`));
    // The tampered line, and every line of the subject that had lost one; nothing else.
    expect(rewritten.sort()).toEqual([`${tampered}/1`, ...shortenedLines].sort());
    for (const id of untouched)
      expect([...after.keys()].filter((k) => k.startsWith(`${id}/`)).length).toBeGreaterThan(0);
  }, 240_000);
});
