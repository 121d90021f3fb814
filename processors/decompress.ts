/**
 * Decompress: publishes every compressed frame (lz4, bslz4 or blosc, as NDPluginCodec writes
 * them) decompressed into a typed array of its element type, the codec cleared and both sizes
 * the pixel bytes; shape, colour mode, attributes, uniqueId and time stamps stay. A frame without
 * a codec is published as it is. A consumer decompresses frames before its processor unless run
 * with `--keep-compressed`: this processor is for that case (decompressing in the sandbox, or
 * after other processing of the compressed bytes). A frame that does not decode fails with a
 * `CodecError` naming the codec and the problem (the runtime counts it; the stream goes on).
 *
 * In process isolation it needs the `npm` grant: the Blosc decoder imports fflate and fzstd.
 *
 * Arguments: `maxBytes` (default 1 GiB): the largest uncompressed frame accepted; a frame
 * declaring more fails before anything is allocated.
 *
 * User statistics: `nFrames`, `nDecompressed` (frames that had a codec), `compressedBytes` and
 * `uncompressedBytes` (totals over the decompressed frames).
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  type Frame,
  frameFromNTNDArray,
  frameToNTNDArray,
  integerArg,
  type Processor,
  type ProcessorArgs,
  processorMain,
} from "../runtime/processor/mod.ts";
import { decodeFrame, DEFAULT_MAX_UNCOMPRESSED_BYTES } from "../protocol/codecs/mod.ts";

/**
 * The frame decompressed (itself when it has no codec).
 * @param frame the frame
 * @param maxBytes the largest uncompressed size accepted
 * @throws {CodecError} when the codec is unknown, a size is wrong or the bytes do not decode
 * @example
 * ```ts
 * import { frameFromNTNDArray, ntNDArray } from "../mod.ts";
 * import { compressFrame } from "./compress.ts";
 * import { decompressFrame } from "./decompress.ts";
 * const frame = frameFromNTNDArray(ntNDArray({ data: new Float32Array(100), dims: [10, 10] }));
 * decompressFrame(compressFrame(frame, "blosc")).data.constructor.name; // "Float32Array"
 * ```
 */
export function decompressFrame(frame: Frame, maxBytes = DEFAULT_MAX_UNCOMPRESSED_BYTES): Frame {
  if (!frame.codec.name) return frame;
  return frameFromNTNDArray(decodeFrame(frameToNTNDArray(frame), { maxBytes }));
}

/** Decompresses every compressed frame (see the module documentation for the arguments). */
export class DecompressProcessor implements Processor {
  /** Frames and bytes decompressed. */
  readonly statsTypes = {
    nFrames: "ulong",
    nDecompressed: "ulong",
    compressedBytes: "ulong",
    uncompressedBytes: "ulong",
  } as const;
  /** Frames always. */
  readonly outputType = "frame";
  #maxBytes = DEFAULT_MAX_UNCOMPRESSED_BYTES;
  #nFrames = 0;
  #nDecompressed = 0;
  #compressed = 0;
  #uncompressed = 0;

  /** Reads `maxBytes`; absent, it keeps its value. */
  configure(args: ProcessorArgs): void {
    this.#maxBytes = integerArg(args, "maxBytes", { min: 0 }) ?? this.#maxBytes;
  }

  /**
   * Decompresses one frame.
   * @returns the frame decompressed
   */
  process(frame: Frame): Frame {
    const held = frame.data.byteLength;
    const out = decompressFrame(frame, this.#maxBytes);
    this.#nFrames++;
    if (out !== frame) {
      this.#nDecompressed++;
      this.#compressed += held;
      this.#uncompressed += out.data.byteLength;
    }
    return out;
  }

  /** Totals since the start or the last reset. */
  stats(): Record<string, number> {
    return {
      nFrames: this.#nFrames,
      nDecompressed: this.#nDecompressed,
      compressedBytes: this.#compressed,
      uncompressedBytes: this.#uncompressed,
    };
  }

  /** Zeroes the totals. */
  resetStats(): void {
    this.#nFrames =
      this.#nDecompressed =
      this.#compressed =
      this.#uncompressed =
        0;
  }
}

// `deno run -A processors/decompress.ts --input-channel ... --keep-compressed` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "DecompressProcessor" });
