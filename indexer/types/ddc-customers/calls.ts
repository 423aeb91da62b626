import {sts, CallType} from '../support.ts'
import * as v71000 from '../v71000.ts'
import * as v73047 from '../v73047.ts'

export const createBucket =  {
    name: 'DdcCustomers.create_bucket',
    v71000: new CallType(
        'DdcCustomers.create_bucket',
        sts.struct({
            clusterId: v71000.H160,
            bucketParams: v71000.BucketParams,
        })
    ),
}

export const deposit =  {
    name: 'DdcCustomers.deposit',
    v71000: new CallType(
        'DdcCustomers.deposit',
        sts.struct({
            value: sts.bigint(),
        })
    ),
    v73047: new CallType(
        'DdcCustomers.deposit',
        sts.struct({
            clusterId: v73047.H160,
            value: sts.bigint(),
        })
    ),
}

export const depositExtra =  {
    name: 'DdcCustomers.deposit_extra',
    v71000: new CallType(
        'DdcCustomers.deposit_extra',
        sts.struct({
            maxAdditional: sts.bigint(),
        })
    ),
    v73047: new CallType(
        'DdcCustomers.deposit_extra',
        sts.struct({
            clusterId: v73047.H160,
            maxAdditional: sts.bigint(),
        })
    ),
}

export const unlockDeposit =  {
    name: 'DdcCustomers.unlock_deposit',
    v71000: new CallType(
        'DdcCustomers.unlock_deposit',
        sts.struct({
            value: sts.bigint(),
        })
    ),
    v73047: new CallType(
        'DdcCustomers.unlock_deposit',
        sts.struct({
            clusterId: v73047.H160,
            value: sts.bigint(),
        })
    ),
}

export const withdrawUnlockedDeposit =  {
    name: 'DdcCustomers.withdraw_unlocked_deposit',
    v71000: new CallType(
        'DdcCustomers.withdraw_unlocked_deposit',
        sts.unit()
    ),
    v73047: new CallType(
        'DdcCustomers.withdraw_unlocked_deposit',
        sts.struct({
            clusterId: v73047.H160,
        })
    ),
}

export const setBucketParams =  {
    name: 'DdcCustomers.set_bucket_params',
    v71000: new CallType(
        'DdcCustomers.set_bucket_params',
        sts.struct({
            bucketId: sts.bigint(),
            bucketParams: v71000.BucketParams,
        })
    ),
}

export const removeBucket =  {
    name: 'DdcCustomers.remove_bucket',
    v71000: new CallType(
        'DdcCustomers.remove_bucket',
        sts.struct({
            bucketId: sts.bigint(),
        })
    ),
}

export const depositFor =  {
    name: 'DdcCustomers.deposit_for',
    v73047: new CallType(
        'DdcCustomers.deposit_for',
        sts.struct({
            owner: v73047.AccountId32,
            clusterId: v73047.H160,
            value: sts.bigint(),
        })
    ),
}
