/**
 * The sentinel's identity: one ed25519 key. Its public half signs evidence and names the
 * sentinel's rounds; a key derived from its secret half seeds the samples. It lives in a file of
 * the data directory (64 hex digits of the secret seed, mode 0600), created on first use, or is
 * given as hex by configuration.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { parseHex, toHex } from '../verifier/bytes.ts';

export interface SentinelKey {
  /** The 32-byte ed25519 secret seed. */
  readonly secret: Uint8Array;
  readonly publicKey: Uint8Array;
  /** `0x` + 64 hex digits of the public key. */
  readonly id: string;
  sign(message: Uint8Array): Uint8Array;
}

export class KeyError extends Error {}

export function keyFromSecret(secret: Uint8Array): SentinelKey {
  if (secret.length !== 32) throw new KeyError('a sentinel key is 32 bytes (64 hex digits)');
  const seed = Uint8Array.from(secret);
  const publicKey = ed25519.getPublicKey(seed);
  return Object.freeze({
    secret: seed,
    publicKey,
    id: toHex(publicKey),
    sign: (message: Uint8Array) => ed25519.sign(message, seed),
  });
}

function parseSecret(text: string, where: string): SentinelKey {
  const t = text.trim();
  const bytes = parseHex(t.startsWith('0x') ? t : `0x${t}`, 32);
  if (!bytes) throw new KeyError(`${where}: expected 64 hex digits (an ed25519 secret seed)`);
  return keyFromSecret(bytes);
}

/** The key from hex text (configuration). */
export function keyFromHex(hex: string): SentinelKey {
  return parseSecret(hex, 'PROOFROOM_SENTINEL_KEY');
}

/**
 * The key in `file`, created with a fresh random secret when the file does not exist. Creation
 * uses O_EXCL, so two sentinels starting at once on one data directory end with the same key.
 */
export async function loadOrCreateKey(
  file: string
): Promise<{ key: SentinelKey; created: boolean }> {
  try {
    return { key: parseSecret(await readFile(file, 'utf8'), file), created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(32);
  try {
    const fh = await open(file, 'wx', 0o600);
    try {
      await fh.writeFile(secret.toString('hex') + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    return { key: keyFromSecret(secret), created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      return { key: parseSecret(await readFile(file, 'utf8'), file), created: false };
    throw e;
  }
}
