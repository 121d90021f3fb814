/**
 * Blosc 1 containers written as c-blosc 1.x writes them with the LZ4 compressor and the byte
 * shuffle (what areaDetector's "blosc" codec sends with `BloscCompressor=LZ4`,
 * `BloscShuffle=Byte`): the 16-byte header, one start offset per block, then each block byte
 * shuffled and LZ4-compressed as one stream (the "don't split" flag), or stored as it is when
 * LZ4 would not make it smaller. A container that would not be smaller than its data is written
 * "memcpyed": the header, then the data.
 *
 * @module
 */
import {
  CODEC,
  COMPRESSORS,
  DO_SHUFFLE,
  DONT_SPLIT,
  FORMAT_VERSION,
  HEADER_BYTES,
  MEMCPYED,
} from "./blosc_format.ts";
import { CodecError } from "./errors.ts";
import { lz4BlockBound, Lz4Encoder } from "./lz4.ts";
import { byteShuffle } from "./shuffle.ts";

const LZ4_FORMAT_VERSION = 1;
const LZ4_CODE = COMPRESSORS.indexOf("lz4");
/** c-blosc's BLOSC_MAX_BUFFERSIZE: the most bytes one container holds. */
const MAX_BYTES = 2 ** 31 - 1 - HEADER_BYTES;
/** Uncompressed bytes per block: a few L2-cache-sized blocks per megabyte, as c-blosc chooses for LZ4. */
const DEFAULT_BLOCK_BYTES = 64 * 1024;

/** Options of {@link encodeBlosc}. */
export interface BloscEncodeOptions {
  /** Uncompressed bytes per block, rounded down to whole elements (default 64 KiB). */
  blockBytes?: number;
}

/**
 * Compresses `src` into one Blosc container (LZ4, byte shuffle over `typeSize`-byte elements).
 * @param src the bytes
 * @param typeSize bytes per element (1-255), the shuffle's unit
 * @param options the block size
 * @throws {CodecError} when `src` is larger than a container holds or typeSize is out of range
 * @example
 * ```ts
 * import { decodeBlosc, encodeBlosc } from "./mod.ts";
 * const data = new Uint8Array(new Uint16Array(4096).map((_, i) => i % 100).buffer);
 * const packed = encodeBlosc(data, 2);
 * const back = new Uint8Array(data.length);
 * decodeBlosc(packed, back); // back equals data
 * ```
 */
export function encodeBlosc(src: Uint8Array, typeSize: number, options: BloscEncodeOptions = {}): Uint8Array {
  const nbytes = src.length;
  if (nbytes > MAX_BYTES) throw new CodecError(CODEC, `${nbytes} bytes exceed a container's ${MAX_BYTES}`);
  if (!Number.isInteger(typeSize) || typeSize < 1 || typeSize > 255) {
    throw new CodecError(CODEC, `type size ${typeSize} is not 1-255`);
  }
  const wanted = Math.max(options.blockBytes ?? DEFAULT_BLOCK_BYTES, typeSize);
  const blockSize = Math.min(nbytes, wanted - (wanted % typeSize));
  const blocks = blockSize === 0 ? 0 : Math.ceil(nbytes / blockSize);
  // Each stream is at most its block (stored as it is otherwise) behind a 4-byte size.
  const out = new Uint8Array(HEADER_BYTES + 8 * blocks + nbytes);
  const view = new DataView(out.buffer);
  const shuffled = new Uint8Array(blockSize);
  const packed = new Uint8Array(lz4BlockBound(blockSize));
  const encoder = new Lz4Encoder();
  let o = HEADER_BYTES + 4 * blocks;
  for (let b = 0; b < blocks; b++) {
    const start = b * blockSize;
    const size = Math.min(blockSize, nbytes - start);
    const block = shuffled.subarray(0, size);
    byteShuffle(src.subarray(start, start + size), block, typeSize);
    const n = encoder.encode(block, packed);
    // A stream as long as its block is read as stored bytes, so compression must gain.
    const stream = n < size ? packed.subarray(0, n) : block;
    view.setInt32(HEADER_BYTES + 4 * b, o, true);
    view.setInt32(o, stream.length, true);
    out.set(stream, o + 4);
    o += 4 + stream.length;
    if (o >= nbytes + HEADER_BYTES) return memcpyed(src, typeSize);
  }
  writeHeader(view, { flags: DO_SHUFFLE | DONT_SPLIT, typeSize, nbytes, blockSize, cbytes: o });
  return out.slice(0, o);
}

function memcpyed(src: Uint8Array, typeSize: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + src.length);
  const cbytes = out.length;
  writeHeader(new DataView(out.buffer), {
    flags: MEMCPYED | DONT_SPLIT,
    typeSize,
    nbytes: src.length,
    blockSize: src.length,
    cbytes,
  });
  out.set(src, HEADER_BYTES);
  return out;
}

interface HeaderFields {
  flags: number;
  typeSize: number;
  nbytes: number;
  blockSize: number;
  cbytes: number;
}

function writeHeader(view: DataView, h: HeaderFields): void {
  view.setUint8(0, FORMAT_VERSION);
  view.setUint8(1, LZ4_FORMAT_VERSION);
  view.setUint8(2, h.flags | (LZ4_CODE << 5));
  view.setUint8(3, h.typeSize);
  view.setUint32(4, h.nbytes, true);
  view.setUint32(8, h.blockSize, true);
  view.setUint32(12, h.cbytes, true);
}
