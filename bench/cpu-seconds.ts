import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds `pid` has used, with its reaped children's (/proc/<pid>/stat fields 14-17: utime,
 * stime, cutime, cstime; https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html); 0 once it
 * is gone. Linux only.
 */
export function cpuSecondsOf(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const ticks = [14, 15, 16, 17].reduce((sum, n) => sum + Number(fields[n - 3] ?? 0), 0);
  return ticks / TICKS_PER_SECOND;
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
