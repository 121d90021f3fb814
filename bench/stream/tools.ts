/**
 * The programs a trial runs: our simulator and consumer (`scripts/`) and PvaPy's
 * `pvapy-ad-sim-server` and `pvapy-hpc-consumer`, each in its own process with the loopback
 * environment it is given, their output collected as it comes.
 *
 * @module
 */
import { dirname } from "node:path";
import { peerPython } from "../../tests/interop/peers.ts";
import { V8_FLAGS } from "../../runtime/cli/tools.ts";

/** The repository root. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** Whose implementation a program is. */
export type Maker = "ours" | "pvapy";

/** A started program: its process id, its output so far and its end. */
export interface ToolProcess {
  /** Process id (for /proc). */
  readonly pid: number;
  /** Standard output and error so far. */
  output(): string;
  /** False once the process has ended. */
  readonly running: boolean;
  /** Resolves with the exit code once the process has ended and its output is read. */
  readonly exited: Promise<number>;
  /** Resolves once `pattern` appears in the output; rejects after `timeoutMs` or if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Sends `signal` (default SIGKILL) unless it has ended, and waits for its end. */
  stop(signal?: Deno.Signal): Promise<void>;
}

/** Runs `command` with `args` and `env` (added to this process's environment). */
export function spawnTool(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
): ToolProcess {
  const proc = new Deno.Command(command, {
    args: [...args],
    env: { PYTHONUNBUFFERED: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const read = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) text += chunk;
  };
  const pipes = Promise.all([read(proc.stdout), read(proc.stderr)]);
  let ended = false;
  const exited = (async () => {
    const { code } = await proc.status;
    ended = true;
    await pipes;
    return code;
  })();
  return {
    pid: proc.pid,
    output: () => text,
    get running() {
      return !ended;
    },
    exited,
    async waitFor(pattern, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(text);
        if (m) return m;
        if (ended) throw new Error(`${command} ended before printing ${pattern}:\n${text}`);
        if (performance.now() > deadline) {
          throw new Error(`${command}: no ${pattern} in ${timeoutMs} ms:\n${text}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = "SIGKILL") {
      try {
        if (!ended) proc.kill(signal);
      } catch {
        // It ended meanwhile.
      }
      await exited;
    },
  };
}

/** `deno run -A` of one of this repository's scripts, with its configuration and the tools' V8 settings. */
export function denoScript(script: string, args: readonly string[]): [string, string[]] {
  return [Deno.execPath(), [
    "run",
    "-A",
    ...V8_FLAGS,
    "--config",
    `${ROOT}deno.json`,
    `${ROOT}${script}`,
    ...args,
  ]];
}

/** The path of one of PvaPy's command-line tools beside the peer Python; throws without one. */
export function pvapyTool(name: string): string {
  const python = peerPython();
  if (!python) throw new Error("PvaPy's tools need the Python peers: run `deno task peers`");
  return `${dirname(python)}/${name}`;
}
