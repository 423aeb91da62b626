import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildScenario, FAULTS } from '../devnet/receipt-scenario.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { STEPS } from '../verifier/lines.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { DEFAULT_POLICY, verifyReceipt } from '../verifier/receipt.ts';
import { pureBackend } from '../verifier/signatures.ts';
import {
  clone,
  flipAmountBit,
  flipBase64Bit,
  flipHexBit,
  flipStringBit,
  getPath,
  setPath,
  syncRecordBytes,
} from './helpers/mutate.ts';

function check(bundle: unknown, backend = pureBackend) {
  // Tests change the record object; its bytes follow.
  const p = parseBundle(syncRecordBytes(clone(bundle) as Record<string, unknown>));
  if (!p.ok) throw new Error(`bundle does not parse: ${p.errors.join('; ')}`);
  return verifyReceipt(p.bundle, backend);
}

const honest = buildScenario({ records: 12 });
const faulty = buildScenario({ records: 24, faults: FAULTS });

describe('receipt pipeline on an honest era', () => {
  it('passes every line of every receipt, with both signature backends', () => {
    for (const b of honest.bundles) {
      const pure = check(b, pureBackend);
      expect(pure.failed, JSON.stringify(pure.lines.filter((l) => !l.ok))).toBe(0);
      expect(check(b, nodeBackend).lines).toEqual(pure.lines);
    }
  });

  it('orders lines along the chain of evidence and covers all seven steps', () => {
    const r = check(honest.bundles[2]);
    const steps = r.lines.map((l) => STEPS.indexOf(l.step));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    // The eighth step, chain, is added where a bundle is verified (verifyBundle).
    expect(new Set(r.lines.map((l) => l.step))).toEqual(
      new Set(STEPS.filter((s) => s !== 'chain'))
    );
    // A compute record carries its Cere DAC protobuf record, checked and bound to the roles.
    expect(r.lines.map((l) => l.check)).toContain('record.dac.binding');
  });

  it('labels chain-trusted lines as trusted and everything else as checked', () => {
    const r = check(honest.bundles[0]);
    const trusted = r.lines.filter((l) => l.basis === 'trusted').map((l) => l.check);
    expect(trusted.sort()).toEqual(['anchor.finality', 'settlement.paid']);
  });
});

describe('receipt pipeline on injected faults', () => {
  it('fails exactly the line each fault breaks, with its reason code', () => {
    const expected: Record<string, string> = {
      'bad-record-signature': 'SIG_INVALID',
      'missing-role-signature': 'SIG_MISSING',
      'grant-expired': 'GRANT_EXPIRED',
      'grant-revoked': 'GRANT_REVOKED',
      'grant-out-of-scope': 'GRANT_SCOPE_MISMATCH',
      'wrong-mmr-proof': 'PROOF_INVALID',
      'anchor-not-final': 'NOT_FINAL',
      'quorum-not-reached': 'QUORUM_NOT_MET',
      'payout-unbalanced': 'NOT_BALANCED',
    };
    const eraWide = faulty.faulted.filter((f) => f.recordId === '*').map((f) => f.failing);
    expect(eraWide.sort()).toEqual(['attestation.quorum', 'conservation.balance']);
    for (const b of faulty.bundles) {
      const r = check(b);
      const failing = r.lines.filter((l) => !l.ok).map((l) => `${l.check}:${l.code}`);
      const own = faulty.faulted.filter((f) => f.recordId === b.recordId);
      const want = [
        ...own.map((f) => `${f.failing}:${expected[f.fault]}`),
        'attestation.quorum:QUORUM_NOT_MET',
        'conservation.balance:NOT_BALANCED',
      ];
      expect(failing.sort()).toEqual(want.sort());
    }
  });

  it('reports the quorum arithmetic and the other rule in the facts', () => {
    const r = check(faulty.bundles[0]);
    const q = r.lines.find((l) => l.check === 'attestation.quorum')!;
    expect(q.facts).toMatchObject({
      validators: 5,
      rule: 'cere67',
      threshold: 3,
      leadingVotes: 2,
      otherRule: 'twoThirds',
      otherThreshold: 4,
    });
  });

  it('gives the same verdicts with the twoThirds rule where 4 of 5 agree, and fails where 3 of 5 would do for cere67', () => {
    const b = clone(honest.bundles[0]) as Record<string, any>;
    // Make a second validator dissent: 3 of 5 agree. cere67 (threshold 3) passes, twoThirds (4) fails.
    b.attestation.votes[3].payeesRoot = b.attestation.votes[4].payeesRoot;
    b.attestation.votes[3].fingerprint = null;
    const p = parseBundle(b);
    if (!p.ok) throw new Error(p.errors.join());
    const cere = verifyReceipt(p.bundle, pureBackend, DEFAULT_POLICY);
    const strict = verifyReceipt(p.bundle, pureBackend, {
      ...DEFAULT_POLICY,
      quorumRule: 'twoThirds',
    });
    expect(cere.lines.find((l) => l.check === 'attestation.quorum')).toMatchObject({
      ok: true,
      facts: { decidedByRule: true },
    });
    expect(strict.lines.find((l) => l.check === 'attestation.quorum')).toMatchObject({
      ok: false,
      code: 'QUORUM_NOT_MET',
      rule: 'twoThirds',
    });
  });
});

/** Mutation targets: a path in the bundle, how to flip one bit there, and the line that must fail. */
interface Target {
  path: string;
  /** `ehdCluster`: a bit of the cluster id an ehd_id names. */
  kind: 'hex' | 'b64' | 'amount' | 'totalAboveDust' | 'string' | 'int' | 'ehdCluster';
  /** The line that must fail; a list where a flip can break the field's syntax instead. */
  failing: string | string[];
  /** The bundle may be rejected instead, with an error naming this field. */
  malformed?: string;
}

function targetsOf(b: Record<string, any>): Target[] {
  const t: Target[] = [
    { path: 'grant.versions[0].payload', kind: 'b64', failing: 'grant.signature[0]' },
    { path: 'grant.versions[0].signature.value', kind: 'hex', failing: 'grant.signature[0]' },
    { path: 'grant.versions[0].signature.signer', kind: 'hex', failing: 'grant.signature[0]' },
    // The bundle names its record by id: another id in the record makes the bundle malformed.
    { path: 'record.record_id', kind: 'string', failing: 'record.id', malformed: 'recordId' },
    { path: 'record.operation', kind: 'string', failing: 'record.signature.agent' },
    {
      path: 'record.timestamp',
      kind: 'string',
      failing: ['record.signature.agent', 'record.decode'],
    },
    { path: 'record.result_hash', kind: 'hex', failing: 'record.signature.orchestrator' },
    { path: 'record.customer', kind: 'hex', failing: 'record.signature.node' },
    { path: 'record.usage.cpu_ms', kind: 'int', failing: 'record.signature.agent' },
    {
      path: 'record.usage.stored_bytes',
      kind: 'amount',
      failing: ['record.signature.agent', 'record.decode'],
    },
    { path: 'inclusion.leafIndex', kind: 'int', failing: 'inclusion.mmr' },
    { path: 'anchor.envelope', kind: 'hex', failing: 'anchor.remark' },
    { path: 'anchor.remarkHash', kind: 'hex', failing: 'anchor.remark' },
    { path: 'attestation.activity.payers[0].amount', kind: 'amount', failing: 'attestation.roots' },
    { path: 'attestation.activity.payees[1].account', kind: 'hex', failing: 'attestation.roots' },
    {
      path: 'settlement.payers.entries[0].amount',
      kind: 'amount',
      failing: 'settlement.payers.proof',
    },
    {
      path: 'settlement.payees.entries[0].account',
      kind: 'hex',
      failing: 'settlement.payees.proof',
    },
    {
      path: 'settlement.payers.events[0].amount',
      kind: 'amount',
      failing: 'settlement.payers.amount',
    },
    // An era balances within Cere's MaxDust (100,000 planck kept without an event, docs/cere-
    // runtimes.md §13), so conservation.balance cannot see a smaller change of one total (the
    // chain.conservation line catches it against the proved events): these flip bits 17 and up.
    { path: 'conservation.charged', kind: 'totalAboveDust', failing: 'conservation.balance' },
    { path: 'conservation.rewarded', kind: 'totalAboveDust', failing: 'conservation.balance' },
    { path: 'conservation.treasuryFees', kind: 'totalAboveDust', failing: 'conservation.balance' },
  ];
  (b.record.signatures as Array<{ role: string }>).forEach((s, i) => {
    t.push({
      path: `record.signatures[${i}].value`,
      kind: 'hex',
      failing: `record.signature.${s.role}`,
    });
    t.push({
      path: `record.signatures[${i}].signer`,
      kind: 'hex',
      failing: `record.signature.${s.role}`,
    });
  });
  (b.inclusion.proof as string[]).forEach((_, i) =>
    t.push({ path: `inclusion.proof[${i}]`, kind: 'hex', failing: 'inclusion.mmr' })
  );
  (b.settlement.payers.proof as string[]).forEach((_, i) =>
    t.push({
      path: `settlement.payers.proof[${i}]`,
      kind: 'hex',
      failing: 'settlement.payers.proof',
    })
  );
  // A vote's ehd_id names the cluster and era its fingerprint is for. (Its roots are chain facts
  // the bundle states: another root is a dissenting vote, which no line can tell from a real one
  // without a proof of the chain's events.)
  (b.attestation.votes as unknown[]).forEach((_, i) => {
    t.push({
      path: `attestation.votes[${i}].ehdId`,
      kind: 'ehdCluster',
      failing: `attestation.fingerprint[${i}]`,
    });
  });
  t.push({ path: 'attestation.payout.fingerprint', kind: 'hex', failing: 'attestation.payout' });
  t.push({ path: 'anchor.sender', kind: 'hex', failing: 'anchor.sender' });
  t.push({
    path: 'registration.provider.account',
    kind: 'hex',
    failing: 'record.registration',
  });
  t.push({ path: 'grant.anchors[0].envelope', kind: 'hex', failing: 'grant.anchored' });
  if (b.record.dac) t.push({ path: 'record.dac', kind: 'hex', failing: 'record.signature.agent' });
  return t;
}

function mutate(b: Record<string, any>, t: Target, bit: number): Record<string, any> {
  const m = clone(b);
  const v = getPath(m, t.path);
  const next =
    t.kind === 'ehdCluster'
      ? `${flipHexBit((v as string).slice(0, 42), bit)}${(v as string).slice(42)}`
      : t.kind === 'hex'
        ? flipHexBit(v as string, bit)
        : t.kind === 'b64'
          ? flipBase64Bit(v as string, bit)
          : t.kind === 'amount'
            ? flipAmountBit(v as string, bit)
            : t.kind === 'totalAboveDust'
              ? flipAmountBit(v as string, 17 + (bit % 80))
              : t.kind === 'string'
                ? flipStringBit(v as string, bit)
                : (v as number) ^ (1 << (bit % 16));
  setPath(m, t.path, next);
  return t.path.startsWith('record.') ? syncRecordBytes(m) : m;
}

describe('every single-bit mutation of a valid receipt fails the right line', () => {
  const bundle = honest.bundles[2] as Record<string, any>; // a compute record with a DAC record
  const targets = targetsOf(bundle);

  it('for each target, on a bit chosen by fast-check', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: targets.length - 1 }),
        fc.integer({ min: 0, max: 4095 }),
        (ti, bit) => {
          const t = targets[ti]!;
          const m = mutate(bundle, t, bit);
          const p = parseBundle(m);
          // A flipped integer may leave the u32 range: then the bundle itself is malformed, and says where.
          if (!p.ok && t.malformed) {
            expect(p.errors.join()).toContain(t.malformed);
            return;
          }
          if (!p.ok) {
            expect(t.kind).toBe('int');
            expect(p.errors.join()).toContain(
              t.path
                .split('.')
                .pop()!
                .replace(/\[\d+\]/, '')
            );
            return;
          }
          const r = verifyReceipt(p.bundle, pureBackend);
          const failed = r.lines.filter((l) => !l.ok).map((l) => l.check);
          const want = ([] as string[]).concat(t.failing);
          expect(
            failed.some((c) => want.includes(c)),
            `${t.path} bit ${bit} should fail ${want.join(' or ')}; failed: ${failed.join()}`
          ).toBe(true);
          expect(r.ok).toBe(false);
        }
      ),
      { numRuns: 600 }
    );
  });

  it('for every target at least once (exhaustive over targets, bit 0 and bit 13)', () => {
    for (const t of targets) {
      for (const bit of [0, 13]) {
        const p = parseBundle(mutate(bundle, t, bit));
        if (!p.ok) continue;
        const r = verifyReceipt(p.bundle, pureBackend);
        const failed = r.lines.filter((l) => !l.ok).map((l) => l.check);
        expect(
          failed.some((c) => ([] as string[]).concat(t.failing).includes(c)),
          `${t.path} bit ${bit}`
        ).toBe(true);
      }
    }
  });
});

describe('the inclusion line', () => {
  it('refuses a leaf index outside the batch, and a bundle whose copy of the root is not the anchored one', () => {
    const m = clone(honest.bundles[0]) as Record<string, any>;
    m.inclusion.leafIndex = 999;
    expect(check(m).lines.find((l) => l.check === 'inclusion.mmr')).toMatchObject({
      status: 'fail',
      code: 'INDEX_OUT_OF_RANGE',
    });
    const r = clone(honest.bundles[0]) as Record<string, any>;
    r.inclusion.root = flipHexBit(r.inclusion.root, 3);
    const p = parseBundle(r);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.errors.join()).toContain('inclusion.root');
  });
});

describe('hostile bundles never throw', () => {
  it('random JSON values are rejected with messages', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const p = parseBundle(v);
        expect(p.ok).toBe(false);
        if (!p.ok) expect(p.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 }
    );
  });

  it('random text is rejected', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        expect(parseBundle(s).ok).toBe(false);
      })
    );
  });

  it('replacing any subtree of a valid bundle with garbage gives a parse error or failed lines', () => {
    const base = honest.bundles[2] as Record<string, any>;
    const paths: string[] = [];
    const walk = (v: unknown, p: string): void => {
      if (p) paths.push(p);
      if (Array.isArray(v)) v.slice(0, 3).forEach((x, i) => walk(x, `${p}[${i}]`));
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) walk(x, p ? `${p}.${k}` : k);
    };
    walk(base, '');
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, garbage) => {
        const m = clone(base);
        setPath(m, path, garbage);
        const p = parseBundle(m);
        if (p.ok) {
          const r = verifyReceipt(p.bundle, pureBackend);
          expect(r.lines.length).toBeGreaterThan(0);
        } else {
          expect(p.errors.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 800 }
    );
  });

  it('rejects oversized, deeply nested and wrong-version bundles with clear messages', () => {
    expect(parseBundle('['.repeat(100_000))).toMatchObject({ ok: false });
    expect(parseBundle('x'.repeat(33 * 1024 * 1024))).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('larger than')],
    });
    const wrong = { ...clone(honest.bundles[0]), version: 99 };
    expect(parseBundle(wrong)).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('version')],
    });
    const dup = JSON.stringify(honest.bundles[0]).replace('{"format"', '{"version":1,"format"');
    expect(parseBundle(dup)).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('duplicate key')],
    });
  });

  it('a record with a value JCS cannot carry becomes a failed line, not an exception', () => {
    const m = clone(honest.bundles[0]) as Record<string, any>;
    m.record.operation = 'bad\uD800';
    const r = check(m);
    // The bytes are the record's JSON text: not its JCS form, and not the anchored leaf.
    expect(r.lines.find((l) => l.check === 'record.decode')).toMatchObject({
      ok: false,
      code: 'BAD_ENCODING',
    });
    expect(r.lines.find((l) => l.check === 'record.id')).toMatchObject({
      ok: false,
      code: 'BAD_ENCODING',
    });
    expect(r.lines.find((l) => l.check === 'inclusion.mmr')).toMatchObject({
      ok: false,
      code: 'PROOF_INVALID',
    });
  });

  it('an unreadable record fails the record step and the steps that need it, and still checks the rest', () => {
    const m = clone(honest.bundles[0]) as Record<string, any>;
    m.record.version = 7;
    const r = check(m);
    expect(r.lines.find((l) => l.check === 'record.decode')).toMatchObject({
      ok: false,
      code: 'UNSUPPORTED_VERSION',
    });
    expect(r.lines.find((l) => l.check === 'anchor.finality')?.ok).toBe(true);
  });
});

describe('record roles', () => {
  it('reports an undecodable signature of an extra role, and a role signed twice', () => {
    const m = clone(honest.bundles[0]) as Record<string, any>;
    m.record.signatures.push({
      role: 'auditor',
      algorithm: 'ed25519',
      signer: '0x12',
      value: '0x34',
    });
    const r1 = check(m);
    expect(r1.lines.find((l) => l.check === 'record.signature.auditor')).toMatchObject({
      ok: false,
      code: 'BAD_LENGTH',
    });
    const d = clone(honest.bundles[0]) as Record<string, any>;
    d.record.signatures.push({ ...d.record.signatures[0], value: '0xzz' });
    const r2 = check(d);
    expect(r2.lines.find((l) => l.check === 'record.signature.agent')).toMatchObject({
      ok: false,
      code: 'SIG_DUPLICATE_ROLE',
    });
  });
});
