import { readdir, readFile } from 'node:fs/promises';

/** A running process as /proc shows it. */
export interface ProcessInfo {
  pid: number;
  /** The command line, arguments joined by spaces. */
  args: string;
}

/** The direct children of `pid`, from /proc (Linux; no `ps` needed, which slim images lack). */
export async function childProcesses(pid: number): Promise<ProcessInfo[]> {
  const children: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // A process may exit while we look: skip it.
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = stat === null ? Number.NaN : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    children.push({
      pid: Number(entry),
      args: cmdline
        .split('\0')
        .filter((part) => part !== '')
        .join(' '),
    });
  }
  return children;
}

/** Whether `pid` is still running (a zombie counts: its parent has not reaped it yet). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
