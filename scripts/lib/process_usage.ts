/**
 * Resident memory and open file descriptors of a process and its descendants, from Linux's /proc (the
 * soak samples the tools it runs this way).
 *
 * @module
 */

/** What a process tree holds at one moment. */
export interface ProcessUsage {
  /** Resident set size in bytes, summed over the tree. */
  rssBytes: number;
  /** Open file descriptors, summed over the tree. */
  fds: number;
  /** Processes in the tree. */
  processes: number;
}

function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: Iterable<Deno.DirEntry>;
  try {
    tasks = Deno.readDirSync(`/proc/${pid}/task`);
  } catch {
    return out; // the process ended
  }
  for (const t of tasks) {
    try {
      const text = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/children`).trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

function own(pid: number): { rssBytes: number; fds: number } {
  try {
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    let fds = 0;
    for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) fds++;
    return { rssBytes: rss ? Number(rss[1]) * 1024 : 0, fds };
  } catch {
    return { rssBytes: 0, fds: 0 };
  }
}

/**
 * Sums resident memory and descriptors over `pid` and all its descendants (Linux only).
 * @example
 * ```ts ignore
 * const { rssBytes, fds } = processTreeUsage(child.pid);
 * ```
 */
export function processTreeUsage(pid: number): ProcessUsage {
  const usage: ProcessUsage = { rssBytes: 0, fds: 0, processes: 0 };
  const pending = [pid];
  while (pending.length > 0) {
    const p = pending.pop()!;
    const u = own(p);
    usage.rssBytes += u.rssBytes;
    usage.fds += u.fds;
    usage.processes++;
    pending.push(...children(p));
  }
  return usage;
}
