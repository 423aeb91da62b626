/**
 * Tests of verifier/grandpa.ts (GRANDPA justification verification) and devnet/grandpa.ts (the
 * devnet's justification maker).
 *
 * Outside oracles (test/vectors/smoldot, see its README): a real justification and a real network
 * commit from smoldot's tests, whose signatures verify over the payload this module builds (the
 * commit with the round and set id smoldot asserts), and @polkadot/types' `GrandpaJustification`
 * codec as an independent decoder of everything the devnet makes.
 */
import { readFileSync } from 'node:fs';
import { TypeRegistry } from '@polkadot/types';
import type { GrandpaJustification as PjJustification } from '@polkadot/types/interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BlockRef,
  type GrandpaSigner,
  descendantChain,
  grandpaSignerFromSeed,
  makeGrandpaJustification,
  signPrecommit,
} from '../devnet/grandpa.ts';
import { concatBytes, parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import {
  type GrandpaJustification,
  decodeGrandpaJustification,
  encodeGrandpaJustification,
  grandpaThreshold,
  precommitPayload,
  verifyGrandpaJustification,
} from '../verifier/grandpa.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { ScaleReader } from '../verifier/header.ts';
import { type SignatureBackend, pureBackend } from '../verifier/signatures.ts';

const registry = new TypeRegistry();
const smoldot = JSON.parse(
  readFileSync(new URL('./vectors/smoldot/smoldot.json', import.meta.url), 'utf8')
);
const hex = (s: string): Uint8Array => parseHex(s) as Uint8Array;

function ok<T>(r: { ok: true; value: T } | { ok: false; code: string; facts: unknown }): T {
  if (!r.ok) throw new Error(`rejected: ${r.code} ${JSON.stringify(r.facts)}`);
  return r.value;
}
function code(r: { ok: boolean; code?: string }): string {
  return r.ok ? 'ok' : (r.code as string);
}

const signers: GrandpaSigner[] = Array.from({ length: 10 }, (_, i) =>
  grandpaSignerFromSeed(blake2b256(utf8(`proofroom/test/grandpa/${i}`)))
);
const keys = signers.map((s) => s.publicKey);
const target: BlockRef = { hash: blake2b256(utf8('target block')), number: 1000 };

/** The real network commit of smoldot's `basic_decode_commit`, as a justification. */
function realCommit(): { justification: GrandpaJustification; setId: bigint; ids: Uint8Array[] } {
  const c = smoldot.grandpa.commit;
  const r = new ScaleReader(hex(c.commit));
  const round = r.u64() as bigint;
  const setId = r.u64() as bigint;
  const targetHash = (r.take(32) as Uint8Array).slice();
  const targetNumber = r.u32() as number;
  const n = r.compactU32() as number;
  const votes = Array.from({ length: n }, () => ({
    hash: (r.take(32) as Uint8Array).slice(),
    number: r.u32() as number,
  }));
  const m = r.compactU32() as number;
  const auth = Array.from({ length: m }, () => ({
    signature: (r.take(64) as Uint8Array).slice(),
    id: (r.take(32) as Uint8Array).slice(),
  }));
  expect(r.done).toBe(true);
  expect([round, setId, targetNumber]).toEqual([BigInt(c.round), BigInt(c.setId), c.targetNumber]);
  return {
    justification: {
      round,
      targetHash,
      targetNumber,
      precommits: votes.map((v, i) => ({
        targetHash: v.hash,
        targetNumber: v.number,
        signature: (auth[i] as { signature: Uint8Array }).signature,
        id: (auth[i] as { id: Uint8Array }).id,
      })),
      votesAncestries: [],
    },
    setId,
    ids: auth.map((a) => a.id),
  };
}

describe('real GRANDPA data (smoldot)', () => {
  it('the precommit payload is (Message::Precommit = 1, hash, u32, round u64, set id u64)', () => {
    const p = precommitPayload(new Uint8Array(32).fill(0xab), 0x01020304, 5n, 7n);
    expect(toHex(p)).toBe(
      '0x01' + 'ab'.repeat(32) + '04030201' + '0500000000000000' + '0700000000000000'
    );
    // @polkadot/types encodes the same tuple the same way.
    const pj = registry.createType('(u8, [u8;32], u32, u64, u64)', [
      1,
      new Uint8Array(32).fill(0xab),
      0x01020304,
      5,
      7,
    ]);
    expect(pj.toHex()).toBe(toHex(p));
  });

  it('a real network commit (round 3669, set 3490): all 7 signatures verify over that payload', () => {
    const { justification, setId, ids } = realCommit();
    const bytes = encodeGrandpaJustification(justification);
    const v = ok(verifyGrandpaJustification(bytes, setId, ids));
    expect(toHex(v.blockHash)).toBe(toHex(justification.targetHash));
    expect(v.blockNumber).toBe(5_105_457);
    expect(v.round).toBe(3669n);
    // Another set id or round: the signatures no longer verify.
    expect(code(verifyGrandpaJustification(bytes, setId + 1n, ids))).toBe('SIG_INVALID');
    expect(code(verifyGrandpaJustification(bytes, setId - 1n, ids))).toBe('SIG_INVALID');
    const otherRound = encodeGrandpaJustification({ ...justification, round: 3668n });
    expect(code(verifyGrandpaJustification(otherRound, setId, ids))).toBe('SIG_INVALID');
  });

  it('a real justification (round 439559, #302592, set id 0) verifies under its 5 signers', () => {
    const bytes = hex(smoldot.grandpa.justification.justification);
    const j = ok(decodeGrandpaJustification(bytes));
    expect(j.round).toBe(439_559n);
    expect(j.targetNumber).toBe(302_592);
    expect(j.precommits).toHaveLength(5);
    expect(j.votesAncestries).toHaveLength(0);
    const ids = j.precommits.map((p) => p.id);
    const v = ok(verifyGrandpaJustification(bytes, 0n, ids));
    expect([toHex(v.blockHash), v.blockNumber, v.round]).toEqual([
      toHex(j.targetHash),
      302_592,
      439_559n,
    ]);
    // @polkadot/types decodes the same fields and re-encodes the same bytes.
    const pj = registry.createType('GrandpaJustification', bytes) as unknown as PjJustification;
    expect(pj.round.toBigInt()).toBe(j.round);
    expect(pj.commit.targetHash.toHex()).toBe(toHex(j.targetHash));
    expect(pj.commit.precommits.map((p) => p.id.toHex())).toEqual(ids.map(toHex));
    expect(toHex(pj.toU8a())).toBe(toHex(bytes));
    // With the signers as 5 of a set of 7, threshold 7 − 2 = 5 still holds; of 8 (threshold 6) not.
    const extra = keys.slice(0, 3);
    expect(code(verifyGrandpaJustification(bytes, 0n, [...ids, ...extra.slice(0, 2)]))).toBe('ok');
    const r = verifyGrandpaJustification(bytes, 0n, [...ids, ...extra]);
    expect(r.ok ? 'ok' : [r.code, r.facts.threshold, r.facts.signers]).toEqual([
      'QUORUM_NOT_MET',
      6,
      5,
    ]);
    // Missing one signer from the set: that precommit is by an unknown authority.
    expect(code(verifyGrandpaJustification(bytes, 0n, ids.slice(1)))).toBe('SIGNER_MISMATCH');
    expect(code(verifyGrandpaJustification(bytes, 1n, ids))).toBe('SIG_INVALID');
  });
});

describe('devnet justifications: thresholds and signers', () => {
  it('the threshold is n − ⌊(n − 1)/3⌋', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10, 100, 297, 1000].map(grandpaThreshold)).toEqual([
      1, 2, 3, 3, 4, 5, 5, 7, 67, 199, 667,
    ]);
  });

  for (const n of [1, 3, 4, 7, 10]) {
    it(`n = ${n}: exactly the threshold passes, one fewer fails`, () => {
      const set = keys.slice(0, n);
      const t = grandpaThreshold(n);
      const make = (count: number) =>
        makeGrandpaJustification({
          round: 9n,
          setId: 4n,
          target,
          signers: signers.slice(0, count),
        });
      const good = make(t);
      const v = ok(verifyGrandpaJustification(good, 4n, set));
      expect([toHex(v.blockHash), v.blockNumber, v.round]).toEqual([toHex(target.hash), 1000, 9n]);
      if (t > 1) {
        const r = verifyGrandpaJustification(make(t - 1), 4n, set);
        expect(r.ok ? 'ok' : [r.code, r.facts.signers, r.facts.threshold]).toEqual([
          'QUORUM_NOT_MET',
          t - 1,
          t,
        ]);
      }
      expect(code(verifyGrandpaJustification(make(n), 4n, set))).toBe('ok');
      // Wrong set id, wrong round.
      expect(code(verifyGrandpaJustification(good, 5n, set))).toBe('SIG_INVALID');
      const j = ok(decodeGrandpaJustification(good));
      const otherRound = encodeGrandpaJustification({ ...j, round: 10n });
      expect(code(verifyGrandpaJustification(otherRound, 4n, set))).toBe('SIG_INVALID');
    });
  }

  it('unknown signers, bad signatures and duplicates', () => {
    const set = keys.slice(0, 4); // threshold 3
    const base = ok(
      decodeGrandpaJustification(
        makeGrandpaJustification({ round: 1n, setId: 0n, target, signers: signers.slice(0, 3) })
      )
    );
    const withPrecommits = (precommits: GrandpaJustification['precommits']) =>
      encodeGrandpaJustification({ ...base, precommits });
    // An outsider's valid precommit.
    const outsider = signPrecommit(signers[8] as GrandpaSigner, target, 1n, 0n);
    const r1 = verifyGrandpaJustification(withPrecommits([...base.precommits, outsider]), 0n, set);
    expect(r1.ok ? 'ok' : [r1.code, r1.facts.signer]).toEqual([
      'SIGNER_MISMATCH',
      toHex(keys[8] as Uint8Array),
    ]);
    // A broken signature.
    const broken = base.precommits.map((p, i) =>
      i === 1 ? { ...p, signature: p.signature.map((b, j) => (j === 0 ? b ^ 1 : b)) } : p
    );
    const r2 = verifyGrandpaJustification(withPrecommits(broken), 0n, set);
    expect(r2.ok ? 'ok' : [r2.code, r2.facts.precommit]).toEqual(['SIG_INVALID', 1]);
    // The same precommit twice: rejected, not counted twice.
    const twice = [
      ...base.precommits.slice(0, 2),
      base.precommits[1] as (typeof base.precommits)[0],
    ];
    expect(code(verifyGrandpaJustification(withPrecommits(twice), 0n, set))).toBe(
      'SIG_DUPLICATE_ROLE'
    );
    // An equivocation (target and a descendant) counts once: 2 distinct signers < threshold 3.
    const { headers, blocks } = descendantChain(target, 1);
    const child = blocks[0] as BlockRef;
    const eq = makeGrandpaJustification({
      round: 1n,
      setId: 0n,
      target,
      signers: [signers[0], signers[1], signers[1]] as GrandpaSigner[],
      votes: [undefined, undefined, child],
      descendants: headers,
    });
    const r3 = verifyGrandpaJustification(eq, 0n, set);
    expect(r3.ok ? 'ok' : [r3.code, r3.facts.signers]).toEqual(['QUORUM_NOT_MET', 2]);
    // With a third distinct signer it passes: the equivocator counts, once.
    const eq3 = makeGrandpaJustification({
      round: 1n,
      setId: 0n,
      target,
      signers: [signers[0], signers[1], signers[1], signers[2]] as GrandpaSigner[],
      votes: [undefined, undefined, child, undefined],
      descendants: headers,
    });
    expect(code(verifyGrandpaJustification(eq3, 0n, set))).toBe('ok');
    // A third vote by the equivocator is rejected (finality-grandpa allows one equivocation).
    const { headers: h2, blocks: b2 } = descendantChain(target, 1, 1);
    const eq4 = makeGrandpaJustification({
      round: 1n,
      setId: 0n,
      target,
      signers: [signers[0], signers[1], signers[1], signers[1], signers[2]] as GrandpaSigner[],
      votes: [undefined, undefined, child, b2[0], undefined],
      descendants: [...headers, ...h2],
    });
    expect(code(verifyGrandpaJustification(eq4, 0n, set))).toBe('SIG_DUPLICATE_ROLE');
  });

  it('authority sets and set ids that make no sense are MALFORMED or BAD_LENGTH', () => {
    const good = makeGrandpaJustification({
      round: 1n,
      setId: 0n,
      target,
      signers: signers.slice(0, 1),
    });
    expect(code(verifyGrandpaJustification(good, 0n, []))).toBe('MALFORMED');
    expect(
      code(verifyGrandpaJustification(good, 0n, [keys[0] as Uint8Array, keys[0] as Uint8Array]))
    ).toBe('MALFORMED');
    expect(code(verifyGrandpaJustification(good, 0n, [new Uint8Array(31)]))).toBe('BAD_LENGTH');
    const huge = Array.from({ length: 100_001 }, () => new Uint8Array(32));
    expect(code(verifyGrandpaJustification(good, 0n, huge))).toBe('TOO_LARGE');
    expect(code(verifyGrandpaJustification(good, -1n, keys.slice(0, 1)))).toBe('MALFORMED');
    expect(code(verifyGrandpaJustification(good, 1n << 64n, keys.slice(0, 1)))).toBe('MALFORMED');
    expect(code(verifyGrandpaJustification(good, 0 as unknown as bigint, keys.slice(0, 1)))).toBe(
      'MALFORMED'
    );
    expect(code(verifyGrandpaJustification(good, (1n << 64n) - 1n, keys.slice(0, 1)))).toBe(
      'SIG_INVALID'
    );
  });
});

describe('votes on descendants and the ancestry', () => {
  const set = keys.slice(0, 7); // threshold 5
  const main = descendantChain(target, 3);
  const fork = descendantChain(target, 2, 1);
  const at = (i: number): BlockRef => main.blocks[i] as BlockRef;

  it('precommits on descendants with their ancestry headers verify (and polkadot-js agrees)', () => {
    // 3 on the target, 2 on #1001, 1 on #1003; no child of the target gathers 5.
    const votes = [undefined, undefined, undefined, at(0), at(0), at(2)];
    const j = makeGrandpaJustification({
      round: 3n,
      setId: 2n,
      target,
      signers: signers.slice(0, 6),
      votes,
      descendants: [...main.headers, ...fork.headers],
    });
    const d = ok(decodeGrandpaJustification(j));
    // Only the headers the votes need: #1001..#1003 of the main chain.
    expect(d.votesAncestries.map((h) => toHex(h)).sort()).toEqual(
      main.headers.map((h) => toHex(h)).sort()
    );
    expect(ok(verifyGrandpaJustification(j, 2n, set)).blockNumber).toBe(1000);
    const pj = registry.createType('GrandpaJustification', j) as unknown as PjJustification;
    expect(toHex(pj.toU8a())).toBe(toHex(j));
    expect(pj.commit.precommits.map((p) => p.precommit.targetNumber.toNumber())).toEqual([
      1000, 1000, 1000, 1001, 1001, 1003,
    ]);
    expect(pj.votesAncestries.map((h) => h.hash.toHex()).sort()).toEqual(
      main.blocks.map((b) => toHex(b.hash)).sort()
    );
    // Votes on two sibling branches below the target are fine too.
    const siblings = makeGrandpaJustification({
      round: 3n,
      setId: 2n,
      target,
      signers: signers.slice(0, 6),
      votes: [undefined, at(0), at(1), fork.blocks[0], fork.blocks[1], undefined],
      descendants: [...main.headers, ...fork.headers],
    });
    expect(code(verifyGrandpaJustification(siblings, 2n, set))).toBe('ok');
  });

  it('rejects missing, unused and repeated ancestry headers, and votes off the target chain', () => {
    const good = ok(
      decodeGrandpaJustification(
        makeGrandpaJustification({
          round: 3n,
          setId: 2n,
          target,
          signers: signers.slice(0, 5),
          votes: [undefined, undefined, undefined, at(1), undefined],
          descendants: main.headers,
        })
      )
    );
    expect(good.votesAncestries).toHaveLength(2);
    const variant = (v: Partial<GrandpaJustification>) =>
      verifyGrandpaJustification(encodeGrandpaJustification({ ...good, ...v }), 2n, set);
    const reason = (r: ReturnType<typeof variant>) =>
      r.ok ? 'ok' : [r.code, String(r.facts.reason)];
    expect(code(variant({}))).toBe('ok');
    // A header missing.
    expect(reason(variant({ votesAncestries: good.votesAncestries.slice(1) }))[0]).toBe(
      'JUSTIFICATION_INVALID'
    );
    // An unused header (Substrate rejects redundant ancestry).
    const unused = variant({
      votesAncestries: [...good.votesAncestries, fork.headers[0] as Uint8Array],
    });
    expect(reason(unused)).toEqual(['JUSTIFICATION_INVALID', 'unused ancestry header']);
    // A repeated header.
    const repeated = variant({
      votesAncestries: [...good.votesAncestries, good.votesAncestries[0] as Uint8Array],
    });
    expect(reason(repeated)).toEqual(['JUSTIFICATION_INVALID', 'repeated ancestry header']);
    // A precommit for a block that is not below the target (its own parent chain).
    const elsewhere: BlockRef = { hash: blake2b256(utf8('elsewhere')), number: 1002 };
    const off = good.precommits.map((p, i) =>
      i === 3 ? signPrecommit(signers[3] as GrandpaSigner, elsewhere, 3n, 2n) : p
    );
    expect(reason(variant({ precommits: off }))[0]).toBe('JUSTIFICATION_INVALID');
    // A precommit for an ancestor of the target (Substrate would accept it; honest ones never do).
    const parentHeader = descendantChain({ hash: blake2b256(utf8('grandparent')), number: 998 }, 2);
    const lowTarget = parentHeader.blocks[1] as BlockRef; // #1000 whose parent is #999
    const low = makeGrandpaJustification({
      round: 1n,
      setId: 0n,
      target: lowTarget,
      signers: signers.slice(0, 5),
      votes: [undefined, undefined, undefined, undefined, undefined],
    });
    const lowJ = ok(decodeGrandpaJustification(low));
    const withAncestorVote = encodeGrandpaJustification({
      ...lowJ,
      precommits: [
        ...lowJ.precommits.slice(0, 4),
        signPrecommit(signers[4] as GrandpaSigner, parentHeader.blocks[0] as BlockRef, 1n, 0n),
      ],
      votesAncestries: [parentHeader.headers[1] as Uint8Array],
    });
    expect(code(verifyGrandpaJustification(withAncestorVote, 0n, set))).toBe(
      'JUSTIFICATION_INVALID'
    );
    // A precommit whose number does not match its header.
    const wrongNumber = good.precommits.map((p, i) =>
      i === 3
        ? signPrecommit(signers[3] as GrandpaSigner, { hash: at(1).hash, number: 1005 }, 3n, 2n)
        : p
    );
    expect(reason(variant({ precommits: wrongNumber }))).toEqual([
      'JUSTIFICATION_INVALID',
      'ancestry header number out of sequence',
    ]);
    const wrongTargetNumber = good.precommits.map((p, i) =>
      i === 0
        ? signPrecommit(signers[0] as GrandpaSigner, { hash: target.hash, number: 999 }, 3n, 2n)
        : p
    );
    expect(reason(variant({ precommits: wrongTargetNumber }))[0]).toBe('JUSTIFICATION_INVALID');
  });

  it('the target must be the GHOST: a supermajority on a child finalizes that child instead', () => {
    // 5 of 7 on #1001 or below: the votes finalize #1001, so a justification for #1000 is invalid.
    const j = makeGrandpaJustification({
      round: 3n,
      setId: 2n,
      target,
      signers: signers.slice(0, 6),
      votes: [undefined, at(0), at(0), at(1), at(2), at(0)],
      descendants: main.headers,
    });
    const r = verifyGrandpaJustification(j, 2n, set);
    expect(r.ok ? 'ok' : [r.code, r.facts.block, r.facts.votes]).toEqual([
      'JUSTIFICATION_INVALID',
      toHex(at(0).hash),
      5,
    ]);
    // The five votes on or below #1001 prove #1001 itself.
    const forChild = makeGrandpaJustification({
      round: 3n,
      setId: 2n,
      target: at(0),
      signers: [signers[1], signers[2], signers[3], signers[4], signers[5]] as GrandpaSigner[],
      votes: [undefined, undefined, at(1), at(2), undefined],
      descendants: main.headers,
    });
    expect(ok(verifyGrandpaJustification(forChild, 2n, set)).blockNumber).toBe(1001);
    // An equivocator's weight counts for every block: 4 on the child + 1 equivocator = 5.
    const eq = makeGrandpaJustification({
      round: 3n,
      setId: 2n,
      target,
      signers: [
        signers[0],
        signers[0],
        signers[1],
        signers[2],
        signers[3],
        signers[4],
      ] as GrandpaSigner[],
      votes: [undefined, at(0), at(0), at(0), at(1), at(1)],
      descendants: main.headers,
    });
    expect(code(verifyGrandpaJustification(eq, 2n, set))).toBe('JUSTIFICATION_INVALID');
    // Without the equivocation (signer 0 only on the target) it is valid.
    const noEq = makeGrandpaJustification({
      round: 3n,
      setId: 2n,
      target,
      signers: [signers[0], signers[1], signers[2], signers[3], signers[4]] as GrandpaSigner[],
      votes: [undefined, at(0), at(0), at(1), at(1)],
      descendants: main.headers,
    });
    expect(code(verifyGrandpaJustification(noEq, 2n, set))).toBe('ok');
  });
});

describe('the order of the checks and the reason of each ancestry rejection', () => {
  const set = keys.slice(0, 7); // threshold 5
  const main = descendantChain(target, 2);
  const at = (i: number): BlockRef => main.blocks[i] as BlockRef;
  const good = ok(
    decodeGrandpaJustification(
      makeGrandpaJustification({
        round: 3n,
        setId: 2n,
        target,
        signers: signers.slice(0, 5),
        votes: [undefined, undefined, undefined, at(1), undefined],
        descendants: main.headers,
      })
    )
  );
  const verify = (v: Partial<GrandpaJustification>, auth = set) =>
    verifyGrandpaJustification(encodeGrandpaJustification({ ...good, ...v }), 2n, auth);
  const verdict = (r: ReturnType<typeof verify>) =>
    r.ok ? ['ok'] : [r.code, r.facts.reason === undefined ? '' : String(r.facts.reason)];
  const withVote = (i: number, signer: number, block: BlockRef) =>
    good.precommits.map((p, k) =>
      k === i ? signPrecommit(signers[signer] as GrandpaSigner, block, 3n, 2n) : p
    );

  it('each way a vote can miss the target through the ancestry has its own reason', () => {
    expect(verdict(verify({}))).toEqual(['ok']);
    expect(verdict(verify({ votesAncestries: good.votesAncestries.slice(1) }))).toEqual([
      'JUSTIFICATION_INVALID',
      'precommit block does not descend from the target through the ancestry',
    ]);
    expect(
      verdict(verify({ precommits: withVote(0, 0, { hash: target.hash, number: 999 }) }))
    ).toEqual(['JUSTIFICATION_INVALID', 'precommit for the target with another number']);
    // A header numbered #1002 whose parent is the target #1000: the walk reaches T one short.
    const gap = descendantChain({ hash: target.hash, number: 1001 }, 1);
    expect(
      verdict(
        verify({
          precommits: withVote(3, 3, gap.blocks[0] as BlockRef),
          votesAncestries: gap.headers,
        })
      )
    ).toEqual(['JUSTIFICATION_INVALID', 'ancestry reaches the target at another number']);
    // The same precommit twice, and a third vote of an equivocator.
    const p1 = good.precommits[1] as GrandpaJustification['precommits'][number];
    expect(verdict(verify({ precommits: [...good.precommits, p1] }))).toEqual([
      'SIG_DUPLICATE_ROLE',
      'the same precommit twice',
    ]);
    const third = [
      ...good.precommits,
      signPrecommit(signers[1] as GrandpaSigner, at(0), 3n, 2n),
      signPrecommit(signers[1] as GrandpaSigner, at(1), 3n, 2n),
    ];
    expect(verdict(verify({ precommits: third }))).toEqual([
      'SIG_DUPLICATE_ROLE',
      'more than two precommits',
    ]);
  });

  it('authorities, then decoding, signers, ancestry, threshold, GHOST, signatures last', () => {
    const broken = (ps: GrandpaJustification['precommits']) =>
      ps.map((p, i) => (i === 0 ? { ...p, signature: p.signature.map((b) => b ^ 1) } : p));
    const outsider = signPrecommit(signers[9] as GrandpaSigner, target, 3n, 2n);
    const noAncestry = { votesAncestries: [] };
    // A bad authority set comes before bytes that do not decode.
    expect(verdict(verifyGrandpaJustification(Uint8Array.of(1), 2n, [new Uint8Array(31)]))).toEqual(
      ['BAD_LENGTH', '']
    );
    expect(verdict(verifyGrandpaJustification(Uint8Array.of(1), 2n, set))).toEqual([
      'BAD_ENCODING',
      '',
    ]);
    // An outsider comes before a missing ancestry header.
    expect(verdict(verify({ ...noAncestry, precommits: [...good.precommits, outsider] }))).toEqual([
      'SIGNER_MISMATCH',
      '',
    ]);
    // A missing ancestry header comes before too few signers.
    expect(verdict(verify({ ...noAncestry, precommits: good.precommits.slice(1) }))[0]).toBe(
      'JUSTIFICATION_INVALID'
    );
    // Too few signers comes before a broken signature.
    expect(verdict(verify({ precommits: broken(good.precommits.slice(0, 4)) }))).toEqual([
      'QUORUM_NOT_MET',
      '',
    ]);
    // A descendant with the threshold comes before a broken signature.
    const ghost = ok(
      decodeGrandpaJustification(
        makeGrandpaJustification({
          round: 3n,
          setId: 2n,
          target,
          signers: signers.slice(0, 5),
          votes: [at(0), at(0), at(1), at(1), at(0)],
          descendants: main.headers,
        })
      )
    );
    expect(verdict(verify({ ...ghost, precommits: broken(ghost.precommits) }))).toEqual([
      'JUSTIFICATION_INVALID',
      'a descendant of the target has the threshold: the votes finalize a later block',
    ]);
    expect(verdict(verify({ precommits: broken(good.precommits) }))).toEqual(['SIG_INVALID', '']);
  });
});

describe('hostile bytes', () => {
  const set = keys.slice(0, 4);
  const { headers, blocks } = descendantChain(target, 1);
  const sample = makeGrandpaJustification({
    round: 2n,
    setId: 1n,
    target,
    signers: signers.slice(0, 3),
    votes: [undefined, blocks[0], undefined],
    descendants: headers,
  });

  it('trailing bytes, truncations and lying counts are BAD_ENCODING', () => {
    expect(code(verifyGrandpaJustification(sample, 1n, set))).toBe('ok');
    expect(code(verifyGrandpaJustification(concatBytes(sample, Uint8Array.of(0)), 1n, set))).toBe(
      'BAD_ENCODING'
    );
    for (let n = 0; n < sample.length; n++)
      expect(code(verifyGrandpaJustification(sample.subarray(0, n), 1n, set)), `length ${n}`).toBe(
        'BAD_ENCODING'
      );
    const lie = sample.slice();
    lie[8 + 32 + 4] = 0xfc; // precommit count 63
    expect(code(decodeGrandpaJustification(lie))).toBe('BAD_ENCODING');
    expect(code(decodeGrandpaJustification(new Uint8Array(16 * 1024 * 1024 + 1)))).toBe(
      'TOO_LARGE'
    );
    expect(code(decodeGrandpaJustification('x' as unknown as Uint8Array))).toBe('MALFORMED');
  });

  it('every single-byte change of a justification is rejected', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < sample.length; i++) {
      for (const x of [0x01, 0x80]) {
        const m = sample.slice();
        m[i] = (m[i] as number) ^ x;
        const r = verifyGrandpaJustification(m, 1n, set);
        expect(r.ok, `byte ${i} ^${x}`).toBe(false);
        if (!r.ok) counts[r.code] = (counts[r.code] ?? 0) + 1;
      }
    }
    // Every part of the encoding is covered by some check.
    expect(Object.keys(counts).sort()).toEqual(
      ['BAD_ENCODING', 'JUSTIFICATION_INVALID', 'SIGNER_MISMATCH', 'SIG_INVALID'].sort()
    );
  });

  it('random bytes never throw; the backend parameter is used', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        const r = verifyGrandpaJustification(b, 0n, set);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 3000 }
    );
    let calls = 0;
    const counting: SignatureBackend = {
      name: 'counting',
      verify: (...a) => {
        calls++;
        return pureBackend.verify(...a);
      },
    };
    expect(code(verifyGrandpaJustification(sample, 1n, set, counting))).toBe('ok');
    expect(calls).toBe(3);
    const refuse: SignatureBackend = { name: 'no', verify: () => false };
    expect(code(verifyGrandpaJustification(sample, 1n, set, refuse))).toBe('SIG_INVALID');
  });
});
