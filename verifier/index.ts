/**
 * Proof Room verifier: the pure core. Runs unchanged in Node and in browsers; takes time, keys and
 * policy as arguments; never reads the clock, the network or the environment. A Node-only entry
 * with a faster signature backend is `verifier/node/index.ts`.
 * @module
 */
export { blake2b128, blake2b256, blake2s256 } from './hash.ts';
export { equalBytes, parseHex, toHex } from './bytes.ts';
export {
  type SignatureAlgorithm,
  type SignatureBackend,
  pureBackend,
  verifyEd25519,
  verifySr25519,
} from './signatures.ts';
export {
  type Merge,
  leafIndexToMmrSize,
  leafIndexToPos,
  mmrProof,
  mmrProofs,
  mmrRoot,
  mmrRootFromProof,
  mmrVerify,
  mmrPath,
  type MmrPathStep,
} from './mmr.ts';
export {
  type PayoutEntry,
  cereMerge,
  payoutBatchProof,
  payoutBatchRoot,
  payoutEraRoot,
  payoutTree,
  payoutLeaf,
  sortPayoutEntries,
  splitToBatches,
  verifyPayoutBatch,
} from './payout-tree.ts';
export { QUORUM_RULES, type QuorumRule, type Tally, quorumThreshold, tally } from './quorum.ts';
export {
  type Basis,
  type Fact,
  type Facts,
  type Line,
  type LineStatus,
  LINE_STATUSES,
  type ReasonCode,
  REASONS,
  STEPS,
  type Source,
  type Step,
} from './lines.ts';
export { canonicalBytes, canonicalJson } from './jcs.ts';
export { parseJson } from './json.ts';
export { formatRfc3339, parseRfc3339 } from './time.ts';
export * as gar from './receipts/gar.ts';
export * as scpRecord from './receipts/scp-record.ts';
export * as dacRecord from './receipts/dac-record.ts';
export * as dacBatch from './receipts/dac-batch.ts';
export * as attestation from './receipts/attestation.ts';
export * as payout from './receipts/payout.ts';
export * as activity from './receipts/activity.ts';
export * as registration from './receipts/registration.ts';
export {
  type DacBatchEnvelope,
  type Envelope,
  decodeEnvelope,
  encodeEnvelope,
} from './envelope.ts';
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type BundleInputs,
  type ReceiptBundle,
  type ReceiptBundleJson,
  parseBundle,
  writeBundle,
} from './bundle.ts';
export {
  DEFAULT_POLICY,
  type EraOutcome,
  type EraState,
  type EraSubjectInput,
  type Receipt,
  type ReceiptMemos,
  type ReceiptPolicy,
  type SubjectLines,
  VERIFIER_VERSION,
  completeSubject,
  eraStateOf,
  orderReceiptLines,
  summarise,
  verifyAnchorSubject,
  verifyEraSubject,
  verifyLinksSubject,
  type BundleReport,
  type BundleVerifyOptions,
  verifyBundle,
  verifyReceipt,
  verifyReceiptSubjects,
  verifyRecordSubject,
  verifySettlementSubject,
} from './receipt.ts';
export {
  CATALOGUE,
  type CheckSpec,
  SUBJECT_ORDER,
  type SubjectKind,
  catalogueGaps,
  patternOf,
  requiredChecks,
  specOf,
} from './catalogue.ts';
export {
  type CheckWords,
  type CodeSentences,
  type ExplainableLine,
  type LineWords,
  SENTENCES,
  explainLine,
} from './sentences.ts';
export {
  RECEIPT_KINDS,
  type ReceiptKind,
  type RecordParties,
  kindById,
  kindOfFormat,
  scpJsonKind,
} from './kinds.ts';
export {
  type DigestItem,
  GRANDPA_ENGINE_ID,
  type GrandpaAuthority,
  type GrandpaChange,
  type Header,
  decodeGrandpaLog,
  decodeHeader,
  encodeGrandpaLog,
  encodeHeader,
  grandpaDigest,
  grandpaDigestItem,
  headerHash,
} from './header.ts';
export {
  EMPTY_TRIE_ROOT,
  type TrieNode,
  type TrieRef,
  decodeProofEntries,
  decodeTrieNode,
  readStorageProof,
  readStorageProofs,
} from './trie.ts';
export {
  type GrandpaFinality,
  type GrandpaJustification,
  type SignedPrecommit,
  decodeGrandpaJustification,
  encodeGrandpaJustification,
  grandpaThreshold,
  precommitPayload,
  verifyGrandpaJustification,
} from './grandpa.ts';
export {
  type DecodedCall,
  type DecodedEvent,
  type DecodedExtrinsic,
  type EventPhase,
  MAX_SCALE_BYTES,
  PINNED_RUNTIMES,
  type PinnedRuntime,
  type ScaleObject,
  type ScaleValue,
  type ScaleVariant,
  decodeEvents,
  decodeExtrinsic,
  decodeLastRuntimeUpgrade,
  pinnedRuntime,
} from './scale.ts';
export {
  type ChainBinding,
  type ChainFacts,
  type ChainProofs,
  ChainView,
  type CitedBlocks,
  type RpcBatch,
  STORAGE_KEYS,
  type TrustRoots,
  askTrustedNode,
  bindChainFacts,
  citedBlocks,
  parseTrustedAuthorities,
  viewKey,
} from './chain.ts';
export { ChainProofSource, ChainRpcError, encodeHeaderJson, proveBundle } from './proof-source.ts';
