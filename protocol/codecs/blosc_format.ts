/**
 * The Blosc 1 container's constants, the same for reading (blosc.ts) and writing
 * (blosc_encode.ts): the 16-byte header's format version, its flag bits and the sub-compressor
 * codes (flags bits 5-7).
 *
 * @module
 */

/** The codec's name in its CodecErrors. */
export const CODEC = "blosc";
/** Bytes of the header before the block offsets (or the memcpyed data). */
export const HEADER_BYTES = 16;
/** The format version c-blosc 1.x writes. */
export const FORMAT_VERSION = 2;
/** Flag: blocks are byte shuffled. */
export const DO_SHUFFLE = 0x1;
/** Flag: the data follows the header as it is. */
export const MEMCPYED = 0x2;
/** Flag: blocks are bit shuffled. */
export const DO_BITSHUFFLE = 0x4;
/** Flag reserved for future formats: a container with it set cannot be read. */
export const FUTURE_FLAG = 0x8;
/** Flag: each block is one stream, not one per byte plane. */
export const DONT_SPLIT = 0x10;
/** Sub-compressor names, indexed by their code in flags bits 5-7. */
export const COMPRESSORS = ["blosclz", "lz4", "snappy", "zlib", "zstd"] as const;
