/**
 * Sentinel evidence (format `proofroom/sentinel-evidence/2`): one JSON document per failed spot
 * check, signed by the sentinel's ed25519 key, that lets a third party see what was asked, what
 * came back and why that contradicts what the chain anchored. docs/spec.md §Sentinel evidence
 * describes every field.
 *
 * What a reader can check without trusting the sentinel:
 * - the signature (so the document is the sentinel's own statement, unaltered);
 * - the draw: the VRF proof of the round's input under the sentinel's key, the seed it yields, and
 *   that the leaf is among the sample's n smallest ranks over the stated population (so the
 *   sentinel did not pick the leaf; verifier/draw.ts). Which batches the era anchored up to the
 *   paying block is the sentinel's statement, checkable against the chain;
 * - the anchor: the envelope bytes hash to the `System.Remarked` hash and commit to the expected
 *   payload hash, root and size (the block's finality is trusted, as in receipts);
 * - the expected record: its leaf and MMR proof lead to the anchored root;
 * - the response: when the body is included, its hash and length, and that those bytes fail the
 *   payload check with the claimed code.
 * What only the sentinel's signature vouches for: that the node sent those bytes (nodes do not sign
 * their answers), and for `missing`, `timeout` and `error` claims, the status or silence itself.
 * Those lines say so (`basis: trusted`, `attestedBy`).
 * @module
 */
import { equalBytes, parseHex, toHex, utf8, concatBytes } from './bytes.ts';
import { decodeEnvelope, type DacBatchEnvelope } from './envelope.ts';
import { blake2b256 } from './hash.ts';
import { canonicalBytes } from './jcs.ts';
import { parseJson } from './json.ts';
import { type Basis, type Facts, type Line, type ReasonCode, pass, verdict } from './lines.ts';
import { Reader } from './reader.ts';
import { checkBatchPayloadLeaves, checkInclusion } from './receipts/dac-batch.ts';
import type { SignatureBackend } from './signatures.ts';
import { drawAlpha, leavesRankedBefore } from './draw.ts';
import { VRF_FAILURES, verify as vrfVerify } from './vrf.ts';

export const EVIDENCE_FORMAT = 'proofroom/sentinel-evidence/2';
/**
 * Earlier formats, recognised only to refuse them by name: version 1 (commit-reveal seeds) carried
 * no draw, so nothing in it shows the leaf was not chosen.
 */
export const OLD_EVIDENCE_FORMATS: readonly string[] = ['proofroom/sentinel-evidence/1'];
/** The document's fields, in the order docs/spec.md §12.3 lists them. */
export const EVIDENCE_FIELDS = [
  'format',
  'sentinel',
  'claim',
  'subject',
  'draw',
  'request',
  'response',
  'expected',
  'anchor',
  'proof',
  'peers',
  'checkedAt',
  'signature',
] as const;
/** Largest evidence document accepted, in UTF-16 code units. */
export const MAX_EVIDENCE_BYTES = 8 * 1024 * 1024;
/** Largest response body an evidence document may carry (before hex encoding). */
export const MAX_EVIDENCE_BODY = 2 * 1024 * 1024;
/** Most batches a draw's population may list (the document's size limit binds first in practice). */
export const MAX_DRAW_BATCHES = 100_000;
/**
 * Largest population a draw may state. Checking the draw hashes every leaf once, so a hostile
 * document stating billions of leaves would keep the verifier busy for hours; 2^26 (67 million
 * leaves, a minute or so of hashing) is far above any era the sentinel has met.
 */
export const MAX_DRAW_POPULATION = 2 ** 26;

/** How a storage node failed a spot check (`ok` is not evidence and has no document). */
export const FAILURE_KINDS = ['mismatch', 'missing', 'timeout', 'error'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];
export type CheckKind = 'ok' | FailureKind;

/** Transport errors a fetch can end with (null: an HTTP answer arrived whole). */
export const FETCH_ERRORS = ['timeout', 'unreachable', 'too-large', 'interrupted'] as const;
export type FetchError = (typeof FETCH_ERRORS)[number];

/** Reason codes each kind may claim. */
const CLAIM_CODES: Readonly<Record<FailureKind, readonly ReasonCode[]>> = {
  mismatch: ['HASH_MISMATCH', 'ROOT_MISMATCH', 'MALFORMED', 'BAD_ENCODING', 'TOO_LARGE'],
  missing: ['UNAVAILABLE'],
  timeout: ['UNAVAILABLE'],
  error: ['UNAVAILABLE', 'TOO_LARGE'],
};

export interface EvidenceResponse {
  /** HTTP status, or null when no whole answer arrived (see `error`). */
  readonly status: number | null;
  readonly error: FetchError | null;
  /** Body length and blake2b-256, when a 200 body arrived whole. */
  readonly bytes: number | null;
  readonly hash: string | null;
  /** The body as 0x-hex, when it arrived and is at most the sentinel's inclusion limit. */
  readonly body: string | null;
  readonly latencyMs: number;
}

/** What a peer node answered for the same payload (to compare the nodes). */
export interface EvidencePeer {
  readonly node: string;
  readonly status: number | null;
  readonly error: FetchError | null;
  readonly hash: string | null;
}

/**
 * The round's draw (docs/spec.md §12.1): enough to check that the sentinel's VRF fixed the seed and
 * that the subject's leaf is in the sample.
 */
export interface EvidenceDraw {
  /** The finalized block whose `ClusterEraPaid` closed the era; its hash is part of alpha. */
  readonly blockHeight: number;
  readonly blockHash: string;
  /** The VRF input: `proofroom/sentinel/draw/v1` ‖ cluster id ‖ u32le(era) ‖ block hash. */
  readonly alpha: string;
  /** ECVRF-EDWARDS25519-SHA512-TAI proof of alpha under the sentinel's key (80 bytes). */
  readonly proof: string;
  /** The seed: the VRF output beta (64 bytes). */
  readonly seed: string;
  /** n: how many leaves the round samples. */
  readonly sampleSize: number;
  /** N: the leaves of the listed batches. */
  readonly population: number;
  /** The era's batches the round drew from (anchored in final blocks up to the block above). */
  readonly batches: readonly { readonly batchId: string; readonly leafCount: number }[];
}

/** The signed content of an evidence document (everything but `signature`). */
export interface EvidenceBody {
  readonly format: typeof EVIDENCE_FORMAT;
  /** The sentinel's ed25519 public key, 0x-hex. */
  readonly sentinel: string;
  readonly claim: { readonly kind: FailureKind; readonly code: ReasonCode };
  readonly subject: {
    readonly round: string;
    readonly clusterId: string;
    readonly era: number;
    readonly batchId: string;
    readonly batchIndex: number;
    readonly activityId: string;
    readonly leafIndex: number;
  };
  readonly draw: EvidenceDraw;
  readonly request: {
    readonly method: 'GET';
    readonly url: string;
    readonly node: string;
    readonly startedAt: string;
    readonly endedAt: string;
    readonly timeoutMs: number;
  };
  readonly response: EvidenceResponse;
  readonly expected: {
    readonly payloadHash: string;
    readonly root: string;
    readonly leafCount: number;
    readonly recordFormat: number;
  };
  readonly anchor: {
    readonly blockHeight: number;
    readonly blockHash: string;
    readonly remarkId: string;
    readonly remarkHash: string;
    /** The SCP envelope as anchored, 0x-hex. */
    readonly envelope: string;
  };
  /** The expected record's leaf and MMR proof (from an intact copy), or null if none was had. */
  readonly proof: {
    readonly leafIndex: number;
    readonly leaf: string;
    readonly items: readonly string[];
    readonly from: string;
  } | null;
  readonly peers: readonly EvidencePeer[];
  readonly checkedAt: string;
}

export interface Evidence extends EvidenceBody {
  readonly signature: {
    readonly algorithm: 'ed25519';
    readonly signer: string;
    readonly value: string;
  };
}

/** The bytes the sentinel signs: a domain line, then the JCS form of the body. */
export function evidenceSigningBytes(body: EvidenceBody): Uint8Array {
  const rest: Record<string, unknown> = { ...body };
  delete rest.signature;
  return concatBytes(utf8(`${EVIDENCE_FORMAT}\n`), canonicalBytes(rest));
}

export type EvidenceParse =
  | { readonly ok: true; readonly evidence: Evidence }
  | { readonly ok: false; readonly errors: readonly string[] };

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function iso(r: Reader, v: unknown, path: string): string {
  const s = r.str(v, path, 40);
  if (s && (!ISO_RE.test(s) || Number.isNaN(Date.parse(s))))
    r.err(path, 'expected an ISO-8601 UTC time');
  return s;
}

function hexStr(r: Reader, v: unknown, path: string, len?: number): string {
  return toHex(r.hex(v, path, len));
}

function oneOf<T extends string>(
  r: Reader,
  v: unknown,
  path: string,
  options: readonly T[],
  nullable = false
): T | null {
  if (nullable && v === null) return null;
  if (typeof v === 'string' && (options as readonly string[]).includes(v)) return v as T;
  r.err(path, `expected one of ${options.join(', ')}${nullable ? ' or null' : ''}`);
  return options[0]!;
}

function nullable<T>(v: unknown, read: () => T): T | null {
  return v === null ? null : read();
}

/**
 * True when `value` looks like an evidence document (it names this format or an earlier one),
 * whatever else it holds; `parseEvidence` refuses the earlier ones by name.
 */
export function isEvidence(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const f = (value as { format?: unknown }).format;
  return f === EVIDENCE_FORMAT || (typeof f === 'string' && OLD_EVIDENCE_FORMATS.includes(f));
}

/** Parses an evidence document from JSON text or a parsed value. Never throws. */
export function parseEvidence(input: string | unknown): EvidenceParse {
  let value: unknown = input;
  if (typeof input === 'string') {
    const j = parseJson(input, { maxLength: MAX_EVIDENCE_BYTES });
    if (!j.ok)
      return {
        ok: false,
        errors: [
          j.code === 'TOO_LARGE'
            ? `evidence: larger than ${MAX_EVIDENCE_BYTES} bytes`
            : `evidence: not valid JSON (${String(j.facts.error)} at offset ${String(j.facts.offset)})`,
        ],
      };
    value = j.value;
  }
  const r = new Reader();
  const o = r.obj(value, 'evidence');
  if (typeof o.format === 'string' && OLD_EVIDENCE_FORMATS.includes(o.format))
    return {
      ok: false,
      errors: [
        `format: UNSUPPORTED_VERSION: "${o.format}" predates the verifiable draw; this verifier reads "${EVIDENCE_FORMAT}" (a version 1 document's signature can still be checked with an earlier proofroom)`,
      ],
    };
  if (o.format !== EVIDENCE_FORMAT)
    return {
      ok: false,
      errors: [
        `format: expected "${EVIDENCE_FORMAT}", got ${JSON.stringify(o.format ?? null)?.slice(0, 80)}`,
      ],
    };
  const claimO = r.obj(o.claim, 'claim');
  const kind = oneOf(r, claimO.kind, 'claim.kind', FAILURE_KINDS)!;
  const codes = CLAIM_CODES[kind];
  const code = oneOf(r, claimO.code, 'claim.code', codes)!;

  const s = r.obj(o.subject, 'subject');
  const subject = {
    round: r.str(s.round, 'subject.round', 200),
    clusterId: hexStr(r, s.clusterId, 'subject.clusterId', 20),
    era: r.int(s.era, 'subject.era'),
    batchId: r.str(s.batchId, 'subject.batchId', 200),
    batchIndex: r.int(s.batchIndex, 'subject.batchIndex', 0xffff),
    activityId: r.str(s.activityId, 'subject.activityId', 200),
    leafIndex: r.int(s.leafIndex, 'subject.leafIndex'),
  };

  const dr = r.obj(o.draw, 'draw');
  const draw: EvidenceDraw = {
    blockHeight: r.int(dr.blockHeight, 'draw.blockHeight'),
    blockHash: hexStr(r, dr.blockHash, 'draw.blockHash', 32),
    // Any length parses: a wrong alpha is the draw line's to refuse, with its reason.
    alpha: hexStr(r, r.str(dr.alpha, 'draw.alpha', 2 + 2 * 256), 'draw.alpha'),
    proof: hexStr(r, dr.proof, 'draw.proof', 80),
    seed: hexStr(r, dr.seed, 'draw.seed', 64),
    sampleSize: r.int(dr.sampleSize, 'draw.sampleSize', MAX_DRAW_POPULATION),
    population: r.int(dr.population, 'draw.population', MAX_DRAW_POPULATION),
    batches: r.arr(dr.batches, 'draw.batches', MAX_DRAW_BATCHES).map((x, i) => {
      const b = r.obj(x, `draw.batches[${i}]`);
      return {
        batchId: r.str(b.batchId, `draw.batches[${i}].batchId`, 200),
        leafCount: r.int(b.leafCount, `draw.batches[${i}].leafCount`, MAX_DRAW_POPULATION),
      };
    }),
  };

  const q = r.obj(o.request, 'request');
  if (q.method !== 'GET') r.err('request.method', 'expected "GET"');
  const request = {
    method: 'GET' as const,
    url: r.str(q.url, 'request.url', 4096),
    node: r.str(q.node, 'request.node', 4096),
    startedAt: iso(r, q.startedAt, 'request.startedAt'),
    endedAt: iso(r, q.endedAt, 'request.endedAt'),
    timeoutMs: r.int(q.timeoutMs, 'request.timeoutMs', 3_600_000),
  };

  const a = r.obj(o.response, 'response');
  const response: EvidenceResponse = {
    status: nullable(a.status, () => r.int(a.status, 'response.status', 999)),
    error: oneOf(r, a.error, 'response.error', FETCH_ERRORS, true),
    bytes: nullable(a.bytes, () => r.int(a.bytes, 'response.bytes', 2 ** 40)),
    hash: nullable(a.hash, () => hexStr(r, a.hash, 'response.hash', 32)),
    body: nullable(a.body, () => {
      const b = r.str(a.body, 'response.body', 2 + 2 * MAX_EVIDENCE_BODY);
      return hexStr(r, b, 'response.body');
    }),
    latencyMs: r.int(a.latencyMs, 'response.latencyMs', 3_600_000),
  };

  const e = r.obj(o.expected, 'expected');
  const expected = {
    payloadHash: hexStr(r, e.payloadHash, 'expected.payloadHash', 32),
    root: hexStr(r, e.root, 'expected.root', 32),
    leafCount: r.int(e.leafCount, 'expected.leafCount'),
    recordFormat: r.int(e.recordFormat, 'expected.recordFormat', 255),
  };

  const n = r.obj(o.anchor, 'anchor');
  const anchor = {
    blockHeight: r.int(n.blockHeight, 'anchor.blockHeight'),
    blockHash: hexStr(r, n.blockHash, 'anchor.blockHash', 32),
    remarkId: r.str(n.remarkId, 'anchor.remarkId', 200),
    remarkHash: hexStr(r, n.remarkHash, 'anchor.remarkHash', 32),
    envelope: (() => {
      const env = r.str(n.envelope, 'anchor.envelope', 2 + 2 * 4096);
      return hexStr(r, env, 'anchor.envelope');
    })(),
  };

  const proof = nullable(o.proof, () => {
    const p = r.obj(o.proof, 'proof');
    return {
      leafIndex: r.int(p.leafIndex, 'proof.leafIndex'),
      leaf: hexStr(r, p.leaf, 'proof.leaf', 32),
      items: r.proof(p.items, 'proof.items').map(toHex),
      from: r.str(p.from, 'proof.from', 4096),
    };
  });

  const peers = r.arr(o.peers, 'peers', 64).map((x, i) => {
    const p = r.obj(x, `peers[${i}]`);
    return {
      node: r.str(p.node, `peers[${i}].node`, 4096),
      status: nullable(p.status, () => r.int(p.status, `peers[${i}].status`, 999)),
      error: oneOf(r, p.error, `peers[${i}].error`, FETCH_ERRORS, true),
      hash: nullable(p.hash, () => hexStr(r, p.hash, `peers[${i}].hash`, 32)),
    };
  });

  const g = r.obj(o.signature, 'signature');
  if (g.algorithm !== 'ed25519') r.err('signature.algorithm', 'expected "ed25519"');
  const signature = {
    algorithm: 'ed25519' as const,
    signer: hexStr(r, g.signer, 'signature.signer', 32),
    value: hexStr(r, g.value, 'signature.value', 64),
  };
  const evidence: Evidence = {
    format: EVIDENCE_FORMAT,
    sentinel: hexStr(r, o.sentinel, 'sentinel', 32),
    claim: { kind, code },
    subject,
    draw,
    request,
    response,
    expected,
    anchor,
    proof,
    peers,
    checkedAt: iso(r, o.checkedAt, 'checkedAt'),
    signature,
  };
  const known = new Set<string>(EVIDENCE_FIELDS);
  for (const k of Object.keys(o)) if (!known.has(k)) r.err(k, 'unknown field');
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, evidence };
}

/** One line of an evidence check: a receipt line without a step. */
export type EvidenceLine = Omit<Line, 'step'>;

export interface EvidenceReport {
  /** Every line passed: the document is authentic and supports its claim. */
  readonly ok: boolean;
  readonly claim: Evidence['claim'];
  readonly subject: Evidence['subject'];
  readonly node: string;
  readonly sentinel: string;
  readonly lines: readonly EvidenceLine[];
}

const RULE = 'proofroom:sentinel-evidence-v2';

function line(l: Line): EvidenceLine {
  const rest: Record<string, unknown> = { ...l };
  delete rest.step;
  return rest as unknown as EvidenceLine;
}

function ln(
  ok: boolean,
  check: string,
  facts: Facts,
  code: ReasonCode,
  basis?: Basis
): EvidenceLine {
  return line(
    verdict(ok, { step: 'inclusion', check, rule: RULE, facts, ...(basis ? { basis } : {}) }, code)
  );
}

/**
 * Checks an evidence document: the sentinel's signature, the anchor, the expected record's proof,
 * the included response and that the facts support the claim. Never throws.
 */
export function verifyEvidence(ev: Evidence, backend: SignatureBackend): EvidenceReport {
  const lines: EvidenceLine[] = [];
  const key = parseHex(ev.signature.signer, 32)!;
  const signerIsSentinel = ev.signature.signer === ev.sentinel;
  const sigOk =
    signerIsSentinel &&
    backend.verify('ed25519', parseHex(ev.signature.value, 64)!, evidenceSigningBytes(ev), key);
  lines.push(
    ln(
      sigOk,
      'evidence.signature',
      { sentinel: ev.sentinel, signer: ev.signature.signer },
      signerIsSentinel ? 'SIG_INVALID' : 'SIGNER_MISMATCH'
    )
  );

  lines.push(checkDraw(ev));

  // The anchor: the envelope is what the chain's Remarked event committed to, and it names the
  // expected payload. The block's finality is trusted (it is not re-checked offline).
  const envBytes = parseHex(ev.anchor.envelope)!;
  const envHash = blake2b256(envBytes);
  const decoded = decodeEnvelope(envBytes);
  let env: DacBatchEnvelope | null = null;
  if (!equalBytes(envHash, parseHex(ev.anchor.remarkHash, 32)!)) {
    lines.push(
      ln(
        false,
        'evidence.anchor',
        { expected: ev.anchor.remarkHash, computed: toHex(envHash) },
        'ANCHOR_MISMATCH'
      )
    );
  } else if (!decoded.ok || decoded.value.kind !== 'DacBatch') {
    lines.push(
      ln(
        false,
        'evidence.anchor',
        decoded.ok ? { kind: decoded.value.kind } : decoded.facts,
        decoded.ok ? 'UNSUPPORTED_KIND' : decoded.code
      )
    );
  } else {
    env = decoded.value;
    const differs: string[] = [];
    if (toHex(env.payloadHash) !== ev.expected.payloadHash) differs.push('payloadHash');
    if (toHex(env.root) !== ev.expected.root) differs.push('root');
    if (env.leafCount !== ev.expected.leafCount) differs.push('leafCount');
    if (env.recordFormat !== ev.expected.recordFormat) differs.push('recordFormat');
    if (toHex(env.clusterId) !== ev.subject.clusterId) differs.push('clusterId');
    if (env.era !== ev.subject.era) differs.push('era');
    if (env.batchIndex !== ev.subject.batchIndex) differs.push('batchIndex');
    lines.push(
      ln(
        differs.length === 0,
        'evidence.anchor',
        { remarkHash: ev.anchor.remarkHash, payloadHash: toHex(env.payloadHash), differs },
        'ANCHOR_MISMATCH'
      )
    );
  }
  lines.push(
    line(
      pass({
        step: 'anchor',
        check: 'evidence.finality',
        rule: 'chain:finality',
        basis: 'trusted',
        facts: { blockHeight: ev.anchor.blockHeight, blockHash: ev.anchor.blockHash },
      })
    )
  );

  if (ev.proof) {
    const leafOk = ev.proof.leafIndex === ev.subject.leafIndex;
    const inc = checkInclusion(parseHex(ev.proof.leaf, 32)!, {
      leafIndex: ev.proof.leafIndex,
      leafCount: ev.expected.leafCount,
      proof: ev.proof.items.map((p) => parseHex(p, 32)!),
      root: parseHex(ev.expected.root, 32)!,
    });
    lines.push(
      leafOk
        ? { ...line(inc), check: 'evidence.proof', rule: RULE }
        : ln(
            false,
            'evidence.proof',
            { leafIndex: ev.proof.leafIndex, subject: ev.subject.leafIndex },
            'INDEX_OUT_OF_RANGE'
          )
    );
  }

  const res = ev.response;
  const body = res.body === null ? null : parseHex(res.body)!;
  if (body) {
    const h = toHex(blake2b256(body));
    lines.push(
      ln(
        h === res.hash && body.length === res.bytes,
        'evidence.response',
        { hash: res.hash, computed: h, bytes: res.bytes, length: body.length },
        'HASH_MISMATCH'
      )
    );
  }
  lines.push(checkClaim(ev, env, body));
  return {
    ok: lines.every((l) => l.ok),
    claim: ev.claim,
    subject: ev.subject,
    node: ev.request.node,
    sentinel: ev.sentinel,
    lines,
  };
}

/**
 * The draw (docs/spec.md §12.1): alpha is the round's input (cluster, era, the block that paid it),
 * the VRF proof verifies under the sentinel's key (RFC 9381, validate_key on), its output is the
 * seed, and the subject's leaf is among the n smallest ranks of the stated population. The
 * population (which batches the era anchored up to that block) is the sentinel's statement;
 * everything else is recomputed.
 */
function checkDraw(ev: Evidence): EvidenceLine {
  const d = ev.draw;
  const base = { alpha: d.alpha, blockHeight: d.blockHeight, blockHash: d.blockHash };
  const alpha = drawAlpha(ev.subject.clusterId, ev.subject.era, d.blockHash);
  if (!alpha || toHex(alpha) !== d.alpha)
    return ln(
      false,
      'evidence.draw',
      {
        ...base,
        expected: alpha ? toHex(alpha) : null,
        why: 'alpha is not the input of this cluster, era and block',
      },
      'ERA_MISMATCH'
    );
  const vrf = vrfVerify(parseHex(ev.sentinel, 32)!, alpha, parseHex(d.proof, 80)!);
  if (!vrf.ok)
    return ln(
      false,
      'evidence.draw',
      { ...base, proof: d.proof, vrf: vrf.reason, why: VRF_FAILURES[vrf.reason] },
      'SIG_INVALID'
    );
  if (toHex(vrf.beta) !== d.seed)
    return ln(
      false,
      'evidence.draw',
      { ...base, seed: d.seed, beta: toHex(vrf.beta), why: 'the seed is not the VRF output' },
      'HASH_MISMATCH'
    );
  const listed = d.batches.filter((b) => b.batchId === ev.subject.batchId);
  const total = d.batches.reduce((sum, b) => sum + b.leafCount, 0);
  const ids = new Set(d.batches.map((b) => b.batchId));
  const shape =
    ids.size !== d.batches.length
      ? 'a batch is listed twice'
      : total !== d.population
        ? `the listed batches hold ${total} leaves, not the stated population ${d.population}`
        : listed.length !== 1
          ? 'the subject batch is not in the population'
          : listed[0]!.leafCount !== ev.expected.leafCount
            ? 'the population gives the subject batch another leaf count than its envelope'
            : ev.subject.leafIndex >= ev.expected.leafCount
              ? 'the subject leaf is outside its batch'
              : d.sampleSize > d.population
                ? 'the sample is larger than the population'
                : null;
  if (shape) return ln(false, 'evidence.draw', { ...base, why: shape }, 'CLAIM_UNSUPPORTED');
  const before = leavesRankedBefore(vrf.beta, d.batches, ev.subject.batchId, ev.subject.leafIndex);
  return ln(
    before < d.sampleSize,
    'evidence.draw',
    {
      ...base,
      seed: d.seed,
      population: d.population,
      sampleSize: d.sampleSize,
      // The leaf's place among all ranks, from 0: in the sample when below sampleSize.
      position: before,
      ...(before < d.sampleSize ? {} : { why: 'the leaf is not among the n smallest ranks' }),
    },
    'CLAIM_UNSUPPORTED'
  );
}

/** Whether the response (as recorded) is the failure the document claims. */
function checkClaim(
  ev: Evidence,
  env: DacBatchEnvelope | null,
  body: Uint8Array | null
): EvidenceLine {
  const { kind, code } = ev.claim;
  const res = ev.response;
  const attested = { attestedBy: ev.sentinel };
  const base = { kind, code, status: res.status, error: res.error };
  const elapsed = Date.parse(ev.request.endedAt) - Date.parse(ev.request.startedAt);
  switch (kind) {
    case 'mismatch': {
      if (res.status !== 200 || res.error !== null || res.hash === null)
        return ln(
          false,
          'evidence.claim',
          { ...base, why: 'no whole 200 answer' },
          'CLAIM_UNSUPPORTED'
        );
      if (code === 'HASH_MISMATCH') {
        const differs = res.hash !== ev.expected.payloadHash;
        // Without the body the hash is the sentinel's word; with it, the response line checked it.
        return ln(
          differs,
          'evidence.claim',
          {
            ...base,
            expected: ev.expected.payloadHash,
            received: res.hash,
            ...(body ? {} : attested),
          },
          'CLAIM_UNSUPPORTED',
          body ? 'checked' : 'trusted'
        );
      }
      if (!body || !env)
        return ln(
          false,
          'evidence.claim',
          { ...base, why: 'the body or the anchor is missing' },
          'CLAIM_UNSUPPORTED'
        );
      const got = checkBatchPayloadLeaves(body, env).line;
      return ln(
        !got.ok && got.code === code,
        'evidence.claim',
        { ...base, recomputed: got.ok ? 'ok' : got.code },
        'CLAIM_UNSUPPORTED'
      );
    }
    case 'missing':
      return ln(
        res.status === 404,
        'evidence.claim',
        { ...base, ...attested },
        'CLAIM_UNSUPPORTED',
        'trusted'
      );
    case 'timeout':
      return ln(
        res.error === 'timeout' && res.status === null && elapsed >= ev.request.timeoutMs - 50,
        'evidence.claim',
        { ...base, elapsedMs: elapsed, timeoutMs: ev.request.timeoutMs, ...attested },
        'CLAIM_UNSUPPORTED',
        'trusted'
      );
    case 'error': {
      const ok =
        code === 'TOO_LARGE'
          ? res.error === 'too-large'
          : res.error === 'unreachable' ||
            res.error === 'interrupted' ||
            (res.error === null && res.status !== null && res.status !== 200 && res.status !== 404);
      return ln(ok, 'evidence.claim', { ...base, ...attested }, 'CLAIM_UNSUPPORTED', 'trusted');
    }
  }
}
