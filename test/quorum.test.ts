import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quorumThreshold, tally } from '../verifier/quorum.ts';

describe('quorumThreshold', () => {
  it('cere67 is Percent::from_percent(67) * n, rounded to nearest with ties down', () => {
    // n → round(0.67 n), ties (x.5) down: 50 → 33.5 → 33, 150 → 100.5 → 100.
    const table: Array<[number, number]> = [
      [0, 0],
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 3],
      [6, 4],
      [7, 5],
      [8, 5],
      [9, 6],
      [10, 7],
      [50, 33],
      [100, 67],
      [150, 100],
      [250, 167],
      [1000, 670],
    ];
    for (const [n, k] of table) expect(quorumThreshold(n, 'cere67'), `n=${n}`).toBe(k);
  });

  it('twoThirds is the smallest k with 3k >= 2n', () => {
    const table: Array<[number, number]> = [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 4],
      [7, 5],
      [9, 6],
      [10, 7],
      [100, 67],
    ];
    for (const [n, k] of table) expect(quorumThreshold(n, 'twoThirds'), `n=${n}`).toBe(k);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (n) => {
        const k = quorumThreshold(n, 'twoThirds');
        expect(3 * k >= 2 * n && 3 * (k - 1) < 2 * n).toBe(true);
      })
    );
  });

  it('cere67 agrees with an exact rational rounding for every n up to 100,000', () => {
    for (let n = 0; n <= 100_000; n++) {
      const twice = 2 * 67 * n; // compare 2*67n against 100*(2q+1) to find the nearest integer
      const q = Math.floor((67 * n) / 100);
      const expected = twice > 100 * (2 * q + 1) ? q + 1 : q;
      if (quorumThreshold(n, 'cere67') !== expected) throw new Error(`n=${n}`);
    }
  });

  it('rejects negative or fractional n', () => {
    expect(() => quorumThreshold(-1, 'cere67')).toThrow(RangeError);
    expect(() => quorumThreshold(1.5, 'twoThirds')).toThrow(RangeError);
  });
});

describe('tally', () => {
  const V = ['a', 'b', 'c', 'd', 'e'];

  it('counts distinct known validators and lists unknown, duplicate and equivocating voters', () => {
    const t = tally(
      [
        { voter: 'a', choice: 'X' },
        { voter: 'a', choice: 'X' },
        { voter: 'b', choice: 'X' },
        { voter: 'c', choice: 'Y' },
        { voter: 'c', choice: 'X' },
        { voter: 'z', choice: 'X' },
        { voter: 'z', choice: 'X' },
      ],
      V,
      'cere67'
    );
    expect(t).toMatchObject({
      n: 5,
      threshold: 3,
      leading: 'X',
      leadingVotes: 2,
      reached: false,
      unknown: ['z'],
      duplicates: ['a'],
      equivocators: ['c'],
    });
  });

  it('reports which rule decided', () => {
    const votes = ['a', 'b', 'c'].map((voter) => ({ voter, choice: 'X' }));
    const t = tally(votes, V, 'cere67');
    expect(t.reached).toBe(true);
    expect(t.other).toEqual({ rule: 'twoThirds', threshold: 4, reached: false });
  });

  it('an empty validator set never reaches quorum', () => {
    expect(tally([{ voter: 'a', choice: 'X' }], [], 'cere67')).toMatchObject({
      n: 0,
      threshold: 0,
      reached: false,
    });
  });

  it('duplicate copies of one vote never count twice (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...V, 'x', 'y'), { maxLength: 40 }), (voters) => {
        const t = tally(
          voters.map((voter) => ({ voter, choice: 'X' })),
          V,
          'cere67'
        );
        expect(t.leadingVotes).toBe(new Set(voters.filter((v) => V.includes(v))).size);
      })
    );
  });
});
