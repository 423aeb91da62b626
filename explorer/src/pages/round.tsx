/**
 * An era's attestation round: the threshold arithmetic, one row per validator and vote (which
 * counted and why not), the roots recomputed from the verified activity, and the round's checks.
 * @module
 */
import { useQuery } from '../api.ts';
import { Empty, KeyValues, Loaded, Page, Section, Status } from '../components/basics.tsx';
import { DataTable } from '../components/data-table.tsx';
import { isSkipped } from '../components/era-status.tsx';
import { LineList } from '../components/lines.tsx';
import { graphql } from '../gql/index.ts';
import type { RoundQuery } from '../gql/graphql.ts';
import {
  AccountLink,
  BlockLink,
  ChainRefLink,
  ClusterLink,
  EraLink,
  HashLink,
} from '../components/links.tsx';
import { count } from '../format.ts';

const ROUND = graphql(`
  query Round($id: String!, $clusterId: String!, $era: Int!) {
    attestationRoundById(id: $id) {
      id
      ehdId
      quorum
      rootsMatch
      blockHeight
      matrix {
        rule
        validators
        threshold
        agreeing
        met
        arithmetic
        otherRule
        otherThreshold
        otherMet
        computedPayersRoot
        computedPayeesRoot
        rows {
          validator
          known
          voted
          payersRoot
          payeesRoot
          fingerprint
          fingerprintValid
          signatureValid
          signatureBasis
          matchesRecomputed
          counted
          note
          source {
            block
            extrinsic
          }
        }
      }
      checks(where: { step_eq: "attestation" }, limit: 1000) {
        ...LineFields
      }
    }
    attestationVotes(
      where: { clusterId_eq: $clusterId, era_eq: $era }
      orderBy: blockHeight_ASC
      limit: 1000
    ) {
      id
      validatorId
      extrinsicId
      blockHeight
    }
    eraPayoutById(id: $id) {
      paid {
        kind
      }
    }
  }
`);

type RoundData = RoundQuery;
type RoundRow = NonNullable<RoundData['attestationRoundById']>;
type Matrix = RoundRow['matrix'];
type VoteRow = Matrix['rows'][number];

/** A root, marked when it differs from the one recomputed from the verified activity. */
function Root(props: { value: string | null; computed: string | null; mismatch: boolean }) {
  const differs = props.mismatch && props.value !== null && props.value !== props.computed;
  return (
    <span className={differs ? 'bad-text' : undefined}>
      <HashLink value={props.value} />
      {differs && (
        // Visible words, not an sr-only span: those escape the table's scroll box on phones.
        <span title="differs from the root recomputed from the verified activity">
          {' '}
          ≠ recomputed
        </span>
      )}
    </span>
  );
}

function Signature(props: { row: VoteRow }) {
  const r = props.row;
  if (!r.voted) return <span className="muted">no vote</span>;
  if (r.signatureBasis.startsWith('trusted')) {
    return (
      <span className="basis trusted" title={r.signatureBasis}>
        taken from the chain
      </span>
    );
  }
  return <Status ok={r.signatureValid} label={r.signatureBasis} />;
}

export default function Round(props: { clusterId: string; era: number }) {
  const valid = Number.isSafeInteger(props.era) && props.era >= 0;
  const q = useQuery(
    ROUND,
    {
      id: `${props.clusterId}-${props.era}`,
      clusterId: props.clusterId,
      era: valid ? props.era : 0,
    },
    { skip: !valid }
  );
  const title = valid ? `Attestation round of era ${props.era}` : 'Attestation round';
  if (!valid) {
    return (
      <Page title={title}>
        <Empty>
          The era in this address is not a number. Round addresses look like /round/&lt;cluster
          id&gt;/&lt;era&gt;.
        </Empty>
      </Page>
    );
  }
  return (
    <Page title={title} kicker="Validators’ attestation">
      <Loaded state={q} what="the round">
        {(d) => {
          const r = d.attestationRoundById;
          if (!r) return <NoRound d={d} clusterId={props.clusterId} era={props.era} />;
          return (
            <>
              <ThresholdSection d={d} r={r} clusterId={props.clusterId} era={props.era} />
              <RootsSection r={r} />
              <VotesSection m={r.matrix} />
              <Section title="Attestation checks" id="checks">
                <LineList
                  lines={r.checks}
                  empty="No attestation checks recorded for this era yet."
                />
                <p className="muted">
                  Settlement and conservation checks are on the{' '}
                  <EraLink clusterId={props.clusterId} era={props.era} /> payout page.
                </p>
              </Section>
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}

/** No round yet (the era is not paid): the votes indexed so far. */
function NoRound(props: { d: RoundData; clusterId: string; era: number }) {
  const votes = props.d.attestationVotes;
  return (
    <>
      <Empty>
        No attestation round is recorded for era {props.era} of cluster{' '}
        <ClusterLink id={props.clusterId} />. A round is computed when the era is paid (its{' '}
        <code>ClusterEraPaid</code> event is indexed).
        {votes.length > 0 && ` ${count(votes.length)} vote(s) for this era are indexed so far.`}
      </Empty>
      {votes.length > 0 && (
        <Section title="Votes indexed so far" id="votes">
          <DataTable
            caption="Votes for this era"
            rows={votes}
            rowKey={(v) => v.id}
            columns={[
              { header: 'Validator', cell: (v) => <AccountLink id={v.validatorId} /> },
              { header: 'Vote', cell: (v) => <ChainRefLink id={v.extrinsicId} /> },
              { header: 'Block', cell: (v) => <BlockLink height={v.blockHeight} /> },
            ]}
          />
        </Section>
      )}
    </>
  );
}

function ThresholdSection(props: { d: RoundData; r: RoundRow; clusterId: string; era: number }) {
  const m = props.r.matrix;
  return (
    <Section title="Threshold" id="threshold">
      <p className="lead">
        {!m.met && isSkipped(props.d.eraPayoutById?.paid) ? (
          // Root skipped the era: no quorum was needed, so its absence is no failure.
          <Status ok={null} skipped label="no quorum: era skipped by Root" />
        ) : (
          <Status ok={m.met} label={m.met ? 'quorum met' : 'quorum not met'} />
        )}{' '}
        <strong>{m.arithmetic}</strong>
      </p>
      <KeyValues
        rows={[
          ['Cluster', <ClusterLink id={props.clusterId} />],
          ['Era payout', <EraLink clusterId={props.clusterId} era={props.era} />],
          ['Rule', <code>{m.rule}</code>],
          ['Validators in the set', count(m.validators)],
          ['Threshold', count(m.threshold)],
          ['Agreeing', count(m.agreeing)],
          [
            m.otherRule ? `Under ${m.otherRule}` : 'Other rule',
            m.otherRule ? (
              <>
                threshold {m.otherThreshold ?? '—'}:{' '}
                <Status
                  ok={m.otherMet}
                  label={m.otherMet === null ? 'unknown' : m.otherMet ? 'met' : 'not met'}
                />
                {m.otherMet !== null && m.otherMet !== m.met && ' (the choice of rule decides)'}
              </>
            ) : (
              '—'
            ),
          ],
          ['Verified at', <BlockLink height={props.r.blockHeight} />],
        ]}
      />
    </Section>
  );
}

function RootsSection(props: { r: RoundRow }) {
  const { r } = props;
  const m = r.matrix;
  return (
    <Section title="Roots" id="roots">
      <p>
        <Status
          ok={r.rootsMatch}
          label={r.rootsMatch ? 'leading roots match' : 'leading roots differ'}
        />{' '}
        {r.rootsMatch
          ? 'The roots most validators voted for equal the roots recomputed from the verified activity.'
          : 'The roots most validators voted for differ from the roots recomputed from the verified activity.'}
      </p>
      <KeyValues
        rows={[
          ['Recomputed payers root', <HashLink value={m.computedPayersRoot} />],
          ['Recomputed payees root', <HashLink value={m.computedPayeesRoot} />],
          ['EHD id', r.ehdId ? <code className="mono">{r.ehdId}</code> : '—'],
        ]}
      />
    </Section>
  );
}

function fingerprintLabel(valid: boolean | null): string {
  return valid === null ? 'not checked' : valid ? 'valid' : 'invalid';
}

function VotesSection(props: { m: Matrix }) {
  const { m } = props;
  // Rows have no id of their own: a validator may vote twice, so its position disambiguates.
  const rows = m.rows.map((v, i) => ({ ...v, key: `${v.validator}-${i}` }));
  return (
    <Section title={`Votes (${count(m.rows.length)})`} id="votes">
      <DataTable
        caption="One row per validator of the set and per vote cast; “≠ recomputed” marks a root that differs from the one recomputed here"
        rows={rows}
        rowKey={(v) => v.key}
        empty="No validator set and no vote are recorded for this era."
        rowProps={(v) => ({
          className: v.counted ? undefined : 'bad-row',
          style: { whiteSpace: 'nowrap' },
        })}
        stackNarrow
        columns={[
          { header: 'Validator', cell: (v) => <AccountLink id={v.validator} /> },
          {
            header: 'Known',
            cell: (v) => (v.known ? 'yes' : <span className="bad-text">not in the set</span>),
          },
          { header: 'Voted', cell: (v) => (v.voted ? 'yes' : <span className="muted">no</span>) },
          {
            header: 'Payers root',
            cell: (v) => (
              <Root
                value={v.payersRoot}
                computed={m.computedPayersRoot}
                mismatch={v.matchesRecomputed === false}
              />
            ),
          },
          {
            header: 'Payees root',
            cell: (v) => (
              <Root
                value={v.payeesRoot}
                computed={m.computedPayeesRoot}
                mismatch={v.matchesRecomputed === false}
              />
            ),
          },
          {
            header: 'Fingerprint',
            cell: (v) =>
              v.fingerprint ? (
                <>
                  <HashLink value={v.fingerprint} />{' '}
                  <Status ok={v.fingerprintValid} label={fingerprintLabel(v.fingerprintValid)} />
                </>
              ) : (
                <span className="muted">none on chain</span>
              ),
          },
          { header: 'Signature', cell: (v) => <Signature row={v} /> },
          {
            header: 'Counted',
            cell: (v) => <Status ok={v.counted} label={v.counted ? 'counted' : 'not counted'} />,
          },
          {
            header: 'Note',
            className: 'words',
            cell: (v) => v.note ?? <span className="muted">—</span>,
          },
          {
            header: 'Vote',
            cell: (v) =>
              v.source?.extrinsic ? (
                <ChainRefLink id={v.source.extrinsic} />
              ) : (
                <BlockLink height={v.source?.block} />
              ),
          },
        ]}
      />
    </Section>
  );
}
