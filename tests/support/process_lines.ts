/**
 * The standard output of a child process as lines a test waits for with a deadline (a ready line, a
 * progress line), and everything it printed once it has exited.
 *
 * @module
 */
import { Inbox } from "./inbox.ts";

/** What a finished process printed. */
export interface ProcessOutput {
  /** Exit status. */
  code: number;
  /** Standard output, whole. */
  stdout: string;
  /** Standard error, whole. */
  stderr: string;
}

/**
 * Reads a child started with `stdout: "piped"` and `stderr: "piped"`, from the moment it is made.
 * @example
 * ```ts ignore
 * const server = new ProcessLines(command.spawn(), "pva serve");
 * await server.until(/^pva serve: /, 30_000);
 * ```
 */
export class ProcessLines {
  readonly #child: Deno.ChildProcess;
  readonly #what: string;
  readonly #lines = new Inbox<string>();
  readonly #all: string[] = [];
  readonly #stdoutDone: Promise<void>;
  readonly #stderr: Promise<string>;
  #ended = false;

  /**
   * @param child the process, its stdout and stderr piped
   * @param what names it in error messages
   */
  constructor(child: Deno.ChildProcess, what: string) {
    this.#child = child;
    this.#what = what;
    this.#stderr = new Response(child.stderr).text();
    this.#stdoutDone = this.#read();
  }

  async #read(): Promise<void> {
    let rest = "";
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const line of parts) this.#push(line);
    }
    if (rest) this.#push(rest);
    this.#ended = true;
    this.#lines.end();
  }

  #push(line: string): void {
    this.#all.push(line);
    this.#lines.push(line);
  }

  /**
   * Takes lines until one matches `pattern` and returns its match; fails after `timeoutMs`, or when the
   * process ends first, with what it wrote to standard error.
   */
  async until(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      let line: string;
      try {
        line = await this.#lines.take(
          deadline - performance.now(),
          `line matching ${pattern} from ${this.#what}`,
        );
      } catch (e) {
        // Once stdout has ended, so has the process, and its stderr says why.
        const why = this.#ended ? `\nstderr:\n${await this.#stderr}` : "";
        throw new Error(`${(e as Error).message}; it printed:\n${this.#all.join("\n")}${why}`);
      }
      const match = pattern.exec(line);
      if (match) return match;
    }
  }

  /** Waits for the process to exit (killing it after `timeoutMs`) and returns all it printed. */
  async finished(timeoutMs: number): Promise<ProcessOutput> {
    const timer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // exited meanwhile
      }
    }, timeoutMs);
    try {
      const { code, signal } = await this.#child.status;
      await this.#stdoutDone;
      const stderr = await this.#stderr;
      if (signal === "SIGKILL") {
        throw new Error(`${this.#what} did not exit within ${timeoutMs} ms\n${stderr}`);
      }
      return { code, stdout: this.#all.join("\n"), stderr };
    } finally {
      clearTimeout(timer);
    }
  }
}
