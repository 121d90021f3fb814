/**
 * The codec registry on NTNDArray frames: {@link decodeFrame} turns an areaDetector-compressed
 * frame ("lz4", "bslz4", "blosc") into a plain one, {@link encodeFrame} compresses a plain frame
 * ("lz4", "bslz4", "blosc") as NDPluginCodec would. Both leave every other field as it was.
 *
 * A compressed frame holds the compressed bytes as `ubyteValue`, names the codec in
 * `codec.name` and the uncompressed element type (an int32 pvData ScalarType code) in
 * `codec.parameters`; `compressedSize` and `uncompressedSize` give the byte counts. Elements
 * are in the producer's byte order, little-endian on every detector host we know of.
 *
 * @module
 */
import { type NumericType, scalar, SCALAR_TYPES, type StructValue, type Typed } from "../pvdata/mod.ts";
import { type Codec, NDARRAY_MEMBERS, type NTInput, ntNDArrayType, readNTNDArray } from "../nt/mod.ts";
import { isTyped } from "../nt/access.ts";
import { CodecError } from "./errors.ts";
import { compressArray, decompressArray, type EncodableCodec } from "./registry.ts";

/** Options of {@link decodeFrame}. */
export interface DecodeFrameOptions {
  /** Largest uncompressed size accepted; default 1 GiB (`DEFAULT_MAX_UNCOMPRESSED_BYTES`). */
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
 * @param codec "lz4", "bslz4" or "blosc" (LZ4 inside, byte shuffle)
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
