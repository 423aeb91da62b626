/**
 * "Verify in my browser": fetches the receipt's portable bundle from `/v1/receipts/:id`, re-checks
 * every line in a worker with the verifier's own code, and reports what was checked here, what was
 * taken from the chain, and what was taken from the API, with the time it took. The API's verdicts
 * are never read: only the bundle's data (signed objects, proofs, chain facts).
 * @module
 */
import { useState } from 'react';
import type { Line } from '../../../verifier/lines.ts';
import type { BundleReport } from '../../../verifier/receipt.ts';
import { duration, count } from '../format.ts';
import { verifyPool } from '../verify/pool.ts';
import { type ShownStatus, statusClass } from './lines.tsx';
import {
  type TrustSettings,
  loadTrustSettings,
  saveTrustSettings,
  trustFor,
} from '../verify/trust.ts';

export type LocalCheck =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly phase: string }
  | { readonly status: 'error'; readonly message: string }
  | {
      readonly status: 'done';
      readonly receipt: BundleReport | null;
      readonly malformed: readonly string[] | null;
      readonly fetchMs: number;
      readonly verifyMs: number;
      readonly bytes: number;
      readonly backend: string;
      readonly counts: {
        webCrypto: number;
        pureEd25519: number;
        sr25519: number;
        fallbackAfterStrictReject: number;
      };
    };

/** Fetches and verifies one bundle; resolves to the panel's state. */
export async function checkLocally(
  bundleUrl: string,
  onPhase: (p: string) => void,
  settings: TrustSettings = loadTrustSettings()
): Promise<LocalCheck> {
  const t0 = performance.now();
  onPhase('downloading the bundle');
  let text: string;
  try {
    const res = await fetch(bundleUrl, {
      headers: { accept: 'application/json' },
      cache: 'no-store',
    });
    text = await res.text();
    if (!res.ok) {
      let msg = `the API answered ${res.status}`;
      try {
        const e = JSON.parse(text) as { error?: { message?: string } };
        if (e.error?.message) msg += `: ${e.error.message}`;
      } catch {
        /* not JSON */
      }
      return { status: 'error', message: msg };
    }
  } catch {
    return {
      status: 'error',
      message: 'the bundle could not be downloaded (is the API reachable?)',
    };
  }
  const fetchMs = performance.now() - t0;
  let trust;
  try {
    if (settings.rpcUrl.trim()) onPhase('asking your node');
    trust = await trustFor([text], settings);
  } catch (e) {
    return { status: 'error', message: e instanceof Error ? e.message : String(e) };
  }
  onPhase('re-checking every line');
  try {
    const run = await verifyPool().verify([text], { trust });
    const o = run.outcomes[0]!;
    return {
      status: 'done',
      receipt: 'receipt' in o ? o.receipt : null,
      malformed: 'malformed' in o ? o.malformed : null,
      fetchMs,
      verifyMs: run.ms,
      bytes: text.length,
      backend: run.backend,
      counts: run.counts,
    };
  } catch (e) {
    return { status: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

/** Pairs local lines with the API's: the same check name at the same occurrence. */
export function pairLines<T extends { check: string }>(
  api: readonly T[],
  local: readonly Line[]
): Array<Line | null> {
  const seen = new Map<string, number>();
  const byCheck = new Map<string, Line[]>();
  for (const l of local) byCheck.set(l.check, [...(byCheck.get(l.check) ?? []), l]);
  return api.map((a) => {
    const n = seen.get(a.check) ?? 0;
    seen.set(a.check, n + 1);
    return byCheck.get(a.check)?.[n] ?? null;
  });
}

export function VerifyPanel(props: {
  state: LocalCheck;
  onRun: () => void;
  apiOk: boolean;
  apiPendingSteps: readonly string[];
  disagreements: number;
  bundleUrl: string;
}) {
  const s = props.state;
  const running = s.status === 'running';
  const cls = s.status === 'done' ? statusClass(s.receipt ? s.receipt.status : 'fail') : '';
  return (
    <section className={`verify-panel ${cls}`} aria-labelledby="verify-h" aria-live="polite">
      <h2 id="verify-h">Verify in my browser</h2>
      <p>
        Downloads this receipt’s bundle (<a href={props.bundleUrl}>JSON</a>) and re-checks every
        line here, with the same verifier code Proof Room runs, without reading any verdict of the
        API.
      </p>
      <TrustForm />
      <button type="button" onClick={props.onRun} disabled={running} data-testid="verify-button">
        {running
          ? `Checking… (${s.phase})`
          : s.status === 'done'
            ? 'Check again'
            : 'Verify in my browser'}
      </button>
      {s.status === 'error' && (
        <p className="bad-text" role="alert">
          The check could not run: {s.message}.
        </p>
      )}
      {s.status === 'done' && s.malformed && (
        <div className="bad-text" role="alert" data-testid="local-verdict" data-ok="false">
          <p>
            <b>✗ The bundle is malformed</b>, so nothing in it can be trusted:
          </p>
          <ul>
            {s.malformed.slice(0, 12).map((m) => (
              <li key={m} className="mono">
                {m}
              </li>
            ))}
          </ul>
        </div>
      )}
      {s.status === 'done' && s.receipt && (
        <LocalVerdict
          check={s}
          receipt={s.receipt}
          apiOk={props.apiOk}
          apiPendingSteps={props.apiPendingSteps}
          disagreements={props.disagreements}
        />
      )}
    </section>
  );
}

/** The mark of a line status in the chain step's list. */
const SYMBOL: Record<ShownStatus, string> = { pass: '✓', fail: '✗', pending: '◔', skipped: '⊘' };

/** "Check against my node" and the authority set, remembered in this browser. */
export function TrustForm() {
  const [t, setT] = useState<TrustSettings>(loadTrustSettings);
  const update = (next: TrustSettings) => {
    setT(next);
    saveTrustSettings(next);
  };
  return (
    <div className="trust-form">
      <label>
        Check against my node{' '}
        <input
          type="url"
          placeholder="https://my-node.example:9944 (remembered in this browser)"
          value={t.rpcUrl}
          onChange={(e) => update({ ...t, rpcUrl: e.target.value })}
          data-testid="trust-rpc"
        />
      </label>
      <details>
        <summary>…or pin with a GRANDPA authority set</summary>
        <textarea
          rows={3}
          placeholder='{"setId": "0", "authorities": ["0x…", "0x…"]}'
          value={t.authorities}
          onChange={(e) => update({ ...t, authorities: e.target.value })}
          data-testid="trust-authorities"
        />
      </details>
    </div>
  );
}

/** What the chain facts of a checked bundle were proven against, in words. */
export function ChainStatus(props: { receipt: BundleReport }) {
  const c = props.receipt.chain;
  const lines = props.receipt.lines.filter((l) => l.step === 'chain');
  const bad = lines.filter((l) => l.status !== 'pass');
  return (
    <div data-testid="chain-status" data-pinned={String(c.pinned)} data-proven={String(c.proven)}>
      {c.pinned ? (
        <p className="ok-text">
          <b>✓ Chain facts proven and pinned</b> to {c.pinnedBy}: block headers hash to the cited
          blocks, storage proofs give the events, GRANDPA justifications or your trust root give
          finality.
        </p>
      ) : c.proven ? (
        <p className="pending-text">
          <b>◔ Chain facts consistent with the bundle’s own proofs, not pinned.</b> Nothing you
          trust vouched for these blocks, so the chain facts rest on this API’s word. Enter your
          node above (or an authority set) and check again to pin them.
        </p>
      ) : (
        <p className="bad-text">
          <b>✗ The bundle’s chain facts are not what its proofs show</b> (
          {bad.map((l) => `${l.check}: ${l.code}`).join(', ')}).
        </p>
      )}
      <ul className="chain-lines">
        {lines.map((l) => (
          <li key={l.check} data-check={l.check} data-status={l.status}>
            <span className={`${statusClass(l.status)}-text`}>{SYMBOL[l.status]}</span>{' '}
            <code>{l.check}</code>
            {l.code ? ` ${l.code}` : ''}
          </li>
        ))}
      </ul>
      {c.unproven.length > 0 && (
        <p className="muted">On this API’s word (no proof carried yet): {c.unproven.join('; ')}.</p>
      )}
    </div>
  );
}

function LocalVerdict(props: {
  check: Extract<LocalCheck, { status: 'done' }>;
  receipt: BundleReport;
  apiOk: boolean;
  apiPendingSteps: readonly string[];
  disagreements: number;
}) {
  const s = props.check;
  const r = props.receipt;
  const decided = (l: Line) => l.status !== 'pending' && l.status !== 'skipped';
  const checked = r.lines.filter((l) => l.basis === 'checked' && decided(l));
  const trusted = r.lines.filter((l) => l.basis === 'trusted' && decided(l));
  const waiting = r.lines.filter((l) => l.status === 'pending');
  const moot = r.lines.filter((l) => l.status === 'skipped');
  const names = (lines: readonly Line[]) => [...new Set(lines.map((l) => l.check))].join(', ');
  return (
    <div data-testid="local-verdict" data-ok={String(r.ok)} data-status={r.status}>
      <p className={`${statusClass(r.status)}-text`}>
        <b>
          {r.status === 'pass' && !r.chain.pinned
            ? `◔ All ${r.lines.length} lines hold in your browser; the chain facts are not pinned`
            : r.status === 'pass'
              ? `✓ All ${r.lines.length} lines hold in your browser`
              : r.status === 'fail'
                ? `✗ ${r.failed} of ${r.lines.length} lines fail in your browser`
                : r.status === 'skipped'
                  ? `⊘ ${r.skipped} of ${r.lines.length} lines skipped: Root skipped the era’s payout; none fails or waits`
                  : `◔ ${r.pending} of ${r.lines.length} lines wait for an input; none fails`}
        </b>{' '}
        <span data-testid="verify-time">
          ({duration(s.verifyMs)} to verify, {duration(s.fetchMs)} to download {count(s.bytes)}{' '}
          bytes)
        </span>
      </p>
      {props.disagreements > 0 && (
        <p className="bad-text" role="alert" data-testid="disagreement">
          <b>
            Your browser disagrees with the API on {props.disagreements} line
            {props.disagreements > 1 ? 's' : ''}
          </b>{' '}
          {props.apiOk ? '(the API reported this receipt as passing). ' : '. '}
          Trust the local result: it was recomputed from the signed data the API served, and the
          lines that differ are marked below.
        </p>
      )}
      <h3>What your browser checked, and what it took on someone’s word</h3>
      <ul className="trust">
        <li>
          <b>Recomputed here</b> ({checked.length} lines): signatures ({s.counts.webCrypto} ed25519
          by WebCrypto, {s.counts.pureEd25519 + s.counts.fallbackAfterStrictReject} ed25519 and{' '}
          {s.counts.sr25519} sr25519 by the pure verifier), hashes, ids, the MMR path, the anchor’s
          commitment, the vote tally, payout proofs and sums.
        </li>
        <li>
          <b>On the chain’s word</b> ({trusted.length} lines, marked{' '}
          <span className="basis trusted">trusted</span>
          {trusted.length > 0 ? `: ${names(trusted)}` : ''}): finality of the cited blocks and
          payout outcomes the runtime recorded.
        </li>
        {waiting.length > 0 && (
          <li>
            <b>Waiting</b> ({waiting.length} lines: {names(waiting)}): an input is not there yet
            {props.apiPendingSteps.length > 0
              ? ` (the API waits on the same steps: ${props.apiPendingSteps.join(', ')})`
              : ''}
            ; these lines are neither passed nor failed.
          </li>
        )}
        {moot.length > 0 && (
          <li>
            <b>Skipped</b> ({moot.length} lines: {names(moot)}): Root skipped the era’s payout
            (force_skip_inspection), so no one was charged or rewarded for it and these checks do
            not apply; they are neither passed nor failed.
          </li>
        )}
        <li>
          <b>Chain facts</b>: proven against the bundle’s block headers, storage proofs and GRANDPA
          justifications (the chain step below)
          {props.receipt.chain.pinned
            ? `, pinned by ${props.receipt.chain.pinnedBy}.`
            : ', but not pinned: they rest on this API’s word until you give a node or an authority set you trust.'}
        </li>
      </ul>
      <ChainStatus receipt={r} />
      <p className="muted">Signature backend: {s.backend}.</p>
    </div>
  );
}
