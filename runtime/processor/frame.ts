/**
 * Frames from and to NTNDArray values, without copying the pixels: a received update becomes a
 * {@link Frame} and a frame becomes the value to publish, keeping the source's uniqueId and time
 * stamps.
 *
 * @module
 */
import {
  ntAttribute,
  NTError,
  type NTInput,
  ntNDArray,
  readNTNDArray,
  timeStamp,
  typedArrayType,
} from "../../protocol/nt/mod.ts";
import {
  type FieldDesc,
  isPlainObject,
  scalar,
  scalarArray,
  type StructValue,
  type Typed,
  type Value,
} from "../../protocol/pvdata/mod.ts";
import type { DType, Frame } from "./types.ts";

/**
 * A decoded NTNDArray (a `{type, value}` or the bare structure value) as a frame. The pixels are
 * the decoded typed array itself; a boolean array (which no detector sends) becomes uint8.
 * @param input the decoded value
 * @throws {NTError} when the value is not a well-formed NTNDArray
 * @example
 * ```ts
 * import { ntNDArray } from "../../protocol/nt/mod.ts";
 * import { frameFromNTNDArray } from "./frame.ts";
 * const f = frameFromNTNDArray(ntNDArray({ data: new Uint16Array(6), dims: [3, 2], uniqueId: 9 }));
 * [f.dtype, f.shape, f.uniqueId]; // ["uint16", [3, 2], 9]
 * ```
 */
export function frameFromNTNDArray(input: NTInput): Frame {
  const nd = readNTNDArray(input);
  const dtype = nd.elementType === "bool" ? "uint8" : nd.elementType;
  if (dtype === "string") throw new NTError("NTNDArray", "value", "string arrays are not images");
  const stamp = nd.timeStamp ?? timeStamp();
  // A bare NTNDArray value has no `type` member, a {type, value} pair always has one.
  const value = (isPlainObject(input.type) ? input.value : input) as StructValue;
  return {
    data: nd.data,
    dtype,
    shape: nd.dims,
    colorMode: nd.colorMode,
    attributes: Object.fromEntries(nd.attributes),
    attributeTypes: attributeTypes(value.attribute),
    uniqueId: nd.uniqueId,
    timeStamp: stamp,
    dataTimeStamp: nd.dataTimeStamp ?? stamp,
    codec: nd.codec,
    uncompressedSize: nd.uncompressedSize,
  } as Frame;
}

/** The type of each attribute's `any` value (readNTNDArray keeps only the values). */
function attributeTypes(list: Value | undefined): Record<string, FieldDesc> {
  const out: Record<string, FieldDesc> = {};
  if (!Array.isArray(list)) return out;
  for (const a of list) {
    if (!isPlainObject(a) || typeof a.name !== "string" || !isPlainObject(a.value)) continue;
    const t = a.value.type as FieldDesc | null;
    if (t) out[a.name] = t;
  }
  return out;
}

/**
 * The NTNDArray value publishing `frame`: the same typed array (no copy), the frame's uniqueId,
 * time stamps, codec and attributes (with their original types where known, else inferred).
 * @param frame the frame to publish
 * @throws {NTError} when the shape does not match the data
 * @example
 * ```ts
 * import { frameToNTNDArray } from "./frame.ts";
 * const data = new Float32Array(4);
 * const stamp = { secondsPastEpoch: 5n, nanoseconds: 0, userTag: 0 };
 * const nt = frameToNTNDArray({
 *   data, dtype: "float32", shape: [2, 2], colorMode: 0, attributes: { gain: 2 }, uniqueId: 3,
 *   timeStamp: stamp, dataTimeStamp: stamp, codec: { name: "", parameters: { type: null, value: null } },
 *   uncompressedSize: 16,
 * });
 * nt.value.uniqueId; // 3
 * ```
 */
export function frameToNTNDArray(frame: Frame): Typed {
  const types = frame.attributeTypes ?? {};
  const attributes = Object.entries(frame.attributes).map(([name, value]) =>
    ntAttribute(name, { type: types[name] ?? inferAttributeType(name, value), value })
  );
  return ntNDArray({
    data: frame.data,
    dims: frame.shape,
    uniqueId: frame.uniqueId,
    timeStamp: frame.timeStamp,
    dataTimeStamp: frame.dataTimeStamp,
    attributes,
    codec: frame.codec,
    // Raw pixels: the builder computes the size and checks the shape against the data.
    uncompressedSize: frame.codec.name ? frame.uncompressedSize : undefined,
  });
}

/** A pvData type for an attribute value a processor added. */
function inferAttributeType(name: string, v: Value): FieldDesc {
  switch (typeof v) {
    case "number":
      return scalar(Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? "int32" : "float64");
    case "bigint":
      return scalar("int64");
    case "string":
      return scalar("string");
    case "boolean":
      return scalar("bool");
  }
  if (ArrayBuffer.isView(v)) return scalarArray(typedArrayType(v));
  if (Array.isArray(v) && v.every((e) => typeof e === "string")) return scalarArray("string");
  throw new NTError("NTNDArray", `attribute ${name}`, "give its type in attributeTypes");
}

/**
 * The dtype of a typed array, for building frames.
 * @throws {TypeError} for arrays with no pvData type (Uint8ClampedArray, Float16Array)
 * @example
 * ```ts
 * import { dtypeOf } from "./frame.ts";
 * dtypeOf(new Int16Array(2)); // "int16"
 * ```
 */
export function dtypeOf(data: ArrayBufferView): DType {
  return typedArrayType(data as Parameters<typeof typedArrayType>[0]);
}

/**
 * True for a frame, false for a plain PV output (which has `type` and `value`).
 * @example
 * ```ts
 * import { isFrame } from "./frame.ts";
 * isFrame({ type: { kind: "scalar", type: "int32" }, value: 1 }); // false
 * ```
 */
export function isFrame(x: unknown): x is Frame {
  return isPlainObject(x) && ArrayBuffer.isView(x.data) && typeof x.dtype === "string";
}
