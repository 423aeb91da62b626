/**
 * Pins `parseBundle` and `writeBundle` (verifier/bundle.ts) step by step: for each part of a
 * bundle the parser reads (text, format/version/kind, chain, grant, record, inclusion, anchor,
 * attestation, settlement, conservation, registration, the anchored-batch cross-check, proofs), a
 * malformed bundle gives exactly the error that step writes, and a bundle broken in every part at
 * once lists its errors in the order the parser reads the parts. The writer's JSON reads back to
 * the same bundle, optional sections included.
 */
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../devnet/receipt-scenario.ts';
import {
  MAX_BUNDLE_BYTES,
  type ReceiptBundleJson,
  parseBundle,
  writeBundle,
} from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { verifyBundle } from '../verifier/receipt.ts';
import { clone, setPath } from './helpers/mutate.ts';

const honest = buildScenario({ records: 3 }).bundles[0] as ReceiptBundleJson;
const h32 = (c: string): string => `0x${c.repeat(64)}`;

/** The honest bundle with `changes` (path → value; undefined deletes) applied. */
function variant(changes: Record<string, unknown>): Record<string, unknown> {
  const b = clone(honest) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    if (value === undefined) {
      const parts = path.split('.');
      const last = parts.pop() as string;
      const parent = parts.reduce<any>((o, k) => o[k], b);
      delete parent[last];
    } else setPath(b, path, value);
  }
  return b;
}

function errorsOf(input: unknown): readonly string[] {
  const p = parseBundle(input);
  return p.ok ? [] : p.errors;
}

describe('parseBundle, step by step', () => {
  it('the honest bundle parses', () => {
    expect(errorsOf(honest)).toEqual([]);
    expect(errorsOf(JSON.stringify(honest))).toEqual([]);
  });

  it('text: too large or not JSON is the only error', () => {
    expect(errorsOf('x'.repeat(MAX_BUNDLE_BYTES + 1))).toEqual([
      `bundle: larger than ${MAX_BUNDLE_BYTES} bytes`,
    ]);
    const e = errorsOf('{"format":');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^bundle: not valid JSON \(.+ at offset \d+\)$/);
  });

  it('head: a wrong format, version or kind ends the parse with that one error', () => {
    expect(errorsOf(variant({ format: 'other' }))).toEqual([
      'format: expected "proofroom/receipt-bundle", got "other"',
    ]);
    // Not an object: the format error alone, not the object error before it.
    expect(errorsOf(42)).toEqual(['format: expected "proofroom/receipt-bundle", got null']);
    expect(errorsOf(variant({ version: 4 }))).toEqual([
      'version: this verifier reads versions 1 to 3, the bundle says 4',
    ]);
    expect(errorsOf(variant({ kind: 'nope', chain: 5 }))).toEqual(['kind: no receipt kind "nope"']);
    // A version 2 or 3 bundle must name its kind; version 1 means scp-json.
    expect(errorsOf(variant({ kind: undefined }))).toEqual(['kind: no receipt kind undefined']);
  });

  it('chain and grant', () => {
    expect(errorsOf(variant({ 'chain.ss58Prefix': 16384 }))).toEqual([
      'chain.ss58Prefix: expected an integer in [0, 16383]',
    ]);
    expect(errorsOf(variant({ 'grant.complete': 'yes' }))).toEqual([
      'grant.complete: expected true or false',
    ]);
  });

  it('record: missing, unreadable bytes, a shown record that differs, another record id', () => {
    expect(errorsOf(variant({ record: undefined }))).toEqual(['record: missing']);
    expect(errorsOf(variant({ recordBytes: 'not base64url!' }))).toEqual([
      'recordBytes: expected base64url',
    ]);
    expect(errorsOf(variant({ 'record.era': 8 }))).toEqual([
      'record: differs from the record its recordBytes carry',
    ]);
    expect(errorsOf(variant({ recordId: 'dac-other' }))).toEqual([
      `recordId: the bundle names dac-other but its record is ${honest.recordId}`,
    ]);
  });

  it('inclusion and the anchored batch it must agree with', () => {
    expect(errorsOf(variant({ 'inclusion.leafCount': -1 }))).toEqual([
      'inclusion.leafCount: expected an integer in [0, 4294967295]',
    ]);
    // Each copy of a fact of the anchored envelope must be that fact.
    expect(errorsOf(variant({ 'inclusion.root': h32('e') }))).toEqual([
      "inclusion.root: differs from the anchored envelope's root",
    ]);
    expect(errorsOf(variant({ 'inclusion.leafCount': 4, 'inclusion.batchIndex': 1 }))).toEqual([
      "inclusion.leafCount: differs from the anchored envelope's leaf count",
      "inclusion.batchIndex: differs from the anchored envelope's batch index",
    ]);
    expect(errorsOf(variant({ 'attestation.era': 8 }))).toEqual([
      "attestation: names another cluster or era than the anchored batch's",
    ]);
    // The cross-check only runs on an otherwise valid bundle.
    expect(errorsOf(variant({ 'attestation.era': 8, 'chain.name': 5 }))).toEqual([
      'chain.name: expected a string',
    ]);
  });

  it('anchor: its fields, the cluster keys and the envelope size', () => {
    expect(errorsOf(variant({ 'anchor.remarkHash': '0x12' }))).toEqual([
      'anchor.remarkHash: expected 32-byte 0x-hex',
    ]);
    expect(errorsOf(variant({ 'anchor.authority.nodes[0].provider': 'x' }))).toEqual([
      'anchor.authority.nodes[0].provider: expected 32-byte 0x-hex',
    ]);
    expect(errorsOf(variant({ 'anchor.envelope': `0x${'00'.repeat((1 << 20) + 1)}` }))).toEqual([
      'anchor.envelope: larger than 1 MiB',
    ]);
  });

  it('attestation: votes, validator set, payout, design, billing, committed roots, activity', () => {
    expect(
      errorsOf(
        variant({
          'attestation.votes[0].payersRoot': 'x',
          'attestation.validators': 'x',
          'attestation.payout.fingerprint': 'x',
          'attestation.design': 'other',
          'attestation.billing': { pricing: null, payers: {}, payees: 5 },
          'attestation.committed': { payers: { maxBatchIndex: null, batchRoots: ['x'] } },
          'attestation.activity': undefined,
        })
      )
    ).toEqual([
      'attestation.votes[0].payersRoot: expected 32-byte 0x-hex',
      'attestation.validators: expected an array',
      'attestation.payout.fingerprint: expected 32-byte 0x-hex',
      'attestation.design: expected "billing-report" or no field',
      'attestation.billing.payers.maxBatchIndex: expected an integer in [0, 65535]',
      'attestation.billing.payers.batches: expected an array',
      'attestation.billing.payees: expected an object',
      'attestation.billing.payees.maxBatchIndex: expected an integer in [0, 65535]',
      'attestation.billing.payees.batches: expected an array',
      'attestation.committed.payers.batchRoots[0]: expected 32-byte 0x-hex',
      'attestation.committed.payees: expected an object',
      'attestation.committed.payees.maxBatchIndex: expected an integer in [0, 65535]',
      'attestation.committed.payees.batchRoots: expected an array',
      'attestation.activity: expected an object',
      'attestation.activity.batchSize: expected an integer in [0, 100000]',
      'attestation.activity.payers: expected an array',
      'attestation.activity.payees: expected an array',
    ]);
  });

  it('settlement: paid, skipped, superseded and the batches', () => {
    expect(errorsOf(variant({ 'settlement.paid': undefined }))).toEqual([
      'settlement.paid: missing (null when ClusterEraPaid was not emitted)',
    ]);
    expect(errorsOf(variant({ 'settlement.skipped': 'yes' }))).toEqual([
      'settlement.skipped: must be a boolean',
    ]);
    expect(errorsOf(variant({ 'settlement.paid': null, 'settlement.skipped': true }))).toEqual([
      'settlement.skipped: an era can only be skipped by a ClusterEraPaid (paid is null)',
    ]);
    expect(
      errorsOf(
        variant({
          'settlement.superseded': { era: -1 },
          'settlement.payers.events[0].amount': '-1',
        })
      )
    ).toEqual([
      'settlement.superseded.era: expected an integer in [0, 4294967295]',
      'settlement.payers.events[0].amount: expected a u128 as a decimal string',
    ]);
  });

  it('conservation, registration and proofs', () => {
    expect(
      errorsOf(variant({ 'conservation.charged': 5, 'conservation.shares': { treasury: '1' } }))
    ).toEqual([
      'conservation.shares.validators: expected a u128 as a decimal string',
      'conservation.shares.reserve: expected a u128 as a decimal string',
      'conservation.charged: expected a u128 as a decimal string',
    ]);
    expect(errorsOf(variant({ 'registration.membership[0].kind': 'moved' }))).toEqual([
      'registration.membership[0].kind: expected added or removed',
    ]);
    // Version 1 has no registration: whatever stands there is not read.
    expect(errorsOf(variant({ version: 1, registration: 5 }))).not.toContain(
      'registration: expected an object'
    );
    expect(
      errorsOf(
        variant({ proofs: { headers: 'x', storage: [], justifications: [], authorities: null } })
      )
    ).toEqual(['proofs.headers: expected an array']);
    // Only version 3 reads proofs.
    expect(errorsOf(variant({ version: 2, proofs: { headers: 'x' } }))).toEqual([]);
  });

  it('a bundle broken in every part lists its errors in the order the parts are read', () => {
    const e = errorsOf(
      variant({
        proofs: { headers: 'x', storage: [], justifications: [], authorities: null },
        'attestation.era': 'x',
        'registration.node': 'x',
        'conservation.charged': 'x',
        'settlement.superseded': { era: 'x' },
        'attestation.votes[0].payersRoot': 'x',
        'anchor.remarkHash': 'x',
        'inclusion.leafIndex': 'x',
        recordBytes: '!',
        'grant.complete': 'x',
        'chain.name': 5,
        recordId: 5,
      })
    );
    expect(e).toEqual([
      'recordId: expected a string',
      'chain.name: expected a string',
      'grant.complete: expected true or false',
      'recordBytes: expected base64url',
      'inclusion.leafIndex: expected an integer in [0, 4294967295]',
      'anchor.remarkHash: expected 32-byte 0x-hex',
      'attestation.votes[0].payersRoot: expected 32-byte 0x-hex',
      'settlement.superseded.era: expected an integer in [0, 4294967295]',
      'conservation.charged: expected a u128 as a decimal string',
      'registration.node: expected 32-byte 0x-hex',
      'attestation.era: expected an integer in [0, 4294967295]',
      'proofs.headers: expected an array',
    ]);
  });
});

describe('writeBundle', () => {
  it('writes a parsed bundle back to the same JSON, key for key', () => {
    const p = parseBundle(honest);
    if (!p.ok) throw new Error(p.errors.join('; '));
    expect(JSON.stringify(writeBundle({ ...p.bundle, kind: p.bundle.kind.id }))).toBe(
      JSON.stringify(honest)
    );
  });

  it('keeps every optional section through a write and a parse', () => {
    const usage = {
      transferredBytes: '1',
      storedBytes: '-2',
      numberOfPuts: '3',
      numberOfGets: '4',
    };
    const rich = variant({
      'attestation.design': 'billing-report',
      'attestation.billing': {
        pricing: {
          unitPerMbStored: '1',
          unitPerMbStreamed: '2',
          unitPerPutRequest: '3',
          unitPerGetRequest: '4',
        },
        payers: { maxBatchIndex: 0, batches: [[{ key: '5', usage }], null] },
        payees: { maxBatchIndex: null, batches: [[{ key: h32('a'), usage }]] },
      },
      'attestation.committed': {
        payers: { maxBatchIndex: 1, batchRoots: [h32('b'), null] },
        payees: { maxBatchIndex: null, batchRoots: [] },
      },
      'attestation.votes[0].billing': { era: 3, startEra: '-1', endEra: '9', clusterUsage: usage },
      'settlement.skipped': true,
      'settlement.superseded': { era: 9, source: { block: 3 } },
      'settlement.payers': {
        batchIndex: 0,
        maxBatchIndex: 1,
        usageEntries: [{ key: '7', usage }],
        keys: ['7'],
        proof: [h32('c')],
        events: [{ account: h32('d'), amount: '5', expected: null }],
      },
      'conservation.shares': { treasury: '1', validators: '2', reserve: '3' },
      proofs: {
        headers: ['0x00'],
        storage: [{ block: h32('1'), nodes: ['0x01'] }],
        justifications: [{ block: h32('2'), setId: '7', justification: '0x02' }],
        authorities: { setId: '7', keys: [h32('3')] },
        extrinsics: [{ block: h32('4'), index: 1, extrinsic: '0x03', nodes: ['0x04'] }],
      },
    });
    const p = parseBundle(rich);
    if (!p.ok) throw new Error(p.errors.join('; '));
    const written = writeBundle({ ...p.bundle, kind: p.bundle.kind.id });
    expect(written).toEqual(rich);
    const again = parseBundle(JSON.parse(JSON.stringify(written)));
    if (!again.ok) throw new Error(again.errors.join('; '));
    expect(again.bundle.era).toEqual(p.bundle.era);
    expect(again.bundle.settlement).toEqual(p.bundle.settlement);
    expect(again.bundle.proofs).toEqual(p.bundle.proofs);
    // The era key is the era's sections exactly as the bundle states them.
    const st = written.settlement;
    expect(again.bundle.eraKey).toBe(
      JSON.stringify([written.attestation, st.paid, true, st.superseded, written.conservation])
    );
    expect(p.bundle.era).toMatchObject({ design: 'billing-report', skipped: true });
  });
});

describe('hostile values anywhere in a bundle', () => {
  // `parseJson` builds objects without a prototype, so `String(value)` on one throws. Every field
  // of the honest bundle, replaced in turn by an object or an array holding one, must give errors
  // or a verdict: never an exception, from the parser or from the verifier.
  const leaves: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    } else leaves.push(path);
  };
  walk(honest, '');

  it('parses and verifies every field replaced by {} or [{}] without throwing', () => {
    expect(leaves.length).toBeGreaterThan(100);
    let rejected = 0;
    let verified = 0;
    for (const path of leaves) {
      for (const hostile of [{}, [{}]]) {
        const text = JSON.stringify(variant({ [path]: hostile }));
        const p = parseBundle(text);
        if (!p.ok) {
          rejected++;
          continue;
        }
        const report = verifyBundle(p.bundle, nodeBackend);
        expect(report.lines.length, path).toBeGreaterThan(0);
        verified++;
      }
    }
    expect(rejected + verified).toBe(leaves.length * 2);
    expect(rejected).toBeGreaterThan(0);
  });
});
