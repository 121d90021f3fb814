/**
 * Buffers of received payloads that their owner has finished with, kept to receive later large
 * payloads: a 16 MiB frame read into a fresh buffer costs its page faults (and, grown as the
 * bytes arrive, its reallocations) every time; read into a recycled one, neither.
 *
 * The pool only ever holds memory we already had, so reading into it is no allocation a peer
 * can cause by declaring a size: the rule of {@link MessageStream} stands.
 *
 * @module
 */

/** Options of a {@link PayloadPool}. */
export interface PayloadPoolOptions {
  /** Buffers kept at most; a buffer recycled beyond that frees the oldest (default 4). */
  maxBuffers?: number;
  /** Smaller buffers are not worth keeping: they are left to the garbage collector (default 16 KiB). */
  minBytes?: number;
}

/**
 * A small pool of payload buffers, shared by the connections of one client.
 *
 * @example
 * ```ts
 * import { PayloadPool } from "./payload_pool.ts";
 * const pool = new PayloadPool({ maxBuffers: 2 });
 * const frame = new ArrayBuffer(1 << 20);
 * pool.recycle(frame); // frame is detached now: nobody can see what is read into it later
 * pool.take(1 << 20, 4 << 20)?.byteLength; // 1048576
 * pool.take(1 << 20, 4 << 20); // undefined: taken already
 * ```
 */
export class PayloadPool {
  readonly #buffers: ArrayBuffer[] = [];
  readonly #maxBuffers: number;
  readonly #minBytes: number;

  /** @param opts how many buffers to keep, and how small a buffer is not worth keeping */
  constructor({ maxBuffers = 4, minBytes = 16 * 1024 }: PayloadPoolOptions = {}) {
    this.#maxBuffers = maxBuffers;
    this.#minBytes = minBytes;
  }

  /** Buffers held now. */
  get size(): number {
    return this.#buffers.length;
  }

  /**
   * Takes over `buffer` for a later payload. It is moved (`transfer()`): the caller's buffer and
   * every view onto it are detached, so no stale view can see the bytes read into it later. A
   * full pool frees its oldest buffer at once rather than leaving it to the garbage collector.
   * @param buffer a buffer nothing else needs any more (detached or small ones are ignored)
   */
  recycle(buffer: ArrayBuffer): void {
    if (buffer.detached || buffer.resizable || buffer.byteLength < this.#minBytes) return;
    this.#buffers.push(buffer.transfer());
    if (this.#buffers.length > this.#maxBuffers) this.#buffers.shift()!.transfer(0);
  }

  /**
   * The most recently recycled buffer of `minBytes` to `maxBytes` bytes, removed from the pool;
   * undefined when there is none.
   * @param minBytes the least the buffer must hold
   * @param maxBytes the most it may hold (a buffer far larger than a payload would be tied up by it)
   */
  take(minBytes: number, maxBytes: number): ArrayBuffer | undefined {
    for (let i = this.#buffers.length - 1; i >= 0; i--) {
      const n = this.#buffers[i].byteLength;
      if (n >= minBytes && n <= maxBytes) return this.#buffers.splice(i, 1)[0];
    }
    return undefined;
  }
}
