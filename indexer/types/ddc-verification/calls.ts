import {sts, CallType} from '../support.ts'
import * as v73100 from '../v73100.ts'

export const setValidatorKey =  {
    name: 'DdcVerification.set_validator_key',
    v73100: new CallType(
        'DdcVerification.set_validator_key',
        sts.struct({
            ddcValidatorPub: v73100.AccountId32,
        })
    ),
}
