/**
 * The era-payout widget for iframes (`/embed/era/:cluster/:era`, rendered without the site's
 * header): totals, a small chart of where the charge went, the verdict, and a link that opens the
 * full era page in a new tab. Every link opens a new tab, so nothing navigates inside the iframe.
 * Fits 320–600 px wide.
 * @module
 */
import type { ReactNode } from 'react';
import { useQuery } from '../api.ts';
import { Empty, Loaded, Status } from '../components/basics.tsx';
import { EraVerdict } from '../components/era-status.tsx';
import { SYMBOL, amount, count, short, tokens } from '../format.ts';
import { href, useTitle } from '../router.tsx';
import { COLORS, ChartFigure, HorizontalBars } from '../charts/charts.tsx';
import { abs, big, conservation } from '../charts/era-math.ts';
import { graphql } from '../gql/index.ts';
import type { EraWidgetQuery } from '../gql/graphql.ts';

const WIDGET = graphql(`
  query EraWidget($id: String!) {
    eraPayoutById(id: $id) {
      ...EraTotals
      round {
        quorum
        rootsMatch
      }
      paid {
        kind
      }
    }
  }
`);

/** A link out of the iframe: always a new tab. */
function Out(props: { to: string; className?: string; title?: string; children: ReactNode }) {
  return (
    <a
      href={props.to}
      target="_blank"
      rel="noopener"
      className={props.className}
      title={props.title}
    >
      {props.children}
    </a>
  );
}

const grid = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fit, minmax(8.5rem, 1fr))',
  gap: '0.3rem 1rem',
  margin: '0.5rem 0',
} as const;

export default function EraWidget(props: { clusterId: string; era: number }) {
  const { clusterId, era } = props;
  const valid = Number.isSafeInteger(era) && era >= 0;
  const id = `${clusterId}-${era}`;
  useTitle(valid ? `Era ${era} payout` : 'Era payout');
  const q = useQuery(WIDGET, { id }, { skip: !valid });
  const page = href('era', clusterId, valid ? era : String(props.era));
  return (
    <section aria-label={`Era ${String(props.era)} payout`} style={{ maxWidth: 600, fontSize: 14 }}>
      {!valid ? (
        <Empty>The era in this address is not a number.</Empty>
      ) : (
        <Loaded state={q} what={`era ${era}`}>
          {(d) =>
            d.eraPayoutById ? (
              <Widget e={d.eraPayoutById} />
            ) : (
              <Empty>
                No payout is indexed for era {era} of cluster{' '}
                <code title={clusterId}>{short(clusterId)}</code> (yet).
              </Empty>
            )
          }
        </Loaded>
      )}
      <p style={{ margin: '0.4rem 0 0', display: 'flex', justifyContent: 'space-between' }}>
        <Out to={page}>View in Proof Room ↗</Out>
        <span className="muted">Proof Room</span>
      </p>
    </section>
  );
}

function Widget(props: { e: NonNullable<EraWidgetQuery['eraPayoutById']> }) {
  const { e } = props;
  const fees = big(e.treasuryFee) + big(e.reserveFee) + big(e.validatorFee);
  const { difference, dust } = conservation(e);
  const parts = [
    { label: 'Rewarded', planck: e.rewarded },
    { label: 'Fees', planck: fees.toString() },
    { label: 'Not distributed', planck: e.notDistributed },
  ];
  return (
    <>
      <div
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          alignItems: 'baseline',
          justifyContent: 'space-between',
          gap: '0.3rem 0.75rem',
        }}
      >
        <h1 style={{ fontSize: '1.1rem', margin: 0 }}>
          Era {e.era}{' '}
          <span className="muted" style={{ fontWeight: 400, fontSize: '0.9rem' }}>
            cluster{' '}
            <Out to={href('cluster', e.clusterId)} className="mono" title={e.clusterId}>
              {short(e.clusterId, 4)}
            </Out>
          </span>
        </h1>
        <EraVerdict
          ok={e.ok}
          failed={e.failed}
          paid={e.paid}
          passed="verified: all era checks passed"
        />
      </div>
      <dl style={grid}>
        {(
          [
            ['Charged', amount(e.charged)],
            ['Rewarded', amount(e.rewarded)],
            ['Fees', amount(fees.toString())],
            ['Records', count(e.records)],
          ] as const
        ).map(([k, v]) => (
          <div key={k}>
            <dt className="muted" style={{ fontSize: '0.78rem' }}>
              {k}
            </dt>
            <dd style={{ margin: 0, overflowWrap: 'anywhere', fontWeight: 600 }}>{v}</dd>
          </div>
        ))}
      </dl>
      <ChartFigure
        title="Where the charge went"
        summary={`In ${SYMBOL}: rewarded to providers, fees, and not distributed (${amount(e.notDistributed)}).`}
        height={130}
      >
        <HorizontalBars
          title="Where the charge went"
          data={parts.map((p) => ({ label: p.label, amount: tokens(p.planck) }))}
          category="label"
          labelWidth={100}
          series={[{ key: 'amount', name: 'Amount', color: COLORS.rewarded }]}
        />
      </ChartFigure>
      <p style={{ margin: '0.2rem 0', display: 'flex', flexWrap: 'wrap', gap: '0.3rem' }}>
        {difference === 0n ? (
          <Status ok label="charges balance" />
        ) : dust !== null ? (
          <Status ok label={`charges balance (${dust.toString()} planck dust)`} />
        ) : (
          <Status ok={false} label={`off by ${amount(abs(difference).toString())}`} />
        )}
        {e.round && (
          <Status ok={e.round.quorum} label={e.round.quorum ? 'quorum met' : 'no quorum'} />
        )}
        {e.round && (
          <Status
            ok={e.round.rootsMatch}
            label={e.round.rootsMatch ? 'roots match' : 'roots differ'}
          />
        )}
      </p>
    </>
  );
}
