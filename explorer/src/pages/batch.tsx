/**
 * A DAC batch: where it was anchored, whether its payload was fetched and matched the anchor, the
 * batch's own checks and every record (leaf) it carries, with exports of those records.
 * @module
 */
import { useQuery } from '../api.ts';
import { Copy, Empty, KeyValues, Loaded, Page, Section, Status } from '../components/basics.tsx';
import { RecordsTable, recordColumns } from '../components/records-table.tsx';
import { graphql } from '../gql/index.ts';
import type { BatchQuery } from '../gql/graphql.ts';
import { ExportButtons } from '../components/export.tsx';
import { LineList } from '../components/lines.tsx';
import {
  AccountLink,
  BlockLink,
  ChainRefLink,
  ClusterLink,
  EraLink,
  HashLink,
} from '../components/links.tsx';
import { count, time } from '../format.ts';

const MAX_RECORDS = 1000;

// The records' limit is MAX_RECORDS (a document is a literal, so the number is written out).
const BATCH = graphql(`
  query Batch($id: String!) {
    dacBatchById(id: $id) {
      id
      clusterId
      era
      batchIndex
      recordFormat
      leafCount
      root
      payloadHash
      payloadStatus
      payloadUrl
      payloadSize
      fetchAttempts
      recordsFailed
      blockHeight
      remark {
        id
        extrinsicId
        sender
        hash
        block {
          final
          timestamp
        }
      }
      checks(limit: 1000) {
        ...LineFields
      }
      records(orderBy: leafIndex_ASC, limit: 1000) {
        id
        recordId
        leafIndex
        userId
        providerId
        cost
        ok
        failed
      }
    }
  }
`);

type BatchRecord = NonNullable<BatchQuery['dacBatchById']>['records'][number];

/** What each payload status means, in words. */
const PAYLOAD_STATUS: Record<string, string> = {
  ok: 'A storage node served the payload, and its hash, framing, leaf count and root match the anchor.',
  mismatch: 'A storage node served bytes that do not match the anchor (hash or root differ).',
  malformed: 'The payload was fetched but could not be read as a batch.',
  'too-large': 'The payload is larger than the verifier reads (4 MiB), so it was not checked.',
  unavailable: 'No storage node served the payload: every fetch attempt failed.',
  'no-source': 'No storage nodes are configured, so the payload was never fetched.',
  error: 'The verifier itself failed while checking the payload.',
};

export default function Batch(props: { id: string }) {
  const q = useQuery(BATCH, { id: props.id });
  return (
    <Page title={`Batch ${props.id}`} kicker="DAC activity batch">
      <Loaded state={q} what="the batch">
        {(d) => {
          const b = d.dacBatchById;
          if (!b) {
            return (
              <Empty>
                No batch with id <code>{props.id}</code> has been indexed. A batch id is the id of
                the remark that anchored it, <code>&lt;block height&gt;-&lt;event index&gt;</code>,
                for example <code>10-1</code>.
              </Empty>
            );
          }
          const payloadOk = b.payloadStatus === 'ok';
          return (
            <>
              <Section title="Batch" id="batch">
                <KeyValues
                  rows={[
                    ['Cluster', <ClusterLink id={b.clusterId} />],
                    ['Era', <EraLink clusterId={b.clusterId} era={b.era} />],
                    ['Batch index', count(b.batchIndex)],
                    ['Leaves (records)', count(b.leafCount)],
                    ['Records failing checks', count(b.recordsFailed)],
                    ['Record format', String(b.recordFormat)],
                    ['Root', <Copy value={b.root} />],
                  ]}
                />
              </Section>
              <Section title="Payload" id="payload">
                <p>
                  <Status ok={payloadOk} label={b.payloadStatus} />{' '}
                  {PAYLOAD_STATUS[b.payloadStatus] ?? `Status “${b.payloadStatus}”.`}
                </p>
                <KeyValues
                  rows={[
                    ['Payload hash', <HashLink value={b.payloadHash} />],
                    [
                      'Payload URL',
                      b.payloadUrl ? (
                        <a
                          href={b.payloadUrl}
                          className="mono"
                          rel="noreferrer noopener"
                          target="_blank"
                        >
                          {b.payloadUrl}
                        </a>
                      ) : (
                        <span className="muted">none recorded</span>
                      ),
                    ],
                    ['Size', b.payloadSize == null ? '—' : `${count(b.payloadSize)} bytes`],
                    ['Fetch attempts', count(b.fetchAttempts)],
                  ]}
                />
              </Section>
              <Section title="Anchor" id="anchor">
                <KeyValues
                  rows={[
                    ['Remark', <ChainRefLink kind="event" id={b.remark.id} />],
                    ['Extrinsic', <ChainRefLink id={b.remark.extrinsicId} />],
                    ['Block', <BlockLink height={b.blockHeight} />],
                    [
                      'Finality',
                      <Status
                        ok={b.remark.block.final || null}
                        label={b.remark.block.final ? 'final' : 'not final yet'}
                      />,
                    ],
                    ['Block time', time(b.remark.block.timestamp)],
                    ['Sender', <AccountLink id={b.remark.sender} />],
                    ['Remark hash', <HashLink value={b.remark.hash} />],
                  ]}
                />
              </Section>
              <Section title="Checks of the batch and its anchor" id="checks">
                <LineList lines={b.checks} empty="No checks recorded for this batch yet." />
              </Section>
              <Section
                title={`Records (${count(b.leafCount)})`}
                id="records"
                actions={
                  <ExportButtons
                    entity="activityRecords"
                    where={{ batchId_eq: b.id }}
                    orderBy="leafIndex_ASC"
                    label={`records of batch ${b.id}`}
                  />
                }
              >
                {b.records.length === 0 ? (
                  <Empty>
                    No records of this batch are indexed
                    {payloadOk
                      ? '.'
                      : ': its payload could not be read, so its leaves are unknown.'}
                  </Empty>
                ) : (
                  <>
                    {b.records.length >= MAX_RECORDS && b.leafCount > b.records.length && (
                      <p className="muted">
                        Showing the first {count(b.records.length)} of {count(b.leafCount)} records;
                        download the export for all of them.
                      </p>
                    )}
                    <RecordsTable<BatchRecord>
                      caption={`Records of batch ${b.id}`}
                      rows={b.records}
                      columns={[
                        recordColumns.leaf,
                        recordColumns.record,
                        recordColumns.user,
                        recordColumns.provider,
                        recordColumns.cost,
                        recordColumns.checks,
                      ]}
                    />
                  </>
                )}
              </Section>
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
