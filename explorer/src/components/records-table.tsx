/**
 * The activity-record table the account, grant and batch pages share: one set of columns, each
 * page picks the ones that say something there (a batch page needs no batch column).
 * @module
 */
import { amount, time } from '../format.ts';
import { Status } from './basics.tsx';
import { type Column, DataTable } from './data-table.tsx';
import { AccountLink, BatchLink, EraLink, ReceiptLink } from './links.tsx';

/** What every records table needs of a row: its id and its own verdict. */
export interface RecordRow {
  id: string;
  recordId: string;
  ok: boolean;
  failed: number;
}

export const recordColumns = {
  leaf: {
    header: 'Leaf',
    align: 'num',
    cell: (r: { leafIndex: number }) => r.leafIndex,
  } satisfies Column<{ leafIndex: number }>,
  record: {
    header: 'Record',
    // Record ids are long: on a phone they end in an ellipsis (the full id is the link's title).
    cell: (r: RecordRow) => (
      <ReceiptLink id={r.id}>
        <span className="clip-narrow">{r.recordId}</span>
      </ReceiptLink>
    ),
  } satisfies Column<RecordRow>,
  era: {
    header: 'Era',
    cell: (r: { clusterId: string | null; era: number | null }) => (
      <EraLink clusterId={r.clusterId} era={r.era} />
    ),
  } satisfies Column<{ clusterId: string | null; era: number | null }>,
  batch: {
    header: 'Batch',
    cell: (r: { batchId: string }) => <BatchLink id={r.batchId} />,
    hideNarrow: true,
  } satisfies Column<{ batchId: string }>,
  time: {
    header: 'Time',
    cell: (r: { timestamp: string | null }) => time(r.timestamp),
    hideNarrow: true,
  } satisfies Column<{ timestamp: string | null }>,
  user: {
    header: 'User',
    cell: (r: { userId: string | null }) => <AccountLink id={r.userId} />,
    hideNarrow: true,
  } satisfies Column<{ userId: string | null }>,
  provider: {
    header: 'Provider',
    cell: (r: { providerId: string | null }) => <AccountLink id={r.providerId} />,
    hideNarrow: true,
  } satisfies Column<{ providerId: string | null }>,
  cost: {
    header: 'Cost',
    align: 'num',
    cell: (r: { cost: string | null }) => amount(r.cost),
    // On a phone the record and its verdict come first; the receipt page has the cost.
    hideNarrow: true,
  } satisfies Column<{ cost: string | null }>,
  checks: {
    header: 'Checks',
    cell: (r: RecordRow) => <Status ok={r.ok} label={r.ok ? 'ok' : `${r.failed} failed`} />,
  } satisfies Column<RecordRow>,
};

/** Activity records, failing ones marked red (by class and by the word in their Checks cell). */
export function RecordsTable<Row extends RecordRow>(props: {
  caption: string;
  columns: ReadonlyArray<Column<Row>>;
  rows: readonly Row[];
}) {
  return (
    <DataTable<Row>
      caption={props.caption}
      columns={props.columns}
      rows={props.rows}
      rowKey={(r) => r.id}
      rowProps={(r) => ({ className: r.ok ? undefined : 'bad-row' })}
    />
  );
}
