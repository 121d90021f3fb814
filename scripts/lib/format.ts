/**
 * Readable output of the `pva` tool, in the manner of pvxs's pvxget/pvxinfo: a type tree,
 * a value tree, and one compact line for NTScalar, NTScalarArray and NTEnum.
 *
 * @module
 */
import type { TimeStamp } from "../../protocol/nt/common.ts";
import { isNT, NTError, readNTEnum, readNTScalar } from "../../protocol/nt/mod.ts";
import {
  type AnyValue,
  type FieldDesc,
  memberIndex,
  type StructValue,
  type UnionValue,
  type Value,
} from "../../protocol/pvdata/types.ts";

/** How much of each array readable output shows. */
export interface FormatOptions {
  /** Elements shown per array before "..." (default 10; -1 shows all). */
  arrayLimit?: number;
}

const INDENT = "    ";
const SEVERITIES = ["NO_ALARM", "MINOR", "MAJOR", "INVALID"];

/**
 * The name of a type as the tree shows it: `float64`, `int32[]`, `structure "alarm_t"`, `any[]`.
 * @example
 * ```ts
 * import { typeName } from "./format.ts";
 * typeName({ kind: "scalarArray", type: "uint16" }); // "uint16[]"
 * ```
 */
export function typeName(t: FieldDesc): string {
  const id = (s: string) => s ? ` "${s}"` : "";
  switch (t.kind) {
    case "scalar":
      return t.type;
    case "scalarArray":
      return `${t.type}[]`;
    case "structure":
    case "union":
      return `${t.kind}${id(t.id)}`;
    case "structureArray":
      return `structure[]${id(t.element.id)}`;
    case "unionArray":
      return `union[]${id(t.element.id)}`;
    case "any":
      return "any";
    case "anyArray":
      return "any[]";
  }
}

/**
 * The type tree, one line per field (`type name`), members indented under their structure.
 * @example
 * ```ts
 * import { formatType } from "./format.ts";
 * import { scalar, struct } from "../../protocol/pvdata/types.ts";
 * formatType(struct("point", { x: scalar("float64") })); // ['structure "point"', "    float64 x"]
 * ```
 */
export function formatType(t: FieldDesc, name = "", indent = ""): string[] {
  const lines = [`${indent}${typeName(t)}${name ? ` ${name}` : ""}`];
  const members = t.kind === "structure" || t.kind === "union"
    ? t.fields
    : t.kind === "structureArray" || t.kind === "unionArray"
    ? t.element.fields
    : [];
  for (const m of members) lines.push(...formatType(m.type, m.name, indent + INDENT));
  return lines;
}

/** A scalar as text: strings quoted, numbers and booleans as they print. */
function scalarText(v: Value): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** An array as `[a, b, ...]`, cut after `limit` elements with the full count. */
export function arrayText(a: ArrayLike<Value>, limit = 10): string {
  const shown = limit < 0 ? a.length : Math.min(limit, a.length);
  const parts = Array.from({ length: shown }, (_, i) => scalarText(a[i]));
  if (shown < a.length) return `[${parts.join(", ")}, ...] (${a.length} elements)`;
  return `[${parts.join(", ")}]`;
}

/**
 * A time stamp as UTC ISO 8601 with nanoseconds, or `<undefined>` for the zero stamp.
 * @example
 * ```ts
 * import { formatTime } from "./format.ts";
 * formatTime({ secondsPastEpoch: 1n, nanoseconds: 5, userTag: 0 }); // "1970-01-01T00:00:01.000000005Z"
 * ```
 */
export function formatTime(t: TimeStamp): string {
  if (t.secondsPastEpoch === 0n && t.nanoseconds === 0) return "<undefined>";
  const iso = new Date(Number(t.secondsPastEpoch) * 1000).toISOString().slice(0, 19);
  return `${iso}.${String(t.nanoseconds).padStart(9, "0")}Z`;
}

/** The value tree lines of `label` (a field name, or the PV name at the top). */
function valueLines(label: string, t: FieldDesc, v: Value, indent: string, o: FormatOptions): string[] {
  const limit = o.arrayLimit ?? 10;
  switch (t.kind) {
    case "scalar":
      return [`${indent}${label} = ${scalarText(v)}`];
    case "scalarArray":
      return [`${indent}${label} = ${arrayText(v as ArrayLike<Value>, limit)}`];
    case "structure": {
      const lines = [`${indent}${label}${t.id ? ` (${t.id})` : ""}`];
      for (const m of t.fields) {
        lines.push(...valueLines(m.name, m.type, (v as StructValue)[m.name], indent + INDENT, o));
      }
      return lines;
    }
    case "union": {
      const u = v as UnionValue | null;
      const i = u?.name == null ? -1 : memberIndex(t, u.name);
      if (i < 0) return [`${indent}${label} = (no member)`];
      return valueLines(`${label}->${u!.name}`, t.fields[i].type, u!.value, indent, o);
    }
    case "any": {
      const a = v as AnyValue | null;
      return a?.type ? valueLines(label, a.type, a.value, indent, o) : [`${indent}${label} = (empty)`];
    }
    default: {
      const list = v as (Value | null)[];
      const element: FieldDesc = t.kind === "anyArray" ? { kind: "any" } : t.element;
      const shown = limit < 0 ? list.length : Math.min(limit, list.length);
      const lines = [`${indent}${label} ${typeName(t)} (${list.length} elements)`];
      for (let i = 0; i < shown; i++) {
        const e = list[i];
        lines.push(
          ...(e === null
            ? [`${indent}${INDENT}[${i}] = null`]
            : valueLines(`[${i}]`, element, e, indent + INDENT, o)),
        );
      }
      if (shown < list.length) lines.push(`${indent}${INDENT}...`);
      return lines;
    }
  }
}

/** " MAJOR message" for an alarm that is raised, else "". */
function alarmText(a: { severity: number; message: string } | undefined): string {
  if (!a || a.severity === 0) return "";
  return ` ${SEVERITIES[a.severity] ?? `severity ${a.severity}`}${a.message ? ` ${a.message}` : ""}`;
}

/** The one-line form of NTScalar, NTScalarArray and NTEnum values, else undefined. */
function compactLine(name: string, t: FieldDesc, v: Value, o: FormatOptions): string | undefined {
  const input = { type: t, value: v as StructValue };
  const when = (ts: TimeStamp | undefined) => ts ? ` ${formatTime(ts)}` : "";
  if (isNT(t, "NTScalar") || isNT(t, "NTScalarArray")) {
    const d = readNTScalar(input);
    const shown = ArrayBuffer.isView(d.value) || Array.isArray(d.value)
      ? arrayText(d.value as ArrayLike<Value>, o.arrayLimit)
      : scalarText(d.value);
    return `${name}${when(d.timeStamp)} ${shown}${alarmText(d.alarm)}`;
  }
  if (isNT(t, "NTEnum")) {
    const d = readNTEnum(input);
    const choice = d.choices[d.index] ?? "(no such choice)";
    return `${name}${when(d.timeStamp)} (${d.index}) ${choice}${alarmText(d.alarm)}`;
  }
  return undefined;
}

/**
 * Readable lines for one PV value: NTScalar, NTScalarArray and NTEnum on one line
 * (`name time value [alarm]`), anything else (also a normative type that does not read as
 * one) as the PV name followed by the value tree.
 * @example
 * ```ts
 * import { formatValue } from "./format.ts";
 * import { ntScalar } from "../../protocol/nt/mod.ts";
 * const { type, value } = ntScalar("float64", 1.5);
 * formatValue("pv:x", type, value); // ["pv:x 1.5"]
 * ```
 */
export function formatValue(name: string, t: FieldDesc, v: Value, o: FormatOptions = {}): string[] {
  try {
    const line = compactLine(name, t, v, o);
    if (line !== undefined) return [line];
  } catch (e) {
    if (!(e instanceof NTError)) throw e;
  }
  return valueLines(name, t, v, "", o);
}
