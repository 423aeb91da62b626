/**
 * A receipt: the chain of evidence of one activity record, line by line (grant, record, inclusion,
 * anchor, attestation, settlement, conservation), each line green or red with its reason, facts and
 * source; the signed record; the MMR path from leaf to root; and "Verify in my browser".
 * @module
 */
import { useEffect, useState } from 'react';
import { verifyPool } from '../verify/pool.ts';
import { bundleUrl as restBundleUrl, useQuery } from '../api.ts';
import { Empty, KeyValues, Loaded, Page, RawJson, Section } from '../components/basics.tsx';
import {
  LineRow,
  LineStatusBadge,
  type ShownStatus,
  lineStatus,
  statusClass,
} from '../components/lines.tsx';
import {
  AccountLink,
  BatchLink,
  BlockLink,
  ClusterLink,
  EraLink,
  GrantLink,
  RoundLink,
} from '../components/links.tsx';
import { MmrDiagram, proofItems } from '../components/mmr-diagram.tsx';
import {
  type LocalCheck,
  VerifyPanel,
  checkLocally,
  pairLines,
} from '../components/verify-panel.tsx';
import { amount, time } from '../format.ts';
import { Link, href } from '../router.tsx';
import { graphql } from '../gql/index.ts';
import type { ReceiptQuery } from '../gql/graphql.ts';

// One document for both addresses: an activity id goes in `id`, a record id in `recordId`.
const RECEIPT = graphql(`
  query Receipt($id: String, $recordId: String) {
    receipt(id: $id, recordId: $recordId) {
      id
      recordId
      kind
      status
      ok
      passed
      failed
      pending
      skipped
      pendingSteps
      copies
      bundleUrl
      record
      lines {
        ...ReceiptLineFields
      }
      activity {
        id
        batchId
        leafIndex
        clusterId
        era
        userId
        agentId
        customerId
        providerId
        nodeId
        timestamp
        cost
        usage
        proof
        blockHeight
        batch {
          root
          leafCount
          blockHeight
        }
      }
    }
  }
`);

type Receipt = NonNullable<ReceiptQuery['receipt']>;
type Activity = Receipt['activity'];
type ReceiptLine = Receipt['lines'][number];

const STEP_TITLES: Record<string, string> = {
  grant: '1. Consent grant (GAR)',
  record: '2. The signed record',
  inclusion: '3. Inclusion in its DAC batch (MMR)',
  anchor: '4. The batch anchored on chain',
  attestation: '5. The validators’ attestation of the era',
  settlement: '6. Settlement: the era’s payout of this customer and provider',
  conservation: '7. Conservation of the era’s amounts',
};

/** An activity id looks like `<height>-<index>:<leaf>`; anything else is taken as a record id. */
const isActivityId = (id: string) => /^\d+-\d+:\d+$/.test(id);

export default function ReceiptPage(props: { id: string }) {
  const byActivity = isActivityId(props.id);
  const q = useQuery(RECEIPT, byActivity ? { id: props.id } : { recordId: props.id });
  const [local, setLocal] = useState<{ id: string; state: LocalCheck }>({
    id: '',
    state: { status: 'idle' },
  });
  const localState = local.id === props.id ? local.state : ({ status: 'idle' } as const);
  // Load the verifier into its worker once the page is idle, so the first check starts at once.
  useEffect(() => {
    const id = setTimeout(() => verifyPool().warm(1), 1500);
    return () => clearTimeout(id);
  }, []);

  const notFound = (
    <Page title="Receipt not found" kicker="Receipt">
      <Empty>
        No activity record has the {byActivity ? 'id' : 'record id'} <code>{props.id}</code>. It may
        not be indexed yet (see the heights on the <Link to="/">home page</Link>), or the id may be
        mistyped; <Link to={`/search?q=${encodeURIComponent(props.id)}`}>search for it</Link>.
      </Empty>
    </Page>
  );
  // The API answers an unknown record with NOT_FOUND.
  if (q.status === 'error' && q.error.code === 'NOT_FOUND') return notFound;
  return (
    <Loaded state={q} what="the receipt">
      {(d) => {
        const r = d.receipt;
        if (!r) return notFound;
        const a = r.activity;
        const bundleUrl = restBundleUrl(r.id);
        const localLines =
          localState.status === 'done' && localState.receipt
            ? pairLines(r.lines, localState.receipt.lines)
            : null;
        const disagreements = localLines
          ? localLines.filter((l, i) => !agrees(r.lines[i]!, l)).length
          : 0;
        const run = () => {
          setLocal({ id: props.id, state: { status: 'running', phase: 'starting' } });
          void checkLocally(bundleUrl, (phase) =>
            setLocal({ id: props.id, state: { status: 'running', phase } })
          ).then((state) => setLocal({ id: props.id, state }));
        };
        return (
          <Page
            title={`Receipt ${r.recordId}`}
            kicker="Receipt"
            actions={
              <>
                <a className="button secondary" href={bundleUrl} download={`${r.recordId}.json`}>
                  ⬇ Bundle (JSON)
                </a>
              </>
            }
          >
            <ReceiptSummary r={r} />
            <VerifyPanel
              state={localState}
              onRun={run}
              apiOk={r.ok}
              apiPendingSteps={r.pendingSteps}
              disagreements={disagreements}
              bundleUrl={bundleUrl}
            />
            <EvidenceSection r={r} localLines={localLines} />
            <MmrSection r={r} bundleUrl={bundleUrl} />
            <Section title="The signed record" id="record">
              <p className="muted">
                Exactly as the batch payload carries it; its leaf is blake2b-256 of its canonical
                JSON (JCS).
              </p>
              <RawJson value={r.record} summary="record object" open />
              {a.usage != null && <RawJson value={a.usage} summary="usage as indexed" />}
            </Section>
            <p>
              <Link to={href('batch', a.batchId)}>All records of this batch</Link>
            </p>
          </Page>
        );
      }}
    </Loaded>
  );
}

function ReceiptSummary(props: { r: Receipt }) {
  const { r } = props;
  const a: Activity = r.activity;
  return (
    <>
      <p className="totals" data-testid="api-verdict" data-ok={String(r.ok)} data-status={r.status}>
        <LineStatusBadge status={lineStatus(r)} label={verdictLabel(r)} />{' '}
        <span className="muted">
          as verified by Proof Room’s indexer ({r.passed} passed, {r.failed} failed, {r.pending}{' '}
          waiting{r.skipped > 0 ? `, ${r.skipped} skipped` : ''}
          {r.status === 'fail' && r.pending > 0
            ? `; steps waiting: ${r.pendingSteps.join(', ')}`
            : ''}
          ).
        </span>
        {r.copies > 1 && (
          <span className="bad-text">
            {' '}
            This record id is carried by {r.copies} activity records.
          </span>
        )}
      </p>
      <KeyValues
        rows={[
          ['Record id', <code key="r">{r.recordId}</code>],
          ['Activity id', <code key="a">{r.id}</code>],
          ['Batch', <BatchLink key="b" id={a.batchId} />],
          ['Leaf', `${a.leafIndex} of ${a.batch.leafCount}`],
          ['Cluster', <ClusterLink key="c" id={a.clusterId} />],
          ['Era', <EraLink key="e" clusterId={a.clusterId} era={a.era} />],
          ['User', <AccountLink key="u" id={a.userId} />],
          ['Agent', <AccountLink key="ag" id={a.agentId} />],
          [
            'Grant',
            <GrantLink key="g" userId={a.userId} agentId={a.agentId}>
              grant history
            </GrantLink>,
          ],
          ['Customer', <AccountLink key="cu" id={a.customerId} />],
          ['Provider', <AccountLink key="p" id={a.providerId} />],
          ['Node', <AccountLink key="n" id={a.nodeId} />],
          ['Time', time(a.timestamp)],
          ['Cost', amount(a.cost)],
          ['Anchored in', <BlockLink key="h" height={a.batch.blockHeight} />],
          [
            'Attestation',
            a.clusterId && a.era !== null ? (
              <RoundLink key="rl" clusterId={a.clusterId} era={a.era} />
            ) : (
              '—'
            ),
          ],
        ]}
      />
    </>
  );
}

function EvidenceSection(props: { r: Receipt; localLines: Array<LocalLine | null> | null }) {
  const { r, localLines } = props;
  const steps = [...new Set(r.lines.map((l) => l.step))];
  return (
    <Section title="Chain of evidence" id="lines">
      <p className="muted">
        Each line is one check. Open a line for the rule, the facts and where the data came from.
        {localLines ? ' The right-hand mark is your browser’s own result.' : ''}
      </p>
      {steps.map((step) => (
        <div key={step} className="step">
          <h3>{STEP_TITLES[step] ?? step}</h3>
          <ol className="lines">
            {r.lines.map((l, i) =>
              l.step !== step ? null : (
                <LineRow
                  key={i}
                  line={l}
                  extra={
                    localLines ? <LocalMark api={l} local={localLines[i] ?? null} /> : undefined
                  }
                />
              )
            )}
          </ol>
        </div>
      ))}
    </Section>
  );
}

function MmrSection(props: { r: Receipt; bundleUrl: string }) {
  const a = props.r.activity;
  const bundleUrl = props.bundleUrl;
  const inclusion = props.r.lines.find((l) => l.check === 'inclusion.mmr');
  const leafHex =
    inclusion && typeof inclusion.facts === 'object' && inclusion.facts !== null
      ? (inclusion.facts as { leaf?: unknown }).leaf
      : undefined;
  const proof = proofItems(a.proof);
  return (
    <Section title="Inclusion path (MMR)" id="mmr">
      {typeof leafHex === 'string' && proof ? (
        <MmrDiagram
          leafHex={leafHex}
          leafIndex={a.leafIndex}
          leafCount={a.batch.leafCount}
          proof={proof}
          expectedRootHex={a.batch.root}
        />
      ) : (
        <Empty>
          The proof of this record was not stored by the indexer; the bundle carries it (
          <a href={bundleUrl}>download</a>).
        </Empty>
      )}
    </Section>
  );
}

/** The API's verdict on a receipt in words. */
function verdictLabel(r: {
  status: string;
  failed: number;
  pending: number;
  skipped: number;
  pendingSteps: string[];
  lines: unknown[];
}): string {
  const of = `of ${r.lines.length} lines`;
  switch (r.status) {
    case 'pass':
      return 'every line passed';
    case 'fail':
      return `${r.failed} ${of} failed`;
    case 'skipped':
      return `${r.skipped} ${of} skipped: Root skipped the era’s payout`;
    default:
      return `${r.pending} ${of} wait (${r.pendingSteps.join(', ')})`;
  }
}

type LocalLine = { ok: boolean; status?: string; code?: string | null };

/** The mark of the browser's line when it did not pass. */
const LOCAL_SYMBOL: Record<Exclude<ShownStatus, 'pass'>, string> = {
  fail: '✗',
  pending: '◔',
  skipped: '⊘',
};

/** Whether the browser's line says what the API's line says: same status, same reason code. */
function agrees(api: ReceiptLine, local: LocalLine | null): boolean {
  return (
    local !== null &&
    lineStatus(local) === lineStatus(api) &&
    (local.code ?? null) === (api.code ?? null)
  );
}

function LocalMark(props: { api: ReceiptLine; local: LocalLine | null }) {
  const l = props.local;
  if (!l) return <span className="verdict-local muted">not in the bundle</span>;
  const agree = agrees(props.api, l);
  const status = lineStatus(l);
  return (
    <span
      className={`verdict-local badge ${statusClass(status)} ${agree ? '' : 'disagree'}`}
      data-local-ok={String(l.ok)}
      data-local-status={status}
      title={agree ? 'your browser agrees' : 'your browser disagrees with the API'}
    >
      your browser: {status === 'pass' ? '✓' : `${LOCAL_SYMBOL[status]} ${l.code ?? ''}`}
      {!agree && ' (differs)'}
    </span>
  );
}
