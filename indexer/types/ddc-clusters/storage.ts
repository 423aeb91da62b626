import {StorageType} from '../support.ts'
import type {Block, RuntimeCtx} from '../support.ts'
import * as v73047 from '../v73047.ts'
import * as v73177 from '../v73177.ts'

export const clustersGovParams =  {
    v73047: new StorageType('DdcClusters.ClustersGovParams', 'Optional', [v73047.H160], v73047.ClusterProtocolParams) as ClustersGovParamsV73047,
    v73177: new StorageType('DdcClusters.ClustersGovParams', 'Optional', [v73177.H160], v73177.ClusterProtocolParams) as ClustersGovParamsV73177,
}

export interface ClustersGovParamsV73047  {
    is(block: RuntimeCtx): boolean
    get(block: Block, key: v73047.H160): Promise<(v73047.ClusterProtocolParams | undefined)>
    getMany(block: Block, keys: v73047.H160[]): Promise<(v73047.ClusterProtocolParams | undefined)[]>
    getKeys(block: Block): Promise<v73047.H160[]>
    getKeys(block: Block, key: v73047.H160): Promise<v73047.H160[]>
    getKeysPaged(pageSize: number, block: Block): AsyncIterable<v73047.H160[]>
    getKeysPaged(pageSize: number, block: Block, key: v73047.H160): AsyncIterable<v73047.H160[]>
    getPairs(block: Block): Promise<[k: v73047.H160, v: (v73047.ClusterProtocolParams | undefined)][]>
    getPairs(block: Block, key: v73047.H160): Promise<[k: v73047.H160, v: (v73047.ClusterProtocolParams | undefined)][]>
    getPairsPaged(pageSize: number, block: Block): AsyncIterable<[k: v73047.H160, v: (v73047.ClusterProtocolParams | undefined)][]>
    getPairsPaged(pageSize: number, block: Block, key: v73047.H160): AsyncIterable<[k: v73047.H160, v: (v73047.ClusterProtocolParams | undefined)][]>
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
