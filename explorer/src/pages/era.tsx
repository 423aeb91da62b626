/**
 * An era's payout: the on-chain totals and their conservation arithmetic, charts of who was
 * charged and paid, the reconciliation against the amounts recomputed from verified activity, the
 * attestation round, the era's checks, the sentinel's spot checks of the era's payloads, the
 * committed payout batches and every payout line.
 * @module
 */
import { useState } from 'react';
import { useQuery } from '../api.ts';
import {
  Copy,
  Empty,
  ErrorBox,
  KeyValues,
  Loaded,
  Page,
  Section,
  Status,
} from '../components/basics.tsx';
import { DataTable } from '../components/data-table.tsx';
import { graphql } from '../gql/index.ts';
import type { EraQuery } from '../gql/graphql.ts';
import { ExportButtons } from '../components/export.tsx';
import {
  AccountLink,
  BlockLink,
  ChainRefLink,
  ClusterLink,
  HashLink,
  RoundLink,
} from '../components/links.tsx';
import { LineList, LineRow } from '../components/lines.tsx';
import { EraVerdict, SkippedBanner, isSkipped } from '../components/era-status.tsx';
import { amount, count, percent, short, tokens } from '../format.ts';
import { Link, href } from '../router.tsx';
import {
  COLORS,
  ChartFigure,
  HorizontalBars,
  accountLabel,
  barsHeight,
} from '../charts/charts.tsx';
import { abs, big, conservation } from '../charts/era-math.ts';
import { MAX_DUST } from '../../../verifier/cere-rules.ts';
import { confidenceText } from '../sentinel-figures.ts';

const ERA = graphql(`
  query Era($id: String!, $cluster: String!, $era: Int!, $settlements: String!) {
    eraPayoutById(id: $id) {
      ...EraTotals
      paidEventId
      paid {
        kind
        blockHeight
        block {
          specVersion
        }
      }
      round {
        validators
        threshold
        agreeing
        quorum
        rootsMatch
        payersRoot
        payeesRoot
        blockHeight
        matrix {
          rule
          arithmetic
        }
      }
      checks(orderBy: [seq_ASC]) {
        ...LineFields
      }
      reconciliation {
        ok
        differences
        basis
        rows {
          side
          account
          onChain
          recomputed
          difference
          matches
        }
      }
      batches(orderBy: [side_DESC, batchIndex_ASC], limit: 1000) {
        id
        side
        batchIndex
        maxBatchIndex
        entries
        extrinsicId
        blockHeight
      }
    }
    settlementChecks: verificationLines(
      where: { subjectKind_eq: "settlement", subjectId_startsWith: $settlements, ok_eq: false }
      orderBy: [subjectId_ASC, seq_ASC]
      limit: 200
    ) {
      subjectId
      ...LineFields
    }
    settlementStats: checkStats(
      where: { subjectKind_eq: "settlement", subjectId_startsWith: $settlements }
    ) {
      lines
      passed
      failed
      skipped
    }
    activityStats(where: { clusterId_eq: $cluster, era_eq: $era }) {
      records
    }
  }
`);

type EraData = EraQuery;
type EraRow = NonNullable<EraData['eraPayoutById']>;
type RecRow = EraRow['reconciliation']['rows'][number];

const LINES = graphql(`
  query EraLines($cluster: String!, $era: Int!, $first: Int!) {
    payoutLinesConnection(
      where: { clusterId_eq: $cluster, era_eq: $era }
      orderBy: [blockHeight_ASC, id_ASC]
      first: $first
    ) {
      totalCount
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          id
          kind
          accountId
          amount
          expected
          batchIndex
          extrinsicId
          blockHeight
        }
      }
    }
  }
`);

/** Accounts shown per chart; the reconciliation table lists all of them. */
const CHART_ROWS = 20;
const PAGE = 100;
const MAX_PAGE = 1000;

export default function Era(props: { clusterId: string; era: number }) {
  const { clusterId, era } = props;
  const valid = Number.isSafeInteger(era) && era >= 0;
  const id = `${clusterId}-${era}`;
  const q = useQuery(ERA, { id, cluster: clusterId, era, settlements: `${id}-` }, { skip: !valid });
  const title = valid ? `Era ${era}` : 'Era';
  if (!valid) {
    return (
      <Page title={title}>
        <ErrorBox error="The era in this address is not a number: era pages look like /era/<cluster id>/7." />
      </Page>
    );
  }
  return (
    <Page title={title} kicker={`Era payout · cluster ${short(clusterId)}`}>
      <Loaded state={q} what={`era ${era}`}>
        {(d) =>
          d.eraPayoutById ? (
            <EraBody data={d} e={d.eraPayoutById} />
          ) : (
            <Empty>
              <p>
                No payout is indexed for era <b>{era}</b> of cluster{' '}
                <code style={{ overflowWrap: 'anywhere' }}>{clusterId}</code>.
              </p>
              <p>
                {d.activityStats[0]?.records
                  ? `The era has ${count(d.activityStats[0].records)} activity records, but its payout (ClusterEraPaid) is not indexed yet. `
                  : 'No activity of this cluster and era is indexed either: check the cluster id and era. '}
                See the <Link to={href('cluster', clusterId)}>cluster page</Link> for its paid eras.
              </p>
            </Empty>
          )
        }
      </Loaded>
    </Page>
  );
}

function EraBody(props: { data: EraData; e: EraRow }) {
  const { e, data } = props;
  const rec = e.reconciliation;
  return (
    <>
      <p className="lead">
        Era {e.era} of cluster <ClusterLink id={e.clusterId} />:{' '}
        <EraVerdict ok={e.ok} failed={e.failed} paid={e.paid} passed="all era checks passed" />{' '}
        {rec.ok ? (
          <Status ok label="reconciled" />
        ) : isSkipped(e.paid) ? (
          <Status ok={null} skipped label="no payout to reconcile" />
        ) : (
          <Status ok={false} label={`${rec.differences} amounts differ`} />
        )}
      </p>
      {e.paid && isSkipped(e.paid) && <SkippedBanner paid={e.paid} />}

      <TotalsSection e={e} />

      <Section title="Where the money went" id="charts">
        <EraCharts e={e} />
      </Section>

      <Section title="Reconciliation" id="reconciliation">
        <Reconciliation rec={rec} skipped={isSkipped(e.paid)} />
      </Section>

      <RoundSection e={e} />

      <Section title="Checks" id="checks">
        <LineList
          lines={e.checks}
          empty="No era checks are recorded: the verifier has not checked this era yet."
        />
        <SettlementChecks data={data} />
      </Section>

      <SentinelRounds clusterId={e.clusterId} era={e.era} />

      <Section title="Payout batches" id="batches">
        <Batches batches={e.batches} />
      </Section>

      <PayoutLines clusterId={e.clusterId} era={e.era} />

      <Section title="Embed this era" id="embed">
        <Embed clusterId={e.clusterId} era={e.era} />
      </Section>
    </>
  );
}

function TotalsSection(props: { e: EraRow }) {
  const { e } = props;
  const { distributed, difference, dust } = conservation(e);
  return (
    <Section title="Totals" id="totals">
      <KeyValues
        rows={[
          ['Charged to customers', amount(e.charged)],
          ['Treasury fee', amount(e.treasuryFee)],
          ['Reserve fee', amount(e.reserveFee)],
          ['Validator fee', amount(e.validatorFee)],
          ['Rewarded to providers', amount(e.rewarded)],
          ['Not distributed', amount(e.notDistributed)],
          ['Activity records', count(e.records)],
          [
            isSkipped(e.paid) ? 'Skipped in' : 'Paid in',
            <ChainRefLink key="p" kind="event" id={e.paidEventId} />,
          ],
          ['Runtime of the payout', e.paid ? `Cere spec ${e.paid.block.specVersion}` : 'unknown'],
          ['Block', <BlockLink key="b" height={e.blockHeight} />],
        ]}
      />
      <h3>Conservation</h3>
      <p>
        Charged {amount(e.charged)} should equal treasury fee {amount(e.treasuryFee)} + reserve fee{' '}
        {amount(e.reserveFee)} + validator fee {amount(e.validatorFee)} + rewarded{' '}
        {amount(e.rewarded)} + not distributed {amount(e.notDistributed)} ={' '}
        <b>{amount(distributed.toString())}</b>.
      </p>
      <p>
        {difference === 0n ? (
          <>
            <Status ok label="balanced" /> Every planck charged is accounted for.
          </>
        ) : dust !== null ? (
          <>
            <Status ok label="balanced, with dust" /> {dust.toString()} planck charged went nowhere
            reported: Cere keeps a remainder of at most {MAX_DUST.toString()} planck (MaxDust) in
            the payouts account without an event.
          </>
        ) : (
          <>
            <Status ok={false} label="not balanced" /> The two sides differ by{' '}
            <b>{amount(abs(difference).toString())}</b> ({abs(difference).toString()} planck):{' '}
            {difference > 0n
              ? 'more was charged than was paid out, kept or set aside.'
              : 'more was paid out, kept or set aside than was charged.'}
          </>
        )}
      </p>
    </Section>
  );
}

function RoundSection(props: { e: EraRow }) {
  const { e } = props;
  return (
    <Section title="Attestation round" id="round">
      {e.round ? (
        <>
          <KeyValues
            rows={[
              [
                'Quorum',
                <RoundStatus
                  key="q"
                  ok={e.round.quorum}
                  skipped={isSkipped(e.paid)}
                  labels={['quorum met', 'no quorum']}
                />,
              ],
              [
                'Roots',
                <RoundStatus
                  key="r"
                  ok={e.round.rootsMatch}
                  skipped={isSkipped(e.paid)}
                  labels={['match recomputed', 'differ from recomputed']}
                />,
              ],
              ['Validators', count(e.round.validators)],
              ['Agreeing / threshold', `${e.round.agreeing} / ${e.round.threshold}`],
              ['Payers root', <HashLink key="pr" value={e.round.payersRoot} />],
              ['Payees root', <HashLink key="pe" value={e.round.payeesRoot} />],
            ]}
          />
          <p>
            Rule <code>{e.round.matrix.rule}</code>: {e.round.matrix.arithmetic}.{' '}
            <RoundLink clusterId={e.clusterId} era={e.era}>
              Every validator and vote of this round
            </RoundLink>
          </p>
        </>
      ) : (
        <Empty>
          No attestation round is recorded for this era.{' '}
          <RoundLink clusterId={e.clusterId} era={e.era}>
            Open the round page
          </RoundLink>{' '}
          for the votes that were indexed.
        </Empty>
      )}
    </Section>
  );
}

/** A fact of the attestation round; one that does not hold in an era Root skipped is skipped. */
function RoundStatus(props: { ok: boolean; skipped: boolean; labels: [string, string] }) {
  const [yes, no] = props.labels;
  if (props.ok) return <Status ok label={yes} />;
  return props.skipped ? (
    <Status ok={null} skipped label={`${no} (skipped)`} />
  ) : (
    <Status ok={false} label={no} />
  );
}

function EraCharts(props: { e: EraRow }) {
  const { e } = props;
  const side = (s: string) =>
    e.reconciliation.rows
      .filter((r) => r.side === s)
      .sort((a, b) => (big(b.onChain ?? b.recomputed) > big(a.onChain ?? a.recomputed) ? 1 : -1));
  const payers = side('payers');
  const payees = side('payees');
  const fees = [
    { label: 'Treasury fee', planck: e.treasuryFee },
    { label: 'Reserve fee', planck: e.reserveFee },
    { label: 'Validator fee', planck: e.validatorFee },
    { label: 'Not distributed', planck: e.notDistributed },
  ];
  const feeTotal = fees.reduce((s, f) => s + big(f.planck), 0n);
  return (
    <div className="grid2">
      <AccountChart
        rows={payers}
        title="Charges per customer"
        who="customers"
        basis={e.reconciliation.basis}
      />
      <AccountChart
        rows={payees}
        title="Rewards per provider"
        who="providers"
        basis={e.reconciliation.basis}
      />
      <ChartFigure
        title="Fees and remainder"
        summary={`${amount(feeTotal.toString())} of ${amount(e.charged)} charged went to fees or was not distributed (${percent(tokens(e.charged) ? tokens(feeTotal.toString()) / tokens(e.charged) : null, 2)}).`}
        height={barsHeight(fees.length)}
        table={
          <DataTable
            caption="Fees and remainder"
            rows={fees}
            rowKey={(f) => f.label}
            columns={[
              { header: 'Part', cell: (f) => f.label },
              { header: 'Amount', align: 'num', cell: (f) => amount(f.planck) },
            ]}
          />
        }
      >
        <HorizontalBars
          title="Fees and remainder"
          data={fees.map((f) => ({ label: f.label, amount: tokens(f.planck) }))}
          category="label"
          labelWidth={104}
          series={[{ key: 'amount', name: 'Amount', color: COLORS.fee }]}
        />
      </ChartFigure>
    </div>
  );
}

function AccountChart(props: { rows: RecRow[]; title: string; who: string; basis: string }) {
  const rows = props.rows.slice(0, CHART_ROWS);
  if (props.rows.length === 0) {
    return (
      <figure style={{ margin: 0 }}>
        <figcaption>
          <strong>{props.title}.</strong>
        </figcaption>
        <Empty>No {props.who} in this era’s payout.</Empty>
      </figure>
    );
  }
  const differ = props.rows.filter((r) => !r.matches).length;
  const shown =
    props.rows.length > CHART_ROWS
      ? `The ${CHART_ROWS} largest of ${props.rows.length} ${props.who}`
      : `${props.rows.length} ${props.who}`;
  return (
    <ChartFigure
      title={props.title}
      summary={`${shown}, on-chain amount next to the amount recomputed from ${props.basis}; ${
        differ === 0 ? 'all match' : `${differ} differ`
      }. Every account is in the reconciliation table below.`}
      height={barsHeight(rows.length, 2)}
    >
      <HorizontalBars
        title={props.title}
        data={rows.map((r) => ({
          label: accountLabel(r.account),
          onChain: tokens(r.onChain),
          recomputed: tokens(r.recomputed),
        }))}
        category="label"
        series={[
          { key: 'onChain', name: 'On chain', color: COLORS.charged },
          { key: 'recomputed', name: 'Recomputed', color: COLORS.recomputed },
        ]}
      />
    </ChartFigure>
  );
}

/**
 * On-chain amounts against recomputed ones. Of an era Root skipped (`skipped`), the recomputed
 * amounts were never settled: their differences are shown as skipped, not failed.
 */
function Reconciliation(props: { rec: EraRow['reconciliation']; skipped: boolean }) {
  const { rec, skipped } = props;
  // "the era's verified activity, priced by Proof Room's cost model", or Cere's billing rules.
  const from = rec.basis;
  if (rec.rows.length === 0) {
    return <Empty>Nothing to reconcile: no charges or rewards were recorded or recomputed.</Empty>;
  }
  const sorted = [...rec.rows].sort((a, b) => Number(a.matches) - Number(b.matches));
  return (
    <>
      <p>
        {rec.ok ? (
          <>
            <Status ok label="all match" /> All {rec.rows.length} on-chain charges and rewards equal
            the amounts recomputed from {from}.
          </>
        ) : skipped ? (
          <>
            <Status ok={null} skipped label={`${rec.differences} not settled`} /> Root skipped this
            era, so the chain charged and rewarded no one: {rec.differences} of {rec.rows.length}{' '}
            amounts recomputed from {from} were never settled (listed first). They are not failures.
          </>
        ) : (
          <>
            <Status ok={false} label={`${rec.differences} differ`} /> {rec.differences} of{' '}
            {rec.rows.length} on-chain amounts differ from the amounts recomputed from {from}
            (listed first).
          </>
        )}
      </p>
      <DataTable
        caption="On-chain amounts against recomputed amounts, per customer (payers) and provider (payees)"
        rows={sorted}
        rowKey={(r) => `${r.side}/${r.account}`}
        rowProps={(r) => ({ className: r.matches || skipped ? undefined : 'diff' })}
        columns={[
          {
            header: 'Side',
            cell: (r) => (r.side === 'payers' ? 'customer' : 'provider'),
            hideNarrow: true,
          },
          { header: 'Account', cell: (r) => <AccountLink id={r.account} /> },
          {
            header: 'On chain',
            align: 'num',
            cell: (r) => (r.onChain === null ? 'no event' : amount(r.onChain)),
          },
          {
            header: 'Recomputed',
            align: 'num',
            cell: (r) => (r.recomputed === null ? 'not recomputed' : amount(r.recomputed)),
            hideNarrow: true,
          },
          { header: 'Result', cell: (r) => <RecResult r={r} skipped={skipped} /> },
        ]}
      />
    </>
  );
}

function RecResult(props: { r: RecRow; skipped: boolean }) {
  const { r } = props;
  if (r.matches) return <Status ok label="matches" />;
  if (props.skipped) return <Status ok={null} skipped label="not settled" />;
  return (
    <>
      <Status ok={false} label="differs" /> by <b>{amount(abs(big(r.difference)).toString())}</b>{' '}
      <span className="muted">({big(r.difference) > 0n ? 'chain higher' : 'chain lower'})</span>
    </>
  );
}

/** `<cluster>-<era>-<side>-<account>` → the side and account. */
function settlementSubject(subjectId: string): { side: string; account: string } | null {
  const m = /-(payers|payees)-(0x[0-9a-fA-F]+)$/.exec(subjectId);
  return m ? { side: m[1]!, account: m[2]! } : null;
}

function SettlementChecks(props: { data: EraData }) {
  const stats = props.data.settlementStats[0];
  const failed = props.data.settlementChecks;
  if (!stats || stats.lines === 0) return null;
  return (
    <>
      <h3>Settlement checks per account</h3>
      <p>
        {count(stats.lines)} settlement checks (each account’s place in a committed payout batch):{' '}
        {count(stats.passed)} passed,{' '}
        <b className={stats.failed ? 'bad-text' : undefined}>{count(stats.failed)} failed</b>
        {stats.skipped > 0 && (
          <span className="skipped-text">
            , {count(stats.skipped)} skipped (Root skipped the era)
          </span>
        )}
        .{stats.failed > 0 ? ' The failed ones:' : stats.skipped > 0 ? ' The skipped ones:' : ''}
      </p>
      {failed.length > 0 && (
        <ol className="lines">
          {failed.map((l) => {
            const s = settlementSubject(l.subjectId);
            return (
              <LineRow
                key={`${l.subjectId}/${l.check}`}
                line={l}
                extra={
                  s && (
                    <span>
                      {s.side === 'payers' ? 'customer' : 'provider'} <AccountLink id={s.account} />
                    </span>
                  )
                }
              />
            );
          })}
        </ol>
      )}
    </>
  );
}

/** A payout batch's entries: their number and total (a billing-report batch lists usage). */
function batchTotals(entriesJson: unknown): { entries: number; total: string } {
  const entries = Array.isArray(entriesJson) ? (entriesJson as unknown[]) : [];
  // A billing-report batch (Cere 71000) lists usage, which the chain priced itself.
  const usage = entries.some((x) => Array.isArray(x) && typeof x[1] === 'object');
  const total = entries.reduce<bigint>(
    (s, x) => s + (Array.isArray(x) && !usage ? big(String(x[1] as string | number)) : 0n),
    0n
  );
  return {
    entries: entries.length,
    total: usage ? 'usage, priced on chain' : amount(total.toString()),
  };
}

function Batches(props: { batches: EraRow['batches'] }) {
  const rows = props.batches.map((b) => ({ ...b, ...batchTotals(b.entries) }));
  return (
    <DataTable
      caption="Payout batches committed on chain"
      rows={rows}
      rowKey={(b) => b.id}
      empty="No payout batch of this era is indexed."
      columns={[
        {
          header: 'Side',
          cell: (b) => (b.side === 'payers' ? 'charges (payers)' : 'rewards (payees)'),
        },
        {
          header: 'Batch',
          align: 'num',
          cell: (b) => `${b.batchIndex + 1} of ${b.maxBatchIndex + 1}`,
        },
        { header: 'Entries', align: 'num', cell: (b) => count(b.entries) },
        { header: 'Total', align: 'num', cell: (b) => b.total },
        { header: 'Extrinsic', cell: (b) => <ChainRefLink id={b.extrinsicId} /> },
      ]}
    />
  );
}

/** Event ids are `<block>-<index>[-suffix]`: sorts by block, then index, as numbers. */
function inChainOrder<T extends { id: string; blockHeight: number }>(rows: T[]): T[] {
  const index = (id: string) => Number(id.split('-')[1] ?? 0);
  return [...rows].sort((a, b) => a.blockHeight - b.blockHeight || index(a.id) - index(b.id));
}

const KINDS: Record<string, string> = {
  charge: 'charge',
  reward: 'provider reward',
  'fee-treasury': 'treasury fee',
  'fee-reserve': 'reserve fee',
  'fee-validators': 'validator fee',
  'validator-reward': 'validator reward',
  'not-distributed': 'not distributed',
  'max-batch-payers': 'payer batches set',
  'max-batch-payees': 'payee batches set',
  paid: 'era paid',
  skipped: 'era skipped by Root',
};

function PayoutLines(props: { clusterId: string; era: number }) {
  const [first, setFirst] = useState(PAGE);
  const q = useQuery(LINES, { cluster: props.clusterId, era: props.era, first });
  const where = { clusterId_eq: props.clusterId, era_eq: props.era };
  return (
    <Section
      title="Payout lines"
      id="lines"
      actions={<ExportButtons entity="payoutLines" where={where} label="this era's payout lines" />}
    >
      <Loaded state={q} what="payout lines">
        {(d) => {
          const c = d.payoutLinesConnection;
          if (c.edges.length === 0) return <Empty>No payout event of this era is indexed.</Empty>;
          return (
            <>
              <DataTable
                caption={`Every payout event of the era, in chain order (${count(c.totalCount)})`}
                rows={inChainOrder(c.edges.map((x) => x.node))}
                rowKey={(l) => l.id}
                columns={[
                  { header: 'Kind', cell: (l) => KINDS[l.kind] ?? l.kind },
                  { header: 'Account', cell: (l) => <AccountLink id={l.accountId} /> },
                  { header: 'Amount', align: 'num', cell: (l) => amount(l.amount) },
                  {
                    header: 'Expected',
                    align: 'num',
                    cell: (l) => (l.expected === null ? '—' : amount(l.expected)),
                    hideNarrow: true,
                  },
                  {
                    header: 'Block',
                    cell: (l) => <BlockLink height={l.blockHeight} />,
                    hideNarrow: true,
                  },
                  {
                    header: 'Extrinsic',
                    cell: (l) => <ChainRefLink id={l.extrinsicId} />,
                    hideNarrow: true,
                  },
                ]}
              />
              <p className="muted">
                Showing {count(c.edges.length)} of {count(c.totalCount)} lines.{' '}
                {c.pageInfo.hasNextPage &&
                  (first < MAX_PAGE ? (
                    <button
                      type="button"
                      className="secondary"
                      disabled={q.status === 'loading'}
                      onClick={() => setFirst((n) => Math.min(n + PAGE * 4, MAX_PAGE))}
                    >
                      Show more lines
                    </button>
                  ) : (
                    'Download the CSV or NDJSON export for all of them.'
                  ))}
              </p>
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

function Embed(props: { clusterId: string; era: number }) {
  const path = href('embed', 'era', props.clusterId, props.era);
  const snippet = `<iframe src="${location.origin}${path}" title="Proof Room: era ${props.era} payout" width="100%" height="420" style="max-width:600px;border:1px solid #dde2e8;border-radius:8px" loading="lazy"></iframe>`;
  return (
    <>
      <p>
        A compact widget of this era’s payout and verdict for other sites:{' '}
        <a href={path} target="_blank" rel="noopener">
          open the widget
        </a>
        . Paste this snippet into a page to embed it (it fits 320 to 600 px wide):
      </p>
      <Copy value={snippet} />
    </>
  );
}

const SENTINEL = graphql(`
  query EraSentinel($cluster: String!, $era: Int!) {
    sentinelRounds(
      where: { clusterId_eq: $cluster, era_eq: $era }
      orderBy: [startedAt_ASC]
      limit: 10
    ) {
      id
      sentinel
      status
      population
      sampleSize
      sampled
      failed
      confidence
      badBound
      targetConfidence
      targetBadFraction
    }
  }
`);

/** The sentinel's rounds over this era: sampled, failed, confidence (details on /sentinel). */
function SentinelRounds(props: { clusterId: string; era: number }) {
  const q = useQuery(SENTINEL, { cluster: props.clusterId, era: props.era });
  return (
    <Section title="Storage spot checks" id="sentinel">
      <Loaded state={q} what="sentinel rounds">
        {(d) =>
          d.sentinelRounds.length === 0 ? (
            <p className="muted">
              No sentinel has sampled this era’s payloads from the storage nodes yet (
              <Link to="/sentinel">about the sentinel</Link>).
            </p>
          ) : (
            <ul className="trust">
              {d.sentinelRounds.map((r) => (
                <li key={r.id} data-round={r.id}>
                  <Status
                    ok={r.failed === 0}
                    pending={r.status !== 'complete'}
                    label={
                      r.status !== 'complete'
                        ? 'sampling'
                        : r.failed === 0
                          ? 'all intact'
                          : `${count(r.failed)} failed`
                    }
                  />{' '}
                  Sentinel <code title={r.sentinel}>{short(r.sentinel, 4)}</code> sampled{' '}
                  {count(r.sampled)} of {count(r.sampleSize)} planned among {count(r.population)}{' '}
                  records: {confidenceText(r)}. <Link to="/sentinel">Round details</Link>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </Section>
  );
}
