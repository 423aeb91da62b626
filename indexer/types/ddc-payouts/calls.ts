import {sts, CallType} from '../support.ts'
import * as v73047 from '../v73047.ts'

export const commitPayoutFingerprint =  {
    name: 'DdcPayouts.commit_payout_fingerprint',
    v73047: new CallType(
        'DdcPayouts.commit_payout_fingerprint',
        sts.struct({
            clusterId: v73047.H160,
            ehdId: sts.string(),
            payersRoot: v73047.H256,
            payeesRoot: v73047.H256,
        })
    ),
}

export const beginPayout =  {
    name: 'DdcPayouts.begin_payout',
    v73047: new CallType(
        'DdcPayouts.begin_payout',
        sts.struct({
            clusterId: v73047.H160,
            eraId: sts.number(),
            fingerprint: v73047.H256,
        })
    ),
}

export const beginChargingCustomers =  {
    name: 'DdcPayouts.begin_charging_customers',
    v73047: new CallType(
        'DdcPayouts.begin_charging_customers',
        sts.struct({
            clusterId: v73047.H160,
            eraId: sts.number(),
            maxBatchIndex: sts.number(),
        })
    ),
}

export const sendChargingCustomersBatch =  {
    name: 'DdcPayouts.send_charging_customers_batch',
    v73047: new CallType(
        'DdcPayouts.send_charging_customers_batch',
        sts.struct({
            clusterId: v73047.H160,
            eraId: sts.number(),
            batchIndex: sts.number(),
            payers: sts.array(() => sts.tuple(() => [v73047.AccountId32, sts.bigint()])),
            batchProof: v73047.MMRProof,
        })
    ),
}

export const endChargingCustomers =  {
    name: 'DdcPayouts.end_charging_customers',
    v73047: new CallType(
        'DdcPayouts.end_charging_customers',
        sts.struct({
            clusterId: v73047.H160,
            eraId: sts.number(),
        })
    ),
}

export const beginRewardingProviders =  {
    name: 'DdcPayouts.begin_rewarding_providers',
    v73047: new CallType(
        'DdcPayouts.begin_rewarding_providers',
        sts.struct({
            clusterId: v73047.H160,
            eraId: sts.number(),
            maxBatchIndex: sts.number(),
        })
    ),
}

export const sendRewardingProvidersBatch =  {
    name: 'DdcPayouts.send_rewarding_providers_batch',
    v73047: new CallType(
        'DdcPayouts.send_rewarding_providers_batch',
        sts.struct({
            clusterId: v73047.H160,
            eraId: sts.number(),
            batchIndex: sts.number(),
            payees: sts.array(() => sts.tuple(() => [v73047.AccountId32, sts.bigint()])),
            batchProof: v73047.MMRProof,
        })
    ),
}

export const endRewardingProviders =  {
    name: 'DdcPayouts.end_rewarding_providers',
    v73047: new CallType(
        'DdcPayouts.end_rewarding_providers',
        sts.struct({
            clusterId: v73047.H160,
            eraId: sts.number(),
        })
    ),
}

export const endPayout =  {
    name: 'DdcPayouts.end_payout',
    v73047: new CallType(
        'DdcPayouts.end_payout',
        sts.struct({
            clusterId: v73047.H160,
            eraId: sts.number(),
        })
    ),
}
