/**
 * The devnet's fault names, each a deviation the scenario can build into its chain
 * (devnet/scenario.ts). A module of its own so that the CLI's usage text lists them without
 * loading the scenario, which takes seconds.
 * @module
 */
export const DEVNET_FAULTS = [
  'bad-record-signature',
  'missing-role-signature',
  'grant-expired',
  'grant-revoked',
  'grant-out-of-scope',
  'payload-tampered',
  'payload-missing',
  'wrong-mmr-proof',
  'quorum-not-reached',
  'payout-unbalanced',
  'anchor-reorged',
  'anchor-not-final',
  'record-era-mismatch',
  'unregistered-signer',
  'unauthorized-anchor',
  'hidden-revocation',
  'fingerprint-mismatch',
  'validator-removed',
  'era-not-paid',
  'remark-hash-mismatch',
  'batch-root-mismatch',
] as const;
export type DevnetFault = (typeof DEVNET_FAULTS)[number];
