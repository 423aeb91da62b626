/**
 * One sentinel pass, in process, over an indexed devnet (test/helpers/indexed-devnet.ts): every
 * paid era the indexer reached is sampled on the devnet's storage nodes, so the sentinel tables
 * hold real rounds, and failures from the `payload-tampered` and `payload-missing` faults.
 *
 *     const rounds = await runSentinelOnce(ix, leg);
 */
import pg from 'pg';
import { keyFromHex } from '../../sentinel/keys.ts';
import { type RoundResult, Sentinel } from '../../sentinel/sentinel.ts';
import type { Leg } from './databases.ts';
import type { IndexedDevnet } from './indexed-devnet.ts';

/** The sentinel key of the test product (its public key names the rounds). */
export const SENTINEL_KEY_HEX = '11'.repeat(32);

/** Runs the pass and returns what each round reached. */
export async function runSentinelOnce(ix: IndexedDevnet, _leg?: Leg): Promise<RoundResult[]> {
  const pool = new pg.Pool({ connectionString: ix.url, max: 4 });
  try {
    return await new Sentinel({
      pool,
      key: keyFromHex(SENTINEL_KEY_HEX),
      target: { d: 0.99, p: 0.01, rule: 'formula' },
      storageUrls: ix.devnet.storageUrls,
      nodesPerSample: 0,
      rate: 0,
      concurrency: 4,
      timeoutMs: 2000,
      maxPayloadBytes: 1 << 24,
      evidenceDir: null,
      evidenceBodyBytes: 1 << 20,
      pollMs: 100,
      webhook: null,
    }).runOnce();
  } finally {
    await pool.end();
  }
}
