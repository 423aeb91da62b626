/**
 * "Verify in my browser": fetches the receipt's portable bundle from `/v1/receipts/:id`, re-checks
 * every line in a worker with the verifier's own code, and reports what was checked here, what was
 * taken from the chain, and what was taken from the API, with the time it took. The API's verdicts
 * are never read: only the bundle's data (signed objects, proofs, chain facts).
 * @module
 */
import type { Line } from '../../../verifier/lines.ts';
import type { Receipt } from '../../../verifier/receipt.ts';
import { duration, count } from '../format.ts';
import { verifyPool } from '../verify/pool.ts';

export type LocalCheck =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly phase: string }
  | { readonly status: 'error'; readonly message: string }
  | {
      readonly status: 'done';
      readonly receipt: Receipt | null;
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
  onPhase: (p: string) => void
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
  onPhase('re-checking every line');
  try {
    const run = await verifyPool().verify([text]);
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
  apiPending: readonly string[];
  disagreements: number;
  bundleUrl: string;
}) {
  const s = props.state;
  const running = s.status === 'running';
  const cls = s.status === 'done' ? (s.receipt?.ok ? 'ok' : 'bad') : '';
  return (
    <section className={`verify-panel ${cls}`} aria-labelledby="verify-h" aria-live="polite">
      <h2 id="verify-h">Verify in my browser</h2>
      <p>
        Downloads this receipt’s bundle (<a href={props.bundleUrl}>JSON</a>) and re-checks every
        line here, with the same verifier code Proof Room runs, without reading any verdict of the
        API.
      </p>
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
        <div data-testid="local-verdict" data-ok={String(s.receipt.ok)}>
          <p className={s.receipt.ok ? 'ok-text' : 'bad-text'}>
            <b>
              {s.receipt.ok
                ? `✓ All ${s.receipt.lines.length} lines hold in your browser`
                : `✗ ${s.receipt.failed} of ${s.receipt.lines.length} lines fail in your browser`}
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
          {props.apiPending.length > 0 && (
            <p className="muted">
              The API lists these steps as pending (the era is not paid yet):{' '}
              {props.apiPending.join(', ')}. The bundle cannot prove them either.
            </p>
          )}
          <h3>What your browser checked, and what it took on trust</h3>
          <ul className="trust">
            <li>
              <b>Checked here</b> ({s.receipt.lines.filter((l) => l.basis === 'checked').length}{' '}
              lines): the grant’s and the record’s signatures ({s.counts.webCrypto} ed25519 by
              WebCrypto, {s.counts.pureEd25519 + s.counts.fallbackAfterStrictReject} ed25519 and{' '}
              {s.counts.sr25519} sr25519 by the pure verifier), the record’s hashes and id, the MMR
              path to the batch root, the anchor’s commitment, the quorum arithmetic, the payout
              proofs and the era’s sums.
            </li>
            <li>
              <b>Taken from the chain</b> (
              {s.receipt.lines.filter((l) => l.basis === 'trusted').length} lines, marked{' '}
              <span className="basis trusted">trusted</span>): that the anchoring block is final,
              the validator set, and votes as signed extrinsics the runtime accepted.
            </li>
            <li>
              <b>Taken from the API</b>: the bundle’s data itself, i.e. which chain blocks and
              events it cites. Altered data fails the checks above; to be independent of this API,
              compare the cited block hashes with your own node.
            </li>
          </ul>
          <p className="muted">Signature backend: {s.backend}.</p>
        </div>
      )}
    </section>
  );
}
