import {sts, EventType} from '../support.ts'
import * as v73100 from '../v73100.ts'

export const validatorKeySet =  {
    name: 'DdcVerification.ValidatorKeySet',
    v73100: new EventType(
        'DdcVerification.ValidatorKeySet',
        sts.struct({
            validator: v73100.AccountId32,
        })
    ),
}
