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
import { type OptionSpec, closest, editDistance } from '../cli/args.ts';
import { COMMANDS, COMMAND_USAGE, commandUsage } from '../cli/usage.ts';
import { VERIFY_OPTIONS } from '../cli/verify-command.ts';
import { START_OPTIONS } from '../cli/start-command.ts';
import { DEVNET_OPTIONS } from '../cli/devnet-command.ts';
import { INDEX_OPTIONS } from '../cli/index-command.ts';
import { SERVE_OPTIONS } from '../cli/serve-command.ts';
import { SENTINEL_OPTIONS } from '../cli/sentinel-command.ts';
import { SERVER_NODE_FLAGS } from '../cli/node-flags.ts';

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
    // The failing line: its name and title, then its code and what the code means for it.
    expect(r.stdout).toContain('  FAIL anchor.remark  Batch anchored on chain  [');
    expect(r.stdout).toMatch(
      /\n {7}ANCHOR_MISMATCH: The envelope hashes to 0x[0-9a-f]{64}, but the chain's Remarked event carries 0x[0-9a-f]{64}, so this is not the batch the chain anchored\.\n/
    );
    // Passing lines are titled, not explained, without --verbose; piped output has no colour.
    expect(r.stdout).toContain("PASS grant.status  Grant in force at the record's time  [");
    expect(r.stdout).not.toContain('neither revoked nor expired');
    expect(r.stdout).not.toContain('\x1b[');
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
    // --verbose: every line also says what it checked and why it matters, then its facts.
    expect(r.stdout).toMatch(
      /PASS grant\.status[^\n]*\n {7}The grant version in force at the record's time \(the latest one created at or before it\) was neither revoked nor expired, so consent held when the activity happened\.\n\s+at=\S+\s+status=ACTIVE/
    );
    expect(r.stdout).toMatch(
      /PASS grant\.signature\[0\][^\n]*\n {7}The signature on grant version 0 is/
    );
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

describe('proofroom start', () => {
  it('refuses a demo its faults cannot fit in one line, exit 2, before anything starts', () => {
    for (const [eras, why] of [
      ['3', "era-not-paid needs an era after the payout faults' era 2 and before the last"],
      ['2', 'era-not-paid needs at least 3 eras (a later era is paid instead)'],
    ]) {
      const r = run('start', '--eras', eras!, '--data', path.join(dir, 'start-never'));
      expect(r.code, eras).toBe(2);
      expect(r.stderr).toBe(
        `proofroom start: the demo chain: ${why} (change --eras or --faults)\n`
      );
      expect(r.stdout).toBe('');
    }
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

/** Runs the CLI in a fresh empty folder with a fresh empty HOME; it must exit by itself in 5 s. */
function runIsolated(args: readonly string[]) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'proofroom-help-'));
  const home = mkdtempSync(path.join(tmpdir(), 'proofroom-home-'));
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 5_000,
    env: {
      ...process.env,
      NO_COLOR: '1',
      HOME: home,
      XDG_CONFIG_HOME: undefined,
      XDG_DATA_HOME: undefined,
      XDG_CACHE_HOME: undefined,
      PROOFROOM_DATA_DIR: '',
    },
  });
  return { ...r, ms: Date.now() - t0, created: [...readdirSync(cwd), ...readdirSync(home)] };
}

describe("the long-running commands' V8 flags (cli/node-flags.ts)", () => {
  const flags = SERVER_NODE_FLAGS.join(' ');

  it('are on the command line of `proofroom` and of `npm start`', () => {
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe(`node ${flags} cli/proofroom.mjs start`);
  });

  it('the command runs through its shebang, with the flags in effect', () => {
    // Run as a shell runs it: the kernel reads the shebang, env splits it (-S).
    const r = spawnSync(BIN, ['help'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^usage: proofroom/m);
    // The interpreter line as the kernel hands it to env: the flags reach node one by one.
    const probe = spawnSync(
      '/usr/bin/env',
      ['-S', `node ${flags}`, write('argv.cjs', 'console.log(process.execArgv.join(" "))')],
      { encoding: 'utf8' }
    );
    expect(probe.stdout.trim()).toBe(flags);
  });
});

describe('proofroom <command> --help and proofroom help <command>', () => {
  // A command that started a server, a devnet or a database would not exit by itself; one that
  // wrote its data folder, a key or a build would leave a file in the folder or in HOME.
  it.each(COMMANDS.flatMap((c) => [[c, '--help'] as const, ['help', c] as const]))(
    '%s %s prints the usage, exits 0 by itself and starts or creates nothing',
    (first, second) => {
      const command = first === 'help' && second !== '--help' ? second : first;
      const r = runIsolated([first, second]);
      expect(r.error, `exits by itself within 5 s (took ${r.ms} ms)`).toBeUndefined();
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(commandUsage(command));
      expect(r.stdout).toMatch(new RegExp(`^usage: proofroom ${command}\\b`));
      expect(r.stderr).toBe('');
      expect(r.created).toEqual([]);
    }
  );

  it('help alone prints every command; help with an unknown command names the closest one', () => {
    const all = runIsolated(['help']);
    expect(all.status).toBe(0);
    for (const c of COMMANDS) expect(all.stdout).toContain(COMMAND_USAGE[c]);
    const typo = runIsolated(['help', 'sentinal']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe(
      "proofroom help: unknown command 'sentinal' (did you mean sentinel?)\n"
    );
    const nosuch = runIsolated(['help', 'nosuch']);
    expect(nosuch.status).toBe(2);
    expect(nosuch.stdout).toBe('');
    expect(nosuch.stderr).toBe(
      `proofroom help: unknown command 'nosuch' (the commands: ${COMMANDS.join(', ')})\n`
    );
    expect(runIsolated(['help', 'verify', 'serve']).status).toBe(2);
  });
});

describe('unknown options and commands', () => {
  it('names the closest option, refuses unknown ones and stray arguments, exit 2', () => {
    const r = runIsolated(['verify', '--jsn', 'x.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^proofroom verify: unknown option --jsn \(did you mean --json\?\)\n\nusage: proofroom verify /
    );
    const cases: Array<[string[], string]> = [
      [['devnet', '--prot', '0'], 'unknown option --prot (did you mean --port?)'],
      [['sentinel', '--onse'], 'unknown option --onse (did you mean --once?)'],
      [
        ['index', '--rpc', 'http://x', '--treads', '2'],
        'unknown option --treads (did you mean --threads?)',
      ],
      [['serve', '--frobnicate'], 'unknown option --frobnicate\n'],
      [['verify', '-json', 'x.json'], 'unknown option -json (did you mean --json?)'],
      [['verify', '--json=yes', 'x.json'], '--json takes no value'],
      [['serve', '4350'], 'unexpected argument "4350" (this command takes options only)'],
    ];
    for (const [args, message] of cases) {
      const c = runIsolated(args);
      expect(c.status, args.join(' ')).toBe(2);
      expect(c.stderr).toContain(`proofroom ${args[0]}: ${message}`);
      expect(c.created, args.join(' ')).toEqual([]);
    }
  });

  it('names the closest command, or lists them all when none is close', () => {
    const r = runIsolated(['verfy', 'x.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^proofroom: unknown command 'verfy' \(did you mean verify\?\)\n/);
    const far = runIsolated(['frobnicate']);
    expect(far.status).toBe(2);
    expect(far.stderr).toContain(`(the commands: ${COMMANDS.join(', ')})`);
  });

  it('edit distance counts a swap of neighbours as one step', () => {
    expect(editDistance('recrods', 'records')).toBe(1);
    expect(editDistance('jsn', 'json')).toBe(1);
    expect(editDistance('', 'port')).toBe(4);
    expect(closest('allow', VERIFY_OPTIONS.switches)).toBe('allow-unfinalized');
    expect(closest('trust', VERIFY_OPTIONS.valued)).toBeUndefined(); // three start with it
    expect(closest('xyz', ['json', 'port'])).toBeUndefined();
  });

  it("each command's usage lists exactly the options it accepts", () => {
    const specs: Record<string, OptionSpec> = {
      verify: VERIFY_OPTIONS,
      start: START_OPTIONS,
      devnet: DEVNET_OPTIONS,
      index: INDEX_OPTIONS,
      serve: SERVE_OPTIONS,
      sentinel: SENTINEL_OPTIONS,
    };
    for (const [command, spec] of Object.entries(specs)) {
      // The synopsis: the first line and the lines that continue it with more [--options].
      const [first, ...rest] = COMMAND_USAGE[command]!.split('\n');
      const synopsis = [
        first,
        ...rest.slice(
          0,
          rest.findIndex((l) => !/^\s+\[/.test(l))
        ),
      ];
      const listed = [...synopsis.join(' ').matchAll(/--([a-z-]+)( [^\s\]]+)?/g)];
      const valued = listed.filter((m) => m[2]).map((m) => m[1]);
      const switches = listed.filter((m) => !m[2]).map((m) => m[1]);
      expect(valued.sort(), command).toEqual([...spec.valued].sort());
      expect(switches.sort(), command).toEqual([...spec.switches].sort());
    }
  });
});

describe('output into a reader that went away', () => {
  // The reader closes before the command writes (it waits for its bundle on standard input), so
  // every write meets a closed pipe, as the output after the first bytes does under `| head -c 10`.
  function spawnClosedReader(args: readonly string[], input?: string) {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal }))
    );
    child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    return exited.then((e) => {
      clearTimeout(timer);
      return { ...e, stderr };
    });
  }

  it('verify ends quietly with status 141 (128 + SIGPIPE), no EPIPE stack trace', async () => {
    for (const args of [
      ['verify', '--json', '-'],
      ['verify', '-'],
    ]) {
      const r = await spawnClosedReader(args, JSON.stringify(good));
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r).toMatchObject({ code: 141, signal: null });
    }
  }, 60_000);

  it('a long-running command stops as on SIGTERM', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'proofroom-epipe-'));
    const r = await spawnClosedReader([
      'devnet',
      '--port',
      '0',
      '--records',
      '6',
      '--eras',
      '1',
      '--out',
      out,
    ]);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(r).toMatchObject({ code: 141, signal: null });
  }, 60_000);
});
