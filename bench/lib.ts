/**
 * Tiny benchmark kit: run a function repeatedly for a time budget and report operations per second.
 * Every figure a benchmark prints is measured in the same run as its baseline.
 */

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The figure divided by the named baseline figure measured in the same run. */
  readonly ratio?: { readonly against: string; readonly value: number };
  readonly note?: string;
}

export type Reporter = (figure: Figure) => void;

/** Calls `fn(batch)` repeatedly for at least `ms` milliseconds; returns operations per second. */
export async function opsPerSecond(fn: () => number | Promise<number>, ms = 1500): Promise<number> {
  // Warm up (JIT, key caches) before measuring.
  const warmEnd = performance.now() + Math.min(300, ms / 4);
  while (performance.now() < warmEnd) await fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    ops += await fn();
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** Latency percentiles (ms) of `samples`. */
export function percentiles(
  samples: number[],
  ps: number[] = [50, 90, 99]
): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const p of ps) {
    const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
    out[`p${p}`] = sorted[Math.max(0, idx)] ?? NaN;
  }
  return out;
}

export function formatFigure(f: Figure): string {
  const v = f.value >= 100 ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(2);
  const ratio = f.ratio ? `  (${f.ratio.value.toFixed(2)}x ${f.ratio.against})` : '';
  const note = f.note ? `  [${f.note}]` : '';
  return `${f.name.padEnd(58)} ${v.padStart(12)} ${f.unit}${ratio}${note}`;
}
