/**
 * NTAttribute as NTNDArray carries it: a named `any` value with where it came from.
 *
 * @module
 */
import {
  ANY,
  type AnyValue,
  isPlainObject,
  scalar,
  scalarArray,
  struct,
  type StructureDesc,
  type Typed,
  type Value,
} from "../pvdata/mod.ts";
import { ALARM_T, TIME_T } from "./common.ts";
import { NTError } from "./errors.ts";

/** Type id of NTAttribute. */
export const NT_ATTRIBUTE_ID = "epics:nt/NTAttribute:1.0";

/** Where an attribute's value comes from (`sourceType`), as the NT spec numbers them. */
export const SourceType = { driver: 0, param: 1, epicsPV: 2, function: 3 } as const;

/** The attribute element of NTNDArray in normativeTypesCPP order (what ADCore's NDPluginPva sends). */
export const NT_ATTRIBUTE_T: StructureDesc = struct(NT_ATTRIBUTE_ID, {
  name: scalar("string"),
  value: ANY,
  descriptor: scalar("string"),
  sourceType: scalar("int32"),
  source: scalar("string"),
});

/** The attribute element pvxs builds: it always adds tags, alarm and timeStamp. */
export const NT_ATTRIBUTE_T_PVXS: StructureDesc = struct(NT_ATTRIBUTE_ID, {
  name: scalar("string"),
  value: ANY,
  tags: scalarArray("string"),
  descriptor: scalar("string"),
  alarm: ALARM_T,
  timeStamp: TIME_T,
  sourceType: scalar("int32"),
  source: scalar("string"),
});

/** An attribute value (members of the pvxs layout that are left out encode as defaults). */
export type NTAttribute = {
  name: string;
  value: AnyValue;
  descriptor: string;
  sourceType: number;
  source: string;
};

/**
 * An NTAttribute: `value` is an `any`, i.e. a value with its own type.
 * @example
 * ```ts
 * import { ntAttribute } from "./attribute.ts";
 * import { scalar } from "../pvdata/mod.ts";
 * const colorMode = ntAttribute("ColorMode", { type: scalar("int32"), value: 0 }, "Color mode");
 * ```
 */
export function ntAttribute(
  name: string,
  value: AnyValue,
  descriptor = "",
  sourceType: number = SourceType.driver,
  source = "",
): Typed<NTAttribute> {
  return { type: NT_ATTRIBUTE_T, value: { name, value, descriptor, sourceType, source } };
}

/**
 * The attributes of an NTNDArray `attribute` array as name → plain value (the content of
 * each `any`; null when empty). Null elements are skipped; a later duplicate name wins.
 * @throws {NTError} when the array or an element is malformed
 */
export function readAttributes(nt: string, list: Value | undefined): Map<string, Value> {
  const out = new Map<string, Value>();
  if (list === undefined) return out;
  if (!Array.isArray(list)) throw new NTError(nt, "attribute", "expected an array of NTAttribute");
  list.forEach((a: unknown, i) => {
    if (a === null) return;
    const at = `attribute[${i}]`;
    if (!isPlainObject(a) || typeof a.name !== "string") throw new NTError(nt, at, "expected {name, value}");
    const v = a.value;
    if (!isPlainObject(v) || !("type" in v)) throw new NTError(nt, `${at}.value`, "expected an any value");
    out.set(a.name, v.value ?? null);
  });
  return out;
}
