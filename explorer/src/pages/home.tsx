/**
 * Home: the search box (in the header, and here for first-time visitors), the freshness banner,
 * the clusters with their own summaries, and per cluster its latest eras and failed checks by
 * reason (eras and failures are never mixed across clusters).
 * @module
 */
import { useQuery } from '../api.ts';
import { Empty, Loaded, Page, Section, Status, Table } from '../components/basics.tsx';
import { Freshness } from '../components/freshness.tsx';
import { BlockLink, ClusterLink, EraLink } from '../components/links.tsx';
import { EraVerdict, eraFails, eraSkipped } from '../components/era-status.tsx';
import { amount, count, short } from '../format.ts';
import { Link, href } from '../router.tsx';

interface EraRow {
  id: string;
  era: number;
  charged: string;
  rewarded: string;
  records: number;
  ok: boolean;
  failed: number;
  blockHeight: number;
  paid: { blockHeight: number; kind: string } | null;
}

interface HomeData {
  clusters: Array<{ id: string; blockHeight: number; eraPayouts: EraRow[] }>;
  activityStats: Array<{
    clusterId: string | null;
    records: number;
    passed: number;
    failed: number;
  }>;
  checkStats: Array<{ lines: number; passed: number; failed: number; skipped: number }>;
}

/** Clusters on the home page, and eras counted per cluster (the query's cost stays bounded). */
const MAX_CLUSTERS = 20;
const MAX_ERAS = 500;

const HOME = `query Home {
  clusters(orderBy: [blockHeight_ASC, id_ASC], limit: ${MAX_CLUSTERS}) {
    id blockHeight
    eraPayouts(orderBy: [era_DESC], limit: ${MAX_ERAS}) {
      id era charged rewarded records ok failed blockHeight paid { blockHeight kind }
    }
  }
  activityStats(groupBy: [CLUSTER], limit: 1000) { clusterId records passed failed }
  checkStats { lines passed failed skipped }
}`;

interface ClusterChecksData {
  total: Array<{ lines: number; passed: number; failed: number }>;
  byReason: Array<{
    step: string;
    check: string;
    code: string | null;
    failed: number;
    lastBlockHeight: number;
  }>;
}

/** One cluster's checks: its totals, and its failed checks by check and reason code. */
const CLUSTER_CHECKS = `query HomeClusterChecks($id: String!) {
  total: checkStats(clusterId: $id) { lines passed failed }
  byReason: checkStats(groupBy: [STEP, CHECK, CODE], clusterId: $id, where: { ok_eq: false, pending_eq: false, skipped_eq: false }, limit: 1000) {
    step check code failed lastBlockHeight
  }
}`;

/** Eras listed per cluster on the home page (the cluster page lists every era). */
const LATEST_ERAS = 4;
/** Failure reasons listed per cluster on the home page. */
const TOP_REASONS = 6;

export function Home() {
  const q = useQuery<HomeData>(HOME, {}, { refreshMs: 10_000 });
  return (
    <Page title="Proof Room" kicker="Cere network receipts, verified line by line">
      <Freshness />
      <p className="lead">
        Every DDC activity record is a receipt: a consent grant, signed usage, its place in an
        anchored batch, the validators’ attestation and the era’s payout. Proof Room re-checks each
        link and shows why it holds or fails. Search by record id, hash, account or era above.
      </p>
      <Loaded state={q} what="the clusters">
        {(d) => (
          <>
            {d.checkStats[0] && (
              <p className="totals">
                {count(d.checkStats[0].lines)} checks recorded over {count(d.clusters.length)}{' '}
                {d.clusters.length === 1 ? 'cluster' : 'clusters'}: {count(d.checkStats[0].passed)}{' '}
                passed,{' '}
                <b className={d.checkStats[0].failed ? 'bad-text' : ''}>
                  {count(d.checkStats[0].failed)} failed
                </b>
                {d.checkStats[0].skipped > 0 && (
                  <span className="skipped-text">
                    , {count(d.checkStats[0].skipped)} skipped (Root skipped their era)
                  </span>
                )}
                . Each cluster’s eras and failures are below.
              </p>
            )}
            <Section title="Clusters" id="clusters">
              {d.clusters.length === 0 ? (
                <Empty>
                  No cluster is indexed yet. Clusters appear here once their ClusterCreated event is
                  indexed.
                </Empty>
              ) : (
                <Table caption="Clusters, each with its own records and eras">
                  <thead>
                    <tr>
                      <th>Cluster</th>
                      <th className="num">Records</th>
                      <th className="num">Verified</th>
                      <th className="num">Failed</th>
                      <th className="num">Eras paid</th>
                      <th>Latest era</th>
                      <th>Era checks</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.clusters.map((c) => {
                      const s = d.activityStats.find((x) => x.clusterId === c.id);
                      const failing = c.eraPayouts.filter(eraFails).length;
                      const skipped = c.eraPayouts.filter(eraSkipped).length;
                      const latest = c.eraPayouts[0];
                      return (
                        <tr key={c.id} className={failing || s?.failed ? 'bad-row' : undefined}>
                          <td>
                            <ClusterLink id={c.id} />
                          </td>
                          <td className="num">{count(s?.records ?? 0)}</td>
                          <td className="num">{count(s?.passed ?? 0)}</td>
                          <td className="num">{count(s?.failed ?? 0)}</td>
                          <td className="num">
                            {count(c.eraPayouts.length)}
                            {c.eraPayouts.length === MAX_ERAS ? '+' : ''}
                          </td>
                          <td>{latest ? <EraLink clusterId={c.id} era={latest.era} /> : '—'}</td>
                          <td>
                            {c.eraPayouts.length === 0 ? (
                              <Status ok={null} label="none paid yet" />
                            ) : failing === 0 && skipped > 0 ? (
                              <Status
                                ok={null}
                                skipped
                                label={`${skipped} of ${c.eraPayouts.length} skipped by Root, none failed`}
                              />
                            ) : (
                              <Status
                                ok={failing === 0}
                                label={
                                  failing === 0
                                    ? 'all passed'
                                    : `${failing} of ${c.eraPayouts.length} eras failed`
                                }
                              />
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </Table>
              )}
            </Section>
            {d.clusters.map((c) => (
              <ClusterSummary key={c.id} id={c.id} eras={c.eraPayouts} />
            ))}
          </>
        )}
      </Loaded>
    </Page>
  );
}

/** One cluster's latest paid eras and its failed checks by reason. */
function ClusterSummary(props: { id: string; eras: EraRow[] }) {
  const q = useQuery<ClusterChecksData>(CLUSTER_CHECKS, { id: props.id }, { refreshMs: 10_000 });
  const eras = props.eras.slice(0, LATEST_ERAS);
  return (
    <Section title={`Cluster ${short(props.id)}`} id={`cluster-${props.id}`}>
      <h3>Latest eras</h3>
      {eras.length === 0 ? (
        <Empty>
          No era of this cluster has been paid yet. Eras appear here once their ClusterEraPaid event
          is indexed.
        </Empty>
      ) : (
        <Table
          caption={`Latest paid eras of cluster ${short(props.id)} (${eras.length} of ${props.eras.length})`}
        >
          <thead>
            <tr>
              <th>Era</th>
              <th className="num">Records</th>
              <th className="num">Charged</th>
              <th className="num">Rewarded</th>
              <th>Checks</th>
              <th>Paid at</th>
            </tr>
          </thead>
          <tbody>
            {eras.map((e) => (
              <tr key={e.id} className={eraFails(e) ? 'bad-row' : undefined}>
                <td>
                  <EraLink clusterId={props.id} era={e.era} />
                </td>
                <td className="num">{count(e.records)}</td>
                <td className="num">{amount(e.charged)}</td>
                <td className="num">{amount(e.rewarded)}</td>
                <td>
                  <EraVerdict ok={e.ok} failed={e.failed} paid={e.paid} />
                </td>
                <td>
                  <BlockLink height={e.paid?.blockHeight ?? e.blockHeight} />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <h3>Failed checks</h3>
      <Loaded state={q} what="the cluster's checks">
        {(d) => {
          const rows = [...d.byReason].sort((a, b) => b.failed - a.failed);
          const total = d.total[0];
          return rows.length === 0 ? (
            <Empty>No check of this cluster has failed.</Empty>
          ) : (
            <Table
              caption={`Failed checks of cluster ${short(props.id)} by reason${total ? `: ${count(total.failed)} of ${count(total.lines)} lines` : ''}${rows.length > TOP_REASONS ? ` (the ${TOP_REASONS} most frequent of ${rows.length} reasons)` : ''}`}
            >
              <thead>
                <tr>
                  <th>Check</th>
                  <th>Code</th>
                  <th className="num">Failed</th>
                  <th>Last at</th>
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, TOP_REASONS).map((r) => (
                  <tr key={`${r.check}/${r.code}`} className="bad-row">
                    <td className="mono">{r.check}</td>
                    <td className="mono">{r.code ?? '—'}</td>
                    <td className="num">{count(r.failed)}</td>
                    <td>
                      <BlockLink height={r.lastBlockHeight} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          );
        }}
      </Loaded>
      <p className="muted">
        Only this cluster’s records, batches and eras count here.{' '}
        <Link to={`${href('cluster', props.id)}#eras`}>Every era</Link> and{' '}
        <Link to={`${href('cluster', props.id)}#failures`}>every failed check</Link> of cluster{' '}
        <ClusterLink id={props.id} /> are on its page.
      </p>
    </Section>
  );
}
