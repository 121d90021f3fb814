/**
 * Wire encoding of type descriptions (FieldDesc), including the introspection cache.
 *
 * We always send full descriptions (as pvxs does) and accept cache definitions (0xFD),
 * references (0xFE) and tagged definitions (0xFC) wherever a type may appear.
 *
 * @module
 */
import { type Reader, TypeCacheFullError } from "./reader.ts";
import type { Writer } from "./writer.ts";
import { EncodeError } from "./errors.ts";
import type { FieldDesc, Member, ScalarType, StructureDesc, UnionDesc } from "./types.ts";

/** Type code of each scalar type (the array form adds 0x08, bounded 0x10, fixed 0x18). */
export const SCALAR_CODES: Readonly<Record<ScalarType, number>> = {
  bool: 0x00,
  int8: 0x20,
  int16: 0x21,
  int32: 0x22,
  int64: 0x23,
  uint8: 0x24,
  uint16: 0x25,
  uint32: 0x26,
  uint64: 0x27,
  float32: 0x42,
  float64: 0x43,
  string: 0x60,
};

const SCALAR_BY_CODE = new Map<number, ScalarType>(
  Object.entries(SCALAR_CODES).map(([t, c]) => [c, t as ScalarType]),
);

/** Type code markers. */
export const TYPE_CODE = {
  structure: 0x80,
  union: 0x81,
  any: 0x82,
  boundedString: 0x83,
  structureArray: 0x88,
  unionArray: 0x89,
  anyArray: 0x8a,
  fullTaggedId: 0xfc,
  fullWithId: 0xfd,
  onlyId: 0xfe,
  null: 0xff,
} as const;

/**
 * Most elements a fixed or bounded array type may declare. Real ones hold a few to a few
 * thousand; a type description is tiny whatever it declares, so the size is capped before
 * anything trusts it.
 */
export const MAX_DECLARED_ARRAY_SIZE = 1 << 24;

/** Writes a full description of `t`, or the null type (0xFF) for `null`. */
export function writeType(w: Writer, t: FieldDesc | null): void {
  if (t === null) {
    w.u8(TYPE_CODE.null);
    return;
  }
  switch (t.kind) {
    case "scalar":
      if (t.bound !== undefined) {
        if (t.type !== "string") throw new EncodeError(`only strings can be bounded, not ${t.type}`);
        w.u8(TYPE_CODE.boundedString);
        w.size(t.bound);
      } else w.u8(SCALAR_CODES[t.type]);
      return;
    case "scalarArray": {
      const form = t.form ?? "variable";
      const code = SCALAR_CODES[t.type];
      if (form === "variable") w.u8(code | 0x08);
      else {
        w.u8(code | (form === "bounded" ? 0x10 : 0x18));
        w.size(t.size ?? 0);
      }
      return;
    }
    case "structure":
    case "union":
      w.u8(t.kind === "structure" ? TYPE_CODE.structure : TYPE_CODE.union);
      w.string(t.id);
      w.size(t.fields.length);
      for (const m of t.fields) {
        w.string(m.name);
        writeType(w, m.type);
      }
      return;
    case "any":
      w.u8(TYPE_CODE.any);
      return;
    case "structureArray":
    case "unionArray":
      w.u8(t.kind === "structureArray" ? TYPE_CODE.structureArray : TYPE_CODE.unionArray);
      writeType(w, t.element);
      return;
    case "anyArray":
      w.u8(TYPE_CODE.anyArray);
      return;
  }
}

/**
 * Reads a type description; returns null for the null type (0xFF).
 * @param what names the field in errors (e.g. "member value")
 */
export function readType(r: Reader, what = "type"): FieldDesc | null {
  const at = r.offset;
  const code = r.u8();
  switch (code) {
    case TYPE_CODE.null:
      return null;
    case TYPE_CODE.onlyId: {
      const key = r.u16();
      const t = r.typeCache.get(key);
      if (t === undefined) r.fail(`type cache key ${key} was never defined`);
      return t;
    }
    case TYPE_CODE.fullWithId:
    case TYPE_CODE.fullTaggedId: {
      const key = r.u16();
      if (code === TYPE_CODE.fullTaggedId) r.i32();
      // Only a full description may define an entry: a run of 0xFD bytes would otherwise
      // recurse once per 3 bytes without counting as nesting, until the stack overflows.
      const next = r.remaining > 0 ? r.bytes[r.offset] : 0;
      if (next >= TYPE_CODE.fullTaggedId) {
        r.fail(`type cache key ${key} defined by code 0x${next.toString(16)}`);
      }
      const t = readNonNullType(r, `type cache key ${key}`);
      try {
        r.typeCache.set(key, t);
      } catch (e) {
        if (e instanceof TypeCacheFullError) r.fail(e.message);
        throw e;
      }
      return t;
    }
  }
  r.enter();
  try {
    return readTypeBody(r, code, at, what);
  } finally {
    r.leave();
  }
}

/** Reads a type that must not be null. */
export function readNonNullType(r: Reader, what: string): FieldDesc {
  const at = r.offset;
  const t = readType(r, what);
  if (t === null) r.fail(`null type for ${what} (at ${at})`);
  return t;
}

function readTypeBody(r: Reader, code: number, at: number, what: string): FieldDesc {
  switch (code) {
    case TYPE_CODE.structure:
    case TYPE_CODE.union:
      return readCompound(r, code === TYPE_CODE.structure ? "structure" : "union");
    case TYPE_CODE.any:
      return { kind: "any" };
    case TYPE_CODE.boundedString:
      return { kind: "scalar", type: "string", bound: r.count(r.limits.maxStringBytes, "string bound") };
    case TYPE_CODE.structureArray: {
      const element = readNonNullType(r, "structure array element");
      if (element.kind !== "structure") return r.fail(`structure array of ${element.kind}`);
      return { kind: "structureArray", element };
    }
    case TYPE_CODE.unionArray: {
      const element = readNonNullType(r, "union array element");
      if (element.kind !== "union") return r.fail(`union array of ${element.kind}`);
      return { kind: "unionArray", element };
    }
    case TYPE_CODE.anyArray:
      return { kind: "anyArray" };
  }
  const type = SCALAR_BY_CODE.get(code & ~0x18);
  if (type === undefined) {
    r.offset = at;
    return r.fail(`unknown type code 0x${code.toString(16)}`);
  }
  switch (code & 0x18) {
    case 0x00:
      return { kind: "scalar", type };
    case 0x08:
      return { kind: "scalarArray", type };
    default: {
      const form = (code & 0x18) === 0x10 ? "bounded" : "fixed";
      return { kind: "scalarArray", type, form, size: declaredSize(r, `${what}: ${form} ${type} array`) };
    }
  }
}

/** The size of a fixed or bounded array type, within {@link MAX_DECLARED_ARRAY_SIZE}. */
function declaredSize(r: Reader, what: string): number {
  const at = r.offset;
  const n = r.size();
  const max = Math.min(MAX_DECLARED_ARRAY_SIZE, r.limits.maxArrayBytes);
  if (n < 0) r.fail(`${what} has a null size (at ${at})`);
  if (n > max) r.fail(`${what} of ${n} elements (at ${at}) exceeds the limit ${max}`);
  return n;
}

function readCompound(r: Reader, kind: "structure" | "union"): StructureDesc | UnionDesc {
  const id = r.string();
  const n = r.count(r.limits.maxMembers, "member");
  const fields: Member[] = [];
  for (let i = 0; i < n; i++) {
    const name = r.string();
    fields.push({ name, type: readNonNullType(r, `member ${name}`) });
  }
  return { kind, id, fields };
}
