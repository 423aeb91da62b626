import {sts, EventType} from '../support.ts'
import * as v73100 from '../v73100.ts'

export const nodeCreated =  {
    name: 'DdcNodes.NodeCreated',
    v73100: new EventType(
        'DdcNodes.NodeCreated',
        sts.struct({
            nodePubKey: v73100.NodePubKey,
        })
    ),
}

export const nodeDeleted =  {
    name: 'DdcNodes.NodeDeleted',
    v73100: new EventType(
        'DdcNodes.NodeDeleted',
        sts.struct({
            nodePubKey: v73100.NodePubKey,
        })
    ),
}

export const nodeParamsChanged =  {
    name: 'DdcNodes.NodeParamsChanged',
    v73100: new EventType(
        'DdcNodes.NodeParamsChanged',
        sts.struct({
            nodePubKey: v73100.NodePubKey,
        })
    ),
}
