import {sts, EventType} from '../support.ts'
import * as v71000 from '../v71000.ts'

export const nodeCreated =  {
    name: 'DdcNodes.NodeCreated',
    v71000: new EventType(
        'DdcNodes.NodeCreated',
        sts.struct({
            nodePubKey: v71000.NodePubKey,
        })
    ),
}

export const nodeDeleted =  {
    name: 'DdcNodes.NodeDeleted',
    v71000: new EventType(
        'DdcNodes.NodeDeleted',
        sts.struct({
            nodePubKey: v71000.NodePubKey,
        })
    ),
}

export const nodeParamsChanged =  {
    name: 'DdcNodes.NodeParamsChanged',
    v71000: new EventType(
        'DdcNodes.NodeParamsChanged',
        sts.struct({
            nodePubKey: v71000.NodePubKey,
        })
    ),
}

export const nodeTotalUsageUpdated =  {
    name: 'DdcNodes.NodeTotalUsageUpdated',
    v71000: new EventType(
        'DdcNodes.NodeTotalUsageUpdated',
        sts.struct({
            nodePubKey: v71000.NodePubKey,
            transferredBytes: sts.bigint(),
            storedBytes: sts.bigint(),
            numberOfPuts: sts.bigint(),
            numberOfGets: sts.bigint(),
        })
    ),
}
