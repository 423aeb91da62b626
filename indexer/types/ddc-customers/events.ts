import {sts, EventType} from '../support.ts'
import * as v71000 from '../v71000.ts'
import * as v73047 from '../v73047.ts'
import * as v73177 from '../v73177.ts'

export const deposited =  {
    name: 'DdcCustomers.Deposited',
    v71000: new EventType(
        'DdcCustomers.Deposited',
        sts.struct({
            ownerId: v71000.AccountId32,
            amount: sts.bigint(),
        })
    ),
    v73047: new EventType(
        'DdcCustomers.Deposited',
        sts.struct({
            clusterId: v73047.H160,
            ownerId: v73047.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const initialDepositUnlock =  {
    name: 'DdcCustomers.InitialDepositUnlock',
    v71000: new EventType(
        'DdcCustomers.InitialDepositUnlock',
        sts.struct({
            ownerId: v71000.AccountId32,
            amount: sts.bigint(),
        })
    ),
    v73047: new EventType(
        'DdcCustomers.InitialDepositUnlock',
        sts.struct({
            clusterId: v73047.H160,
            ownerId: v73047.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const withdrawn =  {
    name: 'DdcCustomers.Withdrawn',
    v71000: new EventType(
        'DdcCustomers.Withdrawn',
        sts.struct({
            ownerId: v71000.AccountId32,
            amount: sts.bigint(),
        })
    ),
    v73047: new EventType(
        'DdcCustomers.Withdrawn',
        sts.struct({
            clusterId: v73047.H160,
            ownerId: v73047.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const charged =  {
    name: 'DdcCustomers.Charged',
    v71000: new EventType(
        'DdcCustomers.Charged',
        sts.struct({
            ownerId: v71000.AccountId32,
            charged: sts.bigint(),
            expectedToCharge: sts.bigint(),
        })
    ),
    v73047: new EventType(
        'DdcCustomers.Charged',
        sts.struct({
            clusterId: v73047.H160,
            ownerId: v73047.AccountId32,
            charged: sts.bigint(),
            expectedToCharge: sts.bigint(),
        })
    ),
    v73177: new EventType(
        'DdcCustomers.Charged',
        sts.struct({
            clusterId: v73177.H160,
            ownerId: v73177.AccountId32,
            charged: sts.bigint(),
            expected: sts.bigint(),
        })
    ),
}

export const bucketCreated =  {
    name: 'DdcCustomers.BucketCreated',
    v71000: new EventType(
        'DdcCustomers.BucketCreated',
        sts.struct({
            clusterId: v71000.H160,
            bucketId: sts.bigint(),
        })
    ),
}

export const bucketUpdated =  {
    name: 'DdcCustomers.BucketUpdated',
    v71000: new EventType(
        'DdcCustomers.BucketUpdated',
        sts.struct({
            clusterId: v71000.H160,
            bucketId: sts.bigint(),
        })
    ),
}

export const bucketTotalNodesUsageUpdated =  {
    name: 'DdcCustomers.BucketTotalNodesUsageUpdated',
    v71000: new EventType(
        'DdcCustomers.BucketTotalNodesUsageUpdated',
        sts.struct({
            clusterId: v71000.H160,
            bucketId: sts.bigint(),
            transferredBytes: sts.bigint(),
            storedBytes: sts.bigint(),
            numberOfPuts: sts.bigint(),
            numberOfGets: sts.bigint(),
        })
    ),
}

export const bucketTotalCustomersUsageUpdated =  {
    name: 'DdcCustomers.BucketTotalCustomersUsageUpdated',
    v71000: new EventType(
        'DdcCustomers.BucketTotalCustomersUsageUpdated',
        sts.struct({
            clusterId: v71000.H160,
            bucketId: sts.bigint(),
            transferredBytes: sts.bigint(),
            storedBytes: sts.bigint(),
            numberOfPuts: sts.bigint(),
            numberOfGets: sts.bigint(),
        })
    ),
}

export const bucketRemoved =  {
    name: 'DdcCustomers.BucketRemoved',
    v71000: new EventType(
        'DdcCustomers.BucketRemoved',
        sts.struct({
            bucketId: sts.bigint(),
        })
    ),
    v73047: new EventType(
        'DdcCustomers.BucketRemoved',
        sts.struct({
            clusterId: v73047.H160,
            bucketId: sts.bigint(),
        })
    ),
}
