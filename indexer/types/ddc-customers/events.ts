import {sts, EventType} from '../support.ts'
import * as v73100 from '../v73100.ts'

export const deposited =  {
    name: 'DdcCustomers.Deposited',
    v73100: new EventType(
        'DdcCustomers.Deposited',
        sts.struct({
            clusterId: v73100.H160,
            ownerId: v73100.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const initialDepositUnlock =  {
    name: 'DdcCustomers.InitialDepositUnlock',
    v73100: new EventType(
        'DdcCustomers.InitialDepositUnlock',
        sts.struct({
            clusterId: v73100.H160,
            ownerId: v73100.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const withdrawn =  {
    name: 'DdcCustomers.Withdrawn',
    v73100: new EventType(
        'DdcCustomers.Withdrawn',
        sts.struct({
            clusterId: v73100.H160,
            ownerId: v73100.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const charged =  {
    name: 'DdcCustomers.Charged',
    v73100: new EventType(
        'DdcCustomers.Charged',
        sts.struct({
            clusterId: v73100.H160,
            ownerId: v73100.AccountId32,
            charged: sts.bigint(),
            expected: sts.bigint(),
        })
    ),
}

export const bucketCreated =  {
    name: 'DdcCustomers.BucketCreated',
    v73100: new EventType(
        'DdcCustomers.BucketCreated',
        sts.struct({
            clusterId: v73100.H160,
            bucketId: sts.bigint(),
        })
    ),
}

export const bucketUpdated =  {
    name: 'DdcCustomers.BucketUpdated',
    v73100: new EventType(
        'DdcCustomers.BucketUpdated',
        sts.struct({
            clusterId: v73100.H160,
            bucketId: sts.bigint(),
        })
    ),
}

export const bucketRemoved =  {
    name: 'DdcCustomers.BucketRemoved',
    v73100: new EventType(
        'DdcCustomers.BucketRemoved',
        sts.struct({
            clusterId: v73100.H160,
            bucketId: sts.bigint(),
        })
    ),
}
