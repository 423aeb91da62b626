/**
 * Cere's version-dependent payout rules (verifier/cere-rules.ts) against the values Cere's source
 * gives (docs/cere-runtimes.md §10, §13): the dust the chain keeps without an event, and the batch
 * size by spec version.
 */
import { describe, expect, it } from 'vitest';
import { MAX_DUST, payoutBatchSizeOf } from '../verifier/cere-rules.ts';
import { checkConservation } from '../verifier/receipts/payout.ts';

const balanced = {
  charged: 1_000_000_000n,
  treasuryFees: 10_000_000n,
  reserveFees: 50_000_000n,
  validatorFees: 40_000_000n,
  rewarded: 900_000_000n,
  notDistributed: 0n,
  shares: null,
};

function balance(c: typeof balanced) {
  return checkConservation(c).find((l) => l.check === 'conservation.balance')!;
}

describe('MaxDust (BN pallets/ddc-payouts/src/lib.rs @9ce78a52660a l.104: MILLICENTS)', () => {
  it('is 100,000 planck', () => {
    expect(MAX_DUST).toBe(100_000n);
  });

  it('an unreported remainder up to MaxDust balances, as dust', () => {
    for (const d of [1n, 99_999n, 100_000n]) {
      const l = balance({ ...balanced, rewarded: balanced.rewarded - d });
      expect(l.status).toBe('pass');
      expect(l.facts).toMatchObject({ dust: d.toString(), maxDust: '100000' });
    }
    expect(balance(balanced).facts).not.toHaveProperty('dust');
  });

  it('one planck above MaxDust without the event does not balance', () => {
    const l = balance({ ...balanced, rewarded: balanced.rewarded - 100_001n });
    expect(l.status).toBe('fail');
    expect(l.code).toBe('NOT_BALANCED');
  });

  it('more paid out than charged never balances', () => {
    const l = balance({ ...balanced, rewarded: balanced.rewarded + 1n });
    expect(l.status).toBe('fail');
  });

  it('a reported remainder must balance exactly (the chain reports only above MaxDust)', () => {
    const l = balance({
      ...balanced,
      rewarded: balanced.rewarded - 200_001n,
      notDistributed: 200_000n,
    });
    expect(l.status).toBe('fail');
    expect(
      balance({ ...balanced, rewarded: balanced.rewarded - 200_000n, notDistributed: 200_000n })
        .status
    ).toBe('pass');
  });
});

describe('payout batch size by spec version (docs/cere-runtimes.md §10)', () => {
  it('follows Cere: 1000 → 500 (63003) → 300 (73186) → 100 (73187)', () => {
    expect(payoutBatchSizeOf(54004)).toBe(1000);
    expect(payoutBatchSizeOf(63002)).toBe(1000);
    expect(payoutBatchSizeOf(63003)).toBe(500);
    expect(payoutBatchSizeOf(73047)).toBe(500);
    expect(payoutBatchSizeOf(73177)).toBe(500);
    expect(payoutBatchSizeOf(73186)).toBe(300);
    expect(payoutBatchSizeOf(73187)).toBe(100);
    expect(payoutBatchSizeOf(80013)).toBe(100);
  });
});
