/**
 * Compares what a verifier said about a receipt with what the devnet's manifest says it must say.
 * Every line the manifest lists for a receipt must fail (or, for an era Root skipped, be skipped)
 * with exactly that reason code; every other line must pass; and every line the catalogue (verifier/catalogue.ts) requires of the
 * receipt's subjects must be there, so a line that goes missing is a difference, not a pass.
 * Downstream tests (indexer, API, explorer, the offline verifier) use this to compare exactly.
 */
import { requiredChecks } from '../verifier/catalogue.ts';
import { DEFAULT_REQUIRED_ROLES } from '../verifier/kinds.ts';
import type { Manifest, ManifestReceipt } from './scenario.ts';

export interface LineOutcome {
  readonly check: string;
  readonly ok: boolean;
  readonly code: string | null;
  /** pass, fail, pending or skipped, when the producer says; a line not ok without one fails. */
  readonly status?: string;
}

export class ManifestIndex {
  private readonly byId = new Map<string, ManifestReceipt>();
  /** Votes per `<clusterId>-<era>`, and per era alone (cluster 1's, the first listed). */
  private readonly votes = new Map<string | number, number>();
  constructor(readonly manifest: Manifest) {
    for (const r of manifest.receipts) this.byId.set(r.recordId, r);
    for (const e of manifest.eraRounds) {
      this.votes.set(`${e.clusterId}-${e.era}`, e.votes);
      if (!this.votes.has(e.era)) this.votes.set(e.era, e.votes);
    }
  }
  expected(recordId: string): ManifestReceipt | undefined {
    return this.byId.get(recordId);
  }

  /**
   * The checks every receipt must carry whatever its faults: the catalogue's required checks of
   * its five subjects, with both settlement sides and, when its era is known, one fingerprint line
   * per vote the era received (in `clusterId`, when given: the clusters' eras are voted on
   * apart). Grant versions are not counted (the manifest does not list them).
   */
  required(era: number | null, clusterId: string | null = null): string[] {
    const votes =
      era === null
        ? 0
        : ((clusterId === null ? undefined : this.votes.get(`${clusterId}-${era}`)) ??
          this.votes.get(era) ??
          0);
    return [
      ...requiredChecks('links'),
      ...requiredChecks('record', { roles: DEFAULT_REQUIRED_ROLES }),
      ...requiredChecks('anchor'),
      ...requiredChecks('settlement', { side: 'payers' }),
      ...requiredChecks('settlement', { side: 'payees' }),
      ...requiredChecks('era', { items: votes }),
    ];
  }

  /**
   * Differences between `lines` and the manifest for `recordId`; empty when they agree. `era` and
   * `clusterId` are the receipt's when the caller knows them (receipts the manifest lists carry
   * their own).
   */
  diff(
    recordId: string,
    lines: readonly LineOutcome[],
    era: number | null = null,
    clusterId: string | null = null
  ): string[] {
    const expected = this.byId.get(recordId);
    const want = expected?.failing ?? [];
    const moot = expected?.skipped ?? [];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const l of lines) {
      const status = l.status ?? (l.ok ? 'pass' : 'fail');
      const w = want.find((f) => f.check === l.check);
      const m = moot.find((f) => f.check === l.check);
      if (m && !w) {
        seen.add(m.check);
        if (status !== 'skipped' || l.code !== m.code)
          problems.push(
            `${recordId} ${l.check}: ${status} ${l.code}, manifest says skipped ${m.code}`
          );
      } else if (w) {
        seen.add(w.check);
        if (l.ok) problems.push(`${recordId} ${l.check}: passed, manifest says ${w.code}`);
        else if (status !== 'fail')
          problems.push(
            `${recordId} ${l.check}: ${status} ${l.code}, manifest says fail ${w.code}`
          );
        else if (l.code !== w.code)
          problems.push(`${recordId} ${l.check}: failed with ${l.code}, manifest says ${w.code}`);
      } else if (!l.ok) {
        problems.push(`${recordId} ${l.check}: ${status} with ${l.code}, manifest says pass`);
      }
    }
    for (const w of [...want, ...moot])
      if (!seen.has(w.check))
        problems.push(`${recordId} ${w.check}: no such line, manifest says ${w.code}`);
    const have = new Set(lines.map((l) => l.check));
    const receiptEra = expected?.era ?? era;
    const receiptCluster = expected?.clusterId ?? clusterId;
    for (const c of this.required(receiptEra, receiptCluster))
      if (!have.has(c)) problems.push(`${recordId} ${c}: no such line, the catalogue requires it`);
    return problems;
  }
}
