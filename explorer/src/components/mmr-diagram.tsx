/**
 * The MMR inclusion path of a record, drawn from its leaf to the batch root: each merge with the
 * proof item on its side, then the right-peak bag and the left peaks. Recomputed here (with the
 * verifier's merge) from the leaf and the proof; the top says whether it reaches the anchored root.
 * @module
 */
import { parseHex, toHex } from '../../../verifier/bytes.ts';
import { type MmrPathStep, mmrPath } from '../../../verifier/mmr.ts';
import { cereMerge } from '../../../verifier/payout-tree.ts';
import { short } from '../format.ts';

const LABEL: Record<MmrPathStep['kind'], string> = {
  sibling: 'sibling',
  'right-peaks': 'peaks to the right (bagged)',
  'left-peak': 'peak to the left',
};

/** Splits concatenated 32-byte proof items (`0x…`). */
export function proofItems(hex: string | null | undefined): Uint8Array[] | null {
  if (!hex) return null;
  const all = parseHex(hex);
  if (!all || all.length % 32 !== 0) return null;
  const out: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += 32) out.push(all.slice(i, i + 32));
  return out;
}

export function MmrDiagram(props: {
  leafHex: string;
  leafIndex: number;
  leafCount: number;
  proof: Uint8Array[];
  expectedRootHex: string;
}) {
  const leaf = parseHex(props.leafHex, 32);
  const path = leaf
    ? mmrPath(props.leafCount, props.leafIndex, leaf, props.proof, cereMerge)
    : null;
  if (!leaf || !path) {
    return (
      <p className="bad-text">
        The proof ({props.proof.length} items) does not have the shape of a proof for leaf{' '}
        {props.leafIndex} of {props.leafCount}; no path can be drawn.
      </p>
    );
  }
  const rootHex = toHex(path.root);
  const reaches = rootHex === props.expectedRootHex.toLowerCase();
  const rows = path.steps.length;
  const rowH = 64;
  const W = 640;
  const H = (rows + 1) * rowH + 40;
  const cx = W / 2;
  const yOf = (i: number) => H - 30 - i * rowH; // i = 0 is the leaf
  const box = (x: number, y: number, text: string, cls: string, title: string) => (
    <g className={`mmr-node ${cls}`}>
      <title>{title}</title>
      <rect x={x - 86} y={y - 15} width={172} height={30} rx={6} />
      <text x={x} y={y + 5} textAnchor="middle">
        {text}
      </text>
    </g>
  );
  return (
    <figure className="mmr">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Inclusion path: ${rows} merges from leaf ${props.leafIndex} to the root; ${reaches ? 'it reaches the anchored root' : 'it does not reach the anchored root'}`}
      >
        {path.steps.map((s, i) => {
          const y = yOf(i + 1);
          const below = yOf(i);
          const sx = s.itemSide === 'left' ? cx - 200 : cx + 200;
          const item = s.itemSide === 'left' ? s.left : s.right;
          return (
            <g key={i}>
              <line x1={cx} y1={below - 15} x2={cx} y2={y + 15} className="mmr-edge" />
              <line x1={sx} y1={below - 15} x2={cx} y2={y + 15} className="mmr-edge item" />
              {box(
                sx,
                below,
                short(toHex(item), 5),
                'item',
                `proof item ${s.item}: ${toHex(item)} (${LABEL[s.kind]})`
              )}
              <text x={sx} y={below + 28} textAnchor="middle" className="mmr-label">
                item {s.item} · {LABEL[s.kind]}
              </text>
              {box(
                cx,
                y,
                short(toHex(s.out), 5),
                i === rows - 1 ? (reaches ? 'root ok' : 'root bad') : 'inner',
                `merge(${toHex(s.left)}, ${toHex(s.right)}) = ${toHex(s.out)}`
              )}
            </g>
          );
        })}
        {box(
          cx,
          yOf(0),
          short(props.leafHex, 5),
          'leaf',
          `leaf ${props.leafIndex}: ${props.leafHex}`
        )}
        <text x={cx} y={yOf(0) + 28} textAnchor="middle" className="mmr-label">
          leaf {props.leafIndex} of {props.leafCount}
        </text>
        <text x={cx} y={16} textAnchor="middle" className={`mmr-label ${reaches ? 'ok' : 'bad'}`}>
          {reaches ? '✓ computed root = anchored root' : '✗ computed root ≠ anchored root'}
        </text>
      </svg>
      <figcaption>
        <ol className="mmr-steps">
          {path.steps.map((s, i) => (
            <li key={i}>
              merge({s.itemSide === 'left' ? `item ${s.item}` : 'node'},{' '}
              {s.itemSide === 'left' ? 'node' : `item ${s.item}`}) ={' '}
              <code title={toHex(s.out)}>{short(toHex(s.out), 6)}</code>{' '}
              <span className="muted">({LABEL[s.kind]})</span>
            </li>
          ))}
        </ol>
        <p>
          Computed root <code>{short(rootHex, 8)}</code>; anchored root{' '}
          <code>{short(props.expectedRootHex, 8)}</code>:{' '}
          <b className={reaches ? 'ok-text' : 'bad-text'}>{reaches ? 'equal' : 'different'}</b>.
          Merge: blake2b-256 of the two children (Cere's MMR rules).
        </p>
      </figcaption>
    </figure>
  );
}
