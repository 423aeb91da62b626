/**
 * Every line can fail, through the indexer. The devnet with every fault it knows, plus what no
 * honest chain produces: a batch of hostile records (not JSON, a wrong id, a signature without a
 * role, a broken Cere DAC record, a user with no grant who pays nobody knows) anchored into a paid
 * era by a registered node, and a GAR service that also serves a version with a broken signature.
 * The real indexer indexes it all; then, for every check of the line catalogue, some receipt the
 * API assembles from the stored subjects fails it. And every reason code is asserted by its name
 * in some test.
 *
 * First, the catalogue in words (verifier/sentences.ts): every check has a description and every
 * code it declares a sentence, none more; each is one sentence; and each fact a sentence names is
 * one the check really emits with that code, shown on lines the verifier itself produces.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReceipt } from '../api/receipt.ts';
import { type Devnet, startDevnet } from '../devnet/devnet.ts';
import { identity } from '../devnet/keys.ts';
import { DEVNET_FAULTS } from '../devnet/scenario.ts';
import { startStorageNodes } from '../devnet/storage-node.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import { parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { CATALOGUE, patternOf, specOf } from '../verifier/catalogue.ts';
import { RecordFormat, decodeEnvelope, encodeEnvelope } from '../verifier/envelope.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { canonicalBytes } from '../verifier/jcs.ts';
import { REASONS } from '../verifier/lines.ts';
import {
  batchRoot,
  decodeBatchPayload,
  encodeBatchPayload,
} from '../verifier/receipts/dac-batch.ts';
import { databaseLegs, type TestDatabase, createTestDatabase } from './helpers/databases.ts';
import { ed25519 } from '@noble/curves/ed25519.js';
import { toBase64url } from '../verifier/encoding.ts';
import { type Line, type LineStatus } from '../verifier/lines.ts';
import { SENTENCES, explainLine } from '../verifier/sentences.ts';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { FunctionComponent } from 'react';

// The explorer's line list, rendered on the server. Loaded by a path the root tsconfig does not
// compile (the explorer's TSX has its own tsconfig, with JSX); vitest transforms it as usual.
const LINES_MODULE = '../explorer/src/components/lines.tsx';
const { LineList } = (await import(LINES_MODULE)) as {
  LineList: FunctionComponent<{ lines: ReadonlyArray<Record<string, unknown>> }>;
};
import { pureBackend } from '../verifier/signatures.ts';
import { scpJsonKind } from '../verifier/kinds.ts';
import { type GrantInput, checkGrant } from '../verifier/receipts/gar.ts';
import { checkRegistration } from '../verifier/receipts/registration.ts';
import {
  checkAnchorEra,
  checkAnchorSender,
  checkInclusion,
} from '../verifier/receipts/dac-batch.ts';
import { checkAttestation } from '../verifier/receipts/attestation.ts';
import { checkConservation, checkPaid, checkSettlementSide } from '../verifier/receipts/payout.ts';
import {
  verifyAnchorSubject,
  verifyEraSubject,
  verifyLinksSubject,
  verifyRecordSubject,
  verifySettlementSubject,
} from '../verifier/receipt.ts';

const legs = await databaseLegs();

// The catalogue in words --------------------------------------------------------------------------

/** The placeholders of a sentence: name parameters and fact names (each with its alternatives). */
function placeholders(template: string): { names: string[]; facts: string[][] } {
  const names: string[] = [];
  const facts: string[][] = [];
  for (const m of template.matchAll(/\{([^{}|]+)((?:\|[^{}|]*)*)\}/g)) {
    const key = m[1]!;
    const alts = (m[2] ?? '').split('|').slice(1);
    if (['#', 'role', 'side'].includes(key)) names.push(key);
    else facts.push([key, ...alts.slice(0, -1)].concat(alts.length === 0 ? ['<no fallback>'] : []));
  }
  return { names, facts };
}

type Table = 'fails' | 'waits' | 'skips';
const STATUS_OF: Record<Table, LineStatus> = { fails: 'fail', waits: 'pending', skips: 'skipped' };

/** Every (check, table, code, sentence) of `SENTENCES`. */
function allSentences(): Array<{ check: string; table: Table; code: string; text: string }> {
  const out: Array<{ check: string; table: Table; code: string; text: string }> = [];
  for (const [check, w] of Object.entries(SENTENCES))
    for (const table of ['fails', 'waits', 'skips'] as const)
      for (const [code, text] of Object.entries(w[table] ?? {}))
        out.push({ check, table, code, text: text! });
  return out;
}

const k = (fill: number) => new Uint8Array(32).fill(fill);
const userSk = k(11);
const wordsUser = ed25519.getPublicKey(userSk);
const wordsAgent = ed25519.getPublicKey(k(22));
const T0 = Date.parse('2026-11-01T00:00:00Z');

/** A GAR grant version signed with `sk` (as `signer`), over the SDK's payload text. */
function grantVersion(
  p: { created: number; expires: number | null; revoked?: boolean },
  sk = userSk,
  signer = wordsUser
): GrantInput {
  const bytes = utf8(
    JSON.stringify({
      agent_service_pub_key: toHex(wordsAgent),
      user_pub_key: toHex(wordsUser),
      revoked: p.revoked ?? false,
      expires_at: p.expires === null ? null : new Date(p.expires).toISOString(),
      metadata: { scopes: [{ context: { workspace_id: 'ws-1', stream_id: 'st-1' } }] },
      created_at: new Date(p.created).toISOString(),
    })
  );
  return {
    payload: toBase64url(bytes),
    signature: {
      algorithm: 'ed25519',
      signer: toHex(signer),
      value: toHex(ed25519.sign(bytes, sk)),
    },
  };
}

/**
 * Failing, waiting and skipped lines as the verifier's own check functions produce them from
 * small hostile inputs: the corpus the sentences' facts are checked against.
 */
function sampleLines(): Line[] {
  const lines: Line[] = [];
  const served = (versions: GrantInput[], at = T0 + 1000, scope = 'ws-1') =>
    checkGrant(
      { versions, anchors: [], anchorKey: null, complete: true },
      {
        user: wordsUser,
        agent: wordsAgent,
        scope: { workspace_id: scope, stream_id: 'st-1' },
        at,
      },
      pureBackend
    );
  const good = grantVersion({ created: T0, expires: T0 + 10_000 });
  // Grant: broken versions, then each status, then a scope the grant does not cover.
  lines.push(...served([{ payload: good.payload, signature: 'none' }]));
  lines.push(
    ...served([{ ...good, signature: { ...(good.signature as object), algorithm: 'sr25519' } }])
  );
  lines.push(
    ...served([grantVersion({ created: T0, expires: null }, k(33), ed25519.getPublicKey(k(33)))])
  );
  lines.push(...served([]));
  lines.push(...served([good], T0 - 1));
  lines.push(...served([good], T0 + 20_000));
  lines.push(...served([grantVersion({ created: T0, expires: null, revoked: true })]));
  lines.push(...served([good], T0 + 1000, 'ws-2'));
  lines.push(
    ...checkGrant(
      { versions: [good], anchors: [], anchorKey: null, complete: false, error: 'timeout' },
      { user: wordsUser, agent: wordsAgent, scope: {}, at: T0 },
      pureBackend
    )
  );

  // Record: an unreadable record blocks its lines; the links of no parties are blocked too.
  const noRecord = verifyRecordSubject(
    scpJsonKind,
    { bytes: utf8('not json'), leafIndex: 0, proof: [], envelope: null },
    pureBackend
  );
  lines.push(...noRecord.lines);
  lines.push(
    ...verifyLinksSubject(
      scpJsonKind,
      null,
      null,
      {
        grant: { versions: [good], anchors: [], anchorKey: null, complete: true },
        registration: null,
      },
      pureBackend
    )
  );
  const vector = (
    JSON.parse(readFileSync('test/vectors/scp-vectors.json', 'utf8')) as {
      scpRecord: { record: Record<string, unknown> };
    }
  ).scpRecord.record;
  const record = (edit: (r: Record<string, any>) => void): Line[] => {
    const r = JSON.parse(JSON.stringify(vector)) as Record<string, any>;
    edit(r);
    const bytes = canonicalBytes(r);
    return verifyRecordSubject(
      scpJsonKind,
      { bytes, leafIndex: 0, proof: [], envelope: null },
      pureBackend
    ).lines;
  };
  lines.push(...record((r) => (r.record_id = 'dac-000000000000000000000000')));
  lines.push(...record((r) => delete r.era));
  lines.push(...record((r) => (r.signatures[0].signer = r.orchestrator)));
  lines.push(...record((r) => r.signatures.push({ ...r.signatures[0] })));
  lines.push(
    ...record((r) => r.signatures.push({ algorithm: 'ed25519', signer: '0x12', value: '0x34' }))
  );

  // Registration: a node never added, then one whose provider is another account.
  const node = k(5);
  const cluster = new Uint8Array(20).fill(1);
  const at = { node, provider: k(6), at: T0 };
  lines.push(
    checkRegistration(at, cluster, { clusterId: cluster, node, membership: [], provider: null })
  );
  lines.push(
    checkRegistration(at, cluster, {
      clusterId: cluster,
      node,
      membership: [{ kind: 'added', at: 0 }],
      provider: { account: k(7) },
    })
  );

  // Anchor and inclusion.
  const envelope = {
    kind: 'DacBatch',
    clusterId: cluster,
    era: 2,
    batchIndex: 0,
    recordFormat: 0,
    leafCount: 2,
    root: k(8),
    payloadHash: k(9),
  } as const;
  const anchor = {
    envelope: encodeEnvelope(envelope),
    remarkHash: k(0),
    sender: k(10),
    block: { number: 42, hash: toHex(k(12)), finalized: false },
    authority: { clusterId: cluster, manager: k(13), nodes: [] },
  };
  lines.push(...verifyAnchorSubject(anchor).lines);
  lines.push(checkAnchorSender(anchor, envelope), checkAnchorSender(anchor, null));
  lines.push(checkAnchorEra({ clusterId: cluster, era: 1 }, envelope));
  lines.push(checkInclusion(k(14), { leafIndex: 5, leafCount: 2, proof: [], root: k(8) }));

  // Era: no votes against a set of three, a payout begun with a fingerprint nobody voted for.
  const era = {
    clusterId: cluster,
    era: 2,
    validatorSet: { members: [k(20), k(21), k(22)] },
    votes: [],
    payout: { fingerprint: k(23) },
    activity: null,
  };
  lines.push(...checkAttestation(era, 'cere67').lines);
  const conservation = {
    charged: 10n ** 12n,
    treasuryFees: 0n,
    reserveFees: 0n,
    validatorFees: 0n,
    rewarded: 0n,
    notDistributed: 0n,
    shares: null,
  };
  const eraInput = { ...era, paid: null, superseded: null, conservation };
  lines.push(...verifyEraSubject(eraInput).lines);
  lines.push(...verifyEraSubject({ ...eraInput, superseded: { era: 3 } }).lines);
  lines.push(...verifyEraSubject({ ...eraInput, paid: { block: 50 }, skipped: true }).lines);
  lines.push(checkPaid(null, { era: 3 }));
  lines.push(...checkConservation(conservation));

  // Settlement: no batch, a batch beyond the last one, an entry whose events ask another amount.
  const account = k(30);
  lines.push(...checkSettlementSide('payers', null, null, account));
  lines.push(
    ...checkSettlementSide(
      'payees',
      {
        batchIndex: 5,
        maxBatchIndex: 1,
        entries: [{ account, amount: 10n }],
        proof: [],
        events: [{ account, amount: 9n, expected: null }],
      },
      k(31),
      account
    )
  );
  lines.push(
    ...checkSettlementSide(
      'payers',
      {
        batchIndex: 0,
        maxBatchIndex: 0,
        entries: [{ account: k(32), amount: 1n }],
        proof: [],
        events: [],
      },
      k(31),
      account
    )
  );
  const pendingEra = { state: 'pending', payersRoot: null, payeesRoot: null } as const;
  lines.push(...verifySettlementSubject('payers', null, null, pendingEra));
  lines.push(...verifySettlementSubject('payees', account, null, pendingEra));
  return lines.filter((l) => l.status !== 'pass');
}

describe('the line catalogue in words', () => {
  it('every check has a title and a description, and the words name no check it lacks', () => {
    const patterns = CATALOGUE.map((c) => c.check);
    expect(Object.keys(SENTENCES).sort()).toEqual([...patterns].sort());
    for (const c of CATALOGUE) {
      expect(SENTENCES[c.check]?.description, c.check).toMatch(/^\S.{40,}\.$/);
      // A title is a heading: short, no sentence's period, no placeholder.
      expect(c.title.length, c.check).toBeLessThanOrEqual(60);
      expect(c.title, c.check).not.toMatch(/[.{}]$|[{}]/);
    }
  });

  it('every code a check declares has a sentence, and no sentence is left for a code it lacks', () => {
    for (const c of CATALOGUE) {
      const w = SENTENCES[c.check]!;
      for (const table of ['fails', 'waits', 'skips'] as const) {
        const declared = [...(c[table] ?? [])].sort();
        expect(Object.keys(w[table] ?? {}).sort(), `${c.check} ${table}`).toEqual(declared);
      }
    }
  });

  it('each description and sentence is one sentence, ending with a period', () => {
    const texts = [
      ...Object.entries(SENTENCES).map(([c, w]) => [c, w.description] as const),
      ...allSentences().map((s) => [`${s.check} ${s.table} ${s.code}`, s.text] as const),
    ];
    for (const [where, t] of texts) {
      expect(t, where).toMatch(/\.$/);
      // No sentence ends inside it: a period, ! or ? followed by a space.
      expect(t.slice(0, -1), where).not.toMatch(/[.!?]\s/);
      expect(t, where).not.toMatch(/\s{2}|^\s|\s$/);
    }
  });

  it('names only the item, role or side its check has, and every fact with words to fall back on', () => {
    const texts = [
      ...Object.entries(SENTENCES).map(([c, w]) => [c, w.description] as const),
      ...allSentences().map((s) => [s.check, s.text] as const),
    ];
    for (const [check, t] of texts) {
      const p = placeholders(t);
      for (const n of p.names)
        expect(check, `${check}: {${n}}`).toContain(n === '#' ? '[#]' : `<${n}>`);
      for (const f of p.facts) expect(f, `${check}: ${t}`).not.toContain('<no fallback>');
    }
  });

  it('each fact a sentence names is one the check emits with that code', () => {
    const samples = sampleLines();
    const seen = new Map<string, Set<string>>();
    for (const l of samples) {
      const key = `${patternOf(l.check)} ${l.status} ${l.code}`;
      if (!seen.has(key)) seen.set(key, new Set());
      for (const f of Object.keys(l.facts)) seen.get(key)!.add(f);
    }
    const unproven: string[] = [];
    for (const s of allSentences()) {
      const facts = placeholders(s.text).facts.flat();
      if (facts.length === 0) continue;
      const emitted = seen.get(`${s.check} ${STATUS_OF[s.table]} ${s.code}`);
      // Alternatives each name a fact the check emits (with the code) on some line.
      for (const f of facts)
        if (!emitted?.has(f)) unproven.push(`${s.check} ${s.table} ${s.code}: {${f}}`);
    }
    expect(unproven).toEqual([]);
    // And every sample line reads as a sentence with its facts filled in, none left in braces.
    for (const l of samples) {
      const r = explainLine(l).reason!;
      expect(r, `${l.check} ${l.code}`).toMatch(/^\S.*\.$/);
      expect(r, `${l.check} ${l.code}`).not.toMatch(/[{}]|undefined|null|\s{2}|\s[,.]/);
    }
  });

  it('renders a line whose facts lack what its sentence names with the sentence’s own words', () => {
    for (const s of allSentences()) {
      const check = s.check
        .replace('[#]', '[3]')
        .replace('<role>', 'agent')
        .replace('<side>', 'payers')
        .replace('*', 'decode');
      const status = STATUS_OF[s.table];
      const w = explainLine({ check, status, code: s.code, facts: {} });
      expect(w.reason, `${s.check} ${s.code}`).toMatch(/^\S.*\.$/);
      expect(w.reason!, `${s.check} ${s.code}`).not.toMatch(/[{}]|undefined|\s{2}|\s[,.)]/);
      expect(w.title).toBe(specOf(check)!.title);
      expect(w.description).not.toMatch(/[{}]/);
    }
  });

  it('reads hostile facts without a crash: objects fall back, long values are cut', () => {
    const w = explainLine({
      check: 'grant.status',
      status: 'fail',
      code: 'GRANT_EXPIRED',
      facts: { at: { nested: 1 }, expiresAt: 'x'.repeat(500), constructor: 'no' },
    });
    expect(w.reason).toBe(
      `The grant version in force at the record's time had expired at ${'x'.repeat(119)}…, so consent had lapsed when the activity happened.`
    );
    for (const facts of [null, 'text', [1, 2], 7, undefined])
      expect(
        explainLine({ check: 'settlement.paid', status: 'fail', code: 'NOT_PAID', facts }).reason
      ).toBe(
        'The era was never paid: a later era of the cluster (era not recorded) was paid instead, and Cere pays eras in order.'
      );
    // A status the API does not know reads as ok says; an empty check name has no words.
    expect(
      explainLine({ check: 'anchor.finality', status: 'odd', ok: false, code: 'NOT_FINAL' })
    ).toMatchObject({
      reason:
        'Block holding the anchor is not finalized, so the chain could still drop the anchor.',
    });
    expect(explainLine({ check: '', ok: false, code: null })).toEqual({
      title: '',
      description: null,
      reason: null,
    });
  });

  it('explains a real failing line in words, and falls back to the generic reason', () => {
    const lines = sampleLines();
    const expired = lines.find((l) => l.check === 'grant.status' && l.code === 'GRANT_EXPIRED')!;
    expect(explainLine(expired)).toEqual({
      title: "Grant in force at the record's time",
      description: SENTENCES['grant.status']!.description,
      reason: `The grant version in force at ${expired.facts.at} had expired at ${expired.facts.expiresAt}, so consent had lapsed when the activity happened.`,
    });
    const role = lines.find(
      (l) => l.check === 'record.signature.agent' && l.code === 'SIGNER_MISMATCH'
    )!;
    expect(explainLine(role).reason).toMatch(
      /^The agent signature was made by 0x[0-9a-f]{64} instead of 0x[0-9a-f]{64}\.$/
    );
    expect(explainLine(role).description).toMatch(
      /^The agent signature is on the record exactly once/
    );
    const vote = explainLine({ check: 'grant.signature[2]', status: 'fail', code: 'SIG_INVALID' });
    expect(vote.reason).toContain('grant version 2 does not verify');
    // A pending line reads its waits sentence, a skipped one its skips sentence.
    const waits = explainLine({ check: 'settlement.paid', status: 'pending', code: 'NOT_PAID' });
    expect(waits.reason).toBe(
      'The era has not been paid yet, so this line waits for ClusterEraPaid.'
    );
    const skip = explainLine({ check: 'settlement.paid', status: 'skipped', code: 'ERA_SKIPPED' });
    expect(skip.reason).toMatch(/^ClusterEraPaid was emitted by Root skipping the era/);
    // A passing line has no reason; a check the catalogue lacks is titled by its name.
    expect(explainLine({ ...expired, status: 'pass', ok: true, code: null }).reason).toBeNull();
    expect(
      explainLine({ check: 'inclusion.payload', status: 'fail', code: 'ROOT_MISMATCH' })
    ).toEqual({
      title: 'inclusion.payload',
      description: null,
      reason: 'A root differs from the root recomputed from the leaves.',
    });
    // A code a check does not declare (never produced) still reads as the generic sentence.
    expect(explainLine({ check: 'anchor.finality', ok: false, code: 'TOO_LARGE' }).reason).toBe(
      'An input exceeds the size limit the verifier accepts.'
    );
    expect(explainLine({ check: 'anchor.finality', ok: false, code: 'NO_SUCH' }).reason).toBeNull();
  });

  it('the explorer shows each line titled, with its description or its reason in these words', () => {
    const html = renderToStaticMarkup(
      createElement(LineList, {
        lines: [
          {
            step: 'grant',
            check: 'grant.status',
            ok: false,
            status: 'fail',
            code: 'GRANT_EXPIRED',
            reason: REASONS.GRANT_EXPIRED,
            rule: 'cere:gar-status',
            basis: 'checked',
            facts: { at: '2026-11-01T00:00:20Z', expiresAt: '2026-11-01T00:00:10Z' },
          },
          { step: 'record', check: 'record.id', ok: true, rule: 'r', basis: 'checked' },
          {
            step: 'settlement',
            check: 'settlement.paid',
            ok: false,
            status: 'pending',
            code: 'NOT_PAID',
            rule: 'r',
            basis: 'trusted',
          },
        ],
      })
    );
    const text = html.replace(/&#x27;/g, "'");
    expect(text).toContain(
      '<span class="check" title="The grant version in force at the record\'s time (the latest'
    );
    expect(text).toContain(">Grant in force at the record's time</span>");
    expect(text).toContain(
      '<span class="reason">The grant version in force at 2026-11-01T00:00:20Z had expired at 2026-11-01T00:00:10Z, so consent had lapsed when the activity happened.</span><span class="code mono">GRANT_EXPIRED</span>'
    );
    // A passing line reads its description; a waiting one what it waits for.
    expect(text).toContain(
      '<span class="reason muted">The record id is the one derived from the record\'s canonical (JCS) content'
    );
    expect(text).toContain('this line waits for ClusterEraPaid.</span>');
    expect(text).not.toContain(REASONS.GRANT_EXPIRED);
  });
});

/** The GAR service as the indexer sees it: the devnet's, plus one version with a broken signature. */
async function garWithBrokenVersion(
  garUrl: string,
  broken: Record<string, unknown>
): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res) => {
    void (async () => {
      const up = await fetch(`${garUrl}${req.url ?? '/'}`);
      const body = (await up.json()) as Record<string, unknown>;
      // After the service's last version, once: the list answers it to a reader not past it.
      const url = new URL(req.url ?? '/', garUrl);
      const after = Number(url.searchParams.get('after') ?? 0);
      if (
        url.pathname === '/api/v1/agreements' &&
        body.next === null &&
        after < Number(broken.sequence)
      )
        (body.items as unknown[]).push(broken);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    })().catch(() => {
      res.statusCode = 502;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.each(legs)('the line catalogue, through the indexer, on %s', (leg) => {
  let dn: Devnet;
  let db: TestDatabase;
  let pool: pg.Pool;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    dn = await startDevnet({
      seed: 'catalogue',
      records: 240,
      eras: 4,
      recordsPerBatch: 10,
      faults: [...DEVNET_FAULTS],
    });
    closers.push(() => dn.close());
    dn.settle();

    // Hostile records, from an honest batch of era 2 (the honest, paid era).
    const sc = dn.scenario;
    const era2 = 2;
    let base: Uint8Array | null = null;
    for (const p of sc.payloads.values()) {
      const lines = decodeBatchPayload(p, RecordFormat.ScpJson);
      if (lines.ok && JSON.parse(new TextDecoder().decode(lines.value[0]!)).era === era2) {
        base = p;
        break;
      }
    }
    const records = decodeBatchPayload(base!, RecordFormat.ScpJson);
    if (!records.ok) throw new Error('fixture');
    const objs = records.value.map((r) => JSON.parse(new TextDecoder().decode(r)));
    const bytes: Uint8Array[] = [];
    const stranger = toHex(blake2b256(utf8('a user nobody granted anything')));
    objs.forEach((o, i) => {
      if (i === 0) {
        bytes.push(utf8('not json at all'));
        return;
      }
      if (i === 1) o.record_id = 'dac-000000000000000000000000';
      if (i === 2) o.signatures.push({ algorithm: 'ed25519', signer: '0x12', value: '0x34' });
      if (i === 3) o.dac = '0x0a0b0c';
      if (i === 4) {
        o.user = stranger;
        o.customer = stranger;
      }
      bytes.push(canonicalBytes(o));
    });
    const payload = encodeBatchPayload(bytes, RecordFormat.ScpJson);
    const envelope = encodeEnvelope({
      kind: 'DacBatch',
      clusterId: sc.clusterId,
      era: era2,
      batchIndex: 77,
      recordFormat: RecordFormat.ScpJson,
      leafCount: bytes.length,
      root: batchRoot(bytes.map((b) => blake2b256(b))),
      payloadHash: blake2b256(payload),
    });
    const extra = new Map([[toHex(blake2b256(payload)), payload]]);
    const nodes = await startStorageNodes(1, (h) => extra.get(h) ?? sc.payloads.get(h));
    closers.push(() => nodes.close());
    // A registered node anchors it, after the devnet's last block.
    const node0 = identity('catalogue', 'node/0');
    const tip = dn.chain.best;
    const block = dn.chain.build({
      timestamp: tip.timestamp + 6000,
      extrinsics: [
        {
          call: {
            pallet: 'System',
            name: 'remark_with_event',
            args: { remark: toHex(envelope) },
          },
          signer: node0,
          events: [
            {
              pallet: 'System',
              name: 'Remarked',
              args: { sender: toHex(node0.publicKey), hash: toHex(blake2b256(envelope)) },
            },
          ],
        },
      ],
    } as never);
    dn.chain.setBest(block.hash);
    expect(decodeEnvelope(envelope).ok).toBe(true);

    // The GAR service also serves a version of user 0's grant whose signature is broken.
    const honest = sc.agreements[0]!;
    const sig = honest.signature;
    const value = parseHex(sig.value, 64)!;
    value[0] ^= 1;
    const userHex = sig.signer;
    const agentHex = JSON.parse(
      Buffer.from(honest.payload, 'base64url').toString()
    ).agent_service_pub_key;
    const versions = sc.agreements.filter(
      (a) => JSON.parse(Buffer.from(a.payload, 'base64url').toString()).user_pub_key === userHex
    ).length;
    const gar = await garWithBrokenVersion(dn.garUrl, {
      sequence: sc.agreements.length + 1,
      user: userHex,
      agent: agentHex,
      version: versions,
      payload: honest.payload,
      signature: { ...sig, value: toHex(value) },
      receivedAt: new Date(0).toISOString(),
    });
    closers.push(() => new Promise((r) => gar.server.close(r)));

    db = await createTestDatabase(leg);
    closers.push(() => db.drop());
    const sup = new Supervisor({
      env: {
        ...process.env,
        PROOFROOM_RPC_URL: dn.rpcUrl,
        DATABASE_URL: db.url,
        PROOFROOM_GAR_URL: gar.url,
        PROOFROOM_STORAGE_URLS: nodes.urls.join(','),
        PROOFROOM_HEAD_POLL_MS: '100',
        PROOFROOM_THREADS: '2',
        PROOFROOM_METRICS_PORT: '-1',
      },
      stdio: 'pipe',
      minBackoffMs: 100,
    });
    sup.start();
    closers.push(() => sup.stop(2000));
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    closers.push(() => pool.end());
    const t0 = Date.now();
    for (;;) {
      const r = await pool
        .query(`SELECT hash FROM indexer_status WHERE id = 'main'`)
        .catch(() => ({ rows: [] as Array<{ hash: string }> }));
      if (r.rows[0]?.hash === block.hash) break;
      if (Date.now() - t0 > 120_000) throw new Error('the indexer did not reach the head');
      await new Promise((res) => setTimeout(res, 100));
    }
  }, 240_000);

  afterAll(async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  });

  it('fails every check of the catalogue in some stored receipt', async () => {
    const ids = (await pool.query(`SELECT id FROM activity_record`)).rows.map((r) => r.id);
    expect(ids.length).toBe(240 + 10);
    const failing = new Map<string, Set<string>>();
    const pendingSeen = new Set<string>();
    for (const id of ids) {
      const r = (await loadReceipt(pool, { id }))!;
      for (const l of r.lines) {
        if (l.status === 'pending') pendingSeen.add(patternOf(l.check));
        if (l.status !== 'fail') continue;
        const k = patternOf(l.check);
        if (!failing.has(k)) failing.set(k, new Set());
        failing.get(k)!.add(l.code!);
      }
    }
    // The chain subject is computed where bundles are verified, not stored by the indexer; its
    // checks fail through the indexer and the API in test/chain-proofs.test.ts.
    const never = CATALOGUE.filter((c) => c.subject !== 'chain' && !failing.has(c.check)).map(
      (c) => c.check
    );
    expect(never).toEqual([]);
    // Each failure carries a code its catalogue entry names.
    for (const c of CATALOGUE)
      for (const code of failing.get(c.check) ?? [])
        expect(c.fails as readonly string[], `${c.check} ${code}`).toContain(code);
    // And the failures no honest chain produces came from the hostile inputs.
    expect(failing.get('record.decode')).toContain('BAD_ENCODING');
    expect(failing.get('record.id')).toContain('RECORD_ID_MISMATCH');
    expect(failing.get('grant.signature[#]')).toContain('SIG_INVALID');
    expect(failing.get('grant.parties')).toContain('GRANT_MISSING');
    expect(failing.get('attestation.roots')).toContain('ROOTS_MISMATCH');
    expect(failing.get('settlement.<side>.entry')).toContain('ENTRY_NOT_FOUND');
    expect(failing.get('record.registration')).toContain('NOT_REGISTERED');
    expect(failing.get('anchor.sender')).toContain('NOT_AUTHORIZED');
    expect(failing.get('settlement.paid')).toContain('NOT_PAID');
    // The batch whose anchored root is not its payload's: the payload line says so.
    const roots = await pool.query(
      `SELECT count(*)::int AS n FROM verification_line
        WHERE subject_kind = 'batch' AND check_name = 'inclusion.payload' AND code = $1`,
      ['ROOT_MISMATCH']
    );
    expect(roots.rows[0].n).toBeGreaterThan(0);
    // The hostile batch's anchor is not final yet: its records' era lines are final, but the
    // anchor waits on nothing (finality is a verdict, NOT_FINAL).
    expect(failing.get('anchor.finality')).toContain('NOT_FINAL');
    expect(pendingSeen.size).toBe(0);
  }, 120_000);
});

describe('reason codes', () => {
  it('every code is asserted by its name in some test', () => {
    const dir = path.resolve('test');
    const texts = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    const missing = Object.keys(REASONS).filter((code) => !texts.includes(`'${code}'`));
    expect(missing).toEqual([]);
  });
});
