import {sts} from './support.ts'

export const H160 = sts.bytes()
