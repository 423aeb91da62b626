import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHex } from '../verifier/bytes.ts';
import { decodeEnvelope } from '../verifier/envelope.ts';
import { type GrantEvidence, type GrantInput, checkGrant } from '../verifier/receipts/gar.ts';
import { checkScpRecord, parseScpRecord } from '../verifier/receipts/scp-record.ts';
import { pureBackend } from '../verifier/signatures.ts';
import { generate } from './gen/scp-vectors.ts';

/** A grant history as the GAR service served it, with no anchors (grant.anchored then waits). */
function served(versions: readonly GrantInput[]): GrantEvidence {
  return { versions, anchors: [], anchorKey: null, complete: true };
}

const file = JSON.parse(
  readFileSync(new URL('./vectors/scp-vectors.json', import.meta.url), 'utf8')
);

describe('golden vectors of docs/spec.md (test/vectors/scp-vectors.json)', () => {
  it('the code reproduces every vector byte for byte', () => {
    expect(JSON.parse(JSON.stringify(generate()))).toEqual(file);
  });

  it('the GAR vector verifies as the CEF SDK would produce it', () => {
    const { wire, payloadText } = file.gar;
    expect(Buffer.from(wire.payload, 'base64url').toString('utf8')).toBe(payloadText);
    const user = parseHex(wire.signature.signer)!;
    const agent = parseHex(JSON.parse(payloadText).agent_service_pub_key)!;
    const lines = checkGrant(
      served([wire]),
      {
        user,
        agent,
        scope: { workspace_id: 'ws-1', stream_id: 'stream-1' },
        at: Date.parse('2026-11-20T00:00:00Z'),
      },
      pureBackend
    );
    // Every line passes but the anchoring one, which waits: the vector comes without anchors.
    expect(lines.filter((l) => !l.ok).map((l) => `${l.check}:${l.status}`)).toEqual([
      'grant.anchored:pending',
    ]);
  });

  it('the SCP record vector verifies, and its signed bytes are the documented JCS text', () => {
    const p = parseScpRecord(file.scpRecord.record);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(checkScpRecord(p.value, pureBackend).every((l) => l.ok)).toBe(true);
    expect(file.scpRecord.signingText.startsWith('{"agent":')).toBe(true);
    expect(file.scpRecord.signingText).not.toContain('"signatures"');
  });

  it('the envelope vector decodes', () => {
    expect(decodeEnvelope(parseHex(file.envelope.dacBatch)!)).toMatchObject({
      ok: true,
      value: { kind: 'DacBatch', era: 7, leafCount: 1 },
    });
  });
});
