import {sts, CallType} from '../support.ts'
import * as v73100 from '../v73100.ts'

export const createNode =  {
    name: 'DdcNodes.create_node',
    v73100: new CallType(
        'DdcNodes.create_node',
        sts.struct({
            nodePubKey: v73100.NodePubKey,
            nodeParams: v73100.NodeParams,
        })
    ),
}

export const deleteNode =  {
    name: 'DdcNodes.delete_node',
    v73100: new CallType(
        'DdcNodes.delete_node',
        sts.struct({
            nodePubKey: v73100.NodePubKey,
        })
    ),
}

export const setNodeParams =  {
    name: 'DdcNodes.set_node_params',
    v73100: new CallType(
        'DdcNodes.set_node_params',
        sts.struct({
            nodePubKey: v73100.NodePubKey,
            nodeParams: v73100.NodeParams,
        })
    ),
}
