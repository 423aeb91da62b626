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
    costPerMbStored: bigint
    costPerMbStreamed: bigint
    costPerPutRequest: bigint
    costPerGetRequest: bigint
    costPerGpuUnit: bigint
    costPerCpuUnit: bigint
    costPerRamUnit: bigint
    customerDepositContract: AccountId32
}

export type AccountId32 = Bytes

export type Perquintill = bigint

export const ClusterProtocolParams: sts.Type<ClusterProtocolParams> = sts.struct(() => {
    return  {
        treasuryShare: Perquintill,
        validatorsShare: Perquintill,
        clusterReserveShare: Perquintill,
        storageBondSize: sts.bigint(),
        storageChillDelay: sts.number(),
        storageUnbondingDelay: sts.number(),
        costPerMbStored: sts.bigint(),
        costPerMbStreamed: sts.bigint(),
        costPerPutRequest: sts.bigint(),
        costPerGetRequest: sts.bigint(),
        costPerGpuUnit: sts.bigint(),
        costPerCpuUnit: sts.bigint(),
        costPerRamUnit: sts.bigint(),
        customerDepositContract: AccountId32,
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

export const AccountId32 = sts.bytes()

export const H160 = sts.bytes()
