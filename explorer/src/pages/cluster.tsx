/**
 * A DDC cluster: its accounts and parameters, protocol shares and pricing, storage nodes, the era
 * history (charged and rewarded per era, records and verification rate) and a summary of its
 * failed checks (its records', batches' and eras': `checkStats(clusterId:)`).
 * @module
 */
import { useQuery } from '../api.ts';
import {
  Copy,
  Empty,
  KeyValues,
  Loaded,
  Page,
  Section,
  Status,
  Table,
} from '../components/basics.tsx';
import { AccountLink, BlockLink, ChainRefLink, EraLink, HashLink } from '../components/links.tsx';
import { EraVerdict, eraFails, eraSkipped } from '../components/era-status.tsx';
import { SYMBOL, amount, count, percent, short, tokens } from '../format.ts';
import { ChartFigure, type EraPoint, EraHistoryChart } from '../charts/charts.tsx';
import { big } from '../charts/era-math.ts';

interface ClusterData {
  clusterById: {
    id: string;
    manager: string | null;
    reserve: string | null;
    params: unknown;
    blockHeight: number;
    eventId: string;
    protocolParams: Array<{
      id: string;
      treasuryShare: string;
      validatorsShare: string;
      reserveShare: string;
      pricing: unknown;
      blockHeight: number;
    }>;
    nodeEvents: Array<{ id: string; nodeId: string; kind: string; blockHeight: number }>;
    eraPayouts: Array<{
      era: number;
      charged: string;
      rewarded: string;
      records: number;
      ok: boolean;
      failed: number;
      blockHeight: number;
      paid: { kind: string } | null;
    }>;
  } | null;
  activityStats: Array<{
    era: number | null;
    records: number;
    passed: number;
    failed: number;
    verificationRate: number;
  }>;
  checkStats: Array<{ step: string; code: string | null; failed: number; lastBlockHeight: number }>;
}

const CLUSTER = `query Cluster($id: String!) {
  clusterById(id: $id) {
    id manager reserve params blockHeight eventId
    protocolParams(orderBy: [blockHeight_DESC], limit: 50) {
      id treasuryShare validatorsShare reserveShare pricing blockHeight
    }
    nodeEvents(orderBy: [blockHeight_ASC, id_ASC], limit: 1000) { id nodeId kind blockHeight }
    eraPayouts(orderBy: [era_ASC], limit: 1000) {
      era charged rewarded records ok failed blockHeight paid { kind }
    }
  }
  activityStats(groupBy: [ERA], where: { clusterId_eq: $id }, limit: 1000) {
    era records passed failed verificationRate
  }
  checkStats(groupBy: [STEP, CODE], clusterId: $id, where: { ok_eq: false, skipped_eq: false }) {
    step code failed lastBlockHeight
  }
}`;

interface NodesData {
  nodes: Array<{ id: string; kind: string; providerId: string; params: unknown }>;
}

const NODES = `query ClusterNodes($ids: [String!]!) {
  nodes(where: { id_in: $ids }, limit: 1000) { id kind providerId params }
}`;

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
  const q = useQuery<ClusterData>(CLUSTER, { id: props.id });
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

function ClusterBody(props: { data: ClusterData; c: NonNullable<ClusterData['clusterById']> }) {
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
      <Failures rows={data.checkStats} />
    </>
  );
}

function ProtocolParams(props: {
  rows: NonNullable<ClusterData['clusterById']>['protocolParams'];
}) {
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
            <Table caption="Earlier protocol parameters">
              <thead>
                <tr>
                  <th>Block</th>
                  <th className="num">Treasury</th>
                  <th className="num">Validators</th>
                  <th className="num">Reserve</th>
                </tr>
              </thead>
              <tbody>
                {older.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <BlockLink height={p.blockHeight} />
                    </td>
                    <td className="num">{percent(share(p.treasuryShare), 2)}</td>
                    <td className="num">{percent(share(p.validatorsShare), 2)}</td>
                    <td className="num">{percent(share(p.reserveShare), 2)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </>
      )}
    </Section>
  );
}

function Nodes(props: { events: NonNullable<ClusterData['clusterById']>['nodeEvents'] }) {
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
  const q = useQuery<NodesData>(NODES, { ids }, { skip: ids.length === 0 });
  const nodes = new Map((q.data?.nodes ?? []).map((n) => [n.id, n]));
  return (
    <Section title="Storage nodes" id="nodes">
      {ids.length === 0 ? (
        <Empty>No node has been added to this cluster.</Empty>
      ) : (
        <Loaded state={q} what="nodes">
          {() => (
            <Table caption={`Nodes added to the cluster (${ids.length})`}>
              <thead>
                <tr>
                  <th>Node key</th>
                  <th>Provider</th>
                  <th>Address</th>
                  <th>Membership</th>
                  <th>Last change</th>
                </tr>
              </thead>
              <tbody>
                {ids.map((id) => {
                  const m = byNode.get(id)!;
                  const n = nodes.get(id);
                  const removed = /remov/i.test(m.last);
                  return (
                    <tr key={id}>
                      <td>
                        <HashLink value={id} />
                      </td>
                      <td>
                        <AccountLink id={n?.providerId} />
                      </td>
                      <td className="mono">{n ? nodeAddress(n.params) : '—'}</td>
                      <td>
                        <Status ok={!removed} label={removed ? 'removed' : m.kinds.join(', ')} />
                      </td>
                      <td>
                        <BlockLink height={m.since} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )}
        </Loaded>
      )}
    </Section>
  );
}

interface EraRow {
  era: number;
  payout?: NonNullable<ClusterData['clusterById']>['eraPayouts'][number];
  stats?: ClusterData['activityStats'][number];
}

function EraHistory(props: { data: ClusterData; c: NonNullable<ClusterData['clusterById']> }) {
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
      <Table caption="Eras, newest first: payout, records and verification rate">
        <thead>
          <tr>
            <th>Era</th>
            <th className="num">Records</th>
            <th className="num">Verified</th>
            <th className="num">Failed</th>
            <th className="num">Rate</th>
            <th className="num">Charged</th>
            <th className="num">Rewarded</th>
            <th>Era checks</th>
          </tr>
        </thead>
        <tbody>
          {[...eras].reverse().map((r) => (
            <tr key={r.era} className={r.payout && eraFails(r.payout) ? 'bad-row' : undefined}>
              <td>
                <EraLink clusterId={props.c.id} era={r.era} />
              </td>
              <td className="num">{count(r.stats?.records ?? 0)}</td>
              <td className="num">{count(r.stats?.passed ?? 0)}</td>
              <td className="num">{count(r.stats?.failed ?? 0)}</td>
              <td className="num">
                {r.stats && r.stats.records > 0 ? percent(r.stats.verificationRate) : '—'}
              </td>
              <td className="num">{r.payout ? amount(r.payout.charged) : '—'}</td>
              <td className="num">{r.payout ? amount(r.payout.rewarded) : '—'}</td>
              <td>
                {r.payout ? (
                  <EraVerdict ok={r.payout.ok} failed={r.payout.failed} paid={r.payout.paid} />
                ) : (
                  <Status ok={null} label="not paid yet" />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Section>
  );
}

function Failures(props: { rows: ClusterData['checkStats'] }) {
  const rows = [...props.rows].sort((a, b) => b.failed - a.failed);
  return (
    <Section title="Failed checks" id="failures">
      <p className="muted">
        Checks of this cluster’s records, batches and eras (consent, signatures, inclusion, anchors,
        attestation, conservation and settlement) that failed, by step and reason. Other clusters’
        checks are not counted here.
      </p>
      {rows.length === 0 ? (
        <Empty>No check of this cluster has failed.</Empty>
      ) : (
        <Table caption="Failed checks by step and reason code">
          <thead>
            <tr>
              <th>Step</th>
              <th>Code</th>
              <th className="num">Failed</th>
              <th>Last at</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.step}/${r.code}`} className="bad-row">
                <td>{r.step}</td>
                <td className="mono">{r.code ?? '—'}</td>
                <td className="num">{count(r.failed)}</td>
                <td>
                  <BlockLink height={r.lastBlockHeight} />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Section>
  );
}
