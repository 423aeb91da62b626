/**
 * How fresh the explorer's data is: best, finalized, indexed and verified heights, and how long ago
 * the indexer last wrote. Refreshes every few seconds.
 * @module
 */
import { useQuery } from '../api.ts';
import { count } from '../format.ts';
import { graphql } from '../gql/index.ts';

const META = graphql(`
  query Freshness {
    _meta {
      bestHeight
      finalizedHeight
      indexedHeight
      verifiedHeight
      lag
      secondsSinceUpdate
      chain {
        name
      }
    }
  }
`);

export function Freshness(props: { compact?: boolean }) {
  const q = useQuery(META, {}, { refreshMs: 5000 });
  if (!q.data) {
    return (
      <div className="freshness" role="status">
        {q.status === 'error'
          ? `Status unavailable: ${q.error.message}`
          : 'Reading the indexer’s status…'}
      </div>
    );
  }
  const m = q.data._meta;
  const stale = m.secondsSinceUpdate !== null && m.secondsSinceUpdate > 120;
  const behind = (m.lag ?? 0) > 10;
  return (
    <div
      className={`freshness ${stale || behind ? 'warn' : ''}`}
      role="status"
      aria-label="Data freshness"
    >
      {m.chain?.name && <span className="chain">{m.chain.name}</span>}
      <span>
        best <b data-h="best">{count(m.bestHeight)}</b>
      </span>
      <span>
        finalized <b data-h="finalized">{count(m.finalizedHeight)}</b>
      </span>
      <span>
        indexed <b data-h="indexed">{count(m.indexedHeight)}</b>
      </span>
      <span>
        verified <b data-h="verified">{count(m.verifiedHeight)}</b>
      </span>
      {!props.compact && (
        <span className="muted">
          {m.secondsSinceUpdate === null
            ? 'nothing indexed yet'
            : `last write ${Math.round(m.secondsSinceUpdate)} s ago`}
          {behind ? ` · ${m.lag} blocks behind` : ''}
        </span>
      )}
    </div>
  );
}
