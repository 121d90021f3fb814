/**
 * Benchmark sources in a process of their own (as a detector IOC would be): started, their port
 * read from the "READY <port>" line they print, their CPU time read from /proc, stopped.
 *
 * @module
 */

/** A running source process. */
export interface Source {
  port: number;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds: () => number;
  stop: () => Promise<void>;
}

/**
 * CPU seconds process `pid` has used, from Linux's /proc (NaN elsewhere). Unlike throughput,
 * the CPU a source spends per update hardly changes when others load the machine.
 */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const CLOCK_TICKS = 100;

/** Starts a source process and returns its port once it prints READY. */
export async function startSource(cmd: string, args: string[]): Promise<Source> {
  const child = new Deno.Command(cmd, { args, stdout: "piped", stdin: "piped", stderr: "inherit" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/READY (\d+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${cmd} ${args.join(" ")} exited before READY`);
    text += value;
  }
  const port = Number(/READY (\d+)/.exec(text)![1]);
  return {
    port,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    stop: async () => {
      reader.cancel().catch(() => {});
      child.stdin.close().catch(() => {});
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await child.status;
    },
  };
}
