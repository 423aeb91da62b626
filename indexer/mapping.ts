/**
 * Mappings per pallet and event: turns the processor's decoded blocks into rows, with the typed
 * decoders generated from the devnet's metadata (`indexer/types`). Pure over its input: fetching
 * payloads, verification and writes happen elsewhere. The one chain read, the protocol params a
 * governance change wrote (`DdcClusters.ClustersGovParams`), is collected by `mapBlock` as a
 * request (`Ingest.paramsReads`) and done by `resolveParamsReads` before the batch is written.
 * An event or call whose bytes do not match the known runtime becomes a failed line
 * (`BAD_ENCODING`), never an exception.
 * @module
 */
import { toHex } from '../verifier/bytes.ts';
import { type DacBatchEnvelope, ENVELOPE_MAGIC, decodeEnvelope } from '../verifier/envelope.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { type Facts, type Line, type ReasonCode, fail } from '../verifier/lines.ts';
import { RULE_ANCHOR } from '../verifier/receipts/dac-batch.ts';
import { PROJECT_COMPUTE_PRICES } from '../verifier/receipts/activity.ts';
import * as calls from './types/calls.ts';
import * as events from './types/events.ts';
import * as storage from './types/storage.ts';
import { VALIDATOR_SET_READ } from '../db/era-evidence.ts';
import type { GarSnapshot, NewRecord } from './links.ts';
import type { Inserts, Table } from './sql.ts';

/** The processor's block, reduced to the fields the mappings read (see indexer/processor.ts). */
export interface IBlock {
  readonly header: {
    readonly height: number;
    readonly hash: string;
    readonly parentHash: string;
    readonly timestamp?: number;
    /** The runtime version the block's own state reports (at an upgrade block: the new one). */
    readonly specVersion: number;
    /** The runtime that executed the block and encoded its events (its parent's). */
    readonly _runtime?: { readonly specVersion: number };
  };
  readonly events: readonly IEvent[];
  readonly calls: readonly ICall[];
  readonly extrinsics: readonly IExtrinsic[];
}
export interface IEvent {
  readonly index: number;
  readonly name: string;
  readonly args: unknown;
  readonly extrinsicIndex?: number;
  readonly block: { readonly height: number; readonly _runtime?: unknown };
  readonly call?: ICall;
  readonly extrinsic?: IExtrinsic;
}
export interface ICall {
  readonly name: string;
  readonly args: unknown;
  readonly extrinsicIndex: number;
  readonly address: readonly number[];
  readonly success?: boolean;
  readonly extrinsic?: IExtrinsic;
}
export interface IExtrinsic {
  readonly index: number;
  readonly hash?: string;
  readonly success?: boolean;
  readonly signature?: { readonly address: unknown } | null;
  readonly call?: ICall;
}

/** Event and call names the processor must deliver. */
export const EVENT_NAMES = [
  events.system.remarked.name,
  ...Object.values(events.ddcClusters).map((e) => e.name),
  ...Object.values(events.ddcNodes).map((e) => e.name),
  ...Object.values(events.ddcCustomers).map((e) => e.name),
  ...Object.values(events.ddcPayouts).map((e) => e.name),
  ...Object.values(events.ddcVerification).map((e) => e.name),
];
export const CALL_NAMES = [
  calls.ddcPayouts.beginPayout.name,
  calls.ddcPayouts.sendChargingCustomersBatch.name,
  calls.ddcPayouts.sendRewardingProvidersBatch.name,
  calls.ddcPayouts.beginChargingCustomers.name,
  calls.ddcPayouts.beginRewardingProviders.name,
  // The billing-report design (spec 71000): the payout steps are DdcVerification's calls.
  calls.ddcVerification.beginBillingReport.name,
  calls.ddcVerification.sendChargingCustomersBatch.name,
  calls.ddcVerification.sendRewardingProvidersBatch.name,
  calls.ddcVerification.beginChargingCustomers.name,
  calls.ddcVerification.beginRewardingProviders.name,
];

/** A DAC batch anchored on chain, waiting for its payload and verification. */
export interface AnchoredBatch {
  readonly id: string;
  readonly envelope: DacBatchEnvelope;
  readonly block: { readonly number: number; readonly hash: string };
}

/** A line about a chain object that is not a receipt (an undecodable envelope, say). */
export interface SubjectLines {
  readonly kind: string;
  readonly id: string;
  readonly lines: readonly Line[];
  readonly block: number;
}

/** Everything one processor batch adds, as rows per table. */
/** One entry of a GAR anchor (see `Ingest.garEntries`). */
export interface GarEntry {
  readonly pair: string | null;
  readonly hash: string;
  readonly hashOk: boolean;
}

export class Ingest {
  readonly rows = new Map<Table, Array<Inserts[Table]>>();
  readonly batches: AnchoredBatch[] = [];
  readonly subjects: SubjectLines[] = [];
  /** `cluster-era` keys whose era lines must be (re)computed. */
  readonly eras = new Set<string>();
  /**
   * `cluster-era` keys that only gained activity batches here. Until the era's first vote or
   * payout call, the indexer may put their recomputation off while it catches up (Indexer.eras).
   */
  readonly eraRecords = new Set<string>();
  /** `cluster-era-side` → max batch index from `begin_*` calls in this batch. */
  readonly maxBatch = new Map<string, number>();
  /** Protocol params seen in this batch, per cluster (latest wins). */
  readonly params = new Map<string, ProtocolParams>();
  /**
   * Protocol params to read from chain storage, in block order: a `ClusterProtocolParamsSet` that
   * no `create_cluster` of the same extrinsic explains (a governance change). Resolved by
   * `resolveParamsReads` before the batch is written.
   */
  readonly paramsReads: ParamsRead[] = [];
  /**
   * Validator sets to read from chain storage: at each `begin_billing_report` (71000), whose
   * runtime keeps the session's set in `DdcVerification.ValidatorSet` without an event. Resolved
   * by `resolveValidatorSetReads` before the batch is written.
   */
  readonly validatorSetReads: Array<{ readonly id: string; readonly block: IBlock['header'] }> = [];
  /**
   * Entries of the GAR anchors stored or made final in this batch: the pair (`pair_id`, null in a
   * legacy `GarAnchor`), the payload hash, and whether the remark's hash matched its envelope.
   * They decide which stored records need their links again (Indexer.links).
   */
  readonly garEntries: GarEntry[] = [];
  /** Extrinsic ids already recorded in this batch. */
  readonly extrinsics = new Set<string>();
  blocks = 0;
  events = 0;
  /** Blocks at or below this height are final. */
  finalizedHeight = -1;
  /** The GAR read after this batch's sync (null: the indexer's current one). */
  gar: GarSnapshot | null = null;
  /** Records fetched and verified in this batch, waiting for their links. */
  readonly newRecords: NewRecord[] = [];
  /** `user/agent` pairs whose stored records need their links again. */
  readonly relinkPairs = new Set<string>();
  /** Records with waiting lines need their links again (the GAR became readable). */
  relinkWaiting = false;
  /** Links computed above this height need computing again (a rollback), or null. */
  linksAbove: number | null = null;
  records = 0;
  recordsFailed = 0;
  /** Stored records whose links this write computed again. */
  relinked = 0;

  /** Adds a named row (db/rows.ts: the table's `Insert` shape) to write with the batch. */
  add<T extends Table>(table: T, row: Inserts[T]): void {
    let list = this.rows.get(table) as Array<Inserts[T]> | undefined;
    if (!list) this.rows.set(table, (list = []));
    list.push(row);
  }
  /** The rows added for `table`. */
  rowsOf<T extends Table>(table: T): ReadonlyArray<Inserts[T]> {
    return (this.rows.get(table) as Array<Inserts[T]> | undefined) ?? [];
  }
  count(table: Table): number {
    return this.rows.get(table)?.length ?? 0;
  }
}

/**
 * "Read `DdcClusters.ClustersGovParams(clusterId)` in the state of `block`": what a
 * `ClusterProtocolParamsSet` outside `create_cluster` (a `DdcClustersGov.update_cluster_protocol`
 * in a block's initialization) asks for; the event (`id`) is the subject of a failure.
 */
export interface ParamsRead {
  readonly id: string;
  readonly clusterId: string;
  readonly block: IBlock['header'];
}

export interface ProtocolParams {
  readonly shares: { treasury: bigint; validators: bigint; reserve: bigint };
  readonly pricing: {
    perMbStored: bigint;
    perMbStreamed: bigint;
    perPut: bigint;
    perGet: bigint;
    perCpuMs: bigint;
    perGpuUnit: bigint;
    perRamUnit: bigint;
  };
}

/**
 * A cluster's pricing from its protocol parameters: from 73177 all seven prices are the chain's
 * (`cost_per_*`); before, the chain has four (`unit_per_*`) and compute is priced by the
 * project's cost model (`PROJECT_COMPUTE_PRICES`).
 */
function pricingOf(
  pp:
    | {
        unitPerMbStored: bigint;
        unitPerMbStreamed: bigint;
        unitPerPutRequest: bigint;
        unitPerGetRequest: bigint;
      }
    | {
        costPerMbStored: bigint;
        costPerMbStreamed: bigint;
        costPerPutRequest: bigint;
        costPerGetRequest: bigint;
        costPerCpuUnit: bigint;
        costPerGpuUnit: bigint;
        costPerRamUnit: bigint;
      }
): ProtocolParams['pricing'] {
  if ('costPerMbStored' in pp)
    return {
      perMbStored: pp.costPerMbStored,
      perMbStreamed: pp.costPerMbStreamed,
      perPut: pp.costPerPutRequest,
      perGet: pp.costPerGetRequest,
      perCpuMs: pp.costPerCpuUnit,
      perGpuUnit: pp.costPerGpuUnit,
      perRamUnit: pp.costPerRamUnit,
    };
  return {
    perMbStored: pp.unitPerMbStored,
    perMbStreamed: pp.unitPerMbStreamed,
    perPut: pp.unitPerPutRequest,
    perGet: pp.unitPerGetRequest,
    ...PROJECT_COMPUTE_PRICES,
  };
}

export const eraKey = (clusterId: string, era: number): string => `${clusterId}-${era}`;
const eventId = (height: number, index: number): string => `${height}-${index}`;
const extrinsicId = (height: number, index: number | undefined): string | null =>
  index === undefined ? null : `${height}-${index}`;

/** JSON for a jsonb column: bigints as decimal strings, byte arrays as they come (hex). */
export function jsonOf(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function signerOf(x: IExtrinsic | undefined): string | null {
  const a = x?.signature?.address as { __kind?: string; value?: unknown } | string | undefined;
  if (typeof a === 'string') return a;
  if (a && typeof a.value === 'string') return a.value;
  return null;
}

function nodeKeyOf(k: { __kind: string; value: string }): string {
  return k.value;
}

/** A 71000 `BucketUsage` / `NodeUsage` (i64 stored bytes, u64 the others). */
interface UsageOf {
  readonly storedBytes: bigint;
  readonly transferredBytes: bigint;
  readonly numberOfPuts: bigint;
  readonly numberOfGets: bigint;
}

/** Usage as the indexer stores it: decimal strings, in the billing-report contract's order. */
function usageJson(u: UsageOf): Record<keyof UsageOf, string> {
  return {
    storedBytes: u.storedBytes.toString(),
    transferredBytes: u.transferredBytes.toString(),
    numberOfPuts: u.numberOfPuts.toString(),
    numberOfGets: u.numberOfGets.toString(),
  };
}

/** What `decodeAny` returns for a generated item: any of its versions' decoded shapes. */
type DecodedOf<I> = {
  [K in keyof I]: I[K] extends { decode(x: never): infer T } ? T : never;
}[keyof I];

/** What the chain holds cannot be read as expected: a fact about the chain, stored as a line. */
class ChainDataError extends Error {
  override readonly name: string = 'ChainDataError';
}

/** No generated decoder of an item knows the layout the block's runtime gives it. */
class UnknownLayoutError extends ChainDataError {
  override readonly name = 'UnknownLayoutError';
}

/**
 * Decodes an event or call with the generated decoder (`indexer/types`, one per runtime version in
 * which the item's type changed) whose layout the block's runtime has: each version's `is()`
 * compares the item's type in the block's own metadata. None matching is an `UnknownLayoutError`,
 * which becomes a `chain.decode` line.
 */
function decodeAny<I extends { readonly name: string }>(item: I, x: unknown): DecodedOf<I> {
  for (const [k, d] of Object.entries(item)) {
    if (k === 'name') continue;
    const dec = d as unknown as { is(x: never): boolean; decode(x: never): DecodedOf<I> };
    if (dec.is(x as never)) return dec.decode(x as never);
  }
  throw new UnknownLayoutError(`no decoder knows this layout of ${item.name}`);
}

/**
 * A call or event the indexer reads but cannot decode: a `chain.decode` line naming the event or
 * call and the runtime's spec version. A layout none of the generated decoders knows (a runtime
 * newer than `indexer/types`) fails their `is()` check, which the facts say in words.
 */
function decodeFailure(
  kind: string,
  id: string,
  block: number,
  specVersion: number,
  name: string,
  e: unknown
): SubjectLines {
  const message = e instanceof Error ? e.message.slice(0, 300) : String(e);
  // The generated decoders assert their `is()` check (node:assert) before decoding.
  const layoutUnknown =
    e instanceof UnknownLayoutError ||
    (e instanceof Error &&
      (e.name === 'AssertionError' || (e as { code?: unknown }).code === 'ERR_ASSERTION'));
  return {
    kind,
    id,
    block,
    lines: [
      fail(
        {
          step: 'anchor',
          check: 'chain.decode',
          rule: 'chain:metadata-v14',
          facts: {
            name,
            specVersion,
            error: layoutUnknown
              ? `no decoder of this indexer knows the layout of ${name} at spec version ${specVersion}`
              : message,
          },
          source: { block },
        },
        'BAD_ENCODING'
      ),
    ],
  };
}

/**
 * The arguments of the call that emitted `e`, when it is `item`, decoded apart from the event: a
 * call layout no decoder knows becomes its own `chain.decode` line (once per extrinsic), and the
 * event is still indexed, without what the call would have added.
 */
function callArgs<I extends { readonly name: string }>(
  b: IBlock,
  e: IEvent,
  item: I,
  ing: Ingest
): DecodedOf<I> | null {
  const call = e.call;
  if (call?.name !== item.name) return null;
  try {
    return decodeAny(item, call);
  } catch (err) {
    const h = b.header;
    const id = `${h.height}-${call.extrinsicIndex}`;
    if (!ing.subjects.some((s) => s.kind === 'call' && s.id === id))
      ing.subjects.push(decodeFailure('call', id, h.height, executedBy(b.header), call.name, err));
    return null;
  }
}

/** The spec version of the runtime that executed the block of `h` (see `mapBlock`). */
function executedBy(h: IBlock['header']): number {
  return h._runtime?.specVersion ?? h.specVersion;
}

/** Maps one block into `ing`. */
export function mapBlock(b: IBlock, final: boolean, ing: Ingest): void {
  const h = b.header;
  const height = h.height;
  // The spec version a block is stored and judged with is the runtime that executed it (its
  // parent's `:code`, which subsquid decodes it with); `header.specVersion` is what the block's
  // own state reports, already the next runtime in a `set_code` block.
  const spec = executedBy(b.header);
  ing.blocks++;
  ing.events += b.events.length;
  ing.add('block', {
    height,
    hash: h.hash,
    parent_hash: h.parentHash,
    timestamp: h.timestamp === undefined ? null : new Date(h.timestamp),
    spec_version: spec,
    indexed_extrinsics: b.extrinsics.length,
    indexed_events: b.events.length,
    final,
  });
  // Extrinsics whose calls the indexer reads (batches and payout lifecycle).
  for (const c of b.calls) {
    if (!CALL_NAMES.includes(c.name)) continue;
    try {
      mapCall(b, c, ing);
    } catch (e) {
      ing.subjects.push(
        decodeFailure('call', `${height}-${c.extrinsicIndex}`, height, spec, c.name, e)
      );
    }
  }
  for (const e of b.events) {
    try {
      mapEvent(b, e, ing);
    } catch (err) {
      ing.subjects.push(
        decodeFailure('event', eventId(height, e.index), height, spec, e.name, err)
      );
    }
  }
}

function recordExtrinsic(
  b: IBlock,
  x: IExtrinsic | undefined,
  name: string,
  args: unknown,
  ing: Ingest
) {
  if (!x) return;
  const id = `${b.header.height}-${x.index}`;
  if (ing.extrinsics.has(id)) return;
  ing.extrinsics.add(id);
  ing.add('chain_extrinsic', {
    id,
    block_height: b.header.height,
    index: x.index,
    hash: x.hash ?? '',
    name,
    signer: signerOf(x),
    success: x.success ?? true,
    args: args === undefined ? null : jsonOf(args),
  });
}

function mapCall(b: IBlock, c: ICall, ing: Ingest): void {
  const height = b.header.height;
  const xid = `${height}-${c.extrinsicIndex}`;
  const p = calls.ddcPayouts;
  const v = calls.ddcVerification;
  // `begin_billing_report` (71000) is the billing design's `begin_payout`: the same row.
  if (c.name === p.beginPayout.name || c.name === v.beginBillingReport.name) {
    const a =
      c.name === p.beginPayout.name
        ? decodeAny(p.beginPayout, c)
        : decodeAny(v.beginBillingReport, c);
    ing.add('payout_begin', {
      id: xid,
      cluster_id: a.clusterId,
      era: a.eraId,
      fingerprint: a.fingerprint,
      block_height: height,
    });
    ing.eras.add(eraKey(a.clusterId, a.eraId));
    if (c.name === v.beginBillingReport.name)
      ing.validatorSetReads.push({ id: `${height}-${VALIDATOR_SET_READ}`, block: b.header });
    recordExtrinsic(b, c.extrinsic, c.name, a, ing);
    return;
  }
  if (
    c.name === v.sendChargingCustomersBatch.name ||
    c.name === v.sendRewardingProvidersBatch.name
  ) {
    // A billing-report batch (71000): usage per bucket (payers) or per node (payees), which the
    // chain prices itself; the entries keep the usage, keyed by bucket id or node key.
    const payers = c.name === v.sendChargingCustomersBatch.name;
    const a = payers
      ? decodeAny(v.sendChargingCustomersBatch, c)
      : decodeAny(v.sendRewardingProvidersBatch, c);
    const entries =
      'payers' in a
        ? a.payers.map(([bucket, u]) => [bucket.toString(), usageJson(u)])
        : a.payees.map(([node, u]) => [nodeKeyOf(node), usageJson(u)]);
    addPayoutBatch(b, c, a, payers ? 'payers' : 'payees', 'billing-report', entries, ing);
    return;
  }
  if (
    c.name === p.sendChargingCustomersBatch.name ||
    c.name === p.sendRewardingProvidersBatch.name
  ) {
    const payers = c.name === p.sendChargingCustomersBatch.name;
    const a = payers
      ? decodeAny(p.sendChargingCustomersBatch, c)
      : decodeAny(p.sendRewardingProvidersBatch, c);
    const list = 'payers' in a ? a.payers : (a as { payees: Array<[string, bigint]> }).payees;
    const entries = list.map(([acc, amt]): [string, string] => [acc, amt.toString()]);
    addPayoutBatch(b, c, a, payers ? 'payers' : 'payees', 'receipt', entries, ing);
    return;
  }
  const charging =
    c.name === p.beginChargingCustomers.name || c.name === v.beginChargingCustomers.name;
  if (
    charging ||
    c.name === p.beginRewardingProviders.name ||
    c.name === v.beginRewardingProviders.name
  ) {
    const a =
      c.name === p.beginChargingCustomers.name
        ? decodeAny(p.beginChargingCustomers, c)
        : c.name === v.beginChargingCustomers.name
          ? decodeAny(v.beginChargingCustomers, c)
          : c.name === p.beginRewardingProviders.name
            ? decodeAny(p.beginRewardingProviders, c)
            : decodeAny(v.beginRewardingProviders, c);
    ing.maxBatch.set(
      `${a.clusterId}-${a.eraId}-${charging ? 'payers' : 'payees'}`,
      a.maxBatchIndex
    );
    ing.add('payout_line', {
      id: `${xid}-max`,
      cluster_id: a.clusterId,
      era: a.eraId,
      kind: charging ? 'max-batch-payers' : 'max-batch-payees',
      account_id: null,
      amount: '0',
      expected: null,
      batch_index: a.maxBatchIndex,
      extrinsic_id: xid,
      block_height: height,
      bucket_id: null,
    });
    recordExtrinsic(b, c.extrinsic, c.name, a, ing);
  }
}

/** A `payout_batch` row of either design, and its extrinsic. */
function addPayoutBatch(
  b: IBlock,
  c: ICall,
  a: { clusterId: string; eraId: number; batchIndex: number; batchProof: { proof: string[] } },
  side: 'payers' | 'payees',
  design: 'receipt' | 'billing-report',
  entries: unknown[],
  ing: Ingest
): void {
  const height = b.header.height;
  const xid = `${height}-${c.extrinsicIndex}`;
  ing.add('payout_batch', {
    id: `${xid}-${side}-${a.batchIndex}`,
    cluster_id: a.clusterId,
    era: a.eraId,
    side,
    batch_index: a.batchIndex,
    max_batch_index: ing.maxBatch.get(`${a.clusterId}-${a.eraId}-${side}`) ?? -1,
    entries: jsonOf(entries),
    proof: jsonOf(a.batchProof.proof),
    extrinsic_id: xid,
    block_height: height,
    design,
  });
  ing.eras.add(eraKey(a.clusterId, a.eraId));
  recordExtrinsic(
    b,
    c.extrinsic,
    c.name,
    { clusterId: a.clusterId, eraId: a.eraId, batchIndex: a.batchIndex },
    ing
  );
}

/** What every event handler reads: the block, the event, its ids, and the batch it adds to. */
interface EventContext {
  readonly b: IBlock;
  readonly e: IEvent;
  readonly ing: Ingest;
  readonly height: number;
  readonly id: string;
  readonly xid: string | null;
  /** Keeps the event as a `chain_event` row with these (decoded) arguments. */
  readonly keep: (args: unknown) => void;
}

type EventHandler = (x: EventContext) => void;

function mapEvent(b: IBlock, e: IEvent, ing: Ingest): void {
  const height = b.header.height;
  const id = eventId(height, e.index);
  const keep = (args: unknown): void =>
    ing.add('chain_event', {
      id,
      block_height: height,
      index: e.index,
      extrinsic_index: e.extrinsicIndex ?? null,
      name: e.name,
      args: jsonOf(args),
    });
  const x: EventContext = {
    b,
    e,
    ing,
    height,
    id,
    xid: extrinsicId(height, e.extrinsicIndex),
    keep,
  };
  const handler = EVENT_HANDLERS.get(e.name);
  if (handler) {
    handler(x);
    return;
  }
  if (mapPayoutLine(x)) return;
  // Other DDC events: kept as references.
  if (e.name.startsWith('Ddc')) keep(e.args);
}

/** The handler of each event the indexer maps to rows of its own (by event name). */
const EVENT_HANDLERS: ReadonlyMap<string, EventHandler> = new Map<string, EventHandler>([
  [events.system.remarked.name, mapRemarkedEvent],
  [events.ddcClusters.clusterCreated.name, mapClusterCreated],
  [events.ddcClusters.clusterNodeAdded.name, mapClusterNodeEvent],
  [events.ddcClusters.clusterNodeRemoved.name, mapClusterNodeEvent],
  [events.ddcClusters.clusterNodeValidated.name, mapClusterNodeEvent],
  [events.ddcClusters.clusterProtocolParamsSet.name, mapProtocolParamsSet],
  [events.ddcClusters.clusterEraPaid.name, mapClusterEraPaid],
  [events.ddcNodes.nodeCreated.name, mapNodeCreated],
  [events.ddcCustomers.deposited.name, mapDeposited],
  [events.ddcCustomers.bucketCreated.name, mapBucketCreated],
  [events.ddcVerification.validatorKeySet.name, mapValidatorKeySet],
  [events.ddcVerification.validatorsSetUpdated.name, mapValidatorsSetUpdated],
  [events.ddcPayouts.payoutFingerprintCommited.name, mapPayoutFingerprintVote],
  [events.ddcPayouts.billingFingerprintCommited.name, mapBillingFingerprintVote],
]);

/** `System.Remarked`: an SCP envelope (DAC batch or GAR anchor) sent as a remark. */
function mapRemarkedEvent({ b, e, ing, id, xid }: EventContext): void {
  const a = decodeAny(events.system.remarked, e);
  mapRemark(b, e, id, xid, a.sender, a.hash, ing);
}

/** `ClusterCreated`: the cluster row, with its manager and params from `create_cluster`. */
function mapClusterCreated({ b, e, ing, height, id, keep }: EventContext): void {
  const a = decodeAny(events.ddcClusters.clusterCreated, e);
  keep(a);
  const call = e.call;
  let manager: string | null = null;
  let reserve: string | null = null;
  let params: unknown = null;
  const c = callArgs(b, e, calls.ddcClusters.createCluster, ing);
  if (call && c) {
    // The manager is the account that signed `create_cluster` (Cere from spec 54004 on).
    manager = signerOf(e.extrinsic);
    reserve = c.clusterReserveId;
    params = c.clusterParams;
    addProtocolParams(ing, id, a.clusterId, c.initialProtocolParams, height);
    recordExtrinsic(b, e.extrinsic, call.name, null, ing);
  }
  ing.add('cluster', {
    id: a.clusterId,
    manager,
    reserve,
    params: params === null ? null : jsonOf(params),
    block_height: height,
    event_id: id,
  });
}

/** `ClusterNodeAdded`, `…Removed`, `…Validated`: a change of a cluster's membership. */
function mapClusterNodeEvent({ e, ing, height, id, keep }: EventContext): void {
  const E = events;
  const a = (
    e.name === E.ddcClusters.clusterNodeAdded.name
      ? decodeAny(E.ddcClusters.clusterNodeAdded, e)
      : e.name === E.ddcClusters.clusterNodeRemoved.name
        ? decodeAny(E.ddcClusters.clusterNodeRemoved, e)
        : decodeAny(E.ddcClusters.clusterNodeValidated, e)
  ) as {
    clusterId: string;
    nodePubKey: { __kind: string; value: string };
    succeeded?: boolean;
  };
  keep(a);
  const kind =
    e.name === E.ddcClusters.clusterNodeAdded.name
      ? 'added'
      : e.name === E.ddcClusters.clusterNodeRemoved.name
        ? 'removed'
        : a.succeeded === false
          ? 'validation-failed'
          : 'validated';
  ing.add('cluster_node_event', {
    id,
    cluster_id: a.clusterId,
    node_id: nodeKeyOf(a.nodePubKey),
    kind,
    block_height: height,
  });
}

/** `ClusterProtocolParamsSet`: outside `create_cluster`, a governance change to read. */
function mapProtocolParamsSet({ b, e, ing, id, keep }: EventContext): void {
  const E = events;
  const a = decodeAny(E.ddcClusters.clusterProtocolParamsSet, e);
  keep(a);
  // `create_cluster` emits it after `ClusterCreated`, its parameters are the call's. Any other
  // (governance's `update_cluster_protocol`, run in a block's initialization) wrote new ones
  // to `ClustersGovParams`, read from the block's state before the batch is written.
  const created =
    e.extrinsicIndex !== undefined &&
    b.events.some(
      (x) => x.name === E.ddcClusters.clusterCreated.name && x.extrinsicIndex === e.extrinsicIndex
    );
  if (!created) ing.paramsReads.push({ id, clusterId: a.clusterId, block: b.header });
}

/** `ClusterEraPaid`: the era's `paid` line, or `skipped` when no payout finalized with it. */
function mapClusterEraPaid({ b, e, ing, height, id, xid, keep }: EventContext): void {
  const E = events;
  const a = decodeAny(E.ddcClusters.clusterEraPaid, e);
  keep(a);
  // A payout ends with `PayoutReceiptFinalized` (73000 on) or `BillingReportFinalized` (71000)
  // for the era in the extrinsic that emits `ClusterEraPaid`; Root's `force_skip_inspection`
  // (73000 on) or `skip_dac_validation_to_era` (71000) emits `ClusterEraPaid` alone
  // (docs/cere-runtimes.md §14, §18), so the era was skipped, not paid.
  const finalized =
    e.extrinsicIndex !== undefined &&
    b.events.some((x) => {
      if (x.extrinsicIndex !== e.extrinsicIndex) return false;
      const item =
        x.name === E.ddcPayouts.payoutReceiptFinalized.name
          ? E.ddcPayouts.payoutReceiptFinalized
          : x.name === E.ddcPayouts.billingReportFinalized.name
            ? E.ddcPayouts.billingReportFinalized
            : null;
      if (!item) return false;
      let f: { clusterId: string; era: number };
      try {
        f = decodeAny(item, x) as typeof f;
      } catch {
        return true; // a layout no decoder knows: the extrinsic did finalize a payout
      }
      return f.clusterId === a.clusterId && f.era === a.eraId;
    });
  ing.add('payout_line', {
    id,
    cluster_id: a.clusterId,
    era: a.eraId,
    kind: finalized ? 'paid' : 'skipped',
    account_id: null,
    amount: '0',
    expected: null,
    batch_index: null,
    extrinsic_id: xid,
    block_height: height,
    bucket_id: null,
  });
  ing.eras.add(eraKey(a.clusterId, a.eraId));
}

/** `NodeCreated`: the node and its provider (the signer of `create_node`). */
function mapNodeCreated({ b, e, ing, height, id, keep }: EventContext): void {
  const a = decodeAny(events.ddcNodes.nodeCreated, e);
  keep(a);
  const provider = signerOf(e.extrinsic);
  const params: unknown = callArgs(b, e, calls.ddcNodes.createNode, ing)?.nodeParams ?? null;
  if (provider) ing.add('provider', { id: provider, block_height: height });
  ing.add('node', {
    id: nodeKeyOf(a.nodePubKey),
    kind: a.nodePubKey.__kind,
    provider_id: provider ?? '',
    params: params === null ? null : jsonOf(params),
    block_height: height,
    event_id: id,
  });
}

/** `Deposited`: a customer's deposit. */
function mapDeposited({ e, ing, height, id, keep }: EventContext): void {
  const a = decodeAny(events.ddcCustomers.deposited, e);
  keep(a);
  // A deposit names its cluster from 73054 on (docs/cere-runtimes.md §6); not at 71000.
  const cluster = 'clusterId' in a ? a.clusterId : null;
  ing.add('customer', { id: a.ownerId, block_height: height });
  ing.add('customer_deposit', {
    id,
    customer_id: a.ownerId,
    cluster_id: cluster,
    amount: a.amount.toString(),
    block_height: height,
  });
}

/** `BucketCreated`: the bucket and its owner (the signer of `create_bucket`). */
function mapBucketCreated({ b, e, ing, height, keep }: EventContext): void {
  const a = decodeAny(events.ddcCustomers.bucketCreated, e);
  keep(a);
  const params: unknown =
    callArgs(b, e, calls.ddcCustomers.createBucket, ing)?.bucketParams ?? null;
  const owner = signerOf(e.extrinsic) ?? '';
  if (owner) ing.add('customer', { id: owner, block_height: height });
  ing.add('bucket', {
    id: a.bucketId.toString(),
    owner_id: owner,
    cluster_id: a.clusterId,
    params: params === null ? null : jsonOf(params),
    block_height: height,
  });
}

/** `ValidatorKeySet`: a validator. */
function mapValidatorKeySet({ e, ing, height, id, keep }: EventContext): void {
  const a = decodeAny(events.ddcVerification.validatorKeySet, e);
  keep(a);
  ing.add('validator', { id: a.validator, block_height: height, event_id: id });
}

/** `ValidatorsSetUpdated`: the validator set from this block on. */
function mapValidatorsSetUpdated({ e, ing, height, id, keep }: EventContext): void {
  const a = decodeAny(events.ddcVerification.validatorsSetUpdated, e);
  keep(a);
  ing.add('validator_set', { id, members: jsonOf(a.validators), block_height: height });
}

/** `PayoutFingerprintCommited`: a validator's vote on an era's roots (receipt design). */
function mapPayoutFingerprintVote({ b, e, ing, height, id, xid, keep }: EventContext): void {
  const a = decodeAny(events.ddcPayouts.payoutFingerprintCommited, e);
  keep(a);
  // The vote is the event; its call only adds the ehd_id, and never takes the vote down.
  const ehd = callArgs(b, e, calls.ddcPayouts.commitPayoutFingerprint, ing)?.ehdId ?? null;
  ing.add('attestation_vote', {
    id,
    cluster_id: a.clusterId,
    era: a.eraId,
    validator_id: a.validatorId,
    payers_root: a.payersMerkleRoot,
    payees_root: a.payeesMerkleRoot,
    fingerprint: null,
    ehd_id: ehd,
    extrinsic_id: xid,
    block_height: height,
    start_era: null,
    end_era: null,
    cluster_usage: null,
  });
  ing.eras.add(eraKey(a.clusterId, a.eraId));
}

/** `BillingFingerprintCommited`: a validator's vote on an era's roots (billing-report design). */
function mapBillingFingerprintVote({ b, e, ing, height, id, xid, keep }: EventContext): void {
  // A 71000 vote (billing-report design): the event carries the roots and the era range; the
  // call adds the cluster usage. Its fingerprint is the verifier's to recompute.
  const a = decodeAny(events.ddcPayouts.billingFingerprintCommited, e);
  keep(a);
  const c = callArgs(b, e, calls.ddcVerification.commitBillingFingerprint, ing);
  ing.add('attestation_vote', {
    id,
    cluster_id: a.clusterId,
    era: a.eraId,
    validator_id: a.validatorId,
    payers_root: a.payersMerkleRoot,
    payees_root: a.payeesMerkleRoot,
    fingerprint: null,
    ehd_id: null,
    extrinsic_id: xid,
    block_height: height,
    start_era: a.startEra.toString(),
    end_era: a.endEra.toString(),
    cluster_usage: c ? jsonOf(usageJson(c.clusterUsage)) : null,
  });
  ing.eras.add(eraKey(a.clusterId, a.eraId));
}

/** A payout event (charge, reward, fee, not distributed): its `payout_line`; false if not one. */
function mapPayoutLine({ e, ing, height, id, xid, keep }: EventContext): boolean {
  const line = payoutLineOf(e);
  if (!line) return false;
  keep(line.args);
  ing.add('payout_line', {
    id,
    cluster_id: line.clusterId,
    era: line.era,
    kind: line.kind,
    account_id: line.account,
    amount: line.amount.toString(),
    expected: line.expected === null ? null : line.expected.toString(),
    batch_index: line.batchIndex,
    extrinsic_id: xid,
    block_height: height,
    bucket_id: line.bucketId === null ? null : line.bucketId.toString(),
  });
  ing.eras.add(eraKey(line.clusterId, line.era));
  return true;
}

/** The two layouts of `ClusterProtocolParams` (§4.3): ten fields before 73177, fourteen from. */
type ClusterProtocolParamsOf = Parameters<typeof pricingOf>[0] & {
  treasuryShare: bigint;
  validatorsShare: bigint;
  clusterReserveShare: bigint;
};

/** A `cluster_protocol_params` row at `height` (event `id`), and the batch's latest params. */
function addProtocolParams(
  ing: Ingest,
  id: string,
  clusterId: string,
  pp: ClusterProtocolParamsOf,
  height: number
): void {
  const pricing = pricingOf(pp);
  const shares = {
    treasury: pp.treasuryShare,
    validators: pp.validatorsShare,
    reserve: pp.clusterReserveShare,
  };
  ing.params.set(clusterId, { shares, pricing });
  ing.add('cluster_protocol_params', {
    id,
    cluster_id: clusterId,
    treasury_share: shares.treasury.toString(),
    validators_share: shares.validators.toString(),
    reserve_share: shares.reserve.toString(),
    pricing: jsonOf(pricing),
    block_height: height,
  });
}

const GOV_PARAMS = 'DdcClusters.ClustersGovParams';

/**
 * Resolves the batch's `validatorSetReads`: `DdcVerification.ValidatorSet` in the state of each
 * block, through the block's runtime (as {@link readClusterParams}), becomes a `validator_set` row
 * at that height. A runtime whose layout no decoder knows (or none declaring the item) adds
 * nothing: the era's quorum line then says the set is not known. A read the node does not answer
 * fails the batch, which is retried.
 */
export async function resolveValidatorSetReads(ing: Ingest): Promise<void> {
  for (const r of ing.validatorSetReads) {
    const at = r.block as unknown as StorageBlock;
    const item = storage.ddcVerification.validatorSet;
    if (!item.v71000.is(at)) continue;
    const members = await item.v71000.get(at);
    ing.add('validator_set', {
      id: r.id,
      members: jsonOf(members ?? []),
      block_height: r.block.height,
    });
  }
  ing.validatorSetReads.length = 0;
}

/** What the processor's block header gives a storage read: subsquid's runtime with its RPC. */
type StorageBlock = Parameters<(typeof storage.ddcClusters.clustersGovParams.v71000)['get']>[0];

/**
 * `DdcClusters.ClustersGovParams(clusterId)` in the state of `block`, read through the block's
 * runtime (the one that executed it, `header._runtime`; its RPC client asks the node
 * `state_getStorageAt(key, block hash)`) and decoded with the generated decoder of its layout.
 * Undefined when the state holds no value; an `UnknownLayoutError` when no decoder knows the
 * runtime's layout.
 */
export async function readClusterParams(
  block: IBlock['header'],
  clusterId: string
): Promise<ClusterProtocolParamsOf | undefined> {
  const at = block as unknown as StorageBlock;
  const item = storage.ddcClusters.clustersGovParams;
  if (item.v73177.is(at)) return item.v73177.get(at, clusterId);
  // The ten-field layout: 71000 to 73160.
  if (item.v71000.is(at)) return item.v71000.get(at, clusterId);
  throw new UnknownLayoutError(`no decoder knows this layout of ${GOV_PARAMS}`);
}

/**
 * Resolves the batch's `paramsReads` (the async step of the mapping, before the batch is
 * written): each read's parameters become a `cluster_protocol_params` row at the event's height,
 * in block order, and the batch's latest params; a read that fails, finds no value or meets a
 * layout no decoder knows becomes a `chain.decode` line on the event instead (facts name the
 * storage item), never an exception. `read` is {@link readClusterParams}, but for tests.
 */
export async function resolveParamsReads(
  ing: Ingest,
  read: typeof readClusterParams = readClusterParams
): Promise<void> {
  const results = await Promise.allSettled(
    ing.paramsReads.map(async (r) => {
      const pp = await read(r.block, r.clusterId);
      if (pp === undefined) {
        throw new ChainDataError(
          `DdcClusters.ClustersGovParams(${r.clusterId}) holds no value at block ${r.block.height}`
        );
      }
      return pp;
    })
  );
  for (const [i, r] of ing.paramsReads.entries()) {
    const res = results[i] as PromiseSettledResult<ClusterProtocolParamsOf>;
    const h = r.block;
    if (res.status === 'fulfilled') {
      addProtocolParams(ing, r.id, r.clusterId, res.value, h.height);
      continue;
    }
    // What the chain holds (a layout no decoder knows, no value) is data: a failed line. A read
    // that fails is not: the batch fails, nothing of it is written, and the processor retries it.
    if (!(res.reason instanceof ChainDataError)) throw res.reason;
    ing.subjects.push(
      decodeFailure('event', r.id, h.height, executedBy(h), GOV_PARAMS, res.reason)
    );
  }
  ing.paramsReads.length = 0;
}

interface PayoutLineOf {
  clusterId: string;
  era: number;
  kind: string;
  account: string | null;
  amount: bigint;
  expected: bigint | null;
  batchIndex: number | null;
  /** The bucket a 71000 charge is for. */
  bucketId: bigint | null;
  args: unknown;
}

function payoutLineOf(e: IEvent): PayoutLineOf | null {
  const P = events.ddcPayouts;
  const line = (
    a: { clusterId: string; era: number },
    kind: string,
    amount: bigint,
    more: Partial<Pick<PayoutLineOf, 'account' | 'expected' | 'batchIndex' | 'bucketId'>> = {}
  ): PayoutLineOf => ({
    clusterId: a.clusterId,
    era: a.era,
    kind,
    account: null,
    amount,
    expected: null,
    batchIndex: null,
    bucketId: null,
    args: a,
    ...more,
  });
  switch (e.name) {
    case P.charged.name: {
      const a = decodeAny(P.charged, e);
      return line(a, 'charge', a.amount, {
        account: a.customerId,
        batchIndex: a.batchIndex,
        bucketId: 'bucketId' in a ? a.bucketId : null,
      });
    }
    // 71000's partial charge (with `Indebted`, kept as a reference): 73000's `ChargedPartially`.
    case P.chargeFailed.name: {
      const a = decodeAny(P.chargeFailed, e);
      return line(a, 'charge', a.charged, {
        account: a.customerId,
        expected: a.expectedToCharge,
        batchIndex: a.batchIndex,
        bucketId: a.bucketId,
      });
    }
    case P.chargedPartially.name: {
      const a = decodeAny(P.chargedPartially, e);
      return line(a, 'charge', a.charged, {
        account: a.customerId,
        expected: a.expectedToCharge,
        batchIndex: a.batchIndex,
      });
    }
    case P.rewarded.name: {
      const a = decodeAny(P.rewarded, e);
      return line(a, 'reward', a.rewarded, {
        account: a.nodeProviderId,
        expected: a.expectedToReward === a.rewarded ? null : a.expectedToReward,
        batchIndex: a.batchIndex,
      });
    }
    case P.treasuryFeesCollected.name: {
      const a = decodeAny(P.treasuryFeesCollected, e);
      return line(a, 'fee-treasury', a.amount);
    }
    case P.clusterReserveFeesCollected.name: {
      const a = decodeAny(P.clusterReserveFeesCollected, e);
      return line(a, 'fee-reserve', a.amount);
    }
    case P.validatorFeesCollected.name: {
      const a = decodeAny(P.validatorFeesCollected, e);
      return line(a, 'fee-validators', a.amount);
    }
    // Its name from 73160 on (docs/cere-runtimes.md §7.3); the same amount, the same line.
    case P.validatorsFeesCollected.name: {
      const a = decodeAny(P.validatorsFeesCollected, e);
      return line(a, 'fee-validators', a.amount);
    }
    case P.validatorRewarded.name: {
      const a = decodeAny(P.validatorRewarded, e);
      return line(a, 'validator-reward', a.amount, { account: a.validatorId });
    }
    case P.notDistributedOverallReward.name: {
      const a = decodeAny(P.notDistributedOverallReward, e);
      // `total_distributed_reward` at 71000, `…_rewards` from 73000 (docs/cere-runtimes.md §18).
      const distributed =
        'totalDistributedRewards' in a ? a.totalDistributedRewards : a.totalDistributedReward;
      return line(a, 'not-distributed', a.expectedReward - distributed, {
        expected: a.expectedReward,
      });
    }
  }
  return null;
}

/** Largest remark envelope the indexer stores; a larger one is reported, not kept. */
export const MAX_ENVELOPE_BYTES = 64 * 1024;

function mapRemark(
  b: IBlock,
  e: IEvent,
  id: string,
  xid: string | null,
  sender: string,
  hash: string,
  ing: Ingest
): void {
  const height = b.header.height;
  const call = e.call;
  if (!call || call.name !== calls.system.remarkWithEvent.name) return;
  const remark = decodeAny(calls.system.remarkWithEvent, call).remark;
  const bytes = hexBytes(remark);
  // Only SCP envelopes are ours; any other remark is someone else's business.
  if (bytes.length < ENVELOPE_MAGIC.length || !ENVELOPE_MAGIC.every((m, i) => bytes[i] === m))
    return;
  const source = { block: height, eventIndex: e.index, ...(xid ? { extrinsic: xid } : {}) };
  const reject = (code: ReasonCode, facts: Facts) => {
    ing.add('remark', {
      id,
      block_height: height,
      event_index: e.index,
      extrinsic_id: xid,
      sender,
      hash,
      envelope: bytes.length > MAX_ENVELOPE_BYTES ? null : Buffer.from(bytes),
      kind: null,
      code,
    });
    ing.subjects.push({
      kind: 'remark',
      id,
      block: height,
      lines: [
        fail({ step: 'anchor', check: 'anchor.envelope', rule: RULE_ANCHOR, facts, source }, code),
      ],
    });
  };
  if (bytes.length > MAX_ENVELOPE_BYTES) {
    reject('TOO_LARGE', { bytes: bytes.length, max: MAX_ENVELOPE_BYTES });
    return;
  }
  const computed = toHex(blake2b256(bytes));
  const hashOk = computed === hash.toLowerCase();
  const env = decodeEnvelope(bytes);
  if (!env.ok) {
    reject(hashOk ? env.code : 'HASH_MISMATCH', hashOk ? env.facts : { expected: hash, computed });
    return;
  }
  const v = env.value;
  // A batch commitment whose Remarked hash does not match is still a batch the chain names: its
  // records are checked, and its anchor.remark line fails. A GAR anchor must match to count.
  if (!hashOk && v.kind !== 'DacBatch') {
    reject('HASH_MISMATCH', { expected: hash, computed });
    return;
  }
  ing.add('remark', {
    id,
    block_height: height,
    event_index: e.index,
    extrinsic_id: xid,
    sender,
    hash,
    envelope: Buffer.from(bytes),
    kind: v.kind,
    code: hashOk ? null : 'ANCHOR_MISMATCH',
  });
  if (v.kind === 'GarAnchor') {
    v.entries.forEach((h, i) => {
      ing.add('gar_anchor_entry', {
        id: `${id}-${i}`,
        remark_id: id,
        position: i,
        payload_hash: toHex(h),
        block_height: height,
        pair_id: null,
      });
      ing.garEntries.push({ pair: null, hash: toHex(h), hashOk });
    });
    return;
  }
  if (v.kind === 'GarPairAnchor') {
    v.entries.forEach((x, i) => {
      const pair = toHex(x.pair);
      ing.add('gar_anchor_entry', {
        id: `${id}-${i}`,
        remark_id: id,
        position: i,
        payload_hash: toHex(x.hash),
        block_height: height,
        pair_id: pair,
      });
      ing.garEntries.push({ pair, hash: toHex(x.hash), hashOk });
    });
    return;
  }
  ing.batches.push({ id, envelope: v, block: { number: height, hash: b.header.hash } });
  ing.eraRecords.add(eraKey(toHex(v.clusterId), v.era));
}

function hexBytes(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h.startsWith('0x') ? h.slice(2) : h, 'hex'));
}
