/**
 * Inputs that arrive late, through the real indexer on PGlite and on PostgreSQL. The indexer first
 * sees the chain part-way through the last era (its payout not yet on chain) while the GAR service
 * answers 503; then the service recovers and the chain reaches its head. Checks: while inputs are
 * missing, no line disappears and none fails for the wrong reason: every receipt keeps every line
 * the catalogue requires, the consent lines wait (UNAVAILABLE) and the unpaid era's lines wait
 * (NOT_PAID), and no receipt is shown as verified; once the inputs arrive, the same receipts are
 * recomputed and every line passes, with no receipt lost or counted twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { loadReceipt } from '../api/receipt.ts';
import { startDevnet } from '../devnet/devnet.ts';
import { ManifestIndex } from '../devnet/manifest.ts';
import { buildDevnetScenario } from '../devnet/scenario.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import { mkdirSync } from 'node:fs';
import { serveApi } from './helpers/api-server.ts';
import { chromiumAvailable, launchChromium } from './helpers/browser.ts';
import { countProblems, subjectProblems } from './helpers/indexer.ts';
import { type Leg, createTestDatabase, databaseLegs } from './helpers/databases.ts';

const legs = await databaseLegs();
const browser = chromiumAvailable() || process.env.CI === 'true';
const SHOTS = 'test-results/explorer';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function until<T>(what: string, f: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f().catch(() => null);
    if (v !== null) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(legs)('late inputs on %s', (leg) => {
  it('keeps every line while the GAR service is down and the era unpaid, then passes them all', async () => {
    // First the chain as it stood after the last era's votes and before its payout, finalized,
    // with the GAR service down. (The scenario is built twice: once to learn where its payout is.)
    const opts = { seed: 'late-inputs', records: 80, eras: 2, faults: [] } as const;
    // The chain's last payout: the last era of the cluster paid last (cluster 2's).
    const last = buildDevnetScenario(opts).manifest.eraRounds.reduce((a, b) =>
      b.paidAtBlock! > a.paidAtBlock! ? b : a
    );
    const paidAt = last.paidAtBlock!;
    const dn = await startDevnet({ ...opts, holdAt: paidAt - 2 });
    cleanups.push(() => dn.close());
    dn.gar.unavailable = true;
    const index = new ManifestIndex(dn.manifest);
    expect(dn.manifest.receipts).toEqual([]); // an honest chain: in the end every line passes
    const [e1, e2] = dn.manifest.eraRounds.filter((r) => r.clusterId === last.clusterId);
    expect(e2!.era).toBe(last.era);
    expect(e1!.paidAtBlock! < e2!.paidAtBlock!).toBe(true);
    const before = dn.chain.best;
    expect(before.number).toBe(paidAt - 2);

    const db = await createTestDatabase(leg);
    cleanups.push(() => db.drop());
    const sup = new Supervisor({
      env: {
        ...process.env,
        PROOFROOM_RPC_URL: dn.rpcUrl,
        DATABASE_URL: db.url,
        PROOFROOM_GAR_URL: dn.garUrl,
        PROOFROOM_STORAGE_URLS: dn.storageUrls.join(','),
        PROOFROOM_HEAD_POLL_MS: '100',
        PROOFROOM_THREADS: '2',
        PROOFROOM_METRICS_PORT: '-1',
        // The service is down, so the key it anchors with comes from configuration.
        PROOFROOM_GAR_ANCHOR_KEY: dn.scenario.garAnchorKey,
      },
      stdio: 'pipe',
      minBackoffMs: 100,
    });
    sup.start();
    cleanups.push(() => sup.stop(2000));
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    cleanups.push(() => c.end());
    const atHead = (hash: string) => async () => {
      const r = await c.query(
        `SELECT hash, gar_complete, gar_error, gar_anchor_key FROM indexer_status`
      );
      return r.rows[0]?.hash === hash ? (r.rows[0] as Record<string, unknown>) : null;
    };

    const down = await until('the first head', atHead(before.hash));
    expect(down.gar_complete).toBe(false);
    expect(String(down.gar_error)).toMatch(/503/);
    // The configured key stands in for the one the service would state.
    expect(down.gar_anchor_key).toBe(dn.scenario.garAnchorKey);

    const ids = (
      await c.query<{ id: string; record_id: string; cluster_id: string; era: number }>(
        `SELECT id, record_id, cluster_id, era FROM activity_record ORDER BY block_height, id`
      )
    ).rows;
    expect(ids.length).toBeGreaterThan(40);
    const unpaid = (r: { cluster_id: string; era: number }) =>
      r.cluster_id === e2!.clusterId && r.era === e2!.era;
    expect(ids.some(unpaid)).toBe(true);
    const seen = new Set<string>();
    for (const r of ids) {
      const receipt = (await loadReceipt(c, { id: r.id }))!;
      const lines = receipt.lines;
      const have = new Set(lines.map((l) => l.check));
      // No required line is missing, and nothing fails: what is not known yet waits.
      for (const check of index.required(r.era, r.cluster_id))
        expect(have.has(check), `${r.record_id} ${check}`).toBe(true);
      expect(
        lines.filter((l) => l.status === 'fail').map((l) => `${l.check}:${l.code}`),
        r.record_id
      ).toEqual([]);
      expect(receipt.status).toBe('pending');
      expect(receipt.ok).toBe(false);
      for (const l of lines.filter((x) => x.status === 'pending')) {
        if (l.step === 'grant') expect(l.code, l.check).toBe('UNAVAILABLE');
        else seen.add(`${r.cluster_id}-${r.era}:${l.check}:${l.code}`);
      }
      // The consent lines wait on the service; the record's own lines pass.
      for (const check of ['grant.parties', 'grant.status', 'grant.scope', 'grant.anchored'])
        expect(lines.find((l) => l.check === check)?.status, check).toBe('pending');
      for (const check of ['record.id', 'inclusion.mmr', 'anchor.remark', 'anchor.finality'])
        expect(lines.find((l) => l.check === check)?.status, check).toBe('pass');
    }
    // The unpaid era waits for its payout; the paid ones (of both clusters) do not.
    const e2Id = `${e2!.clusterId}-${e2!.era}`;
    expect([...seen].every((s) => s.startsWith(`${e2Id}:`) && s.endsWith(':NOT_PAID'))).toBe(true);
    expect(seen).toContain(`${e2Id}:settlement.paid:NOT_PAID`);
    expect(seen).toContain(`${e2Id}:conservation.balance:NOT_PAID`);
    expect(await countProblems(c)).toEqual([]);
    expect(await subjectProblems(c)).toEqual([]);
    expect(
      (await c.query(`SELECT coalesce(sum(lines), 0)::int AS n FROM check_count WHERE pending`))
        .rows[0].n
    ).toBeGreaterThan(0);
    expect(
      (
        await c.query(
          `SELECT coalesce(sum(records), 0)::int AS n FROM activity_count WHERE waiting`
        )
      ).rows[0].n
    ).toBe(ids.length);

    // The explorer says the same: the receipt waits, its waiting lines are marked, and the
    // browser's own check of the bundle waits too (it is never shown as verified).
    if (browser) await lookInTheBrowser(db.url, leg, ids.find(unpaid)!.id, dn.rpcUrl);

    // The service recovers and the chain reaches its head (the payout of the last era included).
    dn.gar.unavailable = false;
    dn.settle();
    const up = await until('the head', atHead(dn.chain.best.hash), 90_000);
    // The waiting records are relinked once the read completes.
    await until('every record relinked', async () => {
      const r = await c.query(`SELECT count(*)::int AS n FROM activity_record WHERE pending > 0`);
      return r.rows[0].n === 0 ? true : null;
    });
    expect(up.gar_error ?? null).toBe(null);
    const after = (
      await c.query<{ id: string; record_id: string; cluster_id: string; era: number }>(
        `SELECT id, record_id, cluster_id, era FROM activity_record ORDER BY block_height, id`
      )
    ).rows;
    expect(after.length).toBe(dn.manifest.records);
    expect(new Set(after.map((r) => r.record_id)).size).toBe(after.length);
    const problems: string[] = [];
    for (const r of after) {
      const receipt = (await loadReceipt(c, { id: r.id }))!;
      expect(receipt.status, r.record_id).toBe('pass');
      problems.push(...index.diff(r.record_id, receipt.lines, r.era, r.cluster_id));
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(
      (await c.query(`SELECT count(*)::int AS n FROM verification_line WHERE pending`)).rows[0].n
    ).toBe(0);
    // The relink's updates moved the counts from pending to passed, group by group.
    expect(await countProblems(c)).toEqual([]);
    expect(await subjectProblems(c)).toEqual([]);
    expect(
      (await c.query(`SELECT count(*)::int AS n FROM check_count WHERE pending`)).rows[0].n
    ).toBe(0);
    expect(
      (await c.query(`SELECT coalesce(sum(records), 0)::int AS n FROM activity_count WHERE ok`))
        .rows[0].n
    ).toBe(after.length);
  }, 240_000);
});

/** Opens the receipt page of `id` in Chromium over an API server on `url`, and re-checks it there. */
async function lookInTheBrowser(url: string, leg: Leg, id: string, rpcUrl: string): Promise<void> {
  // The API builds the bundle's chain proofs from the devnet's node.
  const server = await serveApi(url, leg, { PROOFROOM_RPC_URL: rpcUrl });
  const chromium = await launchChromium();
  try {
    const page = await chromium.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/receipt/${id}`, { waitUntil: 'networkidle' });
    const api = page.locator('[data-testid=api-verdict]');
    await api.waitFor({ timeout: 20_000 });
    expect(await api.getAttribute('data-status')).toBe('pending');
    expect(await api.getAttribute('data-ok')).toBe('false');
    expect(await api.textContent()).toMatch(/lines wait/);
    const waiting = await page
      .locator('li.line[data-status=pending]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-check')));
    expect(waiting).toEqual(expect.arrayContaining(['grant.status', 'settlement.paid']));
    expect(await page.locator('li.line[data-status=fail]').count()).toBe(0);
    await page.click('[data-testid=verify-button]');
    const local = page.locator('[data-testid=local-verdict]');
    await local.waitFor({ timeout: 30_000 });
    expect(await local.getAttribute('data-status')).toBe('pending');
    expect(await page.locator('[data-testid=disagreement]').count()).toBe(0);
    const marks = await page
      .locator('li.line [data-local-status]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-local-status')));
    expect(marks.filter((m) => m === 'pending').length).toBe(waiting.length);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/receipt-pending-${leg}.png`, fullPage: true });
    expect(errors).toEqual([]);
  } finally {
    await chromium.close();
    await server.close();
  }
}
