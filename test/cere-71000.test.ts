/**
 * The billing-report runtime 71000 (devnet/cere-runtimes.ts `CERE_BILLING_REPORT_RUNTIME`;
 * docs/cere-runtimes.md §18): its metadata decodes with @polkadot/types, DdcVerification carries
 * the payout calls C0-C13 and DdcPayouts an empty call enum, and one
 * `DdcVerification.send_charging_customers_batch` call and one `DdcPayouts.Charged` event, written
 * byte by byte here from the Rust layouts, decode to the right fields with @polkadot/types and
 * with subsquid's codec and encode back to the same bytes.
 */
import { Metadata, TypeRegistry } from '@polkadot/types';
import { Runtime } from '@subsquid/substrate-runtime';
import { describe, expect, it } from 'vitest';
import {
  ALL_CERE_RUNTIMES,
  CERE_BILLING_REPORT_RUNTIME,
  CERE_RUNTIMES,
  cereChainRuntimes,
  cereMetadata,
  cereRuntimeVersion,
} from '../devnet/metadata.ts';
import { toHex } from '../verifier/bytes.ts';

const SPEC = 71000;
const CLUSTER = '0x' + '11'.repeat(20);
const CUSTOMER = '0x' + '33'.repeat(32);
const PROOF_HASH = '0x' + '44'.repeat(32);
const AMOUNT = 123_456_789_012_345_678_901_234n;

/** Little-endian hex of an unsigned integer of `bytes` bytes (two's complement for negatives). */
function le(value: bigint, bytes: number): string {
  const v = value < 0n ? (1n << BigInt(bytes * 8)) + value : value;
  return v
    .toString(16)
    .padStart(bytes * 2, '0')
    .match(/../g)!
    .reverse()
    .join('');
}

function registryOf(): { registry: TypeRegistry; metadata: Metadata } {
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, toHex(cereMetadata(SPEC)) as `0x${string}`);
  registry.setMetadata(metadata);
  return { registry, metadata };
}

function subsquidRuntime(): Runtime {
  return new Runtime(
    { specName: 'node', specVersion: SPEC, implName: 'substrate-node', implVersion: 0 },
    toHex(cereMetadata(SPEC))
  );
}

function variantsOf(registry: TypeRegistry, type: number) {
  return registry.lookup.getSiType(type).def.asVariant.variants.map((v) => ({
    index: v.index.toNumber(),
    name: v.name.toString(),
    fields: v.fields.map((f) => f.name.unwrap().toString()),
  }));
}

describe('Cere runtime 71000 (billing report design)', () => {
  it('is exported apart from the default runtimes and has its own runtime version', () => {
    expect(CERE_BILLING_REPORT_RUNTIME).toEqual({
      specVersion: 71000,
      transactionVersion: 24,
      commit: 'b3fd400687f1',
    });
    expect(CERE_RUNTIMES.map((r) => r.specVersion)).not.toContain(SPEC);
    expect(ALL_CERE_RUNTIMES.map((r) => r.specVersion)).toEqual([
      71000,
      ...CERE_RUNTIMES.map((r) => r.specVersion),
    ]);
    const v = cereRuntimeVersion(SPEC);
    expect([v.specName, v.specVersion, v.transactionVersion, v.stateVersion]).toEqual([
      'node',
      71000,
      24,
      0,
    ]);
    const chain = cereChainRuntimes({ genesis: SPEC, upgrades: [{ specVersion: 73047 }] });
    expect(chain.runtimeVersion.specVersion).toBe(SPEC);
    expect(toHex(chain.metadata)).toBe(toHex(cereMetadata(SPEC)));
    expect(chain.upgrades[0]!.runtimeVersion.specVersion).toBe(73047);

    const { registry, metadata } = registryOf();
    const system = metadata.asLatest.pallets.find((p) => p.name.toString() === 'System')!;
    const version = system.constants.find((c) => c.name.toString() === 'Version')!;
    const decoded = registry.createType('RuntimeVersion', version.value).toJSON() as {
      specVersion: number;
      transactionVersion: number;
    };
    expect([decoded.specVersion, decoded.transactionVersion]).toEqual([71000, 24]);
  });

  it('DdcVerification has the payout calls C0-C13; DdcPayouts an empty call enum', () => {
    const { registry, metadata } = registryOf();
    const pallet = (name: string) =>
      metadata.asLatest.pallets.find((p) => p.name.toString() === name)!;
    expect(pallet('DdcPayouts').index.toNumber()).toBe(39);
    expect(variantsOf(registry, pallet('DdcPayouts').calls.unwrap().type.toNumber())).toEqual([]);
    expect(pallet('DdcVerification').index.toNumber()).toBe(40);
    const ce = ['cluster_id', 'era_id'];
    expect(variantsOf(registry, pallet('DdcVerification').calls.unwrap().type.toNumber())).toEqual([
      {
        index: 0,
        name: 'set_prepare_era_for_payout',
        fields: [
          'cluster_id',
          'era_activity',
          'payers_merkle_root_hash',
          'payees_merkle_root_hash',
          'payers_batch_merkle_root_hashes',
          'payees_batch_merkle_root_hashes',
        ],
      },
      { index: 1, name: 'set_validator_key', fields: ['ddc_validator_pub'] },
      {
        index: 2,
        name: 'commit_billing_fingerprint',
        fields: [...ce, 'start_era', 'end_era', 'payers_root', 'payees_root', 'cluster_usage'],
      },
      { index: 3, name: 'begin_billing_report', fields: [...ce, 'fingerprint'] },
      { index: 4, name: 'begin_charging_customers', fields: [...ce, 'max_batch_index'] },
      {
        index: 5,
        name: 'send_charging_customers_batch',
        fields: [...ce, 'batch_index', 'payers', 'batch_proof'],
      },
      { index: 6, name: 'end_charging_customers', fields: ce },
      { index: 7, name: 'begin_rewarding_providers', fields: [...ce, 'max_batch_index'] },
      {
        index: 8,
        name: 'send_rewarding_providers_batch',
        fields: [...ce, 'batch_index', 'payees', 'batch_proof'],
      },
      { index: 9, name: 'end_rewarding_providers', fields: ce },
      { index: 10, name: 'end_billing_report', fields: ce },
      { index: 11, name: 'emit_consensus_errors', fields: ['errors'] },
      { index: 12, name: 'set_era_validations', fields: ce },
      { index: 13, name: 'skip_dac_validation_to_era', fields: ce },
    ]);
    // The deposit calls have no cluster_id yet (it came in 73054).
    expect(variantsOf(registry, pallet('DdcCustomers').calls.unwrap().type.toNumber())).toEqual([
      { index: 0, name: 'create_bucket', fields: ['cluster_id', 'bucket_params'] },
      { index: 1, name: 'deposit', fields: ['value'] },
      { index: 2, name: 'deposit_extra', fields: ['max_additional'] },
      { index: 3, name: 'unlock_deposit', fields: ['value'] },
      { index: 4, name: 'withdraw_unlocked_deposit', fields: [] },
      { index: 5, name: 'set_bucket_params', fields: ['bucket_id', 'bucket_params'] },
      { index: 6, name: 'remove_bucket', fields: ['bucket_id'] },
    ]);
  });

  it('round-trips DdcVerification.send_charging_customers_batch', () => {
    // (bucket 5, BucketUsage { transferred_bytes, stored_bytes (i64), number_of_puts, number_of_gets })
    const usage = { transferred: 1_000_000n, stored: -2_048n, puts: 3n, gets: 4n };
    const bytes =
      '2805' + // DdcVerification (40), C5
      '11'.repeat(20) + // cluster_id: H160
      le(7n, 4) + // era_id: u32
      le(2n, 2) + // batch_index: u16
      '04' + // payers: Vec, one item
      le(5n, 8) + // BucketId: u64
      le(usage.transferred, 8) +
      le(usage.stored, 8) +
      le(usage.puts, 8) +
      le(usage.gets, 8) +
      '04' + // batch_proof: MMRProof { proof: Vec<H256> }, one hash
      '44'.repeat(32);

    const { registry } = registryOf();
    const call = registry.createType('Call', '0x' + bytes) as any;
    expect(call.section).toBe('ddcVerification');
    expect(call.method).toBe('sendChargingCustomersBatch');
    const [clusterId, eraId, batchIndex, payers, proof] = call.args;
    expect(clusterId.toHex()).toBe(CLUSTER);
    expect(eraId.toNumber()).toBe(7);
    expect(batchIndex.toNumber()).toBe(2);
    expect(payers.length).toBe(1);
    expect(payers[0][0].toNumber()).toBe(5);
    expect(payers[0][1].toJSON()).toEqual({
      transferredBytes: 1_000_000,
      storedBytes: -2_048,
      numberOfPuts: 3,
      numberOfGets: 4,
    });
    expect(proof.proof.map((h: any) => h.toHex())).toEqual([PROOF_HASH]);
    expect(call.toHex()).toBe('0x' + bytes);

    // @polkadot/types encodes the same bytes from values.
    const built = registry.createType('Call', {
      callIndex: [40, 5],
      args: {
        cluster_id: CLUSTER,
        era_id: 7,
        batch_index: 2,
        payers: [
          [
            5,
            {
              transferred_bytes: usage.transferred,
              stored_bytes: usage.stored,
              number_of_puts: usage.puts,
              number_of_gets: usage.gets,
            },
          ],
        ],
        batch_proof: { proof: [PROOF_HASH] },
      },
    });
    expect(built.toHex()).toBe('0x' + bytes);

    // So do subsquid's codec (the indexer's decoder) and its decoder agree.
    const rt = subsquidRuntime();
    const decoded = rt.decodeCall('0x' + bytes) as any;
    expect(decoded.__kind).toBe('DdcVerification');
    expect(decoded.value).toEqual({
      __kind: 'send_charging_customers_batch',
      clusterId: CLUSTER,
      eraId: 7,
      batchIndex: 2,
      payers: [
        [
          5n,
          {
            transferredBytes: usage.transferred,
            storedBytes: usage.stored,
            numberOfPuts: usage.puts,
            numberOfGets: usage.gets,
          },
        ],
      ],
      batchProof: { proof: [PROOF_HASH] },
    });
    expect(toHex(rt.encodeCall(decoded))).toBe('0x' + bytes);
  });

  it('round-trips DdcPayouts.Charged { cluster_id, era, batch_index, customer_id, bucket_id, amount }', () => {
    const record =
      '04' + // Vec<EventRecord>, one record
      '00' +
      le(1n, 4) + // phase: ApplyExtrinsic(1)
      '2702' + // DdcPayouts (39), E2 Charged
      '11'.repeat(20) + // cluster_id: H160
      le(7n, 4) + // era: u32
      le(3n, 2) + // batch_index: u16
      '33'.repeat(32) + // customer_id: AccountId32
      le(9n, 8) + // bucket_id: u64
      le(AMOUNT, 16) + // amount: u128
      '00'; // topics: none

    const { registry } = registryOf();
    const decoded = registry.createType('Vec<EventRecord>', '0x' + record) as any;
    expect(decoded.length).toBe(1);
    const { event, phase } = decoded[0];
    expect(phase.asApplyExtrinsic.toNumber()).toBe(1);
    expect(event.section).toBe('ddcPayouts');
    expect(event.method).toBe('Charged');
    expect(event.data.names).toEqual([
      'clusterId',
      'era',
      'batchIndex',
      'customerId',
      'bucketId',
      'amount',
    ]);
    expect(event.data.clusterId.toHex()).toBe(CLUSTER);
    expect(event.data.era.toNumber()).toBe(7);
    expect(event.data.batchIndex.toNumber()).toBe(3);
    expect(event.data.customerId.toHex()).toBe(CUSTOMER);
    expect(event.data.bucketId.toNumber()).toBe(9);
    expect(event.data.amount.toBigInt()).toBe(AMOUNT);
    expect(decoded.toHex()).toBe('0x' + record);

    const rt = subsquidRuntime();
    const records = [
      {
        phase: { __kind: 'ApplyExtrinsic', value: 1 },
        event: {
          __kind: 'DdcPayouts',
          value: {
            __kind: 'Charged',
            clusterId: CLUSTER,
            era: 7,
            batchIndex: 3,
            customerId: CUSTOMER,
            bucketId: 9n,
            amount: AMOUNT,
          },
        },
        topics: [],
      },
    ];
    expect(rt.scaleCodec.decodeBinary(rt.description.eventRecordList, '0x' + record)).toEqual(
      records
    );
    expect(rt.scaleCodec.encodeToHex(rt.description.eventRecordList, records)).toBe('0x' + record);
  });
});
