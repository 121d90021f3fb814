/**
 * areaDetector's NTNDArray compression: decode "lz4", "bslz4" (bitshuffle + LZ4) and "blosc"
 * (BloscLZ, LZ4, LZ4HC, zlib, zstd; byte or bit shuffle) frames, encode "lz4", "bslz4" and "blosc" (LZ4 inside, byte shuffle).
 * Bad compressed input fails with one {@link CodecError} naming the codec and the problem.
 *
 * @example Decode a frame from a monitor, encode one to publish
 * ```ts
 * import { ntNDArray } from "../nt/mod.ts";
 * import { decodeFrame, encodeFrame } from "./mod.ts";
 * const frame = ntNDArray({ data: new Uint16Array(256 * 256), dims: [256, 256] });
 * const sent = encodeFrame(frame, "bslz4");
 * const received = decodeFrame(sent); // its value union holds a Uint16Array again
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./registry.ts";
export * from "./frame.ts";
export { decodeLz4Block, encodeLz4Block, lz4BlockBound, Lz4Encoder } from "./lz4.ts";
export { bitShuffle, bitUnshuffle } from "./bitshuffle.ts";
export { bslz4BlockSize, type Bslz4EncodeOptions, decodeBslz4, encodeBslz4 } from "./bslz4.ts";
export { type BloscHeader, decodeBlosc, readBloscHeader } from "./blosc.ts";
export { type BloscEncodeOptions, encodeBlosc } from "./blosc_encode.ts";
