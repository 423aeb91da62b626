/**
 * An account (32-byte hex, or SS58 in the address): its SS58 and hex forms and every role the
 * index knows for it (customer, provider, validator, GAR user or agent, payee, extrinsic signer),
 * with its newest activity records.
 * @module
 */
import type { ReactNode } from 'react';
import { useQuery } from '../api.ts';
import { Copy, Empty, KeyValues, Loaded, Page, Section, Status } from '../components/basics.tsx';
import { DataTable } from '../components/data-table.tsx';
import { RecordsTable, recordColumns } from '../components/records-table.tsx';
import { graphql } from '../gql/index.ts';
import type { AccountQuery, ActivityRecordWhereInput } from '../gql/graphql.ts';
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
  RoundLink,
} from '../components/links.tsx';
import { amount, count, time } from '../format.ts';
import { decodeAddress, encodeAddress } from '../ss58.ts';

const ACCOUNT = graphql(`
  query Account($id: String!, $records: ActivityRecordWhereInput!) {
    customerById(id: $id) {
      blockHeight
      deposits(orderBy: blockHeight_DESC, limit: 100) {
        id
        clusterId
        amount
        blockHeight
      }
    }
    providerById(id: $id) {
      blockHeight
      nodes(limit: 100) {
        id
        kind
        blockHeight
      }
    }
    validatorById(id: $id) {
      blockHeight
      eventId
      votes(orderBy: [era_DESC], limit: 100) {
        id
        clusterId
        era
        payersRoot
        payeesRoot
        extrinsicId
        blockHeight
      }
    }
    asUser: grants(where: { userId_eq: $id }, orderBy: seq_ASC, limit: 500) {
      seq
      userId
      agentId
      createdAt
      expiresAt
      revoked
      parseCode
    }
    asAgent: grants(where: { agentId_eq: $id }, orderBy: seq_ASC, limit: 500) {
      seq
      userId
      agentId
      createdAt
      expiresAt
      revoked
      parseCode
    }
    activityRecords(where: $records, orderBy: [blockHeight_DESC, leafIndex_DESC], limit: 20) {
      id
      recordId
      batchId
      era
      clusterId
      customerId
      providerId
      userId
      timestamp
      cost
      ok
      failed
    }
    stats: activityStats(where: $records) {
      records
      passed
      failed
      cost
    }
    payoutLines(where: { accountId_eq: $id }, orderBy: [blockHeight_DESC], limit: 200) {
      id
      clusterId
      era
      kind
      amount
      expected
      extrinsicId
      blockHeight
    }
    chainExtrinsics(where: { signer_eq: $id }, orderBy: [blockHeight_DESC], limit: 20) {
      id
      name
      success
      blockHeight
    }
    remarks(where: { sender_eq: $id }, orderBy: [blockHeight_DESC], limit: 20) {
      id
      kind
      code
      blockHeight
    }
    clusters(where: { OR: [{ manager_eq: $id }, { reserve_eq: $id }] }, limit: 100) {
      id
      manager
      reserve
    }
  }
`);

type AccountData = AccountQuery;
type GrantRow = AccountData['asUser'][number];

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
    <DataTable
      caption={`Grants by ${props.otherLabel.toLowerCase()}`}
      rows={latestPerPair(props.rows)}
      rowKey={({ latest: g }) => `${g.userId}/${g.agentId}`}
      columns={[
        { header: props.otherLabel, cell: ({ latest: g }) => <AccountLink id={g[props.other]} /> },
        {
          header: 'Grant',
          cell: ({ latest: g }) => (
            <GrantLink userId={g.userId} agentId={g.agentId}>
              view grant
            </GrantLink>
          ),
        },
        { header: 'Versions', align: 'num', cell: (p) => p.versions },
        { header: 'Latest created', cell: ({ latest: g }) => time(g.createdAt), hideNarrow: true },
        {
          header: 'Expires',
          cell: ({ latest: g }) => (g.expiresAt ? time(g.expiresAt) : 'never'),
          hideNarrow: true,
        },
        { header: 'Status now', cell: ({ latest: g }) => grantStatus(g, now) },
      ]}
    />
  );
}

export default function Account(props: { id: string }) {
  const hex = toHex(props.id);
  const records = { OR: [{ customerId_eq: hex }, { providerId_eq: hex }, { userId_eq: hex }] };
  const q = useQuery(ACCOUNT, { id: hex ?? '', records }, { skip: !hex });
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
        {(d) => <AccountBody d={d} hex={hex} records={records} />}
      </Loaded>
    </Page>
  );
}

/** The roles the index knows for the account, in words. */
function rolesOf(d: AccountData): string[] {
  const roles: Array<[boolean, string]> = [
    [Boolean(d.customerById), 'customer'],
    [Boolean(d.providerById), 'provider'],
    [Boolean(d.validatorById), 'validator'],
    [d.asUser.length > 0, 'GAR user'],
    [d.asAgent.length > 0, 'GAR agent'],
    [d.payoutLines.length > 0, 'payout party'],
    [d.chainExtrinsics.length > 0, 'extrinsic signer'],
    [d.remarks.length > 0, 'remark sender'],
    [d.clusters.length > 0, 'cluster manager or reserve'],
  ];
  return roles.filter(([has]) => has).map(([, role]) => role);
}

function AccountBody(props: { d: AccountData; hex: string; records: ActivityRecordWhereInput }) {
  const { d, hex } = props;
  const roles = rolesOf(d);
  if (roles.length === 0 && d.activityRecords.length === 0) {
    return (
      <Empty>
        The index knows nothing about this account: it is no customer, provider, validator, GAR user
        or agent, took part in no payout, manages no cluster and signed no indexed extrinsic or
        remark.
      </Empty>
    );
  }
  return (
    <>
      <p className="lead">
        Roles: <strong>{roles.length ? roles.join(', ') : 'named in activity records'}</strong>.
      </p>
      {d.customerById && <CustomerSection customer={d.customerById} />}
      {d.providerById && <ProviderSection provider={d.providerById} />}
      {d.validatorById && <ValidatorSection validator={d.validatorById} />}
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
      {d.activityRecords.length > 0 && <RecordsSection d={d} hex={hex} records={props.records} />}
      {d.payoutLines.length > 0 && <PayoutsSection lines={d.payoutLines} />}
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
      {d.remarks.length > 0 && <RemarksSection remarks={d.remarks} />}
      {d.chainExtrinsics.length > 0 && <ExtrinsicsSection extrinsics={d.chainExtrinsics} />}
    </>
  );
}

function CustomerSection(props: { customer: NonNullable<AccountData['customerById']> }) {
  const c = props.customer;
  return (
    <Section title="Customer" id="customer">
      <p>
        Customer since block <BlockLink height={c.blockHeight} />.
      </p>
      <DataTable
        caption="Deposits"
        rows={c.deposits}
        rowKey={(x) => x.id}
        empty="No deposits indexed."
        columns={[
          { header: 'Deposit', cell: (x) => <ChainRefLink kind="event" id={x.id} /> },
          { header: 'Cluster', cell: (x) => <ClusterLink id={x.clusterId} />, hideNarrow: true },
          { header: 'Amount', align: 'num', cell: (x) => amount(x.amount) },
          { header: 'Block', cell: (x) => <BlockLink height={x.blockHeight} />, hideNarrow: true },
        ]}
      />
    </Section>
  );
}

function ProviderSection(props: { provider: NonNullable<AccountData['providerById']> }) {
  const p = props.provider;
  return (
    <Section title="Storage provider" id="provider">
      <p>
        Provider since block <BlockLink height={p.blockHeight} />.
      </p>
      <DataTable
        caption="Nodes"
        rows={p.nodes}
        rowKey={(n) => n.id}
        empty="No nodes indexed."
        columns={[
          { header: 'Node', cell: (n) => <HashLink value={n.id} /> },
          { header: 'Kind', cell: (n) => n.kind },
          { header: 'Added', cell: (n) => <BlockLink height={n.blockHeight} /> },
        ]}
      />
    </Section>
  );
}

function ValidatorSection(props: { validator: NonNullable<AccountData['validatorById']> }) {
  const v = props.validator;
  return (
    <Section title="Validator" id="validator">
      <p>
        Validator key set at <ChainRefLink kind="event" id={v.eventId} />.
      </p>
      <DataTable
        caption="Attestation votes"
        rows={v.votes}
        rowKey={(x) => x.id}
        empty="No attestation votes indexed."
        columns={[
          { header: 'Round', cell: (x) => <RoundLink clusterId={x.clusterId} era={x.era} /> },
          { header: 'Cluster', cell: (x) => <ClusterLink id={x.clusterId} />, hideNarrow: true },
          {
            header: 'Payers root',
            cell: (x) => <HashLink value={x.payersRoot} />,
            hideNarrow: true,
          },
          {
            header: 'Payees root',
            cell: (x) => <HashLink value={x.payeesRoot} />,
            hideNarrow: true,
          },
          {
            header: 'Vote',
            cell: (x) =>
              x.extrinsicId ? (
                <ChainRefLink id={x.extrinsicId} />
              ) : (
                <BlockLink height={x.blockHeight} />
              ),
          },
        ]}
      />
    </Section>
  );
}

function RecordsSection(props: { d: AccountData; hex: string; records: ActivityRecordWhereInput }) {
  const { d, hex } = props;
  const stats = d.stats[0];
  const as = (r: AccountData['activityRecords'][number]) =>
    [
      r.customerId === hex && 'customer',
      r.providerId === hex && 'provider',
      r.userId === hex && 'user',
    ]
      .filter(Boolean)
      .join(', ');
  return (
    <Section
      title={`Activity records${stats ? ` (${count(stats.records)})` : ''}`}
      id="records"
      actions={
        <ExportButtons
          entity="activityRecords"
          where={props.records}
          orderBy="blockHeight_DESC"
          label="records of this account"
        />
      }
    >
      {stats && (
        <p className="totals">
          As customer, provider or user: {count(stats.passed)} passed,{' '}
          <b className={stats.failed ? 'bad-text' : ''}>{count(stats.failed)} failed</b>, cost{' '}
          {amount(stats.cost)}
          {stats.records > d.activityRecords.length &&
            `; the newest ${d.activityRecords.length} are shown`}
          .
        </p>
      )}
      <RecordsTable
        caption="Newest activity records"
        rows={d.activityRecords}
        columns={[
          recordColumns.record,
          { header: 'As', cell: as, hideNarrow: true },
          recordColumns.era,
          recordColumns.batch,
          recordColumns.time,
          recordColumns.cost,
          recordColumns.checks,
        ]}
      />
    </Section>
  );
}

function PayoutsSection(props: { lines: AccountData['payoutLines'] }) {
  return (
    <Section title="Payout lines" id="payouts">
      <DataTable
        caption="Charges and rewards of this account, newest first"
        rows={props.lines}
        rowKey={(l) => l.id}
        rowProps={(l) => ({
          className: l.expected !== null && l.expected !== l.amount ? 'diff' : undefined,
        })}
        columns={[
          { header: 'Era', cell: (l) => <EraLink clusterId={l.clusterId} era={l.era} /> },
          { header: 'Kind', cell: (l) => l.kind },
          { header: 'Amount', align: 'num', cell: (l) => amount(l.amount) },
          {
            header: 'Expected',
            align: 'num',
            cell: (l) => (l.expected === null ? '—' : amount(l.expected)),
          },
          {
            header: 'Event',
            cell: (l) => <ChainRefLink kind="event" id={l.id} />,
            hideNarrow: true,
          },
        ]}
      />
    </Section>
  );
}

function RemarksSection(props: { remarks: AccountData['remarks'] }) {
  return (
    <Section title="Remarks sent (newest 20)" id="remarks">
      <DataTable
        caption="On-chain remarks sent by this account (anchors of batches and grants)"
        rows={props.remarks}
        rowKey={(r) => r.id}
        rowProps={(r) => ({ className: r.code ? 'bad-row' : undefined })}
        columns={[
          {
            header: 'Remark',
            cell: (r) =>
              r.kind === 'DacBatch' ? (
                <BatchLink id={r.id} />
              ) : (
                <ChainRefLink kind="event" id={r.id} />
              ),
          },
          { header: 'Kind', cell: (r) => r.kind ?? <span className="muted">none</span> },
          {
            header: 'Envelope',
            cell: (r) => (r.code ? <Status ok={false} label={r.code} /> : r.kind ? 'read' : '—'),
          },
        ]}
      />
    </Section>
  );
}

function ExtrinsicsSection(props: { extrinsics: AccountData['chainExtrinsics'] }) {
  return (
    <Section title="Signed extrinsics (newest 20)" id="extrinsics">
      <DataTable
        caption="Indexed extrinsics signed by this account"
        rows={props.extrinsics}
        rowKey={(x) => x.id}
        columns={[
          { header: 'Extrinsic', cell: (x) => <ChainRefLink id={x.id} /> },
          { header: 'Call', cell: (x) => x.name, className: 'mono' },
          {
            header: 'Result',
            cell: (x) => <Status ok={x.success} label={x.success ? 'success' : 'failed'} />,
          },
        ]}
      />
    </Section>
  );
}
