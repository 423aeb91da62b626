import { afterAll, describe, expect, it } from 'vitest';
import { buildScenario, FAULTS } from '../devnet/receipt-scenario.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { ReceiptPool } from '../verifier/node/receipt-pool.ts';
import { DEFAULT_POLICY, verifyBundle, verifyReceipt } from '../verifier/receipt.ts';
import { GrantMemo } from '../verifier/receipts/gar.ts';
import { type SignatureBackend, pureBackend } from '../verifier/signatures.ts';

const scenario = buildScenario({ records: 30, faults: FAULTS });
const texts = scenario.bundles.map((b) => JSON.stringify(b));
const pools: ReceiptPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('ReceiptPool', () => {
  it('gives, line for line, the verdicts of verifyBundle (receipt and chain lines), in input order, on worker threads', async () => {
    const pool = new ReceiptPool({ threads: 2, chunkSize: 4 });
    pools.push(pool);
    const results = await pool.verify([...texts, '{"format":"nope"}']);
    expect(results).toHaveLength(texts.length + 1);
    texts.forEach((t, i) => {
      const p = parseBundle(t);
      if (!p.ok) throw new Error('fixture');
      const direct = verifyBundle(p.bundle, pureBackend);
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

  it('applies its policy, and checks an era once per worker with the same verdicts', async () => {
    const pool = new ReceiptPool({
      threads: 1,
      eraMemo: 8,
      policy: { ...DEFAULT_POLICY, requireFinality: false },
    });
    pools.push(pool);
    const results = await pool.verify(texts);
    for (const [i, r] of results.entries()) {
      expect(r?.ok).toBe(true);
      if (!r?.ok) continue;
      const p = parseBundle(texts[i]!);
      if (!p.ok) throw new Error('fixture');
      const direct = verifyBundle(p.bundle, nodeBackend, {
        ...DEFAULT_POLICY,
        requireFinality: false,
      });
      expect(r.receipt.lines).toEqual(direct.lines);
      expect(r.receipt.policy.requireFinality).toBe(false);
    }
  });

  it('refuses work after close', async () => {
    const pool = new ReceiptPool({ threads: 1 });
    await pool.close();
    await expect(pool.verify(texts)).rejects.toThrow('closed');
  });
});

describe('GrantMemo', () => {
  it('checks each grant version once and never answers a different version from memory', () => {
    let calls = 0;
    const counting: SignatureBackend = {
      name: 'counting',
      verify: (...a) => {
        calls++;
        return nodeBackend.verify(...a);
      },
    };
    const memo = new GrantMemo(2);
    const run = (t: string) => {
      const p = parseBundle(t);
      if (!p.ok) throw new Error('fixture');
      return verifyReceipt(p.bundle, counting, DEFAULT_POLICY, { grants: memo });
    };
    // Records 0 and 3 share user 0's grant (3 users in the scenario).
    const first = run(texts[0]!);
    const afterFirst = calls;
    const again = run(texts[3]!);
    expect(calls - afterFirst).toBe(afterFirst - 1); // the grant signature was not verified again
    expect(again.lines.filter((l) => l.step === 'grant').map((l) => l.ok)).toEqual(
      first.lines.filter((l) => l.step === 'grant').map((l) => l.ok)
    );
    // A tampered payload is a different key: checked afresh, and it fails.
    const tampered = JSON.parse(texts[3]!);
    const payload: string = tampered.grant.versions[0].payload;
    tampered.grant.versions[0].payload = (payload[0] === 'e' ? 'f' : 'e') + payload.slice(1);
    const r = run(JSON.stringify(tampered));
    expect(r.lines.find((l) => l.check === 'grant.signature[0]')?.ok).toBe(false);
    expect(GrantMemo.textsOf({ payload: 1, signature: {} })).toBeNull();
  });
});

describe('ReceiptPool when a worker dies', () => {
  it('rejects the work in flight and the work after, instead of hanging', async () => {
    const pool = new ReceiptPool({ threads: 1 });
    pools.push(pool);
    await pool.verify([texts[0]!]);
    // Reach the worker through the pool's private slots to kill it, as a crash would.
    const slots = (
      pool as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }
    ).slots;
    await slots[0]!.worker.terminate();
    await expect(pool.verify([texts[0]!])).rejects.toThrow(/died/);
  });
});
