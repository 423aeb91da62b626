/**
 * A DDC cluster: its accounts and parameters, protocol shares and pricing, storage nodes, the era
 * history (charged and rewarded per era, records and verification rate) and a summary of its
 * failed checks (its records', batches' and eras': `checkStats(clusterId:)`).
 * @module
 */
import { useQuery } from '../api.ts';
import { Copy, Empty, KeyValues, Loaded, Page, Section, Status } from '../components/basics.tsx';
import { DataTable } from '../components/data-table.tsx';
import { FailedReasons, LinesByKind } from '../components/failed-checks.tsx';
import { graphql } from '../gql/index.ts';
import type { ClusterQuery } from '../gql/graphql.ts';
import { AccountLink, BlockLink, ChainRefLink, EraLink, HashLink } from '../components/links.tsx';
import { EraVerdict, eraFails, eraSkipped } from '../components/era-status.tsx';
import { SYMBOL, amount, count, percent, short, tokens } from '../format.ts';
import { ChartFigure, type EraPoint, EraHistoryChart } from '../charts/charts.tsx';
import { big } from '../charts/era-math.ts';

const CLUSTER = graphql(`
  query Cluster($id: String!) {
    clusterById(id: $id) {
      id
      manager
      reserve
      params
      blockHeight
      eventId
      protocolParams(orderBy: [blockHeight_DESC], limit: 50) {
        id
        treasuryShare
        validatorsShare
        reserveShare
        pricing
        blockHeight
      }
      nodeEvents(orderBy: [blockHeight_ASC, id_ASC], limit: 1000) {
        id
        nodeId
        kind
        blockHeight
      }
      eraPayouts(orderBy: [era_ASC], limit: 1000) {
        era
        charged
        rewarded
        records
        ok
        failed
        blockHeight
        paid {
          kind
        }
      }
    }
    activityStats(groupBy: [ERA], where: { clusterId_eq: $id }, limit: 1000) {
      era
      records
      passed
      failed
      verificationRate
    }
  }
`);

/**
 * The cluster's lines by kind, asked apart from the page. The API sums them from the counts the
 * database keeps (`check_count`); before those, counting a cluster's lines outlasted the API's time
 * limit on a large database (docs/operations.md). Should they still time out, the rest of the page
 * does not wait for them, nor fail with them.
 */
const CLUSTER_LINES = graphql(`
  query ClusterLines($id: String!) {
    byKind: checkStats(groupBy: [SUBJECT_KIND], clusterId: $id, limit: 100) {
      subjectKind
      lines
      passed
      failed
      pending
      skipped
    }
  }
`);

/** The cluster's failed checks by reason (the failed lines only, through their index). */
const CLUSTER_FAILED = graphql(`
  query ClusterFailed($id: String!) {
    failed: checkStats(
      groupBy: [SUBJECT_KIND, STEP, CHECK, CODE]
      clusterId: $id
      where: { ok_eq: false, pending_eq: false, skipped_eq: false }
      limit: 1000
    ) {
      subjectKind
      step
      check
      code
      failed
      lastBlockHeight
    }
  }
`);

type ClusterData = ClusterQuery;
type ClusterRow = NonNullable<ClusterData['clusterById']>;

const NODES = graphql(`
  query ClusterNodes($ids: [String!]!) {
    nodes(where: { id_in: $ids }, limit: 1000) {
      id
      kind
      providerId
      params
    }
  }
`);

/** Eras drawn in the history chart (the newest); the table lists every era. */
const CHART_ERAS = 40;

/** A Perquintill share (10^18 = 100%) as a fraction. */
function share(perquintill: string): number {
  return Number((big(perquintill) * 1_000_000n) / 10n ** 18n) / 1_000_000;
}

/** `0x`-hex of UTF-8 text (as node params carry hosts and domains) → the text. */
function hexText(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  if (!/^0x([0-9a-fA-F]{2})*$/.test(v)) return v;
  const bytes = new Uint8Array((v.length - 2) / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(v.slice(2 + i * 2, 4 + i * 2), 16);
  return new TextDecoder().decode(bytes);
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Where a storage node listens, from its params (`StorageParams`). */
function nodeAddress(params: unknown): string {
  const p = record(record(params).value);
  const host = hexText(p.domain) || hexText(p.host);
  if (!host) return '—';
  const port = typeof p.httpPort === 'number' ? `:${p.httpPort}` : '';
  return `${p.ssl ? 'https' : 'http'}://${host}${port}`;
}

/** `perMbStored` → `per mb stored`. */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? String(v)
    : JSON.stringify(v);
}

export default function Cluster(props: { id: string }) {
  const q = useQuery(CLUSTER, { id: props.id });
  return (
    <Page title={`Cluster ${short(props.id)}`} kicker="DDC cluster">
      <Loaded state={q} what="the cluster">
        {(d) =>
          d.clusterById ? (
            <ClusterBody data={d} c={d.clusterById} />
          ) : (
            <Empty>
              No cluster with id <code style={{ overflowWrap: 'anywhere' }}>{props.id}</code> is
              indexed. Cluster ids are 20-byte hex values (<code>0x…</code>), as in ClusterCreated
              events.
            </Empty>
          )
        }
      </Loaded>
    </Page>
  );
}

function ClusterBody(props: { data: ClusterData; c: ClusterRow }) {
  const { c, data } = props;
  const params = Object.entries(record(c.params));
  return (
    <>
      <Section title="Cluster" id="cluster">
        <KeyValues
          rows={[
            ['Id', <Copy key="i" value={c.id} />],
            ['Manager', <AccountLink key="m" id={c.manager} />],
            ['Reserve account', <AccountLink key="r" id={c.reserve} />],
            ['Created in', <ChainRefLink key="e" kind="event" id={c.eventId} />],
            ['Block', <BlockLink key="b" height={c.blockHeight} />],
            ...params.map(([k, v]): [string, string] => [words(k), text(v)]),
          ]}
        />
      </Section>
      <ProtocolParams rows={c.protocolParams} />
      <Nodes events={c.nodeEvents} />
      <EraHistory data={data} c={c} />
      <Failures id={c.id} />
    </>
  );
}

function ProtocolParams(props: { rows: ClusterRow['protocolParams'] }) {
  const [current, ...older] = props.rows;
  return (
    <Section title="Protocol parameters" id="protocol">
      {!current ? (
        <Empty>No protocol parameters of this cluster are indexed.</Empty>
      ) : (
        <>
          <p className="muted">
            Set at block <BlockLink height={current.blockHeight} />
            {older.length > 0 && `; changed ${older.length} time(s) before (listed below)`}. Fees
            are shares of what customers are charged; prices are per unit of usage.
          </p>
          <KeyValues
            rows={[
              ['Treasury share', percent(share(current.treasuryShare), 2)],
              ['Validators share', percent(share(current.validatorsShare), 2)],
              ['Reserve share', percent(share(current.reserveShare), 2)],
              ...Object.entries(record(current.pricing)).map(([k, v]): [string, string] => [
                `Price ${words(k)}`,
                typeof v === 'string' && /^\d+$/.test(v) ? amount(v) : text(v),
              ]),
            ]}
          />
          {older.length > 0 && (
            <DataTable
              caption="Earlier protocol parameters"
              rows={older}
              rowKey={(p) => p.id}
              columns={[
                { header: 'Block', cell: (p) => <BlockLink height={p.blockHeight} /> },
                {
                  header: 'Treasury',
                  align: 'num',
                  cell: (p) => percent(share(p.treasuryShare), 2),
                },
                {
                  header: 'Validators',
                  align: 'num',
                  cell: (p) => percent(share(p.validatorsShare), 2),
                },
                { header: 'Reserve', align: 'num', cell: (p) => percent(share(p.reserveShare), 2) },
              ]}
            />
          )}
        </>
      )}
    </Section>
  );
}

function Nodes(props: { events: ClusterRow['nodeEvents'] }) {
  // Each node's events in chain order: its latest says whether it is still in the cluster.
  const byNode = new Map<string, { kinds: string[]; last: string; since: number }>();
  for (const e of props.events) {
    const n = byNode.get(e.nodeId) ?? { kinds: [], last: e.kind, since: e.blockHeight };
    n.kinds.push(e.kind);
    n.last = e.kind;
    n.since = e.blockHeight;
    byNode.set(e.nodeId, n);
  }
  const ids = [...byNode.keys()];
  const q = useQuery(NODES, { ids }, { skip: ids.length === 0 });
  const nodes = new Map((q.data?.nodes ?? []).map((n) => [n.id, n]));
  return (
    <Section title="Storage nodes" id="nodes">
      {ids.length === 0 ? (
        <Empty>No node has been added to this cluster.</Empty>
      ) : (
        <Loaded state={q} what="nodes">
          {() => (
            <DataTable
              caption={`Nodes added to the cluster (${ids.length})`}
              rows={ids.map((id) => ({ id, m: byNode.get(id)!, n: nodes.get(id) }))}
              rowKey={(r) => r.id}
              columns={[
                { header: 'Node key', cell: (r) => <HashLink value={r.id} /> },
                { header: 'Provider', cell: (r) => <AccountLink id={r.n?.providerId} /> },
                {
                  header: 'Address',
                  className: 'mono',
                  cell: (r) => (r.n ? nodeAddress(r.n.params) : '—'),
                  hideNarrow: true,
                },
                {
                  header: 'Membership',
                  cell: ({ m }) => {
                    const removed = /remov/i.test(m.last);
                    return (
                      <Status ok={!removed} label={removed ? 'removed' : m.kinds.join(', ')} />
                    );
                  },
                },
                {
                  header: 'Last change',
                  cell: (r) => <BlockLink height={r.m.since} />,
                  hideNarrow: true,
                },
              ]}
            />
          )}
        </Loaded>
      )}
    </Section>
  );
}

interface EraRow {
  era: number;
  payout?: ClusterRow['eraPayouts'][number];
  stats?: ClusterData['activityStats'][number];
}

function EraHistory(props: { data: ClusterData; c: ClusterRow }) {
  const rows = new Map<number, EraRow>();
  for (const p of props.c.eraPayouts) rows.set(p.era, { era: p.era, payout: p });
  for (const s of props.data.activityStats) {
    if (s.era === null) continue;
    rows.set(s.era, { ...(rows.get(s.era) ?? { era: s.era }), stats: s });
  }
  const eras = [...rows.values()].sort((a, b) => a.era - b.era);
  if (eras.length === 0) {
    return (
      <Section title="Eras" id="eras">
        <Empty>No activity or payout of this cluster is indexed yet.</Empty>
      </Section>
    );
  }
  const points: EraPoint[] = eras.slice(-CHART_ERAS).map((r) => ({
    era: r.era,
    charged: tokens(r.payout?.charged),
    rewarded: tokens(r.payout?.rewarded),
    rate: r.stats && r.stats.records > 0 ? r.stats.verificationRate * 100 : null,
  }));
  const paid = eras.filter((r) => r.payout).length;
  const records = eras.reduce((s, r) => s + (r.stats?.records ?? 0), 0);
  const passed = eras.reduce((s, r) => s + (r.stats?.passed ?? 0), 0);
  const failing = eras.filter((r) => r.payout && eraFails(r.payout)).length;
  const skipped = eras.filter((r) => r.payout && eraSkipped(r.payout)).length;
  return (
    <Section title="Eras" id="eras">
      <ChartFigure
        title="Era history"
        summary={`${eras.length > CHART_ERAS ? `The newest ${CHART_ERAS} of ${eras.length} eras` : `${eras.length} eras`}: charged and rewarded per era (bars, ${SYMBOL}), and the share of activity records that verified (dashed line, right axis). Over all eras ${count(passed)} of ${count(records)} records verified (${percent(records ? passed / records : null)}); ${paid} eras paid, ${failing} with failed era checks${skipped > 0 ? `, ${skipped} skipped by Root (no one charged or rewarded)` : ''}. The table below has every number.`}
      >
        <EraHistoryChart data={points} title="Era history" />
      </ChartFigure>
      <DataTable
        caption="Eras, newest first: payout, records and verification rate"
        rows={[...eras].reverse()}
        rowKey={(r) => r.era}
        rowProps={(r) => ({ className: r.payout && eraFails(r.payout) ? 'bad-row' : undefined })}
        columns={[
          { header: 'Era', cell: (r) => <EraLink clusterId={props.c.id} era={r.era} /> },
          { header: 'Records', align: 'num', cell: (r) => count(r.stats?.records ?? 0) },
          {
            header: 'Verified',
            align: 'num',
            cell: (r) => count(r.stats?.passed ?? 0),
            hideNarrow: true,
          },
          { header: 'Failed', align: 'num', cell: (r) => count(r.stats?.failed ?? 0) },
          {
            header: 'Rate',
            align: 'num',
            cell: (r) => (r.stats && r.stats.records > 0 ? percent(r.stats.verificationRate) : '—'),
            hideNarrow: true,
          },
          {
            header: 'Charged',
            align: 'num',
            cell: (r) => (r.payout ? amount(r.payout.charged) : '—'),
            hideNarrow: true,
          },
          {
            header: 'Rewarded',
            align: 'num',
            cell: (r) => (r.payout ? amount(r.payout.rewarded) : '—'),
            hideNarrow: true,
          },
          {
            header: 'Era checks',
            cell: (r) =>
              r.payout ? (
                <EraVerdict ok={r.payout.ok} failed={r.payout.failed} paid={r.payout.paid} />
              ) : (
                <Status ok={null} label="not paid yet" />
              ),
          },
        ]}
      />
    </Section>
  );
}

function Failures(props: { id: string }) {
  const lines = useQuery(CLUSTER_LINES, { id: props.id });
  const failed = useQuery(CLUSTER_FAILED, { id: props.id });
  return (
    <Section title="Checks and failures" id="failures">
      <p className="muted">
        Every verification line of this cluster’s records, their links, batches, anchors, eras and
        settlements, by kind; then the failed ones by check and reason. Lines waiting for an input
        and lines of an era Root skipped are not failures. Other clusters’ lines are not counted
        here.
      </p>
      <Loaded state={lines} what="the cluster's lines by kind">
        {(d) => (
          <LinesByKind rows={d.byKind} caption="Verification lines of this cluster by kind" />
        )}
      </Loaded>
      <h3>Failed checks</h3>
      <Loaded state={failed} what="the cluster's failed checks">
        {(d) =>
          d.failed.length === 0 ? (
            <Empty>No check of this cluster has failed.</Empty>
          ) : (
            <FailedReasons rows={d.failed} caption="Failed checks by kind, check and reason code" />
          )
        }
      </Loaded>
    </Section>
  );
}
