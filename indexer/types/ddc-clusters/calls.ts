import {sts, CallType} from '../support.ts'
import * as v73100 from '../v73100.ts'

export const createCluster =  {
    name: 'DdcClusters.create_cluster',
    v73100: new CallType(
        'DdcClusters.create_cluster',
        sts.struct({
            clusterId: v73100.H160,
            clusterManagerId: v73100.AccountId32,
            clusterReserveId: v73100.AccountId32,
            clusterParams: v73100.ClusterParams,
            initialProtocolParams: v73100.ClusterProtocolParams,
        })
    ),
}

export const addNode =  {
    name: 'DdcClusters.add_node',
    v73100: new CallType(
        'DdcClusters.add_node',
        sts.struct({
            clusterId: v73100.H160,
            nodePubKey: v73100.NodePubKey,
            nodeKind: v73100.ClusterNodeKind,
        })
    ),
}

export const removeNode =  {
    name: 'DdcClusters.remove_node',
    v73100: new CallType(
        'DdcClusters.remove_node',
        sts.struct({
            clusterId: v73100.H160,
            nodePubKey: v73100.NodePubKey,
        })
    ),
}

export const setClusterParams =  {
    name: 'DdcClusters.set_cluster_params',
    v73100: new CallType(
        'DdcClusters.set_cluster_params',
        sts.struct({
            clusterId: v73100.H160,
            clusterParams: v73100.ClusterParams,
        })
    ),
}

export const validateNode =  {
    name: 'DdcClusters.validate_node',
    v73100: new CallType(
        'DdcClusters.validate_node',
        sts.struct({
            clusterId: v73100.H160,
            nodePubKey: v73100.NodePubKey,
            succeeded: sts.boolean(),
        })
    ),
}
