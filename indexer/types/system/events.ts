import {sts, EventType} from '../support.ts'
import * as v71000 from '../v71000.ts'

export const remarked =  {
    name: 'System.Remarked',
    /**
     * On on-chain remark happened.
     */
    v71000: new EventType(
        'System.Remarked',
        sts.struct({
            sender: v71000.AccountId32,
            hash: v71000.H256,
        })
    ),
}
