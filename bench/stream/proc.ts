/**
 * What a process and its descendants use, from Linux's /proc: CPU seconds and resident memory.
 * A tool that runs one process per consumer (`-nc 2`, ours and PvaPy's) is measured whole.
 * Elsewhere (no /proc) the figures are NaN.
 *
 * @module
 */

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const CLOCK_TICKS = 100;

/** Resource use of a process tree at one moment. */
export interface TreeUsage {
  /** User + system CPU seconds used so far by the living processes of the tree. */
  cpuSeconds: number;
  /** Resident memory of the tree's processes, summed, in bytes. */
  rssBytes: number;
}

/** `pid` and its living descendants. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    out.push(p);
    let tasks: string[] = [];
    try {
      tasks = [...Deno.readDirSync(`/proc/${p}/task`)].map((t) => t.name);
    } catch {
      return; // Ended meanwhile.
    }
    for (const task of tasks) {
      try {
        const children = Deno.readTextFileSync(`/proc/${p}/task/${task}/children`).trim();
        if (children) children.split(" ").forEach((c) => visit(Number(c)));
      } catch {
        // The thread ended meanwhile.
      }
    }
  };
  visit(pid);
  return out;
}

/** CPU seconds and resident bytes of `pid` and its descendants (NaN without /proc). */
export function treeUsage(pid: number): TreeUsage {
  let cpuSeconds = 0;
  let rssBytes = 0;
  let read = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${p}/stat`);
      // Fields after the parenthesised command name: utime and stime are the 14th and 15th
      // of the line, rss (pages) the 24th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpuSeconds += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      rssBytes += Number(fields[21]) * PAGE_BYTES;
      read++;
    } catch {
      // Ended meanwhile.
    }
  }
  return read === 0 ? { cpuSeconds: NaN, rssBytes: NaN } : { cpuSeconds, rssBytes };
}

/** Page size of /proc's rss field (4 KiB on the x86-64 and arm64 Linux we run on). */
const PAGE_BYTES = 4096;

/** TCP connections in state ESTABLISHED (01) to 127.0.0.1:`port`, from Linux's /proc/net/tcp. */
export function connectionsTo(port: number): number {
  let text = "";
  try {
    text = Deno.readTextFileSync("/proc/net/tcp");
  } catch {
    return NaN;
  }
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return text.split("\n").filter((line) => {
    const f = line.trim().split(/\s+/);
    return f[2] === remote && f[3] === "01";
  }).length;
}
