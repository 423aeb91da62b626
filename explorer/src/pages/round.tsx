/**
 * An era's attestation round: the threshold arithmetic, one row per validator and vote (which
 * counted and why not), the roots recomputed from the verified activity, and the round's checks.
 * @module
 */
import { useQuery } from '../api.ts';
import { Empty, KeyValues, Loaded, Page, Section, Status, Table } from '../components/basics.tsx';
import { isSkipped } from '../components/era-status.tsx';
import { type CheckLine, LINE_FIELDS, LineList } from '../components/lines.tsx';
import {
  AccountLink,
  BlockLink,
  ChainRefLink,
  ClusterLink,
  EraLink,
  HashLink,
} from '../components/links.tsx';
import { count } from '../format.ts';

interface VoteRow {
  validator: string;
  known: boolean;
  voted: boolean;
  payersRoot: string | null;
  payeesRoot: string | null;
  fingerprint: string | null;
  fingerprintValid: boolean | null;
  signatureValid: boolean | null;
  signatureBasis: string;
  matchesRecomputed: boolean | null;
  counted: boolean;
  note: string | null;
  source: { block: number | null; extrinsic: string | null } | null;
}

interface RoundData {
  attestationRoundById: {
    id: string;
    ehdId: string | null;
    quorum: boolean;
    rootsMatch: boolean;
    blockHeight: number;
    matrix: {
      rule: string;
      validators: number;
      threshold: number;
      agreeing: number;
      met: boolean;
      arithmetic: string;
      otherRule: string | null;
      otherThreshold: number | null;
      otherMet: boolean | null;
      computedPayersRoot: string | null;
      computedPayeesRoot: string | null;
      rows: VoteRow[];
    };
    checks: CheckLine[];
  } | null;
  eraPayoutById: { paid: { kind: string } | null } | null;
  attestationVotes: Array<{
    id: string;
    validatorId: string;
    extrinsicId: string | null;
    blockHeight: number;
  }>;
}

const ROUND = `query Round($id: String!, $clusterId: String!, $era: Int!) {
  attestationRoundById(id: $id) {
    id ehdId quorum rootsMatch blockHeight
    matrix {
      rule validators threshold agreeing met arithmetic otherRule otherThreshold otherMet
      computedPayersRoot computedPayeesRoot
      rows {
        validator known voted payersRoot payeesRoot fingerprint fingerprintValid signatureValid
        signatureBasis matchesRecomputed counted note source { block extrinsic }
      }
    }
    checks(where: { step_eq: "attestation" }, limit: 1000) { ${LINE_FIELDS} }
  }
  attestationVotes(where: { clusterId_eq: $clusterId, era_eq: $era }, orderBy: blockHeight_ASC, limit: 1000) {
    id validatorId extrinsicId blockHeight
  }
  eraPayoutById(id: $id) { paid { kind } }
}`;

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
  const q = useQuery<RoundData>(
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
          if (!r) {
            return (
              <>
                <Empty>
                  No attestation round is recorded for era {props.era} of cluster{' '}
                  <ClusterLink id={props.clusterId} />. A round is computed when the era is paid
                  (its <code>ClusterEraPaid</code> event is indexed).
                  {d.attestationVotes.length > 0 &&
                    ` ${count(d.attestationVotes.length)} vote(s) for this era are indexed so far.`}
                </Empty>
                {d.attestationVotes.length > 0 && (
                  <Section title="Votes indexed so far" id="votes">
                    <Table caption="Votes for this era">
                      <thead>
                        <tr>
                          <th>Validator</th>
                          <th>Vote</th>
                          <th>Block</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.attestationVotes.map((v) => (
                          <tr key={v.id}>
                            <td>
                              <AccountLink id={v.validatorId} />
                            </td>
                            <td>
                              <ChainRefLink id={v.extrinsicId} />
                            </td>
                            <td>
                              <BlockLink height={v.blockHeight} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </Table>
                  </Section>
                )}
              </>
            );
          }
          const m = r.matrix;
          return (
            <>
              <Section title="Threshold" id="threshold">
                <p className="lead">
                  {!m.met && isSkipped(d.eraPayoutById?.paid) ? (
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
                          {m.otherMet !== null &&
                            m.otherMet !== m.met &&
                            ' (the choice of rule decides)'}
                        </>
                      ) : (
                        '—'
                      ),
                    ],
                    ['Verified at', <BlockLink height={r.blockHeight} />],
                  ]}
                />
              </Section>
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
              <Section title={`Votes (${count(m.rows.length)})`} id="votes">
                {m.rows.length === 0 ? (
                  <Empty>No validator set and no vote are recorded for this era.</Empty>
                ) : (
                  <Table caption="One row per validator of the set and per vote cast; “≠ recomputed” marks a root that differs from the one recomputed here">
                    <thead>
                      <tr>
                        <th>Validator</th>
                        <th>Known</th>
                        <th>Voted</th>
                        <th>Payers root</th>
                        <th>Payees root</th>
                        <th>Fingerprint</th>
                        <th>Signature</th>
                        <th>Counted</th>
                        <th>Note</th>
                        <th>Vote</th>
                      </tr>
                    </thead>
                    <tbody>
                      {m.rows.map((v, i) => (
                        <tr
                          key={`${v.validator}-${i}`}
                          className={v.counted ? undefined : 'bad-row'}
                          style={{ whiteSpace: 'nowrap' }}
                        >
                          <td>
                            <AccountLink id={v.validator} />
                          </td>
                          <td>
                            {v.known ? 'yes' : <span className="bad-text">not in the set</span>}
                          </td>
                          <td>{v.voted ? 'yes' : <span className="muted">no</span>}</td>
                          <td>
                            <Root
                              value={v.payersRoot}
                              computed={m.computedPayersRoot}
                              mismatch={v.matchesRecomputed === false}
                            />
                          </td>
                          <td>
                            <Root
                              value={v.payeesRoot}
                              computed={m.computedPayeesRoot}
                              mismatch={v.matchesRecomputed === false}
                            />
                          </td>
                          <td>
                            {v.fingerprint ? (
                              <>
                                <HashLink value={v.fingerprint} />{' '}
                                <Status
                                  ok={v.fingerprintValid}
                                  label={
                                    v.fingerprintValid === null
                                      ? 'not checked'
                                      : v.fingerprintValid
                                        ? 'valid'
                                        : 'invalid'
                                  }
                                />
                              </>
                            ) : (
                              <span className="muted">none on chain</span>
                            )}
                          </td>
                          <td>
                            <Signature row={v} />
                          </td>
                          <td>
                            <Status ok={v.counted} label={v.counted ? 'counted' : 'not counted'} />
                          </td>
                          <td style={{ whiteSpace: 'normal', minWidth: '14rem' }}>
                            {v.note ?? <span className="muted">—</span>}
                          </td>
                          <td>
                            {v.source?.extrinsic ? (
                              <ChainRefLink id={v.source.extrinsic} />
                            ) : (
                              <BlockLink height={v.source?.block} />
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                )}
              </Section>
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
