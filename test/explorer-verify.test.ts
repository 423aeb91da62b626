/**
 * The explorer's browser-side code that decides verdicts, run in Node (which has WebCrypto Ed25519
 * as browsers do): the WebCrypto signature path gives the pure verifier's ZIP-215 verdicts on the
 * ed25519-speccheck edge cases, the two-pass receipt check equals `verifyBundle(pureBackend)`, the
 * MMR path drawn on receipt pages ends at the verifier's root, and SS58 matches @polkadot's.
 */
import { readFileSync } from 'node:fs';
import { decodeAddress as pdDecode, encodeAddress as pdEncode } from '@polkadot/util-crypto';
import { describe, expect, it } from 'vitest';
import { startDevnet } from '../devnet/devnet.ts';
import { DEVNET_FAULTS } from '../devnet/scenario.ts';
import { SignatureCache, webCryptoEd25519 } from '../explorer/src/verify/backend.ts';
import { verifyBundleTexts } from '../explorer/src/verify/run.ts';
import { decodeAddress, encodeAddress } from '../explorer/src/ss58.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { toHex } from '../verifier/bytes.ts';
import { mmrPath, mmrProof, mmrRoot } from '../verifier/mmr.ts';
import { cereMerge } from '../verifier/payout-tree.ts';
import { verifyBundle } from '../verifier/receipt.ts';
import { ChainProofSource, proveBundle } from '../verifier/proof-source.ts';
import { fetchRpcBatch } from '../api/rpc.ts';
import { pureBackend } from '../verifier/signatures.ts';
import { blake2b256 } from '../verifier/hash.ts';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

describe('in-browser signature checks', () => {
  it('WebCrypto is used where present, and its rejections are re-decided under ZIP-215', async () => {
    expect(await webCryptoEd25519()).toBe(true);
    // novifinancial/ed25519-speccheck cases; Zebra (ZIP-215) accepts all but 6, 7, 8.
    const cases = (
      JSON.parse(readFileSync('test/vectors/speccheck_cases.json', 'utf8')) as Array<{
        message: string;
        pub_key: string;
        signature: string;
      }>
    ).map((c) => ({ sig: hex(c.signature), msg: hex(c.message), pk: hex(c.pub_key) }));
    const zebra = [true, true, true, true, true, true, false, false, false, true, true, true];
    const cache = new SignatureCache(true);
    const seen = new Set<string>();
    const rec = cache.recorder(seen);
    for (const c of cases) expect(rec.verify('ed25519', c.sig, c.msg, c.pk)).toBe(true);
    await cache.settle();
    const answers = cache.answers();
    expect(cases.map((c) => answers.verify('ed25519', c.sig, c.msg, c.pk))).toEqual(zebra);
    expect(cases.map((c) => pureBackend.verify('ed25519', c.sig, c.msg, c.pk))).toEqual(zebra);
    // Strict RFC 8032 rejects some cases ZIP-215 accepts: those went to the pure check.
    expect(cache.counts.fallbackAfterStrictReject).toBeGreaterThan(3);
    expect(cache.counts.webCrypto + cache.counts.fallbackAfterStrictReject).toBe(12);
    // A wrong length is false, never an exception.
    expect(
      answers.verify('ed25519', new Uint8Array(3), new Uint8Array(0), new Uint8Array(32))
    ).toBe(false);
  });

  it('verifies bundles exactly as verifyBundle with the pure backend, with or without WebCrypto', async () => {
    const devnet = await startDevnet({
      seed: 'explorer-verify',
      records: 120,
      eras: 3,
      recordsPerBatch: 10,
      faults: [...DEVNET_FAULTS],
    });
    try {
      // With the proofs of their chain facts: the receipts of an era share their blocks, which
      // the page checks once (shared chain views), to the same verdicts as one by one.
      devnet.settle();
      const source = new ChainProofSource(fetchRpcBatch(devnet.rpcUrl));
      const texts = await Promise.all(
        Array.from({ length: 120 }, async (_, i) =>
          JSON.stringify(await proveBundle(devnet.bundle(i), source))
        )
      );
      // Hostile texts: broken JSON, a wrong version, a huge number, an empty object.
      texts.push('{', '{"format":"proofroom/receipt-bundle","version":9}', '1e999', '{}');
      const tampered = JSON.parse(texts[0]!) as Record<string, any>;
      tampered.grant.versions[0].signature.value = `0x${'11'.repeat(64)}`;
      texts.push(JSON.stringify(tampered));
      // A justification whose first precommit signature is broken: its block is not proven final.
      const badVote = JSON.parse(texts[1]!) as Record<string, any>;
      const j = badVote.proofs.justifications[0];
      j.justification =
        j.justification.slice(0, 200) +
        (j.justification[200] === 'a' ? 'b' : 'a') +
        j.justification.slice(201);
      texts.push(JSON.stringify(badVote));
      const want = texts.map((t) => {
        const p = parseBundle(t);
        if (!p.ok) return 'malformed';
        return verifyBundle(p.bundle, pureBackend).lines.map(
          (l) => `${l.check}:${l.status}:${l.code ?? ''}`
        );
      });
      expect(want.filter((w) => w === 'malformed')).toHaveLength(4);
      for (const webCrypto of [true, false]) {
        const run = await verifyBundleTexts(texts, { webCrypto });
        const got = run.outcomes.map((o) =>
          'malformed' in o
            ? 'malformed'
            : o.receipt.lines.map((l) => `${l.check}:${l.status}:${l.code ?? ''}`)
        );
        expect(got).toEqual(want);
        expect(run.outcomes.filter((o) => !o.ok).length).toBeGreaterThan(5);
        // The tampered grant signature forced a second pass for the receipts that use it.
        expect(run.reruns).toBeGreaterThan(0);
        if (webCrypto) expect(run.counts.webCrypto).toBeGreaterThan(100);
        else expect(run.counts.webCrypto).toBe(0);
      }
    } finally {
      await devnet.close();
    }
  }, 60_000);
});

describe('the MMR path drawn on receipt pages', () => {
  it('retraces every merge to the root the verifier computes', () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = Array.from({ length: n }, (_, i) => blake2b256(Uint8Array.of(n, i)));
      const root = mmrRoot(leaves, cereMerge);
      for (let i = 0; i < n; i++) {
        const proof = mmrProof(leaves, i, cereMerge);
        const path = mmrPath(n, i, leaves[i]!, proof, cereMerge)!;
        expect(toHex(path.root)).toBe(toHex(root));
        expect(path.steps).toHaveLength(proof.length);
        expect(toHex(path.steps.at(-1)?.out ?? leaves[i]!)).toBe(toHex(root));
        // Each step merges the previous output with one proof item, on the side it names.
        let node = leaves[i]!;
        for (const s of path.steps) {
          const item = proof[s.item]!;
          expect(toHex(s.itemSide === 'left' ? s.left : s.right)).toBe(toHex(item));
          expect(toHex(s.itemSide === 'left' ? s.right : s.left)).toBe(toHex(node));
          node = s.out;
        }
      }
    }
    // A proof of the wrong shape has no path.
    const leaves = Array.from({ length: 5 }, (_, i) => blake2b256(Uint8Array.of(i)));
    expect(mmrPath(5, 0, leaves[0]!, [], cereMerge)).toBeNull();
    expect(mmrPath(5, 9, leaves[0]!, mmrProof(leaves, 0, cereMerge), cereMerge)).toBeNull();
  });
});

describe('SS58 addresses', () => {
  it('encode and decode as @polkadot/util-crypto does, for one- and two-byte prefixes', () => {
    for (let k = 0; k < 20; k++) {
      const account = blake2b256(Uint8Array.of(k));
      const h = toHex(account);
      for (const prefix of [54, 0, 42, 63, 64, 1000, 16383]) {
        const ours = encodeAddress(h, prefix);
        expect(ours).toBe(pdEncode(account, prefix));
        expect(decodeAddress(ours!)).toEqual({ account: h, prefix });
        expect(toHex(pdDecode(ours!))).toBe(h);
      }
    }
  });

  it('refuses malformed input', () => {
    const good = encodeAddress(toHex(blake2b256(Uint8Array.of(1))))!;
    const bad = good.slice(0, -1) + (good.endsWith('1') ? '2' : '1');
    expect(decodeAddress(bad)).toBeNull();
    for (const x of ['', 'abc', '0'.repeat(48), 'I'.repeat(48), good + good])
      expect(decodeAddress(x)).toBeNull();
    expect(encodeAddress('0x1234')).toBeNull();
    expect(encodeAddress(`0x${'zz'.repeat(32)}`)).toBeNull();
  });
});
