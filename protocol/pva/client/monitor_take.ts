/**
 * Taking a monitor value's arrays away from the subscription, so that the consumer may
 * transfer their buffers (postMessage) without a copy while the subscription keeps merging
 * later partial updates onto something that is still whole.
 * @module
 */
import { BitSet } from "../../pvdata/bitset.ts";
import { bitCount } from "../../pvdata/partial.ts";
import type { FieldDesc, StructValue, Value } from "../../pvdata/types.ts";

/** The distinct, non-empty buffers of every typed array in `v` (the transfer list). */
export function arrayBuffers(v: Value): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const walk = (x: unknown) => {
    if (ArrayBuffer.isView(x)) {
      if (x.buffer instanceof ArrayBuffer && x.buffer.byteLength > 0) out.add(x.buffer);
    } else if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === "object" && x !== null) Object.values(x).forEach(walk);
  };
  walk(v);
  return [...out];
}

/** `x` with every typed array backed by one of `buffers` replaced by an empty one of its kind. */
function strip(x: Value, buffers: ReadonlySet<ArrayBufferLike>): Value {
  if (ArrayBuffer.isView(x)) {
    return buffers.has(x.buffer) ? new (x.constructor as new (n: number) => typeof x)(0) : x;
  }
  if (typeof x !== "object" || x === null) return x;
  if (Array.isArray(x)) {
    const items = (x as Value[]).map((e) => strip(e, buffers));
    return items.some((e, i) => e !== (x as Value[])[i]) ? items as Value : x;
  }
  let out: StructValue | undefined;
  for (const [k, e] of Object.entries(x)) {
    const s = strip(e as Value, buffers);
    if (s !== e) (out ??= { ...x as StructValue })[k] = s;
  }
  return out ?? x;
}

/**
 * `value` (of type `t`) without the arrays backed by `buffers`: those become empty arrays of
 * the same element type, in new objects (`value` itself is not modified). Also returns the
 * bits of the leaf fields that lost an array.
 */
export function forgetBuffers(
  t: FieldDesc,
  value: Value,
  buffers: ReadonlySet<ArrayBufferLike>,
): { value: Value; lost: BitSet } {
  const lost = new BitSet(bitCount(t));
  const walk = (d: FieldDesc, v: Value, bit: number): Value => {
    if (d.kind !== "structure") {
      const s = strip(v, buffers);
      if (s !== v) lost.set(bit);
      return s;
    }
    let out: StructValue | undefined;
    let child = bit + 1;
    for (const m of d.fields) {
      const old = (v as StructValue)[m.name];
      const s = walk(m.type, old, child);
      if (s !== old) (out ??= { ...v as StructValue })[m.name] = s;
      child += bitCount(m.type);
    }
    return out ?? v;
  };
  return { value: walk(t, value, 0), lost };
}
