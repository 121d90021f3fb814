/**
 * What the file writers share: the output directory and file-name pattern arguments, the
 * pixels as bytes in C order, writing a buffer in full, and the statistics every writer reports.
 *
 * @module
 */
import { type Frame, type ProcessorArgs } from "../../runtime/processor/mod.ts";
import { HOST_LITTLE_ENDIAN } from "../../protocol/pvdata/mod.ts";

/** The values a file-name pattern can name. */
export interface PatternValues {
  /** The (first) frame's uniqueId. */
  uniqueId: number;
  /** The consumer's `processorId`. */
  processorId: number;
  /** Frames this writer has taken before this one (from 0). */
  frame: number;
  /** Files this writer has started before this one (from 0). */
  file: number;
  /** The frame's `timeStamp.secondsPastEpoch`. */
  seconds: bigint;
  /** The frame's `timeStamp.nanoseconds`. */
  nanoseconds: number;
}

const PATTERN_NAMES: readonly (keyof PatternValues)[] = [
  "uniqueId",
  "processorId",
  "frame",
  "file",
  "seconds",
  "nanoseconds",
];

/**
 * A file-name pattern such as `frame_{uniqueId:6}.npy`: `{name}` is replaced by a value of
 * {@link PatternValues}, `{name:N}` by the value zero-padded to N digits. The name cannot hold
 * `/`: files go into the writer's directory.
 * @example
 * ```ts
 * import { FileNamePattern } from "./files.ts";
 * const p = new FileNamePattern("frame_{uniqueId:6}.npy");
 * p.expand({ uniqueId: 42, processorId: 1, frame: 0, file: 0, seconds: 0n, nanoseconds: 0 });
 * // "frame_000042.npy"
 * ```
 */
export class FileNamePattern {
  /** The pattern as given. */
  readonly source: string;
  #parts: (string | { name: keyof PatternValues; width: number })[] = [];

  /**
   * Parses a pattern.
   * @throws {TypeError} naming the problem: an unknown name, a `/`, an unclosed brace
   */
  constructor(source: string) {
    if (source === "" || source.includes("/")) {
      throw new TypeError(`file pattern "${source}": expected a file name without "/"`);
    }
    this.source = source;
    const re = /\{([^{}]*)\}/g;
    let last = 0;
    for (const m of source.matchAll(re)) {
      this.#parts.push(source.slice(last, m.index));
      const [name, width = "0"] = m[1].split(":");
      if (!(PATTERN_NAMES as readonly string[]).includes(name) || !/^\d+$/.test(width)) {
        throw new TypeError(
          `file pattern "${source}": unknown placeholder {${m[1]}} (${
            PATTERN_NAMES.join(", ")
          }, optionally :WIDTH)`,
        );
      }
      this.#parts.push({ name: name as keyof PatternValues, width: Number(width) });
      last = m.index + m[0].length;
    }
    const tail = source.slice(last);
    if (/[{}]/.test(tail) || this.#parts.some((p) => typeof p === "string" && /[{}]/.test(p))) {
      throw new TypeError(`file pattern "${source}": unmatched brace`);
    }
    this.#parts.push(tail);
  }

  /** The file name for these values. */
  expand(values: PatternValues): string {
    return this.#parts.map((p) => typeof p === "string" ? p : String(values[p.name]).padStart(p.width, "0"))
      .join("");
  }
}

/**
 * The `directory` argument, created when missing. It must lie inside a `write=` grant of
 * `--processor-permissions`, or creating it and writing files fail with `NotCapable`.
 * @throws {TypeError} when the argument is missing or not a string
 */
export async function outputDirectory(args: ProcessorArgs, current?: string): Promise<string> {
  const dir = args.directory ?? current;
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError("directory: expected the folder to write into (grant it: write=DIR)");
  }
  await Deno.mkdir(dir, { recursive: true });
  return dir.replace(/\/+$/, "") || "/";
}

/** The `pattern` argument (or the current one, or the default). */
export function patternArg(args: ProcessorArgs, current: FileNamePattern): FileNamePattern {
  const p = args.pattern;
  if (p === undefined) return current;
  if (typeof p !== "string") throw new TypeError("pattern: expected a string");
  return new FileNamePattern(p);
}

/** A non-negative integer argument, or the current value when absent. */
export function countArg(args: ProcessorArgs, name: string, current: number, { min = 0 } = {}): number {
  const v = args[name];
  if (v === undefined) return current;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new TypeError(`${name}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * The frame's pixels as bytes (a view, no copy), in host byte order.
 * @throws {TypeError} for a compressed frame: writers store pixels
 */
export function pixelBytes(frame: Frame): Uint8Array {
  if (frame.codec.name !== "") {
    throw new TypeError(
      `frame ${frame.uniqueId} is compressed (codec ${frame.codec.name}): run the consumer without --keep-compressed`,
    );
  }
  const d = frame.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/**
 * The frame's axes slowest first, as numpy and HDF5 (C order) list them: our shape reversed
 * (a mono image `[nx, ny]` is `(ny, nx)`, RGB1 `[3, nx, ny]` is `(ny, nx, 3)`).
 */
export function cOrderShape(frame: Frame): number[] {
  return [...frame.shape].reverse();
}

/** "<" or ">": the byte order of the host, which is the order of every frame's pixels. */
export const BYTE_ORDER = HOST_LITTLE_ENDIAN ? "<" : ">";

/** Writes all of `bytes` to `file` (a single write may take only part of them). */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await file.write(bytes.subarray(done));
}

/**
 * A JSON.stringify replacer for frame metadata: bigints become numbers when exact, else decimal
 * strings; typed arrays become arrays.
 */
export function jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => jsonSafe("", x));
  }
  return v;
}

/** The pattern values of a frame, given the writer's numbering. */
export function patternValues(
  frame: Frame,
  numbering: { processorId: number; frame: number; file: number },
): PatternValues {
  return {
    uniqueId: frame.uniqueId,
    seconds: frame.timeStamp.secondsPastEpoch,
    nanoseconds: frame.timeStamp.nanoseconds,
    ...numbering,
  };
}

/** The statistics every writer reports. */
export const WRITER_STATS_TYPES = {
  nFramesWritten: "ulong",
  nBytesWritten: "ulong",
  nFilesWritten: "ulong",
  lastFile: "string",
} as const;

/** Counts for {@link WRITER_STATS_TYPES}. */
export class WriterCounters {
  /** Frames stored. */
  frames = 0;
  /** Bytes written, headers and indexes included. */
  bytes = 0;
  /** Files started. */
  files = 0;
  /** The path of the latest file written to. */
  lastFile = "";

  /** The values of {@link WRITER_STATS_TYPES}. */
  stats(): Record<keyof typeof WRITER_STATS_TYPES, number | string> {
    return {
      nFramesWritten: this.frames,
      nBytesWritten: this.bytes,
      nFilesWritten: this.files,
      lastFile: this.lastFile,
    };
  }

  /** Zeroes the counts (file names go on from where they were: the writers number them apart). */
  reset(): void {
    this.frames = 0;
    this.bytes = 0;
    this.files = 0;
    this.lastFile = "";
  }
}

/**
 * How a writer names its files: the `directory`, `pattern` and `processorId` arguments, and the
 * frame and file numbers a pattern can name.
 */
export class FileSeries {
  #directory: string | undefined;
  #pattern: FileNamePattern;
  #processorId = 0;
  #frames = 0;
  #files = 0;

  /** Starts with the default pattern. */
  constructor(defaultPattern: string) {
    this.#pattern = new FileNamePattern(defaultPattern);
  }

  /** Reads `directory`, `pattern` and `processorId`; creates the directory. */
  async configure(args: ProcessorArgs): Promise<void> {
    this.#pattern = patternArg(args, this.#pattern);
    this.#directory = await outputDirectory(args, this.#directory);
    this.#processorId = args.processorId ?? this.#processorId;
  }

  /**
   * The path of a new file, named after its first frame; the next one gets the next file number.
   * @throws {TypeError} when no directory is configured
   */
  nextPath(frame: Frame): string {
    if (this.#directory === undefined) throw new TypeError("directory: not configured");
    const name = this.#pattern.expand(
      patternValues(frame, { processorId: this.#processorId, frame: this.#frames, file: this.#files++ }),
    );
    return `${this.#directory}/${name}`;
  }

  /** Counts a frame taken: the next file's name gets the next frame number. */
  frameTaken(): void {
    this.#frames++;
  }
}

/**
 * The part of a one-file-per-frame writer that is not the format: the file names
 * ({@link FileSeries}), writing a file and counting it.
 */
export class FilePerFrame {
  #series: FileSeries;
  #counters = new WriterCounters();

  /** Starts with the default pattern. */
  constructor(defaultPattern: string) {
    this.#series = new FileSeries(defaultPattern);
  }

  /** Reads `directory`, `pattern` and `processorId`; creates the directory. */
  configure(args: ProcessorArgs): Promise<void> {
    return this.#series.configure(args);
  }

  /** Writes `parts` one after the other to the frame's file, replacing any file of that name. */
  async write(frame: Frame, parts: readonly Uint8Array[]): Promise<void> {
    // One file per frame: the frame and file numbers stay one.
    const path = this.#series.nextPath(frame);
    this.#series.frameTaken();
    using file = await Deno.open(path, { write: true, create: true, truncate: true });
    for (const part of parts) await writeAll(file, part);
    const c = this.#counters;
    c.frames++;
    c.files++;
    c.bytes += parts.reduce((n, p) => n + p.length, 0);
    c.lastFile = path;
  }

  /** The values of {@link WRITER_STATS_TYPES}. */
  stats(): Record<keyof typeof WRITER_STATS_TYPES, number | string> {
    return this.#counters.stats();
  }

  /** Zeroes the counters; file numbering goes on. */
  resetStats(): void {
    this.#counters.reset();
  }
}
