import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The sum of `fields` (1-based, as proc_pid_stat(5) numbers them) of a /proc stat file, in seconds; 0 if it cannot be read (gone). */
function statSeconds(file: string, fields: readonly number[]): number {
  let stat: string;
  try {
    stat = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after[0] is field 3 (state), so field N is after[N - 3].
  return fields.reduce((sum, n) => sum + Number(after[n - 3] ?? 0), 0) / TICKS_PER_SECOND;
}

/**
 * CPU seconds `pid` has used, with its reaped children's (/proc/<pid>/stat fields 14-17: utime,
 * stime, cutime, cstime; https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html); 0 once it
 * is gone. Linux only.
 */
export function cpuSecondsOf(pid: number): number {
  return statSeconds(`/proc/${pid}/stat`, [14, 15, 16, 17]);
}

/**
 * CPU seconds (utime + stime) of one thread of `pid`; by default its main thread, whose thread id
 * is the pid: in Node that is the thread running the event loop and every JavaScript callback. 0
 * once it is gone.
 */
export function threadCpuSecondsOf(pid: number, tid: number = pid): number {
  return statSeconds(`/proc/${pid}/task/${tid}/stat`, [14, 15]);
}

export interface MachineTicks {
  /** Idle and iowait, all CPUs. */
  readonly idle: number;
  readonly total: number;
}

/** The machine's CPU time so far, all CPUs, in clock ticks (/proc/stat's `cpu` line: https://man7.org/linux/man-pages/man5/proc_stat.5.html). */
export function machineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice).
  const [idle = 0, iowait = 0] = ticks.slice(3, 5);
  return { idle: idle + iowait, total: ticks.slice(0, 8).reduce((a, b) => a + b, 0) };
}

/** CPU seconds of every live process whose command name is `comm` (e.g. every PostgreSQL backend and the postmaster, which holds its exited backends' time). */
export function cpuSecondsOfCommand(comm: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let name: string;
    try {
      name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (name === comm) total += cpuSecondsOf(Number(entry));
  }
  return total;
}

/** This process's CPU seconds so far (user and system, every thread). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
