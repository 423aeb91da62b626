import {sts, EventType} from '../support.ts'
import * as v71000 from '../v71000.ts'
import * as v73047 from '../v73047.ts'
import * as v73160 from '../v73160.ts'

export const billingReportInitialized =  {
    name: 'DdcPayouts.BillingReportInitialized',
    v71000: new EventType(
        'DdcPayouts.BillingReportInitialized',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
        })
    ),
}

export const chargingStarted =  {
    name: 'DdcPayouts.ChargingStarted',
    v71000: new EventType(
        'DdcPayouts.ChargingStarted',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
        })
    ),
}

export const charged =  {
    name: 'DdcPayouts.Charged',
    v71000: new EventType(
        'DdcPayouts.Charged',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            customerId: v71000.AccountId32,
            bucketId: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
    v73047: new EventType(
        'DdcPayouts.Charged',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            customerId: v73047.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const chargeFailed =  {
    name: 'DdcPayouts.ChargeFailed',
    v71000: new EventType(
        'DdcPayouts.ChargeFailed',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            customerId: v71000.AccountId32,
            bucketId: sts.bigint(),
            charged: sts.bigint(),
            expectedToCharge: sts.bigint(),
        })
    ),
}

export const indebted =  {
    name: 'DdcPayouts.Indebted',
    v71000: new EventType(
        'DdcPayouts.Indebted',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            customerId: v71000.AccountId32,
            bucketId: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
    v73047: new EventType(
        'DdcPayouts.Indebted',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            customerId: v73047.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const chargingFinished =  {
    name: 'DdcPayouts.ChargingFinished',
    v71000: new EventType(
        'DdcPayouts.ChargingFinished',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
        })
    ),
}

export const treasuryFeesCollected =  {
    name: 'DdcPayouts.TreasuryFeesCollected',
    v71000: new EventType(
        'DdcPayouts.TreasuryFeesCollected',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            amount: sts.bigint(),
        })
    ),
}

export const clusterReserveFeesCollected =  {
    name: 'DdcPayouts.ClusterReserveFeesCollected',
    v71000: new EventType(
        'DdcPayouts.ClusterReserveFeesCollected',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            amount: sts.bigint(),
        })
    ),
}

export const validatorFeesCollected =  {
    name: 'DdcPayouts.ValidatorFeesCollected',
    v71000: new EventType(
        'DdcPayouts.ValidatorFeesCollected',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            amount: sts.bigint(),
        })
    ),
}

export const rewardingStarted =  {
    name: 'DdcPayouts.RewardingStarted',
    v71000: new EventType(
        'DdcPayouts.RewardingStarted',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
        })
    ),
}

export const rewarded =  {
    name: 'DdcPayouts.Rewarded',
    v71000: new EventType(
        'DdcPayouts.Rewarded',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            nodeProviderId: v71000.AccountId32,
            rewarded: sts.bigint(),
            expectedToReward: sts.bigint(),
        })
    ),
}

export const validatorRewarded =  {
    name: 'DdcPayouts.ValidatorRewarded',
    v71000: new EventType(
        'DdcPayouts.ValidatorRewarded',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            validatorId: v71000.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const notDistributedReward =  {
    name: 'DdcPayouts.NotDistributedReward',
    v71000: new EventType(
        'DdcPayouts.NotDistributedReward',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            nodeProviderId: v71000.AccountId32,
            expectedReward: sts.bigint(),
            distributedReward: sts.bigint(),
        })
    ),
}

export const notDistributedOverallReward =  {
    name: 'DdcPayouts.NotDistributedOverallReward',
    v71000: new EventType(
        'DdcPayouts.NotDistributedOverallReward',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            expectedReward: sts.bigint(),
            totalDistributedReward: sts.bigint(),
        })
    ),
    v73047: new EventType(
        'DdcPayouts.NotDistributedOverallReward',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            expectedReward: sts.bigint(),
            totalDistributedRewards: sts.bigint(),
        })
    ),
}

export const rewardingFinished =  {
    name: 'DdcPayouts.RewardingFinished',
    v71000: new EventType(
        'DdcPayouts.RewardingFinished',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
        })
    ),
}

export const billingReportFinalized =  {
    name: 'DdcPayouts.BillingReportFinalized',
    v71000: new EventType(
        'DdcPayouts.BillingReportFinalized',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
        })
    ),
}

export const chargeError =  {
    name: 'DdcPayouts.ChargeError',
    v71000: new EventType(
        'DdcPayouts.ChargeError',
        sts.struct({
            clusterId: v71000.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            customerId: v71000.AccountId32,
            amount: sts.bigint(),
            error: v71000.DispatchError,
        })
    ),
}

export const billingFingerprintCommited =  {
    name: 'DdcPayouts.BillingFingerprintCommited',
    v71000: new EventType(
        'DdcPayouts.BillingFingerprintCommited',
        sts.struct({
            validatorId: v71000.AccountId32,
            clusterId: v71000.H160,
            eraId: sts.number(),
            startEra: sts.bigint(),
            endEra: sts.bigint(),
            payersMerkleRoot: v71000.H256,
            payeesMerkleRoot: v71000.H256,
        })
    ),
}

export const payoutInitialized =  {
    name: 'DdcPayouts.PayoutInitialized',
    v73047: new EventType(
        'DdcPayouts.PayoutInitialized',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
        })
    ),
}

export const chargedPartially =  {
    name: 'DdcPayouts.ChargedPartially',
    v73047: new EventType(
        'DdcPayouts.ChargedPartially',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            customerId: v73047.AccountId32,
            charged: sts.bigint(),
            expectedToCharge: sts.bigint(),
        })
    ),
}

export const payoutReceiptFinalized =  {
    name: 'DdcPayouts.PayoutReceiptFinalized',
    v73047: new EventType(
        'DdcPayouts.PayoutReceiptFinalized',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            finalizedAt: sts.number(),
        })
    ),
}

export const payoutFingerprintCommited =  {
    name: 'DdcPayouts.PayoutFingerprintCommited',
    v73047: new EventType(
        'DdcPayouts.PayoutFingerprintCommited',
        sts.struct({
            validatorId: v73047.AccountId32,
            clusterId: v73047.H160,
            eraId: sts.number(),
            payersMerkleRoot: v73047.H256,
            payeesMerkleRoot: v73047.H256,
        })
    ),
}

export const validatorsFeesCollected =  {
    name: 'DdcPayouts.ValidatorsFeesCollected',
    v73160: new EventType(
        'DdcPayouts.ValidatorsFeesCollected',
        sts.struct({
            clusterId: v73160.H160,
            era: sts.number(),
            amount: sts.bigint(),
        })
    ),
}
