/**
 * Receipt bundles assembled from the indexer's database (`api/bundle.ts`), on PGlite and on
 * PostgreSQL, over the devnet's fault scenario indexed by the real indexer. Every record's bundle
 * parses, and verifies to exactly the manifest's verdict and to the lines the indexer stored; an
 * honest record's bundle is the devnet's own; the `proofroom verify` CLI accepts it and rejects a
 * tampered copy; rows without a stored proof give the same bundle.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReceiptBundle } from '../api/bundle.ts';
import { fetchRpcBatch } from '../api/rpc.ts';
import { ChainProofSource } from '../verifier/proof-source.ts';
import type { ReceiptBundleJson } from '../verifier/bundle.ts';
import { ManifestIndex } from '../devnet/manifest.ts';
import { fetchChainInfo } from '../indexer/fetch.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { DEFAULT_POLICY, verifyReceipt } from '../verifier/receipt.ts';
import { databaseLegs } from './helpers/databases.ts';
import { cliVerify } from './helpers/cli-verify.ts';
import { type IndexedDevnet, indexDevnet } from './helpers/indexed-devnet.ts';
import { clone, flipAmountBit, flipHexBit, syncRecordBytes } from './helpers/mutate.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'proofroom-api-bundle-'));
const legs = await databaseLegs();

interface Outcome {
  step: string;
  check: string;
  ok: boolean;
  code: string | null;
}

describe.each(legs)('receipt bundles from the database on %s', (leg) => {
  let ix: IndexedDevnet;
  let db: pg.Pool;
  let records: Array<{
    id: string;
    record_id: string;
    batch_id: string;
    cluster_id: string;
    era: number;
    customer_id: string;
    provider_id: string;
  }>;
  const opts = () => ({ storageUrls: ix.devnet.storageUrls });
  const bundles = new Map<string, ReceiptBundleJson>();

  beforeAll(async () => {
    ix = await indexDevnet(leg);
    db = new pg.Pool({ connectionString: ix.url, max: 2 });
    records = (
      await db.query(
        `SELECT id, record_id, batch_id, cluster_id, era, customer_id, provider_id
           FROM activity_record ORDER BY batch_id, leaf_index`
      )
    ).rows;
  }, 150_000);

  afterAll(async () => {
    await db?.end();
    await ix?.close();
  });

  it('records the chain the indexer follows', async () => {
    const info = (await db.query(`SELECT * FROM chain_info`)).rows;
    expect(info).toEqual([
      {
        id: 'main',
        name: 'Proof Room devnet',
        genesis_hash: ix.devnet.chain.genesisHash,
        ss58_prefix: 54,
        properties: { ss58Format: 54, tokenDecimals: 10, tokenSymbol: 'CERE' },
        updated_at: expect.any(Date),
      },
    ]);
  });

  it('asks the chain over HTTP and WebSocket alike, and fails cleanly when it cannot', async () => {
    const want = {
      name: 'Proof Room devnet',
      genesisHash: ix.devnet.chain.genesisHash,
      ss58Prefix: 54,
      properties: { ss58Format: 54, tokenDecimals: 10, tokenSymbol: 'CERE' },
    };
    expect(await fetchChainInfo(ix.devnet.rpcUrl, 5000)).toEqual(want);
    expect(await fetchChainInfo(ix.devnet.wsUrl, 5000)).toEqual(want);
    // Nothing listens on port 1; a GAR service is no RPC endpoint.
    await expect(fetchChainInfo('http://127.0.0.1:1', 2000)).rejects.toThrow();
    await expect(fetchChainInfo('ws://127.0.0.1:1', 2000)).rejects.toThrow();
    await expect(fetchChainInfo(ix.devnet.garUrl, 2000)).rejects.toThrow();
  });

  // (That each bundle verifies to exactly the stored lines, in order, is test/one-verdict.test.ts.)
  it("every record's bundle parses and verifies to the manifest", async () => {
    expect(records.length).toBe(ix.devnet.manifest.records);
    const manifest = new ManifestIndex(ix.devnet.manifest);
    const problems: string[] = [];
    let failing = 0;
    for (const r of records) {
      const bundle = await buildReceiptBundle(db, r.id, opts());
      expect(bundle).not.toBeNull();
      bundles.set(r.id, bundle!);
      const parsed = parseBundle(JSON.stringify(bundle));
      if (!parsed.ok) {
        problems.push(`${r.record_id}: does not parse: ${parsed.errors.join('; ')}`);
        continue;
      }
      const receipt = verifyReceipt(parsed.bundle, nodeBackend, DEFAULT_POLICY);
      if (!receipt.ok) failing++;
      problems.push(...manifest.diff(r.record_id, receipt.lines));
    }
    expect(problems).toEqual([]);
    expect(failing).toBe(ix.devnet.manifest.receipts.length);
  });

  it("an honest record's bundle is the devnet's own", async () => {
    const manifest = new ManifestIndex(ix.devnet.manifest);
    const sc = ix.devnet.scenario;
    const indexOf = new Map<string, number>();
    for (let i = 0; i < sc.recordCount; i++) indexOf.set(sc.recordId(i), i);
    const honest = records.filter((r) => !manifest.expected(r.record_id));
    expect(honest.length).toBeGreaterThan(0);
    for (const r of [honest[0]!, honest.at(-1)!]) {
      const ours = clone(bundles.get(r.id) ?? (await buildReceiptBundle(db, r.id, opts()))!) as any;
      const theirs = clone(ix.devnet.bundle(indexOf.get(r.record_id)!)) as any;
      // Payload URLs: the devnet lists every storage node; the bundle lists the node the indexer
      // fetched the payload from first, then the configured nodes: the same set.
      expect(ours.inclusion.payloadUrls[0]).toBe(ours.inclusion.source.url);
      expect([...ours.inclusion.payloadUrls].sort()).toEqual(
        [...theirs.inclusion.payloadUrls].sort()
      );
      // The bundle also says where the payload was fetched (the devnet's bundle does not).
      expect(theirs.inclusion.source).toBeUndefined();
      // The paid event's extrinsic is named too (the devnet's bundle names only the event).
      expect(ours.settlement.paid).toEqual({
        ...theirs.settlement.paid,
        extrinsic: expect.stringMatching(new RegExp(`^${theirs.settlement.paid.block}-\\d+$`)),
      });
      // Votes carry no recorded fingerprint: neither PayoutFingerprintCommited nor the call that
      // emits it does (Cere hashes it on chain); the verifier recomputes each from its ehd_id.
      expect(ours.attestation.votes.every((v: any) => v.fingerprint === null)).toBe(true);
      expect(theirs.attestation.votes.every((v: any) => v.fingerprint === null)).toBe(true);
      // The era's activity lists hold the same entries; the indexer's come in account order (its
      // GROUP BY), the devnet's in order of first appearance. Cere sorts them before batching
      // (split_to_batches), so the roots do not depend on it.
      for (const side of ['payers', 'payees']) {
        const byAccount = (l: any[]) =>
          [...l].sort((x, y) => (x.account < y.account ? -1 : x.account > y.account ? 1 : 0));
        expect(ours.attestation.activity[side]).toEqual(byAccount(ours.attestation.activity[side]));
        expect(ours.attestation.activity[side]).toEqual(
          byAccount(theirs.attestation.activity[side])
        );
        theirs.attestation.activity[side] = ours.attestation.activity[side];
      }
      for (const b of [ours, theirs]) {
        delete b.inclusion.payloadUrls;
        delete b.inclusion.source;
        delete b.settlement.paid;
      }
      // Everything else is equal: chain, grant versions (with their GAR URLs), record, inclusion
      // proof, anchor and its finality, attestation, settlement evidence, conservation.
      expect(ours).toEqual(theirs);
    }
  });

  it('the proofroom CLI verifies a bundle and rejects tampered copies', async () => {
    const manifest = new ManifestIndex(ix.devnet.manifest);
    const r = records.find((x) => !manifest.expected(x.record_id))!;
    // With the proofs of its chain facts, from the devnet's node.
    const good = (await buildReceiptBundle(db, r.id, {
      ...opts(),
      proofs: new ChainProofSource(fetchRpcBatch(ix.devnet.rpcUrl)),
    }))!;
    const file = (name: string, b: unknown): string => {
      const f = path.join(dir, `${leg}-${name}.json`);
      writeFileSync(f, JSON.stringify(b));
      return f;
    };
    const badSig = clone(good) as any;
    const sig = badSig.record.signatures[0];
    sig.value = flipHexBit(sig.value, 9);
    syncRecordBytes(badSig);
    const badAmount = clone(good) as any;
    const ev = badAmount.settlement.payers.events[0];
    ev.amount = flipAmountBit(ev.amount, 3);
    const trust = ['--trust-rpc', ix.devnet.rpcUrl];
    const [ok, unpinned, sigRun, amountRun] = await Promise.all([
      cliVerify(file('good', good), ...trust),
      cliVerify(file('good', good)),
      cliVerify(file('bad-signature', badSig), ...trust),
      cliVerify(file('bad-amount', badAmount), ...trust),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.out.chain).toMatchObject({ proven: true, pinned: true });
    // Without a trust root: every line holds, but nothing the user trusts pinned the proofs.
    expect(unpinned.code).toBe(3);
    expect(unpinned.out.chain).toMatchObject({ proven: true, pinned: false });
    expect(ok.out).toMatchObject({ ok: true, failed: 0, recordId: good.recordId });
    const failed = (run: { out: any }) =>
      (run.out.lines as Outcome[]).filter((l) => !l.ok).map((l) => [l.check, l.code]);
    expect(sigRun.code).toBe(1);
    // The signature no longer verifies, and the record's leaf is no longer the one in the root.
    expect(failed(sigRun)).toEqual([
      [`record.signature.${sig.role}`, 'SIG_INVALID'],
      ['inclusion.mmr', 'PROOF_INVALID'],
    ]);
    expect(amountRun.code).toBe(1);
    // The amount no longer matches the batch, nor the chain's Charged event.
    expect(failed(amountRun)).toEqual([
      ['settlement.payers.amount', 'AMOUNT_MISMATCH'],
      ['chain.settlement', 'FACT_MISMATCH'],
    ]);
  }, 60_000);

  it('an unknown id has no bundle', async () => {
    expect(await buildReceiptBundle(db, 'no-such-record:0', opts())).toBeNull();
    expect(await buildReceiptBundle(db, '', opts())).toBeNull();
  });

  // Last: it clears the stored proofs.
  it('stores every proof, and recomputes the same bundle where none is stored', async () => {
    const missing = await db.query(
      `SELECT count(*)::int AS n FROM activity_record WHERE proof IS NULL OR length(proof) % 32 <> 0`
    );
    expect(missing.rows[0].n).toBe(0);
    const multi = await db.query(
      `SELECT count(*)::int AS n FROM activity_record WHERE length(proof) > 0`
    );
    expect(multi.rows[0].n).toBeGreaterThan(0);
    await db.query(`UPDATE activity_record SET proof = NULL`);
    for (const r of records) {
      const again = await buildReceiptBundle(db, r.id, opts());
      expect(again, r.id).toEqual(bundles.get(r.id));
    }
  }, 60_000);
});
