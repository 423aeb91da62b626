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
} from '../components/basics.tsx';
import { DataTable } from '../components/data-table.tsx';
import { graphql } from '../gql/index.ts';
import type { BlockQuery } from '../gql/graphql.ts';
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

const BLOCK = graphql(`
  query Block($h: Int!) {
    blockById(id: $h) {
      height
      hash
      parentHash
      timestamp
      specVersion
      indexedExtrinsics
      indexedEvents
      final
      extrinsics(orderBy: index_ASC, limit: 1000) {
        id
        index
        hash
        name
        signer
        success
        args
      }
      events(orderBy: index_ASC, limit: 1000) {
        id
        index
        extrinsicIndex
        name
        args
      }
    }
    remarks(where: { blockHeight_eq: $h }, orderBy: eventIndex_ASC, limit: 1000) {
      id
      eventIndex
      extrinsicId
      sender
      hash
      kind
      code
    }
    dacBatches(where: { blockHeight_eq: $h }, orderBy: batchIndex_ASC, limit: 1000) {
      id
      clusterId
      era
      leafCount
      payloadStatus
    }
    garAnchorEntries(
      where: { blockHeight_eq: $h }
      orderBy: [remarkId_ASC, position_ASC]
      limit: 1000
    ) {
      id
      remarkId
      position
      payloadHash
    }
    attestationVotes(where: { blockHeight_eq: $h }, limit: 1000) {
      id
      clusterId
      era
      validatorId
      extrinsicId
    }
    payoutLines(where: { blockHeight_eq: $h }, limit: 1000) {
      id
      clusterId
      era
      kind
      accountId
      amount
      extrinsicId
    }
    payoutBatches(where: { blockHeight_eq: $h }, limit: 1000) {
      id
      clusterId
      era
      side
      batchIndex
      extrinsicId
    }
    last: blocks(orderBy: height_DESC, limit: 1) {
      height
    }
  }
`);

type BlockData = BlockQuery;
type BlockRow = NonNullable<BlockData['blockById']>;

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
  // An event from an extrinsic the indexer did not keep still gets that extrinsic's row, so the
  // event's "From" link lands on a row that says what is known of it.
  for (const e of es.values()) {
    const id = `${b.height}-${e.extrinsicIndex}`;
    if (e.extrinsicIndex !== null && !xs.has(id)) {
      extrinsic(id, <span key={e.id}>event {e.id}</span>);
    }
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

const TARGET = { outline: '2px solid var(--accent)', outlineOffset: '-2px' };

function Refs(props: { refs: ReactNode[] }) {
  if (props.refs.length === 0) return <span className="muted">—</span>;
  return <>{props.refs.map((r, i) => [i > 0 ? '; ' : null, r])}</>;
}

export default function Block(props: { height: number }) {
  const valid = Number.isSafeInteger(props.height) && props.height >= 0 && props.height < 2 ** 31;
  const q = useQuery(BLOCK, { h: valid ? props.height : 0 }, { skip: !valid });
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
          const last = d.last[0]?.height;
          const b = d.blockById;
          if (!b) return <NotIndexed height={props.height} last={last} />;
          const nav = <BlockNav height={props.height} last={last} />;
          const { extrinsics, events } = merge(d);
          return (
            <>
              {nav}
              <MissingTarget target={target} extrinsics={extrinsics} events={events} />
              <HeaderSection b={b} />
              {(d.remarks.length > 0 || d.garAnchorEntries.length > 0) && <RemarksSection d={d} />}
              <Section title={`Extrinsics (${count(extrinsics.length)})`} id="extrinsics">
                <ExtrinsicsTable rows={extrinsics} target={target} />
              </Section>
              <Section title={`Events (${count(events.length)})`} id="events">
                <EventsTable rows={events} height={b.height} target={target} />
              </Section>
              {nav}
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}

function BlockNav(props: { height: number; last: number | undefined }) {
  const { height, last } = props;
  return (
    <nav aria-label="Neighbouring blocks" className="section-head">
      {height > 0 ? <Link to={href('block', height - 1)}>← block #{height - 1}</Link> : <span />}
      {last !== undefined && height < last && (
        <Link to={href('block', height + 1)}>block #{height + 1} →</Link>
      )}
    </nav>
  );
}

function NotIndexed(props: { height: number; last: number | undefined }) {
  const { height, last } = props;
  return (
    <>
      <Empty>
        Block #{height} has not been indexed
        {last === undefined
          ? ': no block is indexed yet.'
          : height > last
            ? `: the index reaches block #${last} so far.`
            : '.'}
      </Empty>
      {last !== undefined && height > last && (
        <p>
          <Link to={href('block', last)}>Go to the latest indexed block, #{last}</Link>
        </p>
      )}
    </>
  );
}

/**
 * A link to `#event-…` or `#extrinsic-…` of an item the block page has no row for (the indexer
 * keeps only what Proof Room needs): say so, instead of landing nowhere.
 */
function MissingTarget(props: { target: string; extrinsics: ExtrinsicRow[]; events: EventRow[] }) {
  const m = /^(event|extrinsic)-(\d+-\d+)$/.exec(props.target);
  if (!m) return null;
  const rows: Array<{ id: string }> = m[1] === 'event' ? props.events : props.extrinsics;
  if (rows.some((r) => r.id === m[2])) return null;
  return (
    <p className="state empty" role="note">
      {m[1]} {m[2]} is not among the items indexed for this block: the indexer keeps only the
      extrinsics and events Proof Room needs, so its name and arguments are not stored here. Its
      position in the block is {m[2]!.split('-')[1]}.
    </p>
  );
}

function HeaderSection(props: { b: BlockRow }) {
  const { b } = props;
  return (
    <Section title="Header" id="header">
      <KeyValues
        rows={[
          ['Hash', <Copy value={b.hash} />],
          [
            'Parent',
            b.height > 0 ? (
              <Link to={href('block', b.height - 1)} className="mono" title={b.parentHash}>
                {b.parentHash}
              </Link>
            ) : (
              <code>{b.parentHash}</code>
            ),
          ],
          ['Time', time(b.timestamp)],
          ['Finality', <Status ok={b.final || null} label={b.final ? 'final' : 'not final yet'} />],
          ['Runtime spec version', String(b.specVersion)],
          ['Extrinsics indexed', count(b.indexedExtrinsics)],
          ['Events indexed', count(b.indexedEvents)],
        ]}
      />
      <p className="muted">
        The indexer keeps only the extrinsics and events Proof Room needs (DDC, payouts, votes,
        remarks, validator keys), not every item of the block.
      </p>
    </Section>
  );
}

function RemarkAnchors(props: { d: BlockData; id: string }) {
  const batch = props.d.dacBatches.find((x) => x.id === props.id);
  const grants = props.d.garAnchorEntries.filter((a) => a.remarkId === props.id).length;
  if (batch) {
    return (
      <>
        <BatchLink id={batch.id} /> (<EraLink clusterId={batch.clusterId} era={batch.era} />,{' '}
        {count(batch.leafCount)} records,{' '}
        <Status ok={batch.payloadStatus === 'ok'} label={`payload ${batch.payloadStatus}`} />)
      </>
    );
  }
  if (grants > 0) return <a href="#grant-anchors">{count(grants)} grant version(s)</a>;
  return <span className="muted">—</span>;
}

function RemarksSection(props: { d: BlockData }) {
  const { d } = props;
  const eventLink = (id: string) => (
    <a href={`#event-${id}`} className="mono">
      {id}
    </a>
  );
  return (
    <Section title="Remarks and anchors" id="remarks">
      {d.remarks.length > 0 && (
        <DataTable
          caption="System.Remarked events and their SCP envelopes"
          rows={d.remarks}
          rowKey={(r) => r.id}
          rowProps={(r) => ({ className: r.code ? 'bad-row' : undefined })}
          columns={[
            { header: 'Remark', cell: (r) => eventLink(r.id) },
            {
              header: 'Kind',
              cell: (r) => r.kind ?? <span className="muted">none</span>,
              hideNarrow: true,
            },
            {
              header: 'Envelope',
              cell: (r) =>
                r.code ? (
                  <Status ok={false} label={r.code} />
                ) : r.kind ? (
                  <Status ok label="read" />
                ) : (
                  <span className="muted">no envelope</span>
                ),
            },
            { header: 'Anchors', cell: (r) => <RemarkAnchors d={d} id={r.id} /> },
            { header: 'Sender', cell: (r) => <AccountLink id={r.sender} />, hideNarrow: true },
            {
              header: 'Extrinsic',
              cell: (r) => <ChainRefLink id={r.extrinsicId} />,
              hideNarrow: true,
            },
            { header: 'Hash', cell: (r) => <HashLink value={r.hash} />, hideNarrow: true },
          ]}
        />
      )}
      {d.garAnchorEntries.length > 0 && (
        <>
          <h3 id="grant-anchors">GAR grants anchored here</h3>
          <DataTable
            caption="Grant payload hashes anchored in this block (the search finds their grant)"
            rows={d.garAnchorEntries}
            rowKey={(a) => a.id}
            columns={[
              { header: 'Remark', cell: (a) => eventLink(a.remarkId) },
              { header: 'Position', align: 'num', cell: (a) => a.position },
              { header: 'Grant payload hash', cell: (a) => <HashLink value={a.payloadHash} /> },
            ]}
          />
        </>
      )}
    </Section>
  );
}

function Args(props: { value: unknown }) {
  if (props.value == null) return <span className="muted">—</span>;
  return <RawJson value={props.value} summary="args" />;
}

function ExtrinsicsTable(props: { rows: ExtrinsicRow[]; target: string }) {
  return (
    <DataTable
      caption="Indexed extrinsics"
      rows={props.rows}
      rowKey={(x) => x.id}
      empty="No extrinsic of this block concerns Proof Room."
      rowProps={(x) => ({
        id: `extrinsic-${x.id}`,
        style: props.target === `extrinsic-${x.id}` ? TARGET : undefined,
        className: x.success === false ? 'bad-row' : undefined,
      })}
      columns={[
        { header: 'Id', className: 'mono nowrap', cell: (x) => x.id },
        {
          header: 'Call',
          className: 'mono',
          // Known only through what it carries (a remark, a vote): the call itself is not indexed.
          cell: (x) => x.name ?? <span className="muted">call not indexed</span>,
        },
        { header: 'Carries', cell: (x) => <Refs refs={x.refs} /> },
        { header: 'Signer', cell: (x) => <AccountLink id={x.signer} /> },
        {
          header: 'Result',
          cell: (x) =>
            x.success === null ? (
              <span className="muted">—</span>
            ) : (
              <Status ok={x.success} label={x.success ? 'success' : 'failed'} />
            ),
        },
        { header: 'Hash', cell: (x) => <HashLink value={x.hash} />, hideNarrow: true },
        { header: 'Arguments', cell: (x) => <Args value={x.args} />, hideNarrow: true },
      ]}
    />
  );
}

function EventsTable(props: { rows: EventRow[]; height: number; target: string }) {
  return (
    <DataTable
      caption="Indexed events"
      rows={props.rows}
      rowKey={(e) => e.id}
      empty="No event of this block concerns Proof Room."
      rowProps={(e) => ({
        id: `event-${e.id}`,
        style: props.target === `event-${e.id}` ? TARGET : undefined,
      })}
      columns={[
        { header: 'Id', className: 'mono nowrap', cell: (e) => e.id },
        { header: 'Event', className: 'mono', cell: (e) => e.name },
        { header: 'About', cell: (e) => <Refs refs={e.refs} /> },
        {
          header: 'From',
          cell: (e) =>
            e.extrinsicIndex === null ? (
              <span className="muted">block hook</span>
            ) : (
              // Every extrinsic an event names has a row above (merge adds the unindexed ones).
              <a href={`#extrinsic-${props.height}-${e.extrinsicIndex}`} className="mono">
                extrinsic {props.height}-{e.extrinsicIndex}
              </a>
            ),
        },
        { header: 'Arguments', cell: (e) => <Args value={e.args} />, hideNarrow: true },
      ]}
    />
  );
}
