import {sts} from './support.ts'
import type {Bytes} from './support.ts'

export type H160 = Bytes

export interface ClusterProtocolParams {
    treasuryShare: Perquintill
    validatorsShare: Perquintill
    clusterReserveShare: Perquintill
    storageBondSize: bigint
    storageChillDelay: number
    storageUnbondingDelay: number
    unitPerMbStored: bigint
    unitPerMbStreamed: bigint
    unitPerPutRequest: bigint
    unitPerGetRequest: bigint
}

export type Perquintill = bigint

export const MMRProof: sts.Type<MMRProof> = sts.struct(() => {
    return  {
        proof: sts.array(() => H256),
    }
})

export interface MMRProof {
    proof: H256[]
}

export type H256 = Bytes

export const ClusterNodeKind: sts.Type<ClusterNodeKind> = sts.closedEnum(() => {
    return  {
        External: sts.unit(),
        Genesis: sts.unit(),
    }
})

export type ClusterNodeKind = ClusterNodeKind_External | ClusterNodeKind_Genesis

export interface ClusterNodeKind_External {
    __kind: 'External'
}

export interface ClusterNodeKind_Genesis {
    __kind: 'Genesis'
}

export const ClusterProtocolParams: sts.Type<ClusterProtocolParams> = sts.struct(() => {
    return  {
        treasuryShare: Perquintill,
        validatorsShare: Perquintill,
        clusterReserveShare: Perquintill,
        storageBondSize: sts.bigint(),
        storageChillDelay: sts.number(),
        storageUnbondingDelay: sts.number(),
        unitPerMbStored: sts.bigint(),
        unitPerMbStreamed: sts.bigint(),
        unitPerPutRequest: sts.bigint(),
        unitPerGetRequest: sts.bigint(),
    }
})

export const Perquintill = sts.bigint()

export const ClusterParams: sts.Type<ClusterParams> = sts.struct(() => {
    return  {
        nodeProviderAuthContract: sts.option(() => AccountId32),
        erasureCodingRequired: sts.number(),
        erasureCodingTotal: sts.number(),
        replicationTotal: sts.number(),
    }
})

export interface ClusterParams {
    nodeProviderAuthContract?: (AccountId32 | undefined)
    erasureCodingRequired: number
    erasureCodingTotal: number
    replicationTotal: number
}

export type AccountId32 = Bytes

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

export const BucketParams: sts.Type<BucketParams> = sts.struct(() => {
    return  {
        isPublic: sts.boolean(),
    }
})

export interface BucketParams {
    isPublic: boolean
}

export const DispatchError: sts.Type<DispatchError> = sts.closedEnum(() => {
    return  {
        Arithmetic: ArithmeticError,
        BadOrigin: sts.unit(),
        CannotLookup: sts.unit(),
        ConsumerRemaining: sts.unit(),
        Corruption: sts.unit(),
        Exhausted: sts.unit(),
        Module: ModuleError,
        NoProviders: sts.unit(),
        Other: sts.unit(),
        RootNotAllowed: sts.unit(),
        Token: TokenError,
        TooManyConsumers: sts.unit(),
        Transactional: TransactionalError,
        Unavailable: sts.unit(),
    }
})

export const TransactionalError: sts.Type<TransactionalError> = sts.closedEnum(() => {
    return  {
        LimitReached: sts.unit(),
        NoLayer: sts.unit(),
    }
})

export type TransactionalError = TransactionalError_LimitReached | TransactionalError_NoLayer

export interface TransactionalError_LimitReached {
    __kind: 'LimitReached'
}

export interface TransactionalError_NoLayer {
    __kind: 'NoLayer'
}

export const TokenError: sts.Type<TokenError> = sts.closedEnum(() => {
    return  {
        BelowMinimum: sts.unit(),
        Blocked: sts.unit(),
        CannotCreate: sts.unit(),
        CannotCreateHold: sts.unit(),
        Frozen: sts.unit(),
        FundsUnavailable: sts.unit(),
        NotExpendable: sts.unit(),
        OnlyProvider: sts.unit(),
        UnknownAsset: sts.unit(),
        Unsupported: sts.unit(),
    }
})

export type TokenError = TokenError_BelowMinimum | TokenError_Blocked | TokenError_CannotCreate | TokenError_CannotCreateHold | TokenError_Frozen | TokenError_FundsUnavailable | TokenError_NotExpendable | TokenError_OnlyProvider | TokenError_UnknownAsset | TokenError_Unsupported

export interface TokenError_BelowMinimum {
    __kind: 'BelowMinimum'
}

export interface TokenError_Blocked {
    __kind: 'Blocked'
}

export interface TokenError_CannotCreate {
    __kind: 'CannotCreate'
}

export interface TokenError_CannotCreateHold {
    __kind: 'CannotCreateHold'
}

export interface TokenError_Frozen {
    __kind: 'Frozen'
}

export interface TokenError_FundsUnavailable {
    __kind: 'FundsUnavailable'
}

export interface TokenError_NotExpendable {
    __kind: 'NotExpendable'
}

export interface TokenError_OnlyProvider {
    __kind: 'OnlyProvider'
}

export interface TokenError_UnknownAsset {
    __kind: 'UnknownAsset'
}

export interface TokenError_Unsupported {
    __kind: 'Unsupported'
}

export const ModuleError: sts.Type<ModuleError> = sts.struct(() => {
    return  {
        index: sts.number(),
        error: sts.bytes(),
    }
})

export interface ModuleError {
    index: number
    error: Bytes
}

export const ArithmeticError: sts.Type<ArithmeticError> = sts.closedEnum(() => {
    return  {
        DivisionByZero: sts.unit(),
        Overflow: sts.unit(),
        Underflow: sts.unit(),
    }
})

export type ArithmeticError = ArithmeticError_DivisionByZero | ArithmeticError_Overflow | ArithmeticError_Underflow

export interface ArithmeticError_DivisionByZero {
    __kind: 'DivisionByZero'
}

export interface ArithmeticError_Overflow {
    __kind: 'Overflow'
}

export interface ArithmeticError_Underflow {
    __kind: 'Underflow'
}

export type DispatchError = DispatchError_Arithmetic | DispatchError_BadOrigin | DispatchError_CannotLookup | DispatchError_ConsumerRemaining | DispatchError_Corruption | DispatchError_Exhausted | DispatchError_Module | DispatchError_NoProviders | DispatchError_Other | DispatchError_RootNotAllowed | DispatchError_Token | DispatchError_TooManyConsumers | DispatchError_Transactional | DispatchError_Unavailable

export interface DispatchError_Arithmetic {
    __kind: 'Arithmetic'
    value: ArithmeticError
}

export interface DispatchError_BadOrigin {
    __kind: 'BadOrigin'
}

export interface DispatchError_CannotLookup {
    __kind: 'CannotLookup'
}

export interface DispatchError_ConsumerRemaining {
    __kind: 'ConsumerRemaining'
}

export interface DispatchError_Corruption {
    __kind: 'Corruption'
}

export interface DispatchError_Exhausted {
    __kind: 'Exhausted'
}

export interface DispatchError_Module {
    __kind: 'Module'
    value: ModuleError
}

export interface DispatchError_NoProviders {
    __kind: 'NoProviders'
}

export interface DispatchError_Other {
    __kind: 'Other'
}

export interface DispatchError_RootNotAllowed {
    __kind: 'RootNotAllowed'
}

export interface DispatchError_Token {
    __kind: 'Token'
    value: TokenError
}

export interface DispatchError_TooManyConsumers {
    __kind: 'TooManyConsumers'
}

export interface DispatchError_Transactional {
    __kind: 'Transactional'
    value: TransactionalError
}

export interface DispatchError_Unavailable {
    __kind: 'Unavailable'
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

export const H160 = sts.bytes()

export const H256 = sts.bytes()

export const AccountId32 = sts.bytes()
