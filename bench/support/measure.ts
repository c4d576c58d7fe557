// Measuring helpers for the pipeline benchmark: /proc sampling, percentiles, a progress bar.
import { readFileSync } from 'fs';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** CPU seconds (user + system) of a process so far, or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Resident set size now and its peak (VmHWM), in MiB. */
export function memory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface ProcessUsage {
  /** Average CPU over the window, in percent of one core. */
  cpuPercent: number;
  cpuSeconds: number;
  /** Highest resident set size sampled in the window, MiB (NaN for a group of processes). */
  peakRssMiB: number;
}

/** The processes one figure is summed over: a fixed pid, or a set found again now and then (PostgreSQL's backends). */
export interface ProcessGroup {
  pids(): number[];
  /** Finds the group's processes again; awaited at the start of a window, then run every second. */
  refresh?(): Promise<void>;
}

export const onePid = (pid: number): ProcessGroup => ({ pids: () => [pid] });

/**
 * Samples process groups every 200 ms; `end()` reports CPU and peak RSS since `begin()`. A
 * process that appears within the window counts from zero (it was born in it); one that ends
 * counts up to its last sample.
 */
export class ProcessSampler {
  private readonly peak = new Map<string, number>();
  private base = new Map<string, Map<number, number>>();
  private last = new Map<string, Map<number, number>>();
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<unknown> | null = null;
  private lastRefresh = 0;

  constructor(private readonly groups: Map<string, ProcessGroup>) {}

  async begin(): Promise<void> {
    await this.refresh();
    this.startedAt = performance.now();
    this.base = new Map();
    this.last = new Map();
    for (const [name, group] of this.groups) {
      const now = new Map<number, number>();
      for (const pid of group.pids()) now.set(pid, cpuSeconds(pid) ?? 0);
      this.base.set(name, now);
      this.last.set(name, new Map(now));
    }
    this.peak.clear();
    this.sample();
    this.timer ??= setInterval(() => this.sample(), 200);
  }

  private refresh(): Promise<unknown> {
    this.lastRefresh = Date.now();
    this.refreshing ??= Promise.all([...this.groups.values()].map((g) => g.refresh?.())).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private sample(): void {
    if (Date.now() - this.lastRefresh >= 1000) void this.refresh().catch(() => undefined);
    for (const [name, group] of this.groups) {
      const pids = group.pids();
      const base = this.base.get(name) ?? new Map<number, number>();
      const last = this.last.get(name) ?? new Map<number, number>();
      for (const pid of pids) {
        const cpu = cpuSeconds(pid);
        if (cpu === null) continue;
        if (!base.has(pid)) base.set(pid, 0);
        last.set(pid, cpu);
      }
      this.base.set(name, base);
      this.last.set(name, last);
      if (pids.length === 1) {
        const m = memory(pids[0]);
        if (m) this.peak.set(name, Math.max(this.peak.get(name) ?? 0, m.rss));
      }
    }
  }

  end(): Record<string, ProcessUsage> {
    this.sample();
    const seconds = (performance.now() - this.startedAt) / 1000;
    const out: Record<string, ProcessUsage> = {};
    for (const name of this.groups.keys()) {
      const base = this.base.get(name) ?? new Map<number, number>();
      let used = 0;
      for (const [pid, cpu] of this.last.get(name) ?? []) used += cpu - (base.get(pid) ?? 0);
      out[name] = { cpuPercent: round((100 * used) / seconds, 1), cpuSeconds: round(used, 3), peakRssMiB: round(this.peak.get(name) ?? NaN, 1) };
    }
    return out;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** One line on stderr, redrawn: `label [#####.....] 45% detail`. Plain lines when stderr is not a terminal. */
export class Progress {
  private last = '';
  private lastPlain = 0;
  constructor(private readonly width = 30) {}

  update(label: string, fraction: number, detail = ''): void {
    const f = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(f * this.width);
    const line = `${label.padEnd(34)} [${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${String(Math.round(f * 100)).padStart(3)}% ${detail}`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line.padEnd(this.last.length)}`);
    } else if (Date.now() - this.lastPlain > 2000 || f >= 1) {
      process.stderr.write(`${line}\n`);
      this.lastPlain = Date.now();
    }
    this.last = line;
  }

  done(message: string): void {
    if (process.stderr.isTTY) process.stderr.write(`\r${' '.repeat(this.last.length)}\r`);
    process.stderr.write(`${message}\n`);
    this.last = '';
  }
}
