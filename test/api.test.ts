/**
 * The API over a database the real indexer filled from the devnet's fault scenario, on PGlite and
 * on PostgreSQL: through the built app (supertest, no port) and through real clients against a
 * listening server (graphql-request for queries, graphql-sse for live subscriptions). The API must
 * give exactly the manifest's verdicts, filters and pages must agree with each other, the bundle
 * route must reproduce the stored verdicts offline, exports must stream every row, and hostile
 * requests must get a 4xx or a GraphQL error with a stable code, never a 500 or a hang.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GraphQLClient, gql as tag } from 'graphql-request';
import { createClient } from 'graphql-sse';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../api/app.ts';
import { loadApiConfig } from '../api/config.ts';
import { startApiServer } from '../api/server.ts';
import { identity } from '../devnet/keys.ts';
import { ManifestIndex } from '../devnet/manifest.ts';
import { toHex } from '../verifier/bytes.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { ENVELOPE_MAGIC } from '../verifier/envelope.ts';
import { parseEvidence, verifyEvidence } from '../verifier/evidence.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { DEFAULT_POLICY, verifyReceipt } from '../verifier/receipt.ts';
import { pureBackend } from '../verifier/signatures.ts';
import { createTestDatabase, databaseLegs } from './helpers/databases.ts';
import { type IndexedDevnet, indexDevnet } from './helpers/indexed-devnet.ts';
import { runSentinelOnce } from './helpers/sentinel-pass.ts';

const legs = await databaseLegs();

type Json = Record<string, any>;

describe.each(legs)('api on %s', (leg) => {
  let ix: IndexedDevnet;
  let pool: pg.Pool;
  let api: Api;
  let manifest: ManifestIndex;
  const config = (env: NodeJS.ProcessEnv = {}) =>
    loadApiConfig(
      { PROOFROOM_API_RATE_LIMIT: '0', ...env },
      { databaseUrl: ix.url, embedded: leg === 'pglite' }
    );

  beforeAll(async () => {
    ix = await indexDevnet(leg, { seed: `api-${leg}` });
    pool = new pg.Pool({ connectionString: ix.url, max: 4 });
    api = createApi({ db: pool, config: config(), log: () => {} });
    manifest = new ManifestIndex(ix.devnet.manifest);
  }, 180_000);
  afterAll(async () => {
    api?.close();
    await pool?.end();
    await ix?.close();
  });

  const gql = async (query: string, variables?: Json, app = api.app): Promise<Json> => {
    const res = await request(app).post('/graphql').send({ query, variables });
    // Never a 500: client errors are GraphQL errors (200) or 4xx; a time limit is a 503.
    expect(res.status, JSON.stringify(res.body)).not.toBe(500);
    expect(res.status).toBeLessThan(504);
    return res.body as Json;
  };
  const data = async (query: string, variables?: Json): Promise<Json> => {
    const body = await gql(query, variables);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data as Json;
  };
  /**
   * Each case of an aggregate (`checkStats`, `activityStats`) answered from the counts the database
   * keeps equals the same request sent down the rows' path by `rowsOnly`, a filter on a field the
   * counts do not keep; and is not empty.
   */
  const sameFromCounts = async (
    field: string,
    fields: string,
    cases: ReadonlyArray<{ args: string; where: string }>,
    rowsOnly: string
  ): Promise<void> => {
    for (const { args, where } of cases) {
      const call = (w: string): string => {
        const list = [args, w ? `where: { ${w} }` : ''].filter(Boolean).join(', ');
        return `{ s: ${field}${list ? `(${list})` : ''} { ${fields} } }`;
      };
      const counted = await data(call(where));
      const rows = await data(call([where, rowsOnly].filter(Boolean).join(', ')));
      expect(counted.s, `${field} ${args} ${where}`).toEqual(rows.s);
      expect(counted.s.length, `${field} ${args} ${where}`).toBeGreaterThan(0);
    }
  };
  const allRecords = async (): Promise<Json[]> =>
    (
      await pool.query(
        `SELECT id, record_id, cluster_id, era, ok, customer_id FROM activity_record ORDER BY id`
      )
    ).rows;

  it('gives every receipt exactly the manifest verdict, in the order the offline verifier gives', async () => {
    const records = await allRecords();
    expect(records.length).toBe(ix.devnet.manifest.records);
    const problems: string[] = [];
    const q = `query ($r: String!) { receipt(recordId: $r) {
      id recordId kind status ok passed failed pending pendingSteps bundleUrl copies
      lines { index step check ok code reason rule basis facts subjectKind subjectId
              source { block eventIndex extrinsic url } }
      activity { id batch { id } } } }`;
    let bundlesChecked = 0;
    for (const [i, r] of records.entries()) {
      const rc = (await data(q, { r: r.record_id })).receipt as Json;
      // Every era of the devnet is paid (or, with era-not-paid, given up): nothing waits.
      expect([rc.pending, rc.pendingSteps, rc.kind]).toEqual([0, [], 'scp-json']);
      expect(rc.status).toBe(rc.ok ? 'pass' : 'fail');
      problems.push(...manifest.diff(r.record_id, rc.lines));
      const want = manifest.expected(r.record_id);
      expect(rc.ok).toBe((want?.failing.length ?? 0) === 0);
      expect(rc.failed).toBe(rc.lines.filter((l: Json) => !l.ok).length);
      for (const l of rc.lines.filter((x: Json) => !x.ok)) expect(l.reason).toBeTruthy();
      // Every fifth receipt: the REST bundle, verified offline, gives the same lines in the same order.
      if (i % 5 === 0) {
        const b = await request(api.app).get(`/v1/receipts/${encodeURIComponent(r.id)}`);
        expect(b.status).toBe(200);
        const parsed = parseBundle(JSON.stringify(b.body));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) continue;
        const offline = verifyReceipt(parsed.bundle, nodeBackend, DEFAULT_POLICY);
        expect(offline.lines.map((l) => [l.check, l.ok, l.code])).toEqual(
          rc.lines.map((l: Json) => [l.check, l.ok, l.code])
        );
        bundlesChecked++;
      }
    }
    expect(problems).toEqual([]);
    expect(bundlesChecked).toBeGreaterThan(40);
  });

  it('filters by verification status and reason code, agreeing with the manifest', async () => {
    const failingBy = (code: string) =>
      ix.devnet.manifest.receipts
        .filter((r) =>
          r.failing.some((f) => f.code === code && /^(grant|record|inclusion)\./.test(f.check))
        )
        .map((r) => r.recordId)
        .sort();
    for (const code of ['SIG_INVALID', 'SIG_MISSING', 'GRANT_EXPIRED', 'GRANT_REVOKED']) {
      const d = await data(
        `query ($c: String!) { activityRecords(where: { checks_some: { code_eq: $c } }, limit: 1000) { recordId ok } }`,
        { c: code }
      );
      const got = (d.activityRecords as Json[]).map((r) => r.recordId).sort();
      expect(got, code).toEqual(failingBy(code));
      expect(got.length, code).toBeGreaterThan(0);
      for (const r of d.activityRecords as Json[]) expect(r.ok).toBe(false);
    }
    const records = await allRecords();
    const failed = await data(`{ activityRecords(where: { ok_eq: false }, limit: 1000) { id } }`);
    expect((failed.activityRecords as Json[]).length).toBe(records.filter((r) => !r.ok).length);
    // checks_every / checks_none are the complements.
    const none = await data(
      `{ activityRecords(where: { checks_none: { ok_eq: false } }, limit: 1000) { id ok } }`
    );
    expect((none.activityRecords as Json[]).every((r) => r.ok)).toBe(true);
    expect((none.activityRecords as Json[]).length).toBe(records.filter((r) => r.ok).length);
    const every = await data(
      `{ activityRecords(where: { checks_every: { ok_eq: true } }, limit: 1000) { id } }`
    );
    expect((every.activityRecords as Json[]).length).toBe((none.activityRecords as Json[]).length);
    // Failed lines by code: the era lines of the broken era are there too.
    const lines = await data(
      `{ verificationLines(where: { ok_eq: false, step_in: ["attestation", "conservation"] }, limit: 100) { check code reason subjectKind } }`
    );
    const codes = new Set((lines.verificationLines as Json[]).map((l) => l.code));
    const want = new Set(
      ix.devnet.manifest.receipts.flatMap((r) =>
        r.failing.filter((f) => /^(attestation|conservation)\./.test(f.check)).map((f) => f.code)
      )
    );
    expect(codes).toEqual(want);
    for (const c of ['QUORUM_NOT_MET', 'NOT_BALANCED', 'FINGERPRINT_MISMATCH', 'ERA_MISMATCH'])
      expect(codes.has(c), c).toBe(true);
  });

  it('pages with keyset cursors that agree with the plain list in any order', async () => {
    const total = (await allRecords()).length;
    for (const orderBy of [
      [],
      ['era_DESC', 'timestamp_ASC'],
      ['cost_DESC'],
      ['customerId_ASC', 'leafIndex_DESC'],
    ]) {
      const all = (
        await data(
          `query ($o: [ActivityRecordOrderByInput!]) { activityRecords(orderBy: $o, limit: 1000) { id } }`,
          {
            o: orderBy,
          }
        )
      ).activityRecords as Json[];
      expect(all.length).toBe(total);
      const paged: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const d = await data(
          `query ($o: [ActivityRecordOrderByInput!], $a: String) {
             activityRecordsConnection(orderBy: $o, first: 37, after: $a) {
               totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
          { o: orderBy, a: after }
        );
        const c = d.activityRecordsConnection as Json;
        expect(c.totalCount).toBe(total);
        paged.push(...(c.edges as Json[]).map((e) => e.node.id));
        pages++;
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor;
      }
      expect(paged, JSON.stringify(orderBy)).toEqual(all.map((r) => r.id));
      expect(pages).toBe(Math.ceil(total / 37));
    }
  });

  it('resolves relations in batches and looks entities up by id', async () => {
    const d = await data(`{
      dacBatches(orderBy: [era_ASC, batchIndex_ASC], limit: 50) {
        id era batchIndex leafCount payloadStatus
        remark { id hash block { height hash final } }
        records(orderBy: leafIndex_ASC, limit: 3) { id leafIndex batch { id } }
        checks { check ok code } } }`);
    const batches = d.dacBatches as Json[];
    expect(batches.length).toBeGreaterThan(10);
    for (const b of batches) {
      expect(b.remark.block.height).toBeGreaterThan(0);
      // The anchored payload's records are there, also when their leaves miss the anchored root.
      const fetched = b.payloadStatus === 'ok' || b.payloadStatus === 'root-mismatch';
      expect(b.records.length).toBe(fetched ? Math.min(3, b.leafCount) : 0);
      for (const r of b.records) expect(r.batch.id).toBe(b.id);
      expect(b.records.map((r: Json) => r.leafIndex)).toEqual(
        [...b.records.map((r: Json) => r.leafIndex)].sort((x, y) => x - y)
      );
      expect(b.checks.some((l: Json) => l.check === 'anchor.finality')).toBe(true);
    }
    const one = await data(
      `query ($id: String!) { dacBatchById(id: $id) { id records(limit: 1000) { id } } }`,
      {
        id: batches[0]!.id,
      }
    );
    expect((one.dacBatchById as Json).records.length).toBe(batches[0]!.leafCount);
    expect((await data(`{ dacBatchById(id: "nope") { id } }`)).dacBatchById).toBeNull();
    const key = await data(
      `{ verificationSubjectById(kind: "record", id: "nope") { id } blockById(id: 1) { height hash } }`
    );
    expect(key.verificationSubjectById).toBeNull();
    expect((key.blockById as Json).height).toBe(1);
  });

  it('shows attestation rounds as a vote matrix with the threshold arithmetic', async () => {
    const d = await data(`{ attestationRounds(orderBy: [clusterId_ASC, era_ASC]) {
      id clusterId era quorum threshold agreeing validators
      matrix { rule validators threshold agreeing met arithmetic otherRule otherThreshold otherMet
        computedPayersRoot rows { validator known voted counted matchesRecomputed signatureValid signatureBasis note } } } }`);
    const rounds = d.attestationRounds as Json[];
    // Each cluster's eras have their own round.
    expect(ix.devnet.manifest.clusters).toHaveLength(2);
    expect(rounds.length).toBe(ix.devnet.manifest.eras * 2);
    expect(rounds.length).toBe(ix.devnet.manifest.eraRounds.length);
    for (const r of rounds) {
      expect(r.id).toBe(`${r.clusterId}-${r.era}`);
      const want = ix.devnet.manifest.eraRounds.find(
        (e) => e.clusterId === r.clusterId && e.era === r.era
      )!;
      const m = r.matrix as Json;
      expect([m.met, m.threshold, m.agreeing, m.validators]).toEqual([
        want.quorum,
        want.threshold,
        want.agreeing,
        want.validators,
      ]);
      expect(m.rows.filter((x: Json) => x.counted).length).toBe(want.agreeing);
      expect(new Set(m.rows.filter((x: Json) => x.known).map((x: Json) => x.validator)).size).toBe(
        want.validators
      );
      expect(m.arithmetic).toContain(`= ${want.threshold}`);
      expect(m.arithmetic).toContain(want.quorum ? '≥' : '<');
      expect(m.computedPayersRoot).toMatch(/^0x[0-9a-f]{64}$/);
    }
  });

  it('reconciles era payouts and aggregates per era, customer and provider', async () => {
    const d = await data(`{ eraPayouts(orderBy: [clusterId_ASC, era_ASC]) {
      id clusterId era ok charged rewarded records paid { kind blockHeight }
      checks(where: { step_eq: "conservation" }) { check ok code }
      reconciliation { ok differences rows { side account onChain recomputed difference matches } } } }`);
    const eras = d.eraPayouts as Json[];
    // A payout for every paid era (with era-not-paid, one era has none).
    expect(eras.length).toBe(ix.devnet.manifest.eraRounds.filter((r) => r.paid).length);
    for (const e of eras) {
      const want = ix.devnet.manifest.eraRounds.find(
        (x) => x.clusterId === e.clusterId && x.era === e.era
      )!;
      expect(e.checks.every((l: Json) => l.ok)).toBe(want.balanced);
      // The paying block, not the block where the figures were last derived.
      expect(e.paid).toEqual({ kind: 'paid', blockHeight: want.paidAtBlock });
      const rec = e.reconciliation as Json;
      for (const row of rec.rows) {
        expect(BigInt(row.difference)).toBe(BigInt(row.onChain ?? 0) - BigInt(row.recomputed ?? 0));
        expect(row.matches).toBe(
          row.onChain !== null && row.recomputed !== null && row.difference === '0'
        );
      }
      expect(rec.rows.some((r: Json) => r.side === 'payers')).toBe(true);
      expect(rec.rows.some((r: Json) => r.side === 'payees')).toBe(true);
    }
    const records = await allRecords();
    const stats =
      await data(`{ activityStats(groupBy: [CLUSTER, ERA]) { clusterId era records passed failed verificationRate cost }
                                total: activityStats { records passed failed }
                                byCustomer: activityStats(groupBy: [CLUSTER, ERA, CUSTOMER], limit: 1000) { customerId records }
                                codes: checkStats(groupBy: [CODE], where: { ok_eq: false }) { code failed } }`);
    expect((stats.activityStats as Json[]).length).toBe(ix.devnet.manifest.eraRounds.length);
    for (const s of stats.activityStats as Json[]) {
      const inEra = records.filter((r) => r.cluster_id === s.clusterId && r.era === s.era);
      expect(s.records).toBe(inEra.length);
      expect(s.failed).toBe(inEra.filter((r) => !r.ok).length);
      expect(s.verificationRate).toBeCloseTo(s.passed / s.records, 10);
      const era = eras.find((x) => x.clusterId === s.clusterId && x.era === s.era);
      if (era) expect(s.records).toBe(era.records);
    }
    expect((stats.total as Json[])[0]!.records).toBe(records.length);
    expect((stats.byCustomer as Json[]).reduce((n, s) => n + s.records, 0)).toBe(records.length);
    const codes = new Set((stats.codes as Json[]).map((c) => c.code));
    for (const r of ix.devnet.manifest.receipts)
      for (const f of r.failing) expect(codes.has(f.code), f.code).toBe(true);
    // checkStats(clusterId:): the lines of one cluster's records, batches and eras. Every fault is
    // in cluster 1; the honest cluster 2 has lines, none failed.
    const [c1, c2] = ix.devnet.manifest.clusters.map((c) => c.clusterId);
    const q = `query ($c: String!) {
      total: checkStats(clusterId: $c) { lines failed }
      kinds: checkStats(groupBy: [SUBJECT_KIND], clusterId: $c) { subjectKind lines }
      codes: checkStats(groupBy: [CHECK, CODE], clusterId: $c, where: { ok_eq: false }) { check code failed } }`;
    const one = await data(q, { c: c1 });
    const two = await data(q, { c: c2 });
    expect(two.total[0].lines).toBeGreaterThan(0);
    expect(two.total[0].failed).toBe(0);
    expect(two.codes).toEqual([]);
    for (const d of [one, two])
      expect(new Set(d.kinds.map((k: Json) => k.subjectKind))).toEqual(
        new Set(['record', 'links', 'batch', 'anchor', 'era', 'settlement'])
      );
    const codes1 = new Set(one.codes.map((c: Json) => c.code));
    for (const r of ix.devnet.manifest.receipts)
      for (const f of r.failing) expect(codes1.has(f.code), f.code).toBe(true);
    expect(one.total[0].failed).toBe(
      one.codes.reduce((n: number, c: Json) => n + (c.failed as number), 0)
    );
    // Together the two clusters hold every line but those of remarks outside any cluster.
    const all = (
      await pool.query(
        `SELECT count(*)::int AS n FROM verification_line WHERE subject_kind <> 'remark'`
      )
    ).rows[0].n;
    expect(one.total[0].lines + two.total[0].lines).toBe(all);
    // The counts the database keeps (check_count) give what counting the lines gives. A filter on
    // a field the counts do not keep (subjectId) sends the same request down the lines' path.
    const fields =
      'step check code subjectKind lines passed failed pending skipped lastBlockHeight';
    const cases: Array<{ args: string; where: string }> = [
      { args: '', where: '' },
      { args: 'groupBy: [STEP, CHECK, CODE, SUBJECT_KIND], limit: 1000', where: '' },
      { args: `groupBy: [SUBJECT_KIND], clusterId: "${c1!.toUpperCase()}"`, where: '' },
      {
        args: `groupBy: [CHECK, CODE], clusterId: "${c1}"`,
        where: 'ok_eq: false, skipped_eq: false',
      },
      {
        args: `groupBy: [CODE]`,
        where: 'OR: [{ code_eq: "PROOF_INVALID" }, { pending_eq: true }]',
      },
      {
        args: `groupBy: [STEP], clusterId: "${c2}"`,
        where: 'blockHeight_gt: 20, check_startsWith: "a"',
      },
    ];
    await sameFromCounts('checkStats', fields, cases, 'subjectId_not_eq: "~"');
    // The same for activityStats and activity_count (a recordId filter takes the records' path).
    const activityFields =
      'clusterId era records passed failed pending cost firstTimestamp lastTimestamp verificationRate';
    const activityCases: Array<{ args: string; where: string }> = [
      { args: '', where: '' },
      { args: 'groupBy: [CLUSTER], limit: 1000', where: '' },
      { args: 'groupBy: [ERA], limit: 1000', where: `clusterId_eq: "${c1}"` },
      { args: 'groupBy: [CLUSTER, ERA]', where: 'era_eq: 2' },
      { args: 'groupBy: [ERA]', where: `OR: [{ ok_eq: false }, { blockHeight_lt: 10 }]` },
    ];
    await sameFromCounts('activityStats', activityFields, activityCases, 'recordId_not_eq: "~"');
  });

  it('reports where the indexer stands', async () => {
    const d =
      await data(`{ _meta { bestHeight finalizedHeight indexedHeight verifiedHeight lag secondsSinceUpdate
      verifierVersion chain { name genesisHash ss58Prefix } errors { kind code count } }
      squidStatus { height finalizedHeight hash } }`);
    const st = (await pool.query(`SELECT * FROM indexer_status`)).rows[0];
    const m = d._meta as Json;
    expect([m.bestHeight, m.indexedHeight, m.finalizedHeight]).toEqual([
      st.best_height,
      st.height,
      st.finalized_height,
    ]);
    expect(m.verifiedHeight).toBe(m.indexedHeight);
    expect(m.lag).toBe(0);
    expect(m.chain.genesisHash).toBe(ix.devnet.chain.hashAt(0));
    expect((d.squidStatus as Json).hash).toBe(st.hash);
    // Problems the indexer met: none here (every payload had an honest copy somewhere).
    const bad = (
      await pool.query(`SELECT count(*)::int AS n FROM dac_batch WHERE payload_status <> 'ok'`)
    ).rows[0].n;
    expect(
      (m.errors as Json[]).filter((e) => e.kind === 'payload').reduce((n, e) => n + e.count, 0)
    ).toBe(bad);
    const health = await request(api.app).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.indexer.indexedHeight).toBe(st.height);
    const metrics = await request(api.app).get('/metrics');
    expect(metrics.text).toContain('proofroom_api_requests_total');
    expect(metrics.text).toContain('proofroom_api_request_seconds_bucket');
  });

  it('streams exports as CSV and NDJSON with filters, every row, nothing capped', async () => {
    const records = await allRecords();
    const era1 = records.filter((r) => r.era === 1);
    const csv = await request(api.app).get(
      '/v1/export/activityRecords.csv?era_eq=1&fields=id,recordId,ok,cost,usage'
    );
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.text.trimEnd().split('\r\n');
    expect(rows[0]).toBe('id,recordId,ok,cost,usage');
    expect(rows.length - 1).toBe(era1.length);
    const nd = await request(api.app)
      .get('/v1/export/verificationLines.ndjson')
      .query({ where: JSON.stringify({ ok_eq: false }), orderBy: 'blockHeight_DESC' })
      .buffer(true)
      .parse((res, cb) => {
        let s = '';
        res.on('data', (c: Buffer) => (s += c.toString()));
        res.on('end', () => cb(null, s));
      });
    expect(nd.status).toBe(200);
    const lines = (nd.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    const failedLines = (
      await pool.query(`SELECT count(*)::int AS n FROM verification_line WHERE NOT ok`)
    ).rows[0].n;
    expect(lines.length).toBe(failedLines);
    expect(lines.every((l) => l.ok === false && typeof l.check === 'string')).toBe(true);
    const heights = lines.map((l) => l.blockHeight as number);
    expect(heights).toEqual([...heights].sort((a, b) => b - a));
    // Every record, by the table name too; more rows than one export page would hold is covered by the bench.
    const all = await request(api.app).get('/v1/export/activity_record.ndjson?fields=id');
    expect(all.text.trim().split('\n').length).toBe(records.length);
    for (const [path, code] of [
      ['/v1/export/nothing.csv', 404],
      ['/v1/export/activityRecords.xml', 404],
      ['/v1/export/activityRecords.csv?era_eq=abc', 400],
      ['/v1/export/activityRecords.csv?bogus_eq=1', 400],
      ['/v1/export/activityRecords.csv?where=%7Bnot-json', 400],
      ['/v1/export/activityRecords.csv?fields=id,nope', 400],
      ['/v1/export/activityRecords.csv?orderBy=id;DROP', 400],
    ] as const) {
      const r = await request(api.app).get(path);
      expect(r.status, path).toBe(code);
      expect(typeof r.body.error.code, path).toBe('string');
    }
  });

  it('serves bundles that pass proofroom verify, and a tampered copy fails the right line', async () => {
    const honest = (await allRecords()).find((r) => r.ok && !manifest.expected(r.record_id))!;
    const res = await request(api.app).get(`/v1/receipts/${encodeURIComponent(honest.record_id)}`);
    expect(res.status).toBe(200);
    const parsed = parseBundle(JSON.stringify(res.body));
    expect(parsed.ok && verifyReceipt(parsed.bundle, nodeBackend).ok).toBe(true);
    const tampered = structuredClone(res.body) as Json;
    tampered.settlement.payers.entries[0].amount = String(
      BigInt(tampered.settlement.payers.entries[0].amount) + 1n
    );
    const p2 = parseBundle(JSON.stringify(tampered));
    expect(p2.ok).toBe(true);
    if (p2.ok) {
      const failing = verifyReceipt(p2.bundle, nodeBackend)
        .lines.filter((l) => !l.ok)
        .map((l) => l.check);
      expect(failing).toContain('settlement.payers.proof');
    }
    const missing = await request(api.app).get('/v1/receipts/no-such-record');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('serves the signed evidence of a failed sentinel check, which proofroom verify accepts', async () => {
    // One sentinel pass over the devnet's storage nodes: node 1 serves the first payload of era 1
    // with a byte flipped, node 2 answers 404 for it (payload-tampered, payload-missing).
    const rounds = await runSentinelOnce(ix, leg);
    expect(rounds.length).toBeGreaterThan(0);
    expect(rounds.every((r) => r.complete)).toBe(true);
    const checks = (
      await pool.query(
        `SELECT id::text AS id, ok, kind, code, node_url, activity_id FROM sentinel_check
          WHERE round_id IS NOT NULL ORDER BY id`
      )
    ).rows;
    const failed = checks.filter((c) => !c.ok);
    expect(new Set(failed.map((c) => c.kind))).toEqual(new Set(['mismatch', 'missing']));
    // Every failure's evidence, as served, is a document the offline verifier accepts.
    for (const c of failed) {
      const res = await request(api.app).get(`/v1/sentinel/evidence/${c.id}`).buffer(true);
      expect(res.status, c.id).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="evidence-${c.id}.json"`
      );
      expect(res.text.endsWith('}\n')).toBe(true);
      expect(res.text).toContain('\n  "format": "proofroom/sentinel-evidence/2",\n');
      const parsed = parseEvidence(res.text);
      expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors)).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.evidence.claim.kind).toBe(c.kind);
      expect(parsed.evidence.claim.code).toBe(c.code);
      expect(parsed.evidence.request.node).toBe(c.node_url);
      expect(parsed.evidence.subject.activityId).toBe(c.activity_id);
      const report = verifyEvidence(parsed.evidence, pureBackend);
      expect(report.ok, JSON.stringify(report.lines.filter((l) => !l.ok))).toBe(true);
    }
    // A check that passed has no evidence; a check that does not exist neither.
    const passed = checks.find((c) => c.ok)!;
    const none = await request(api.app).get(`/v1/sentinel/evidence/${passed.id}`);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NOT_FOUND');
    const absent = await request(api.app).get('/v1/sentinel/evidence/9223372036854775807');
    expect(absent.status).toBe(404);
    expect(absent.body.error.code).toBe('NOT_FOUND');
    for (const bad of ['abc', '-1', '1.5', '0x10', '9223372036854775808', '1'.repeat(40)]) {
      const r = await request(api.app).get(`/v1/sentinel/evidence/${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.body.error.code, bad).toBe('BAD_USER_INPUT');
    }
  });

  it('answers hostile requests with a 4xx or a GraphQL error carrying a stable code', async () => {
    const codeOf = (b: Json) => b.errors?.[0]?.extensions?.code as string | undefined;
    // Deep nesting through relations.
    const deep = `{ dacBatches(limit: 1) { records(limit: 1) { batch { records(limit: 1) { batch { records(limit: 1) { batch { records(limit: 1) { batch { records(limit: 1) { batch { id } } } } } } } } } } } }`;
    const d1 = await gql(deep);
    expect(codeOf(d1)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(d1.data ?? null).toBeNull();
    // Page sizes multiplied through nested relations, with literals or variables.
    const wide = await gql(
      `query ($n: Int) { dacBatches(limit: 1000) { records(limit: $n) { checks(limit: 1000) { ok } } } }`,
      { n: 1000 }
    );
    expect(codeOf(wide)).toBe('TOO_COMPLEX');
    expect(wide.errors[0].extensions.facts.estimatedRows).toBeGreaterThan(1e8);
    expect(
      codeOf(await gql(`{ activityRecords(limit: 1000) { receipt { ok } batch { id } } }`))
    ).toBeUndefined();
    // Page size, offset and cursor limits.
    expect(codeOf(await gql(`{ activityRecords(limit: 1000000) { id } }`))).toBe('LIMIT_TOO_LARGE');
    expect(codeOf(await gql(`{ activityRecords(offset: 100000000) { id } }`))).toBe(
      'OFFSET_TOO_LARGE'
    );
    expect(codeOf(await gql(`{ activityRecords(limit: -1) { id } }`))).toBe('BAD_USER_INPUT');
    for (const after of [
      'garbage!',
      Buffer.from('["x",1]').toString('base64url'),
      'e30',
      Buffer.from('[1]').toString('base64url'),
    ])
      expect(
        codeOf(
          await gql(
            `query ($a: String) { activityRecordsConnection(first: 5, after: $a) { totalCount } }`,
            { a: after }
          )
        ),
        after
      ).toBe('BAD_CURSOR');
    // Injection strings are values, never SQL.
    const inj = await data(
      `query ($s: String!) { activityRecords(where: { recordId_eq: $s, OR: [{ userId_startsWith: $s }, { agentId_contains: $s }] }) { id } }`,
      {
        s: `x' OR '1'='1'; DROP TABLE activity_record; --`,
      }
    );
    expect(inj.activityRecords).toEqual([]);
    expect((await allRecords()).length).toBe(ix.devnet.manifest.records);
    expect(
      codeOf(await gql(`{ activityRecords(orderBy: [id_ASC, "id; DROP TABLE block"]) { id } }`))
    ).toBe('GRAPHQL_VALIDATION_FAILED');
    // Bad scalars, unknown fields (no suggestions leak the schema), too many aliases, too many tokens.
    expect(codeOf(await gql(`{ customerDeposits(where: { amount_gt: "12abc" }) { id } }`))).toBe(
      'GRAPHQL_VALIDATION_FAILED'
    );
    const unknown = await gql(`{ activityRecords { idd } }`);
    expect(unknown.errors[0].message).not.toMatch(/Did you mean/);
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: _meta { bestHeight }`).join(' ')} }`;
    expect(codeOf(await gql(aliases))).toBe('GRAPHQL_VALIDATION_FAILED');
    const tokens = `{ activityRecords { ${Array.from({ length: 3000 }, () => 'id').join(' ')} } }`;
    expect(codeOf(await gql(tokens))).toBe('GRAPHQL_PARSE_FAILED');
    // The directive and cost limits carry a code too (graphql-armor gives them none).
    const directives = `{ _meta { ${Array.from({ length: 30 }, () => 'bestHeight @include(if: true)').join(' ')} } }`;
    expect(codeOf(await gql(directives))).toBe('GRAPHQL_VALIDATION_FAILED');
    const costly = `{ activityRecordsConnection(first: 1000) { edges { node { id recordId era cost } } } }`;
    const cost = await gql(costly);
    expect(cost.errors[0].message).toMatch(/Cost limit/);
    expect(codeOf(cost)).toBe('GRAPHQL_VALIDATION_FAILED');
    // Bodies: too large, not JSON, wrong content type, malformed JSON.
    const big = await request(api.app)
      .post('/graphql')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ query: `{ _meta { lag } }`, pad: 'x'.repeat(200_000) }));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const notJson = await request(api.app)
      .post('/graphql')
      .set('content-type', 'application/json')
      .send('{"query": ');
    expect(notJson.status).toBe(400);
    const text = await request(api.app)
      .post('/graphql')
      .set('content-type', 'text/plain')
      .send('{ _meta { lag } }');
    expect(text.status).toBe(415);
    const noQuery = await request(api.app).post('/graphql').send({});
    expect(noQuery.status).toBeGreaterThanOrEqual(400);
    expect(noQuery.status).toBeLessThan(500);
    const unknownRoute = await request(api.app).get('/v2/nothing');
    expect(unknownRoute.status).toBe(404);
    // CORS preflight.
    const pre = await request(api.app)
      .options('/graphql')
      .set('Origin', 'https://dash.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers operations with variables of recursive input types (filters passed as variables)', async () => {
    // graphql-jit 0.8.7 never finished compiling such an operation and ran the process out of
    // memory; the API executes them with graphql-js instead.
    const body = await data(
      `query Ids($where: ActivityRecordWhereInput, $first: Int!, $after: String) {
        activityRecordsConnection(where: $where, orderBy: [id_ASC], first: $first, after: $after) {
          edges { node { id era } }
        }
      }`,
      { where: { era_eq: 1, OR: [{ ok_eq: true }, { ok_eq: false }] }, first: 5, after: null }
    );
    const edges = body.activityRecordsConnection.edges as Json[];
    expect(edges).toHaveLength(5);
    for (const e of edges) expect(e.node.era).toBe(1);
  });

  it('rate-limits each client, restricts CORS origins when configured, masks internal errors', async () => {
    const limited = createApi({
      db: pool,
      config: config({
        PROOFROOM_API_RATE_LIMIT: '5',
        PROOFROOM_API_CORS_ORIGINS: 'https://audit.example',
      }),
      log: () => {},
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await request(limited.app).get('/v1/receipts/none')).status);
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const r = await request(limited.app).get('/v1/receipts/none');
    expect(r.body.error.code).toBe('RATE_LIMITED');
    // Every REST route counts against the same budget.
    const ev = await request(limited.app).get('/v1/sentinel/evidence/1');
    expect(ev.status).toBe(429);
    expect(ev.body.error.code).toBe('RATE_LIMITED');
    expect(r.headers['ratelimit-policy']).toBeDefined();
    const ok = await request(limited.app).get('/healthz').set('Origin', 'https://audit.example');
    expect(ok.headers['access-control-allow-origin']).toBe('https://audit.example');
    const other = await request(limited.app).get('/healthz').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    limited.close();

    // A database without the schema: the error is masked, coded INTERNAL, logged for the operator.
    const empty = await createTestDatabase(leg);
    const emptyPool = new pg.Pool({ connectionString: empty.url, max: 2 });
    const logged: string[] = [];
    const broken = createApi({ db: emptyPool, config: config(), log: (m) => logged.push(m) });
    try {
      const b = await gql(`{ activityRecords { id } }`, undefined, broken.app);
      expect(b.errors[0].extensions.code).toBe('INTERNAL');
      expect(b.errors[0].message).toBe('Unexpected error.');
      expect(JSON.stringify(b)).not.toContain('activity_record');
      expect(logged.join('\n')).toContain('activity_record');
      const h = await request(broken.app).get('/healthz');
      expect(h.status).toBe(503);
      expect(h.body.database.ok).toBe(true);
      expect(h.body.error).toContain('no Proof Room schema');
    } finally {
      broken.close();
      await emptyPool.end();
      await empty.drop();
    }
  });

  it('ends an operation that hangs with a TIMEOUT error', async () => {
    // A database that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent: Server = createServer();
    silent.on('connection', (s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const hangPool = new pg.Pool({ connectionString: `postgres://x@127.0.0.1:${port}/x`, max: 1 });
    hangPool.on('error', () => {});
    const hang = createApi({
      db: hangPool,
      config: config({ PROOFROOM_API_TIMEOUT_MS: '300' }),
      log: () => {},
    });
    try {
      const t0 = Date.now();
      const b = await gql(`{ _meta { lag } }`, undefined, hang.app);
      expect(b.errors[0].extensions.code).toBe('TIMEOUT');
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      hang.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
      void hangPool.end().catch(() => {});
    }
  });

  it('counts every error answer by its code in proofroom_api_errors_total', async () => {
    const fresh = createApi({ db: pool, config: config(), log: () => {} });
    try {
      const deep = `{ dacBatches(limit: 1) { ${'records(limit: 1) { batch { '.repeat(6)}id${' } }'.repeat(6)} } }`;
      await gql(deep, undefined, fresh.app);
      await gql(
        `query ($n: Int) { dacBatches(limit: 1000) { records(limit: $n) { checks(limit: 1000) { ok } } } }`,
        { n: 1000 },
        fresh.app
      );
      await gql(
        `{ activityRecordsConnection(after: "nonsense") { totalCount } }`,
        undefined,
        fresh.app
      );
      await gql(`{ activityRecords { idd } }`, undefined, fresh.app);
      expect((await request(fresh.app).get('/v1/receipts/no-such-record')).status).toBe(404);
      expect(
        (await request(fresh.app).get('/v1/export/activityRecords.csv?nope_eq=1')).status
      ).toBe(400);
      const text = (await request(fresh.app).get('/metrics')).text;
      const count = (code: string): number =>
        Number(
          new RegExp(`proofroom_api_errors_total\\{code="${code}"\\} (\\d+)`).exec(text)?.[1] ?? 0
        );
      expect({
        validation: count('GRAPHQL_VALIDATION_FAILED'),
        complex: count('TOO_COMPLEX'),
        cursor: count('BAD_CURSOR'),
        notFound: count('NOT_FOUND'),
        filter: count('BAD_FILTER'),
      }).toEqual({ validation: 2, complex: 1, cursor: 1, notFound: 1, filter: 1 });
    } finally {
      fresh.close();
    }
  });

  it('answers a REST route whose statement times out with TIMEOUT, as GraphQL does', async () => {
    // A pool whose every statement is cancelled by the server's statement_timeout.
    const cancelled = (): Promise<never> =>
      Promise.reject(new Error('canceling statement due to statement timeout'));
    const timingOut = { query: cancelled, connect: cancelled, on: () => {}, end: async () => {} };
    const api = createApi({
      db: timingOut as unknown as pg.Pool,
      config: config({ PROOFROOM_API_TIMEOUT_MS: '300' }),
      log: () => {},
    });
    try {
      for (const route of ['/v1/receipts/1-1%3A0', '/v1/export/activityRecords.csv']) {
        const res = await request(api.app).get(route);
        expect({ route, status: res.status, code: res.body?.error?.code }).toEqual({
          route,
          status: 503,
          code: 'TIMEOUT',
        });
      }
    } finally {
      api.close();
    }
  });

  it('serves a real GraphQL client and live updates over Server-Sent Events', async () => {
    const server = await startApiServer({ ...config(), port: 0, databaseUrl: ix.url }, () => {});
    try {
      const client = new GraphQLClient(`${server.url}/graphql`);
      const honest = (await allRecords()).find((r) => r.ok && !manifest.expected(r.record_id))!;
      const got = await client.request<Json>(
        tag`query ($r: String!) { receipt(recordId: $r) { recordId ok lines { check ok } bundleUrl } }`,
        { r: honest.record_id }
      );
      expect(got.receipt.ok).toBe(true);
      const bundle = await fetch(got.receipt.bundleUrl as string);
      expect(bundle.status).toBe(200);
      await expect(client.request(tag`{ activityRecords(limit: 5000) { id } }`)).rejects.toThrow(
        /at most/
      );

      // Subscribe, then let the chain move: a block with a hostile remark, and finality that
      // takes in the anchor the scenario left unfinalized.
      const sse = createClient({ url: `${server.url}/graphql` });
      const failed: Json[] = [];
      const finals: Json[] = [];
      const collect = (query: string, into: Json[]) =>
        new Promise<void>((resolve, reject) => {
          const stop = sse.subscribe(
            { query },
            {
              next: (v) => {
                into.push(v.data as Json);
              },
              error: reject,
              complete: resolve,
            }
          );
          stops.push(stop);
        });
      const stops: Array<() => void> = [];
      void collect(
        `subscription { failedCheck(subjectKind: "remark") { subjectId check code reason blockHeight } }`,
        failed
      );
      void collect(`subscription { receiptFinalized { id recordId ok blockHeight } }`, finals);
      await new Promise((r) => setTimeout(r, 1500)); // the feed takes its starting position
      const dn = ix.devnet;
      const who = identity('api-live', 'stranger');
      const bytes = Uint8Array.from([...ENVELOPE_MAGIC, 9, 0, 1, 2, 3]); // an unknown version
      const tip = dn.chain.best;
      const block = dn.chain.build({
        timestamp: tip.timestamp + 6000,
        extrinsics: [
          {
            call: { pallet: 'System', name: 'remark_with_event', args: { remark: toHex(bytes) } },
            signer: who,
            events: [
              {
                pallet: 'System',
                name: 'Remarked',
                args: { sender: toHex(who.publicKey), hash: toHex(blake2b256(bytes)) },
              },
            ],
          },
        ],
      } as never);
      dn.chain.setBest(block.hash);
      dn.chain.setFinalized(block.hash);
      const next = dn.chain.build({ timestamp: tip.timestamp + 12000, extrinsics: [] } as never);
      dn.chain.setBest(next.hash);
      await ix.waitForHead();
      const notFinal = dn.manifest.notFinal!;
      const t0 = Date.now();
      while ((failed.length === 0 || finals.length === 0) && Date.now() - t0 < 20_000)
        await new Promise((r) => setTimeout(r, 100));
      for (const s of stops) s();
      sse.dispose();
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0]!.failedCheck.code).toBe('UNSUPPORTED_VERSION');
      expect(failed[0]!.failedCheck.blockHeight).toBe(block.number);
      expect(finals.length).toBeGreaterThan(0);
      expect(finals.some((f) => f.receiptFinalized.blockHeight === notFinal.block)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
