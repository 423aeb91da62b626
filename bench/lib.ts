/**
 * Tiny benchmark kit: run a function repeatedly for a time budget and report operations per second.
 * Every figure a benchmark prints is measured in the same run as its baseline. Also what the suites
 * that run child processes share: RSS and CPU of processes from /proc, the local PostgreSQL's
 * processes, and a reader of Prometheus text.
 */
import type { ChildProcess } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The figure divided by the named baseline figure measured in the same run. */
  readonly ratio?: { readonly against: string; readonly value: number };
  readonly note?: string;
}

export type Reporter = (figure: Figure) => void;

/** Calls `fn(batch)` repeatedly for at least `ms` milliseconds; returns operations per second. */
export async function opsPerSecond(fn: () => number | Promise<number>, ms = 1500): Promise<number> {
  // Warm up (JIT, key caches) before measuring.
  const warmEnd = performance.now() + Math.min(300, ms / 4);
  while (performance.now() < warmEnd) await fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    ops += await fn();
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** Latency percentiles (ms) of `samples`. */
export function percentiles(
  samples: number[],
  ps: number[] = [50, 90, 99]
): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const p of ps) {
    const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
    out[`p${p}`] = sorted[Math.max(0, idx)] ?? NaN;
  }
  return out;
}

export function formatFigure(f: Figure): string {
  const v = f.value >= 100 ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(2);
  const ratio = f.ratio ? `  (${f.ratio.value.toFixed(2)}x ${f.ratio.against})` : '';
  const note = f.note ? `  [${f.note}]` : '';
  return `${f.name.padEnd(58)} ${v.padStart(12)} ${f.unit}${ratio}${note}`;
}

// --- processes -----------------------------------------------------------------------------------

export interface ProcStats {
  /** Bytes. */
  readonly rss: number;
  readonly hwm: number;
}

export async function procStatus(pid: number): Promise<ProcStats | null> {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  } catch {
    return null;
  }
}

/** User + system CPU seconds of `pid` (all its threads), from /proc/<pid>/stat (USER_HZ 100). */
export async function procCpu(pid: number): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

export interface CpuSnapshot {
  /** Busy CPU seconds of the whole machine (/proc/stat). */
  readonly machine: number;
  /** This process (`process.cpuUsage()`). */
  readonly self: number;
  readonly procs: ReadonlyMap<number, number>;
}

export async function cpuSnapshot(pids: readonly number[]): Promise<CpuSnapshot> {
  const v = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).map(Number);
  // cpu user nice system idle iowait irq softirq steal
  const machine = (v[1]! + v[2]! + v[3]! + v[6]! + v[7]! + v[8]!) / 100;
  const u = process.cpuUsage();
  const procs = new Map<number, number>();
  for (const pid of pids) {
    const c = await procCpu(pid);
    if (Number.isFinite(c)) procs.set(pid, c);
  }
  return { machine, self: (u.user + u.system) / 1e6, procs };
}

/** CPU seconds used between `a` and `b` by the processes of `pids` alive at `b`. */
export function procsUsed(a: CpuSnapshot, b: CpuSnapshot, pids: readonly number[]): number {
  let s = 0;
  for (const pid of pids) {
    const end = b.procs.get(pid);
    if (end !== undefined) s += end - (a.procs.get(pid) ?? 0);
  }
  return s;
}

/** The server processes of a local PostgreSQL (every process named `postgres`). */
export async function postgresPids(): Promise<number[]> {
  const out: number[] = [];
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if ((await readFile(`/proc/${d}/comm`, 'utf8')).trim() === 'postgres') out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/** Peak RSS of a process, polled. */
export class RssPeak {
  peak = 0;
  constructor(private readonly read: () => Promise<number | null>) {}
  async sample(): Promise<void> {
    const v = await this.read();
    if (v !== null && Number.isFinite(v)) this.peak = Math.max(this.peak, v);
  }
}

export function killHard(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

// --- metrics -------------------------------------------------------------------------------------

/** Prometheus text: the sum of the series of `name` whose labels include every one of `labels`. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' '))
      continue;
    const close = line.lastIndexOf('}');
    const labelText = close > 0 ? line.slice(name.length + 1, close) : '';
    if (!Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) continue;
    sum += Number(
      line
        .slice(close > 0 ? close + 1 : name.length)
        .trim()
        .split(' ')[0]
    );
  }
  return sum;
}
