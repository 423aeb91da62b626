/**
 * Home: the search box (in the header, and here for first-time visitors), the freshness banner,
 * the clusters with their own summaries, and per cluster its latest eras and failed checks by
 * reason (eras and failures are never mixed across clusters).
 * @module
 */
import { useQuery } from '../api.ts';
import { Empty, Loaded, Page, Section, Status } from '../components/basics.tsx';
import { DataTable } from '../components/data-table.tsx';
import { FailedReasons } from '../components/failed-checks.tsx';
import { graphql } from '../gql/index.ts';
import type { HomeQuery } from '../gql/graphql.ts';
import { Freshness } from '../components/freshness.tsx';
import { BlockLink, ClusterLink, EraLink } from '../components/links.tsx';
import { EraVerdict, eraFails, eraSkipped } from '../components/era-status.tsx';
import { amount, count, short } from '../format.ts';
import { Link, href } from '../router.tsx';

/** Eras counted per cluster (the query's cost stays bounded; HOME writes it out, as 500). */
const MAX_ERAS = 500;

// At most 20 clusters and MAX_ERAS eras each: a document is a literal, so the limits are written out.
const HOME = graphql(`
  query Home {
    clusters(orderBy: [blockHeight_ASC, id_ASC], limit: 20) {
      id
      blockHeight
      eraPayouts(orderBy: [era_DESC], limit: 500) {
        id
        era
        charged
        rewarded
        records
        ok
        failed
        blockHeight
        paid {
          blockHeight
          kind
        }
      }
    }
    activityStats(groupBy: [CLUSTER], limit: 1000) {
      clusterId
      records
      passed
      failed
    }
    checkStats {
      lines
      passed
      failed
      skipped
    }
  }
`);

type HomeData = HomeQuery;
type ClusterRow = HomeData['clusters'][number];
type EraRow = ClusterRow['eraPayouts'][number];

/**
 * One cluster's line totals, asked apart from its failures. The API sums them from the counts the
 * database keeps (`check_count`); before those, counting a cluster's lines outlasted the API's
 * time limit on a large database (docs/operations.md). Should a count still time out, the failures
 * do not wait for it or fail with it.
 */
const CLUSTER_TOTAL = graphql(`
  query HomeClusterTotal($id: String!) {
    total: checkStats(clusterId: $id) {
      lines
      passed
      failed
    }
  }
`);

/** One cluster's failed checks by check and reason code. */
const CLUSTER_CHECKS = graphql(`
  query HomeClusterChecks($id: String!) {
    byReason: checkStats(
      groupBy: [STEP, CHECK, CODE]
      clusterId: $id
      where: { ok_eq: false, pending_eq: false, skipped_eq: false }
      limit: 1000
    ) {
      step
      check
      code
      failed
      lastBlockHeight
    }
  }
`);

/** Eras listed per cluster on the home page (the cluster page lists every era). */
const LATEST_ERAS = 4;
/** How often a cluster's line totals are asked again (they only caption its failures). */
const TOTALS_REFRESH_MS = 60_000;
/** Failure reasons listed per cluster on the home page. */
const TOP_REASONS = 6;

export function Home() {
  const q = useQuery(HOME, {}, { refreshMs: 10_000 });
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
                <ClustersTable d={d} />
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
  const q = useQuery(CLUSTER_CHECKS, { id: props.id }, { refreshMs: 10_000 });
  // The totals only caption the failed checks: not asked for a cluster with none.
  const failing = q.data?.byReason.length ?? 0;
  const totals = useQuery(
    CLUSTER_TOTAL,
    { id: props.id },
    { refreshMs: TOTALS_REFRESH_MS, skip: failing === 0 }
  );
  const total = totals.data?.total[0];
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
        <DataTable
          caption={`Latest paid eras of cluster ${short(props.id)} (${eras.length} of ${props.eras.length})`}
          rows={eras}
          rowKey={(e) => e.id}
          rowProps={(e) => ({ className: eraFails(e) ? 'bad-row' : undefined })}
          columns={[
            { header: 'Era', cell: (e) => <EraLink clusterId={props.id} era={e.era} /> },
            { header: 'Records', align: 'num', cell: (e) => count(e.records) },
            { header: 'Charged', align: 'num', cell: (e) => amount(e.charged), hideNarrow: true },
            { header: 'Rewarded', align: 'num', cell: (e) => amount(e.rewarded), hideNarrow: true },
            {
              header: 'Checks',
              cell: (e) => <EraVerdict ok={e.ok} failed={e.failed} paid={e.paid} />,
            },
            {
              header: 'Paid at',
              cell: (e) => <BlockLink height={e.paid?.blockHeight ?? e.blockHeight} />,
              hideNarrow: true,
            },
          ]}
        />
      )}
      <h3>Failed checks</h3>
      <Loaded state={q} what="the cluster's checks">
        {(d) => {
          const rows = d.byReason;
          return rows.length === 0 ? (
            <Empty>No check of this cluster has failed.</Empty>
          ) : (
            <FailedReasons
              caption={`Failed checks of cluster ${short(props.id)} by reason${total ? `: ${count(total.failed)} of ${count(total.lines)} lines` : ''}${rows.length > TOP_REASONS ? ` (the ${TOP_REASONS} most frequent of ${rows.length} reasons)` : ''}`}
              rows={rows}
              limit={TOP_REASONS}
            />
          );
        }}
      </Loaded>
      {failing > 0 && totals.status === 'error' && !total && (
        <p className="muted">
          The count of all this cluster’s lines is not shown:{' '}
          {totals.error.code === 'TIMEOUT'
            ? 'counting them took longer than the API allows a query (it is asked again each minute).'
            : totals.error.message}
        </p>
      )}
      <p className="muted">
        Only this cluster’s records, batches and eras count here.{' '}
        <Link to={`${href('cluster', props.id)}#eras`}>Every era</Link> and{' '}
        <Link to={`${href('cluster', props.id)}#failures`}>every failed check</Link> of cluster{' '}
        <ClusterLink id={props.id} /> are on its page.
      </p>
    </Section>
  );
}

function eraChecks(c: ClusterRow) {
  const failing = c.eraPayouts.filter(eraFails).length;
  const skipped = c.eraPayouts.filter(eraSkipped).length;
  const n = c.eraPayouts.length;
  if (n === 0) return <Status ok={null} label="none paid yet" />;
  if (failing === 0 && skipped > 0)
    return <Status ok={null} skipped label={`${skipped} of ${n} skipped by Root, none failed`} />;
  return (
    <Status
      ok={failing === 0}
      label={failing === 0 ? 'all passed' : `${failing} of ${n} eras failed`}
    />
  );
}

function ClustersTable(props: { d: HomeData }) {
  const { d } = props;
  const rows = d.clusters.map((c) => ({
    c,
    s: d.activityStats.find((x) => x.clusterId === c.id),
    failing: c.eraPayouts.filter(eraFails).length,
  }));
  return (
    <DataTable
      caption="Clusters, each with its own records and eras"
      rows={rows}
      rowKey={(r) => r.c.id}
      rowProps={(r) => ({ className: r.failing || r.s?.failed ? 'bad-row' : undefined })}
      columns={[
        { header: 'Cluster', cell: (r) => <ClusterLink id={r.c.id} /> },
        { header: 'Records', align: 'num', cell: (r) => count(r.s?.records ?? 0) },
        {
          header: 'Verified',
          align: 'num',
          cell: (r) => count(r.s?.passed ?? 0),
          hideNarrow: true,
        },
        { header: 'Failed', align: 'num', cell: (r) => count(r.s?.failed ?? 0) },
        {
          header: 'Eras paid',
          align: 'num',
          cell: (r) =>
            `${count(r.c.eraPayouts.length)}${r.c.eraPayouts.length === MAX_ERAS ? '+' : ''}`,
          hideNarrow: true,
        },
        {
          header: 'Latest era',
          hideNarrow: true,
          cell: (r) =>
            r.c.eraPayouts[0] ? <EraLink clusterId={r.c.id} era={r.c.eraPayouts[0].era} /> : '—',
        },
        { header: 'Era checks', cell: (r) => eraChecks(r.c) },
      ]}
    />
  );
}
