/**
 * Pins runtimes' types for the verifier: reads each runtime's v14 metadata and writes
 * `verifier/runtimes/generated.ts`, the compact type tables `verifier/scale.ts` decodes
 * `System.Events` and extrinsics with (`npm run pin-runtimes`; format: docs/pinned-runtimes.md).
 *
 * A table holds the types reachable from five roots, renumbered from 0 in breadth-first order:
 * `Vec<EventRecord>` (every pallet's events: finding event k means decoding events 0..k-1), the
 * extrinsic's address, signature and signed extensions' extra, and the outer call enum pruned to
 * the pallets whose calls the verifier reads (System, Timestamp and every `Ddc*` pallet); other
 * pallets keep their variant index and name with no fields. Names kept: pallet, variant and field
 * names as in metadata, and each composite's and variant's path's last segment.
 *
 * The runtimes are the Cere runtimes the devnet runs (devnet/metadata.ts `ALL_CERE_RUNTIMES`: the billing-report runtime 71000 and the receipt runtimes). Run this again whenever a pinned
 * runtime's metadata changes; test/scale.test.ts fails while the committed file is stale.
 * @module
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { decodeMetadata } from '@subsquid/substrate-runtime/lib/metadata/codec.js';
import type { MetadataV14, Si1Type } from '@subsquid/substrate-runtime/lib/metadata/interfaces.js';
import * as prettier from 'prettier';
import { ALL_CERE_RUNTIMES, cereMetadata, cereRuntimeVersion } from '../devnet/metadata.ts';
import { toHex } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import type { PinnedTable } from '../verifier/scale.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const GENERATED_PATH = path.join(here, '..', 'verifier', 'runtimes', 'generated.ts');

/** A runtime to pin: its spec name and version and its metadata as `state_getMetadata` returns it. */
export interface RuntimeSource {
  readonly specName: string;
  readonly specVersion: number;
  readonly metadata: Uint8Array;
}

/** The runtimes pinned today: every Cere runtime the devnet runs (devnet/metadata.ts). */
export function pinnedSources(): RuntimeSource[] {
  return ALL_CERE_RUNTIMES.map((r) => ({
    specName: cereRuntimeVersion(r.specVersion).specName,
    specVersion: r.specVersion,
    metadata: cereMetadata(r.specVersion),
  }));
}

/** Pallets whose calls the verifier decodes; other pallets' calls decode as "unsupported". */
export function pinsCalls(pallet: string): boolean {
  return pallet === 'System' || pallet === 'Timestamp' || pallet.startsWith('Ddc');
}

/** A type definition of the table, before it is written as one JSON line. */
type Def = string | readonly unknown[];

/** Key of the synthetic pruned call enum among the metadata's (non-negative) type ids. */
const PRUNED_CALL = -1;

function last(p: readonly string[]): string {
  return p.length === 0 ? '' : (p[p.length - 1] as string);
}

function fieldsOf(
  fields: ReadonlyArray<{ name?: string | undefined; type: number }>,
  id: (t: number) => number,
  where: string
): unknown[] {
  const ts = fields.map((f) => id(f.type));
  const named = fields.filter((f) => f.name !== undefined).length;
  if (named === 0) return [ts];
  if (named !== fields.length) throw new Error(`${where}: mixes named and unnamed fields`);
  return [ts, fields.map((f) => f.name as string)];
}

/** The table of one runtime. */
export function pinTable(source: RuntimeSource): PinnedTable {
  const decoded = decodeMetadata(source.metadata);
  if (decoded.__kind !== 'V14') throw new Error(`expected v14 metadata, got ${decoded.__kind}`);
  const md: MetadataV14 = decoded.value;
  const typeOf = (t: number): Si1Type => {
    const entry = md.lookup.types[t];
    if (entry === undefined || entry.id !== t) throw new Error(`no type ${t} in the registry`);
    return entry.type;
  };

  // Roots.
  const system = md.pallets.find((p) => p.name === 'System');
  const eventsEntry = system?.storage?.items.find((i) => i.name === 'Events');
  if (eventsEntry === undefined || eventsEntry.type.__kind !== 'Plain')
    throw new Error('System.Events is not a plain storage value');
  const eventsType = eventsEntry.type.value;
  if (md.extrinsic.version !== 4) throw new Error(`extrinsic version ${md.extrinsic.version}`);
  const param = (name: string): number => {
    const p = typeOf(md.extrinsic.type).params.find((x) => x.name === name);
    if (p?.type === undefined) throw new Error(`UncheckedExtrinsic has no ${name} parameter`);
    return p.type;
  };
  const [address, call, signature, extra] = ['Address', 'Call', 'Signature', 'Extra'].map(param);
  const signedExtensions = md.extrinsic.signedExtensions.map((e) => e.identifier);
  const extraDef = typeOf(extra as number).def;
  if (
    extraDef.__kind !== 'Tuple' ||
    extraDef.value.length !== signedExtensions.length ||
    extraDef.value.some((t, i) => t !== md.extrinsic.signedExtensions[i]?.type)
  ) {
    throw new Error('Extra is not the tuple of the signed extensions');
  }
  const callDef = typeOf(call as number).def;
  if (callDef.__kind !== 'Variant') throw new Error('Call is not an enum');

  // Breadth-first renumbering from the roots.
  const order: number[] = [];
  const ids = new Map<number, number>();
  const id = (t: number): number => {
    let n = ids.get(t);
    if (n === undefined) {
      n = order.length;
      ids.set(t, n);
      order.push(t);
    }
    return n;
  };
  const roots = [eventsType, address, signature, extra, PRUNED_CALL].map((t) => id(t as number));

  const defOf = (t: number): Def => {
    if (t === PRUNED_CALL) {
      const variants = [...callDef.value.variants].sort((a, b) => a.index - b.index);
      return [
        'V',
        last(typeOf(call as number).path),
        variants.map((v) =>
          pinsCalls(v.name)
            ? [v.index, v.name, ...fieldsOf(v.fields, id, `call ${v.name}`)]
            : [v.index, v.name, null]
        ),
      ];
    }
    const ty = typeOf(t);
    const d = ty.def;
    const where = `type ${t} (${ty.path.join('::')})`;
    switch (d.__kind) {
      case 'Primitive':
        return d.value.__kind.toLowerCase();
      case 'Composite':
        return ['C', last(ty.path), ...fieldsOf(d.value.fields, id, where)];
      case 'Variant':
        return [
          'V',
          last(ty.path),
          [...d.value.variants]
            .sort((a, b) => a.index - b.index)
            .map((v) => [v.index, v.name, ...fieldsOf(v.fields, id, `${where} ${v.name}`)]),
        ];
      case 'Sequence':
        return ['S', id(d.value.type)];
      case 'Array':
        return ['A', d.value.len, id(d.value.type)];
      case 'Tuple':
        return ['T', d.value.map(id)];
      case 'Compact':
        return ['K', id(d.value.type)];
      case 'BitSequence': {
        const orderName = last(typeOf(d.value.bitOrderType).path);
        if (orderName !== 'Lsb0' && orderName !== 'Msb0')
          throw new Error(`${where}: unknown bit order ${orderName}`);
        return ['B', id(d.value.bitStoreType), orderName];
      }
    }
  };
  const lines: string[] = [];
  for (let i = 0; i < order.length; i++) {
    const line = JSON.stringify(defOf(order[i] as number));
    // Lines go into a template literal: nothing in them may be read as an escape or a placeholder.
    if (/[\\`\n]|\$\{/.test(line)) throw new Error(`type ${order[i]}: unsafe text ${line}`);
    lines.push(line);
  }
  const [e, a, s, x, c] = roots as [number, number, number, number, number];
  return {
    specName: source.specName,
    specVersion: source.specVersion,
    metadataHash: toHex(blake2b256(source.metadata)),
    events: e,
    address: a,
    signature: s,
    extra: x,
    call: c,
    signedExtensions,
    types: '\n' + lines.join('\n') + '\n',
  };
}

/** The module text (before formatting). */
export function renderModule(tables: readonly PinnedTable[]): string {
  const entries = tables.map(
    (t) => `  {
    specName: ${JSON.stringify(t.specName)},
    specVersion: ${t.specVersion},
    metadataHash: ${JSON.stringify(t.metadataHash)},
    events: ${t.events},
    address: ${t.address},
    signature: ${t.signature},
    extra: ${t.extra},
    call: ${t.call},
    signedExtensions: ${JSON.stringify(t.signedExtensions)},
    types: \`${t.types}\`,
  },
`
  );
  return `/**
 * GENERATED by scripts/pin-runtimes.ts (\`npm run pin-runtimes\`) from each runtime's v14 metadata:
 * do not edit. The pinned type tables verifier/scale.ts decodes System.Events and extrinsics with;
 * the format is described in docs/pinned-runtimes.md. Runtimes: ${tables
   .map((t) => `${t.specName}@${t.specVersion}`)
   .join(', ')}.
 * @module
 */
import type { PinnedTable } from '../scale.ts';

export const PINNED_TABLES: readonly PinnedTable[] = [
${entries.join('')}];
`;
}

/** The text of verifier/runtimes/generated.ts for these runtimes, formatted as the repo formats. */
export async function generatePinnedRuntimes(
  sources: readonly RuntimeSource[] = pinnedSources()
): Promise<string> {
  const text = renderModule(sources.map(pinTable));
  const config = (await prettier.resolveConfig(GENERATED_PATH)) ?? {};
  return prettier.format(text, { ...config, filepath: GENERATED_PATH });
}

async function main(): Promise<void> {
  const text = await generatePinnedRuntimes();
  writeFileSync(GENERATED_PATH, text);
  const raw = Buffer.byteLength(text);
  const gz = gzipSync(text, { level: 9 }).length;
  console.log(
    `wrote ${path.relative(process.cwd(), GENERATED_PATH)}: ${raw} bytes, ${gz} bytes gzipped`
  );
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  await main();
}
