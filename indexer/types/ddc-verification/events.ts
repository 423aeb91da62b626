import {sts, EventType} from '../support.ts'
import * as v71000 from '../v71000.ts'
import * as v73047 from '../v73047.ts'

export const billingReportCreated =  {
    name: 'DdcVerification.BillingReportCreated',
    v71000: new EventType(
        'DdcVerification.BillingReportCreated',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}

export const verificationKeyStored =  {
    name: 'DdcVerification.VerificationKeyStored',
    v71000: new EventType(
        'DdcVerification.VerificationKeyStored',
        sts.struct({
            verificationKey: sts.bytes(),
        })
    ),
}

export const payoutBatchCreated =  {
    name: 'DdcVerification.PayoutBatchCreated',
    v71000: new EventType(
        'DdcVerification.PayoutBatchCreated',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}

export const eraValidationReady =  {
    name: 'DdcVerification.EraValidationReady',
    v71000: new EventType(
        'DdcVerification.EraValidationReady',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}

export const eraValidationNotReady =  {
    name: 'DdcVerification.EraValidationNotReady',
    v71000: new EventType(
        'DdcVerification.EraValidationNotReady',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}

export const nodeUsageRetrievalError =  {
    name: 'DdcVerification.NodeUsageRetrievalError',
    v71000: new EventType(
        'DdcVerification.NodeUsageRetrievalError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            nodePubKey: v71000.NodePubKey,
            validator: v71000.AccountId32,
        })
    ),
}

export const bucketAggregatesRetrievalError =  {
    name: 'DdcVerification.BucketAggregatesRetrievalError',
    v71000: new EventType(
        'DdcVerification.BucketAggregatesRetrievalError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            nodePubKey: v71000.NodePubKey,
            validator: v71000.AccountId32,
        })
    ),
}

export const eraRetrievalError =  {
    name: 'DdcVerification.EraRetrievalError',
    v71000: new EventType(
        'DdcVerification.EraRetrievalError',
        sts.struct({
            clusterId: v71000.H160,
            nodePubKey: sts.option(() => v71000.NodePubKey),
            validator: v71000.AccountId32,
        })
    ),
}

export const prepareEraTransactionError =  {
    name: 'DdcVerification.PrepareEraTransactionError',
    v71000: new EventType(
        'DdcVerification.PrepareEraTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            payersMerkleRootHash: v71000.H256,
            payeesMerkleRootHash: v71000.H256,
            validator: v71000.AccountId32,
        })
    ),
}

export const commitBillingFingerprintTransactionError =  {
    name: 'DdcVerification.CommitBillingFingerprintTransactionError',
    v71000: new EventType(
        'DdcVerification.CommitBillingFingerprintTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            payersRoot: v71000.H256,
            payeesRoot: v71000.H256,
            validator: v71000.AccountId32,
        })
    ),
}

export const beginBillingReportTransactionError =  {
    name: 'DdcVerification.BeginBillingReportTransactionError',
    v71000: new EventType(
        'DdcVerification.BeginBillingReportTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const beginChargingCustomersTransactionError =  {
    name: 'DdcVerification.BeginChargingCustomersTransactionError',
    v71000: new EventType(
        'DdcVerification.BeginChargingCustomersTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const sendChargingCustomersBatchTransactionError =  {
    name: 'DdcVerification.SendChargingCustomersBatchTransactionError',
    v71000: new EventType(
        'DdcVerification.SendChargingCustomersBatchTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            batchIndex: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const sendRewardingProvidersBatchTransactionError =  {
    name: 'DdcVerification.SendRewardingProvidersBatchTransactionError',
    v71000: new EventType(
        'DdcVerification.SendRewardingProvidersBatchTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            batchIndex: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const endChargingCustomersTransactionError =  {
    name: 'DdcVerification.EndChargingCustomersTransactionError',
    v71000: new EventType(
        'DdcVerification.EndChargingCustomersTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const beginRewardingProvidersTransactionError =  {
    name: 'DdcVerification.BeginRewardingProvidersTransactionError',
    v71000: new EventType(
        'DdcVerification.BeginRewardingProvidersTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const endRewardingProvidersTransactionError =  {
    name: 'DdcVerification.EndRewardingProvidersTransactionError',
    v71000: new EventType(
        'DdcVerification.EndRewardingProvidersTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const endBillingReportTransactionError =  {
    name: 'DdcVerification.EndBillingReportTransactionError',
    v71000: new EventType(
        'DdcVerification.EndBillingReportTransactionError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const billingReportDoesNotExist =  {
    name: 'DdcVerification.BillingReportDoesNotExist',
    v71000: new EventType(
        'DdcVerification.BillingReportDoesNotExist',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const emptyCustomerActivity =  {
    name: 'DdcVerification.EmptyCustomerActivity',
    v71000: new EventType(
        'DdcVerification.EmptyCustomerActivity',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const batchIndexConversionFailed =  {
    name: 'DdcVerification.BatchIndexConversionFailed',
    v71000: new EventType(
        'DdcVerification.BatchIndexConversionFailed',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const noAvailableSigner =  {
    name: 'DdcVerification.NoAvailableSigner',
    v71000: new EventType(
        'DdcVerification.NoAvailableSigner',
        sts.struct({
            validator: v71000.AccountId32,
        })
    ),
}

export const notEnoughDacNodes =  {
    name: 'DdcVerification.NotEnoughDACNodes',
    v71000: new EventType(
        'DdcVerification.NotEnoughDACNodes',
        sts.struct({
            numNodes: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const failedToCreateMerkleRoot =  {
    name: 'DdcVerification.FailedToCreateMerkleRoot',
    v71000: new EventType(
        'DdcVerification.FailedToCreateMerkleRoot',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const failedToCreateMerkleProof =  {
    name: 'DdcVerification.FailedToCreateMerkleProof',
    v71000: new EventType(
        'DdcVerification.FailedToCreateMerkleProof',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
        })
    ),
}

export const failedToCollectVerificationKey =  {
    name: 'DdcVerification.FailedToCollectVerificationKey',
    v71000: new EventType(
        'DdcVerification.FailedToCollectVerificationKey',
        sts.struct({
            validator: v71000.AccountId32,
        })
    ),
}

export const failedToFetchVerificationKey =  {
    name: 'DdcVerification.FailedToFetchVerificationKey',
    v71000: new EventType(
        'DdcVerification.FailedToFetchVerificationKey',
        sts.struct({
            validator: v71000.AccountId32,
        })
    ),
}

export const failedToFetchNodeProvider =  {
    name: 'DdcVerification.FailedToFetchNodeProvider',
    v71000: new EventType(
        'DdcVerification.FailedToFetchNodeProvider',
        sts.struct({
            validator: v71000.AccountId32,
        })
    ),
}

export const validatorKeySet =  {
    name: 'DdcVerification.ValidatorKeySet',
    v71000: new EventType(
        'DdcVerification.ValidatorKeySet',
        sts.struct({
            validator: v71000.AccountId32,
        })
    ),
}

export const failedToFetchClusterNodes =  {
    name: 'DdcVerification.FailedToFetchClusterNodes',
    v71000: new EventType(
        'DdcVerification.FailedToFetchClusterNodes',
        sts.struct({
            validator: v71000.AccountId32,
        })
    ),
}

export const failedToFetchDacNodes =  {
    name: 'DdcVerification.FailedToFetchDacNodes',
    v71000: new EventType(
        'DdcVerification.FailedToFetchDacNodes',
        sts.struct({
            validator: v71000.AccountId32,
        })
    ),
}

export const failedToFetchNodeTotalUsage =  {
    name: 'DdcVerification.FailedToFetchNodeTotalUsage',
    v71000: new EventType(
        'DdcVerification.FailedToFetchNodeTotalUsage',
        sts.struct({
            clusterId: v71000.H160,
            nodePubKey: v71000.NodePubKey,
            validator: v71000.AccountId32,
        })
    ),
}

export const eraValidationRootsPosted =  {
    name: 'DdcVerification.EraValidationRootsPosted',
    v71000: new EventType(
        'DdcVerification.EraValidationRootsPosted',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            validator: v71000.AccountId32,
            payersMerkleRootHash: v71000.H256,
            payeesMerkleRootHash: v71000.H256,
            payersBatchMerkleRootHashes: sts.array(() => v71000.H256),
            payeesBatchMerkleRootHashes: sts.array(() => v71000.H256),
        })
    ),
}

export const bucketAggregateRetrievalError =  {
    name: 'DdcVerification.BucketAggregateRetrievalError',
    v71000: new EventType(
        'DdcVerification.BucketAggregateRetrievalError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            bucketId: sts.bigint(),
            nodePubKey: v71000.NodePubKey,
            validator: v71000.AccountId32,
        })
    ),
}

export const challengeResponseRetrievalError =  {
    name: 'DdcVerification.ChallengeResponseRetrievalError',
    v71000: new EventType(
        'DdcVerification.ChallengeResponseRetrievalError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            aggregateKey: v71000.AggregateKey,
            aggregator: v71000.NodePubKey,
            validator: v71000.AccountId32,
        })
    ),
}

export const traverseResponseRetrievalError =  {
    name: 'DdcVerification.TraverseResponseRetrievalError',
    v71000: new EventType(
        'DdcVerification.TraverseResponseRetrievalError',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            aggregateKey: v71000.AggregateKey,
            aggregator: v71000.NodePubKey,
            validator: v71000.AccountId32,
        })
    ),
}

export const emptyConsistentGroup =  {
    name: 'DdcVerification.EmptyConsistentGroup',
    v71000: new EventType(
        'DdcVerification.EmptyConsistentGroup',
        sts.unit()
    ),
}

export const failedToFetchVerifiedDeltaUsage =  {
    name: 'DdcVerification.FailedToFetchVerifiedDeltaUsage',
    v71000: new EventType(
        'DdcVerification.FailedToFetchVerifiedDeltaUsage',
        sts.unit()
    ),
}

export const failedToFetchVerifiedPayableUsage =  {
    name: 'DdcVerification.FailedToFetchVerifiedPayableUsage',
    v71000: new EventType(
        'DdcVerification.FailedToFetchVerifiedPayableUsage',
        sts.unit()
    ),
}

export const validatorsSetUpdated =  {
    name: 'DdcVerification.ValidatorsSetUpdated',
    v73047: new EventType(
        'DdcVerification.ValidatorsSetUpdated',
        sts.struct({
            validators: sts.array(() => v73047.AccountId32),
        })
    ),
}
