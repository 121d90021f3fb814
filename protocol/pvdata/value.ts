/**
 * Full (non-partial) wire encoding of values, and default values of types.
 *
 * Numeric arrays decode as typed-array views onto the received bytes when byte order and
 * alignment allow, otherwise with one bulk copy (plus an in-place swap for foreign byte
 * order); they encode by reference (see {@link Writer.bytes}) when the byte order matches.
 *
 * @module
 */
import { EncodeError } from "./errors.ts";
import type { Reader } from "./reader.ts";
import { readNonNullType, readType, writeType } from "./typedesc.ts";
import {
  type AnyValue,
  ARRAY_CONSTRUCTORS,
  type FieldDesc,
  isNumericType,
  memberIndex,
  type NumericArray,
  SCALAR_WIDTH,
  type ScalarType,
  type StructureDesc,
  type StructValue,
  type UnionDesc,
  type UnionValue,
  type Value,
} from "./types.ts";
import type { Writer } from "./writer.ts";

/** True on little-endian hosts (every platform Deno ships for today). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---- Defaults ----

/**
 * The default value of a type: zeros, empty strings and arrays, unselected unions.
 *
 * A fixed-size array defaults to an empty array, which {@link writeValue} writes as that
 * many zeros: the size comes from a peer's type description, and building it here would
 * allocate in proportion to a number the peer merely declared (four `bool[2^27]` fields
 * are 40 bytes on the wire and 4 GiB as JavaScript arrays).
 * @example
 * ```ts
 * import { defaultValue } from "./value.ts";
 * import { scalar, struct } from "./types.ts";
 * defaultValue(struct("", { x: scalar("int64") })); // { x: 0n }
 * ```
 */
export function defaultValue(t: FieldDesc): Value {
  switch (t.kind) {
    case "scalar":
      return defaultScalar(t.type);
    case "scalarArray":
      return emptyArray(t.type);
    case "structure": {
      const v: StructValue = {};
      for (const m of t.fields) v[m.name] = defaultValue(m.type);
      return v;
    }
    case "union":
      return { name: null, value: null } satisfies UnionValue;
    case "any":
      return { type: null, value: null } satisfies AnyValue;
    default:
      return [];
  }
}

function defaultScalar(t: ScalarType): Value {
  if (t === "bool") return false;
  if (t === "string") return "";
  if (t === "int64" || t === "uint64") return 0n;
  return 0;
}

function emptyArray(t: ScalarType): Value {
  return t === "bool" || t === "string" ? [] : new ARRAY_CONSTRUCTORS[t](0);
}

// ---- Encoding ----

/**
 * Writes the full value of `t`. Missing structure members are written as their defaults;
 * plain number arrays are accepted for numeric array types; an empty array given for a
 * fixed-size array is its default, written as zeros (see {@link defaultValue}).
 */
export function writeValue(w: Writer, t: FieldDesc, v: Value, path = ""): void {
  switch (t.kind) {
    case "scalar":
      writeScalar(w, t.type, v, path);
      return;
    case "scalarArray":
      writeArray(w, t.type, v, t.form === "fixed" ? t.size ?? 0 : -1, path);
      return;
    case "structure":
      writeStruct(w, t, v, path);
      return;
    case "union":
      writeUnion(w, t, v, path);
      return;
    case "any":
      writeAny(w, v, path);
      return;
    case "structureArray":
    case "unionArray":
    case "anyArray": {
      if (!Array.isArray(v)) throw new EncodeError(`${path || "value"}: expected an array for ${t.kind}`);
      w.size(v.length);
      v.forEach((e, i) => {
        if (e === null || e === undefined) {
          w.u8(0);
          return;
        }
        w.u8(1);
        const p = `${path}[${i}]`;
        if (t.kind === "structureArray") writeStruct(w, t.element, e as Value, p);
        else if (t.kind === "unionArray") writeUnion(w, t.element, e as Value, p);
        else writeAny(w, e as Value, p);
      });
      return;
    }
  }
}

function writeStruct(w: Writer, t: StructureDesc, v: Value, path: string): void {
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || Array.isArray(v)) {
    throw new EncodeError(`${path || "value"}: expected an object for structure ${t.id}`);
  }
  const o = v as StructValue;
  for (const m of t.fields) {
    const mv = o[m.name];
    writeValue(w, m.type, mv === undefined ? defaultValue(m.type) : mv, path ? `${path}.${m.name}` : m.name);
  }
}

function writeUnion(w: Writer, t: UnionDesc, v: Value, path: string): void {
  const u = v as UnionValue;
  if (u === null || typeof u !== "object" || !("name" in u)) {
    throw new EncodeError(`${path || "value"}: expected {name, value} for a union`);
  }
  if (u.name === null) {
    w.size(-1);
    return;
  }
  const i = memberIndex(t, u.name);
  if (i < 0) throw new EncodeError(`${path || "value"}: union has no member ${u.name}`);
  w.size(i);
  writeValue(w, t.fields[i].type, u.value, `${path}.${u.name}`);
}

function writeAny(w: Writer, v: Value, path: string): void {
  const a = v as AnyValue;
  if (a === null || typeof a !== "object" || !("type" in a)) {
    throw new EncodeError(`${path || "value"}: expected {type, value} for an any`);
  }
  writeType(w, a.type);
  if (a.type !== null) writeValue(w, a.type, a.value, path);
}

function writeScalar(w: Writer, t: ScalarType, v: Value, path: string): void {
  const bad = () => new EncodeError(`${path || "value"}: ${JSON.stringify(String(v))} is not a ${t}`);
  switch (t) {
    case "bool":
      if (typeof v !== "boolean" && typeof v !== "number") throw bad();
      w.u8(v ? 1 : 0);
      return;
    case "string":
      if (typeof v !== "string") throw bad();
      w.string(v);
      return;
    case "int64":
    case "uint64": {
      if (typeof v !== "bigint" && typeof v !== "number") throw bad();
      const b = typeof v === "bigint" ? v : BigInt(Math.trunc(v));
      if (t === "int64") w.i64(BigInt.asIntN(64, b));
      else w.u64(BigInt.asUintN(64, b));
      return;
    }
  }
  if (typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean") throw bad();
  const n = Number(v);
  switch (t) {
    case "int8":
      return w.i8(n);
    case "int16":
      return w.i16(n);
    case "int32":
      return w.i32(n);
    case "uint8":
      return w.u8(n & 0xff);
    case "uint16":
      return w.u16(n & 0xffff);
    case "uint32":
      return w.u32(n >>> 0);
    case "float32":
      return w.f32(n);
    case "float64":
      return w.f64(n);
  }
}

function writeArray(w: Writer, t: ScalarType, v: Value, fixed: number, path: string): void {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) {
    throw new EncodeError(`${path || "value"}: expected an array of ${t}`);
  }
  const n = (v as ArrayLike<unknown>).length;
  if (fixed > 0 && n === 0) {
    // The default of a fixed array; a zero byte is also an empty string's size.
    w.bytes(new Uint8Array(fixed * (t === "bool" || t === "string" ? 1 : SCALAR_WIDTH[t])));
    return;
  }
  if (fixed >= 0 && n !== fixed) {
    throw new EncodeError(`${path || "value"}: fixed array of ${fixed} given ${n} elements`);
  }
  if (fixed < 0) w.size(n);
  if (t === "bool" || t === "string") {
    for (const e of Array.from(v as ArrayLike<Value>)) writeScalar(w, t, e, path);
    return;
  }
  const C = ARRAY_CONSTRUCTORS[t];
  const a: NumericArray = v instanceof C ? v : (C.from as (x: ArrayLike<unknown>) => NumericArray)(
    Array.from(v as ArrayLike<unknown>, (e) => (t === "int64" || t === "uint64") ? BigInt(e as number) : e),
  );
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (w.littleEndian === HOST_LITTLE_ENDIAN || SCALAR_WIDTH[t] === 1) w.bytes(bytes, true);
  else w.bytes(swapped(bytes, SCALAR_WIDTH[t]));
}

/** A byte-swapped copy (foreign byte order on the wire). */
function swapped(b: Uint8Array, width: number): Uint8Array {
  const out = b.slice();
  if (width > 1) swapInPlace(out, width);
  return out;
}

function swapInPlace(b: Uint8Array, width: number): void {
  for (let i = 0; i < b.length; i += width) {
    for (let lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
      const x = b[lo];
      b[lo] = b[hi];
      b[hi] = x;
    }
  }
}

// ---- Decoding ----

/** Reads the full value of `t`. */
export function readValue(r: Reader, t: FieldDesc): Value {
  switch (t.kind) {
    case "scalar":
      return readScalar(r, t.type);
    case "scalarArray":
      return readArray(r, t.type, t.form === "fixed" ? t.size ?? 0 : -1);
    case "structure":
      return readStruct(r, t);
    case "union":
      return readUnion(r, t);
    case "any":
      return readAny(r);
    case "structureArray":
    case "unionArray":
    case "anyArray": {
      // Each element takes at least one byte: bound the count by what is left.
      const n = r.count(Math.min(r.remaining, r.limits.maxArrayBytes), `${t.kind} element`);
      const out: (Value | null)[] = [];
      for (let i = 0; i < n; i++) {
        if (r.u8() === 0) out.push(null);
        else if (t.kind === "structureArray") out.push(readStruct(r, t.element));
        else if (t.kind === "unionArray") out.push(readUnion(r, t.element));
        else out.push(readAny(r));
      }
      return out as Value;
    }
  }
}

/** Reads a structure value (members in declaration order). */
export function readStruct(r: Reader, t: StructureDesc): StructValue {
  r.enter();
  const v: StructValue = {};
  for (const m of t.fields) v[m.name] = readValue(r, m.type);
  r.leave();
  return v;
}

function readUnion(r: Reader, t: UnionDesc): UnionValue {
  const at = r.offset;
  const sel = r.size();
  if (sel < 0) return { name: null, value: null };
  const m = t.fields[sel];
  if (m === undefined) return r.fail(`union selector ${sel} (at ${at}) out of ${t.fields.length} members`);
  r.enter();
  const value = readValue(r, m.type);
  r.leave();
  return { name: m.name, value };
}

function readAny(r: Reader): AnyValue {
  const type = readType(r);
  if (type === null) return { type: null, value: null };
  r.enter();
  const value = readValue(r, type);
  r.leave();
  return { type, value };
}

/** Reads a type description and a full value of it (RPC arguments, pvRequests). */
export function readTypedValue(r: Reader, what: string): { type: FieldDesc; value: Value } {
  const type = readNonNullType(r, what);
  return { type, value: readValue(r, type) };
}

function readScalar(r: Reader, t: ScalarType): Value {
  switch (t) {
    case "bool":
      return r.u8() !== 0;
    case "int8":
      return r.i8();
    case "int16":
      return r.i16();
    case "int32":
      return r.i32();
    case "int64":
      return r.i64();
    case "uint8":
      return r.u8();
    case "uint16":
      return r.u16();
    case "uint32":
      return r.u32();
    case "uint64":
      return r.u64();
    case "float32":
      return r.f32();
    case "float64":
      return r.f64();
    case "string":
      return r.string();
  }
}

function readArray(r: Reader, t: ScalarType, fixed: number): Value {
  const at = r.offset;
  const n = fixed >= 0 ? fixed : r.count(r.limits.maxArrayBytes, `${t} array element`);
  if (!isNumericType(t)) {
    // Every bool or string element takes at least one byte.
    if (n > r.remaining) r.fail(`${t} array of ${n} (at ${at}) longer than the ${r.remaining} bytes left`);
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(readScalar(r, t));
    return out as Value;
  }
  const width = SCALAR_WIDTH[t];
  if (n * width > r.limits.maxArrayBytes) {
    return r.fail(`${t} array of ${n} elements (at ${at}) exceeds ${r.limits.maxArrayBytes} bytes`);
  }
  const raw = r.take(n * width);
  const C = ARRAY_CONSTRUCTORS[t];
  // Byte order does not matter to single-byte elements (uint8 detector frames from big-endian peers).
  if ((r.littleEndian === HOST_LITTLE_ENDIAN || width === 1) && raw.byteOffset % width === 0) {
    return new C(raw.buffer as ArrayBuffer, raw.byteOffset, n);
  }
  const copy = raw.slice();
  if (r.littleEndian !== HOST_LITTLE_ENDIAN && width > 1) swapInPlace(copy, width);
  return new C(copy.buffer, 0, n);
}
