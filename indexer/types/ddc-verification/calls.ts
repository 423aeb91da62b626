import {sts, CallType} from '../support.ts'
import * as v73047 from '../v73047.ts'

export const setValidatorKey =  {
    name: 'DdcVerification.set_validator_key',
    v73047: new CallType(
        'DdcVerification.set_validator_key',
        sts.struct({
            ddcValidatorPub: v73047.AccountId32,
        })
    ),
}
