/**
 * Search: resolves what a person pasted (record id, activity id, batch / remark / extrinsic id,
 * block height, era, hash or root, cluster id, account in hex or SS58) with one GraphQL request,
 * goes straight to the page of a single exact match, and lists the matches otherwise.
 * @module
 */
import { useEffect, useMemo } from 'react';
import { useQuery } from '../api.ts';
import { Empty, Loaded, Page, Section } from '../components/basics.tsx';
import { short } from '../format.ts';
import { Link, href, navigate } from '../router.tsx';
import { decodeAddress, encodeAddress } from '../ss58.ts';
import { graphql } from '../gql/index.ts';
import type {
  SearchClusterQuery,
  SearchDashQuery,
  SearchHexQuery,
  SearchNumberQuery,
  SearchTextQuery,
  TypedDocumentString,
} from '../gql/graphql.ts';

interface Result {
  kind: string;
  path: string;
  label: string;
  detail?: string;
  /** An exact match (not a prefix or a neighbour): alone, it is opened directly. */
  exact: boolean;
}

/** One typed request and how its answer reads as results. */
interface Request {
  query: TypedDocumentString<unknown, unknown>;
  variables: unknown;
  results: (data: unknown) => Result[];
}

/**
 * Pairs a document with its variables and reader; the pairing is checked here, so the plan can
 * hold requests of different types.
 */
function request<T, V>(
  query: TypedDocumentString<T, V>,
  variables: V,
  results: (data: T) => Result[]
): Request {
  return {
    query: query as TypedDocumentString<unknown, unknown>,
    variables,
    results: results as (data: unknown) => Result[],
  };
}

interface Plan {
  /** What the input was read as, for the page. */
  reading: string;
  request?: Request;
  /** The result of a plan that needs no request. */
  direct?: Result;
}

const str = (v: string | number): string => String(v);

const blockPath = (height: number, anchor?: string) =>
  `${href('block', str(height))}${anchor ? `#${anchor}` : ''}`;

// ---------------------------------------------------------------------------------------------

const NUMBER = graphql(`
  query SearchNumber($n: Int!) {
    blockById(id: $n) {
      height
      hash
    }
    eraPayouts(where: { era_eq: $n }, limit: 100) {
      clusterId
      era
      ok
      failed
      paid {
        kind
      }
    }
    activityStats(groupBy: [CLUSTER, ERA], where: { era_eq: $n }, limit: 100) {
      clusterId
      era
      records
    }
    dacBatches(where: { era_eq: $n }, limit: 200) {
      clusterId
    }
  }
`);

function numberResults(n: number, withBlock: boolean) {
  return (d: SearchNumberQuery): Result[] => {
    const out: Result[] = [];
    const block = d.blockById;
    if (withBlock && block) {
      out.push({
        kind: 'block',
        path: blockPath(block.height),
        label: `block #${n}`,
        detail: short(str(block.hash)),
        exact: true,
      });
    }
    const eras = new Map<string, string>();
    for (const p of d.eraPayouts)
      eras.set(
        str(p.clusterId),
        p.ok
          ? 'paid, all checks passed'
          : p.failed === 0 && p.paid?.kind === 'skipped'
            ? 'skipped by Root: no one charged or rewarded'
            : 'paid, some checks failed'
      );
    for (const s of d.activityStats) {
      if (s.clusterId && !eras.has(str(s.clusterId)))
        eras.set(str(s.clusterId), `${str(s.records)} records, not paid yet`);
    }
    for (const b of d.dacBatches)
      if (!eras.has(str(b.clusterId))) eras.set(str(b.clusterId), 'batches anchored, not paid yet');
    for (const [cluster, detail] of eras) {
      out.push({
        kind: 'era',
        path: href('era', cluster, n),
        label: `era ${n} of cluster ${short(cluster)}`,
        detail,
        exact: true,
      });
    }
    return out;
  };
}

const DASH = graphql(`
  query SearchDash($id: String!) {
    dacBatchById(id: $id) {
      id
      era
      clusterId
      leafCount
    }
    remarkById(id: $id) {
      id
      kind
      blockHeight
    }
    chainEventById(id: $id) {
      id
      name
      blockHeight
    }
    chainExtrinsicById(id: $id) {
      id
      name
      blockHeight
    }
  }
`);

function dashResults(d: SearchDashQuery): Result[] {
  const out: Result[] = [];
  const batch = d.dacBatchById;
  const remark = d.remarkById;
  const event = d.chainEventById;
  const extrinsic = d.chainExtrinsicById;
  if (batch) {
    out.push({
      kind: 'batch',
      path: href('batch', str(batch.id)),
      label: `batch ${str(batch.id)}`,
      detail: `era ${str(batch.era)}, ${str(batch.leafCount)} records`,
      exact: true,
    });
  } else if (remark || event) {
    const r = (remark ?? event)!;
    const detail = remark
      ? `remark${remark.kind ? ` (${str(remark.kind)})` : ''}`
      : str(event!.name);
    out.push({
      kind: 'event',
      path: blockPath(r.blockHeight, `event-${str(r.id)}`),
      label: `event ${str(r.id)}`,
      detail,
      exact: true,
    });
  }
  if (extrinsic) {
    out.push({
      kind: 'extrinsic',
      path: blockPath(extrinsic.blockHeight, `extrinsic-${str(extrinsic.id)}`),
      label: `extrinsic ${str(extrinsic.id)}`,
      detail: str(extrinsic.name),
      exact: true,
    });
  }
  return out;
}

const HEX = graphql(`
  query SearchHex($h: String!, $records: ActivityRecordWhereInput!) {
    blocks(where: { hash_eq: $h }, limit: 1) {
      height
    }
    chainExtrinsics(where: { hash_eq: $h }, limit: 5) {
      id
      blockHeight
      name
    }
    remarks(where: { hash_eq: $h }, limit: 5) {
      id
      blockHeight
      kind
    }
    dacBatches(where: { OR: [{ payloadHash_eq: $h }, { root_eq: $h }] }, limit: 20) {
      id
      root
      era
    }
    grants(where: { payloadHash_eq: $h }, limit: 5) {
      seq
      userId
      agentId
    }
    attestationRounds(where: { OR: [{ payersRoot_eq: $h }, { payeesRoot_eq: $h }] }, limit: 20) {
      clusterId
      era
      payersRoot
    }
    attestationVotes(
      where: { OR: [{ payersRoot_eq: $h }, { payeesRoot_eq: $h }, { fingerprint_eq: $h }] }
      limit: 20
    ) {
      clusterId
      era
      validatorId
      fingerprint
      payersRoot
    }
    nodes(where: { id_eq: $h }, limit: 1) {
      id
      providerId
    }
    customerById(id: $h) {
      id
    }
    providerById(id: $h) {
      id
    }
    validatorById(id: $h) {
      id
    }
    asUser: grants(where: { userId_eq: $h }, limit: 1) {
      seq
    }
    asAgent: grants(where: { agentId_eq: $h }, limit: 1) {
      seq
    }
    activityRecords(where: $records, limit: 1) {
      id
    }
    payoutLines(where: { accountId_eq: $h }, limit: 1) {
      id
    }
    signed: chainExtrinsics(where: { signer_eq: $h }, limit: 1) {
      id
    }
    sent: remarks(where: { sender_eq: $h }, limit: 1) {
      id
    }
  }
`);

function hexResults(h: string) {
  return (d: SearchHexQuery): Result[] => {
    const out: Result[] = [];
    for (const b of d.blocks)
      out.push({
        kind: 'block',
        path: blockPath(b.height),
        label: `block #${str(b.height)}`,
        detail: 'block hash',
        exact: true,
      });
    for (const x of d.chainExtrinsics) {
      out.push({
        kind: 'extrinsic',
        path: blockPath(x.blockHeight, `extrinsic-${str(x.id)}`),
        label: `extrinsic ${str(x.id)}`,
        detail: `extrinsic hash, ${str(x.name)}`,
        exact: true,
      });
    }
    for (const r of d.remarks) {
      out.push({
        kind: 'remark',
        path: blockPath(r.blockHeight, `event-${str(r.id)}`),
        label: `remark ${str(r.id)}`,
        detail: `remark hash${r.kind ? `, ${str(r.kind)}` : ''}`,
        exact: true,
      });
    }
    for (const b of d.dacBatches) {
      out.push({
        kind: 'batch',
        path: href('batch', str(b.id)),
        label: `batch ${str(b.id)}`,
        detail: b.root === h ? `batch root, era ${str(b.era)}` : `payload hash, era ${str(b.era)}`,
        exact: true,
      });
    }
    for (const g of d.grants) {
      // A grant the GAR service served unreadable names no user and agent: no grant page to open.
      if (!g.userId || !g.agentId) continue;
      out.push({
        kind: 'grant',
        path: href('grant', str(g.userId), str(g.agentId)),
        label: `grant version ${str(g.seq)}`,
        detail: 'grant payload hash',
        exact: true,
      });
    }
    const rounds = new Map<string, Result>();
    for (const r of d.attestationRounds) {
      rounds.set(`${str(r.clusterId)}-${str(r.era)}`, {
        kind: 'round',
        path: href('round', str(r.clusterId), str(r.era)),
        label: `attestation round of era ${str(r.era)}`,
        detail: `leading ${r.payersRoot === h ? 'payers' : 'payees'} root`,
        exact: true,
      });
    }
    for (const v of d.attestationVotes) {
      const key = `${str(v.clusterId)}-${str(v.era)}`;
      if (rounds.has(key)) continue;
      const what =
        v.fingerprint === h ? 'fingerprint' : v.payersRoot === h ? 'payers root' : 'payees root';
      rounds.set(key, {
        kind: 'round',
        path: href('round', str(v.clusterId), str(v.era)),
        label: `attestation round of era ${str(v.era)}`,
        detail: `a vote’s ${what}`,
        exact: true,
      });
    }
    out.push(...rounds.values());
    for (const n of d.nodes) {
      out.push({
        kind: 'node',
        path: href('account', str(n.providerId)),
        label: `provider of node ${short(h)}`,
        detail: 'storage node key',
        exact: true,
      });
    }
    const roles = [
      d.customerById && 'customer',
      d.providerById && 'provider',
      d.validatorById && 'validator',
      d.asUser.length && 'GAR user',
      d.asAgent.length && 'GAR agent',
      d.activityRecords.length && 'named in records',
      d.payoutLines.length && 'payout party',
      (d.signed.length || d.sent.length) && 'signer',
    ].filter((x): x is string => typeof x === 'string');
    if (roles.length) {
      out.push({
        kind: 'account',
        path: href('account', h),
        label: `account ${short(encodeAddress(h) ?? h)}`,
        detail: roles.join(', '),
        exact: true,
      });
    }
    return out;
  };
}

const CLUSTER = graphql(`
  query SearchCluster($id: String!) {
    clusterById(id: $id) {
      id
      blockHeight
    }
  }
`);

function clusterResults(d: SearchClusterQuery): Result[] {
  const c = d.clusterById;
  return c
    ? [
        {
          kind: 'cluster',
          path: href('cluster', str(c.id)),
          label: `cluster ${short(str(c.id))}`,
          exact: true,
        },
      ]
    : [];
}

const TEXT = graphql(`
  query SearchText($q: String!, $withPrefix: Boolean!) {
    activityRecordById(id: $q) {
      id
      recordId
    }
    exact: activityRecords(where: { recordId_eq: $q }, orderBy: blockHeight_ASC, limit: 20) {
      id
      recordId
      blockHeight
    }
    prefix: activityRecords(where: { recordId_startsWith: $q }, orderBy: recordId_ASC, limit: 10)
      @include(if: $withPrefix) {
      id
      recordId
    }
  }
`);

function textResults(d: SearchTextQuery): Result[] {
  const out: Result[] = [];
  const seen = new Set<string>();
  const byId = d.activityRecordById;
  if (byId) {
    seen.add(str(byId.id));
    out.push({
      kind: 'receipt',
      path: href('receipt', str(byId.id)),
      label: `record ${str(byId.recordId)}`,
      detail: `activity ${str(byId.id)}`,
      exact: true,
    });
  }
  const exact = d.exact;
  for (const r of exact) {
    if (seen.has(str(r.id))) continue;
    seen.add(str(r.id));
    const detail =
      exact.length > 1
        ? `copy in batch ${str(r.id).split(':')[0]}, block #${str(r.blockHeight)}`
        : `activity ${str(r.id)}`;
    out.push({
      kind: 'receipt',
      path: href('receipt', str(r.id)),
      label: `record ${str(r.recordId)}`,
      detail,
      exact: true,
    });
  }
  for (const r of d.prefix ?? []) {
    if (seen.has(str(r.id))) continue;
    out.push({
      kind: 'receipt',
      path: href('receipt', str(r.id)),
      label: `record ${str(r.recordId)}`,
      detail: 'id starts with your text',
      exact: false,
    });
  }
  return out;
}

const MAX_INT = 2 ** 31 - 1;

/** What useQuery holds while the plan needs no request (it is skipped, never sent). */
const NO_REQUEST = HEX as TypedDocumentString<unknown, unknown>;

/** Reads the input and picks the one request that resolves it. */
function plan(input: string): Plan {
  const text = input.trim();
  const era = /^era\s*#?\s*(\d{1,10})$/i.exec(text);
  if (era && Number(era[1]) <= MAX_INT) {
    const n = Number(era[1]);
    return {
      reading: `era ${n}`,
      request: request(NUMBER, { n }, numberResults(n, false)),
    };
  }
  const num = /^(?:block\s*)?#?\s*(\d{1,10})$/i.exec(text);
  if (num && Number(num[1]) <= MAX_INT) {
    const n = Number(num[1]);
    return {
      reading: `block height or era ${n}`,
      request: request(NUMBER, { n }, numberResults(n, true)),
    };
  }
  const dash = /^(?:batch|remark|event|extrinsic)?\s*(\d+-\d+)$/i.exec(text);
  if (dash)
    return {
      reading: `batch, remark, event or extrinsic id ${dash[1]}`,
      request: request(DASH, { id: dash[1]! }, dashResults),
    };
  if (/^0x[0-9a-f]{64}$/i.test(text)) {
    const h = text.toLowerCase();
    const records = {
      OR: [{ customerId_eq: h }, { providerId_eq: h }, { userId_eq: h }, { agentId_eq: h }],
    };
    return {
      reading: 'a 32-byte hash, root or account',
      request: request(HEX, { h, records }, hexResults(h)),
    };
  }
  if (/^0x[0-9a-f]{40}$/i.test(text)) {
    return {
      reading: 'a cluster id',
      request: request(CLUSTER, { id: text.toLowerCase() }, clusterResults),
    };
  }
  const ss58 = decodeAddress(text);
  if (ss58) {
    return {
      reading: 'an SS58 address',
      direct: {
        kind: 'account',
        path: href('account', ss58.account),
        label: `account ${short(text)}`,
        exact: true,
      },
    };
  }
  return {
    reading: 'a record id',
    request: request(TEXT, { q: text, withPrefix: text.length >= 4 }, textResults),
  };
}

function Accepted() {
  return (
    <ul>
      <li>
        a record id, e.g. <code>dac-2ae565d2bc7ac91bdeeeea14</code>, or an activity id{' '}
        <code>10-1:0</code> (batch and leaf);
      </li>
      <li>
        a batch, remark, event or extrinsic id <code>&lt;block&gt;-&lt;index&gt;</code>, e.g.{' '}
        <code>10-1</code>;
      </li>
      <li>
        a block height <code>1234</code> or an era <code>era 7</code>;
      </li>
      <li>
        a <code>0x</code> hash of 64 hex digits: block or extrinsic hash, batch root or payload
        hash, grant payload hash, attestation root or fingerprint, or an account;
      </li>
      <li>
        a cluster id (<code>0x</code> and 40 hex digits);
      </li>
      <li>an account as an SS58 address.</li>
    </ul>
  );
}

function Results(props: { results: Result[] }) {
  return (
    <ul className="results">
      {props.results.map((r) => (
        <li key={`${r.kind} ${r.path}`}>
          <span className="badge pending">{r.kind}</span> <Link to={r.path}>{r.label}</Link>
          {r.detail && <span className="muted"> · {r.detail}</span>}
        </li>
      ))}
    </ul>
  );
}

export default function Search(props: { q: string }) {
  const text = props.q.trim();
  const p = useMemo(() => plan(text), [text]);
  const q = useQuery(p.request?.query ?? NO_REQUEST, p.request?.variables ?? {}, {
    skip: !text || !p.request,
  });
  const results = useMemo(
    () =>
      p.direct ? [p.direct] : q.status === 'ok' && p.request ? p.request.results(q.data) : null,
    [p, q.status, q.data]
  );
  const target = results?.length === 1 && results[0]!.exact ? results[0]!.path : null;
  useEffect(() => {
    if (target) navigate(target, true);
  }, [target]);

  if (!text) {
    return (
      <Page title="Search">
        <p>Type into the search box above. It accepts:</p>
        <Accepted />
      </Page>
    );
  }
  return (
    <Page
      title={`Search: ${text.length > 40 ? short(text, 16) : text}`}
      kicker={`Read as ${p.reading}`}
    >
      {p.direct ? (
        <Results results={[p.direct]} />
      ) : (
        <Loaded state={q} what="matches">
          {() =>
            !results || results.length === 0 ? (
              <Empty>
                <p>
                  Nothing in the index matches <code>{text}</code>
                  {p.request?.query === HEX && (
                    <>
                      . As an account it has no role yet:{' '}
                      <Link to={href('account', text.toLowerCase())}>open its account page</Link>{' '}
                      anyway
                    </>
                  )}
                  .
                </p>
                <p>The search accepts:</p>
                <Accepted />
              </Empty>
            ) : (
              <Section
                title={results.length === 1 ? 'One match' : `${results.length} matches`}
                id="results"
              >
                <Results results={results} />
              </Section>
            )
          }
        </Loaded>
      )}
    </Page>
  );
}
