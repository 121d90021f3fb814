/**
 * The codec registry on NTNDArray frames: {@link decodeFrame} turns an areaDetector-compressed
 * frame ("lz4", "bslz4", "blosc") into a plain one, {@link encodeFrame} compresses a plain frame
 * ("lz4", "bslz4") as NDPluginCodec would. Both leave every other field as it was.
 *
 * A compressed frame holds the compressed bytes as `ubyteValue`, names the codec in
 * `codec.name` and the uncompressed element type (an int32 pvData ScalarType code) in
 * `codec.parameters`; `compressedSize` and `uncompressedSize` give the byte counts. Elements
 * are in the producer's byte order, little-endian on every detector host we know of.
 *
 * @module
 */
import {
  ARRAY_CONSTRUCTORS,
  type NumericArray,
  type NumericType,
  scalar,
  SCALAR_TYPES,
  SCALAR_WIDTH,
  type StructValue,
  type Typed,
} from "../pvdata/mod.ts";
import { type Codec, NDARRAY_MEMBERS, type NTInput, ntNDArrayType, readNTNDArray } from "../nt/mod.ts";
import { isTyped } from "../nt/access.ts";
import { decodeBlosc } from "./blosc.ts";
import { decodeBslz4, encodeBslz4 } from "./bslz4.ts";
import { CodecError } from "./errors.ts";
import { decodeLz4Block, encodeLz4Block } from "./lz4.ts";

/** Codecs {@link decodeFrame} and {@link decompressArray} undo. */
export const DECODABLE_CODECS: readonly string[] = ["lz4", "bslz4", "blosc"];

/** Codecs {@link encodeFrame} and {@link compressArray} apply. */
export type EncodableCodec = "lz4" | "bslz4";

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
 * import { compressArray, decompressArray } from "./frame.ts";
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
 * bitshuffle/LZ4 stream with the default block size.
 * @param codec "lz4" or "bslz4"
 * @param data the elements
 * @example
 * ```ts
 * import { compressArray } from "./frame.ts";
 * compressArray("lz4", new Uint8Array(4096)).length < 64; // true
 * ```
 */
export function compressArray(codec: EncodableCodec, data: NumericArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (codec === "lz4") return encodeLz4Block(bytes);
  if (codec === "bslz4") return encodeBslz4(bytes, data.BYTES_PER_ELEMENT);
  throw new CodecError(codec, "codec not supported for encoding");
}

/** Options of {@link decodeFrame}. */
export interface DecodeFrameOptions {
  /** Largest uncompressed size accepted; default {@link DEFAULT_MAX_UNCOMPRESSED_BYTES}. */
  maxBytes?: number;
}

/** The frame with its type: its own, or NTNDArray's for a bare value. */
function typedFrame(frame: NTInput): { type: Typed["type"]; value: StructValue } {
  return isTyped(frame) ? { type: frame.type, value: frame.value } : { type: ntNDArrayType, value: frame };
}

const NO_CODEC: Codec = { name: "", parameters: { type: null, value: null } };

/**
 * The frame with its data decompressed into a typed array of the codec's element type, the
 * codec cleared and both sizes set to the uncompressed byte count. A frame without a codec
 * comes back as it is. `compressedSize` must equal the bytes held and `uncompressedSize` the
 * dimensions × the element size.
 * @param frame an NTNDArray value, with its type (kept) or bare
 * @param options the size limit
 * @throws {CodecError} when the codec is unknown, a size is wrong or the bytes do not decode
 * @throws {NTError} when the value is not an NTNDArray (or its codec names no element type)
 * @example
 * ```ts
 * import { ntNDArray } from "../nt/mod.ts";
 * import { decodeFrame, encodeFrame } from "./frame.ts";
 * const frame = ntNDArray({ data: new Uint16Array(64 * 64), dims: [64, 64] });
 * const back = decodeFrame(encodeFrame(frame, "bslz4"));
 * ```
 */
export function decodeFrame(frame: NTInput, options: DecodeFrameOptions = {}): Typed {
  const f = readNTNDArray(frame);
  const { type, value } = typedFrame(frame);
  const name = f.codec.name;
  if (!name) return { type, value };
  const held = f.data.byteLength;
  if (f.compressedSize !== held) {
    throw new CodecError(name, `compressedSize says ${f.compressedSize} bytes, the value holds ${held}`);
  }
  if (f.data.BYTES_PER_ELEMENT !== 1) throw new CodecError(name, "compressed bytes must be a byte array");
  const compressed = new Uint8Array(f.data.buffer, f.data.byteOffset, held);
  const elementType = f.elementType as NumericType;
  const data = decompressArray(name, compressed, {
    elementType,
    uncompressedSize: f.uncompressedSize,
    elements: f.dims.length > 0 ? f.dims.reduce((a, b) => a * b, 1) : undefined,
    maxBytes: options.maxBytes,
  });
  const size = BigInt(data.byteLength);
  return {
    type,
    value: {
      ...value,
      value: { name: NDARRAY_MEMBERS[elementType], value: data },
      codec: NO_CODEC,
      compressedSize: size,
      uncompressedSize: size,
    },
  };
}

/**
 * The frame with its data compressed by `codec`, as NDPluginCodec sends it: the bytes as
 * ubyteValue, `codec.parameters` the int32 ScalarType code of the elements, both sizes set.
 * @param frame an uncompressed NTNDArray value, with its type (kept) or bare
 * @param codec "lz4" or "bslz4"
 * @throws {CodecError} when the frame is already compressed or holds booleans
 * @throws {NTError} when the value is not an NTNDArray
 * @example
 * ```ts
 * import { ntNDArray, readNTNDArray } from "../nt/mod.ts";
 * import { encodeFrame } from "./frame.ts";
 * const packed = encodeFrame(ntNDArray({ data: new Uint16Array(4096), dims: [64, 64] }), "lz4");
 * readNTNDArray(packed).codec.name; // "lz4"
 * ```
 */
export function encodeFrame(frame: NTInput, codec: EncodableCodec): Typed {
  const f = readNTNDArray(frame);
  if (f.codec.name) throw new CodecError(codec, `frame is already compressed with ${f.codec.name}`);
  if (f.elementType === "bool" || f.elementType === "string") {
    throw new CodecError(codec, `${f.elementType} elements cannot be compressed`);
  }
  const { type, value } = typedFrame(frame);
  const compressed = compressArray(codec, f.data);
  return {
    type,
    value: {
      ...value,
      value: { name: NDARRAY_MEMBERS.uint8, value: compressed },
      codec: {
        name: codec,
        parameters: { type: scalar("int32"), value: SCALAR_TYPES.indexOf(f.elementType) },
      },
      compressedSize: BigInt(compressed.byteLength),
      uncompressedSize: BigInt(f.data.byteLength),
    },
  };
}
