/**
 * Raw binary input described by a small YAML file, in the layout of PvaPy's `--config-file`:
 *
 * ```yaml
 * file_info:
 *   datatype: uint16      # one of int8 uint8 int16 uint16 int32 uint32 float32 float64
 *   width: 640            # nx
 *   height: 480           # ny
 *   endian: "<"           # "<" or "little" (default), ">" or "big"
 *   header_offset: 0      # bytes skipped at the start of each file (default 0)
 *   between_frames: 0     # bytes skipped between frames (default 0)
 *   n_images: 10          # frames per file (default: as many as the file holds)
 *   ordered_files: [a.raw, b.raw]  # optional: these files, in this order, instead of the input options
 * ```
 *
 * @module
 */
import { parse } from "yaml";
import { ARRAY_CONSTRUCTORS } from "../../mod.ts";
import { frameDims, FrameInputError, type FrameSource, shapeText } from "./frame.ts";
import { type ByteOrder, typedView } from "./npy.ts";
import { SIM_DATATYPES, type SimColorMode, type SimDatatype } from "./options.ts";

/** A checked raw-file description. */
export interface RawDescription {
  /** Element type. */
  datatype: SimDatatype;
  /** Frame width (nx). */
  width: number;
  /** Frame height (ny). */
  height: number;
  /** Byte order of the file. */
  byteOrder: ByteOrder;
  /** Bytes before the first frame. */
  headerOffset: number;
  /** Bytes between frames. */
  betweenFrames: number;
  /** Frames per file; null: as many as fit. */
  nImages: number | null;
  /** Files named by the description itself, or null. */
  orderedFiles: string[] | null;
}

const KEYS = [
  "datatype",
  "width",
  "height",
  "endian",
  "header_offset",
  "between_frames",
  "n_images",
  "ordered_files",
];

/**
 * Reads a raw-file description from YAML text.
 * @param file the YAML file, for error messages
 * @throws {FrameInputError} naming the file and the key that is missing or wrong
 * @example
 * ```ts
 * import { parseRawDescription } from "./raw.ts";
 * parseRawDescription("file_info: {datatype: uint16, width: 4, height: 2}", "d.yaml").byteOrder; // "little"
 * ```
 */
export function parseRawDescription(text: string, file: string): RawDescription {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new FrameInputError(`${file}: not YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const info = (doc as { file_info?: unknown } | null)?.file_info;
  if (typeof info !== "object" || info === null || Array.isArray(info)) {
    throw new FrameInputError(`${file}: expected a 'file_info' mapping`);
  }
  const d = info as Record<string, unknown>;
  const unknown = Object.keys(d).find((k) => !KEYS.includes(k));
  if (unknown !== undefined) throw new FrameInputError(`${file}: unknown key file_info.${unknown}`);
  const count = (key: string, min: number, fallback?: number): number => {
    const v = d[key] ?? fallback;
    if (!Number.isSafeInteger(v) || (v as number) < min) {
      throw new FrameInputError(`${file}: file_info.${key} must be an integer >= ${min}, not ${String(v)}`);
    }
    return v as number;
  };
  if (!SIM_DATATYPES.includes(d.datatype as SimDatatype)) {
    throw new FrameInputError(
      `${file}: file_info.datatype must be one of ${SIM_DATATYPES.join(", ")}, not ${String(d.datatype)}`,
    );
  }
  const endian = d.endian ?? "<";
  if (!["<", ">", "little", "big"].includes(endian as string)) {
    throw new FrameInputError(
      `${file}: file_info.endian must be "<", ">", little or big, not ${String(endian)}`,
    );
  }
  const files = d.ordered_files ?? null;
  if (files !== null && !(Array.isArray(files) && files.every((f) => typeof f === "string"))) {
    throw new FrameInputError(`${file}: file_info.ordered_files must be a list of file names`);
  }
  return {
    datatype: d.datatype as SimDatatype,
    width: count("width", 1),
    height: count("height", 1),
    byteOrder: endian === "<" || endian === "little" ? "little" : "big",
    headerOffset: count("header_offset", 0, 0),
    betweenFrames: count("between_frames", 0, 0),
    nImages: d.n_images === undefined || d.n_images === null ? null : count("n_images", 1),
    orderedFiles: files as string[] | null,
  };
}

/**
 * The frames of one raw file's bytes: each is width × height (× 3 in a color mode) elements in wire order.
 * @param file the file name, for error messages and the report
 * @throws {FrameInputError} when the file is shorter than the description says
 */
export function rawFrames(
  bytes: Uint8Array<ArrayBuffer>,
  desc: RawDescription,
  colorMode: SimColorMode,
  file: string,
): FrameSource {
  const dims = frameDims(desc.width, desc.height, colorMode);
  const n = dims.reduce((a, b) => a * b, 1);
  const frameBytes = n * ARRAY_CONSTRUCTORS[desc.datatype].BYTES_PER_ELEMENT;
  const stride = frameBytes + desc.betweenFrames;
  const fit = Math.max(0, Math.floor((bytes.length - desc.headerOffset + desc.betweenFrames) / stride));
  const count = desc.nImages ?? fit;
  if (count > fit || count === 0) {
    throw new FrameInputError(
      `${file}: ${
        desc.nImages ?? 1
      } frame(s) of ${frameBytes} bytes after ${desc.headerOffset} header bytes ` +
        `need more than the file's ${bytes.length} bytes`,
    );
  }
  return {
    count,
    description: `${count} ${shapeText(dims, desc.datatype, colorMode)} frames from ${file}`,
    frame: (i) => ({
      data: typedView(bytes, desc.headerOffset + i * stride, n, desc.datatype, desc.byteOrder),
      dims,
      colorMode,
    }),
  };
}
