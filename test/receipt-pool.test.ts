import { afterAll, describe, expect, it } from 'vitest';
import { buildScenario, FAULTS } from '../devnet/receipt-scenario.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { ReceiptPool } from '../verifier/node/receipt-pool.ts';
import { DEFAULT_POLICY, verifyReceipt } from '../verifier/receipt.ts';
import { type SignatureBackend, pureBackend, withVerdictCache } from '../verifier/signatures.ts';

const scenario = buildScenario({ records: 30, faults: FAULTS });
const texts = scenario.bundles.map((b) => JSON.stringify(b));
const pools: ReceiptPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('ReceiptPool', () => {
  it('gives, line for line, the verdicts of verifyReceipt, in input order, on worker threads', async () => {
    const pool = new ReceiptPool({ threads: 2, chunkSize: 4 });
    pools.push(pool);
    const results = await pool.verify([...texts, '{"format":"nope"}']);
    expect(results).toHaveLength(texts.length + 1);
    texts.forEach((t, i) => {
      const p = parseBundle(t);
      if (!p.ok) throw new Error('fixture');
      const direct = verifyReceipt(p.bundle, pureBackend);
      const r = results[i]!;
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.receipt.lines).toEqual(direct.lines);
        expect(r.receipt.recordId).toBe(direct.recordId);
      }
    });
    expect(results[texts.length]).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('format')],
    });
  });

  it('checks only the record steps when asked, and applies its policy', async () => {
    const pool = new ReceiptPool({
      threads: 1,
      steps: 'record',
      policy: { ...DEFAULT_POLICY, requireFinality: false },
    });
    pools.push(pool);
    const [r] = await pool.verify([texts[0]!]);
    expect(r?.ok).toBe(true);
    if (r?.ok) {
      expect(new Set(r.receipt.lines.map((l) => l.step))).toEqual(
        new Set(['grant', 'record', 'inclusion', 'anchor'])
      );
    }
  });

  it('refuses work after close', async () => {
    const pool = new ReceiptPool({ threads: 1 });
    await pool.close();
    await expect(pool.verify(texts)).rejects.toThrow('closed');
  });
});

describe('withVerdictCache', () => {
  it('answers repeats from memory and never answers a different message from memory', () => {
    let calls = 0;
    const counting: SignatureBackend = {
      name: 'counting',
      verify: (...a) => {
        calls++;
        return nodeBackend.verify(...a);
      },
    };
    const cached = withVerdictCache(counting, 2);
    const p = parseBundle(texts[0]!);
    if (!p.ok) throw new Error('fixture');
    const g = p.bundle.grant.versions[0]!;
    const sig = g.signature as { signer: string; value: string };
    const pk = Buffer.from(sig.signer.slice(2), 'hex');
    const value = Buffer.from(sig.value.slice(2), 'hex');
    const msg = Buffer.from(g.payload as string, 'base64url');
    expect(cached.verify('ed25519', value, msg, pk)).toBe(true);
    expect(cached.verify('ed25519', value, msg, pk)).toBe(true);
    expect(calls).toBe(1);
    const other = Buffer.from(msg);
    other[0] = other[0]! ^ 1;
    expect(cached.verify('ed25519', value, other, pk)).toBe(false);
    expect(calls).toBe(2);
    // Bounded: two more entries evict the oldest.
    cached.verify('ed25519', new Uint8Array(64), msg, pk);
    cached.verify('ed25519', new Uint8Array(64).fill(1), msg, pk);
    cached.verify('ed25519', value, msg, pk);
    expect(calls).toBe(5);
  });
});
