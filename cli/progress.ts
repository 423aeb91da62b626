/**
 * Console output for long-running commands: log lines, and one status line that a terminal redraws
 * in place (elsewhere, such as a log file, it is printed at most every `everyMs`, so logs stay
 * readable). Also a reader for Prometheus' text format, for progress read from /metrics.
 * @module
 */

export class Progress {
  private shown = false;
  private lastPrinted = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
    private readonly everyMs = 2000
  ) {}

  /** Prints a line (above the status line on a terminal). */
  log(line: string): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.out.write(line + '\n');
    if (this.shown) this.out.write(this.current);
  }

  private current = '';

  /** Sets (or with null clears) the status line. */
  status(text: string | null): void {
    if (text === null) {
      if (this.shown) this.out.write('\r\x1b[K');
      this.shown = false;
      this.current = '';
      return;
    }
    if (this.tty) {
      this.current = text;
      this.out.write('\r\x1b[K' + text);
      this.shown = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastPrinted >= this.everyMs) {
      this.lastPrinted = now;
      this.out.write(text + '\n');
    }
  }

  /** Leaves the status line behind (before the process prints its last words). */
  done(): void {
    this.status(null);
  }
}

/**
 * Each metric's samples from Prometheus' text exposition format: by name, summed over labels, and
 * by name with its labels as written (`name{kind="indexed"}`); comments, malformed lines and
 * non-finite values skipped.
 */
export function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[3]);
    if (!Number.isFinite(v)) continue;
    out.set(m[1]!, (out.get(m[1]!) ?? 0) + v);
    if (m[2]) out.set(m[1]! + m[2], v);
  }
  return out;
}
