/**
 * The real Cere runtimes the devnet runs, by spec version (a small module, so the scenario can
 * name them without loading the metadata builder). Their layouts are in devnet/metadata.ts.
 * @module
 */

/**
 * A real Cere runtime the devnet runs: its `spec_version` and `transaction_version` as
 * `Cerebellum-Network/blockchain-node` `runtime/cere-dev/src/lib.rs` declares them at `commit`
 * (the `dev` line, which Cere's devnet follows; docs/cere-runtimes.md §2.3 and §18). The DDC
 * pallets' layouts of each are in `ddcPallets` below, fact by fact from the same document.
 */
export interface CereRuntime {
  readonly specVersion: number;
  readonly transactionVersion: number;
  /** blockchain-node commit whose runtime carries this spec version (12 hex digits). */
  readonly commit: string;
}

/**
 * The runtimes the devnet runs, oldest first; `npm start` upgrades from each to the next with
 * `System.set_code`. 73047 is a devnet spec known from its real metadata (Cere's indexer, SQ
 * `specs/devnet-v73052.jsonl @e0bcc3ee589b`; its source lies between the dev commits of 73046 and
 * 73054, both `transaction_version: 24`).
 */
export const CERE_RUNTIMES: readonly CereRuntime[] = Object.freeze([
  { specVersion: 73047, transactionVersion: 24, commit: 'a0badef17cb6' },
  { specVersion: 73160, transactionVersion: 25, commit: 'd52d30dab935' },
  { specVersion: 73177, transactionVersion: 27, commit: 'fc7b19315287' },
]);

/** The newest runtime the devnet knows: single-runtime chains and layout variants build on it. */
export const LATEST_CERE_SPEC = 73177;

/**
 * Cere's last `dev`-line runtime with the "billing report" payout design (spec 71000,
 * `runtime/cere-dev/src/lib.rs @b3fd400687f1`: `spec_version: 71000`, `transaction_version: 24`):
 * DdcPayouts declares events only (`BillingReportInitialized` … `BillingFingerprintCommited`) and
 * the payout steps are calls of DdcVerification (`commit_billing_fingerprint`,
 * `begin_billing_report`, … `end_billing_report`, `skip_dac_validation_to_era`). Its metadata is
 * built like the others' (devnet/metadata.ts, docs/cere-runtimes.md §18), but it is not one of
 * `CERE_RUNTIMES`: the devnet's demo, indexer and verifier follow the receipt design of 73000 on.
 */
export const CERE_BILLING_REPORT_RUNTIME: CereRuntime = Object.freeze({
  specVersion: 71000,
  transactionVersion: 24,
  commit: 'b3fd400687f1',
});

/** Every Cere runtime the devnet can describe, oldest first: 71000, then `CERE_RUNTIMES`. */
export const ALL_CERE_RUNTIMES: readonly CereRuntime[] = Object.freeze([
  CERE_BILLING_REPORT_RUNTIME,
  ...CERE_RUNTIMES,
]);
