/**
 * Turning what a caller passes to `put` into a value of the server's PUT type: the client's
 * one rule on top of pvData's {@link overlay} is that a bare value stands for the `value` field.
 * @module
 */
import { BitSet } from "../../pvdata/bitset.ts";
import { isPlainObject, overlay } from "../../pvdata/coerce.ts";
import type { StructureDesc, StructValue } from "../../pvdata/types.ts";

/**
 * Overlays `input` on `current` (a full value of `type`) and marks the fields it sets.
 *
 * `input` is an object of fields (nested objects or dotted keys: `{ "alarm.severity": 2 }`);
 * anything else stands for `{ value: input }`. Values are converted as `overlay` does:
 * bigint for 64-bit fields, the field's typed array for arrays, and a choice name or index
 * for an enum structure (`{index, choices}`, as in NTEnum).
 *
 * @throws {CoerceError} (an EncodeError) naming the field that does not exist or does not fit
 * @example
 * ```ts
 * import { assign } from "./assign.ts";
 * import { scalar, struct } from "../../pvdata/types.ts";
 * const t = struct("", { value: scalar("int64") });
 * const { value, changed } = assign(t, { value: 0n }, 3);
 * // value: { value: 3n }, changed: bit 1
 * ```
 */
export function assign(
  type: StructureDesc,
  current: StructValue,
  input: unknown,
): { value: StructValue; changed: BitSet } {
  const changed = new BitSet();
  const value = overlay(type, current, isPlainObject(input) ? input : { value: input }, changed);
  return { value, changed };
}
