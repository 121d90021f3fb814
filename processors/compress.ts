/**
 * Compress: publishes every frame compressed as areaDetector's NDPluginCodec does, so that the
 * next stage receives fewer bytes. The output names its codec (`codec.name`, and the element type
 * in `codec.parameters`), holds the compressed bytes, and has `compressedSize` = those bytes and
 * `uncompressedSize` = the pixel bytes; dtype, shape, colour mode, attributes, uniqueId and time
 * stamps stay. A frame already compressed with the same codec is published as it is; one
 * compressed with another codec is decompressed first (a consumer hands frames on compressed only
 * with `--keep-compressed`).
 *
 * In process isolation it needs the `npm` grant: the codecs' Blosc decoder imports fflate and fzstd.
 *
 * Arguments: `codec`: `"lz4"` (default), `"bslz4"` (bitshuffle + LZ4) or `"blosc"` (LZ4 inside,
 * byte shuffle).
 *
 * User statistics: `nFrames`, `uncompressedBytes` and `compressedBytes` (totals), `ratio`
 * (uncompressed / compressed bytes over those totals; 0 before the first frame).
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  choiceArg,
  type Frame,
  frameFromNTNDArray,
  frameToNTNDArray,
  type Processor,
  type ProcessorArgs,
  processorMain,
} from "../runtime/processor/mod.ts";
import { decodeFrame, type EncodableCodec, encodeFrame } from "../protocol/codecs/mod.ts";

/** The codecs a frame can be compressed with. */
export const COMPRESS_CODECS: readonly EncodableCodec[] = ["lz4", "bslz4", "blosc"];

/**
 * The frame compressed with `codec` (decompressed first when another codec holds it).
 * @throws {CodecError} when a frame compressed with another codec does not decode
 * @example
 * ```ts
 * import { frameFromNTNDArray, ntNDArray } from "../mod.ts";
 * import { compressFrame } from "./compress.ts";
 * const frame = frameFromNTNDArray(ntNDArray({ data: new Uint16Array(4096), dims: [64, 64] }));
 * const packed = compressFrame(frame, "bslz4");
 * [packed.codec.name, packed.dtype, packed.uncompressedSize]; // ["bslz4", "uint16", 8192]
 * ```
 */
export function compressFrame(frame: Frame, codec: EncodableCodec): Frame {
  if (frame.codec.name === codec) return frame;
  const plain = frame.codec.name ? decodeFrame(frameToNTNDArray(frame)) : frameToNTNDArray(frame);
  return frameFromNTNDArray(encodeFrame(plain, codec));
}

/** Compresses every frame (see the module documentation for the arguments). */
export class CompressProcessor implements Processor {
  /** Frames and bytes compressed. */
  readonly statsTypes = {
    nFrames: "ulong",
    uncompressedBytes: "ulong",
    compressedBytes: "ulong",
    ratio: "double",
  } as const;
  /** Frames always. */
  readonly outputType = "frame";
  #codec: EncodableCodec = "lz4";
  #nFrames = 0;
  #uncompressed = 0;
  #compressed = 0;

  /** Reads `codec`; absent, it keeps its value. */
  configure(args: ProcessorArgs): void {
    this.#codec = choiceArg(args, "codec", COMPRESS_CODECS) ?? this.#codec;
  }

  /**
   * Compresses one frame.
   * @returns the frame compressed
   */
  process(frame: Frame): Frame {
    const out = compressFrame(frame, this.#codec);
    this.#nFrames++;
    this.#uncompressed += out.uncompressedSize;
    this.#compressed += out.data.byteLength;
    return out;
  }

  /** Totals since the start or the last reset. */
  stats(): Record<string, number> {
    return {
      nFrames: this.#nFrames,
      uncompressedBytes: this.#uncompressed,
      compressedBytes: this.#compressed,
      ratio: this.#compressed > 0 ? this.#uncompressed / this.#compressed : 0,
    };
  }

  /** Zeroes the totals. */
  resetStats(): void {
    this.#nFrames = this.#uncompressed = this.#compressed = 0;
  }
}

// `deno run -A processors/compress.ts --input-channel ... --processor-args '{"codec": "bslz4"}'` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "CompressProcessor" });
