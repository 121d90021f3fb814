/**
 * Wire round trips for the normative-type tests: a typed value written as type + full value
 * and read back, the way a GET reply or the first monitor update carries it.
 *
 * @module
 */
import { readNonNullType, writeType } from "../../protocol/pvdata/typedesc.ts";
import type { FieldDesc, StructValue, Typed } from "../../protocol/pvdata/types.ts";
import { readValue, writeValue } from "../../protocol/pvdata/value.ts";
import { decode, encode } from "../pvdata/helpers.ts";

/** Encodes `t` (with `as` for its type if given) and decodes it again. */
export function viaWire(t: Typed, le: boolean, as: FieldDesc = t.type): Typed {
  const bytes = encode(le, (w) => {
    writeType(w, as);
    writeValue(w, as, t.value);
  });
  return decode(bytes, le, (r) => {
    const type = readNonNullType(r, "test value");
    return { type, value: readValue(r, type) as StructValue };
  });
}
