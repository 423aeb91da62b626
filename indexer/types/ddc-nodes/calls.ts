import {sts, CallType} from '../support.ts'
import * as v71000 from '../v71000.ts'
import * as v73047 from '../v73047.ts'

export const createNode =  {
    name: 'DdcNodes.create_node',
    v71000: new CallType(
        'DdcNodes.create_node',
        sts.struct({
            nodePubKey: v71000.NodePubKey,
            nodeParams: v71000.NodeParams,
        })
    ),
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
    v71000: new CallType(
        'DdcNodes.delete_node',
        sts.struct({
            nodePubKey: v71000.NodePubKey,
        })
    ),
}

export const setNodeParams =  {
    name: 'DdcNodes.set_node_params',
    v71000: new CallType(
        'DdcNodes.set_node_params',
        sts.struct({
            nodePubKey: v71000.NodePubKey,
            nodeParams: v71000.NodeParams,
        })
    ),
    v73047: new CallType(
        'DdcNodes.set_node_params',
        sts.struct({
            nodePubKey: v73047.NodePubKey,
            nodeParams: v73047.NodeParams,
        })
    ),
}
