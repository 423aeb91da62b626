export * as ddcClusters from './ddc-clusters/storage.ts'
