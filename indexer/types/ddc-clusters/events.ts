import {sts, EventType} from '../support.ts'
import * as v73100 from '../v73100.ts'

export const clusterCreated =  {
    name: 'DdcClusters.ClusterCreated',
    v73100: new EventType(
        'DdcClusters.ClusterCreated',
        sts.struct({
            clusterId: v73100.H160,
        })
    ),
}

export const clusterNodeAdded =  {
    name: 'DdcClusters.ClusterNodeAdded',
    v73100: new EventType(
        'DdcClusters.ClusterNodeAdded',
        sts.struct({
            clusterId: v73100.H160,
            nodePubKey: v73100.NodePubKey,
        })
    ),
}

export const clusterNodeRemoved =  {
    name: 'DdcClusters.ClusterNodeRemoved',
    v73100: new EventType(
        'DdcClusters.ClusterNodeRemoved',
        sts.struct({
            clusterId: v73100.H160,
            nodePubKey: v73100.NodePubKey,
        })
    ),
}

export const clusterParamsSet =  {
    name: 'DdcClusters.ClusterParamsSet',
    v73100: new EventType(
        'DdcClusters.ClusterParamsSet',
        sts.struct({
            clusterId: v73100.H160,
        })
    ),
}

export const clusterProtocolParamsSet =  {
    name: 'DdcClusters.ClusterProtocolParamsSet',
    v73100: new EventType(
        'DdcClusters.ClusterProtocolParamsSet',
        sts.struct({
            clusterId: v73100.H160,
        })
    ),
}

export const clusterActivated =  {
    name: 'DdcClusters.ClusterActivated',
    v73100: new EventType(
        'DdcClusters.ClusterActivated',
        sts.struct({
            clusterId: v73100.H160,
        })
    ),
}

export const clusterBonded =  {
    name: 'DdcClusters.ClusterBonded',
    v73100: new EventType(
        'DdcClusters.ClusterBonded',
        sts.struct({
            clusterId: v73100.H160,
        })
    ),
}

export const clusterUnbonding =  {
    name: 'DdcClusters.ClusterUnbonding',
    v73100: new EventType(
        'DdcClusters.ClusterUnbonding',
        sts.struct({
            clusterId: v73100.H160,
        })
    ),
}

export const clusterUnbonded =  {
    name: 'DdcClusters.ClusterUnbonded',
    v73100: new EventType(
        'DdcClusters.ClusterUnbonded',
        sts.struct({
            clusterId: v73100.H160,
        })
    ),
}

export const clusterNodeValidated =  {
    name: 'DdcClusters.ClusterNodeValidated',
    v73100: new EventType(
        'DdcClusters.ClusterNodeValidated',
        sts.struct({
            clusterId: v73100.H160,
            nodePubKey: v73100.NodePubKey,
            succeeded: sts.boolean(),
        })
    ),
}

export const clusterEraPaid =  {
    name: 'DdcClusters.ClusterEraPaid',
    v73100: new EventType(
        'DdcClusters.ClusterEraPaid',
        sts.struct({
            clusterId: v73100.H160,
            eraId: sts.number(),
        })
    ),
}
