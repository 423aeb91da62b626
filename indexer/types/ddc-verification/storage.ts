import {sts, StorageType} from '../support.ts'
import type {Block, RuntimeCtx} from '../support.ts'
import * as v71000 from '../v71000.ts'

export const validatorSet =  {
    v71000: new StorageType('DdcVerification.ValidatorSet', 'Default', [], sts.array(() => v71000.AccountId32)) as ValidatorSetV71000,
}

export interface ValidatorSetV71000  {
    is(block: RuntimeCtx): boolean
    getDefault(block: Block): v71000.AccountId32[]
    get(block: Block): Promise<(v71000.AccountId32[] | undefined)>
}
