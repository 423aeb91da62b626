/**
 * Tests of verifier/scale.ts (SCALE decoding of System.Events and extrinsics with pinned runtime
 * types) against two independent decoders reading the devnet's metadata: @polkadot/types
 * (`Vec<EventRecord>`, `Extrinsic`) and @subsquid/substrate-runtime (its own type description).
 * The bytes are the devnet's real blocks (a seeded scenario with the DDC payout lifecycle, plus
 * transfers, failures and long remarks) and records of every event of every pallet, and every
 * pinned call, with random field values encoded from the metadata's own type registry. Also: the
 * generated tables are up to date, hostile input never throws, and decoding is fast.
 */
import { readFileSync } from 'node:fs';
import {
  BTreeMap,
  BTreeSet,
  BitVec,
  Compact,
  Enum,
  GenericVote,
  Metadata,
  Null,
  Option,
  Raw,
  Struct,
  Text,
  Tuple,
  TypeRegistry,
  Vec,
  VecFixed,
  bool,
} from '@polkadot/types';
import type { Codec } from '@polkadot/types/types';
import { stringCamelCase } from '@polkadot/util';
import { Runtime } from '@subsquid/substrate-runtime';
import { decodeMetadata } from '@subsquid/substrate-runtime/lib/metadata/codec.js';
import type { MetadataV14, Si1Type } from '@subsquid/substrate-runtime/lib/metadata/interfaces.js';
import { TypeKind } from '@subsquid/substrate-runtime/lib/metadata/index.js';
import { toCamelCase } from '@subsquid/util-naming';
import type { Type as SqType } from '@subsquid/substrate-runtime/lib/metadata/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Chain, type BuiltBlock } from '../devnet/chain.ts';
import type { BlockSpec, ExtrinsicSigner, ExtrinsicSpec } from '../devnet/chain-types.ts';
import { account, identity } from '../devnet/keys.ts';
import {
  ALL_CERE_RUNTIMES,
  CERE_RUNTIMES,
  DEVNET_RUNTIME_VERSION,
  LATEST_CERE_SPEC,
  cereChainRuntimes,
  cereMetadata,
  devnetMetadata,
  devnetMetadataHex,
} from '../devnet/metadata.ts';
import { buildDevnetScenario } from '../devnet/scenario.ts';
import { GENERATED_PATH, generatePinnedRuntimes, pinsCalls } from '../scripts/pin-runtimes.ts';
import { compactU, concatBytes, parseHex, toHex, uintLE, utf8 } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import * as verifier from '../verifier/index.ts';
import {
  type DecodedEvent,
  type PinnedRuntime,
  type PinnedTable,
  type ScaleValue,
  MAX_SCALE_BYTES,
  PINNED_RUNTIMES,
  decodeEvents,
  decodeExtrinsic,
  decodeLastRuntimeUpgrade,
  pinnedRuntime,
  runtimeOfTable,
} from '../verifier/scale.ts';

const rt = pinnedRuntime(DEVNET_RUNTIME_VERSION.specName, DEVNET_RUNTIME_VERSION.specVersion)!;

// ---------------------------------------------------------------------------------------------
// The oracles
// ---------------------------------------------------------------------------------------------

function polkadotRegistry(): TypeRegistry {
  const registry = new TypeRegistry();
  registry.setMetadata(new Metadata(registry, devnetMetadataHex() as `0x${string}`));
  return registry;
}

function subsquidRuntime(): Runtime {
  return new Runtime(
    { specName: 'node', specVersion: LATEST_CERE_SPEC, implName: 'substrate-node', implVersion: 0 },
    devnetMetadataHex()
  );
}

/** Names @polkadot/types gives struct fields (PortableRegistry `sanitizeField`). */
const POLKADOT_RESERVED = new Set(['entries', 'keys', 'new', 'size', 'hash', 'registry']);
function polkadotName(s: string): string {
  const c = stringCamelCase(s);
  return c.includes('#') ? c.replace(/#/g, '_') : POLKADOT_RESERVED.has(c) ? `${c}_` : c;
}

/**
 * Our value with struct keys named as an oracle names fields: @polkadot/types `polkadotName`
 * (`p2p_port` -> `p2pPort`, `hash` -> `hash_`), subsquid `toCamelCase` (`p2p_port` -> `p2PPort`).
 */
function camelKeys(v: ScaleValue, name: (s: string) => string = polkadotName): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x: ScaleValue) => camelKeys(x, name));
  const o = v as Record<string, ScaleValue>;
  if ('variant' in o && 'value' in o && Object.keys(o).length === 2)
    return { variant: o.variant, value: camelKeys(o.value as ScaleValue, name) };
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [name(k), camelKeys(x, name)]));
}

/** Drops our unit-typed (`()`) struct fields where subsquid's value leaves them out. */
function withoutUnitFields(mine: unknown, theirs: unknown): unknown {
  if (mine === null || typeof mine !== 'object' || theirs === null || typeof theirs !== 'object')
    return mine;
  if (Array.isArray(mine))
    return mine.map((x, i) => withoutUnitFields(x, (theirs as unknown[])[i]));
  const t = theirs as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(mine as Record<string, unknown>)
      .filter(([k, x]) => !(x === null && !(k in t)))
      .map(([k, x]) => [k, withoutUnitFields(x, t[k])])
  );
}

/** Ours (snake_case keys) equals subsquid's value in our model. */
function expectSameAsSubsquid(mine: ScaleValue, theirs: unknown, where: string): void {
  expect(withoutUnitFields(camelKeys(mine, toCamelCase), theirs), where).toEqual(theirs);
}

/** A @polkadot/types codec in our value model (struct keys stay camelCase). */
function fromPolkadot(c: Codec): unknown {
  if (c instanceof Option) {
    return c.isSome
      ? { variant: 'Some', value: fromPolkadot(c.unwrap() as Codec) }
      : { variant: 'None', value: null };
  }
  // pallet_democracy's `Vote(u8)`: a byte with the aye bit and the conviction.
  if (c instanceof GenericVote) return BigInt(c.toU8a()[0]!);
  if (c instanceof Compact) return (c.unwrap() as unknown as { toBigInt(): bigint }).toBigInt();
  if (c instanceof BitVec) throw new Error('no bit sequences expected');
  if (c instanceof Raw) return c.toHex(); // Bytes, [u8; N], AccountId, H256 …
  if (c instanceof Text) return c.toString();
  if (c instanceof bool) return c.isTrue;
  if (c instanceof Null) return null;
  if (c instanceof Enum) {
    const inner = c.inner as Codec;
    return { variant: c.type, value: inner instanceof Null ? null : fromPolkadot(inner) };
  }
  if (c instanceof Struct) {
    if (c.size === 0) return null;
    return Object.fromEntries([...c.entries()].map(([k, v]) => [k, fromPolkadot(v as Codec)]));
  }
  if (c instanceof BTreeMap) {
    return [...c.entries()].map(([k, v]) => [fromPolkadot(k as Codec), fromPolkadot(v as Codec)]);
  }
  if (c instanceof BTreeSet) return [...c.values()].map((x) => fromPolkadot(x as Codec));
  if (c instanceof Tuple) return c.length === 0 ? null : [...c].map((x) => fromPolkadot(x));
  if (c instanceof Vec || c instanceof VecFixed) return [...c].map((x) => fromPolkadot(x as Codec));
  const int = c as unknown as { toBigInt?: () => bigint };
  if (typeof int.toBigInt === 'function') return int.toBigInt();
  throw new Error(`fromPolkadot: unexpected codec ${c.constructor.name} ${c.toRawType()}`);
}

/** A value subsquid decoded, in our value model, walked along subsquid's own type description. */
function fromSubsquid(types: readonly SqType[], ti: number, v: unknown): unknown {
  const t = types[ti]!;
  switch (t.kind) {
    case TypeKind.Primitive:
      return t.primitive === 'Bool' || t.primitive === 'Str' || t.primitive === 'Char'
        ? v
        : BigInt(v as number | bigint);
    case TypeKind.Compact: {
      return v === null ? null : BigInt(v as number | bigint);
    }
    case TypeKind.Sequence:
    case TypeKind.Array:
      return (v as unknown[]).map((x) => fromSubsquid(types, t.type, x));
    case TypeKind.HexBytes:
    case TypeKind.HexBytesArray:
      return v;
    case TypeKind.Tuple:
      return t.tuple.length === 0
        ? null
        : t.tuple.map((x, i) => fromSubsquid(types, x, (v as unknown[])[i]));
    case TypeKind.Composite: {
      if (t.fields.length === 0) return null;
      if (t.fields[0]!.name === undefined) {
        if (t.fields.length === 1) return fromSubsquid(types, t.fields[0]!.type, v);
        return t.fields.map((f, i) => fromSubsquid(types, f.type, (v as unknown[])[i]));
      }
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        t.fields.map((f) => [f.name!, fromSubsquid(types, f.type, o[f.name!])])
      );
    }
    case TypeKind.Variant: {
      const o = v as { __kind: string; value?: unknown } & Record<string, unknown>;
      const variant = t.variants.find((x) => x.name === o.__kind)!;
      const fs = variant.fields;
      let value: unknown = null;
      if (fs.length > 0 && fs[0]!.name !== undefined) {
        value = Object.fromEntries(
          fs.map((f) => [f.name!, fromSubsquid(types, f.type, o[f.name!])])
        );
      } else if (fs.length === 1) value = fromSubsquid(types, fs[0]!.type, o.value);
      else if (fs.length > 1)
        value = fs.map((f, i) => fromSubsquid(types, f.type, (o.value as unknown[])[i]));
      return { variant: o.__kind, value };
    }
    case TypeKind.Option:
      return v === undefined
        ? { variant: 'None', value: null }
        : { variant: 'Some', value: fromSubsquid(types, t.type, v) };
    default:
      throw new Error(`fromSubsquid: unexpected kind ${t.kind}`);
  }
}

function phaseOf(p: { __kind: string; value?: number }): DecodedEvent['phase'] {
  return p.__kind === 'ApplyExtrinsic'
    ? { kind: 'ApplyExtrinsic', extrinsic: p.value! }
    : ({ kind: p.__kind } as DecodedEvent['phase']);
}

/** Checks our events against both oracles, field by field. */
function expectEventsAgree(
  registry: TypeRegistry,
  sq: Runtime,
  bytes: Uint8Array,
  pinned: PinnedRuntime = rt
): DecodedEvent[] {
  const ours = decodeEvents(pinned, bytes);
  if (!ours.ok) throw new Error(`decodeEvents failed: ${JSON.stringify(ours)}`);
  const events = ours.value;

  const pj = registry.createType('Vec<EventRecord>', bytes) as unknown as Array<{
    phase: Enum;
    event: {
      section: string;
      method: string;
      data: Codec[];
      meta: { fields: Array<{ name: Codec }> };
    };
    topics: Codec[];
  }>;
  expect(pj.length).toBe(events.length);
  const d = sq.description;
  const types = d.types as SqType[];
  const sqEvents = sq.scaleCodec.decodeBinary(d.eventRecordList, bytes) as Array<{
    phase: { __kind: string; value?: number };
    event: { __kind: string; value: { __kind: string } & Record<string, unknown> };
    topics: string[];
  }>;
  expect(sqEvents.length).toBe(events.length);
  const outerEvent = types[d.event] as Extract<SqType, { kind: TypeKind.Variant }>;

  events.forEach((e, i) => {
    const where = `event ${i} ${e.pallet}.${e.name}`;
    expect(e.index, where).toBe(i);
    // @polkadot/types
    const p = pj[i]!;
    expect(e.phase, where).toEqual(
      p.phase.type === 'ApplyExtrinsic'
        ? { kind: 'ApplyExtrinsic', extrinsic: Number((p.phase.inner as any).toNumber()) }
        : { kind: p.phase.type }
    );
    expect(stringCamelCase(e.pallet), where).toBe(p.event.section);
    expect(e.name, where).toBe(p.event.method);
    expect(e.topics, where).toEqual(p.topics.map((t) => t.toHex()));
    const names = p.event.meta.fields.map((f) =>
      (f.name as any).isSome ? f.name.toString() : null
    );
    if (names.length > 0 && names[0] !== null) {
      expect(Object.keys(e.args), where).toEqual(names);
      const pjArgs = Object.fromEntries(p.event.data.map((x, k) => [names[k], fromPolkadot(x)]));
      const mine = Object.fromEntries(
        Object.entries(e.args).map(([k, x]) => [k, camelKeys(x as ScaleValue)])
      );
      expect(mine, where).toEqual(pjArgs);
    } else {
      expect(Array.isArray(e.args), where).toBe(true);
      expect(camelKeys(e.args as ScaleValue), where).toEqual(p.event.data.map(fromPolkadot));
    }
    // subsquid
    const s = sqEvents[i]!;
    expect(e.phase, where).toEqual(phaseOf(s.phase));
    expect(e.pallet, where).toBe(s.event.__kind);
    expect(e.name, where).toBe(s.event.value.__kind);
    expect(e.topics, where).toEqual(s.topics);
    const palletEnum = outerEvent.variants.find((v) => v.name === s.event.__kind)!.fields[0]!.type;
    const fromSq = fromSubsquid(types, palletEnum, s.event.value) as { value: unknown };
    const ourArgs = Array.isArray(e.args)
      ? e.args.length === 0
        ? null
        : e.args.length === 1
          ? e.args[0]
          : e.args
      : e.args;
    expectSameAsSubsquid(ourArgs as ScaleValue, fromSq.value, where);
  });
  return events;
}

/** Checks our decode of one extrinsic against both oracles. */
function expectExtrinsicAgrees(
  registry: TypeRegistry,
  sq: Runtime,
  bytes: Uint8Array,
  pinned: PinnedRuntime = rt
): void {
  const ours = decodeExtrinsic(pinned, bytes);
  if (!ours.ok) throw new Error(`decodeExtrinsic failed: ${JSON.stringify(ours)}`);
  const x = ours.value;
  const pj = registry.createType('Extrinsic', bytes) as any;
  expect(x.signed).toBe(pj.isSigned);
  expect(x.signer).toBe(pj.isSigned && pj.signer.type === 'Id' ? pj.signer.inner.toHex() : null);
  const [palletIndex, callIndex] = [...(pj.method.callIndex as Uint8Array)];
  if ('unsupported' in x.call) {
    expect(pinsCalls(x.call.pallet)).toBe(false);
    expect([x.call.palletIndex, x.call.callIndex]).toEqual([palletIndex, callIndex]);
    expect(stringCamelCase(x.call.pallet)).toBe(pj.method.section);
    return;
  }
  expect(pinsCalls(x.call.pallet)).toBe(true);
  const where = `${x.call.pallet}.${x.call.name}`;
  expect(stringCamelCase(x.call.pallet), where).toBe(pj.method.section);
  expect(stringCamelCase(x.call.name), where).toBe(pj.method.method);
  const argNames: string[] = pj.method.meta.args.map((a: any) => a.name.toString());
  // Call arguments keep their plain camelCase names (`keys`), nested struct fields are sanitized.
  expect(Object.keys(x.call.args).map(stringCamelCase), where).toEqual(argNames);
  const mine = Object.entries(x.call.args).map(([k, v]) => [stringCamelCase(k), camelKeys(v)]);
  expect(Object.fromEntries(mine), where).toEqual(
    Object.fromEntries(pj.method.args.map((a: Codec, k: number) => [argNames[k], fromPolkadot(a)]))
  );

  const s = sq.decodeExtrinsic(toHex(bytes)) as any;
  expect(x.signed).toBe(s.signature !== undefined);
  if (s.signature !== undefined) {
    expect(x.signer).toBe(s.signature.address.__kind === 'Id' ? s.signature.address.value : null);
  }
  const types = sq.description.types as SqType[];
  const outerCall = types[sq.description.call] as Extract<SqType, { kind: TypeKind.Variant }>;
  expect(x.call.pallet).toBe(s.call.__kind);
  const palletEnum = outerCall.variants.find((v) => v.name === s.call.__kind)!.fields[0]!.type;
  const fromSq = fromSubsquid(types, palletEnum, s.call.value) as {
    variant: string;
    value: unknown;
  };
  expect(x.call.name).toBe(fromSq.variant);
  expectSameAsSubsquid(x.call.args, fromSq.value ?? {}, where);
}

// ---------------------------------------------------------------------------------------------
// Random values of any metadata type (encoded from the metadata, not from our table)
// ---------------------------------------------------------------------------------------------

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRIMITIVE_BYTES: Record<string, number> = {
  U8: 1,
  I8: 1,
  U16: 2,
  I16: 2,
  U32: 4,
  I32: 4,
  U64: 8,
  I64: 8,
  U128: 16,
  I128: 16,
  U256: 32,
  I256: 32,
};

class Encoder {
  constructor(
    readonly md: MetadataV14,
    readonly rnd: () => number
  ) {}
  type(t: number): Si1Type {
    return this.md.lookup.types[t]!.type;
  }
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
  /** Width in bytes of the integer a compact of `t` encodes (through newtypes), 0 for a unit. */
  compactWidth(t: number): number {
    const d = this.type(t).def;
    if (d.__kind === 'Primitive') return PRIMITIVE_BYTES[d.value.__kind]!;
    if (d.__kind === 'Composite' && d.value.fields.length === 1)
      return this.compactWidth(d.value.fields[0]!.type);
    if (d.__kind === 'Composite' || d.__kind === 'Tuple') return 0;
    throw new Error(`compact of ${d.__kind}`);
  }
  compact(width: number): Uint8Array {
    const max = (1n << BigInt(8 * width)) - 1n;
    const picks = [
      0n,
      1n,
      63n,
      64n,
      16383n,
      16384n,
      2n ** 30n - 1n,
      2n ** 30n,
      2n ** 32n - 1n,
      max,
    ];
    const pick = picks.filter((p) => p <= max)[this.int(picks.length)] ?? max;
    return compactU(pick === max ? BigInt(Math.floor(this.rnd() * 2 ** 52)) & max : pick);
  }
  value(t: number, depth = 0): Uint8Array {
    const ty = this.type(t);
    // `Vote(u8)` has a hand-written Decode that rejects convictions over 6 (Locked6x).
    if (ty.path.join('::').endsWith('vote::Vote'))
      return Uint8Array.of(this.int(2) * 0x80 + this.int(7));
    const d = ty.def;
    switch (d.__kind) {
      case 'Primitive': {
        const k = d.value.__kind;
        if (k === 'Bool') return Uint8Array.of(this.int(2));
        if (k === 'Str') {
          const s = 'proof room'.slice(0, this.int(11)) + (this.rnd() < 0.2 ? ' é✓' : '');
          const b = utf8(s);
          return concatBytes(compactU(b.length), b);
        }
        if (k === 'Char') return uintLE(BigInt(0x61 + this.int(26)), 4);
        return this.bytes(PRIMITIVE_BYTES[k]!);
      }
      case 'Compact': {
        const w = this.compactWidth(d.value.type);
        return w === 0 ? new Uint8Array(0) : this.compact(w);
      }
      case 'Sequence': {
        const inner = this.type(d.value.type).def;
        if (inner.__kind === 'Primitive' && inner.value.__kind === 'U8') {
          const n = this.int(this.rnd() < 0.1 ? 300 : 40);
          return concatBytes(compactU(n), this.bytes(n));
        }
        const n = depth > 4 ? 0 : this.int(3);
        return concatBytes(
          compactU(n),
          ...Array.from({ length: n }, () => this.value(d.value.type, depth + 1))
        );
      }
      case 'Array':
        return concatBytes(
          ...Array.from({ length: d.value.len }, () => this.value(d.value.type, depth + 1))
        );
      case 'Tuple':
        return concatBytes(...d.value.map((x) => this.value(x, depth + 1)));
      case 'Composite':
        return concatBytes(...d.value.fields.map((f) => this.value(f.type, depth + 1)));
      case 'Variant': {
        const vs = d.value.variants;
        const v =
          depth > 6
            ? [...vs].sort((a, b) => a.fields.length - b.fields.length)[0]!
            : vs[this.int(vs.length)]!;
        return concatBytes(
          Uint8Array.of(v.index),
          ...v.fields.map((f) => this.value(f.type, depth + 1))
        );
      }
      case 'BitSequence':
        throw new Error('no bit sequences expected');
    }
  }
}

function devnetV14(): MetadataV14 {
  const m = decodeMetadata(devnetMetadata());
  if (m.__kind !== 'V14') throw new Error('not v14');
  return m.value;
}

/** `Vec<EventRecord>` with one record of every event of every pallet, random field values. */
function everyEvent(md: MetadataV14, seed: number): { bytes: Uint8Array; count: number } {
  const enc = new Encoder(md, prng(seed));
  const records: Uint8Array[] = [];
  for (const p of md.pallets) {
    if (p.events === undefined) continue;
    const def = enc.type(p.events.type).def;
    if (def.__kind !== 'Variant') throw new Error('pallet events are not an enum');
    for (const v of def.value.variants) {
      const phaseKind = enc.int(3);
      const phase =
        phaseKind === 0 ? concatBytes(Uint8Array.of(0), enc.bytes(4)) : Uint8Array.of(phaseKind);
      const topics = enc.int(3);
      records.push(
        concatBytes(
          phase,
          Uint8Array.of(p.index, v.index),
          ...v.fields.map((f) => enc.value(f.type)),
          compactU(topics),
          enc.bytes(32 * topics)
        )
      );
    }
  }
  return { bytes: concatBytes(compactU(records.length), ...records), count: records.length };
}

/** Unsigned v4 extrinsics with every call of every pinned pallet, random arguments. */
function everyPinnedCall(md: MetadataV14, seed: number): Uint8Array[] {
  const enc = new Encoder(md, prng(seed));
  const out: Uint8Array[] = [];
  for (const p of md.pallets) {
    if (p.calls === undefined || !pinsCalls(p.name)) continue;
    const def = enc.type(p.calls.type).def;
    if (def.__kind !== 'Variant') throw new Error('pallet calls are not an enum');
    for (const v of def.value.variants) {
      const body = concatBytes(
        Uint8Array.of(0x04, p.index, v.index),
        ...v.fields.map((f) => enc.value(f.type))
      );
      out.push(concatBytes(compactU(body.length), body));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Devnet blocks
// ---------------------------------------------------------------------------------------------

const alice = identity('scale-test', 'alice', 'ed25519');
const bob = identity('scale-test', 'bob', 'sr25519');
const carol = toHex(account('scale-test', 'carol'));

function remark(signer: ExtrinsicSigner | undefined, bytes: Uint8Array): ExtrinsicSpec {
  return {
    call: { pallet: 'System', name: 'remark_with_event', args: { remark: toHex(bytes) } },
    ...(signer ? { signer } : {}),
    events: [
      {
        pallet: 'System',
        name: 'Remarked',
        args: { sender: toHex((signer ?? alice).publicKey), hash: toHex(blake2b256(bytes)) },
      },
    ],
  };
}

function transfer(signer: ExtrinsicSigner, amount: bigint, failed = false): ExtrinsicSpec {
  return {
    call: {
      pallet: 'Balances',
      name: 'transfer_keep_alive',
      args: { dest: { __kind: 'Id', value: carol }, value: amount },
    },
    signer,
    events: failed
      ? []
      : [
          {
            pallet: 'Balances',
            name: 'Transfer',
            args: { from: toHex(signer.publicKey), to: carol, amount },
          },
        ],
    failed,
  };
}

interface Fixture {
  registry: TypeRegistry;
  sq: Runtime;
  md: MetadataV14;
  blocks: BuiltBlock[];
}

let fx: Fixture;

beforeAll(() => {
  // One runtime (the newest pinned one) for the whole chain; the upgrade test below crosses all.
  const sc = buildDevnetScenario({ records: 60, seed: 'scale-test', runtimes: [LATEST_CERE_SPEC] });
  const chain = new Chain({
    ...cereChainRuntimes(sc.runtimes),
    genesisTimestamp: sc.genesisTimestamp,
  });
  const extra: BlockSpec[] = [
    {
      timestamp: 0,
      extrinsics: [
        remark(alice, utf8('hello devnet')),
        transfer(bob, 12_345_678_901_234_567_890n),
        remark(
          bob,
          new Uint8Array(300).map((_, i) => i & 0xff)
        ),
        transfer(alice, 5n, true),
        remark(undefined, utf8('unsigned')),
      ],
    },
  ];
  const blocks: BuiltBlock[] = [];
  let ts = sc.genesisTimestamp;
  for (const spec of [...sc.blocks, ...extra]) {
    ts = Math.max(ts + 6000, spec.timestamp);
    const b = chain.build({ ...spec, timestamp: ts });
    chain.setBest(b.hash);
    blocks.push(b);
  }
  fx = { registry: polkadotRegistry(), sq: subsquidRuntime(), md: devnetV14(), blocks };
}, 120_000);

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('pinned runtimes', () => {
  it('pin every devnet runtime, by spec name and version, with the hash of its metadata', () => {
    expect(PINNED_RUNTIMES.map((r) => `${r.specName}@${r.specVersion}`)).toEqual(
      ALL_CERE_RUNTIMES.map((r) => `node@${r.specVersion}`)
    );
    expect(rt).toBe(PINNED_RUNTIMES.at(-1));
    expect(rt.metadataHash).toBe(toHex(blake2b256(devnetMetadata())));
    for (const r of ALL_CERE_RUNTIMES)
      expect(pinnedRuntime('node', r.specVersion)!.metadataHash).toBe(
        toHex(blake2b256(cereMetadata(r.specVersion)))
      );
    expect(pinnedRuntime('node', 73099)).toBeUndefined();
    expect(pinnedRuntime('cere', LATEST_CERE_SPEC)).toBeUndefined();
    expect(verifier.pinnedRuntime).toBe(pinnedRuntime);
    expect(verifier.decodeEvents).toBe(decodeEvents);
    expect(rt.signedExtensions).toContain('CheckNonce');
  });

  it('verifier/runtimes/generated.ts is what scripts/pin-runtimes.ts generates now', async () => {
    const text = await generatePinnedRuntimes();
    expect(text === readFileSync(GENERATED_PATH, 'utf8'), 'run `npm run pin-runtimes`').toBe(true);
    const raw = Buffer.byteLength(text);
    console.log(`pinned tables: ${raw} bytes`);
    expect(raw).toBeLessThan(150_000);
  });

  it('refuse runtimes that are not pinned, even with the same name and version', () => {
    const fake = { ...rt } as PinnedRuntime;
    const r = decodeEvents(fake, Uint8Array.of(0));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('UNSUPPORTED_VERSION');
    const x = decodeExtrinsic(fake, Uint8Array.of(0));
    expect(x.ok ? null : x.code).toBe('UNSUPPORTED_VERSION');
  });
});

describe('across runtime upgrades', () => {
  it('every block of a chain that upgrades 73047 → 73160 → 73177 decodes with the runtime that executed it', () => {
    const sc = buildDevnetScenario({ records: 90, eras: 3, seed: 'scale-upgrades' });
    expect(sc.runtimes.upgrades.map((u) => u.specVersion)).toEqual([73160, 73177]);
    const chain = new Chain({
      ...cereChainRuntimes(sc.runtimes),
      genesisTimestamp: sc.genesisTimestamp,
    });
    const oracles = new Map(
      CERE_RUNTIMES.map((r) => {
        const registry = new TypeRegistry();
        const hex = toHex(cereMetadata(r.specVersion)) as `0x${string}`;
        registry.setMetadata(new Metadata(registry, hex));
        const sq = new Runtime(
          {
            specName: 'node',
            specVersion: r.specVersion,
            implName: 'substrate-node',
            implVersion: 0,
          },
          hex
        );
        return [r.specVersion, { registry, sq }];
      })
    );
    const bySpec = new Map<number, number>();
    let parent = chain.best;
    for (const spec of sc.blocks) {
      const b = chain.build(spec, parent.hash);
      parent = b;
      const executed = chain.executedBy(b.hash)!.runtimeVersion.specVersion;
      bySpec.set(executed, (bySpec.get(executed) ?? 0) + 1);
      const o = oracles.get(executed)!;
      const pinned = pinnedRuntime('node', executed)!;
      const ours = decodeEvents(pinned, parseHex(b.eventsHex)!);
      expect(ours.ok).toBe(true);
      expectEventsAgree(o.registry, o.sq, parseHex(b.eventsHex)!, pinned);
      for (const x of b.extrinsics) expectExtrinsicAgrees(o.registry, o.sq, parseHex(x)!, pinned);
    }
    expect([...bySpec.keys()]).toEqual([73047, 73160, 73177]);
  });
});

describe('decodeEvents agrees with @polkadot/types and subsquid', () => {
  it('on every block of a devnet scenario (DDC payouts, transfers, failures, remarks)', () => {
    const seen = new Set<string>();
    let total = 0;
    for (const b of fx.blocks) {
      const events = expectEventsAgree(fx.registry, fx.sq, parseHex(b.eventsHex)!);
      expect(events.length).toBe(b.eventCount);
      total += events.length;
      for (const e of events) seen.add(`${e.pallet}.${e.name}`);
    }
    for (const name of [
      'DdcPayouts.PayoutFingerprintCommited',
      'DdcPayouts.Charged',
      'DdcPayouts.Rewarded',
      'DdcPayouts.PayoutReceiptFinalized',
      'DdcClusters.ClusterEraPaid',
      'DdcCustomers.Charged',
      'DdcVerification.ValidatorsSetUpdated',
      'System.Remarked',
      'System.ExtrinsicFailed',
      'Balances.Transfer',
    ]) {
      expect(seen.has(name), name).toBe(true);
    }
    expect(total).toBeGreaterThan(100);
  });

  it('reads DDC event fields by their metadata names', () => {
    const all = fx.blocks.flatMap((b) => {
      const r = decodeEvents(rt, parseHex(b.eventsHex)!);
      return r.ok ? r.value : [];
    });
    const paid = all.find((e) => e.pallet === 'DdcClusters' && e.name === 'ClusterEraPaid')!;
    expect(paid.phase.kind).toBe('ApplyExtrinsic');
    const args = paid.args as Record<string, ScaleValue>;
    expect(Object.keys(args)).toEqual(['cluster_id', 'era_id']);
    expect(args.cluster_id).toMatch(/^0x[0-9a-f]{40}$/);
    expect(typeof args.era_id).toBe('bigint');
    const failed = all.find((e) => e.name === 'ExtrinsicFailed')!;
    const err = (failed.args as Record<string, ScaleValue>).dispatch_error as {
      variant: string;
      value: unknown;
    };
    expect(err.variant).toBe('Module');
  });

  it('on one record of every event of every pallet, random values (5 seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { bytes, count } = everyEvent(fx.md, seed);
      const events = expectEventsAgree(fx.registry, fx.sq, bytes);
      expect(events.length).toBe(count);
    }
  });
});

describe('decodeExtrinsic agrees with @polkadot/types and subsquid', () => {
  it('on every extrinsic of the devnet blocks (signed and unsigned, pinned and pruned pallets)', () => {
    const kinds = new Set<string>();
    for (const b of fx.blocks) {
      for (const hex of b.extrinsics) {
        const bytes = parseHex(hex)!;
        expectExtrinsicAgrees(fx.registry, fx.sq, bytes);
        const r = decodeExtrinsic(rt, bytes);
        if (r.ok) kinds.add(`${r.value.signed}:${'unsupported' in r.value.call}`);
      }
    }
    expect([...kinds].sort()).toEqual(['false:false', 'true:false', 'true:true']);
  });

  it('on every call of the pinned pallets, random arguments (5 seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const x of everyPinnedCall(fx.md, seed)) expectExtrinsicAgrees(fx.registry, fx.sq, x);
    }
  });

  it('reads a signed transfer as an unsupported call of Balances, with its signer', () => {
    const block = fx.blocks[fx.blocks.length - 1]!;
    const r = decodeExtrinsic(rt, parseHex(block.extrinsics[2]!)!);
    expect(r).toEqual({
      ok: true,
      value: {
        signed: true,
        signer: toHex(bob.publicKey),
        call: { unsupported: true, pallet: 'Balances', palletIndex: 6, callIndex: 3 },
      },
    });
    const t = decodeExtrinsic(rt, parseHex(block.extrinsics[0]!)!);
    expect(t.ok && t.value.call).toEqual({
      pallet: 'Timestamp',
      name: 'set',
      args: { now: BigInt(block.timestamp) },
    });
  });
});

describe('decodeLastRuntimeUpgrade', () => {
  it('reads LastRuntimeUpgradeInfo as @polkadot/types encodes it', () => {
    const bytes = fx.registry
      .createType('LastRuntimeUpgradeInfo', { specVersion: 73100, specName: 'node' })
      .toU8a();
    expect(decodeLastRuntimeUpgrade(bytes)).toEqual({
      ok: true,
      value: { specVersion: 73100, specName: 'node' },
    });
    for (let n = 0; n < bytes.length; n++) {
      expect(decodeLastRuntimeUpgrade(bytes.subarray(0, n)).ok).toBe(false);
    }
    expect(decodeLastRuntimeUpgrade(concatBytes(bytes, Uint8Array.of(0))).ok).toBe(false);
    expect(decodeLastRuntimeUpgrade(Uint8Array.of(0x04, 0x04, 0xff)).ok).toBe(false); // not UTF-8
    expect(decodeLastRuntimeUpgrade(Uint8Array.of(0x01, 0x00, 0x00)).ok).toBe(false); // 0 as 2 bytes
    expect(decodeLastRuntimeUpgrade(new Uint8Array(5000))).toMatchObject({ code: 'TOO_LARGE' });
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------------------------

function expectRejected(r: { ok: boolean }, what: string): void {
  expect(r.ok, what).toBe(false);
}

describe('hostile input', () => {
  const richest = (): Uint8Array =>
    fx.blocks.map((b) => parseHex(b.eventsHex)!).reduce((a, b) => (b.length > a.length ? b : a));

  it('every truncation and extension of a real events blob is rejected, never thrown', () => {
    const blob = richest();
    expect(decodeEvents(rt, blob).ok).toBe(true);
    for (let n = 0; n < blob.length; n++) {
      const r = decodeEvents(rt, blob.subarray(0, n));
      expectRejected(r, `truncated to ${n}`);
      if (!r.ok) {
        expect(['BAD_ENCODING', 'TOO_LARGE']).toContain(r.code);
        expect(typeof r.facts.offset).toBe('number');
      }
    }
    const longer = decodeEvents(rt, concatBytes(blob, Uint8Array.of(0)));
    expect(longer.ok ? null : longer.facts.reason).toBe('trailing bytes after the events');
  });

  it('every truncation of real extrinsics is rejected, never thrown', () => {
    for (const b of fx.blocks.slice(-3)) {
      for (const hex of b.extrinsics) {
        const x = parseHex(hex)!;
        for (let n = 0; n < x.length; n++)
          expectRejected(decodeExtrinsic(rt, x.subarray(0, n)), `${n}`);
        // Fixing up the length prefix: the body itself is cut short.
        for (let n = 1; n < x.length - 3; n += 7) {
          const body = x.subarray(2, 2 + n);
          const r = decodeExtrinsic(rt, concatBytes(compactU(body.length), body));
          if (r.ok) expect('unsupported' in r.value.call).toBe(true);
        }
      }
    }
  });

  it('random bytes and mutated blobs never throw', () => {
    const rnd = prng(42);
    const blob = richest();
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(rnd() * 200);
      const bytes = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
      decodeEvents(rt, bytes);
      decodeExtrinsic(rt, bytes);
      decodeLastRuntimeUpgrade(bytes);
      const m = blob.slice();
      for (let k = 0; k < 3; k++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
      const r = decodeEvents(rt, m);
      if (!r.ok) expect(['BAD_ENCODING', 'TOO_LARGE', 'UNSUPPORTED_KIND']).toContain(r.code);
    }
  });

  it('huge or non-canonical lengths are rejected without allocating', () => {
    const huge = [
      Uint8Array.of(0xfe, 0xff, 0xff, 0xff), // Compact<u32> 2^30 - 1 events
      Uint8Array.of(0x03, 0xff, 0xff, 0xff, 0xff), // 2^32 - 1
      Uint8Array.of(0x13, 0, 0, 0, 0, 0, 0, 0, 0x01), // 2^56 as a length: not a u32
      Uint8Array.of(0x01, 0x00), // 0 in the two-byte mode
      Uint8Array.of(0x02, 0x00, 0x00, 0x00), // 0 in the four-byte mode
    ];
    for (const h of huge) {
      const r = decodeEvents(rt, h);
      expect(r.ok ? null : r.code).toBe('BAD_ENCODING');
    }
    // One event whose Remarked sender… is followed by a `Vec<u8>`-sized claim in an extrinsic.
    const remarkCall = concatBytes(
      Uint8Array.of(0x04, 0x00, 0x07), // unsigned, System.remark_with_event
      Uint8Array.of(0xfe, 0xff, 0xff, 0xff) // remark: 2^30 - 1 bytes
    );
    const r = decodeExtrinsic(rt, concatBytes(compactU(remarkCall.length), remarkCall));
    expect(r.ok ? null : r.facts.reason).toBe('truncated');
    expect(decodeEvents(rt, new Uint8Array(MAX_SCALE_BYTES + 1))).toMatchObject({
      code: 'TOO_LARGE',
    });
  });

  it('rejects other extrinsic versions, bad length prefixes and unknown pallets', () => {
    const x = parseHex(fx.blocks[0]!.extrinsics[0]!)!; // Timestamp.set, unsigned
    const body = x.slice(1);
    expect(decodeExtrinsic(rt, x).ok).toBe(true);
    body[0] = 0x05;
    expect(decodeExtrinsic(rt, concatBytes(x.subarray(0, 1), body))).toMatchObject({
      code: 'UNSUPPORTED_VERSION',
    });
    expect(decodeExtrinsic(rt, concatBytes(compactU(x.length), x.subarray(1))).ok).toBe(false);
    const unknown = Uint8Array.of(0x0c, 0x04, 250, 0x00);
    expect(decodeExtrinsic(rt, unknown)).toMatchObject({
      code: 'BAD_ENCODING',
      facts: { reason: 'no pallet with index 250' },
    });
  });

  it('bounds nesting, zero-sized sequences and decodes bit sequences (synthetic tables)', () => {
    const table = (types: string[]): PinnedTable => ({
      specName: 'synthetic',
      specVersion: 1,
      metadataHash: '0x',
      events: 0,
      address: 7,
      signature: 7,
      extra: 7,
      call: 8,
      signedExtensions: [],
      types: '\n' + types.join('\n') + '\n',
    });
    const base = [
      '["S",1]', // 0 Vec<EventRecord>
      '["C","EventRecord",[2,3,4],["phase","event","topics"]]', // 1
      '["V","Phase",[[0,"ApplyExtrinsic",[5]],[1,"Finalization",[]],[2,"Initialization",[]]]]', // 2
      '["V","RuntimeEvent",[[0,"Test",[9]]]]', // 3
      '["S",6]', // 4 topics
      '"u32"', // 5
      '["A",32,10]', // 6
      '["T",[]]', // 7
      '["V","RuntimeCall",[[0,"Test",[9]]]]', // 8
    ];
    const events = (types: string[]): PinnedRuntime => runtimeOfTable(table([...base, ...types]));
    const one = (variant: number, ...args: Uint8Array[]): Uint8Array =>
      concatBytes(Uint8Array.of(0x04, 0x01, 0x00, variant), ...args, Uint8Array.of(0));

    // 9: the pallet enum; 10 u8; 11 a recursive enum; 12 Vec<()>; 13 bits; 14 Compact<u8>.
    const rtx = events([
      '["V","Event",[[0,"Deep",[11]],[1,"Units",[12]],[2,"Bits",[13]],[3,"Small",[14]],[4,"Big",[15]]]]',
      '"u8"',
      '["V","Tree",[[0,"Leaf",[]],[1,"Node",[11]]]]',
      '["S",7]',
      '["B",10,"Lsb0"]',
      '["K",10]',
      '["K",16]',
      '"i128"',
    ]);
    const deep = (n: number): Uint8Array =>
      concatBytes(new Uint8Array(n).fill(1), Uint8Array.of(0));
    const ok = decodeEvents(rtx, one(0, deep(10)));
    expect(ok.ok).toBe(true);
    expect(decodeEvents(rtx, one(0, deep(5000)))).toMatchObject({
      code: 'TOO_LARGE',
      facts: { reason: 'nested too deeply', event: 0 },
    });
    expect(decodeEvents(rtx, one(1, Uint8Array.of(0x03, 0xff, 0xff, 0xff, 0xff)))).toMatchObject({
      code: 'TOO_LARGE',
      facts: { reason: 'too many values for the input size' },
    });
    const units = decodeEvents(rtx, one(1, compactU(1000)));
    expect(units.ok && units.value[0]!.args).toEqual([new Array(1000).fill(null)]);
    const bits = decodeEvents(rtx, one(2, compactU(10), Uint8Array.of(0xff, 0x03)));
    expect(bits.ok && bits.value[0]!.args).toEqual([{ bits: 10n, bytes: '0xff03' }]);
    const small = decodeEvents(rtx, one(3, compactU(255)));
    expect(small.ok && small.value[0]!.args).toEqual([255n]);
    expect(decodeEvents(rtx, one(3, compactU(256))).ok).toBe(false); // over u8
    // A compact of a signed integer is not a thing: the table cannot decode it.
    expect(decodeEvents(rtx, one(4, Uint8Array.of(0)))).toMatchObject({ code: 'UNSUPPORTED_KIND' });
    expect(() => runtimeOfTable(table(['["Q"]']))).not.toThrow(); // compiled lazily…
    expect(() => decodeEvents(runtimeOfTable(table(['["Q"]'])), Uint8Array.of(0))).toThrow(
      /unknown tag Q/
    ); // …and a broken table is a bug, not bad input
  });
});

describe('speed', () => {
  it('decodes 1,000 events quickly', () => {
    // Records of real blocks, concatenated up to 1,000.
    const records: Uint8Array[] = [];
    let count = 0;
    for (const b of fx.blocks) {
      const bytes = parseHex(b.eventsHex)!;
      const n = decodeEvents(rt, bytes);
      if (!n.ok) throw new Error('bad block');
      const prefix = compactU(n.value.length).length;
      records.push(bytes.subarray(prefix));
      count += n.value.length;
    }
    const pool = concatBytes(...records);
    const copies = Math.ceil(1000 / count);
    const many = concatBytes(...new Array<Uint8Array>(copies).fill(pool));
    const all = concatBytes(compactU(count * copies), many);
    const warm = decodeEvents(rt, all);
    expect(warm.ok && warm.value.length).toBe(count * copies);
    const rounds = 20;
    const start = performance.now();
    for (let i = 0; i < rounds; i++) decodeEvents(rt, all);
    const perEvent = ((performance.now() - start) * 1000) / (rounds * count * copies);
    console.log(
      `decodeEvents: ${(count * copies).toLocaleString()} events (${all.length} bytes), ${perEvent.toFixed(2)} µs/event`
    );
    expect(perEvent).toBeLessThan(100);
  });
});
