/**
 * An era's verdict as the explorer shows it: passed, failed, or skipped by Root
 * (`force_skip_inspection`: the chain marked the era paid without a payout, so its payout checks do
 * not apply). A skipped era's `ClusterEraPaid` is its `paid` payout line, of kind `skipped`.
 * @module
 */
import { Status } from './basics.tsx';
import { BlockLink } from './links.tsx';

/** The era's closing payout line, as far as its verdict needs it. */
export interface PaidLine {
  kind: string;
  blockHeight: number;
}

/** Whether Root skipped the era: its `ClusterEraPaid` is a payout line of kind `skipped`. */
export function isSkipped(paid: { kind: string } | null | undefined): boolean {
  return paid?.kind === 'skipped';
}

/**
 * An era's badge: failed when an era line failed, else skipped when Root skipped it (neutral,
 * never green), else passed (`passed` words it).
 */
export function EraVerdict(props: {
  ok: boolean;
  failed: number;
  paid: { kind: string } | null | undefined;
  passed?: string;
}) {
  if (eraSkipped(props)) return <Status ok={null} skipped label="skipped by Root" />;
  return (
    <Status
      ok={props.ok}
      label={props.ok ? (props.passed ?? 'all passed') : `${props.failed} failed`}
    />
  );
}

/** The notice at the top of a skipped era's page, naming the block of the skip. */
export function SkippedBanner(props: { paid: PaidLine }) {
  return (
    <p className="skipped-banner" role="note" data-testid="era-skipped">
      <b>
        Skipped by Root (force_skip_inspection) at block{' '}
        <BlockLink height={props.paid.blockHeight} />
      </b>{' '}
      — no one was charged or rewarded for this era. The checks only a payout can decide (each
      account’s settlement, conservation, and any attestation line that did not pass) do not apply:
      they are marked skipped, neither passed nor failed.
    </p>
  );
}

/** An era row as the counts need it. */
interface EraRowVerdict {
  ok: boolean;
  failed: number;
  paid: { kind: string } | null | undefined;
}

/** Whether the era counts as skipped by Root: skipped, and no era line failed. */
export function eraSkipped(e: EraRowVerdict): boolean {
  return e.failed === 0 && isSkipped(e.paid);
}

/** Whether the era counts as failed: not every line passed, and it is not a clean skip. */
export function eraFails(e: EraRowVerdict): boolean {
  return !e.ok && !eraSkipped(e);
}
