/**
 * The one error every codec throws on bad compressed input or on a frame it cannot handle.
 *
 * @module
 */

/**
 * Compressed bytes that cannot be decoded (truncated, wrong sizes, bad headers, a codec not
 * supported) or data that cannot be encoded. Names the codec so a consumer can count the frame
 * as an error and log one precise line.
 *
 * @example
 * ```ts
 * import { CodecError } from "./errors.ts";
 * const e = new CodecError("lz4", "match offset 70000 before the start of the output");
 * e.message; // "lz4: match offset 70000 before the start of the output"
 * ```
 */
export class CodecError extends Error {
  /** The codec at fault: "lz4", "bslz4", "blosc", or a blosc sub-compressor such as "blosc/zstd". */
  readonly codec: string;
  /** What is wrong, without the codec name. */
  readonly reason: string;

  /**
   * Names the codec and the problem.
   * @param codec codec name
   * @param reason human-readable cause
   */
  constructor(codec: string, reason: string) {
    super(`${codec}: ${reason}`);
    this.name = "CodecError";
    this.codec = codec;
    this.reason = reason;
  }
}
