import {sts, EventType} from '../support.ts'
import * as v73047 from '../v73047.ts'
import * as v73160 from '../v73160.ts'

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

export const chargingStarted =  {
    name: 'DdcPayouts.ChargingStarted',
    v73047: new EventType(
        'DdcPayouts.ChargingStarted',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
        })
    ),
}

export const charged =  {
    name: 'DdcPayouts.Charged',
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

export const indebted =  {
    name: 'DdcPayouts.Indebted',
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
    v73047: new EventType(
        'DdcPayouts.ChargingFinished',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
        })
    ),
}

export const treasuryFeesCollected =  {
    name: 'DdcPayouts.TreasuryFeesCollected',
    v73047: new EventType(
        'DdcPayouts.TreasuryFeesCollected',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            amount: sts.bigint(),
        })
    ),
}

export const clusterReserveFeesCollected =  {
    name: 'DdcPayouts.ClusterReserveFeesCollected',
    v73047: new EventType(
        'DdcPayouts.ClusterReserveFeesCollected',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            amount: sts.bigint(),
        })
    ),
}

export const validatorFeesCollected =  {
    name: 'DdcPayouts.ValidatorFeesCollected',
    v73047: new EventType(
        'DdcPayouts.ValidatorFeesCollected',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            amount: sts.bigint(),
        })
    ),
}

export const rewardingStarted =  {
    name: 'DdcPayouts.RewardingStarted',
    v73047: new EventType(
        'DdcPayouts.RewardingStarted',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
        })
    ),
}

export const rewarded =  {
    name: 'DdcPayouts.Rewarded',
    v73047: new EventType(
        'DdcPayouts.Rewarded',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            nodeProviderId: v73047.AccountId32,
            rewarded: sts.bigint(),
            expectedToReward: sts.bigint(),
        })
    ),
}

export const validatorRewarded =  {
    name: 'DdcPayouts.ValidatorRewarded',
    v73047: new EventType(
        'DdcPayouts.ValidatorRewarded',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            validatorId: v73047.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const notDistributedReward =  {
    name: 'DdcPayouts.NotDistributedReward',
    v73047: new EventType(
        'DdcPayouts.NotDistributedReward',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            nodeProviderId: v73047.AccountId32,
            expectedReward: sts.bigint(),
            distributedReward: sts.bigint(),
        })
    ),
}

export const notDistributedOverallReward =  {
    name: 'DdcPayouts.NotDistributedOverallReward',
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
    v73047: new EventType(
        'DdcPayouts.RewardingFinished',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
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

export const chargeError =  {
    name: 'DdcPayouts.ChargeError',
    v73047: new EventType(
        'DdcPayouts.ChargeError',
        sts.struct({
            clusterId: v73047.H160,
            era: sts.number(),
            batchIndex: sts.number(),
            customerId: v73047.AccountId32,
            amount: sts.bigint(),
            error: v73047.DispatchError,
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
