/**
 * The codecs by name, on arrays: {@link decompressArray} undoes "lz4", "bslz4" and "blosc" into
 * one new typed array, {@link compressArray} applies "lz4", "bslz4" and "blosc" (LZ4 inside,
 * byte shuffle) as areaDetector's NDPluginCodec does. {@link decodeFrame} and {@link encodeFrame} use them on NTNDArray values.
 *
 * @module
 */
import { ARRAY_CONSTRUCTORS, type NumericArray, type NumericType, SCALAR_WIDTH } from "../pvdata/mod.ts";
import { decodeBlosc } from "./blosc.ts";
import { encodeBlosc } from "./blosc_encode.ts";
import { decodeBslz4, encodeBslz4 } from "./bslz4.ts";
import { CodecError } from "./errors.ts";
import { decodeLz4Block, encodeLz4Block } from "./lz4.ts";

/** Codecs {@link decompressArray} (and so decodeFrame) undoes. */
export const DECODABLE_CODECS: readonly string[] = ["lz4", "bslz4", "blosc"];

/** Codecs {@link compressArray} (and so encodeFrame) applies. */
export type EncodableCodec = "lz4" | "bslz4" | "blosc";

/** Largest uncompressed frame accepted by default: 1 GiB. */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 2 ** 30;

/** What {@link decompressArray} needs to know besides the bytes. */
export interface DecompressOptions {
  /** Element type of the result (from the codec parameters). */
  elementType: NumericType;
  /** Bytes after decompression, as the frame declares them. */
  uncompressedSize: number;
  /** Elements the frame's dimensions describe; the size must match them when given. */
  elements?: number;
  /** Largest uncompressed size accepted; default {@link DEFAULT_MAX_UNCOMPRESSED_BYTES}. */
  maxBytes?: number;
}

/**
 * Decompresses `compressed` into one new typed array of `elementType`, decoding straight into
 * it. The declared size is checked before anything is allocated: against `maxBytes`, the
 * element size and `elements`; the decoded length must then equal it.
 * @param codec "lz4", "bslz4" or "blosc"
 * @param compressed the compressed bytes
 * @param options element type, sizes and limit
 * @throws {CodecError} for an unknown codec, a size that fails the checks, or bad input
 * @example
 * ```ts
 * import { compressArray, decompressArray } from "./registry.ts";
 * const image = new Uint16Array(1024).map((_, i) => i % 50);
 * const packed = compressArray("bslz4", image);
 * decompressArray("bslz4", packed, { elementType: "uint16", uncompressedSize: 2048 }); // equals image
 * ```
 */
export function decompressArray(
  codec: string,
  compressed: Uint8Array,
  options: DecompressOptions,
): NumericArray {
  const { elementType, uncompressedSize: size, elements, maxBytes = DEFAULT_MAX_UNCOMPRESSED_BYTES } =
    options;
  const width = SCALAR_WIDTH[elementType];
  if (!DECODABLE_CODECS.includes(codec)) throw new CodecError(codec, "codec not supported");
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new CodecError(codec, `uncompressed size ${size} is invalid`);
  }
  if (size > maxBytes) {
    throw new CodecError(codec, `uncompressed size ${size} exceeds the limit of ${maxBytes} bytes`);
  }
  if (size % width !== 0) {
    throw new CodecError(codec, `uncompressed size ${size} is not a whole number of ${elementType} elements`);
  }
  if (elements !== undefined && elements * width !== size) {
    throw new CodecError(codec, `uncompressed size ${size} is not ${elements} ${elementType} elements`);
  }
  const out = new ARRAY_CONSTRUCTORS[elementType](size / width);
  const bytes = new Uint8Array(out.buffer);
  if (codec === "lz4") {
    const got = decodeLz4Block(compressed, bytes);
    if (got !== size) throw new CodecError(codec, `decoded to ${got} bytes, the frame declares ${size}`);
  } else if (codec === "bslz4") {
    decodeBslz4(compressed, bytes, width);
  } else {
    decodeBlosc(compressed, bytes);
  }
  return out;
}

/**
 * Compresses a typed array as NDPluginCodec does: "lz4" as one LZ4 block, "bslz4" as a bare
 * bitshuffle/LZ4 stream with the default block size, "blosc" as one Blosc container (LZ4, byte
 * shuffle over the elements).
 * @param codec "lz4", "bslz4" or "blosc"
 * @param data the elements
 * @example
 * ```ts
 * import { compressArray } from "./registry.ts";
 * compressArray("lz4", new Uint8Array(4096)).length < 64; // true
 * ```
 */
export function compressArray(codec: EncodableCodec, data: NumericArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (codec === "lz4") return encodeLz4Block(bytes);
  if (codec === "bslz4") return encodeBslz4(bytes, data.BYTES_PER_ELEMENT);
  if (codec === "blosc") return encodeBlosc(bytes, data.BYTES_PER_ELEMENT);
  throw new CodecError(codec, "codec not supported for encoding");
}
