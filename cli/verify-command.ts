/**
 * `proofroom verify`: the offline check of receipt bundles and sentinel evidence files (one, or
 * several on all cores). Loaded only when the command runs, so `proofroom help` stays light.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseBundle } from '../verifier/bundle.ts';
import { isEvidence, parseEvidence, verifyEvidence } from '../verifier/evidence.ts';
import { parseJson } from '../verifier/json.ts';
import { QUORUM_RULES, type QuorumRule } from '../verifier/quorum.ts';
import { citedBlocks } from '../verifier/chain.ts';
import { DEFAULT_POLICY, type ReceiptPolicy, verifyBundle } from '../verifier/receipt.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { ReceiptPool } from '../verifier/node/receipt-pool.ts';
import { MAX_BUNDLE_BYTES } from '../verifier/bundle.ts';
import { type Args, type OptionSpec, UsageError, parseArgs } from './args.ts';
import { loadConfig } from './config.ts';
import { type VerifyCounts, exitCodeOf, exitCodeOfMany } from './exit-codes.ts';
import { formatEvidence, formatReceipt, manyWord } from './format.ts';
import { trustFromFlags } from './trust.ts';

/** Every option of `proofroom verify` (VERIFY_USAGE lists the same). */
export const VERIFY_OPTIONS: OptionSpec = {
  valued: ['rule', 'roles', 'trust-rpc', 'trust-hashes', 'trust-authorities'],
  switches: ['json', 'verbose', 'allow-unfinalized'],
  positional: true,
};

function policyFrom(args: Args): ReceiptPolicy {
  const rule = args.flags.get('rule');
  if (rule !== undefined && !QUORUM_RULES.includes(rule as QuorumRule)) {
    throw new UsageError(`--rule must be one of ${QUORUM_RULES.join(', ')}`);
  }
  const roles = args.flags.get('roles');
  return {
    quorumRule: (rule as QuorumRule | undefined) ?? DEFAULT_POLICY.quorumRule,
    requiredRoles:
      typeof roles === 'string'
        ? roles
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean)
        : DEFAULT_POLICY.requiredRoles,
    requireFinality: !args.flags.has('allow-unfinalized'),
  };
}

/** Reads a bundle file (or standard input for `-`) with the size limit applied before parsing. */
async function readBundleText(file: string): Promise<{ text: string } | { error: string }> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of process.stdin) {
        size += (chunk as Buffer).length;
        if (size > MAX_BUNDLE_BYTES)
          return { error: `standard input: larger than the ${MAX_BUNDLE_BYTES}-byte limit` };
        chunks.push(chunk as Buffer);
      }
      return { text: Buffer.concat(chunks).toString('utf8') };
    }
    const st = await stat(file);
    if (st.size > MAX_BUNDLE_BYTES) {
      return { error: `${file}: ${st.size} bytes, larger than the ${MAX_BUNDLE_BYTES}-byte limit` };
    }
    return { text: await readFile(file, 'utf8') };
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as Error).message}` };
  }
}

export async function verifyCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, VERIFY_OPTIONS);
  const trustFlags = {
    rpc: flagValue(args, 'trust-rpc'),
    hashes: flagValue(args, 'trust-hashes'),
    authorities: flagValue(args, 'trust-authorities'),
  };
  const files = args.positional;
  if (files.length === 0)
    throw new UsageError('verify needs a bundle file (or - for standard input)');
  const policy = policyFrom(args);
  const json = args.flags.has('json');
  const verbose = args.flags.has('verbose');
  if (files.length > 1) return verifyMany(files, policy, json, trustFlags);

  const file = files[0]!;
  const malformed = (errors: readonly string[], header: string): number => {
    if (json) process.stdout.write(JSON.stringify({ ok: false, malformed: true, errors }) + '\n');
    else
      process.stderr.write(
        `proofroom verify: ${header}${errors.map((e) => `\n  - ${e}`).join('')}\n`
      );
    return 2;
  };
  const read = await readBundleText(file);
  if ('error' in read) return malformed([read.error], 'the bundle could not be read:');
  const asJson = parseJson(read.text, { maxLength: MAX_BUNDLE_BYTES });
  if (asJson.ok && isEvidence(asJson.value)) {
    const ev = parseEvidence(asJson.value);
    if (!ev.ok) return malformed(ev.errors, `${file} is not a valid sentinel evidence file:`);
    const report = verifyEvidence(ev.evidence, nodeBackend);
    if (json) process.stdout.write(JSON.stringify(report) + '\n');
    else process.stdout.write(formatEvidence(report, loadConfig().color, verbose) + '\n');
    return report.ok ? 0 : 1;
  }
  const parsed = parseBundle(asJson.ok ? asJson.value : read.text);
  if (!parsed.ok) return malformed(parsed.errors, `${file} is not a valid receipt bundle:`);
  const trust = await trustFromFlags(trustFlags, citedBlocks(parsed.bundle).heights);
  const receipt = verifyBundle(parsed.bundle, nodeBackend, policy, { trust });
  if (json) process.stdout.write(JSON.stringify(receipt) + '\n');
  else process.stdout.write(formatReceipt(receipt, loadConfig().color, verbose) + '\n');
  return exitCodeOf(receipt);
}

function flagValue(args: Args, name: string): string | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${name} needs a value`);
  return v;
}

/**
 * Many bundles: verified on all cores, one line each (NDJSON with --json), then a total. Exit 2 if
 * any bundle is unreadable or malformed, else 1 if any receipt fails, else 4 if any waits, else 5
 * if any era was skipped, else 3 if any is not pinned, else 0 (`exitCodeOfMany`).
 */
async function verifyMany(
  files: readonly string[],
  policy: ReceiptPolicy,
  json: boolean,
  trustFlags: { rpc?: string; hashes?: string; authorities?: string }
): Promise<number> {
  const texts: string[] = [];
  const readErrors = new Map<number, string>();
  for (const [i, f] of files.entries()) {
    const r = await readBundleText(f);
    if ('error' in r) {
      readErrors.set(i, r.error);
      texts.push('');
    } else texts.push(r.text);
  }
  // A trusted node is asked once about every height any bundle cites.
  const heights = new Set<number>();
  if (trustFlags.rpc)
    for (const t of texts) {
      const p = t ? parseBundle(t) : null;
      if (p?.ok) for (const h of citedBlocks(p.bundle).heights) heights.add(h);
    }
  const trust = await trustFromFlags(trustFlags, [...heights]);
  const pool = new ReceiptPool({ policy, trust });
  const results = await pool.verify(texts);
  await pool.close();
  const counts = { verified: 0, failed: 0, pending: 0, skipped: 0, unpinned: 0, malformed: 0 };
  results.forEach((r, i) => {
    const file = files[i]!;
    const readError = readErrors.get(i);
    if (readError !== undefined || !r.ok) {
      counts.malformed++;
      const errors = readError !== undefined ? [readError] : r.ok ? [] : r.errors;
      if (json)
        process.stdout.write(JSON.stringify({ file, ok: false, malformed: true, errors }) + '\n');
      else process.stdout.write(`MALFORMED ${file}: ${errors.slice(0, 3).join('; ')}\n`);
      return;
    }
    const rc = r.receipt;
    if (rc.status === 'fail') counts.failed++;
    else if (rc.status === 'pending') counts.pending++;
    else if (rc.status === 'skipped') counts.skipped++;
    else if (!rc.chain.pinned) counts.unpinned++;
    else counts.verified++;
    if (json) process.stdout.write(JSON.stringify({ file, ...rc }) + '\n');
    else {
      const failing = rc.lines
        .filter((l) => l.status === 'fail')
        .map((l) => `${l.check}:${l.code}`);
      process.stdout.write(`${manyWord(rc)} ${file}  ${rc.recordId}  ${failing.join(' ')}\n`);
    }
  });
  const total = manyTotal(files.length, counts);
  if (json) process.stderr.write(total + '\n');
  else process.stdout.write(total + '\n');
  return exitCodeOfMany(counts);
}

/** The closing line of several bundles (skipped eras named only when there are some). */
function manyTotal(n: number, c: VerifyCounts): string {
  const skipped = c.skipped > 0 ? `, ${c.skipped} skipped` : '';
  return `${n} bundles: ${c.verified} verified, ${c.unpinned} consistent but not pinned, ${c.failed} failed, ${c.pending} pending${skipped}, ${c.malformed} malformed`;
}
