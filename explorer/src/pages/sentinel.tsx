/**
 * Sentinel spot checks: samples of anchored batch payloads fetched from storage nodes and compared
 * with their anchored hash. A summary per node (k of n matched, a 95% Wilson lower bound, latency),
 * mismatches by reason code, and the checks themselves, newest first.
 * @module
 */
import { useState } from 'react';
import { useQuery } from '../api.ts';
import { Empty, Loaded, Page, RawJson, Section, Status, Table } from '../components/basics.tsx';
import { ExportButtons } from '../components/export.tsx';
import { BatchLink, HashLink } from '../components/links.tsx';
import { count, duration, percent, time } from '../format.ts';

interface Sample {
  nodeUrl: string;
  ok: boolean;
  code: string | null;
  latencyMs: number | null;
  checkedAt: string;
}

interface SummaryData {
  all: { totalCount: number };
  mismatches: { totalCount: number };
  window: Sample[];
}

/** The summary reads the newest WINDOW checks (the API has no sentinel aggregates). */
const WINDOW = 1000;

const SUMMARY = `query SentinelSummary {
  all: sentinelChecksConnection(first: 1, orderBy: [id_ASC]) { totalCount }
  mismatches: sentinelChecksConnection(first: 1, orderBy: [id_ASC], where: { ok_eq: false }) {
    totalCount
  }
  window: sentinelChecks(orderBy: [checkedAt_DESC, id_DESC], limit: ${WINDOW}) {
    nodeUrl ok code latencyMs checkedAt
  }
}`;

interface ListData {
  sentinelChecks: Array<
    Sample & { id: string; batchId: string | null; payloadHash: string; facts: unknown }
  >;
}

const LIST = `query SentinelChecks($limit: Int!) {
  sentinelChecks(orderBy: [checkedAt_DESC, id_DESC], limit: $limit) {
    id batchId payloadHash nodeUrl checkedAt ok code latencyMs facts
  }
}`;

const PAGE = 50;
const MAX_PAGE = 1000;

/** Lower bound of the 95% Wilson score interval for k successes in n trials. */
export function wilsonLower(k: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface NodeSummary {
  url: string;
  n: number;
  k: number;
  latencies: number[];
  last: string;
}

function perNode(samples: readonly Sample[]): NodeSummary[] {
  const m = new Map<string, NodeSummary>();
  for (const s of samples) {
    const x = m.get(s.nodeUrl) ?? { url: s.nodeUrl, n: 0, k: 0, latencies: [], last: s.checkedAt };
    x.n++;
    if (s.ok) x.k++;
    if (s.latencyMs !== null) x.latencies.push(s.latencyMs);
    if (s.checkedAt > x.last) x.last = s.checkedAt;
    m.set(s.nodeUrl, x);
  }
  for (const x of m.values()) x.latencies.sort((a, b) => a - b);
  return [...m.values()].sort((a, b) => a.k / a.n - b.k / b.n || b.n - a.n);
}

function byCode(samples: readonly Sample[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const s of samples)
    if (!s.ok) m.set(s.code ?? 'no code', (m.get(s.code ?? 'no code') ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
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

export default function Sentinel(_props: object) {
  const q = useQuery<SummaryData>(SUMMARY, {}, { refreshMs: 30_000 });
  return (
    <Page
      title="Sentinel spot checks"
      kicker="Payload availability and integrity, sampled"
      actions={<ExportButtons entity="sentinelChecks" label="all sentinel checks" />}
    >
      <p className="lead">
        Receipts prove what was anchored on chain, not that storage nodes still serve it. The
        sentinel samples anchored DAC batch payloads, fetches each from a storage node, and compares
        the bytes with the payload hash anchored on chain. Every fetch is one spot check: the node,
        the batch, whether the bytes matched, why not, and how long it took.
      </p>
      <Loaded state={q} what="sentinel checks">
        {(d) =>
          d.all.totalCount === 0 ? (
            <Empty>
              <p>
                <b>No spot checks are recorded yet.</b> The sentinel process has not written any
                check to this database, so nothing is known here about whether storage nodes serve
                the anchored payloads. Receipts do not depend on it: their lines are checked from
                the chain and the batch payloads the indexer fetched.
              </p>
              <p>
                Checks will appear here, newest first, once a sentinel runs against this database.
              </p>
            </Empty>
          ) : (
            <>
              <Summary data={d} />
              <Checks />
            </>
          )
        }
      </Loaded>
    </Page>
  );
}

function Summary(props: { data: SummaryData }) {
  const { all, mismatches, window } = props.data;
  const nodes = perNode(window);
  const codes = byCode(window);
  const partial = all.totalCount > window.length;
  return (
    <>
      <p className="totals">
        {count(all.totalCount)} spot checks recorded:{' '}
        {count(all.totalCount - mismatches.totalCount)} matched,{' '}
        <b className={mismatches.totalCount ? 'bad-text' : undefined}>
          {count(mismatches.totalCount)} did not
        </b>
        .{' '}
        {partial &&
          `The per-node figures below are computed from the newest ${count(window.length)} checks.`}
      </p>
      <Section title="Confidence per storage node" id="nodes">
        <p className="muted">
          For each node: how many sampled payloads it served intact, and the share of payloads it
          serves intact that the samples support with 95% confidence (the lower bound of the Wilson
          score interval). Few samples give a low bound even when all matched.
        </p>
        <Table caption="Spot checks per storage node, least reliable first">
          <thead>
            <tr>
              <th>Node</th>
              <th>Samples</th>
              <th className="num">Matched</th>
              <th className="num">At least (95%)</th>
              <th className="num">Median latency</th>
              <th className="num">p95 latency</th>
              <th>Last checked</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.url} className={n.k < n.n ? 'bad-row' : undefined}>
                <td>
                  <NodeLink url={n.url} />
                </td>
                <td>
                  <Status
                    ok={n.k === n.n}
                    label={`${count(n.k)} of ${count(n.n)} samples matched`}
                  />
                </td>
                <td className="num">{percent(n.k / n.n)}</td>
                <td className="num">{percent(wilsonLower(n.k, n.n))}</td>
                <td className="num">{ms(quantile(n.latencies, 0.5))}</td>
                <td className="num">{ms(quantile(n.latencies, 0.95))}</td>
                <td>{time(n.last)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Section>
      <Section title="Mismatches by reason" id="codes">
        {codes.length === 0 ? (
          <Empty>Every sampled payload matched its anchored hash.</Empty>
        ) : (
          <Table caption="Failed spot checks by reason code">
            <thead>
              <tr>
                <th>Code</th>
                <th className="num">Checks</th>
              </tr>
            </thead>
            <tbody>
              {codes.map(([code, n]) => (
                <tr key={code} className="bad-row">
                  <td className="mono">{code}</td>
                  <td className="num">{count(n)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Section>
    </>
  );
}

function Checks() {
  const [limit, setLimit] = useState(PAGE);
  const q = useQuery<ListData>(LIST, { limit });
  return (
    <Section title="Spot checks, newest first" id="checks">
      <Loaded state={q} what="spot checks">
        {(d) => (
          <>
            <Table caption="Sentinel spot checks, newest first">
              <thead>
                <tr>
                  <th>Checked at</th>
                  <th>Result</th>
                  <th>Node</th>
                  <th>Batch</th>
                  <th>Payload hash</th>
                  <th className="num">Latency</th>
                  <th>Facts</th>
                </tr>
              </thead>
              <tbody>
                {d.sentinelChecks.map((c) => (
                  <tr key={c.id} className={c.ok ? undefined : 'bad-row'}>
                    <td>{time(c.checkedAt)}</td>
                    <td>
                      <Status ok={c.ok} label={c.ok ? 'matched' : 'mismatch'} />
                      {!c.ok && c.code && <span className="code mono"> {c.code}</span>}
                    </td>
                    <td>
                      <NodeLink url={c.nodeUrl} />
                    </td>
                    <td>
                      <BatchLink id={c.batchId} />
                    </td>
                    <td>
                      <HashLink value={c.payloadHash} />
                    </td>
                    <td className="num">{ms(c.latencyMs)}</td>
                    <td>
                      {c.facts == null ? (
                        <span className="muted">—</span>
                      ) : (
                        <RawJson value={c.facts} summary="facts" />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            {d.sentinelChecks.length >= limit &&
              (limit < MAX_PAGE ? (
                <p>
                  <button
                    type="button"
                    className="secondary"
                    disabled={q.status === 'loading'}
                    onClick={() => setLimit((n) => Math.min(n + PAGE * 2, MAX_PAGE))}
                  >
                    Load more checks
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
    </Section>
  );
}
