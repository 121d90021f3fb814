/**
 * Writes frames into HDF5 files, `framesPerFile` frames each, readable by h5py. A file holds:
 * - `/data`: the frames, shape `(n, *frame)` with each frame in C order (our shape reversed: a
 *   mono `[nx, ny]` frame is `(ny, nx)`, RGB1 `[3, nx, ny]` is `(ny, nx, 3)`), the frame's
 *   dtype, chunked one frame per chunk; its attribute `colorMode`;
 * - `/uniqueId` (int32), `/timeStamp` and `/dataTimeStamp` (groups of `secondsPastEpoch`
 *   int64, `nanoseconds` and `userTag` int32), one entry per frame;
 * - `/attributes`: each frame's attributes as a JSON object (variable-length UTF-8 strings; 64-bit
 *   integers beyond 2^53 as decimal strings).
 *
 * The file is built in memory by h5wasm (HDF5 compiled to WebAssembly, which has its own
 * in-memory file system) and written to `directory` with Deno's file API once complete: after
 * `framesPerFile` frames, when a frame of another dtype, shape or colour mode arrives, on a
 * `configure`, and on `stop`. A file therefore appears whole or not at all; a sandbox that is
 * killed (time limit, crash) loses the frames of its unfinished file. Publishes nothing.
 *
 * Arguments:
 * - `directory` (required): the folder to write into, created if missing; grant it with
 *   `--processor-permissions write=DIR`.
 * - `pattern` (default `frames_{processorId}_{file:4}.h5`): the file name, placeholders as for
 *   every writer (docs/processors.md), taken from the file's first frame.
 * - `framesPerFile` (default 100): frames per file; they are held in memory until the file is
 *   written (WebAssembly memory stops at 4 GiB).
 *
 * Statistics: `nFramesWritten` (frames in files written), `nBytesWritten`, `nFilesWritten`,
 * `lastFile`.
 *
 * @module
 */
import h5wasm, { type Dataset, type File as H5File } from "h5wasm";
import {
  type DType,
  type Frame,
  type Processor,
  type ProcessorArgs,
  processorMain,
} from "../runtime/processor/mod.ts";
import {
  BYTE_ORDER,
  cOrderShape,
  countArg,
  FileSeries,
  jsonSafe,
  pixelBytes,
  WRITER_STATS_TYPES,
  WriterCounters,
} from "./support/mod.ts";

/** h5wasm's (struct-module style) type code of each dtype. */
const H5_CODES: Record<DType, string> = {
  int8: "b",
  uint8: "B",
  int16: "h",
  uint16: "H",
  int32: "i",
  uint32: "I",
  int64: "q",
  uint64: "Q",
  float32: "f",
  float64: "d",
};

/** The file being filled: its frames' kind and their per-frame metadata. */
interface OpenFile {
  file: H5File;
  /** Its name in h5wasm's in-memory file system. */
  memName: string;
  /** Its path on disk. */
  path: string;
  /** dtype, shape and colour mode of its frames. */
  kind: string;
  frameShape: number[];
  uniqueId: number[];
  timeStamp: Frame["timeStamp"][];
  dataTimeStamp: Frame["timeStamp"][];
  attributes: string[];
}

/** Writes frames into HDF5 files of `framesPerFile` frames. */
export class WriteHdf5 implements Processor {
  /** Frames, bytes and files written; the latest file's path. */
  readonly statsTypes: typeof WRITER_STATS_TYPES = WRITER_STATS_TYPES;
  #series = new FileSeries("frames_{processorId}_{file:4}.h5");
  #framesPerFile = 100;
  #memFiles = 0;
  #open: OpenFile | undefined;
  #counters = new WriterCounters();

  /** Reads `directory`, `pattern`, `framesPerFile`; writes the unfinished file first. */
  async configure(args: ProcessorArgs): Promise<void> {
    await this.#finish();
    this.#framesPerFile = countArg(args, "framesPerFile", this.#framesPerFile, { min: 1 });
    await this.#series.configure(args);
    await h5wasm.ready;
  }

  /** Adds the frame to the current file, writing the file once it is full; publishes nothing. */
  async process(frame: Frame): Promise<void> {
    pixelBytes(frame); // refuses compressed frames
    const kind = `${frame.dtype} [${frame.shape}] ${frame.colorMode}`;
    if (this.#open !== undefined && this.#open.kind !== kind) await this.#finish();
    const open = this.#open ?? this.#start(frame, kind);
    const n = open.uniqueId.length;
    const data = open.file.get("data") as Dataset;
    data.resize([n + 1, ...open.frameShape]);
    data.write_slice([[n, n + 1]], frame.data);
    open.uniqueId.push(frame.uniqueId);
    open.timeStamp.push(frame.timeStamp);
    open.dataTimeStamp.push(frame.dataTimeStamp);
    open.attributes.push(JSON.stringify(frame.attributes, jsonSafe));
    this.#series.frameTaken();
    if (open.uniqueId.length >= this.#framesPerFile) await this.#finish();
  }

  #start(frame: Frame, kind: string): OpenFile {
    const path = this.#series.nextPath(frame);
    // Unique in h5wasm's file system, whatever the pattern makes of the name.
    const memName = `/pvastream-${this.#memFiles++}.h5`;
    const h5 = new h5wasm.File(memName, "w");
    const frameShape = cOrderShape(frame);
    const data = h5.create_dataset({
      name: "data",
      data: frame.data.subarray(0, 0), // of the element type: h5wasm converts anything else
      shape: [0, ...frameShape],
      maxshape: [null, ...frameShape],
      chunks: [1, ...frameShape.map((s) => Math.max(s, 1))],
      dtype: `${BYTE_ORDER}${H5_CODES[frame.dtype]}`,
    });
    data.create_attribute("colorMode", frame.colorMode, null, "<i4");
    this.#open = {
      file: h5,
      memName,
      path,
      kind,
      frameShape,
      uniqueId: [],
      timeStamp: [],
      dataTimeStamp: [],
      attributes: [],
    };
    return this.#open;
  }

  /** Adds the per-frame metadata, closes the in-memory file and writes it to disk. */
  async #finish(): Promise<void> {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    const { FS } = await h5wasm.ready;
    try {
      const f = open.file;
      f.create_dataset({ name: "uniqueId", data: Int32Array.from(open.uniqueId), dtype: "<i4" });
      for (
        const [group, stamps] of [["timeStamp", open.timeStamp], [
          "dataTimeStamp",
          open.dataTimeStamp,
        ]] as const
      ) {
        const g = f.create_group(group);
        g.create_dataset({
          name: "secondsPastEpoch",
          data: BigInt64Array.from(stamps, (s) => s.secondsPastEpoch),
          dtype: "<q",
        });
        g.create_dataset({
          name: "nanoseconds",
          data: Int32Array.from(stamps, (s) => s.nanoseconds),
          dtype: "<i4",
        });
        g.create_dataset({ name: "userTag", data: Int32Array.from(stamps, (s) => s.userTag), dtype: "<i4" });
      }
      f.create_dataset({ name: "attributes", data: open.attributes });
      f.close();
      const bytes = FS!.readFile(open.memName) as Uint8Array;
      await Deno.writeFile(open.path, bytes);
      const c = this.#counters;
      c.frames += open.uniqueId.length;
      c.bytes += bytes.length;
      c.files++;
      c.lastFile = open.path;
    } finally {
      FS!.unlink(open.memName);
    }
  }

  /** Frames, bytes and files written, the latest file. */
  stats(): Record<string, number | string> {
    return this.#counters.stats();
  }

  /** Zeroes the counters; file numbering goes on. */
  resetStats(): void {
    this.#counters.reset();
  }

  /** Writes the unfinished file. */
  stop(): Promise<void> {
    return this.#finish();
  }
}

// `deno run -A processors/write_hdf5.ts --input-channel ... --processor-args '{"directory": "/out"}'
//  --processor-permissions write=/out` runs a consumer with this processor.
if (import.meta.main) await processorMain(import.meta.url, { className: "WriteHdf5" });
