/**
 * The era steps of the chain of evidence, computed once per era inside the indexer's write
 * transaction: attestation (quorum and roots recomputed from the stored activity), settlement of
 * every customer and provider of the era, `ClusterEraPaid`, conservation. An era is computed when
 * its `ClusterEraPaid` is indexed and again whenever later data or a reorg touches it.
 * @module
 */
import type { PoolClient } from 'pg';
import { parseHex, toHex } from '../verifier/bytes.ts';
import type { Line } from '../verifier/lines.ts';
import type { QuorumRule } from '../verifier/quorum.ts';
import { VERIFIER_VERSION } from '../verifier/receipt.ts';
import { eraPayoutListsFromTotals } from '../verifier/receipts/activity.ts';
import { checkAttestation } from '../verifier/receipts/attestation.ts';
import {
  type BatchEvidence,
  checkConservation,
  checkPaid,
  checkSettlementSide,
} from '../verifier/receipts/payout.ts';
import {
  eventSource,
  readEraEvidence,
  readEraPaid,
  sharesOf,
  totalsOf,
} from '../db/era-evidence.ts';
import { lineRows } from './batch-worker.ts';
import { insertRows } from './sql.ts';

export interface EraOptions {
  readonly payoutBatchSize: number;
  readonly quorumRule: QuorumRule;
}

const hex = (s: string, len: number): Uint8Array => parseHex(s, len) ?? new Uint8Array(len);

/**
 * Deletes what was derived for an era (its round, payout summary and era/settlement lines). The
 * settlement subjects are found in the small subject table first, so the line table is only
 * touched through its primary key.
 */
export async function clearEra(c: PoolClient, clusterId: string, era: number): Promise<void> {
  const id = `${clusterId}-${era}`;
  await c.query(`DELETE FROM attestation_round WHERE id = $1`, [id]);
  await c.query(`DELETE FROM era_payout WHERE id = $1`, [id]);
  const subjects = (
    await c.query(
      `DELETE FROM verification_subject WHERE (kind = 'era' AND id = $1)
          OR (kind = 'settlement' AND starts_with(id, $2)) RETURNING kind, id`,
      [id, `${id}-`]
    )
  ).rows as Array<{ kind: string; id: string }>;
  for (const kind of ['era', 'settlement']) {
    const ids = subjects.filter((r) => r.kind === kind).map((r) => r.id);
    if (ids.length > 0)
      await c.query(
        `DELETE FROM verification_line WHERE subject_kind = $1 AND subject_id = ANY($2::text[])`,
        [kind, ids]
      );
  }
}

/** (Re)computes an era's lines; returns false when the era is not paid yet (nothing derived). */
export async function verifyEra(
  c: PoolClient,
  clusterId: string,
  era: number,
  height: number,
  opts: EraOptions
): Promise<boolean> {
  const id = `${clusterId}-${era}`;
  const paidRow = await readEraPaid(c, clusterId, era);
  // Until the era is paid nothing is derived; an era unpaid by a reorg loses what it had.
  const derived = (await c.query(`SELECT 1 FROM era_payout WHERE id = $1`, [id])).rowCount! > 0;
  if (derived || paidRow) await clearEra(c, clusterId, era);
  if (!paidRow) return false;

  const ev = await readEraEvidence(c, clusterId, era, paidRow.block_height);
  const votes = ev.votes;
  const validators = ev.validators.map((v) => hex(v, 32));
  const shares = sharesOf(ev);
  const byCustomer = totalsOf(ev.byCustomer);
  const byProvider = totalsOf(ev.byProvider);
  const records = (
    await c.query(
      `SELECT count(*)::int AS n FROM activity_record WHERE cluster_id = $1 AND era = $2`,
      [clusterId, era]
    )
  ).rows[0].n as number;
  const lists = eraPayoutListsFromTotals(
    byCustomer,
    byProvider,
    shares ?? { treasury: 0n, validators: 0n, reserve: 0n }
  );

  const cluster = hex(clusterId, 20);
  const att = checkAttestation(
    {
      clusterId: cluster,
      era,
      ehdId: votes.find((v) => v.ehd_id !== null)?.ehd_id ?? null,
      validators,
      votes: votes.map((v) => ({
        validator: hex(v.validator_id, 32),
        payersRoot: hex(v.payers_root, 32),
        payeesRoot: hex(v.payees_root, 32),
        fingerprint: v.fingerprint ? hex(v.fingerprint, 32) : null,
        source: eventSource(v.id, v.extrinsic_id),
      })),
      activity: { batchSize: opts.payoutBatchSize, payers: lists.payers, payees: lists.payees },
    },
    { clusterId: cluster, era },
    opts.quorumRule
  );

  // Conservation from what the chain reported.
  const lines = ev.lines;
  const total = (kind: string) =>
    lines.filter((l) => l.kind === kind).reduce((s, l) => s + BigInt(l.amount), 0n);
  const firstFee = lines.find((l) => l.kind.startsWith('fee-'));
  const conservation = checkConservation({
    charged: total('charge'),
    treasuryFees: total('fee-treasury'),
    reserveFees: total('fee-reserve'),
    validatorFees: total('fee-validators'),
    rewarded: total('reward'),
    notDistributed: total('not-distributed'),
    shares,
    ...(firstFee ? { source: eventSource(firstFee.id) } : {}),
  });
  const eraLines: Line[] = [
    ...att.lines,
    checkPaid(eventSource(paidRow.id, paidRow.extrinsic_id)),
    ...conservation,
  ];

  // Settlement of every customer and provider of the era.
  const batches = ev.batches;
  const maxIndex = (side: string): number | null => {
    const m = lines.filter((l) => l.kind === `max-batch-${side}`).at(-1);
    return m ? m.batch_index : null;
  };
  const subjects: unknown[][] = [];
  const lineRowsOut: unknown[][] = [];
  const settle = (side: 'payers' | 'payees', account: Uint8Array, root: Uint8Array | null) => {
    const acc = toHex(account);
    const batch = batches.find((b) => b.side === side && b.entries.some(([a]) => a === acc));
    const kind = side === 'payers' ? 'charge' : 'reward';
    const evidence: BatchEvidence = batch
      ? {
          batchIndex: batch.batch_index,
          maxBatchIndex: maxIndex(side) ?? batch.max_batch_index,
          entries: batch.entries.map(([a, amt]) => ({ account: hex(a, 32), amount: BigInt(amt) })),
          proof: batch.proof.map((p) => hex(p, 32)),
          events: lines
            .filter(
              (l) => l.kind === kind && l.account_id === acc && l.batch_index === batch.batch_index
            )
            .map((l) => ({
              account,
              amount: BigInt(l.amount),
              expected: l.expected === null ? null : BigInt(l.expected),
              source: eventSource(l.id),
            })),
          source: { block: batch.block_height, extrinsic: batch.extrinsic_id },
        }
      : { batchIndex: 0, maxBatchIndex: maxIndex(side) ?? 0, entries: [], proof: [], events: [] };
    const out = checkSettlementSide(side, evidence, root, account);
    const sid = `${id}-${side}-${acc}`;
    pushSubject('settlement', sid, out);
  };
  const pushSubject = (kind: string, sid: string, out: readonly Line[]) => {
    const failed = out.filter((l) => !l.ok).length;
    subjects.push([kind, sid, failed === 0, out.length - failed, failed, VERIFIER_VERSION, height]);
    for (const r of lineRows(out)) lineRowsOut.push([kind, sid, ...r, height]);
  };
  pushSubject('era', id, eraLines);
  for (const [account] of byCustomer) settle('payers', account, att.payersRoot);
  for (const [account] of byProvider) settle('payees', account, att.payeesRoot);

  const quorumLine = att.lines.find((l) => l.check === 'attestation.quorum');
  const rootsLine = att.lines.find((l) => l.check === 'attestation.roots');
  const qf = (quorumLine?.facts ?? {}) as Record<string, unknown>;
  await insertRows(c, 'attestation_round', [
    [
      id,
      clusterId,
      era,
      votes.find((v) => v.ehd_id !== null)?.ehd_id ?? null,
      validators.length,
      Number(qf.threshold ?? 0),
      Number(qf.leadingVotes ?? 0),
      quorumLine?.ok ?? false,
      att.payersRoot ? toHex(att.payersRoot) : null,
      att.payeesRoot ? toHex(att.payeesRoot) : null,
      rootsLine?.ok ?? false,
      height,
    ],
  ]);
  const eraFailed = eraLines.filter((l) => !l.ok).length;
  await insertRows(c, 'era_payout', [
    [
      id,
      clusterId,
      era,
      total('charge').toString(),
      total('fee-treasury').toString(),
      total('fee-reserve').toString(),
      total('fee-validators').toString(),
      total('reward').toString(),
      total('not-distributed').toString(),
      records,
      paidRow.id,
      eraFailed === 0,
      eraFailed,
      height,
    ],
  ]);
  await insertRows(c, 'verification_subject', subjects);
  await insertRows(c, 'verification_line', lineRowsOut);
  return true;
}
