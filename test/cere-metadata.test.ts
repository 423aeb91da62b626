/**
 * scripts/cere-metadata.ts (docs/cere-runtimes.md §12, step 1) run as a child process: against the
 * devnet (Cere 73047 → 73160 → 73177 by `System.set_code`) over HTTP and WebSocket, it finds each
 * runtime at the block whose state first holds it, with a logarithmic number of RPC calls, and
 * writes the metadata the devnet serves; against small hostile nodes it refuses pre-V14 metadata
 * and garbage with one line and a non-zero exit. Also the indexer's pre-V14 start message.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../devnet/devnet.ts';
import { cereMetadata } from '../devnet/metadata.ts';
import { preV14Message, startRuntime } from '../indexer/runtime-check.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import { toHex } from '../verifier/bytes.ts';

const SCRIPT = path.resolve('scripts/cere-metadata.ts');
const work = mkdtempSync(path.join(tmpdir(), 'proofroom-cere-metadata-'));

interface Run {
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the script with these arguments (asynchronously: the devnet lives in this process). */
function runScript(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

interface SpecLine {
  specName: string;
  specVersion: number;
  blockNumber: number;
  blockHash: string;
  metadata: string;
}

function readLines(file: string): SpecLine[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SpecLine);
}

function rpcCallsUsed(stderr: string): number {
  const m = /; (\d+) RPC calls; wrote /.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return Number(m![1]);
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('cere-metadata against the devnet', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await startDevnet({ records: 60, eras: 3 });
    devnet.settle();
  });
  afterAll(async () => {
    await devnet?.close();
  });

  it('finds each runtime at its first block with logarithmically many calls (HTTP)', async () => {
    const out = path.join(work, 'http', 'devnet.jsonl');
    const r = await runScript(['--rpc', devnet.rpcUrl, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const lines = readLines(out);
    const { genesis, upgrades } = devnet.scenario.runtimes;
    expect(upgrades).toHaveLength(2);
    expect(lines.map((l) => l.specVersion)).toEqual([73047, 73160, 73177]);
    expect(lines.map((l) => l.specVersion)).toEqual([
      genesis,
      ...upgrades.map((u) => u.specVersion),
    ]);
    expect(lines.map((l) => l.blockNumber)).toEqual([0, ...upgrades.map((u) => u.block)]);
    for (const l of lines) {
      expect(l.specName).toBe('node');
      expect(l.blockHash).toBe(devnet.canonical[l.blockNumber]!.hash);
      expect(
        l.metadata === toHex(cereMetadata(l.specVersion)),
        `metadata of ${l.specVersion}`
      ).toBe(true);
    }
    const height = devnet.chain.finalized.number;
    const calls = rpcCallsUsed(r.stderr);
    expect(calls).toBeLessThan(3 * 2 * Math.ceil(Math.log2(height)) + 20);
    console.log(`cere-metadata on the devnet: height ${height}, ${calls} RPC calls`);
  });

  it('reads the same over WebSocket', async () => {
    const out = path.join(work, 'ws.jsonl');
    const r = await runScript(['--rpc', devnet.wsUrl, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readLines(out);
    expect(lines.map((l) => [l.specVersion, l.blockNumber])).toEqual([
      [73047, 0],
      ...devnet.scenario.runtimes.upgrades.map((u) => [u.specVersion, u.block]),
    ]);
    expect(lines.every((l) => l.metadata === toHex(cereMetadata(l.specVersion)))).toBe(true);
  });

  it('starts at --from and stops at --to', async () => {
    const [first, second] = devnet.scenario.runtimes.upgrades;
    const out = path.join(work, 'range.jsonl');
    const r = await runScript([
      '--rpc',
      devnet.rpcUrl,
      '--out',
      out,
      '--from',
      String(first!.block + 1),
      '--to',
      String(second!.block - 1),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readLines(out).map((l) => [l.specVersion, l.blockNumber])).toEqual([
      [73160, first!.block + 1],
    ]);
  });
});

// --- hostile nodes --------------------------------------------------------------------------

type Answer = (method: string, params: unknown[]) => unknown;

const HEIGHT = 40;
const hashOf = (n: number): string => '0x' + n.toString(16).padStart(64, '0');
const numberOf = (h: unknown): number => parseInt(String(h).slice(2), 16);
/** A V13 blob: "meta", version 13, then anything. */
const V13 = '0x6d657461' + '0d' + 'ab'.repeat(32);

/** A chain of HEIGHT + 1 blocks: spec 290 (metadata V13) before block 25, spec 295 (V14) from it. */
const preV14Chain: Answer = (method, params) => {
  switch (method) {
    case 'chain_getFinalizedHead':
      return hashOf(HEIGHT);
    case 'chain_getHeader':
      return { number: '0x' + numberOf(params[0]).toString(16) };
    case 'chain_getBlockHash':
      return hashOf(params[0] as number);
    case 'state_getRuntimeVersion':
      return { specName: 'cere', specVersion: numberOf(params[0]) < 25 ? 290 : 295 };
    case 'state_getMetadata':
      return numberOf(params[0]) < 25 ? V13 : toHex(cereMetadata(73047));
  }
  return undefined;
};

/** A JSON-RPC node over HTTP: `answer` gives the result, or a string body to send as it is. */
async function hostileNode(answer: Answer): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const r = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      const result = answer(r.method, r.params);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        result instanceof RawBody
          ? result.text
          : JSON.stringify({ jsonrpc: '2.0', id: r.id, result: result ?? null })
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

class RawBody {
  constructor(readonly text: string) {}
}

/** One line of refusal or error, no stack trace, no output file. */
function expectCleanFailure(r: Run, code: number, out: string): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
  expect(existsSync(out)).toBe(false);
  expect(existsSync(`${out}.partial`)).toBe(false);
}

describe('cere-metadata against hostile nodes', () => {
  it('refuses V13 metadata with one line naming the runtime and the --from to use', async () => {
    const node = await hostileNode(preV14Chain);
    try {
      const out = path.join(work, 'v13.jsonl');
      const r = await runScript(['--rpc', node.url, '--out', out, '--timeout', '5000']);
      expectCleanFailure(r, 3, out);
      expect(r.stderr).toContain(
        'cere@290 at block 0 has metadata v13 (version byte 0x0d): Proof Room decodes V14+ only ' +
          "(Cere's first V14 runtime is spec 295"
      );
      expect(r.stderr).toContain('rerun with --from 25 (the first V14 runtime found: cere@295');
    } finally {
      await node.close();
    }
  });

  it('writes the V14 runtimes when --from is past the pre-V14 ones', async () => {
    const node = await hostileNode(preV14Chain);
    try {
      const out = path.join(work, 'from-v14.jsonl');
      const r = await runScript(['--rpc', node.url, '--out', out, '--from', '25']);
      expect(r.code, r.stderr).toBe(0);
      const lines = readLines(out);
      expect(lines.map((l) => [l.specName, l.specVersion, l.blockNumber])).toEqual([
        ['cere', 295, 25],
      ]);
      expect(lines[0]!.metadata).toBe(toHex(cereMetadata(73047)));
    } finally {
      await node.close();
    }
  });

  it('refuses a chain that is pre-V14 throughout, saying none was found', async () => {
    const node = await hostileNode((m, p) =>
      m === 'state_getMetadata'
        ? V13
        : m === 'state_getRuntimeVersion'
          ? { specName: 'cere', specVersion: 290 }
          : preV14Chain(m, p)
    );
    try {
      const out = path.join(work, 'all-v13.jsonl');
      const r = await runScript(['--rpc', node.url, '--out', out]);
      expectCleanFailure(r, 3, out);
      expect(r.stderr).toContain('metadata v13');
      expect(r.stderr).toContain('rerun with --from at the first V14 block (none in blocks 0..40)');
    } finally {
      await node.close();
    }
  });

  const garbage: ReadonlyArray<[string, Answer, string]> = [
    [
      'metadata that is not hex',
      (m, p) => (m === 'state_getMetadata' ? 'meta-not-hex!' : preV14Chain(m, p)),
      'state_getMetadata at block 0: not 0x-hex bytes',
    ],
    [
      'metadata without the magic',
      (m, p) => (m === 'state_getMetadata' ? '0x00112233440e' : preV14Chain(m, p)),
      'does not start with the "meta" magic',
    ],
    [
      'V14 metadata that does not decode',
      (m, p) => (m === 'state_getMetadata' ? '0x6d6574610e' + 'ff'.repeat(16) : preV14Chain(m, p)),
      'V14 metadata that does not decode',
    ],
    [
      'a block hash that is a number',
      (m, p) => (m === 'chain_getBlockHash' ? 42 : preV14Chain(m, p)),
      'chain_getBlockHash(0): expected a 32-byte 0x-hex hash, got 42',
    ],
    [
      'a spec version that is a string',
      (m, p) =>
        m === 'state_getRuntimeVersion'
          ? { specName: 'cere', specVersion: '295' }
          : preV14Chain(m, p),
      'specVersion is not a u32',
    ],
    [
      'a header without a number',
      (m, p) => (m === 'chain_getHeader' ? { number: 'soon' } : preV14Chain(m, p)),
      'chain_getHeader: the finalized header has no 0x-hex block number',
    ],
    [
      'a body that is not JSON',
      (m, p) => (m === 'chain_getFinalizedHead' ? new RawBody('<html>') : preV14Chain(m, p)),
      "the node's answer is not JSON",
    ],
    [
      'an answer for another request',
      (m, p) =>
        m === 'chain_getFinalizedHead'
          ? new RawBody('{"jsonrpc":"2.0","id":999,"result":"0x00"}')
          : preV14Chain(m, p),
      "chain_getFinalizedHead: the answer has another request's id",
    ],
    [
      'an error with terminal escapes',
      (m, p) =>
        m === 'chain_getFinalizedHead'
          ? new RawBody(
              '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"bad\\u001b[2Jthing"}}'
            )
          : preV14Chain(m, p),
      'chain_getFinalizedHead: the node answered error -32000: bad?[2Jthing',
    ],
  ];

  it.each(garbage)('%s: one clear line, exit 1, no stack trace', async (_, answer, message) => {
    const node = await hostileNode(answer);
    try {
      const out = path.join(work, 'garbage.jsonl');
      const r = await runScript(['--rpc', node.url, '--out', out, '--timeout', '5000']);
      expectCleanFailure(r, 1, out);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain('\u001b');
    } finally {
      await node.close();
    }
  });

  it('an unreachable node and bad options end with one line', async () => {
    const node = await hostileNode(preV14Chain);
    const url = node.url;
    await node.close();
    const out = path.join(work, 'unreachable.jsonl');
    const r = await runScript(['--rpc', url, '--out', out, '--timeout', '2000']);
    expectCleanFailure(r, 1, out);
    expect(r.stderr).toContain('chain_getFinalizedHead: cannot reach the node');
    const usage = await runScript(['--out', out]);
    expectCleanFailure(usage, 2, out);
    expect(usage.stderr).toContain('--rpc and --out are required');
    const badFrom = await runScript(['--rpc', url, '--out', out, '--from', '-1']);
    expect(badFrom.code).toBe(2);
  });
});

describe('the indexer refuses to start on a pre-V14 runtime', () => {
  it('names the block, the spec, the metadata version and the way out', () => {
    const m = preV14Message(30, { block: 28, specVersion: 290, metadataVersion: 13 });
    expect(m).toBe(
      'block 28 (read by the processor to index from block 30) runs spec 290 with metadata v13 ' +
        '(before V14); Proof Room decodes V14 runtimes only (Cere: spec 295 on); set ' +
        'PROOFROOM_FROM_BLOCK to the first V14 block + 2 (find the first V14 block with ' +
        '`npm run cere-metadata -- --rpc URL --out specs.jsonl`: the blockNumber of its first line)'
    );
    expect(m).not.toContain('\n');
    expect(preV14Message(0, { block: 0, specVersion: 266, metadataVersion: 12 })).toMatch(
      /^block 0 runs spec 266 with metadata v12 \(before V14\); /
    );
  });

  it('reads the runtime two blocks before the first block, prefix only', async () => {
    const node = await hostileNode(preV14Chain);
    try {
      expect(await startRuntime(node.url, 26, 5000)).toEqual({
        block: 24,
        specVersion: 290,
        metadataVersion: 13,
      });
      expect(await startRuntime(node.url, 27, 5000)).toEqual({
        block: 25,
        specVersion: 295,
        metadataVersion: 14,
      });
      expect(await startRuntime(node.url, 1, 5000)).toMatchObject({ block: 0 });
    } finally {
      await node.close();
    }
  });

  it('exits with code 2 and the message, and the supervisor does not restart it', async () => {
    const node = await hostileNode(preV14Chain);
    try {
      const exits: Array<[number | null, number | null]> = [];
      let stderr = '';
      const sup = new Supervisor({
        env: {
          PATH: process.env.PATH,
          PROOFROOM_RPC_URL: node.url,
          // Never reached: the check comes before the database.
          DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
          PROOFROOM_FROM_BLOCK: '26',
        },
        stdio: 'pipe',
        minBackoffMs: 10,
        onStart: (child) => child.stderr?.on('data', (c: Buffer) => (stderr += c.toString())),
        onExit: (code, _signal, wait) => exits.push([code, wait]),
      });
      sup.start();
      for (let i = 0; i < 400 && exits.length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      expect(exits).toEqual([[2, null]]);
      expect(sup.restarts).toBe(0);
      expect(stderr).toContain(
        `proofroom indexer: ${preV14Message(26, { block: 24, specVersion: 290, metadataVersion: 13 })}`
      );
      await sup.stop();
    } finally {
      await node.close();
    }
  });
});
