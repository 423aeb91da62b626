/**
 * The portable receipt bundle (format `proofroom/receipt-bundle`, version 1): one JSON document that
 * carries everything needed to re-check one activity record's chain of evidence offline.
 * docs/spec.md §Receipt bundle describes every field. Parsing is strict and collects every invalid
 * field (a malformed bundle is reported whole, not one field at a time); content that is well formed
 * but wrong becomes failed receipt lines, never a parse error.
 * @module
 */
import { toHex } from './bytes.ts';
import { parseJson } from './json.ts';
import { Reader } from './reader.ts';
import type { Source } from './lines.ts';
import type { AttestationInput } from './receipts/attestation.ts';
import type {
  BatchEvidence,
  ChainAmount,
  ConservationInput,
  SettlementInput,
} from './receipts/payout.ts';
import type { AnchorInput, InclusionInput } from './receipts/dac-batch.ts';
import type { GrantInput } from './receipts/gar.ts';

export const BUNDLE_FORMAT = 'proofroom/receipt-bundle';
export const BUNDLE_VERSION = 1;
export const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

export interface ReceiptBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: typeof BUNDLE_VERSION;
  readonly recordId: string;
  readonly chain: {
    readonly name: string;
    readonly genesisHash: string;
    readonly ss58Prefix: number;
  };
  readonly grant: { readonly versions: readonly GrantInput[] };
  /** The SCP activity record object as signed (checked by the record step). */
  readonly record: unknown;
  readonly inclusion: InclusionInput & {
    readonly batchIndex: number;
    readonly payloadUrls: readonly string[];
  };
  readonly anchor: AnchorInput;
  readonly attestation: AttestationInput;
  readonly settlement: SettlementInput;
  readonly conservation: ConservationInput;
}

export type BundleParse =
  | { readonly ok: true; readonly bundle: ReceiptBundle }
  | { readonly ok: false; readonly errors: readonly string[] };

function withSource<T extends object>(
  value: T,
  source: Source | undefined
): T & { source?: Source } {
  return source ? { ...value, source } : value;
}

function readBatch(r: Reader, v: unknown, path: string): BatchEvidence {
  const o = r.obj(v, path);
  const events: ChainAmount[] = r.arr(o.events, `${path}.events`, 1000).map((e, i) => {
    const p = `${path}.events[${i}]`;
    const eo = r.obj(e, p);
    return withSource(
      {
        account: r.hex(eo.account, `${p}.account`, 32),
        amount: r.amount(eo.amount, `${p}.amount`),
        expected:
          eo.expected === undefined || eo.expected === null
            ? null
            : r.amount(eo.expected, `${p}.expected`),
      },
      r.source(eo.source, `${p}.source`)
    );
  });
  return withSource(
    {
      batchIndex: r.int(o.batchIndex, `${path}.batchIndex`, 0xffff),
      maxBatchIndex: r.int(o.maxBatchIndex, `${path}.maxBatchIndex`, 0xffff),
      entries: r.entries(o.entries, `${path}.entries`),
      proof: r.proof(o.proof, `${path}.proof`),
      events,
    },
    r.source(o.source, `${path}.source`)
  );
}

/** Parses a bundle from JSON text or an already parsed value. Never throws. */
export function parseBundle(input: string | unknown): BundleParse {
  let value: unknown = input;
  if (typeof input === 'string') {
    if (input.length > MAX_BUNDLE_BYTES)
      return { ok: false, errors: [`bundle: larger than ${MAX_BUNDLE_BYTES} bytes`] };
    const j = parseJson(input, { maxLength: MAX_BUNDLE_BYTES });
    if (!j.ok)
      return {
        ok: false,
        errors: [
          `bundle: not valid JSON (${String(j.facts.error)} at offset ${String(j.facts.offset)})`,
        ],
      };
    value = j.value;
  }
  const r = new Reader();
  const b = r.obj(value, 'bundle');
  if (b.format !== BUNDLE_FORMAT) {
    return {
      ok: false,
      errors: [
        `format: expected "${BUNDLE_FORMAT}", got ${JSON.stringify(b.format ?? null)?.slice(0, 80)}`,
      ],
    };
  }
  if (b.version !== BUNDLE_VERSION) {
    return {
      ok: false,
      errors: [
        `version: this verifier reads version ${BUNDLE_VERSION}, the bundle says ${JSON.stringify(b.version ?? null)?.slice(0, 20)}`,
      ],
    };
  }
  const recordId = r.str(b.recordId, 'recordId', 64);
  const c = r.obj(b.chain, 'chain');
  const chain = {
    name: r.str(c.name, 'chain.name', 200),
    genesisHash: toHex(r.hex(c.genesisHash, 'chain.genesisHash', 32)),
    ss58Prefix: r.int(c.ss58Prefix, 'chain.ss58Prefix', 16383),
  };
  const g = r.obj(b.grant, 'grant');
  const versions: GrantInput[] = r.arr(g.versions, 'grant.versions', 256).map((v, i) => {
    const o = r.obj(v, `grant.versions[${i}]`);
    return withSource(
      { payload: o.payload, signature: o.signature },
      r.source(o.source, `grant.versions[${i}].source`)
    );
  });
  if (b.record === undefined) r.err('record', 'missing');

  const inc = r.obj(b.inclusion, 'inclusion');
  const inclusion = withSource(
    {
      batchIndex: r.int(inc.batchIndex, 'inclusion.batchIndex'),
      leafIndex: r.int(inc.leafIndex, 'inclusion.leafIndex'),
      leafCount: r.int(inc.leafCount, 'inclusion.leafCount'),
      proof: r.proof(inc.proof, 'inclusion.proof'),
      root: r.hex(inc.root, 'inclusion.root', 32),
      payloadUrls: r
        .arr(inc.payloadUrls ?? [], 'inclusion.payloadUrls', 16)
        .map((u, i) => r.str(u, `inclusion.payloadUrls[${i}]`, 2048)),
    },
    r.source(inc.source, 'inclusion.source')
  );

  const an = r.obj(b.anchor, 'anchor');
  const blk = r.obj(an.block, 'anchor.block');
  const anchor = withSource(
    {
      envelope: r.hex(an.envelope, 'anchor.envelope'),
      remarkHash: r.hex(an.remarkHash, 'anchor.remarkHash', 32),
      block: {
        number: r.int(blk.number, 'anchor.block.number'),
        hash: toHex(r.hex(blk.hash, 'anchor.block.hash', 32)),
        finalized: r.bool(blk.finalized, 'anchor.block.finalized'),
      },
    },
    r.source(an.source, 'anchor.source')
  );
  if (anchor.envelope.length > 1 << 20) r.err('anchor.envelope', 'larger than 1 MiB');

  const at = r.obj(b.attestation, 'attestation');
  const act = r.obj(at.activity, 'attestation.activity');
  const attestation: AttestationInput = {
    clusterId: r.hex(at.clusterId, 'attestation.clusterId', 20),
    era: r.int(at.era, 'attestation.era'),
    ehdId:
      at.ehdId === null || at.ehdId === undefined
        ? null
        : r.str(at.ehdId, 'attestation.ehdId', 512),
    validators: r
      .arr(at.validators, 'attestation.validators', 10_000)
      .map((v, i) => r.hex(v, `attestation.validators[${i}]`, 32)),
    votes: r.arr(at.votes, 'attestation.votes', 10_000).map((v, i) => {
      const p = `attestation.votes[${i}]`;
      const o = r.obj(v, p);
      return withSource(
        {
          validator: r.hex(o.validator, `${p}.validator`, 32),
          payersRoot: r.hex(o.payersRoot, `${p}.payersRoot`, 32),
          payeesRoot: r.hex(o.payeesRoot, `${p}.payeesRoot`, 32),
          fingerprint:
            o.fingerprint === undefined || o.fingerprint === null
              ? null
              : r.hex(o.fingerprint, `${p}.fingerprint`, 32),
        },
        r.source(o.source, `${p}.source`)
      );
    }),
    activity: {
      batchSize: Math.max(1, r.int(act.batchSize, 'attestation.activity.batchSize', 100_000)),
      payers: r.entries(act.payers, 'attestation.activity.payers'),
      payees: r.entries(act.payees, 'attestation.activity.payees'),
    },
  };

  const st = r.obj(b.settlement, 'settlement');
  if (st.paid === undefined)
    r.err('settlement.paid', 'missing (null when ClusterEraPaid was not emitted)');
  const settlement: SettlementInput = {
    paid:
      st.paid === null || st.paid === undefined
        ? null
        : (r.source(st.paid, 'settlement.paid') ?? null),
    payers: readBatch(r, st.payers, 'settlement.payers'),
    payees: readBatch(r, st.payees, 'settlement.payees'),
  };

  const co = r.obj(b.conservation, 'conservation');
  let shares: ConservationInput['shares'] = null;
  if (co.shares !== null && co.shares !== undefined) {
    const s = r.obj(co.shares, 'conservation.shares');
    shares = {
      treasury: r.amount(s.treasury, 'conservation.shares.treasury'),
      validators: r.amount(s.validators, 'conservation.shares.validators'),
      reserve: r.amount(s.reserve, 'conservation.shares.reserve'),
    };
  }
  const conservation: ConservationInput = withSource(
    {
      charged: r.amount(co.charged, 'conservation.charged'),
      treasuryFees: r.amount(co.treasuryFees, 'conservation.treasuryFees'),
      reserveFees: r.amount(co.reserveFees, 'conservation.reserveFees'),
      validatorFees: r.amount(co.validatorFees, 'conservation.validatorFees'),
      rewarded: r.amount(co.rewarded, 'conservation.rewarded'),
      notDistributed: r.amount(co.notDistributed, 'conservation.notDistributed'),
      shares,
    },
    r.source(co.source, 'conservation.source')
  );

  if (r.errors.length > 0) return { ok: false, errors: r.errors };
  return {
    ok: true,
    bundle: {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      recordId,
      chain,
      grant: { versions },
      record: b.record,
      inclusion,
      anchor,
      attestation,
      settlement,
      conservation,
    },
  };
}
