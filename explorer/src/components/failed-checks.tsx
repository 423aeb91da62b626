/**
 * A cluster's verification lines by subject kind and its failed checks by reason, as the home
 * and cluster pages show them (both come from `checkStats(clusterId:)`, which counts the lines of
 * the cluster's records, links, batches, anchors, eras and settlements).
 * @module
 */
import { explainLine } from '../../../verifier/sentences.ts';
import { count } from '../format.ts';
import { Status } from './basics.tsx';
import { DataTable } from './data-table.tsx';
import { BlockLink } from './links.tsx';

export interface FailedReason {
  subjectKind?: string | null;
  step: string | null;
  check: string | null;
  code: string | null;
  failed: number;
  lastBlockHeight: number | null;
}

export interface KindCounts {
  subjectKind: string | null;
  lines: number;
  passed: number;
  failed: number;
  pending: number;
  skipped: number;
}

/** Every kind of line a cluster has, in the order a receipt is built (no kind left out). */
export const LINE_KINDS: ReadonlyArray<[kind: string, what: string]> = [
  ['record', 'records (consent, signature, usage)'],
  ['links', 'links between a record and its grant, batch and era'],
  ['batch', 'batch payloads'],
  ['anchor', 'batch anchors on chain'],
  ['era', 'era payouts (attestation, paid, conservation)'],
  ['settlement', 'settlement per account'],
];

/** Lines per kind; a kind without lines is listed with zeros, so its absence is visible. */
export function LinesByKind(props: { rows: readonly KindCounts[]; caption: string }) {
  const known = new Set(LINE_KINDS.map(([k]) => k));
  const rows = [
    ...LINE_KINDS.map(([kind, what]) => ({
      kind,
      what,
      ...(props.rows.find((r) => r.subjectKind === kind) ?? {
        lines: 0,
        passed: 0,
        failed: 0,
        pending: 0,
        skipped: 0,
      }),
    })),
    // A kind the explorer does not know yet is still shown rather than dropped.
    ...props.rows
      .filter((r) => !known.has(r.subjectKind ?? ''))
      .map((r) => ({ ...r, kind: r.subjectKind ?? 'unknown', what: '' })),
  ];
  return (
    <DataTable
      caption={props.caption}
      rows={rows}
      rowKey={(r) => r.kind}
      rowProps={(r) => ({ className: r.failed > 0 ? 'bad-row' : undefined })}
      columns={[
        { header: 'Kind', cell: (r) => r.kind, className: 'mono' },
        { header: 'Lines of', cell: (r) => r.what, className: 'words', hideNarrow: true },
        { header: 'Lines', align: 'num', cell: (r) => count(r.lines) },
        { header: 'Passed', align: 'num', cell: (r) => count(r.passed) },
        { header: 'Failed', align: 'num', cell: (r) => count(r.failed) },
        { header: 'Pending', align: 'num', cell: (r) => count(r.pending), hideNarrow: true },
        { header: 'Skipped', align: 'num', cell: (r) => count(r.skipped), hideNarrow: true },
        {
          header: 'Result',
          cell: (r) =>
            r.lines === 0 ? (
              <span className="muted">no lines</span>
            ) : (
              <Status
                ok={r.failed === 0}
                pending={r.failed === 0 && r.pending > 0}
                label={r.failed ? `${count(r.failed)} failed` : r.pending ? 'pending' : 'passed'}
              />
            ),
        },
      ]}
    />
  );
}

/** Failed lines grouped by kind, check and reason code, most frequent first. */
export function FailedReasons(props: {
  rows: readonly FailedReason[];
  caption: string;
  limit?: number;
}) {
  const rows = [...props.rows].sort((a, b) => b.failed - a.failed).slice(0, props.limit);
  return (
    <DataTable
      caption={props.caption}
      rows={rows}
      rowKey={(r) => `${r.subjectKind}/${r.step}/${r.check}/${r.code}`}
      rowProps={() => ({ className: 'bad-row' })}
      columns={[
        props.rows.some((r) => r.subjectKind !== undefined) && {
          header: 'Kind',
          cell: (r: FailedReason) => r.subjectKind ?? '—',
          className: 'mono',
        },
        {
          // The check in words over its name and reason code: one narrow column, and the
          // sentence of what the code means for this check on hover.
          header: 'Check and code',
          cell: (r) => {
            const words = r.check
              ? explainLine({ check: r.check, status: 'fail', code: r.code })
              : null;
            return (
              <span title={words?.reason ?? undefined}>
                {words && words.title !== r.check && (
                  <>
                    {words.title}
                    <br />
                  </>
                )}
                <span className="mono">{r.check ?? r.step ?? '—'}</span>{' '}
                <span className="mono bad-text">{r.code ?? 'no code'}</span>
              </span>
            );
          },
        },
        { header: 'Failed', align: 'num', cell: (r) => count(r.failed) },
        {
          header: 'Last at',
          cell: (r) => <BlockLink height={r.lastBlockHeight} />,
          hideNarrow: true,
        },
      ]}
    />
  );
}
