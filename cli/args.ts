/** Command-line argument parsing shared by the commands. */

export class UsageError extends Error {}

/**
 * Configuration that cannot work as given (a port taken, a database or chain out of reach): the
 * message names the fix, so it is printed alone, without the usage text.
 */
export class SetupError extends UsageError {}

export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[], valued: readonly string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (valued.includes(k)) {
        const value = v ?? argv[++i];
        if (value === undefined) throw new UsageError(`--${k} needs a value`);
        flags.set(k, value);
      } else flags.set(k, true);
    } else positional.push(a);
  }
  return { positional, flags };
}
