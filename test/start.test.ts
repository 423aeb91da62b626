/**
 * `npm start` as a newcomer meets it: the repository cloned into an empty folder, `npm ci`, then
 * `npm start` with nothing else configured. The test waits for the URLs, asks GraphQL for a
 * receipt, opens it in Chromium, stops the process tree with Ctrl-C (SIGINT to the process group,
 * as a terminal sends it) and checks that nothing is left running; a second `npm start` resumes
 * from the stored state without a gap or a duplicate. Then the wrong configurations: each gives one
 * message naming the fix and exit code 2.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration, indexerLine, progressLine } from '../cli/start-command.ts';
import { startDevnet } from '../devnet/devnet.ts';
import { chromiumAvailable, launchChromium } from './helpers/browser.ts';
import { createTestDatabase, databaseLegs } from './helpers/databases.ts';

const ROOT = path.resolve('.');
const SHOTS = path.resolve('test-results/start');
const BIN = path.join(ROOT, 'cli/proofroom.mjs');

/** A first port P with P..P+4 free (the demo chain's RPC, GAR service and three storage nodes). */
async function freePortRange(count: number): Promise<number> {
  const listen = (port: number): Promise<Server | null> =>
    new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(null));
      s.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(s));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const held: Server[] = [];
    for (let k = 0; k < count; k++) {
      const s = await listen(base + k);
      if (!s) break;
      held.push(s);
    }
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
    if (held.length === count) return base;
  }
  throw new Error('no free port range');
}

/** Processes (other than this one) whose command line or working directory is under `dir`. */
function processesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      let cwd = '';
      try {
        cwd = execFileSync('readlink', [`/proc/${pid}/cwd`], { encoding: 'utf8' }).trim();
      } catch {
        // a process that is gone, or not ours to inspect
      }
      if (cmd.includes(dir) || cwd.startsWith(dir)) out.push(`${pid}: ${cmd} (cwd ${cwd})`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

interface Started {
  readonly child: ChildProcess;
  output(): string;
  /** The exit code, or the signal's name when a signal ended it (npm re-raises Ctrl-C). */
  exited: Promise<number | string | null>;
}

/** Runs a command in its own process group (as a terminal would), collecting its output. */
function launch(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  echo = false
): Started {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const take = (d: Buffer): void => {
    out += d.toString();
    if (echo) process.stdout.write(d);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (c, signal) => resolve(c ?? signal))
  );
  return { child, output: () => out, exited };
}

async function waitFor(s: Started, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const t0 = Date.now();
  for (;;) {
    const m = pattern.exec(s.output());
    if (m) return m;
    if (s.child.exitCode !== null || s.child.signalCode !== null)
      throw new Error(`exited before ${pattern}:\n${s.output()}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`no ${pattern} in time:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function graphql(url: string, query: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

const canClone = existsSync(path.join(ROOT, '.git'));

describe.skipIf(!canClone)('npm start on a fresh clone', () => {
  let dir: string;
  let clone: string;
  let devnetPort: number;
  const env = (): NodeJS.ProcessEnv => ({
    // The one thing set: ports no other test uses (the defaults are 9944 and 4350).
    PROOFROOM_DEVNET_PORT: String(devnetPort),
    PROOFROOM_API_PORT: '0',
    DATABASE_URL: '',
    PROOFROOM_DATA_DIR: '',
    PROOFROOM_RPC_URL: '',
  });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'proofroom-newcomer-'));
    clone = path.join(dir, 'proofroom');
    devnetPort = await freePortRange(5);
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone]);
    // The dependencies exactly as locked (from npm's cache when it has them).
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: clone,
      stdio: 'ignore',
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
  }, 600_000);

  afterAll(() => {
    if (dir && processesUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the whole product, serves a receipt to GraphQL and Chromium, stops cleanly and resumes', async () => {
    expect(readdirSync(clone)).not.toContain('.data');
    const first = launch('npm', ['start'], clone, env());
    const up = await waitFor(first, /Proof Room is up[\s\S]*?Ctrl-C stops everything/, 240_000);
    const text = up[0];
    const explorer = /explorer\s+(http:\/\/\S+)\//.exec(text)![1]!;
    expect(/GraphQL\s+(http:\/\/\S+)/.exec(text)![1]).toBe(`${explorer}/graphql`);
    // Progress was shown while it indexed.
    // The count includes receipts verified again after the demo's fork rolled their block back.
    const tip = Number(/\(600 records, (\d+) blocks;/.exec(first.output())![1]);
    const done = new RegExp(
      `indexed\\s+block ${tip} of ${tip}; (\\d+) receipts verified by this run\n`
    );
    expect(first.output()).toMatch(done);
    expect(Number(done.exec(first.output())![1])).toBeGreaterThanOrEqual(600);
    const failingId = /a failing one: \S+\/receipt\/(\S+)/.exec(text)![1]!;

    // GraphQL: the failing receipt names its red lines; the record count is the demo's.
    const data = await graphql(
      explorer,
      `{ receipt(id: "${failingId}") { id ok failed lines { check ok code } } }`
    );
    const receipt = data.receipt as {
      ok: boolean;
      failed: number;
      lines: Array<{ check: string; ok: boolean; code: string | null }>;
    };
    expect(receipt.ok).toBe(false);
    expect(receipt.failed).toBeGreaterThan(0);
    expect(receipt.lines.filter((l) => !l.ok).every((l) => l.code !== null)).toBe(true);
    const count = async (): Promise<number> =>
      (
        (
          await graphql(
            explorer,
            `
              {
                activityRecordsConnection {
                  totalCount
                }
              }
            `
          )
        ).activityRecordsConnection as { totalCount: number }
      ).totalCount;
    const records = await count();
    expect(records).toBe(600);

    // Chromium: the receipt page shows the same red lines, and the browser's own check agrees.
    if (chromiumAvailable()) {
      mkdirSync(SHOTS, { recursive: true });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${explorer}/receipt/${failingId}`, { waitUntil: 'networkidle' });
        await page.waitForSelector('[data-testid=api-verdict]', { timeout: 20_000 });
        expect(await page.getAttribute('[data-testid=api-verdict]', 'data-ok')).toBe('false');
        await page.click('[data-testid=verify-button]');
        const local = page.locator('[data-testid=local-verdict]');
        await local.waitFor({ timeout: 30_000 });
        expect(await local.getAttribute('data-ok')).toBe('false');
        const red = await page
          .locator('li.line[data-ok=false]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-check')));
        expect(red.sort()).toEqual(
          receipt.lines
            .filter((l) => !l.ok)
            .map((l) => l.check)
            .sort()
        );
        await page.screenshot({ path: `${SHOTS}/newcomer-receipt.png`, fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    }

    // Ctrl-C: the whole group gets SIGINT, as from a terminal; everything stops.
    // npm passes the interrupt on and then ends itself by it; Proof Room stops in order first.
    process.kill(-first.child.pid!, 'SIGINT');
    expect([0, 'SIGINT']).toContain(await first.exited);
    expect(first.output()).toMatch(/Ctrl-C: stopping[\s\S]*\nstopped\.\n/);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesUnder(clone)).toEqual([]);
    expect(existsSync(path.join(clone, '.data/pg.lock'))).toBe(false);

    // The second start resumes from the stored state: same records, none twice.
    const second = launch('npm', ['start'], clone, env());
    const again = await waitFor(second, /Proof Room is up[\s\S]*?Ctrl-C stops everything/, 120_000);
    expect(second.output()).toMatch(/resuming\s+from block \d+/);
    const explorer2 = /explorer\s+(http:\/\/\S+)\//.exec(again[0])![1]!;
    const res = await fetch(`${explorer2}/v1/receipts/${encodeURIComponent(failingId)}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { format: string }).format).toBe('proofroom/receipt-bundle');
    expect(
      (
        (
          await graphql(
            explorer2,
            `
              {
                activityRecordsConnection {
                  totalCount
                }
              }
            `
          )
        ).activityRecordsConnection as { totalCount: number }
      ).totalCount
    ).toBe(records);
    process.kill(-second.child.pid!, 'SIGINT');
    expect([0, 'SIGINT']).toContain(await second.exited);
    expect(second.output()).toMatch(/\nstopped\.\n/);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesUnder(clone)).toEqual([]);
  }, 600_000);
});

describe('proofroom start progress', () => {
  it('shows the height, the share done, the rate and the time left', () => {
    expect(progressLine(120_000, 1_000_000, 412.4, 98_765)).toBe(
      'indexing   block 120,000 of 1,000,000 (12.0%), 412 blocks/s, ETA 36 min; 98,765 receipts verified'
    );
    expect(progressLine(5, 19, 0, 0)).toBe(
      'indexing   block 5 of 19 (26.3%), 0.0 blocks/s, ETA …; 0 receipts verified'
    );
    expect(formatDuration(42.2)).toBe('43 s');
    expect(formatDuration(3 * 3600)).toBe('3.0 h');
    expect(formatDuration(9 * 86_400)).toBe('9.0 days');
  });

  it("shows the indexer's warnings and errors, not its routine progress", () => {
    expect(
      indexerLine('{"level":2,"ns":"sqd:processor","msg":"8 / 17, rate: 3 blocks/sec"}')
    ).toBeNull();
    expect(
      indexerLine(
        '{"level":5,"ns":"sqd:processor","err":{"message":"boom\\n  at x"},"msg":"failed"}'
      )
    ).toBe('indexer: failed: boom');
    expect(indexerLine('proofroom indexer: fork: rolled back 1 block(s)')).toBe(
      'proofroom indexer: fork: rolled back 1 block(s)'
    );
    expect(indexerLine('   ')).toBeNull();
  });
});

describe('proofroom start with a wrong configuration', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofroom-start-bad-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Runs `proofroom start` to its exit; every case here must end within seconds. */
  async function startWith(args: string[], env: NodeJS.ProcessEnv = {}) {
    const s = launch(process.execPath, [BIN, 'start', ...args], ROOT, {
      DATABASE_URL: '',
      PROOFROOM_RPC_URL: '',
      PROOFROOM_DATA_DIR: dataDir,
      PROOFROOM_API_PORT: '0',
      ...env,
    });
    const timer = setTimeout(() => process.kill(-s.child.pid!, 'SIGKILL'), 60_000);
    const code = await s.exited;
    clearTimeout(timer);
    return { code, output: s.output() };
  }

  /** The last line: the one message a user reads. */
  const lastLine = (out: string): string => out.trim().split('\n').at(-1)!;

  it('names the fix for an unreachable chain, a bad database URL, a taken port and unknown options', async () => {
    const rpc = await startWith(['--rpc', 'http://127.0.0.1:1']);
    expect(rpc.code).toBe(2);
    expect(lastLine(rpc.output)).toMatch(
      /^proofroom start: cannot reach the chain at http:\/\/127\.0\.0\.1:1 .*check --rpc or PROOFROOM_RPC_URL/
    );

    const db = await startWith([], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(db.code).toBe(2);
    expect(lastLine(db.output)).toMatch(
      /^proofroom start: cannot reach the database at postgres:\/\/nobody@127\.0\.0\.1:1\/none: nothing listens there\. Check --database or DATABASE_URL/
    );
    const notUrl = await startWith(['--database', 'mysql://x@y/z']);
    expect(notUrl.code).toBe(2);
    expect(lastLine(notUrl.output)).toMatch(/must start with postgres:\/\/ or postgresql:\/\//);

    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const api = await startWith(['--port', String(port), '--no-sentinel']);
      expect(api.code).toBe(2);
      expect(lastLine(api.output)).toBe(
        `proofroom start: port ${port} (the explorer and API) is taken; choose another with --port or PROOFROOM_API_PORT`
      );
      const chain = await startWith(['--devnet-port', String(port - 1)]);
      expect(chain.code).toBe(2);
      expect(lastLine(chain.output)).toMatch(
        /^proofroom start: port \d+ \(the demo chain uses \d+-\d+\) is taken; choose another first port with --devnet-port or PROOFROOM_DEVNET_PORT, or follow a real chain with --rpc$/
      );
    } finally {
      await new Promise((r) => taken.close(r));
    }

    // The data folder open in another process (here a bare embedded server): refused, naming it.
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/embedded-pg-child.ts', path.join(dataDir, 'pg')],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    );
    try {
      await new Promise((r) => holder.stdout!.once('data', r));
      const busy = await startWith([]);
      expect(busy.code).toBe(2);
      expect(lastLine(busy.output)).toMatch(
        new RegExp(
          `^proofroom start: the embedded database in .*pg is open in process ${holder.pid} .*stop that process, or give this one DATABASE_URL`
        )
      );
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }

    const unknown = await startWith(['--recrods', '5']);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('proofroom start: unknown option --recrods');
    const mixed = await startWith(['--rpc', 'http://127.0.0.1:1', '--records', '5']);
    expect(mixed.code).toBe(2);
    expect(mixed.output).toContain(
      '--records shapes the demo devnet, which does not run with --rpc'
    );
  }, 180_000);
});

const pgLeg = (await databaseLegs()).includes('postgres');

describe.skipIf(!pgLeg)('proofroom start against a running chain and PostgreSQL', () => {
  it('follows the chain given by --rpc into DATABASE_URL, resumes, and refuses another chain', async () => {
    const dn = await startDevnet({ seed: 'start-rpc', records: 60, eras: 1, recordsPerBatch: 10 });
    const other = await startDevnet({ seed: 'start-rpc-other', records: 20, eras: 1 });
    const db = await createTestDatabase('postgres');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'proofroom-start-rpc-'));
    try {
      dn.settle();
      other.settle();
      const env = { DATABASE_URL: db.url, PROOFROOM_DATA_DIR: dataDir, PROOFROOM_API_PORT: '0' };
      const args = [
        BIN,
        'start',
        '--rpc',
        dn.rpcUrl,
        '--gar',
        dn.garUrl,
        '--storage',
        dn.storageUrls.join(','),
      ];
      for (const round of [1, 2]) {
        const s = launch(process.execPath, args, ROOT, env);
        const up = await waitFor(s, /Proof Room is up[\s\S]*?Ctrl-C stops everything/, 120_000);
        expect(s.output()).toMatch(
          /chain\s+Proof Room devnet at http:\/\/127\.0\.0\.1:\d+ \(genesis 0x/
        );
        expect(s.output()).toContain(
          `database      ${db.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}`
        );
        if (round === 2) expect(s.output()).toMatch(/resuming\s+from block \d+/);
        const url = /explorer\s+(http:\/\/\S+)\//.exec(up[0])![1]!;
        const data = await graphql(
          url,
          `
            {
              activityRecordsConnection {
                totalCount
              }
            }
          `
        );
        expect((data.activityRecordsConnection as { totalCount: number }).totalCount).toBe(60);
        process.kill(-s.child.pid!, 'SIGINT');
        expect(await s.exited).toBe(0);
      }
      // The same database, another chain: refused before anything is written.
      const s = launch(process.execPath, [BIN, 'start', '--rpc', other.rpcUrl], ROOT, env);
      expect(await s.exited).toBe(2);
      expect(s.output().trim().split('\n').at(-1)).toMatch(
        /^proofroom start: the database postgres:\/\/\S+ (holds an index of another chain|indexed block \d+ as 0x[0-9a-f]+…, but http:\/\/\S+ has).*; use another database \(DATABASE_URL\) or an empty one$/
      );
    } finally {
      await dn.close();
      await other.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
