/**
 * The era subjects of the chain of evidence, computed inside the indexer's write transaction from
 * the same readers the API's bundles use (db/receipt-inputs.ts) and the verifier's subject
 * functions: the era (attestation, `ClusterEraPaid`, conservation) and the settlement of every
 * customer and provider of the era.
 *
 * An era is (re)computed whenever data of it is indexed or a reorg touches it, and when a later
 * era of its cluster is paid. Until it is paid its era lines wait (pending) and no settlement
 * subject is stored (a receipt shows its settlement lines waiting too); once a later era is paid
 * instead, it is unpaid for good and what needs the payout fails. An era Root skipped
 * (`force_skip_inspection`: `ClusterEraPaid` with no payout receipt) is settled with skipped lines.
 * @module
 */
import type { PoolClient } from 'pg';
import { eraInputs } from '../db/receipt-inputs.ts';
import { readEraEvidence, readEraPaid, readSuperseded } from '../db/era-evidence.ts';
import { parseHex, toHex } from '../verifier/bytes.ts';
import type { QuorumRule } from '../verifier/quorum.ts';
import type { RootsSource } from '../verifier/receipts/attestation.ts';
import {
  DEFAULT_POLICY,
  type EraState,
  eraStateOf,
  verifyEraSubject,
  verifySettlementSubject,
} from '../verifier/receipt.ts';
import type { VerificationLineInsert, VerificationSubjectInsert } from '../db/rows.ts';
import { insertRows } from './sql.ts';
import { subjectRows } from './subjects.ts';

export interface EraOptions {
  readonly payoutBatchSize: number | null;
  readonly quorumRule: QuorumRule;
  /** What the era's roots are compared with (PROOFROOM_ROOTS; default `activity`). */
  readonly roots?: RootsSource;
}

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

/**
 * Eras of `clusterId` before `era` whose lines still wait: a payout of `era` makes them unpaid
 * for good (Cere pays eras in order).
 */
export async function waitingErasBefore(
  c: PoolClient,
  clusterId: string,
  era: number
): Promise<number[]> {
  const rows = (
    await c.query(
      `SELECT id FROM verification_subject
        WHERE kind = 'era' AND pending > 0 AND starts_with(id, $1)`,
      [`${clusterId}-`]
    )
  ).rows as Array<{ id: string }>;
  return rows.map((r) => Number(r.id.slice(clusterId.length + 1))).filter((e) => e < era);
}

/** (Re)computes an era's subjects; returns its state. */
export async function verifyEra(
  c: PoolClient,
  clusterId: string,
  era: number,
  height: number,
  opts: EraOptions
): Promise<EraState> {
  const id = `${clusterId}-${era}`;
  await clearEra(c, clusterId, era);
  const paidRow = await readEraPaid(c, clusterId, era);
  const superseded = paidRow ? null : await readSuperseded(c, clusterId, era);
  const state = eraStateOf({ paid: paidRow, superseded, skipped: paidRow?.kind === 'skipped' });
  const ev = await readEraEvidence(c, clusterId, era, paidRow ? paidRow.block_height : null);
  const inputs = eraInputs(
    clusterId,
    era,
    ev,
    paidRow,
    superseded,
    opts.payoutBatchSize,
    opts.roots
  );
  const policy = { ...DEFAULT_POLICY, quorumRule: opts.quorumRule };
  const eraSubject = verifyEraSubject(inputs.era, policy);

  const subjects: VerificationSubjectInsert[] = [];
  const lineRowsOut: VerificationLineInsert[] = [];
  const push = (kind: string, sid: string, lines: Parameters<typeof subjectRows>[2]) => {
    const r = subjectRows(kind, sid, lines, height);
    subjects.push(r.subject);
    lineRowsOut.push(...r.lines);
  };
  push('era', id, eraSubject.lines);
  if (state === 'paid' || state === 'skipped') {
    // Settlement of every customer and provider of the era's records (skipped lines when Root
    // skipped the era: there is nothing to settle, and each party's receipt says so).
    const parties = (
      await c.query(
        `SELECT DISTINCT 'payers' AS side, customer_id AS account FROM activity_record
          WHERE cluster_id = $1 AND era = $2 AND customer_id IS NOT NULL
         UNION SELECT DISTINCT 'payees', provider_id FROM activity_record
          WHERE cluster_id = $1 AND era = $2 AND provider_id IS NOT NULL
         ORDER BY 1, 2`,
        [clusterId, era]
      )
    ).rows as Array<{ side: 'payers' | 'payees'; account: string }>;
    for (const { side, account } of parties)
      push(
        'settlement',
        `${id}-${side}-${account}`,
        verifySettlementSubject(
          side,
          parseHex(account, 32) ?? new Uint8Array(32),
          inputs.evidence(side, account),
          eraSubject.outcome
        )
      );
  }
  if (state !== 'pending') {
    const line = (check: string) => eraSubject.lines.find((l) => l.check === check);
    const quorum = line('attestation.quorum');
    const roots = line('attestation.roots');
    const qf = (quorum?.facts ?? {}) as Record<string, unknown>;
    await insertRows(c, 'attestation_round', [
      {
        id,
        cluster_id: clusterId,
        era,
        ehd_id: ev.votes.find((v) => v.ehd_id !== null)?.ehd_id ?? null,
        validators: Number(qf.validators ?? 0),
        threshold: Number(qf.threshold ?? 0),
        agreeing: Number(qf.leadingVotes ?? 0),
        quorum: quorum?.ok ?? false,
        payers_root: eraSubject.outcome.payersRoot ? toHex(eraSubject.outcome.payersRoot) : null,
        payees_root: eraSubject.outcome.payeesRoot ? toHex(eraSubject.outcome.payeesRoot) : null,
        roots_match: roots?.ok ?? false,
        block_height: height,
      },
    ]);
  }
  if (state === 'paid' || state === 'skipped') {
    const cons = inputs.era.conservation;
    const records = (
      await c.query(
        `SELECT count(*)::int AS n FROM activity_record WHERE cluster_id = $1 AND era = $2`,
        [clusterId, era]
      )
    ).rows[0].n as number;
    const eraFailed = eraSubject.lines.filter((l) => l.status === 'fail').length;
    await insertRows(c, 'era_payout', [
      {
        id,
        cluster_id: clusterId,
        era,
        charged: cons.charged.toString(),
        treasury_fee: cons.treasuryFees.toString(),
        reserve_fee: cons.reserveFees.toString(),
        validator_fee: cons.validatorFees.toString(),
        rewarded: cons.rewarded.toString(),
        not_distributed: cons.notDistributed.toString(),
        records,
        paid_event_id: paidRow!.id,
        ok: eraSubject.lines.every((l) => l.status === 'pass'),
        failed: eraFailed,
        block_height: height,
      },
    ]);
  }
  await insertRows(c, 'verification_subject', subjects);
  await insertRows(c, 'verification_line', lineRowsOut);
  return state;
}

/**
 * Whether the indexer may put off recomputing an era that gained activity batches
 * (Indexer.eras): it was computed before, every one of its lines waits, and no vote, `begin_*`
 * call or payout is stored for it. Until then the recomputation would only refresh the facts of
 * waiting lines.
 */
export async function eraWaits(c: PoolClient, clusterId: string, era: number): Promise<boolean> {
  const r = await c.query(
    `SELECT EXISTS (SELECT 1 FROM verification_subject WHERE kind = 'era' AND id = $3
                      AND passed = 0 AND failed = 0 AND skipped = 0 AND pending > 0)
        AND NOT EXISTS (SELECT 1 FROM attestation_vote WHERE cluster_id = $1 AND era = $2)
        AND NOT EXISTS (SELECT 1 FROM payout_begin WHERE cluster_id = $1 AND era = $2)
        AND NOT EXISTS (SELECT 1 FROM payout_batch WHERE cluster_id = $1 AND era = $2)
        AND NOT EXISTS (SELECT 1 FROM payout_line WHERE cluster_id = $1 AND era = $2) AS waits`,
    [clusterId, era, `${clusterId}-${era}`]
  );
  return (r.rows[0] as { waits: boolean }).waits === true;
}

/**
 * The eras put off and not recomputed since: era subjects whose block height (the write that
 * computed them) is below their era's newest activity batch. Read from the stored rows alone, so
 * a restart finds what a crashed run left.
 */
export async function staleEras(c: PoolClient): Promise<string[]> {
  const r = await c.query(
    `SELECT s.id FROM (SELECT cluster_id, era, max(block_height) AS top FROM dac_batch
                        GROUP BY cluster_id, era) b
       JOIN verification_subject s ON s.kind = 'era' AND s.id = b.cluster_id || '-' || b.era
      WHERE b.top > s.block_height
      ORDER BY s.id`
  );
  return (r.rows as Array<{ id: string }>).map((row) => row.id);
}
