/** Human-readable rendering of receipt lines for the terminal. */
import type { Line, LineStatus } from '../verifier/lines.ts';
import { explainLine } from '../verifier/sentences.ts';
import type { EvidenceReport } from '../verifier/evidence.ts';
import type { BundleReport, Receipt } from '../verifier/receipt.ts';

const paint = (on: boolean, code: number, s: string): string =>
  on ? `\x1b[${code}m${s}\x1b[0m` : s;

/** Each line status's mark and colour: green passes, red fails, yellow waits, cyan is skipped. */
const MARKS: Readonly<Record<LineStatus, { mark: string; color: number }>> = {
  pass: { mark: 'PASS', color: 32 },
  fail: { mark: 'FAIL', color: 31 },
  pending: { mark: 'WAIT', color: 33 },
  skipped: { mark: 'SKIP', color: 36 },
};

function factText(facts: Line['facts']): string {
  return Object.entries(facts)
    .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
    .join('  ');
}

/**
 * One line as the terminal shows it: the mark, the check's name and its title; then, unless it
 * passed, its code (for scripts) and what that code means for this check in a sentence; with
 * `verbose`, what the check establishes for every line. The words come from `explainLine`, the
 * same the explorer shows.
 */
function lineText(
  l: Omit<Line, 'step'>,
  color: boolean,
  verbose: boolean,
  trustedBy: string
): string[] {
  const out: string[] = [];
  const { mark, color: tint } = MARKS[l.status];
  const words = explainLine(l);
  const trust = l.basis === 'trusted' ? ` (trusted: ${trustedBy})` : '';
  // A check the catalogue lacks (a sentinel evidence line) is titled by its name: not twice.
  const title = words.title !== l.check ? `  ${words.title}` : '';
  out.push(`  ${paint(color, tint, mark)} ${l.check}${title}  [${l.rule}]${trust}`);
  if (verbose && words.description) out.push(`       ${paint(color, 2, words.description)}`);
  if (!l.ok && l.code) out.push(`       ${paint(color, tint, l.code)}: ${words.reason ?? l.code}`);
  const facts = factText(l.facts);
  if (facts && (!l.ok || verbose)) out.push(`       ${facts}`);
  if (l.source && (!l.ok || verbose)) out.push(`       source: ${JSON.stringify(l.source)}`);
  return out;
}

/** A sentinel evidence check: what the document claims, then each line. */
export function formatEvidence(r: EvidenceReport, color: boolean, verbose = false): string {
  const out: string[] = [];
  out.push(`sentinel evidence: ${r.claim.kind} (${r.claim.code}) on ${r.node}`);
  out.push(
    `record ${r.subject.activityId} of cluster ${r.subject.clusterId} era ${r.subject.era}, round ${r.subject.round}`
  );
  out.push(`signed by sentinel ${r.sentinel}`);
  out.push('');
  for (const l of r.lines) {
    const by = l.check === 'evidence.finality' ? 'chain' : 'the sentinel’s signature';
    out.push(...lineText(l, color, verbose, by));
  }
  out.push('');
  const passed = r.lines.filter((l) => l.ok).length;
  const verdict = r.ok ? paint(color, 32, 'EVIDENCE HOLDS') : paint(color, 31, 'EVIDENCE REJECTED');
  out.push(`${verdict}: ${passed} passed, ${r.lines.length - passed} failed`);
  return out.join('\n');
}

/** A receipt's verdict by its status. */
const VERDICTS: Readonly<Record<LineStatus, string>> = {
  pass: 'VERIFIED',
  fail: 'FAILED',
  pending: 'PENDING',
  skipped: 'SKIPPED',
};

/**
 * A receipt's word in the one-line-per-bundle listing of several bundles, padded to one width:
 * VERIFIED, UNPINNED (passes, proofs not pinned), FAILED, PENDING or SKIPPED.
 */
export function manyWord(r: {
  readonly status: LineStatus;
  readonly chain: { readonly pinned: boolean };
}): string {
  const word = r.status === 'pass' && !r.chain.pinned ? 'UNPINNED' : VERDICTS[r.status];
  return word.padEnd(9);
}

export function formatReceipt(
  r: Receipt & { readonly chain?: BundleReport['chain'] },
  color: boolean,
  verbose = false
): string {
  const out: string[] = [];
  out.push(`receipt ${r.recordId}`);
  out.push(
    `verifier ${r.verifier.version} (${r.verifier.backend}); quorum rule ${r.policy.quorumRule}; required roles ${r.policy.requiredRoles.join(', ')}`
  );
  let step = '';
  for (const l of r.lines) {
    if (l.step !== step) {
      step = l.step;
      out.push('');
      out.push(paint(color, 1, step.toUpperCase()));
    }
    out.push(...lineText(l, color, verbose, 'chain'));
  }
  out.push('');
  const unpinned = r.status === 'pass' && r.chain !== undefined && !r.chain.pinned;
  const verdict = unpinned
    ? paint(color, 33, 'CONSISTENT, NOT PINNED')
    : paint(color, MARKS[r.status].color, VERDICTS[r.status]);
  const skipped = r.skipped > 0 ? `, ${r.skipped} skipped` : '';
  out.push(`${verdict}: ${r.passed} passed, ${r.failed} failed, ${r.pending} waiting${skipped}`);
  if (r.status === 'skipped')
    out.push(
      "Root skipped the era's payout (force_skip_inspection): no one was charged or rewarded for it, so its settlement checks do not apply"
    );
  if (r.chain) {
    if (r.chain.pinned) out.push(`chain facts proven and pinned by ${r.chain.pinnedBy}`);
    else if (r.chain.proven)
      out.push(
        "chain facts proven against the bundle's own proofs only: pin them with --trust-rpc, --trust-hashes or --trust-authorities"
      );
    if (r.chain.unproven.length > 0)
      out.push(`on the API's word (no proof carried): ${r.chain.unproven.join('; ')}`);
  }
  return out.join('\n');
}
