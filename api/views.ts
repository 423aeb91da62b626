/**
 * The API's own views over the verified data: status (`_meta`, `squidStatus`), aggregates, an
 * attestation round's vote matrix with its threshold arithmetic, and an era's reconciliation of
 * on-chain amounts against the amounts recomputed from the verified activity.
 * @module
 */
import { eventSource, maxBatchIndexOf, sharesOf, totalsOf } from '../db/era-evidence.ts';
import { billingAmounts } from '../db/billing-inputs.ts';
import { payoutDesignOf } from '../verifier/cere-rules.ts';
import { toHex } from '../verifier/bytes.ts';
import { type QuorumRule, quorumThreshold } from '../verifier/quorum.ts';
import { VERIFIER_VERSION } from '../verifier/receipt.ts';
import { eraPayoutListsFromTotals } from '../verifier/receipts/activity.ts';
import type { ApiContext, Queryable } from './context.ts';
import { offsetOf, pageSize } from './entities.ts';
import type { Entity, Model } from './model.ts';
import { Params, compileWhere, quote, splitKey } from './sql.ts';

type Row = Record<string, unknown>;

// -------------------------------------------------------------------------------------------
// Status

/** Per database (one API app, one pool), so apps over other databases never share an answer. */
const errorsCache = new WeakMap<Queryable, { at: number; rows: Row[] }>();
const ERRORS_TTL_MS = 5000;

/** Problems the indexer met, grouped; cached for a few seconds (it scans the batch table). */
async function indexingErrors(db: Queryable): Promise<Row[]> {
  const now = Date.now();
  const cached = errorsCache.get(db);
  if (cached && now - cached.at < ERRORS_TTL_MS) return cached.rows;
  const rows = (
    await db.query(
      `SELECT 'payload' AS kind, payload_status AS code, count(*)::int AS count,
              max(block_height) AS "lastBlockHeight"
         FROM dac_batch WHERE payload_status <> 'ok' GROUP BY payload_status
       UNION ALL
       SELECT 'envelope', code, count(*)::int, max(block_height) FROM remark
        WHERE code IS NOT NULL GROUP BY code
       UNION ALL
       SELECT 'decode', kind, count(*)::int, max(block_height) FROM verification_subject
        WHERE kind IN ('event', 'call') AND NOT ok GROUP BY kind
       ORDER BY 1, 2`
    )
  ).rows;
  errorsCache.set(db, { at: now, rows });
  return rows;
}

export async function meta(ctx: ApiContext): Promise<Row> {
  // One statement: on the embedded database each statement may wait for a write transaction.
  const row = (
    await ctx.db.query(
      `SELECT s.height, s.hash, s.finalized_height, s.finalized_hash, s.best_height, s.best_hash,
              s.updated_at, extract(epoch FROM now() - s.updated_at)::float8 AS age,
              c.name, c.genesis_hash, c.ss58_prefix, c.id IS NOT NULL AS has_chain
         FROM (SELECT 'main' AS id) main
         LEFT JOIN indexer_status s ON s.id = main.id
         LEFT JOIN chain_info c ON c.id = main.id`
    )
  ).rows[0];
  const st = row?.height === null || row?.height === undefined ? undefined : row;
  const chain = row?.has_chain ? row : undefined;
  return {
    bestHeight: st?.best_height ?? null,
    bestHash: st?.best_hash ?? null,
    finalizedHeight: st?.finalized_height ?? null,
    finalizedHash: st?.finalized_hash ?? null,
    indexedHeight: st?.height ?? null,
    indexedHash: st?.hash ?? null,
    verifiedHeight: st?.height ?? null,
    lag: st ? Math.max(0, Number(st.best_height) - Number(st.height)) : null,
    updatedAt: st?.updated_at ?? null,
    secondsSinceUpdate: st ? Number(st.age) : null,
    verifierVersion: VERIFIER_VERSION,
    chain: chain
      ? { name: chain.name, genesisHash: chain.genesis_hash, ss58Prefix: chain.ss58_prefix }
      : null,
    errors: await indexingErrors(ctx.db),
  };
}

export async function squidStatus(ctx: ApiContext): Promise<Row> {
  const st = (
    await ctx.db.query(
      `SELECT height, hash, finalized_height, finalized_hash FROM indexer_status WHERE id = 'main'`
    )
  ).rows[0];
  return {
    height: st?.height ?? null,
    hash: st?.hash ?? null,
    finalizedHeight: st?.finalized_height ?? null,
    finalizedHash: st?.finalized_hash ?? null,
  };
}

// -------------------------------------------------------------------------------------------
// Aggregates

const ACTIVITY_DIMS: Record<string, { column: string; field: string }> = {
  CLUSTER: { column: 'cluster_id', field: 'clusterId' },
  ERA: { column: 'era', field: 'era' },
  CUSTOMER: { column: 'customer_id', field: 'customerId' },
  PROVIDER: { column: 'provider_id', field: 'providerId' },
  NODE: { column: 'node_id', field: 'nodeId' },
  USER: { column: 'user_id', field: 'userId' },
  AGENT: { column: 'agent_id', field: 'agentId' },
};

const CHECK_DIMS: Record<string, { column: string; field: string }> = {
  STEP: { column: 'step', field: 'step' },
  CHECK: { column: 'check_name', field: 'check' },
  CODE: { column: 'code', field: 'code' },
  SUBJECT_KIND: { column: 'subject_kind', field: 'subjectKind' },
};

function groupQuery(
  ctx: ApiContext,
  model: Model,
  entityName: string,
  dims: Record<string, { column: string; field: string }>,
  args: Record<string, unknown>,
  aggregates: string,
  /** A further condition on `t0`, given the query's parameters. */
  extra?: (p: Params) => string,
  /** The table read, when not the entity's own (one with the filtered columns of the entity). */
  table?: string
): { sql: string; values: unknown[] } {
  const e = model.entities.get(entityName)!;
  const groupBy = [...new Set((args.groupBy as string[] | null | undefined) ?? [])];
  const cols = groupBy.map((d) => dims[d]!);
  const limit = pageSize(ctx, args.limit, 'limit');
  const offset = offsetOf(ctx, args.offset);
  const p = new Params();
  const where = [compileWhere({ model, params: p, aliases: 0 }, e, args.where, 't0'), extra?.(p)]
    .filter(Boolean)
    .join(' AND ');
  const select = cols.map((c) => `t0.${quote(c.column)} AS ${quote(c.field)}`);
  const sql = `SELECT ${[...select, aggregates].join(', ')} FROM ${quote(table ?? e.table)} t0
    ${where ? `WHERE ${where}` : ''}
    ${
      cols.length
        ? `GROUP BY ${cols.map((c) => `t0.${quote(c.column)}`).join(', ')}
    ORDER BY ${cols.map((c) => `t0.${quote(c.column)}`).join(', ')}`
        : ''
    }
    LIMIT ${p.add(limit, 'int8')} OFFSET ${p.add(offset, 'int8')}`;
  return { sql, values: p.values };
}

/**
 * An aggregate that counts the rows of a group matching a condition (all of them without one): as
 * `count(*)` over rows, or as the sum of a count column (`sum`) over a table of kept counts.
 */
function tally(sum: string | null): (cond?: string) => string {
  return (cond) => {
    const filter = cond === undefined ? '' : ` FILTER (WHERE ${cond})`;
    return sum === null ? `(count(*)${filter})::int` : `coalesce(sum(${sum})${filter}, 0)::int`;
  };
}

/** Fields of an activity record that `activity_count` keeps under the same column names. */
const ACTIVITY_COUNTED = new Set(['clusterId', 'era', 'ok', 'blockHeight']);
/** Groupings `activity_count` can answer. */
const ACTIVITY_COUNTED_DIMS = new Set(['CLUSTER', 'ERA']);

/**
 * Activity records counted per group. Grouped by cluster and era only and filtered on those, `ok`
 * or the block (the home, cluster, era and search pages), the counts come from `activity_count`,
 * which triggers keep per block, cluster, era and outcome
 * (db/migrations/1764700000000-activity-counts.ts); at 1M records the home page's took 600 ms from
 * the records. Anything else counts the records.
 */
export async function activityStats(
  ctx: ApiContext,
  args: Record<string, unknown>
): Promise<Row[]> {
  const record = ctx.model.entities.get('ActivityRecord')!;
  const dims = (args.groupBy as string[] | null | undefined) ?? [];
  const fromCounts =
    dims.every((d) => ACTIVITY_COUNTED_DIMS.has(d)) &&
    countable(record, args.where, ACTIVITY_COUNTED);
  const n = tally(fromCounts ? 't0.records' : null);
  const q = groupQuery(
    ctx,
    ctx.model,
    'ActivityRecord',
    ACTIVITY_DIMS,
    args,
    `${n()} AS records, ${n('t0.ok')} AS passed,
     ${n(fromCounts ? 't0.failing' : 't0.failed > 0')} AS failed,
     ${n(fromCounts ? 't0.waiting' : 't0.failed = 0 AND t0.pending > 0')} AS pending,
     coalesce(sum(t0.cost), 0)::text AS cost,
     min(t0.${fromCounts ? 'first_timestamp' : 'timestamp'}) AS "firstTimestamp",
     max(t0.${fromCounts ? 'last_timestamp' : 'timestamp'}) AS "lastTimestamp"`,
    undefined,
    fromCounts ? 'activity_count' : undefined
  );
  return (await ctx.db.query(q.sql, q.values)).rows.map((r) => ({
    ...r,
    verificationRate: Number(r.records) === 0 ? 0 : Number(r.passed) / Number(r.records),
  }));
}

/**
 * The lines of one cluster's subjects: its records' own and link lines (`record`, `links`), its
 * batches' (`batch`, `anchor`), and its eras' (`era`, `settlement`, ids `<cluster id>-<era>…`).
 */
function clusterLines(clusterId: string): (p: Params) => string {
  return (p) => {
    const c = p.add(clusterId.toLowerCase(), 'text');
    return `(
      (t0.subject_kind IN ('era', 'settlement') AND starts_with(t0.subject_id, ${c} || '-'))
      OR (t0.subject_kind IN ('record', 'links') AND EXISTS (
        SELECT 1 FROM activity_record a WHERE a.id = t0.subject_id AND a.cluster_id = ${c}))
      OR (t0.subject_kind IN ('batch', 'anchor') AND EXISTS (
        SELECT 1 FROM dac_batch d WHERE d.id = t0.subject_id AND d.cluster_id = ${c}))
    )`;
  };
}

/**
 * The fields of a verification line that `check_count` keeps (the same columns, by the same
 * names): a `where` on these alone, and every grouping, is answered from the counts.
 */
const COUNTED_FIELDS = new Set([
  'subjectKind',
  'step',
  'check',
  'code',
  'ok',
  'pending',
  'skipped',
  'blockHeight',
]);

/** Whether every filter of `where` (through `AND` and `OR`) is on one of `fields`. */
function countable(e: Entity, where: unknown, fields: ReadonlySet<string>): boolean {
  if (where === null || where === undefined) return true;
  if (typeof where !== 'object' || Array.isArray(where)) return false;
  for (const [k, v] of Object.entries(where as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (k === 'AND' || k === 'OR') {
      if (!Array.isArray(v) || !v.every((w) => countable(e, w, fields))) return false;
      continue;
    }
    const { field, op } = splitKey(e, k);
    if (op === '' || !fields.has(field)) return false;
  }
  return true;
}

/**
 * Verification lines counted per group. Filters on the counted fields (all the explorer's but the
 * era page's subject prefix) read `check_count`, which triggers keep per block, cluster and group
 * (db/migrations/1764600000000-check-counts.ts): on 15 million lines a cluster's counts took 81 s
 * from the lines. Any other filter counts the lines themselves.
 */
export async function checkStats(ctx: ApiContext, args: Record<string, unknown>): Promise<Row[]> {
  const cluster = typeof args.clusterId === 'string' ? args.clusterId : null;
  const line = ctx.model.entities.get('VerificationLine')!;
  const fromCounts = countable(line, args.where, COUNTED_FIELDS);
  const n = tally(fromCounts ? 't0.lines' : null);
  const q = groupQuery(
    ctx,
    ctx.model,
    'VerificationLine',
    CHECK_DIMS,
    args,
    `${n()} AS lines, ${n('t0.ok')} AS passed,
     ${n('NOT t0.ok AND NOT t0.pending AND NOT t0.skipped')} AS failed,
     ${n('t0.pending')} AS pending, ${n('NOT t0.ok AND NOT t0.pending AND t0.skipped')} AS skipped,
     max(t0.block_height) AS "lastBlockHeight"`,
    cluster === null
      ? undefined
      : fromCounts
        ? (p) => `t0.cluster_id = ${p.add(cluster.toLowerCase(), 'text')}`
        : clusterLines(cluster),
    fromCounts ? 'check_count' : undefined
  );
  return (await ctx.db.query(q.sql, q.values)).rows;
}

// -------------------------------------------------------------------------------------------
// Vote matrix

async function eraLines(db: Queryable, eraId: string): Promise<Row[]> {
  return (
    await db.query(
      `SELECT check_name, ok, code, facts, source FROM verification_line
        WHERE subject_kind = 'era' AND subject_id = $1 ORDER BY seq`,
      [eraId]
    )
  ).rows;
}

export function thresholdArithmetic(rule: string, n: number, agreeing: number): string {
  const t = rule === 'cere67' || rule === 'twoThirds' ? quorumThreshold(n, rule as QuorumRule) : 0;
  const verdict = `${agreeing} ${agreeing >= t && n > 0 ? '≥' : '<'} ${t}`;
  if (rule === 'cere67') {
    const exact = (67 * n) / 100;
    return `67% of ${n} = ${exact}, rounded to nearest (ties down) = ${t}; agreeing ${verdict}`;
  }
  if (rule === 'twoThirds')
    return `smallest k with 3k ≥ 2·${n} = ⌈${2 * n}/3⌉ = ${t}; agreeing ${verdict}`;
  return `rule ${rule}: threshold ${t}; agreeing ${verdict}`;
}

export async function voteMatrix(ctx: ApiContext, round: Row): Promise<Row> {
  const id = String(round.id);
  // The votes and validator set the era was judged with: the set in force when its payout began.
  const clusterId = String(round.cluster_id);
  const era = Number(round.era);
  const [lines, { evidence }] = await Promise.all([
    eraLines(ctx.db, id),
    ctx.eras.read(ctx.db, clusterId, era),
  ]);
  const votes = evidence.votes;
  const set = evidence.validatorSet?.members ?? [];
  const quorum = lines.find((l) => l.check_name === 'attestation.quorum');
  const roots = lines.find((l) => l.check_name === 'attestation.roots');
  const qf = (quorum?.facts ?? {}) as Record<string, unknown>;
  const rf = (roots?.facts ?? {}) as Record<string, unknown>;
  const leading = new Set((qf.leadingVoters as string[] | undefined) ?? []);
  const dissenting = new Set((qf.dissenting as string[] | undefined) ?? []);
  const equivocators = new Set((qf.equivocators as string[] | undefined) ?? []);
  const known = new Set(set);
  const voteLine = new Map<number, Row>();
  for (const l of lines) {
    const m = /^attestation\.fingerprint\[(\d+)\]$/.exec(String(l.check_name));
    if (m) voteLine.set(Number(m[1]), l);
  }
  const seen = new Set<string>();
  const rows: Row[] = votes.map((v, i) => {
    const who = String(v.validator_id);
    const first = !seen.has(who);
    seen.add(who);
    const line = voteLine.get(i);
    const lf = (line?.facts ?? {}) as Record<string, unknown>;
    const valid = line ? Boolean(line.ok) : null;
    const matches =
      rf.computedPayersRoot == null
        ? null
        : v.payers_root === rf.computedPayersRoot && v.payees_root === rf.computedPayeesRoot;
    const counted = first && known.has(who) && valid === true && leading.has(who);
    const note =
      valid === false
        ? line!.code === 'ERA_MISMATCH'
          ? 'its ehd_id names another cluster or era: the vote does not count'
          : 'its fingerprint could not be recomputed: the vote does not count'
        : !known.has(who)
          ? 'not in the validator set when the payout began: the vote does not count'
          : !first
            ? equivocators.has(who)
              ? 'equivocation: a later vote for another fingerprint (the first counts)'
              : 'duplicate: a later vote (the first counts)'
            : dissenting.has(who)
              ? 'dissent: committed another fingerprint than the leading one'
              : null;
    return {
      validator: who,
      known: known.has(who),
      voted: true,
      payersRoot: v.payers_root,
      payeesRoot: v.payees_root,
      fingerprint: (lf.computed as string | undefined) ?? v.fingerprint,
      fingerprintValid: valid,
      signatureValid: true,
      signatureBasis: 'trusted: the vote is a signed extrinsic the runtime accepted',
      matchesRecomputed: matches,
      counted,
      note,
      source: eventSource(v.id, v.extrinsic_id),
    };
  });
  for (const who of set)
    if (!seen.has(who))
      rows.push({
        validator: who,
        known: true,
        voted: false,
        signatureValid: null,
        signatureBasis: 'no vote',
        matchesRecomputed: null,
        counted: false,
        note: 'did not vote',
      });
  const rule = String(qf.rule ?? 'cere67');
  const n = Number(qf.validators ?? round.validators);
  const agreeing = Number(qf.leadingVotes ?? round.agreeing);
  return {
    rule,
    validators: n,
    threshold: Number(qf.threshold ?? round.threshold),
    agreeing,
    met: Boolean(quorum?.ok ?? round.quorum),
    arithmetic: thresholdArithmetic(rule, n, agreeing),
    otherRule: qf.otherRule ?? null,
    otherThreshold: qf.otherThreshold ?? null,
    otherMet: qf.otherReached ?? null,
    computedPayersRoot: rf.computedPayersRoot ?? null,
    computedPayeesRoot: rf.computedPayeesRoot ?? null,
    rows,
  };
}

// -------------------------------------------------------------------------------------------
// Reconciliation

/**
 * Per customer and provider: what the chain charged or paid against what the verified activity
 * says (the lists the attestation step recomputed its roots from, read the same way).
 */
export async function reconciliation(ctx: ApiContext, era: Row): Promise<Row> {
  const clusterId = String(era.cluster_id);
  const eraNo = Number(era.era);
  const ev = (await ctx.eras.read(ctx.db, clusterId, eraNo)).evidence;
  // Without the cluster's shares there is no recomputed payee list (never zero shares).
  const shares = sharesOf(ev);
  // A billing-report era (Cere 71000): what Cere's rules give for the usage the payout sent.
  const billing =
    payoutDesignOf(ev.specVersion ?? Number.MAX_SAFE_INTEGER) === 'billing-report'
      ? (billingAmounts(ev, eraNo, (side) => maxBatchIndexOf(ev, side), shares) ?? {
          payers: new Map<string, bigint>(),
          payees: new Map<string, bigint>(),
        })
      : null;
  const lists = eraPayoutListsFromTotals(
    totalsOf(ev.byCustomer),
    totalsOf(ev.byProvider),
    shares ?? { treasury: 0n, validators: 0n, reserve: 0n }
  );
  const rows: Row[] = [];
  for (const side of ['payers', 'payees'] as const) {
    const kind = side === 'payers' ? 'charge' : 'reward';
    const list = side === 'payees' && (!shares || lists.overdraw > 0n) ? [] : lists[side];
    const recomputed = billing
      ? billing[side]
      : new Map(list.map((x) => [toHex(x.account), x.amount]));
    const onChain = new Map<string, bigint>();
    for (const l of ev.lines)
      if (l.kind === kind && l.account_id)
        onChain.set(l.account_id, (onChain.get(l.account_id) ?? 0n) + BigInt(l.amount));
    const accounts = [...new Set([...recomputed.keys(), ...onChain.keys()])].sort();
    for (const account of accounts) {
      const a = onChain.get(account);
      const b = recomputed.get(account);
      const difference = (a ?? 0n) - (b ?? 0n);
      rows.push({
        side,
        account,
        onChain: a ?? null,
        recomputed: b ?? null,
        difference,
        matches: a !== undefined && b !== undefined && difference === 0n,
      });
    }
  }
  const differences = rows.filter((r) => !r.matches).length;
  return {
    ok: differences === 0,
    differences,
    rows,
    basis: billing
      ? "Cere's billing-report rules (spec 71000) applied to the usage the payout sent"
      : "the era's verified activity, priced by Proof Room's cost model",
  };
}
