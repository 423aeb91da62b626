/**
 * The verifier runs unchanged in a browser: bundled for the browser platform it needs no Node
 * built-in, and the bundle verifies receipts inside a bare JavaScript realm that has only what a
 * browser page has of the globals it uses (TextEncoder, TextDecoder), with no `process`, `Buffer`
 * or `require`. (The explorer issue adds the same check in Chromium.)
 */
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../devnet/receipt-scenario.ts';

describe('the verifier in a browser realm', () => {
  it('bundles for the browser and verifies receipts there exactly as in Node', async () => {
    const out = await build({
      entryPoints: ['verifier/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'ProofRoom',
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    expect(code.length).toBeGreaterThan(10_000);

    const scenario = buildScenario({ records: 12, faults: ['wrong-mmr-proof', 'grant-revoked'] });
    const sandbox: Record<string, unknown> = {
      TextEncoder,
      TextDecoder,
      bundles: JSON.stringify(scenario.bundles),
    };
    const results = runInNewContext(
      `${code}
      ;(() => {
        if (typeof process !== 'undefined' || typeof Buffer !== 'undefined' || typeof require !== 'undefined') {
          throw new Error('not a bare realm');
        }
        return JSON.parse(bundles).map((b) => {
          const p = ProofRoom.parseBundle(JSON.stringify(b));
          if (!p.ok) return { malformed: p.errors };
          const r = ProofRoom.verifyReceipt(p.bundle, ProofRoom.pureBackend);
          return { id: r.recordId, ok: r.ok, failing: r.lines.filter((l) => !l.ok).map((l) => l.check + ':' + l.code) };
        });
      })()`,
      sandbox
    ) as Array<{ id: string; ok: boolean; failing: string[] }>;

    expect(results).toHaveLength(12);
    const faulted = new Map(scenario.faulted.map((f) => [f.recordId, f.failing]));
    for (const r of results) {
      if (faulted.has(r.id)) {
        expect(r.ok).toBe(false);
        expect(r.failing.map((f) => f.split(':')[0])).toEqual([faulted.get(r.id)]);
      } else {
        expect(r, JSON.stringify(r)).toMatchObject({ ok: true, failing: [] });
      }
    }
  });
});
