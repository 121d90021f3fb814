/**
 * The processor contract: what a processor module exports, the frame it receives, the outputs it
 * returns and the statistics it declares. Only types live here; the sandbox that runs a processor
 * and the helpers that build frames are beside it.
 *
 * @module
 */
import type { Codec, TimeStamp } from "../../protocol/nt/mod.ts";
import type { FieldDesc, Typed, Value } from "../../protocol/pvdata/mod.ts";

/** Element type of a frame's pixels: the numeric pvData scalar types. */
export type DType =
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";

/** The typed array holding each {@link DType}. */
export interface FrameDataOf {
  /** Signed bytes. */
  int8: Int8Array;
  /** Unsigned bytes. */
  uint8: Uint8Array;
  /** Signed 16-bit. */
  int16: Int16Array;
  /** Unsigned 16-bit. */
  uint16: Uint16Array;
  /** Signed 32-bit. */
  int32: Int32Array;
  /** Unsigned 32-bit. */
  uint32: Uint32Array;
  /** Signed 64-bit. */
  int64: BigInt64Array;
  /** Unsigned 64-bit. */
  uint64: BigUint64Array;
  /** Single precision. */
  float32: Float32Array;
  /** Double precision. */
  float64: Float64Array;
}

/** Any frame's pixel array. */
export type FrameData = FrameDataOf[DType];

/**
 * One image as a processor sees it: an NTNDArray read into plain fields, the pixels left in the
 * typed array they were decoded into (no copy).
 *
 * `shape` lists the axes as NTNDArray's `dimension` gives them, fastest-varying (x) first: a
 * mono image is `[nx, ny]`, so pixel (x, y) is `data[x + nx * y]`. Colour images (attribute
 * `ColorMode`, also in {@link Frame.colorMode}) put the 3 colour planes where areaDetector
 * does: RGB1 (2) `[3, nx, ny]` (pixel-interleaved), RGB2 (3) `[nx, 3, ny]` (row-interleaved),
 * RGB3 (4) `[nx, ny, 3]` (plane-interleaved).
 *
 * When `codec.name` is not empty, `data` holds the compressed bytes (a Uint8Array) and `dtype`
 * is the element type after decompression.
 */
export interface Frame<D extends DType = DType> {
  /** The pixels, x fastest; a view that may start inside a larger buffer. */
  data: FrameDataOf[D];
  /** Element type of the pixels. */
  dtype: D;
  /** Axis sizes, fastest-varying first (NTNDArray `dimension[i].size`). */
  shape: number[];
  /** areaDetector colour mode: 0 mono, 2 RGB1, 3 RGB2, 4 RGB3 (0 when the frame does not say). */
  colorMode: number;
  /** Attribute values by name (the content of each NTAttribute `value`). */
  attributes: Record<string, Value>;
  /**
   * The pvData type of each attribute as it arrived, so that a frame published unchanged keeps
   * them; attributes missing here get a type inferred from their value.
   */
  attributeTypes?: Record<string, FieldDesc>;
  /** Frame number (NTNDArray `uniqueId`). */
  uniqueId: number;
  /** Publication time of the source (`timeStamp`). */
  timeStamp: TimeStamp;
  /** Acquisition time (`dataTimeStamp`). */
  dataTimeStamp: TimeStamp;
  /** Compression; `{ name: "" }` for raw pixels. */
  codec: Codec;
  /** Bytes after decompression. */
  uncompressedSize: number;
}

/** A plain PV value to publish: a pvData type and a value of it (NTScalar, a structure, ...). */
export type PvOutput = Typed<Value>;

/** What a processor publishes: a frame (as NTNDArray) or a plain typed PV value. */
export type Output = Frame | PvOutput;

/**
 * What `process` returns: nothing, one output, or several (each published in order). The
 * return value is the only way to publish; there is no publish callback.
 */
export type ProcessResult = void | undefined | Output | readonly Output[];

/**
 * Type of the output channel: `"frame"` for NTNDArray, or the pvData type of plain outputs.
 * Left out, the type of the first output fixes it; every later output must have the same type.
 */
export type OutputType = "frame" | FieldDesc;

/** Scalar types a user statistic may have (PvaPy's names); `[]` makes an array of it. */
export type StatScalarType = "bool" | "int" | "uint" | "long" | "ulong" | "float" | "double" | "string";

/** Type of one user statistic, e.g. `"uint"` or `"double[]"`. */
export type StatType = StatScalarType | `${StatScalarType}[]`;

/** The user statistics a processor reports, by name, e.g. `{ nPeaks: "uint", mean: "double" }`. */
export type StatsDeclaration = Readonly<Record<string, StatType>>;

/**
 * Values of declared statistics: numbers (or bigint for long/ulong), strings, booleans, arrays
 * or typed arrays. The runtime checks each against its declared type.
 */
export type StatsValues = Record<string, unknown>;

/**
 * The arguments `configure` receives: the user's `--processor-args` JSON object plus the system
 * keys the runtime adds (the names PvaPy uses). Control-PV and HTTP `configure` commands pass
 * the user's new keys with the same system keys.
 */
export interface ProcessorArgs {
  /** The consumer's (or collector's) id. */
  processorId?: number;
  /** The monitored channel. */
  inputChannel?: string;
  /** The channel outputs are published on. */
  outputChannel?: string;
  /** Field holding the object id (default `uniqueId`). */
  objectIdField?: string;
  /** Expected step between consecutive object ids (0 = derived). */
  objectIdOffset?: number;
  /** Initial updates skipped by the consumer. */
  skipInitialUpdates?: number;
  /** Consecutive updates per consumer with a distributor. */
  nSequentialUpdates?: number;
  /** Anything the user passed. */
  [key: string]: unknown;
}

/**
 * A processor: `--processor-file` names the module and `--processor-class` the export (a class
 * constructed without arguments, or an object). The runtime calls `configure` once before the
 * first frame and again whenever the control PV or the HTTP API sends a `configure` command, then
 * `stats` once right away to check it against {@link Processor.statsTypes}; `process` for every
 * frame, one at a time; `stats` at each status report; `resetStats` on request; `stop` last.
 * Each method may be async.
 *
 * Batching: a processor that also has `processBatch` receives the batches of the consumer's
 * receiver queue (`--accumulate-objects N` with `--receiver-queue-size` >= 0) in one call, N frames
 * or fewer (a partial batch after `--accumulation-timeout`, and the last one at stop), in
 * arrival order; single frames still go to `process`. Its outputs are published in order; if it
 * throws, every frame of the batch counts as a processing error.
 *
 * @example A processor that counts bright pixels
 * ```ts ignore
 * import type { Frame, Processor } from "../mod.ts";
 *
 * export class Bright implements Processor {
 *   readonly statsTypes = { nBright: "uint" } as const;
 *   #threshold = 100;
 *   #nBright = 0;
 *   configure(args: { threshold?: number }) {
 *     this.#threshold = args.threshold ?? this.#threshold;
 *   }
 *   process(frame: Frame) {
 *     for (const v of frame.data) if (Number(v) > this.#threshold) this.#nBright++;
 *     return frame;
 *   }
 *   stats() {
 *     return { nBright: this.#nBright };
 *   }
 *   resetStats() {
 *     this.#nBright = 0;
 *   }
 * }
 * ```
 */
export interface Processor {
  /** The user statistics `stats` returns; checked key by key at start. */
  readonly statsTypes?: StatsDeclaration;
  /** The output channel's type; by default the type of the first output. */
  readonly outputType?: OutputType;
  /** Applies arguments; at start and at runtime. */
  configure?(args: ProcessorArgs): void | Promise<void>;
  /** Handles one frame and returns what to publish. */
  process(frame: Frame): ProcessResult | Promise<ProcessResult>;
  /**
   * Handles a batch of frames (at least two, in arrival order) in one call, e.g. one GPU dispatch
   * for all of them, and returns what to publish for the whole batch. Optional: without it every
   * frame goes to `process`.
   */
  processBatch?(frames: Frame[]): ProcessResult | Promise<ProcessResult>;
  /** Current values of the declared statistics. */
  stats?(): StatsValues | Promise<StatsValues>;
  /** Zeroes the statistics. */
  resetStats?(): void | Promise<void>;
  /** Releases resources; no call follows. */
  stop?(): void | Promise<void>;
}
