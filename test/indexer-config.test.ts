/**
 * The indexer process's configuration (its only reader of the environment) and the supervisor's
 * restart policy.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadIndexerConfig } from '../indexer/config.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import {
  EMBEDDED_CHUNK_RECORDS,
  type OpenedDatabase,
  indexerDatabaseEnv,
} from '../cli/database.ts';

const base = { PROOFROOM_RPC_URL: 'ws://127.0.0.1:9944', DATABASE_URL: 'postgres://u@h/db' };

describe('indexer configuration', () => {
  it('has defaults for everything but the RPC and database URLs', () => {
    const c = loadIndexerConfig(base);
    expect(c).toMatchObject({
      rpcUrl: 'ws://127.0.0.1:9944',
      databaseUrl: 'postgres://u@h/db',
      garUrl: null,
      storageUrls: [],
      fromBlock: 0,
      metricsPort: -1,
      fetchTimeoutMs: 5000,
      fetchRetries: 2,
      payoutBatchSize: null, // by each era's runtime version
      quorumRule: 'cere67',
      fetchConcurrency: 8,
      chunkRecords: 5000,
      yieldToReaders: false,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('writes small chunks on the embedded database unless told otherwise', () => {
    const embedded = { embedded: {} } as unknown as OpenedDatabase;
    const external = { embedded: null } as unknown as OpenedDatabase;
    expect(indexerDatabaseEnv(embedded, {})).toEqual({
      PROOFROOM_WRITE_CHUNK_RECORDS: String(EMBEDDED_CHUNK_RECORDS),
      PROOFROOM_WRITE_YIELD: '1',
    });
    expect(indexerDatabaseEnv(embedded, { PROOFROOM_WRITE_CHUNK_RECORDS: '40' })).toEqual({
      PROOFROOM_WRITE_YIELD: '1',
    });
    expect(
      indexerDatabaseEnv(embedded, {
        PROOFROOM_WRITE_CHUNK_RECORDS: '40',
        PROOFROOM_WRITE_YIELD: '0',
      })
    ).toEqual({});
    expect(indexerDatabaseEnv(external, {})).toEqual({});
    const onEmbedded = loadIndexerConfig({ ...base, ...indexerDatabaseEnv(embedded, {}) });
    expect(onEmbedded.chunkRecords).toBe(EMBEDDED_CHUNK_RECORDS);
    expect(onEmbedded.yieldToReaders).toBe(true);
    expect(loadIndexerConfig(base).yieldToReaders).toBe(false);
    expect(() => loadIndexerConfig({ ...base, PROOFROOM_WRITE_YIELD: '2' })).toThrow(
      /PROOFROOM_WRITE_YIELD/
    );
    expect(() => loadIndexerConfig({ ...base, PROOFROOM_WRITE_CHUNK_RECORDS: '0' })).toThrow(
      /PROOFROOM_WRITE_CHUNK_RECORDS/
    );
  });

  it('logs writes of PROOFROOM_SLOW_WRITE_MS or more (1000 by default, 0: every one)', () => {
    expect(loadIndexerConfig(base).slowWriteMs).toBe(1000);
    expect(loadIndexerConfig({ ...base, PROOFROOM_SLOW_WRITE_MS: '0' }).slowWriteMs).toBe(0);
    expect(loadIndexerConfig({ ...base, PROOFROOM_SLOW_WRITE_MS: '250' }).slowWriteMs).toBe(250);
    for (const bad of ['-1', '1.5', 'fast'])
      expect(() => loadIndexerConfig({ ...base, PROOFROOM_SLOW_WRITE_MS: bad })).toThrow(
        /PROOFROOM_SLOW_WRITE_MS/
      );
  });

  it('puts eras off while catching up unless PROOFROOM_DEFER_ERAS is 0', () => {
    expect(loadIndexerConfig(base).deferEras).toBe(true);
    expect(loadIndexerConfig({ ...base, PROOFROOM_DEFER_ERAS: '1' }).deferEras).toBe(true);
    expect(loadIndexerConfig({ ...base, PROOFROOM_DEFER_ERAS: '0' }).deferEras).toBe(false);
    for (const bad of ['2', 'yes', '-1'])
      expect(() => loadIndexerConfig({ ...base, PROOFROOM_DEFER_ERAS: bad })).toThrow(
        /PROOFROOM_DEFER_ERAS/
      );
  });

  it('reads lists and numbers', () => {
    const c = loadIndexerConfig({
      ...base,
      PROOFROOM_STORAGE_URLS: ' http://a:1 , http://b:2,',
      PROOFROOM_FROM_BLOCK: '42',
      PROOFROOM_QUORUM_RULE: 'twoThirds',
    });
    expect(c.storageUrls).toEqual(['http://a:1', 'http://b:2']);
    expect(c.fromBlock).toBe(42);
    expect(c.quorumRule).toBe('twoThirds');
  });

  it('refuses what it cannot use, naming the variable', () => {
    const bad: Array<[Record<string, string>, string]> = [
      [{ DATABASE_URL: base.DATABASE_URL }, 'PROOFROOM_RPC_URL is required'],
      [{ PROOFROOM_RPC_URL: base.PROOFROOM_RPC_URL }, 'DATABASE_URL is required'],
      [{ ...base, PROOFROOM_RPC_URL: 'not a url' }, 'PROOFROOM_RPC_URL'],
      [{ ...base, PROOFROOM_RPC_URL: 'ftp://x' }, 'PROOFROOM_RPC_URL'],
      [{ ...base, PROOFROOM_FROM_BLOCK: '-1' }, 'PROOFROOM_FROM_BLOCK'],
      [{ ...base, PROOFROOM_FETCH_RETRIES: '1.5' }, 'PROOFROOM_FETCH_RETRIES'],
      [{ ...base, PROOFROOM_QUORUM_RULE: 'half' }, 'PROOFROOM_QUORUM_RULE'],
      [{ ...base, PROOFROOM_STORAGE_URLS: 'http://ok, nope' }, 'PROOFROOM_STORAGE_URLS'],
    ];
    for (const [env, message] of bad) {
      expect(() => loadIndexerConfig(env), message).toThrow(ConfigError);
      expect(() => loadIndexerConfig(env)).toThrow(message);
    }
  });
});

describe('supervisor', () => {
  it('does not restart an indexer that exits with a configuration error', async () => {
    const exits: Array<[number | null, number | null]> = [];
    const sup = new Supervisor({
      env: { PATH: process.env.PATH },
      stdio: 'ignore',
      minBackoffMs: 10,
      onExit: (code, _signal, wait) => exits.push([code, wait]),
    });
    sup.start();
    for (let i = 0; i < 200 && exits.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(exits).toEqual([[2, null]]);
    expect(sup.restarts).toBe(0);
    await sup.stop();
  });
});
