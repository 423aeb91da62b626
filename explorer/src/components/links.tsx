/**
 * Links for every id, hash and account: accounts show their SS58 form (Cere prefix 54) and link to
 * the account page; blocks, extrinsics, batches, eras, clusters and receipts to their pages.
 * @module
 */
import { encodeAddress } from '../ss58.ts';
import { short } from '../format.ts';
import { Link, href } from '../router.tsx';

export function AccountLink(props: { id: string | null | undefined; full?: boolean }) {
  if (!props.id) return <span className="muted">—</span>;
  const ss58 = encodeAddress(props.id);
  const text = ss58 ?? props.id;
  return (
    <Link
      to={href('account', props.id)}
      className="mono"
      title={ss58 ? `${ss58}\n${props.id}` : props.id}
    >
      {props.full ? text : short(text, 6)}
    </Link>
  );
}

export function BlockLink(props: { height: number | null | undefined }) {
  if (props.height === null || props.height === undefined) return <span className="muted">—</span>;
  return (
    <Link to={href('block', props.height)} className="mono">
      #{props.height.toLocaleString('en-US')}
    </Link>
  );
}

/** `<height>-<index>` extrinsic or event ids link to their block. */
export function ChainRefLink(props: {
  id: string | null | undefined;
  kind?: 'extrinsic' | 'event';
}) {
  if (!props.id) return <span className="muted">—</span>;
  const height = Number(props.id.split('-')[0]);
  if (!Number.isSafeInteger(height)) return <span className="mono">{props.id}</span>;
  return (
    <Link to={`${href('block', height)}#${props.kind ?? 'extrinsic'}-${props.id}`} className="mono">
      {props.kind === 'event' ? 'event' : 'extrinsic'} {props.id}
    </Link>
  );
}

export function ClusterLink(props: { id: string | null | undefined }) {
  if (!props.id) return <span className="muted">—</span>;
  return (
    <Link to={href('cluster', props.id)} className="mono" title={props.id}>
      {short(props.id, 6)}
    </Link>
  );
}

export function EraLink(props: {
  clusterId: string | null | undefined;
  era: number | null | undefined;
}) {
  if (!props.clusterId || props.era === null || props.era === undefined)
    return <span className="muted">—</span>;
  return (
    <Link to={href('era', props.clusterId, props.era)} className="nowrap">
      era {props.era}
    </Link>
  );
}

export function RoundLink(props: { clusterId: string; era: number; children?: React.ReactNode }) {
  return (
    <Link to={href('round', props.clusterId, props.era)}>
      {props.children ?? `round of era ${props.era}`}
    </Link>
  );
}

export function BatchLink(props: { id: string | null | undefined }) {
  if (!props.id) return <span className="muted">—</span>;
  return (
    <Link to={href('batch', props.id)} className="mono" title={props.id}>
      batch {props.id}
    </Link>
  );
}

export function ReceiptLink(props: { id: string; children?: React.ReactNode }) {
  return (
    <Link to={href('receipt', props.id)} className="mono" title={props.id}>
      {props.children ?? short(props.id, 8)}
    </Link>
  );
}

export function GrantLink(props: {
  userId: string | null | undefined;
  agentId: string | null | undefined;
  children?: React.ReactNode;
}) {
  if (!props.userId || !props.agentId) return <span className="muted">—</span>;
  return <Link to={href('grant', props.userId, props.agentId)}>{props.children ?? 'grant'}</Link>;
}

/** A hash or other hex value: shortened, full text on hover, linked to search. */
export function HashLink(props: { value: string | null | undefined }) {
  if (!props.value) return <span className="muted">—</span>;
  return (
    <Link to={`/search?q=${encodeURIComponent(props.value)}`} className="mono" title={props.value}>
      {short(props.value, 6)}
    </Link>
  );
}
