import {sts, CallType} from '../support.ts'
import * as v73047 from '../v73047.ts'

export const createNode =  {
    name: 'DdcNodes.create_node',
    v73047: new CallType(
        'DdcNodes.create_node',
        sts.struct({
            nodePubKey: v73047.NodePubKey,
            nodeParams: v73047.NodeParams,
        })
    ),
}

export const deleteNode =  {
    name: 'DdcNodes.delete_node',
    v73047: new CallType(
        'DdcNodes.delete_node',
        sts.struct({
            nodePubKey: v73047.NodePubKey,
        })
    ),
}

export const setNodeParams =  {
    name: 'DdcNodes.set_node_params',
    v73047: new CallType(
        'DdcNodes.set_node_params',
        sts.struct({
            nodePubKey: v73047.NodePubKey,
            nodeParams: v73047.NodeParams,
        })
    ),
}
