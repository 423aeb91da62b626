/**
 * The billing-report payout design of Cere spec 71000 through the real indexer
 * (.scratch/billing-contract.md, docs/cere-billing-report.md): a devnet chain whose genesis runtime
 * is 71000 carries one era paid step by step with DdcVerification's calls (contract steps 1-9) and
 * a second era Root skips (`Sudo.sudo(skip_dac_validation_to_era)`). Served over RPC and indexed
 * into PGlite and PostgreSQL, it must give:
 *
 * - an `attestation_vote` per `BillingFingerprintCommited`, with the era window from the event and
 *   the cluster usage from its `commit_billing_fingerprint` call (no ehd id, no fingerprint);
 * - `payout_begin` from `begin_billing_report`, the max-batch lines from `begin_*`, and
 *   `payout_batch` rows of design `billing-report` whose entries are `[key, usage]` in call order;
 * - `payout_line`s: `charge` per `Charged` / `ChargeFailed` with its bucket, fees, `reward`,
 *   `validator-reward`, `not-distributed` (71000's `total_distributed_reward`), and
 *   `ClusterEraPaid` as `paid` next to `BillingReportFinalized`, `skipped` alone;
 * - deposits without a cluster (71000's `Deposited` has none), the chain extrinsics of the payout
 *   calls, and no `chain.decode` line.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type BuiltBlock, Chain } from '../devnet/chain.ts';
import type { BlockSpec, EventSpec, ExtrinsicSpec } from '../devnet/chain-types.ts';
import { CERE_BILLING_REPORT_RUNTIME } from '../devnet/cere-runtimes.ts';
import { identity } from '../devnet/keys.ts';
import { cereChainRuntimes } from '../devnet/metadata.ts';
import { startRpcServer } from '../devnet/rpc-server.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import { toHex } from '../verifier/bytes.ts';
import { createTestDatabase, databaseLegs } from './helpers/databases.ts';

const GENESIS_TS = 1_760_000_000_000;
const SEED = 'indexer-billing-test';
const CLUSTER = '0x' + 'b1'.repeat(20);
const PERCENT = 10n ** 16n;
const ERA = 7;
const SKIPPED_ERA = 8;

const manager = identity(SEED, 'manager', 'sr25519');
const provider = identity(SEED, 'provider', 'sr25519');
const alice = identity(SEED, 'alice', 'sr25519');
const bob = identity(SEED, 'bob', 'sr25519');
const validators = [identity(SEED, 'v1', 'sr25519'), identity(SEED, 'v2', 'sr25519')];
const sudo = identity('chain', 'sudo', 'ed25519');
const hex = (k: { publicKey: Uint8Array }): string => toHex(k.publicKey);
const NODE = '0x' + 'a7'.repeat(32);
const NODE_KEY = { __kind: 'StoragePubKey', value: NODE };
const PAYERS_ROOT = '0x' + '11'.repeat(32);
const PAYEES_ROOT = '0x' + '22'.repeat(32);
const FINGERPRINT = '0x' + '33'.repeat(32);
const PROOF = ['0x' + '44'.repeat(32), '0x' + '55'.repeat(32)];

const usage = (stored: bigint, transferred: bigint, puts: bigint, gets: bigint) => ({
  transferredBytes: transferred,
  storedBytes: stored,
  numberOfPuts: puts,
  numberOfGets: gets,
});
/** Buckets 1 and 2 are alice's, 3 is bob's. */
const PAYERS: Array<[bigint, ReturnType<typeof usage>]> = [
  [1n, usage(1_000_000n, 2_000_000n, 3n, 4n)],
  [2n, usage(-5n, 10n, 0n, 1n)],
  [3n, usage(7n, 8n, 9n, 10n)],
];
const CLUSTER_USAGE = usage(1_000_002n, 2_000_018n, 12n, 15n);

const ev = (pallet: string, name: string, args: Record<string, unknown>): EventSpec => ({
  pallet,
  name,
  args,
});
const era = { clusterId: CLUSTER, era: ERA };
const eraId = { clusterId: CLUSTER, eraId: ERA };

/** A DdcVerification payout call signed by the first validator (`is_ocw_validator`). */
const verification = (
  name: string,
  args: Record<string, unknown>,
  events: EventSpec[]
): ExtrinsicSpec => ({
  call: { pallet: 'DdcVerification', name, args },
  signer: validators[0]!,
  events,
});

function setup(): ExtrinsicSpec[] {
  return [
    {
      call: {
        pallet: 'DdcClusters',
        name: 'create_cluster',
        args: {
          clusterId: CLUSTER,
          clusterReserveId: '0x' + 'ee'.repeat(32),
          clusterParams: {
            nodeProviderAuthContract: undefined,
            erasureCodingRequired: 4,
            erasureCodingTotal: 6,
            replicationTotal: 3,
          },
          initialProtocolParams: {
            treasuryShare: 1n * PERCENT,
            validatorsShare: 2n * PERCENT,
            clusterReserveShare: 3n * PERCENT,
            storageBondSize: 10n ** 13n,
            storageChillDelay: 100,
            storageUnbondingDelay: 200,
            unitPerMbStored: 10n,
            unitPerMbStreamed: 20n,
            unitPerPutRequest: 30n,
            unitPerGetRequest: 40n,
          },
        },
      },
      signer: manager,
      events: [
        ev('DdcClusters', 'ClusterCreated', { clusterId: CLUSTER }),
        ev('DdcClusters', 'ClusterProtocolParamsSet', { clusterId: CLUSTER }),
      ],
    },
    {
      call: {
        pallet: 'DdcNodes',
        name: 'create_node',
        args: {
          nodePubKey: NODE_KEY,
          nodeParams: {
            __kind: 'StorageParams',
            value: {
              mode: { __kind: 'Storage' },
              host: '0x' + Buffer.from('node.test').toString('hex'),
              domain: '0x',
              ssl: false,
              httpPort: 8080,
              grpcPort: 9090,
              p2PPort: 9070,
            },
          },
        },
      },
      signer: provider,
      events: [ev('DdcNodes', 'NodeCreated', { nodePubKey: NODE_KEY })],
    },
    {
      call: {
        pallet: 'DdcClusters',
        name: 'add_node',
        args: { clusterId: CLUSTER, nodePubKey: NODE_KEY, nodeKind: { __kind: 'External' } },
      },
      signer: manager,
      events: [ev('DdcClusters', 'ClusterNodeAdded', { clusterId: CLUSTER, nodePubKey: NODE_KEY })],
    },
    ...[alice, bob].map((who): ExtrinsicSpec => ({
      call: { pallet: 'DdcCustomers', name: 'deposit', args: { value: 10n ** 15n } },
      signer: who,
      events: [ev('DdcCustomers', 'Deposited', { ownerId: hex(who), amount: 10n ** 15n })],
    })),
    ...[alice, alice, bob].map((who, i): ExtrinsicSpec => ({
      call: {
        pallet: 'DdcCustomers',
        name: 'create_bucket',
        args: { clusterId: CLUSTER, bucketParams: { isPublic: i === 0 } },
      },
      signer: who,
      events: [
        ev('DdcCustomers', 'BucketCreated', { clusterId: CLUSTER, bucketId: BigInt(i + 1) }),
      ],
    })),
    ...validators.map((v): ExtrinsicSpec => ({
      call: {
        pallet: 'DdcVerification',
        name: 'set_validator_key',
        args: { ddcValidatorPub: hex(v) },
      },
      signer: v,
      events: [ev('DdcVerification', 'ValidatorKeySet', { validator: hex(v) })],
    })),
  ];
}

/** Contract steps 1-4: the votes, the report, charging. */
function votesAndCharging(): ExtrinsicSpec[] {
  return [
    ...validators.map((v): ExtrinsicSpec => ({
      call: {
        pallet: 'DdcVerification',
        name: 'commit_billing_fingerprint',
        args: {
          ...eraId,
          startEra: 1_700_000_000n,
          endEra: 1_700_003_600n,
          payersRoot: PAYERS_ROOT,
          payeesRoot: PAYEES_ROOT,
          clusterUsage: CLUSTER_USAGE,
        },
      },
      signer: v,
      events: [
        ev('DdcPayouts', 'BillingFingerprintCommited', {
          validatorId: hex(v),
          ...eraId,
          startEra: 1_700_000_000n,
          endEra: 1_700_003_600n,
          payersMerkleRoot: PAYERS_ROOT,
          payeesMerkleRoot: PAYEES_ROOT,
        }),
      ],
    })),
    verification('begin_billing_report', { ...eraId, fingerprint: FINGERPRINT }, [
      ev('DdcPayouts', 'BillingReportInitialized', era),
    ]),
    verification('begin_charging_customers', { ...eraId, maxBatchIndex: 0 }, [
      ev('DdcPayouts', 'ChargingStarted', era),
    ]),
    verification(
      'send_charging_customers_batch',
      { ...eraId, batchIndex: 0, payers: PAYERS, batchProof: { proof: PROOF } },
      [
        ev('DdcPayouts', 'Charged', {
          ...era,
          batchIndex: 0,
          customerId: hex(alice),
          bucketId: 1n,
          amount: 5_000n,
        }),
        ev('DdcPayouts', 'Charged', {
          ...era,
          batchIndex: 0,
          customerId: hex(alice),
          bucketId: 2n,
          amount: 40n,
        }),
        ev('DdcPayouts', 'Indebted', {
          ...era,
          batchIndex: 0,
          customerId: hex(bob),
          bucketId: 3n,
          amount: 600n,
        }),
        ev('DdcPayouts', 'ChargeFailed', {
          ...era,
          batchIndex: 0,
          customerId: hex(bob),
          bucketId: 3n,
          charged: 100n,
          expectedToCharge: 700n,
        }),
      ]
    ),
  ];
}

/** Contract steps 5-9. */
function feesRewardsAndEnd(): ExtrinsicSpec[] {
  return [
    verification('end_charging_customers', eraId, [
      ev('DdcPayouts', 'TreasuryFeesCollected', { ...era, amount: 51n }),
      ev('DdcPayouts', 'ClusterReserveFeesCollected', { ...era, amount: 153n }),
      ev('DdcPayouts', 'ValidatorFeesCollected', { ...era, amount: 102n }),
      ev('DdcPayouts', 'ChargingFinished', era),
    ]),
    verification('begin_rewarding_providers', { ...eraId, maxBatchIndex: 0 }, [
      ev('DdcPayouts', 'RewardingStarted', era),
    ]),
    verification(
      'send_rewarding_providers_batch',
      {
        ...eraId,
        batchIndex: 0,
        payees: [[NODE_KEY, CLUSTER_USAGE]],
        batchProof: { proof: PROOF },
      },
      [
        ev('DdcPayouts', 'Rewarded', {
          ...era,
          batchIndex: 0,
          nodeProviderId: hex(provider),
          rewarded: 4_830n,
          expectedToReward: 4_834n,
        }),
      ]
    ),
    verification('end_rewarding_providers', eraId, [
      ...validators.map((v) =>
        ev('DdcPayouts', 'ValidatorRewarded', { ...era, validatorId: hex(v), amount: 51n })
      ),
      ev('DdcPayouts', 'NotDistributedOverallReward', {
        ...era,
        expectedReward: 4_834n,
        totalDistributedReward: 4_830n,
      }),
      ev('DdcPayouts', 'RewardingFinished', era),
    ]),
    verification('end_billing_report', eraId, [
      ev('DdcPayouts', 'BillingReportFinalized', era),
      ev('DdcClusters', 'ClusterEraPaid', eraId),
    ]),
    {
      call: {
        pallet: 'Sudo',
        name: 'sudo',
        args: {
          call: {
            __kind: 'DdcVerification',
            value: {
              __kind: 'skip_dac_validation_to_era',
              clusterId: CLUSTER,
              eraId: SKIPPED_ERA,
            },
          },
        },
      },
      signer: sudo,
      events: [
        ev('DdcClusters', 'ClusterEraPaid', { clusterId: CLUSTER, eraId: SKIPPED_ERA }),
        ev('Sudo', 'Sudid', { sudoResult: { __kind: 'Ok' } }),
      ],
    },
  ];
}

function buildChain(): { chain: Chain; blocks: BuiltBlock[] } {
  const chain = new Chain({
    ...cereChainRuntimes({ genesis: CERE_BILLING_REPORT_RUNTIME.specVersion, upgrades: [] }),
    genesisTimestamp: GENESIS_TS,
    chainName: 'indexer-billing-test',
  });
  const blocks: BuiltBlock[] = [chain.best];
  const specs: BlockSpec[] = [setup(), votesAndCharging(), feesRewardsAndEnd()].map((x, i) => ({
    timestamp: GENESIS_TS + (i + 1) * 6000,
    extrinsics: x,
  }));
  for (const s of specs) blocks.push(chain.build(s, blocks.at(-1)!.hash));
  chain.setBest(blocks.at(-1)!.hash);
  chain.setFinalized(blocks.at(-1)!.hash);
  return { chain, blocks };
}

/** The chain indexed by the real indexer into a fresh database on `leg`; `check` reads it. */
async function indexed(
  leg: Awaited<ReturnType<typeof databaseLegs>>[number],
  check: (db: pg.Pool) => Promise<void>
): Promise<void> {
  const { chain } = buildChain();
  const server = await startRpcServer({ chain });
  const db = await createTestDatabase(leg);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  let stderr = '';
  const indexer = new Supervisor({
    env: {
      ...process.env,
      PROOFROOM_RPC_URL: server.url,
      DATABASE_URL: db.url,
      PROOFROOM_FROM_BLOCK: '0',
      PROOFROOM_GAR_URL: '',
      PROOFROOM_STORAGE_URLS: '',
      PROOFROOM_HEAD_POLL_MS: '100',
      PROOFROOM_THREADS: '1',
      PROOFROOM_METRICS_PORT: '-1',
    },
    stdio: 'pipe',
    minBackoffMs: 100,
    onStart: (child) => child.stderr?.on('data', (d: Buffer) => (stderr += d.toString())),
  });
  indexer.start();
  try {
    const head = chain.best.hash;
    const t0 = Date.now();
    for (;;) {
      const r = await pool
        .query(`SELECT hash FROM indexer_status WHERE id = 'main'`)
        .catch(() => ({ rows: [] as Array<{ hash: string }> }));
      if (r.rows[0]?.hash === head) break;
      if (Date.now() - t0 > 90_000)
        throw new Error(`indexer did not reach ${head}:\n${stderr.slice(-4000)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    await check(pool);
  } finally {
    await indexer.stop(2000).catch(() => {});
    await pool.end().catch(() => {});
    await server.close();
    await db.drop().catch(() => {});
  }
}

const legs = await databaseLegs();

describe.each(legs)('a 71000 billing-report era, indexed on %s', (leg) => {
  it(
    'stores votes, begin, batches and payout lines, the skip as skipped, and decodes everything',
    () =>
      indexed(leg, async (db) => {
        const q = async (sql: string) =>
          (await db.query(sql)).rows as Array<Record<string, unknown>>;
        const usageJson = (u: ReturnType<typeof usage>) => ({
          storedBytes: String(u.storedBytes),
          transferredBytes: String(u.transferredBytes),
          numberOfPuts: String(u.numberOfPuts),
          numberOfGets: String(u.numberOfGets),
        });

        // Nothing failed to decode: no chain.decode line on any event or call.
        expect(
          await q(
            `SELECT subject_id, facts FROM verification_line WHERE check_name = 'chain.decode'`
          )
        ).toEqual([]);
        expect(await q(`SELECT DISTINCT spec_version FROM block`)).toEqual([
          { spec_version: 71000 },
        ]);

        // Setup: 71000's deposit names no cluster; buckets and the node have their owners.
        expect(
          await q(
            `SELECT customer_id, cluster_id, amount::text AS amount FROM customer_deposit ORDER BY split_part(id, '-', 2)::int`
          )
        ).toEqual([
          { customer_id: hex(alice), cluster_id: null, amount: String(10n ** 15n) },
          { customer_id: hex(bob), cluster_id: null, amount: String(10n ** 15n) },
        ]);
        expect(await q(`SELECT id::text AS id, owner_id FROM bucket ORDER BY id`)).toEqual([
          { id: '1', owner_id: hex(alice) },
          { id: '2', owner_id: hex(alice) },
          { id: '3', owner_id: hex(bob) },
        ]);
        expect(await q(`SELECT id, provider_id FROM node`)).toEqual([
          { id: NODE, provider_id: hex(provider) },
        ]);
        expect((await q(`SELECT pricing FROM cluster_protocol_params`))[0]!.pricing).toMatchObject({
          perMbStored: '10',
          perMbStreamed: '20',
          perPut: '30',
          perGet: '40',
        });

        // Step 1: one vote per validator, window from the event, usage from the call.
        const votes = await q(
          `SELECT cluster_id, era, validator_id, payers_root, payees_root, fingerprint, ehd_id,
                extrinsic_id, start_era::text AS start_era, end_era::text AS end_era, cluster_usage
           FROM attestation_vote ORDER BY block_height, split_part(id, '-', 2)::int`
        );
        expect(votes).toEqual(
          validators.map((v, i) => ({
            cluster_id: CLUSTER,
            era: ERA,
            validator_id: hex(v),
            payers_root: PAYERS_ROOT,
            payees_root: PAYEES_ROOT,
            fingerprint: null,
            ehd_id: null,
            extrinsic_id: `2-${i + 1}`,
            start_era: '1700000000',
            end_era: '1700003600',
            cluster_usage: usageJson(CLUSTER_USAGE),
          }))
        );

        // Step 2: the report's begin, as a begin_payout.
        expect(
          await q(`SELECT id, cluster_id, era, fingerprint, block_height FROM payout_begin`)
        ).toEqual([
          { id: '2-3', cluster_id: CLUSTER, era: ERA, fingerprint: FINGERPRINT, block_height: 2 },
        ]);

        // Steps 4 and 7: the usage batches, in call order, with the max index of their begin.
        const batches = await q(
          `SELECT id, era, side, batch_index, max_batch_index, entries, proof, extrinsic_id, design
           FROM payout_batch ORDER BY block_height, id`
        );
        expect(batches).toEqual([
          {
            id: '2-5-payers-0',
            era: ERA,
            side: 'payers',
            batch_index: 0,
            max_batch_index: 0,
            entries: PAYERS.map(([b, u]) => [String(b), usageJson(u)]),
            proof: PROOF,
            extrinsic_id: '2-5',
            design: 'billing-report',
          },
          {
            id: '3-3-payees-0',
            era: ERA,
            side: 'payees',
            batch_index: 0,
            max_batch_index: 0,
            entries: [[NODE, usageJson(CLUSTER_USAGE)]],
            proof: PROOF,
            extrinsic_id: '3-3',
            design: 'billing-report',
          },
        ]);

        // Steps 3-9: the payout lines of the era, in chain order.
        const lines = await q(
          `SELECT kind, account_id, amount::text AS amount, expected::text AS expected, batch_index,
                extrinsic_id, bucket_id::text AS bucket_id
           FROM payout_line WHERE era = ${ERA} AND kind NOT LIKE 'max-batch-%'
          ORDER BY block_height, split_part(id, '-', 2)::int`
        );
        const line = (
          kind: string,
          extrinsic: string,
          amount: bigint,
          more: Partial<Record<'account_id' | 'expected' | 'bucket_id', string>> & {
            batch_index?: number;
          } = {}
        ) => ({
          kind,
          account_id: null,
          amount: String(amount),
          expected: null,
          batch_index: null,
          extrinsic_id: extrinsic,
          bucket_id: null,
          ...more,
        });
        expect(lines).toEqual([
          line('charge', '2-5', 5_000n, { account_id: hex(alice), batch_index: 0, bucket_id: '1' }),
          line('charge', '2-5', 40n, { account_id: hex(alice), batch_index: 0, bucket_id: '2' }),
          line('charge', '2-5', 100n, {
            account_id: hex(bob),
            batch_index: 0,
            bucket_id: '3',
            expected: '700',
          }),
          line('fee-treasury', '3-1', 51n),
          line('fee-reserve', '3-1', 153n),
          line('fee-validators', '3-1', 102n),
          line('reward', '3-3', 4_830n, {
            account_id: hex(provider),
            batch_index: 0,
            expected: '4834',
          }),
          ...validators.map((v) => line('validator-reward', '3-4', 51n, { account_id: hex(v) })),
          line('not-distributed', '3-4', 4n, { expected: '4834' }),
          line('paid', '3-5', 0n),
        ]);
        // Steps 3 and 6: the max batch index of each side, from its begin call.
        expect(
          await q(
            `SELECT id, kind, amount::text AS amount, batch_index, extrinsic_id, bucket_id
             FROM payout_line WHERE kind LIKE 'max-batch-%' ORDER BY block_height`
          )
        ).toEqual([
          {
            id: '2-4-max',
            kind: 'max-batch-payers',
            amount: '0',
            batch_index: 0,
            extrinsic_id: '2-4',
            bucket_id: null,
          },
          {
            id: '3-2-max',
            kind: 'max-batch-payees',
            amount: '0',
            batch_index: 0,
            extrinsic_id: '3-2',
            bucket_id: null,
          },
        ]);
        // The skipped era: ClusterEraPaid without BillingReportFinalized.
        expect(
          await q(`SELECT kind, era, extrinsic_id FROM payout_line WHERE era = ${SKIPPED_ERA}`)
        ).toEqual([{ kind: 'skipped', era: SKIPPED_ERA, extrinsic_id: '3-6' }]);

        // The payout calls are chain extrinsics a bundle can cite.
        expect(
          await q(`SELECT id, name, signer, success FROM chain_extrinsic
                  WHERE name LIKE 'DdcVerification.%' ORDER BY block_height, index`)
        ).toEqual(
          [
            ['2-3', 'begin_billing_report'],
            ['2-4', 'begin_charging_customers'],
            ['2-5', 'send_charging_customers_batch'],
            ['3-2', 'begin_rewarding_providers'],
            ['3-3', 'send_rewarding_providers_batch'],
          ].map(([id, name]) => ({
            id,
            name: `DdcVerification.${name}`,
            signer: hex(validators[0]!),
            success: true,
          }))
        );
        // Indebted and the report's lifecycle events are kept as references.
        expect(
          (
            await q(`SELECT name FROM chain_event WHERE name IN ('DdcPayouts.Indebted',
                    'DdcPayouts.BillingReportInitialized', 'DdcPayouts.BillingReportFinalized')
                   ORDER BY block_height, index`)
          ).map((r) => r.name)
        ).toEqual([
          'DdcPayouts.BillingReportInitialized',
          'DdcPayouts.Indebted',
          'DdcPayouts.BillingReportFinalized',
        ]);
      }),
    120_000
  );
});
