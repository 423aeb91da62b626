import {sts, EventType} from '../support.ts'
import * as v73047 from '../v73047.ts'

export const remarked =  {
    name: 'System.Remarked',
    /**
     * On on-chain remark happened.
     */
    v73047: new EventType(
        'System.Remarked',
        sts.struct({
            sender: v73047.AccountId32,
            hash: v73047.H256,
        })
    ),
}
