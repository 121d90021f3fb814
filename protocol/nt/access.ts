/**
 * Recognising normative types and reaching into their values by field name, with an
 * {@link NTError} instead of a TypeError when something is missing or of the wrong kind.
 * Producers order fields differently (normativeTypesCPP vs pvxs), so nothing here relies on
 * member positions.
 *
 * @module
 */
import {
  type FieldDesc,
  isPlainObject,
  type StructureDesc,
  type StructValue,
  type Typed,
  type Value,
} from "../pvdata/mod.ts";
import { NTError } from "./errors.ts";

/** What the readers accept: a value with its type (the id is then checked) or a bare value. */
export type NTInput = Typed | StructValue;

/**
 * True when `type` is the normative type `name` of major version 1, whatever the minor.
 * @example
 * ```ts
 * import { isNT } from "./access.ts";
 * isNT({ kind: "structure", id: "epics:nt/NTNDArray:1.2", fields: [] }, "NTNDArray"); // true
 * ```
 */
export function isNT(type: FieldDesc | null | undefined, name: string): boolean {
  if (type?.kind !== "structure") return false;
  const prefix = `epics:nt/${name}:1.`;
  return type.id.startsWith(prefix) && /^\d+$/.test(type.id.slice(prefix.length));
}

/** True when `input` is a `{ type, value }` pair rather than a bare structure value. */
export function isTyped(input: NTInput): input is Typed {
  const t = (input as Typed).type;
  return isPlainObject(t) && typeof t.kind === "string" && "value" in input;
}

/**
 * The structure value of a reader input, with its type when one was given. The first of
 * `accepted` names the type in errors; a typed input may have any of their ids.
 * @throws {NTError} when the type id is not accepted or the value is not a structure
 */
export function unwrap(input: NTInput, ...accepted: string[]): { type?: StructureDesc; value: StructValue } {
  const nt = accepted[0];
  if (!isPlainObject(input)) throw new NTError(nt, "", "expected a structure value");
  if (!isTyped(input)) return { value: input };
  const t = input.type;
  if (!accepted.some((name) => isNT(t, name))) {
    const what = t.kind === "structure" ? `"${t.id}"` : `a ${t.kind}`;
    throw new NTError(
      nt,
      "",
      `type is ${what}, not ${accepted.map((n) => `epics:nt/${n}:1.x`).join(" or ")}`,
    );
  }
  if (!isPlainObject(input.value)) throw new NTError(nt, "", "expected a structure value");
  return { type: t as StructureDesc, value: input.value };
}

/** The path of member `name` inside the member path `at` ("" for the top level). */
function pathOf(at: string, name: string): string {
  return at ? `${at}.${name}` : name;
}

/** The member `name` of a structure value found at path `at`; it must be present. */
export function required(nt: string, v: StructValue, name: string, at = ""): Value {
  const m = v[name];
  if (m === undefined || m === null) throw new NTError(nt, pathOf(at, name), "missing");
  return m;
}

/** The structure member `name` (at path `at`), which must be present. */
export function requiredStruct(nt: string, v: StructValue, name: string, at = ""): StructValue {
  const m = required(nt, v, name, at);
  if (!isPlainObject(m)) throw new NTError(nt, pathOf(at, name), "expected a structure");
  return m;
}

/** The structure member `name`, or undefined when the producer left it out. */
export function optionalStruct<T>(nt: string, v: StructValue, name: string): T | undefined {
  const m = v[name];
  if (m === undefined) return undefined;
  if (!isPlainObject(m)) throw new NTError(nt, name, "expected a structure");
  return m as T;
}

/** The string member `name`, or undefined when left out. */
export function optionalString(nt: string, v: StructValue, name: string): string | undefined {
  const m = v[name];
  if (m === undefined) return undefined;
  if (typeof m !== "string") throw new NTError(nt, name, "expected a string");
  return m;
}

/** The numeric member `name` (int64 members arrive as bigint) as a number. */
export function requiredNumber(nt: string, v: StructValue, name: string, at = ""): number {
  const m = required(nt, v, name, at);
  if (typeof m !== "number" && typeof m !== "bigint") {
    throw new NTError(nt, pathOf(at, name), "expected a number");
  }
  return Number(m);
}

/** The string-array member `name`. */
export function requiredStrings(nt: string, v: StructValue, name: string, at = ""): string[] {
  const m = required(nt, v, name, at);
  if (!Array.isArray(m) || !m.every((s) => typeof s === "string")) {
    throw new NTError(nt, pathOf(at, name), "expected an array of strings");
  }
  return m as string[];
}
