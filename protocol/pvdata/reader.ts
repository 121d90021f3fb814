/**
 * Bounds-checked reading of pvData primitives from untrusted bytes.
 *
 * One `DataView` and an offset serve a whole message: cheaper than a view per field.
 * Every read checks the remaining length first, so malformed input ends in a
 * `DecodeError` carrying the offset, never in a RangeError from the DataView.
 *
 * @module
 */
import { DecodeError } from "./errors.ts";
import type { FieldDesc } from "./types.ts";

/** Limits that keep a hostile peer from making the decoder allocate or recurse without bound. */
export interface DecodeLimits {
  /** Largest array (in bytes for numeric arrays, in elements otherwise). */
  maxArrayBytes: number;
  /** Longest string in bytes. */
  maxStringBytes: number;
  /** Deepest nesting of types and values. */
  maxDepth: number;
  /** Most members of one structure or union. */
  maxMembers: number;
}

/** Defaults: generous for detector frames (1 GiB arrays), strict on nesting (pvxs refuses > 20). */
export const DEFAULT_LIMITS: Readonly<DecodeLimits> = {
  maxArrayBytes: 1 << 30,
  maxStringBytes: 1 << 24,
  maxDepth: 20,
  maxMembers: 65536,
};

/** A per-connection, per-direction introspection cache: key → type. */
export type TypeCache = Map<number, FieldDesc>;

/** A {@link BoundedTypeCache} refused an entry. */
export class TypeCacheFullError extends RangeError {
  /**
   * An error for one refused entry.
   * @param message which entry and the limit
   */
  constructor(message: string) {
    super(message);
    this.name = "TypeCacheFullError";
  }
}

/**
 * A type cache holding at most `maxFields` field descriptions in all its entries, counting
 * each member of each entry: a peer can define 65,536 keys, each a structure of 65,535
 * members, and nothing else bounds what it makes us keep.
 *
 * @example
 * ```ts
 * import { BoundedTypeCache } from "./reader.ts";
 * const cache = new BoundedTypeCache(2);
 * cache.set(1, { kind: "scalar", type: "int32" });
 * cache.fieldCount; // 1
 * ```
 */
export class BoundedTypeCache extends Map<number, FieldDesc> {
  /** Most field descriptions held. */
  readonly maxFields: number;
  #fields = 0;
  #sizes = new Map<number, number>();

  /**
   * An empty cache.
   * @param maxFields most field descriptions held across entries
   */
  constructor(maxFields: number) {
    super();
    this.maxFields = maxFields;
  }

  /** Field descriptions held now. */
  get fieldCount(): number {
    return this.#fields;
  }

  /**
   * Stores `type` under `key`, replacing what was there.
   * @throws {TypeCacheFullError} when the cache would hold more than `maxFields` descriptions
   */
  override set(key: number, type: FieldDesc): this {
    const replaced = this.#sizes.get(key) ?? 0;
    const room = this.maxFields - this.#fields + replaced;
    const n = countFields(type, room + 1);
    if (n > room) {
      throw new TypeCacheFullError(
        `type cache key ${key} would hold more than ${this.maxFields} field descriptions in all`,
      );
    }
    this.#fields += n - replaced;
    this.#sizes.set(key, n);
    return super.set(key, type);
  }

  /** Removes one entry. */
  override delete(key: number): boolean {
    this.#fields -= this.#sizes.get(key) ?? 0;
    this.#sizes.delete(key);
    return super.delete(key);
  }

  /** Removes every entry. */
  override clear(): void {
    this.#fields = 0;
    this.#sizes.clear();
    super.clear();
  }
}

/**
 * Field descriptions in `type`, itself included, counted up to `stop`: types built from
 * cache references share subtrees, so a naive count could run exponentially long. Every
 * description waiting in `todo` counts at least one, so the walk ends once that reaches `stop`.
 */
function countFields(type: FieldDesc, stop: number): number {
  let n = 0;
  const todo: FieldDesc[] = [type];
  while (todo.length > 0) {
    const t = todo.pop()!;
    n++;
    const members = t.kind === "structure" || t.kind === "union"
      ? t.fields.map((m) => m.type)
      : t.kind === "structureArray" || t.kind === "unionArray"
      ? [t.element]
      : [];
    if (n + todo.length + members.length >= stop) return stop;
    todo.push(...members);
  }
  return n;
}

/** Options for a {@link Reader}. */
export interface ReaderOptions {
  /** Size limits; defaults to {@link DEFAULT_LIMITS}. */
  limits?: Partial<DecodeLimits>;
  /** The receive-side type cache of the connection (0xFD/0xFE); a private one if left out. */
  typeCache?: TypeCache;
}

const textDecoder = new TextDecoder();

/**
 * A cursor over bytes in one byte order.
 *
 * @example
 * ```ts
 * import { Reader } from "./reader.ts";
 * const r = new Reader(new Uint8Array([3, 0x61, 0x62, 0x63]), true);
 * r.string(); // "abc"
 * ```
 */
export class Reader {
  /** The whole buffer being read. */
  readonly bytes: Uint8Array;
  /** A view over {@link bytes}. */
  readonly view: DataView;
  /** True when multi-byte numbers are little-endian. */
  readonly littleEndian: boolean;
  /** Active limits. */
  readonly limits: DecodeLimits;
  /** Receive type cache. */
  readonly typeCache: TypeCache;
  /** Next byte to read. */
  offset = 0;
  /** Current nesting depth (maintained by type and value decoders). */
  depth = 0;

  /**
   * Starts reading at offset 0 of `bytes`.
   * @param bytes the buffer (a view; it is not copied)
   * @param littleEndian byte order of multi-byte numbers
   * @param options limits and type cache
   */
  constructor(bytes: Uint8Array, littleEndian: boolean, options: ReaderOptions = {}) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.littleEndian = littleEndian;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.typeCache = options.typeCache ?? new Map();
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Throws a {@link DecodeError} at the current offset. */
  fail(reason: string): never {
    throw new DecodeError(this.offset, reason);
  }

  /** Ensures `n` more bytes are present. */
  need(n: number): void {
    if (n > this.bytes.length - this.offset) {
      this.fail(`need ${n} bytes, ${this.bytes.length - this.offset} left`);
    }
  }

  /** Enters one nesting level, failing past the depth limit. */
  enter(): void {
    if (++this.depth > this.limits.maxDepth) this.fail(`nesting deeper than ${this.limits.maxDepth}`);
  }

  /** Leaves one nesting level. */
  leave(): void {
    this.depth--;
  }

  /** Reads an unsigned byte. */
  u8(): number {
    this.need(1);
    return this.bytes[this.offset++];
  }

  /** Reads a signed byte. */
  i8(): number {
    this.need(1);
    return this.view.getInt8(this.offset++);
  }

  /** Reads a uint16. */
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, this.littleEndian);
    this.offset += 2;
    return v;
  }

  /** Reads an int16. */
  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.offset, this.littleEndian);
    this.offset += 2;
    return v;
  }

  /** Reads a uint32. */
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  /** Reads an int32. */
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  /** Reads an int64 as bigint. */
  i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  /** Reads a uint64 as bigint. */
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  /** Reads a float32. */
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  /** Reads a float64. */
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  /** Reads a Size; returns -1 for the null marker 0xFF. */
  size(): number {
    const b = this.u8();
    if (b < 0xfe) return b;
    if (b === 0xff) return -1;
    return this.u32();
  }

  /** Reads a Size that must not be null and must not exceed `max`. */
  count(max: number, what: string): number {
    const at = this.offset;
    const n = this.size();
    if (n < 0) throw new DecodeError(at, `null size where a ${what} count was expected`);
    if (n > max) throw new DecodeError(at, `${what} count ${n} exceeds the limit ${max}`);
    return n;
  }

  /** Returns a view of the next `n` bytes and skips them. */
  take(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** Reads a String (Size + UTF-8); the null marker reads as "". */
  string(): string {
    const at = this.offset;
    const n = this.size();
    if (n <= 0) return "";
    if (n > this.limits.maxStringBytes) {
      throw new DecodeError(at, `string of ${n} bytes exceeds the limit ${this.limits.maxStringBytes}`);
    }
    const b = this.take(n);
    if (n <= 32) {
      // Short ASCII: a loop is several times faster than TextDecoder.
      let s = "";
      for (let i = 0; i < n; i++) {
        const c = b[i];
        if (c > 0x7f) return textDecoder.decode(b);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return textDecoder.decode(b);
  }
}
