/**
 * The `proofroom` command: `verify` (offline check of a receipt bundle or a sentinel evidence
 * file), `start` (the whole product: chain or demo devnet, database, indexer, API and explorer,
 * sentinel), `devnet` (the local chain and its off-chain services), `index` (the indexer), `serve`
 * (the API and the explorer), `sentinel` (live spot checks of the storage nodes) and `help`.
 * Each command's module loads only when it runs, so help and usage errors stay quick.
 */
import { SetupError, UsageError, closest } from './args.ts';
import { CliConfigError } from './config.ts';
import { COMMANDS, COMMAND_USAGE, USAGE, commandUsage } from './usage.ts';

/** "unknown command 'x'", naming the closest command, or every command when none is close. */
function unknownCommand(name: string): string {
  const near = closest(name, COMMANDS);
  return `unknown command '${name}' (${near ? `did you mean ${near}?` : `the commands: ${COMMANDS.join(', ')}`})`;
}

/** `proofroom help [command]`: every command's usage, or one command's. */
function help(args: readonly string[]): number {
  const [command, ...more] = args;
  if (command === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (more.length > 0) {
    process.stderr.write(`proofroom help: one command at a time (got ${args.join(' ')})\n`);
    return 2;
  }
  if (Object.hasOwn(COMMAND_USAGE, command)) {
    process.stdout.write(commandUsage(command));
    return 0;
  }
  process.stderr.write(`proofroom help: ${unknownCommand(command)}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `<command> --help` (before any `--`): that command's usage, and nothing started or created.
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (
    command !== undefined &&
    Object.hasOwn(COMMAND_USAGE, command) &&
    (options.includes('--help') || options.includes('-h'))
  ) {
    process.stdout.write(commandUsage(command));
    return 0;
  }
  try {
    switch (command) {
      // Each command's modules load only when it runs (the API process stays lean).
      case 'verify':
        return await (await import('./verify-command.ts')).verifyCommand(rest);
      case 'start':
        return await (await import('./start-command.ts')).startCommand(rest);
      case 'devnet':
        return await (await import('./devnet-command.ts')).devnetCommand(rest);
      case 'index':
        return await (await import('./index-command.ts')).indexCommand(rest);
      case 'serve':
        return await (await import('./serve-command.ts')).serveCommand(rest);
      case 'sentinel':
        return await (await import('./sentinel-command.ts')).sentinelCommand(rest);
      case 'help':
        return help(rest);
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      case undefined:
        process.stderr.write(USAGE);
        return 2;
      default:
        process.stderr.write(
          `proofroom: ${unknownCommand(command)}\nproofroom help shows the usage of every command.\n`
        );
        return 2;
    }
  } catch (e) {
    if (e instanceof SetupError || e instanceof CliConfigError) {
      process.stderr.write(`proofroom ${command}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      // The command's own usage: its options, one of which was mistyped or is missing.
      process.stderr.write(`proofroom ${command}: ${e.message}\n\n${commandUsage(command!)}`);
      return 2;
    }
    throw e;
  }
}
