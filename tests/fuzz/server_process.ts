/**
 * The server under fuzz as a child process (`server_child.ts`): its ports, its resident memory,
 * why it closed connections (read from its JSON log) and whether it is still running.
 *
 * @module
 */

import { lines } from "../interop/peers.ts";

/** Where the child listens. */
export interface ServerPorts {
  /** TCP port of the little-endian server (also the one the p4p monitor uses). */
  tcp: number;
  /** TCP port of the big-endian server. */
  bigTcp: number;
  /** UDP search port of the little-endian server. */
  udp: number;
}

const CHILD = new URL("./server_child.ts", import.meta.url);
const DENO_JSON = new URL("../../deno.json", import.meta.url);

/**
 * A running `server_child.ts`. Its log is read as it comes: connection closes are counted by
 * reason (numbers replaced by N, so that reasons group), anything at error level is kept.
 * @example
 * ```ts ignore
 * await using server = await ServerProcess.start();
 * console.log(server.ports.tcp, server.rssBytes());
 * ```
 */
export class ServerProcess implements AsyncDisposable {
  /** Ports from the child's READY line. */
  readonly ports: ServerPorts;
  /** Connections closed by the server, by normalized reason. */
  readonly closedBy = new Map<string, number>();
  /** The longest event-loop stall the child reported (the runner resets it per target), in ms. */
  longestStallMs = 0;
  /** The child's JavaScript heap in use, as it last reported it (every second). */
  heapUsedBytes = 0;
  /** The heap V8 has reserved for the child's JavaScript, as it last reported it. */
  heapTotalBytes = 0;
  /** Memory the child's ArrayBuffers hold outside the heap, as it last reported it. */
  externalBytes = 0;
  /** Log lines at error level (unexpected failures inside the server). */
  readonly errors: string[] = [];
  /** Resolves with the exit status once the child has exited. */
  readonly exited: Promise<Deno.CommandStatus>;
  #child: Deno.ChildProcess;
  #exitedAt: Deno.CommandStatus | null = null;
  #logDone: Promise<void>;

  private constructor(child: Deno.ChildProcess, ports: ServerPorts, stdout: AsyncIterator<string>) {
    this.#child = child;
    this.ports = ports;
    this.exited = child.status.then((s) => this.#exitedAt = s);
    this.#logDone = this.#readLog(lines(child.stderr));
    // Nothing more is expected on stdout; read it so the child never blocks on a full pipe.
    (async () => {
      while (!(await stdout.next()).done) { /* ignore */ }
    })();
  }

  /** Starts the child and waits (at most `timeoutMs`) for its READY line. */
  static async start(timeoutMs = 30_000): Promise<ServerProcess> {
    const child = new Deno.Command(Deno.execPath(), {
      // Loopback only (and the local multicast group searches are forwarded to).
      args: [
        "run",
        "--allow-net=127.0.0.1,0.0.0.0,224.0.0.128",
        "--allow-env",
        "--allow-read",
        "--allow-sys",
        "--v8-flags=--expose-gc",
        `--config=${DENO_JSON.pathname}`,
        CHILD.pathname,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout = lines(child.stdout);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    try {
      for (;;) {
        const { value, done } = await stdout.next();
        if (done) throw new Error("the fuzz server exited before READY");
        if (value.startsWith("READY ")) {
          return new ServerProcess(child, JSON.parse(value.slice(6)) as ServerPorts, stdout);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** The child's process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** True while the child has not exited. */
  get running(): boolean {
    return this.#exitedAt === null;
  }

  /** The exit status, once exited. */
  get exitStatus(): Deno.CommandStatus | null {
    return this.#exitedAt;
  }

  /**
   * The child's resident set size in bytes, from `ps` (reading /proc takes --allow-all in Deno),
   * or 0 once it has exited.
   */
  async rssBytes(): Promise<number> {
    const { stdout } = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(this.pid)] })
      .output();
    const kib = Number(new TextDecoder().decode(stdout).trim());
    return Number.isFinite(kib) ? kib * 1024 : 0;
  }

  /** Stops the child (SIGTERM) and waits for it and its log. */
  async stop(): Promise<void> {
    if (this.running) {
      try {
        this.#child.kill("SIGTERM");
      } catch {
        // exited meanwhile
      }
    }
    await this.exited;
    await this.#logDone;
  }

  /** Stops the child (`await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #readLog(log: AsyncIterable<string>): Promise<void> {
    for await (const line of log) {
      let entry: { level?: string; message?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        this.errors.push(line); // not our logger: a panic or an uncaught error
        continue;
      }
      const message = entry.message ?? "";
      if (entry.level === "error") this.errors.push(message);
      const heap = /^heap used (\d+) bytes of (\d+), external (\d+) bytes$/.exec(message);
      if (heap) [this.heapUsedBytes, this.heapTotalBytes, this.externalBytes] = heap.slice(1).map(Number);
      const stall = /^event loop stalled for (\d+) ms$/.exec(message);
      if (stall) this.longestStallMs = Math.max(this.longestStallMs, Number(stall[1]));
      const closed =
        /^(?:closed connection from \S+|connection from \S+ closed|refused connection from \S+): (.*)$/
          .exec(message);
      if (closed) {
        const reason = normalizeReason(closed[1]);
        this.closedBy.set(reason, (this.closedBy.get(reason) ?? 0) + 1);
      }
    }
  }
}

/** A close reason with its numbers and quoted details folded, so that reasons of one kind group. */
export function normalizeReason(reason: string): string {
  return reason.replace(/0x[0-9a-f]+/gi, "X").replace(/\d+/g, "N").replace(/"[^"]*"/g, '"…"').slice(0, 120);
}
