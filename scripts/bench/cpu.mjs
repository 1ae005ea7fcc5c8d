// How much of the CPU other programs used while the bench ran. The machines
// are small (2 cores) and shared by whoever works on them, and a competing
// build or test run inflates every timing here; the bench warns instead of
// pretending. Linux only (/proc); elsewhere it reports null.

import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Busy ticks of all cores since boot. */
function ticks() {
  try {
    // cpu  user nice system idle iowait irq softirq steal …
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + (cpu[7] ?? 0);
    return { busy };
  } catch {
    return null;
  }
}

/**
 * Watches, from start() to stop(), how much of all cores' time went to
 * programs that are not the bench. Our own share is this process plus its
 * descendants, sampled every `intervalMs` (Chromium's renderers are reaped by
 * another process, so the kernel's children totals miss them).
 */
export class CpuWatch {
  constructor(intervalMs = 500) {
    this.intervalMs = intervalMs;
    this.seen = new Map();
  }

  start() {
    this.base = ticks();
    this.initial = descendantsTicks() ?? new Map();
    this.self0 = process.cpuUsage();
    this.at = Date.now();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Records the current CPU of every live descendant (also call it before closing one). */
  sample() {
    for (const [pid, t] of descendantsTicks() ?? []) this.seen.set(pid, Math.max(this.seen.get(pid) ?? 0, t));
  }

  /** Share (0..1) of all cores' time used by other programs since start(); null without /proc. */
  stop() {
    clearInterval(this.timer);
    const end = ticks();
    if (!this.base || !end) return null;
    const hz = 100; // USER_HZ, fixed at 100 on Linux
    const self = process.cpuUsage(this.self0);
    let own = ((self.user + self.system) / 1e6) * hz;
    for (const [pid, t] of this.seen) own += t - (this.initial.get(pid) ?? 0);
    const wall = ((Date.now() - this.at) / 1000) * hz * cpus().length;
    const foreign = end.busy - this.base.busy - own;
    return wall > 0 ? Math.min(1, Math.max(0, foreign / wall)) : null;
  }
}

/**
 * CPU ticks (user + system) used so far by each live descendant of `rootPid`:
 * vite and Chromium's browser, GPU, utility and renderer processes (web
 * workers are renderer threads). Null where /proc is missing.
 */
export function descendantsTicks(rootPid = process.pid) {
  try {
    const procs = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.push({ pid: Number(name), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    }
    const children = new Map();
    for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    const out = new Map();
    const stack = [...(children.get(rootPid) ?? [])];
    while (stack.length) {
      const p = stack.pop();
      out.set(p.pid, p.ticks);
      stack.push(...(children.get(p.pid) ?? []));
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * CPU milliseconds the bench's child processes used between two
 * `descendantsTicks()` snapshots — what a timed phase cost the machine, which
 * competing programs inflate far less than wall time. A process that exited in
 * between is not counted.
 */
export function cpuMsBetween(before, after) {
  if (!before || !after) return null;
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks * 10; // USER_HZ = 100
}

/**
 * Memory of the bench's Chromium: the proportional set size (shared pages
 * split between the processes that map them) summed over every descendant
 * process whose command is Chromium's — browser, GPU, utility and renderer
 * processes, whose threads include the web workers. Null without /proc.
 */
export function browserMemoryBytes(rootPid = process.pid) {
  const pids = descendantsTicks(rootPid);
  if (!pids) return null;
  let kb = 0;
  for (const pid of pids.keys()) {
    try {
      if (!/chrom/i.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (pss) kb += Number(pss[1]);
    } catch {
      // exited meanwhile
    }
  }
  return kb * 1024;
}
