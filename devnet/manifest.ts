/**
 * Compares what a verifier said about a receipt with what the devnet's manifest says it must say.
 * Every line the manifest lists for a receipt must fail with exactly that reason code; every
 * other line must pass. Downstream tests (indexer, API, explorer) use this to compare exactly.
 */
import type { Manifest, ManifestReceipt } from './scenario.ts';

export interface LineOutcome {
  readonly check: string;
  readonly ok: boolean;
  readonly code: string | null;
}

export class ManifestIndex {
  private readonly byId = new Map<string, ManifestReceipt>();
  constructor(readonly manifest: Manifest) {
    for (const r of manifest.receipts) this.byId.set(r.recordId, r);
  }
  expected(recordId: string): ManifestReceipt | undefined {
    return this.byId.get(recordId);
  }
  /** Differences between `lines` and the manifest for `recordId`; empty when they agree. */
  diff(recordId: string, lines: readonly LineOutcome[]): string[] {
    const want = this.byId.get(recordId)?.failing ?? [];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const l of lines) {
      const w = want.find((f) => f.check === l.check);
      if (w) {
        seen.add(w.check);
        if (l.ok) problems.push(`${recordId} ${l.check}: passed, manifest says ${w.code}`);
        else if (l.code !== w.code)
          problems.push(`${recordId} ${l.check}: failed with ${l.code}, manifest says ${w.code}`);
      } else if (!l.ok) {
        problems.push(`${recordId} ${l.check}: failed with ${l.code}, manifest says pass`);
      }
    }
    for (const w of want)
      if (!seen.has(w.check))
        problems.push(`${recordId} ${w.check}: no such line, manifest says ${w.code}`);
    return problems;
  }
}
