/**
 * A receipt assembled from the database: the lines the indexer stored for the record's subjects
 * (verifier/catalogue.ts: `links` and `record` of the record, `anchor` of its batch, `era` and the
 * `settlement` of its customer and provider), in the order `verifyReceipt` lists them
 * (`orderReceiptLines`). What the indexer does not store is produced by the verifier's own
 * subject functions, so it reads exactly as an offline check of the bundle does:
 * - settlement lines of an era not paid (they wait, or fail once a later era was paid instead)
 *   or skipped by Root (`force_skip_inspection`: they do not apply, `ERA_SKIPPED`)
 *   and of a record that could not be read (nothing to settle: they fail);
 * - a subject missing altogether (never expected) is filled from the catalogue as failed lines,
 *   so no line of a receipt can disappear.
 * @module
 */
import { SUBJECT_ORDER, type SubjectKind } from '../verifier/catalogue.ts';
import { parseHex } from '../verifier/bytes.ts';
import {
  REASONS,
  type Line,
  type LineStatus,
  type Step,
  statusOfTally,
  tallyLines,
} from '../verifier/lines.ts';
import {
  DEFAULT_POLICY,
  type EraOutcome,
  type EraState,
  completeSubject,
  orderReceiptLines,
  verifySettlementSubject,
} from '../verifier/receipt.ts';
import { kindOfFormat } from '../verifier/kinds.ts';
import { recordOf } from './bundle.ts';
import type { Queryable } from './context.ts';

export interface ReceiptLineOut {
  readonly index: number;
  readonly step: string;
  readonly check: string;
  readonly status: LineStatus;
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
  readonly kind: string;
  readonly status: LineStatus;
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly skipped: number;
  readonly pendingSteps: Step[];
  readonly lines: ReceiptLineOut[];
}

export function reasonOf(code: string | null | undefined): string | null {
  return code ? ((REASONS as Record<string, string>)[code] ?? null) : null;
}

/**
 * A stored line's status: `pass` when ok, else `pending` when it waits, else `skipped` when Root
 * skipped the era (the check does not apply), else `fail`.
 */
export function statusOf(row: {
  ok: boolean;
  pending?: boolean | null;
  skipped?: boolean | null;
}): LineStatus {
  return row.ok ? 'pass' : row.pending ? 'pending' : row.skipped ? 'skipped' : 'fail';
}

interface ActivityRow {
  id: string;
  record_id: string;
  batch_id: string;
  cluster_id: string | null;
  era: number | null;
  customer_id: string | null;
  provider_id: string | null;
  /** The anchored batch's record format (absent where only the subjects are needed). */
  record_format?: number;
}

/** The subjects whose lines make up the receipt of an activity record row, in receipt order. */
export function receiptSubjects(r: ActivityRow): Array<[SubjectKind, string]> {
  const out: Array<[SubjectKind, string]> = [
    ['links', r.id],
    ['record', r.id],
    ['anchor', r.batch_id],
  ];
  if (r.cluster_id !== null && r.era !== null) {
    const era = `${r.cluster_id}-${r.era}`;
    out.push(['settlement', `${era}-payers-${r.customer_id ?? ''}`]);
    out.push(['settlement', `${era}-payees-${r.provider_id ?? ''}`]);
    out.push(['era', era]);
  }
  return out.sort((a, b) => SUBJECT_ORDER.indexOf(a[0]) - SUBJECT_ORDER.indexOf(b[0]));
}

interface StoredLine {
  subject_kind: SubjectKind;
  subject_id: string;
  seq: number;
  step: Step;
  check_name: string;
  ok: boolean;
  pending: boolean;
  skipped: boolean;
  code: string | null;
  rule: string;
  basis: string;
  facts: unknown;
  source: unknown;
}

const asLine = (l: StoredLine): Line =>
  ({
    step: l.step,
    check: l.check_name,
    status: statusOf(l),
    ok: l.ok,
    code: l.code,
    rule: l.rule,
    basis: l.basis,
    facts: l.facts ?? {},
    ...(l.source ? { source: l.source } : {}),
  }) as Line;

/**
 * The era's outcome as its stored `settlement.paid` line says (roots are not needed here): that
 * line is skipped exactly when the era's `ClusterEraPaid` is Root's skip (payout_line kind
 * `skipped`) and the chain proves it.
 */
function eraOutcomeOf(eraLines: readonly Line[]): EraOutcome {
  const paid = eraLines.find((l) => l.check === 'settlement.paid');
  return { state: eraStateOfPaidLine(paid), payersRoot: null, payeesRoot: null };
}

const PAID_LINE_STATE: Readonly<Record<LineStatus, EraState>> = {
  pass: 'paid',
  fail: 'unpaid',
  pending: 'pending',
  skipped: 'skipped',
};

/** Where an era stands by its `settlement.paid` line (none stored yet: pending). */
export function eraStateOfPaidLine(paid: { readonly status: LineStatus } | undefined): EraState {
  return paid ? PAID_LINE_STATE[paid.status] : 'pending';
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
  const r = (
    await db.query(
      `SELECT a.id, a.record_id, a.batch_id, a.cluster_id, a.era, a.customer_id, a.provider_id,
              (SELECT d.record_format FROM dac_batch d WHERE d.id = a.batch_id) AS record_format
         FROM activity_record a WHERE ${byId ? 'a.id' : 'a.record_id'} = $1
        ORDER BY a.block_height, a.id LIMIT 1`,
      [key]
    )
  ).rows[0] as unknown as ActivityRow | undefined;
  if (!r) return null;
  const subjects = receiptSubjects(r);
  const cond = subjects.map(
    (_, i) => `(subject_kind = $${2 * i + 1} AND subject_id = $${2 * i + 2})`
  );
  const stored = (
    await db.query(
      `SELECT subject_kind, subject_id, seq, step, check_name, ok, pending, skipped, code, rule,
              basis, facts, source
         FROM verification_line WHERE ${cond.join(' OR ')} ORDER BY seq`,
      subjects.flat()
    )
  ).rows as unknown as StoredLine[];
  const bySubject = new Map<string, Line[]>();
  for (const l of stored) {
    const k = `${l.subject_kind}|${l.subject_id}`;
    let list = bySubject.get(k);
    if (!list) bySubject.set(k, (list = []));
    list.push(asLine(l));
  }
  const eraId = r.cluster_id !== null && r.era !== null ? `${r.cluster_id}-${r.era}` : null;
  const eraLines = eraId ? (bySubject.get(`era|${eraId}`) ?? []) : [];
  const outcome = eraOutcomeOf(eraLines);
  const tagged: Array<{ kind: SubjectKind; id: string; lines: Line[] }> = subjects.map(
    ([kind, id]) => {
      const have = bySubject.get(`${kind}|${id}`);
      if (kind === 'settlement' && (!have || outcome.state !== 'paid')) {
        const side = id.includes('-payers-') ? 'payers' : 'payees';
        const account = side === 'payers' ? r.customer_id : r.provider_id;
        return {
          kind,
          id,
          lines: verifySettlementSubject(
            side,
            account ? (parseHex(account, 32) ?? null) : null,
            null,
            outcome
          ),
        };
      }
      if (!have)
        return {
          kind,
          id,
          lines: completeSubject(kind, [], {
            side: id.includes('-payees-') ? 'payees' : 'payers',
            roles: DEFAULT_POLICY.requiredRoles,
          }),
        };
      return { kind, id, lines: have };
    }
  );
  // Lines in receipt order, each with its subject.
  const subjectOf = new Map<Line, { kind: SubjectKind; id: string }>();
  for (const t of tagged) for (const l of t.lines) subjectOf.set(l, t);
  const ordered = orderReceiptLines(tagged);
  const lines: ReceiptLineOut[] = ordered.map((l, index) => ({
    index,
    step: l.step,
    check: l.check,
    status: l.status,
    ok: l.ok,
    code: l.code,
    reason: reasonOf(l.code),
    rule: l.rule,
    basis: l.basis,
    facts: l.facts,
    source: l.source ?? null,
    subjectKind: subjectOf.get(l)!.kind,
    subjectId: subjectOf.get(l)!.id,
  }));
  const t = tallyLines(lines);
  return {
    id: r.id,
    recordId: r.record_id,
    // The registry's kind of the batch's record format (verifier/kinds.ts).
    kind: kindOfFormat(Number(r.record_format))?.id ?? `format-${r.record_format}`,
    status: statusOfTally(t),
    ok: t.failed === 0 && t.pending === 0 && t.skipped === 0,
    ...t,
    pendingSteps: [
      ...new Set(lines.filter((l) => l.status === 'pending').map((l) => l.step as Step)),
    ],
    lines,
  };
}

/** The record as the batch carries it: its JSON, or its text when the bytes are not JSON. */
export async function loadRecordObject(db: Queryable, id: string): Promise<unknown> {
  const r = (await db.query(`SELECT raw FROM activity_record WHERE id = $1`, [id])).rows[0];
  return r ? recordOf(r.raw as Buffer) : null;
}

/** How many activity records carry this record id. */
export async function countCopies(db: Queryable, recordId: string): Promise<number> {
  const r = await db.query(`SELECT count(*)::int AS n FROM activity_record WHERE record_id = $1`, [
    recordId,
  ]);
  return Number(r.rows[0]?.n ?? 0);
}
