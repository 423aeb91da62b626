/**
 * A block as the indexer read it: header, the extrinsics and events it kept (each row carries an
 * `extrinsic-<id>` / `event-<id>` anchor for ChainRefLink), the remarks with their SCP envelope
 * kind, and what they anchored (DAC batches, GAR grant entries). Remarks, votes and payout batches
 * live in their own tables, so their events and extrinsics are merged into the lists here.
 * @module
 */
import { type ReactNode, useEffect } from 'react';
import { useQuery } from '../api.ts';
import {
  Copy,
  Empty,
  KeyValues,
  Loaded,
  Page,
  RawJson,
  Section,
  Status,
  Table,
} from '../components/basics.tsx';
import {
  AccountLink,
  BatchLink,
  ChainRefLink,
  EraLink,
  HashLink,
  RoundLink,
} from '../components/links.tsx';
import { amount, count, time } from '../format.ts';
import { Link, href } from '../router.tsx';

interface Remark {
  id: string;
  eventIndex: number;
  extrinsicId: string | null;
  sender: string | null;
  hash: string;
  kind: string | null;
  code: string | null;
}

interface BlockData {
  blockById: {
    height: number;
    hash: string;
    parentHash: string;
    timestamp: string | null;
    specVersion: number;
    indexedExtrinsics: number;
    indexedEvents: number;
    final: boolean;
    extrinsics: Array<{
      id: string;
      index: number;
      hash: string;
      name: string;
      signer: string | null;
      success: boolean;
      args: unknown;
    }>;
    events: Array<{
      id: string;
      index: number;
      extrinsicIndex: number | null;
      name: string;
      args: unknown;
    }>;
  } | null;
  remarks: Remark[];
  dacBatches: Array<{
    id: string;
    clusterId: string;
    era: number;
    leafCount: number;
    payloadStatus: string;
  }>;
  garAnchorEntries: Array<{ id: string; remarkId: string; position: number; payloadHash: string }>;
  attestationVotes: Array<{
    id: string;
    clusterId: string;
    era: number;
    validatorId: string;
    extrinsicId: string | null;
  }>;
  payoutLines: Array<{
    id: string;
    clusterId: string;
    era: number;
    kind: string;
    accountId: string | null;
    amount: string;
    extrinsicId: string | null;
  }>;
  payoutBatches: Array<{
    id: string;
    clusterId: string;
    era: number;
    side: string;
    batchIndex: number;
    extrinsicId: string;
  }>;
  last: Array<{ height: number }>;
}

const BLOCK = `query Block($h: Int!) {
  blockById(id: $h) {
    height hash parentHash timestamp specVersion indexedExtrinsics indexedEvents final
    extrinsics(orderBy: index_ASC, limit: 1000) { id index hash name signer success args }
    events(orderBy: index_ASC, limit: 1000) { id index extrinsicIndex name args }
  }
  remarks(where: { blockHeight_eq: $h }, orderBy: eventIndex_ASC, limit: 1000) {
    id eventIndex extrinsicId sender hash kind code
  }
  dacBatches(where: { blockHeight_eq: $h }, orderBy: batchIndex_ASC, limit: 1000) {
    id clusterId era leafCount payloadStatus
  }
  garAnchorEntries(where: { blockHeight_eq: $h }, orderBy: [remarkId_ASC, position_ASC], limit: 1000) {
    id remarkId position payloadHash
  }
  attestationVotes(where: { blockHeight_eq: $h }, limit: 1000) { id clusterId era validatorId extrinsicId }
  payoutLines(where: { blockHeight_eq: $h }, limit: 1000) { id clusterId era kind accountId amount extrinsicId }
  payoutBatches(where: { blockHeight_eq: $h }, limit: 1000) { id clusterId era side batchIndex extrinsicId }
  last: blocks(orderBy: height_DESC, limit: 1) { height }
}`;

interface ExtrinsicRow {
  id: string;
  index: number;
  name: string | null;
  signer: string | null;
  success: boolean | null;
  hash: string | null;
  args: unknown;
  refs: ReactNode[];
}

interface EventRow {
  id: string;
  index: number;
  extrinsicIndex: number | null;
  name: string;
  args: unknown;
  refs: ReactNode[];
}

const indexOf = (id: string) => Number(id.split('-')[1]);

/** The block's extrinsics and events: those stored as such, plus those behind remarks, votes and payout batches. */
function merge(d: BlockData): { extrinsics: ExtrinsicRow[]; events: EventRow[] } {
  const b = d.blockById!;
  const xs = new Map<string, ExtrinsicRow>(b.extrinsics.map((x) => [x.id, { ...x, refs: [] }]));
  const es = new Map<string, EventRow>(b.events.map((e) => [e.id, { ...e, refs: [] }]));
  const batches = new Set(d.dacBatches.map((x) => x.id));
  const extrinsic = (id: string | null, ref: ReactNode, signer: string | null = null) => {
    if (!id) return;
    let row = xs.get(id);
    if (!row) {
      row = {
        id,
        index: indexOf(id),
        name: null,
        signer: null,
        success: null,
        hash: null,
        args: null,
        refs: [],
      };
      xs.set(id, row);
    }
    row.refs.push(ref);
    row.signer ??= signer;
  };
  const event = (id: string, ref: ReactNode, fallback: Omit<EventRow, 'refs'>) => {
    let row = es.get(id);
    if (!row) {
      row = { ...fallback, refs: [] };
      es.set(id, row);
    }
    row.refs.push(ref);
  };
  for (const r of d.remarks) {
    const what = batches.has(r.id) ? (
      <BatchLink key={r.id} id={r.id} />
    ) : (
      <span key={r.id}>remark {r.kind ?? ''}</span>
    );
    event(r.id, what, {
      id: r.id,
      index: r.eventIndex,
      extrinsicIndex: r.extrinsicId ? indexOf(r.extrinsicId) : null,
      name: 'System.Remarked',
      args: { sender: r.sender, hash: r.hash },
    });
    extrinsic(r.extrinsicId, <span key={r.id}>remark {r.id}</span>, r.sender);
  }
  for (const v of d.attestationVotes) {
    const ref = (
      <span key={v.id}>
        vote of <AccountLink id={v.validatorId} />,{' '}
        <RoundLink clusterId={v.clusterId} era={v.era} />
      </span>
    );
    event(v.id, ref, {
      id: v.id,
      index: indexOf(v.id),
      extrinsicIndex: v.extrinsicId ? indexOf(v.extrinsicId) : null,
      name: 'attestation vote',
      args: null,
    });
    extrinsic(v.extrinsicId, ref, v.validatorId);
  }
  for (const l of d.payoutLines) {
    const ref = (
      <span key={l.id}>
        {l.kind.startsWith('max-batch')
          ? `${l.kind}: index ${l.amount}`
          : `${l.kind} ${amount(l.amount)}`}
        {l.accountId && (
          <>
            {' '}
            <AccountLink id={l.accountId} />
          </>
        )}
        , <EraLink clusterId={l.clusterId} era={l.era} />
      </span>
    );
    // Lines from events carry the event's id; the others (max batch index) come from a call.
    if (/^\d+-\d+$/.test(l.id)) {
      event(l.id, ref, {
        id: l.id,
        index: indexOf(l.id),
        extrinsicIndex: null,
        name: `payout ${l.kind}`,
        args: null,
      });
    } else extrinsic(l.extrinsicId, ref);
  }
  for (const p of d.payoutBatches) {
    extrinsic(
      p.extrinsicId,
      <span key={p.id}>
        {p.side} batch {p.batchIndex}, <EraLink clusterId={p.clusterId} era={p.era} />
      </span>
    );
  }
  const byIndex = (a: { index: number }, b: { index: number }) => a.index - b.index;
  return { extrinsics: [...xs.values()].sort(byIndex), events: [...es.values()].sort(byIndex) };
}

/** Scrolls to `#extrinsic-…` / `#event-…` once the rows exist (they arrive after the first paint). */
function useScrollToHash(ready: boolean): string {
  const target = decodeURIComponent(location.hash.slice(1));
  useEffect(() => {
    if (ready && target) document.getElementById(target)?.scrollIntoView({ block: 'center' });
  }, [ready, target]);
  return target;
}

const NOWRAP = { whiteSpace: 'nowrap' } as const;
const TARGET = { outline: '2px solid var(--accent)', outlineOffset: '-2px' };

function Refs(props: { refs: ReactNode[] }) {
  if (props.refs.length === 0) return <span className="muted">—</span>;
  return <>{props.refs.map((r, i) => [i > 0 ? '; ' : null, r])}</>;
}

export default function Block(props: { height: number }) {
  const valid = Number.isSafeInteger(props.height) && props.height >= 0 && props.height < 2 ** 31;
  const q = useQuery<BlockData>(BLOCK, { h: valid ? props.height : 0 }, { skip: !valid });
  const target = useScrollToHash(q.status === 'ok');
  if (!valid) {
    return (
      <Page title="Block">
        <Empty>A block address takes a height, a whole number: /block/1234.</Empty>
      </Page>
    );
  }
  return (
    <Page title={`Block #${props.height.toLocaleString('en-US')}`} kicker="Chain block">
      <Loaded state={q} what="the block">
        {(d) => {
          const b = d.blockById;
          const last = d.last[0]?.height;
          const nav = (
            <nav aria-label="Neighbouring blocks" className="section-head">
              {props.height > 0 ? (
                <Link to={href('block', props.height - 1)}>← block #{props.height - 1}</Link>
              ) : (
                <span />
              )}
              {last !== undefined && props.height < last && (
                <Link to={href('block', props.height + 1)}>block #{props.height + 1} →</Link>
              )}
            </nav>
          );
          if (!b) {
            return (
              <>
                <Empty>
                  Block #{props.height} has not been indexed
                  {last === undefined
                    ? ': no block is indexed yet.'
                    : props.height > last
                      ? `: the index reaches block #${last} so far.`
                      : '.'}
                </Empty>
                {last !== undefined && props.height > last && (
                  <p>
                    <Link to={href('block', last)}>Go to the latest indexed block, #{last}</Link>
                  </p>
                )}
              </>
            );
          }
          const { extrinsics, events } = merge(d);
          const listed = new Set(extrinsics.map((x) => x.id));
          return (
            <>
              {nav}
              <Section title="Header" id="header">
                <KeyValues
                  rows={[
                    ['Hash', <Copy value={b.hash} />],
                    [
                      'Parent',
                      props.height > 0 ? (
                        <Link
                          to={href('block', props.height - 1)}
                          className="mono"
                          title={b.parentHash}
                        >
                          {b.parentHash}
                        </Link>
                      ) : (
                        <code>{b.parentHash}</code>
                      ),
                    ],
                    ['Time', time(b.timestamp)],
                    [
                      'Finality',
                      <Status ok={b.final || null} label={b.final ? 'final' : 'not final yet'} />,
                    ],
                    ['Runtime spec version', String(b.specVersion)],
                    ['Extrinsics indexed', count(b.indexedExtrinsics)],
                    ['Events indexed', count(b.indexedEvents)],
                  ]}
                />
                <p className="muted">
                  The indexer keeps only the extrinsics and events Proof Room needs (DDC, payouts,
                  votes, remarks, validator keys), not every item of the block.
                </p>
              </Section>
              {(d.remarks.length > 0 || d.garAnchorEntries.length > 0) && (
                <Section title="Remarks and anchors" id="remarks">
                  {d.remarks.length > 0 && (
                    <Table caption="System.Remarked events and their SCP envelopes">
                      <thead>
                        <tr>
                          <th>Remark</th>
                          <th>Kind</th>
                          <th>Envelope</th>
                          <th>Anchors</th>
                          <th>Sender</th>
                          <th>Extrinsic</th>
                          <th>Hash</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.remarks.map((r) => {
                          const batch = d.dacBatches.find((x) => x.id === r.id);
                          const grants = d.garAnchorEntries.filter(
                            (a) => a.remarkId === r.id
                          ).length;
                          return (
                            <tr key={r.id} className={r.code ? 'bad-row' : undefined}>
                              <td>
                                <a href={`#event-${r.id}`} className="mono">
                                  {r.id}
                                </a>
                              </td>
                              <td>{r.kind ?? <span className="muted">none</span>}</td>
                              <td>
                                {r.code ? (
                                  <Status ok={false} label={r.code} />
                                ) : r.kind ? (
                                  <Status ok label="read" />
                                ) : (
                                  <span className="muted">no envelope</span>
                                )}
                              </td>
                              <td>
                                {batch ? (
                                  <>
                                    <BatchLink id={batch.id} /> (
                                    <EraLink clusterId={batch.clusterId} era={batch.era} />,{' '}
                                    {count(batch.leafCount)} records,{' '}
                                    <Status
                                      ok={batch.payloadStatus === 'ok'}
                                      label={`payload ${batch.payloadStatus}`}
                                    />
                                    )
                                  </>
                                ) : grants > 0 ? (
                                  <a href="#grant-anchors">{count(grants)} grant version(s)</a>
                                ) : (
                                  <span className="muted">—</span>
                                )}
                              </td>
                              <td>
                                <AccountLink id={r.sender} />
                              </td>
                              <td>
                                <ChainRefLink id={r.extrinsicId} />
                              </td>
                              <td>
                                <HashLink value={r.hash} />
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </Table>
                  )}
                  {d.garAnchorEntries.length > 0 && (
                    <>
                      <h3 id="grant-anchors">GAR grants anchored here</h3>
                      <Table caption="Grant payload hashes anchored in this block (the search finds their grant)">
                        <thead>
                          <tr>
                            <th>Remark</th>
                            <th className="num">Position</th>
                            <th>Grant payload hash</th>
                          </tr>
                        </thead>
                        <tbody>
                          {d.garAnchorEntries.map((a) => (
                            <tr key={a.id}>
                              <td>
                                <a href={`#event-${a.remarkId}`} className="mono">
                                  {a.remarkId}
                                </a>
                              </td>
                              <td className="num">{a.position}</td>
                              <td>
                                <HashLink value={a.payloadHash} />
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </Table>
                    </>
                  )}
                </Section>
              )}
              <Section title={`Extrinsics (${count(extrinsics.length)})`} id="extrinsics">
                {extrinsics.length === 0 ? (
                  <Empty>No extrinsic of this block concerns Proof Room.</Empty>
                ) : (
                  <Table caption="Indexed extrinsics">
                    <thead>
                      <tr>
                        <th>Id</th>
                        <th>Call</th>
                        <th>Carries</th>
                        <th>Signer</th>
                        <th>Result</th>
                        <th>Hash</th>
                        <th>Arguments</th>
                      </tr>
                    </thead>
                    <tbody>
                      {extrinsics.map((x) => (
                        <tr
                          key={x.id}
                          id={`extrinsic-${x.id}`}
                          style={target === `extrinsic-${x.id}` ? TARGET : undefined}
                          className={x.success === false ? 'bad-row' : undefined}
                        >
                          <td className="mono" style={NOWRAP}>
                            {x.id}
                          </td>
                          <td className="mono">
                            {x.name ?? <span className="muted">not stored</span>}
                          </td>
                          <td>
                            <Refs refs={x.refs} />
                          </td>
                          <td>
                            <AccountLink id={x.signer} />
                          </td>
                          <td>
                            {x.success === null ? (
                              <span className="muted">—</span>
                            ) : (
                              <Status ok={x.success} label={x.success ? 'success' : 'failed'} />
                            )}
                          </td>
                          <td>
                            <HashLink value={x.hash} />
                          </td>
                          <td>
                            {x.args == null ? (
                              <span className="muted">—</span>
                            ) : (
                              <RawJson value={x.args} summary="args" />
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                )}
              </Section>
              <Section title={`Events (${count(events.length)})`} id="events">
                {events.length === 0 ? (
                  <Empty>No event of this block concerns Proof Room.</Empty>
                ) : (
                  <Table caption="Indexed events">
                    <thead>
                      <tr>
                        <th>Id</th>
                        <th>Event</th>
                        <th>About</th>
                        <th>From</th>
                        <th>Arguments</th>
                      </tr>
                    </thead>
                    <tbody>
                      {events.map((e) => (
                        <tr
                          key={e.id}
                          id={`event-${e.id}`}
                          style={target === `event-${e.id}` ? TARGET : undefined}
                        >
                          <td className="mono" style={NOWRAP}>
                            {e.id}
                          </td>
                          <td className="mono">{e.name}</td>
                          <td>
                            <Refs refs={e.refs} />
                          </td>
                          <td>
                            {e.extrinsicIndex === null ? (
                              <span className="muted">block hook</span>
                            ) : !listed.has(`${b.height}-${e.extrinsicIndex}`) ? (
                              <span className="mono">
                                extrinsic {b.height}-{e.extrinsicIndex}{' '}
                                <span className="muted">(not stored)</span>
                              </span>
                            ) : (
                              <a
                                href={`#extrinsic-${b.height}-${e.extrinsicIndex}`}
                                className="mono"
                              >
                                extrinsic {b.height}-{e.extrinsicIndex}
                              </a>
                            )}
                          </td>
                          <td>
                            {e.args == null ? (
                              <span className="muted">—</span>
                            ) : (
                              <RawJson value={e.args} summary="args" />
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                )}
              </Section>
              {nav}
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
