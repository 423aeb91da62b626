/**
 * Every line can fail, through the indexer. The devnet with every fault it knows, plus what no
 * honest chain produces: a batch of hostile records (not JSON, a wrong id, a signature without a
 * role, a broken Cere DAC record, a user with no grant who pays nobody knows) anchored into a paid
 * era by a registered node, and a GAR service that also serves a version with a broken signature.
 * The real indexer indexes it all; then, for every check of the line catalogue, some receipt the
 * API assembles from the stored subjects fails it. And every reason code is asserted by its name
 * in some test.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReceipt } from '../api/receipt.ts';
import { type Devnet, startDevnet } from '../devnet/devnet.ts';
import { identity } from '../devnet/keys.ts';
import { DEVNET_FAULTS } from '../devnet/scenario.ts';
import { startStorageNodes } from '../devnet/storage-node.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import { parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { CATALOGUE, patternOf } from '../verifier/catalogue.ts';
import { RecordFormat, decodeEnvelope, encodeEnvelope } from '../verifier/envelope.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { canonicalBytes } from '../verifier/jcs.ts';
import { REASONS } from '../verifier/lines.ts';
import {
  batchRoot,
  decodeBatchPayload,
  encodeBatchPayload,
} from '../verifier/receipts/dac-batch.ts';
import { databaseLegs, type TestDatabase, createTestDatabase } from './helpers/databases.ts';

const legs = await databaseLegs();

/** The GAR service as the indexer sees it: the devnet's, plus one version with a broken signature. */
async function garWithBrokenVersion(
  garUrl: string,
  broken: Record<string, unknown>
): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res) => {
    void (async () => {
      const up = await fetch(`${garUrl}${req.url ?? '/'}`);
      const body = (await up.json()) as Record<string, unknown>;
      // After the service's last version, once: the list answers it to a reader not past it.
      const url = new URL(req.url ?? '/', garUrl);
      const after = Number(url.searchParams.get('after') ?? 0);
      if (
        url.pathname === '/api/v1/agreements' &&
        body.next === null &&
        after < Number(broken.sequence)
      )
        (body.items as unknown[]).push(broken);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    })().catch(() => {
      res.statusCode = 502;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.each(legs)('the line catalogue, through the indexer, on %s', (leg) => {
  let dn: Devnet;
  let db: TestDatabase;
  let pool: pg.Pool;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    dn = await startDevnet({
      seed: 'catalogue',
      records: 240,
      eras: 4,
      recordsPerBatch: 10,
      faults: [...DEVNET_FAULTS],
    });
    closers.push(() => dn.close());
    dn.settle();

    // Hostile records, from an honest batch of era 2 (the honest, paid era).
    const sc = dn.scenario;
    const era2 = 2;
    let base: Uint8Array | null = null;
    for (const p of sc.payloads.values()) {
      const lines = decodeBatchPayload(p, RecordFormat.ScpJson);
      if (lines.ok && JSON.parse(new TextDecoder().decode(lines.value[0]!)).era === era2) {
        base = p;
        break;
      }
    }
    const records = decodeBatchPayload(base!, RecordFormat.ScpJson);
    if (!records.ok) throw new Error('fixture');
    const objs = records.value.map((r) => JSON.parse(new TextDecoder().decode(r)));
    const bytes: Uint8Array[] = [];
    const stranger = toHex(blake2b256(utf8('a user nobody granted anything')));
    objs.forEach((o, i) => {
      if (i === 0) {
        bytes.push(utf8('not json at all'));
        return;
      }
      if (i === 1) o.record_id = 'dac-000000000000000000000000';
      if (i === 2) o.signatures.push({ algorithm: 'ed25519', signer: '0x12', value: '0x34' });
      if (i === 3) o.dac = '0x0a0b0c';
      if (i === 4) {
        o.user = stranger;
        o.customer = stranger;
      }
      bytes.push(canonicalBytes(o));
    });
    const payload = encodeBatchPayload(bytes, RecordFormat.ScpJson);
    const envelope = encodeEnvelope({
      kind: 'DacBatch',
      clusterId: sc.clusterId,
      era: era2,
      batchIndex: 77,
      recordFormat: RecordFormat.ScpJson,
      leafCount: bytes.length,
      root: batchRoot(bytes.map((b) => blake2b256(b))),
      payloadHash: blake2b256(payload),
    });
    const extra = new Map([[toHex(blake2b256(payload)), payload]]);
    const nodes = await startStorageNodes(1, (h) => extra.get(h) ?? sc.payloads.get(h));
    closers.push(() => nodes.close());
    // A registered node anchors it, after the devnet's last block.
    const node0 = identity('catalogue', 'node/0');
    const tip = dn.chain.best;
    const block = dn.chain.build({
      timestamp: tip.timestamp + 6000,
      extrinsics: [
        {
          call: {
            pallet: 'System',
            name: 'remark_with_event',
            args: { remark: toHex(envelope) },
          },
          signer: node0,
          events: [
            {
              pallet: 'System',
              name: 'Remarked',
              args: { sender: toHex(node0.publicKey), hash: toHex(blake2b256(envelope)) },
            },
          ],
        },
      ],
    } as never);
    dn.chain.setBest(block.hash);
    expect(decodeEnvelope(envelope).ok).toBe(true);

    // The GAR service also serves a version of user 0's grant whose signature is broken.
    const honest = sc.agreements[0]!;
    const sig = honest.signature;
    const value = parseHex(sig.value, 64)!;
    value[0] ^= 1;
    const userHex = sig.signer;
    const agentHex = JSON.parse(
      Buffer.from(honest.payload, 'base64url').toString()
    ).agent_service_pub_key;
    const versions = sc.agreements.filter(
      (a) => JSON.parse(Buffer.from(a.payload, 'base64url').toString()).user_pub_key === userHex
    ).length;
    const gar = await garWithBrokenVersion(dn.garUrl, {
      sequence: sc.agreements.length + 1,
      user: userHex,
      agent: agentHex,
      version: versions,
      payload: honest.payload,
      signature: { ...sig, value: toHex(value) },
      receivedAt: new Date(0).toISOString(),
    });
    closers.push(() => new Promise((r) => gar.server.close(r)));

    db = await createTestDatabase(leg);
    closers.push(() => db.drop());
    const sup = new Supervisor({
      env: {
        ...process.env,
        PROOFROOM_RPC_URL: dn.rpcUrl,
        DATABASE_URL: db.url,
        PROOFROOM_GAR_URL: gar.url,
        PROOFROOM_STORAGE_URLS: nodes.urls.join(','),
        PROOFROOM_HEAD_POLL_MS: '100',
        PROOFROOM_THREADS: '2',
        PROOFROOM_METRICS_PORT: '-1',
      },
      stdio: 'pipe',
      minBackoffMs: 100,
    });
    sup.start();
    closers.push(() => sup.stop(2000));
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    closers.push(() => pool.end());
    const t0 = Date.now();
    for (;;) {
      const r = await pool
        .query(`SELECT hash FROM indexer_status WHERE id = 'main'`)
        .catch(() => ({ rows: [] as Array<{ hash: string }> }));
      if (r.rows[0]?.hash === block.hash) break;
      if (Date.now() - t0 > 120_000) throw new Error('the indexer did not reach the head');
      await new Promise((res) => setTimeout(res, 100));
    }
  }, 240_000);

  afterAll(async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  });

  it('fails every check of the catalogue in some stored receipt', async () => {
    const ids = (await pool.query(`SELECT id FROM activity_record`)).rows.map((r) => r.id);
    expect(ids.length).toBe(240 + 10);
    const failing = new Map<string, Set<string>>();
    const pendingSeen = new Set<string>();
    for (const id of ids) {
      const r = (await loadReceipt(pool, { id }))!;
      for (const l of r.lines) {
        if (l.status === 'pending') pendingSeen.add(patternOf(l.check));
        if (l.status !== 'fail') continue;
        const k = patternOf(l.check);
        if (!failing.has(k)) failing.set(k, new Set());
        failing.get(k)!.add(l.code!);
      }
    }
    // The chain subject is computed where bundles are verified, not stored by the indexer; its
    // checks fail through the indexer and the API in test/chain-proofs.test.ts.
    const never = CATALOGUE.filter((c) => c.subject !== 'chain' && !failing.has(c.check)).map(
      (c) => c.check
    );
    expect(never).toEqual([]);
    // Each failure carries a code its catalogue entry names.
    for (const c of CATALOGUE)
      for (const code of failing.get(c.check) ?? [])
        expect(c.fails as readonly string[], `${c.check} ${code}`).toContain(code);
    // And the failures no honest chain produces came from the hostile inputs.
    expect(failing.get('record.decode')).toContain('BAD_ENCODING');
    expect(failing.get('record.id')).toContain('RECORD_ID_MISMATCH');
    expect(failing.get('grant.signature[#]')).toContain('SIG_INVALID');
    expect(failing.get('grant.parties')).toContain('GRANT_MISSING');
    expect(failing.get('attestation.roots')).toContain('ROOTS_MISMATCH');
    expect(failing.get('settlement.<side>.entry')).toContain('ENTRY_NOT_FOUND');
    expect(failing.get('record.registration')).toContain('NOT_REGISTERED');
    expect(failing.get('anchor.sender')).toContain('NOT_AUTHORIZED');
    expect(failing.get('settlement.paid')).toContain('NOT_PAID');
    // The batch whose anchored root is not its payload's: the payload line says so.
    const roots = await pool.query(
      `SELECT count(*)::int AS n FROM verification_line
        WHERE subject_kind = 'batch' AND check_name = 'inclusion.payload' AND code = $1`,
      ['ROOT_MISMATCH']
    );
    expect(roots.rows[0].n).toBeGreaterThan(0);
    // The hostile batch's anchor is not final yet: its records' era lines are final, but the
    // anchor waits on nothing (finality is a verdict, NOT_FINAL).
    expect(failing.get('anchor.finality')).toContain('NOT_FINAL');
    expect(pendingSeen.size).toBe(0);
  }, 120_000);
});

describe('reason codes', () => {
  it('every code is asserted by its name in some test', () => {
    const dir = path.resolve('test');
    const texts = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    const missing = Object.keys(REASONS).filter((code) => !texts.includes(`'${code}'`));
    expect(missing).toEqual([]);
  });
});
