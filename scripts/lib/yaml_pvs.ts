/**
 * PVs described in YAML, for `pva serve FILE.yaml` (a soft IOC in a file).
 *
 * The file is a list of PVs, or a mapping with the list under `pvs`. Every PV has a `name`
 * and a `kind`; `readOnly: true` refuses puts; `descriptor` sets the NT descriptor. Values
 * follow the JSON rules of `pva put` (integers beyond 2^53 as quoted strings, unions as
 * `{name, value}`). Kinds and their keys:
 *
 * ```yaml
 * pvs:
 *   - { name: demo:temp, kind: scalar, type: float64, value: 21.5, display: { units: C } }
 *   - { name: demo:wave, kind: scalarArray, type: int32, value: [1, 2, 3], readOnly: true }
 *   - { name: demo:mode, kind: enum, choices: [Off, On], value: On }  # index or choice
 *   - name: demo:table
 *     kind: table
 *     columns: { x: { type: float64, value: [1, 2] }, label: [a, b] }  # {type, value} or a list
 *     labels: [X, Label]
 *   - { name: demo:image, kind: ndarray, type: uint16, dims: [64, 48], attributes: { ColorMode: 0 } }
 *   - name: demo:point
 *     kind: structure
 *     id: demo:point:1.0
 *     fields:          # scalar names, NAME[] arrays, any, any[], or {struct|union: {...}, id?, array?}
 *       x: float64
 *       tags: string[]
 *       where: { union: { at: float64, named: string } }
 *     value: { x: 1.5, where: { name: named, value: home } }
 * ```
 * Scalars and arrays may also carry `display` and `control`; every NT PV gets an alarm and a
 * time stamp (now). An ndarray without `value` is all zeros.
 *
 * The mapping form may also set the server's limits (docs/limits.md), below the PVASTREAM_*
 * variables and the command line in precedence:
 *
 * ```yaml
 * limits: { maxMessageBytes: 1048576, maxConnections: 64 }
 * pvs: [...]
 * ```
 *
 * @module
 */
import { parseDocument } from "yaml";
import { ntAttribute } from "../../protocol/nt/attribute.ts";
import { CONTROL_T, DISPLAY_T } from "../../protocol/nt/common.ts";
import { ntEnum } from "../../protocol/nt/enum.ts";
import { NTError } from "../../protocol/nt/errors.ts";
import type { MetaOptions } from "../../protocol/nt/meta.ts";
import { ntNDArray } from "../../protocol/nt/ndarray.ts";
import { ntScalar, ntScalarArray } from "../../protocol/nt/scalar.ts";
import { ntTable } from "../../protocol/nt/table.ts";
import { timeStampNow } from "../../protocol/nt/time.ts";
import type { ArrayInput } from "../../protocol/nt/arrays.ts";
import { DEFAULT_PVA_LIMITS, parseLimit, type PvaLimits } from "../../protocol/pva/limits.ts";
import {
  ANY,
  ANY_ARRAY,
  type AnyValue,
  ARRAY_CONSTRUCTORS,
  type FieldDesc,
  isNumericType,
  type NumericArray,
  type NumericType,
  scalar,
  SCALAR_TYPES,
  scalarArray,
  type ScalarType,
  struct,
  structArray,
  type StructureDesc,
  type StructValue,
  type Typed,
  union,
  unionArray,
} from "../../protocol/pvdata/types.ts";
import { isPlainObject } from "../../protocol/pvdata/coerce.ts";
import { defaultValue } from "../../protocol/pvdata/value.ts";
import { fromJson, InputError } from "./coerce.ts";

/** A PV to host: its name, type and initial value. */
export interface PvSpec {
  /** PV name. */
  name: string;
  /** Its type (always a structure). */
  type: StructureDesc;
  /** Its initial value, complete. */
  value: StructValue;
  /** Refuse puts. */
  readOnly: boolean;
}

/** A PV file that cannot be used; the message names the file, the PV and the key. */
export class PvFileError extends Error {
  /**
   * A PV file error.
   * @param message where and what
   */
  constructor(message: string) {
    super(message);
    this.name = "PvFileError";
  }
}

type Entry = Record<string, unknown>;

const COMMON = ["name", "kind", "readOnly", "descriptor", "value"];
const KEYS: Record<string, string[]> = {
  scalar: ["type", "display", "control"],
  scalarArray: ["type", "display", "control"],
  enum: ["choices"],
  table: ["columns", "labels"],
  ndarray: ["type", "dims", "attributes"],
  structure: ["id", "fields"],
};

function scalarType(x: unknown, at: string, numericOnly = false): ScalarType {
  const t = x as ScalarType;
  if (!SCALAR_TYPES.includes(t) || (numericOnly && !isNumericType(t))) {
    const known = SCALAR_TYPES.filter((s) => !numericOnly || isNumericType(s)).join(", ");
    throw new InputError(at, `${JSON.stringify(x)} is not a${numericOnly ? " numeric" : ""} type (${known})`);
  }
  return t;
}

/**
 * The type a `fields` entry describes: a scalar type name, `NAME[]`, `any`, `any[]`, or
 * `{struct: {...}}` / `{union: {...}}` with optional `id` and `array: true`.
 * @throws {InputError} naming the member whose description is not understood
 */
export function typeFromSpec(spec: unknown, at = ""): FieldDesc {
  if (typeof spec === "string") {
    const array = spec.endsWith("[]");
    const base = array ? spec.slice(0, -2) : spec;
    if (base === "any") return array ? ANY_ARRAY : ANY;
    const t = scalarType(base, at);
    return array ? scalarArray(t) : scalar(t);
  }
  if (!isPlainObject(spec) || (spec.struct === undefined) === (spec.union === undefined)) {
    throw new InputError(at, "expected a type name or a mapping with one of struct, union");
  }
  const extra = Object.keys(spec).filter((k) => !["struct", "union", "id", "array"].includes(k));
  if (extra.length) throw new InputError(at, `unknown key ${extra[0]}`);
  const members = spec.struct ?? spec.union;
  if (!isPlainObject(members)) throw new InputError(at, "expected a mapping of member names to types");
  const fields = Object.fromEntries(
    Object.entries(members).map(([name, t]) => [name, typeFromSpec(t, at ? `${at}.${name}` : name)]),
  );
  const id = spec.id === undefined ? "" : String(spec.id);
  if (spec.struct !== undefined) {
    const s = struct(id, fields);
    return spec.array === true ? structArray(s) : s;
  }
  const u = union(id, fields);
  return spec.array === true ? unionArray(u) : u;
}

function meta(e: Entry): MetaOptions {
  const opts: MetaOptions = { alarm: {}, timeStamp: timeStampNow() };
  if (e.descriptor !== undefined) opts.descriptor = String(e.descriptor);
  if (e.display !== undefined) {
    opts.display = fromJson(DISPLAY_T, e.display, {}, "display") as MetaOptions["display"];
  }
  if (e.control !== undefined) {
    opts.control = fromJson(CONTROL_T, e.control, {}, "control") as MetaOptions["control"];
  }
  return opts;
}

function enumIndex(value: unknown, choices: string[]): number {
  if (value === undefined) return 0;
  const i = typeof value === "number" ? value : choices.indexOf(String(value));
  if (!Number.isInteger(i) || i < 0 || i >= choices.length) {
    throw new InputError("value", `${JSON.stringify(value)} is neither a choice nor an index of one`);
  }
  return i;
}

function tableColumns(columns: unknown): Record<string, ArrayInput> {
  if (!isPlainObject(columns)) throw new InputError("columns", "expected a mapping of column names");
  return Object.fromEntries(
    Object.entries(columns).map(([name, c]) => {
      const at = `columns.${name}`;
      if (Array.isArray(c)) return [name, c as ArrayInput];
      if (!isPlainObject(c)) throw new InputError(at, "expected a list or {type, value}");
      return [
        name,
        fromJson(scalarArray(scalarType(c.type, `${at}.type`)), c.value ?? [], {}, at) as ArrayInput,
      ];
    }),
  );
}

function ndarrayData(e: Entry): { data: NumericArray; dims: number[] } {
  const t = scalarType(e.type, "type", true);
  if (!Array.isArray(e.dims) || e.dims.length === 0 || !e.dims.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InputError("dims", "expected a list of positive integers");
  }
  const dims = e.dims as number[];
  const n = dims.reduce((a, b) => a * b, 1);
  if (e.value === undefined) return { data: new ARRAY_CONSTRUCTORS[t as NumericType](n), dims };
  const data = fromJson(scalarArray(t), e.value, {}, "value") as NumericArray;
  if (data.length !== n) throw new InputError("value", `${data.length} elements where dims make ${n}`);
  return { data, dims };
}

function attributes(x: unknown) {
  if (x === undefined) return [];
  if (!isPlainObject(x)) throw new InputError("attributes", "expected a mapping of names to values");
  return Object.entries(x).map(([name, v]) =>
    ntAttribute(name, fromJson(ANY, v, {}, `attributes.${name}`) as AnyValue)
  );
}

const strings = (x: unknown, at: string) => fromJson(scalarArray("string"), x, {}, at) as string[];

/** The type and initial value of one PV entry (errors name keys relative to the entry). */
function build(e: Entry): Typed {
  const opts = meta(e);
  switch (e.kind) {
    case "scalar": {
      const t = scalar(scalarType(e.type, "type"));
      return ntScalar(t.type, fromJson(t, e.value ?? defaultValue(t), {}, "value"), opts);
    }
    case "scalarArray": {
      const t = scalarArray(scalarType(e.type, "type"));
      return ntScalarArray(t.type, fromJson(t, e.value ?? [], {}, "value") as ArrayInput, opts);
    }
    case "enum": {
      const choices = strings(e.choices ?? [], "choices");
      return ntEnum(enumIndex(e.value, choices), choices, opts);
    }
    case "table":
      if (e.value !== undefined) throw new InputError("value", "a table's values go in columns");
      return ntTable(
        tableColumns(e.columns),
        e.labels === undefined ? undefined : strings(e.labels, "labels"),
        opts,
      );
    case "ndarray":
      return ntNDArray({
        ...ndarrayData(e),
        attributes: attributes(e.attributes),
        descriptor: opts.descriptor,
      });
    default: {
      const type = typeFromSpec({ struct: e.fields ?? {}, id: e.id ?? "" }, "fields");
      return { type, value: fromJson(type, e.value ?? {}, { complete: true }, "value") as StructValue };
    }
  }
}

/** What a `pva serve` file describes. */
export interface PvFile {
  /** The PVs. */
  pvs: PvSpec[];
  /** The limits the file sets (none for the list form). */
  limits: Partial<PvaLimits>;
}

/**
 * The PVs and limits a YAML document describes (see the module documentation for the format).
 * @param text the YAML
 * @param source the file name, for messages
 * @throws {PvFileError} for YAML syntax errors (with line and column), unknown kinds or keys,
 * duplicate names, values that do not fit their types, and unknown or invalid limits
 * @example
 * ```ts
 * import { parsePvFile } from "./yaml_pvs.ts";
 * const { pvs: [pv] } = parsePvFile("- { name: demo:x, kind: scalar, type: int32, value: 3 }");
 * pv.value.value; // 3
 * ```
 */
export function parsePvFile(text: string, source = "<yaml>"): PvFile {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new PvFileError(`${source}: ${doc.errors[0].message.split("\n")[0]}`);
  const top = doc.toJS() as unknown;
  const list = isPlainObject(top) ? top.pvs : top;
  if (!Array.isArray(list)) {
    throw new PvFileError(`${source}: expected a list of PVs (or a mapping with pvs: [...])`);
  }
  if (isPlainObject(top)) {
    const unknown = Object.keys(top).find((k) => k !== "pvs" && k !== "limits");
    if (unknown !== undefined) {
      throw new PvFileError(`${source}: unknown key ${unknown} (expected pvs, limits)`);
    }
  }
  return {
    pvs: pvSpecs(list, source),
    limits: fileLimits(isPlainObject(top) ? top.limits : undefined, source),
  };
}

function fileLimits(x: unknown, source: string): Partial<PvaLimits> {
  if (x === undefined) return {};
  if (!isPlainObject(x)) {
    throw new PvFileError(`${source}: limits: expected a mapping of limit names to numbers`);
  }
  const limits: Partial<PvaLimits> = {};
  for (const [key, value] of Object.entries(x)) {
    if (!(key in DEFAULT_PVA_LIMITS)) {
      throw new PvFileError(
        `${source}: limits: unknown limit ${key} (${Object.keys(DEFAULT_PVA_LIMITS).join(", ")})`,
      );
    }
    const name = key as keyof PvaLimits;
    try {
      limits[name] = parseLimit(name, String(value), `limits.${name}`);
    } catch (e) {
      throw new PvFileError(`${source}: ${(e as Error).message}`);
    }
  }
  return limits;
}

function pvSpecs(list: unknown[], source: string): PvSpec[] {
  const seen = new Set<string>();
  return list.map((e: unknown, i) => {
    const where = `${source}: pvs[${i}]`;
    if (!isPlainObject(e) || typeof e.name !== "string" || e.name === "") {
      throw new PvFileError(`${where}: expected a mapping with a name`);
    }
    const at = `${where} (${e.name})`;
    if (seen.has(e.name)) throw new PvFileError(`${at}: the name is used twice`);
    seen.add(e.name);
    const allowed = KEYS[String(e.kind)];
    if (allowed === undefined) {
      throw new PvFileError(
        `${at}: kind ${JSON.stringify(e.kind)} is not one of ${Object.keys(KEYS).join(", ")}`,
      );
    }
    const unknown = Object.keys(e).find((k) => !COMMON.includes(k) && !allowed.includes(k));
    if (unknown !== undefined) throw new PvFileError(`${at}: unknown key ${unknown} for kind ${e.kind}`);
    if (e.readOnly !== undefined && typeof e.readOnly !== "boolean") {
      throw new PvFileError(`${at}: readOnly: expected true or false`);
    }
    try {
      const { type, value } = build(e);
      // Every kind builds a structure: the NT builders and the structure branch above.
      return { name: e.name, type: type as StructureDesc, value, readOnly: e.readOnly === true };
    } catch (err) {
      if (err instanceof InputError || err instanceof NTError) throw new PvFileError(`${at}: ${err.message}`);
      throw err;
    }
  });
}
