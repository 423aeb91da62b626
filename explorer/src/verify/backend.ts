/**
 * Signature checks for the browser: WebCrypto Ed25519 where the browser has it, the pure verifier
 * (ZIP-215 ed25519, sr25519) otherwise, with verdicts identical to `pureBackend` on every input.
 *
 * WebCrypto's Ed25519 is the strict RFC 8032 rule. Every signature it accepts is accepted under
 * ZIP-215 too (the chain's rule): it proves R = [S]B - [h]A with canonical encodings, so the
 * cofactored equation holds. A strict rejection can still be a ZIP-215 acceptance (a non-canonical
 * point, a small-order component), so every rejection is decided again by the pure ZIP-215 check.
 * The verifier itself is synchronous; `SignatureCache` therefore runs it in two passes: an
 * optimistic pass that records every request and answers true, then, once the requests are
 * settled asynchronously, a second pass only for receipts where some answer was false. The first
 * pass's result stands only when every answer it was given was the true verdict, so both passes
 * give exactly what `verifyReceipt(bundle, pureBackend)` gives.
 * @module
 */
import type { SignatureAlgorithm, SignatureBackend } from '../../../verifier/signatures.ts';
import { verifyEd25519, verifySr25519 } from '../../../verifier/signatures.ts';
import { toHex } from '../../../verifier/bytes.ts';

interface Request {
  readonly algorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** RFC 8032 test 1: the empty message under the first test key, to probe WebCrypto support. */
const PROBE_KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const PROBE_SIG =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

function bytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A copy backed by a plain ArrayBuffer, which WebCrypto's typings require. */
function plain(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b);
}

let support: Promise<boolean> | undefined;

/** Whether this browser verifies Ed25519 in WebCrypto (checked once, on a known-good vector). */
export function webCryptoEd25519(): Promise<boolean> {
  support ??= (async () => {
    try {
      const subtle = globalThis.crypto?.subtle;
      if (!subtle) return false;
      const key = await subtle.importKey('raw', bytes(PROBE_KEY), { name: 'Ed25519' }, false, [
        'verify',
      ]);
      const good = await subtle.verify('Ed25519', key, bytes(PROBE_SIG), new Uint8Array(0));
      const bad = await subtle.verify('Ed25519', key, bytes(PROBE_SIG), new Uint8Array(1));
      return good && !bad;
    } catch {
      return false;
    }
  })();
  return support;
}

function keyOf(r: Request): string {
  return `${r.algorithm}:${toHex(r.signature)}:${toHex(r.publicKey)}:${toHex(r.message)}`;
}

/** Settles signature requests (deduplicated) and answers them synchronously afterwards. */
export class SignatureCache {
  private readonly pending = new Map<string, Request>();
  private readonly verdicts = new Map<string, boolean>();
  private readonly keys = new Map<string, Promise<CryptoKey | null>>();
  /** How the settled requests were decided (for the page's "what was checked" note). */
  readonly counts = { webCrypto: 0, pureEd25519: 0, sr25519: 0, fallbackAfterStrictReject: 0 };

  constructor(private readonly useWebCrypto: boolean) {}

  /** A backend that records each request and answers true (the optimistic pass). */
  recorder(seen: Set<string>): SignatureBackend {
    return {
      name: 'recording',
      verify: (algorithm, signature, message, publicKey) => {
        const req = { algorithm, signature, message, publicKey };
        const key = keyOf(req);
        seen.add(key);
        if (!this.verdicts.has(key)) this.pending.set(key, req);
        return true;
      },
    };
  }

  /** A backend answering from the settled verdicts (any miss is decided by the pure verifier). */
  answers(): SignatureBackend {
    return {
      name: this.name,
      verify: (algorithm, signature, message, publicKey) => {
        const hit = this.verdicts.get(keyOf({ algorithm, signature, message, publicKey }));
        if (hit !== undefined) return hit;
        return algorithm === 'ed25519'
          ? verifyEd25519(signature, message, publicKey)
          : algorithm === 'sr25519'
            ? verifySr25519(signature, message, publicKey)
            : false;
      },
    };
  }

  get name(): string {
    return this.useWebCrypto
      ? 'WebCrypto Ed25519 (rejections re-decided under ZIP-215 by @noble/curves), @scure/sr25519'
      : 'pure: @noble/curves ed25519 (ZIP-215), @scure/sr25519';
  }

  verdict(key: string): boolean | undefined {
    return this.verdicts.get(key);
  }

  private cryptoKey(publicKey: Uint8Array): Promise<CryptoKey | null> {
    const hex = toHex(publicKey);
    let key = this.keys.get(hex);
    if (!key) {
      key = crypto.subtle
        .importKey('raw', plain(publicKey), { name: 'Ed25519' }, false, ['verify'])
        .catch(() => null);
      this.keys.set(hex, key);
    }
    return key;
  }

  private async strict(r: Request): Promise<boolean> {
    if (r.signature.length !== 64 || r.publicKey.length !== 32) return false;
    const key = await this.cryptoKey(r.publicKey);
    if (!key) return false;
    try {
      return await crypto.subtle.verify('Ed25519', key, plain(r.signature), plain(r.message));
    } catch {
      return false;
    }
  }

  /** Decides every recorded request. */
  async settle(): Promise<void> {
    const work = [...this.pending];
    this.pending.clear();
    await Promise.all(
      work.map(async ([key, r]) => {
        let ok: boolean;
        if (r.algorithm === 'ed25519') {
          if (this.useWebCrypto && (await this.strict(r))) {
            ok = true;
            this.counts.webCrypto++;
          } else {
            ok = verifyEd25519(r.signature, r.message, r.publicKey);
            if (this.useWebCrypto) this.counts.fallbackAfterStrictReject++;
            else this.counts.pureEd25519++;
          }
        } else if (r.algorithm === 'sr25519') {
          ok = verifySr25519(r.signature, r.message, r.publicKey);
          this.counts.sr25519++;
        } else {
          ok = false;
        }
        this.verdicts.set(key, ok);
      })
    );
  }
}
