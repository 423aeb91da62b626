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

export const validatorsSetUpdated =  {
    name: 'DdcVerification.ValidatorsSetUpdated',
    v73100: new EventType(
        'DdcVerification.ValidatorsSetUpdated',
        sts.struct({
            validators: sts.array(() => v73100.AccountId32),
        })
    ),
}
