/**
 * What the hardening tests share: a peer that skips the handshake and writes whatever bytes a
 * test gives it, a logger that keeps its lines, and the check that a well-behaved client is
 * still served while an attack runs.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger, type Logger } from "../../../protocol/log.ts";
import { encodeMessage } from "../../../protocol/pva/frame.ts";
import type { PvaServer } from "../../../protocol/pva/server/mod.ts";
import type { Writer } from "../../../protocol/pvdata/writer.ts";
import { clientOf } from "../server/harness.ts";

/** A raw TCP peer of a server on 127.0.0.1 that sends bytes as given and never validates. */
export class RawSocket {
  /** Resolves once the server has closed the connection (end of stream or reset). */
  readonly closed: Promise<void>;
  readonly #socket: Deno.TcpConn;

  private constructor(socket: Deno.TcpConn) {
    this.#socket = socket;
    this.closed = this.#drain();
  }

  /** Connects to 127.0.0.1:`port`. */
  static async connect(port: number): Promise<RawSocket> {
    return new RawSocket(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Writes `bytes` (all of them, or until the server closes). */
  async write(bytes: Uint8Array): Promise<void> {
    try {
      for (let off = 0; off < bytes.length;) off += await this.#socket.write(bytes.subarray(off));
    } catch {
      // The server closed the connection: what the tests expect of many attacks.
    }
  }

  /** Writes one application message from a client. */
  send(command: number, body: (w: Writer) => void): Promise<void> {
    return this.write(messageBytes(command, body));
  }

  /** True if the server closes the connection within `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
    try {
      return await Promise.race([this.closed.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes our end. */
  close(): void {
    try {
      this.#socket.close();
    } catch {
      // Already closed.
    }
  }

  /** Reads and discards what the server sends, until it closes. */
  async #drain(): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (await this.#socket.read(buf) !== null) { /* discard */ }
    } catch {
      // Reset by the server, or closed by us.
    }
  }
}

/** One client application message as a single byte array. */
export function messageBytes(command: number, body: (w: Writer) => void): Uint8Array {
  const chunks = encodeMessage(command, "client", true, body);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((o, c) => (out.set(c, o), o + c.length), 0);
  return out;
}

/** A logger that keeps every line (debug and up) for a test to inspect. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: "debug", write: (l) => lines.push(l) }), lines };
}

/** Asserts that some line mentions every one of `words`. */
export function assertLogged(lines: string[], ...words: string[]): void {
  assert.ok(
    lines.some((l) => words.every((w) => l.includes(w))),
    `no log line mentions ${words.join(" and ")}:\n${lines.join("\n")}`,
  );
}

/** Asserts that a fresh client reads `name` from `server` within `ms` and gets `value`. */
export async function assertServed(
  server: PvaServer,
  name: string,
  value: unknown,
  ms = 3000,
): Promise<void> {
  const client = clientOf(server);
  try {
    const got = await client.get(name, { timeout: ms });
    assert.equal(got.value.value, value, `a get of ${name} while under attack`);
  } finally {
    client.close();
  }
}
