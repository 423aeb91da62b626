import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevnet } from '../devnet/devnet.ts';
import { fetchRpcBatch } from '../api/rpc.ts';
import { ChainProofSource, proveBundle } from '../verifier/proof-source.ts';
import { flipHexBit } from './helpers/mutate.ts';

const BIN = path.resolve('cli/proofroom.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'proofroom-cli-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

// An honest devnet bundle with the proofs of its chain facts, and the devnet's genesis GRANDPA
// set as the user's trust root (a file: the CLI runs synchronously, so it cannot ask the devnet
// served from this process).
const devnet = await startDevnet({ seed: 'cli-verify', records: 6, eras: 1 });
devnet.settle();
const good = await proveBundle(
  devnet.bundle(0),
  new ChainProofSource(fetchRpcBatch(devnet.rpcUrl))
);
const genesisSet = devnet.chain.grandpaSetAt(devnet.chain.genesisHash)!;
const TRUST = [
  '--trust-authorities',
  write('authorities.json', {
    setId: genesisSet.setId.toString(),
    authorities: genesisSet.authorities.map((k) => '0x' + Buffer.from(k).toString('hex')),
  }),
];
afterAll(() => devnet.close());

describe('proofroom verify', () => {
  it('exits 0 and prints every line for a valid bundle pinned by a trust root, 3 without one', () => {
    const r = run('verify', write('good.json', good), ...TRUST);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASS grant.signature[0]');
    expect(r.stdout).toContain('PASS settlement.paid');
    expect(r.stdout).toContain('PASS chain.votes');
    expect(r.stdout).toMatch(/VERIFIED: \d+ passed, 0 failed/);
    expect(r.stdout).toContain('chain facts proven and pinned by authorities');
    const unpinned = run('verify', write('good.json', good));
    expect(unpinned.code).toBe(3);
    expect(unpinned.stdout).toMatch(/CONSISTENT, NOT PINNED: \d+ passed, 0 failed/);
    expect(unpinned.stdout).toContain('--trust-rpc');
    // Without its proofs, the chain facts rest on nothing: the chain lines fail.
    const bare = run('verify', write('bare.json', { ...good, proofs: undefined }), ...TRUST);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toContain('FAIL chain.headers');
    expect(bare.stdout).toContain('NOT_PROVEN');
  });

  it('exits 1 and names the failing line when one byte of the anchor is tampered', () => {
    const bad = JSON.parse(JSON.stringify(good));
    bad.anchor.envelope = flipHexBit(bad.anchor.envelope, 300);
    const r = run('verify', write('tampered.json', bad));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL anchor.remark');
    expect(r.stdout).toContain('ANCHOR_MISMATCH');
  });

  it('prints machine-readable lines with --json', () => {
    const r = run('verify', '--json', write('good2.json', good), ...TRUST);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, failed: 0, recordId: good.recordId });
    expect(out.lines.length).toBeGreaterThan(20);
    expect(out.lines[0]).toHaveProperty('facts');
  });

  it('applies the quorum rule and role policy from the command line, not from the bundle', () => {
    const r = run(
      'verify',
      '--json',
      '--rule',
      'twoThirds',
      '--roles',
      'agent,node,auditor',
      write('good3.json', good)
    );
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.policy.quorumRule).toBe('twoThirds');
    expect(
      out.lines.find((l: { check: string }) => l.check === 'record.signature.auditor')
    ).toMatchObject({ ok: false, code: 'SIG_MISSING' });
  });

  it('exits 2 with a clear message for malformed bundles and unreadable files', () => {
    const cases: Array<[string, string]> = [
      [write('notjson.json', '{"format": '), 'not valid JSON'],
      [write('version.json', { ...good, version: 9 }), 'version'],
      [write('missing.json', { ...good, anchor: undefined }), 'anchor'],
      [
        write('badhex.json', {
          ...good,
          inclusion: { ...(good.inclusion as object), root: '0xzz' },
        }),
        'inclusion.root',
      ],
      [path.join(dir, 'does-not-exist.json'), 'cannot read'],
    ];
    for (const [file, needle] of cases) {
      const r = run('verify', file);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toContain(needle);
    }
    const j = run('verify', '--json', write('version9.json', { ...good, version: 9 }));
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, malformed: true });
  });

  it('reads standard input with -, and prints passing facts with --verbose', () => {
    const r = spawnSync(process.execPath, [BIN, 'verify', '-', '--verbose', ...TRUST], {
      input: JSON.stringify(good),
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/PASS grant\.status[^\n]*\n\s+at=\S+\s+status=ACTIVE/);
  });

  it('checks several bundles on all cores, one line each, with the worst exit code', () => {
    const bad = JSON.parse(JSON.stringify(good));
    bad.conservation.charged = '1';
    const files = [write('m1.json', good), write('m2.json', bad), write('m3.json', good)];
    const r = run('verify', ...files, ...TRUST);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '3 bundles: 2 verified, 0 consistent but not pinned, 1 failed, 0 pending, 0 malformed'
    );
    expect(r.stdout).toMatch(/FAILED\s+\S+m2\.json\s+\S+\s+conservation\.balance:NOT_BALANCED/);
    const j = run('verify', '--json', ...files, path.join(dir, 'missing.json'));
    expect(j.code).toBe(2);
    const lines = j.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.ok, l.malformed ?? false])).toEqual([
      [true, false],
      [false, false],
      [true, false],
      [false, true],
    ]);
  });

  it('rejects bad usage with exit 2', () => {
    expect(run('verify').code).toBe(2);
    expect(run('verify', '--rule', 'majority', 'x.json').code).toBe(2);
    expect(run('frobnicate').code).toBe(2);
    expect(run('help').code).toBe(0);
  });
});

describe('proofroom devnet', () => {
  it('prints its endpoints, serves the chain, writes the manifest and stops cleanly on SIGTERM', async () => {
    const out = path.join(dir, 'devnet');
    const child = spawn(
      process.execPath,
      [BIN, 'devnet', '--port', '0', '--records', '40', '--eras', '1', '--bundles', '--out', out],
      { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    for (let i = 0; i < 200 && !stdout.includes('Ctrl-C stops'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain('Ctrl-C stops');
    const rpcUrl = /chain RPC\s+(http:\/\/\S+)/.exec(stdout)![1]!;
    const garUrl = /GAR service\s+(http:\/\/\S+)/.exec(stdout)![1]!;
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_properties', params: [] }),
    });
    expect(((await res.json()) as { result: { ss58Format: number } }).result.ss58Format).toBe(54);
    expect((await fetch(garUrl)).status).toBe(200);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('proofroom/devnet-manifest');
    expect(manifest.records).toBe(40);
    // Every written bundle verifies offline (an honest scenario).
    const bundles = readdirSync(path.join(out, 'bundles'));
    expect(bundles.length).toBe(40);
    // (With its proofs, consistent with the devnet's blocks; no trust root given: exit 3.)
    expect(run('verify', path.join(out, 'bundles', bundles[0]!)).code).toBe(3);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('rejects unknown faults and bad numbers with exit 2', () => {
    expect(run('devnet', '--faults', 'nope').code).toBe(2);
    expect(run('devnet', '--records', '-1').code).toBe(2);
    expect(run('devnet', '--port', 'x').code).toBe(2);
  });
});

describe('proofroom index', () => {
  it('indexes the devnet into the embedded PostgreSQL by default and stops cleanly', async () => {
    const dn = await startDevnet({ seed: 'cli-index', records: 40, eras: 1 });
    dn.settle();
    const dataDir = path.join(dir, 'index-data');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'index',
        '--rpc',
        dn.rpcUrl,
        '--gar',
        dn.garUrl,
        '--storage',
        dn.storageUrls.join(','),
        '--metrics-port',
        '0',
      ],
      {
        env: { ...process.env, NO_COLOR: '1', PROOFROOM_DATA_DIR: dataDir, DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', () => {});
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    try {
      for (let i = 0; i < 200 && !stdout.includes('embedded PGlite'); i++)
        await new Promise((r) => setTimeout(r, 100));
      const url = /database (\S+) \(embedded PGlite, data in /.exec(stdout)![1]!;
      expect(stdout).toContain(path.join(dataDir, 'pg'));
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        let height = -1;
        for (let i = 0; i < 300 && height !== dn.chain.best.number; i++) {
          await new Promise((r) => setTimeout(r, 100));
          const r = await c
            .query(`SELECT height FROM indexer_status`)
            .catch(() => ({ rows: [] as Array<{ height: number }> }));
          height = r.rows[0]?.height ?? -1;
        }
        expect(height).toBe(dn.chain.best.number);
        const n = await c.query(`SELECT count(*)::int AS n FROM activity_record WHERE ok`);
        expect(n.rows[0].n).toBe(40);
      } finally {
        await c.end();
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(readdirSync(path.join(dataDir, 'pg')).length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
      await dn.close();
    }
  }, 60_000);

  it('asks for --rpc', () => {
    const r = run('index');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--rpc');
  });
});

describe('proofroom <command> --help', () => {
  it.each(['verify', 'start', 'devnet', 'index', 'serve', 'sentinel'])(
    '%s --help prints its usage, exits 0 and starts or creates nothing',
    (command) => {
      const cwd = mkdtempSync(path.join(tmpdir(), 'proofroom-help-'));
      const r = spawnSync(process.execPath, [BIN, command, '--help'], {
        cwd,
        encoding: 'utf8',
        timeout: 10_000,
        env: { ...process.env, NO_COLOR: '1', PROOFROOM_DATA_DIR: '' },
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: proofroom ${command}\\b`));
      expect(r.stderr).toBe('');
      expect(readdirSync(cwd)).toEqual([]);
    }
  );
});
