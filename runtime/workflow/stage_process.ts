/**
 * One stage's process: started with its tool's permissions, its output lines prefixed with its name,
 * and stopped as a person would stop it (SIGTERM, the tools' Ctrl-C), then killed when it does not
 * end within the grace period.
 *
 * @module
 */
import { prefixLines } from "../cli/prefix_lines.ts";

/** Options of {@link StageProcess.spawn}. */
export interface SpawnStageOptions {
  /** Prefix of every output line: the stage's name. */
  name: string;
  /** The program (`Deno.execPath()`). */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Its whole environment. */
  env: Record<string, string>;
  /** Its working directory (this process's by default). */
  cwd?: string;
  /** Receives each prefixed line of its standard output and error. */
  write: (line: string) => void;
}

/** A running stage. */
export class StageProcess {
  /** The stage's name. */
  readonly name: string;
  /** Resolves with the exit code once the process has ended and its output was read. */
  readonly exited: Promise<number>;
  readonly #child: Deno.ChildProcess;
  #code: number | undefined;

  private constructor(name: string, child: Deno.ChildProcess, write: (line: string) => void) {
    this.name = name;
    this.#child = child;
    const prefix = `[${name}] `;
    const pipes = Promise.all([
      prefixLines(child.stdout, prefix, write),
      prefixLines(child.stderr, prefix, write),
    ]);
    this.exited = (async () => {
      const { code } = await child.status;
      await pipes;
      this.#code = code;
      return code;
    })();
  }

  /** Starts a stage's process. */
  static spawn({ name, command, args, env, cwd, write }: SpawnStageOptions): StageProcess {
    const child = new Deno.Command(command, {
      args,
      env,
      cwd,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new StageProcess(name, child, write);
  }

  /** The exit code once it has exited, else undefined. */
  get exitCode(): number | undefined {
    return this.#code;
  }

  /**
   * Sends SIGTERM, then SIGKILL when the process has not ended after `graceMs`; resolves with its exit
   * code.
   */
  async stop({ graceMs }: { graceMs: number }): Promise<number> {
    if (this.#code !== undefined) return this.#code;
    this.#signal("SIGTERM");
    const timer = setTimeout(() => this.#signal("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #signal(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch {
      // It has just exited.
    }
  }
}
