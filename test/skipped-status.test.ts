/**
 * The fourth line status, `skipped` (Root's `force_skip_inspection` closed an era without a
 * payout), as the API, the CLI and their exit codes show it; no devnet needed.
 */
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../api/context.ts';
import { LINE_COLUMNS, eraStateOfPaidLine, loadReceipt, statusOf } from '../api/receipt.ts';
import { EXIT, exitCodeOf, exitCodeOfMany } from '../cli/exit-codes.ts';
import { formatReceipt, manyWord } from '../cli/format.ts';
import { type Line, pass, pending, skipped } from '../verifier/lines.ts';
import { DEFAULT_POLICY, type Receipt } from '../verifier/receipt.ts';

describe('api statusOf', () => {
  it('reads a stored line as pass, pending, skipped or fail', () => {
    expect(statusOf({ ok: true, pending: false, skipped: false })).toBe('pass');
    expect(statusOf({ ok: false, pending: true, skipped: false })).toBe('pending');
    expect(statusOf({ ok: false, pending: false, skipped: true })).toBe('skipped');
    expect(statusOf({ ok: false, pending: false, skipped: false })).toBe('fail');
  });

  it('lets ok and pending win over skipped, and reads rows without the column as before', () => {
    expect(statusOf({ ok: true, pending: false, skipped: true })).toBe('pass');
    expect(statusOf({ ok: false, pending: true, skipped: true })).toBe('pending');
    expect(statusOf({ ok: false, pending: null })).toBe('fail');
    expect(statusOf({ ok: false })).toBe('fail');
  });

  it("takes an era's state from its settlement.paid line", () => {
    expect(eraStateOfPaidLine(undefined)).toBe('pending');
    expect(eraStateOfPaidLine({ status: 'pass' })).toBe('paid');
    expect(eraStateOfPaidLine({ status: 'fail' })).toBe('unpaid');
    expect(eraStateOfPaidLine({ status: 'pending' })).toBe('pending');
    expect(eraStateOfPaidLine({ status: 'skipped' })).toBe('skipped');
  });
});

describe('api receipt of a skipped era', () => {
  const customer = `0x${'11'.repeat(32)}`;
  const provider = `0x${'22'.repeat(32)}`;
  const row = {
    id: '5-1:0',
    record_id: 'dac-skipped',
    batch_id: '5-1',
    cluster_id: `0x${'33'.repeat(20)}`,
    era: 9,
    customer_id: customer,
    provider_id: provider,
    record_format: 1,
  };
  const era = `${row.cluster_id}-${row.era}`;
  const stored = (kind: string, id: string, seq: number, l: Line) => ({
    subject_kind: kind,
    subject_id: id,
    seq,
    step: l.step,
    check_name: l.check,
    ok: l.ok,
    pending: l.status === 'pending',
    skipped: l.status === 'skipped',
    code: l.code,
    rule: l.rule,
    basis: l.basis,
    facts: l.facts,
    source: null,
  });
  const lines = [
    stored('links', row.id, 0, pass({ step: 'grant', check: 'grant.status', rule: 'r' })),
    stored('record', row.id, 0, pass({ step: 'record', check: 'record.id', rule: 'r' })),
    stored('anchor', row.batch_id, 0, pass({ step: 'anchor', check: 'anchor.remark', rule: 'r' })),
    stored(
      'era',
      era,
      0,
      skipped({ step: 'attestation', check: 'attestation.quorum', rule: 'r' }, 'ERA_SKIPPED')
    ),
    stored(
      'era',
      era,
      1,
      skipped({ step: 'settlement', check: 'settlement.paid', rule: 'r' }, 'ERA_SKIPPED')
    ),
    stored(
      'era',
      era,
      2,
      skipped({ step: 'conservation', check: 'conservation.balance', rule: 'r' }, 'ERA_SKIPPED')
    ),
  ];
  // The receipt is read in one statement: the activity row (part 0), then one row (part 1) whose
  // `lines` holds its subjects' stored lines, each an array in LINE_COLUMNS order.
  const db: Queryable = {
    query: async (text: string) => ({
      rows: text.includes('FROM activity_record')
        ? [
            { part: 0, ...row },
            { part: 1, lines: lines.map((l) => LINE_COLUMNS.map((c) => l[c])) },
          ]
        : [],
    }),
  };

  it('is skipped, not ok, with its settlement lines skipped by ERA_SKIPPED', async () => {
    const r = (await loadReceipt(db, { id: row.id }))!;
    expect(r.status).toBe('skipped');
    expect(r.ok).toBe(false);
    expect(r.failed).toBe(0);
    expect(r.pending).toBe(0);
    const settlement = r.lines.filter((l) => l.subjectKind === 'settlement');
    expect(settlement).toHaveLength(6);
    expect(settlement.every((l) => l.status === 'skipped' && l.code === 'ERA_SKIPPED')).toBe(true);
    expect(r.skipped).toBe(3 + settlement.length);
    expect(r.passed).toBe(3);
    expect(r.lines.find((l) => l.check === 'settlement.paid')?.reason).toMatch(
      /force_skip_inspection/
    );
  });
});

describe('proofroom verify exit codes', () => {
  const pinned = { pinned: true };
  const unpinned = { pinned: false };

  it('exits 5 for a skipped receipt, pinned or not, and keeps the other codes', () => {
    expect(exitCodeOf({ status: 'skipped', chain: pinned })).toBe(5);
    expect(exitCodeOf({ status: 'skipped', chain: unpinned })).toBe(EXIT.skipped);
    expect(exitCodeOf({ status: 'pass', chain: pinned })).toBe(0);
    expect(exitCodeOf({ status: 'pass', chain: unpinned })).toBe(3);
    expect(exitCodeOf({ status: 'fail', chain: pinned })).toBe(1);
    expect(exitCodeOf({ status: 'pending', chain: unpinned })).toBe(4);
  });

  it('gives several bundles the worst code: 2 > 1 > 4 > 5 > 3 > 0', () => {
    const none = { verified: 0, failed: 0, pending: 0, skipped: 0, unpinned: 0, malformed: 0 };
    expect(exitCodeOfMany({ ...none, verified: 3 })).toBe(0);
    expect(exitCodeOfMany({ ...none, verified: 1, unpinned: 1 })).toBe(3);
    expect(exitCodeOfMany({ ...none, unpinned: 1, skipped: 1 })).toBe(5);
    expect(exitCodeOfMany({ ...none, skipped: 1, pending: 1 })).toBe(4);
    expect(exitCodeOfMany({ ...none, pending: 1, failed: 1 })).toBe(1);
    expect(exitCodeOfMany({ ...none, failed: 1, malformed: 1 })).toBe(2);
  });
});

describe('proofroom verify output', () => {
  const receipt = (lines: Line[]): Receipt => {
    const count = (s: Line['status']) => lines.filter((l) => l.status === s).length;
    const t = { failed: count('fail'), pending: count('pending'), skipped: count('skipped') };
    return {
      recordId: 'dac-skipped',
      kind: 'scp-json',
      status: t.failed ? 'fail' : t.pending ? 'pending' : t.skipped ? 'skipped' : 'pass',
      ok: t.failed + t.pending + t.skipped === 0,
      passed: count('pass'),
      ...t,
      lines,
      policy: DEFAULT_POLICY,
      verifier: { version: 'test', backend: 'test' },
    };
  };
  const paidSkip = skipped(
    { step: 'settlement', check: 'settlement.paid', rule: 'cere:DdcClusters.ClusterEraPaid' },
    'ERA_SKIPPED'
  );
  const grant = pass({ step: 'grant', check: 'grant.status', rule: 'cere:gar' });

  it('marks skipped lines SKIP with their reason, and the receipt SKIPPED', () => {
    const out = formatReceipt(receipt([grant, paidSkip]), false);
    expect(out).toContain('  PASS grant.status');
    expect(out).toContain(
      '  SKIP settlement.paid  Era paid on chain  [cere:DdcClusters.ClusterEraPaid]'
    );
    expect(out).toMatch(/ERA_SKIPPED: ClusterEraPaid was emitted by Root skipping the era/);
    expect(out).toContain('SKIPPED: 1 passed, 0 failed, 0 waiting, 1 skipped');
    expect(out).toMatch(/no one was charged or rewarded/);
    expect(out).not.toMatch(/VERIFIED|FAILED/);
  });

  it('keeps PENDING when a line also waits, and never says SKIPPED without a skip', () => {
    const wait = pending({ step: 'grant', check: 'grant.anchored', rule: 'r' }, 'NOT_ANCHORED');
    const out = formatReceipt(receipt([wait, paidSkip]), false);
    expect(out).toContain('PENDING: 0 passed, 0 failed, 1 waiting, 1 skipped');
    expect(formatReceipt(receipt([grant]), false)).toContain(
      'VERIFIED: 1 passed, 0 failed, 0 waiting'
    );
  });

  it('names a skipped receipt SKIPPED in the one-line-per-bundle listing', () => {
    expect(manyWord({ status: 'skipped', chain: { pinned: false } })).toBe('SKIPPED  ');
    expect(manyWord({ status: 'pass', chain: { pinned: false } })).toBe('UNPINNED ');
    expect(manyWord({ status: 'pass', chain: { pinned: true } })).toBe('VERIFIED ');
  });
});
