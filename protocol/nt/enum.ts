/**
 * NTEnum: an index into a list of choice strings.
 *
 * @module
 */
import type { Typed } from "../pvdata/mod.ts";
import { type NTInput, requiredNumber, requiredStrings, requiredStruct, unwrap } from "./access.ts";
import { type Enum, ENUM_T } from "./common.ts";
import { type Meta, type MetaOptions, metaType, metaValues, readMeta } from "./meta.ts";

/** Type id of NTEnum. */
export const NT_ENUM_ID = "epics:nt/NTEnum:1.0";

/** The optional members NTEnum may carry. */
export type NTEnumOptions = Pick<MetaOptions, "descriptor" | "alarm" | "timeStamp">;

/**
 * An NTEnum selecting `choices[index]`.
 * @example
 * ```ts
 * import { ntEnum } from "./enum.ts";
 * const mode = ntEnum(1, ["Off", "On"], { alarm: {}, timeStamp: {} });
 * ```
 */
export function ntEnum(index: number, choices: string[], opts: NTEnumOptions = {}): Typed {
  return {
    type: metaType(NT_ENUM_ID, { value: ENUM_T }, opts, "enum"),
    value: { value: { index, choices } satisfies Enum, ...metaValues(opts) },
  };
}

/** An NTEnum as read. */
export interface NTEnumData extends Meta, Enum {}

/**
 * Reads an NTEnum by field name.
 * @throws {NTError} when `value` is not an enum_t {index, choices}
 */
export function readNTEnum(input: NTInput): NTEnumData {
  const { value: v } = unwrap(input, "NTEnum");
  const e = requiredStruct("NTEnum", v, "value");
  return {
    index: requiredNumber("NTEnum", e, "index", "value"),
    choices: requiredStrings("NTEnum", e, "choices", "value"),
    ...readMeta("NTEnum", v),
  };
}
