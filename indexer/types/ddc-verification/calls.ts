import {sts, CallType} from '../support.ts'
import * as v71000 from '../v71000.ts'
import * as v73047 from '../v73047.ts'

export const setPrepareEraForPayout =  {
    name: 'DdcVerification.set_prepare_era_for_payout',
    v71000: new CallType(
        'DdcVerification.set_prepare_era_for_payout',
        sts.struct({
            clusterId: v71000.H160,
            eraActivity: v71000.EraActivity,
            payersMerkleRootHash: v71000.H256,
            payeesMerkleRootHash: v71000.H256,
            payersBatchMerkleRootHashes: sts.array(() => v71000.H256),
            payeesBatchMerkleRootHashes: sts.array(() => v71000.H256),
        })
    ),
}

export const setValidatorKey =  {
    name: 'DdcVerification.set_validator_key',
    v71000: new CallType(
        'DdcVerification.set_validator_key',
        sts.struct({
            ddcValidatorPub: v71000.AccountId32,
        })
    ),
}

export const commitBillingFingerprint =  {
    name: 'DdcVerification.commit_billing_fingerprint',
    v71000: new CallType(
        'DdcVerification.commit_billing_fingerprint',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            startEra: sts.bigint(),
            endEra: sts.bigint(),
            payersRoot: v71000.H256,
            payeesRoot: v71000.H256,
            clusterUsage: v71000.NodeUsage,
        })
    ),
}

export const beginBillingReport =  {
    name: 'DdcVerification.begin_billing_report',
    v71000: new CallType(
        'DdcVerification.begin_billing_report',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            fingerprint: v71000.H256,
        })
    ),
}

export const beginChargingCustomers =  {
    name: 'DdcVerification.begin_charging_customers',
    v71000: new CallType(
        'DdcVerification.begin_charging_customers',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            maxBatchIndex: sts.number(),
        })
    ),
}

export const sendChargingCustomersBatch =  {
    name: 'DdcVerification.send_charging_customers_batch',
    v71000: new CallType(
        'DdcVerification.send_charging_customers_batch',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            batchIndex: sts.number(),
            payers: sts.array(() => sts.tuple(() => [sts.bigint(), v71000.BucketUsage])),
            batchProof: v71000.MMRProof,
        })
    ),
}

export const endChargingCustomers =  {
    name: 'DdcVerification.end_charging_customers',
    v71000: new CallType(
        'DdcVerification.end_charging_customers',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}

export const beginRewardingProviders =  {
    name: 'DdcVerification.begin_rewarding_providers',
    v71000: new CallType(
        'DdcVerification.begin_rewarding_providers',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            maxBatchIndex: sts.number(),
        })
    ),
}

export const sendRewardingProvidersBatch =  {
    name: 'DdcVerification.send_rewarding_providers_batch',
    v71000: new CallType(
        'DdcVerification.send_rewarding_providers_batch',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
            batchIndex: sts.number(),
            payees: sts.array(() => sts.tuple(() => [v71000.NodePubKey, v71000.NodeUsage])),
            batchProof: v71000.MMRProof,
        })
    ),
}

export const endRewardingProviders =  {
    name: 'DdcVerification.end_rewarding_providers',
    v71000: new CallType(
        'DdcVerification.end_rewarding_providers',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}

export const endBillingReport =  {
    name: 'DdcVerification.end_billing_report',
    v71000: new CallType(
        'DdcVerification.end_billing_report',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}

export const emitConsensusErrors =  {
    name: 'DdcVerification.emit_consensus_errors',
    v71000: new CallType(
        'DdcVerification.emit_consensus_errors',
        sts.struct({
            errors: sts.array(() => v71000.OCWError),
        })
    ),
}

export const setEraValidations =  {
    name: 'DdcVerification.set_era_validations',
    v71000: new CallType(
        'DdcVerification.set_era_validations',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}

export const skipDacValidationToEra =  {
    name: 'DdcVerification.skip_dac_validation_to_era',
    v71000: new CallType(
        'DdcVerification.skip_dac_validation_to_era',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}

export const forceSkipInspection =  {
    name: 'DdcVerification.force_skip_inspection',
    v73047: new CallType(
        'DdcVerification.force_skip_inspection',
        sts.struct({
            clusterId: v73047.H160,
            ehdId: sts.string(),
        })
    ),
}
