/**
 * Appending pvData primitives to a growable buffer.
 *
 * Large byte runs (detector frames) can be appended by reference instead of copied: the
 * writer then yields a list of chunks that a socket writes one after another, so encoding
 * a 16 MiB frame copies none of its payload.
 *
 * @module
 */

/** Byte runs at least this long are kept by reference by {@link Writer.bytes} with `share`. */
export const SHARE_THRESHOLD = 64 * 1024;

const textEncoder = new TextEncoder();

/**
 * An append-only encoder in one byte order.
 *
 * @example
 * ```ts
 * import { Writer } from "./writer.ts";
 * const w = new Writer(true);
 * w.string("abc");
 * w.toBytes(); // Uint8Array [3, 97, 98, 99]
 * ```
 */
export class Writer {
  /** True when multi-byte numbers are written little-endian. */
  readonly littleEndian: boolean;
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;
  private done: Uint8Array[] = [];
  private doneLength = 0;

  /**
   * An empty output; the buffer grows as needed.
   * @param littleEndian byte order of multi-byte numbers
   * @param capacity initial buffer size in bytes
   */
  constructor(littleEndian: boolean, capacity = 256) {
    this.littleEndian = littleEndian;
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.doneLength + this.pos;
  }

  /** Makes room for `n` more bytes, at least doubling the buffer to keep appends amortised O(1). */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Writes an unsigned byte. */
  u8(v: number): void {
    this.reserve(1);
    this.buf[this.pos++] = v;
  }

  /** Writes a signed byte. */
  i8(v: number): void {
    this.reserve(1);
    this.view.setInt8(this.pos++, v);
  }

  /** Writes a uint16. */
  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.pos, v, this.littleEndian);
    this.pos += 2;
  }

  /** Writes an int16. */
  i16(v: number): void {
    this.reserve(2);
    this.view.setInt16(this.pos, v, this.littleEndian);
    this.pos += 2;
  }

  /** Writes a uint32. */
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.pos, v, this.littleEndian);
    this.pos += 4;
  }

  /** Writes an int32. */
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.pos, v, this.littleEndian);
    this.pos += 4;
  }

  /** Writes an int64. */
  i64(v: bigint): void {
    this.reserve(8);
    this.view.setBigInt64(this.pos, v, this.littleEndian);
    this.pos += 8;
  }

  /** Writes a uint64. */
  u64(v: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.pos, v, this.littleEndian);
    this.pos += 8;
  }

  /** Writes a float32. */
  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.pos, v, this.littleEndian);
    this.pos += 4;
  }

  /** Writes a float64. */
  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.pos, v, this.littleEndian);
    this.pos += 8;
  }

  /** Writes a Size; -1 writes the null marker 0xFF. */
  size(n: number): void {
    if (n < 0) this.u8(0xff);
    else if (n < 0xfe) this.u8(n);
    else {
      this.u8(0xfe);
      this.u32(n);
    }
  }

  /** Writes a String (Size + UTF-8 bytes). */
  string(s: string): void {
    const n = s.length;
    if (n < 0xfe) {
      // Pure ASCII is the common case (field names, ids): write it without TextEncoder.
      this.reserve(n + 1);
      let ascii = true;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) {
          ascii = false;
          break;
        }
        this.buf[this.pos + 1 + i] = c;
      }
      if (ascii) {
        this.buf[this.pos] = n;
        this.pos += n + 1;
        return;
      }
    }
    const b = textEncoder.encode(s);
    this.size(b.length);
    this.bytes(b);
  }

  /**
   * Appends raw bytes. With `share`, runs of at least {@link SHARE_THRESHOLD} bytes are kept
   * by reference (the caller must not change them until the output is written).
   */
  bytes(b: Uint8Array, share = false): void {
    if (share && b.length >= SHARE_THRESHOLD) {
      this.flushBuffer();
      this.done.push(b);
      this.doneLength += b.length;
      return;
    }
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Closes the current chunk so a shared run can follow it; the rest of the buffer is reused. */
  private flushBuffer(): void {
    if (this.pos === 0) return;
    this.done.push(this.buf.subarray(0, this.pos));
    this.doneLength += this.pos;
    this.buf = this.buf.subarray(this.pos);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = 0;
  }

  /** The output as chunks, in order (no copy of shared runs). */
  chunks(): Uint8Array[] {
    return this.pos === 0 ? [...this.done] : [...this.done, this.buf.subarray(0, this.pos)];
  }

  /** The output as one contiguous array (copies only if shared runs were appended). */
  toBytes(): Uint8Array {
    return concatBytes(this.chunks());
  }
}

/**
 * The parts as one array: the part itself when there is one, else one copy of each.
 * @example
 * ```ts
 * import { concatBytes } from "./writer.ts";
 * concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)]); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
