/**
 * Runs the indexer process (indexer/main.ts) as a child and restarts it when it dies, with a
 * backoff that grows on repeated failures and resets after a healthy minute. The processor owns
 * its process and exits on fatal errors, and everything it writes is committed per batch, so a
 * restart (or a `kill -9`) continues from the last committed block with no gap and no duplicate.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SupervisorOptions {
  /** Environment of the child (see indexer/config.ts for the variables it reads). */
  readonly env: NodeJS.ProcessEnv;
  /** Where the child's output goes (default: inherit). */
  readonly stdio?: 'inherit' | 'pipe' | 'ignore';
  /**
   * Run the child in its own process group, so a terminal's Ctrl-C reaches only this process,
   * which then stops the child in order (`stop()`). Either way the child exits when this process
   * dies: it watches the IPC channel between the two.
   */
  readonly detached?: boolean;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly onExit?: (
    code: number | null,
    signal: NodeJS.Signals | null,
    restartInMs: number | null
  ) => void;
  readonly onStart?: (child: ChildProcess) => void;
}

const MAIN = fileURLToPath(
  new URL(`./main.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url)
);

export class Supervisor {
  private child: ChildProcess | null = null;
  private stopping = false;
  private backoff: number;
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  restarts = 0;

  constructor(private readonly opts: SupervisorOptions) {
    this.backoff = opts.minBackoffMs ?? 500;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get current(): ChildProcess | null {
    return this.child;
  }

  start(): void {
    this.stopping = false;
    // tsx is resolved here, not from the child's working directory (which may be anywhere).
    const args = MAIN.endsWith('.ts') ? ['--import', import.meta.resolve('tsx'), MAIN] : [MAIN];
    const child = spawn(process.execPath, args, {
      env: this.opts.env,
      stdio: ['ignore', this.opts.stdio ?? 'inherit', this.opts.stdio ?? 'inherit', 'ipc'],
      detached: this.opts.detached ?? false,
    });
    // The channel only tells the child when this process is gone; it must not keep this one alive.
    child.channel?.unref();
    this.child = child;
    this.startedAt = Date.now();
    this.opts.onStart?.(child);
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopping) {
        this.opts.onExit?.(code, signal, null);
        return;
      }
      // Exit code 2 is a configuration error: restarting would only repeat it.
      if (code === 2) {
        this.opts.onExit?.(code, signal, null);
        return;
      }
      const min = this.opts.minBackoffMs ?? 500;
      const max = this.opts.maxBackoffMs ?? 30_000;
      if (Date.now() - this.startedAt > 60_000) this.backoff = min;
      const wait = this.backoff;
      this.backoff = Math.min(max, this.backoff * 2);
      this.opts.onExit?.(code, signal, wait);
      this.restarts++;
      this.timer = setTimeout(() => this.start(), wait);
    });
  }

  /** Stops the child: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
