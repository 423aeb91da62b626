import {sts, EventType} from '../support.ts'
import * as v73047 from '../v73047.ts'

export const nodeCreated =  {
    name: 'DdcNodes.NodeCreated',
    v73047: new EventType(
        'DdcNodes.NodeCreated',
        sts.struct({
            nodePubKey: v73047.NodePubKey,
        })
    ),
}

export const nodeDeleted =  {
    name: 'DdcNodes.NodeDeleted',
    v73047: new EventType(
        'DdcNodes.NodeDeleted',
        sts.struct({
            nodePubKey: v73047.NodePubKey,
        })
    ),
}

export const nodeParamsChanged =  {
    name: 'DdcNodes.NodeParamsChanged',
    v73047: new EventType(
        'DdcNodes.NodeParamsChanged',
        sts.struct({
            nodePubKey: v73047.NodePubKey,
        })
    ),
}
