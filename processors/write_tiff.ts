/**
 * Writes every frame to its own TIFF file: baseline TIFF 6.0, uncompressed, one strip, in the
 * host's byte order (`II` on little-endian hosts). Mono frames (`[nx, ny]`) become greyscale
 * images; RGB frames (colour modes 2, 3, 4) become RGB images with the three samples of a
 * pixel side by side (RGB1 as it is, RGB2 and RGB3 rearranged). Every dtype is written with
 * its own width and SampleFormat (unsigned, signed, float); 8-, 16- and 32-bit integers and
 * float32 are what common TIFF readers take, 64-bit ones need a reader such as tifffile. The
 * ImageDescription tag holds the frame's uniqueId, time stamps and attributes as JSON.
 * Publishes nothing.
 *
 * Arguments:
 * - `directory` (required): the folder to write into, created if missing; grant it with
 *   `--processor-permissions write=DIR`.
 * - `pattern` (default `frame_{uniqueId:6}.tiff`): the file name, placeholders as for every
 *   writer (docs/processors.md).
 *
 * Statistics: `nFramesWritten`, `nBytesWritten`, `nFilesWritten`, `lastFile`.
 *
 * @module
 */
import {
  type DType,
  type Frame,
  type FrameData,
  type Processor,
  type ProcessorArgs,
  processorMain,
} from "../runtime/processor/mod.ts";
import { HOST_LITTLE_ENDIAN } from "../protocol/pvdata/mod.ts";
import { FilePerFrame, jsonSafe, pixelBytes, WRITER_STATS_TYPES } from "./support/mod.ts";

const SHORT = 3;
const LONG = 4;
const ASCII = 2;
const RATIONAL = 5;

/** TIFF SampleFormat: 1 unsigned, 2 signed, 3 IEEE float. */
function sampleFormat(dtype: DType): number {
  return dtype.startsWith("float") ? 3 : dtype.startsWith("u") ? 1 : 2;
}

/** A TIFF image: its size, samples per pixel and the pixel bytes, samples of a pixel together. */
export interface TiffImage {
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
  /** 1 (grey) or 3 (RGB). */
  samplesPerPixel: 1 | 3;
  /** Element type of a sample. */
  dtype: DType;
  /** The pixels, row by row, in host byte order. */
  pixels: Uint8Array;
  /** ImageDescription text (ASCII). */
  description: string;
}

/**
 * A frame as a TIFF image: mono `[nx, ny]` (or `[n]`, one row) as grey, colour modes 2, 3 and
 * 4 as RGB with the samples interleaved (RGB2 and RGB3 frames are copied into that order).
 * @throws {TypeError} for any other shape
 */
export function tiffImage(frame: Frame): TiffImage {
  const { shape, colorMode } = frame;
  const description = JSON.stringify({
    uniqueId: frame.uniqueId,
    timeStamp: frame.timeStamp,
    dataTimeStamp: frame.dataTimeStamp,
    colorMode,
    attributes: frame.attributes,
  }, jsonSafe).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const rgb = (width: number, height: number, data: FrameData) => ({
    width,
    height,
    samplesPerPixel: 3 as const,
    dtype: frame.dtype,
    pixels: pixelBytes({ ...frame, data }),
    description,
  });
  if (colorMode === 2 && shape.length === 3 && shape[0] === 3) return rgb(shape[1], shape[2], frame.data);
  if (colorMode === 3 && shape.length === 3 && shape[1] === 3) {
    return rgb(
      shape[0],
      shape[2],
      interleave(frame.data, shape[0], shape[2], { row: 3 * shape[0], plane: shape[0] }),
    );
  }
  if (colorMode === 4 && shape.length === 3 && shape[2] === 3) {
    return rgb(
      shape[0],
      shape[1],
      interleave(frame.data, shape[0], shape[1], { row: shape[0], plane: shape[0] * shape[1] }),
    );
  }
  if (shape.length <= 2 && colorMode !== 2 && colorMode !== 3 && colorMode !== 4) {
    const [width = 1, height = 1] = shape;
    return { width, height, samplesPerPixel: 1, dtype: frame.dtype, pixels: pixelBytes(frame), description };
  }
  throw new TypeError(
    `frame ${frame.uniqueId}: shape [${shape}] with colour mode ${colorMode} is neither a mono image nor RGB1/2/3`,
  );
}

/**
 * RGB2 or RGB3 pixels in RGB1 order: colour c of pixel (x, y) is at `x + y * step.row + c *
 * step.plane` (RGB2: rows of the three colours follow each other; RGB3: whole planes do).
 */
function interleave(
  data: FrameData,
  nx: number,
  ny: number,
  step: { row: number; plane: number },
): FrameData {
  const out = new (data.constructor as { new (n: number): FrameData })(data.length);
  const src = data as unknown as ArrayLike<number>;
  const dst = out as unknown as { [i: number]: number };
  for (let y = 0; y < ny; y++) {
    for (let c = 0; c < 3; c++) {
      const from = y * step.row + c * step.plane;
      for (let x = 0; x < nx; x++) dst[3 * (x + nx * y) + c] = src[from + x];
    }
  }
  return out;
}

/**
 * The bytes of a TIFF file before its pixels: header, one IFD, and the values too long to sit
 * in the IFD; the pixels follow at the returned length (aligned to 16 bytes).
 * @throws {RangeError} when the file would pass 4 GiB, the limit of classic TIFF's offsets
 */
export function tiffHeader(image: TiffImage): Uint8Array {
  const { width, height, samplesPerPixel: spp, dtype } = image;
  const bits = image.pixels.length * 8 / (width * height * spp);
  const description = new TextEncoder().encode(image.description + "\0");
  const software = new TextEncoder().encode("pvastream\0");
  type Entry = [tag: number, type: number, values: number[] | Uint8Array];
  const entries: Entry[] = [
    [256, LONG, [width]],
    [257, LONG, [height]],
    [258, SHORT, Array(spp).fill(bits)],
    [259, SHORT, [1]], // no compression
    [262, SHORT, [spp === 3 ? 2 : 1]], // RGB, or grey with 0 as black
    [270, ASCII, description],
    [273, LONG, [0]], // strip offset: set below
    [277, SHORT, [spp]],
    [278, LONG, [height]], // one strip
    [279, LONG, [image.pixels.length]],
    [282, RATIONAL, [1, 1]],
    [283, RATIONAL, [1, 1]],
    [284, SHORT, [1]], // samples of a pixel together
    [296, SHORT, [1]], // no resolution unit
    [305, ASCII, software],
    [339, SHORT, Array(spp).fill(sampleFormat(dtype))],
  ];
  const size = (type: number) => type === SHORT ? 2 : type === LONG ? 4 : type === RATIONAL ? 4 : 1;
  const ifdEnd = 8 + 2 + entries.length * 12 + 4;
  let extra = ifdEnd;
  const placed = entries.map(([, type, values]) => {
    const bytes = values.length * size(type);
    if (bytes <= 4) return -1;
    const at = extra;
    extra += bytes + (bytes & 1); // values start on a word boundary
    return at;
  });
  const pixelsAt = Math.ceil(extra / 16) * 16;
  if (pixelsAt + image.pixels.length > 0xffffffff) {
    throw new RangeError(`a ${image.pixels.length}-byte frame does not fit a classic TIFF file (4 GiB)`);
  }
  entries[6][2] = [pixelsAt];
  const out = new Uint8Array(pixelsAt);
  const v = new DataView(out.buffer);
  const le = HOST_LITTLE_ENDIAN;
  out.set(le ? [0x49, 0x49] : [0x4d, 0x4d]);
  v.setUint16(2, 42, le);
  v.setUint32(4, 8, le);
  v.setUint16(8, entries.length, le);
  entries.forEach(([tag, type, values], i) => {
    const at = 10 + i * 12;
    v.setUint16(at, tag, le);
    v.setUint16(at + 2, type, le);
    v.setUint32(at + 4, type === RATIONAL ? values.length / 2 : values.length, le);
    let p = placed[i] < 0 ? at + 8 : placed[i];
    if (placed[i] >= 0) v.setUint32(at + 8, placed[i], le);
    if (values instanceof Uint8Array) return out.set(values, p);
    for (const x of values) {
      if (type === SHORT) v.setUint16(p, x, le);
      else v.setUint32(p, x, le);
      p += size(type);
    }
  });
  return out;
}

/** Writes each frame as one TIFF file. */
export class WriteTiff implements Processor {
  /** Frames, bytes and files written; the latest file's path. */
  readonly statsTypes: typeof WRITER_STATS_TYPES = WRITER_STATS_TYPES;
  #files = new FilePerFrame("frame_{uniqueId:6}.tiff");

  /** Reads `directory`, `pattern`; creates the directory. */
  configure(args: ProcessorArgs): Promise<void> {
    return this.#files.configure(args);
  }

  /** Writes the frame's file; publishes nothing. */
  process(frame: Frame): Promise<void> {
    const image = tiffImage(frame);
    return this.#files.write(frame, [tiffHeader(image), image.pixels]);
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

// `deno run -A processors/write_tiff.ts --input-channel ... --processor-args '{"directory": "/out"}'
//  --processor-permissions write=/out` runs a consumer with this processor.
if (import.meta.main) await processorMain(import.meta.url, { className: "WriteTiff" });
