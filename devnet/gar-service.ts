/**
 * A GAR-compatible agreement service for the devnet: the write endpoint of Cere's Global Agent
 * Registry as the `@cef-ai/client-sdk` uses it (`POST /api/v1/agreements`, reference/cere.md B),
 * plus a read API of our own (a global, gap-free cursor over every stored version, and the version
 * history of one (user, agent) pair) that the indexer tails. The HTTP API is described in
 * docs/devnet-services.md.
 *
 * Every write is checked as the real service is described to check it: strict JSON, the payload
 * base64url-decoded, the ed25519 signature verified over the decoded bytes (never a
 * re-serialisation), the six payload fields and nothing else, the signer equal to `user_pub_key`,
 * and `created_at` later than the pair's latest version (replay protection). Hostile input yields
 * a 4xx JSON error `{ error: { code, message } }`; the server never crashes on it.
 * @module
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { equalBytes, parseHex, parseUtf8, toHex } from '../verifier/bytes.ts';
import { parseBase64url, parsePublicKey } from '../verifier/encoding.ts';
import { isObject, parseJson } from '../verifier/json.ts';
import { verifyEd25519 } from '../verifier/signatures.ts';
import { formatRfc3339, parseRfc3339 } from '../verifier/time.ts';

export interface AgreementSignature {
  algorithm: 'ed25519';
  /** The signer's public key, normalised to lower-case `0x`-hex. */
  signer: string;
  /** The 64-byte signature, normalised to lower-case `0x`-hex. */
  value: string;
}

export interface StoredAgreement {
  /** Global, gap-free position of this version in the service (1, 2, 3, …): the read cursor. */
  sequence: number;
  /** `user_pub_key`, normalised to lower-case `0x`-hex. */
  user: string;
  /** `agent_service_pub_key`, normalised to lower-case `0x`-hex. */
  agent: string;
  /** Version of the (user, agent) agreement, counting from 0. */
  version: number;
  /** The payload exactly as received (base64url of the signed JSON bytes). */
  payload: string;
  signature: AgreementSignature;
  /** When the service accepted the version (RFC 3339, UTC). */
  receivedAt: string;
}

/** The CEF SDK's request body. */
export interface SignedAgreement {
  payload: string;
  signature: { algorithm: string; signer: string; value: string };
}

export type SubmitResult =
  | { ok: true; agreement: StoredAgreement }
  | { ok: false; status: number; code: string; message: string; field?: string };

export interface GarServiceOptions {
  /** Signed agreements to load at construction (see the constructor). */
  agreements?: ReadonlyArray<{ payload: string; signature: unknown }>;
  /** The clock, epoch ms: stamps `receivedAt` and decides whether an agreement is still active. */
  now?: () => number;
  /** Largest request body accepted, in bytes. Default 64 KiB. */
  maxBodyBytes?: number;
  /**
   * The public key the service anchors its versions with on chain (`GarPairAnchor` remarks),
   * 0x-hex; served at `GET /api/v1/info`.
   */
  anchorKey?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const GAR_DEFAULT_MAX_BODY = 64 * 1024;
export const GAR_LIST_DEFAULT_LIMIT = 100;
export const GAR_LIST_MAX_LIMIT = 1000;

/** The six payload keys, in the SDK's order. */
const PAYLOAD_FIELDS = [
  'agent_service_pub_key',
  'user_pub_key',
  'revoked',
  'expires_at',
  'metadata',
  'created_at',
] as const;

/** What the service remembers of a pair's latest version to judge the next one. */
interface Latest {
  readonly bytes: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revoked: boolean;
}

/** A checked submission, before it is compared with the stored state. */
interface Checked {
  readonly payload: string;
  readonly bytes: Uint8Array;
  readonly user: Uint8Array;
  readonly agent: Uint8Array;
  readonly signer: Uint8Array;
  readonly signature: Uint8Array;
  readonly revoked: boolean;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

type Rejection = Extract<SubmitResult, { ok: false }>;

function reject(status: number, code: string, message: string, field?: string): Rejection {
  return field === undefined
    ? { ok: false, status, code, message }
    : { ok: false, status, code, message, field };
}

function isRejection(x: Checked | Rejection): x is Rejection {
  return 'ok' in x;
}

/** A 32-byte ed25519 key as `0x…`, bare hex or `ed25519:…`; the `sr25519:` form is refused. */
function parseEd25519Key(input: unknown): Uint8Array | null {
  if (typeof input === 'string' && input.startsWith('sr25519:')) return null;
  return parsePublicKey(input);
}

/**
 * Everything that can be checked without the stored state: body shape, payload decoding and
 * fields, the signature and the signer. Order (documented): request shape (400), payload (400),
 * signature (401), signer = user (401).
 */
function checkSubmission(body: unknown, maxBytes: number): Checked | Rejection {
  if (!isObject(body)) return reject(400, 'BAD_REQUEST', 'the body must be a JSON object');
  for (const k of Object.keys(body)) {
    if (k !== 'payload' && k !== 'signature') {
      return reject(400, 'BAD_REQUEST', `unexpected field "${k.slice(0, 64)}" in the body`, k);
    }
  }
  const payload = body.payload;
  if (typeof payload !== 'string') {
    return reject(400, 'BAD_PAYLOAD', '"payload" must be a base64url string', 'payload');
  }
  if (payload.length > maxBytes) {
    return reject(413, 'PAYLOAD_TOO_LARGE', `"payload" exceeds ${maxBytes} bytes`, 'payload');
  }
  const sig = body.signature;
  if (!isObject(sig)) {
    return reject(400, 'BAD_REQUEST', '"signature" must be an object', 'signature');
  }
  for (const k of Object.keys(sig)) {
    if (k !== 'algorithm' && k !== 'signer' && k !== 'value') {
      return reject(
        400,
        'BAD_REQUEST',
        `unexpected field "${k.slice(0, 64)}" in "signature"`,
        `signature.${k}`
      );
    }
  }
  if (sig.algorithm !== 'ed25519') {
    return reject(
      400,
      'UNSUPPORTED_ALGORITHM',
      '"signature.algorithm" must be "ed25519"',
      'signature.algorithm'
    );
  }
  const signer = parseEd25519Key(sig.signer);
  if (!signer) {
    return reject(
      400,
      'BAD_REQUEST',
      '"signature.signer" must be a 32-byte public key as 0x-hex',
      'signature.signer'
    );
  }
  const signature = parseHex(sig.value, 64);
  if (!signature) {
    return reject(
      400,
      'BAD_REQUEST',
      '"signature.value" must be a 64-byte signature as 0x-hex',
      'signature.value'
    );
  }

  const bytes = parseBase64url(payload, maxBytes);
  if (!bytes) return reject(400, 'BAD_PAYLOAD', '"payload" is not valid base64url', 'payload');
  const text = parseUtf8(bytes);
  if (text === null) {
    return reject(400, 'BAD_PAYLOAD', 'the decoded payload is not valid UTF-8', 'payload');
  }
  const json = parseJson(text, { maxLength: maxBytes, maxDepth: 32 });
  if (!json.ok) {
    const detail = typeof json.facts.error === 'string' ? `: ${json.facts.error}` : '';
    return reject(400, 'BAD_PAYLOAD', `the decoded payload is not strict JSON${detail}`, 'payload');
  }
  const p = json.value;
  if (!isObject(p)) {
    return reject(400, 'BAD_PAYLOAD', 'the decoded payload must be a JSON object', 'payload');
  }
  for (const k of Object.keys(p)) {
    if (!(PAYLOAD_FIELDS as readonly string[]).includes(k)) {
      return reject(400, 'BAD_FIELD', `unexpected payload field "${k.slice(0, 64)}"`, k);
    }
  }
  for (const k of PAYLOAD_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(p, k)) {
      return reject(400, 'BAD_FIELD', `missing payload field "${k}"`, k);
    }
  }
  const agent = parseEd25519Key(p.agent_service_pub_key);
  if (!agent) {
    return reject(
      400,
      'BAD_FIELD',
      '"agent_service_pub_key" must be a 32-byte public key as 0x-hex',
      'agent_service_pub_key'
    );
  }
  const user = parseEd25519Key(p.user_pub_key);
  if (!user) {
    return reject(
      400,
      'BAD_FIELD',
      '"user_pub_key" must be a 32-byte public key as 0x-hex',
      'user_pub_key'
    );
  }
  if (typeof p.revoked !== 'boolean') {
    return reject(400, 'BAD_FIELD', '"revoked" must be a boolean', 'revoked');
  }
  const createdAt = parseRfc3339(p.created_at);
  if (createdAt === null) {
    return reject(400, 'BAD_FIELD', '"created_at" must be an RFC 3339 date-time', 'created_at');
  }
  let expiresAt: number | null = null;
  if (p.expires_at !== null) {
    expiresAt = parseRfc3339(p.expires_at);
    if (expiresAt === null) {
      return reject(
        400,
        'BAD_FIELD',
        '"expires_at" must be an RFC 3339 date-time or null',
        'expires_at'
      );
    }
    // A TTL is positive (the SDK's GarInvalidTtlError). A revocation may carry an old expiry.
    if (!p.revoked && expiresAt <= createdAt) {
      return reject(400, 'BAD_FIELD', '"expires_at" must be later than "created_at"', 'expires_at');
    }
  }
  if (!isObject(p.metadata)) {
    return reject(400, 'BAD_FIELD', '"metadata" must be a JSON object', 'metadata');
  }

  if (!verifyEd25519(signature, bytes, signer)) {
    return reject(
      401,
      'BAD_SIGNATURE',
      'the signature does not verify over the decoded payload bytes with "signature.signer"'
    );
  }
  if (!equalBytes(signer, user)) {
    return reject(
      401,
      'SIGNER_MISMATCH',
      '"signature.signer" is not the payload\'s "user_pub_key": only the user may sign'
    );
  }
  return {
    payload,
    bytes,
    user,
    agent,
    signer,
    signature,
    revoked: p.revoked,
    createdAt,
    expiresAt,
  };
}

export class GarService {
  private readonly log: StoredAgreement[] = [];
  private readonly versions = new Map<string, StoredAgreement[]>();
  private readonly latest = new Map<string, Latest>();
  private readonly now: () => number;
  readonly maxBodyBytes: number;

  /**
   * `agreements` are loaded in order of `created_at` (stable) through the same checks as a POST.
   * An entry whose payload is already stored for its pair is skipped (a scenario's bundles repeat
   * their grant histories); any other rejection throws, naming the entry and the code.
   */
  /** While true, reads answer 503 (an outage the indexer must wait out: its records pend). */
  unavailable = false;
  private readonly anchorKey: string | null;

  constructor(options: GarServiceOptions = {}) {
    this.anchorKey = options.anchorKey ?? null;
    this.now = options.now ?? Date.now;
    this.maxBodyBytes = options.maxBodyBytes ?? GAR_DEFAULT_MAX_BODY;
    if (!Number.isSafeInteger(this.maxBodyBytes) || this.maxBodyBytes < 1) {
      throw new RangeError('GarService: maxBodyBytes must be a positive integer');
    }
    const pre = (options.agreements ?? []).map((a, index) => {
      const body = { payload: a.payload, signature: a.signature };
      const c = checkSubmission(body, this.maxBodyBytes);
      return { index, body, c };
    });
    const order = (x: (typeof pre)[number]): number =>
      isRejection(x.c) ? Number.NEGATIVE_INFINITY : x.c.createdAt;
    pre.sort((a, b) => order(a) - order(b) || a.index - b.index);
    for (const { index, body, c } of pre) {
      if (!isRejection(c) && this.hasPayload(c)) continue;
      const r = this.submit(body);
      if (!r.ok) {
        throw new Error(
          `GarService: preloaded agreement #${index} rejected: ${r.code}: ${r.message}`
        );
      }
    }
  }

  private hasPayload(c: Checked): boolean {
    const stored = this.versions.get(pairKey(c.user, c.agent)) ?? [];
    return stored.some((v) => v.payload === c.payload || equalBytes(decoded(v), c.bytes));
  }

  /** The POST logic, in process: checks one signed agreement and stores it as a new version. */
  submit(body: unknown): SubmitResult {
    const c = checkSubmission(body, this.maxBodyBytes);
    if (isRejection(c)) return c;
    const key = pairKey(c.user, c.agent);
    const prev = this.latest.get(key);
    if (prev) {
      const at = this.now();
      const active = !prev.revoked && (prev.expiresAt === null || at < prev.expiresAt);
      if (active && equalBytes(prev.bytes, c.bytes)) {
        return reject(
          409,
          'AGREEMENT_EXISTS',
          'an identical agreement between this user and agent service is already active'
        );
      }
      if (c.createdAt <= prev.createdAt) {
        return reject(
          409,
          'AGREEMENT_CONFLICT',
          `stale "created_at": it must be later than the latest version's (${formatRfc3339(prev.createdAt)})`,
          'created_at'
        );
      }
    }
    const history = this.versions.get(key) ?? [];
    const agreement: StoredAgreement = {
      sequence: this.log.length + 1,
      user: toHex(c.user),
      agent: toHex(c.agent),
      version: history.length,
      payload: c.payload,
      signature: { algorithm: 'ed25519', signer: toHex(c.signer), value: toHex(c.signature) },
      receivedAt: formatRfc3339(this.now()),
    };
    this.log.push(agreement);
    history.push(agreement);
    this.versions.set(key, history);
    this.latest.set(key, {
      bytes: c.bytes,
      createdAt: c.createdAt,
      expiresAt: c.expiresAt,
      revoked: c.revoked,
    });
    return { ok: true, agreement };
  }

  /** Versions with sequence > `after`, at most `limit`, in sequence order. */
  list(after: number, limit: number): { items: StoredAgreement[]; next: number | null } {
    const start = Math.max(0, Math.floor(after));
    const n = Math.max(0, Math.floor(limit));
    const items = this.log.slice(start, start + n);
    const last = items[items.length - 1];
    const next = last && last.sequence < this.log.length ? last.sequence : null;
    return { items, next };
  }

  /** Every version of the (user, agent) agreement, oldest first; keys in any accepted form. */
  history(user: string, agent: string): StoredAgreement[] {
    const u = parseEd25519Key(user);
    const a = parseEd25519Key(agent);
    if (!u || !a) return [];
    return [...(this.versions.get(pairKey(u, a)) ?? [])];
  }

  /** Counts for /health. */
  size(): { agreements: number; pairs: number } {
    return { agreements: this.log.length, pairs: this.versions.size };
  }

  start(o: { host?: string; port?: number } = {}): Promise<RunningServer> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'internal error');
        else res.destroy();
      });
    });
    return listen(server, o.host, o.port);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.on('error', () => {});
    const target = splitTarget(req.url ?? '');
    if (!target) return sendError(res, 400, 'BAD_REQUEST', 'malformed request target');
    const { path, query } = target;
    const method = req.method ?? '';
    const isRead = method === 'GET' || method === 'HEAD';

    if (path === '/health') {
      if (!isRead) return notAllowed(res, 'GET, HEAD');
      return sendJson(res, 200, { status: 'ok', ...this.size() });
    }
    if (this.unavailable && isRead)
      return sendError(res, 503, 'UNAVAILABLE', 'the service is unavailable (devnet outage)');
    if (path === '/api/v1/info') {
      if (!isRead) return notAllowed(res, 'GET, HEAD');
      return sendJson(res, 200, { anchorKey: this.anchorKey });
    }
    if (path === '/api/v1/agreements') {
      if (method === 'POST') return this.handlePost(req, res, query);
      if (!isRead) return notAllowed(res, 'GET, HEAD, POST');
      return this.handleList(res, query);
    }
    const m = /^\/api\/v1\/agreements\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      if (!isRead) return notAllowed(res, 'GET, HEAD');
      const user = decodeSegment(m[1] as string);
      const agent = decodeSegment(m[2] as string);
      if (user === null || !parseEd25519Key(user)) {
        return sendError(
          res,
          400,
          'BAD_KEY',
          'the user key in the path is not a 32-byte 0x-hex key'
        );
      }
      if (agent === null || !parseEd25519Key(agent)) {
        return sendError(
          res,
          400,
          'BAD_KEY',
          'the agent service key in the path is not a 32-byte 0x-hex key'
        );
      }
      const versions = this.history(user, agent);
      if (versions.length === 0) {
        return sendError(
          res,
          404,
          'AGREEMENT_NOT_FOUND',
          'No agreement exists between user and agent service'
        );
      }
      return sendJson(res, 200, { versions });
    }
    return sendError(res, 404, 'UNKNOWN_PATH', `no route for ${path.slice(0, 200)}`);
  }

  private handleList(res: ServerResponse, query: string): void {
    const params = parseQuery(query, ['after', 'limit']);
    if (typeof params === 'string') return sendError(res, 400, 'BAD_QUERY', params);
    const after = params.after === undefined ? 0 : parseNonNegative(params.after);
    if (after === null) {
      return sendError(res, 400, 'BAD_QUERY', '"after" must be a non-negative integer sequence');
    }
    const limit =
      params.limit === undefined ? GAR_LIST_DEFAULT_LIMIT : parseNonNegative(params.limit);
    if (limit === null || limit < 1 || limit > GAR_LIST_MAX_LIMIT) {
      return sendError(
        res,
        400,
        'BAD_QUERY',
        `"limit" must be an integer from 1 to ${GAR_LIST_MAX_LIMIT}`
      );
    }
    sendJson(res, 200, this.list(after, limit));
  }

  private async handlePost(
    req: IncomingMessage,
    res: ServerResponse,
    query: string
  ): Promise<void> {
    if (query !== '') {
      drain(req, res);
      return sendError(res, 400, 'BAD_QUERY', 'POST takes no query parameters');
    }
    if (req.headers['content-encoding'] && req.headers['content-encoding'] !== 'identity') {
      drain(req, res);
      return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'content encodings are not accepted');
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      drain(req, res);
      return sendError(
        res,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'the body must be sent as Content-Type: application/json (UTF-8)'
      );
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > this.maxBodyBytes) {
      drain(req, res);
      return tooLarge(res, this.maxBodyBytes);
    }
    const body = await readBody(req, this.maxBodyBytes);
    if (body === 'aborted') return void res.destroy();
    if (body === 'too-large') {
      drain(req, res);
      return tooLarge(res, this.maxBodyBytes);
    }
    const text = parseUtf8(body);
    if (text === null) return sendError(res, 400, 'MALFORMED_JSON', 'the body is not valid UTF-8');
    const json = parseJson(text, { maxLength: this.maxBodyBytes, maxDepth: 32 });
    if (!json.ok) {
      const detail =
        typeof json.facts.error === 'string'
          ? `: ${json.facts.error} at offset ${String(json.facts.offset)}`
          : '';
      return sendError(res, 400, 'MALFORMED_JSON', `the body is not strict JSON${detail}`);
    }
    const r = this.submit(json.value);
    if (!r.ok) return sendError(res, r.status, r.code, r.message, r.field);
    res.setHeader('Location', `/api/v1/agreements/${r.agreement.user}/${r.agreement.agent}`);
    sendJson(res, 201, { agreement: r.agreement });
  }
}

function pairKey(user: Uint8Array, agent: Uint8Array): string {
  return `${toHex(user)}/${toHex(agent)}`;
}

function decoded(v: StoredAgreement): Uint8Array {
  return parseBase64url(v.payload) ?? new Uint8Array(0);
}

function tooLarge(res: ServerResponse, max: number): void {
  sendError(res, 413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${max} bytes`);
}

function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => {
    if (p === '') return true;
    const [name, value] = p.split('=', 2).map((s) => s.trim());
    return name !== 'charset' || value === 'utf-8' || value === '"utf-8"';
  });
}

// ---------------------------------------------------------------------------------------------
// Small HTTP helpers, shared with the storage node (devnet/storage-node.ts)
// ---------------------------------------------------------------------------------------------

/** Path and raw query of a request target; null if it is not an origin-form path. */
export function splitTarget(url: string): { path: string; query: string } | null {
  if (!url.startsWith('/') || url.length > 8192) return null;
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function decodeSegment(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Query parameters, each at most once and only the allowed names; a string is the error. */
function parseQuery(query: string, allowed: readonly string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  if (query === '') return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeSegment((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = decodeSegment((eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' '));
    if (name === null || value === null) return 'malformed query string';
    if (!allowed.includes(name)) return `unknown query parameter "${name.slice(0, 64)}"`;
    if (Object.prototype.hasOwnProperty.call(out, name)) return `"${name}" given twice`;
    out[name] = value;
  }
  return out;
}

function parseNonNegative(s: string): number | null {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', bytes.length);
  res.setHeader('Cache-Control', 'no-store');
  res.end(bytes);
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  field?: string
): void {
  sendJson(res, status, {
    error: field === undefined ? { code, message } : { code, message, field },
  });
}

export function notAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendError(res, 405, 'METHOD_NOT_ALLOWED', `allowed methods: ${allow}`);
}

/** The request body up to `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too-large' | 'aborted'): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(v);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) return finish('too-large');
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish(Buffer.concat(chunks, size)));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish(req.complete ? Buffer.concat(chunks, size) : 'aborted'));
  });
}

/** Bytes of an unwanted body read and discarded after an early answer, before the socket closes. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * After an early error answer, reads and discards the rest of the body (so the client sees the
 * answer rather than a reset) up to DRAIN_LIMIT bytes, then closes the connection.
 */
function drain(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  res.setHeader('Connection', 'close');
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_LIMIT) req.socket.destroy();
  });
  req.resume();
}

/** Starts `server`, tracking connections so that close() ends keep-alive ones too. */
export function listen(server: Server, host = '127.0.0.1', port = 0): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } else socket.destroy();
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shown =
        host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${addr.port}`,
        port: addr.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
