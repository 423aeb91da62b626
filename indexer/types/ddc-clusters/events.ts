import {sts, EventType} from '../support.ts'
import * as v73047 from '../v73047.ts'

export const clusterCreated =  {
    name: 'DdcClusters.ClusterCreated',
    v73047: new EventType(
        'DdcClusters.ClusterCreated',
        sts.struct({
            clusterId: v73047.H160,
        })
    ),
}

export const clusterNodeAdded =  {
    name: 'DdcClusters.ClusterNodeAdded',
    v73047: new EventType(
        'DdcClusters.ClusterNodeAdded',
        sts.struct({
            clusterId: v73047.H160,
            nodePubKey: v73047.NodePubKey,
        })
    ),
}

export const clusterNodeRemoved =  {
    name: 'DdcClusters.ClusterNodeRemoved',
    v73047: new EventType(
        'DdcClusters.ClusterNodeRemoved',
        sts.struct({
            clusterId: v73047.H160,
            nodePubKey: v73047.NodePubKey,
        })
    ),
}

export const clusterParamsSet =  {
    name: 'DdcClusters.ClusterParamsSet',
    v73047: new EventType(
        'DdcClusters.ClusterParamsSet',
        sts.struct({
            clusterId: v73047.H160,
        })
    ),
}

export const clusterProtocolParamsSet =  {
    name: 'DdcClusters.ClusterProtocolParamsSet',
    v73047: new EventType(
        'DdcClusters.ClusterProtocolParamsSet',
        sts.struct({
            clusterId: v73047.H160,
        })
    ),
}

export const clusterActivated =  {
    name: 'DdcClusters.ClusterActivated',
    v73047: new EventType(
        'DdcClusters.ClusterActivated',
        sts.struct({
            clusterId: v73047.H160,
        })
    ),
}

export const clusterBonded =  {
    name: 'DdcClusters.ClusterBonded',
    v73047: new EventType(
        'DdcClusters.ClusterBonded',
        sts.struct({
            clusterId: v73047.H160,
        })
    ),
}

export const clusterUnbonding =  {
    name: 'DdcClusters.ClusterUnbonding',
    v73047: new EventType(
        'DdcClusters.ClusterUnbonding',
        sts.struct({
            clusterId: v73047.H160,
        })
    ),
}

export const clusterUnbonded =  {
    name: 'DdcClusters.ClusterUnbonded',
    v73047: new EventType(
        'DdcClusters.ClusterUnbonded',
        sts.struct({
            clusterId: v73047.H160,
        })
    ),
}

export const clusterNodeValidated =  {
    name: 'DdcClusters.ClusterNodeValidated',
    v73047: new EventType(
        'DdcClusters.ClusterNodeValidated',
        sts.struct({
            clusterId: v73047.H160,
            nodePubKey: v73047.NodePubKey,
            succeeded: sts.boolean(),
        })
    ),
}

export const clusterEraPaid =  {
    name: 'DdcClusters.ClusterEraPaid',
    v73047: new EventType(
        'DdcClusters.ClusterEraPaid',
        sts.struct({
            clusterId: v73047.H160,
            eraId: sts.number(),
        })
    ),
}
