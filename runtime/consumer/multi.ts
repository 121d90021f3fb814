/**
 * `--n-consumers N` (or an id list): one child process per consumer, so that N consumers use
 * N cores instead of sharing one event loop. Each child is the same tool with one id; its
 * output lines are prefixed with its id. A child that stops because it was told to (exit
 * status 0 after a `stop` command or the end of its runtime) stops the others, so one stop
 * on any control channel ends the whole group; Ctrl-C on the parent stops every child.
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import { prefixLines } from "../cli/prefix_lines.ts";

/** How to start one child. */
export interface ChildSpec {
  /** Consumer id, used as the output prefix. */
  id: number;
  /** The program (usually `Deno.execPath()`). */
  command: string;
  /** Its arguments. */
  args: string[];
}

/** Options of {@link runChildren}. */
export interface RunChildrenOptions {
  /** Receives each output line of every child, prefixed. */
  write?: (line: string) => void;
  logger: Logger;
  /** Aborting stops every child. */
  signal?: AbortSignal;
}

/**
 * Runs the children until all have exited; resolves to the worst exit status (0 when all
 * ended well).
 */
export async function runChildren(children: readonly ChildSpec[], opts: RunChildrenOptions): Promise<number> {
  const { write = (l: string) => console.log(l), logger, signal } = opts;
  const procs = children.map((c) => ({
    spec: c,
    proc: new Deno.Command(c.command, { args: c.args, stdin: "null", stdout: "piped", stderr: "piped" })
      .spawn(),
  }));
  let stopping = false;
  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    for (const { proc } of procs) {
      try {
        proc.kill("SIGTERM");
      } catch {
        // Already exited.
      }
    }
  };
  signal?.addEventListener("abort", stopAll, { once: true });
  const statuses = await Promise.all(procs.map(async ({ spec, proc }) => {
    const prefix = `[consumer ${spec.id}] `;
    const pipes = [prefixLines(proc.stdout, prefix, write), prefixLines(proc.stderr, prefix, write)];
    const status = await proc.status;
    await Promise.all(pipes);
    if (status.code === 0) stopAll();
    else if (!stopping) logger.error("consumer exited", { consumer: spec.id, code: status.code });
    return status.code;
  }));
  signal?.removeEventListener("abort", stopAll);
  return Math.max(0, ...statuses.filter((c) => c !== 143 || !stopping));
}
