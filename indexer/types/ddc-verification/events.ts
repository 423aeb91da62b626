import {sts, EventType} from '../support.ts'
import * as v73047 from '../v73047.ts'

export const validatorKeySet =  {
    name: 'DdcVerification.ValidatorKeySet',
    v73047: new EventType(
        'DdcVerification.ValidatorKeySet',
        sts.struct({
            validator: v73047.AccountId32,
        })
    ),
}

export const validatorsSetUpdated =  {
    name: 'DdcVerification.ValidatorsSetUpdated',
    v73047: new EventType(
        'DdcVerification.ValidatorsSetUpdated',
        sts.struct({
            validators: sts.array(() => v73047.AccountId32),
        })
    ),
}
