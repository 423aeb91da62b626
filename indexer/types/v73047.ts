import {sts} from './support.ts'
import type {Bytes} from './support.ts'

export const MMRProof: sts.Type<MMRProof> = sts.struct(() => {
    return  {
        proof: sts.array(() => H256),
    }
})

export interface MMRProof {
    proof: H256[]
}

export type H256 = Bytes

export const NodeParams: sts.Type<NodeParams> = sts.closedEnum(() => {
    return  {
        StorageParams: StorageNodeParams,
    }
})

export const StorageNodeParams: sts.Type<StorageNodeParams> = sts.struct(() => {
    return  {
        mode: StorageNodeMode,
        host: sts.bytes(),
        domain: sts.bytes(),
        ssl: sts.boolean(),
        httpPort: sts.number(),
        grpcPort: sts.number(),
        p2PPort: sts.number(),
    }
})

export const StorageNodeMode: sts.Type<StorageNodeMode> = sts.closedEnum(() => {
    return  {
        Cache: sts.unit(),
        Compute: sts.unit(),
        Full: sts.unit(),
        Storage: sts.unit(),
    }
})

export type StorageNodeMode = StorageNodeMode_Cache | StorageNodeMode_Compute | StorageNodeMode_Full | StorageNodeMode_Storage

export interface StorageNodeMode_Cache {
    __kind: 'Cache'
}

export interface StorageNodeMode_Compute {
    __kind: 'Compute'
}

export interface StorageNodeMode_Full {
    __kind: 'Full'
}

export interface StorageNodeMode_Storage {
    __kind: 'Storage'
}

export interface StorageNodeParams {
    mode: StorageNodeMode
    host: Bytes
    domain: Bytes
    ssl: boolean
    httpPort: number
    grpcPort: number
    p2PPort: number
}

export type NodeParams = NodeParams_StorageParams

export interface NodeParams_StorageParams {
    __kind: 'StorageParams'
    value: StorageNodeParams
}

export const NodePubKey: sts.Type<NodePubKey> = sts.closedEnum(() => {
    return  {
        StoragePubKey: AccountId32,
    }
})

export type NodePubKey = NodePubKey_StoragePubKey

export interface NodePubKey_StoragePubKey {
    __kind: 'StoragePubKey'
    value: AccountId32
}

export type AccountId32 = Bytes

export const H256 = sts.bytes()

export const AccountId32 = sts.bytes()

export const H160 = sts.bytes()
