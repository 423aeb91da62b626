/** Command-line argument parsing shared by the commands. */

export class UsageError extends Error {}

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
