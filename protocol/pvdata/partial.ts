/**
 * Partial values: a BitSet says which fields follow, numbered depth-first in pre-order
 * (bit 0 is the top structure, each structure is followed by its members). A set bit on a
 * structure sends the whole sub-structure once.
 *
 * Decoding merges into the previous full value without changing it: untouched branches are
 * shared, changed ones are new objects, so a consumer may keep the old value.
 *
 * @module
 */
import { BitSet } from "./bitset.ts";
import type { Reader } from "./reader.ts";
import { type FieldDesc, memberIndex, type StructValue, type Value } from "./types.ts";
import { readValue, writeValue } from "./value.ts";
import type { Writer } from "./writer.ts";

const countCache = new WeakMap<FieldDesc, number>();

/**
 * Number of bits a type occupies: 1 per leaf, 1 + members for a structure.
 * @example
 * ```ts
 * import { bitCount } from "./partial.ts";
 * import { scalar, struct } from "./types.ts";
 * bitCount(struct("", { a: scalar("int32"), b: struct("", { c: scalar("int8") }) })); // 4
 * ```
 */
export function bitCount(t: FieldDesc): number {
  if (t.kind !== "structure") return 1;
  let n = countCache.get(t);
  if (n === undefined) {
    n = 1;
    for (const m of t.fields) n += bitCount(m.type);
    countCache.set(t, n);
  }
  return n;
}

/** The bit number of a dotted member path ("" is the top, bit 0), or -1 if absent. */
export function bitOf(t: FieldDesc, path: string): number {
  if (path === "") return 0;
  let bit = 0;
  let cur = t;
  for (const part of path.split(".")) {
    if (cur.kind !== "structure") return -1;
    const i = memberIndex(cur, part);
    if (i < 0) return -1;
    bit += 1;
    for (let k = 0; k < i; k++) bit += bitCount(cur.fields[k].type);
    cur = cur.fields[i].type;
  }
  return bit;
}

/** The dotted path of bit `bit` ("" for bit 0), or undefined when out of range. */
export function pathOf(t: FieldDesc, bit: number): string | undefined {
  if (bit === 0) return "";
  if (t.kind !== "structure" || bit < 0 || bit >= bitCount(t)) return undefined;
  let offset = 1;
  for (const m of t.fields) {
    const n = bitCount(m.type);
    if (bit < offset + n) {
      const rest = pathOf(m.type, bit - offset);
      return rest === "" ? m.name : `${m.name}.${rest}`;
    }
    offset += n;
  }
  return undefined;
}

/**
 * Writes the values of the fields marked in `bits` (the BitSet itself is not written).
 * A marked structure is written whole and its members' bits are not consulted.
 */
export function writePartial(w: Writer, t: FieldDesc, v: Value, bits: BitSet): void {
  writeMarked(w, t, v, bits, 0);
}

function writeMarked(w: Writer, t: FieldDesc, v: Value, bits: BitSet, offset: number): void {
  if (bits.has(offset)) {
    writeValue(w, t, v);
    return;
  }
  if (t.kind !== "structure" || !bits.anyInRange(offset + 1, offset + bitCount(t))) return;
  let child = offset + 1;
  const o = v as StructValue;
  for (const m of t.fields) {
    writeMarked(w, m.type, o[m.name], bits, child);
    child += bitCount(m.type);
  }
}

/**
 * Reads the fields marked in `bits` and returns `prev` updated with them; `prev` itself is
 * left unchanged and unchanged branches are shared with it.
 */
export function readPartial(r: Reader, t: FieldDesc, bits: BitSet, prev: Value): Value {
  return readMarked(r, t, bits, 0, prev);
}

function readMarked(r: Reader, t: FieldDesc, bits: BitSet, offset: number, prev: Value): Value {
  if (bits.has(offset)) return readValue(r, t);
  if (t.kind !== "structure" || !bits.anyInRange(offset + 1, offset + bitCount(t))) return prev;
  r.enter();
  const out: StructValue = { ...(prev as StructValue) };
  let child = offset + 1;
  for (const m of t.fields) {
    out[m.name] = readMarked(r, m.type, bits, child, out[m.name]);
    child += bitCount(m.type);
  }
  r.leave();
  return out;
}

/**
 * The dotted paths of the leaf fields that a partial value with `bits` carries (members of
 * a marked structure included).
 * @example
 * ```ts
 * import { BitSet } from "./bitset.ts";
 * import { changedLeaves } from "./partial.ts";
 * import { scalar, struct } from "./types.ts";
 * const t = struct("", { value: scalar("float64"), alarm: struct("", { severity: scalar("int32") }) });
 * changedLeaves(t, BitSet.of(2)); // ["alarm.severity"]
 * ```
 */
export function changedLeaves(t: FieldDesc, bits: BitSet): string[] {
  const out: string[] = [];
  const walk = (d: FieldDesc, offset: number, path: string, inherited: boolean) => {
    const on = inherited || bits.has(offset);
    if (d.kind !== "structure") {
      if (on) out.push(path);
      return;
    }
    if (!on && !bits.anyInRange(offset + 1, offset + bitCount(d))) return;
    let child = offset + 1;
    for (const m of d.fields) {
      walk(m.type, child, path ? `${path}.${m.name}` : m.name, on);
      child += bitCount(m.type);
    }
  };
  walk(t, 0, "", false);
  return out;
}

/** A partial value as it travels: the changed-field BitSet and the merged full value. */
export interface Changed<V extends Value = Value> {
  /** Bits (numbered as by {@link bitOf}) of the fields this update carries. */
  changed: BitSet;
  /** The full value with the changed fields applied. */
  value: V;
}

/** Writes a BitSet followed by the fields it marks (GET/PUT/MONITOR data bodies). */
export function writeChanged(w: Writer, t: FieldDesc, v: Value, changed: BitSet): void {
  changed.write(w);
  writePartial(w, t, v, changed);
}

/** Reads a BitSet and the fields it marks, merged onto `prev` (which is not modified). */
export function readChanged(r: Reader, t: FieldDesc, prev: Value): Changed {
  const changed = BitSet.read(r);
  return { changed, value: readPartial(r, t, changed, prev) };
}

/**
 * Marks every member of each marked structure: the set of all fields a partial value
 * with `bits` carries.
 */
export function expandBits(t: FieldDesc, bits: BitSet): BitSet {
  const out = bits.clone();
  const walk = (d: FieldDesc, offset: number) => {
    if (d.kind !== "structure") return;
    const end = offset + bitCount(d);
    if (bits.has(offset)) out.setRange(offset, end);
    else if (bits.anyInRange(offset + 1, end)) {
      let child = offset + 1;
      for (const m of d.fields) {
        walk(m.type, child);
        child += bitCount(m.type);
      }
    }
  };
  walk(t, 0);
  return out;
}

/**
 * The smallest equivalent marking: a structure whose own bit and every member are marked
 * keeps only its own bit; a structure bit whose members are not all marked is dropped
 * (so that it does not send the whole structure).
 */
export function compactBits(t: FieldDesc, bits: BitSet): BitSet {
  const out = new BitSet(bitCount(t));
  const walk = (d: FieldDesc, offset: number): boolean => {
    if (d.kind !== "structure") {
      if (bits.has(offset)) out.set(offset);
      return bits.has(offset);
    }
    let all = bits.has(offset);
    let child = offset + 1;
    for (const m of d.fields) {
      if (!walk(m.type, child)) all = false;
      child += bitCount(m.type);
    }
    if (all) out.clearRange(offset + 1, child).set(offset);
    return all;
  };
  walk(t, 0);
  return out;
}

/**
 * The overrun of two changes folded into one: the fields both of them changed (members of
 * marked structures included), so one of the two values was lost.
 */
export function overlapBits(t: FieldDesc, earlier: BitSet, later: BitSet): BitSet {
  return expandBits(t, earlier).and(expandBits(t, later));
}

/** What a queued update says it carries: the fields it changed and those it overran. */
export interface QueuedChange {
  /** Fields the update carries. */
  changed: BitSet;
  /** Fields that changed more than once before it was sent (values lost). */
  overrun: BitSet;
}

/**
 * The one queue-folding rule of the server's and the client's monitor queues: a newer update
 * folded into the last queued one carries the fields of both, and overruns the fields both
 * changed (members of marked structures included) plus whatever either had overrun already.
 * Neither argument is modified.
 * @example
 * ```ts
 * import { BitSet } from "./bitset.ts";
 * import { foldChange } from "./partial.ts";
 * import { scalar, struct } from "./types.ts";
 * const t = struct("", { a: scalar("int32"), b: scalar("int32") });
 * const f = foldChange(t, { changed: BitSet.of(1), overrun: new BitSet() }, { changed: BitSet.of(1, 2), overrun: new BitSet() });
 * [...f.changed]; // [1, 2]
 * [...f.overrun]; // [1]
 * ```
 */
export function foldChange(t: FieldDesc, earlier: QueuedChange, later: QueuedChange): QueuedChange {
  return {
    changed: earlier.changed.clone().or(later.changed),
    overrun: overlapBits(t, earlier.changed, later.changed).or(earlier.overrun).or(later.overrun),
  };
}

/**
 * The part of a change that a client with field selection `mask` (from requestMask) may
 * see, in compact form.
 */
export function maskChanged(t: FieldDesc, changed: BitSet, mask: BitSet): BitSet {
  return compactBits(t, expandBits(t, changed).and(mask));
}

/**
 * `base` with the fields marked in `changed` taken from `update` (a marked structure whole);
 * neither argument is modified and unmarked branches are shared with `base`. A mirror fed by
 * several upstream monitors applies each one's changes to its own value this way, since each
 * monitor's full value is stale in the fields only the others received.
 * @example
 * ```ts
 * import { BitSet } from "./bitset.ts";
 * import { mergeChanged } from "./partial.ts";
 * import { scalar, struct } from "./types.ts";
 * const t = struct("", { a: scalar("int32"), b: scalar("int32") });
 * mergeChanged(t, { a: 1, b: 2 }, { a: 5, b: 0 }, BitSet.of(1)); // { a: 5, b: 2 }
 * ```
 */
export function mergeChanged(t: FieldDesc, base: Value, update: Value, changed: BitSet): Value {
  const merge = (d: FieldDesc, offset: number, b: Value, u: Value): Value => {
    if (changed.has(offset)) return u;
    if (d.kind !== "structure" || !changed.anyInRange(offset + 1, offset + bitCount(d))) return b;
    const out: StructValue = { ...(b as StructValue) };
    let child = offset + 1;
    for (const m of d.fields) {
      out[m.name] = merge(m.type, child, out[m.name], (u as StructValue)[m.name]);
      child += bitCount(m.type);
    }
    return out;
  };
  return merge(t, 0, base, update);
}
