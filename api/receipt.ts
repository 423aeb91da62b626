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
import { namedStatement } from './prepared.ts';
import type { Rows } from '../db/rows.ts';

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

/** A stored line as read (the row contract's, without its block), its kinds narrowed. */
type StoredLine = Omit<Rows['verification_line'], 'block_height' | 'subject_kind' | 'step'> & {
  subject_kind: SubjectKind;
  step: Step;
};

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

/** A receipt's key: an activity record's row id, or a record id (its first anchored copy). */
export type ReceiptKey = { readonly id: string } | { readonly recordId: string };

/** Longest key looked up (a longer one finds nothing). */
const MAX_KEY = 512;

const ACTIVITY_COLUMNS = `a.id, a.record_id, a.batch_id, a.cluster_id, a.era, a.customer_id,
  a.provider_id, (SELECT d.record_format FROM dac_batch d WHERE d.id = a.batch_id) AS record_format`;

/**
 * `receiptSubjects` in SQL, over the rows of `a`: each (kind, id) once. The era's key is
 * `<cluster id>-<era>` as the indexer writes it (an integer era as text, as in JavaScript).
 */
const SUBJECTS_SQL = `SELECT DISTINCT v.kind, v.id FROM a CROSS JOIN LATERAL (VALUES
    ('links', a.id), ('record', a.id), ('anchor', a.batch_id),
    ('settlement', CASE WHEN a.cluster_id IS NOT NULL AND a.era IS NOT NULL
       THEN a.cluster_id || '-' || a.era || '-payers-' || coalesce(a.customer_id, '') END),
    ('settlement', CASE WHEN a.cluster_id IS NOT NULL AND a.era IS NOT NULL
       THEN a.cluster_id || '-' || a.era || '-payees-' || coalesce(a.provider_id, '') END),
    ('era', CASE WHEN a.cluster_id IS NOT NULL AND a.era IS NOT NULL
       THEN a.cluster_id || '-' || a.era END)
  ) AS v(kind, id) WHERE v.id IS NOT NULL`;

/** The columns of a stored line in the order the receipt statement packs them (`LINE_TUPLE`). */
export const LINE_COLUMNS = [
  'subject_kind',
  'subject_id',
  'seq',
  'step',
  'check_name',
  'ok',
  'pending',
  'skipped',
  'code',
  'rule',
  'basis',
  'facts',
  'source',
] as const satisfies ReadonlyArray<keyof StoredLine>;
const LINE_TUPLE = `json_build_array(${LINE_COLUMNS.map((c) => `l.${c}`).join(', ')})`;
/** Where each column sits in a packed line. */
const AT = Object.fromEntries(LINE_COLUMNS.map((c, i) => [c, i])) as Record<
  (typeof LINE_COLUMNS)[number],
  number
>;

/** A packed line (an array in `LINE_COLUMNS` order) as the verifier's `Line`. */
function asLine(t: readonly unknown[]): Line {
  const ok = t[AT.ok] as StoredLine['ok'];
  const source = t[AT.source] as StoredLine['source'];
  return {
    step: t[AT.step] as Step,
    check: t[AT.check_name],
    status: statusOf({
      ok,
      pending: t[AT.pending] as StoredLine['pending'],
      skipped: t[AT.skipped] as StoredLine['skipped'],
    }),
    ok,
    code: t[AT.code],
    rule: t[AT.rule],
    basis: t[AT.basis],
    facts: (t[AT.facts] as StoredLine['facts']) ?? {},
    ...(source ? { source } : {}),
  } as Line;
}

/**
 * One statement for the receipts of the activity rows `a` finds: the rows themselves (`part` 0),
 * then one row (`part` 1) whose `lines` is a JSON array of the stored lines of all their subjects,
 * each subject's once, each line an array in `LINE_COLUMNS` order, by subject and seq. One JSON
 * value instead of a row per line: the client parsed 13 columns of some 35 rows per receipt, and
 * the packed form costs it 0.17 against 0.25-0.27 ms of CPU per receipt (bench/RESULTS.md,
 * 2026-12-07, eighth session). `facts` and `source` are `json`, so their text comes back as
 * stored.
 */
function receiptsSql(activity: string): string {
  return `WITH a AS MATERIALIZED (${activity}),
    s AS (${SUBJECTS_SQL})
  SELECT 0 AS part, a.id, a.record_id, a.batch_id, a.cluster_id, a.era, a.customer_id,
         a.provider_id, a.record_format, NULL::json AS lines
    FROM a
  UNION ALL
  SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         (SELECT json_agg(${LINE_TUPLE} ORDER BY l.subject_kind, l.subject_id, l.seq)
            FROM s JOIN verification_line l ON l.subject_kind = s.kind AND l.subject_id = s.id)
  ORDER BY part`;
}

/**
 * The four receipt statements (one key or many, by row id or by record id), each sent by name
 * where the database allows it (api/prepared.ts). A record id finds its first anchored copy (by
 * block height, then row id).
 */
const RECEIPT_SQL = {
  one: {
    id: namedStatement(
      'proofroom_receipt_by_id',
      receiptsSql(`SELECT ${ACTIVITY_COLUMNS} FROM activity_record a
        WHERE a.id = $1 ORDER BY a.block_height, a.id LIMIT 1`)
    ),
    recordId: namedStatement(
      'proofroom_receipt_by_record_id',
      receiptsSql(`SELECT ${ACTIVITY_COLUMNS} FROM activity_record a
        WHERE a.record_id = $1 ORDER BY a.block_height, a.id LIMIT 1`)
    ),
  },
  many: {
    id: namedStatement(
      'proofroom_receipts_by_id',
      receiptsSql(`SELECT ${ACTIVITY_COLUMNS} FROM activity_record a WHERE a.id = ANY($1::text[])`)
    ),
    recordId: namedStatement(
      'proofroom_receipts_by_record_id',
      receiptsSql(`SELECT DISTINCT ON (a.record_id) ${ACTIVITY_COLUMNS} FROM activity_record a
        WHERE a.record_id = ANY($1::text[]) ORDER BY a.record_id, a.block_height, a.id`)
    ),
  },
} as const;

/**
 * The activity rows and the stored lines (by subject, in seq order) of the receipts of `keys`, all
 * of one kind, in one statement.
 */
async function readReceipts(
  db: Queryable,
  by: 'id' | 'recordId',
  keys: readonly string[]
): Promise<{ rows: ActivityRow[]; lines: Map<string, Line[]> }> {
  const one = keys.length === 1;
  const text = one ? RECEIPT_SQL.one[by] : RECEIPT_SQL.many[by];
  const values = one ? [keys[0]] : [keys];
  const result = (await db.query(text, values)).rows as unknown as Array<
    ActivityRow & { part: number; lines: unknown }
  >;
  const rows: ActivityRow[] = [];
  const lines = new Map<string, Line[]>();
  for (const x of result) {
    if (Number(x.part) === 0) {
      rows.push(x);
      continue;
    }
    if (!Array.isArray(x.lines)) continue; // no subject has a stored line (json_agg of nothing)
    for (const t of x.lines as unknown[][]) {
      const k = `${t[AT.subject_kind] as string}|${t[AT.subject_id] as string}`;
      let list = lines.get(k);
      if (!list) lines.set(k, (list = []));
      list.push(asLine(t));
    }
  }
  return { rows, lines };
}

/** Finds the activity record by its row id or its record id (the first anchored copy). */
export async function loadReceipt(
  db: Queryable,
  by: { id?: string | null; recordId?: string | null }
): Promise<ReceiptOut | null> {
  const key: ReceiptKey | null =
    typeof by.id === 'string'
      ? { id: by.id }
      : typeof by.recordId === 'string'
        ? { recordId: by.recordId }
        : null;
  if (key === null) return null;
  return (await loadReceipts(db, [key]))[0] ?? null;
}

/**
 * The receipts of `keys` (null where a key finds no record), in their order: one statement per
 * kind of key (row ids, record ids) for the whole list, however long. The lines of a subject
 * several records share (their era, a settlement) are read and converted once per statement.
 */
export async function loadReceipts(
  db: Queryable,
  keys: readonly ReceiptKey[]
): Promise<Array<ReceiptOut | null>> {
  const wanted = { id: new Set<string>(), recordId: new Set<string>() };
  for (const k of keys) {
    const [by, v] = 'id' in k ? (['id', k.id] as const) : (['recordId', k.recordId] as const);
    if (typeof v === 'string' && v.length <= MAX_KEY) wanted[by].add(v);
  }
  const found = { id: new Map<string, ActivityRow>(), recordId: new Map<string, ActivityRow>() };
  const stored = new Map<string, Line[]>();
  await Promise.all(
    (['id', 'recordId'] as const).map(async (by) => {
      if (wanted[by].size === 0) return;
      const r = await readReceipts(db, by, [...wanted[by]]);
      for (const row of r.rows) found[by].set(by === 'id' ? row.id : row.record_id, row);
      for (const [k, v] of r.lines) stored.set(k, v);
    })
  );
  const built = new Map<ActivityRow, ReceiptOut>();
  return keys.map((k) => {
    const row = 'id' in k ? found.id.get(k.id) : found.recordId.get(k.recordId);
    if (!row) return null;
    let out = built.get(row);
    if (!out) built.set(row, (out = assembleReceipt(row, stored)));
    return out;
  });
}

/** A receipt from its activity row and its subjects' stored lines (`kind|id` to lines). */
function assembleReceipt(r: ActivityRow, stored: ReadonlyMap<string, Line[]>): ReceiptOut {
  const subjects = receiptSubjects(r);
  const eraId = r.cluster_id !== null && r.era !== null ? `${r.cluster_id}-${r.era}` : null;
  const eraLines = eraId ? (stored.get(`era|${eraId}`) ?? []) : [];
  const outcome = eraOutcomeOf(eraLines);
  const tagged: Array<{ kind: SubjectKind; id: string; lines: Line[] }> = subjects.map(
    ([kind, id]) => {
      const have = stored.get(`${kind}|${id}`);
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

/**
 * The request's receipt loader (one per request and kind of key, in `ctx.loaders`): every
 * `receipt` a resolver asks for in the same tick (a page of records, aliases) is read with one
 * statement (`loadReceipts`), and a key asked twice is read once.
 */
export function receiptLoader(
  loaders: Map<string, unknown>,
  db: Queryable
): (key: ReceiptKey) => Promise<ReceiptOut | null> {
  let load = loaders.get('receipt') as
    ((key: ReceiptKey) => Promise<ReceiptOut | null>) | undefined;
  if (load) return load;
  let pending: Array<{
    key: ReceiptKey;
    resolve: (r: ReceiptOut | null) => void;
    reject: (e: unknown) => void;
  }> = [];
  const memo = new Map<string, Promise<ReceiptOut | null>>();
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    try {
      const out = await loadReceipts(
        db,
        batch.map((b) => b.key)
      );
      batch.forEach((b, i) => b.resolve(out[i] ?? null));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  };
  load = (key) => {
    const k = 'id' in key ? `id|${key.id}` : `recordId|${key.recordId}`;
    let p = memo.get(k);
    if (!p) {
      p = new Promise<ReceiptOut | null>((resolve, reject) => {
        pending.push({ key, resolve, reject });
        // After the resolvers of this tick (a list's items) have asked, as RelationLoader does.
        if (pending.length === 1)
          void Promise.resolve().then(() => process.nextTick(() => void flush()));
      });
      memo.set(k, p);
    }
    return p;
  };
  loaders.set('receipt', load);
  return load;
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
