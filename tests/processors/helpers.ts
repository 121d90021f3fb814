/**
 * What the processor tests share: frames of every dtype and colour mode with values spanning
 * each type's range, a writer processor run in its sandbox with write access to a temporary
 * directory, and the Python side reading the written files back (py/read_written.py).
 *
 * @module
 */
import {
  ARRAY_CONSTRUCTORS,
  type DType,
  type Frame,
  frameFromNTNDArray,
  ntAttribute,
  ntNDArray,
  type NumericArray,
  parsePermissions,
  type ProcessorArgs,
  type ProcessorHost,
  scalar,
  scalarArray,
} from "../../mod.ts";
import { runPython } from "../interop/peers.ts";
import { withHost } from "../runtime/processor/helpers.ts";

export { DTYPES } from "./images.ts";

/** The built-in processor `name`'s module path. */
export function processorFile(name: string): string {
  return new URL(`../../processors/${name}`, import.meta.url).pathname;
}

const INTEGER_RANGE: Partial<Record<DType, [bigint, bigint]>> = {
  int8: [-128n, 127n],
  uint8: [0n, 255n],
  int16: [-32768n, 32767n],
  uint16: [0n, 65535n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/**
 * `n` samples of `dtype` that differ from one index to the next and include the type's extremes
 * (the first two samples): a wrong byte order, width or sign shows in the values read back.
 */
export function samples(dtype: DType, n: number, seed = 0): NumericArray {
  const range = INTEGER_RANGE[dtype];
  if (range === undefined) {
    const big = dtype === "float32" ? 3.0e38 : 1.0e300;
    const values = Array.from(
      { length: n },
      (_, i) => i === 0 ? -big : i === 1 ? big : (i * 37 + seed) * 0.25 - 100,
    );
    return (ARRAY_CONSTRUCTORS[dtype] as Float64ArrayConstructor).from(values);
  }
  const [lo, hi] = range;
  const span = hi - lo + 1n;
  const values = Array.from(
    { length: n },
    (_, i) => i === 0 ? lo : i === 1 ? hi : lo + (BigInt(i * 2654435761 + seed) % span),
  );
  const C = ARRAY_CONSTRUCTORS[dtype];
  return dtype.endsWith("64")
    ? (C as BigInt64ArrayConstructor).from(values)
    : (C as Int32ArrayConstructor).from(values, Number);
}

/** The shape of an nx × ny image in a colour mode (0 mono, 2 RGB1, 3 RGB2, 4 RGB3). */
export function imageShape(colorMode: number, nx: number, ny: number): number[] {
  switch (colorMode) {
    case 2:
      return [3, nx, ny];
    case 3:
      return [nx, 3, ny];
    case 4:
      return [nx, ny, 3];
    default:
      return [nx, ny];
  }
}

/** How {@link testImage} builds a frame. */
export interface TestImageOptions {
  dtype: DType;
  /** 0 mono (default), 2 RGB1, 3 RGB2, 4 RGB3. */
  colorMode?: number;
  nx?: number;
  ny?: number;
  uniqueId?: number;
}

/**
 * A frame of {@link samples}, with a ColorMode attribute (int32), a string, a float64 and an
 * int64 attribute, and time stamps that differ per frame.
 */
export function testImage({ dtype, colorMode = 0, nx = 5, ny = 3, uniqueId = 1 }: TestImageOptions): Frame {
  const shape = imageShape(colorMode, nx, ny);
  const data = samples(dtype, shape.reduce((a, b) => a * b, 1), uniqueId);
  return frameFromNTNDArray(ntNDArray({
    data,
    dims: shape,
    uniqueId,
    timeStamp: {
      secondsPastEpoch: 1_700_000_000n + BigInt(uniqueId),
      nanoseconds: 1000 * uniqueId,
      userTag: 3,
    },
    dataTimeStamp: { secondsPastEpoch: 1_600_000_000n + BigInt(uniqueId), nanoseconds: 7, userTag: 0 },
    attributes: [
      ntAttribute("ColorMode", { type: scalar("int32"), value: colorMode }),
      ntAttribute("detector", { type: scalar("string"), value: `det-${uniqueId}` }),
      ntAttribute("exposure", { type: scalar("float64"), value: 0.125 * uniqueId }),
      ntAttribute("counter", { type: scalar("int64"), value: 2n ** 60n + BigInt(uniqueId) }),
      ntAttribute("roi", { type: scalarArray("uint16"), value: new Uint16Array([1, 2, uniqueId]) }),
    ],
  }));
}

/**
 * The metadata a writer stores with a {@link testImage} frame, as the Python side reads it back
 * from JSON: time stamps with plain seconds, the int64 counter (beyond 2^53) as a decimal string.
 */
export function writtenMetadata(f: Frame) {
  return {
    uniqueId: f.uniqueId,
    timeStamp: { ...f.timeStamp, secondsPastEpoch: Number(f.timeStamp.secondsPastEpoch) },
    dataTimeStamp: { ...f.dataTimeStamp, secondsPastEpoch: Number(f.dataTimeStamp.secondsPastEpoch) },
    colorMode: f.colorMode,
    attributes: {
      ColorMode: f.colorMode,
      detector: f.attributes.detector,
      exposure: f.attributes.exposure,
      counter: String(f.attributes.counter),
      roi: [...f.attributes.roi as Uint16Array],
    },
  };
}

/**
 * A copy of a frame's pixels as plain values (the frame's own move to the sandbox), 64-bit ones
 * as the Python side's JSON reads (numbers up to 2^53, bigints beyond).
 */
export function values(frame: Frame): (number | bigint)[] {
  return Array.from(
    frame.data as ArrayLike<number | bigint>,
    (v) => typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v,
  );
}

/**
 * Runs a writer (`processors/NAME`) in its sandbox, granted only `write=` a fresh temporary
 * directory, which `args.directory` names; the directory is removed afterwards.
 */
export async function withWriter(
  name: string,
  args: ProcessorArgs,
  body: (host: ProcessorHost, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pvastream-writer-" });
  try {
    await withHost({
      file: processorFile(name),
      args: { directory: `${dir}/out`, ...args },
      permissions: parsePermissions([`write=${dir}/out`]),
      startLimitMs: 120_000,
    }, (host) => body(host, `${dir}/out`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One array as the Python side read it: numpy's dtype name, C-order shape, flat values. */
export interface ReadArray {
  dtype: string;
  shape: number[];
  values: (number | bigint)[];
  /** What else the format carries (index entry, TIFF tags, HDF5 datasets), by reader. */
  meta?: Record<string, unknown>;
}

/**
 * Reads written files with numpy, tifffile or h5py (py/read_written.py): `npy` and `tiff` one
 * array per file, `raw` every frame an index lists, `h5` every frame of each file.
 */
export async function readBack(kind: "npy" | "tiff" | "raw" | "h5", paths: string[]): Promise<ReadArray[]> {
  const script = new URL("./py/read_written.py", import.meta.url).pathname;
  const { code, stderr, documents } = await runPython(script, [kind, ...paths], { timeoutMs: 60_000 });
  if (code !== 0) throw new Error(`read_written.py ${kind} exited with ${code}:\n${stderr}`);
  return documents as ReadArray[];
}

/** Sorted file names in a directory. */
export async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}
