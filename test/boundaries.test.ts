import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('import rules of DESIGN.md are enforced by lint', () => {
  it('a forbidden import in verifier/ fails the lint', async () => {
    expect(
      await ruleIds("import fs from 'node:fs';\nexport const x = fs;\n", 'verifier/forbidden.ts')
    ).toContain('proofroom/boundaries');
    expect(
      await ruleIds(
        "import pg from 'pg';\nexport const x = pg;\n",
        'verifier/receipts/forbidden.ts'
      )
    ).toContain('proofroom/boundaries');
    expect(
      await ruleIds("export { x } from '../db/model.ts';\n", 'verifier/forbidden.ts')
    ).toContain('proofroom/boundaries');
    expect(
      await ruleIds("export const x = await import('node:http');\n", 'verifier/forbidden.ts')
    ).toContain('proofroom/boundaries');
  });

  it('verifier/ may not read the clock, randomness or the environment', async () => {
    expect(await ruleIds('export const t = Date.now();\n', 'verifier/impure.ts')).toContain(
      'no-restricted-syntax'
    );
    expect(await ruleIds('export const r = Math.random();\n', 'verifier/impure.ts')).toContain(
      'no-restricted-syntax'
    );
    expect(await ruleIds('export const e = process.env.X;\n', 'verifier/impure.ts')).toContain(
      'no-restricted-globals'
    );
    expect(await ruleIds("export const f = fetch('x');\n", 'verifier/impure.ts')).toContain(
      'no-restricted-globals'
    );
  });

  it('allows what DESIGN.md allows', async () => {
    expect(
      await ruleIds(
        "import { blake2b } from '@noble/hashes/blake2.js';\nexport const x = blake2b;\n",
        'verifier/ok.ts'
      )
    ).toEqual([]);
    expect(
      await ruleIds(
        "import { createPublicKey } from 'node:crypto';\nexport const x = createPublicKey;\n",
        'verifier/node/ok.ts'
      )
    ).toEqual([]);
    // schnorrkel's WebAssembly: the Node entry's sr25519 fast accept, not the pure core's.
    const wasm =
      "import { sr25519Verify } from '@polkadot/wasm-crypto';\nexport const x = sr25519Verify;\n";
    expect(await ruleIds(wasm, 'verifier/node/ok.ts')).toEqual([]);
    expect(await ruleIds(wasm, 'verifier/forbidden.ts')).toContain('proofroom/boundaries');
    expect(
      await ruleIds(
        "import { verifyReceipt } from '../verifier/receipt.ts';\nexport const x = verifyReceipt;\n",
        'api/ok.ts'
      )
    ).toEqual([]);
  });

  it('the indexer and the API never import each other; the explorer stays off db and node', async () => {
    expect(await ruleIds("export { x } from '../indexer/main.ts';\n", 'api/bad.ts')).toContain(
      'proofroom/boundaries'
    );
    expect(await ruleIds("export { x } from '../api/app.ts';\n", 'indexer/bad.ts')).toContain(
      'proofroom/boundaries'
    );
    expect(await ruleIds("export { x } from '../db/index.ts';\n", 'explorer/bad.ts')).toContain(
      'proofroom/boundaries'
    );
    expect(
      await ruleIds("import fs from 'node:fs';\nexport const x = fs;\n", 'explorer/bad.ts')
    ).toContain('proofroom/boundaries');
    // The verifier's Node-only entry is not for browsers; its pure core is.
    expect(
      await ruleIds("export { nodeBackend } from '../verifier/node/index.ts';\n", 'explorer/bad.ts')
    ).toContain('proofroom/boundaries');
    expect(
      await ruleIds(
        "export { verifyReceipt } from '../verifier/receipt.ts';\n",
        'explorer/src/ok.ts'
      )
    ).toEqual([]);
  });

  it('process.env is read only in config.ts modules', async () => {
    expect(await ruleIds('export const e = process.env.X;\n', 'cli/other.ts')).toContain(
      'no-restricted-properties'
    );
    expect(await ruleIds('export const e = process.env.X;\n', 'cli/config.ts')).toEqual([]);
  });
});

describe('shapes the lint keeps (issue 21)', () => {
  const fn = (lines: number): string =>
    `export function f(): number {\n  let x = 0;\n${'  x += 1;\n'.repeat(lines - 4)}  return x;\n}\n`;

  it('no function over 150 lines outside tests and generated code', async () => {
    expect(await ruleIds(fn(150), 'devnet/long.ts')).toEqual([]);
    expect(await ruleIds(fn(151), 'devnet/long.ts')).toContain('max-lines-per-function');
    expect(await ruleIds(fn(151), 'explorer/src/pages/long.tsx')).toContain(
      'max-lines-per-function'
    );
    expect(await ruleIds(fn(151), 'test/long.test.ts')).toEqual([]);
  });

  it('tables are drawn by the one table component only', async () => {
    const table =
      'export const T = () => (\n  <table>\n    <tbody>\n      <tr>\n        <td>x</td>\n      </tr>\n    </tbody>\n  </table>\n);\n';
    const ids = await ruleIds(table, 'explorer/src/pages/hand-made.tsx');
    expect(ids.filter((r) => r === 'no-restricted-syntax')).toHaveLength(4);
    expect(await ruleIds(table, 'explorer/src/components/data-table.tsx')).toEqual([]);
  });
});

describe('the verifier compiles without Node types', () => {
  it('a node:fs import in verifier/ fails the TypeScript project check', () => {
    const file = path.resolve('verifier/__typecheck_probe.ts');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n"
    );
    try {
      const r = spawnSync(
        process.execPath,
        [path.resolve('node_modules/typescript/bin/tsc'), '-p', 'verifier/tsconfig.json'],
        { encoding: 'utf8' }
      );
      expect(r.status).not.toBe(0);
      expect(r.stdout).toContain('__typecheck_probe.ts');
      expect(r.stdout).toContain("'node:fs'");
    } finally {
      rmSync(file, { force: true });
    }
  });
});
