import {StorageType} from '../support.ts'
import type {Block, RuntimeCtx} from '../support.ts'
import * as v71000 from '../v71000.ts'
import * as v73177 from '../v73177.ts'

export const clustersGovParams =  {
    v71000: new StorageType('DdcClusters.ClustersGovParams', 'Optional', [v71000.H160], v71000.ClusterProtocolParams) as ClustersGovParamsV71000,
    v73177: new StorageType('DdcClusters.ClustersGovParams', 'Optional', [v73177.H160], v73177.ClusterProtocolParams) as ClustersGovParamsV73177,
}

export interface ClustersGovParamsV71000  {
    is(block: RuntimeCtx): boolean
    get(block: Block, key: v71000.H160): Promise<(v71000.ClusterProtocolParams | undefined)>
    getMany(block: Block, keys: v71000.H160[]): Promise<(v71000.ClusterProtocolParams | undefined)[]>
    getKeys(block: Block): Promise<v71000.H160[]>
    getKeys(block: Block, key: v71000.H160): Promise<v71000.H160[]>
    getKeysPaged(pageSize: number, block: Block): AsyncIterable<v71000.H160[]>
    getKeysPaged(pageSize: number, block: Block, key: v71000.H160): AsyncIterable<v71000.H160[]>
    getPairs(block: Block): Promise<[k: v71000.H160, v: (v71000.ClusterProtocolParams | undefined)][]>
    getPairs(block: Block, key: v71000.H160): Promise<[k: v71000.H160, v: (v71000.ClusterProtocolParams | undefined)][]>
    getPairsPaged(pageSize: number, block: Block): AsyncIterable<[k: v71000.H160, v: (v71000.ClusterProtocolParams | undefined)][]>
    getPairsPaged(pageSize: number, block: Block, key: v71000.H160): AsyncIterable<[k: v71000.H160, v: (v71000.ClusterProtocolParams | undefined)][]>
}

export interface ClustersGovParamsV73177  {
    is(block: RuntimeCtx): boolean
    get(block: Block, key: v73177.H160): Promise<(v73177.ClusterProtocolParams | undefined)>
    getMany(block: Block, keys: v73177.H160[]): Promise<(v73177.ClusterProtocolParams | undefined)[]>
    getKeys(block: Block): Promise<v73177.H160[]>
    getKeys(block: Block, key: v73177.H160): Promise<v73177.H160[]>
    getKeysPaged(pageSize: number, block: Block): AsyncIterable<v73177.H160[]>
    getKeysPaged(pageSize: number, block: Block, key: v73177.H160): AsyncIterable<v73177.H160[]>
    getPairs(block: Block): Promise<[k: v73177.H160, v: (v73177.ClusterProtocolParams | undefined)][]>
    getPairs(block: Block, key: v73177.H160): Promise<[k: v73177.H160, v: (v73177.ClusterProtocolParams | undefined)][]>
    getPairsPaged(pageSize: number, block: Block): AsyncIterable<[k: v73177.H160, v: (v73177.ClusterProtocolParams | undefined)][]>
    getPairsPaged(pageSize: number, block: Block, key: v73177.H160): AsyncIterable<[k: v73177.H160, v: (v73177.ClusterProtocolParams | undefined)][]>
}
