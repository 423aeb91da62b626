import {sts, CallType} from '../support.ts'
import * as v73047 from '../v73047.ts'
import * as v73177 from '../v73177.ts'

export const createCluster =  {
    name: 'DdcClusters.create_cluster',
    v73047: new CallType(
        'DdcClusters.create_cluster',
        sts.struct({
            clusterId: v73047.H160,
            clusterReserveId: v73047.AccountId32,
            clusterParams: v73047.ClusterParams,
            initialProtocolParams: v73047.ClusterProtocolParams,
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
    v73047: new CallType(
        'DdcClusters.add_node',
        sts.struct({
            clusterId: v73047.H160,
            nodePubKey: v73047.NodePubKey,
            nodeKind: v73047.ClusterNodeKind,
        })
    ),
}

export const removeNode =  {
    name: 'DdcClusters.remove_node',
    v73047: new CallType(
        'DdcClusters.remove_node',
        sts.struct({
            clusterId: v73047.H160,
            nodePubKey: v73047.NodePubKey,
        })
    ),
}

export const setClusterParams =  {
    name: 'DdcClusters.set_cluster_params',
    v73047: new CallType(
        'DdcClusters.set_cluster_params',
        sts.struct({
            clusterId: v73047.H160,
            clusterParams: v73047.ClusterParams,
        })
    ),
}

export const validateNode =  {
    name: 'DdcClusters.validate_node',
    v73047: new CallType(
        'DdcClusters.validate_node',
        sts.struct({
            clusterId: v73047.H160,
            nodePubKey: v73047.NodePubKey,
            succeeded: sts.boolean(),
        })
    ),
}
