/**
 * A fuzzing peer's TCP connection to the server under test: writes bytes as given, reads and
 * discards what the server sends, and asks "have you handled everything so far?" with an ECHO
 * carrying a fresh token, answered once the server has read every earlier byte.
 *
 * @module
 */
import { Command, HEADER_SIZE } from "../../protocol/pva/header.ts";

/** How waiting for an echo ended. */
export type ProbeResult = "echoed" | "closed" | "silent";

const TOKEN_PREFIX = new TextEncoder().encode("fz-echo:");
const TOKEN_SIZE = TOKEN_PREFIX.length + 8;

/**
 * One connection to 127.0.0.1.
 * @example
 * ```ts ignore
 * const s = await ProbeSocket.connect(port);
 * await s.write(bytes);
 * const result = await s.probe(5000); // "echoed", "closed" or "silent"
 * s.close();
 * ```
 */
export class ProbeSocket {
  /** Resolves once the server has closed the connection (end of stream or reset). */
  readonly closed: Promise<void>;
  #socket: Deno.TcpConn;
  #isClosed = false;
  #tokens = 0;
  /** The token awaited and who to tell when it arrives. */
  #awaiting: { token: Uint8Array; resolve: () => void } | null = null;
  /** The last TOKEN_SIZE - 1 bytes received, so that a token split across reads is found. */
  #tail = new Uint8Array(0);

  private constructor(socket: Deno.TcpConn) {
    this.#socket = socket;
    this.closed = this.#read().finally(() => this.#isClosed = true);
  }

  /** Connects to 127.0.0.1:`port`. */
  static async connect(port: number): Promise<ProbeSocket> {
    return new ProbeSocket(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** True once the server closed the connection. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Writes all of `bytes`; false if the connection broke first. */
  async write(bytes: Uint8Array): Promise<boolean> {
    try {
      for (let off = 0; off < bytes.length;) off += await this.#socket.write(bytes.subarray(off));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends an ECHO with a fresh token (little-endian header) and waits up to `ms` for it to come
   * back, or for the server to close the connection.
   */
  async probe(ms: number): Promise<ProbeResult> {
    const token = new Uint8Array(TOKEN_SIZE);
    token.set(TOKEN_PREFIX);
    new DataView(token.buffer).setFloat64(TOKEN_PREFIX.length, ++this.#tokens);
    const echo = new Uint8Array(HEADER_SIZE + TOKEN_SIZE);
    echo.set([0xca, 2, 0, Command.ECHO]);
    new DataView(echo.buffer).setUint32(4, TOKEN_SIZE, true);
    echo.set(token, HEADER_SIZE);
    const echoed = new Promise<"echoed">((resolve) => {
      this.#awaiting = { token, resolve: () => resolve("echoed") };
    });
    if (!await this.write(echo)) return "closed";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silent = new Promise<"silent">((resolve) => timer = setTimeout(() => resolve("silent"), ms));
    try {
      return await Promise.race([echoed, this.closed.then(() => "closed" as const), silent]);
    } finally {
      clearTimeout(timer);
      this.#awaiting = null;
    }
  }

  /** Closes our end. */
  close(): void {
    try {
      this.#socket.close();
    } catch {
      // closed already
    }
  }

  async #read(): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await this.#socket.read(buf);
        if (n === null) return;
        this.#scan(buf.subarray(0, n));
      }
    } catch {
      // reset by the server or closed by us
    }
  }

  #scan(chunk: Uint8Array): void {
    const waiting = this.#awaiting;
    const joined = new Uint8Array(this.#tail.length + chunk.length);
    joined.set(this.#tail);
    joined.set(chunk, this.#tail.length);
    this.#tail = joined.slice(Math.max(0, joined.length - (TOKEN_SIZE - 1)));
    if (waiting === null) return;
    const { token } = waiting;
    for (
      let at = joined.indexOf(token[0]);
      at >= 0 && at + TOKEN_SIZE <= joined.length;
      at = joined.indexOf(token[0], at + 1)
    ) {
      let same = true;
      for (let i = 1; i < TOKEN_SIZE && same; i++) same = joined[at + i] === token[i];
      if (same) {
        this.#tail = new Uint8Array(0);
        waiting.resolve();
        return;
      }
    }
  }
}
