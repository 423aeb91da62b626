/**
 * A GAR consent grant from a user to an agent over time: every version the GAR service served
 * (scope, expiry, revocation, signature, on-chain anchors), the status at each version, and the
 * activity records that relied on the grant.
 * @module
 */
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
import { RecordsTable, recordColumns } from '../components/records-table.tsx';
import { graphql } from '../gql/index.ts';
import type { GrantQuery } from '../gql/graphql.ts';
import { ExportButtons } from '../components/export.tsx';
import { AccountLink, BlockLink, ChainRefLink, HashLink } from '../components/links.tsx';
import { count, time } from '../format.ts';

const GRANT = graphql(`
  query Grant($user: String!, $agent: String!) {
    grants(where: { userId_eq: $user, agentId_eq: $agent }, orderBy: seq_ASC, limit: 200) {
      seq
      payload
      signature
      payloadHash
      createdAt
      expiresAt
      revoked
      scope
      url
      parseCode
      fetchedAt
      anchors(orderBy: blockHeight_ASC, limit: 20) {
        id
        position
        blockHeight
        remark {
          id
          blockHeight
        }
      }
    }
    activityRecords(
      where: { userId_eq: $user, agentId_eq: $agent }
      orderBy: [blockHeight_DESC, leafIndex_DESC]
      limit: 20
    ) {
      id
      recordId
      batchId
      timestamp
      providerId
      cost
      ok
      failed
    }
    activityStats(where: { userId_eq: $user, agentId_eq: $agent }) {
      records
      passed
      failed
    }
  }
`);

type GrantData = GrantQuery;
type GrantVersion = GrantData['grants'][number];

type GrantStatus = 'active' | 'expired' | 'revoked' | 'unreadable';

function statusOf(g: GrantVersion, now: number): GrantStatus {
  if (g.parseCode) return 'unreadable';
  if (g.revoked) return 'revoked';
  if (g.expiresAt && new Date(g.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

function StatusBadge(props: { status: GrantStatus }) {
  return <Status ok={props.status === 'active'} label={props.status} />;
}

/** Scope entries in words: `workspace ws-0, stream stream-0`. */
function scopeLines(scope: unknown): string[] {
  if (scope === null || scope === undefined) return [];
  const items = Array.isArray(scope) ? scope : [scope];
  return items.map((item) => {
    if (item === null || typeof item !== 'object') return String(item);
    return Object.entries(item as Record<string, unknown>)
      .map(
        ([k, v]) =>
          `${k.replace(/_id$/, '').replace(/_/g, ' ')} ${typeof v === 'string' ? v : JSON.stringify(v)}`
      )
      .join(', ');
  });
}

function Scope(props: { scope: unknown }) {
  const lines = scopeLines(props.scope);
  if (lines.length === 0) return <span className="muted">none stated</span>;
  if (lines.length === 1) return <span>{lines[0]}</span>;
  return (
    <ul>
      {lines.map((l, i) => (
        <li key={i}>{l}</li>
      ))}
    </ul>
  );
}

/** The signature as served: `{algorithm, signer, value}` JSON, or opaque text. */
interface SignatureJson {
  algorithm?: unknown;
  signer?: unknown;
  value?: unknown;
}

function parseSignature(text: string): SignatureJson | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as SignatureJson) : null;
  } catch {
    return null;
  }
}

function Signature(props: { text: string }) {
  const sig = parseSignature(props.text);
  if (!sig || typeof sig.value !== 'string')
    return <Copy value={props.text}>{props.text.slice(0, 40)}…</Copy>;
  return (
    <>
      {typeof sig.algorithm === 'string' && <span>{sig.algorithm} </span>}
      {typeof sig.signer === 'string' && (
        <>
          by <AccountLink id={sig.signer} />{' '}
        </>
      )}
      <Copy value={sig.value}>{`${sig.value.slice(0, 18)}…`}</Copy>
    </>
  );
}

function prettyPayload(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}

export default function Grant(props: { userId: string; agentId: string }) {
  const q = useQuery(GRANT, { user: props.userId, agent: props.agentId });
  return (
    <Page title="Consent grant" kicker="GAR agreement">
      <KeyValues
        rows={[
          ['User (grants consent)', <AccountLink id={props.userId} full />],
          ['Agent (acts on it)', <AccountLink id={props.agentId} full />],
        ]}
      />
      <Loaded state={q} what="the grant">
        {(d) => {
          const now = Date.now();
          return (
            <>
              <Timeline grants={d.grants} now={now} />
              {d.grants.map((g, i) => (
                <VersionSection key={g.seq} g={g} n={i + 1} now={now} />
              ))}
              <RecordsSection
                d={d}
                where={{ userId_eq: props.userId, agentId_eq: props.agentId }}
              />
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}

function Timeline(props: { grants: GrantVersion[]; now: number }) {
  const { grants, now } = props;
  const latest = grants[grants.length - 1];
  if (!latest) {
    return (
      <Empty>
        No version of a grant from this user to this agent has been fetched from the GAR service.
        Records that name this pair fail their grant check.
      </Empty>
    );
  }
  return (
    <Section title="Status over time" id="timeline">
      <p>
        Now: <StatusBadge status={statusOf(latest, now)} /> (version {grants.length} of{' '}
        {count(grants.length)}, GAR sequence number {latest.seq}).
      </p>
      <ol>
        {grants.map((g, i) => (
          <li key={g.seq}>
            <a href={`#version-${g.seq}`}>
              version {i + 1} (seq {g.seq})
            </a>
            , created {time(g.createdAt)}
            {g.expiresAt && `, expires ${time(g.expiresAt)}`}:{' '}
            <StatusBadge status={statusOf(g, now)} />
            {g !== latest && <span className="muted"> (superseded)</span>}
          </li>
        ))}
      </ol>
    </Section>
  );
}

function VersionSection(props: { g: GrantVersion; n: number; now: number }) {
  const { g } = props;
  return (
    <Section title={`Version ${props.n} (seq ${g.seq})`} id={`version-${g.seq}`}>
      <KeyValues
        rows={[
          ['Status', <StatusBadge status={statusOf(g, props.now)} />],
          ['Created', time(g.createdAt)],
          ['Expires', g.expiresAt ? time(g.expiresAt) : 'never'],
          ['Revoked', g.revoked === null ? '—' : g.revoked ? 'yes' : 'no'],
          ['Scope', <Scope scope={g.scope} />],
          ['Payload hash', <HashLink value={g.payloadHash} />],
          ['Signature', <Signature text={g.signature} />],
          [
            'Served at',
            <a href={g.url} className="mono" rel="noreferrer noopener" target="_blank">
              {g.url}
            </a>,
          ],
          ['Fetched', time(g.fetchedAt)],
          [
            'Readable',
            g.parseCode ? (
              <span className="bad-text">
                no: <code>{g.parseCode}</code>
              </span>
            ) : (
              'yes'
            ),
          ],
          [
            'Anchored on chain',
            g.anchors.length === 0 ? (
              <span className="bad-text">not anchored</span>
            ) : (
              <ul>
                {g.anchors.map((a) => (
                  <li key={a.id}>
                    <ChainRefLink kind="event" id={a.remark.id} /> position {a.position}, block{' '}
                    <BlockLink height={a.blockHeight} />
                  </li>
                ))}
              </ul>
            ),
          ],
        ]}
      />
      <RawJson value={prettyPayload(g.payload)} summary="signed payload, as served" />
    </Section>
  );
}

function RecordsSection(props: { d: GrantData; where: Record<string, string> }) {
  const { d } = props;
  const stats = d.activityStats[0];
  return (
    <Section
      title={`Records under this grant${stats ? ` (${count(stats.records)})` : ''}`}
      id="records"
      actions={
        <ExportButtons
          entity="activityRecords"
          where={props.where}
          orderBy="blockHeight_DESC"
          label="records under this grant"
        />
      }
    >
      {d.activityRecords.length === 0 ? (
        <Empty>No activity record names this user and agent.</Empty>
      ) : (
        <>
          {stats && (
            <p className="totals">
              {count(stats.passed)} passed their own checks,{' '}
              <b className={stats.failed ? 'bad-text' : ''}>{count(stats.failed)} failed</b>
              {stats.records > d.activityRecords.length &&
                `; the newest ${d.activityRecords.length} are shown`}
              .
            </p>
          )}
          <RecordsTable
            caption="Newest records under this grant"
            rows={d.activityRecords}
            columns={[
              recordColumns.record,
              recordColumns.batch,
              recordColumns.time,
              recordColumns.provider,
              recordColumns.cost,
              recordColumns.checks,
            ]}
          />
        </>
      )}
    </Section>
  );
}
