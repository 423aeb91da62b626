#!/usr/bin/env -S node --max-semi-space-size=64
// The shebang's V8 flags are the long-running commands' (cli/node-flags.ts says why).
// Entry point of the `proofroom` command. The project runs its TypeScript sources through tsx
// (Node 20 has no type stripping), so this shim registers the loader and hands over to main.ts.
// `serve` runs the same sources compiled to JavaScript instead (cli/compiled.mjs builds them on
// first use and whenever a source changes): a long-running API process without tsx's loader
// holds about 45 MiB less. Should that build fail, it runs under tsx like the other commands.

// A reader that goes away (`proofroom verify --json *.json | head -c 10`) ends the output quietly,
// the way SIGPIPE ends a coreutils tool: no EPIPE stack trace, nothing more written, and exit
// status 141 (128 + SIGPIPE, what a shell reports for such a tool), so that a cut-off run is never
// read as a verdict (0 would say "verified" under `set -o pipefail`). A short command runs to its
// end writing nothing more; a long-running one (it stops on SIGTERM) is stopped as by SIGTERM,
// now or as soon as it starts listening for it.
const BROKEN_PIPE = 141;
let brokenPipe = false;
const stopAsOnSigterm = () => process.emit('SIGTERM', 'SIGTERM');
process.on('newListener', (event) => {
  if (brokenPipe && event === 'SIGTERM') setImmediate(stopAsOnSigterm);
});
const onOutputError = (err) => {
  if (brokenPipe) return; // later writes to the closed pipe fail too (EPIPE, or a destroyed stream)
  if (err.code !== 'EPIPE') throw err;
  brokenPipe = true;
  process.exitCode = BROKEN_PIPE;
  if (process.listenerCount('SIGTERM') > 0) stopAsOnSigterm();
};
process.stdout.on('error', onOutputError);
process.stderr.on('error', onOutputError);

const argv = process.argv.slice(2);
let main;
if (argv[0] === 'serve') {
  try {
    const { compiledMain } = await import('./compiled.mjs');
    ({ main } = await import(await compiledMain()));
  } catch (e) {
    process.stderr.write(
      `proofroom: running from the TypeScript sources (the compiled CLI is unavailable: ${e instanceof Error ? e.message : String(e)})\n`
    );
  }
}
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
const code = await main(argv);
process.exitCode = brokenPipe ? BROKEN_PIPE : code;
