/** Human-readable rendering of receipt lines for the terminal. */
import { REASONS, type Line } from '../verifier/lines.ts';
import type { Receipt } from '../verifier/receipt.ts';

const paint = (on: boolean, code: number, s: string): string =>
  on ? `\x1b[${code}m${s}\x1b[0m` : s;

function factText(facts: Line['facts']): string {
  return Object.entries(facts)
    .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
    .join('  ');
}

export function formatReceipt(r: Receipt, color: boolean, verbose = false): string {
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
    const mark = l.ok ? paint(color, 32, 'PASS') : paint(color, 31, 'FAIL');
    const trust = l.basis === 'trusted' ? ' (trusted: chain)' : '';
    out.push(`  ${mark} ${l.check}  [${l.rule}]${trust}`);
    if (!l.ok && l.code) out.push(`       ${paint(color, 31, l.code)}: ${REASONS[l.code]}`);
    const facts = factText(l.facts);
    if (facts && (!l.ok || verbose)) out.push(`       ${facts}`);
    if (l.source && (!l.ok || verbose)) out.push(`       source: ${JSON.stringify(l.source)}`);
  }
  out.push('');
  const verdict = r.ok ? paint(color, 32, 'VERIFIED') : paint(color, 31, 'FAILED');
  out.push(`${verdict}: ${r.passed} passed, ${r.failed} failed`);
  return out.join('\n');
}
