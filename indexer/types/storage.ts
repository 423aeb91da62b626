export * as ddcClusters from './ddc-clusters/storage.ts'
export * as ddcVerification from './ddc-verification/storage.ts'
