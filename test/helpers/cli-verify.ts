/**
 * `proofroom verify --json <file> [args]` in a child process, asynchronously: the devnet and the
 * embedded database the bundles come from keep serving from the test's own process meanwhile.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve('cli/proofroom.mjs');

export function cliVerify(
  file: string,
  ...args: string[]
): Promise<{ code: number | null; out: any }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'verify', '--json', file, ...args],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout) => {
        const code = error ? ((error as { code?: number }).code ?? null) : 0;
        let out: any;
        try {
          out = JSON.parse(stdout);
        } catch {
          out = stdout;
        }
        resolve({ code, out });
      }
    );
  });
}
