/**
 * Writes every frame to its own `.npy` file (numpy format 1.0), readable by `numpy.load`: the
 * array has the frame's dtype and its shape in C order, slowest axis first (our shape reversed:
 * a mono `[nx, ny]` frame loads as `(ny, nx)`, RGB1 `[3, nx, ny]` as `(ny, nx, 3)`). Publishes
 * nothing.
 *
 * Arguments:
 * - `directory` (required): the folder to write into, created if missing; the consumer must
 *   grant it: `--processor-permissions write=DIR`.
 * - `pattern` (default `frame_{uniqueId:6}.npy`): the file name; `{uniqueId}`, `{processorId}`,
 *   `{frame}` (frames written before, from 0), `{file}`, `{seconds}`, `{nanoseconds}` (the
 *   frame's time stamp), each optionally zero-padded as `{name:WIDTH}`. A name met again
 *   overwrites the file.
 *
 * Statistics: `nFramesWritten`, `nBytesWritten`, `nFilesWritten`, `lastFile`.
 *
 * @module
 */
import {
  type DType,
  type Frame,
  type Processor,
  type ProcessorArgs,
  processorMain,
} from "../runtime/processor/mod.ts";
import { BYTE_ORDER, cOrderShape, FilePerFrame, pixelBytes, WRITER_STATS_TYPES } from "./support/mod.ts";

/** numpy's type code of each dtype (without the byte order). */
const NUMPY_CODES: Record<DType, string> = {
  int8: "i1",
  uint8: "u1",
  int16: "i2",
  uint16: "u2",
  int32: "i4",
  uint32: "u4",
  int64: "i8",
  uint64: "u8",
  float32: "f4",
  float64: "f8",
};

/**
 * numpy's `descr` of a dtype in host byte order (`|` for single bytes, which have none).
 * @example
 * ```ts
 * import { numpyDescr } from "./write_npy.ts";
 * numpyDescr("uint8"); // "|u1"
 * ```
 */
export function numpyDescr(dtype: DType): string {
  const code = NUMPY_CODES[dtype];
  return `${code.endsWith("1") ? "|" : BYTE_ORDER}${code}`;
}

/**
 * The header of a `.npy` file (format 1.0) holding an array of `dtype` and C-order `shape`:
 * magic, version, length, and the dict padded with spaces to a multiple of 64 bytes, so that
 * the data that follows is aligned as numpy writes it.
 * @example
 * ```ts
 * import { npyHeader } from "./write_npy.ts";
 * const h = npyHeader("uint16", [3, 4]);
 * h.length; // 64
 * ```
 */
export function npyHeader(dtype: DType, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${numpyDescr(dtype)}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = 10 + dict.length + 1; // magic 6, version 2, length 2; newline last
  const total = Math.ceil(unpadded / 64) * 64;
  if (total - 10 > 0xffff) throw new RangeError(`npy header of ${total} bytes: too many axes`);
  const out = new Uint8Array(total);
  out.set([0x93, ...new TextEncoder().encode("NUMPY"), 1, 0]);
  new DataView(out.buffer).setUint16(8, total - 10, true);
  out.set(new TextEncoder().encode(dict.padEnd(total - 11, " ") + "\n"), 10);
  return out;
}

/** Writes each frame as one `.npy` file. */
export class WriteNpy implements Processor {
  /** Frames, bytes and files written; the latest file's path. */
  readonly statsTypes: typeof WRITER_STATS_TYPES = WRITER_STATS_TYPES;
  #files = new FilePerFrame("frame_{uniqueId:6}.npy");

  /** Reads `directory`, `pattern`; creates the directory. */
  configure(args: ProcessorArgs): Promise<void> {
    return this.#files.configure(args);
  }

  /** Writes the frame's file; publishes nothing. */
  process(frame: Frame): Promise<void> {
    const pixels = pixelBytes(frame);
    return this.#files.write(frame, [npyHeader(frame.dtype, cOrderShape(frame)), pixels]);
  }

  /** Frames, bytes and files written, the latest file. */
  stats(): Record<string, number | string> {
    return this.#files.stats();
  }

  /** Zeroes the counters; file numbering goes on. */
  resetStats(): void {
    this.#files.resetStats();
  }
}

// `deno run -A processors/write_npy.ts --input-channel ... --processor-args '{"directory": "/out"}'
//  --processor-permissions write=/out` runs a consumer with this processor.
if (import.meta.main) await processorMain(import.meta.url, { className: "WriteNpy" });
