/**
 * Bitshuffle + LZ4 streams (`bshuf_compress_lz4`), areaDetector's "bslz4" codec: blocks of
 * `blockSize` elements, each bitshuffled and LZ4-compressed behind its compressed size
 * (uint32 big-endian); then a last block of the remaining whole groups of 8 elements; then the
 * last n % 8 elements as they are. ADCore's NDPluginCodec writes the stream bare with the
 * default block size (8192 bytes / element size, a multiple of 8, at least 128). The HDF5
 * filter and bsread put a 12-byte header in front (total bytes as uint64 BE, block bytes as
 * uint32 BE); decoding accepts both.
 *
 * @module
 */
import { bitShuffle, bitUnshuffle } from "./bitshuffle.ts";
import { CodecError } from "./errors.ts";
import { decodeLz4Block, lz4BlockBound, Lz4Encoder } from "./lz4.ts";

const CODEC = "bslz4";
const HEADER_BYTES = 12;

/**
 * Bitshuffle's default block size in elements for `elemSize`-byte elements
 * (`bshuf_default_block_size`): 8192 bytes' worth, rounded down to a multiple of 8, at least 128.
 * @param elemSize bytes per element
 * @example
 * ```ts
 * import { bslz4BlockSize } from "./bslz4.ts";
 * bslz4BlockSize(2); // 4096
 * ```
 */
export function bslz4BlockSize(elemSize: number): number {
  return Math.max(Math.floor(8192 / elemSize / 8) * 8, 128);
}

/** Options of {@link encodeBslz4}. */
export interface Bslz4EncodeOptions {
  /** Write the 12-byte header of the HDF5 filter in front. Default false (ADCore's form). */
  header?: boolean;
}

/**
 * Decodes a bitshuffle/LZ4 stream of `dst.length / elemSize` elements into `dst`, with or
 * without the 12-byte header (told apart by its first word: a header's total size has no high
 * 32 bits set, a bare stream starts with the non-zero size of its first block).
 * @param src the compressed bytes
 * @param dst receives exactly the uncompressed bytes; its length is the uncompressed size
 * @param elemSize bytes per element
 * @throws {CodecError} on truncated input, sizes that disagree, a bad block or trailing bytes
 * @example
 * ```ts
 * import { decodeBslz4, encodeBslz4 } from "./bslz4.ts";
 * const data = new Uint16Array(5000).map((_, i) => i & 255);
 * const out = new Uint16Array(5000);
 * decodeBslz4(encodeBslz4(new Uint8Array(data.buffer), 2), new Uint8Array(out.buffer), 2);
 * ```
 */
export function decodeBslz4(src: Uint8Array, dst: Uint8Array, elemSize: number): void {
  const total = dst.length;
  if (total % elemSize !== 0) {
    throw new CodecError(
      CODEC,
      `uncompressed size ${total} is not a multiple of the element size ${elemSize}`,
    );
  }
  const n = total / elemSize;
  const view = new DataView(src.buffer, src.byteOffset, src.length);
  let blockSize = bslz4BlockSize(elemSize);
  let s = 0;
  if (hasHeader(view, n, total)) {
    const declared = view.getUint32(4);
    if (declared !== total) {
      throw new CodecError(CODEC, `header says ${declared} bytes, the frame ${total}`);
    }
    const blockBytes = view.getUint32(8);
    blockSize = blockBytes / elemSize;
    if (!Number.isInteger(blockSize) || blockSize === 0 || blockSize % 8 !== 0) {
      throw new CodecError(CODEC, `header block size ${blockBytes} bytes is not a multiple of 8 elements`);
    }
    s = HEADER_BYTES;
  }
  const scratch = new Uint8Array(Math.min(blockSize, n - n % 8) * elemSize);
  let done = 0;
  while (n - done >= 8) {
    const count = Math.min(blockSize, n - done - (n - done) % 8);
    const bytes = count * elemSize;
    if (src.length - s < 4) throw new CodecError(CODEC, `truncated before the block at element ${done}`);
    const size = view.getUint32(s);
    s += 4;
    if (size > src.length - s) {
      throw new CodecError(CODEC, `block at element ${done} says ${size} bytes, ${src.length - s} remain`);
    }
    const block = scratch.subarray(0, bytes);
    const got = decodeLz4Block(src.subarray(s, s + size), block, CODEC);
    if (got !== bytes) {
      throw new CodecError(CODEC, `block at element ${done} decoded to ${got} bytes, expected ${bytes}`);
    }
    bitUnshuffle(block, dst.subarray(done * elemSize, done * elemSize + bytes), elemSize);
    s += size;
    done += count;
  }
  const rest = (n - done) * elemSize;
  if (src.length - s !== rest) {
    throw new CodecError(CODEC, `${src.length - s} bytes after the last block, expected ${rest}`);
  }
  dst.set(src.subarray(s), done * elemSize);
}

function hasHeader(view: DataView, n: number, total: number): boolean {
  if (view.byteLength < HEADER_BYTES || view.getUint32(0) !== 0) return false;
  // With fewer than 8 elements a bare stream is the raw bytes, which may start with zeros.
  return n >= 8 || view.byteLength === total + HEADER_BYTES;
}

/**
 * Bitshuffles and LZ4-compresses `src` (whole elements) with the default block size, as
 * ADCore's NDPluginCodec does.
 * @param src the uncompressed bytes
 * @param elemSize bytes per element
 * @param options whether to write the 12-byte HDF5-filter header
 * @returns the compressed bytes (a view of a buffer sized for the worst case)
 * @throws {CodecError} when `src` is not a whole number of elements
 * @example
 * ```ts
 * import { encodeBslz4 } from "./bslz4.ts";
 * encodeBslz4(new Uint8Array(new Uint32Array(1024).buffer), 4).length < 100; // true
 * ```
 */
export function encodeBslz4(src: Uint8Array, elemSize: number, options: Bslz4EncodeOptions = {}): Uint8Array {
  const total = src.length;
  if (total % elemSize !== 0) {
    throw new CodecError(CODEC, `${total} bytes are not a whole number of ${elemSize}-byte elements`);
  }
  const n = total / elemSize;
  const blockSize = bslz4BlockSize(elemSize);
  const blockBytes = blockSize * elemSize;
  const blocks = Math.ceil(n / blockSize);
  const dst = new Uint8Array(HEADER_BYTES + blocks * (4 + lz4BlockBound(blockBytes)) + 8 * elemSize);
  const view = new DataView(dst.buffer);
  let o = 0;
  if (options.header) {
    view.setBigUint64(0, BigInt(total));
    view.setUint32(8, blockBytes);
    o = HEADER_BYTES;
  }
  const encoder = new Lz4Encoder();
  const scratch = new Uint8Array(Math.min(blockSize, n - n % 8) * elemSize);
  let done = 0;
  while (n - done >= 8) {
    const count = Math.min(blockSize, n - done - (n - done) % 8);
    const bytes = count * elemSize;
    const block = scratch.subarray(0, bytes);
    bitShuffle(src.subarray(done * elemSize, done * elemSize + bytes), block, elemSize);
    const size = encoder.encode(block, dst.subarray(o + 4, o + 4 + lz4BlockBound(bytes)));
    view.setUint32(o, size);
    o += 4 + size;
    done += count;
  }
  dst.set(src.subarray(done * elemSize), o);
  return dst.subarray(0, o + (n - done) * elemSize);
}
