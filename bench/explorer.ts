/**
 * Explorer benchmarks, measured in Debian's Chromium against the running product (the devnet's
 * fault scenario with 1,000 records indexed into the embedded PGlite, served by the API process):
 *
 * - re-verifying 1,000 receipts in the browser (`/verify`): the bundles are downloaded once, then
 *   verified on the page's worker pool; the first verification is the cold one (workers just
 *   started, code not yet optimised), the next ones warm. WebCrypto Ed25519 against the pure
 *   verifier in the same workers (the baseline). Target: < 1 s for 1,000.
 * - the receipt page's load time on localhost: from navigation start until every line of the
 *   receipt is on screen and its buttons respond, with an empty cache (a new browser context) and
 *   with a warm one; the baseline is the explorer's shell alone (the not-found page, no API data).
 *   Target: < 1.5 s to interactive.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../test/helpers/browser.ts';
import { startProduct } from '../test/helpers/explorer-product.ts';
import { type Reporter, percentiles } from './lib.ts';

const RECORDS = 1000;
const WARM_RUNS = 5;
const LOADS = 15;

async function verifyRuns(
  browser: Browser,
  url: string,
  webCrypto: boolean,
  light = false
): Promise<{
  cold: number;
  warm: number[];
  receipts: number;
  fetchMs: number;
  bytes: number;
  backend: string;
}> {
  const page = await browser.newPage();
  try {
    await page.goto(
      `${url}/verify?limit=${RECORDS}${webCrypto ? '' : '&webcrypto=0'}${light ? '&proofs=0' : ''}`,
      { waitUntil: 'networkidle' }
    );
    await page.click('[data-testid=verify-many-button]');
    const done = page.locator('[data-testid=verify-many-done][data-run="1"]');
    await done.waitFor({ timeout: 300_000 });
    const cold = Number(await done.getAttribute('data-verify-ms'));
    const receipts = Number(await done.getAttribute('data-receipts'));
    const fetchMs = Number(await done.getAttribute('data-fetch-ms'));
    const backend = (await done.getAttribute('data-backend')) ?? '';
    const bytes = Number(await done.getAttribute('data-bytes'));
    const warm: number[] = [];
    for (let i = 2; i <= WARM_RUNS + 1; i++) {
      await page.click('[data-testid=verify-again-button]');
      const el = page.locator(`[data-testid=verify-many-done][data-run="${i}"]`);
      await el.waitFor({ timeout: 120_000 });
      warm.push(Number(await el.getAttribute('data-verify-ms')));
    }
    return { cold, warm, receipts, fetchMs, bytes, backend };
  } finally {
    await page.close();
  }
}

/**
 * Milliseconds from navigation start until `selector` is in the page, timed inside the page (a
 * MutationObserver installed before any script runs), then until the main thread is free.
 */
async function loadTime(page: Page, url: string, selector: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator(selector).first().waitFor({ timeout: 30_000 });
  return page.evaluate('window.__shown') as Promise<number>;
}

/** Installs the observer in every page of a context (a string: tsx would rename functions). */
async function observe(context: BrowserContext, selector: string): Promise<void> {
  await context.addInitScript(`
    window.__shown = new Promise((resolve) => {
      const mo = new MutationObserver(() => {
        if (!document.querySelector(${JSON.stringify(selector)})) return;
        mo.disconnect();
        // Interactive: a task posted once the content is there runs (no long task in the way).
        setTimeout(() => resolve(performance.now()), 0);
      });
      mo.observe(document, { childList: true, subtree: true });
    });`);
}

async function loads(
  browser: Browser,
  url: string,
  selector: string,
  cold: boolean
): Promise<number[]> {
  const out: number[] = [];
  let context = await browser.newContext();
  await observe(context, selector);
  let page = await context.newPage();
  for (let i = 0; i < LOADS + 1; i++) {
    if (cold) {
      await context.close();
      context = await browser.newContext();
      await observe(context, selector);
      page = await context.newPage();
    }
    const ms = await loadTime(page, url, selector);
    if (i > 0 || cold) out.push(ms); // the warm series skips the load that fills the cache
  }
  await context.close();
  return out;
}

/**
 * Bundle sizes over every record: with proofs, light (`?proofs=0`), and the proofs of each era
 * counted once (the distinct headers, storage reads and justifications its receipts cite), as a
 * batch download sharing them would carry.
 */
async function bundleSizes(url: string): Promise<{
  receipts: number;
  eras: number;
  full: number;
  light: number;
  sharedProofs: number;
}> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const r = (await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ activityRecords(limit: 1000, offset: ${offset}, orderBy: [id_ASC]) { id } }`,
      }),
    }).then((x) => x.json())) as { data: { activityRecords: Array<{ id: string }> } };
    ids.push(...r.data.activityRecords.map((a) => a.id));
    if (r.data.activityRecords.length < 1000) break;
  }
  let full = 0;
  let light = 0;
  const perEra = new Map<string, Map<string, string>>();
  for (let i = 0; i < ids.length; i += 8) {
    await Promise.all(
      ids.slice(i, i + 8).map(async (id) => {
        const u = `${url}/v1/receipts/${encodeURIComponent(id)}`;
        const [f, l] = await Promise.all([
          fetch(u).then((x) => x.text()),
          fetch(`${u}?proofs=0`).then((x) => x.text()),
        ]);
        full += f.length;
        light += l.length;
        const b = JSON.parse(f) as {
          attestation: { clusterId: string; era: number };
          proofs: {
            headers: string[];
            storage: Array<{ block: string; nodes: string[] }>;
            justifications: Array<{ justification: string }>;
            extrinsics?: Array<{ extrinsic: string; nodes: string[] }>;
          };
        };
        const key = `${b.attestation.clusterId}-${b.attestation.era}`;
        const seen = perEra.get(key) ?? new Map<string, string>();
        perEra.set(key, seen);
        for (const h of b.proofs.headers) seen.set(h, h);
        for (const st of b.proofs.storage) for (const n of st.nodes) seen.set(n, n);
        for (const j of b.proofs.justifications) seen.set(j.justification, j.justification);
        for (const x of b.proofs.extrinsics ?? []) {
          seen.set(x.extrinsic, x.extrinsic);
          for (const n of x.nodes) seen.set(n, n);
        }
      })
    );
  }
  let sharedProofs = 0;
  for (const seen of perEra.values()) for (const v of seen.values()) sharedProofs += v.length + 3;
  return { receipts: ids.length, eras: perEra.size, full, light, sharedProofs };
}

export async function run(report: Reporter): Promise<void> {
  const t0 = performance.now();
  const product = await startProduct('pglite', {
    seed: 'explorer-bench',
    records: RECORDS,
    // The fault scenario's era-not-paid needs three eras (a later one is paid instead).
    eras: 3,
    recordsPerBatch: 50,
  });
  console.log(
    `   product: ${RECORDS} records indexed into PGlite and served in ${((performance.now() - t0) / 1000).toFixed(1)} s`
  );
  const browser = await launchChromium();
  try {
    const version = browser.version();
    const pure = await verifyRuns(browser, product.url, false);
    const wc = await verifyRuns(browser, product.url, true);
    const median = (xs: number[]) => percentiles(xs, [50]).p50!;
    const rate = (ms: number, n: number) => (n / ms) * 1000;
    const pureWarm = median(pure.warm);
    report({
      name: `re-verify ${pure.receipts} receipts, pure verifier in workers, warm (baseline)`,
      value: rate(pureWarm, pure.receipts),
      unit: 'receipts/s',
      note: `${Math.round(pureWarm)} ms median of ${WARM_RUNS}; cold ${Math.round(pure.cold)} ms; Chromium ${version}`,
    });
    for (const [label, ms] of [
      ['cold', wc.cold],
      ['warm', median(wc.warm)],
    ] as const) {
      report({
        name: `re-verify ${wc.receipts} receipts, WebCrypto Ed25519 in workers, ${label}`,
        value: ms,
        unit: 'ms',
        ratio: { against: 'pure, warm', value: ms / pureWarm },
        note: `${Math.round(rate(ms, wc.receipts)).toLocaleString('en-US')} receipts/s; target < 1,000 ms${label === 'warm' ? `; runs ${wc.warm.map(Math.round).join(', ')} ms` : ''}`,
      });
    }
    const light = await verifyRuns(browser, product.url, true, true);
    report({
      name: `re-verify ${light.receipts} light bundles (?proofs=0, chain facts unproven), WebCrypto, warm`,
      value: median(light.warm),
      unit: 'ms',
      ratio: { against: 'pure, warm', value: median(light.warm) / pureWarm },
      note: 'what the chain proofs cost: compare with the WebCrypto warm figure above',
    });
    const sizes = await bundleSizes(product.url);
    report({
      name: `bundle size with proofs, per receipt (${sizes.receipts} receipts, ${sizes.eras} eras)`,
      value: sizes.full / sizes.receipts,
      unit: 'bytes',
      ratio: { against: 'light bundle', value: sizes.full / sizes.light },
      note: `light (no proofs) ${Math.round(sizes.light / sizes.receipts)} bytes per receipt`,
    });
    report({
      name: "bundle size with each era's proofs deduplicated, per receipt",
      value: (sizes.light + sizes.sharedProofs) / sizes.receipts,
      unit: 'bytes',
      ratio: { against: 'light bundle', value: (sizes.light + sizes.sharedProofs) / sizes.light },
      note: `target <= 2x; the eras' distinct headers, reads and justifications: ${Math.round(sizes.sharedProofs / 1024)} KiB`,
    });
    report({
      name: `download ${wc.receipts} bundles from /v1/receipts/:id (8 in flight)`,
      value: wc.fetchMs,
      unit: 'ms',
      note: `${(wc.bytes / 2 ** 20).toFixed(1)} MiB; not part of the verification figure`,
    });

    const receiptId = (
      await fetch(`${product.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ activityRecords(limit: 1, orderBy: [id_ASC]) { id } }' }),
      }).then((r) => r.json() as Promise<{ data: { activityRecords: Array<{ id: string }> } }>)
    ).data.activityRecords[0]!.id;
    const shellCold = await loads(browser, `${product.url}/no/such/page`, 'main h1', true);
    const shellP = percentiles(shellCold, [50, 95]);
    report({
      name: 'explorer shell (no API data), empty cache (baseline)',
      value: shellP.p50!,
      unit: 'ms p50',
      note: `p95 ${Math.round(shellP.p95!)} ms over ${LOADS} loads`,
    });
    for (const cold of [true, false]) {
      const ms = await loads(browser, `${product.url}/receipt/${receiptId}`, 'li.line', cold);
      const p = percentiles(ms, [50, 95]);
      report({
        name: `receipt page to interactive, ${cold ? 'empty cache' : 'warm cache'}`,
        value: p.p50!,
        unit: 'ms p50',
        ratio: { against: 'shell, empty cache', value: p.p50! / shellP.p50! },
        note: `p95 ${Math.round(p.p95!)} ms, max ${Math.round(Math.max(...ms))} ms over ${LOADS} loads; target < 1,500 ms`,
      });
    }
  } finally {
    await browser.close();
    await product.close();
  }
}
