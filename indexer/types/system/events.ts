import {sts, EventType} from '../support.ts'
import * as v73100 from '../v73100.ts'

export const remarked =  {
    name: 'System.Remarked',
    /**
     * On on-chain remark happened.
     */
    v73100: new EventType(
        'System.Remarked',
        sts.struct({
            sender: v73100.AccountId32,
            hash: v73100.H256,
        })
    ),
}
