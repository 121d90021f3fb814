/**
 * Writes frames one after the other into a raw file, with a JSON Lines index beside it: line n
 * describes frame n of the file as one JSON object, `offset` and `nbytes` of its pixels in the
 * raw file, `dtype` (numpy's name), `shape` in C order (our shape reversed, as numpy's `reshape`
 * takes it), `colorMode`, `uniqueId`, `timeStamp`, `dataTimeStamp` (`{secondsPastEpoch,
 * nanoseconds, userTag}`) and `attributes` (by name; 64-bit integers beyond 2^53 as decimal
 * strings, arrays as arrays). The pixels are in the host's byte order. Both files are appended
 * to: a frame is in the index only once its pixels are written, a restarted sandbox or a second
 * run goes on at the end of an existing file, and the offsets stay true. Publishes nothing.
 *
 * In Python: `a = numpy.fromfile(raw, dtype=e["dtype"], count=prod(e["shape"]), offset=e["offset"])`
 * then `a.reshape(e["shape"])` for each index entry `e`.
 *
 * Arguments:
 * - `directory` (required): the folder to write into, created if missing; grant it with
 *   `--processor-permissions write=DIR`.
 * - `pattern` (default `frames_{processorId}_{file:4}`): the files' name without extension,
 *   `.raw` and `.jsonl` are added; placeholders as for every writer (docs/processors.md), taken
 *   from the file's first frame.
 * - `framesPerFile` (default 0: no limit): start a new pair of files after this many frames.
 *
 * Statistics: `nFramesWritten`, `nBytesWritten`, `nFilesWritten` (raw files started), `lastFile`
 * (the raw file's path).
 *
 * @module
 */
import { type Frame, type Processor, type ProcessorArgs, processorMain } from "../runtime/processor/mod.ts";
import {
  cOrderShape,
  countArg,
  FileSeries,
  jsonSafe,
  pixelBytes,
  writeAll,
  WRITER_STATS_TYPES,
  WriterCounters,
} from "./support/mod.ts";

/** The open pair of files. */
interface OpenRaw {
  raw: Deno.FsFile;
  index: Deno.FsFile;
  path: string;
  /** Where the next frame's pixels go. */
  offset: number;
  frames: number;
}

/** Appends frames to a raw file and their descriptions to its JSON Lines index. */
export class WriteRaw implements Processor {
  /** Frames, bytes and files written; the latest raw file's path. */
  readonly statsTypes: typeof WRITER_STATS_TYPES = WRITER_STATS_TYPES;
  #series = new FileSeries("frames_{processorId}_{file:4}");
  #framesPerFile = 0;
  #open: OpenRaw | undefined;
  #counters = new WriterCounters();

  /** Reads `directory`, `pattern`, `framesPerFile`; the next frame starts a new pair of files. */
  async configure(args: ProcessorArgs): Promise<void> {
    this.#framesPerFile = countArg(args, "framesPerFile", this.#framesPerFile);
    await this.#series.configure(args);
    this.#close();
  }

  /** Appends the frame; publishes nothing. */
  async process(frame: Frame): Promise<void> {
    const pixels = pixelBytes(frame);
    const open = await this.#fileFor(frame);
    const entry = JSON.stringify({
      offset: open.offset,
      nbytes: pixels.length,
      dtype: frame.dtype,
      shape: cOrderShape(frame),
      colorMode: frame.colorMode,
      uniqueId: frame.uniqueId,
      timeStamp: frame.timeStamp,
      dataTimeStamp: frame.dataTimeStamp,
      attributes: frame.attributes,
    }, jsonSafe);
    const line = new TextEncoder().encode(entry + "\n");
    await writeAll(open.raw, pixels);
    await writeAll(open.index, line);
    open.offset += pixels.length;
    open.frames++;
    this.#series.frameTaken();
    this.#counters.frames++;
    this.#counters.bytes += pixels.length + line.length;
  }

  async #fileFor(frame: Frame): Promise<OpenRaw> {
    const full = this.#open !== undefined && this.#framesPerFile > 0 &&
      this.#open.frames >= this.#framesPerFile;
    if (full) this.#close();
    if (this.#open !== undefined) return this.#open;
    const base = this.#series.nextPath(frame);
    const append = { write: true, create: true, append: true };
    const raw = await Deno.open(`${base}.raw`, append);
    const index = await Deno.open(`${base}.jsonl`, append).catch((e) => {
      raw.close();
      throw e;
    });
    const offset = await raw.seek(0, Deno.SeekMode.End);
    this.#open = { raw, index, path: `${base}.raw`, offset, frames: 0 };
    this.#counters.files++;
    this.#counters.lastFile = this.#open.path;
    return this.#open;
  }

  #close(): void {
    this.#open?.raw.close();
    this.#open?.index.close();
    this.#open = undefined;
  }

  /** Frames, bytes and files written, the latest file. */
  stats(): Record<string, number | string> {
    return this.#counters.stats();
  }

  /** Zeroes the counters; file numbering goes on. */
  resetStats(): void {
    this.#counters.reset();
  }

  /** Closes the files. */
  stop(): void {
    this.#close();
  }
}

// `deno run -A processors/write_raw.ts --input-channel ... --processor-args '{"directory": "/out"}'
//  --processor-permissions write=/out` runs a consumer with this processor.
if (import.meta.main) await processorMain(import.meta.url, { className: "WriteRaw" });
