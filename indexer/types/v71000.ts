import {sts} from './support.ts'
import type {Bytes} from './support.ts'

export type AccountId32 = Bytes

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

export const OCWError: sts.Type<OCWError> = sts.closedEnum(() => {
    return  {
        BatchIndexConversionFailed: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        BeginBillingReportTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        BeginChargingCustomersTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        BeginRewardingProvidersTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        BillingReportDoesNotExist: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        BucketAggregateRetrievalError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
            bucketId: sts.bigint(),
            nodePubKey: NodePubKey,
        }),
        BucketAggregatesRetrievalError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
            nodePubKey: NodePubKey,
        }),
        ChallengeResponseRetrievalError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
            aggregateKey: AggregateKey,
            aggregator: NodePubKey,
        }),
        CommitBillingFingerprintTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
            payersRoot: H256,
            payeesRoot: H256,
        }),
        EmptyConsistentGroup: sts.unit(),
        EmptyCustomerActivity: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        EndBillingReportTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        EndChargingCustomersTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        EndRewardingProvidersTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        EraRetrievalError: sts.enumStruct({
            clusterId: H160,
            nodePubKey: sts.option(() => NodePubKey),
        }),
        FailedToCollectVerificationKey: sts.unit(),
        FailedToCreateMerkleProof: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        FailedToCreateMerkleRoot: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
        }),
        FailedToFetchClusterNodes: sts.unit(),
        FailedToFetchDacNodes: sts.unit(),
        FailedToFetchNodeProvider: sts.unit(),
        FailedToFetchNodeTotalUsage: sts.enumStruct({
            clusterId: H160,
            nodePubKey: NodePubKey,
        }),
        FailedToFetchVerificationKey: sts.unit(),
        FailedToFetchVerifiedDeltaUsage: sts.unit(),
        FailedToFetchVerifiedPayableUsage: sts.unit(),
        NoAvailableSigner: sts.unit(),
        NodeUsageRetrievalError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
            nodePubKey: NodePubKey,
        }),
        NotEnoughDACNodes: sts.enumStruct({
            numNodes: sts.number(),
        }),
        PrepareEraTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
            payersMerkleRootHash: H256,
            payeesMerkleRootHash: H256,
        }),
        SendChargingCustomersBatchTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
            batchIndex: sts.number(),
        }),
        SendRewardingProvidersBatchTransactionError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
            batchIndex: sts.number(),
        }),
        TraverseResponseRetrievalError: sts.enumStruct({
            clusterId: H160,
            eraId: sts.number(),
            aggregateKey: AggregateKey,
            aggregator: NodePubKey,
        }),
    }
})

export type OCWError = OCWError_BatchIndexConversionFailed | OCWError_BeginBillingReportTransactionError | OCWError_BeginChargingCustomersTransactionError | OCWError_BeginRewardingProvidersTransactionError | OCWError_BillingReportDoesNotExist | OCWError_BucketAggregateRetrievalError | OCWError_BucketAggregatesRetrievalError | OCWError_ChallengeResponseRetrievalError | OCWError_CommitBillingFingerprintTransactionError | OCWError_EmptyConsistentGroup | OCWError_EmptyCustomerActivity | OCWError_EndBillingReportTransactionError | OCWError_EndChargingCustomersTransactionError | OCWError_EndRewardingProvidersTransactionError | OCWError_EraRetrievalError | OCWError_FailedToCollectVerificationKey | OCWError_FailedToCreateMerkleProof | OCWError_FailedToCreateMerkleRoot | OCWError_FailedToFetchClusterNodes | OCWError_FailedToFetchDacNodes | OCWError_FailedToFetchNodeProvider | OCWError_FailedToFetchNodeTotalUsage | OCWError_FailedToFetchVerificationKey | OCWError_FailedToFetchVerifiedDeltaUsage | OCWError_FailedToFetchVerifiedPayableUsage | OCWError_NoAvailableSigner | OCWError_NodeUsageRetrievalError | OCWError_NotEnoughDACNodes | OCWError_PrepareEraTransactionError | OCWError_SendChargingCustomersBatchTransactionError | OCWError_SendRewardingProvidersBatchTransactionError | OCWError_TraverseResponseRetrievalError

export interface OCWError_BatchIndexConversionFailed {
    __kind: 'BatchIndexConversionFailed'
    clusterId: H160
    eraId: number
}

export interface OCWError_BeginBillingReportTransactionError {
    __kind: 'BeginBillingReportTransactionError'
    clusterId: H160
    eraId: number
}

export interface OCWError_BeginChargingCustomersTransactionError {
    __kind: 'BeginChargingCustomersTransactionError'
    clusterId: H160
    eraId: number
}

export interface OCWError_BeginRewardingProvidersTransactionError {
    __kind: 'BeginRewardingProvidersTransactionError'
    clusterId: H160
    eraId: number
}

export interface OCWError_BillingReportDoesNotExist {
    __kind: 'BillingReportDoesNotExist'
    clusterId: H160
    eraId: number
}

export interface OCWError_BucketAggregateRetrievalError {
    __kind: 'BucketAggregateRetrievalError'
    clusterId: H160
    eraId: number
    bucketId: bigint
    nodePubKey: NodePubKey
}

export interface OCWError_BucketAggregatesRetrievalError {
    __kind: 'BucketAggregatesRetrievalError'
    clusterId: H160
    eraId: number
    nodePubKey: NodePubKey
}

export interface OCWError_ChallengeResponseRetrievalError {
    __kind: 'ChallengeResponseRetrievalError'
    clusterId: H160
    eraId: number
    aggregateKey: AggregateKey
    aggregator: NodePubKey
}

export interface OCWError_CommitBillingFingerprintTransactionError {
    __kind: 'CommitBillingFingerprintTransactionError'
    clusterId: H160
    eraId: number
    payersRoot: H256
    payeesRoot: H256
}

export interface OCWError_EmptyConsistentGroup {
    __kind: 'EmptyConsistentGroup'
}

export interface OCWError_EmptyCustomerActivity {
    __kind: 'EmptyCustomerActivity'
    clusterId: H160
    eraId: number
}

export interface OCWError_EndBillingReportTransactionError {
    __kind: 'EndBillingReportTransactionError'
    clusterId: H160
    eraId: number
}

export interface OCWError_EndChargingCustomersTransactionError {
    __kind: 'EndChargingCustomersTransactionError'
    clusterId: H160
    eraId: number
}

export interface OCWError_EndRewardingProvidersTransactionError {
    __kind: 'EndRewardingProvidersTransactionError'
    clusterId: H160
    eraId: number
}

export interface OCWError_EraRetrievalError {
    __kind: 'EraRetrievalError'
    clusterId: H160
    nodePubKey?: (NodePubKey | undefined)
}

export interface OCWError_FailedToCollectVerificationKey {
    __kind: 'FailedToCollectVerificationKey'
}

export interface OCWError_FailedToCreateMerkleProof {
    __kind: 'FailedToCreateMerkleProof'
    clusterId: H160
    eraId: number
}

export interface OCWError_FailedToCreateMerkleRoot {
    __kind: 'FailedToCreateMerkleRoot'
    clusterId: H160
    eraId: number
}

export interface OCWError_FailedToFetchClusterNodes {
    __kind: 'FailedToFetchClusterNodes'
}

export interface OCWError_FailedToFetchDacNodes {
    __kind: 'FailedToFetchDacNodes'
}

export interface OCWError_FailedToFetchNodeProvider {
    __kind: 'FailedToFetchNodeProvider'
}

export interface OCWError_FailedToFetchNodeTotalUsage {
    __kind: 'FailedToFetchNodeTotalUsage'
    clusterId: H160
    nodePubKey: NodePubKey
}

export interface OCWError_FailedToFetchVerificationKey {
    __kind: 'FailedToFetchVerificationKey'
}

export interface OCWError_FailedToFetchVerifiedDeltaUsage {
    __kind: 'FailedToFetchVerifiedDeltaUsage'
}

export interface OCWError_FailedToFetchVerifiedPayableUsage {
    __kind: 'FailedToFetchVerifiedPayableUsage'
}

export interface OCWError_NoAvailableSigner {
    __kind: 'NoAvailableSigner'
}

export interface OCWError_NodeUsageRetrievalError {
    __kind: 'NodeUsageRetrievalError'
    clusterId: H160
    eraId: number
    nodePubKey: NodePubKey
}

export interface OCWError_NotEnoughDACNodes {
    __kind: 'NotEnoughDACNodes'
    numNodes: number
}

export interface OCWError_PrepareEraTransactionError {
    __kind: 'PrepareEraTransactionError'
    clusterId: H160
    eraId: number
    payersMerkleRootHash: H256
    payeesMerkleRootHash: H256
}

export interface OCWError_SendChargingCustomersBatchTransactionError {
    __kind: 'SendChargingCustomersBatchTransactionError'
    clusterId: H160
    eraId: number
    batchIndex: number
}

export interface OCWError_SendRewardingProvidersBatchTransactionError {
    __kind: 'SendRewardingProvidersBatchTransactionError'
    clusterId: H160
    eraId: number
    batchIndex: number
}

export interface OCWError_TraverseResponseRetrievalError {
    __kind: 'TraverseResponseRetrievalError'
    clusterId: H160
    eraId: number
    aggregateKey: AggregateKey
    aggregator: NodePubKey
}

export type H256 = Bytes

export type AggregateKey = AggregateKey_BucketSubAggregateKey | AggregateKey_NodeAggregateKey

export interface AggregateKey_BucketSubAggregateKey {
    __kind: 'BucketSubAggregateKey'
    value: [bigint, string]
}

export interface AggregateKey_NodeAggregateKey {
    __kind: 'NodeAggregateKey'
    value: string
}

export type NodePubKey = NodePubKey_StoragePubKey

export interface NodePubKey_StoragePubKey {
    __kind: 'StoragePubKey'
    value: AccountId32
}

export const MMRProof: sts.Type<MMRProof> = sts.struct(() => {
    return  {
        proof: sts.array(() => H256),
    }
})

export interface MMRProof {
    proof: H256[]
}

export const BucketUsage: sts.Type<BucketUsage> = sts.struct(() => {
    return  {
        transferredBytes: sts.bigint(),
        storedBytes: sts.bigint(),
        numberOfPuts: sts.bigint(),
        numberOfGets: sts.bigint(),
    }
})

export interface BucketUsage {
    transferredBytes: bigint
    storedBytes: bigint
    numberOfPuts: bigint
    numberOfGets: bigint
}

export const NodeUsage: sts.Type<NodeUsage> = sts.struct(() => {
    return  {
        transferredBytes: sts.bigint(),
        storedBytes: sts.bigint(),
        numberOfPuts: sts.bigint(),
        numberOfGets: sts.bigint(),
    }
})

export interface NodeUsage {
    transferredBytes: bigint
    storedBytes: bigint
    numberOfPuts: bigint
    numberOfGets: bigint
}

export const EraActivity: sts.Type<EraActivity> = sts.struct(() => {
    return  {
        id: sts.number(),
        start: sts.bigint(),
        end: sts.bigint(),
    }
})

export interface EraActivity {
    id: number
    start: bigint
    end: bigint
}

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
        DAC: sts.unit(),
        Full: sts.unit(),
        Storage: sts.unit(),
    }
})

export type StorageNodeMode = StorageNodeMode_Cache | StorageNodeMode_DAC | StorageNodeMode_Full | StorageNodeMode_Storage

export interface StorageNodeMode_Cache {
    __kind: 'Cache'
}

export interface StorageNodeMode_DAC {
    __kind: 'DAC'
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

export const AggregateKey: sts.Type<AggregateKey> = sts.closedEnum(() => {
    return  {
        BucketSubAggregateKey: sts.tuple(() => [sts.bigint(), sts.string()]),
        NodeAggregateKey: sts.string(),
    }
})

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

export const H160 = sts.bytes()

export const H256 = sts.bytes()

export const AccountId32 = sts.bytes()
