/**
 * Reading an NTNDArray frame by field and union-member name, so normativeTypesCPP and pvxs
 * layouts (and any extra fields) read the same. The data stays the decoded typed array.
 *
 * @module
 */
import {
  ARRAY_CONSTRUCTORS,
  findField,
  isNumericType,
  isPlainObject,
  memberIndex,
  type NumericArray,
  type ScalarType,
  type StructureDesc,
  type StructValue,
  type Value,
} from "../pvdata/mod.ts";
import { type NTInput, optionalStruct, required, requiredNumber, requiredStruct, unwrap } from "./access.ts";
import { readAttributes } from "./attribute.ts";
import type { Codec, TimeStamp } from "./common.ts";
import { NTError } from "./errors.ts";
import { type Meta, readMeta } from "./meta.ts";
import { codecElementType, NDARRAY_MEMBERS } from "./ndarray.ts";

const NT = "NTNDArray";

const MEMBER_TYPES = new Map<string, ScalarType>(
  Object.entries(NDARRAY_MEMBERS).map(([t, m]) => [m, t as ScalarType]),
);

/** An NTNDArray frame as read. */
export interface NTNDArrayData extends Meta {
  /**
   * The value union's array as decoded (no copy); the compressed bytes when `codec.name` is
   * set. A booleanValue array is the one exception: it becomes a Uint8Array of 0 and 1.
   */
  data: NumericArray;
  /** Element type of the image: the data's own, or the codec's uncompressed one. */
  elementType: ScalarType;
  /** Axis sizes, fastest-varying (x) first. */
  dims: number[];
  /** Frame number. */
  uniqueId: number;
  /** Compression ("" name = none). */
  codec: Codec;
  /** Bytes in `data`, as the producer states it. */
  compressedSize: number;
  /** Bytes after decompression, as the producer states it. */
  uncompressedSize: number;
  /** Acquisition time, when present. */
  dataTimeStamp?: TimeStamp;
  /** Attribute values by name. */
  attributes: Map<string, Value>;
  /** areaDetector colour mode (attribute ColorMode): 0 mono, 2-4 RGB1-3; 0 when absent. */
  colorMode: number;
}

/** The selected member of the value union, checked against the type when there is one. */
function readData(type: StructureDesc | undefined, u: Value): { data: NumericArray; t: ScalarType } {
  if (!isPlainObject(u) || !("name" in u)) throw new NTError(NT, "value", "expected a union value");
  const name = u.name;
  if (typeof name !== "string") throw new NTError(NT, "value", "no union member selected");
  const t = MEMBER_TYPES.get(name);
  if (t === undefined) throw new NTError(NT, "value", `unknown union member ${name}`);
  if (type) {
    const ut = findField(type, "value");
    const mt = ut?.kind === "union" ? ut.fields[memberIndex(ut, name)]?.type : undefined;
    if (mt?.kind !== "scalarArray" || mt.type !== t) {
      throw new NTError(NT, `value.${name}`, `the type does not declare it as an array of ${t}`);
    }
  }
  const data = u.value;
  const ok = isNumericType(t) ? data instanceof ARRAY_CONSTRUCTORS[t] : Array.isArray(data);
  if (!ok) throw new NTError(NT, `value.${name}`, `expected an array of ${t}`);
  return { data: Array.isArray(data) ? Uint8Array.from(data, Number) : data as NumericArray, t };
}

function readCodec(v: StructValue): Codec {
  const c = requiredStruct(NT, v, "codec");
  const name = required(NT, c, "name", "codec");
  if (typeof name !== "string") throw new NTError(NT, "codec.name", "expected a string");
  const p = c.parameters;
  if (!isPlainObject(p) || !("type" in p)) throw new NTError(NT, "codec.parameters", "expected an any value");
  return { name, parameters: { type: p.type as Codec["parameters"]["type"], value: p.value } };
}

function readDims(v: StructValue): number[] {
  const list = required(NT, v, "dimension");
  if (!Array.isArray(list)) throw new NTError(NT, "dimension", "expected an array of dimension_t");
  return list.map((d: unknown, i) => {
    if (!isPlainObject(d)) throw new NTError(NT, `dimension[${i}]`, "expected a dimension_t");
    return requiredNumber(NT, d, "size", `dimension[${i}]`);
  });
}

/**
 * Reads an NTNDArray in either field order.
 * @throws {NTError} when a required field is missing or malformed, no value member is
 * selected, or a compressed frame's codec names no element type
 * @example
 * ```ts
 * import { ntNDArray } from "./ndarray.ts";
 * import { readNTNDArray } from "./ndarray_read.ts";
 * const f = readNTNDArray(ntNDArray({ data: new Uint8Array(6), dims: [3, 2] }));
 * f.dims; // [3, 2]
 * ```
 */
export function readNTNDArray(input: NTInput): NTNDArrayData {
  const { type, value: v } = unwrap(input, NT);
  const { data, t } = readData(type, required(NT, v, "value"));
  const codec = readCodec(v);
  let elementType = t;
  if (codec.name) {
    const ct = codecElementType(codec);
    if (ct === undefined) {
      throw new NTError(
        NT,
        "codec.parameters",
        `${codec.name}: expected the ScalarType code of the elements`,
      );
    }
    elementType = ct;
  }
  const attributes = readAttributes(NT, v.attribute);
  const cm = attributes.get("ColorMode");
  return {
    ...readMeta(NT, v),
    data,
    elementType,
    dims: readDims(v),
    uniqueId: requiredNumber(NT, v, "uniqueId"),
    codec,
    compressedSize: requiredNumber(NT, v, "compressedSize"),
    uncompressedSize: requiredNumber(NT, v, "uncompressedSize"),
    attributes,
    colorMode: typeof cm === "number" || typeof cm === "bigint" ? Number(cm) : 0,
    dataTimeStamp: optionalStruct<TimeStamp>(NT, v, "dataTimeStamp"),
  };
}
