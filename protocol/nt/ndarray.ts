/**
 * NTNDArray (areaDetector images): the type, built once, and a per-frame value builder.
 *
 * @module
 */
import {
  type NumericArray,
  type NumericType,
  scalar,
  SCALAR_TYPES,
  SCALAR_WIDTH,
  scalarArray,
  type ScalarType,
  struct,
  structArray,
  type StructureDesc,
  type Typed,
  union,
} from "../pvdata/mod.ts";
import { isTyped } from "./access.ts";
import { typedArrayType } from "./arrays.ts";
import { NT_ATTRIBUTE_T, NT_ATTRIBUTE_T_PVXS, type NTAttribute } from "./attribute.ts";
import {
  type Alarm,
  alarm,
  ALARM_T,
  type Codec,
  CODEC_T,
  dimension,
  DIMENSION_T,
  type Display,
  display,
  DISPLAY_T,
  TIME_T,
  type TimeStamp,
  timeStamp,
} from "./common.ts";
import { NTError } from "./errors.ts";
import { timeStampNow } from "./time.ts";

/** Type id of NTNDArray. */
export const NT_NDARRAY_ID = "epics:nt/NTNDArray:1.0";

/** The `value` union member holding each element type. */
export const NDARRAY_MEMBERS: Readonly<Record<Exclude<ScalarType, "string">, string>> = {
  bool: "booleanValue",
  int8: "byteValue",
  int16: "shortValue",
  int32: "intValue",
  int64: "longValue",
  uint8: "ubyteValue",
  uint16: "ushortValue",
  uint32: "uintValue",
  uint64: "ulongValue",
  float32: "floatValue",
  float64: "doubleValue",
};

const VALUE_UNION = union(
  "",
  Object.fromEntries(Object.entries(NDARRAY_MEMBERS).map(([t, m]) => [m, scalarArray(t as ScalarType)])),
);

/**
 * The NTNDArray type in normativeTypesCPP order, with the descriptor, alarm, timeStamp and
 * display that ADCore's NDPluginPva adds. One shared object: building a frame builds no type.
 */
export const ntNDArrayType: StructureDesc = struct(NT_NDARRAY_ID, {
  value: VALUE_UNION,
  codec: CODEC_T,
  compressedSize: scalar("int64"),
  uncompressedSize: scalar("int64"),
  dimension: structArray(DIMENSION_T),
  uniqueId: scalar("int32"),
  dataTimeStamp: TIME_T,
  attribute: structArray(NT_ATTRIBUTE_T),
  descriptor: scalar("string"),
  alarm: ALARM_T,
  timeStamp: TIME_T,
  display: DISPLAY_T,
});

/** The NTNDArray type in pvxs order (as ADCore's NDPluginPvxs sends it); values built for
 * {@link ntNDArrayType} encode with it too. */
export const ntNDArrayTypePvxs: StructureDesc = struct(NT_NDARRAY_ID, {
  value: VALUE_UNION,
  codec: CODEC_T,
  compressedSize: scalar("int64"),
  uncompressedSize: scalar("int64"),
  uniqueId: scalar("int32"),
  dataTimeStamp: TIME_T,
  alarm: ALARM_T,
  timeStamp: TIME_T,
  dimension: structArray(DIMENSION_T),
  attribute: structArray(NT_ATTRIBUTE_T_PVXS),
});

/** What a frame is made of. */
export interface NTNDArrayOptions {
  /** The elements, x fastest; for a compressed frame, the compressed bytes. */
  data: NumericArray;
  /** Axis sizes, fastest-varying (x) first. */
  dims: number[];
  /** Frame number. Default 0. */
  uniqueId?: number;
  /** Publication time. Default: now. */
  timeStamp?: Partial<TimeStamp>;
  /** Acquisition time. Default: the publication time. */
  dataTimeStamp?: Partial<TimeStamp>;
  /** Attributes, as built by `ntAttribute` or as bare values. */
  attributes?: readonly (Typed<NTAttribute> | NTAttribute)[];
  /** Compression; `parameters` holds the int32 ScalarType code of the uncompressed elements. */
  codec?: Codec;
  /** Bytes after decompression; by default the product of `dims` × the element size. */
  uncompressedSize?: number;
  /** Descriptor text. */
  descriptor?: string;
  /** Alarm state. */
  alarm?: Partial<Alarm>;
  /** Display information. */
  display?: Partial<Display>;
}

const NO_CODEC: Codec = { name: "", parameters: { type: null, value: null } };

/** The element type a codec's parameters name (an integer ScalarType code), if usable. */
export function codecElementType(codec: Codec): NumericType | undefined {
  const code = codec.parameters.value;
  if (typeof code !== "number" && typeof code !== "bigint") return undefined;
  const t = SCALAR_TYPES[Number(code)];
  return t === undefined || t === "bool" || t === "string" ? undefined : t;
}

function uncompressedSize(opts: NTNDArrayOptions, elements: number): number {
  if (opts.uncompressedSize !== undefined) return opts.uncompressedSize;
  const { codec, data } = opts;
  if (!codec?.name) {
    if (elements !== data.length) {
      throw new NTError(
        "NTNDArray",
        "dimension",
        `dims describe ${elements} elements, data has ${data.length}`,
      );
    }
    return data.byteLength;
  }
  const t = codecElementType(codec);
  if (t === undefined) {
    throw new NTError("NTNDArray", "uncompressedSize", `codec ${codec.name} names no element type: give it`);
  }
  return elements * SCALAR_WIDTH[t];
}

/**
 * An NTNDArray frame. compressedSize is the data's byte length; uncompressedSize the
 * product of `dims` × element size (of the codec's element type when compressed).
 * @throws {NTError} when `dims` do not match uncompressed data, compressed data is not a
 * Uint8Array, or the uncompressed size cannot be told
 * @example
 * ```ts
 * import { ntNDArray } from "./ndarray.ts";
 * const frame = ntNDArray({ data: new Uint16Array(640 * 480), dims: [640, 480], uniqueId: 1 });
 * ```
 */
export function ntNDArray(opts: NTNDArrayOptions): Typed {
  const { data, dims } = opts;
  if (opts.codec?.name && !(data instanceof Uint8Array)) {
    throw new NTError("NTNDArray", "value", `${opts.codec.name}-compressed data must be a Uint8Array`);
  }
  const elements = dims.reduce((a, b) => a * b, 1);
  const ts = timeStamp(opts.timeStamp ?? timeStampNow());
  return {
    type: ntNDArrayType,
    value: {
      value: { name: NDARRAY_MEMBERS[typedArrayType(data)], value: data },
      codec: opts.codec ?? NO_CODEC,
      compressedSize: BigInt(data.byteLength),
      uncompressedSize: BigInt(uncompressedSize(opts, elements)),
      dimension: dims.map(dimension),
      uniqueId: opts.uniqueId ?? 0,
      dataTimeStamp: opts.dataTimeStamp ? timeStamp(opts.dataTimeStamp) : ts,
      attribute: (opts.attributes ?? []).map((a) => isTyped(a) ? a.value : a),
      descriptor: opts.descriptor ?? "",
      alarm: alarm(opts.alarm),
      timeStamp: ts,
      display: display(opts.display),
    },
  };
}
