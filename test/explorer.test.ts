/**
 * The explorer in Debian's Chromium against the running product: the devnet's fault scenario
 * indexed by the real indexer into the embedded PGlite, served by the API process. Every page
 * renders real data (screenshots at desktop and phone width go to test-results/explorer/), the
 * in-browser verification recomputes verdicts from the bundle (an altered bundle turns red while
 * the API says green), the sentinel page shows the rounds and failures of one sentinel pass with
 * evidence files the offline verifier accepts, and the embed widget renders alone and may be framed.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestIndex } from '../devnet/manifest.ts';
import { short } from '../explorer/src/format.ts';
import { parseEvidence, verifyEvidence } from '../verifier/evidence.ts';
import { pureBackend } from '../verifier/signatures.ts';
import { canonicalBytes } from '../verifier/jcs.ts';
import { launchChromium, chromiumAvailable } from './helpers/browser.ts';
import { type Product, startProduct } from './helpers/explorer-product.ts';

const SHOTS = 'test-results/explorer';
const run = chromiumAvailable() || process.env.CI === 'true';

type Row = Record<string, any>;

describe.runIf(run)('explorer in Chromium', () => {
  let product: Product;
  let browser: Browser;
  let db: pg.Client;
  let manifest: ManifestIndex;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    product = await startProduct('pglite', { seed: 'explorer-test' });
    manifest = new ManifestIndex(product.ix.devnet.manifest);
    db = new pg.Client({ connectionString: product.ix.url });
    await db.connect();
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await db?.end();
    await product?.close();
  });

  const one = async (sql: string, params: unknown[] = []): Promise<Row> => {
    const r = await db.query(sql, params);
    expect(r.rows.length, sql).toBeGreaterThan(0);
    return r.rows[0] as Row;
  };

  /** A page with console errors and page errors collected into `problems`. */
  const open = async (path: string, width = 1280): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('pageerror', (e) => problems.push(`${path}: page error ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${path}: console ${m.text()}`);
    });
    await page.goto(product.url + path, { waitUntil: 'networkidle' });
    return page;
  };

  /** Waits until the page shows no loading state and has its heading. */
  const settled = async (page: Page): Promise<void> => {
    await page.waitForSelector('h1, .state.error', { timeout: 15_000 });
    const error = page.locator('.state.error');
    if ((await error.count()) > 0 && (await page.locator('h1').count()) === 0)
      throw new Error(`${page.url()} shows an error: ${await error.first().innerText()}`);
    await page.waitForFunction(
      () => document.querySelectorAll('.state.loading').length === 0,
      null,
      {
        timeout: 15_000,
      }
    );
  };

  it('renders every page with real data, at desktop and phone width', async () => {
    const honest = await one(
      `SELECT r.id, r.record_id, r.batch_id, r.user_id, r.agent_id, r.customer_id, r.cluster_id, r.era
         FROM activity_record r WHERE r.ok ORDER BY r.id LIMIT 1`
    );
    // Two clusters: cluster 1 (every fault) and the honest cluster 2, each with its own pages.
    const clusterIds = product.ix.devnet.manifest.clusters.map((c) => c.clusterId);
    expect(clusterIds).toHaveLength(2);
    const era = await one(
      `SELECT cluster_id, era, charged FROM era_payout WHERE cluster_id = $1 ORDER BY era LIMIT 1`,
      [clusterIds[0]]
    );
    const batch = await one(`SELECT id, root FROM dac_batch ORDER BY id LIMIT 1`);
    const block = await one(`SELECT height, hash FROM block ORDER BY height DESC LIMIT 1`);
    // The sentinel pass startProduct ran: its newest round, and a failed check of it.
    const round = await one(
      `SELECT era, sampled, sample_size, population, bad_bound, failed FROM sentinel_round
        ORDER BY seed_height DESC, era DESC LIMIT 1`
    );
    const failedCheck = await one(
      `SELECT id::text AS id, activity_id, code FROM sentinel_check WHERE NOT ok
        ORDER BY checked_at DESC, id DESC LIMIT 1`
    );
    const eraRound = await one(
      `SELECT sampled, sample_size FROM sentinel_round WHERE cluster_id = $1 AND era = $2`,
      [era.cluster_id, era.era]
    );
    const pages: Array<{ name: string; path: string; expect: string[] }> = [
      {
        name: 'home',
        path: '/',
        // Each cluster with its own summary, its own latest eras and its own failed checks.
        expect: [
          'Clusters',
          ...clusterIds.map((id) => `Latest paid eras of cluster ${short(id)}`),
          `Failed checks of cluster ${short(clusterIds[0]!)} by reason`,
          // The honest cluster 2.
          'No check of this cluster has failed.',
        ],
      },
      {
        name: 'receipt',
        path: `/receipt/${honest.id}`,
        expect: [honest.record_id, 'Chain of evidence'],
      },
      {
        name: 'receipt-by-record-id',
        path: `/receipt/${honest.record_id}`,
        expect: [honest.record_id, honest.id],
      },
      { name: 'grant', path: `/grant/${honest.user_id}/${honest.agent_id}`, expect: [] },
      { name: 'batch', path: `/batch/${batch.id}`, expect: [batch.id] },
      { name: 'round', path: `/round/${era.cluster_id}/${era.era}`, expect: [] },
      {
        name: 'era',
        path: `/era/${era.cluster_id}/${era.era}`,
        expect: ['Storage spot checks', `sampled ${eraRound.sampled} of ${eraRound.sample_size}`],
      },
      ...clusterIds.map((id, k) => ({
        name: k === 0 ? 'cluster' : `cluster-${k + 1}`,
        path: `/cluster/${id}`,
        expect: [
          `Cluster ${short(id)}`,
          'Protocol parameters',
          // Every kind of line of the cluster is counted, failing or not.
          'Verification lines of this cluster by kind',
          'batch anchors on chain',
          'settlement per account',
          k === 0
            ? 'Failed checks by kind, check and reason code'
            : 'No check of this cluster has failed.',
        ],
      })),
      {
        name: 'sentinel',
        path: '/sentinel',
        expect: [
          'Rounds, newest first',
          `era ${round.era}`,
          `${round.sampled}/${round.sample_size} sampled`,
          // Every paid era has a round now; the newest may be a clean one.
          round.failed > 0 ? `${round.failed} failed` : `✓ ${round.sampled} ok`,
          `at most ${round.bad_bound} of ${round.population} bad at 99%`,
          'chance of catching ≥1% bad (target 99%)',
          'Per storage node',
          'Failed checks, newest first',
          failedCheck.activity_id,
          failedCheck.code,
          `proofroom verify evidence-${failedCheck.id}.json`,
        ],
      },
      { name: 'account', path: `/account/${honest.customer_id}`, expect: [] },
      { name: 'block', path: `/block/${block.height}`, expect: [] },
      { name: 'search', path: `/search?q=${era.era}`, expect: [] },
      { name: 'verify-many', path: `/verify?cluster=${era.cluster_id}&era=${era.era}`, expect: [] },
      { name: 'not-found', path: '/no/such/page', expect: ['Page not found'] },
    ];
    for (const p of pages) {
      for (const width of [1280, 375]) {
        const page = await open(p.path, width);
        await settled(page);
        // Sections below the first screen skip rendering (content-visibility: auto) and innerText
        // leaves them out; their words are in textContent.
        const text = await page
          .locator('main')
          .evaluate((e) => `${(e as HTMLElement).innerText}\n${e.textContent ?? ''}`);
        for (const want of p.expect) expect(text, `${p.name} shows ${want}`).toContain(want);
        expect(await page.locator('.state.error').count(), `${p.name}: no error state`).toBe(0);
        // Nothing wider than a phone's screen: tables scroll inside their own box.
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth
        );
        expect(
          overflow,
          `${p.name} at ${width} px overflows by ${overflow} px`
        ).toBeLessThanOrEqual(1);
        // Sections below the first screen are painted only when scrolled to: paint them all, so the
        // full-page screenshot shows every table.
        await page.addStyleTag({ content: '.section { content-visibility: visible !important; }' });
        await page.screenshot({ path: `${SHOTS}/${p.name}-${width}.png`, fullPage: true });
        await page.close();
      }
    }
    expect(problems).toEqual([]);
  }, 240_000);

  it('verifies a receipt in the browser with the same verdict as the API and the manifest', async () => {
    const rows = (await db.query(`SELECT id, record_id, ok FROM activity_record ORDER BY id`)).rows;
    const honest = rows.find((r) => !manifest.expected(r.record_id)?.failing.length)!;
    const faulted = rows.find((r) =>
      manifest.expected(r.record_id)?.failing.some((f) => f.code === 'SIG_INVALID')
    )!;
    for (const [row, ok] of [
      [honest, true],
      [faulted, false],
    ] as const) {
      const page = await open(`/receipt/${row.id}`);
      await settled(page);
      expect(await page.getAttribute('[data-testid=api-verdict]', 'data-ok')).toBe(String(ok));
      await page.click('[data-testid=verify-button]');
      const verdict = page.locator('[data-testid=local-verdict]');
      await verdict.waitFor({ timeout: 20_000 });
      expect(await verdict.getAttribute('data-ok')).toBe(String(ok));
      expect(await page.locator('[data-testid=disagreement]').count()).toBe(0);
      const time = await page.textContent('[data-testid=verify-time]');
      expect(time).toMatch(/\d+(\.\d+)? m?s to verify/);
      // Every line carries the browser's own mark, and the failing ones are the manifest's.
      const marks = await page.locator('li.line').evaluateAll((els) =>
        els.map((e) => ({
          check: e.getAttribute('data-check'),
          api: e.getAttribute('data-ok'),
          local: e.querySelector('[data-local-ok]')?.getAttribute('data-local-ok') ?? null,
        }))
      );
      expect(marks.length).toBeGreaterThan(15);
      for (const m of marks) expect(m.local, JSON.stringify(m)).toBe(m.api);
      const failing = marks.filter((m) => m.local === 'false').map((m) => m.check);
      const want = (manifest.expected(row.record_id)?.failing ?? []).map((f) => f.check);
      expect(failing.sort()).toEqual([...want].sort());
      await page.screenshot({
        path: `${SHOTS}/receipt-verified-${ok ? 'ok' : 'failed'}.png`,
        fullPage: true,
      });
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('turns red in the browser when the bundle is altered in flight, though the API says green', async () => {
    const honest = (
      await db.query(`SELECT id, record_id FROM activity_record WHERE ok ORDER BY id`)
    ).rows.find((r) => !manifest.expected(r.record_id)?.failing.length)!;
    const page = await open(`/receipt/${honest.id}`);
    await settled(page);
    expect(await page.getAttribute('[data-testid=api-verdict]', 'data-ok')).toBe('true');
    // A man in the middle (or a lying API) raises the usage the record claims.
    await page.route('**/v1/receipts/**', async (route) => {
      const res = await route.fetch();
      const bundle = (await res.json()) as { record: Record<string, any>; recordBytes: string };
      const usage = bundle.record.usage as Record<string, unknown> | undefined;
      if (usage) {
        const key =
          Object.keys(usage).find((k) => typeof usage[k] === 'number') ?? Object.keys(usage)[0]!;
        usage[key] = typeof usage[key] === 'number' ? (usage[key] as number) + 1 : 'tampered';
      } else {
        bundle.record.era = (bundle.record.era as number) + 1;
      }
      // The bytes are what is verified (the object must agree with them): both are altered, so
      // the bundle still parses and the lines that cover the record fail one by one.
      bundle.recordBytes = Buffer.from(canonicalBytes(bundle.record)).toString('base64url');
      await route.fulfill({ response: res, json: bundle });
    });
    await page.click('[data-testid=verify-button]');
    const verdict = page.locator('[data-testid=local-verdict]');
    await verdict.waitFor({ timeout: 20_000 });
    expect(await verdict.getAttribute('data-ok')).toBe('false');
    expect(await page.getAttribute('[data-testid=api-verdict]', 'data-ok')).toBe('true');
    await page.locator('[data-testid=disagreement]').waitFor();
    const red = await page
      .locator('li.line [data-local-ok=false]')
      .evaluateAll((els) => els.map((e) => e.closest('li')!.getAttribute('data-check')));
    expect(red.length).toBeGreaterThan(0);
    // The record's signatures are over the record: altering it breaks them (and its leaf).
    expect(red.some((c) => c!.startsWith('record.') || c === 'inclusion.mmr')).toBe(true);
    await page.screenshot({ path: `${SHOTS}/receipt-altered-in-flight.png`, fullPage: true });
    await page.close();
  }, 60_000);

  it('proves chain facts in the browser, pinned to "my node", and turns red when one is altered in flight', async () => {
    const honest = (
      await db.query(`SELECT id, record_id FROM activity_record WHERE ok ORDER BY id`)
    ).rows.find((r) => !manifest.expected(r.record_id)?.failing.length)!;
    const rpcUrl = product.ix.devnet.rpcUrl;
    type Bundle = Record<string, any>;
    // The record whose anchor the devnet leaves unfinalized: the API says NOT_FINAL.
    const notFinal = (
      await db.query(`SELECT id, record_id FROM activity_record ORDER BY id`)
    ).rows.find((r) =>
      manifest.expected(r.record_id)?.failing.some((f) => f.code === 'NOT_FINAL')
    )!;
    const alterations: Array<[string, (b: Bundle) => void, string, string?]> = [
      // Claim the unfinalized anchor final: no justification (and no trusted node) says so.
      ['finality', (b) => (b.anchor.block.finalized = true), 'chain.finality', notFinal.id],
      [
        'a vote',
        (b) => (b.attestation.votes[0].payersRoot = '0x' + 'ab'.repeat(32)),
        'chain.votes',
      ],
      [
        'an amount',
        (b) => (b.conservation.rewarded = (BigInt(b.conservation.rewarded) + 1n).toString()),
        'chain.conservation',
      ],
      [
        'a validator',
        (b) => (b.attestation.validators[0] = '0x' + 'cd'.repeat(32)),
        'chain.validators',
      ],
    ];
    for (const pin of [false, true]) {
      // Unaltered: proven, and pinned exactly when the user names their node.
      const page = await open(`/receipt/${honest.id}`);
      await settled(page);
      await page.fill('[data-testid=trust-rpc]', pin ? rpcUrl : '');
      await page.click('[data-testid=verify-button]');
      const status = page.locator('[data-testid=chain-status]');
      await status.waitFor({ timeout: 20_000 }).catch(async (e) => {
        throw new Error(`${await page.locator('.verify-panel').innerText()}`, { cause: e });
      });
      expect(await status.getAttribute('data-proven')).toBe('true');
      expect(await status.getAttribute('data-pinned')).toBe(String(pin));
      expect(await page.getAttribute('[data-testid=local-verdict]', 'data-status')).toBe('pass');
      if (pin) await page.screenshot({ path: `${SHOTS}/receipt-chain-pinned.png`, fullPage: true });
      await page.close();
      for (const [what, alter, check, id] of alterations) {
        const p = await open(`/receipt/${id ?? honest.id}`);
        await settled(p);
        await p.fill('[data-testid=trust-rpc]', pin ? rpcUrl : '');
        await p.route('**/v1/receipts/**', async (route) => {
          const res = await route.fetch();
          const bundle = (await res.json()) as Bundle;
          alter(bundle);
          await route.fulfill({ response: res, json: bundle });
        });
        await p.click('[data-testid=verify-button]');
        const verdict = p.locator('[data-testid=local-verdict]');
        await verdict.waitFor({ timeout: 20_000 });
        expect(await verdict.getAttribute('data-status'), `${what}, pin ${pin}`).toBe('fail');
        const line = p.locator(`[data-testid=chain-status] li[data-check="${check}"]`);
        expect(await line.getAttribute('data-status'), `${what}, pin ${pin}`).toBe('fail');
        await p.close();
      }
    }
    // The node is remembered in this browser.
    const again = await open(`/receipt/${honest.id}`);
    await settled(again);
    await again.fill('[data-testid=trust-rpc]', rpcUrl);
    await again.reload({ waitUntil: 'networkidle' });
    await settled(again);
    expect(await again.inputValue('[data-testid=trust-rpc]')).toBe(rpcUrl);
    await again.close();
    expect(problems).toEqual([]);
  }, 120_000);

  it('re-verifies every receipt of an era in the browser, finding exactly the manifest faults', async () => {
    const era = await one(`SELECT cluster_id, era FROM era_payout ORDER BY era LIMIT 1`);
    const records = (
      await db.query(`SELECT record_id FROM activity_record WHERE cluster_id = $1 AND era = $2`, [
        era.cluster_id,
        era.era,
      ])
    ).rows.map((r) => r.record_id as string);
    const page = await open(`/verify?cluster=${era.cluster_id}&era=${era.era}`);
    await settled(page);
    await page.click('[data-testid=verify-many-button]');
    const done = page.locator('[data-testid=verify-many-done]');
    await done.waitFor({ timeout: 60_000 });
    expect(Number(await done.getAttribute('data-receipts'))).toBe(records.length);
    const failing = await page
      .locator('tr[data-record]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-record')));
    const want = records.filter((id) => (manifest.expected(id)?.failing.length ?? 0) > 0);
    expect(failing.sort()).toEqual(want.sort());
    await page.screenshot({ path: `${SHOTS}/verify-era.png`, fullPage: true });
    await page.close();
  }, 90_000);

  it('shows sentinel rounds and failed checks whose evidence downloads verify offline', async () => {
    expect(product.sentinelRounds.length).toBeGreaterThan(0);
    const rounds = (await db.query(`SELECT id, failed FROM sentinel_round ORDER BY id`)).rows;
    const failed = (
      await db.query(
        // Order by the numeric id: a bare `id` here would name the text output column.
        `SELECT id::text AS id, kind, activity_id, node_url FROM sentinel_check WHERE NOT ok
          ORDER BY checked_at DESC, sentinel_check.id DESC`
      )
    ).rows;
    // The devnet's storage faults: one node flips a byte of a payload, another answers 404 for it.
    expect(new Set(failed.map((c) => c.kind))).toEqual(new Set(['mismatch', 'missing']));
    const page = await open('/sentinel');
    await settled(page);
    const shown = await page
      .locator('tr[data-round]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-round')));
    expect(shown.sort()).toEqual(rounds.map((r) => r.id).sort());
    // Every round's VRF draw is checked in the browser, against the sentinel's public key.
    const draws = await page
      .locator('tr[data-round] [data-draw-ok]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-draw-ok')));
    expect(draws).toEqual(rounds.map(() => 'true'));
    // …and a proof altered on its way (a lying API) is refused there, by the same page.
    const lied = await open('/sentinel', 1280);
    await lied.route('**/graphql', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as {
        data?: { sentinelRounds?: Array<{ vrfProof: string }> };
      };
      const r0 = body.data?.sentinelRounds?.[0];
      if (r0?.vrfProof)
        r0.vrfProof = r0.vrfProof.slice(0, -2) + (r0.vrfProof.endsWith('00') ? '01' : '00');
      await route.fulfill({ response: res, json: body });
    });
    await lied.reload();
    await settled(lied);
    const liedDraws = await lied
      .locator('tr[data-round] [data-draw-ok]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-draw-ok')));
    expect(liedDraws.filter((d) => d === 'false')).toHaveLength(1);
    await lied.close();
    // Failed checks, newest first; each links to its record's receipt and its evidence.
    const rows = await page
      .locator('tr[data-check]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-check')));
    expect(rows).toEqual(failed.slice(0, rows.length).map((c) => c.id));
    expect(rows.length).toBe(Math.min(failed.length, 50));
    const first = failed[0]!;
    const row = page.locator(`tr[data-check="${first.id}"]`);
    expect(
      decodeURIComponent((await row.locator('a[href^="/receipt/"]').getAttribute('href'))!)
    ).toBe(`/receipt/${first.activity_id}`);
    const link = row.locator('[data-testid=evidence-link]');
    expect(await link.getAttribute('href')).toBe(`/v1/sentinel/evidence/${first.id}`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`evidence-${first.id}.json`);
    const text = readFileSync((await download.path())!, 'utf8');
    const parsed = parseEvidence(text);
    expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors)).toBe(true);
    if (parsed.ok) {
      expect(parsed.evidence.subject.activityId).toBe(first.activity_id);
      expect(parsed.evidence.request.node).toBe(first.node_url);
      expect(parsed.evidence.claim.kind).toBe(first.kind);
      const report = verifyEvidence(parsed.evidence, pureBackend);
      expect(report.ok, JSON.stringify(report.lines.filter((l) => !l.ok))).toBe(true);
    }
    // The receipt link opens the sampled record's receipt page.
    await row.locator('a[href^="/receipt/"]').click();
    await page.waitForURL(/\/receipt\//, { timeout: 15_000 });
    await settled(page);
    expect(await page.locator('main').innerText()).toContain(first.activity_id);
    await page.close();

    // A database no sentinel wrote to: the page says how to run one.
    const empty = await open('/sentinel');
    await empty.route('**/graphql', (r) =>
      r.fulfill({
        json: {
          data: {
            sentinelRounds: [],
            rounds: { totalCount: 0 },
            all: { totalCount: 0 },
            failed: { totalCount: 0 },
            window: [],
          },
        },
      })
    );
    await empty.reload({ waitUntil: 'networkidle' });
    await settled(empty);
    const words = await empty.locator('main').innerText();
    expect(words).toContain('No sentinel round is recorded yet');
    expect(words).toContain('proofroom sentinel');
    expect(await empty.locator('.state.error').count()).toBe(0);
    await empty.screenshot({ path: `${SHOTS}/sentinel-empty.png`, fullPage: true });
    await empty.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('serves the embed widget alone, frameable, while other pages refuse framing', async () => {
    const era = await one(`SELECT cluster_id, era FROM era_payout ORDER BY era LIMIT 1`);
    const path = `/embed/era/${era.cluster_id}/${era.era}`;
    const html = { headers: { accept: 'text/html' } };
    const res = await fetch(product.url + path, html);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const home = await fetch(product.url + '/', html);
    // Clients that do not ask for HTML get the API's JSON 404 for paths that are not pages.
    expect((await fetch(`${product.url}/v2/nothing`)).status).toBe(404);
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    expect(home.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const page = await open(path, 420);
    await page.waitForFunction(() => document.querySelectorAll('.state.loading').length === 0);
    expect(await page.locator('header.top').count()).toBe(0);
    expect(await page.locator('main.embed').count()).toBe(1);
    expect((await page.locator('main.embed').innerText()).length).toBeGreaterThan(20);
    await page.screenshot({ path: `${SHOTS}/embed-era.png`, fullPage: true });
    // Framed by a dashboard of another origin (localhost vs 127.0.0.1, another port).
    const dashboard = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<h1>Someone's dashboard</h1><iframe src="${product.url + path}" width="600" height="460"></iframe>`
      );
    });
    await new Promise<void>((r) => dashboard.listen(0, 'localhost', r));
    const host = await browser.newPage({ viewport: { width: 700, height: 600 } });
    try {
      await host.goto(`http://localhost:${(dashboard.address() as AddressInfo).port}/`);
      const frame = host.frameLocator('iframe');
      await frame.locator('main.embed').waitFor({ timeout: 15_000 });
      await frame.locator('.state.loading').waitFor({ state: 'detached', timeout: 15_000 });
      await host.screenshot({ path: `${SHOTS}/embed-era-in-iframe.png` });
    } finally {
      await host.close();
      dashboard.close();
      await page.close();
    }
  }, 60_000);

  it('is usable from the keyboard and explains errors and missing data', async () => {
    const honest = await one(`SELECT id, record_id FROM activity_record ORDER BY id LIMIT 1`);
    const page = await open('/');
    await settled(page);
    await page.keyboard.press('Tab'); // skip link
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Skip');
    await page.keyboard.press('Tab'); // brand
    await page.keyboard.press('Tab'); // search box
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.keyboard.type(honest.record_id);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/receipt\//, { timeout: 15_000 });
    await settled(page);
    expect(await page.locator('h1').innerText()).toContain(honest.record_id);
    // Lines open from the keyboard.
    await page.locator('li.line summary').first().focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('li.line > details[open]').count()).toBe(1);
    await page.close();

    const missing = await open('/receipt/no-such-record');
    await settled(missing);
    expect(await missing.locator('h1').innerText()).toBe('Receipt not found');
    await missing.close();

    // The API failing: a readable message and a retry button, not a blank page.
    const broken = await browser.newPage();
    await broken.route('**/graphql', (r) =>
      r.fulfill({
        status: 503,
        json: { errors: [{ message: 'x', extensions: { code: 'TIMEOUT' } }] },
      })
    );
    await broken.goto(`${product.url}/batch/1-1`);
    await broken.locator('.state.error').first().waitFor({ timeout: 15_000 });
    expect(await broken.locator('.state.error').first().innerText()).toContain('took too long');
    expect(await broken.locator('.state.error button').count()).toBeGreaterThan(0);
    await broken.screenshot({ path: `${SHOTS}/error-state.png` });
    await broken.close();
  }, 60_000);

  it("shows the rest of a page when counting a cluster's lines outlasts the API's time limit", async () => {
    // On a large database `checkStats(clusterId:)` over all lines times out (docs/operations.md);
    // the cluster and home pages ask it apart, so only its own table says so.
    const cluster = await one(
      `SELECT cluster_id FROM verification_line l JOIN activity_record a ON a.id = l.subject_id
        WHERE l.subject_kind = 'record' AND NOT l.ok AND NOT l.pending AND NOT l.skipped LIMIT 1`
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.route('**/graphql', (r) => {
      const body = r.request().postData() ?? '';
      if (/query (ClusterLines|HomeClusterTotal)\b/.test(body))
        return r.fulfill({
          status: 200,
          json: { data: null, errors: [{ message: 'x', extensions: { code: 'TIMEOUT' } }] },
        });
      return r.continue();
    });
    try {
      await page.goto(`${product.url}/cluster/${cluster.cluster_id}`);
      await settled(page);
      const failures = page.locator('#failures');
      expect(await page.locator('h2', { hasText: 'Protocol parameters' }).count()).toBe(1);
      expect(await failures.locator('.state.error').innerText()).toContain('took too long');
      expect(await failures.innerText()).toContain('Failed checks by kind, check and reason code');
      await page.goto(`${product.url}/`);
      await settled(page);
      const summary = page.locator(`[id="cluster-${cluster.cluster_id}"]`);
      await summary.getByText('counting them took longer').waitFor({ timeout: 15_000 });
      expect(await summary.innerText()).toContain('Failed checks of cluster');
      expect(await summary.locator('.state.error').count()).toBe(0);
    } finally {
      await page.close();
    }
  }, 60_000);
});
