import {sts, CallType} from '../support.ts'
import * as v71000 from '../v71000.ts'
import * as v73177 from '../v73177.ts'

export const createCluster =  {
    name: 'DdcClusters.create_cluster',
    v71000: new CallType(
        'DdcClusters.create_cluster',
        sts.struct({
            clusterId: v71000.H160,
            clusterReserveId: v71000.AccountId32,
            clusterParams: v71000.ClusterParams,
            initialProtocolParams: v71000.ClusterProtocolParams,
        })
    ),
    v73177: new CallType(
        'DdcClusters.create_cluster',
        sts.struct({
            clusterId: v73177.H160,
            clusterReserveId: v73177.AccountId32,
            clusterParams: v73177.ClusterParams,
            initialProtocolParams: v73177.ClusterProtocolParams,
        })
    ),
}

export const addNode =  {
    name: 'DdcClusters.add_node',
    v71000: new CallType(
        'DdcClusters.add_node',
        sts.struct({
            clusterId: v71000.H160,
            nodePubKey: v71000.NodePubKey,
            nodeKind: v71000.ClusterNodeKind,
        })
    ),
}

export const removeNode =  {
    name: 'DdcClusters.remove_node',
    v71000: new CallType(
        'DdcClusters.remove_node',
        sts.struct({
            clusterId: v71000.H160,
            nodePubKey: v71000.NodePubKey,
        })
    ),
}

export const setClusterParams =  {
    name: 'DdcClusters.set_cluster_params',
    v71000: new CallType(
        'DdcClusters.set_cluster_params',
        sts.struct({
            clusterId: v71000.H160,
            clusterParams: v71000.ClusterParams,
        })
    ),
}

export const validateNode =  {
    name: 'DdcClusters.validate_node',
    v71000: new CallType(
        'DdcClusters.validate_node',
        sts.struct({
            clusterId: v71000.H160,
            nodePubKey: v71000.NodePubKey,
            succeeded: sts.boolean(),
        })
    ),
}
