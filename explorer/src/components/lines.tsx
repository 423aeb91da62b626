/**
 * Verification lines as people read them: one row per check, titled, green or red, with what the
 * check establishes (a passing line) or what went wrong in a sentence (a failing or waiting one),
 * expandable to the facts and where the data came from (block, event, extrinsic, URL). The words
 * are the verifier's (`explainLine`, verifier/sentences.ts), the same `proofroom verify` prints.
 * @module
 */
import { type ReactNode, useState } from 'react';
import { explainLine } from '../../../verifier/sentences.ts';
import { BlockLink, ChainRefLink } from './links.tsx';
import { RawJson, Status } from './basics.tsx';

export interface LineSource {
  block?: number | null;
  blockHash?: string | null;
  eventIndex?: number | null;
  extrinsic?: string | null;
  url?: string | null;
}

export interface CheckLine {
  step: string;
  check: string;
  ok: boolean;
  /**
   * pass, fail, pending or skipped (a pending line waits for an input; a skipped one does not
   * apply because Root skipped the era; neither is ever shown as passed).
   */
  status?: string;
  code?: string | null;
  reason?: string | null;
  rule: string;
  basis: string;
  facts?: unknown;
  source?: LineSource | null;
}

/** The GraphQL selection every line list needs. */
export const LINE_FIELDS = `step check ok status code reason rule basis facts
  source { block blockHash eventIndex extrinsic url }`;

export function SourceView(props: { source: LineSource | null | undefined }) {
  const s = props.source;
  if (!s || (s.block == null && !s.url && !s.extrinsic))
    return <span className="muted">no source recorded</span>;
  const parts: ReactNode[] = [];
  if (s.block != null) parts.push(<BlockLink key="b" height={s.block} />);
  if (s.extrinsic) parts.push(<ChainRefLink key="x" id={s.extrinsic} />);
  if (s.block != null && s.eventIndex != null)
    parts.push(<ChainRefLink key="e" kind="event" id={`${s.block}-${s.eventIndex}`} />);
  if (s.url)
    parts.push(
      <a key="u" href={s.url} className="mono" rel="noreferrer noopener" target="_blank">
        {s.url}
      </a>
    );
  return <span className="source">{parts.map((p, i) => [i > 0 ? ' · ' : null, p])}</span>;
}

/** A line's status as the explorer shows it. */
export type ShownStatus = 'pass' | 'fail' | 'pending' | 'skipped';

const SHOWN: readonly string[] = ['pass', 'fail', 'pending', 'skipped'] satisfies ShownStatus[];

/** A line's status, from `status` when the API sent it, else from `ok`. */
export function lineStatus(l: { ok: boolean; status?: string }): ShownStatus {
  if (l.status !== undefined && SHOWN.includes(l.status)) return l.status as ShownStatus;
  return l.ok ? 'pass' : 'fail';
}

/** The class of a row or text of this status (`ok`, `bad`, `pending`, `skipped`). */
export function statusClass(status: ShownStatus): string {
  return status === 'pass' ? 'ok' : status === 'fail' ? 'bad' : status;
}

/** The badge of a line status. */
export function LineStatusBadge(props: { status: ShownStatus; label?: string }) {
  const s = props.status;
  return (
    <Status
      ok={s === 'pass' ? true : s === 'fail' ? false : null}
      skipped={s === 'skipped'}
      label={props.label ?? (s === 'pending' ? 'waits' : undefined)}
    />
  );
}

export function LineRow(props: { line: CheckLine; extra?: ReactNode; index?: number }) {
  const l = props.line;
  const status = lineStatus(l);
  const words = explainLine({ check: l.check, status, code: l.code, facts: l.facts });
  // The API's generic reason, then the bare code, when the verifier has no sentence for the line.
  const reason = words.reason ?? l.reason ?? l.code ?? NO_REASON[status];
  // The body (rule, source, facts) is rendered only once opened: a receipt has dozens of lines.
  const [opened, setOpened] = useState(false);
  return (
    <li
      className={`line ${statusClass(status)}`}
      data-check={l.check}
      data-ok={String(l.ok)}
      data-status={status}
    >
      <details onToggle={(e) => e.currentTarget.open && setOpened(true)}>
        <summary>
          <LineStatusBadge status={status} />
          <span className="check" title={words.description ?? undefined}>
            {words.title}
          </span>
          {words.title !== l.check && <span className="mono muted">{l.check}</span>}
          {status === 'pass' ? (
            <span className="reason muted">{words.description ?? 'passed'}</span>
          ) : (
            <span className="reason">{reason}</span>
          )}
          {status !== 'pass' && l.code && <span className="code mono">{l.code}</span>}
          <span className={`basis ${l.basis}`} title={BASIS[l.basis] ?? l.basis}>
            {l.basis}
          </span>
          {props.extra}
        </summary>
        {opened && (
          <div className="line-body">
            {words.description && (
              <p>
                <b>What this line checks:</b> {words.description}
              </p>
            )}
            {status === 'pending' && (
              <p className="pending-text">
                This line waits for an input it names (<code>{l.code}</code>); it is neither passed
                nor failed, and a receipt with a waiting line is never shown as verified.
              </p>
            )}
            {status === 'skipped' && (
              <p className="skipped-text">
                This line does not apply (<code>{l.code}</code>): Root skipped the era’s payout
                (force_skip_inspection), so no one was charged or rewarded for it. It is neither
                passed nor failed, and a receipt with a skipped line is never shown as verified.
              </p>
            )}
            <p className="muted">
              Rule <code>{l.rule}</code>. {BASIS[l.basis] ?? ''}
            </p>
            <p>
              Source: <SourceView source={l.source} />
            </p>
            {l.facts != null && <RawJson value={l.facts} summary="facts" open />}
          </div>
        )}
      </details>
    </li>
  );
}

/** What a non-passing line says when it has no reason code. */
const NO_REASON: Record<ShownStatus, string> = {
  pass: 'passed',
  fail: 'failed',
  pending: 'waiting',
  skipped: 'skipped',
};

const BASIS: Record<string, string> = {
  checked: 'Recomputed by the verifier from signed data and proofs.',
  trusted:
    'Taken from the chain (finality, signed extrinsics the runtime accepted); not recomputed.',
};

export function LineList(props: { lines: readonly CheckLine[]; empty?: ReactNode }) {
  if (props.lines.length === 0)
    return <div className="state empty">{props.empty ?? 'No checks recorded yet.'}</div>;
  return (
    <ol className="lines">
      {props.lines.map((l, i) => (
        <LineRow key={i} line={l} index={i} />
      ))}
    </ol>
  );
}
