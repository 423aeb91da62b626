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

/**
 * Every option a command accepts, declared once: `valued` options take a value (`--port 80` or
 * `--port=80`), `switches` take none (`--json`). Anything else is refused, naming the closest
 * known option. `positional` says whether the command takes arguments that are not options.
 */
export interface OptionSpec {
  readonly valued: readonly string[];
  readonly switches: readonly string[];
  readonly positional?: boolean;
}

/**
 * The edit distance between two strings: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each count 1 (`--recrods` is one step from `--records`).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `word`, if one is close enough to be what was meant: within one edit
 * per three characters (at least one), else the only candidate that starts with `word` (three
 * characters or more: `--allow` for `--allow-unfinalized`). Undefined when nothing is close.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c);
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3))) return best;
  const prefixed = candidates.filter((c) => word.length >= 3 && c.startsWith(word.toLowerCase()));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

function unknownOption(given: string, spec: OptionSpec): UsageError {
  const name = given.replace(/^-+/, '').split('=', 1)[0]!;
  const known = [...spec.valued, ...spec.switches, 'help'];
  const near = closest(name, known);
  return new UsageError(`unknown option ${given}${near ? ` (did you mean --${near}?)` : ''}`);
}

export function parseArgs(argv: readonly string[], spec: OptionSpec): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const k = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const v = eq < 0 ? undefined : a.slice(eq + 1);
      if (spec.valued.includes(k)) {
        const value = v ?? argv[++i];
        if (value === undefined) throw new UsageError(`--${k} needs a value`);
        flags.set(k, value);
      } else if (spec.switches.includes(k)) {
        if (v !== undefined) throw new UsageError(`--${k} takes no value`);
        flags.set(k, true);
      } else throw unknownOption(eq < 0 ? a : a.slice(0, eq), spec);
    } else if (a.startsWith('-') && a !== '-') {
      // No command has one-letter options (`-h` is handled before parsing): `-json` was meant
      // as `--json`, and a file whose name starts with `-` goes after `--`.
      throw unknownOption(a.split('=', 1)[0]!, spec);
    } else positional.push(a);
  }
  if (!spec.positional && positional.length > 0)
    throw new UsageError(
      `unexpected argument "${positional[0]}" (this command takes options only)`
    );
  return { positional, flags };
}
