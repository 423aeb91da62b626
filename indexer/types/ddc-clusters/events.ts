import {sts, EventType} from '../support.ts'
import * as v71000 from '../v71000.ts'

export const clusterCreated =  {
    name: 'DdcClusters.ClusterCreated',
    v71000: new EventType(
        'DdcClusters.ClusterCreated',
        sts.struct({
            clusterId: v71000.H160,
        })
    ),
}

export const clusterNodeAdded =  {
    name: 'DdcClusters.ClusterNodeAdded',
    v71000: new EventType(
        'DdcClusters.ClusterNodeAdded',
        sts.struct({
            clusterId: v71000.H160,
            nodePubKey: v71000.NodePubKey,
        })
    ),
}

export const clusterNodeRemoved =  {
    name: 'DdcClusters.ClusterNodeRemoved',
    v71000: new EventType(
        'DdcClusters.ClusterNodeRemoved',
        sts.struct({
            clusterId: v71000.H160,
            nodePubKey: v71000.NodePubKey,
        })
    ),
}

export const clusterParamsSet =  {
    name: 'DdcClusters.ClusterParamsSet',
    v71000: new EventType(
        'DdcClusters.ClusterParamsSet',
        sts.struct({
            clusterId: v71000.H160,
        })
    ),
}

export const clusterProtocolParamsSet =  {
    name: 'DdcClusters.ClusterProtocolParamsSet',
    v71000: new EventType(
        'DdcClusters.ClusterProtocolParamsSet',
        sts.struct({
            clusterId: v71000.H160,
        })
    ),
}

export const clusterActivated =  {
    name: 'DdcClusters.ClusterActivated',
    v71000: new EventType(
        'DdcClusters.ClusterActivated',
        sts.struct({
            clusterId: v71000.H160,
        })
    ),
}

export const clusterBonded =  {
    name: 'DdcClusters.ClusterBonded',
    v71000: new EventType(
        'DdcClusters.ClusterBonded',
        sts.struct({
            clusterId: v71000.H160,
        })
    ),
}

export const clusterUnbonding =  {
    name: 'DdcClusters.ClusterUnbonding',
    v71000: new EventType(
        'DdcClusters.ClusterUnbonding',
        sts.struct({
            clusterId: v71000.H160,
        })
    ),
}

export const clusterUnbonded =  {
    name: 'DdcClusters.ClusterUnbonded',
    v71000: new EventType(
        'DdcClusters.ClusterUnbonded',
        sts.struct({
            clusterId: v71000.H160,
        })
    ),
}

export const clusterNodeValidated =  {
    name: 'DdcClusters.ClusterNodeValidated',
    v71000: new EventType(
        'DdcClusters.ClusterNodeValidated',
        sts.struct({
            clusterId: v71000.H160,
            nodePubKey: v71000.NodePubKey,
            succeeded: sts.boolean(),
        })
    ),
}

export const clusterEraPaid =  {
    name: 'DdcClusters.ClusterEraPaid',
    v71000: new EventType(
        'DdcClusters.ClusterEraPaid',
        sts.struct({
            clusterId: v71000.H160,
            eraId: sts.number(),
        })
    ),
}
