/**
 * The record half of the devnet scenario (devnet/scenario.ts): the identities activity records
 * involve, and a batch of records built from its index range, signed by their roles, with its
 * leaves, root and payload. Every batch is a function of a `RecordPlan` (plain data) and its task
 * alone, so the scenario builds batches in its own thread or in worker threads
 * (devnet/scenario-worker.ts) and gets the same bytes either way.
 * @module
 */
import { createPrivateKey, createPublicKey, sign as nodeSign } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { RecordFormat } from '../verifier/envelope.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { canonicalBytes } from '../verifier/jcs.ts';
import { batchRoot, encodeBatchPayload } from '../verifier/receipts/dac-batch.ts';
import {
  Algorithm,
  RequestType,
  ackSigningBytes,
  emptyActivityAck,
  emptyActivityRecord,
  emptyActivityRequest,
  encodeActivityRecord,
  recordSigningBytes,
  requestSigningBytes,
} from '../verifier/receipts/dac-record.ts';
import { PROJECT_COMPUTE_PRICES, type Pricing, usageCost } from '../verifier/receipts/activity.ts';
import {
  type RoleSigner,
  type ScpUsage,
  signScpRecordCanonical,
} from '../verifier/receipts/scp-record.ts';
import type { SignatureAlgorithm } from '../verifier/signatures.ts';
import { formatRfc3339 } from '../verifier/time.ts';
import { type Identity, identity, seedBytes } from './keys.ts';

export const BLOCK_MS = 6000;

/** The era the `record-era-mismatch` record declares (no devnet batch has it). */
export const ERA_MISMATCH_ERA = 99;

/** Cluster pricing (ddc-primitives ClusterProtocolParams), in planck (10^-10 CERE). */
export const PRICING: Pricing = {
  perMbStored: 2_000_000n,
  perMbStreamed: 1_000_000n,
  perPut: 5_000n,
  perGet: 2_000n,
  ...PROJECT_COMPUTE_PRICES,
};

export interface Usage {
  stored_bytes: string;
  delivered_bytes: string;
  puts: number;
  gets: number;
  cpu_ms: number;
  gpu_units: number;
  ram_units: number;
}

/** A record's usage as the verifier reads it from the record's JSON. */
export function scpUsageOf(u: Usage): ScpUsage {
  return {
    storedBytes: BigInt(u.stored_bytes),
    deliveredBytes: BigInt(u.delivered_bytes),
    puts: u.puts,
    gets: u.gets,
    cpuMs: u.cpu_ms,
    gpuUnits: u.gpu_units,
    ramUnits: u.ram_units,
  };
}

/**
 * The second cluster's pricing (`clusters: 2`): other unit prices for storage, streaming and
 * requests; compute at the project's prices, as the chain's parameters before 73177 leave it.
 */
export const PRICING_2: Pricing = {
  perMbStored: 3_000_000n,
  perMbStreamed: 500_000n,
  perPut: 4_000n,
  perGet: 3_000n,
  ...PROJECT_COMPUTE_PRICES,
};

/** What a record costs at a cluster's pricing (the verifier's `usageCost`; cluster 1's by default). */
export function recordCost(u: Usage, pricing: Pricing = PRICING): bigint {
  return usageCost(scpUsageOf(u), pricing);
}

/** The usage record `i` reports. */
export function usageOf(i: number): Usage {
  return {
    stored_bytes: String(1_000_000 * ((i % 5) + 1)),
    delivered_bytes: String(250_000 * ((i % 3) + 1)),
    puts: i % 4,
    gets: (i * 7) % 11,
    cpu_ms: 120 + (i % 9) * 15,
    gpu_units: i % 2 === 0 ? 1500 : 0,
    ram_units: 64,
  };
}

export type UserKind = 'honest' | 'expired' | 'revoked' | 'out-of-scope' | 'hidden';

/** What records are made of: plain data, so it crosses to worker threads. */
export interface RecordPlan {
  readonly seed: string;
  /** Users `user/0..` (honest), then the fault users. */
  readonly honestUsers: number;
  readonly faultUsers: ReadonlyArray<{ readonly name: string; readonly kind: UserKind }>;
  readonly agents: number;
  readonly nodes: number;
  /** Every n-th record also carries a Cere DAC protobuf record (0: none). */
  readonly dacEvery: number;
  /** Records signed by a fault user instead of `i % honestUsers`: [record, user]. */
  readonly userOverrides: ReadonlyArray<readonly [number, number]>;
  /** The record whose node signature is corrupted, or -1. */
  readonly badSignatureRecord: number;
  /** The record without its orchestrator signature, or -1. */
  readonly missingRoleRecord: number;
  /** The record that declares another era than its batch's (ERA_MISMATCH_ERA), or -1. */
  readonly eraMismatchRecord: number;
  /** The record made by a node the cluster never registered (`node/stranger`), or -1. */
  readonly strangerNodeRecord: number;
  /**
   * Where payloads are written, or null to keep them in memory. Each thread appends the payloads
   * it builds to its own pack file, `<payloadPrefix>-<thread id>.bin`.
   */
  readonly payloadDir: string | null;
  readonly payloadPrefix: string;
  /** Which cluster of the seed (1, the default, or 2): its id, and its identities' names. */
  readonly cluster?: 1 | 2;
  /** Bucket ids of the plan's users start here (default 1000). */
  readonly bucketBase?: number;
  /** The cluster's pricing (default `PRICING`). */
  readonly pricing?: Pricing;
  /**
   * The second cluster's plan (its own users, nodes and pricing; no faults): tasks with
   * `cluster: 2` build its records.
   */
  readonly second?: RecordPlan | null;
}

export interface WorldUser {
  readonly id: Identity;
  readonly agent: Identity;
  readonly scope: Record<string, string>;
  readonly bucket: bigint;
  readonly kind: UserKind;
}

/** The identities of a plan, with their keys' hex forms (each record names six keys). */
export interface RecordWorld {
  readonly plan: RecordPlan;
  readonly clusterId: Uint8Array;
  readonly clusterHex: string;
  readonly users: readonly WorldUser[];
  readonly agents: readonly Identity[];
  readonly nodes: readonly Identity[];
  readonly providers: readonly Identity[];
  readonly orchestrators: readonly Identity[];
  /** A storage node the cluster never registers (the `unregistered-signer` fault's signer). */
  readonly strangerNode: Identity;
  readonly hex: ReadonlyMap<Identity, string>;
  readonly pricing: Pricing;
  /** The second cluster's world, when the plan has one. */
  readonly second: RecordWorld | null;
}

/**
 * `identity(seed, name, algorithm)` of keys.ts, cheaper to create and to use in bulk (a large
 * scenario has thousands of users and millions of signatures). Same keys, same signatures
 * (test/devnet-scenario.test.ts compares the two):
 *
 * - ed25519: OpenSSL imports the key from its JWK form ~8x faster than from PKCS#8 DER, and gives
 *   the public key far faster than noble computes it (Ed25519 signing is deterministic).
 * - sr25519: the steps of `@scure/sr25519`'s `sign` with the public key computed once, not
 *   derived, decoded and re-encoded for every signature, and R encoded once (~4x faster). The
 *   nonce input is keys.ts's: blake2b256(seed || message).
 */
export function bulkIdentity(
  seed: string,
  name: string,
  algorithm: SignatureAlgorithm = 'ed25519'
): Identity {
  const s = seedBytes(seed, name);
  // sr25519 (1 record in 64) keeps the reference signer in keys.ts.
  if (algorithm === 'sr25519') return identity(seed, name, algorithm);
  const d = Buffer.from(s).toString('base64url');
  let x: unknown;
  let key: ReturnType<typeof createPrivateKey>;
  try {
    // Node reads the private key from `d` alone; `x` must only be a string.
    key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d, x: '' }, format: 'jwk' });
    x = createPublicKey(key).export({ format: 'jwk' }).x;
  } catch {
    return identity(seed, name, algorithm);
  }
  if (typeof x !== 'string') return identity(seed, name, algorithm);
  return {
    name,
    algorithm,
    publicKey: new Uint8Array(Buffer.from(x, 'base64url')),
    sign: (m) => new Uint8Array(nodeSign(null, m, key)),
  };
}

/** Cluster 1's id is derived from the seed; cluster 2's from the seed and its number. */
export function clusterIdOf(seed: string, cluster: 1 | 2 = 1): Uint8Array {
  return blake2b256(utf8(cluster === 1 ? `cluster/${seed}` : `cluster/${seed}/${cluster}`)).slice(
    0,
    20
  );
}

/** The prefix of cluster c's own identities' names (nodes, providers, users, its manager). */
export const clusterNames = (cluster: 1 | 2): string =>
  cluster === 1 ? '' : `cluster-${cluster}/`;

export function recordWorld(plan: RecordPlan): RecordWorld {
  const seed = plan.seed;
  const cluster = plan.cluster ?? 1;
  const clusterId = clusterIdOf(seed, cluster);
  const names = clusterNames(cluster);
  // Orchestrators and agent services serve every cluster: the same keys in both.
  const orchestrators = [
    bulkIdentity(seed, 'orchestrator/0', 'ed25519'),
    bulkIdentity(seed, 'orchestrator/1', 'sr25519'),
  ];
  const nodes = Array.from({ length: plan.nodes }, (_, i) =>
    bulkIdentity(seed, `${names}node/${i}`)
  );
  const strangerNode = bulkIdentity(seed, 'node/stranger');
  const providers = Array.from({ length: plan.nodes }, (_, i) =>
    bulkIdentity(seed, `${names}provider/${i}`)
  );
  const agents = Array.from({ length: plan.agents }, (_, i) => bulkIdentity(seed, `agent/${i}`));
  const users: WorldUser[] = [];
  const bucketBase = plan.bucketBase ?? 1000;
  const addUser = (name: string, kind: UserKind): void => {
    const u = users.length;
    users.push({
      id: bulkIdentity(seed, name),
      agent: agents[u % plan.agents]!,
      scope: {
        workspace_id: `ws-${cluster === 1 ? '' : `c${cluster}-`}${u}`,
        stream_id: `stream-${u % 4}`,
      },
      bucket: BigInt(bucketBase + u),
      kind,
    });
  };
  for (let u = 0; u < plan.honestUsers; u++) addUser(`${names}user/${u}`, 'honest');
  for (const f of plan.faultUsers) addUser(f.name, f.kind);
  const hex = new Map<Identity, string>();
  for (const who of [
    ...orchestrators,
    ...nodes,
    strangerNode,
    ...providers,
    ...agents,
    ...users.map((u) => u.id),
  ])
    hex.set(who, toHex(who.publicKey));
  return {
    plan,
    clusterId,
    clusterHex: toHex(clusterId),
    users,
    agents,
    nodes,
    providers,
    orchestrators,
    strangerNode,
    hex,
    pricing: plan.pricing ?? PRICING,
    second: plan.second ? recordWorld(plan.second) : null,
  };
}

/** The user whose agent made record `i`. */
export function userOfRecord(plan: RecordPlan, i: number): number {
  for (const [record, user] of plan.userOverrides) if (record === i) return user;
  return i % plan.honestUsers;
}

/** A batch to build: records `from..to-1` of `era`, timed within the window before its anchor. */
export interface BatchTask {
  /** The cluster whose records these are (default 1; 2 is the plan's `second`). */
  readonly cluster?: 1 | 2;
  readonly era: number;
  readonly from: number;
  readonly to: number;
  readonly windowStart: number;
}

/** When record `i` of a batch happened. */
export function recordTime(task: BatchTask, i: number): number {
  return (
    task.windowStart + Math.floor(((i - task.from) * (BLOCK_MS - 1000)) / (task.to - task.from))
  );
}

/** Where a payload is in a pack file. */
export interface PackedPayload {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
}

export interface BatchOutput {
  /** The payload, when payloads are kept in memory. */
  readonly payload: Uint8Array | null;
  /** Where the payload was written, when payloads are kept in a directory. */
  readonly packed: PackedPayload | null;
  readonly payloadHash: Uint8Array;
  readonly root: Uint8Array;
  /** Per record: the 12 bytes of its id (`dac-` + their hex). */
  readonly ids: Uint8Array;
  /** Per record: its cost at the cluster's pricing. */
  readonly costs: BigUint64Array;
}

export const RECORD_ID_BYTES = 12;

export function recordIdFromBytes(ids: Uint8Array, k: number): string {
  return 'dac-' + toHex(ids.subarray(RECORD_ID_BYTES * k, RECORD_ID_BYTES * (k + 1))).slice(2);
}

/**
 * Appends payloads to this thread's pack file (one file per thread: creating a file per payload
 * took ~10% of a large build).
 */
export class PackWriter {
  private fd: number | null = null;
  private offset = 0;
  readonly file: string;
  constructor(plan: RecordPlan) {
    if (plan.payloadDir === null) throw new Error('PackWriter: no payload directory');
    this.file = path.join(plan.payloadDir, `${plan.payloadPrefix}-${threadId}.bin`);
  }
  write(payload: Uint8Array): PackedPayload {
    this.fd ??= openSync(this.file, 'w');
    let done = 0;
    while (done < payload.length)
      done += writeSync(this.fd, payload, done, payload.length - done, this.offset + done);
    const packed = { file: this.file, offset: this.offset, length: payload.length };
    this.offset += payload.length;
    return packed;
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export function readPacked(p: PackedPayload): Uint8Array {
  const out = new Uint8Array(p.length);
  const fd = openSync(p.file, 'r');
  try {
    let done = 0;
    while (done < p.length) {
      const n = readSync(fd, out, done, p.length - done, p.offset + done);
      if (n === 0) throw new Error(`${p.file}: payload cut short`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

function mutateHex(hex: string): string {
  const last = hex.slice(-1);
  return hex.slice(0, -1) + (last === '0' ? '1' : '0');
}

/**
 * Builds the records of a batch, its leaves, root and payload; the payload goes to `pack` when
 * given (payloads kept in a directory).
 */
export function buildBatch(
  world: RecordWorld,
  task: BatchTask,
  pack: PackWriter | null
): BatchOutput {
  const w = task.cluster === 2 ? world.second! : world;
  const plan = w.plan;
  const seed = plan.seed;
  const n = task.to - task.from;
  const lines: Uint8Array[] = new Array<Uint8Array>(n);
  const leaves: Uint8Array[] = new Array<Uint8Array>(n);
  const ids = new Uint8Array(RECORD_ID_BYTES * n);
  const costs = new BigUint64Array(n);
  const hexOf = (who: Identity): string => w.hex.get(who)!;
  for (let k = 0; k < n; k++) {
    const i = task.from + k;
    const user = w.users[userOfRecord(plan, i)]!;
    const p = i % plan.nodes;
    const node = i === plan.strangerNodeRecord ? w.strangerNode : w.nodes[p]!;
    const at = recordTime(task, i);
    const usage = usageOf(i);
    const orchestrator = w.orchestrators[i % 64 === 63 ? 1 : 0]!;
    const unsigned = {
      type: 'scp.activity',
      version: 0,
      cluster_id: w.clusterHex,
      era: i === plan.eraMismatchRecord ? ERA_MISMATCH_ERA : task.era,
      timestamp: formatRfc3339(at),
      user: hexOf(user.id),
      agent: hexOf(user.agent),
      orchestrator: hexOf(orchestrator),
      node: hexOf(node),
      customer: hexOf(user.id),
      provider: hexOf(w.providers[p]!),
      scope: user.scope,
      operation: ['PUT', 'GET', 'COMPUTE'][i % 3]!,
      usage,
      result_hash: toHex(blake2b256(utf8(`result/${seed}/${i}`))),
      ...(plan.dacEvery > 0 && i % plan.dacEvery === plan.dacEvery - 1
        ? { dac: toHex(dacRecordFor(seed, i, user, node, at, usage)) }
        : {}),
    };
    const signers: RoleSigner[] = [
      { role: 'agent', who: user.agent },
      { role: 'orchestrator', who: orchestrator },
      { role: 'node', who: node },
    ].map(({ role, who }) => ({
      role,
      algorithm: who.algorithm,
      sign: (m: Uint8Array) => ({ signer: who.publicKey, value: who.sign(m) }),
    }));
    const signed = signScpRecordCanonical(unsigned, signers);
    let canonical = signed.canonical;
    if (plan.badSignatureRecord === i || plan.missingRoleRecord === i) {
      let rec = signed.record;
      const sigs = rec.signatures as Array<Record<string, string>>;
      if (plan.badSignatureRecord === i)
        rec = {
          ...rec,
          signatures: sigs.map((s, j) => (j === 2 ? { ...s, value: mutateHex(s.value!) } : s)),
        };
      if (plan.missingRoleRecord === i)
        rec = {
          ...rec,
          signatures: (rec.signatures as Array<Record<string, string>>).filter(
            (s) => s.role !== 'orchestrator'
          ),
        };
      canonical = canonicalBytes(rec);
    }
    lines[k] = canonical;
    leaves[k] = blake2b256(canonical);
    ids.set(parseHex(signed.recordId.slice(4), RECORD_ID_BYTES)!, RECORD_ID_BYTES * k);
    costs[k] = recordCost(usage, w.pricing);
  }
  const root = batchRoot(leaves);
  const payload = encodeBatchPayload(lines, RecordFormat.ScpJson);
  const payloadHash = blake2b256(payload);
  if (pack) return { payload: null, packed: pack.write(payload), payloadHash, root, ids, costs };
  return { payload, packed: null, payloadHash, root, ids, costs };
}

/** A Cere DAC ActivityRecord for a record: agent-signed request and ack, node-signed record. */
function dacRecordFor(
  seed: string,
  i: number,
  user: WorldUser,
  node: Identity,
  atMs: number,
  usage: Usage
): Uint8Array {
  const requestId = `req-${seed}-${i}`;
  const ts = BigInt(atMs);
  const sig = (who: Identity, bytes: Uint8Array) => ({
    algorithm: who.algorithm === 'ed25519' ? Algorithm.ED_25519 : Algorithm.SR_25519,
    signer: who.publicKey,
    value: who.sign(bytes),
  });
  const req0 = {
    ...emptyActivityRequest(),
    requestId,
    requestType: RequestType.COMPUTE,
    bucketId: user.bucket,
    timestamp: ts,
  };
  const request = { ...req0, signature: sig(user.agent, requestSigningBytes(req0)) };
  const ack0 = {
    ...emptyActivityAck(),
    requestId,
    timestamp: ts + 5n,
    cpuUnits: BigInt(usage.cpu_ms),
    gpuUnits: BigInt(usage.gpu_units),
    ramUnits: BigInt(usage.ram_units),
  };
  const ack = { ...ack0, signature: sig(user.agent, ackSigningBytes(ack0)) };
  const rec0 = {
    ...emptyActivityRecord(),
    id: blake2b256(utf8(requestId)).slice(0, 16),
    upstream: { request, ack },
    timestamp: ts + 10n,
  };
  return encodeActivityRecord({ ...rec0, signature: sig(node, recordSigningBytes(rec0)) });
}
