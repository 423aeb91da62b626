/**
 * Tests of verifier/header.ts: the SCALE codec of Substrate headers, the block hash and the GRANDPA
 * signals in digests.
 *
 * Outside oracles: real headers from smoldot's tests (Polkadot #512271, Kusama #7472481, Rococo),
 * two consecutive blocks from polkadot-js fixtures (the first header's hash is the second's parent
 * hash), the node-template genesis hash smoldot asserts, the digest encodings polkadot-sdk asserts,
 * and @polkadot/types as an independent SCALE codec (headers, and GRANDPA logs as tuples).
 */
import { readFileSync } from 'node:fs';
import { TypeRegistry } from '@polkadot/types';
import type { Header as PjHeader } from '@polkadot/types/interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactU, concatBytes, parseHex, toHex } from '../verifier/bytes.ts';
import {
  type DigestItem,
  GRANDPA_ENGINE_ID,
  type GrandpaChange,
  type Header,
  MAX_DIGEST_ITEMS,
  decodeGrandpaLog,
  decodeHeader,
  encodeGrandpaLog,
  encodeHeader,
  engineName,
  grandpaDigest,
  grandpaDigestItem,
  headerHash,
} from '../verifier/header.ts';
import { EMPTY_TRIE_ROOT } from '../verifier/trie.ts';

const registry = new TypeRegistry();
const vectors = (p: string): URL => new URL(`./vectors/${p}`, import.meta.url);
const smoldot = JSON.parse(readFileSync(vectors('smoldot/smoldot.json'), 'utf8'));
const bin = (name: string): Uint8Array => new Uint8Array(readFileSync(vectors(`smoldot/${name}`)));
const hex = (s: string): Uint8Array => parseHex(s) as Uint8Array;

function ok<T>(r: { ok: true; value: T } | { ok: false; code: string; facts: unknown }): T {
  if (!r.ok) throw new Error(`rejected: ${r.code} ${JSON.stringify(r.facts)}`);
  return r.value;
}

/** A header as `chain_getBlock` returns it (JSON), encoded from its fields and its raw log items. */
function encodeRpcHeader(h: {
  parentHash: string;
  number: string | number;
  stateRoot: string;
  extrinsicsRoot: string;
  digest: { logs: string[] };
}): Uint8Array {
  return concatBytes(
    hex(h.parentHash),
    compactU(BigInt(h.number)),
    hex(h.stateRoot),
    hex(h.extrinsicsRoot),
    compactU(h.digest.logs.length),
    ...h.digest.logs.map(hex)
  );
}

const REAL_HEADERS: [string, Uint8Array, number | null][] = [
  ['Polkadot #512271', bin('header-polkadot-512271'), 512271],
  ['Kusama #7472481', bin('header-kusama-7472481'), 7472481],
  ['Rococo (smoldot decode_rococo)', hex(smoldot.headers.rococo.header), null],
];

describe('header codec against real headers', () => {
  it('two consecutive blocks link: hash(header #158) is the parentHash of #159 (polkadot-js)', () => {
    const b0 = JSON.parse(readFileSync(vectors('polkadot-js/SignedBlock.003.00.json'), 'utf8'));
    const b1 = JSON.parse(readFileSync(vectors('polkadot-js/SignedBlock.003.01.json'), 'utf8'));
    const e0 = encodeRpcHeader(b0.result.block.header);
    const e1 = encodeRpcHeader(b1.result.block.header);
    const h0 = ok(decodeHeader(e0));
    expect(h0.number).toBe(158);
    expect(h0.digest.map((d) => d.type)).toEqual(['PreRuntime', 'Seal']);
    expect(engineName((h0.digest[0] as { engine: Uint8Array }).engine)).toBe('aura');
    expect(toHex(encodeHeader(h0))).toBe(toHex(e0));
    expect(toHex(headerHash(e0))).toBe(b1.result.block.header.parentHash);
    expect(ok(decodeHeader(e1)).number).toBe(159);
    // polkadot-js builds the same bytes from the JSON.
    expect(toHex(registry.createType('Header', b0.result.block.header).toU8a())).toBe(toHex(e0));
  });

  it('the node-template genesis header hashes to the genesis hash smoldot asserts', () => {
    const g = smoldot.genesis;
    const encoded = encodeHeader({
      parentHash: new Uint8Array(32),
      number: 0,
      stateRoot: hex(g.stateRoot),
      extrinsicsRoot: EMPTY_TRIE_ROOT,
      digest: [],
    });
    expect(toHex(headerHash(encoded))).toBe(g.genesisHash);
  });

  for (const [name, bytes, number] of REAL_HEADERS) {
    it(`${name}: decodes, re-encodes byte for byte, and agrees with @polkadot/types`, () => {
      const h = ok(decodeHeader(bytes));
      if (number !== null) expect(h.number).toBe(number);
      expect(toHex(encodeHeader(h))).toBe(toHex(bytes));
      const pj = registry.createType('Header', bytes) as unknown as PjHeader;
      expect(pj.number.toNumber()).toBe(h.number);
      expect(pj.parentHash.toHex()).toBe(toHex(h.parentHash));
      expect(pj.stateRoot.toHex()).toBe(toHex(h.stateRoot));
      expect(pj.extrinsicsRoot.toHex()).toBe(toHex(h.extrinsicsRoot));
      expect(pj.digest.logs.map((l) => l.type)).toEqual(h.digest.map((d) => d.type));
      pj.digest.logs.forEach((l, i) => expect(l.toHex()).toBe(toHex(encodeItem(h.digest[i]))));
      expect(pj.hash.toHex()).toBe(toHex(headerHash(bytes)));
    });
  }

  it('digest items encode as polkadot-sdk asserts (Other, Seal)', () => {
    const v = JSON.parse(readFileSync(vectors('polkadot-sdk/digest-items.json'), 'utf8'));
    const items: DigestItem[] = [
      { type: 'Other', data: hex(v.digest[0].data) },
      { type: 'Seal', engine: hex(v.digest[1].engine), data: hex(v.digest[1].data) },
    ];
    items.forEach((it, i) => expect(toHex(encodeItem(it))).toBe(v.digest[i].encoded));
    const h: Header = {
      parentHash: new Uint8Array(32).fill(1),
      number: 7,
      stateRoot: new Uint8Array(32).fill(2),
      extrinsicsRoot: new Uint8Array(32).fill(3),
      digest: items,
    };
    const e = encodeHeader(h);
    expect(toHex(e)).toContain(v.digest[0].encoded.slice(2) + v.digest[1].encoded.slice(2));
    expect(ok(decodeHeader(e))).toEqual(h);
  });
});

/** One digest item's encoding: the header encoding of a header with just it, minus the rest. */
function encodeItem(item: DigestItem | undefined): Uint8Array {
  const z = new Uint8Array(32);
  const e = encodeHeader({
    parentHash: z,
    number: 0,
    stateRoot: z,
    extrinsicsRoot: z,
    digest: [item as DigestItem],
  });
  return e.subarray(32 + 1 + 32 + 32 + 1);
}

describe('GRANDPA signals in digests', () => {
  it('Polkadot #512271 schedules a change to 197 authorities (checked against @polkadot/types)', () => {
    const h = ok(decodeHeader(bin('header-polkadot-512271')));
    const changes = ok(grandpaDigest(h));
    expect(changes).toHaveLength(1);
    const c = changes[0] as Extract<GrandpaChange, { type: 'ScheduledChange' }>;
    expect(c.type).toBe('ScheduledChange');
    expect(c.delay).toBe(0);
    expect(c.authorities).toHaveLength(197);
    const item = h.digest.find(
      (d) => d.type === 'Consensus' && toHex(d.engine) === toHex(GRANDPA_ENGINE_ID)
    ) as { data: Uint8Array };
    const pj = registry.createType('(u8, Vec<([u8;32], u64)>, u32)', item.data);
    expect(pj[0].toNumber()).toBe(1);
    expect(pj[1].map((a) => a[0].toHex())).toEqual(c.authorities.map((a) => toHex(a.id)));
    expect(pj[1].map((a) => a[1].toBigInt())).toEqual(c.authorities.map((a) => a.weight));
    expect(pj[2].toNumber()).toBe(c.delay);
    expect(toHex(encodeGrandpaLog(c))).toBe(toHex(item.data));
  });

  it('Kusama #7472481 disables 11 authorities and schedules a change to 900', () => {
    const h = ok(decodeHeader(bin('header-kusama-7472481')));
    const changes = ok(grandpaDigest(h));
    expect(changes.map((c) => c.type)).toEqual([
      ...Array(11).fill('OnDisabled'),
      'ScheduledChange',
    ]);
    const frnk = h.digest.filter(
      (d) => d.type === 'Consensus' && toHex(d.engine) === toHex(GRANDPA_ENGINE_ID)
    ) as { data: Uint8Array }[];
    frnk.slice(0, 11).forEach((d, i) => {
      const pj = registry.createType('(u8, u64)', d.data);
      expect((changes[i] as { index: bigint }).index).toBe(pj[1].toBigInt());
    });
    expect((changes[11] as { authorities: readonly unknown[] }).authorities).toHaveLength(900);
    frnk.forEach((d, i) =>
      expect(toHex(encodeGrandpaLog(changes[i] as GrandpaChange))).toBe(toHex(d.data))
    );
  });

  it('every kind of signal round-trips and matches @polkadot/types tuple encodings', () => {
    const a = [
      { id: new Uint8Array(32).fill(7), weight: 1n },
      { id: new Uint8Array(32).fill(9), weight: 3n },
    ];
    const cases: [GrandpaChange, string, unknown[]][] = [
      [
        { type: 'ScheduledChange', authorities: a, delay: 5 },
        '(u8, Vec<([u8;32], u64)>, u32)',
        [1, a.map((x) => [x.id, x.weight]), 5],
      ],
      [
        { type: 'ForcedChange', medianLastFinalized: 100, authorities: a, delay: 2 },
        '(u8, u32, Vec<([u8;32], u64)>, u32)',
        [2, 100, a.map((x) => [x.id, x.weight]), 2],
      ],
      [{ type: 'OnDisabled', index: 42n }, '(u8, u64)', [3, 42n]],
      [{ type: 'Pause', delay: 10 }, '(u8, u32)', [4, 10]],
      [{ type: 'Resume', delay: 0xffffffff }, '(u8, u32)', [5, 0xffffffff]],
    ];
    for (const [change, type, value] of cases) {
      const e = encodeGrandpaLog(change);
      expect(toHex(e), change.type).toBe(registry.createType(type, value).toHex());
      expect(ok(decodeGrandpaLog(e))).toEqual(change);
      const h: Header = {
        parentHash: new Uint8Array(32),
        number: 1,
        stateRoot: new Uint8Array(32),
        extrinsicsRoot: new Uint8Array(32),
        digest: [
          grandpaDigestItem(change),
          { type: 'Consensus', engine: GRANDPA_ENGINE_ID, data: e },
        ],
      };
      expect(ok(grandpaDigest(ok(decodeHeader(encodeHeader(h)))))).toEqual([change, change]);
    }
  });

  it('rejects malformed GRANDPA logs: unknown index, short, trailing bytes', () => {
    for (const d of ['0x', '0x00', '0x06', '0x04aabb', '0x0400000000ff', '0x01', '0x0104']) {
      const r = decodeGrandpaLog(hex(d));
      expect(r.ok, d).toBe(false);
      if (!r.ok) expect(r.code).toBe('BAD_ENCODING');
    }
    const bad: Header = {
      parentHash: new Uint8Array(32),
      number: 1,
      stateRoot: new Uint8Array(32),
      extrinsicsRoot: new Uint8Array(32),
      digest: [
        { type: 'Consensus', engine: new Uint8Array([66, 65, 66, 69]), data: hex('0x07') },
        { type: 'Consensus', engine: GRANDPA_ENGINE_ID, data: hex('0x09') },
      ],
    };
    const r = grandpaDigest(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.facts.digestItem).toBe(1);
  });
});

describe('strict decoding', () => {
  const sample = bin('header-polkadot-512271');

  it('rejects trailing bytes, every truncation, unknown and removed digest kinds', () => {
    const t = decodeHeader(concatBytes(sample, Uint8Array.of(0)));
    expect(t.ok ? 'ok' : t.code).toBe('BAD_ENCODING');
    const small = hex(smoldot.headers.rococo.header);
    for (let n = 0; n < small.length; n++) {
      const r = decodeHeader(small.subarray(0, n));
      expect(r.ok, `length ${n}`).toBe(false);
    }
    const base = new Uint8Array(32 + 1 + 32 + 32);
    for (const kind of [1, 2, 3, 7, 9, 255]) {
      const r = decodeHeader(concatBytes(base, Uint8Array.of(4, kind, 0)));
      expect(r.ok ? 'ok' : r.code, `kind ${kind}`).toBe('BAD_ENCODING');
    }
    // RuntimeEnvironmentUpdated carries nothing.
    const rt = ok(decodeHeader(concatBytes(base, Uint8Array.of(4, 8))));
    expect(rt.digest).toEqual([{ type: 'RuntimeEnvironmentUpdated' }]);
  });

  it('rejects non-canonical compact numbers and lengths, as parity-scale-codec does', () => {
    const z = new Uint8Array(32);
    // number 1 in the 2-byte and 4-byte modes, 2^14 - 1 in the 4-byte mode, 5 bytes of big mode
    for (const n of ['0x0500', '0x06000000', '0xfeff0000', '0x0701000000', '0x0300000000']) {
      const r = decodeHeader(concatBytes(z, hex(n), z, z, Uint8Array.of(0)));
      expect(r.ok ? 'ok' : r.code, n).toBe('BAD_ENCODING');
    }
    // u32::MAX in the canonical big mode is fine.
    const max = ok(decodeHeader(concatBytes(z, hex('0x03ffffffff'), z, z, Uint8Array.of(0))));
    expect(max.number).toBe(0xffffffff);
    // an Other item whose length is 1 in two-byte mode
    const r = decodeHeader(concatBytes(z, Uint8Array.of(0), z, z, hex('0x04000500aa')));
    expect(r.ok ? 'ok' : r.code).toBe('BAD_ENCODING');
  });

  it('caps the digest and the input size', () => {
    const z = new Uint8Array(32);
    const many = concatBytes(z, Uint8Array.of(0), z, z, compactU(MAX_DIGEST_ITEMS + 1));
    const r = decodeHeader(many);
    expect(r.ok ? 'ok' : r.code).toBe('TOO_LARGE');
    const big = decodeHeader(new Uint8Array(4 * 1024 * 1024 + 1));
    expect(big.ok ? 'ok' : big.code).toBe('TOO_LARGE');
    const lie = decodeHeader(concatBytes(z, Uint8Array.of(0), z, z, compactU(1000)));
    expect(lie.ok ? 'ok' : lie.code).toBe('BAD_ENCODING');
    expect(decodeHeader('nope' as unknown as Uint8Array).ok).toBe(false);
  });

  it('every single-byte change of a header is rejected or gives another canonical header and hash', () => {
    const b0 = JSON.parse(readFileSync(vectors('polkadot-js/SignedBlock.003.00.json'), 'utf8'));
    const original = encodeRpcHeader(b0.result.block.header);
    const hash = toHex(headerHash(original));
    let rejectedCount = 0;
    for (let i = 0; i < original.length; i++) {
      for (let x = 1; x < 256; x++) {
        const m = original.slice();
        m[i] = (m[i] as number) ^ x;
        const r = decodeHeader(m);
        if (!r.ok) {
          rejectedCount++;
          continue;
        }
        // Accepted: then it is canonical (re-encodes to itself), so its hash names it alone.
        expect(toHex(encodeHeader(r.value))).toBe(toHex(m));
        expect(toHex(headerHash(m))).not.toBe(hash);
      }
    }
    expect(rejectedCount).toBeGreaterThan(0);
  });

  it('random bytes never throw; random headers round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const r = decodeHeader(b);
        if (r.ok) expect(toHex(encodeHeader(r.value))).toBe(toHex(b));
      }),
      { numRuns: 3000 }
    );
    const h32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const item: fc.Arbitrary<DigestItem> = fc.oneof(
      fc.record({
        type: fc.constantFrom('PreRuntime' as const, 'Consensus' as const, 'Seal' as const),
        engine: fc.uint8Array({ minLength: 4, maxLength: 4 }),
        data: fc.uint8Array({ maxLength: 100 }),
      }),
      fc.record({ type: fc.constant('Other' as const), data: fc.uint8Array({ maxLength: 70 }) }),
      fc.constant({ type: 'RuntimeEnvironmentUpdated' as const })
    );
    fc.assert(
      fc.property(
        fc.record({
          parentHash: h32,
          number: fc.nat({ max: 0xffffffff }),
          stateRoot: h32,
          extrinsicsRoot: h32,
          digest: fc.array(item, { maxLength: 6 }),
        }),
        (h) => {
          const e = encodeHeader(h);
          expect(ok(decodeHeader(e))).toEqual(h);
          expect(toHex(registry.createType('Header', e).toU8a())).toBe(toHex(e));
        }
      ),
      { numRuns: 300 }
    );
  });
});
