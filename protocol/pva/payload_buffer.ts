/**
 * The buffer one received payload is assembled in: read straight from the socket or copied from
 * the read buffer, whole or segment after segment, so that a payload is never copied twice.
 *
 * It never holds much more than the peer has sent: it starts at what is at hand (a segmented
 * payload at the size of the previous one, which the peer did send; or a recycled buffer from a
 * {@link PayloadPool}) and grows fourfold as bytes arrive, so a peer that declares a large message
 * and stalls costs at most a few times what it has sent. Growing copies (`transfer()` reallocates)
 * and fresh pages fault in one by one: both showed in the consumer's profile at 4096x4096.
 *
 * @module
 */
import type { PayloadPool } from "./payload_pool.ts";

/** First capacity of a payload whose bytes are mostly still to come. */
const FIRST_GROWTH = 1024 * 1024;
/** Least capacity of a segmented payload (its first segment may be small). */
const MIN_CAPACITY = 16 * 1024;

/** How a {@link PayloadBuffer} starts. */
export interface PayloadBufferOptions {
  /** Bytes (0-7) left in front of the payload so that an array inside it can start aligned. */
  shift: number;
  /** The payload's size when one message carries it whole; absent for a segmented one. */
  size?: number;
  /** Bytes of it at hand already (they are appended next). */
  atHand: number;
  /** A segmented payload's likely size: the previous segmented payload's from this peer. */
  expected?: number;
  /** Where a recycled buffer may come from. */
  pool?: PayloadPool;
}

/**
 * One payload being received.
 *
 * @example
 * ```ts
 * import { PayloadBuffer } from "./payload_buffer.ts";
 * const p = new PayloadBuffer({ shift: 4, size: 6, atHand: 2 });
 * p.append(new Uint8Array([1, 2]));
 * p.room(6).set([3, 4, 5, 6]); // as a socket read would fill it
 * p.advance(4);
 * const payload = p.finish(); // Uint8Array [1, 2, 3, 4, 5, 6], 4 bytes into its buffer
 * ```
 */
export class PayloadBuffer {
  readonly #shift: number;
  readonly #size: number | undefined;
  #bytes: Uint8Array;
  #length = 0;

  /** @param opts the shift, the size when known, the bytes at hand and the pool */
  constructor({ shift, size, atHand, expected = 0, pool }: PayloadBufferOptions) {
    this.#shift = shift;
    this.#size = size;
    const wanted = size === undefined
      ? Math.max(MIN_CAPACITY, atHand * 4, expected)
      : Math.min(size, Math.max(FIRST_GROWTH, atHand * 4));
    // A recycled buffer costs nothing new: one that holds the whole payload (or, segmented, the
    // likely size), without being so large that a small payload would tie it up.
    const need = shift + (size ?? wanted);
    const buffer = pool?.take(need, 4 * need) ?? new ArrayBuffer(shift + wanted);
    this.#bytes = new Uint8Array(buffer, shift, buffer.byteLength - shift);
  }

  /** Bytes received so far. */
  get length(): number {
    return this.#length;
  }

  /** Appends bytes that have arrived (from the read buffer). */
  append(bytes: Uint8Array): void {
    if (this.#length + bytes.length > this.#bytes.length) this.#grow(this.#length + bytes.length);
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /**
   * Where the next socket read goes: free space up to `end` (the end of the current message or
   * segment), grown when full. Follow it with {@link advance}.
   */
  room(end: number): Uint8Array {
    if (this.#length === this.#bytes.length) this.#grow(this.#length + 1);
    return this.#bytes.subarray(this.#length, Math.min(this.#bytes.length, end));
  }

  /** Counts `n` bytes read into {@link room}. */
  advance(n: number): void {
    this.#length += n;
  }

  /**
   * The payload. A segmented payload that did not fill its buffer is cut to size (a copy, but
   * once: the next one of the same size then fits its buffer, or the recycled one, exactly).
   */
  finish(): Uint8Array {
    if (this.#size === undefined && this.#bytes.length > this.#length) {
      const buffer = (this.#bytes.buffer as ArrayBuffer).transfer(this.#shift + this.#length);
      this.#bytes = new Uint8Array(buffer, this.#shift, this.#length);
    }
    return this.#bytes.subarray(0, this.#length);
  }

  /** At least `need` bytes of capacity: fourfold growth, the whole size once it is near. */
  #grow(need: number): void {
    let capacity = Math.max(need, this.#bytes.length * 4);
    if (this.#size !== undefined) capacity = this.#bytes.length * 8 >= this.#size ? this.#size : capacity;
    // transfer() may grow the allocation in place; measured no slower than one exact allocation.
    const buffer = (this.#bytes.buffer as ArrayBuffer).transfer(this.#shift + capacity);
    this.#bytes = new Uint8Array(buffer, this.#shift, capacity);
  }
}
