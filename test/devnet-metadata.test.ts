import { Metadata, TypeRegistry } from '@polkadot/types';
import { Runtime } from '@subsquid/substrate-runtime';
import { decodeMetadata } from '@subsquid/substrate-runtime/lib/metadata/codec.js';
import { describe, expect, it } from 'vitest';
import {
  buildDevnetMetadata,
  DEVNET_RUNTIME_VERSION,
  devnetMetadata,
  devnetMetadataHex,
} from '../devnet/metadata.ts';

const CLUSTER = '0x' + '11'.repeat(20);
const VALIDATOR = '0x' + '22'.repeat(32);
const CUSTOMER = '0x' + '33'.repeat(32);
const PAYERS_ROOT = '0x' + 'aa'.repeat(32);
const PAYEES_ROOT = '0x' + 'bb'.repeat(32);
const REMARK_HASH = '0x' + 'cc'.repeat(32);
const AMOUNT = 123_456_789_012_345_678_901_234n;

const EVENTS: Record<string, string[]> = {
  DdcClusters: [
    'ClusterCreated',
    'ClusterNodeAdded',
    'ClusterNodeRemoved',
    'ClusterParamsSet',
    'ClusterProtocolParamsSet',
    'ClusterActivated',
    'ClusterBonded',
    'ClusterUnbonding',
    'ClusterUnbonded',
    'ClusterNodeValidated',
    'ClusterEraPaid',
  ],
  DdcNodes: ['NodeCreated', 'NodeDeleted', 'NodeParamsChanged'],
  DdcCustomers: [
    'Deposited',
    'InitialDepositUnlock',
    'Withdrawn',
    'Charged',
    'BucketCreated',
    'BucketUpdated',
    'BucketRemoved',
  ],
  DdcPayouts: [
    'PayoutInitialized',
    'ChargingStarted',
    'Charged',
    'ChargedPartially',
    'Indebted',
    'ChargingFinished',
    'TreasuryFeesCollected',
    'ClusterReserveFeesCollected',
    'ValidatorsFeesCollected', // 73160 on (ValidatorFeesCollected and ValidatorRewarded before)
    'RewardingStarted',
    'Rewarded',
    'NotDistributedReward',
    'NotDistributedOverallReward',
    'RewardingFinished',
    'PayoutReceiptFinalized',
    'ChargeError',
    'PayoutFingerprintCommited',
  ],
  DdcVerification: ['ValidatorKeySet'],
  System: ['Remarked'],
};

const CALLS: Record<string, string[]> = {
  DdcPayouts: [
    'commit_payout_fingerprint',
    'begin_payout',
    'begin_charging_customers',
    'send_charging_customers_batch',
    'end_charging_customers',
    'begin_rewarding_providers',
    'send_rewarding_providers_batch',
    'end_rewarding_providers',
    'end_payout',
  ],
  DdcClusters: ['create_cluster', 'add_node', 'validate_node'],
  DdcNodes: ['create_node'],
  DdcCustomers: ['create_bucket', 'deposit', 'withdraw_unlocked_deposit'],
  DdcVerification: ['set_validator_key'],
  System: ['remark_with_event'],
};

function subsquidRuntime(): Runtime {
  return new Runtime(
    { specName: 'node', specVersion: 73177, implName: 'substrate-node', implVersion: 0 },
    devnetMetadataHex()
  );
}

function polkadotRegistry(): { registry: TypeRegistry; metadata: Metadata } {
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, devnetMetadataHex() as `0x${string}`);
  registry.setMetadata(metadata);
  return { registry, metadata };
}

describe('devnet metadata', () => {
  it('builds deterministically and quickly', () => {
    const timings: string[] = [];
    const build = (): Uint8Array => {
      const start = performance.now();
      const bytes = buildDevnetMetadata();
      timings.push(`${(performance.now() - start).toFixed(1)} ms`);
      return bytes;
    };
    const first = build();
    const second = build();
    console.log(`devnet metadata: ${first.length} bytes, builds took ${timings.join(', ')}`);
    expect([...first.subarray(0, 5)]).toEqual([0x6d, 0x65, 0x74, 0x61, 0x0e]);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(devnetMetadata()).equals(Buffer.from(first))).toBe(true);
    expect(devnetMetadataHex()).toBe('0x' + Buffer.from(first).toString('hex'));
  });

  it('is v14 with the DDC pallets at 35–40 and the base pallets at Cere’s indices', () => {
    const decoded = decodeMetadata(devnetMetadataHex());
    expect(decoded.__kind).toBe('V14');
    if (decoded.__kind !== 'V14') return;
    const byIndex = new Map(decoded.value.pallets.map((p) => [p.index, p.name]));
    expect([35, 36, 37, 38, 39, 40].map((i) => byIndex.get(i))).toEqual([
      'DdcStaking',
      'DdcCustomers',
      'DdcNodes',
      'DdcClusters',
      'DdcPayouts',
      'DdcVerification',
    ]);
    const names = new Set(byIndex.values());
    // Kitchensink pallets Cere does not have are gone (docs/cere-runtimes.md §3).
    for (const gone of ['Tips', 'Assets', 'PoolAssets', 'Democracy', 'Council', 'Nfts']) {
      expect(names.has(gone)).toBe(false);
    }
    expect(names.has('System') && names.has('Balances') && names.has('Timestamp')).toBe(true);

    const rt = subsquidRuntime();
    expect(rt.hasEvent('DdcClusters.ClusterEraPaid')).toBe(true);
    expect(rt.hasEvent('Council.Proposed')).toBe(false);
    expect(rt.hasCall('Assets.create')).toBe(false);
    for (const [pallet, events] of Object.entries(EVENTS)) {
      for (const name of events) expect(rt.hasEvent(`${pallet}.${name}`), name).toBe(true);
    }
    for (const [pallet, calls] of Object.entries(CALLS)) {
      for (const name of calls) expect(rt.hasCall(`${pallet}.${name}`), name).toBe(true);
    }
  });

  it('uses the real call indices and Cere constants', () => {
    const rt = subsquidRuntime();
    const endPayout = rt.encodeCall({
      __kind: 'DdcPayouts',
      value: { __kind: 'end_payout', clusterId: CLUSTER, eraId: 7 } as any,
    });
    expect(Buffer.from(endPayout).toString('hex')).toBe('2708' + '11'.repeat(20) + '07000000');
    const setKey = rt.encodeCall({
      __kind: 'DdcVerification',
      value: { __kind: 'set_validator_key', ddcValidatorPub: VALIDATOR } as any,
    });
    expect(Buffer.from(setKey).toString('hex')).toBe('2801' + '22'.repeat(32));

    const { registry, metadata } = polkadotRegistry();
    expect(registry.chainSS58).toBe(54);
    const system = metadata.asLatest.pallets.find((p) => p.name.toString() === 'System')!;
    const version = system.constants.find((c) => c.name.toString() === 'Version')!;
    const decodedVersion = registry.createType('RuntimeVersion', version.value).toJSON() as any;
    expect(decodedVersion.specName).toBe('node');
    expect(decodedVersion.specVersion).toBe(73177);
    expect(decodedVersion.transactionVersion).toBe(27);
    const balances = metadata.asLatest.pallets.find((p) => p.name.toString() === 'Balances')!;
    const ed = balances.constants.find((c) => c.name.toString() === 'ExistentialDeposit')!;
    expect(registry.createType('u128', ed.value).toBigInt()).toBe(10_000_000_000n);

    const metadataApi = DEVNET_RUNTIME_VERSION.apis.find(([id]) => id === '0x37e397fc7c91f5e4');
    expect(metadataApi).toEqual(['0x37e397fc7c91f5e4', 1]);
    expect(DEVNET_RUNTIME_VERSION.specVersion).toBe(73177);
  });

  it('round-trips event records through subsquid and @polkadot/types', () => {
    const rt = subsquidRuntime();
    const records = [
      {
        phase: { __kind: 'ApplyExtrinsic', value: 1 },
        event: {
          __kind: 'DdcClusters',
          value: { __kind: 'ClusterEraPaid', clusterId: CLUSTER, eraId: 7 },
        },
        topics: [],
      },
      {
        phase: { __kind: 'ApplyExtrinsic', value: 1 },
        event: {
          __kind: 'DdcPayouts',
          value: {
            __kind: 'PayoutFingerprintCommited',
            validatorId: VALIDATOR,
            clusterId: CLUSTER,
            eraId: 7,
            payersMerkleRoot: PAYERS_ROOT,
            payeesMerkleRoot: PAYEES_ROOT,
          },
        },
        topics: [],
      },
      {
        phase: { __kind: 'ApplyExtrinsic', value: 2 },
        event: {
          __kind: 'DdcPayouts',
          value: {
            __kind: 'Charged',
            clusterId: CLUSTER,
            era: 7,
            batchIndex: 3,
            customerId: CUSTOMER,
            amount: AMOUNT,
          },
        },
        topics: [],
      },
      {
        phase: { __kind: 'Finalization' },
        event: {
          __kind: 'System',
          value: { __kind: 'Remarked', sender: CUSTOMER, hash: REMARK_HASH },
        },
        topics: [],
      },
    ];
    const hex = rt.scaleCodec.encodeToHex(rt.description.eventRecordList, records);

    // subsquid reads back exactly what it wrote
    expect(rt.scaleCodec.decodeBinary(rt.description.eventRecordList, hex)).toEqual(records);

    // an independent decoder agrees
    const { registry } = polkadotRegistry();
    const decoded = registry.createType('Vec<EventRecord>', hex) as any;
    expect(decoded.length).toBe(4);
    const [eraPaid, fingerprint, charged, remarked] = decoded;

    expect(eraPaid.phase.isApplyExtrinsic).toBe(true);
    expect(eraPaid.phase.asApplyExtrinsic.toNumber()).toBe(1);
    expect(eraPaid.event.section).toBe('ddcClusters');
    expect(eraPaid.event.method).toBe('ClusterEraPaid');
    expect(eraPaid.event.data.clusterId.toHex()).toBe(CLUSTER);
    expect(eraPaid.event.data.eraId.toNumber()).toBe(7);

    expect(fingerprint.event.section).toBe('ddcPayouts');
    expect(fingerprint.event.method).toBe('PayoutFingerprintCommited');
    expect(fingerprint.event.data.validatorId.toHex()).toBe(VALIDATOR);
    expect(fingerprint.event.data.clusterId.toHex()).toBe(CLUSTER);
    expect(fingerprint.event.data.eraId.toNumber()).toBe(7);
    expect(fingerprint.event.data.payersMerkleRoot.toHex()).toBe(PAYERS_ROOT);
    expect(fingerprint.event.data.payeesMerkleRoot.toHex()).toBe(PAYEES_ROOT);

    expect(charged.phase.asApplyExtrinsic.toNumber()).toBe(2);
    expect(charged.event.method).toBe('Charged');
    expect(charged.event.data.clusterId.toHex()).toBe(CLUSTER);
    expect(charged.event.data.era.toNumber()).toBe(7);
    expect(charged.event.data.batchIndex.toNumber()).toBe(3);
    expect(charged.event.data.customerId.toHex()).toBe(CUSTOMER);
    expect(charged.event.data.amount.toBigInt()).toBe(AMOUNT);

    expect(remarked.phase.isFinalization).toBe(true);
    expect(remarked.event.section).toBe('system');
    expect(remarked.event.method).toBe('Remarked');
    expect(remarked.event.data[0].toHex()).toBe(CUSTOMER);
    expect(remarked.event.data[1].toHex()).toBe(REMARK_HASH);
  });

  it('describes ClusterEraPaid as { cluster_id: H160, era_id: u32 } to @polkadot/types', () => {
    const { registry, metadata } = polkadotRegistry();
    const pallet = metadata.asLatest.pallets.find((p) => p.name.toString() === 'DdcClusters')!;
    expect(pallet.index.toNumber()).toBe(38);
    const events = registry.lookup.getSiType(pallet.events.unwrap().type);
    const variant = events.def.asVariant.variants.find(
      (v) => v.name.toString() === 'ClusterEraPaid'
    )!;
    expect(variant.fields.map((f) => f.name.unwrap().toString())).toEqual(['cluster_id', 'era_id']);
    expect(variant.fields.map((f) => registry.lookup.getTypeDef(f.type).type)).toEqual([
      'H160',
      'u32',
    ]);
    expect(events.path.map((p) => p.toString()).join('::')).toBe(
      'pallet_ddc_clusters::pallet::Event'
    );
  });
});
