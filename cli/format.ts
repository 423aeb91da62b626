/** Human-readable rendering of receipt lines for the terminal. */
import { REASONS, type Line } from '../verifier/lines.ts';
import type { EvidenceReport } from '../verifier/evidence.ts';
import type { BundleReport, Receipt } from '../verifier/receipt.ts';

const paint = (on: boolean, code: number, s: string): string =>
  on ? `\x1b[${code}m${s}\x1b[0m` : s;

function factText(facts: Line['facts']): string {
  return Object.entries(facts)
    .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
    .join('  ');
}

function lineText(
  l: Omit<Line, 'step'>,
  color: boolean,
  verbose: boolean,
  trustedBy: string
): string[] {
  const out: string[] = [];
  const waiting = l.status === 'pending';
  const mark = l.ok
    ? paint(color, 32, 'PASS')
    : waiting
      ? paint(color, 33, 'WAIT')
      : paint(color, 31, 'FAIL');
  const trust = l.basis === 'trusted' ? ` (trusted: ${trustedBy})` : '';
  out.push(`  ${mark} ${l.check}  [${l.rule}]${trust}`);
  if (!l.ok && l.code)
    out.push(
      `       ${paint(color, waiting ? 33 : 31, l.code)}: ${waiting ? 'waits: ' : ''}${REASONS[l.code]}`
    );
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
  const verdict =
    r.status === 'pass'
      ? unpinned
        ? paint(color, 33, 'CONSISTENT, NOT PINNED')
        : paint(color, 32, 'VERIFIED')
      : r.status === 'pending'
        ? paint(color, 33, 'PENDING')
        : paint(color, 31, 'FAILED');
  out.push(`${verdict}: ${r.passed} passed, ${r.failed} failed, ${r.pending} waiting`);
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
