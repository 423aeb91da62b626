/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ActivityRecordWhereInput = {
  AND?: Array<ActivityRecordWhereInput> | null | undefined;
  OR?: Array<ActivityRecordWhereInput> | null | undefined;
  agentId_contains?: string | null | undefined;
  agentId_eq?: string | null | undefined;
  agentId_gt?: string | null | undefined;
  agentId_gte?: string | null | undefined;
  agentId_in?: Array<string> | null | undefined;
  agentId_isNull?: boolean | null | undefined;
  agentId_lt?: string | null | undefined;
  agentId_lte?: string | null | undefined;
  agentId_not_eq?: string | null | undefined;
  agentId_not_in?: Array<string> | null | undefined;
  agentId_startsWith?: string | null | undefined;
  batch?: DacBatchWhereInput | null | undefined;
  batchId_contains?: string | null | undefined;
  batchId_eq?: string | null | undefined;
  batchId_gt?: string | null | undefined;
  batchId_gte?: string | null | undefined;
  batchId_in?: Array<string> | null | undefined;
  batchId_isNull?: boolean | null | undefined;
  batchId_lt?: string | null | undefined;
  batchId_lte?: string | null | undefined;
  batchId_not_eq?: string | null | undefined;
  batchId_not_in?: Array<string> | null | undefined;
  batchId_startsWith?: string | null | undefined;
  blockHeight_eq?: number | null | undefined;
  blockHeight_gt?: number | null | undefined;
  blockHeight_gte?: number | null | undefined;
  blockHeight_in?: Array<number> | null | undefined;
  blockHeight_isNull?: boolean | null | undefined;
  blockHeight_lt?: number | null | undefined;
  blockHeight_lte?: number | null | undefined;
  blockHeight_not_eq?: number | null | undefined;
  blockHeight_not_in?: Array<number> | null | undefined;
  checks_every?: VerificationLineWhereInput | null | undefined;
  checks_none?: VerificationLineWhereInput | null | undefined;
  checks_some?: VerificationLineWhereInput | null | undefined;
  clusterId_contains?: string | null | undefined;
  clusterId_eq?: string | null | undefined;
  clusterId_gt?: string | null | undefined;
  clusterId_gte?: string | null | undefined;
  clusterId_in?: Array<string> | null | undefined;
  clusterId_isNull?: boolean | null | undefined;
  clusterId_lt?: string | null | undefined;
  clusterId_lte?: string | null | undefined;
  clusterId_not_eq?: string | null | undefined;
  clusterId_not_in?: Array<string> | null | undefined;
  clusterId_startsWith?: string | null | undefined;
  cost_eq?: string | null | undefined;
  cost_gt?: string | null | undefined;
  cost_gte?: string | null | undefined;
  cost_in?: Array<string> | null | undefined;
  cost_isNull?: boolean | null | undefined;
  cost_lt?: string | null | undefined;
  cost_lte?: string | null | undefined;
  cost_not_eq?: string | null | undefined;
  cost_not_in?: Array<string> | null | undefined;
  customerId_contains?: string | null | undefined;
  customerId_eq?: string | null | undefined;
  customerId_gt?: string | null | undefined;
  customerId_gte?: string | null | undefined;
  customerId_in?: Array<string> | null | undefined;
  customerId_isNull?: boolean | null | undefined;
  customerId_lt?: string | null | undefined;
  customerId_lte?: string | null | undefined;
  customerId_not_eq?: string | null | undefined;
  customerId_not_in?: Array<string> | null | undefined;
  customerId_startsWith?: string | null | undefined;
  era_eq?: number | null | undefined;
  era_gt?: number | null | undefined;
  era_gte?: number | null | undefined;
  era_in?: Array<number> | null | undefined;
  era_isNull?: boolean | null | undefined;
  era_lt?: number | null | undefined;
  era_lte?: number | null | undefined;
  era_not_eq?: number | null | undefined;
  era_not_in?: Array<number> | null | undefined;
  failed_eq?: number | null | undefined;
  failed_gt?: number | null | undefined;
  failed_gte?: number | null | undefined;
  failed_in?: Array<number> | null | undefined;
  failed_isNull?: boolean | null | undefined;
  failed_lt?: number | null | undefined;
  failed_lte?: number | null | undefined;
  failed_not_eq?: number | null | undefined;
  failed_not_in?: Array<number> | null | undefined;
  id_contains?: string | null | undefined;
  id_eq?: string | null | undefined;
  id_gt?: string | null | undefined;
  id_gte?: string | null | undefined;
  id_in?: Array<string> | null | undefined;
  id_isNull?: boolean | null | undefined;
  id_lt?: string | null | undefined;
  id_lte?: string | null | undefined;
  id_not_eq?: string | null | undefined;
  id_not_in?: Array<string> | null | undefined;
  id_startsWith?: string | null | undefined;
  leafIndex_eq?: number | null | undefined;
  leafIndex_gt?: number | null | undefined;
  leafIndex_gte?: number | null | undefined;
  leafIndex_in?: Array<number> | null | undefined;
  leafIndex_isNull?: boolean | null | undefined;
  leafIndex_lt?: number | null | undefined;
  leafIndex_lte?: number | null | undefined;
  leafIndex_not_eq?: number | null | undefined;
  leafIndex_not_in?: Array<number> | null | undefined;
  linksHeight_eq?: number | null | undefined;
  linksHeight_gt?: number | null | undefined;
  linksHeight_gte?: number | null | undefined;
  linksHeight_in?: Array<number> | null | undefined;
  linksHeight_isNull?: boolean | null | undefined;
  linksHeight_lt?: number | null | undefined;
  linksHeight_lte?: number | null | undefined;
  linksHeight_not_eq?: number | null | undefined;
  linksHeight_not_in?: Array<number> | null | undefined;
  nodeId_contains?: string | null | undefined;
  nodeId_eq?: string | null | undefined;
  nodeId_gt?: string | null | undefined;
  nodeId_gte?: string | null | undefined;
  nodeId_in?: Array<string> | null | undefined;
  nodeId_isNull?: boolean | null | undefined;
  nodeId_lt?: string | null | undefined;
  nodeId_lte?: string | null | undefined;
  nodeId_not_eq?: string | null | undefined;
  nodeId_not_in?: Array<string> | null | undefined;
  nodeId_startsWith?: string | null | undefined;
  ok_eq?: boolean | null | undefined;
  ok_isNull?: boolean | null | undefined;
  ok_not_eq?: boolean | null | undefined;
  pending_eq?: number | null | undefined;
  pending_gt?: number | null | undefined;
  pending_gte?: number | null | undefined;
  pending_in?: Array<number> | null | undefined;
  pending_isNull?: boolean | null | undefined;
  pending_lt?: number | null | undefined;
  pending_lte?: number | null | undefined;
  pending_not_eq?: number | null | undefined;
  pending_not_in?: Array<number> | null | undefined;
  proof_eq?: string | null | undefined;
  proof_in?: Array<string> | null | undefined;
  proof_isNull?: boolean | null | undefined;
  proof_not_eq?: string | null | undefined;
  providerId_contains?: string | null | undefined;
  providerId_eq?: string | null | undefined;
  providerId_gt?: string | null | undefined;
  providerId_gte?: string | null | undefined;
  providerId_in?: Array<string> | null | undefined;
  providerId_isNull?: boolean | null | undefined;
  providerId_lt?: string | null | undefined;
  providerId_lte?: string | null | undefined;
  providerId_not_eq?: string | null | undefined;
  providerId_not_in?: Array<string> | null | undefined;
  providerId_startsWith?: string | null | undefined;
  raw_eq?: string | null | undefined;
  raw_in?: Array<string> | null | undefined;
  raw_isNull?: boolean | null | undefined;
  raw_not_eq?: string | null | undefined;
  recordId_contains?: string | null | undefined;
  recordId_eq?: string | null | undefined;
  recordId_gt?: string | null | undefined;
  recordId_gte?: string | null | undefined;
  recordId_in?: Array<string> | null | undefined;
  recordId_isNull?: boolean | null | undefined;
  recordId_lt?: string | null | undefined;
  recordId_lte?: string | null | undefined;
  recordId_not_eq?: string | null | undefined;
  recordId_not_in?: Array<string> | null | undefined;
  recordId_startsWith?: string | null | undefined;
  timestamp_eq?: string | null | undefined;
  timestamp_gt?: string | null | undefined;
  timestamp_gte?: string | null | undefined;
  timestamp_in?: Array<string> | null | undefined;
  timestamp_isNull?: boolean | null | undefined;
  timestamp_lt?: string | null | undefined;
  timestamp_lte?: string | null | undefined;
  timestamp_not_eq?: string | null | undefined;
  timestamp_not_in?: Array<string> | null | undefined;
  usage_isNull?: boolean | null | undefined;
  userId_contains?: string | null | undefined;
  userId_eq?: string | null | undefined;
  userId_gt?: string | null | undefined;
  userId_gte?: string | null | undefined;
  userId_in?: Array<string> | null | undefined;
  userId_isNull?: boolean | null | undefined;
  userId_lt?: string | null | undefined;
  userId_lte?: string | null | undefined;
  userId_not_eq?: string | null | undefined;
  userId_not_in?: Array<string> | null | undefined;
  userId_startsWith?: string | null | undefined;
};

export type BlockWhereInput = {
  AND?: Array<BlockWhereInput> | null | undefined;
  OR?: Array<BlockWhereInput> | null | undefined;
  events_every?: ChainEventWhereInput | null | undefined;
  events_none?: ChainEventWhereInput | null | undefined;
  events_some?: ChainEventWhereInput | null | undefined;
  extrinsics_every?: ChainExtrinsicWhereInput | null | undefined;
  extrinsics_none?: ChainExtrinsicWhereInput | null | undefined;
  extrinsics_some?: ChainExtrinsicWhereInput | null | undefined;
  final_eq?: boolean | null | undefined;
  final_isNull?: boolean | null | undefined;
  final_not_eq?: boolean | null | undefined;
  hash_contains?: string | null | undefined;
  hash_eq?: string | null | undefined;
  hash_gt?: string | null | undefined;
  hash_gte?: string | null | undefined;
  hash_in?: Array<string> | null | undefined;
  hash_isNull?: boolean | null | undefined;
  hash_lt?: string | null | undefined;
  hash_lte?: string | null | undefined;
  hash_not_eq?: string | null | undefined;
  hash_not_in?: Array<string> | null | undefined;
  hash_startsWith?: string | null | undefined;
  height_eq?: number | null | undefined;
  height_gt?: number | null | undefined;
  height_gte?: number | null | undefined;
  height_in?: Array<number> | null | undefined;
  height_isNull?: boolean | null | undefined;
  height_lt?: number | null | undefined;
  height_lte?: number | null | undefined;
  height_not_eq?: number | null | undefined;
  height_not_in?: Array<number> | null | undefined;
  indexedEvents_eq?: number | null | undefined;
  indexedEvents_gt?: number | null | undefined;
  indexedEvents_gte?: number | null | undefined;
  indexedEvents_in?: Array<number> | null | undefined;
  indexedEvents_isNull?: boolean | null | undefined;
  indexedEvents_lt?: number | null | undefined;
  indexedEvents_lte?: number | null | undefined;
  indexedEvents_not_eq?: number | null | undefined;
  indexedEvents_not_in?: Array<number> | null | undefined;
  indexedExtrinsics_eq?: number | null | undefined;
  indexedExtrinsics_gt?: number | null | undefined;
  indexedExtrinsics_gte?: number | null | undefined;
  indexedExtrinsics_in?: Array<number> | null | undefined;
  indexedExtrinsics_isNull?: boolean | null | undefined;
  indexedExtrinsics_lt?: number | null | undefined;
  indexedExtrinsics_lte?: number | null | undefined;
  indexedExtrinsics_not_eq?: number | null | undefined;
  indexedExtrinsics_not_in?: Array<number> | null | undefined;
  parentHash_contains?: string | null | undefined;
  parentHash_eq?: string | null | undefined;
  parentHash_gt?: string | null | undefined;
  parentHash_gte?: string | null | undefined;
  parentHash_in?: Array<string> | null | undefined;
  parentHash_isNull?: boolean | null | undefined;
  parentHash_lt?: string | null | undefined;
  parentHash_lte?: string | null | undefined;
  parentHash_not_eq?: string | null | undefined;
  parentHash_not_in?: Array<string> | null | undefined;
  parentHash_startsWith?: string | null | undefined;
  specVersion_eq?: number | null | undefined;
  specVersion_gt?: number | null | undefined;
  specVersion_gte?: number | null | undefined;
  specVersion_in?: Array<number> | null | undefined;
  specVersion_isNull?: boolean | null | undefined;
  specVersion_lt?: number | null | undefined;
  specVersion_lte?: number | null | undefined;
  specVersion_not_eq?: number | null | undefined;
  specVersion_not_in?: Array<number> | null | undefined;
  timestamp_eq?: string | null | undefined;
  timestamp_gt?: string | null | undefined;
  timestamp_gte?: string | null | undefined;
  timestamp_in?: Array<string> | null | undefined;
  timestamp_isNull?: boolean | null | undefined;
  timestamp_lt?: string | null | undefined;
  timestamp_lte?: string | null | undefined;
  timestamp_not_eq?: string | null | undefined;
  timestamp_not_in?: Array<string> | null | undefined;
};

export type ChainEventWhereInput = {
  AND?: Array<ChainEventWhereInput> | null | undefined;
  OR?: Array<ChainEventWhereInput> | null | undefined;
  args_isNull?: boolean | null | undefined;
  block?: BlockWhereInput | null | undefined;
  blockHeight_eq?: number | null | undefined;
  blockHeight_gt?: number | null | undefined;
  blockHeight_gte?: number | null | undefined;
  blockHeight_in?: Array<number> | null | undefined;
  blockHeight_isNull?: boolean | null | undefined;
  blockHeight_lt?: number | null | undefined;
  blockHeight_lte?: number | null | undefined;
  blockHeight_not_eq?: number | null | undefined;
  blockHeight_not_in?: Array<number> | null | undefined;
  extrinsicIndex_eq?: number | null | undefined;
  extrinsicIndex_gt?: number | null | undefined;
  extrinsicIndex_gte?: number | null | undefined;
  extrinsicIndex_in?: Array<number> | null | undefined;
  extrinsicIndex_isNull?: boolean | null | undefined;
  extrinsicIndex_lt?: number | null | undefined;
  extrinsicIndex_lte?: number | null | undefined;
  extrinsicIndex_not_eq?: number | null | undefined;
  extrinsicIndex_not_in?: Array<number> | null | undefined;
  id_contains?: string | null | undefined;
  id_eq?: string | null | undefined;
  id_gt?: string | null | undefined;
  id_gte?: string | null | undefined;
  id_in?: Array<string> | null | undefined;
  id_isNull?: boolean | null | undefined;
  id_lt?: string | null | undefined;
  id_lte?: string | null | undefined;
  id_not_eq?: string | null | undefined;
  id_not_in?: Array<string> | null | undefined;
  id_startsWith?: string | null | undefined;
  index_eq?: number | null | undefined;
  index_gt?: number | null | undefined;
  index_gte?: number | null | undefined;
  index_in?: Array<number> | null | undefined;
  index_isNull?: boolean | null | undefined;
  index_lt?: number | null | undefined;
  index_lte?: number | null | undefined;
  index_not_eq?: number | null | undefined;
  index_not_in?: Array<number> | null | undefined;
  name_contains?: string | null | undefined;
  name_eq?: string | null | undefined;
  name_gt?: string | null | undefined;
  name_gte?: string | null | undefined;
  name_in?: Array<string> | null | undefined;
  name_isNull?: boolean | null | undefined;
  name_lt?: string | null | undefined;
  name_lte?: string | null | undefined;
  name_not_eq?: string | null | undefined;
  name_not_in?: Array<string> | null | undefined;
  name_startsWith?: string | null | undefined;
};

export type ChainExtrinsicWhereInput = {
  AND?: Array<ChainExtrinsicWhereInput> | null | undefined;
  OR?: Array<ChainExtrinsicWhereInput> | null | undefined;
  args_isNull?: boolean | null | undefined;
  block?: BlockWhereInput | null | undefined;
  blockHeight_eq?: number | null | undefined;
  blockHeight_gt?: number | null | undefined;
  blockHeight_gte?: number | null | undefined;
  blockHeight_in?: Array<number> | null | undefined;
  blockHeight_isNull?: boolean | null | undefined;
  blockHeight_lt?: number | null | undefined;
  blockHeight_lte?: number | null | undefined;
  blockHeight_not_eq?: number | null | undefined;
  blockHeight_not_in?: Array<number> | null | undefined;
  hash_contains?: string | null | undefined;
  hash_eq?: string | null | undefined;
  hash_gt?: string | null | undefined;
  hash_gte?: string | null | undefined;
  hash_in?: Array<string> | null | undefined;
  hash_isNull?: boolean | null | undefined;
  hash_lt?: string | null | undefined;
  hash_lte?: string | null | undefined;
  hash_not_eq?: string | null | undefined;
  hash_not_in?: Array<string> | null | undefined;
  hash_startsWith?: string | null | undefined;
  id_contains?: string | null | undefined;
  id_eq?: string | null | undefined;
  id_gt?: string | null | undefined;
  id_gte?: string | null | undefined;
  id_in?: Array<string> | null | undefined;
  id_isNull?: boolean | null | undefined;
  id_lt?: string | null | undefined;
  id_lte?: string | null | undefined;
  id_not_eq?: string | null | undefined;
  id_not_in?: Array<string> | null | undefined;
  id_startsWith?: string | null | undefined;
  index_eq?: number | null | undefined;
  index_gt?: number | null | undefined;
  index_gte?: number | null | undefined;
  index_in?: Array<number> | null | undefined;
  index_isNull?: boolean | null | undefined;
  index_lt?: number | null | undefined;
  index_lte?: number | null | undefined;
  index_not_eq?: number | null | undefined;
  index_not_in?: Array<number> | null | undefined;
  name_contains?: string | null | undefined;
  name_eq?: string | null | undefined;
  name_gt?: string | null | undefined;
  name_gte?: string | null | undefined;
  name_in?: Array<string> | null | undefined;
  name_isNull?: boolean | null | undefined;
  name_lt?: string | null | undefined;
  name_lte?: string | null | undefined;
  name_not_eq?: string | null | undefined;
  name_not_in?: Array<string> | null | undefined;
  name_startsWith?: string | null | undefined;
  signer_contains?: string | null | undefined;
  signer_eq?: string | null | undefined;
  signer_gt?: string | null | undefined;
  signer_gte?: string | null | undefined;
  signer_in?: Array<string> | null | undefined;
  signer_isNull?: boolean | null | undefined;
  signer_lt?: string | null | undefined;
  signer_lte?: string | null | undefined;
  signer_not_eq?: string | null | undefined;
  signer_not_in?: Array<string> | null | undefined;
  signer_startsWith?: string | null | undefined;
  success_eq?: boolean | null | undefined;
  success_isNull?: boolean | null | undefined;
  success_not_eq?: boolean | null | undefined;
};

export type DacBatchWhereInput = {
  AND?: Array<DacBatchWhereInput> | null | undefined;
  OR?: Array<DacBatchWhereInput> | null | undefined;
  batchIndex_eq?: number | null | undefined;
  batchIndex_gt?: number | null | undefined;
  batchIndex_gte?: number | null | undefined;
  batchIndex_in?: Array<number> | null | undefined;
  batchIndex_isNull?: boolean | null | undefined;
  batchIndex_lt?: number | null | undefined;
  batchIndex_lte?: number | null | undefined;
  batchIndex_not_eq?: number | null | undefined;
  batchIndex_not_in?: Array<number> | null | undefined;
  blockHeight_eq?: number | null | undefined;
  blockHeight_gt?: number | null | undefined;
  blockHeight_gte?: number | null | undefined;
  blockHeight_in?: Array<number> | null | undefined;
  blockHeight_isNull?: boolean | null | undefined;
  blockHeight_lt?: number | null | undefined;
  blockHeight_lte?: number | null | undefined;
  blockHeight_not_eq?: number | null | undefined;
  blockHeight_not_in?: Array<number> | null | undefined;
  checks_every?: VerificationLineWhereInput | null | undefined;
  checks_none?: VerificationLineWhereInput | null | undefined;
  checks_some?: VerificationLineWhereInput | null | undefined;
  clusterId_contains?: string | null | undefined;
  clusterId_eq?: string | null | undefined;
  clusterId_gt?: string | null | undefined;
  clusterId_gte?: string | null | undefined;
  clusterId_in?: Array<string> | null | undefined;
  clusterId_isNull?: boolean | null | undefined;
  clusterId_lt?: string | null | undefined;
  clusterId_lte?: string | null | undefined;
  clusterId_not_eq?: string | null | undefined;
  clusterId_not_in?: Array<string> | null | undefined;
  clusterId_startsWith?: string | null | undefined;
  era_eq?: number | null | undefined;
  era_gt?: number | null | undefined;
  era_gte?: number | null | undefined;
  era_in?: Array<number> | null | undefined;
  era_isNull?: boolean | null | undefined;
  era_lt?: number | null | undefined;
  era_lte?: number | null | undefined;
  era_not_eq?: number | null | undefined;
  era_not_in?: Array<number> | null | undefined;
  fetchAttempts_eq?: number | null | undefined;
  fetchAttempts_gt?: number | null | undefined;
  fetchAttempts_gte?: number | null | undefined;
  fetchAttempts_in?: Array<number> | null | undefined;
  fetchAttempts_isNull?: boolean | null | undefined;
  fetchAttempts_lt?: number | null | undefined;
  fetchAttempts_lte?: number | null | undefined;
  fetchAttempts_not_eq?: number | null | undefined;
  fetchAttempts_not_in?: Array<number> | null | undefined;
  id_contains?: string | null | undefined;
  id_eq?: string | null | undefined;
  id_gt?: string | null | undefined;
  id_gte?: string | null | undefined;
  id_in?: Array<string> | null | undefined;
  id_isNull?: boolean | null | undefined;
  id_lt?: string | null | undefined;
  id_lte?: string | null | undefined;
  id_not_eq?: string | null | undefined;
  id_not_in?: Array<string> | null | undefined;
  id_startsWith?: string | null | undefined;
  leafCount_eq?: number | null | undefined;
  leafCount_gt?: number | null | undefined;
  leafCount_gte?: number | null | undefined;
  leafCount_in?: Array<number> | null | undefined;
  leafCount_isNull?: boolean | null | undefined;
  leafCount_lt?: number | null | undefined;
  leafCount_lte?: number | null | undefined;
  leafCount_not_eq?: number | null | undefined;
  leafCount_not_in?: Array<number> | null | undefined;
  payloadHash_contains?: string | null | undefined;
  payloadHash_eq?: string | null | undefined;
  payloadHash_gt?: string | null | undefined;
  payloadHash_gte?: string | null | undefined;
  payloadHash_in?: Array<string> | null | undefined;
  payloadHash_isNull?: boolean | null | undefined;
  payloadHash_lt?: string | null | undefined;
  payloadHash_lte?: string | null | undefined;
  payloadHash_not_eq?: string | null | undefined;
  payloadHash_not_in?: Array<string> | null | undefined;
  payloadHash_startsWith?: string | null | undefined;
  payloadSize_eq?: number | null | undefined;
  payloadSize_gt?: number | null | undefined;
  payloadSize_gte?: number | null | undefined;
  payloadSize_in?: Array<number> | null | undefined;
  payloadSize_isNull?: boolean | null | undefined;
  payloadSize_lt?: number | null | undefined;
  payloadSize_lte?: number | null | undefined;
  payloadSize_not_eq?: number | null | undefined;
  payloadSize_not_in?: Array<number> | null | undefined;
  payloadStatus_contains?: string | null | undefined;
  payloadStatus_eq?: string | null | undefined;
  payloadStatus_gt?: string | null | undefined;
  payloadStatus_gte?: string | null | undefined;
  payloadStatus_in?: Array<string> | null | undefined;
  payloadStatus_isNull?: boolean | null | undefined;
  payloadStatus_lt?: string | null | undefined;
  payloadStatus_lte?: string | null | undefined;
  payloadStatus_not_eq?: string | null | undefined;
  payloadStatus_not_in?: Array<string> | null | undefined;
  payloadStatus_startsWith?: string | null | undefined;
  payloadUrl_contains?: string | null | undefined;
  payloadUrl_eq?: string | null | undefined;
  payloadUrl_gt?: string | null | undefined;
  payloadUrl_gte?: string | null | undefined;
  payloadUrl_in?: Array<string> | null | undefined;
  payloadUrl_isNull?: boolean | null | undefined;
  payloadUrl_lt?: string | null | undefined;
  payloadUrl_lte?: string | null | undefined;
  payloadUrl_not_eq?: string | null | undefined;
  payloadUrl_not_in?: Array<string> | null | undefined;
  payloadUrl_startsWith?: string | null | undefined;
  recordFormat_eq?: number | null | undefined;
  recordFormat_gt?: number | null | undefined;
  recordFormat_gte?: number | null | undefined;
  recordFormat_in?: Array<number> | null | undefined;
  recordFormat_isNull?: boolean | null | undefined;
  recordFormat_lt?: number | null | undefined;
  recordFormat_lte?: number | null | undefined;
  recordFormat_not_eq?: number | null | undefined;
  recordFormat_not_in?: Array<number> | null | undefined;
  recordsFailed_eq?: number | null | undefined;
  recordsFailed_gt?: number | null | undefined;
  recordsFailed_gte?: number | null | undefined;
  recordsFailed_in?: Array<number> | null | undefined;
  recordsFailed_isNull?: boolean | null | undefined;
  recordsFailed_lt?: number | null | undefined;
  recordsFailed_lte?: number | null | undefined;
  recordsFailed_not_eq?: number | null | undefined;
  recordsFailed_not_in?: Array<number> | null | undefined;
  records_every?: ActivityRecordWhereInput | null | undefined;
  records_none?: ActivityRecordWhereInput | null | undefined;
  records_some?: ActivityRecordWhereInput | null | undefined;
  remark?: RemarkWhereInput | null | undefined;
  remarkId_contains?: string | null | undefined;
  remarkId_eq?: string | null | undefined;
  remarkId_gt?: string | null | undefined;
  remarkId_gte?: string | null | undefined;
  remarkId_in?: Array<string> | null | undefined;
  remarkId_isNull?: boolean | null | undefined;
  remarkId_lt?: string | null | undefined;
  remarkId_lte?: string | null | undefined;
  remarkId_not_eq?: string | null | undefined;
  remarkId_not_in?: Array<string> | null | undefined;
  remarkId_startsWith?: string | null | undefined;
  root_contains?: string | null | undefined;
  root_eq?: string | null | undefined;
  root_gt?: string | null | undefined;
  root_gte?: string | null | undefined;
  root_in?: Array<string> | null | undefined;
  root_isNull?: boolean | null | undefined;
  root_lt?: string | null | undefined;
  root_lte?: string | null | undefined;
  root_not_eq?: string | null | undefined;
  root_not_in?: Array<string> | null | undefined;
  root_startsWith?: string | null | undefined;
};

export type RemarkWhereInput = {
  AND?: Array<RemarkWhereInput> | null | undefined;
  OR?: Array<RemarkWhereInput> | null | undefined;
  block?: BlockWhereInput | null | undefined;
  blockHeight_eq?: number | null | undefined;
  blockHeight_gt?: number | null | undefined;
  blockHeight_gte?: number | null | undefined;
  blockHeight_in?: Array<number> | null | undefined;
  blockHeight_isNull?: boolean | null | undefined;
  blockHeight_lt?: number | null | undefined;
  blockHeight_lte?: number | null | undefined;
  blockHeight_not_eq?: number | null | undefined;
  blockHeight_not_in?: Array<number> | null | undefined;
  checks_every?: VerificationLineWhereInput | null | undefined;
  checks_none?: VerificationLineWhereInput | null | undefined;
  checks_some?: VerificationLineWhereInput | null | undefined;
  code_contains?: string | null | undefined;
  code_eq?: string | null | undefined;
  code_gt?: string | null | undefined;
  code_gte?: string | null | undefined;
  code_in?: Array<string> | null | undefined;
  code_isNull?: boolean | null | undefined;
  code_lt?: string | null | undefined;
  code_lte?: string | null | undefined;
  code_not_eq?: string | null | undefined;
  code_not_in?: Array<string> | null | undefined;
  code_startsWith?: string | null | undefined;
  envelope_eq?: string | null | undefined;
  envelope_in?: Array<string> | null | undefined;
  envelope_isNull?: boolean | null | undefined;
  envelope_not_eq?: string | null | undefined;
  eventIndex_eq?: number | null | undefined;
  eventIndex_gt?: number | null | undefined;
  eventIndex_gte?: number | null | undefined;
  eventIndex_in?: Array<number> | null | undefined;
  eventIndex_isNull?: boolean | null | undefined;
  eventIndex_lt?: number | null | undefined;
  eventIndex_lte?: number | null | undefined;
  eventIndex_not_eq?: number | null | undefined;
  eventIndex_not_in?: Array<number> | null | undefined;
  extrinsicId_contains?: string | null | undefined;
  extrinsicId_eq?: string | null | undefined;
  extrinsicId_gt?: string | null | undefined;
  extrinsicId_gte?: string | null | undefined;
  extrinsicId_in?: Array<string> | null | undefined;
  extrinsicId_isNull?: boolean | null | undefined;
  extrinsicId_lt?: string | null | undefined;
  extrinsicId_lte?: string | null | undefined;
  extrinsicId_not_eq?: string | null | undefined;
  extrinsicId_not_in?: Array<string> | null | undefined;
  extrinsicId_startsWith?: string | null | undefined;
  hash_contains?: string | null | undefined;
  hash_eq?: string | null | undefined;
  hash_gt?: string | null | undefined;
  hash_gte?: string | null | undefined;
  hash_in?: Array<string> | null | undefined;
  hash_isNull?: boolean | null | undefined;
  hash_lt?: string | null | undefined;
  hash_lte?: string | null | undefined;
  hash_not_eq?: string | null | undefined;
  hash_not_in?: Array<string> | null | undefined;
  hash_startsWith?: string | null | undefined;
  id_contains?: string | null | undefined;
  id_eq?: string | null | undefined;
  id_gt?: string | null | undefined;
  id_gte?: string | null | undefined;
  id_in?: Array<string> | null | undefined;
  id_isNull?: boolean | null | undefined;
  id_lt?: string | null | undefined;
  id_lte?: string | null | undefined;
  id_not_eq?: string | null | undefined;
  id_not_in?: Array<string> | null | undefined;
  id_startsWith?: string | null | undefined;
  kind_contains?: string | null | undefined;
  kind_eq?: string | null | undefined;
  kind_gt?: string | null | undefined;
  kind_gte?: string | null | undefined;
  kind_in?: Array<string> | null | undefined;
  kind_isNull?: boolean | null | undefined;
  kind_lt?: string | null | undefined;
  kind_lte?: string | null | undefined;
  kind_not_eq?: string | null | undefined;
  kind_not_in?: Array<string> | null | undefined;
  kind_startsWith?: string | null | undefined;
  sender_contains?: string | null | undefined;
  sender_eq?: string | null | undefined;
  sender_gt?: string | null | undefined;
  sender_gte?: string | null | undefined;
  sender_in?: Array<string> | null | undefined;
  sender_isNull?: boolean | null | undefined;
  sender_lt?: string | null | undefined;
  sender_lte?: string | null | undefined;
  sender_not_eq?: string | null | undefined;
  sender_not_in?: Array<string> | null | undefined;
  sender_startsWith?: string | null | undefined;
};

export type VerificationLineWhereInput = {
  AND?: Array<VerificationLineWhereInput> | null | undefined;
  OR?: Array<VerificationLineWhereInput> | null | undefined;
  basis_contains?: string | null | undefined;
  basis_eq?: string | null | undefined;
  basis_gt?: string | null | undefined;
  basis_gte?: string | null | undefined;
  basis_in?: Array<string> | null | undefined;
  basis_isNull?: boolean | null | undefined;
  basis_lt?: string | null | undefined;
  basis_lte?: string | null | undefined;
  basis_not_eq?: string | null | undefined;
  basis_not_in?: Array<string> | null | undefined;
  basis_startsWith?: string | null | undefined;
  blockHeight_eq?: number | null | undefined;
  blockHeight_gt?: number | null | undefined;
  blockHeight_gte?: number | null | undefined;
  blockHeight_in?: Array<number> | null | undefined;
  blockHeight_isNull?: boolean | null | undefined;
  blockHeight_lt?: number | null | undefined;
  blockHeight_lte?: number | null | undefined;
  blockHeight_not_eq?: number | null | undefined;
  blockHeight_not_in?: Array<number> | null | undefined;
  check_contains?: string | null | undefined;
  check_eq?: string | null | undefined;
  check_gt?: string | null | undefined;
  check_gte?: string | null | undefined;
  check_in?: Array<string> | null | undefined;
  check_isNull?: boolean | null | undefined;
  check_lt?: string | null | undefined;
  check_lte?: string | null | undefined;
  check_not_eq?: string | null | undefined;
  check_not_in?: Array<string> | null | undefined;
  check_startsWith?: string | null | undefined;
  code_contains?: string | null | undefined;
  code_eq?: string | null | undefined;
  code_gt?: string | null | undefined;
  code_gte?: string | null | undefined;
  code_in?: Array<string> | null | undefined;
  code_isNull?: boolean | null | undefined;
  code_lt?: string | null | undefined;
  code_lte?: string | null | undefined;
  code_not_eq?: string | null | undefined;
  code_not_in?: Array<string> | null | undefined;
  code_startsWith?: string | null | undefined;
  facts_isNull?: boolean | null | undefined;
  ok_eq?: boolean | null | undefined;
  ok_isNull?: boolean | null | undefined;
  ok_not_eq?: boolean | null | undefined;
  pending_eq?: boolean | null | undefined;
  pending_isNull?: boolean | null | undefined;
  pending_not_eq?: boolean | null | undefined;
  rule_contains?: string | null | undefined;
  rule_eq?: string | null | undefined;
  rule_gt?: string | null | undefined;
  rule_gte?: string | null | undefined;
  rule_in?: Array<string> | null | undefined;
  rule_isNull?: boolean | null | undefined;
  rule_lt?: string | null | undefined;
  rule_lte?: string | null | undefined;
  rule_not_eq?: string | null | undefined;
  rule_not_in?: Array<string> | null | undefined;
  rule_startsWith?: string | null | undefined;
  seq_eq?: number | null | undefined;
  seq_gt?: number | null | undefined;
  seq_gte?: number | null | undefined;
  seq_in?: Array<number> | null | undefined;
  seq_isNull?: boolean | null | undefined;
  seq_lt?: number | null | undefined;
  seq_lte?: number | null | undefined;
  seq_not_eq?: number | null | undefined;
  seq_not_in?: Array<number> | null | undefined;
  skipped_eq?: boolean | null | undefined;
  skipped_isNull?: boolean | null | undefined;
  skipped_not_eq?: boolean | null | undefined;
  step_contains?: string | null | undefined;
  step_eq?: string | null | undefined;
  step_gt?: string | null | undefined;
  step_gte?: string | null | undefined;
  step_in?: Array<string> | null | undefined;
  step_isNull?: boolean | null | undefined;
  step_lt?: string | null | undefined;
  step_lte?: string | null | undefined;
  step_not_eq?: string | null | undefined;
  step_not_in?: Array<string> | null | undefined;
  step_startsWith?: string | null | undefined;
  subjectId_contains?: string | null | undefined;
  subjectId_eq?: string | null | undefined;
  subjectId_gt?: string | null | undefined;
  subjectId_gte?: string | null | undefined;
  subjectId_in?: Array<string> | null | undefined;
  subjectId_isNull?: boolean | null | undefined;
  subjectId_lt?: string | null | undefined;
  subjectId_lte?: string | null | undefined;
  subjectId_not_eq?: string | null | undefined;
  subjectId_not_in?: Array<string> | null | undefined;
  subjectId_startsWith?: string | null | undefined;
  subjectKind_contains?: string | null | undefined;
  subjectKind_eq?: string | null | undefined;
  subjectKind_gt?: string | null | undefined;
  subjectKind_gte?: string | null | undefined;
  subjectKind_in?: Array<string> | null | undefined;
  subjectKind_isNull?: boolean | null | undefined;
  subjectKind_lt?: string | null | undefined;
  subjectKind_lte?: string | null | undefined;
  subjectKind_not_eq?: string | null | undefined;
  subjectKind_not_in?: Array<string> | null | undefined;
  subjectKind_startsWith?: string | null | undefined;
};

export type FreshnessQueryVariables = Exact<{ [key: string]: never; }>;


export type FreshnessQuery = { _meta: { bestHeight: number | null, finalizedHeight: number | null, indexedHeight: number | null, verifiedHeight: number | null, lag: number | null, secondsSinceUpdate: number | null, chain: { name: string | null } | null } };

export type LineFieldsFragment = { step: string, check: string, ok: boolean, status: string, code: string | null, reason: string | null, rule: string, basis: string, facts: unknown, source: { block: number | null, blockHash: string | null, eventIndex: number | null, extrinsic: string | null, url: string | null } | null };

export type ReceiptLineFieldsFragment = { index: number, subjectKind: string, subjectId: string, step: string, check: string, ok: boolean, status: string, code: string | null, reason: string | null, rule: string, basis: string, facts: unknown, source: { block: number | null, blockHash: string | null, eventIndex: number | null, extrinsic: string | null, url: string | null } | null };

export type EraTotalsFragment = { id: string, clusterId: string, era: number, charged: string, treasuryFee: string, reserveFee: string, validatorFee: string, rewarded: string, notDistributed: string, records: number, ok: boolean, failed: number, blockHeight: number };

export type AccountQueryVariables = Exact<{
  id: string;
  records: ActivityRecordWhereInput;
}>;


export type AccountQuery = { customerById: { blockHeight: number, deposits: Array<{ id: string, clusterId: string | null, amount: string, blockHeight: number }> } | null, providerById: { blockHeight: number, nodes: Array<{ id: string, kind: string, blockHeight: number }> } | null, validatorById: { blockHeight: number, eventId: string, votes: Array<{ id: string, clusterId: string, era: number, payersRoot: string, payeesRoot: string, extrinsicId: string | null, blockHeight: number }> } | null, asUser: Array<{ seq: string, userId: string | null, agentId: string | null, createdAt: string | null, expiresAt: string | null, revoked: boolean | null, parseCode: string | null }>, asAgent: Array<{ seq: string, userId: string | null, agentId: string | null, createdAt: string | null, expiresAt: string | null, revoked: boolean | null, parseCode: string | null }>, activityRecords: Array<{ id: string, recordId: string, batchId: string, era: number | null, clusterId: string | null, customerId: string | null, providerId: string | null, userId: string | null, timestamp: string | null, cost: string | null, ok: boolean, failed: number }>, stats: Array<{ records: number, passed: number, failed: number, cost: string }>, payoutLines: Array<{ id: string, clusterId: string, era: number, kind: string, amount: string, expected: string | null, extrinsicId: string | null, blockHeight: number }>, chainExtrinsics: Array<{ id: string, name: string, success: boolean, blockHeight: number }>, remarks: Array<{ id: string, kind: string | null, code: string | null, blockHeight: number }>, clusters: Array<{ id: string, manager: string | null, reserve: string | null }> };

export type BatchQueryVariables = Exact<{
  id: string;
}>;


export type BatchQuery = { dacBatchById: { id: string, clusterId: string, era: number, batchIndex: number, recordFormat: number, leafCount: number, root: string, payloadHash: string, payloadStatus: string, payloadUrl: string | null, payloadSize: number | null, fetchAttempts: number, recordsFailed: number, blockHeight: number, remark: { id: string, extrinsicId: string | null, sender: string | null, hash: string, block: { final: boolean, timestamp: string | null } }, checks: Array<{ step: string, check: string, ok: boolean, status: string, code: string | null, reason: string | null, rule: string, basis: string, facts: unknown, source: { block: number | null, blockHash: string | null, eventIndex: number | null, extrinsic: string | null, url: string | null } | null }>, records: Array<{ id: string, recordId: string, leafIndex: number, userId: string | null, providerId: string | null, cost: string | null, ok: boolean, failed: number }> } | null };

export type BlockQueryVariables = Exact<{
  h: number;
}>;


export type BlockQuery = { blockById: { height: number, hash: string, parentHash: string, timestamp: string | null, specVersion: number, indexedExtrinsics: number, indexedEvents: number, final: boolean, extrinsics: Array<{ id: string, index: number, hash: string, name: string, signer: string | null, success: boolean, args: unknown }>, events: Array<{ id: string, index: number, extrinsicIndex: number | null, name: string, args: unknown }> } | null, remarks: Array<{ id: string, eventIndex: number, extrinsicId: string | null, sender: string | null, hash: string, kind: string | null, code: string | null }>, dacBatches: Array<{ id: string, clusterId: string, era: number, leafCount: number, payloadStatus: string }>, garAnchorEntries: Array<{ id: string, remarkId: string, position: number, payloadHash: string }>, attestationVotes: Array<{ id: string, clusterId: string, era: number, validatorId: string, extrinsicId: string | null }>, payoutLines: Array<{ id: string, clusterId: string, era: number, kind: string, accountId: string | null, amount: string, extrinsicId: string | null }>, payoutBatches: Array<{ id: string, clusterId: string, era: number, side: string, batchIndex: number, extrinsicId: string }>, last: Array<{ height: number }> };

export type ClusterQueryVariables = Exact<{
  id: string;
}>;


export type ClusterQuery = { clusterById: { id: string, manager: string | null, reserve: string | null, params: unknown, blockHeight: number, eventId: string, protocolParams: Array<{ id: string, treasuryShare: string, validatorsShare: string, reserveShare: string, pricing: unknown, blockHeight: number }>, nodeEvents: Array<{ id: string, nodeId: string, kind: string, blockHeight: number }>, eraPayouts: Array<{ era: number, charged: string, rewarded: string, records: number, ok: boolean, failed: number, blockHeight: number, paid: { kind: string } | null }> } | null, activityStats: Array<{ era: number | null, records: number, passed: number, failed: number, verificationRate: number }> };

export type ClusterLinesQueryVariables = Exact<{
  id: string;
}>;


export type ClusterLinesQuery = { byKind: Array<{ subjectKind: string | null, lines: number, passed: number, failed: number, pending: number, skipped: number }> };

export type ClusterFailedQueryVariables = Exact<{
  id: string;
}>;


export type ClusterFailedQuery = { failed: Array<{ subjectKind: string | null, step: string | null, check: string | null, code: string | null, failed: number, lastBlockHeight: number | null }> };

export type ClusterNodesQueryVariables = Exact<{
  ids: Array<string> | string;
}>;


export type ClusterNodesQuery = { nodes: Array<{ id: string, kind: string, providerId: string, params: unknown }> };

export type EraWidgetQueryVariables = Exact<{
  id: string;
}>;


export type EraWidgetQuery = { eraPayoutById: { id: string, clusterId: string, era: number, charged: string, treasuryFee: string, reserveFee: string, validatorFee: string, rewarded: string, notDistributed: string, records: number, ok: boolean, failed: number, blockHeight: number, round: { quorum: boolean, rootsMatch: boolean } | null, paid: { kind: string } | null } | null };

export type EraQueryVariables = Exact<{
  id: string;
  cluster: string;
  era: number;
  settlements: string;
}>;


export type EraQuery = { eraPayoutById: { paidEventId: string | null, id: string, clusterId: string, era: number, charged: string, treasuryFee: string, reserveFee: string, validatorFee: string, rewarded: string, notDistributed: string, records: number, ok: boolean, failed: number, blockHeight: number, paid: { kind: string, blockHeight: number, block: { specVersion: number } } | null, round: { validators: number, threshold: number, agreeing: number, quorum: boolean, rootsMatch: boolean, payersRoot: string | null, payeesRoot: string | null, blockHeight: number, matrix: { rule: string, arithmetic: string } } | null, checks: Array<{ step: string, check: string, ok: boolean, status: string, code: string | null, reason: string | null, rule: string, basis: string, facts: unknown, source: { block: number | null, blockHash: string | null, eventIndex: number | null, extrinsic: string | null, url: string | null } | null }>, reconciliation: { ok: boolean, differences: number, basis: string, rows: Array<{ side: string, account: string, onChain: string | null, recomputed: string | null, difference: string, matches: boolean }> }, batches: Array<{ id: string, side: string, batchIndex: number, maxBatchIndex: number, entries: unknown, extrinsicId: string, blockHeight: number }> } | null, settlementChecks: Array<{ subjectId: string, step: string, check: string, ok: boolean, status: string, code: string | null, reason: string | null, rule: string, basis: string, facts: unknown, source: { block: number | null, blockHash: string | null, eventIndex: number | null, extrinsic: string | null, url: string | null } | null }>, settlementStats: Array<{ lines: number, passed: number, failed: number, skipped: number }>, activityStats: Array<{ records: number }> };

export type EraLinesQueryVariables = Exact<{
  cluster: string;
  era: number;
  first: number;
}>;


export type EraLinesQuery = { payoutLinesConnection: { totalCount: number, pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, kind: string, accountId: string | null, amount: string, expected: string | null, batchIndex: number | null, extrinsicId: string | null, blockHeight: number } }> } };

export type EraSentinelQueryVariables = Exact<{
  cluster: string;
  era: number;
}>;


export type EraSentinelQuery = { sentinelRounds: Array<{ id: string, sentinel: string, status: string, population: number, sampleSize: number, sampled: number, failed: number, confidence: number, badBound: number, targetConfidence: number, targetBadFraction: number }> };

export type GrantQueryVariables = Exact<{
  user: string;
  agent: string;
}>;


export type GrantQuery = { grants: Array<{ seq: string, payload: string, signature: string, payloadHash: string, createdAt: string | null, expiresAt: string | null, revoked: boolean | null, scope: unknown, url: string, parseCode: string | null, fetchedAt: string, anchors: Array<{ id: string, position: number, blockHeight: number, remark: { id: string, blockHeight: number } }> }>, activityRecords: Array<{ id: string, recordId: string, batchId: string, timestamp: string | null, providerId: string | null, cost: string | null, ok: boolean, failed: number }>, activityStats: Array<{ records: number, passed: number, failed: number }> };

export type HomeQueryVariables = Exact<{ [key: string]: never; }>;


export type HomeQuery = { clusters: Array<{ id: string, blockHeight: number, eraPayouts: Array<{ id: string, era: number, charged: string, rewarded: string, records: number, ok: boolean, failed: number, blockHeight: number, paid: { blockHeight: number, kind: string } | null }> }>, activityStats: Array<{ clusterId: string | null, records: number, passed: number, failed: number }>, checkStats: Array<{ lines: number, passed: number, failed: number, skipped: number }> };

export type HomeClusterTotalQueryVariables = Exact<{
  id: string;
}>;


export type HomeClusterTotalQuery = { total: Array<{ lines: number, passed: number, failed: number }> };

export type HomeClusterChecksQueryVariables = Exact<{
  id: string;
}>;


export type HomeClusterChecksQuery = { byReason: Array<{ step: string | null, check: string | null, code: string | null, failed: number, lastBlockHeight: number | null }> };

export type ReceiptQueryVariables = Exact<{
  id?: string | null | undefined;
  recordId?: string | null | undefined;
}>;


export type ReceiptQuery = { receipt: { id: string, recordId: string, kind: string, status: string, ok: boolean, passed: number, failed: number, pending: number, skipped: number, pendingSteps: Array<string>, copies: number, bundleUrl: string, record: unknown, lines: Array<{ index: number, subjectKind: string, subjectId: string, step: string, check: string, ok: boolean, status: string, code: string | null, reason: string | null, rule: string, basis: string, facts: unknown, source: { block: number | null, blockHash: string | null, eventIndex: number | null, extrinsic: string | null, url: string | null } | null }>, activity: { id: string, batchId: string, leafIndex: number, clusterId: string | null, era: number | null, userId: string | null, agentId: string | null, customerId: string | null, providerId: string | null, nodeId: string | null, timestamp: string | null, cost: string | null, usage: unknown, proof: string | null, blockHeight: number, batch: { root: string, leafCount: number, blockHeight: number } } } | null };

export type RoundQueryVariables = Exact<{
  id: string;
  clusterId: string;
  era: number;
}>;


export type RoundQuery = { attestationRoundById: { id: string, ehdId: string | null, quorum: boolean, rootsMatch: boolean, blockHeight: number, matrix: { rule: string, validators: number, threshold: number, agreeing: number, met: boolean, arithmetic: string, otherRule: string | null, otherThreshold: number | null, otherMet: boolean | null, computedPayersRoot: string | null, computedPayeesRoot: string | null, rows: Array<{ validator: string, known: boolean, voted: boolean, payersRoot: string | null, payeesRoot: string | null, fingerprint: string | null, fingerprintValid: boolean | null, signatureValid: boolean | null, signatureBasis: string, matchesRecomputed: boolean | null, counted: boolean, note: string | null, source: { block: number | null, extrinsic: string | null } | null }> }, checks: Array<{ step: string, check: string, ok: boolean, status: string, code: string | null, reason: string | null, rule: string, basis: string, facts: unknown, source: { block: number | null, blockHash: string | null, eventIndex: number | null, extrinsic: string | null, url: string | null } | null }> } | null, attestationVotes: Array<{ id: string, validatorId: string, extrinsicId: string | null, blockHeight: number }>, eraPayoutById: { paid: { kind: string } | null } | null };

export type SearchNumberQueryVariables = Exact<{
  n: number;
}>;


export type SearchNumberQuery = { blockById: { height: number, hash: string } | null, eraPayouts: Array<{ clusterId: string, era: number, ok: boolean, failed: number, paid: { kind: string } | null }>, activityStats: Array<{ clusterId: string | null, era: number | null, records: number }>, dacBatches: Array<{ clusterId: string }> };

export type SearchDashQueryVariables = Exact<{
  id: string;
}>;


export type SearchDashQuery = { dacBatchById: { id: string, era: number, clusterId: string, leafCount: number } | null, remarkById: { id: string, kind: string | null, blockHeight: number } | null, chainEventById: { id: string, name: string, blockHeight: number } | null, chainExtrinsicById: { id: string, name: string, blockHeight: number } | null };

export type SearchHexQueryVariables = Exact<{
  h: string;
  records: ActivityRecordWhereInput;
}>;


export type SearchHexQuery = { blocks: Array<{ height: number }>, chainExtrinsics: Array<{ id: string, blockHeight: number, name: string }>, remarks: Array<{ id: string, blockHeight: number, kind: string | null }>, dacBatches: Array<{ id: string, root: string, era: number }>, grants: Array<{ seq: string, userId: string | null, agentId: string | null }>, attestationRounds: Array<{ clusterId: string, era: number, payersRoot: string | null }>, attestationVotes: Array<{ clusterId: string, era: number, validatorId: string, fingerprint: string | null, payersRoot: string }>, nodes: Array<{ id: string, providerId: string }>, customerById: { id: string } | null, providerById: { id: string } | null, validatorById: { id: string } | null, asUser: Array<{ seq: string }>, asAgent: Array<{ seq: string }>, activityRecords: Array<{ id: string }>, payoutLines: Array<{ id: string }>, signed: Array<{ id: string }>, sent: Array<{ id: string }> };

export type SearchClusterQueryVariables = Exact<{
  id: string;
}>;


export type SearchClusterQuery = { clusterById: { id: string, blockHeight: number } | null };

export type SearchTextQueryVariables = Exact<{
  q: string;
  withPrefix: boolean;
}>;


export type SearchTextQuery = { activityRecordById: { id: string, recordId: string } | null, exact: Array<{ id: string, recordId: string, blockHeight: number }>, prefix?: Array<{ id: string, recordId: string }> };

export type SentinelSummaryQueryVariables = Exact<{ [key: string]: never; }>;


export type SentinelSummaryQuery = { sentinelRounds: Array<{ id: string, clusterId: string, era: number, sentinel: string, seedHeight: number, seedHash: string, seedCommitment: string | null, seed: string | null, vrfAlpha: string | null, vrfProof: string | null, population: number, batches: number, sampleSize: number, targetConfidence: number, targetBadFraction: number, sampleRule: string, nodes: number, sampled: number, ok: number, failed: number, lost: number, nodeChecks: number, failedByKind: unknown, confidence: number, badBound: number, status: string, completedAt: string | null, updatedAt: string }>, rounds: { totalCount: number }, all: { totalCount: number }, failed: { totalCount: number }, window: Array<{ nodeUrl: string, ok: boolean, kind: string | null, latencyMs: number | null, checkedAt: string }> };

export type SentinelFailedQueryVariables = Exact<{
  limit: number;
}>;


export type SentinelFailedQuery = { sentinelChecks: Array<{ id: string, roundId: string | null, batchId: string | null, activityId: string | null, nodeUrl: string, checkedAt: string, kind: string | null, code: string | null, reason: string | null, latencyMs: number | null }> };

export type IdsQueryVariables = Exact<{
  where?: ActivityRecordWhereInput | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type IdsQuery = { activityRecordsConnection: { edges: Array<{ node: { id: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const LineFieldsFragmentDoc = new TypedDocumentString(`
    fragment LineFields on VerificationLine {
  step
  check
  ok
  status
  code
  reason
  rule
  basis
  facts
  source {
    block
    blockHash
    eventIndex
    extrinsic
    url
  }
}
    `, {"fragmentName":"LineFields"}) as unknown as TypedDocumentString<LineFieldsFragment, unknown>;
export const ReceiptLineFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReceiptLineFields on ReceiptLine {
  index
  subjectKind
  subjectId
  step
  check
  ok
  status
  code
  reason
  rule
  basis
  facts
  source {
    block
    blockHash
    eventIndex
    extrinsic
    url
  }
}
    `, {"fragmentName":"ReceiptLineFields"}) as unknown as TypedDocumentString<ReceiptLineFieldsFragment, unknown>;
export const EraTotalsFragmentDoc = new TypedDocumentString(`
    fragment EraTotals on EraPayout {
  id
  clusterId
  era
  charged
  treasuryFee
  reserveFee
  validatorFee
  rewarded
  notDistributed
  records
  ok
  failed
  blockHeight
}
    `, {"fragmentName":"EraTotals"}) as unknown as TypedDocumentString<EraTotalsFragment, unknown>;
export const FreshnessDocument = new TypedDocumentString(`
    query Freshness {
  _meta {
    bestHeight
    finalizedHeight
    indexedHeight
    verifiedHeight
    lag
    secondsSinceUpdate
    chain {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<FreshnessQuery, FreshnessQueryVariables>;
export const AccountDocument = new TypedDocumentString(`
    query Account($id: String!, $records: ActivityRecordWhereInput!) {
  customerById(id: $id) {
    blockHeight
    deposits(orderBy: blockHeight_DESC, limit: 100) {
      id
      clusterId
      amount
      blockHeight
    }
  }
  providerById(id: $id) {
    blockHeight
    nodes(limit: 100) {
      id
      kind
      blockHeight
    }
  }
  validatorById(id: $id) {
    blockHeight
    eventId
    votes(orderBy: [era_DESC], limit: 100) {
      id
      clusterId
      era
      payersRoot
      payeesRoot
      extrinsicId
      blockHeight
    }
  }
  asUser: grants(where: {userId_eq: $id}, orderBy: seq_ASC, limit: 500) {
    seq
    userId
    agentId
    createdAt
    expiresAt
    revoked
    parseCode
  }
  asAgent: grants(where: {agentId_eq: $id}, orderBy: seq_ASC, limit: 500) {
    seq
    userId
    agentId
    createdAt
    expiresAt
    revoked
    parseCode
  }
  activityRecords(
    where: $records
    orderBy: [blockHeight_DESC, leafIndex_DESC]
    limit: 20
  ) {
    id
    recordId
    batchId
    era
    clusterId
    customerId
    providerId
    userId
    timestamp
    cost
    ok
    failed
  }
  stats: activityStats(where: $records) {
    records
    passed
    failed
    cost
  }
  payoutLines(where: {accountId_eq: $id}, orderBy: [blockHeight_DESC], limit: 200) {
    id
    clusterId
    era
    kind
    amount
    expected
    extrinsicId
    blockHeight
  }
  chainExtrinsics(where: {signer_eq: $id}, orderBy: [blockHeight_DESC], limit: 20) {
    id
    name
    success
    blockHeight
  }
  remarks(where: {sender_eq: $id}, orderBy: [blockHeight_DESC], limit: 20) {
    id
    kind
    code
    blockHeight
  }
  clusters(where: {OR: [{manager_eq: $id}, {reserve_eq: $id}]}, limit: 100) {
    id
    manager
    reserve
  }
}
    `) as unknown as TypedDocumentString<AccountQuery, AccountQueryVariables>;
export const BatchDocument = new TypedDocumentString(`
    query Batch($id: String!) {
  dacBatchById(id: $id) {
    id
    clusterId
    era
    batchIndex
    recordFormat
    leafCount
    root
    payloadHash
    payloadStatus
    payloadUrl
    payloadSize
    fetchAttempts
    recordsFailed
    blockHeight
    remark {
      id
      extrinsicId
      sender
      hash
      block {
        final
        timestamp
      }
    }
    checks(limit: 1000) {
      ...LineFields
    }
    records(orderBy: leafIndex_ASC, limit: 1000) {
      id
      recordId
      leafIndex
      userId
      providerId
      cost
      ok
      failed
    }
  }
}
    fragment LineFields on VerificationLine {
  step
  check
  ok
  status
  code
  reason
  rule
  basis
  facts
  source {
    block
    blockHash
    eventIndex
    extrinsic
    url
  }
}`) as unknown as TypedDocumentString<BatchQuery, BatchQueryVariables>;
export const BlockDocument = new TypedDocumentString(`
    query Block($h: Int!) {
  blockById(id: $h) {
    height
    hash
    parentHash
    timestamp
    specVersion
    indexedExtrinsics
    indexedEvents
    final
    extrinsics(orderBy: index_ASC, limit: 1000) {
      id
      index
      hash
      name
      signer
      success
      args
    }
    events(orderBy: index_ASC, limit: 1000) {
      id
      index
      extrinsicIndex
      name
      args
    }
  }
  remarks(where: {blockHeight_eq: $h}, orderBy: eventIndex_ASC, limit: 1000) {
    id
    eventIndex
    extrinsicId
    sender
    hash
    kind
    code
  }
  dacBatches(where: {blockHeight_eq: $h}, orderBy: batchIndex_ASC, limit: 1000) {
    id
    clusterId
    era
    leafCount
    payloadStatus
  }
  garAnchorEntries(
    where: {blockHeight_eq: $h}
    orderBy: [remarkId_ASC, position_ASC]
    limit: 1000
  ) {
    id
    remarkId
    position
    payloadHash
  }
  attestationVotes(where: {blockHeight_eq: $h}, limit: 1000) {
    id
    clusterId
    era
    validatorId
    extrinsicId
  }
  payoutLines(where: {blockHeight_eq: $h}, limit: 1000) {
    id
    clusterId
    era
    kind
    accountId
    amount
    extrinsicId
  }
  payoutBatches(where: {blockHeight_eq: $h}, limit: 1000) {
    id
    clusterId
    era
    side
    batchIndex
    extrinsicId
  }
  last: blocks(orderBy: height_DESC, limit: 1) {
    height
  }
}
    `) as unknown as TypedDocumentString<BlockQuery, BlockQueryVariables>;
export const ClusterDocument = new TypedDocumentString(`
    query Cluster($id: String!) {
  clusterById(id: $id) {
    id
    manager
    reserve
    params
    blockHeight
    eventId
    protocolParams(orderBy: [blockHeight_DESC], limit: 50) {
      id
      treasuryShare
      validatorsShare
      reserveShare
      pricing
      blockHeight
    }
    nodeEvents(orderBy: [blockHeight_ASC, id_ASC], limit: 1000) {
      id
      nodeId
      kind
      blockHeight
    }
    eraPayouts(orderBy: [era_ASC], limit: 1000) {
      era
      charged
      rewarded
      records
      ok
      failed
      blockHeight
      paid {
        kind
      }
    }
  }
  activityStats(groupBy: [ERA], where: {clusterId_eq: $id}, limit: 1000) {
    era
    records
    passed
    failed
    verificationRate
  }
}
    `) as unknown as TypedDocumentString<ClusterQuery, ClusterQueryVariables>;
export const ClusterLinesDocument = new TypedDocumentString(`
    query ClusterLines($id: String!) {
  byKind: checkStats(groupBy: [SUBJECT_KIND], clusterId: $id, limit: 100) {
    subjectKind
    lines
    passed
    failed
    pending
    skipped
  }
}
    `) as unknown as TypedDocumentString<ClusterLinesQuery, ClusterLinesQueryVariables>;
export const ClusterFailedDocument = new TypedDocumentString(`
    query ClusterFailed($id: String!) {
  failed: checkStats(
    groupBy: [SUBJECT_KIND, STEP, CHECK, CODE]
    clusterId: $id
    where: {ok_eq: false, pending_eq: false, skipped_eq: false}
    limit: 1000
  ) {
    subjectKind
    step
    check
    code
    failed
    lastBlockHeight
  }
}
    `) as unknown as TypedDocumentString<ClusterFailedQuery, ClusterFailedQueryVariables>;
export const ClusterNodesDocument = new TypedDocumentString(`
    query ClusterNodes($ids: [String!]!) {
  nodes(where: {id_in: $ids}, limit: 1000) {
    id
    kind
    providerId
    params
  }
}
    `) as unknown as TypedDocumentString<ClusterNodesQuery, ClusterNodesQueryVariables>;
export const EraWidgetDocument = new TypedDocumentString(`
    query EraWidget($id: String!) {
  eraPayoutById(id: $id) {
    ...EraTotals
    round {
      quorum
      rootsMatch
    }
    paid {
      kind
    }
  }
}
    fragment EraTotals on EraPayout {
  id
  clusterId
  era
  charged
  treasuryFee
  reserveFee
  validatorFee
  rewarded
  notDistributed
  records
  ok
  failed
  blockHeight
}`) as unknown as TypedDocumentString<EraWidgetQuery, EraWidgetQueryVariables>;
export const EraDocument = new TypedDocumentString(`
    query Era($id: String!, $cluster: String!, $era: Int!, $settlements: String!) {
  eraPayoutById(id: $id) {
    ...EraTotals
    paidEventId
    paid {
      kind
      blockHeight
      block {
        specVersion
      }
    }
    round {
      validators
      threshold
      agreeing
      quorum
      rootsMatch
      payersRoot
      payeesRoot
      blockHeight
      matrix {
        rule
        arithmetic
      }
    }
    checks(orderBy: [seq_ASC]) {
      ...LineFields
    }
    reconciliation {
      ok
      differences
      basis
      rows {
        side
        account
        onChain
        recomputed
        difference
        matches
      }
    }
    batches(orderBy: [side_DESC, batchIndex_ASC], limit: 1000) {
      id
      side
      batchIndex
      maxBatchIndex
      entries
      extrinsicId
      blockHeight
    }
  }
  settlementChecks: verificationLines(
    where: {subjectKind_eq: "settlement", subjectId_startsWith: $settlements, ok_eq: false}
    orderBy: [subjectId_ASC, seq_ASC]
    limit: 200
  ) {
    subjectId
    ...LineFields
  }
  settlementStats: checkStats(
    where: {subjectKind_eq: "settlement", subjectId_startsWith: $settlements}
  ) {
    lines
    passed
    failed
    skipped
  }
  activityStats(where: {clusterId_eq: $cluster, era_eq: $era}) {
    records
  }
}
    fragment LineFields on VerificationLine {
  step
  check
  ok
  status
  code
  reason
  rule
  basis
  facts
  source {
    block
    blockHash
    eventIndex
    extrinsic
    url
  }
}
fragment EraTotals on EraPayout {
  id
  clusterId
  era
  charged
  treasuryFee
  reserveFee
  validatorFee
  rewarded
  notDistributed
  records
  ok
  failed
  blockHeight
}`) as unknown as TypedDocumentString<EraQuery, EraQueryVariables>;
export const EraLinesDocument = new TypedDocumentString(`
    query EraLines($cluster: String!, $era: Int!, $first: Int!) {
  payoutLinesConnection(
    where: {clusterId_eq: $cluster, era_eq: $era}
    orderBy: [blockHeight_ASC, id_ASC]
    first: $first
  ) {
    totalCount
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        kind
        accountId
        amount
        expected
        batchIndex
        extrinsicId
        blockHeight
      }
    }
  }
}
    `) as unknown as TypedDocumentString<EraLinesQuery, EraLinesQueryVariables>;
export const EraSentinelDocument = new TypedDocumentString(`
    query EraSentinel($cluster: String!, $era: Int!) {
  sentinelRounds(
    where: {clusterId_eq: $cluster, era_eq: $era}
    orderBy: [startedAt_ASC]
    limit: 10
  ) {
    id
    sentinel
    status
    population
    sampleSize
    sampled
    failed
    confidence
    badBound
    targetConfidence
    targetBadFraction
  }
}
    `) as unknown as TypedDocumentString<EraSentinelQuery, EraSentinelQueryVariables>;
export const GrantDocument = new TypedDocumentString(`
    query Grant($user: String!, $agent: String!) {
  grants(
    where: {userId_eq: $user, agentId_eq: $agent}
    orderBy: seq_ASC
    limit: 200
  ) {
    seq
    payload
    signature
    payloadHash
    createdAt
    expiresAt
    revoked
    scope
    url
    parseCode
    fetchedAt
    anchors(orderBy: blockHeight_ASC, limit: 20) {
      id
      position
      blockHeight
      remark {
        id
        blockHeight
      }
    }
  }
  activityRecords(
    where: {userId_eq: $user, agentId_eq: $agent}
    orderBy: [blockHeight_DESC, leafIndex_DESC]
    limit: 20
  ) {
    id
    recordId
    batchId
    timestamp
    providerId
    cost
    ok
    failed
  }
  activityStats(where: {userId_eq: $user, agentId_eq: $agent}) {
    records
    passed
    failed
  }
}
    `) as unknown as TypedDocumentString<GrantQuery, GrantQueryVariables>;
export const HomeDocument = new TypedDocumentString(`
    query Home {
  clusters(orderBy: [blockHeight_ASC, id_ASC], limit: 20) {
    id
    blockHeight
    eraPayouts(orderBy: [era_DESC], limit: 500) {
      id
      era
      charged
      rewarded
      records
      ok
      failed
      blockHeight
      paid {
        blockHeight
        kind
      }
    }
  }
  activityStats(groupBy: [CLUSTER], limit: 1000) {
    clusterId
    records
    passed
    failed
  }
  checkStats {
    lines
    passed
    failed
    skipped
  }
}
    `) as unknown as TypedDocumentString<HomeQuery, HomeQueryVariables>;
export const HomeClusterTotalDocument = new TypedDocumentString(`
    query HomeClusterTotal($id: String!) {
  total: checkStats(clusterId: $id) {
    lines
    passed
    failed
  }
}
    `) as unknown as TypedDocumentString<HomeClusterTotalQuery, HomeClusterTotalQueryVariables>;
export const HomeClusterChecksDocument = new TypedDocumentString(`
    query HomeClusterChecks($id: String!) {
  byReason: checkStats(
    groupBy: [STEP, CHECK, CODE]
    clusterId: $id
    where: {ok_eq: false, pending_eq: false, skipped_eq: false}
    limit: 1000
  ) {
    step
    check
    code
    failed
    lastBlockHeight
  }
}
    `) as unknown as TypedDocumentString<HomeClusterChecksQuery, HomeClusterChecksQueryVariables>;
export const ReceiptDocument = new TypedDocumentString(`
    query Receipt($id: String, $recordId: String) {
  receipt(id: $id, recordId: $recordId) {
    id
    recordId
    kind
    status
    ok
    passed
    failed
    pending
    skipped
    pendingSteps
    copies
    bundleUrl
    record
    lines {
      ...ReceiptLineFields
    }
    activity {
      id
      batchId
      leafIndex
      clusterId
      era
      userId
      agentId
      customerId
      providerId
      nodeId
      timestamp
      cost
      usage
      proof
      blockHeight
      batch {
        root
        leafCount
        blockHeight
      }
    }
  }
}
    fragment ReceiptLineFields on ReceiptLine {
  index
  subjectKind
  subjectId
  step
  check
  ok
  status
  code
  reason
  rule
  basis
  facts
  source {
    block
    blockHash
    eventIndex
    extrinsic
    url
  }
}`) as unknown as TypedDocumentString<ReceiptQuery, ReceiptQueryVariables>;
export const RoundDocument = new TypedDocumentString(`
    query Round($id: String!, $clusterId: String!, $era: Int!) {
  attestationRoundById(id: $id) {
    id
    ehdId
    quorum
    rootsMatch
    blockHeight
    matrix {
      rule
      validators
      threshold
      agreeing
      met
      arithmetic
      otherRule
      otherThreshold
      otherMet
      computedPayersRoot
      computedPayeesRoot
      rows {
        validator
        known
        voted
        payersRoot
        payeesRoot
        fingerprint
        fingerprintValid
        signatureValid
        signatureBasis
        matchesRecomputed
        counted
        note
        source {
          block
          extrinsic
        }
      }
    }
    checks(where: {step_eq: "attestation"}, limit: 1000) {
      ...LineFields
    }
  }
  attestationVotes(
    where: {clusterId_eq: $clusterId, era_eq: $era}
    orderBy: blockHeight_ASC
    limit: 1000
  ) {
    id
    validatorId
    extrinsicId
    blockHeight
  }
  eraPayoutById(id: $id) {
    paid {
      kind
    }
  }
}
    fragment LineFields on VerificationLine {
  step
  check
  ok
  status
  code
  reason
  rule
  basis
  facts
  source {
    block
    blockHash
    eventIndex
    extrinsic
    url
  }
}`) as unknown as TypedDocumentString<RoundQuery, RoundQueryVariables>;
export const SearchNumberDocument = new TypedDocumentString(`
    query SearchNumber($n: Int!) {
  blockById(id: $n) {
    height
    hash
  }
  eraPayouts(where: {era_eq: $n}, limit: 100) {
    clusterId
    era
    ok
    failed
    paid {
      kind
    }
  }
  activityStats(groupBy: [CLUSTER, ERA], where: {era_eq: $n}, limit: 100) {
    clusterId
    era
    records
  }
  dacBatches(where: {era_eq: $n}, limit: 200) {
    clusterId
  }
}
    `) as unknown as TypedDocumentString<SearchNumberQuery, SearchNumberQueryVariables>;
export const SearchDashDocument = new TypedDocumentString(`
    query SearchDash($id: String!) {
  dacBatchById(id: $id) {
    id
    era
    clusterId
    leafCount
  }
  remarkById(id: $id) {
    id
    kind
    blockHeight
  }
  chainEventById(id: $id) {
    id
    name
    blockHeight
  }
  chainExtrinsicById(id: $id) {
    id
    name
    blockHeight
  }
}
    `) as unknown as TypedDocumentString<SearchDashQuery, SearchDashQueryVariables>;
export const SearchHexDocument = new TypedDocumentString(`
    query SearchHex($h: String!, $records: ActivityRecordWhereInput!) {
  blocks(where: {hash_eq: $h}, limit: 1) {
    height
  }
  chainExtrinsics(where: {hash_eq: $h}, limit: 5) {
    id
    blockHeight
    name
  }
  remarks(where: {hash_eq: $h}, limit: 5) {
    id
    blockHeight
    kind
  }
  dacBatches(where: {OR: [{payloadHash_eq: $h}, {root_eq: $h}]}, limit: 20) {
    id
    root
    era
  }
  grants(where: {payloadHash_eq: $h}, limit: 5) {
    seq
    userId
    agentId
  }
  attestationRounds(
    where: {OR: [{payersRoot_eq: $h}, {payeesRoot_eq: $h}]}
    limit: 20
  ) {
    clusterId
    era
    payersRoot
  }
  attestationVotes(
    where: {OR: [{payersRoot_eq: $h}, {payeesRoot_eq: $h}, {fingerprint_eq: $h}]}
    limit: 20
  ) {
    clusterId
    era
    validatorId
    fingerprint
    payersRoot
  }
  nodes(where: {id_eq: $h}, limit: 1) {
    id
    providerId
  }
  customerById(id: $h) {
    id
  }
  providerById(id: $h) {
    id
  }
  validatorById(id: $h) {
    id
  }
  asUser: grants(where: {userId_eq: $h}, limit: 1) {
    seq
  }
  asAgent: grants(where: {agentId_eq: $h}, limit: 1) {
    seq
  }
  activityRecords(where: $records, limit: 1) {
    id
  }
  payoutLines(where: {accountId_eq: $h}, limit: 1) {
    id
  }
  signed: chainExtrinsics(where: {signer_eq: $h}, limit: 1) {
    id
  }
  sent: remarks(where: {sender_eq: $h}, limit: 1) {
    id
  }
}
    `) as unknown as TypedDocumentString<SearchHexQuery, SearchHexQueryVariables>;
export const SearchClusterDocument = new TypedDocumentString(`
    query SearchCluster($id: String!) {
  clusterById(id: $id) {
    id
    blockHeight
  }
}
    `) as unknown as TypedDocumentString<SearchClusterQuery, SearchClusterQueryVariables>;
export const SearchTextDocument = new TypedDocumentString(`
    query SearchText($q: String!, $withPrefix: Boolean!) {
  activityRecordById(id: $q) {
    id
    recordId
  }
  exact: activityRecords(
    where: {recordId_eq: $q}
    orderBy: blockHeight_ASC
    limit: 20
  ) {
    id
    recordId
    blockHeight
  }
  prefix: activityRecords(
    where: {recordId_startsWith: $q}
    orderBy: recordId_ASC
    limit: 10
  ) @include(if: $withPrefix) {
    id
    recordId
  }
}
    `) as unknown as TypedDocumentString<SearchTextQuery, SearchTextQueryVariables>;
export const SentinelSummaryDocument = new TypedDocumentString(`
    query SentinelSummary {
  sentinelRounds(
    orderBy: [seedHeight_DESC, era_DESC, clusterId_ASC, sentinel_ASC]
    limit: 50
  ) {
    id
    clusterId
    era
    sentinel
    seedHeight
    seedHash
    seedCommitment
    seed
    vrfAlpha
    vrfProof
    population
    batches
    sampleSize
    targetConfidence
    targetBadFraction
    sampleRule
    nodes
    sampled
    ok
    failed
    lost
    nodeChecks
    failedByKind
    confidence
    badBound
    status
    completedAt
    updatedAt
  }
  rounds: sentinelRoundsConnection(first: 1, orderBy: [id_ASC]) {
    totalCount
  }
  all: sentinelChecksConnection(first: 1, orderBy: [id_ASC]) {
    totalCount
  }
  failed: sentinelChecksConnection(
    first: 1
    orderBy: [id_ASC]
    where: {ok_eq: false}
  ) {
    totalCount
  }
  window: sentinelChecks(orderBy: [checkedAt_DESC, id_DESC], limit: 1000) {
    nodeUrl
    ok
    kind
    latencyMs
    checkedAt
  }
}
    `) as unknown as TypedDocumentString<SentinelSummaryQuery, SentinelSummaryQueryVariables>;
export const SentinelFailedDocument = new TypedDocumentString(`
    query SentinelFailed($limit: Int!) {
  sentinelChecks(
    where: {ok_eq: false}
    orderBy: [checkedAt_DESC, id_DESC]
    limit: $limit
  ) {
    id
    roundId
    batchId
    activityId
    nodeUrl
    checkedAt
    kind
    code
    reason
    latencyMs
  }
}
    `) as unknown as TypedDocumentString<SentinelFailedQuery, SentinelFailedQueryVariables>;
export const IdsDocument = new TypedDocumentString(`
    query Ids($where: ActivityRecordWhereInput, $first: Int!, $after: String) {
  activityRecordsConnection(
    where: $where
    orderBy: [id_ASC]
    first: $first
    after: $after
  ) {
    edges {
      node {
        id
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<IdsQuery, IdsQueryVariables>;