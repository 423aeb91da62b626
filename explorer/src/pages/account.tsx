/**
 * An account (32-byte hex, or SS58 in the address): its SS58 and hex forms and every role the
 * index knows for it (customer, provider, validator, GAR user or agent, payee, extrinsic signer),
 * with its newest activity records.
 * @module
 */
import type { ReactNode } from 'react';
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
import { ExportButtons } from '../components/export.tsx';
import {
  AccountLink,
  BatchLink,
  BlockLink,
  ChainRefLink,
  ClusterLink,
  EraLink,
  GrantLink,
  HashLink,
  ReceiptLink,
  RoundLink,
} from '../components/links.tsx';
import { amount, count, time } from '../format.ts';
import { decodeAddress, encodeAddress } from '../ss58.ts';

interface GrantRow {
  seq: string;
  userId: string | null;
  agentId: string | null;
  createdAt: string | null;
  expiresAt: string | null;
  revoked: boolean | null;
  parseCode: string | null;
}

interface AccountData {
  customerById: {
    blockHeight: number;
    deposits: Array<{ id: string; clusterId: string | null; amount: string; blockHeight: number }>;
  } | null;
  providerById: {
    blockHeight: number;
    nodes: Array<{ id: string; kind: string; blockHeight: number }>;
  } | null;
  validatorById: {
    blockHeight: number;
    eventId: string;
    votes: Array<{
      id: string;
      clusterId: string;
      era: number;
      payersRoot: string;
      payeesRoot: string;
      extrinsicId: string | null;
      blockHeight: number;
    }>;
  } | null;
  asUser: GrantRow[];
  asAgent: GrantRow[];
  activityRecords: Array<{
    id: string;
    recordId: string;
    batchId: string;
    era: number | null;
    clusterId: string | null;
    customerId: string | null;
    providerId: string | null;
    userId: string | null;
    timestamp: string | null;
    cost: string | null;
    ok: boolean;
    failed: number;
  }>;
  stats: Array<{ records: number; passed: number; failed: number; cost: string }>;
  payoutLines: Array<{
    id: string;
    clusterId: string;
    era: number;
    kind: string;
    amount: string;
    expected: string | null;
    extrinsicId: string | null;
    blockHeight: number;
  }>;
  chainExtrinsics: Array<{ id: string; name: string; success: boolean; blockHeight: number }>;
  remarks: Array<{ id: string; kind: string | null; code: string | null; blockHeight: number }>;
  clusters: Array<{ id: string; manager: string | null; reserve: string | null }>;
}

const ACCOUNT = `query Account($id: String!, $records: ActivityRecordWhereInput!) {
  customerById(id: $id) {
    blockHeight
    deposits(orderBy: blockHeight_DESC, limit: 100) { id clusterId amount blockHeight }
  }
  providerById(id: $id) { blockHeight nodes(limit: 100) { id kind blockHeight } }
  validatorById(id: $id) {
    blockHeight eventId
    votes(orderBy: [era_DESC], limit: 100) { id clusterId era payersRoot payeesRoot extrinsicId blockHeight }
  }
  asUser: grants(where: { userId_eq: $id }, orderBy: seq_ASC, limit: 500) {
    seq userId agentId createdAt expiresAt revoked parseCode
  }
  asAgent: grants(where: { agentId_eq: $id }, orderBy: seq_ASC, limit: 500) {
    seq userId agentId createdAt expiresAt revoked parseCode
  }
  activityRecords(where: $records, orderBy: [blockHeight_DESC, leafIndex_DESC], limit: 20) {
    id recordId batchId era clusterId customerId providerId userId timestamp cost ok failed
  }
  stats: activityStats(where: $records) { records passed failed cost }
  payoutLines(where: { accountId_eq: $id }, orderBy: [blockHeight_DESC], limit: 200) {
    id clusterId era kind amount expected extrinsicId blockHeight
  }
  chainExtrinsics(where: { signer_eq: $id }, orderBy: [blockHeight_DESC], limit: 20) {
    id name success blockHeight
  }
  remarks(where: { sender_eq: $id }, orderBy: [blockHeight_DESC], limit: 20) { id kind code blockHeight }
  clusters(where: { OR: [{ manager_eq: $id }, { reserve_eq: $id }] }, limit: 100) { id manager reserve }
}`;

/** The hex account of the page's id: 0x-hex as is (lowercased), SS58 decoded; null otherwise. */
function toHex(id: string): string | null {
  if (/^0x[0-9a-fA-F]{64}$/.test(id)) return id.toLowerCase();
  return decodeAddress(id)?.account ?? null;
}

function grantStatus(g: GrantRow, now: number): ReactNode {
  if (g.parseCode) return <Status ok={false} label="unreadable" />;
  if (g.revoked) return <Status ok={false} label="revoked" />;
  if (g.expiresAt && new Date(g.expiresAt).getTime() <= now)
    return <Status ok={false} label="expired" />;
  return <Status ok label="active" />;
}

/** The latest version per counterpart (rows arrive in seq order). */
function latestPerPair(rows: GrantRow[]): Array<{ latest: GrantRow; versions: number }> {
  const pairs = new Map<string, { latest: GrantRow; versions: number }>();
  for (const g of rows) {
    const key = `${g.userId}/${g.agentId}`;
    pairs.set(key, { latest: g, versions: (pairs.get(key)?.versions ?? 0) + 1 });
  }
  return [...pairs.values()];
}

function Grants(props: { rows: GrantRow[]; other: 'userId' | 'agentId'; otherLabel: string }) {
  const now = Date.now();
  return (
    <Table caption={`Grants by ${props.otherLabel.toLowerCase()}`}>
      <thead>
        <tr>
          <th>{props.otherLabel}</th>
          <th>Grant</th>
          <th className="num">Versions</th>
          <th>Latest created</th>
          <th>Expires</th>
          <th>Status now</th>
        </tr>
      </thead>
      <tbody>
        {latestPerPair(props.rows).map(({ latest: g, versions }) => (
          <tr key={`${g.userId}/${g.agentId}`}>
            <td>
              <AccountLink id={g[props.other]} />
            </td>
            <td>
              <GrantLink userId={g.userId} agentId={g.agentId}>
                view grant
              </GrantLink>
            </td>
            <td className="num">{versions}</td>
            <td>{time(g.createdAt)}</td>
            <td>{g.expiresAt ? time(g.expiresAt) : 'never'}</td>
            <td>{grantStatus(g, now)}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export default function Account(props: { id: string }) {
  const hex = toHex(props.id);
  const records = { OR: [{ customerId_eq: hex }, { providerId_eq: hex }, { userId_eq: hex }] };
  const q = useQuery<AccountData>(ACCOUNT, { id: hex ?? '', records }, { skip: !hex });
  const ss58 = hex ? encodeAddress(hex) : null;
  if (!hex) {
    return (
      <Page title="Account">
        <Empty>
          <code>{props.id}</code> is not an account. Accounts are 32-byte hex (<code>0x</code> and
          64 hex digits) or SS58 addresses.
        </Empty>
      </Page>
    );
  }
  return (
    <Page
      title={`Account ${ss58 ? ss58.slice(0, 8) + '…' : hex.slice(0, 10) + '…'}`}
      kicker="Account"
    >
      <KeyValues
        rows={[
          ['SS58 (Cere, prefix 54)', ss58 ? <Copy value={ss58} /> : '—'],
          ['Hex', <Copy value={hex} />],
        ]}
      />
      <Loaded state={q} what="the account">
        {(d) => {
          const stats = d.stats[0];
          const roles: string[] = [];
          if (d.customerById) roles.push('customer');
          if (d.providerById) roles.push('provider');
          if (d.validatorById) roles.push('validator');
          if (d.asUser.length) roles.push('GAR user');
          if (d.asAgent.length) roles.push('GAR agent');
          if (d.payoutLines.length) roles.push('payout party');
          if (d.chainExtrinsics.length) roles.push('extrinsic signer');
          if (d.remarks.length) roles.push('remark sender');
          if (d.clusters.length) roles.push('cluster manager or reserve');
          const hasRecords = d.activityRecords.length > 0;
          if (roles.length === 0 && !hasRecords) {
            return (
              <Empty>
                The index knows nothing about this account: it is no customer, provider, validator,
                GAR user or agent, took part in no payout, manages no cluster and signed no indexed
                extrinsic or remark.
              </Empty>
            );
          }
          return (
            <>
              <p className="lead">
                Roles:{' '}
                <strong>{roles.length ? roles.join(', ') : 'named in activity records'}</strong>.
              </p>
              {d.customerById && (
                <Section title="Customer" id="customer">
                  <p>
                    Customer since block <BlockLink height={d.customerById.blockHeight} />.
                  </p>
                  {d.customerById.deposits.length === 0 ? (
                    <Empty>No deposits indexed.</Empty>
                  ) : (
                    <Table caption="Deposits">
                      <thead>
                        <tr>
                          <th>Deposit</th>
                          <th>Cluster</th>
                          <th className="num">Amount</th>
                          <th>Block</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.customerById.deposits.map((x) => (
                          <tr key={x.id}>
                            <td>
                              <ChainRefLink kind="event" id={x.id} />
                            </td>
                            <td>
                              <ClusterLink id={x.clusterId} />
                            </td>
                            <td className="num">{amount(x.amount)}</td>
                            <td>
                              <BlockLink height={x.blockHeight} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </Table>
                  )}
                </Section>
              )}
              {d.providerById && (
                <Section title="Storage provider" id="provider">
                  <p>
                    Provider since block <BlockLink height={d.providerById.blockHeight} />.
                  </p>
                  {d.providerById.nodes.length === 0 ? (
                    <Empty>No nodes indexed.</Empty>
                  ) : (
                    <Table caption="Nodes">
                      <thead>
                        <tr>
                          <th>Node</th>
                          <th>Kind</th>
                          <th>Added</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.providerById.nodes.map((n) => (
                          <tr key={n.id}>
                            <td>
                              <HashLink value={n.id} />
                            </td>
                            <td>{n.kind}</td>
                            <td>
                              <BlockLink height={n.blockHeight} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </Table>
                  )}
                </Section>
              )}
              {d.validatorById && (
                <Section title="Validator" id="validator">
                  <p>
                    Validator key set at <ChainRefLink kind="event" id={d.validatorById.eventId} />.
                  </p>
                  {d.validatorById.votes.length === 0 ? (
                    <Empty>No attestation votes indexed.</Empty>
                  ) : (
                    <Table caption="Attestation votes">
                      <thead>
                        <tr>
                          <th>Round</th>
                          <th>Cluster</th>
                          <th>Payers root</th>
                          <th>Payees root</th>
                          <th>Vote</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.validatorById.votes.map((v) => (
                          <tr key={v.id}>
                            <td>
                              <RoundLink clusterId={v.clusterId} era={v.era} />
                            </td>
                            <td>
                              <ClusterLink id={v.clusterId} />
                            </td>
                            <td>
                              <HashLink value={v.payersRoot} />
                            </td>
                            <td>
                              <HashLink value={v.payeesRoot} />
                            </td>
                            <td>
                              {v.extrinsicId ? (
                                <ChainRefLink id={v.extrinsicId} />
                              ) : (
                                <BlockLink height={v.blockHeight} />
                              )}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </Table>
                  )}
                </Section>
              )}
              {d.asUser.length > 0 && (
                <Section title="Consent granted (as GAR user)" id="grants-user">
                  <Grants rows={d.asUser} other="agentId" otherLabel="Agent" />
                </Section>
              )}
              {d.asAgent.length > 0 && (
                <Section title="Consent received (as GAR agent)" id="grants-agent">
                  <Grants rows={d.asAgent} other="userId" otherLabel="User" />
                </Section>
              )}
              {hasRecords && (
                <Section
                  title={`Activity records${stats ? ` (${count(stats.records)})` : ''}`}
                  id="records"
                  actions={
                    <ExportButtons
                      entity="activityRecords"
                      where={records}
                      orderBy="blockHeight_DESC"
                      label="records of this account"
                    />
                  }
                >
                  {stats && (
                    <p className="totals">
                      As customer, provider or user: {count(stats.passed)} passed,{' '}
                      <b className={stats.failed ? 'bad-text' : ''}>{count(stats.failed)} failed</b>
                      , cost {amount(stats.cost)}
                      {stats.records > d.activityRecords.length &&
                        `; the newest ${d.activityRecords.length} are shown`}
                      .
                    </p>
                  )}
                  <Table caption="Newest activity records">
                    <thead>
                      <tr>
                        <th>Record</th>
                        <th>As</th>
                        <th>Era</th>
                        <th>Batch</th>
                        <th>Time</th>
                        <th className="num">Cost</th>
                        <th>Checks</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.activityRecords.map((r) => (
                        <tr key={r.id} className={r.ok ? undefined : 'bad-row'}>
                          <td>
                            <ReceiptLink id={r.id}>{r.recordId}</ReceiptLink>
                          </td>
                          <td>
                            {[
                              r.customerId === hex && 'customer',
                              r.providerId === hex && 'provider',
                              r.userId === hex && 'user',
                            ]
                              .filter(Boolean)
                              .join(', ')}
                          </td>
                          <td>
                            <EraLink clusterId={r.clusterId} era={r.era} />
                          </td>
                          <td>
                            <BatchLink id={r.batchId} />
                          </td>
                          <td>{time(r.timestamp)}</td>
                          <td className="num">{amount(r.cost)}</td>
                          <td>
                            <Status ok={r.ok} label={r.ok ? 'ok' : `${r.failed} failed`} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                </Section>
              )}
              {d.payoutLines.length > 0 && (
                <Section title="Payout lines" id="payouts">
                  <Table caption="Charges and rewards of this account, newest first">
                    <thead>
                      <tr>
                        <th>Era</th>
                        <th>Kind</th>
                        <th className="num">Amount</th>
                        <th className="num">Expected</th>
                        <th>Event</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.payoutLines.map((l) => (
                        <tr
                          key={l.id}
                          className={
                            l.expected !== null && l.expected !== l.amount ? 'diff' : undefined
                          }
                        >
                          <td>
                            <EraLink clusterId={l.clusterId} era={l.era} />
                          </td>
                          <td>{l.kind}</td>
                          <td className="num">{amount(l.amount)}</td>
                          <td className="num">{l.expected === null ? '—' : amount(l.expected)}</td>
                          <td>
                            <ChainRefLink kind="event" id={l.id} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                </Section>
              )}
              {d.clusters.length > 0 && (
                <Section title="Clusters" id="clusters">
                  <ul>
                    {d.clusters.map((c) => (
                      <li key={c.id}>
                        <ClusterLink id={c.id} />:{' '}
                        {[c.manager === hex && 'manager', c.reserve === hex && 'reserve account']
                          .filter(Boolean)
                          .join(' and ')}
                      </li>
                    ))}
                  </ul>
                </Section>
              )}
              {d.remarks.length > 0 && (
                <Section title="Remarks sent (newest 20)" id="remarks">
                  <Table caption="On-chain remarks sent by this account (anchors of batches and grants)">
                    <thead>
                      <tr>
                        <th>Remark</th>
                        <th>Kind</th>
                        <th>Envelope</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.remarks.map((r) => (
                        <tr key={r.id} className={r.code ? 'bad-row' : undefined}>
                          <td>
                            {r.kind === 'DacBatch' ? (
                              <BatchLink id={r.id} />
                            ) : (
                              <ChainRefLink kind="event" id={r.id} />
                            )}
                          </td>
                          <td>{r.kind ?? <span className="muted">none</span>}</td>
                          <td>
                            {r.code ? <Status ok={false} label={r.code} /> : r.kind ? 'read' : '—'}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                </Section>
              )}
              {d.chainExtrinsics.length > 0 && (
                <Section title="Signed extrinsics (newest 20)" id="extrinsics">
                  <Table caption="Indexed extrinsics signed by this account">
                    <thead>
                      <tr>
                        <th>Extrinsic</th>
                        <th>Call</th>
                        <th>Result</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.chainExtrinsics.map((x) => (
                        <tr key={x.id}>
                          <td>
                            <ChainRefLink id={x.id} />
                          </td>
                          <td className="mono">{x.name}</td>
                          <td>
                            <Status ok={x.success} label={x.success ? 'success' : 'failed'} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                </Section>
              )}
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
