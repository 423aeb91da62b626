/**
 * Sentinel spot checks, round by round: for every paid era a sentinel key sampled, how many of the
 * era's anchored leaves it checked on every storage node, what it found, the confidence the sample
 * gives against its target and the bound on bad leaves, with the round's VRF proof (checked in the
 * browser) and its seed. Then per storage node (k of n samples served intact, a 95% Wilson lower bound, failures
 * by kind) and the failed checks, newest first, each with its signed evidence file.
 * @module
 */
import { useMemo, useState } from 'react';
import { equalBytes, parseHex, toHex } from '../../../verifier/bytes.ts';
import { drawAlpha } from '../../../verifier/draw.ts';
import { VRF_FAILURES, verify as vrfVerify } from '../../../verifier/vrf.ts';
import { evidenceUrl, useQuery } from '../api.ts';
import { Copy, Empty, Loaded, Page, Section, Status } from '../components/basics.tsx';
import { type Column, DataTable } from '../components/data-table.tsx';
import { graphql } from '../gql/index.ts';
import type { SentinelFailedQuery, SentinelSummaryQuery } from '../gql/graphql.ts';
import { ExportButtons } from '../components/export.tsx';
import { BatchLink, BlockLink, ClusterLink, EraLink, ReceiptLink } from '../components/links.tsx';
import { count, duration, percent, short, time } from '../format.ts';
import {
  FAILURE_KINDS,
  type FailureKind,
  KIND_WORDS,
  boundText,
  confidenceText,
  targetMet,
  wilsonLower,
} from '../sentinel-figures.ts';

/**
 * The newest 50 rounds (the export has all of them), and the newest 1000 checks, which the
 * per-node figures are computed from (the API has no sentinel aggregates).
 */
const SUMMARY = graphql(`
  query SentinelSummary {
    sentinelRounds(orderBy: [seedHeight_DESC, era_DESC, clusterId_ASC, sentinel_ASC], limit: 50) {
      id
      clusterId
      era
      sentinel
      seedHeight
      seedHash
      seedCommitment
      seed
      vrfAlpha
      vrfProof
      population
      batches
      sampleSize
      targetConfidence
      targetBadFraction
      sampleRule
      nodes
      sampled
      ok
      failed
      lost
      nodeChecks
      failedByKind
      confidence
      badBound
      status
      completedAt
      updatedAt
    }
    rounds: sentinelRoundsConnection(first: 1, orderBy: [id_ASC]) {
      totalCount
    }
    all: sentinelChecksConnection(first: 1, orderBy: [id_ASC]) {
      totalCount
    }
    failed: sentinelChecksConnection(first: 1, orderBy: [id_ASC], where: { ok_eq: false }) {
      totalCount
    }
    window: sentinelChecks(orderBy: [checkedAt_DESC, id_DESC], limit: 1000) {
      nodeUrl
      ok
      kind
      latencyMs
      checkedAt
    }
  }
`);

type SummaryData = SentinelSummaryQuery;
type Round = SummaryData['sentinelRounds'][number];
type Sample = SummaryData['window'][number];

const FAILED = graphql(`
  query SentinelFailed($limit: Int!) {
    sentinelChecks(where: { ok_eq: false }, orderBy: [checkedAt_DESC, id_DESC], limit: $limit) {
      id
      roundId
      batchId
      activityId
      nodeUrl
      checkedAt
      kind
      code
      reason
      latencyMs
    }
  }
`);

type FailedCheck = SentinelFailedQuery['sentinelChecks'][number];

const PAGE = 50;
const MAX_PAGE = 1000;

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** A check's kind; rows written before kinds existed have only `ok`. */
function kindOf(c: { ok: boolean; kind: string | null }): string {
  return c.kind ?? (c.ok ? 'ok' : 'failed');
}

interface NodeSummary {
  url: string;
  n: number;
  k: number;
  kinds: Record<string, number>;
  latencies: number[];
  last: string;
}

function perNode(samples: readonly Sample[]): NodeSummary[] {
  const m = new Map<string, NodeSummary>();
  for (const s of samples) {
    const x = m.get(s.nodeUrl) ?? {
      url: s.nodeUrl,
      n: 0,
      k: 0,
      kinds: {},
      latencies: [],
      last: s.checkedAt,
    };
    x.n++;
    if (s.ok) x.k++;
    else x.kinds[kindOf(s)] = (x.kinds[kindOf(s)] ?? 0) + 1;
    if (s.latencyMs !== null) x.latencies.push(s.latencyMs);
    if (s.checkedAt > x.last) x.last = s.checkedAt;
    m.set(s.nodeUrl, x);
  }
  for (const x of m.values()) x.latencies.sort((a, b) => a - b);
  return [...m.values()].sort((a, b) => a.k / a.n - b.k / b.n || b.n - a.n);
}

function ms(x: number | null): string {
  return x === null ? '—' : duration(x);
}

function NodeLink(props: { url: string }) {
  return (
    <a href={props.url} className="mono" target="_blank" rel="noreferrer noopener">
      {props.url}
    </a>
  );
}

/** A hex value shortened, with its full text on hover and a copy button. */
function Hex(props: { value: string | null }) {
  if (!props.value) return <span className="muted">none</span>;
  return <Copy value={props.value}>{short(props.value, 4)}</Copy>;
}

export default function Sentinel(_props: object) {
  const q = useQuery(SUMMARY, {}, { refreshMs: 30_000 });
  return (
    <Page
      title="Sentinel spot checks"
      kicker="Payload availability and integrity, sampled"
      actions={<ExportButtons entity="sentinelChecks" label="all sentinel checks" />}
    >
      <p className="lead">
        Receipts prove what was anchored on chain, not that storage nodes still serve it. For every
        paid era, the sentinel draws a random sample of the era’s anchored records, fetches each
        sampled record’s batch from every storage node, and recomputes it: the bytes must hash to
        the anchored payload hash and the record must lead to the anchored root. Every failure comes
        with a signed evidence file that anyone can check offline.
      </p>
      <Loaded state={q} what="sentinel rounds">
        {(d) =>
          d.rounds.totalCount === 0 && d.all.totalCount === 0 ? (
            <NoRounds />
          ) : (
            <>
              <Rounds data={d} />
              <Nodes data={d} />
              <FailedChecks total={d.failed.totalCount} />
              <Trust />
            </>
          )
        }
      </Loaded>
    </Page>
  );
}

function NoRounds() {
  return (
    <Empty>
      <p>
        <b>No sentinel round is recorded yet.</b> No sentinel has written to this database, so
        nothing is known here about whether storage nodes still serve the anchored payloads.
        Receipts do not depend on it: their lines are checked from the chain and the batch payloads
        the indexer fetched.
      </p>
      <p>
        To start one, run <code>proofroom sentinel</code> next to the indexer, on the same database
        (<code>proofroom sentinel --once</code> samples every paid era once and exits). Rounds
        appear here as it samples; see <code>docs/sentinel.md</code> for its options.
      </p>
    </Empty>
  );
}

function Rounds(props: { data: SummaryData }) {
  const { sentinelRounds: rounds, rounds: total } = props.data;
  return (
    <Section
      title="Rounds, newest first"
      id="rounds"
      actions={<ExportButtons entity="sentinelRounds" label="all sentinel rounds" />}
    >
      {rounds.length === 0 ? (
        <Empty>
          The checks below were written without rounds (by an older sentinel): no sample plan or
          confidence is known for them.
        </Empty>
      ) : (
        <>
          <DataTable
            caption="Sentinel rounds: one per paid era and sentinel key, newest first"
            rows={rounds}
            rowKey={(r) => r.id}
            rowProps={(r) => ({
              className: r.failed > 0 ? 'bad-row' : undefined,
              'data-round': r.id,
            })}
            columns={ROUND_COLUMNS}
            stackNarrow
          />
          {total.totalCount > rounds.length && (
            <p className="muted">
              Showing the newest {count(rounds.length)} of {count(total.totalCount)} rounds.
              Download the export for all of them.
            </p>
          )}
          <p className="muted">
            Each round’s seed is the output of a verifiable random function (RFC 9381 ECVRF) of the
            sentinel’s key over the cluster, the era and the block that paid it. This page checks
            every round’s proof against the sentinel’s public key; with the seed, anyone can
            recompute the sample from the era’s anchored batches and see that it was drawn by the
            rule, not chosen.
          </p>
        </>
      )}
    </Section>
  );
}

/** `failedByKind` is JSON: a count per failure kind, 0 for anything else. */
function failedBy(r: Round, kind: FailureKind): number {
  const v = (r.failedByKind as Record<string, unknown> | null)?.[kind];
  return typeof v === 'number' ? v : 0;
}

function RoundEra(props: { r: Round }) {
  const { r } = props;
  return (
    <>
      <EraLink clusterId={r.clusterId} era={r.era} />
      <br />
      <span className="muted">cluster</span> <ClusterLink id={r.clusterId} />
      <br />
      {r.status === 'complete' ? (
        <span className="muted">complete</span>
      ) : (
        <Status ok={null} pending label="sampling" />
      )}
    </>
  );
}

function RoundResult(props: { r: Round }) {
  const { r } = props;
  const kinds = FAILURE_KINDS.filter((k) => failedBy(r, k) > 0);
  return (
    <>
      <Status
        ok={r.failed === 0}
        label={r.failed === 0 ? `${count(r.ok)} ok` : `${count(r.failed)} failed`}
      />
      {r.failed > 0 && (
        <>
          <br />
          {count(r.ok)} ok
          {kinds.length > 0 && (
            <span title="A failed record counts under every kind a node failed it with">
              ; by kind {kinds.map((k) => `${k} ${count(failedBy(r, k))}`).join(', ')}
            </span>
          )}
        </>
      )}
      <br />
      <span className={r.lost > 0 ? 'bad-text' : 'muted'}>
        {count(r.lost)} lost (intact on no node)
      </span>
    </>
  );
}

/**
 * The round's draw checked here, in the browser: the VRF proof verifies under the sentinel's key
 * for the input made of this cluster, era and paying block, and its output is the seed the round
 * sampled with. Rounds from before the VRF (commit-reveal) have no proof to check.
 */
function checkDraw(r: Round): { ok: boolean | null; text: string } {
  if (!r.vrfProof || !r.vrfAlpha) return { ok: null, text: 'commit-reveal round: no VRF proof' };
  const alpha = drawAlpha(r.clusterId, r.era, r.seedHash);
  const given = parseHex(r.vrfAlpha);
  if (!alpha || !given || !equalBytes(alpha, given))
    return { ok: false, text: 'the VRF input is not this cluster, era and block' };
  const key = parseHex(r.sentinel, 32);
  const proof = parseHex(r.vrfProof);
  if (!key || !proof) return { ok: false, text: 'the key or proof is not hex' };
  const v = vrfVerify(key, alpha, proof);
  if (!v.ok) return { ok: false, text: VRF_FAILURES[v.reason] };
  if (!r.seed || toHex(v.beta) !== r.seed.toLowerCase())
    return { ok: false, text: 'the seed is not the output of the proof' };
  return { ok: true, text: 'draw checked in your browser' };
}

function RoundSeed(props: { r: Round }) {
  const { r } = props;
  // Checked once per proof, not again on every 30 s refresh of the page.
  const draw = useMemo(
    () => checkDraw(r),
    [r.clusterId, r.era, r.seedHash, r.sentinel, r.vrfAlpha, r.vrfProof, r.seed]
  );
  return (
    <>
      <span className="muted">key</span> <Hex value={r.sentinel} />
      <br />
      <span className="muted">block</span> <BlockLink height={r.seedHeight} />
      <br />
      {r.vrfProof ? (
        <>
          <span className="muted">VRF proof</span> <Hex value={r.vrfProof} />
        </>
      ) : (
        <>
          <span className="muted">commitment</span> <Hex value={r.seedCommitment} />
        </>
      )}
      <br />
      <span className="muted">seed</span> <Hex value={r.seed} />
      <br />
      <span data-draw-ok={String(draw.ok)}>
        <Status ok={draw.ok} label={draw.text} />
      </span>
    </>
  );
}

const ROUND_COLUMNS: Array<Column<Round>> = [
  { header: 'Era', className: 'nowrap', cell: (r) => <RoundEra r={r} /> },
  {
    header: 'Sample',
    className: 'words',
    cell: (r) => (
      <>
        <b>
          {count(r.sampled)}/{count(r.sampleSize)}
        </b>{' '}
        sampled
        <br />
        <span className="muted">
          of {count(r.population)} leaves in {count(r.batches)} batches; {count(r.nodes)} nodes
          each, rule {r.sampleRule}
        </span>
      </>
    ),
  },
  { header: 'Result', className: 'words', cell: (r) => <RoundResult r={r} /> },
  {
    header: 'Confidence',
    className: 'words',
    cell: (r) => (
      <>
        {confidenceText(r)}
        {r.status === 'complete' && !targetMet(r) && (
          <>
            <br />
            <span className="muted">
              short of the target
              {r.sampleRule === 'formula' && ' (the formula rule’s approximation, see below)'}
            </span>
          </>
        )}
      </>
    ),
  },
  { header: 'Bad leaves', className: 'words', cell: (r) => boundText(r) },
  { header: 'Seed', className: 'nowrap', cell: (r) => <RoundSeed r={r} /> },
];

function Nodes(props: { data: SummaryData }) {
  const { all, window } = props.data;
  const nodes = perNode(window);
  const partial = all.totalCount > window.length;
  const kinds = FAILURE_KINDS as readonly string[];
  const other = (n: NodeSummary) =>
    Object.entries(n.kinds)
      .filter(([k]) => !kinds.includes(k))
      .reduce((s, [, v]) => s + v, 0);
  return (
    <Section title="Per storage node" id="nodes">
      <p className="muted">
        For each node: how many sampled records it served intact, and the share of records it serves
        intact that the samples support with 95% confidence (the lower bound of the Wilson score
        interval). Few samples give a low bound even when all were intact.{' '}
        {partial &&
          `Computed from the newest ${count(window.length)} of ${count(all.totalCount)} checks.`}
      </p>
      {nodes.length === 0 ? (
        <Empty>No storage node has been checked yet.</Empty>
      ) : (
        <DataTable
          caption="Spot checks per storage node, least reliable first"
          rows={nodes}
          rowKey={(n) => n.url}
          rowProps={(n) => ({ className: n.k < n.n ? 'bad-row' : undefined })}
          stackNarrow
          columns={[
            { header: 'Node', cell: (n) => <NodeLink url={n.url} /> },
            {
              header: 'Served intact',
              cell: (n) => (
                <>
                  <Status ok={n.k === n.n} label={`${count(n.k)} of ${count(n.n)} intact`} />
                  {other(n) > 0 && <span className="muted"> ({count(other(n))} other)</span>}
                </>
              ),
            },
            { header: 'Share', align: 'num', cell: (n) => percent(n.k / n.n) },
            { header: 'At least (95%)', align: 'num', cell: (n) => percent(wilsonLower(n.k, n.n)) },
            ...FAILURE_KINDS.map((k): Column<NodeSummary> => ({
              header: k,
              title: `the node ${KIND_WORDS[k]}`,
              align: 'num',
              hideNarrow: true,
              cell: (n) => (
                <span className={n.kinds[k] ? 'bad-text' : 'muted'}>{count(n.kinds[k] ?? 0)}</span>
              ),
            })),
            {
              header: 'Median latency',
              align: 'num',
              cell: (n) => ms(quantile(n.latencies, 0.5)),
              hideNarrow: true,
            },
            { header: 'Last checked', cell: (n) => time(n.last), hideNarrow: true },
          ]}
        />
      )}
    </Section>
  );
}

const FAILED_COLUMNS: Array<Column<FailedCheck>> = [
  { header: 'Checked at', className: 'nowrap', cell: (c) => time(c.checkedAt) },
  {
    header: 'Record',
    cell: (c) => (
      <>
        {c.activityId ? (
          <ReceiptLink id={c.activityId}>{c.activityId}</ReceiptLink>
        ) : (
          <span className="muted">—</span>
        )}
        <br />
        <BatchLink id={c.batchId} />
      </>
    ),
  },
  { header: 'Node', cell: (c) => <NodeLink url={c.nodeUrl} /> },
  {
    header: 'Kind',
    cell: (c) => <Status ok={false} label={kindOf({ ok: false, kind: c.kind })} />,
  },
  {
    header: 'Code',
    className: 'words',
    cell: (c) => (
      <>
        {c.code ? <span className="mono">{c.code}</span> : '—'}
        {c.reason && (
          <>
            <br />
            <span className="muted">{c.reason}</span>
          </>
        )}
      </>
    ),
  },
  { header: 'Latency', align: 'num', cell: (c) => ms(c.latencyMs), hideNarrow: true },
  {
    header: 'Evidence',
    className: 'words',
    cell: (c) => (
      <>
        <a href={evidenceUrl(c.id)} download={`evidence-${c.id}.json`} data-testid="evidence-link">
          ⬇ evidence
        </a>
        <br />
        <span className="muted">
          check it offline with <code>proofroom verify evidence-{c.id}.json</code>
        </span>
      </>
    ),
  },
];

function FailedChecks(props: { total: number }) {
  const [limit, setLimit] = useState(PAGE);
  const q = useQuery(FAILED, { limit });
  return (
    <Section
      title="Failed checks, newest first"
      id="failed"
      actions={
        <ExportButtons
          entity="sentinelChecks"
          where={{ ok_eq: false }}
          label="failed sentinel checks"
        />
      }
    >
      {props.total === 0 ? (
        <Empty>Every sampled record was served intact by every node asked.</Empty>
      ) : (
        <Loaded state={q} what="failed checks">
          {(d) => (
            <>
              <p>
                {count(props.total)} checks failed. Each has an evidence file signed by the
                sentinel: download it and check it offline with{' '}
                <code>proofroom verify evidence-&lt;id&gt;.json</code>.
              </p>
              <DataTable
                caption="Failed sentinel checks, newest first"
                rows={d.sentinelChecks}
                rowKey={(c) => c.id}
                rowProps={(c) => ({ className: 'bad-row', 'data-check': c.id })}
                columns={FAILED_COLUMNS}
                stackNarrow
              />
              {d.sentinelChecks.length >= limit &&
                (limit < MAX_PAGE ? (
                  <p>
                    <button
                      type="button"
                      className="secondary"
                      disabled={q.status === 'loading'}
                      onClick={() => setLimit((n) => Math.min(n + PAGE * 2, MAX_PAGE))}
                    >
                      Load more failed checks
                    </button>
                  </p>
                ) : (
                  <p className="muted">
                    Showing the newest {count(MAX_PAGE)}. Download the export for all of them.
                  </p>
                ))}
            </>
          )}
        </Loaded>
      )}
    </Section>
  );
}

function Trust() {
  return (
    <Section title="What these figures mean" id="trust">
      <ul className="trust">
        <li>
          <b>Sampled, not exhaustive.</b> A round checks a random sample of an era’s anchored
          records, not all of them. Its confidence is the chance that the sample would have caught
          at least one bad record had a share p of the era’s records been bad (at least one node
          failing them): “97.8% chance of catching ≥1% bad” means that if 1% or more were bad, 97.8
          of 100 such samples would have found one. A round without failures does not show that
          every record is intact.
        </li>
        <li>
          <b>The bound.</b> “At most K of N bad at 99%” is the largest number of bad records among
          the era’s N that is still consistent, at the target confidence, with the failures the
          sample found.
        </li>
        <li>
          <b>The sample size.</b> For a target of catching a bad share p with confidence d, the{' '}
          <code>formula</code> rule samples n = ln(1 − d) / ln(1 − p) records, corrected for the
          era’s size. It is an approximation that promises a little more than it gives when only a
          few records would be bad, so its rounds can end just below the target. The{' '}
          <code>exact</code> rule samples the smallest n that reaches the target.
        </li>
        <li>
          <b>Unpredictable, then checkable.</b> The seed is the VRF output of the sentinel’s secret
          key over the cluster, the era and the hash of the block that paid the era, so no node can
          know which records will be sampled before that block, and the sentinel cannot pick among
          seeds: its proof shows the seed is the one output its public key allows. Anyone can check
          the proof (this page does) and recompute the sample.
        </li>
        <li>
          <b>What evidence proves.</b> The sentinel signs each failure’s evidence. Offline,{' '}
          <code>proofroom verify</code> checks the signature, that the expected payload is the one
          anchored on chain, the record’s proof to the anchored root and, when the response body is
          included, that those bytes fail the check. That a node sent those bytes, or answered 404
          or nothing, rests on the sentinel’s signature: storage nodes do not sign their answers.
        </li>
      </ul>
    </Section>
  );
}
