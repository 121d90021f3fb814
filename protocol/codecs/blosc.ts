/**
 * Blosc 1 containers (c-blosc `blosc_compress_ctx`, what areaDetector's "blosc" codec and the
 * Python `blosc` package write), decoding (writing is in blosc_encode.ts). A 16-byte header
 * (format version 2, compressor version, flags, type size, then uncompressed bytes, block bytes
 * and compressed bytes as uint32 little-endian) is followed by one start offset per block, or by the data itself when
 * the memcpyed flag is set. Each block is compressed whole or, for small type sizes, as one
 * stream per byte plane; every stream is an int32 LE size and either that many raw bytes (size
 * = the stream's length) or a compressed stream. Blocks are byte- or bit-shuffled before
 * compression, as the flags say. Sub-compressors: BloscLZ, LZ4 and LZ4HC (the same format),
 * zlib (fflate) and zstd (fzstd); Snappy is not supported.
 *
 * @module
 */
import { unzlibSync } from "fflate";
import { decompress as zstdDecompress } from "fzstd";
import { bitUnshuffle } from "./bitshuffle.ts";
import { decodeBlosclz } from "./blosclz.ts";
import {
  CODEC,
  COMPRESSORS,
  DO_BITSHUFFLE,
  DO_SHUFFLE,
  DONT_SPLIT,
  FORMAT_VERSION,
  FUTURE_FLAG,
  HEADER_BYTES,
  MEMCPYED,
} from "./blosc_format.ts";
import { CodecError } from "./errors.ts";
import { decodeLz4Block } from "./lz4.ts";
import { byteUnshuffle } from "./shuffle.ts";

/** Blocks of at most this many-byte types, of at least MIN_SPLIT_ELEMENTS, are split in planes. */
const MAX_SPLITS = 16;
const MIN_SPLIT_ELEMENTS = 128;

/** What a Blosc header says. */
export interface BloscHeader {
  /** Format version (2 for c-blosc 1.x). */
  version: number;
  /** Sub-compressor name ("blosclz", "lz4", "snappy", "zlib", "zstd") or "unknown N". */
  compressor: string;
  /** Bytes per element the shuffle worked on. */
  typeSize: number;
  /** Uncompressed bytes. */
  nbytes: number;
  /** Uncompressed bytes per block. */
  blockSize: number;
  /** Bytes of the whole container. */
  cbytes: number;
  /** "byte", "bit" or "none". */
  shuffle: "byte" | "bit" | "none";
  /** True when the data follows the header uncompressed. */
  memcpyed: boolean;
}

/**
 * Reads a Blosc header.
 * @param src at least the 16 header bytes
 * @throws {CodecError} when fewer than 16 bytes are given
 * @example
 * ```ts
 * import { readBloscHeader } from "./blosc.ts";
 * const h = new Uint8Array([2, 1, 0x23, 2, 0, 4, 0, 0, 0, 4, 0, 0, 50, 0, 0, 0]);
 * readBloscHeader(h).compressor; // "lz4"
 * ```
 */
export function readBloscHeader(src: Uint8Array): BloscHeader {
  if (src.length < HEADER_BYTES) throw new CodecError(CODEC, `${src.length} bytes, less than a header`);
  const view = new DataView(src.buffer, src.byteOffset, src.length);
  const flags = src[2];
  const code = flags >>> 5;
  return {
    version: src[0],
    compressor: COMPRESSORS[code] ?? `unknown ${code}`,
    typeSize: src[3],
    nbytes: view.getUint32(4, true),
    blockSize: view.getUint32(8, true),
    cbytes: view.getUint32(12, true),
    shuffle: flags & DO_SHUFFLE ? "byte" : flags & DO_BITSHUFFLE ? "bit" : "none",
    memcpyed: (flags & MEMCPYED) !== 0,
  };
}

/**
 * Decodes a Blosc container into `dst`, whose length must be the container's uncompressed size.
 * @param src the container, exactly (its header's compressed size is its length)
 * @param dst receives the uncompressed bytes
 * @throws {CodecError} on a bad header, sizes that disagree, offsets outside the container, an
 * unsupported compressor, or a stream that does not decode to its block
 * @example
 * ```ts ignore
 * import { decodeBlosc } from "./blosc.ts";
 * const out = new Uint8Array(uncompressedSize);
 * decodeBlosc(compressed, out);
 * ```
 */
export function decodeBlosc(src: Uint8Array, dst: Uint8Array): void {
  const h = readBloscHeader(src);
  const flags = src[2];
  if (h.version !== FORMAT_VERSION) throw new CodecError(CODEC, `format version ${h.version} is not 2`);
  if (flags & FUTURE_FLAG) throw new CodecError(CODEC, `unknown flag 0x08 set`);
  if (h.nbytes !== dst.length) {
    throw new CodecError(CODEC, `header says ${h.nbytes} bytes, the frame ${dst.length}`);
  }
  if (h.cbytes !== src.length) {
    throw new CodecError(CODEC, `header says ${h.cbytes} compressed bytes, the frame has ${src.length}`);
  }
  if (h.nbytes === 0) return;
  if (h.typeSize === 0) throw new CodecError(CODEC, "type size 0");
  if (h.memcpyed) {
    if (h.cbytes !== h.nbytes + HEADER_BYTES) {
      throw new CodecError(CODEC, `memcpyed container of ${h.cbytes} bytes for ${h.nbytes} bytes`);
    }
    dst.set(src.subarray(HEADER_BYTES));
    return;
  }
  if (h.blockSize === 0 || h.blockSize > h.nbytes) {
    throw new CodecError(CODEC, `block size ${h.blockSize} for ${h.nbytes} bytes`);
  }
  const blocks = Math.ceil(h.nbytes / h.blockSize);
  if (blocks > (src.length - HEADER_BYTES) / 4) {
    throw new CodecError(CODEC, `${blocks} block offsets do not fit in ${src.length} bytes`);
  }
  const decompress = streamDecoder(h.compressor);
  const view = new DataView(src.buffer, src.byteOffset, src.length);
  // As c-blosc's blosc_d decides, from the flags: a byte shuffle of 1-byte types is no shuffle.
  const byteShuffled = (flags & DO_SHUFFLE) !== 0 && h.typeSize > 1;
  const bitShuffled = !byteShuffled && (flags & DO_BITSHUFFLE) !== 0 && h.blockSize >= h.typeSize;
  const shuffled = byteShuffled || bitShuffled;
  const tmp = new Uint8Array(h.blockSize);
  for (let b = 0; b < blocks; b++) {
    const start = b * h.blockSize;
    const size = Math.min(h.blockSize, h.nbytes - start);
    const out = dst.subarray(start, start + size);
    const split = !(flags & DONT_SPLIT) && h.typeSize <= MAX_SPLITS &&
      h.blockSize / h.typeSize >= MIN_SPLIT_ELEMENTS && size === h.blockSize;
    const target = shuffled ? tmp.subarray(0, size) : out;
    decodeBlock(
      src,
      view,
      view.getInt32(HEADER_BYTES + 4 * b, true),
      target,
      split ? h.typeSize : 1,
      decompress,
      b,
    );
    if (!shuffled) continue;
    if (byteShuffled) byteUnshuffle(target, out, h.typeSize);
    else bloscBitUnshuffle(target, out, h.typeSize);
  }
}

type StreamDecoder = (src: Uint8Array, dst: Uint8Array) => number;

function streamDecoder(compressor: string): StreamDecoder {
  switch (compressor) {
    case "blosclz":
      return decodeBlosclz;
    case "lz4":
      return (src, dst) => decodeLz4Block(src, dst, "blosc/lz4");
    case "zlib":
      // fflate stops silently at the end of a given output: one spare byte shows a stream too long.
      return (src, dst) =>
        foreign("zlib", dst, () => unzlibSync(src, { out: new Uint8Array(dst.length + 1) }));
    case "zstd":
      return (src, dst) => {
        checkZstdContentSize(src, dst.length);
        return foreign("zstd", dst, () => zstdDecompress(src));
      };
    default:
      throw new CodecError(CODEC, `compressor ${compressor} is not supported`);
  }
}

/**
 * Runs a library decoder, copies its output into `dst` when the length is right and returns
 * that length; whatever the library throws becomes a CodecError.
 */
function foreign(name: string, dst: Uint8Array, run: () => Uint8Array): number {
  let got: Uint8Array;
  try {
    got = run();
  } catch (e) {
    throw new CodecError(`blosc/${name}`, e instanceof Error ? e.message : String(e));
  }
  if (got.length === dst.length) dst.set(got);
  return got.length;
}

const ZSTD_MAGIC = 0xfd2fb528;

/**
 * fzstd sizes its output from the frame's declared content size, and writes into a given buffer
 * without saying how much it wrote; so the declared size (c-blosc always writes it) is checked
 * against the stream's share of the block before anything is allocated.
 */
function checkZstdContentSize(src: Uint8Array, expected: number): void {
  const fail = (why: string) => new CodecError("blosc/zstd", why);
  if (src.length < 6) throw fail(`stream of ${src.length} bytes is too short for a frame header`);
  const view = new DataView(src.buffer, src.byteOffset, src.length);
  if (view.getUint32(0, true) !== ZSTD_MAGIC) throw fail("no zstd frame magic");
  const fhd = src[4];
  const single = (fhd & 0x20) !== 0;
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][fhd >>> 6];
  if (fcsBytes === 0) throw fail("frame does not declare its content size");
  const at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
  if (src.length < at + fcsBytes) throw fail("frame header truncated");
  const size = fcsBytes === 1
    ? src[at]
    : fcsBytes === 2
    ? view.getUint16(at, true) + 256
    : fcsBytes === 4
    ? view.getUint32(at, true)
    : Number(view.getBigUint64(at, true));
  if (size !== expected) throw fail(`frame declares ${size} bytes, the block stream holds ${expected}`);
}

/** Decodes the `splits` streams of one block, starting at `offset`, into `out`. */
function decodeBlock(
  src: Uint8Array,
  view: DataView,
  offset: number,
  out: Uint8Array,
  splits: number,
  decompress: StreamDecoder,
  block: number,
): void {
  const part = out.length / splits;
  if (!Number.isInteger(part)) {
    throw new CodecError(CODEC, `block of ${out.length} bytes does not split in ${splits} byte planes`);
  }
  let s = offset;
  for (let j = 0; j < splits; j++) {
    if (s < HEADER_BYTES || s > src.length - 4) {
      throw new CodecError(CODEC, `block ${block} stream ${j} starts at ${s}, outside the container`);
    }
    const cbytes = view.getInt32(s, true);
    s += 4;
    if (cbytes < 0 || cbytes > src.length - s) {
      throw new CodecError(
        CODEC,
        `block ${block} stream ${j} says ${cbytes} bytes, ${src.length - s} remain`,
      );
    }
    const stream = src.subarray(s, s + cbytes);
    const into = out.subarray(j * part, (j + 1) * part);
    let got = part;
    if (cbytes === part) into.set(stream);
    else got = decompress(stream, into);
    if (got !== part) {
      throw new CodecError(CODEC, `block ${block} stream ${j} decoded to ${got} bytes, expected ${part}`);
    }
    s += cbytes;
  }
}

/** Blosc applies bitshuffle to the whole elements of a block when they come in groups of 8. */
function bloscBitUnshuffle(src: Uint8Array, dst: Uint8Array, typeSize: number): void {
  const n = Math.floor(src.length / typeSize);
  if (n % 8 !== 0) {
    dst.set(src);
    return;
  }
  bitUnshuffle(src.subarray(0, n * typeSize), dst.subarray(0, n * typeSize), typeSize);
  dst.set(src.subarray(n * typeSize), n * typeSize);
}
