/**
 * Re-verifies many receipts in the browser: every record of an era or a batch (or listed ids),
 * bundles downloaded from `/v1/receipts/:id`, checked on a pool of workers (WebCrypto Ed25519 where
 * the browser has it). Reports each failing receipt and the time taken, split into download and
 * verification. `?webcrypto=0` forces the pure verifier, for comparison.
 * @module
 */
import { useEffect, useState } from 'react';
import { type ApiFailure, bundleUrl, gql } from '../api.ts';
import { Empty, ErrorBox, KeyValues, Page, Section, Table } from '../components/basics.tsx';
import { BatchLink, ClusterLink, EraLink, ReceiptLink } from '../components/links.tsx';
import { count, duration } from '../format.ts';
import type { PoolRun } from '../verify/pool.ts';
import type { TrustRoots } from '../../../verifier/chain.ts';
import { TrustForm } from '../components/verify-panel.tsx';
import { verifyPool } from '../verify/pool.ts';
import { loadTrustSettings, trustFor } from '../verify/trust.ts';
import type { VerifyOutcome } from '../verify/run.ts';

interface Target {
  clusterId?: string;
  era?: number;
  batchId?: string;
  limit: number;
}

type State =
  | { status: 'idle' }
  | { status: 'running'; phase: string; done: number; total: number }
  | { status: 'error'; error: ApiFailure | Error }
  | {
      status: 'done';
      ids: string[];
      texts: string[];
      trust: TrustRoots;
      /** Verification runs over these bundles so far (the first one is the cold run). */
      runs: number;
      run: PoolRun;
      fetchMs: number;
      bytes: number;
      downloadFailures: Array<{ id: string; reason: string }>;
    };

const PAGE = 1000;

async function listIds(t: Target): Promise<string[]> {
  const where: Record<string, unknown> = {};
  if (t.clusterId) where.clusterId_eq = t.clusterId;
  if (t.era !== undefined) where.era_eq = t.era;
  if (t.batchId) where.batchId_eq = t.batchId;
  const ids: string[] = [];
  let after: string | null = null;
  while (ids.length < t.limit) {
    const d: {
      activityRecordsConnection: {
        edges: Array<{ node: { id: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = await gql(
      `query Ids($where: ActivityRecordWhereInput, $first: Int!, $after: String) {
        activityRecordsConnection(where: $where, orderBy: [id_ASC], first: $first, after: $after) {
          edges { node { id } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { where, first: Math.min(PAGE, t.limit - ids.length), after }
    );
    const c = d.activityRecordsConnection;
    ids.push(...c.edges.map((e) => e.node.id));
    if (!c.pageInfo.hasNextPage || !c.pageInfo.endCursor) break;
    after = c.pageInfo.endCursor;
  }
  return ids;
}

/** Downloads bundle texts with a few requests in flight. */
async function download(
  ids: string[],
  onProgress: (done: number) => void,
  light = false
): Promise<{ texts: Array<string | null>; failures: Array<{ id: string; reason: string }> }> {
  const texts: Array<string | null> = new Array(ids.length).fill(null);
  const failures: Array<{ id: string; reason: string }> = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= ids.length) return;
      try {
        const res = await fetch(bundleUrl(ids[i]!) + (light ? '?proofs=0' : ''), {
          headers: { accept: 'application/json' },
        });
        const text = await res.text();
        if (res.ok) texts[i] = text;
        else failures.push({ id: ids[i]!, reason: `HTTP ${res.status}` });
      } catch {
        failures.push({ id: ids[i]!, reason: 'network error' });
      }
      if (++done % 50 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { texts, failures };
}

export default function VerifyMany(props: { query: URLSearchParams }) {
  const q = props.query;
  const target: Target = {
    ...(q.get('cluster') ? { clusterId: q.get('cluster')! } : {}),
    ...(q.get('era') !== null && /^\d+$/.test(q.get('era')!) ? { era: Number(q.get('era')) } : {}),
    ...(q.get('batch') ? { batchId: q.get('batch')! } : {}),
    limit: Math.min(100_000, Math.max(1, Number(q.get('limit') ?? 10_000) || 10_000)),
  };
  const webCrypto = q.get('webcrypto') !== '0';
  // ?proofs=0: the light bundles, whose chain facts rest on the API's word (for comparison).
  const light = q.get('proofs') === '0';
  const [state, setState] = useState<State>({ status: 'idle' });
  useEffect(() => verifyPool().warm(), []);
  const scoped = target.clusterId !== undefined || target.batchId !== undefined;

  const start = async () => {
    setState({ status: 'running', phase: 'listing records', done: 0, total: 0 });
    try {
      const ids = await listIds(target);
      const t0 = performance.now();
      setState({ status: 'running', phase: 'downloading bundles', done: 0, total: ids.length });
      const { texts, failures } = await download(
        ids,
        (done) =>
          setState({ status: 'running', phase: 'downloading bundles', done, total: ids.length }),
        light
      );
      const fetchMs = performance.now() - t0;
      const got = ids.filter((_, i) => texts[i] !== null);
      const bodies = texts.filter((t): t is string => t !== null);
      const settings = loadTrustSettings();
      if (settings.rpcUrl.trim())
        setState({ status: 'running', phase: 'asking your node', done: 0, total: got.length });
      const trust = await trustFor(bodies, settings);
      setState({ status: 'running', phase: 'verifying', done: 0, total: got.length });
      const run = await verifyPool().verify(bodies, { webCrypto, trust });
      setState({
        status: 'done',
        ids: got,
        texts: bodies,
        trust,
        runs: 1,
        run,
        fetchMs,
        bytes: bodies.reduce((a, t) => a + t.length, 0),
        downloadFailures: failures,
      });
    } catch (e) {
      setState({ status: 'error', error: e instanceof Error ? e : new Error(String(e)) });
    }
  };

  /** Verifies the same downloaded bundles again (measures verification alone, warm). */
  const again = async () => {
    if (state.status !== 'done') return;
    const prev = state;
    setState({ status: 'running', phase: 'verifying again', done: 0, total: prev.texts.length });
    try {
      const run = await verifyPool().verify(prev.texts, { webCrypto, trust: prev.trust });
      setState({ ...prev, run, runs: prev.runs + 1 });
    } catch (e) {
      setState({ status: 'error', error: e instanceof Error ? e : new Error(String(e)) });
    }
  };

  const title =
    target.batchId !== undefined
      ? `Verify batch ${target.batchId} in my browser`
      : target.era !== undefined
        ? `Verify era ${target.era} in my browser`
        : 'Verify receipts in my browser';
  return (
    <Page title={title} kicker="Batch verification">
      <KeyValues
        rows={[
          ['Cluster', target.clusterId ? <ClusterLink id={target.clusterId} /> : 'any'],
          [
            'Era',
            target.era !== undefined ? (
              <EraLink clusterId={target.clusterId} era={target.era} />
            ) : (
              'any'
            ),
          ],
          ['Batch', target.batchId ? <BatchLink id={target.batchId} /> : 'any'],
          ['At most', count(target.limit)],
          ['Signatures', webCrypto ? 'WebCrypto Ed25519 where available' : 'pure verifier only'],
        ]}
      />
      {!scoped && (
        <p className="muted">
          No cluster or batch chosen: this checks every indexed record up to the limit. Open it from
          an era or a batch page to check just those.
        </p>
      )}
      <p>
        Every receipt’s bundle is downloaded and every line re-checked here, on {verifyPool().size}{' '}
        worker
        {verifyPool().size > 1 ? 's' : ''}, without reading the API’s verdicts.
      </p>
      <TrustForm />
      <button
        type="button"
        onClick={() => void start()}
        disabled={state.status === 'running'}
        data-testid="verify-many-button"
      >
        {state.status === 'running'
          ? `${state.phase}${state.total ? ` (${count(state.done)} of ${count(state.total)})` : ''}…`
          : state.status === 'done'
            ? 'Check again'
            : 'Start'}
      </button>
      {state.status === 'done' && (
        <button
          type="button"
          className="secondary"
          onClick={() => void again()}
          data-testid="verify-again-button"
        >
          Verify the same bundles again
        </button>
      )}
      {state.status === 'error' && <ErrorBox error={state.error} retry={() => void start()} />}
      {state.status === 'done' && <Results state={state} />}
    </Page>
  );
}

function Results(props: { state: Extract<State, { status: 'done' }> }) {
  const { run, ids } = props.state;
  // Malformed bundles and receipts with a failed line fail; receipts whose lines only wait (an era
  // not paid yet, the GAR service) or whose era Root skipped are neither held nor failed.
  const failed = run.outcomes.filter((o) => !('receipt' in o) || o.receipt.status === 'fail');
  const waiting = run.outcomes.filter((o) => 'receipt' in o && o.receipt.status === 'pending');
  const skipped = run.outcomes.filter((o) => 'receipt' in o && o.receipt.status === 'skipped');
  const held = run.outcomes.length - failed.length - waiting.length - skipped.length;
  const unpinned = run.outcomes.filter(
    (o) => 'receipt' in o && o.receipt.status === 'pass' && !o.receipt.chain.pinned
  ).length;
  const perSecond = run.ms > 0 ? (run.outcomes.length / run.ms) * 1000 : 0;
  return (
    <div
      data-testid="verify-many-done"
      data-receipts={run.outcomes.length}
      data-failed={failed.length}
      data-waiting={waiting.length}
      data-skipped={skipped.length}
      data-unpinned={unpinned}
      data-verify-ms={run.ms.toFixed(1)}
      data-run={props.state.runs}
      data-fetch-ms={props.state.fetchMs.toFixed(1)}
      data-bytes={props.state.bytes}
      data-backend={run.backend}
      data-timings={JSON.stringify(run.timings)}
      data-counts={JSON.stringify(run.counts)}
    >
      <Section title="Result" id="result">
        <p
          className={
            failed.length
              ? 'bad-text'
              : waiting.length
                ? 'pending-text'
                : skipped.length
                  ? 'skipped-text'
                  : 'ok-text'
          }
        >
          <b>
            {count(run.outcomes.length)} receipts re-verified in {duration(run.ms)} (
            {count(Math.round(perSecond))} receipts/s): {count(held)} hold, {count(failed.length)}{' '}
            fail{waiting.length > 0 ? `, ${count(waiting.length)} wait for an input` : ''}
            {skipped.length > 0
              ? `, ${count(skipped.length)} skipped (Root skipped their era)`
              : ''}
            .
          </b>
        </p>
        {unpinned > 0 && (
          <p className="pending-text" data-testid="unpinned-note">
            {count(unpinned)} of the receipts that hold prove their chain facts only against the
            bundles’ own proofs: nothing you trust pinned them, so they rest on this API’s word.
            Enter your node (or an authority set) above and check again.
          </p>
        )}
        <KeyValues
          rows={[
            ['Download', `${duration(props.state.fetchMs)} for ${count(props.state.bytes)} bytes`],
            [
              'Verification',
              `${duration(run.ms)} on ${run.workers} worker${run.workers > 1 ? 's' : ''}`,
            ],
            ['ed25519 by WebCrypto', count(run.counts.webCrypto)],
            [
              'ed25519 by the pure verifier',
              count(run.counts.pureEd25519 + run.counts.fallbackAfterStrictReject),
            ],
            ['sr25519', count(run.counts.sr25519)],
            ['Receipts re-run after a failed signature', count(run.reruns)],
          ]}
        />
        {props.state.downloadFailures.length > 0 && (
          <p className="bad-text">
            {props.state.downloadFailures.length} bundles could not be downloaded (first:{' '}
            {props.state.downloadFailures[0]!.id}, {props.state.downloadFailures[0]!.reason}).
          </p>
        )}
      </Section>
      <Section title="Receipts that fail" id="failing">
        {failed.length === 0 ? (
          <Empty>
            {waiting.length + skipped.length > 0 ? 'No receipt fails.' : 'Every receipt holds.'}
          </Empty>
        ) : (
          <OutcomeTable
            caption="Receipts with at least one failing line, as your browser found them"
            status="fail"
            outcomes={failed}
            ids={ids}
          />
        )}
      </Section>
      {waiting.length > 0 && (
        <Section title="Receipts that wait" id="waiting">
          <OutcomeTable
            caption="Receipts with no failing line but lines that wait for an input (not verified yet)"
            status="pending"
            outcomes={waiting}
            ids={ids}
          />
        </Section>
      )}
      {skipped.length > 0 && (
        <Section title="Receipts of skipped eras" id="skipped">
          <OutcomeTable
            caption="Receipts with no failing or waiting line whose era Root skipped (force_skip_inspection): no one was charged or rewarded, so the settlement checks do not apply"
            status="skipped"
            outcomes={skipped}
            ids={ids}
          />
        </Section>
      )}
    </div>
  );
}

/** What the checks column of an outcome table lists. */
const CHECKS_COLUMN = {
  fail: 'Failing checks',
  pending: 'Waiting checks',
  skipped: 'Skipped checks',
} as const;

/** Receipts with their failing (or waiting, or skipped) checks; a malformed bundle says why. */
function OutcomeTable(props: {
  caption: string;
  status: keyof typeof CHECKS_COLUMN;
  outcomes: readonly VerifyOutcome[];
  ids: readonly string[];
}) {
  return (
    <Table caption={props.caption}>
      <thead>
        <tr>
          <th>Receipt</th>
          <th>{CHECKS_COLUMN[props.status]}</th>
        </tr>
      </thead>
      <tbody>
        {props.outcomes.slice(0, 500).map((o) => (
          <tr
            key={o.index}
            className={props.status === 'fail' ? 'bad-row' : undefined}
            data-record={'receipt' in o ? o.receipt.recordId : ''}
          >
            <td>
              <ReceiptLink id={props.ids[o.index]!} />
            </td>
            <td className="mono">
              {'receipt' in o
                ? o.receipt.lines
                    .filter((l) => l.status === props.status)
                    .map((l) => `${l.check} ${l.code ?? ''}`)
                    .join(', ')
                : `malformed bundle: ${o.malformed[0] ?? ''}`}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
