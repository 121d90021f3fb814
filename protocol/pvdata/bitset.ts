/**
 * BitSet: which fields of a structure a partial value carries.
 *
 * On the wire: a Size N (bytes), then N/8 64-bit words in the message byte order, then the
 * N%8 remaining bytes least-significant first. Below 8 bytes both byte orders agree; from
 * 8 bytes on, a big-endian message reverses each full word.
 *
 * @module
 */
import type { Reader } from "./reader.ts";
import type { Writer } from "./writer.ts";

/**
 * A growable set of non-negative integers.
 *
 * @example
 * ```ts
 * import { BitSet } from "./bitset.ts";
 * const b = BitSet.of(0, 7);
 * b.has(7); // true
 * [...b]; // [0, 7]
 * ```
 */
export class BitSet implements Iterable<number> {
  /**
   * Bit i is bit (i % 8) of byte i / 8. A plain array, not a Uint8Array: several sets are made
   * per monitor update, and a typed array costs ten times as much to allocate.
   */
  private bits: number[];

  /**
   * An empty set; it grows as bits are added.
   * @param capacityBits initial capacity in bits, to avoid regrowing for known sizes
   */
  constructor(capacityBits = 64) {
    this.bits = new Array<number>(Math.max(1, Math.ceil(capacityBits / 8))).fill(0);
  }

  /** A set holding the given bits. */
  static of(...indices: number[]): BitSet {
    const b = new BitSet();
    for (const i of indices) b.set(i);
    return b;
  }

  /** A set of bits [from, to). */
  static range(from: number, to: number): BitSet {
    const b = new BitSet(to);
    b.setRange(from, to);
    return b;
  }

  /** Adds bit i. */
  set(i: number): this {
    const byte = i >>> 3;
    this.grow(byte + 1);
    this.bits[byte] |= 1 << (i & 7);
    return this;
  }

  /** Ensures room for `bytes` bytes, at least doubling so repeated `set` stays amortised O(1). */
  private grow(bytes: number): void {
    if (bytes <= this.bits.length) return;
    const from = this.bits.length;
    this.bits.length = Math.max(bytes, from * 2);
    this.bits.fill(0, from);
  }

  /** Adds bits [from, to). */
  setRange(from: number, to: number): this {
    for (let i = from; i < to; i++) this.set(i);
    return this;
  }

  /** Removes bits [from, to). */
  clearRange(from: number, to: number): this {
    for (let i = this.nextSetBit(from); i >= 0 && i < to; i = this.nextSetBit(i + 1)) this.clear(i);
    return this;
  }

  /** Removes bit i. */
  clear(i: number): this {
    const byte = i >>> 3;
    if (byte < this.bits.length) this.bits[byte] &= ~(1 << (i & 7));
    return this;
  }

  /** True when bit i is set. */
  has(i: number): boolean {
    const byte = i >>> 3;
    return byte < this.bits.length && (this.bits[byte] & (1 << (i & 7))) !== 0;
  }

  /** True when any bit in [from, to) is set. */
  anyInRange(from: number, to: number): boolean {
    for (let i = this.nextSetBit(from); i >= 0 && i < to; i = this.nextSetBit(i + 1)) return true;
    return false;
  }

  /** The lowest set bit >= from, or -1. */
  nextSetBit(from: number): number {
    let byte = from >>> 3;
    if (byte >= this.bits.length) return -1;
    let b = this.bits[byte] & (0xff << (from & 7));
    while (b === 0) {
      if (++byte >= this.bits.length) return -1;
      b = this.bits[byte];
    }
    return byte * 8 + (31 - Math.clz32(b & -b));
  }

  /** True when no bit is set. */
  isEmpty(): boolean {
    return this.nextSetBit(0) < 0;
  }

  /** Adds every bit of `other`. */
  or(other: BitSet): this {
    const n = other.bits.length;
    this.grow(n);
    for (let i = 0; i < n; i++) this.bits[i] |= other.bits[i];
    return this;
  }

  /** Keeps only bits also in `other`. */
  and(other: BitSet): this {
    for (let i = 0; i < this.bits.length; i++) this.bits[i] &= other.bits[i] ?? 0;
    return this;
  }

  /** Removes every bit. */
  clearAll(): this {
    this.bits.fill(0);
    return this;
  }

  /** A copy. */
  clone(): BitSet {
    const b = new BitSet(0);
    b.bits = this.bits.slice();
    return b;
  }

  /** Set bits in increasing order. */
  *[Symbol.iterator](): Iterator<number> {
    for (let i = this.nextSetBit(0); i >= 0; i = this.nextSetBit(i + 1)) yield i;
  }

  /** Equal membership. */
  equals(other: BitSet): boolean {
    const n = Math.max(this.bits.length, other.bits.length);
    for (let i = 0; i < n; i++) if ((this.bits[i] ?? 0) !== (other.bits[i] ?? 0)) return false;
    return true;
  }

  /** Number of bytes the trimmed wire form carries. */
  private usedBytes(): number {
    let n = this.bits.length;
    while (n > 0 && this.bits[n - 1] === 0) n--;
    return n;
  }

  /** Writes the wire form (trailing zero bytes trimmed). */
  write(w: Writer): void {
    const n = this.usedBytes();
    w.size(n);
    const words = n >>> 3;
    // A big-endian message reverses each full 8-byte word: byte i goes out at i ^ 7.
    const flip = w.littleEndian ? 0 : 7;
    for (let i = 0; i < words * 8; i++) w.u8(this.bits[i ^ flip]);
    for (let i = words * 8; i < n; i++) w.u8(this.bits[i]);
  }

  /** Reads the wire form. */
  static read(r: Reader): BitSet {
    const n = r.count(r.limits.maxArrayBytes, "bitset byte");
    r.need(n); // before allocating: a declared size is not yet bytes that came
    const b = new BitSet(n * 8);
    const words = n >>> 3;
    const flip = r.littleEndian ? 0 : 7;
    for (let i = 0; i < words * 8; i++) b.bits[i ^ flip] = r.u8();
    for (let i = words * 8; i < n; i++) b.bits[i] = r.u8();
    return b;
  }
}
