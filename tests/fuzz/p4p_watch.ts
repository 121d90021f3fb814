/**
 * A well-behaved p4p client (tests/interop/py/p4p_client.py) monitoring a PV of the server under
 * fuzz: it counts the updates and measures the longest time without one, the measure of whether
 * the fuzzing disturbed anyone else.
 *
 * @module
 */
import { epicsEnv, lines, peerPython } from "../interop/peers.ts";

const SCRIPT = new URL("../interop/py/p4p_client.py", import.meta.url);

/**
 * A p4p monitor running in its own Python process.
 * @example
 * ```ts ignore
 * await using watch = await P4pWatch.start(ports, "pvastream:ours:counter");
 * await watch.firstUpdate(10_000);
 * console.log(watch.updates, watch.longestGapMs());
 * ```
 */
export class P4pWatch implements AsyncDisposable {
  /** Updates received so far. */
  updates = 0;
  #child: Deno.ChildProcess;
  #last = 0;
  #longestGap = 0;
  #first: Promise<void>;
  #reading: Promise<void>;
  #stderr: Promise<string>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#stderr = new Response(child.stderr).text();
    let seen!: () => void;
    this.#first = new Promise((resolve) => seen = resolve);
    this.#reading = (async () => {
      for await (const line of lines(child.stdout)) {
        if (!line.startsWith("{")) continue;
        const now = performance.now();
        if (this.updates > 0) this.#longestGap = Math.max(this.#longestGap, now - this.#last);
        this.#last = now;
        if (++this.updates === 1) seen();
      }
    })();
  }

  /** Starts `p4p_client.py monitor` on `pv`, finding the server through `ports` (UDP search). */
  static start(ports: { tcp: number; udp: number }, pv: string): P4pWatch {
    const python = peerPython();
    if (python === null) throw new Error("no Python peer: run `deno task peers` or set PVASTREAM_PYTHON");
    const child = new Deno.Command(python, {
      args: [SCRIPT.pathname, "monitor", pv, "--count", "1000000000", "--timeout", "1000000"],
      env: { PYTHONUNBUFFERED: "1", ...epicsEnv(ports) },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new P4pWatch(child);
  }

  /** Resolves at the first update; rejects after `ms` (with the client's standard error). */
  async firstUpdate(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no p4p monitor update within ${ms} ms`)), ms);
    });
    try {
      await Promise.race([this.#first, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts measuring gaps from now (call once the fuzzing starts). */
  resetGap(): void {
    this.#longestGap = 0;
  }

  /** Makes the longest gap at least `ms` (to carry one measured earlier across a {@link resetGap}). */
  keepGap(ms: number): void {
    this.#longestGap = Math.max(this.#longestGap, ms);
  }

  /** The longest time without an update since {@link resetGap}, counting up to now. */
  longestGapMs(): number {
    return Math.max(this.#longestGap, this.updates > 0 ? performance.now() - this.#last : Infinity);
  }

  /** Stops the client; resolves with its standard error. */
  async stop(): Promise<string> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // exited already
    }
    await this.#child.status;
    await this.#reading;
    return await this.#stderr;
  }

  /** Stops the client (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
