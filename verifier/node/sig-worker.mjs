/**
 * Worker thread of `BatchVerifier` (verifier/node/index.ts). Plain JavaScript ESM on purpose: the
 * project runs TypeScript through `tsx`, and a worker thread loads this file without any loader.
 *
 * Protocol. The parent posts `{ id, buf }` where `buf` is a transferred ArrayBuffer holding one
 * chunk of a batch:
 *
 *   u32[0]                  item count n
 *   u32[1 + 4i .. 4 + 4i]   item i: algorithm (0 ed25519, 1 sr25519, other: unknown),
 *                           signature length, message length, public key length
 *   bytes from 4 + 16n      item 0 signature, message, key, then item 1 ... (no padding)
 *
 * The worker answers `{ id, verdicts }` (a transferred Uint8Array of n bytes, 1 = valid) or
 * `{ id, error }` with a message if the chunk is malformed.
 *
 * Verdicts are those of verifier/signatures.ts on every input: ed25519 "fast accept, confirm
 * rejects" (libsodium when sodium-native loads, else OpenSSL, as in verifier/node/index.ts, where
 * the argument is), with the same pure fallback calls and options as the reference
 * (`ed25519.verify(..., { zip215: true })`, `sr25519.verify`); sr25519 "schnorrkel's accept,
 * confirm rejects" the same way (argument in verifier/node/index.ts).
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { ed25519 } from '@noble/curves/ed25519.js';
import * as sr25519 from '@scure/sr25519';
import { sr25519Verify as schnorrkelVerify, waitReady } from '@polkadot/wasm-crypto';

/** SPKI DER header of an Ed25519 public key (RFC 8410): SEQ { SEQ { OID 1.3.101.112 }, BIT STRING }. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_CACHE_CAPACITY = 10_000;

/** LRU of KeyObjects by raw key (hex); `null` records a key OpenSSL refused to import. */
const keyCache = new Map();

function keyObjectFor(pk) {
  const id = Buffer.from(pk.buffer, pk.byteOffset, 32).toString('hex');
  let key = keyCache.get(id);
  if (key !== undefined) {
    keyCache.delete(id);
    keyCache.set(id, key);
    return key;
  }
  try {
    key = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, pk]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    key = null;
  }
  if (keyCache.size >= KEY_CACHE_CAPACITY) keyCache.delete(keyCache.keys().next().value);
  keyCache.set(id, key);
  return key;
}

/** Same calls and options as verifyEd25519 in verifier/signatures.ts. */
function pureEd25519(sig, msg, pk) {
  try {
    return ed25519.verify(sig, msg, pk, { zip215: true });
  } catch {
    return false;
  }
}

/** libsodium's detached verify from the optional sodium-native, as in verifier/node/index.ts. */
const sodium = (() => {
  try {
    return createRequire(import.meta.url)('sodium-native');
  } catch {
    return null;
  }
})();

/** The fast accept of verifier/node/index.ts: libsodium when it loads, else OpenSSL. */
function fastAccepts(sig, msg, pk) {
  try {
    if (sodium !== null) return sodium.crypto_sign_verify_detached(sig, msg, pk);
    const key = keyObjectFor(pk);
    return key !== null && cryptoVerify(null, msg, key, sig);
  } catch {
    return false; // the reference decides
  }
}

function verifyEd25519(sig, msg, pk) {
  if (sig.length !== 64 || pk.length !== 32) return false;
  if (fastAccepts(sig, msg, pk)) return true;
  return pureEd25519(sig, msg, pk);
}

/**
 * schnorrkel's verify once its WebAssembly is compiled (verifier/node/index.ts), null before that
 * or where it cannot be. A worker starts the compilation and answers its first chunk only once it
 * has settled (below).
 */
let schnorrkel = null;

/** Whether bytes [from, to) are zero, the last one masked with `lastMask`. */
function isZero(b, from, to, lastMask) {
  for (let i = from; i < to - 1; i++) if (b[i] !== 0) return false;
  return (b[to - 1] & lastMask) === 0;
}

/** schnorrkelAccepts of verifier/node/index.ts: never asked for an all-zero key or s = 0. */
function schnorrkelAccepts(sig, msg, pk) {
  if (schnorrkel === null || isZero(pk, 0, 32, 0xff) || isZero(sig, 32, 64, 0x7f)) return false;
  try {
    return schnorrkel(sig, msg, pk);
  } catch {
    return false;
  }
}

/** verifySr25519Fast of verifier/node/index.ts: schnorrkel's accept, else the reference's verdict. */
function verifySr25519(sig, msg, pk) {
  if (sig.length !== 64 || pk.length !== 32) return false;
  if (schnorrkelAccepts(sig, msg, pk)) return true;
  try {
    return sr25519.verify(msg, sig, pk);
  } catch {
    return false;
  }
}

function verifyChunk(buf) {
  if (!(buf instanceof ArrayBuffer) || buf.byteLength < 4) throw new Error('chunk is not a buffer');
  const n = new Uint32Array(buf, 0, 1)[0];
  const headerBytes = 4 + 16 * n;
  if (headerBytes > buf.byteLength) throw new Error('chunk header exceeds the buffer');
  const header = new Uint32Array(buf, 0, 1 + 4 * n);
  const verdicts = new Uint8Array(n);
  let off = headerBytes;
  for (let i = 0; i < n; i++) {
    const alg = header[1 + 4 * i];
    const sigLen = header[2 + 4 * i];
    const msgLen = header[3 + 4 * i];
    const pkLen = header[4 + 4 * i];
    if (off + sigLen + msgLen + pkLen > buf.byteLength) throw new Error(`item ${i} overruns`);
    const sig = new Uint8Array(buf, off, sigLen);
    const msg = new Uint8Array(buf, off + sigLen, msgLen);
    const pk = new Uint8Array(buf, off + sigLen + msgLen, pkLen);
    off += sigLen + msgLen + pkLen;
    let ok = false;
    if (alg === 0) ok = verifyEd25519(sig, msg, pk);
    else if (alg === 1) ok = verifySr25519(sig, msg, pk);
    verdicts[i] = ok ? 1 : 0;
  }
  return verdicts;
}

// Listen only when started by BatchVerifier, so that importing this module elsewhere is inert.
if (parentPort !== null && workerData !== null && workerData?.proofroomSigWorker === 1) {
  const port = parentPort;
  const schnorrkelSettled = waitReady().then(
    (ready) => {
      if (ready) schnorrkel = schnorrkelVerify;
    },
    () => {}
  );
  const answer = (msg) => {
    const id = msg?.id;
    try {
      const verdicts = verifyChunk(msg?.buf);
      port.postMessage({ id, verdicts }, [verdicts.buffer]);
    } catch (e) {
      port.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
    }
  };
  // Chunks that arrive while the WebAssembly compiles wait for it (in their order).
  port.on('message', (msg) => void schnorrkelSettled.then(() => answer(msg)));
}
