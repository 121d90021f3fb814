/**
 * User statistics: the structure a processor's declaration becomes in the status PV, and the
 * check of the values `stats()` returns against it. A value that does not match is an error
 * naming the key, never a silently missing field (PvaPy drops such keys without a word).
 *
 * @module
 */
import {
  coerce,
  CoerceError,
  type FieldDesc,
  scalar,
  scalarArray,
  type ScalarType,
  struct,
  type StructureDesc,
  type StructValue,
  type Value,
} from "../../protocol/pvdata/mod.ts";
import { ProcessorError } from "./errors.ts";
import type { StatScalarType, StatsDeclaration, StatsValues, StatType } from "./types.ts";

/** The pvData scalar type of each statistic type. */
export const STAT_SCALAR_TYPES: Readonly<Record<StatScalarType, ScalarType>> = {
  bool: "bool",
  int: "int32",
  uint: "uint32",
  long: "int64",
  ulong: "uint64",
  float: "float32",
  double: "float64",
  string: "string",
};

/** The JavaScript kinds a statistic value of each type may be (ranges are checked after). */
const JS_KINDS: Readonly<Record<StatScalarType, readonly string[]>> = {
  bool: ["boolean"],
  int: ["number"],
  uint: ["number"],
  long: ["number", "bigint"],
  ulong: ["number", "bigint"],
  float: ["number"],
  double: ["number"],
  string: ["string"],
};

function parseStatType(key: string, t: StatType): { base: StatScalarType; array: boolean } {
  const array = t.endsWith("[]");
  const base = (array ? t.slice(0, -2) : t) as StatScalarType;
  if (!(base in STAT_SCALAR_TYPES)) {
    throw new ProcessorError("stats", `stats key ${key}: unknown type "${t}"`, { key });
  }
  return { base, array };
}

function fieldOf(key: string, t: StatType): FieldDesc {
  const { base, array } = parseStatType(key, t);
  return array ? scalarArray(STAT_SCALAR_TYPES[base]) : scalar(STAT_SCALAR_TYPES[base]);
}

/**
 * The `userStats` structure of the status PV for a declaration.
 * @throws {ProcessorError} (kind "stats") naming a key whose type is unknown
 * @example
 * ```ts
 * import { userStatsType } from "./stats.ts";
 * userStatsType({ nPeaks: "uint" }).fields[0].type; // { kind: "scalar", type: "uint32" }
 * ```
 */
export function userStatsType(declared: StatsDeclaration): StructureDesc {
  return struct("", Object.fromEntries(Object.entries(declared).map(([k, t]) => [k, fieldOf(k, t)])));
}

function show(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return JSON.stringify(v) ?? String(v);
}

function checkKind(key: string, t: StatType, base: StatScalarType, v: unknown): void {
  const ok = (e: unknown) => JS_KINDS[base].includes(typeof e);
  const array = t.endsWith("[]");
  const fits = array
    ? (ArrayBuffer.isView(v) && base !== "string" && base !== "bool") || (Array.isArray(v) && v.every(ok))
    : ok(v);
  if (!fits) throw new ProcessorError("stats", `stats key ${key}: expected ${t}, got ${show(v)}`, { key });
}

/**
 * Checks what `stats()` returned against the declaration and returns them as the
 * `userStats` structure value (64-bit integers as bigint, arrays as typed arrays).
 * @param declared the processor's `statsTypes`
 * @param returned what `stats()` returned
 * @throws {ProcessorError} (kind "stats") naming the first key that is missing, undeclared, or
 * of another type or out of range
 * @example
 * ```ts
 * import { checkStats } from "./stats.ts";
 * checkStats({ n: "ulong" }, { n: 3 }); // { n: 3n }
 * try {
 *   checkStats({ n: "uint" }, { n: -1 });
 * } catch (e) {
 *   (e as Error).message; // "stats key n: expected uint, got -1 (-1 is out of range for uint32)"
 * }
 * ```
 */
export function checkStats(declared: StatsDeclaration, returned: unknown): StructValue {
  if (typeof returned !== "object" || returned === null || Array.isArray(returned)) {
    throw new ProcessorError("stats", `stats() returned ${show(returned)}, not an object`);
  }
  const values = returned as StatsValues;
  const out: StructValue = {};
  for (const [key, t] of Object.entries(declared)) {
    if (!(key in values)) {
      throw new ProcessorError("stats", `stats key ${key}: declared but missing`, { key });
    }
    const { base } = parseStatType(key, t);
    const v = values[key];
    checkKind(key, t, base, v);
    try {
      out[key] = coerce(fieldOf(key, t), v);
    } catch (e) {
      if (!(e instanceof CoerceError)) throw e;
      throw new ProcessorError("stats", `stats key ${key}: expected ${t}, got ${show(v)} (${e.reason})`, {
        key,
      });
    }
  }
  for (const key of Object.keys(values)) {
    if (!(key in declared)) {
      throw new ProcessorError("stats", `stats key ${key}: not declared in statsTypes`, { key });
    }
  }
  return out;
}

/** The value of a statistic before the first report: zero, false, "" or an empty array. */
export function zeroStats(declared: StatsDeclaration): StructValue {
  const out: StructValue = {};
  for (const [key, t] of Object.entries(declared)) {
    const { base, array } = parseStatType(key, t);
    out[key] = coerce(fieldOf(key, t), array ? [] : ZERO[base]) as Value;
  }
  return out;
}

const ZERO: Readonly<Record<StatScalarType, Value>> = {
  bool: false,
  int: 0,
  uint: 0,
  long: 0n,
  ulong: 0n,
  float: 0,
  double: 0,
  string: "",
};
