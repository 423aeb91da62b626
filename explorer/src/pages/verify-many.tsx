/**
 * Re-verifies many receipts in the browser: every record of an era or a batch (or listed ids).
 * The bundles come in one `POST /v1/receipts` per 10,000 ids, streamed as NDJSON, and are checked
 * on a pool of workers (WebCrypto Ed25519 where the browser has it) while the rest still arrive.
 * Reports each failing receipt and the time taken, split into download and verification.
 * `?webcrypto=0` forces the pure verifier, for comparison.
 * @module
 */
import { useEffect, useState } from 'react';
import { type ApiFailure, gql, streamBundles } from '../api.ts';
import { Empty, ErrorBox, KeyValues, Page, Section } from '../components/basics.tsx';
import { DataTable } from '../components/data-table.tsx';
import { graphql } from '../gql/index.ts';
import type { ActivityRecordWhereInput, IdsQuery } from '../gql/graphql.ts';
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

/** The ids of the records a target selects, a page at a time. */
const IDS = graphql(`
  query Ids($where: ActivityRecordWhereInput, $first: Int!, $after: String) {
    activityRecordsConnection(where: $where, orderBy: [id_ASC], first: $first, after: $after) {
      edges {
        node {
          id
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

async function listIds(t: Target): Promise<string[]> {
  const where: ActivityRecordWhereInput = {};
  if (t.clusterId) where.clusterId_eq = t.clusterId;
  if (t.era !== undefined) where.era_eq = t.era;
  if (t.batchId) where.batchId_eq = t.batchId;
  const ids: string[] = [];
  let after: string | null = null;
  while (ids.length < t.limit) {
    const d: IdsQuery = await gql(IDS, {
      where,
      first: Math.min(PAGE, t.limit - ids.length),
      after,
    });
    const c = d.activityRecordsConnection;
    ids.push(...c.edges.map((e) => e.node.id));
    if (!c.pageInfo.hasNextPage || !c.pageInfo.endCursor) break;
    after = c.pageInfo.endCursor;
  }
  return ids;
}

/**
 * The fewest bundles verified at once while more arrive: a pool run has a fixed cost (a message
 * to each worker, the chain views they share), so the bundles that came in meanwhile go together.
 */
const MIN_CHUNK = 64;

/** Verification runs over consecutive slices of one list, as one run over the whole list. */
function joinRuns(parts: Array<{ from: number; run: PoolRun }>): PoolRun {
  const counts = { webCrypto: 0, pureEd25519: 0, sr25519: 0, fallbackAfterStrictReject: 0 };
  const outcomes: VerifyOutcome[] = [];
  for (const { from, run } of parts) {
    for (const o of run.outcomes) outcomes.push({ ...o, index: o.index + from });
    for (const k of Object.keys(counts) as Array<keyof typeof counts>) counts[k] += run.counts[k];
  }
  return {
    outcomes,
    backend: parts[0]?.run.backend ?? '',
    workers: Math.max(1, ...parts.map((p) => p.run.workers)),
    reruns: parts.reduce((a, p) => a + p.run.reruns, 0),
    counts,
    timings: parts.flatMap((p) => p.run.timings),
    // Time spent verifying (the runs overlap the download, not each other).
    ms: parts.reduce((a, p) => a + p.run.ms, 0),
  };
}

/**
 * Verifies bundles as they are added: whenever no run is going and at least MIN_CHUNK wait (or
 * at the end), the waiting ones go to the pool. Without trust roots yet (your node must first be
 * asked about every bundle's blocks), bundles only gather until `finish`.
 */
class StreamingVerifier {
  readonly texts: string[] = [];
  private readonly parts: Array<{ from: number; run: PoolRun }> = [];
  private next = 0;
  private running: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly options: { webCrypto: boolean; trust: TrustRoots | null },
    private readonly onVerified: (verified: number) => void
  ) {}

  get verified(): number {
    return this.parts.reduce((a, p) => a + p.run.outcomes.length, 0);
  }

  add(text: string): void {
    this.texts.push(text);
    if (this.texts.length - this.next >= MIN_CHUNK) this.kick();
  }

  private kick(): void {
    const trust = this.options.trust;
    if (this.running || this.failure || trust === null || this.next >= this.texts.length) return;
    const from = this.next;
    const slice = this.texts.slice(from);
    this.next = this.texts.length;
    this.running = verifyPool()
      .verify(slice, { webCrypto: this.options.webCrypto, trust })
      .then(
        (run) => {
          this.parts.push({ from, run });
          this.onVerified(this.verified);
        },
        (e: unknown) => {
          this.failure = e instanceof Error ? e : new Error(String(e));
        }
      )
      .finally(() => {
        this.running = null;
        if (this.texts.length - this.next >= MIN_CHUNK) this.kick();
      });
  }

  /** Verifies what is left (with `trust` if none was given) and gives the whole run. */
  async finish(trust: TrustRoots): Promise<PoolRun> {
    if (this.options.trust === null) this.options.trust = trust;
    for (;;) {
      if (this.running) await this.running;
      if (this.failure) throw this.failure;
      if (this.next >= this.texts.length) break;
      this.kick();
    }
    return joinRuns(this.parts);
  }
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
      const settings = loadTrustSettings();
      // Without your node the trust roots need no bundle (an authority set at most), so bundles
      // are verified as they arrive; with it, every bundle's blocks are asked about first.
      const viaNode = settings.rpcUrl.trim() !== '';
      const early = viaNode ? null : await trustFor([], settings);
      const verifier = new StreamingVerifier({ webCrypto, trust: early }, () => show());
      const got: string[] = [];
      const failures: Array<{ id: string; reason: string }> = [];
      let received = 0;
      const show = () =>
        setState({
          status: 'running',
          phase: viaNode
            ? 'downloading bundles'
            : `downloading (${count(received)} received) and verifying`,
          done: viaNode ? received : verifier.verified,
          total: ids.length,
        });
      show();
      const t0 = performance.now();
      let shown = 0;
      const { bytes } = await streamBundles(
        ids,
        (line) => {
          received++;
          if ('text' in line) {
            got.push(line.id);
            verifier.add(line.text);
          } else failures.push({ id: line.id, reason: line.error.code });
          // A render every 50 lines is plenty (and cheap next to 50 bundles).
          if (received - shown >= 50) {
            shown = received;
            show();
          }
        },
        { light }
      );
      const fetchMs = performance.now() - t0;
      let trust = early;
      if (trust === null) {
        setState({ status: 'running', phase: 'asking your node', done: 0, total: got.length });
        trust = await trustFor(verifier.texts, settings);
        setState({ status: 'running', phase: 'verifying', done: 0, total: got.length });
      }
      const run = await verifier.finish(trust);
      setState({
        status: 'done',
        ids: got,
        texts: verifier.texts,
        trust,
        runs: 1,
        run,
        fetchMs,
        bytes,
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
        Every receipt’s bundle is downloaded (one request for up to 10,000) and every line
        re-checked here as the bundles arrive, on {verifyPool().size} worker
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
    <DataTable
      caption={props.caption}
      rows={props.outcomes.slice(0, 500)}
      rowKey={(o) => o.index}
      rowProps={(o) => ({
        className: props.status === 'fail' ? 'bad-row' : undefined,
        'data-record': 'receipt' in o ? o.receipt.recordId : '',
      })}
      columns={[
        { header: 'Receipt', cell: (o) => <ReceiptLink id={props.ids[o.index]!} /> },
        {
          header: CHECKS_COLUMN[props.status],
          className: 'mono',
          cell: (o) =>
            'receipt' in o
              ? o.receipt.lines
                  .filter((l) => l.status === props.status)
                  .map((l) => `${l.check} ${l.code ?? ''}`)
                  .join(', ')
              : `malformed bundle: ${o.malformed[0] ?? ''}`,
        },
      ]}
    />
  );
}
