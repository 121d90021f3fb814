/**
 * numpy `.npy` files (format versions 1, 2 and 3): the header's dtype, order and shape, and the
 * pixels as a typed array, viewed in place when aligned and in this machine's byte order.
 *
 * @module
 */
import { ARRAY_CONSTRUCTORS, type NumericArray } from "../../mod.ts";
import { FrameInputError } from "./frame.ts";
import { SIM_DATATYPES, type SimDatatype } from "./options.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** numpy's type character and size for each datatype ("u1" is uint8). */
const NUMPY_CODES: Readonly<Record<string, SimDatatype>> = {
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  u2: "uint16",
  i4: "int32",
  u4: "uint32",
  f4: "float32",
  f8: "float64",
};

/** A parsed .npy file. */
export interface NpyArray {
  /** Element type. */
  datatype: SimDatatype;
  /** Shape, slowest axis first. */
  shape: number[];
  /** The elements in C order, in this machine's byte order. */
  data: NumericArray;
}

/** Byte order of a file's elements. */
export type ByteOrder = "little" | "big";

const HOST_ORDER: ByteOrder = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? "little" : "big";

/**
 * The elements of `bytes[offset..]` as `datatype`: a view when aligned and already in host order, else
 * one copy (byte-swapped when `order` differs from the host's).
 */
export function typedView(
  bytes: Uint8Array<ArrayBuffer>,
  offset: number,
  length: number,
  datatype: SimDatatype,
  order: ByteOrder,
): NumericArray {
  const C = ARRAY_CONSTRUCTORS[datatype];
  const width = C.BYTES_PER_ELEMENT;
  const start = bytes.byteOffset + offset;
  if (order === HOST_ORDER || width === 1) {
    if (start % width === 0) return new C(bytes.buffer, start, length);
    return new C(bytes.slice(offset, offset + length * width).buffer, 0, length);
  }
  const swapped = bytes.slice(offset, offset + length * width);
  for (let i = 0; i < swapped.length; i += width) swapped.subarray(i, i + width).reverse();
  return new C(swapped.buffer, 0, length);
}

function field(header: string, name: string, pattern: string, file: string): string {
  const m = new RegExp(`['"]${name}['"]\\s*:\\s*(${pattern})`).exec(header);
  if (m === null) throw new FrameInputError(`${file}: the .npy header has no usable '${name}'`);
  return m[1];
}

/**
 * Parses a whole .npy file.
 * @param file the file name, for error messages
 * @throws {FrameInputError} for a bad magic, an unknown version, a dtype outside {@link SIM_DATATYPES},
 * Fortran order, or fewer bytes than the shape needs
 * @example
 * ```ts ignore
 * import { parseNpy } from "./npy.ts";
 * const { shape, datatype } = parseNpy(Deno.readFileSync("frames.npy"), "frames.npy");
 * ```
 */
export function parseNpy(bytes: Uint8Array<ArrayBuffer>, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new FrameInputError(`${file}: not a .npy file (no \\x93NUMPY magic)`);
  }
  const major = bytes[6];
  if (major < 1 || major > 3) {
    throw new FrameInputError(`${file}: .npy format version ${major} is not 1, 2 or 3`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new FrameInputError(`${file}: truncated .npy header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > bytes.length) throw new FrameInputError(`${file}: truncated .npy header`);
  const decoder = new TextDecoder(major === 3 ? "utf-8" : "latin1");
  const header = decoder.decode(bytes.subarray(8 + lengthBytes, dataOffset));

  const descr = field(header, "descr", "'[^']*'|\"[^\"]*\"", file).slice(1, -1);
  const order = descr[0];
  const datatype = NUMPY_CODES[descr.slice(1)];
  if (!"<>|=".includes(order) || datatype === undefined) {
    throw new FrameInputError(`${file}: dtype '${descr}' is not one of ${SIM_DATATYPES.join(", ")}`);
  }
  if (field(header, "fortran_order", "True|False", file) === "True") {
    throw new FrameInputError(`${file}: Fortran-order arrays are not supported; save it in C order`);
  }
  const shapeText = field(header, "shape", "\\([^)]*\\)", file);
  const shape = shapeText.slice(1, -1).split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    throw new FrameInputError(`${file}: bad shape ${shapeText}`);
  }
  const length = shape.reduce((a, b) => a * b, 1);
  const needed = length * ARRAY_CONSTRUCTORS[datatype].BYTES_PER_ELEMENT;
  if (bytes.length - dataOffset < needed) {
    throw new FrameInputError(
      `${file}: shape (${shape.join(", ")}) of ${datatype} needs ${needed} bytes, the file holds ${
        bytes.length - dataOffset
      }`,
    );
  }
  const byteOrder = order === "<" ? "little" : order === ">" ? "big" : HOST_ORDER;
  return { datatype, shape, data: typedView(bytes, dataOffset, length, datatype, byteOrder) };
}
