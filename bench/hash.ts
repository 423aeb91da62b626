/**
 * BLAKE2 throughput: the verifier's own BLAKE2b-256 (verifier/hash.ts) against @noble/hashes
 * `blake2b(x, { dkLen: 32 })` measured in the same run, for 64-byte (a leaf or an id), 350-byte and
 * 1 KiB (receipt payloads) and 1 MiB inputs; and the payout tree's `blake2s256Pair` against noble
 * `blake2s` of the 64-byte concatenation.
 *
 * Run alone: `node --import tsx bench/hash.ts`.
 */
import { pathToFileURL } from 'node:url';
import { blake2b, blake2s } from '@noble/hashes/blake2.js';
import { blake2b256, blake2s256Pair } from '../verifier/hash.ts';
import { formatFigure, opsPerSecond, type Reporter } from './lib.ts';

const SIZES: readonly { readonly bytes: number; readonly label: string }[] = [
  { bytes: 64, label: '64 B' },
  { bytes: 350, label: '350 B' },
  { bytes: 1024, label: '1 KiB' },
  { bytes: 1 << 20, label: '1 MiB' },
];

/** A few distinct inputs of `bytes` bytes (deterministic), hashed in turn. */
function inputs(bytes: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) =>
    Uint8Array.from({ length: bytes }, (_, i) => (i * 131 + k * 17 + 7) & 0xff)
  );
}

/** Hashes per second of `hash` over `xs`, in batches of `batch` calls. */
function rate(
  hash: (x: Uint8Array) => Uint8Array,
  xs: readonly Uint8Array[],
  batch: number
): Promise<number> {
  let sink = 0;
  let k = 0;
  const ops = opsPerSecond(() => {
    for (let i = 0; i < batch; i++) {
      sink ^= hash(xs[k] as Uint8Array)[0] as number;
      k = (k + 1) % xs.length;
    }
    return batch;
  }, 1000);
  return ops.then((v) => (sink === -1 ? 0 : v));
}

export async function run(report: Reporter): Promise<void> {
  for (const { bytes, label } of SIZES) {
    const xs = inputs(bytes, bytes >= 1 << 20 ? 2 : 16);
    const batch = Math.max(1, Math.floor(65536 / bytes));
    const big = bytes >= 1 << 20;
    // Large inputs are reported as MB/s (10^6 bytes per second), small ones as hashes per second.
    const scale = big ? bytes / 1e6 : 1;
    const unit = big ? 'MB/s' : 'hashes/s';
    const baselineName = `blake2b-256 ${label} @noble/hashes (baseline)`;
    const noble = (await rate((x) => blake2b(x, { dkLen: 32 }), xs, batch)) * scale;
    const ours = (await rate(blake2b256, xs, batch)) * scale;
    report({ name: baselineName, value: noble, unit, ratio: { against: baselineName, value: 1 } });
    report({
      name: `blake2b-256 ${label} verifier/hash.ts`,
      value: ours,
      unit,
      ratio: { against: baselineName, value: ours / noble },
      note: `${((1e9 * scale) / ours / bytes).toFixed(2)} ns/byte`,
    });
  }

  const pairs = inputs(64, 16);
  const lefts = pairs.map((p) => p.subarray(0, 32));
  const rights = pairs.map((p) => p.subarray(32));
  const pairBaseline = 'blake2s-256 of 32 B + 32 B @noble/hashes (baseline)';
  const noblePair = await rate((x) => blake2s(x), pairs, 1024);
  let j = 0;
  const oursPair = await rate(
    () => {
      j = (j + 1) & 15;
      return blake2s256Pair(lefts[j] as Uint8Array, rights[j] as Uint8Array);
    },
    pairs,
    1024
  );
  report({
    name: pairBaseline,
    value: noblePair,
    unit: 'hashes/s',
    ratio: { against: pairBaseline, value: 1 },
  });
  report({
    name: 'blake2s256Pair verifier/hash.ts',
    value: oursPair,
    unit: 'hashes/s',
    ratio: { against: pairBaseline, value: oursPair / noblePair },
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run((figure) => console.log(formatFigure(figure)));
}
