/**
 * A receipt assembled from the database: the lines the indexer stored for the record's own steps
 * (subject `record`), its batch's anchor (`anchor`), its era (`era`) and the settlement of its
 * customer and provider (`settlement`), in the order `verifyReceipt` produces them: by step, then
 * record, anchor, payers, payees, era, then line order. Steps without lines are reported as
 * pending, never as passed.
 * @module
 */
import { REASONS, STEPS, type Step } from '../verifier/lines.ts';
import { recordOf } from './bundle.ts';
import type { Queryable } from './context.ts';

export interface ReceiptLineOut {
  readonly index: number;
  readonly step: string;
  readonly check: string;
  readonly ok: boolean;
  readonly code: string | null;
  readonly reason: string | null;
  readonly rule: string;
  readonly basis: string;
  readonly facts: unknown;
  readonly source: unknown;
  readonly subjectKind: string;
  readonly subjectId: string;
}

export interface ReceiptOut {
  readonly id: string;
  readonly recordId: string;
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly pending: Step[];
  readonly lines: ReceiptLineOut[];
}

export function reasonOf(code: string | null | undefined): string | null {
  return code ? ((REASONS as Record<string, string>)[code] ?? null) : null;
}

/** The subjects whose lines make up the receipt of an activity record row, in tie-break order. */
export function receiptSubjects(r: {
  id: string;
  batch_id: string;
  cluster_id: string | null;
  era: number | null;
  customer_id: string | null;
  provider_id: string | null;
}): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['record', r.id],
    ['anchor', r.batch_id],
  ];
  if (r.cluster_id !== null && r.era !== null) {
    const era = `${r.cluster_id}-${r.era}`;
    if (r.customer_id) out.push(['settlement', `${era}-payers-${r.customer_id}`]);
    if (r.provider_id) out.push(['settlement', `${era}-payees-${r.provider_id}`]);
    out.push(['era', era]);
  }
  return out;
}

/** Finds the activity record by its row id or its record id (the first anchored copy). */
export async function loadReceipt(
  db: Queryable,
  by: { id?: string | null; recordId?: string | null }
): Promise<ReceiptOut | null> {
  const byId = typeof by.id === 'string';
  const key = byId ? by.id : by.recordId;
  if (typeof key !== 'string' || key.length > 512) return null;
  // Only what finds the subjects: the record's bytes, the activity row and the copy count are
  // read by their own resolvers when a query asks for them.
  const rows = (
    await db.query(
      `SELECT a.id, a.record_id, a.batch_id, a.cluster_id, a.era, a.customer_id, a.provider_id
         FROM activity_record a WHERE ${byId ? 'a.id' : 'a.record_id'} = $1
        ORDER BY a.block_height, a.id LIMIT 1`,
      [key]
    )
  ).rows;
  const r = rows[0] as
    | {
        id: string;
        record_id: string;
        batch_id: string;
        cluster_id: string | null;
        era: number | null;
        customer_id: string | null;
        provider_id: string | null;
      }
    | undefined;
  if (!r) return null;
  const subjects = receiptSubjects(r);
  const cond = subjects.map(
    (_, i) => `(subject_kind = $${2 * i + 1} AND subject_id = $${2 * i + 2})`
  );
  const lineRows = (
    await db.query(
      `SELECT subject_kind, subject_id, seq, step, check_name, ok, code, rule, basis, facts, source
         FROM verification_line WHERE ${cond.join(' OR ')}`,
      subjects.flat()
    )
  ).rows as Array<{
    subject_kind: string;
    subject_id: string;
    seq: number;
    step: Step;
    check_name: string;
    ok: boolean;
    code: string | null;
    rule: string;
    basis: string;
    facts: unknown;
    source: unknown;
  }>;
  const rank = new Map(subjects.map(([k, id], i) => [`${k}|${id}`, i]));
  lineRows.sort(
    (a, b) =>
      STEPS.indexOf(a.step) - STEPS.indexOf(b.step) ||
      rank.get(`${a.subject_kind}|${a.subject_id}`)! -
        rank.get(`${b.subject_kind}|${b.subject_id}`)! ||
      a.seq - b.seq
  );
  const lines = lineRows.map((l, index) => ({
    index,
    step: l.step,
    check: l.check_name,
    ok: l.ok,
    code: l.code,
    reason: reasonOf(l.code),
    rule: l.rule,
    basis: l.basis,
    facts: l.facts,
    source: l.source,
    subjectKind: l.subject_kind,
    subjectId: l.subject_id,
  }));
  const present = new Set(lines.map((l) => l.step));
  const pending = STEPS.filter((s) => !present.has(s));
  const failed = lines.filter((l) => !l.ok).length;
  return {
    id: r.id,
    recordId: r.record_id,
    ok: failed === 0 && pending.length === 0,
    passed: lines.length - failed,
    failed,
    pending,
    lines,
  };
}

/** The record as the batch carries it: its JSON, or its text when the bytes are not JSON. */
export async function loadRecordObject(db: Queryable, id: string): Promise<unknown> {
  const r = (await db.query(`SELECT raw FROM activity_record WHERE id = $1`, [id])).rows[0];
  return r ? recordOf(r.raw as Buffer).value : null;
}

/** How many activity records carry this record id. */
export async function countCopies(db: Queryable, recordId: string): Promise<number> {
  const r = await db.query(`SELECT count(*)::int AS n FROM activity_record WHERE record_id = $1`, [
    recordId,
  ]);
  return Number(r.rows[0]?.n ?? 0);
}
