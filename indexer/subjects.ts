/**
 * Verification results as rows: a subject (`verification_subject`) and its lines
 * (`verification_line`), computed by the verifier's subject functions (verifier/receipt.ts) and
 * stored as they are, pending lines included.
 * @module
 */
import type { PoolClient } from 'pg';
import type { Line } from '../verifier/lines.ts';
import { VERIFIER_VERSION } from '../verifier/receipt.ts';
import type { LineRow } from './batch-pool.ts';
import { lineRows } from './batch-worker.ts';
import type { VerificationLineInsert, VerificationSubjectInsert } from '../db/rows.ts';

/** A line row's status counts. */
export function countRows(lines: readonly LineRow[]): {
  passed: number;
  failed: number;
  pending: number;
  skipped: number;
} {
  let passed = 0;
  let failed = 0;
  let pending = 0;
  let skipped = 0;
  for (const l of lines) {
    if (l.ok) passed++;
    else if (l.pending) pending++;
    else if (l.skipped) skipped++;
    else failed++;
  }
  return { passed, failed, pending, skipped };
}

/** The rows of one subject: its summary and its lines, at `height` (the row's block). */
export function subjectRows(
  kind: string,
  id: string,
  lines: readonly LineRow[] | readonly Line[],
  height: number
): { subject: VerificationSubjectInsert; lines: VerificationLineInsert[] } {
  const rows: LineRow[] = isLineRows(lines) ? [...lines] : lineRows(lines);
  const c = countRows(rows);
  return {
    subject: {
      kind,
      id,
      ok: c.failed === 0 && c.pending === 0 && c.skipped === 0,
      passed: c.passed,
      failed: c.failed,
      verifier_version: VERIFIER_VERSION,
      block_height: height,
      pending: c.pending,
      skipped: c.skipped,
    },
    lines: rows.map((l) => ({ subject_kind: kind, subject_id: id, ...l, block_height: height })),
  };
}

function isLineRows(x: readonly LineRow[] | readonly Line[]): x is readonly LineRow[] {
  return x.length === 0 || 'check_name' in x[0]!;
}

/** Deletes the subjects `ids` of `kind` and their lines. */
export async function deleteSubjects(
  c: PoolClient,
  kind: string,
  ids: readonly string[]
): Promise<void> {
  if (ids.length === 0) return;
  await c.query(
    `DELETE FROM verification_line WHERE subject_kind = $1 AND subject_id = ANY($2::text[])`,
    [kind, ids]
  );
  await c.query(`DELETE FROM verification_subject WHERE kind = $1 AND id = ANY($2::text[])`, [
    kind,
    ids,
  ]);
}
